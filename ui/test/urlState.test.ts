// The query page's panels in the URL (src/pages/query/urlState.ts): Prometheus 3.x's parameters
// written and read, Prometheus 2.x's still read.

import './setup';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodePanels,
  effectiveStep,
  encodePanels,
  formatUrlTime,
  newPanel,
  parseUrlTime,
  type PanelState,
} from '../src/pages/query/urlState';

const ninePm = Date.UTC(2026, 11, 4, 21, 0, 0);

function decode(query: string): Omit<PanelState, 'id'>[] {
  return decodePanels(new URLSearchParams(query)).map(({ id: _id, ...rest }) => rest);
}

function panel(fields: Partial<PanelState>): PanelState {
  return { ...newPanel(), ...fields };
}

test('newPanel: a table over the last hour at medium density, each with its own id', () => {
  const a = newPanel('up');
  const b = newPanel();
  assert.notEqual(a.id, b.id);
  assert.deepEqual(
    { ...a, id: 0 },
    { id: 0, expr: 'up', tab: 'table', endTime: null, range: 3600e3, resolution: { type: 'auto', density: 'medium' }, stacked: false },
  );
});

test('encodePanels: Prometheus 3.x names, in its order', () => {
  const p = panel({ expr: 'rate(x[5m])', tab: 'graph', endTime: ninePm, range: 90 * 60e3, resolution: { type: 'fixed', step: 15e3 }, stacked: true });
  assert.deepEqual(
    [...encodePanels([p]).entries()],
    [
      ['g0.expr', 'rate(x[5m])'],
      ['g0.show_tree', '0'],
      ['g0.tab', 'graph'],
      ['g0.end_input', '2026-12-04 21:00:00'],
      ['g0.moment_input', '2026-12-04 21:00:00'],
      ['g0.range_input', '1h30m'],
      ['g0.res_type', 'fixed'],
      ['g0.res_step', '15'],
      ['g0.display_mode', 'stacked'],
      ['g0.show_exemplars', '0'],
    ],
  );
});

test('encodePanels: "now" writes no end time; auto resolution writes its density', () => {
  const params = encodePanels([panel({ expr: 'up' }), panel({ expr: 'down', tab: 'explain' })]);
  assert.equal(params.has('g0.end_input'), false);
  assert.equal(params.has('g0.moment_input'), false);
  assert.equal(params.get('g0.res_type'), 'auto');
  assert.equal(params.get('g0.res_density'), 'medium');
  assert.equal(params.has('g0.res_step'), false);
  assert.equal(params.get('g0.display_mode'), 'lines');
  assert.equal(params.get('g1.expr'), 'down');
  assert.equal(params.get('g1.tab'), 'explain');
});

test('decodePanels: Prometheus 3.x parameters', () => {
  const query =
    'g0.expr=up&g0.show_tree=0&g0.tab=explain&g0.range_input=2h&g0.res_type=auto&g0.res_density=high&g0.display_mode=lines' +
    '&g1.expr=sum(x)&g1.tab=graph&g1.end_input=2026-12-04%2021%3A00%3A00&g1.res_type=custom&g1.res_step=0.5&g1.display_mode=stacked';
  assert.deepEqual(decode(query), [
    { expr: 'up', tab: 'explain', endTime: null, range: 2 * 3600e3, resolution: { type: 'auto', density: 'high' }, stacked: false },
    { expr: 'sum(x)', tab: 'graph', endTime: ninePm, range: 3600e3, resolution: { type: 'custom', step: 500 }, stacked: true },
  ]);
});

test('decodePanels: Prometheus 2.x graph (tab=0, stacked, step_input, end_input without seconds)', () => {
  const query = 'g0.expr=up&g0.tab=0&g0.stacked=1&g0.range_input=1d&g0.end_input=2026-12-04%2021%3A00&g0.step_input=30';
  assert.deepEqual(decode(query), [
    { expr: 'up', tab: 'graph', endTime: ninePm, range: 24 * 3600e3, resolution: { type: 'custom', step: 30e3 }, stacked: true },
  ]);
});

test('decodePanels: Prometheus 2.x table (tab=1, moment_input) and stacked=0', () => {
  const query = 'g0.expr=up&g0.tab=1&g0.stacked=0&g0.moment_input=2026-12-04%2021%3A00%3A00';
  assert.deepEqual(decode(query), [
    { expr: 'up', tab: 'table', endTime: ninePm, range: 3600e3, resolution: { type: 'auto', density: 'medium' }, stacked: false },
  ]);
});

test('decodePanels: moment_input wins over end_input, stacked over display_mode', () => {
  const [p] = decode('g0.expr=up&g0.end_input=2026-01-01%2000%3A00%3A00&g0.moment_input=2026-12-04%2021%3A00%3A00&g0.display_mode=lines&g0.stacked=1');
  assert.equal(p.endTime, ninePm);
  assert.equal(p.stacked, true);
});

