// The remote-write queues of GET /api/v1/status/remote_write (Sextant's own endpoint; its shape is
// documented in api/remote_write_status.h) and the text the status page shows for them.

import { formatDuration, formatTime, parseApiTime } from '../../format';

export interface RemoteWriteQueue {
  name: string;
  url: string;
  protobufMessage: string;
  shards: { current: number; desired: number | null; min: number; max: number; capacity: number };
  samples: {
    in: number;
    sent: number;
    failed: number;
    retried: number;
    pending: number;
    dropped: { too_old: number; dropped_series: number; unintentionally_dropped_series: number; stopped: number };
  };
  bytesSent: number;
  highestTimestamp: string | null;
  highestSentTimestamp: string | null;
  lagSeconds: number;
  metadata: { sent: number; failed: number; retried: number };
  wal: { segment: number; offset: number; currentSegment: number; resumed: boolean };
  lastError: string;
}

export interface RemoteWriteStatus {
  queues: RemoteWriteQueue[];
}

// 12345 → "12,345".
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

// 1536 → "1.5 KiB": bytes in binary units, one decimal above 1 KiB.
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  if (!Number.isFinite(n) || Math.abs(n) < 1024) return `${n} B`;
  let v = n;
  let unit = '';
  for (const u of units) {
    if (Math.abs(v) < 1024) break;
    v /= 1024;
    unit = u;
  }
  return `${v.toFixed(1)} ${unit}`;
}

// The remote-write protocol version of a queue's protobuf message: "1.0", "2.0", or the message's
// name when it is neither.
export function protocolVersion(protobufMessage: string): string {
  if (protobufMessage === 'prometheus.WriteRequest') return '1.0';
  if (protobufMessage === 'io.prometheus.write.v2.Request') return '2.0';
  return protobufMessage;
}

// "3 / 2.5 desired (min 1, max 50)": current and desired shards (desired to two decimals, as it
// is a float), then the configured bounds.
export function formatShards(shards: RemoteWriteQueue['shards']): string {
  const desired = typeof shards.desired === 'number' && Number.isFinite(shards.desired) ? String(Number(shards.desired.toFixed(2))) : '?';
  return `${shards.current} / ${desired} desired (min ${shards.min}, max ${shards.max})`;
}

const dropReasons: [keyof RemoteWriteQueue['samples']['dropped'], string][] = [
  ['too_old', 'too old'],
  ['dropped_series', 'dropped series'],
  ['unintentionally_dropped_series', 'unknown series'],
  ['stopped', 'queue stopped'],
];

// "7 (too old 5, queue stopped 2)": the dropped samples' total, then each reason that dropped any.
export function formatDropped(dropped: RemoteWriteQueue['samples']['dropped']): string {
  let total = 0;
  const parts: string[] = [];
  for (const [key, text] of dropReasons) {
    const n = dropped[key] ?? 0;
    total += n;
    if (n > 0) parts.push(`${text} ${formatCount(n)}`);
  }
  return parts.length === 0 ? '0' : `${formatCount(total)} (${parts.join(', ')})`;
}

// How far the sent samples trail the newest queued one: "250ms" under a second, whole seconds
// above ("1m30s"); words when nothing was queued or sent yet (lagSeconds is then 0, not a lag).
export function formatLag(queue: Pick<RemoteWriteQueue, 'lagSeconds' | 'highestTimestamp' | 'highestSentTimestamp'>): string {
  if (parseApiTime(queue.highestTimestamp) === null) return 'no samples queued yet';
  if (parseApiTime(queue.highestSentTimestamp) === null) return 'nothing sent yet';
  const s = queue.lagSeconds;
  if (!Number.isFinite(s)) return String(s);
  return Math.abs(s) < 1 ? formatDuration(s * 1000) : formatDuration(Math.round(s) * 1000);
}

// An API time as the pages show times (UTC or local per the settings), or `never` when null.
export function formatOptionalTime(text: string | null, never = 'never', local?: boolean): string {
  const ms = parseApiTime(text);
  return ms === null ? never : formatTime(ms, false, local);
}

// "segment 3, offset 12,345 (reading segment 4, resumed)": the position sent up to, the segment
// the WAL watcher reads (when it reads one), and whether the queue resumed from a saved position.
export function formatWalPosition(wal: RemoteWriteQueue['wal']): string {
  const notes: string[] = [];
  if (wal.currentSegment >= 0) notes.push(`reading segment ${wal.currentSegment}`);
  if (wal.resumed) notes.push('resumed');
  const base = `segment ${wal.segment}, offset ${formatCount(wal.offset)}`;
  return notes.length === 0 ? base : `${base} (${notes.join(', ')})`;
}
