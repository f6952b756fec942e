// A series' label set as PromQL text, the way Prometheus prints it: the metric name, then the
// labels in braces, values in double quotes with backslashes, quotes and newlines escaped. Names
// outside the classic character set (UTF-8 names, Prometheus 3.x) are quoted; such a metric name
// moves into the braces, first.

import type { Metric } from './queryApi';

const plainMetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const plainLabelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// The inside of a double-quoted PromQL string: a\b"c → a\\b\"c.
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

// A label name as a matcher writes it: as is, or quoted when it is not a classic name.
export function labelNameText(name: string): string {
  return plainLabelName.test(name) ? name : `"${escapeLabelValue(name)}"`;
}

// name="value", escaped.
export function labelPairText(name: string, value: string): string {
  return `${labelNameText(name)}="${escapeLabelValue(value)}"`;
}

// Whether the metric name can stand before the braces.
export function isPlainMetricName(name: string): boolean {
  return plainMetricName.test(name);
}

// up{job="api", instance="a:9100"}; "up" without labels, "{}" for the empty set.
export function seriesText(metric: Metric): string {
  const { __name__: name, ...labels } = metric;
  const parts = Object.entries(labels).map(([k, v]) => labelPairText(k, v));
  if (name && !isPlainMetricName(name)) parts.unshift(`"${escapeLabelValue(name)}"`);
  else if (name) return parts.length === 0 ? name : `${name}{${parts.join(', ')}}`;
  return `{${parts.join(', ')}}`;
}
