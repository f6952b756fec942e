// /rules: every rule group with its evaluation timing and each rule's health, as Prometheus's
// "Rule health" page. Groups and rules are paged.

import { useMemo, useState } from 'preact/hooks';
import { FetchedView, HealthBadge, LabelBadges, PageTitle, useApi } from '../components/common';
import { FilterToolbar, useListFilters } from '../components/FilterToolbar';
import { RelativeTime } from '../components/RelativeTime';
import { useCollapsed } from '../components/useCollapsed';
import { formatDuration, formatSeconds, parseApiTime } from '../format';
import { filterTerms, matchesFilter, type Rule, type RuleGroup, type RulesResult } from './apiTypes';
import { groupKey, GroupRuleList, KeyValueTable, RuleGroupPanels, ruleText } from './ruleParts';
import './pages.css';

const healthStates = ['ok', 'unknown', 'err'] as const;
type Health = (typeof healthStates)[number];

interface GroupView {
  key: string;
  group: RuleGroup;
  rules: Rule[]; // after the filters
}

function buildGroups(groups: RuleGroup[], health: Health[], search: string): GroupView[] {
  const terms = filterTerms(search);
  return groups.map((group) => ({
    key: groupKey(group),
    group,
    rules: group.rules.filter(
      (r) =>
        (health.length === 0 || health.includes(r.health)) &&
        (terms.length === 0 || matchesFilter(ruleText(r), terms)),
    ),
  }));
}

function RuleItem(props: { rule: Rule }) {
  const r = props.rule;
  return (
    <li class="rule-item">
      <div class="rule-head">
        <span class="kind-badge">{r.type === 'alerting' ? 'alert' : 'record'}</span>
        <span class="rule-name">{r.name}</span>
        <span class="spacer" />
        <HealthBadge health={r.health} />
      </div>
      <code class="expr">{r.query}</code>
      <div class="rule-meta">
        <span title="Last rule evaluation">
          last evaluation: <RelativeTime time={parseApiTime(r.lastEvaluation)} />
        </span>
        <span title="Duration of last rule evaluation">evaluation time: {formatSeconds(r.evaluationTime)}</span>
        {r.type === 'alerting' && r.duration > 0 && <span>for: {formatDuration(r.duration * 1000)}</span>}
        {r.type === 'alerting' && (r.keepFiringFor ?? 0) > 0 && <span>keep_firing_for: {formatDuration(r.keepFiringFor! * 1000)}</span>}
      </div>
      {r.labels && Object.keys(r.labels).length > 0 && (
        <div class="rule-labels">
          <LabelBadges labels={r.labels} />
        </div>
      )}
      {r.type === 'alerting' && Object.keys(r.annotations ?? {}).length > 0 && (
        <details>
          <summary class="muted">annotations</summary>
          <KeyValueTable values={r.annotations} />
        </details>
      )}
      {r.lastError && <div class="error-text">Error: {r.lastError}</div>}
    </li>
  );
}

function GroupMeta(props: { group: RuleGroup }) {
  const g = props.group;
  return (
    <span class="group-meta">
      <span title="Last group evaluation">
        last run <RelativeTime time={parseApiTime(g.lastEvaluation)} />
      </span>
      <span title="Duration of last group evaluation">took {formatSeconds(g.evaluationTime)}</span>
      <span title="Group evaluation interval">every {formatDuration(g.interval * 1000)}</span>
      {(g.limit ?? 0) > 0 && <span title="Group limit">limit {g.limit}</span>}
    </span>
  );
}

export function RulesPage() {
  const rules = useApi<RulesResult>('/api/v1/rules');
  const filters = useListFilters('health', healthStates);
  const collapsed = useCollapsed();

  const groups = rules.response?.data.groups;
  const views = useMemo(() => buildGroups(groups ?? [], filters.states, filters.search), [groups, filters.key]);
  const shown = filters.filtering ? views.filter((v) => v.rules.length > 0) : views;

  return (
    <div class="page">
      <PageTitle>Rule health</PageTitle>
      <FilterToolbar
        filters={filters}
        stateLabel="Filter by rule health"
        stateOptions={[
          { value: 'ok', label: 'OK' },
          { value: 'unknown', label: 'Unknown' },
          { value: 'err', label: 'Error' },
        ]}
        searchPlaceholder="Filter by rule name or labels"
        collapsed={collapsed}
        keys={() => views.map((v) => v.key)}
        onRefresh={rules.reload}
        loading={rules.loading}
      />
      <FetchedView fetched={rules} errorTitle="Error fetching rules">
        {views.length === 0 && <div class="alert alert-info">No rule groups configured.</div>}
        {views.length > 0 && shown.length === 0 && <div class="alert alert-info">No rules match the filters.</div>}
        <RuleGroupPanels
          views={shown}
          collapsed={collapsed}
          badges={(v) => <GroupMeta group={v.group} />}
          body={(v) => (
            <GroupRuleList
              rules={v.rules}
              total={v.group.rules.length}
              filterKey={filters.key}
              empty="No rules in this group."
              item={(r) => <RuleItem rule={r} />}
            />
          )}
        />
      </FetchedView>
    </div>
  );
}
