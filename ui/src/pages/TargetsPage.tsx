// /targets: the scrape pools and their targets' health, as Prometheus's "Target health" page.
// Built for 10,000 targets: the search text of each target is computed once per response, the
// filtering is memoised on the filters, and each pool renders one page of rows.

import { memo } from 'preact/compat';
import { useMemo, useState } from 'preact/hooks';
import { FetchedView, HealthBadge, LabelBadges, PageTitle } from '../components/common';
import { useListFilters } from '../components/FilterToolbar';
import { PagedRows } from '../components/PagedPanels';
import { RelativeTime } from '../components/RelativeTime';
import { useCollapsed } from '../components/useCollapsed';
import { formatSeconds, parseApiTime } from '../format';
import { filterTerms, labelsText, matchesFilter, scrapePoolNames, type Target } from './apiTypes';
import { PoolPanels, PoolToolbar, usePoolTargets } from './poolParts';
import './pages.css';

const healthStates = ['up', 'down', 'unknown'] as const;
type Health = (typeof healthStates)[number];

interface Pool {
  name: string;
  targets: Target[]; // after the filters
  up: number; // of all the pool's targets
  total: number;
}

// Each target's lower-cased endpoint and labels, for the text filter.
function searchIndex(targets: Target[]): Map<Target, string> {
  const index = new Map<Target, string>();
  for (const t of targets) index.set(t, `${t.scrapeUrl.toLowerCase()} ${labelsText(t.labels)}`);
  return index;
}

function buildPools(targets: Target[], index: Map<Target, string>, poolNames: string[], pool: string, health: Health[], search: string): Pool[] {
  const pools = new Map<string, Pool>();
  for (const name of poolNames) if (!pool || name === pool) pools.set(name, { name, targets: [], up: 0, total: 0 });
  const terms = filterTerms(search);
  for (const t of targets) {
    if (pool && t.scrapePool !== pool) continue;
    let p = pools.get(t.scrapePool);
    if (!p) pools.set(t.scrapePool, (p = { name: t.scrapePool, targets: [], up: 0, total: 0 }));
    p.total++;
    if (t.health === 'up') p.up++;
    if (health.length > 0 && !health.includes(t.health)) continue;
    if (terms.length > 0 && !matchesFilter(index.get(t)!, terms)) continue;
    p.targets.push(t);
  }
  return [...pools.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// Memoised: typing into the filter re-renders the page, not the rows that stay.
const TargetRow = memo(function TargetRow(props: { target: Target }) {
  const t = props.target;
  const [showDiscovered, setShowDiscovered] = useState(false);
  return (
    <>
      <tr class={t.lastError ? 'has-error' : ''}>
        <td class="endpoint">
          <a href={t.scrapeUrl} target="_blank" rel="noreferrer" title={t.globalUrl}>
            {t.scrapeUrl}
          </a>
        </td>
        <td>
          <HealthBadge health={t.health} />
        </td>
        <td>
          <LabelBadges labels={t.labels} />
          <button class="link-button" onClick={() => setShowDiscovered(!showDiscovered)} aria-expanded={showDiscovered}>
            {showDiscovered ? 'hide discovered labels' : 'discovered labels'}
          </button>
          {showDiscovered && (
            <div class="discovered">
              <LabelBadges labels={t.discoveredLabels} />
            </div>
          )}
        </td>
        <td class="nowrap" title={`Scrape interval ${t.scrapeInterval}, timeout ${t.scrapeTimeout}`}>
          <RelativeTime time={parseApiTime(t.lastScrape)} />
        </td>
        <td class="nowrap">{parseApiTime(t.lastScrape) === null ? '' : formatSeconds(t.lastScrapeDuration)}</td>
      </tr>
      {t.lastError && (
        <tr class="error-row">
          <td colSpan={5}>
            <span class="error-text">Error: {t.lastError}</span>
          </td>
        </tr>
      )}
    </>
  );
});

function upBadgeClass(p: Pool): string {
  if (p.total === 0) return 'count-none';
  return p.up === p.total ? 'count-ok' : p.up === 0 ? 'count-bad' : 'count-warn';
}

function PoolTargets(props: { pool: Pool; filterKey: string }) {
  const p = props.pool;
  return (
    <PagedRows
      items={p.targets}
      total={p.total}
      pageSize={100}
      resetKey={props.filterKey}
      empty="No active targets in this scrape pool."
      noMatch={`No targets in this pool match the filters (${p.total} hidden).`}
      render={(page) => (
        <table class="data targets-table">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>State</th>
              <th>Labels</th>
              <th>Last scrape</th>
              <th>Scrape duration</th>
            </tr>
          </thead>
          <tbody>
            {page.map((t) => (
              <TargetRow key={`${t.scrapeUrl} ${t.labels.instance ?? ''}`} target={t} />
            ))}
          </tbody>
        </table>
      )}
    />
  );
}

export function TargetsPage() {
  const filters = useListFilters('health', healthStates);
  const collapsed = useCollapsed();
  const source = usePoolTargets('active');
  const { pool, targets } = source;

  const active = targets.response?.data.activeTargets;
  const index = useMemo(() => searchIndex(active ?? []), [active]);
  const poolNames = useMemo(() => scrapePoolNames(source.listed, (active ?? []).map((t) => t.scrapePool)), [source.listed, active]);
  const { filtering } = filters;
  const allPools = useMemo(
    () => buildPools(active ?? [], index, poolNames, pool, filters.states, filters.search),
    [index, poolNames, pool, filters.key],
  );
  const shown = filtering ? allPools.filter((p) => p.targets.length > 0) : allPools;

  return (
    <div class="page">
      <PageTitle>Target health</PageTitle>
      <PoolToolbar
        source={source}
        poolNames={poolNames}
        pools={allPools}
        filters={filters}
        stateLabel="Filter by target health"
        stateOptions={[
          { value: 'up', label: 'Up' },
          { value: 'down', label: 'Down' },
          { value: 'unknown', label: 'Unknown' },
        ]}
        searchPlaceholder="Filter by endpoint or labels"
        collapsed={collapsed}
      />
      <FetchedView fetched={targets} errorTitle="Error fetching targets">
        {shown.length === 0 && (
          <div class="alert alert-info">{allPools.length === 0 ? 'No scrape pools found.' : 'No targets match the filters.'}</div>
        )}
        {filtering && shown.length < allPools.length && shown.length > 0 && (
          <p class="muted">
            Hiding {allPools.length - shown.length} pool{allPools.length - shown.length === 1 ? '' : 's'} with no matching targets.
          </p>
        )}
        <PoolPanels
          pools={shown}
          collapsed={collapsed}
          title={(p) => (
            <>
              <span class="panel-title">{p.name}</span>
              <span class={`count-badge ${upBadgeClass(p)}`}>
                {p.up} / {p.total} up
              </span>
              {filtering && p.targets.length !== p.total && <span class="muted">{p.targets.length} shown</span>}
            </>
          )}
          body={(p) => <PoolTargets pool={p} filterKey={filters.key} />}
        />
      </FetchedView>
    </div>
  );
}
