// Times, durations and numbers as the pages show them: 24-hour times, UTC unless the user chose
// local time (settings.ts).

import { useLocalTime } from './settings';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

// "2026-12-04 21:43:24" (UTC, or local time), optionally with milliseconds.
export function formatTime(ms: number, withMillis = false, local = useLocalTime.get()): string {
  const d = new Date(ms);
  const [y, mo, da, h, mi, s, mss] = local
    ? [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()]
    : [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
  const base = `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
  return withMillis ? `${base}.${pad(mss, 3)}` : base;
}

// A Prometheus duration string ("1h30m", "250ms") from milliseconds.
export function formatDuration(ms: number): string {
  // Under half a millisecond rounds to nothing, which reads as zero, not as "".
  if (Math.round(Math.abs(ms)) === 0) return '0s';
  const units: [string, number][] = [
    ['y', 365 * 24 * 3600 * 1000],
    ['w', 7 * 24 * 3600 * 1000],
    ['d', 24 * 3600 * 1000],
    ['h', 3600 * 1000],
    ['m', 60 * 1000],
    ['s', 1000],
    ['ms', 1],
  ];
  let rest = Math.round(ms);
  let out = ms < 0 ? '-' : '';
  rest = Math.abs(rest);
  for (const [unit, size] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

// Milliseconds of a Prometheus duration string, or null when it is not one.
export function parseDuration(text: string): number | null {
  const re = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
  const m = text.trim().match(re);
  if (!m || text.trim() === '') return null;
  const sizes = [365 * 24 * 3600e3, 7 * 24 * 3600e3, 24 * 3600e3, 3600e3, 60e3, 1e3, 1];
  let total = 0;
  for (let i = 0; i < sizes.length; i++) total += Number(m[i + 1] ?? 0) * sizes[i];
  return total;
}

// "12.3s ago", "in 4m", from a time in ms relative to now.
export function formatRelative(ms: number, now = Date.now()): string {
  const delta = now - ms;
  const abs = Math.abs(delta);
  const text = abs < 1000 ? `${abs}ms` : abs < 60e3 ? `${(abs / 1000).toFixed(1)}s` : formatDuration(Math.round(abs / 1000) * 1000);
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}

// A sample value as Prometheus's UI shows it (the API's string as is, special values spelled).
export function formatValue(v: string): string {
  return v;
}

// Milliseconds of an API time ("2026-12-04T22:13:47.835Z"), or null for Go's zero time (never) or
// a string that is not a time.
export function parseApiTime(text: string | undefined | null): number | null {
  if (!text || text.startsWith('0001-01-01')) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

// A duration the API gives in seconds (evaluation and scrape times): "235µs", "12.345ms", "1.5s".
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return '0s';
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(0)}µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(3)}ms`;
  if (seconds < 60) return `${seconds.toFixed(3)}s`;
  return formatDuration(seconds * 1000);
}
