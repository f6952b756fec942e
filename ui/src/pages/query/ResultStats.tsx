// "Load time: 12ms · 5 results" above a panel's result; a fixed-height line, so nothing moves.

export function ResultStats(props: { loading: boolean; elapsedMs?: number; count?: number; extra?: string }) {
  return (
    <div class="q-stats muted">
      {props.loading ? (
        <span>Loading…</span>
      ) : (
        <>
          {props.elapsedMs !== undefined && <span>Load time: {Math.round(props.elapsedMs)}ms</span>}
          {props.count !== undefined && (
            <span>
              {props.count.toLocaleString('en-US')} {props.count === 1 ? 'result' : 'results'}
            </span>
          )}
          {props.extra && <span>{props.extra}</span>}
        </>
      )}
    </div>
  );
}
