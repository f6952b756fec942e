// The graph's data (src/pages/query/chartData.ts): range query results on the step grid, with
// gaps, and the running sums of the stacked display.

import './setup';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildChartData, seriesColor, stack } from '../src/pages/query/chartData';
import type { RangeSeries } from '../src/pages/query/queryApi';

// A window that does not start on a whole second, as "now" rarely does.
const start = 1_700_000_000_123;
const step = 15e3;
const end = start + 4 * step;
const at = (i: number) => (start + i * step) / 1000; // sample time in seconds, as the API gives it

function series(metric: Record<string, string>, points: [number, string][]): RangeSeries {
  return { metric, values: points.map(([i, v]) => [at(i), v]) };
}

test('buildChartData: x is the step grid from start to end, in seconds', () => {
  const { xs } = buildChartData([], start, end, step);
  assert.deepEqual([...xs], [0, 1, 2, 3, 4].map(at));
});

test('buildChartData: an end off the grid ends at the last step before it', () => {
  assert.equal(buildChartData([], start, start + 50e3, step).xs.length, 4);
  assert.equal(buildChartData([], start, start - 1, step).xs.length, 1);
});

test('buildChartData: each series on the grid, null in its gaps, metrics in order', () => {
  const data = buildChartData(
    [
      series({ __name__: 'a' }, [[0, '1'], [1, '2'], [2, '3'], [3, '4'], [4, '5']]),
      series({ __name__: 'b' }, [[0, '10'], [2, '-2.5'], [4, '1e3']]),
      { metric: { __name__: 'c' } },
      series({ __name__: 'd' }, [[0, '1'], [1, '2'], [2, '3'], [3, '4']]),
    ],
    start,
    end,
    step,
  );
  assert.deepEqual(data.ys, [
    [1, 2, 3, 4, 5],
    [10, null, -2.5, null, 1000],
    [null, null, null, null, null],
    [1, 2, 3, 4, null],
  ]);
  assert.deepEqual(data.metrics, [{ __name__: 'a' }, { __name__: 'b' }, { __name__: 'c' }, { __name__: 'd' }]);
});

test('buildChartData: samples snap to the nearest step; outside the window they are dropped', () => {
  const values: [number, string][] = [
    [at(-1), '0'],
    [at(1) + 0.0004, '1'],
    [at(2) - 0.0004, '2'],
    [at(5), '5'],
  ];
  const { ys } = buildChartData([{ metric: {}, values }], start, end, step);
  assert.deepEqual(ys, [[null, 1, 2, null, null]]);
});

test('buildChartData: NaN and infinities are gaps', () => {
  const { ys } = buildChartData([series({}, [[0, 'NaN'], [1, '+Inf'], [2, '-Inf'], [3, '7']])], start, end, step);
  assert.deepEqual(ys, [[null, null, null, 7, null]]);
  // Beyond the float range JavaScript reads infinity too.
  const big = buildChartData([series({}, [[0, '1e999'], [1, '-1e999'], [2, '1e308']])], start, end, step);
  assert.deepEqual(big.ys, [[null, null, 1e308, null, null]]);
});

test('buildChartData: native histograms are drawn by their count', () => {
  const hist = (count: string) => ({ count, sum: '0' });
  const { ys } = buildChartData(
    [{ metric: {}, histograms: [[at(0), hist('3')], [at(3), hist('8')]] }],
    start,
    end,
    step,
  );
  assert.deepEqual(ys, [[3, null, null, 8, null]]);
});

test('stack: running sums; a gap adds nothing and stays a gap', () => {
  const ys = [
    [1, 2, null],
    [10, null, 30],
    [100, 200, 300],
  ];
  assert.deepEqual(stack(ys, null), [
    [1, 2, null],
    [11, null, 30],
    [111, 202, 330],
  ]);
  assert.deepEqual(ys[0], [1, 2, null], 'input unchanged');
});

test('stack: hidden series are empty and add nothing', () => {
  const ys = [
    [1, 2],
    [10, 20],
    [100, 200],
  ];
  assert.deepEqual(stack(ys, [true, false, true]), [
    [1, 2],
    [null, null],
    [101, 202],
  ]);
  assert.deepEqual(stack([], null), []);
});

test('seriesColor: the palette repeats, light and dark differ', () => {
  assert.equal(seriesColor(16, false), seriesColor(0, false));
  assert.notEqual(seriesColor(1, false), seriesColor(0, false));
  assert.notEqual(seriesColor(0, true), seriesColor(0, false));
});
