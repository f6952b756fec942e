// The panels' time controls: an evaluation / end time (blank = now), the graph's range with
// Prometheus's -/+ steps, and the graph's resolution.

import { useEffect, useState } from 'preact/hooks';
import { formatDuration, formatTime, parseDuration } from '../../format';
import { useStore } from '../../store';
import { useLocalTime } from '../../settings';
import { effectiveStep, parseUrlTime, type Resolution } from './urlState';

// Parses "YYYY-MM-DD HH:mm[:ss]" in UTC or the browser's zone; null when it is not a time.
function parseInputTime(text: string, local: boolean): number | null {
  const utc = parseUrlTime(text);
  if (utc === null || !local || /(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())) return utc;
  const d = new Date(utc);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()).getTime();
}

// A time text field; empty means "now". `step` (ms) adds back / forward buttons.
export function TimeInput(props: { label: string; value: number | null; onChange: (t: number | null) => void; step?: number }) {
  const local = useStore(useLocalTime);
  const shown = props.value === null ? '' : formatTime(props.value, false, local);
  const [text, setText] = useState(shown);
  const [bad, setBad] = useState(false);
  useEffect(() => {
    setText(shown);
    setBad(false);
  }, [shown]);
  const commit = () => {
    if (text.trim() === '') {
      if (props.value !== null) props.onChange(null);
      return;
    }
    const t = parseInputTime(text, local);
    if (t === null) setBad(true);
    else if (t !== props.value) props.onChange(t);
  };
  const shift = (dir: number) => props.onChange((props.value ?? Date.now()) + dir * (props.step ?? 0));
  return (
    <span class="q-control">
      {props.step !== undefined && (
        <button title={`Back ${formatDuration(props.step)}`} onClick={() => shift(-1)}>
          ‹
        </button>
      )}
      <input
        type="text"
        class={`q-time ${bad ? 'q-invalid' : ''}`}
        aria-label={props.label}
        title={`${props.label} (YYYY-MM-DD HH:mm:ss, ${local ? 'local time' : 'UTC'}; empty = now)`}
        placeholder={`${props.label}: now`}
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {props.step !== undefined && (
        <button title={`Forward ${formatDuration(props.step)}`} onClick={() => shift(1)}>
          ›
        </button>
      )}
      <button title="Evaluate at the current time" disabled={props.value === null} onClick={() => props.onChange(null)}>
        now
      </button>
    </span>
  );
}

const rangeSteps = [1, 10, 60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 1209600, 2419200, 4838400, 9676800, 15724800, 31536000, 63072000].map((s) => s * 1000);

export function RangeInput(props: { value: number; onChange: (range: number) => void }) {
  const [text, setText] = useState(formatDuration(props.value));
  useEffect(() => setText(formatDuration(props.value)), [props.value]);
  const commit = () => {
    const r = parseDuration(text);
    if (r === null || r <= 0) setText(formatDuration(props.value));
    else if (r !== props.value) props.onChange(r);
  };
  const smaller = () => {
    const next = [...rangeSteps].reverse().find((s) => s < props.value);
    if (next) props.onChange(next);
  };
  const bigger = () => {
    const next = rangeSteps.find((s) => s > props.value);
    if (next) props.onChange(next);
  };
  return (
    <span class="q-control">
      <button title="Decrease range" onClick={smaller}>
        −
      </button>
      <DurationInput label="range" title="Range (e.g. 1h, 30m, 2d)" value={text} onInput={setText} onCommit={commit} />
      <button title="Increase range" onClick={bigger}>
        +
      </button>
    </span>
  );
}

// A duration's text, applied (`onCommit`) on Enter or when the input loses focus.
function DurationInput(props: { label: string; title: string; value: string; onInput: (text: string) => void; onCommit: () => void }) {
  return (
    <input
      type="text"
      class="q-range"
      aria-label={props.label}
      title={props.title}
      value={props.value}
      onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      onBlur={props.onCommit}
      onKeyDown={(e) => e.key === 'Enter' && props.onCommit()}
    />
  );
}

const fixedSteps = [1, 5, 10, 15, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400].map((s) => s * 1000);

// Auto (low / medium / high density), one of Prometheus's fixed steps, or a custom step.
export function ResolutionInput(props: { value: Resolution; range: number; onChange: (r: Resolution) => void }) {
  const v = props.value;
  const selected = v.type === 'auto' ? `auto:${v.density}` : v.type === 'fixed' ? `fixed:${v.step}` : 'custom';
  const [custom, setCustom] = useState(v.type === 'custom' ? formatDuration(v.step) : '');
  useEffect(() => {
    if (v.type === 'custom') setCustom(formatDuration(v.step));
  }, [v]);
  const onSelect = (s: string) => {
    const [kind, arg] = s.split(':');
    if (kind === 'auto') props.onChange({ type: 'auto', density: arg as 'low' | 'medium' | 'high' });
    else if (kind === 'fixed') props.onChange({ type: 'fixed', step: Number(arg) });
    else props.onChange({ type: 'custom', step: effectiveStep(v, props.range) });
  };
  const commitCustom = () => {
    const step = parseDuration(custom);
    if (step && step > 0) props.onChange({ type: 'custom', step });
    else if (v.type === 'custom') setCustom(formatDuration(v.step));
  };
  const auto = (d: string) => `Auto, ${d} (${formatDuration(effectiveStep({ type: 'auto', density: d as 'low' }, props.range))})`;
  return (
    <span class="q-control">
      <select aria-label="resolution" title="Resolution (query step)" value={selected} onChange={(e) => onSelect((e.target as HTMLSelectElement).value)}>
        <option value="auto:low">{auto('low')}</option>
        <option value="auto:medium">{auto('medium')}</option>
        <option value="auto:high">{auto('high')}</option>
        {fixedSteps.map((s) => (
          <option value={`fixed:${s}`}>{formatDuration(s)}</option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {v.type === 'custom' && (
        <DurationInput label="custom step" title="Step (e.g. 15s)" value={custom} onInput={setCustom} onCommit={commitCustom} />
      )}
    </span>
  );
}
