// A range query's result as uPlot's columnar data: one x array on the query's step grid (seconds)
// and one y array per series with null in the gaps. Built in one pass without per-point objects,
// so 1,000 series × 1,000 points take milliseconds.

import type { Metric, RangeSeries } from './queryApi';

export interface ChartData {
  xs: Float64Array; // seconds
  ys: (number | null)[][]; // one per series, xs.length long
  metrics: Metric[];
}

function sampleValue(text: string): number | undefined {
  const v = +text; // "+Inf", "-Inf" and "NaN" are not drawable
  return v === v && v !== Infinity && v !== -Infinity ? v : undefined;
}

// start, end and step in ms, as sent to /api/v1/query_range.
export function buildChartData(result: RangeSeries[], start: number, end: number, step: number): ChartData {
  const n = Math.max(1, Math.floor((end - start) / step) + 1);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = (start + i * step) / 1000;
  const ys: (number | null)[][] = [];
  const metrics: Metric[] = [];
  const startSec = start / 1000;
  const stepSec = step / 1000;
  for (const series of result) {
    // Numbers go into a fresh array first, so V8 keeps it an unboxed double array; only a series
    // with gaps gets nulls (uPlot's gap marker) afterwards.
    const y: (number | null)[] = new Array(n);
    let filled = 0;
    const values = series.values;
    if (values) {
      for (let j = 0; j < values.length; j++) {
        const sample = values[j];
        const i = Math.round((sample[0] - startSec) / stepSec);
        const v = sampleValue(sample[1]);
        if (i >= 0 && i < n && v !== undefined) {
          y[i] = v;
          filled++;
        }
      }
    }
    // Native histograms are drawn by their count.
    const hists = series.histograms;
    if (hists) {
      for (let j = 0; j < hists.length; j++) {
        const i = Math.round((hists[j][0] - startSec) / stepSec);
        const v = sampleValue(hists[j][1].count);
        if (i >= 0 && i < n && v !== undefined) {
          y[i] = v;
          filled++;
        }
      }
    }
    if (filled < n) for (let i = 0; i < n; i++) if (y[i] === undefined) y[i] = null;
    ys.push(y);
    metrics.push(series.metric);
  }
  return { xs, ys, metrics };
}

// Running sums for the stacked display: series k holds the sum of the visible series 0..k (gaps
// count as 0, but a series' own gap stays a gap; hidden series add nothing).
export function stack(ys: (number | null)[][], visible: boolean[] | null): (number | null)[][] {
  if (ys.length === 0) return ys;
  const n = ys[0].length;
  const acc = new Float64Array(n);
  return ys.map((y, k) => {
    const out: (number | null)[] = new Array(n);
    if (visible && !visible[k]) return out.fill(null);
    for (let i = 0; i < n; i++) {
      const v = y[i];
      if (v !== null) acc[i] += v;
      out[i] = v === null ? null : acc[i];
    }
    return out;
  });
}

// Series colours: a palette that reads on both the light and the dark background.
const lightPalette = ['#1f77b4', '#e6550d', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#d6449c', '#6b6b6b', '#a6a80f', '#0f9fb0', '#3d5a9e', '#b8860b', '#2e8b57', '#b03060', '#6a5acd', '#cd5c5c'];
const darkPalette = ['#5fa8e8', '#ff9248', '#5cd65c', '#ff6b6b', '#c39bff', '#d4a373', '#ff7ec7', '#b8b8b8', '#e0e04a', '#4fd6e6', '#8fa8ff', '#ffc14d', '#66d9a0', '#ff85a8', '#a99cff', '#ff9d8a'];

export function seriesColor(i: number, dark: boolean): string {
  const p = dark ? darkPalette : lightPalette;
  return p[i % p.length];
}
