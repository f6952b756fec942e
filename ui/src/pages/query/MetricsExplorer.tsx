// The metrics explorer (Prometheus 3.x's, from the editor's "Metrics" button): a modal listing
// every metric name with its type and help, a filter (substring, else fuzzy; the matches
// highlighted), and a click (or Enter on the highlighted row) that hands the name to the editor
// and closes. Only the first rows render, more on demand, so 10,000+ names stay fast.
// Keyboard: the filter has the focus, ↑/↓ choose a row, Enter inserts it, Esc closes.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { apiGet } from '../../api';
import { ErrorBox, Loading } from '../../components/common';
import { filterMetrics, highlightSegments, metadataFor, type MetricMetadata } from './metricFilter';

const kRowsPerPage = 200;

interface Loaded {
  names?: string[];
  metadata?: Record<string, MetricMetadata[]>;
  error?: unknown;
}

// Fetches the metric names and their metadata, together, while the explorer is open. Metadata is
// optional: without it (an older server, an error) the names still show.
function useMetricsData(): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({});
  useEffect(() => {
    const controller = new AbortController();
    const names = apiGet<string[]>('/api/v1/label/__name__/values', {}, controller.signal);
    const metadata = apiGet<Record<string, MetricMetadata[]>>('/api/v1/metadata', {}, controller.signal).catch(() => undefined);
    Promise.all([names, metadata])
      .then(([n, m]) => setLoaded({ names: n.data ?? [], metadata: m?.data ?? undefined }))
      .catch((error) => {
        if (!controller.signal.aborted) setLoaded({ error });
      });
    return () => controller.abort();
  }, []);
  return loaded;
}

function Highlighted(props: { text: string; ranges: [number, number][] }) {
  return (
    <>
      {highlightSegments(props.text, props.ranges).map((s) => (s.match ? <mark>{s.text}</mark> : s.text))}
    </>
  );
}

export function MetricsExplorer(props: { onInsert: (name: string) => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const data = useMetricsData();
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(kRowsPerPage);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => (data.names ? filterMetrics(data.names, query) : []), [data.names, query]);
  const shown = matches.slice(0, limit);

  useEffect(() => {
    const d = dialog.current!;
    d.showModal();
    return () => d.close();
  }, []);
  useEffect(() => {
    (list.current?.children[active] as HTMLElement | undefined)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const choose = (name: string) => {
    props.onInsert(name);
    props.onClose();
  };
  const move = (by: number) => {
    if (!matches.length) return;
    const next = Math.max(0, Math.min(matches.length - 1, active + by));
    if (next >= limit) setLimit(Math.ceil((next + 1) / kRowsPerPage) * kRowsPerPage);
    setActive(next);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      move(e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      move(e.key === 'PageDown' ? 10 : -10);
    } else if (e.key === 'Enter' && e.target instanceof HTMLInputElement && matches[active]) {
      e.preventDefault();
      choose(matches[active].name);
    }
  };
  // A click on the backdrop (the dialog element itself, outside its content) closes it; the press
  // must start there too, so that a text selection dragged out of the dialog does not.
  const pressedOutside = useRef(false);

  const total = data.names?.length ?? 0;
  const optionId = (i: number) => `q-mx-option-${i}`;
  return (
    <dialog
      ref={dialog}
      class="q-mx"
      aria-labelledby="q-mx-title"
      onKeyDown={onKeyDown}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onMouseDown={(e) => (pressedOutside.current = e.target === dialog.current)}
      onClick={(e) => {
        if (pressedOutside.current && e.target === dialog.current) props.onClose();
      }}
    >
      <div class="q-mx-box">
        <div class="q-mx-head">
          <h2 id="q-mx-title">Metrics explorer</h2>
          <span class="muted q-mx-count">
            {data.names ? (query ? `${matches.length.toLocaleString()} of ${total.toLocaleString()} metrics` : `${total.toLocaleString()} metrics`) : ''}
          </span>
          <button class="q-mx-close" aria-label="close" title="Close (Esc)" onClick={props.onClose}>
            ✕
          </button>
        </div>
        <input
          type="search"
          class="q-mx-filter"
          aria-label="filter metric names"
          placeholder="Filter metric names (e.g. http req total)"
          autoFocus
          autoComplete="off"
          spellcheck={false}
          role="combobox"
          aria-expanded={true}
          aria-controls="q-mx-list"
          aria-activedescendant={shown.length ? optionId(active) : undefined}
          value={query}
          onInput={(e) => {
            setQuery((e.target as HTMLInputElement).value);
            setLimit(kRowsPerPage);
            setActive(0);
          }}
        />
        <div class="q-mx-body">
          {data.error !== undefined && <ErrorBox title="Could not load the metric names" error={data.error} />}
          {!data.names && data.error === undefined && <Loading height={200} />}
          {data.names && !matches.length && <p class="muted q-empty">{total ? 'No metric names match.' : 'No metrics stored yet.'}</p>}
          {shown.length > 0 && (
            <ul id="q-mx-list" class="q-mx-list" role="listbox" aria-label="metric names" ref={list}>
              {shown.map((m, i) => {
                const meta = metadataFor(m.name, data.metadata);
                return (
                  <li
                    key={m.name}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === active}
                    class={i === active ? 'q-mx-row active' : 'q-mx-row'}
                    title="Insert into the expression"
                    onClick={() => choose(m.name)}
                  >
                    <span class="q-mx-name">
                      <Highlighted text={m.name} ranges={m.ranges} />
                    </span>
                    <span class={`q-mx-type q-mx-type-${meta?.type ?? 'unknown'}`}>{meta?.type ?? ''}</span>
                    <span class="q-mx-help">{meta?.help ?? ''}</span>
                  </li>
                );
              })}
            </ul>
          )}
          {matches.length > shown.length && (
            <button class="q-mx-more" onClick={() => setLimit(limit + kRowsPerPage)}>
              Show {Math.min(kRowsPerPage, matches.length - shown.length)} more ({(matches.length - shown.length).toLocaleString()} not shown)
            </button>
          )}
        </div>
        <div class="q-mx-foot muted">
          <span>
            <kbd>↑</kbd> <kbd>↓</kbd> choose
          </span>
          <span>
            <kbd>Enter</kbd> insert
          </span>
          <span>
            <kbd>Esc</kbd> close
          </span>
        </div>
      </div>
    </dialog>
  );
}
