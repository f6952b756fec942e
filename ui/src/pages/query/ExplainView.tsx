// The Explain tab: the query's syntax tree from /api/v1/parse_query, each node with its PromQL
// text and a button that counts the sub-expression's result at the evaluation time.

import { useState } from 'preact/hooks';
import { apiPost } from '../../api';
import { ErrorBox, useApi } from '../../components/common';
import { children, describe, toPromQL, type AstNode } from './ast';
import { resultCount } from './TableView';
import type { QueryData } from './queryApi';

type Count = { loading: true } | { count: number; ms: number } | { error: string };

function CountButton(props: { expr: string; time: number | null }) {
  const [state, setState] = useState<Count | null>(null);
  const run = () => {
    setState({ loading: true });
    const started = performance.now();
    const time = props.time ?? Date.now();
    apiPost<QueryData>('/api/v1/query', { query: props.expr, time: String(time / 1000) })
      .then((r) => setState({ count: resultCount(r.data), ms: performance.now() - started }))
      .catch((e: Error) => setState({ error: e.message }));
  };
  return (
    <span class="q-explain-count">
      <button onClick={run} disabled={state !== null && 'loading' in state} title="Run this sub-expression as an instant query">
        {state === null ? 'Count results' : 'Recount'}
      </button>
      {state && 'count' in state && (
        <span class="muted">
          {state.count.toLocaleString('en-US')} {state.count === 1 ? 'result' : 'results'} · {Math.round(state.ms)}ms
        </span>
      )}
      {state && 'error' in state && <span class="q-explain-error">{state.error}</span>}
    </span>
  );
}

function TreeNode(props: { node: AstNode; time: number | null }) {
  const n = props.node;
  const text = toPromQL(n);
  const kids = children(n);
  return (
    <li>
      <div class="q-explain-node">
        <code class="q-explain-expr">{text}</code>
        <span class="q-explain-type">{describe(n)}</span>
        {n.type !== 'stringLiteral' && <CountButton key={text} expr={text} time={props.time} />}
      </div>
      {kids.length > 0 && (
        <ul>
          {kids.map((k) => (
            <TreeNode node={k} time={props.time} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function ExplainView(props: { expr: string; time: number | null }) {
  const parsed = useApi<AstNode>('/api/v1/parse_query', { query: props.expr }, [props.expr]);
  if (!props.expr.trim()) return <div class="q-empty muted">No expression entered yet.</div>;
  if (parsed.error) return <ErrorBox error={parsed.error} />;
  if (!parsed.response) return <div class="loading" style={{ height: '120px' }} aria-busy="true" />;
  return (
    <ul class={`q-explain ${parsed.loading ? 'q-stale' : ''}`}>
      <TreeNode node={parsed.response.data} time={props.time} />
    </ul>
  );
}
