// /flags: the command-line flags and their values (GET /api/v1/status/flags), filterable.

import { useMemo } from 'preact/hooks';
import { ErrorBox, FilterInput, Loading, PageTitle, useApi } from '../../components/common';
import { useUrlParam } from '../../components/useUrlState';
import { filterTerms, matchesFilter } from '../apiTypes';
import '../pages.css';

export function FlagsPage() {
  const flags = useApi<Record<string, string>>('/api/v1/status/flags');
  const [search, setSearch] = useUrlParam('search');
  const rows = useMemo(() => {
    const terms = filterTerms(search);
    return Object.entries(flags.response?.data ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .filter(([k, v]) => matchesFilter(`${k} ${v}`.toLowerCase(), terms));
  }, [flags.response, search]);
  return (
    <div class="page">
      <PageTitle>Command-line flags</PageTitle>
      <div class="toolbar">
        <FilterInput value={search} placeholder="Filter by flag name or value" onInput={setSearch} />
      </div>
      {flags.error && <ErrorBox title="Error fetching flags" error={flags.error} />}
      {!flags.response && !flags.error && <Loading height={600} />}
      {flags.response && (
        <div class="table-scroll">
          <table class="data flags-table">
            <thead>
              <tr>
                <th>Flag</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([k, v]) => (
                <tr key={k}>
                  <td class="mono">--{k}</td>
                  <td class="mono">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p class="muted">No flags match the filter.</p>}
        </div>
      )}
    </div>
  );
}
