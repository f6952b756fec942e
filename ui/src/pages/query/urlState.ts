// The query page's panels and how they live in the URL, with Prometheus 3.x's parameter names
// (g0.expr, g0.tab, g0.range_input, g0.end_input, g0.moment_input, g0.res_type, g0.res_density,
// g0.res_step, g0.display_mode, ...) and Prometheus 2.x's older ones still read (g0.tab=0|1,
// g0.stacked, g0.step_input), so bookmarks and Grafana's "explore in Prometheus" links work.

import { formatDuration, parseDuration } from '../../format';

export type Tab = 'table' | 'graph' | 'explain';
export type Density = 'low' | 'medium' | 'high';
export type Resolution = { type: 'auto'; density: Density } | { type: 'fixed' | 'custom'; step: number };

export interface PanelState {
  id: number; // stable key for rendering
  expr: string; // the executed expression
  tab: Tab;
  endTime: number | null; // ms; null = now (also the table's evaluation time)
  range: number; // ms
  resolution: Resolution;
  stacked: boolean;
}

let nextId = 1;

export function newPanel(expr = ''): PanelState {
  return {
    id: nextId++,
    expr,
    tab: 'table',
    endTime: null,
    range: 3600e3,
    resolution: { type: 'auto', density: 'medium' },
    stacked: false,
  };
}

// Step in ms for a resolution over a range, as Prometheus 3.x's UI computes it: range divided by
// 100 / 250 / 750 points, floored to whole seconds, at least 1 s.
export function effectiveStep(res: Resolution, range: number): number {
  if (res.type !== 'auto') return res.step;
  const factor = res.density === 'high' ? 750 : res.density === 'medium' ? 250 : 100;
  return Math.max(Math.floor(range / factor / 1000) * 1000, 1000);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

// "2026-12-04 21:00:00" in UTC, the format of end_input and moment_input.
export function formatUrlTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

// Reads a UTC time as the URLs carry it ("2026-12-04 21:00:00", also with a "T", fractional
// seconds, or a zone suffix); null when it is not one.
export function parseUrlTime(text: string): number | null {
  const m = text.trim().match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(Z|[+-]\d{2}:?\d{2})?$/);
  if (!m) return null;
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), +((m[7] ?? '0').padEnd(3, '0')));
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60e3;
  }
  return Number.isNaN(ms) ? null : ms;
}

export function decodePanels(search: URLSearchParams): PanelState[] {
  const panels: PanelState[] = [];
  for (let i = 0; search.has(`g${i}.expr`); i++) {
    const get = (name: string) => search.get(`g${i}.${name}`);
    const p = newPanel(get('expr') ?? '');
    const tab = get('tab');
    if (tab === '0' || tab === 'graph') p.tab = 'graph';
    else if (tab === '1' || tab === 'table') p.tab = 'table';
    else if (tab === 'explain') p.tab = 'explain';
    const mode = get('display_mode');
    if (mode !== null) p.stacked = mode === 'stacked';
    const stacked = get('stacked');
    if (stacked !== null) p.stacked = stacked === '1';
    const range = get('range_input');
    if (range !== null) p.range = parseDuration(range) || p.range;
    // moment_input (the table's time in 2.x) wins over end_input when both are there, as in 3.x.
    for (const name of ['end_input', 'moment_input']) {
      const v = get(name);
      if (v) {
        const t = parseUrlTime(v);
        if (t !== null) p.endTime = t;
      }
    }
    const legacyStep = get('step_input') ?? get('res');
    if (legacyStep !== null && parseFloat(legacyStep) > 0) p.resolution = { type: 'custom', step: parseFloat(legacyStep) * 1000 };
    const resType = get('res_type');
    if (resType === 'auto') {
      const d = get('res_density');
      if (d === 'low' || d === 'medium' || d === 'high') p.resolution = { type: 'auto', density: d };
    } else if (resType === 'fixed' || resType === 'custom') {
      const step = parseFloat(get('res_step') ?? '');
      if (step > 0) p.resolution = { type: resType, step: step * 1000 };
    }
    panels.push(p);
  }
  return panels;
}

// The URL parameters of the panels, in Prometheus 3.x's order and spelling.
export function encodePanels(panels: PanelState[]): URLSearchParams {
  const out = new URLSearchParams();
  panels.forEach((p, i) => {
    const add = (name: string, value: string) => out.append(`g${i}.${name}`, value);
    add('expr', p.expr);
    add('show_tree', '0');
    add('tab', p.tab);
    if (p.endTime !== null) {
      add('end_input', formatUrlTime(p.endTime));
      add('moment_input', formatUrlTime(p.endTime));
    }
    add('range_input', formatDuration(p.range));
    if (p.resolution.type === 'auto') {
      add('res_type', 'auto');
      add('res_density', p.resolution.density);
    } else {
      add('res_type', p.resolution.type);
      add('res_step', String(p.resolution.step / 1000));
    }
    add('display_mode', p.stacked ? 'stacked' : 'lines');
    add('show_exemplars', '0');
  });
  return out;
}
