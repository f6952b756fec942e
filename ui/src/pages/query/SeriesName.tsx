// A series: its metric name, then its labels as badges.

import type { Metric } from './queryApi';

export function SeriesName(props: { metric: Metric }) {
  const { __name__: name, ...labels } = props.metric;
  const entries = Object.entries(labels);
  return (
    <span class="q-series">
      {name && <span class="q-series-name">{name}</span>}
      {entries.length === 0 && !name && <span class="muted">{'{}'}</span>}
      {entries.map(([k, v]) => (
        <span class="badge q-label" key={k}>
          <span class="q-label-name">{k}</span>="<span class="q-label-value">{v}</span>"
        </span>
      ))}
    </span>
  );
}

// The PromQL text form, for tooltips and legends of many series.
export function seriesText(metric: Metric): string {
  const { __name__: name, ...labels } = metric;
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  if (!inner) return name ?? '{}';
  return `${name ?? ''}{${inner}}`;
}
