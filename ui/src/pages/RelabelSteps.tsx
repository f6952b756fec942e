// A target's relabelling, step by step (GET /api/v1/targets/relabel_steps): each rule of the
// pool's relabel_configs, the labels after it (what it added, changed or removed), and the rule
// that dropped the target.

import { useEffect, useState } from 'preact/hooks';
import { apiGet } from '../api';
import { ErrorBox, LabelBadges, Loading } from '../components/common';
import type { Labels } from './apiTypes';

interface RelabelStep {
  rule: Record<string, unknown>;
  output: Labels;
  keep: boolean;
}

interface RelabelStepsResult {
  steps: RelabelStep[];
}

const fieldOrder = ['action', 'source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement'];

function yamlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => yamlValue(x)).join(', ')}]`;
  if (typeof v === 'string') return v === '' || /^[\s]|[\s]$|[:#{}[\],&*?|<>=!%@`'"]/.test(v) ? JSON.stringify(v) : v;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// The rule as YAML-ish text, fields in the order people write them.
export function ruleText(rule: Record<string, unknown>): string {
  const rank = (k: string) => (fieldOrder.includes(k) ? fieldOrder.indexOf(k) : fieldOrder.length);
  return Object.keys(rule)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((k) => `${k}: ${yamlValue(rule[k])}`)
    .join('\n');
}

function LabelDiff(props: { labels: Labels; previous: Labels }) {
  const names = [...new Set([...Object.keys(props.labels), ...Object.keys(props.previous)])].sort();
  const changes = names.filter((n) => props.labels[n] !== props.previous[n]);
  return (
    <div class="label-diff mono">
      {changes.length === 0 && <div class="muted">labels unchanged</div>}
      {changes.map((n) =>
        !(n in props.labels) ? (
          <div class="label-removed" key={n}>
            − {n}="{props.previous[n]}"
          </div>
        ) : !(n in props.previous) ? (
          <div class="label-added" key={n}>
            + {n}="{props.labels[n]}"
          </div>
        ) : (
          <div class="label-changed" key={n}>
            ~ {n}="{props.labels[n]}" <span class="muted">(was "{props.previous[n]}")</span>
          </div>
        ),
      )}
    </div>
  );
}

export function RelabelSteps(props: { pool: string; labels: Labels }) {
  const [state, setState] = useState<{ steps?: RelabelStep[]; error?: unknown }>({});
  useEffect(() => {
    const controller = new AbortController();
    apiGet<RelabelStepsResult>('/api/v1/targets/relabel_steps', { scrapePool: props.pool, labels: JSON.stringify(props.labels) }, controller.signal)
      .then((r) => setState({ steps: r.data.steps ?? [] }))
      .catch((error) => {
        if (!controller.signal.aborted) setState({ error });
      });
    return () => controller.abort();
  }, [props.pool, props.labels]);

  if (state.error) return <ErrorBox title="Error fetching the relabelling steps" error={state.error} />;
  if (!state.steps) return <Loading height={80} />;
  const steps = state.steps;
  if (steps.length === 0) return <p class="muted">This scrape pool has no relabel_configs: the discovered labels are kept as they are.</p>;
  const dropAt = steps.findIndex((s) => !s.keep);
  const shown = dropAt === -1 ? steps : steps.slice(0, dropAt + 1);
  return (
    <ol class="relabel-steps">
      {shown.map((step, i) => (
        <li class="relabel-step" key={i}>
          <div class="step-title">Rule {i + 1}</div>
          <pre>{ruleText(step.rule)}</pre>
          {step.keep ? (
            <>
              <LabelDiff labels={step.output} previous={i === 0 ? props.labels : steps[i - 1].output} />
              <details>
                <summary class="muted">labels after this rule</summary>
                <LabelBadges labels={step.output} />
              </details>
            </>
          ) : (
            <div class="dropped-note">Dropped by this rule.</div>
          )}
        </li>
      ))}
      {dropAt !== -1 && dropAt < steps.length - 1 && (
        <li class="muted">
          {steps.length - dropAt - 1} later rule{steps.length - dropAt - 1 === 1 ? '' : 's'} not applied.
        </li>
      )}
    </ol>
  );
}
