// Pieces the alerts and rules pages share: group keys and titles, the text the filter searches,
// state badges, key/value tables, the toggles that persist in localStorage.

import { Fragment, type ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { PagedPanels, PagedRows } from '../components/PagedPanels';
import type { Collapsed } from '../components/useCollapsed';
import { labelsText, type Labels, type Rule, type RuleGroup } from './apiTypes';

// A rule group's key among all groups (names are unique within a file).
export function groupKey(group: RuleGroup): string {
  return `${group.file};${group.name}`;
}

// A rule's lower-cased name and labels, for the text filter.
export function ruleText(rule: Rule): string {
  return `${rule.name.toLowerCase()} ${labelsText(rule.labels)}`;
}

// A group's name over its file, then a spacer: the start of a group panel's title.
function GroupTitle(props: { group: RuleGroup }) {
  return (
    <>
      <span class="group-titles">
        <span class="panel-title">{props.group.name}</span>
        <span class="panel-subtitle">{props.group.file}</span>
      </span>
      <span class="spacer" />
    </>
  );
}

export type AlertState = 'inactive' | 'pending' | 'firing';
export const alertStates: readonly AlertState[] = ['inactive', 'pending', 'firing'];

// The rule groups, 25 to a page, each a collapsible panel titled by its name, file and `badges`.
export function RuleGroupPanels<V extends { key: string; group: RuleGroup }>(props: {
  views: V[];
  collapsed: Collapsed;
  badges: (view: V) => ComponentChildren;
  body: (view: V) => ComponentChildren;
}) {
  return (
    <PagedPanels
      items={props.views}
      pageSize={25}
      keyOf={(v) => v.key}
      collapsed={props.collapsed}
      title={(v) => (
        <>
          <GroupTitle group={v.group} />
          {props.badges(v)}
        </>
      )}
      body={props.body}
    />
  );
}

// A group's rules after the filters (of `total`), 50 to a page; the pager goes back to the first
// page when `filterKey` changes.
export function GroupRuleList<R extends Rule>(props: {
  rules: R[];
  total: number;
  filterKey: string;
  empty: string;
  item: (rule: R) => ComponentChildren;
}) {
  return (
    <PagedRows
      items={props.rules}
      total={props.total}
      pageSize={50}
      resetKey={props.filterKey}
      empty={props.empty}
      noMatch={`No rules in this group match the filters (${props.total} hidden).`}
      render={(page) => (
        <ul class="rule-list">
          {page.map((r) => (
            <Fragment key={r.name + r.query}>{props.item(r)}</Fragment>
          ))}
        </ul>
      )}
    />
  );
}

export function StateBadge(props: { state: AlertState; count?: number }) {
  return (
    <span class={`badge state-${props.state}`}>
      {props.state.toUpperCase()}
      {props.count !== undefined && ` (${props.count})`}
    </span>
  );
}

// Counts of rules (or alerts) per state, as badges; zero counts are left out.
export function StateCounts(props: { counts: Record<AlertState, number> }) {
  return (
    <>
      {(['firing', 'pending', 'inactive'] as const).map((s) => (props.counts[s] > 0 ? <StateBadge state={s} count={props.counts[s]} /> : null))}
    </>
  );
}

// A two-column table of a label or annotation set.
export function KeyValueTable(props: { values: Labels; mono?: boolean }) {
  return (
    <table class="kv-table">
      <tbody>
        {Object.entries(props.values).map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td class={props.mono ? 'mono' : ''}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// A boolean setting kept in localStorage.
export function useStoredFlag(key: string, initial: boolean): [boolean, (v: boolean) => void] {
  const [value, setValue] = useState(() => {
    try {
      const v = localStorage.getItem(key);
      return v === null ? initial : v === 'true';
    } catch {
      return initial;
    }
  });
  const set = (v: boolean) => {
    setValue(v);
    try {
      localStorage.setItem(key, String(v));
    } catch {
      // Private mode: the setting lasts as long as the page.
    }
  };
  return [value, set];
}
