// A series: its metric name, then its labels as badges.

import { escapeLabelValue, isPlainMetricName, labelNameText } from './labels';
import type { Metric } from './queryApi';

export function SeriesName(props: { metric: Metric }) {
  const { __name__: name, ...labels } = props.metric;
  const entries = Object.entries(labels);
  // A metric name outside the classic character set is shown quoted, as its text form has it.
  const shownName = name && (isPlainMetricName(name) ? name : `"${escapeLabelValue(name)}"`);
  return (
    <span class="q-series">
      {shownName && <span class="q-series-name">{shownName}</span>}
      {entries.length === 0 && !name && <span class="muted">{'{}'}</span>}
      {entries.map(([k, v]) => (
        <span class="badge q-label" key={k}>
          <span class="q-label-name">{labelNameText(k)}</span>="<span class="q-label-value">{escapeLabelValue(v)}</span>"
        </span>
      ))}
    </span>
  );
}
