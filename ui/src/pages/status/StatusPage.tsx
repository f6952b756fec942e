// /status: build and runtime information (GET /api/v1/status/buildinfo and runtimeinfo), with
// Prometheus's titles for its fields, and below them the remote-write queues
// (GET /api/v1/status/remote_write, Sextant's own).

import type { ComponentChildren } from 'preact';
import { ErrorBox, Loading, PageTitle, useApi } from '../../components/common';
import { formatTime, parseApiTime } from '../../format';
import { InfoCard, InfoTable } from './InfoCard';
import { RemoteWriteSection } from './RemoteWriteSection';

type Info = Record<string, string | number | boolean>;

function time(v: unknown): ComponentChildren {
  const ms = parseApiTime(String(v));
  return ms === null ? String(v) : formatTime(ms);
}

const runtimeFields: Record<string, { title: string; format?: (v: unknown) => ComponentChildren }> = {
  startTime: { title: 'Start time', format: time },
  CWD: { title: 'Working directory' },
  hostname: { title: 'Hostname' },
  serverTime: { title: 'Server time', format: time },
  reloadConfigSuccess: { title: 'Configuration reload', format: (v) => (v ? 'Successful' : <span class="error-text">Unsuccessful</span>) },
  lastConfigTime: { title: 'Last successful configuration reload', format: time },
  corruptionCount: { title: 'WAL corruptions' },
  goroutineCount: { title: 'Goroutines' },
  GOMAXPROCS: { title: 'GOMAXPROCS' },
  GOMEMLIMIT: { title: 'GOMEMLIMIT' },
  GOGC: { title: 'GOGC' },
  GODEBUG: { title: 'GODEBUG' },
  storageRetention: { title: 'Storage retention' },
};

const buildFields: Record<string, string> = {
  version: 'Version',
  revision: 'Revision',
  branch: 'Branch',
  buildUser: 'BuildUser',
  buildDate: 'BuildDate',
  goVersion: 'GoVersion',
};

function InfoSection(props: { title: string; path: string; rows: (data: Info) => [ComponentChildren, ComponentChildren][]; height: number }) {
  const info = useApi<Info>(props.path);
  return (
    <InfoCard title={props.title}>
      {info.error && <ErrorBox error={info.error} />}
      {!info.response && !info.error && <Loading height={props.height} />}
      {info.response && <InfoTable rows={props.rows(info.response.data)} />}
    </InfoCard>
  );
}

export function StatusPage() {
  return (
    <div class="page">
      <PageTitle>Runtime & build information</PageTitle>
      <div class="card-grid">
        <InfoSection
          title="Runtime information"
          path="/api/v1/status/runtimeinfo"
          height={440}
          rows={(data) =>
            Object.entries(data).map(([k, v]) => {
              const field = runtimeFields[k];
              return [field?.title ?? k, field?.format ? field.format(v) : String(v)];
            })
          }
        />
        <InfoSection
          title="Build information"
          path="/api/v1/status/buildinfo"
          height={220}
          rows={(data) => Object.entries(data).map(([k, v]) => [buildFields[k] ?? k, String(v)])}
        />
      </div>
      <RemoteWriteSection />
    </div>
  );
}
