export function ExplainView(_props: { expr: string; time: number | null; onSetExpr: (expr: string) => void }) {
  return <div class="q-empty muted">Explain: coming.</div>;
}
