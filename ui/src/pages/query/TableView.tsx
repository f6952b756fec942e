// The Table tab: an instant query at the evaluation time, its series and values.

import type { VNode } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ErrorBox, Warnings } from '../../components/common';
import { formatTime } from '../../format';
import { usePostQuery, type Histogram, type InstantSample, type QueryData, type RangeSeries, type SampleValue } from './queryApi';
import { SeriesName } from './SeriesName';
import { ResultStats } from './ResultStats';

export const maxRows = 10000;

function HistogramText(props: { h: Histogram }) {
  return (
    <span class="mono">
      count: {props.h.count}, sum: {props.h.sum}
      {props.h.buckets && `, ${props.h.buckets.length} buckets`}
    </span>
  );
}

function RangeValues(props: { series: RangeSeries }) {
  const values = props.series.values ?? [];
  const hists = props.series.histograms ?? [];
  return (
    <div class="q-range-values mono">
      {values.map(([t, v]) => (
        <div>
          {v} <span class="muted">@{t}</span>
        </div>
      ))}
      {hists.map(([t, h]) => (
        <div>
          <HistogramText h={h} /> <span class="muted">@{t}</span>
        </div>
      ))}
    </div>
  );
}

function Rows(props: { data: QueryData }) {
  const d = props.data;
  if (d.resultType === 'scalar' || d.resultType === 'string') {
    const [, v] = d.result as SampleValue;
    return (
      <tbody>
        <tr>
          <td class="q-series-cell">{d.resultType}</td>
          <td class="q-value mono">{d.resultType === 'string' ? `"${v}"` : v}</td>
        </tr>
      </tbody>
    );
  }
  return <SeriesRows data={d} />;
}

function Row(props: { series: InstantSample | RangeSeries; matrix: boolean }) {
  const s = props.series;
  return (
    <tr>
      <td class="q-series-cell">
        <SeriesName metric={s.metric} />
      </td>
      <td class="q-value mono">
        {props.matrix ? (
          <RangeValues series={s as RangeSeries} />
        ) : (s as InstantSample).histogram ? (
          <HistogramText h={(s as InstantSample).histogram![1]} />
        ) : (
          (s as InstantSample).value?.[1]
        )}
      </td>
    </tr>
  );
}

function Chunk(props: { rows: (InstantSample | RangeSeries)[]; matrix: boolean }) {
  return (
    <tbody>
      {props.rows.map((s) => (
        <Row series={s} matrix={props.matrix} />
      ))}
    </tbody>
  );
}

const chunkSize = 500;

// Thousands of rows render a chunk at a time, so the page answers input in between; a chunk's
// element is created once, so Preact skips the chunks already shown.
function SeriesRows(props: { data: QueryData }) {
  const d = props.data;
  const all = d.result as (InstantSample | RangeSeries)[];
  const total = Math.min(all.length, maxRows);
  const chunks = useMemo(() => [] as VNode[], [d]);
  const [, setShown] = useState(0);
  if (chunks.length === 0 && total > 0) chunks.push(<Chunk rows={all.slice(0, chunkSize)} matrix={d.resultType === 'matrix'} />);
  useEffect(() => {
    if (chunks.length * chunkSize >= total) return;
    const t = setTimeout(() => {
      const from = chunks.length * chunkSize;
      chunks.push(<Chunk rows={all.slice(from, Math.min(from + chunkSize, total))} matrix={d.resultType === 'matrix'} />);
      setShown(chunks.length);
    }, 0);
    return () => clearTimeout(t);
  });
  return <>{chunks.slice()}</>;
}

export function resultCount(d: QueryData): number {
  return d.resultType === 'vector' || d.resultType === 'matrix' ? d.result.length : 1;
}

export function TableView(props: { expr: string; time: number | null; runKey: number }) {
  // "now" is taken when the query runs; runKey changes on every Execute.
  const time = props.time ?? Date.now();
  const params = props.expr.trim() ? { query: props.expr, time: String(time / 1000) } : null;
  const q = usePostQuery<QueryData>('/api/v1/query', params, `${props.expr}\n${props.time}\n${props.runKey}`);
  if (!params) return <div class="q-empty muted">No expression entered yet.</div>;
  const data = q.response?.data;
  return (
    <div class={`q-result ${q.loading ? 'q-stale' : ''}`}>
      {q.error && <ErrorBox error={q.error} />}
      {q.response && <Warnings warnings={q.response.warnings} infos={q.response.infos} />}
      <ResultStats loading={q.loading} elapsedMs={q.elapsedMs} count={data && !q.error ? resultCount(data) : undefined} extra={data && !q.error && props.time !== null ? `at ${formatTime(time)}` : undefined} />
      {data && !q.error && (
        <>
          {resultCount(data) > maxRows && (
            <div class="alert alert-warning">
              Showing only the first {maxRows.toLocaleString('en-US')} of {resultCount(data).toLocaleString('en-US')} series.
            </div>
          )}
          {resultCount(data) === 0 ? (
            <div class="q-empty muted">Empty query result</div>
          ) : (
            <table class="data q-table">
              <Rows data={data} />
            </table>
          )}
        </>
      )}
      {!data && !q.error && <div class="loading" style={{ height: '120px' }} aria-busy="true" />}
    </div>
  );
}
