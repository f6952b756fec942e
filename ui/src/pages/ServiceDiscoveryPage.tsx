// /service-discovery: per scrape pool, each discovered target's labels before relabelling and
// the target labels after it (or "Dropped"), with the relabelling step by step on demand, as
// Prometheus's "Service discovery" page.

import { memo } from 'preact/compat';
import { useMemo, useState } from 'preact/hooks';
import { FetchedView, LabelBadges, PageTitle } from '../components/common';
import { useListFilters } from '../components/FilterToolbar';
import { PagedRows } from '../components/PagedPanels';
import { useCollapsed } from '../components/useCollapsed';
import { filterTerms, labelsText, matchesFilter, scrapePoolNames, type Labels, type TargetsResult } from './apiTypes';
import { RelabelSteps } from './RelabelSteps';
import { PoolPanels, PoolToolbar, usePoolTargets } from './poolParts';
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
  const p = props.pool;
  return (
    <PagedRows
      items={p.targets}
      total={p.active + p.dropped}
      pageSize={100}
      resetKey={props.filterKey}
      empty="No targets discovered in this scrape pool."
      noMatch="No targets in this pool match the filters."
      render={(page) => (
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
      )}
    />
  );
}

function PoolTitle(props: { pool: PoolView }) {
  const p = props.pool;
  const listedDropped = p.targets.filter((t) => !t.labels).length;
  return (
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
  );
}

export function ServiceDiscoveryPage() {
  const filters = useListFilters('state', sdStates);
  const collapsed = useCollapsed();
  const source = usePoolTargets('any');
  const { pool, targets } = source;

  const result = targets.response?.data;
  const all = useMemo(() => collect(result), [result]);
  const poolNames = useMemo(() => scrapePoolNames(source.listed, all.map((t) => t.pool)), [source.listed, all]);
  const pools = useMemo(
    () => buildPools(all, poolNames, result?.droppedTargetCounts ?? {}, pool, filters.states, filters.search),
    [all, poolNames, pool, filters.key],
  );
  const shown = filters.filtering ? pools.filter((p) => p.targets.length > 0) : pools;

  return (
    <div class="page">
      <PageTitle>Service discovery</PageTitle>
      <PoolToolbar
        source={source}
        poolNames={poolNames}
        pools={pools}
        filters={filters}
        stateLabel="Filter by state"
        stateOptions={[
          { value: 'active', label: 'Active' },
          { value: 'dropped', label: 'Dropped' },
        ]}
        searchPlaceholder="Filter by labels"
        collapsed={collapsed}
      />
      <FetchedView fetched={targets} errorTitle="Error fetching targets">
        {shown.length === 0 && (
          <div class="alert alert-info">{pools.length === 0 ? 'No scrape pools found.' : 'No targets match the filters.'}</div>
        )}
        <PoolPanels
          pools={shown}
          collapsed={collapsed}
          title={(p) => <PoolTitle pool={p} />}
          body={(p) => <PoolTargets pool={p} filterKey={filters.key} />}
        />
      </FetchedView>
    </div>
  );
}
