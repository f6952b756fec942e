// The filters of the list pages (targets, service discovery, alerts, rules): states to show and a
// text search, both kept in the URL (?state=…&search=…), and the toolbar that edits them.

import type { ComponentChildren } from 'preact';
import { CheckboxGroup, type CheckboxOption } from './CheckboxGroup';
import { CollapseAllButtons } from './Collapsible';
import { FilterInput } from './common';
import type { Collapsed } from './useCollapsed';
import { useUrlList, useUrlParam } from './useUrlState';

export interface ListFilters<T extends string> {
  states: T[]; // empty: all
  setStates: (states: T[]) => void;
  search: string;
  setSearch: (search: string) => void;
  filtering: boolean; // whether any filter is set
  key: string; // changes with the filters (for memoising, and to send pagers to their first page)
}

// The states in the repeated URL parameter `stateParam` (restricted to `allowed`), the text in
// `search`.
export function useListFilters<T extends string>(stateParam: string, allowed: readonly T[]): ListFilters<T> {
  const [states, setStates] = useUrlList(stateParam, allowed);
  const [search, setSearch] = useUrlParam('search');
  return {
    states,
    setStates,
    search,
    setSearch,
    filtering: states.length > 0 || search.trim() !== '',
    key: `${states.join()} ${search}`,
  };
}

// A choice of one scrape pool, or all ("" in `value`); a pool the URL names but the server does
// not list stays selectable.
export function PoolSelect(props: { value: string; names: string[]; onChange: (pool: string) => void }) {
  return (
    <select aria-label="Scrape pool" value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
      <option value="">All scrape pools</option>
      {props.names.map((n) => (
        <option value={n}>{n}</option>
      ))}
      {props.value && !props.names.includes(props.value) && <option value={props.value}>{props.value}</option>}
    </select>
  );
}

// Left to right: `before`, the state checkboxes, the search, `after`, collapse / expand all,
// Refresh. `keys` lists the panels "Collapse all" collapses.
export function FilterToolbar<T extends string>(props: {
  filters: ListFilters<T>;
  stateLabel: string; // for screen readers, e.g. "Filter by target health"
  stateOptions: CheckboxOption<T>[];
  searchPlaceholder: string;
  collapsed: Collapsed;
  keys: () => string[];
  onRefresh: () => void;
  loading: boolean;
  before?: ComponentChildren;
  after?: ComponentChildren;
}) {
  const f = props.filters;
  return (
    <div class="toolbar">
      {props.before}
      <CheckboxGroup label={props.stateLabel} options={props.stateOptions} selected={f.states} onChange={f.setStates} />
      <FilterInput value={f.search} placeholder={props.searchPlaceholder} onInput={f.setSearch} />
      {props.after}
      <CollapseAllButtons onCollapse={() => props.collapsed.collapseAll(props.keys())} onExpand={props.collapsed.expandAll} />
      <button onClick={props.onRefresh} disabled={props.loading}>
        Refresh
      </button>
    </div>
  );
}