test('decodePanels: a time that does not parse leaves the other one', () => {
  const [p] = decode('g0.expr=up&g0.end_input=2026-12-04%2021%3A00%3A00&g0.moment_input=never');
  assert.equal(p.endTime, ninePm);
});

test('decodePanels: 3.x res_type overrides 2.x step_input', () => {
  const [p] = decode('g0.expr=up&g0.step_input=30&g0.res_type=fixed&g0.res_step=60');
  assert.deepEqual(p.resolution, { type: 'fixed', step: 60e3 });
});

test('decodePanels: panels end at the first missing gN.expr', () => {
  assert.deepEqual(decode(''), []);
  assert.deepEqual(decode('g1.expr=b').length, 0);
  assert.deepEqual(
    decode('g0.expr=a&g1.expr=&g3.expr=d').map((p) => p.expr),
    ['a', ''],
  );
});

test('decodePanels: bad values leave the defaults', () => {
  const [p] = decode(
    'g0.expr=up&g0.tab=chart&g0.range_input=an%20hour&g0.end_input=yesterday&g0.step_input=-1&g0.res_type=fixed&g0.res_step=0&g0.res_density=ultra',
  );
  assert.deepEqual(p, { expr: 'up', tab: 'table', endTime: null, range: 3600e3, resolution: { type: 'auto', density: 'medium' }, stacked: false });
  assert.equal(decode('g0.expr=up&g0.range_input=0s')[0].range, 3600e3);
  assert.deepEqual(decode('g0.expr=up&g0.res_type=auto&g0.res_density=ultra')[0].resolution, { type: 'auto', density: 'medium' });
});

test('encodePanels then decodePanels: every setting survives', () => {
  const panels = [
    panel({ expr: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))', tab: 'graph', endTime: ninePm, range: 379 * 24 * 3600e3, resolution: { type: 'custom', step: 500 }, stacked: true }),
    panel({ expr: 'up == 0 & "a+b"', tab: 'table', endTime: null, range: 90 * 60e3, resolution: { type: 'auto', density: 'low' }, stacked: false }),
    panel({ expr: '', tab: 'explain', endTime: Date.UTC(1999, 0, 1, 0, 0, 1), range: 1000, resolution: { type: 'fixed', step: 3600e3 }, stacked: false }),
  ];
  const decoded = decodePanels(new URLSearchParams(encodePanels(panels).toString()));
  assert.deepEqual(
    decoded.map(({ id: _id, ...rest }) => rest),
    panels.map(({ id: _id, ...rest }) => rest),
  );
});

test('formatUrlTime: UTC, whole seconds', () => {
  assert.equal(formatUrlTime(ninePm), '2026-12-04 21:00:00');
  assert.equal(formatUrlTime(Date.UTC(2026, 0, 2, 3, 4, 5, 999)), '2026-01-02 03:04:05');
});

test('parseUrlTime: the formats bookmarks carry', () => {
  assert.equal(parseUrlTime('2026-12-04 21:00:00'), ninePm);
  assert.equal(parseUrlTime('2026-12-04 21:00'), ninePm);
  assert.equal(parseUrlTime(' 2026-12-04T21:00:00Z '), ninePm);
  assert.equal(parseUrlTime('2026-12-04'), Date.UTC(2026, 11, 4));
  assert.equal(parseUrlTime('2026-12-04T21:00:00.123456Z'), ninePm + 123);
  assert.equal(parseUrlTime('2026-12-04T21:00:00.5'), ninePm + 500);
  assert.equal(parseUrlTime('2026-12-04T23:00:00+02:00'), ninePm);
  assert.equal(parseUrlTime('2026-12-04T16:30:00-0430'), ninePm);
});

test('parseUrlTime: null for what is not a time', () => {
  for (const text of ['', 'yesterday', '1733346000', '2026-12-04 21', '04/12/2026 21:00']) {
    assert.equal(parseUrlTime(text), null, JSON.stringify(text));
  }
});

test('effectiveStep: auto is range / 100, 250 or 750 points, whole seconds, at least 1s', () => {
  const hour = 3600e3;
  assert.equal(effectiveStep({ type: 'auto', density: 'low' }, hour), 36e3);
  assert.equal(effectiveStep({ type: 'auto', density: 'medium' }, hour), 14e3);
  assert.equal(effectiveStep({ type: 'auto', density: 'high' }, hour), 4e3);
  assert.equal(effectiveStep({ type: 'auto', density: 'low' }, 60e3), 1e3);
});

test('effectiveStep: fixed and custom steps are kept', () => {
  assert.equal(effectiveStep({ type: 'fixed', step: 15e3 }, 3600e3), 15e3);
  assert.equal(effectiveStep({ type: 'custom', step: 500 }, 24 * 3600e3), 500);
});
