// The Graph tab: a range query over [end - range, end] at the step, drawn with uPlot, with the
// legend below.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ErrorBox, Warnings } from '../../components/common';
import { formatDuration } from '../../format';
import { useLocalTime } from '../../settings';
import { useStore } from '../../store';
import { buildChartData } from './chartData';
import { Legend } from './Legend';
import { usePostQuery, type QueryData, type RangeSeries } from './queryApi';
import { ResultStats } from './ResultStats';
import { UPlotChart } from './UPlotChart';

// Whether the page shows the dark theme, following changes.
export function useDarkTheme(): boolean {
  const read = () => document.documentElement.dataset.theme === 'dark';
  const [dark, setDark] = useState(read);
  useEffect(() => {
    const observer = new MutationObserver(() => setDark(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return dark;
}

export interface GraphProps {
  expr: string;
  endTime: number | null;
  range: number;
  step: number;
  stacked: boolean;
  runKey: number;
}

export function GraphView(props: GraphProps) {
  const dark = useDarkTheme();
  const local = useStore(useLocalTime);
  const key = `${props.expr}\n${props.endTime}\n${props.range}\n${props.step}\n${props.runKey}`;
  // The window is fixed when the query is issued ("now" at that moment).
  const window_ = useMemo(() => {
    const end = props.endTime ?? Date.now();
    return { start: end - props.range, end };
  }, [key]);
  const params = props.expr.trim()
    ? { query: props.expr, start: String(window_.start / 1000), end: String(window_.end / 1000), step: String(props.step / 1000) }
    : null;
  const q = usePostQuery<QueryData>('/api/v1/query_range', params, key);
  const [visible, setVisible] = useState<boolean[] | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const [drawMs, setDrawMs] = useState<number | undefined>();

  // Highlighting redraws the whole chart, so with many series it waits until the pointer rests.
  const focusTimer = useRef<number | undefined>();
  const focusLater = (i: number | null) => {
    window.clearTimeout(focusTimer.current);
    const n = chartData?.ys.length ?? 0;
    focusTimer.current = window.setTimeout(() => setFocused(i), n > 200 ? 250 : 30);
  };
  useEffect(() => () => window.clearTimeout(focusTimer.current), []);

  const data = q.response?.data;
  const chartData = useMemo(() => {
    if (!data || data.resultType !== 'matrix') return null;
    return buildChartData(data.result as RangeSeries[], window_.start, window_.end, props.step);
  }, [data]);
  useEffect(() => {
    setVisible(null);
    setFocused(null);
  }, [chartData]);

  const height = typeof window !== 'undefined' && window.innerWidth < 760 ? 260 : 400;
  if (!params) return <div class="q-empty muted">No expression entered yet.</div>;
  const wrongType = data && data.resultType !== 'matrix' && !q.error;
  return (
    <div class={`q-result ${q.loading ? 'q-stale' : ''}`}>
      {q.error && <ErrorBox error={q.error} />}
      {wrongType && <div class="alert alert-error">Query result is of wrong type '{data.resultType}', should be 'matrix' (range vector).</div>}
      {q.response && <Warnings warnings={q.response.warnings} infos={q.response.infos} />}
      <ResultStats
        loading={q.loading}
        elapsedMs={q.elapsedMs}
        count={chartData && !q.error ? chartData.ys.length : undefined}
        extra={`Resolution: ${formatDuration(props.step)}${drawMs !== undefined && chartData && !q.error ? ` · Drawn in ${Math.round(drawMs)}ms` : ''}`}
      />
      {chartData && !q.error && chartData.ys.length === 0 ? (
        <div class="q-empty muted" style={{ height: `${height}px` }}>
          Empty query result
        </div>
      ) : chartData && !q.error ? (
        <>
          <UPlotChart data={chartData} stacked={props.stacked} dark={dark} local={local} visible={visible} focused={focused} height={height} onDrawn={setDrawMs} />
          <Legend metrics={chartData.metrics} dark={dark} visible={visible} onVisible={setVisible} onFocus={focusLater} />
        </>
      ) : (
        !q.error && !wrongType && <div class="loading" style={{ height: `${height}px` }} aria-busy="true" />
      )}
    </div>
  );
}
