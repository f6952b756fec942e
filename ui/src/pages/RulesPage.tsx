// /rules: every rule group with its evaluation timing and each rule's health, as Prometheus's
// "Rule health" page. Groups and rules are paged.

import { useMemo, useState } from 'preact/hooks';
import { CheckboxGroup } from '../components/CheckboxGroup';
import { CollapseAllButtons, Collapsible } from '../components/Collapsible';
import { ErrorBox, FilterInput, HealthBadge, LabelBadges, Loading, PageTitle, useApi } from '../components/common';
import { usePaged } from '../components/Pager';
import { usePagedReset } from '../components/PagedList';
import { RelativeTime } from '../components/RelativeTime';
import { useUrlList, useUrlParam } from '../components/useUrlState';
import { formatDuration, formatSeconds, parseApiTime } from '../format';
import { filterTerms, labelsText, matchesFilter, type Rule, type RuleGroup, type RulesResult } from './apiTypes';
import { KeyValueTable } from './ruleParts';
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
    key: `${group.file};${group.name}`,
    group,
    rules: group.rules.filter(
      (r) =>
        (health.length === 0 || health.includes(r.health)) &&
        (terms.length === 0 || matchesFilter(`${r.name.toLowerCase()} ${labelsText(r.labels)}`, terms)),
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

function GroupRules(props: { view: GroupView; filterKey: string }) {
  const { page, pager } = usePagedReset(props.view.rules, 50, props.filterKey);
  const total = props.view.group.rules.length;
  if (total === 0) return <p class="panel-note muted">No rules in this group.</p>;
  if (props.view.rules.length === 0) return <p class="panel-note muted">No rules in this group match the filters ({total} hidden).</p>;
  return (
    <>
      <ul class="rule-list">
        {page.map((r) => (
          <RuleItem key={r.name + r.query} rule={r} />
        ))}
      </ul>
      {pager}
    </>
  );
}

// `filterKey` changes with the filters: the groups' pagers go back to their first page.
function GroupList(props: { views: GroupView[]; collapsed: Set<string>; toggle: (key: string) => void; filterKey: string }) {
  const { page, pager } = usePaged(props.views, 25);
  return (
    <>
      {page.map((v) => {
        const g = v.group;
        return (
          <Collapsible
            key={v.key}
            open={!props.collapsed.has(v.key)}
            onToggle={() => props.toggle(v.key)}
            title={
              <>
                <span class="group-titles">
                  <span class="panel-title">{g.name}</span>
                  <span class="panel-subtitle">{g.file}</span>
                </span>
                <span class="spacer" />
                <span class="group-meta">
                  <span title="Last group evaluation">
                    last run <RelativeTime time={parseApiTime(g.lastEvaluation)} />
                  </span>
                  <span title="Duration of last group evaluation">took {formatSeconds(g.evaluationTime)}</span>
                  <span title="Group evaluation interval">every {formatDuration(g.interval * 1000)}</span>
                  {(g.limit ?? 0) > 0 && <span title="Group limit">limit {g.limit}</span>}
                </span>
              </>
            }
          >
            <GroupRules view={v} filterKey={props.filterKey} />
          </Collapsible>
        );
      })}
      {pager}
    </>
  );
}

export function RulesPage() {
  const rules = useApi<RulesResult>('/api/v1/rules');
  const [health, setHealth] = useUrlList('health', healthStates);
  const [search, setSearch] = useUrlParam('search');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());

  const groups = rules.response?.data.groups;
  const views = useMemo(() => buildGroups(groups ?? [], health, search), [groups, health.join(','), search]);
  const filtering = health.length > 0 || search.trim() !== '';
  const shown = filtering ? views.filter((v) => v.rules.length > 0) : views;

  const toggle = (key: string) => {
    const next = new Set(collapsed);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setCollapsed(next);
  };

  return (
    <div class="page">
      <PageTitle>Rule health</PageTitle>
      <div class="toolbar">
        <CheckboxGroup
          label="Filter by rule health"
          options={[
            { value: 'ok', label: 'OK' },
            { value: 'unknown', label: 'Unknown' },
            { value: 'err', label: 'Error' },
          ]}
          selected={health}
          onChange={setHealth}
        />
        <FilterInput value={search} placeholder="Filter by rule name or labels" onInput={setSearch} />
        <CollapseAllButtons onCollapse={() => setCollapsed(new Set(views.map((v) => v.key)))} onExpand={() => setCollapsed(new Set())} />
        <button onClick={rules.reload} disabled={rules.loading}>
          Refresh
        </button>
      </div>
      {rules.error && <ErrorBox title="Error fetching rules" error={rules.error} />}
      {!rules.response && !rules.error && <Loading height={400} />}
      {rules.response && (
        <>
          {views.length === 0 && <div class="alert alert-info">No rule groups configured.</div>}
          {views.length > 0 && shown.length === 0 && <div class="alert alert-info">No rules match the filters.</div>}
          <GroupList views={shown} collapsed={collapsed} toggle={toggle} filterKey={`${health.join()} ${search}`} />
        </>
      )}
    </div>
  );
}
