// One query panel: the editor, the Table / Graph / Explain tabs with their controls, the result.

import { useState } from 'preact/hooks';
import { ExpressionInput } from './ExpressionInput';
import { TableView } from './TableView';
import { GraphView } from './GraphView';
import { ExplainView } from './ExplainView';
import { RangeInput, ResolutionInput, TimeInput } from './TimeControls';
import { addToHistory } from './history';
import { effectiveStep, type PanelState, type Tab } from './urlState';

const tabs: [Tab, string][] = [
  ['table', 'Table'],
  ['graph', 'Graph'],
  ['explain', 'Explain'],
];

export interface PanelProps {
  panel: PanelState;
  onChange: (patch: Partial<PanelState>) => void;
  onRemove?: () => void;
  onDuplicate: (expr: string) => void;
}

export function QueryPanel(props: PanelProps) {
  const p = props.panel;
  const [text, setText] = useState(p.expr);
  // Bumped on every Execute, so the same expression runs again (with a fresh "now").
  const [runKey, setRunKey] = useState(0);
  const execute = (expr: string) => {
    setText(expr);
    addToHistory(expr);
    if (expr !== p.expr) props.onChange({ expr });
    setRunKey((k) => k + 1);
  };
  const set = props.onChange;
  return (
    <section class="panel q-panel">
      <ExpressionInput value={text} onExecute={execute} onChange={setText} />
      <div class="q-panel-bar">
        <div class="tabs" role="tablist">
          {tabs.map(([id, label]) => (
            <button role="tab" aria-selected={p.tab === id} class={p.tab === id ? 'active' : ''} onClick={() => set({ tab: id })}>
              {label}
            </button>
          ))}
        </div>
        <div class="q-controls">
          {p.tab === 'table' && <TimeInput label="Evaluation time" value={p.endTime} onChange={(endTime) => set({ endTime })} />}
          {p.tab === 'graph' && (
            <>
              <RangeInput value={p.range} onChange={(range) => set({ range })} />
              <TimeInput label="End time" value={p.endTime} step={p.range / 2} onChange={(endTime) => set({ endTime })} />
              <ResolutionInput value={p.resolution} range={p.range} onChange={(resolution) => set({ resolution })} />
              <select aria-label="display mode" value={p.stacked ? 'stacked' : 'lines'} onChange={(e) => set({ stacked: (e.target as HTMLSelectElement).value === 'stacked' })}>
                <option value="lines">Unstacked</option>
                <option value="stacked">Stacked</option>
              </select>
            </>
          )}
        </div>
        <div class="q-panel-actions">
          <button title="Duplicate this panel" onClick={() => props.onDuplicate(text)}>
            Duplicate
          </button>
          {props.onRemove && (
            <button title="Remove this panel" aria-label="remove panel" onClick={props.onRemove}>
              ✕
            </button>
          )}
        </div>
      </div>
      <div class="q-panel-body">
        {p.tab === 'table' && <TableView expr={p.expr} time={p.endTime} runKey={runKey} />}
        {p.tab === 'graph' && (
          <GraphView expr={p.expr} endTime={p.endTime} range={p.range} step={effectiveStep(p.resolution, p.range)} stacked={p.stacked} runKey={runKey} />
        )}
        {p.tab === 'explain' && <ExplainView expr={p.expr} time={p.endTime} />}
      </div>
    </section>
  );
}
