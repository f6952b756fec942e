// Times, durations and numbers as the pages show them (src/format.ts).

import './setup';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatRelative, formatSeconds, formatTime, parseApiTime, parseDuration } from '../src/format';
import { useLocalTime } from '../src/settings';

const day = 24 * 3600e3;
const t = Date.UTC(2026, 11, 4, 21, 43, 24, 5); // 2026-12-04 21:43:24.005 UTC

test('setup: local time is UTC+05:30', () => {
  // Every local-time expectation below depends on it.
  assert.equal(new Date(t).getTimezoneOffset(), -330);
});

test('formatTime: UTC, with and without milliseconds', () => {
  assert.equal(formatTime(t, false, false), '2026-12-04 21:43:24');
  assert.equal(formatTime(t, true, false), '2026-12-04 21:43:24.005');
});

test('formatTime: local time crosses into the next day', () => {
  assert.equal(formatTime(t, true, true), '2026-12-05 03:13:24.005');
  assert.equal(formatTime(Date.UTC(2025, 11, 31, 20, 0, 0), false, true), '2026-01-01 01:30:00');
});

test('formatTime: pads every field', () => {
  assert.equal(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 60), true, false), '2026-01-02 03:04:05.060');
});

test('formatTime: follows the local-time setting by default', () => {
  assert.equal(useLocalTime.get(), false);
  assert.equal(formatTime(t), '2026-12-04 21:43:24');
  useLocalTime.set(true);
  try {
    assert.equal(formatTime(t), '2026-12-05 03:13:24');
    assert.equal(localStorage.getItem('sextant.localTime'), 'true');
  } finally {
    useLocalTime.set(false);
  }
});

test('formatDuration: zero and sub-millisecond amounts are 0s', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(0.4), '0s');
  assert.equal(formatDuration(-0.4), '0s');
});

test('formatDuration: largest units first, zero units left out', () => {
  assert.equal(formatDuration(1), '1ms');
  assert.equal(formatDuration(1500), '1s500ms');
  assert.equal(formatDuration(90 * 60e3), '1h30m');
  assert.equal(formatDuration(7 * day), '1w');
  assert.equal(formatDuration(day + 1), '1d1ms');
  assert.equal(formatDuration(379 * day), '1y2w');
});

test('formatDuration: rounds to milliseconds and keeps the sign', () => {
  assert.equal(formatDuration(1.6), '2ms');
  assert.equal(formatDuration(-5 * 60e3), '-5m');
});

test('parseDuration: each unit and combinations', () => {
  assert.equal(parseDuration('1ms'), 1);
  assert.equal(parseDuration('0s'), 0);
  assert.equal(parseDuration('90m'), 90 * 60e3);
  assert.equal(parseDuration('1h30m'), 90 * 60e3);
  assert.equal(parseDuration('1y2w'), 379 * day);
  assert.equal(parseDuration('1d1ms'), day + 1);
  assert.equal(parseDuration(' 5m '), 5 * 60e3);
});

test('parseDuration: rejects what is not a duration', () => {
  for (const text of ['', '  ', '10', 'h', '1.5h', '1.5w', '5m1h', '1h 30m', '-5m', '5M', '1mo']) {
    assert.equal(parseDuration(text), null, JSON.stringify(text));
  }
});

test('parseDuration and formatDuration: canonical strings round-trip', () => {
  for (const text of ['1ms', '250ms', '1s', '1m30s', '1h', '1d', '1w', '1y', '1y2w3d4h5m6s7ms']) {
    assert.equal(formatDuration(parseDuration(text)!), text);
  }
  assert.equal(formatDuration(parseDuration('90m')!), '1h30m');
  assert.equal(formatDuration(parseDuration('7d')!), '1w');
  assert.equal(formatDuration(parseDuration('120s')!), '2m');
});

test('formatRelative: past and future, milliseconds, seconds and whole durations', () => {
  const now = t;
  assert.equal(formatRelative(now - 500, now), '500ms ago');
  assert.equal(formatRelative(now - 12_345, now), '12.3s ago');
  assert.equal(formatRelative(now + 4 * 60e3, now), 'in 4m');
  assert.equal(formatRelative(now - 90 * 60e3 - 400, now), '1h30m ago');
});

test('parseApiTime: RFC 3339 times; Go zero time and junk are null', () => {
  assert.equal(parseApiTime('2026-12-04T22:13:47.835Z'), Date.UTC(2026, 11, 4, 22, 13, 47, 835));
  assert.equal(parseApiTime('2026-12-04T22:13:47+01:00'), Date.UTC(2026, 11, 4, 21, 13, 47));
  assert.equal(parseApiTime('0001-01-01T00:00:00Z'), null);
  assert.equal(parseApiTime(''), null);
  assert.equal(parseApiTime(undefined), null);
  assert.equal(parseApiTime('soon'), null);
});

test('formatSeconds: µs, ms, s, then durations', () => {
  assert.equal(formatSeconds(0), '0s');
  assert.equal(formatSeconds(235e-6), '235µs');
  assert.equal(formatSeconds(0.012345), '12.345ms');
  assert.equal(formatSeconds(1.5), '1.500s');
  assert.equal(formatSeconds(90), '1m30s');
  assert.equal(formatSeconds(Infinity), 'Infinity');
  assert.equal(formatSeconds(NaN), 'NaN');
});
