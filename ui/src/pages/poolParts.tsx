// Pieces the targets and service-discovery pages share: the scrape pool chosen in the URL
// (?pool=) with the targets fetched for it, and the toolbar and panels of the pools.

import type { ComponentChildren } from 'preact';
import { useApi, type Fetched } from '../components/common';
import { FilterToolbar, PoolSelect, type ListFilters } from '../components/FilterToolbar';
import type { CheckboxOption } from '../components/CheckboxGroup';
import { PagedPanels } from '../components/PagedPanels';
import type { Collapsed } from '../components/useCollapsed';
import { useUrlParam } from '../components/useUrlState';
import type { ScrapePoolsResult, TargetsResult } from './apiTypes';

export interface PoolSource {
  pool: string; // "" for all
  setPool: (pool: string) => void;
  targets: Fetched<TargetsResult>;
  listed?: ScrapePoolsResult; // the pools the server lists, once fetched
  reload: () => void;
}

// The targets in state `state` of the chosen pool (scrapePool narrows the answer on servers that
// support it; the pages filter by pool anyway) and the list of all pools.
export function usePoolTargets(state: 'active' | 'any'): PoolSource {
  const [pool, setPool] = useUrlParam('pool');
  const targets = useApi<TargetsResult>('/api/v1/targets', { state, scrapePool: pool || undefined }, [pool]);
  const poolsList = useApi<ScrapePoolsResult>('/api/v1/scrape_pools');
  return { pool, setPool, targets, listed: poolsList.response?.data, reload: () => (targets.reload(), poolsList.reload()) };
}

// The list pages' toolbar, with the pool choice first; "Collapse all" collapses `pools`.
export function PoolToolbar<T extends string>(props: {
  source: PoolSource;
  poolNames: string[];
  pools: { name: string }[];
  filters: ListFilters<T>;
  stateLabel: string;
  stateOptions: CheckboxOption<T>[];
  searchPlaceholder: string;
  collapsed: Collapsed;
}) {
  const s = props.source;
  return (
    <FilterToolbar
      before={<PoolSelect value={s.pool} names={props.poolNames} onChange={s.setPool} />}
      filters={props.filters}
      stateLabel={props.stateLabel}
      stateOptions={props.stateOptions}
      searchPlaceholder={props.searchPlaceholder}
      collapsed={props.collapsed}
      keys={() => props.pools.map((p) => p.name)}
      onRefresh={s.reload}
      loading={s.targets.loading}
    />
  );
}

// The scrape pools, 50 to a page, each a collapsible panel.
export function PoolPanels<P extends { name: string }>(props: {
  pools: P[];
  collapsed: Collapsed;
  title: (pool: P) => ComponentChildren;
  body: (pool: P) => ComponentChildren;
}) {
  return <PagedPanels items={props.pools} pageSize={50} keyOf={(p) => p.name} collapsed={props.collapsed} title={props.title} body={props.body} />;
}
