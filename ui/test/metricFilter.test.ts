// The metrics explorer's filter (src/pages/query/metricFilter.ts): what matches, in which order,
// what is highlighted, and which metadata a name gets.

import './setup';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterMetrics, highlightSegments, metadataFor, normalizeQuery } from '../src/pages/query/metricFilter';

const names = [
  'up',
  'prometheus_http_requests_total',
  'http_requests_total',
  'scrape_duration_seconds',
  'go_gc_duration_seconds',
  'setup_total',
  'process_cpu_seconds_total',
];

test('filterMetrics: an empty or blank query lists every name, sorted, nothing highlighted', () => {
  for (const q of ['', '   ']) {
    const all = filterMetrics(names, q);
    assert.deepEqual(
      all.map((m) => m.name),
      [...names].sort(),
    );
    assert.ok(all.every((m) => m.ranges.length === 0));
  }
});

test('filterMetrics: exact, then prefix, then word start, then inside a word', () => {
  const found = filterMetrics(['setup_total', 'backup', 'up_down', 'up', 'job_up'], 'up');
  assert.deepEqual(
    found.map((m) => m.name),
    ['up', 'up_down', 'job_up', 'setup_total', 'backup'],
  );
  assert.deepEqual(found[0].ranges, [[0, 2]]);
  assert.deepEqual(found[2].ranges, [[4, 6]]);
  // Both hold "up" mid-word: the earlier start first.
  assert.deepEqual(found[3].ranges, [[3, 5]]);
  assert.deepEqual(found[4].ranges, [[4, 6]]);
});

test('filterMetrics: a later word start wins over an earlier mid-word match in the same name', () => {
  const [m] = filterMetrics(['groups_up'], 'up');
  assert.deepEqual(m.ranges, [[7, 9]]);
});

test('filterMetrics: case and spaces are ignored', () => {
  assert.deepEqual(
    filterMetrics(names, ' HTTP_Requests ').map((m) => m.name),
    ['http_requests_total', 'prometheus_http_requests_total'],
  );
  // "httprequests" is no substring: both match as subsequences, the one in fewer runs first.
  const spaced = filterMetrics(names, 'http requests');
  assert.deepEqual(
    spaced.map((m) => m.name),
    ['http_requests_total', 'prometheus_http_requests_total'],
  );
  assert.deepEqual(spaced[0].ranges, [
    [0, 4],
    [5, 13],
  ]);
});

test('filterMetrics: a subsequence matches when no substring does, after every substring match', () => {
  const found = filterMetrics(names, 'hrt');
  assert.deepEqual(
    found.map((m) => m.name),
    ['http_requests_total', 'prometheus_http_requests_total'],
  );
  assert.deepEqual(found[0].ranges, [
    [0, 1],
    [5, 6],
    [11, 12],
  ]);
  // Runs of consecutive matched characters are one range.
  const [dur] = filterMetrics(['scrape_duration_seconds'], 'durs');
  assert.deepEqual(dur.ranges, [
    [7, 10],
    [16, 17],
  ]);
  // "sec" is a substring of these, a better match than any subsequence.
  const sec = filterMetrics(['s_e_c', 'scrape_duration_seconds'], 'sec');
  assert.deepEqual(
    sec.map((m) => m.name),
    ['scrape_duration_seconds', 's_e_c'],
  );
});

test('filterMetrics: fewer runs rank first among subsequence matches, then the shorter name', () => {
  const found = filterMetrics(['a_x_b_x_c', 'ab_x_c', 'abxc'], 'abc');
  assert.deepEqual(
    found.map((m) => m.name),
    ['abxc', 'ab_x_c', 'a_x_b_x_c'],
  );
});

test('filterMetrics: no match, no result', () => {
  assert.deepEqual(filterMetrics(names, 'zzz'), []);
  assert.deepEqual(filterMetrics([], 'up'), []);
});

test('filterMetrics: a list of 20,000 names', () => {
  const many = Array.from({ length: 20000 }, (_, i) => `metric_${i}_http_server_requests_seconds_bucket`);
  // Every name matches "req", none "zzz", and the one with "19999" comes first.
  assert.equal(filterMetrics(many, 'req').length, 20000);
  assert.equal(filterMetrics(many, 'zzz').length, 0);
  assert.equal(filterMetrics(many, '19999')[0].name, 'metric_19999_http_server_requests_seconds_bucket');
});

test('normalizeQuery: lower case without spaces', () => {
  assert.equal(normalizeQuery('  Go GC '), 'gogc');
});

test('highlightSegments: the text cut at the ranges', () => {
  assert.deepEqual(highlightSegments('http_requests_total', [[5, 13]]), [
    { text: 'http_', match: false },
    { text: 'requests', match: true },
    { text: '_total', match: false },
  ]);
  assert.deepEqual(highlightSegments('up', [[0, 2]]), [{ text: 'up', match: true }]);
  assert.deepEqual(highlightSegments('up', []), [{ text: 'up', match: false }]);
  assert.deepEqual(highlightSegments('', []), [{ text: '', match: false }]);
  assert.deepEqual(
    highlightSegments('abc', [
      [0, 1],
      [2, 3],
    ]),
    [
      { text: 'a', match: true },
      { text: 'b', match: false },
      { text: 'c', match: true },
    ],
  );
});

test('metadataFor: the name own metadata, else that of the name without a series suffix', () => {
  const metadata = {
    http_request_duration_seconds: [{ type: 'histogram', help: 'Latency.', unit: '' }],
    http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }],
    odd_count: [{ type: 'gauge', help: 'Named against the conventions.', unit: '' }],
    odd: [{ type: 'counter', help: 'Not this one.', unit: '' }],
  };
  assert.equal(metadataFor('http_request_duration_seconds_bucket', metadata)?.type, 'histogram');
  assert.equal(metadataFor('http_request_duration_seconds_count', metadata)?.type, 'histogram');
  assert.equal(metadataFor('http_requests_total', metadata)?.help, 'Requests.');
  assert.equal(metadataFor('odd_count', metadata)?.type, 'gauge');
  assert.equal(metadataFor('unknown_total', metadata), undefined);
  assert.equal(metadataFor('up', undefined), undefined);
});
