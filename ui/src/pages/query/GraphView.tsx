export function GraphView(_props: { expr: string; endTime: number | null; range: number; step: number; stacked: boolean; runKey: number }) {
  return <div class="q-empty muted">Graph: coming.</div>;
}
