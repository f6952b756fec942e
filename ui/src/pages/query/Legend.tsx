// The graph's legend: one line per series (colour and label set). Clicking a series shows only
// it (click again to show all; Ctrl/Cmd-click toggles one); hovering highlights it. Long lists
// are capped and grow on request, so 1,000 series do not cost 1,000 rows up front.

import { useState } from 'preact/hooks';
import { seriesColor } from './chartData';
import { seriesText } from './labels';
import type { Metric } from './queryApi';

const pageSize = 100;

export function Legend(props: {
  metrics: Metric[];
  dark: boolean;
  visible: boolean[] | null;
  onVisible: (v: boolean[] | null) => void;
  onFocus: (i: number | null) => void;
}) {
  const [shown, setShown] = useState(pageSize);
  const n = props.metrics.length;
  const click = (i: number, e: MouseEvent) => {
    const current = props.visible ?? new Array(n).fill(true);
    let next: boolean[];
    if (e.ctrlKey || e.metaKey) {
      next = current.slice();
      next[i] = !next[i];
    } else {
      const onlyThis = current[i] && current.every((v, j) => j === i || !v);
      next = onlyThis ? new Array(n).fill(true) : current.map((_, j) => j === i);
    }
    props.onVisible(next.every((v) => v) ? null : next);
  };
  return (
    <div class="q-legend" onMouseLeave={() => props.onFocus(null)}>
      {props.metrics.slice(0, shown).map((m, i) => (
        <div
          class={`q-legend-item ${props.visible && !props.visible[i] ? 'q-legend-off' : ''}`}
          onClick={(e) => click(i, e as MouseEvent)}
          onMouseEnter={() => props.onFocus(i)}
          title="Click to show only this series, Ctrl/Cmd-click to toggle it"
        >
          <span class="q-swatch" style={{ background: seriesColor(i, props.dark) }} />
          <span class="mono">{seriesText(m)}</span>
        </div>
      ))}
      {n > shown && (
        <button class="q-legend-more" onClick={() => setShown(shown + 5 * pageSize)}>
          Show {Math.min(5 * pageSize, n - shown)} more of {n - shown} series
        </button>
      )}
    </div>
  );
}
