// The remote-write queues as the status page shows them (src/pages/status/remoteWrite.ts).

import './setup';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatBytes,
  formatCount,
  formatDropped,
  formatLag,
  formatOptionalTime,
  formatShards,
  formatWalPosition,
  protocolVersion,
} from '../src/pages/status/remoteWrite';
import { useLocalTime } from '../src/settings';

const noDrops = { too_old: 0, dropped_series: 0, unintentionally_dropped_series: 0, stopped: 0 };

test('formatCount: thousands separated', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1234567), '1,234,567');
});

test('formatBytes: bytes below 1 KiB, then binary units with one decimal', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(5 * 1024 ** 2 + 300 * 1024), '5.3 MiB');
  assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TiB');
});

test('protocolVersion: 1.0 and 2.0 messages; anything else by name', () => {
  assert.equal(protocolVersion('prometheus.WriteRequest'), '1.0');
  assert.equal(protocolVersion('io.prometheus.write.v2.Request'), '2.0');
  assert.equal(protocolVersion('something.Else'), 'something.Else');
});

test('formatShards: current / desired (two decimals at most), then the bounds', () => {
  assert.equal(formatShards({ current: 1, desired: 0.8, min: 1, max: 50, capacity: 10000 }), '1 / 0.8 desired (min 1, max 50)');
  assert.equal(formatShards({ current: 3, desired: 2.456789, min: 1, max: 200, capacity: 10000 }), '3 / 2.46 desired (min 1, max 200)');
  assert.equal(formatShards({ current: 4, desired: 4, min: 2, max: 8, capacity: 10 }), '4 / 4 desired (min 2, max 8)');
  // nlohmann/json writes NaN as null.
  assert.equal(formatShards({ current: 1, desired: null, min: 1, max: 50, capacity: 1 }), '1 / ? desired (min 1, max 50)');
});

test('formatDropped: zero, or the total and each reason that dropped any', () => {
  assert.equal(formatDropped(noDrops), '0');
  assert.equal(formatDropped({ ...noDrops, too_old: 5 }), '5 (too old 5)');
  assert.equal(
    formatDropped({ too_old: 1000, dropped_series: 2, unintentionally_dropped_series: 3, stopped: 4 }),
    '1,009 (too old 1,000, dropped series 2, unknown series 3, queue stopped 4)',
  );
});

test('formatLag: milliseconds under a second, whole seconds above', () => {
  const sent = { highestTimestamp: '2026-12-05T00:10:00Z', highestSentTimestamp: '2026-12-05T00:09:00Z' };
  assert.equal(formatLag({ ...sent, lagSeconds: 0 }), '0s');
  assert.equal(formatLag({ ...sent, lagSeconds: 0.25 }), '250ms');
  assert.equal(formatLag({ ...sent, lagSeconds: 1.4 }), '1s');
  assert.equal(formatLag({ ...sent, lagSeconds: 90.6 }), '1m31s');
  assert.equal(formatLag({ ...sent, lagSeconds: 2 * 86400 + 3600 }), '2d1h');
});

test('formatLag: words before anything is queued or sent', () => {
  assert.equal(formatLag({ lagSeconds: 0, highestTimestamp: null, highestSentTimestamp: null }), 'no samples queued yet');
  assert.equal(formatLag({ lagSeconds: 0, highestTimestamp: '2026-12-05T00:10:00Z', highestSentTimestamp: null }), 'nothing sent yet');
});

test('formatOptionalTime: UTC or local time per the setting; null is never', () => {
  const text = '2026-12-04T21:43:24.005Z';
  assert.equal(formatOptionalTime(text, 'never', false), '2026-12-04 21:43:24');
  assert.equal(formatOptionalTime(text, 'never', true), '2026-12-05 03:13:24');
  assert.equal(formatOptionalTime(null), 'never');
  assert.equal(formatOptionalTime(null, 'not yet'), 'not yet');
  assert.equal(formatOptionalTime(text), '2026-12-04 21:43:24');
  useLocalTime.set(true);
  try {
    assert.equal(formatOptionalTime(text), '2026-12-05 03:13:24');
  } finally {
    useLocalTime.set(false);
  }
});

test('formatWalPosition: sent-up-to position, the segment being read, resumed', () => {
  assert.equal(formatWalPosition({ segment: 0, offset: 0, currentSegment: -1, resumed: false }), 'segment 0, offset 0');
  assert.equal(
    formatWalPosition({ segment: 3, offset: 12345, currentSegment: 4, resumed: false }),
    'segment 3, offset 12,345 (reading segment 4)',
  );
  assert.equal(
    formatWalPosition({ segment: 3, offset: 7, currentSegment: 3, resumed: true }),
    'segment 3, offset 7 (reading segment 3, resumed)',
  );
});
