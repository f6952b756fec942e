// /tsdb-status: the head block's statistics and the top-10 cardinality tables
// (GET /api/v1/status/tsdb); with the admin API enabled (--web.enable-admin-api), delete series,
// clean tombstones and snapshot, each showing the API's answer.

import { useState } from 'preact/hooks';
import { pathTo } from '../../config';
import { ErrorBox, Loading, PageTitle, useApi } from '../../components/common';
import { formatTime } from '../../format';
import { useLocalTime } from '../../settings';
import { InfoCard, InfoTable } from './InfoCard';
import '../pages.css';

interface Stat {
  name: string;
  value: number;
}

interface TsdbStatus {
  headStats: { numSeries: number; numLabelPairs?: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: Stat[];
  labelValueCountByLabelName: Stat[];
  memoryInBytesByLabelName: Stat[];
  seriesCountByLabelValuePair: Stat[];
}

const num = (n: number) => n.toLocaleString('en-US');

function StatTable(props: { title: string; stats: Stat[] | null | undefined; valueTitle: string; nameTitle: string }) {
  return (
    <InfoCard title={props.title}>
      {(props.stats ?? []).length === 0 ? (
        <p class="panel-note muted">No data.</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th>{props.nameTitle}</th>
              <th class="num">{props.valueTitle}</th>
            </tr>
          </thead>
          <tbody>
            {props.stats!.map((s) => (
              <tr>
                <td class="mono endpoint">{s.name}</td>
                <td class="num">{num(s.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </InfoCard>
  );
}

// POSTs to an admin endpoint; the admin endpoints answer 204 without a body or JSON.
async function adminPost(path: string, params: URLSearchParams): Promise<string> {
  const res = await fetch(pathTo(path), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: params,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: report the status line and the body as they are.
  }
  if (!res.ok || (json && json.status === 'error')) {
    throw new Error(json?.error ?? (`${res.status} ${res.statusText} ${text}`.trim()));
  }
  return json?.data ? JSON.stringify(json.data) : `${res.status} ${res.statusText}`.trim();
}

// A datetime-local input's value as seconds since the epoch, in UTC or local time per the settings.
function toSeconds(value: string): string | undefined {
  if (!value) return undefined;
  const ms = useLocalTime.get() ? new Date(value).getTime() : Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? undefined : String(ms / 1000);
}

function snapshotMessage(answer: string): string {
  try {
    return `Snapshot taken: snapshots/${JSON.parse(answer).name} under the data directory.`;
  } catch {
    return `Snapshot taken: ${answer}`;
  }
}

interface ActionResult {
  ok?: string;
  error?: string;
  busy?: boolean;
}

function ActionMessage(props: { result: ActionResult }) {
  if (props.result.error) return <ErrorBox error={props.result.error} />;
  if (props.result.ok) return <div class="alert alert-info">{props.result.ok}</div>;
  return null;
}

function AdminActions(props: { onChange: () => void }) {
  const [matchers, setMatchers] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [skipHead, setSkipHead] = useState(false);
  const [del, setDel] = useState<ActionResult>({});
  const [clean, setClean] = useState<ActionResult>({});
  const [snap, setSnap] = useState<ActionResult>({});
  const local = useLocalTime.get();

  const run = async (set: (r: ActionResult) => void, path: string, params: URLSearchParams, ok: (answer: string) => string) => {
    set({ busy: true });
    try {
      set({ ok: ok(await adminPost(path, params)) });
      props.onChange();
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    }
  };

  const deleteSeries = () => {
    const list = matchers
      .split('\n')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    if (list.length === 0) {
      setDel({ error: 'Give at least one series selector (match[]).' });
      return;
    }
    const range = start || end ? ` between ${start || 'the beginning'} and ${end || 'now'}${local ? '' : ' UTC'}` : '';
    if (!window.confirm(`Delete all data${range} of the series matching:\n\n${list.join('\n')}\n\nThis cannot be undone.`)) return;
    const params = new URLSearchParams();
    for (const m of list) params.append('match[]', m);
    const s = toSeconds(start);
    const e = toSeconds(end);
    if (s) params.set('start', s);
    if (e) params.set('end', e);
    run(setDel, '/api/v1/admin/tsdb/delete_series', params, (answer) => `Deleted the series matching ${list.join(', ')}${range} (${answer}).`);
  };

  return (
    <div class="card-grid">
      <InfoCard title="Delete series">
        <div class="panel-note form-grid">
          <label>
            Series selectors, one per line
            <textarea value={matchers} placeholder='up{job="prometheus"}' onInput={(e) => setMatchers((e.target as HTMLTextAreaElement).value)} />
          </label>
          <div class="form-row">
            <label>
              <span>
                Start <span class="muted">(optional, {local ? 'local time' : 'UTC'})</span>
              </span>
              <input type="datetime-local" step={1} value={start} onInput={(e) => setStart((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              <span>
                End <span class="muted">(optional, {local ? 'local time' : 'UTC'})</span>
              </span>
              <input type="datetime-local" step={1} value={end} onInput={(e) => setEnd((e.target as HTMLInputElement).value)} />
            </label>
          </div>
          <p class="muted">
            Deleted data stays on disk as tombstones until compaction or "Clean tombstones".
          </p>
          <div>
            <button class="danger" onClick={deleteSeries} disabled={del.busy}>
              {del.busy ? 'Deleting…' : 'Delete series'}
            </button>
          </div>
          <ActionMessage result={del} />
        </div>
      </InfoCard>
      <div>
        <InfoCard title="Clean tombstones">
          <div class="panel-note form-grid">
            <p class="muted">Removes the deleted data from disk.</p>
            <div>
              <button onClick={() => run(setClean, '/api/v1/admin/tsdb/clean_tombstones', new URLSearchParams(), (a) => `Tombstones cleaned (${a}).`)} disabled={clean.busy}>
                {clean.busy ? 'Cleaning…' : 'Clean tombstones'}
              </button>
            </div>
            <ActionMessage result={clean} />
          </div>
        </InfoCard>
        <InfoCard title="Snapshot">
          <div class="panel-note form-grid">
            <p class="muted">Writes a snapshot of all current data into snapshots/&lt;datetime&gt;-&lt;rand&gt; under the TSDB's data directory.</p>
            <label class="inline-check">
              <input type="checkbox" checked={skipHead} onChange={(e) => setSkipHead((e.target as HTMLInputElement).checked)} />
              Skip data present in the head block (skip_head)
            </label>
            <div>
              <button
                onClick={() => run(setSnap, '/api/v1/admin/tsdb/snapshot', new URLSearchParams(skipHead ? { skip_head: 'true' } : {}), snapshotMessage)}
                disabled={snap.busy}
              >
                {snap.busy ? 'Taking snapshot…' : 'Take snapshot'}
              </button>
            </div>
            <ActionMessage result={snap} />
          </div>
        </InfoCard>
      </div>
    </div>
  );
}

export function TsdbStatusPage() {
  const status = useApi<TsdbStatus>('/api/v1/status/tsdb');
  const flags = useApi<Record<string, string>>('/api/v1/status/flags');
  const data = status.response?.data;
  const admin = flags.response?.data['web.enable-admin-api'];
  const time = (ms: number) => (data && data.headStats.numSeries === 0 ? 'No datapoints yet' : Number.isFinite(ms) ? formatTime(ms) : String(ms));
  return (
    <div class="page">
      <PageTitle>TSDB status</PageTitle>
      {status.error && <ErrorBox title="Error fetching TSDB status" error={status.error} />}
      {!data && !status.error && <Loading height={800} />}
      {data && (
        <>
          <div class="card-grid">
            <InfoCard title="Head block" extra={<button onClick={status.reload}>Refresh</button>}>
              <InfoTable
                rows={[
                  ['Number of series', num(data.headStats.numSeries)],
                  ['Number of chunks', num(data.headStats.chunkCount)],
                  ...(data.headStats.numLabelPairs !== undefined ? [['Number of label pairs', num(data.headStats.numLabelPairs)] as [string, string]] : []),
                  ['Current min time', `${time(data.headStats.minTime)} (${data.headStats.minTime})`],
                  ['Current max time', `${time(data.headStats.maxTime)} (${data.headStats.maxTime})`],
                ]}
              />
            </InfoCard>
            <StatTable title="Top 10 series count by metric names" nameTitle="Name" valueTitle="Count" stats={data.seriesCountByMetricName} />
            <StatTable title="Top 10 label names with value count" nameTitle="Name" valueTitle="Count" stats={data.labelValueCountByLabelName} />
            <StatTable title="Top 10 label names with high memory usage" nameTitle="Name" valueTitle="Bytes" stats={data.memoryInBytesByLabelName} />
            <StatTable title="Top 10 series count by label value pairs" nameTitle="Name" valueTitle="Count" stats={data.seriesCountByLabelValuePair} />
          </div>
          <h2 class="section-heading">Administration</h2>
          {admin === 'true' || flags.error ? (
            <AdminActions onChange={status.reload} />
          ) : flags.response ? (
            <p class="muted">The admin actions (delete series, clean tombstones, snapshot) need the flag --web.enable-admin-api.</p>
          ) : (
            <Loading height={300} />
          )}
        </>
      )}
    </div>
  );
}
