// /service-discovery: per scrape pool, each discovered target's labels before relabelling and
// the target labels after it (or "Dropped"), with the relabelling step by step on demand, as
// Prometheus's "Service discovery" page.

import { memo } from 'preact/compat';
import { useMemo, useState } from 'preact/hooks';
import { CheckboxGroup } from '../components/CheckboxGroup';
import { CollapseAllButtons, Collapsible } from '../components/Collapsible';
import { ErrorBox, FilterInput, LabelBadges, Loading, PageTitle, useApi } from '../components/common';
import { usePaged } from '../components/Pager';
import { usePagedReset } from '../components/PagedList';
import { useUrlList, useUrlParam } from '../components/useUrlState';
import { filterTerms, labelsText, matchesFilter, type Labels, type ScrapePoolsResult, type TargetsResult } from './apiTypes';
import { RelabelSteps } from './RelabelSteps';
import './pages.css';

const sdStates = ['active', 'dropped'] as const;
type SdState = (typeof sdStates)[number];

interface SdTarget {
  pool: string;
  discovered: Labels;
  labels: Labels | null; // null when dropped
  text: string; // lower-cased labels, for the filter
}

interface PoolView {
  name: string;
  targets: SdTarget[]; // after the filters
  active: number;
  dropped: number; // droppedTargetCounts: may exceed the dropped targets the API lists
}

function collect(result: TargetsResult | undefined): SdTarget[] {
  if (!result) return [];
  const out: SdTarget[] = [];
  for (const t of result.activeTargets ?? [])
    out.push({ pool: t.scrapePool, discovered: t.discoveredLabels, labels: t.labels, text: labelsText(t.discoveredLabels) + labelsText(t.labels) });
  for (const t of result.droppedTargets ?? [])
    out.push({ pool: t.scrapePool, discovered: t.discoveredLabels, labels: null, text: labelsText(t.discoveredLabels) });
  return out;
}

