// The graph itself: uPlot with a 24-hour time axis (UTC or local), the series in the palette,
// optional stacking, and a tooltip for the series nearest the cursor. The tooltip is updated by
// direct DOM writes, not re-renders, so hovering stays cheap with 1,000 series.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatTime } from '../../format';
import { seriesColor, stack, type ChartData } from './chartData';
import { seriesText } from './labels';

export interface ChartProps {
  data: ChartData;
  stacked: boolean;
  dark: boolean;
  local: boolean;
  visible: boolean[] | null; // null: all series shown
  focused: number | null; // series index highlighted from the legend
  height: number;
  onDrawn?: (ms: number) => void;
}

// Grafana-like 24-hour stamps: [tick increment, format, + year, + month, + day, + hour, + minute, + second, mode].
const timeStamps: (string | number | null)[][] = [
  [3600 * 24 * 365, '{YYYY}', null, null, null, null, null, null, 1],
  [3600 * 24 * 28, '{YYYY}-{MM}', null, null, null, null, null, null, 1],
  [3600 * 24, '{MM}-{DD}', '\n{YYYY}', null, null, null, null, null, 1],
  [3600, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  [60, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  [1, '{HH}:{mm}:{ss}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  [0.001, '{HH}:{mm}:{ss}.{fff}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
];

// The data index of uPlot's series s (1-based): stacked charts draw the series in reverse.
function dataIndex(s: number, n: number, stacked: boolean): number {
  return stacked ? n - s : s - 1;
}

// `color` at `alpha` over `bg` as an opaque colour (both "#rrggbb").
function blend(color: string, bg: string, alpha: number): string {
  const c = parseInt(color.slice(1), 16);
  const b = /^#[0-9a-f]{6}$/i.test(bg) ? parseInt(bg.slice(1), 16) : 0xffffff;
  const ch = (shift: number) => Math.round(((c >> shift) & 255) * alpha + ((b >> shift) & 255) * (1 - alpha));
  return `rgb(${ch(16)},${ch(8)},${ch(0)})`;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const siPrefixes: [number, string][] = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

// Axis labels: 1.5M, 250k, 0.001, 2e-7.
function formatTick(v: number): string {
  const abs = Math.abs(v);
  for (const [size, prefix] of siPrefixes) if (abs >= size) return `${Number((v / size).toPrecision(4))}${prefix}`;
  return formatNumber(v);
}

function formatNumber(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e15 || abs < 1e-4) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function options(p: ChartProps, width: number, tooltip: HTMLDivElement, onFirstDraw: () => void): uPlot.Options {
  const fg = cssVar('--fg-soft');
  const grid = cssVar('--border');
  const n = p.data.ys.length;
  const bg = cssVar('--bg');
  const series: uPlot.Series[] = [{}];
  for (let s = 1; s <= n; s++) {
    const i = dataIndex(s, n, p.stacked);
    const color = seriesColor(i, p.dark);
    series.push({
      stroke: color,
      width: n > 50 ? 1 : 1.5,
      fill: p.stacked ? blend(color, bg, 0.45) : undefined,
      points: { show: false },
      spanGaps: false,
      show: p.visible ? p.visible[i] : true,
    });
  }
  const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: p.height,
    series,
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    focus: { alpha: 0.2 },
    tzDate: p.local ? undefined : utc,
    scales: { x: { time: true } },
    axes: [
      { ...axis, values: timeStamps as any, space: 60 },
      {
        ...axis,
        values: (_u, splits) => splits.map(formatTick),
        size: (_u, values) => (values ? Math.max(...values.map((v) => v.length)) * 7 + 18 : 50),
      },
    ],
    hooks: {
      setCursor: [(u) => updateTooltip(u, p, tooltip)],
      draw: [onFirstDraw],
    },
  };
}

// Shows time, value and labels of the visible series nearest to the cursor at its x.
function updateTooltip(u: uPlot, p: ChartProps, tooltip: HTMLDivElement) {
  const idx = u.cursor.idx;
  const top = u.cursor.top ?? -1;
  if (idx == null || top < 0) {
    tooltip.style.display = 'none';
    return;
  }
  let best = -1;
  let bestDist = Infinity;
  for (let s = 1; s < u.series.length; s++) {
    if (!u.series[s].show) continue;
    const v = u.data[s][idx];
    if (v == null) continue;
    const d = Math.abs(u.valToPos(v, 'y') - top);
    if (d < bestDist) {
      bestDist = d;
      best = s;
    }
  }
  if (best < 0) {
    tooltip.style.display = 'none';
    return;
  }
  const i = dataIndex(best, p.data.ys.length, p.stacked);
  const value = p.data.ys[i][idx]!;
  const x = u.valToPos(u.data[0][idx], 'x');
  const y = u.valToPos(u.data[best][idx]!, 'y');
  tooltip.innerHTML =
    `<div class="q-tt-time">${formatTime(u.data[0][idx] * 1000, true, p.local)}</div>` +
    `<div class="q-tt-value"><span class="q-swatch" style="background:${seriesColor(i, p.dark)}"></span>${formatNumber(value)}</div>` +
    `<div class="q-tt-labels">${escapeHtml(seriesText(p.data.metrics[i]))}</div>`;
  tooltip.style.display = 'block';
  const plotLeft = u.over.offsetLeft;
  const plotTop = u.over.offsetTop;
  const flip = x > u.over.clientWidth / 2;
  tooltip.style.left = flip ? '' : `${plotLeft + x + 14}px`;
  tooltip.style.right = flip ? `${u.root.clientWidth - plotLeft - x + 14}px` : '';
  tooltip.style.top = `${plotTop + Math.min(y, u.over.clientHeight - 40)}px`;
  const dot = tooltip.nextElementSibling as HTMLDivElement;
  dot.style.display = 'block';
  dot.style.left = `${plotLeft + x - 4}px`;
  dot.style.top = `${plotTop + y - 4}px`;
  dot.style.background = seriesColor(i, p.dark);
}

export function UPlotChart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const tooltip = useRef<HTMLDivElement>(null);
  const dot = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  // (Re)create the chart when the data or its look changes.
  useEffect(() => {
    const el = host.current!;
    const started = performance.now();
    // Stacked: running sums of the visible series, drawn top sum first, each filled down to zero
    // with an opaque colour, so every band shows its own colour.
    const ys = props.stacked ? stack(props.data.ys, props.visible).reverse() : props.data.ys;
    const data = [props.data.xs as unknown as number[], ...ys] as uPlot.AlignedData;
    let drawn = false;
    const onFirstDraw = () => {
      if (drawn) return;
      drawn = true;
      props.onDrawn?.(performance.now() - started);
    };
    const u = new uPlot(options(props, el.clientWidth || 800, tooltip.current!, onFirstDraw), data, el);
    plot.current = u;
    const hide = () => {
      tooltip.current!.style.display = 'none';
      dot.current!.style.display = 'none';
    };
    u.over.addEventListener('mouseleave', hide);
    const resize = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height: props.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
      hide();
    };
  }, [props.data, props.stacked, props.dark, props.local, props.height, props.stacked && props.visible]);

  // Isolating series (legend clicks) only toggles visibility.
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.batch(() => {
      for (let s = 1; s < u.series.length; s++) {
        const i = dataIndex(s, u.series.length - 1, props.stacked);
        const show = props.visible ? props.visible[i] : true;
        if (u.series[s].show !== show) u.setSeries(s, { show });
      }
    });
  }, [props.visible]);

  const lastFocused = useRef<number | null>(null);
  useEffect(() => {
    const u = plot.current;
    if (!u || lastFocused.current === props.focused) return;
    lastFocused.current = props.focused;
    const n = u.series.length - 1;
    u.setSeries(props.focused === null ? null : props.stacked ? n - props.focused : props.focused + 1, { focus: props.focused !== null });
  }, [props.focused]);

  return (
    <div class="q-chart" style={{ height: `${props.height}px` }}>
      <div ref={host} class="q-chart-host" />
      <div ref={tooltip} class="q-tooltip" />
      <div ref={dot} class="q-dot" />
    </div>
  );
}
