// /alerts: the alerting rules by rule file and group, their state and active alerts, as
// Prometheus's "Alerts" page. Groups and rules are paged, rules open on demand, so thousands of
// rules stay fast.

import { useMemo, useState } from 'preact/hooks';
import { FetchedView, HealthBadge, LabelBadges, PageTitle, useApi } from '../components/common';
import { FilterToolbar, useListFilters } from '../components/FilterToolbar';
import { usePaged } from '../components/Pager';
import { RelativeTime } from '../components/RelativeTime';
import { useCollapsed } from '../components/useCollapsed';
import { formatDuration, formatTime, parseApiTime } from '../format';
import { filterTerms, matchesFilter, type AlertingRule, type RuleGroup, type RulesResult } from './apiTypes';
import { alertStates, groupKey, GroupRuleList, KeyValueTable, RuleGroupPanels, ruleText, StateBadge, StateCounts, useStoredFlag, type AlertState } from './ruleParts';
import './pages.css';

interface GroupView {
  key: string;
  group: RuleGroup;
  rules: AlertingRule[]; // after the filters
  total: number;
  counts: Record<AlertState, number>; // rules per state, of all the group's rules
}

function buildGroups(groups: RuleGroup[], states: AlertState[], search: string): GroupView[] {
  const terms = filterTerms(search);
  return groups.map((group) => {
    const counts = { inactive: 0, pending: 0, firing: 0 };
    const rules: AlertingRule[] = [];
    let total = 0;
    for (const r of group.rules) {
      if (r.type !== 'alerting') continue;
      total++;
      counts[r.state]++;
      if (states.length > 0 && !states.includes(r.state)) continue;
      if (terms.length > 0 && !matchesFilter(ruleText(r), terms)) continue;
      rules.push(r);
    }
    return { key: groupKey(group), group, rules, total, counts };
  });
}

function ActiveAlerts(props: { rule: AlertingRule }) {
  const { page, pager } = usePaged(props.rule.alerts, 50);
  if (props.rule.alerts.length === 0) return null;
  return (
    <>
      <table class="data">
        <thead>
          <tr>
            <th>Alert labels</th>
            <th>State</th>
            <th>Active since</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {page.map((a) => {
            const since = parseApiTime(a.activeAt);
            const keepFiring = parseApiTime(a.keepFiringSince);
            return (
              <tr>
                <td>
                  <LabelBadges labels={a.labels} skipName />
                </td>
                <td class="nowrap">
                  <StateBadge state={a.state} />
                  {keepFiring !== null && (
                    <div class="muted" title={formatTime(keepFiring)}>
                      kept firing since <RelativeTime time={keepFiring} />
                    </div>
                  )}
                </td>
                <td class="nowrap">{since === null ? '' : <RelativeTime time={since} />}</td>
                <td class="mono">{a.value}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {pager}
    </>
  );
}

function AlertRule(props: { rule: AlertingRule }) {
  const r = props.rule;
  const [open, setOpen] = useState(false);
  const firing = r.alerts.filter((a) => a.state === 'firing').length;
  const pending = r.alerts.filter((a) => a.state === 'pending').length;
  return (
    <li class={`rule-item alert-rule alert-rule-${r.state}`}>
      <button class="rule-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span class="chevron" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span class="rule-name">{r.name}</span>
        <span class="spacer" />
        {firing > 0 && <StateBadge state="firing" count={firing} />}
        {pending > 0 && <StateBadge state="pending" count={pending} />}
        {firing === 0 && pending === 0 && <StateBadge state="inactive" />}
        {r.health !== 'ok' && <HealthBadge health={r.health} />}
      </button>
      {open && (
        <div class="rule-body">
          <code class="expr">{r.query}</code>
          <div class="rule-meta">
            {r.duration > 0 && <span>for: {formatDuration(r.duration * 1000)}</span>}
            {(r.keepFiringFor ?? 0) > 0 && <span>keep_firing_for: {formatDuration(r.keepFiringFor! * 1000)}</span>}
            <span>
              health: <HealthBadge health={r.health} />
            </span>
            <span>
              last evaluation: <RelativeTime time={parseApiTime(r.lastEvaluation)} />
            </span>
          </div>
          {r.lastError && <div class="error-text">Error: {r.lastError}</div>}
          {r.labels && Object.keys(r.labels).length > 0 && (
            <div>
              <div class="section-title">Labels</div>
              <LabelBadges labels={r.labels} />
            </div>
          )}
          {Object.keys(r.annotations ?? {}).length > 0 && (
            <div>
              <div class="section-title">Annotations</div>
              <KeyValueTable values={r.annotations} />
            </div>
          )}
          <ActiveAlerts rule={r} />
        </div>
      )}
    </li>
  );
}

export function AlertsPage() {
  const rules = useApi<RulesResult>('/api/v1/rules', { type: 'alert' });
  const filters = useListFilters('state', alertStates);
  const [showEmpty, setShowEmpty] = useStoredFlag('sextant.alertsPage.showEmptyGroups', true);
  const collapsed = useCollapsed();

  const groups = rules.response?.data.groups;
  const views = useMemo(() => buildGroups(groups ?? [], filters.states, filters.search), [groups, filters.key]);
  const { filtering } = filters;
  const shown = views.filter((v) => (filtering ? v.rules.length > 0 : showEmpty || v.total > 0));
  const totals = useMemo(() => {
    const t = { inactive: 0, pending: 0, firing: 0 };
    for (const v of views) for (const s of alertStates) t[s] += v.counts[s];
    return t;
  }, [views]);

  return (
    <div class="page">
      <PageTitle>Alerts</PageTitle>
      <FilterToolbar
        filters={filters}
        stateLabel="Filter by rule state"
        stateOptions={[
          { value: 'inactive', label: `Inactive (${totals.inactive})` },
          { value: 'pending', label: `Pending (${totals.pending})` },
          { value: 'firing', label: `Firing (${totals.firing})` },
        ]}
        searchPlaceholder="Filter by rule name or labels"
        after={
          <label class="inline-check">
            <input type="checkbox" checked={showEmpty} onChange={(e) => setShowEmpty((e.target as HTMLInputElement).checked)} />
            Show empty groups
          </label>
        }
        collapsed={collapsed}
        keys={() => views.map((v) => v.key)}
        onRefresh={rules.reload}
        loading={rules.loading}
      />
      <FetchedView fetched={rules} errorTitle="Error fetching alerting rules">
        {views.length === 0 && <div class="alert alert-info">No rule groups configured.</div>}
        {views.length > 0 && shown.length === 0 && (
          <div class="alert alert-info">{filtering ? 'No alerting rules match the filters.' : 'No alerting rules configured.'}</div>
        )}
        <RuleGroupPanels
          views={shown}
          collapsed={collapsed}
          badges={(v) => <StateCounts counts={v.counts} />}
          body={(v) => (
            <GroupRuleList rules={v.rules} total={v.total} filterKey={filters.key} empty="No alerting rules in this group." item={(r) => <AlertRule rule={r} />} />
          )}
        />
      </FetchedView>
    </div>
  );
}
