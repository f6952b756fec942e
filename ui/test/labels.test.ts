// A series' label set as text (src/pages/query/labels.ts), as Prometheus prints it.

import './setup';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeLabelValue, labelNameText, labelPairText, seriesText } from '../src/pages/query/labels';

test('seriesText: metric name, then the labels in their order', () => {
  assert.equal(seriesText({ __name__: 'up', job: 'api', instance: 'a:9100' }), 'up{job="api", instance="a:9100"}');
  assert.equal(seriesText({ job: 'api', __name__: 'up' }), 'up{job="api"}');
});

test('seriesText: no name, no labels, nothing', () => {
  assert.equal(seriesText({ job: 'api' }), '{job="api"}');
  assert.equal(seriesText({ __name__: 'up' }), 'up');
  assert.equal(seriesText({}), '{}');
});

test('seriesText: quotes, backslashes and newlines in values are escaped', () => {
  assert.equal(seriesText({ __name__: 'x', path: 'C:\\dir "a"' }), 'x{path="C:\\\\dir \\"a\\""}');
  assert.equal(seriesText({ msg: 'two\nlines' }), '{msg="two\\nlines"}');
  // Other characters stay as they are.
  assert.equal(seriesText({ v: "it's 5° {ok}, 'yes'" }), `{v="it's 5° {ok}, 'yes'"}`);
});

test('seriesText: UTF-8 names are quoted, the metric name first inside the braces', () => {
  assert.equal(seriesText({ __name__: 'http.requests', 'service.name': 'a' }), '{"http.requests", "service.name"="a"}');
  assert.equal(seriesText({ __name__: 'my metric' }), '{"my metric"}');
  assert.equal(seriesText({ __name__: 'ns:rate5m', _a: '1' }), 'ns:rate5m{_a="1"}');
});

test('escapeLabelValue: only backslash, quote and newline change', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd\te'), 'a\\\\b\\"c\\nd\te');
  assert.equal(escapeLabelValue(''), '');
});

test('labelNameText and labelPairText: classic names bare, others quoted', () => {
  assert.equal(labelNameText('job'), 'job');
  assert.equal(labelNameText('_x9'), '_x9');
  assert.equal(labelNameText('9x'), '"9x"');
  assert.equal(labelNameText('a:b'), '"a:b"');
  assert.equal(labelNameText('say "hi"'), '"say \\"hi\\""');
  assert.equal(labelPairText('le', '+Inf'), 'le="+Inf"');
});