function buildPools(
  targets: SdTarget[],
  poolNames: string[],
  droppedCounts: Record<string, number>,
  pool: string,
  states: SdState[],
  search: string,
): PoolView[] {
  const pools = new Map<string, PoolView>();
  const get = (name: string) => {
    let p = pools.get(name);
    if (!p) pools.set(name, (p = { name, targets: [], active: 0, dropped: droppedCounts[name] ?? 0 }));
    return p;
  };
  for (const name of poolNames) if (!pool || name === pool) get(name);
  const terms = filterTerms(search);
  for (const t of targets) {
    if (pool && t.pool !== pool) continue;
    const p = get(t.pool);
    if (t.labels) p.active++;
    else if (!(t.pool in droppedCounts)) p.dropped++;
    if (states.length > 0 && !states.includes(t.labels ? 'active' : 'dropped')) continue;
    if (terms.length > 0 && !matchesFilter(t.text, terms)) continue;
    p.targets.push(t);
  }
  return [...pools.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const SdRow = memo(function SdRow(props: { target: SdTarget }) {
  const t = props.target;
  const [showSteps, setShowSteps] = useState(false);
  return (
    <>
      <tr>
        <td>
          <LabelBadges labels={t.discovered} />
        </td>
        <td>
          {t.labels ? <LabelBadges labels={t.labels} /> : <span class="badge health-bad">DROPPED</span>}
          <button class="link-button" aria-expanded={showSteps} onClick={() => setShowSteps(!showSteps)}>
            {showSteps ? 'hide relabelling' : 'show relabelling'}
          </button>
        </td>
      </tr>
      {showSteps && (
        <tr class="steps-row">
          <td colSpan={2}>
            <RelabelSteps pool={t.pool} labels={t.discovered} />
          </td>
        </tr>
      )}
    </>
  );
});

function PoolTargets(props: { pool: PoolView; filterKey: string }) {
  const { page, pager } = usePagedReset(props.pool.targets, 100, props.filterKey);
  const total = props.pool.active + props.pool.dropped;
  if (total === 0) return <p class="panel-note muted">No targets discovered in this scrape pool.</p>;
  if (props.pool.targets.length === 0) return <p class="panel-note muted">No targets in this pool match the filters.</p>;
  return (
    <>
      <table class="data sd-table">
        <thead>
          <tr>
            <th>Discovered labels</th>
            <th>Target labels</th>
          </tr>
        </thead>
        <tbody>
          {page.map((t, i) => (
            <SdRow key={`${i}:${t.text}`} target={t} />
          ))}
        </tbody>
      </table>
      {pager}
    </>
  );
}

// `filterKey` changes with the filters: the pools' pagers go back to their first page.
function PoolList(props: { pools: PoolView[]; collapsed: Set<string>; toggle: (name: string) => void; filterKey: string }) {
  const { page, pager } = usePaged(props.pools, 50);
  return (
    <>
      {page.map((p) => {
        const listedDropped = p.targets.filter((t) => !t.labels).length;
        return (
          <Collapsible
            key={p.name}
            open={!props.collapsed.has(p.name)}
            onToggle={() => props.toggle(p.name)}
            title={
              <>
                <span class="panel-title">{p.name}</span>
                <span class="count-badge count-ok">{p.active} active</span>
                <span class={`count-badge ${p.dropped > 0 ? 'count-bad' : 'count-none'}`}>{p.dropped} dropped</span>
                {p.dropped > listedDropped && listedDropped > 0 && (
                  <span class="muted" title="scrape_config's keep_dropped_targets limits the dropped targets kept">
                    {listedDropped} dropped listed
                  </span>
                )}
              </>
            }
          >
            <PoolTargets pool={p} filterKey={props.filterKey} />
          </Collapsible>
        );
      })}
      {pager}
    </>
  );
}

export function ServiceDiscoveryPage() {
  const [pool, setPool] = useUrlParam('pool');
  const [states, setStates] = useUrlList('state', sdStates);
  const [search, setSearch] = useUrlParam('search');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const targets = useApi<TargetsResult>('/api/v1/targets', { state: 'any', scrapePool: pool || undefined }, [pool]);
  const poolsList = useApi<ScrapePoolsResult>('/api/v1/scrape_pools');

  const result = targets.response?.data;
  const all = useMemo(() => collect(result), [result]);
  const poolNames = useMemo(() => {
    const names = new Set(poolsList.response?.data.scrapePools ?? []);
    for (const t of all) names.add(t.pool);
    return [...names].sort();
  }, [poolsList.response, all]);
  const pools = useMemo(
    () => buildPools(all, poolNames, result?.droppedTargetCounts ?? {}, pool, states, search),
    [all, poolNames, pool, states.join(','), search],
  );
  const filtering = states.length > 0 || search.trim() !== '';
  const shown = filtering ? pools.filter((p) => p.targets.length > 0) : pools;

  const toggle = (name: string) => {
    const next = new Set(collapsed);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setCollapsed(next);
  };

  return (
    <div class="page">
      <PageTitle>Service discovery</PageTitle>
      <div class="toolbar">
        <select aria-label="Scrape pool" value={pool} onChange={(e) => setPool((e.target as HTMLSelectElement).value)}>
          <option value="">All scrape pools</option>
          {poolNames.map((n) => (
            <option value={n}>{n}</option>
          ))}
          {pool && !poolNames.includes(pool) && <option value={pool}>{pool}</option>}
        </select>
        <CheckboxGroup
          label="Filter by state"
          options={[
            { value: 'active', label: 'Active' },
            { value: 'dropped', label: 'Dropped' },
          ]}
          selected={states}
          onChange={setStates}
        />
        <FilterInput value={search} placeholder="Filter by labels" onInput={setSearch} />
        <CollapseAllButtons onCollapse={() => setCollapsed(new Set(pools.map((p) => p.name)))} onExpand={() => setCollapsed(new Set())} />
        <button onClick={() => (targets.reload(), poolsList.reload())} disabled={targets.loading}>
          Refresh
        </button>
      </div>
      {targets.error && <ErrorBox title="Error fetching targets" error={targets.error} />}
      {!targets.response && !targets.error && <Loading height={400} />}
      {targets.response && (
        <>
          {shown.length === 0 && (
            <div class="alert alert-info">{pools.length === 0 ? 'No scrape pools found.' : 'No targets match the filters.'}</div>
          )}
          <PoolList pools={shown} collapsed={collapsed} toggle={toggle} filterKey={`${states.join()} ${search}`} />
        </>
      )}
    </div>
  );
}
