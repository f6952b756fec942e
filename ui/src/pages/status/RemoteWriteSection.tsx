// The status page's "Remote write" section: one card per remote_write queue
// (GET /api/v1/status/remote_write), or a note that there are none.

import type { ComponentChildren } from 'preact';
import { ErrorBox, Loading, useApi } from '../../components/common';
import { InfoCard, InfoTable } from './InfoCard';
import {
  formatBytes,
  formatCount,
  formatDropped,
  formatLag,
  formatOptionalTime,
  formatShards,
  formatWalPosition,
  protocolVersion,
  type RemoteWriteQueue,
  type RemoteWriteStatus,
} from './remoteWrite';

function queueRows(q: RemoteWriteQueue): [ComponentChildren, ComponentChildren][] {
  const rows: [ComponentChildren, ComponentChildren][] = [
    ['URL', <span class="mono">{q.url}</span>],
    ['Protocol', <span title={q.protobufMessage}>{protocolVersion(q.protobufMessage)}</span>],
    ['Shards', formatShards(q.shards)],
    ['Samples sent', formatCount(q.samples.sent)],
    ['Samples failed', q.samples.failed > 0 ? <span class="error-text">{formatCount(q.samples.failed)}</span> : '0'],
    ['Samples retried', formatCount(q.samples.retried)],
    ['Samples dropped', formatDropped(q.samples.dropped)],
    ['Samples pending', formatCount(q.samples.pending)],
    ['Bytes sent', <span title={`${formatCount(q.bytesSent)} bytes`}>{formatBytes(q.bytesSent)}</span>],
    ['Lag behind newest sample', formatLag(q)],
    ['Highest sent timestamp', formatOptionalTime(q.highestSentTimestamp)],
    ['WAL position', formatWalPosition(q.wal)],
  ];
  if (q.lastError) rows.push(['Last error', <span class="error-text">{q.lastError}</span>]);
  return rows;
}

export function RemoteWriteSection() {
  const status = useApi<RemoteWriteStatus>('/api/v1/status/remote_write');
  const queues = status.response?.data.queues ?? [];
  if (!status.response) {
    return (
      <div class="card-grid">
        <InfoCard title="Remote write">
          {status.error ? <ErrorBox title="Error fetching remote-write status" error={status.error} /> : <Loading height={120} />}
        </InfoCard>
      </div>
    );
  }
  if (queues.length === 0) {
    return (
      <div class="card-grid">
        <InfoCard title="Remote write">
          <p class="panel-note muted">No remote_write queues configured.</p>
        </InfoCard>
      </div>
    );
  }
  return (
    <div class="card-grid remote-write">
      {queues.map((q) => (
        <InfoCard key={q.name} title={`Remote write: ${q.name}`}>
          <InfoTable rows={queueRows(q)} />
        </InfoCard>
      ))}
    </div>
  );
}
