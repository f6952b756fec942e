// /alertmanagers: the Alertmanagers discovered, active and dropped (GET /api/v1/alertmanagers).

import { ErrorBox, Loading, PageTitle, useApi } from '../../components/common';
import { InfoCard } from './InfoCard';
import '../pages.css';

interface AlertmanagersResult {
  activeAlertmanagers: { url: string }[];
  droppedAlertmanagers: { url: string }[];
}

function UrlList(props: { urls: { url: string }[]; empty: string }) {
  if (props.urls.length === 0) return <p class="muted panel-note">{props.empty}</p>;
  return (
    <table class="data">
      <thead>
        <tr>
          <th>Endpoint</th>
        </tr>
      </thead>
      <tbody>
        {props.urls.map((a) => (
          <tr>
            <td class="endpoint">
              <a href={a.url} target="_blank" rel="noreferrer">
                {a.url}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AlertmanagersPage() {
  const ams = useApi<AlertmanagersResult>('/api/v1/alertmanagers');
  const data = ams.response?.data;
  return (
    <div class="page">
      <PageTitle>Alertmanager discovery</PageTitle>
      {ams.error && <ErrorBox title="Error fetching Alertmanagers" error={ams.error} />}
      {!ams.response && !ams.error && <Loading height={240} />}
      {data && (
        <div class="card-grid">
          <InfoCard title={`Active Alertmanagers (${(data.activeAlertmanagers ?? []).length})`}>
            <UrlList urls={data.activeAlertmanagers ?? []} empty="No active Alertmanagers." />
          </InfoCard>
          <InfoCard title={`Dropped Alertmanagers (${(data.droppedAlertmanagers ?? []).length})`}>
            <UrlList urls={data.droppedAlertmanagers ?? []} empty="No dropped Alertmanagers." />
          </InfoCard>
        </div>
      )}
    </div>
  );
}
