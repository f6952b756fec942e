// /targets: the scrape pools and their targets' health, as Prometheus's "Target health" page.
// Built for 10,000 targets: the search text of each target is computed once per response, the
// filtering is memoised on the filters, and each pool renders one page of rows.

import { memo } from 'preact/compat';
import { useMemo, useState } from 'preact/hooks';
import { CheckboxGroup } from '../components/CheckboxGroup';
import { CollapseAllButtons, Collapsible } from '../components/Collapsible';
import { ErrorBox, FilterInput, HealthBadge, LabelBadges, Loading, PageTitle, useApi } from '../components/common';
import { usePaged } from '../components/Pager';
import { usePagedReset } from '../components/PagedList';
import { RelativeTime } from '../components/RelativeTime';
import { useUrlList, useUrlParam } from '../components/useUrlState';
import { formatSeconds, parseApiTime } from '../format';
import { filterTerms, labelsText, matchesFilter, type ScrapePoolsResult, type Target, type TargetsResult } from './apiTypes';
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

function PoolTargets(props: { pool: Pool; filterKey: string }) {
  const { page, pager } = usePagedReset(props.pool.targets, 100, props.filterKey);
  if (props.pool.total === 0) return <p class="panel-note muted">No active targets in this scrape pool.</p>;
  if (props.pool.targets.length === 0)
    return <p class="panel-note muted">No targets in this pool match the filters ({props.pool.total} hidden).</p>;
  return (
    <>
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
      {pager}
    </>
  );
}

function upBadgeClass(p: Pool): string {
  if (p.total === 0) return 'count-none';
  return p.up === p.total ? 'count-ok' : p.up === 0 ? 'count-bad' : 'count-warn';
}

// `filterKey` changes with the filters: the pools' pagers go back to their first page.
function PoolList(props: { pools: Pool[]; collapsed: Set<string>; toggle: (name: string) => void; filtered: boolean; filterKey: string }) {
  const { page, pager } = usePaged(props.pools, 50);
  return (
    <>
      {page.map((p) => (
        <Collapsible
          key={p.name}
          open={!props.collapsed.has(p.name)}
          onToggle={() => props.toggle(p.name)}
          title={
            <>
              <span class="panel-title">{p.name}</span>
              <span class={`count-badge ${upBadgeClass(p)}`}>
                {p.up} / {p.total} up
              </span>
              {props.filtered && p.targets.length !== p.total && <span class="muted">{p.targets.length} shown</span>}
            </>
          }
        >
          <PoolTargets pool={p} filterKey={props.filterKey} />
        </Collapsible>
      ))}
      {pager}
    </>
  );
}

export function TargetsPage() {
  const [pool, setPool] = useUrlParam('pool');
  const [health, setHealth] = useUrlList('health', healthStates);
  const [search, setSearch] = useUrlParam('search');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  // scrapePool narrows the answer on servers that support it; the page filters by pool anyway.
  const targets = useApi<TargetsResult>('/api/v1/targets', { state: 'active', scrapePool: pool || undefined }, [pool]);
  const poolsList = useApi<ScrapePoolsResult>('/api/v1/scrape_pools');

  const active = targets.response?.data.activeTargets;
  const index = useMemo(() => searchIndex(active ?? []), [active]);
  const poolNames = useMemo(() => {
    const names = new Set(poolsList.response?.data.scrapePools ?? []);
    for (const t of active ?? []) names.add(t.scrapePool);
    return [...names].sort();
  }, [poolsList.response, active]);
  const filtering = health.length > 0 || search.trim() !== '';
  const allPools = useMemo(
    () => buildPools(active ?? [], index, poolNames, pool, health, search),
    [index, poolNames, pool, health.join(','), search],
  );
  const shown = filtering ? allPools.filter((p) => p.targets.length > 0) : allPools;

  const toggle = (name: string) => {
    const next = new Set(collapsed);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setCollapsed(next);
  };

  return (
    <div class="page">
      <PageTitle>Target health</PageTitle>
      <div class="toolbar">
        <select aria-label="Scrape pool" value={pool} onChange={(e) => setPool((e.target as HTMLSelectElement).value)}>
          <option value="">All scrape pools</option>
          {poolNames.map((n) => (
            <option value={n}>{n}</option>
          ))}
          {pool && !poolNames.includes(pool) && <option value={pool}>{pool}</option>}
        </select>
        <CheckboxGroup
          label="Filter by target health"
          options={[
            { value: 'up', label: 'Up' },
            { value: 'down', label: 'Down' },
            { value: 'unknown', label: 'Unknown' },
          ]}
          selected={health}
          onChange={setHealth}
        />
        <FilterInput value={search} placeholder="Filter by endpoint or labels" onInput={setSearch} />
        <CollapseAllButtons onCollapse={() => setCollapsed(new Set(allPools.map((p) => p.name)))} onExpand={() => setCollapsed(new Set())} />
        <button onClick={() => (targets.reload(), poolsList.reload())} disabled={targets.loading}>
          Refresh
        </button>
      </div>
      {targets.error && <ErrorBox title="Error fetching targets" error={targets.error} />}
      {!targets.response && !targets.error && <Loading height={400} />}
      {targets.response && (
        <>
          {shown.length === 0 && (
            <div class="alert alert-info">{allPools.length === 0 ? 'No scrape pools found.' : 'No targets match the filters.'}</div>
          )}
          {filtering && shown.length < allPools.length && shown.length > 0 && (
            <p class="muted">
              Hiding {allPools.length - shown.length} pool{allPools.length - shown.length === 1 ? '' : 's'} with no matching targets.
            </p>
          )}
          <PoolList pools={shown} collapsed={collapsed} toggle={toggle} filtered={filtering} filterKey={`${health.join()} ${search}`} />
        </>
      )}
    </div>
  );
}
