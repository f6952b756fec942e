// The query page (also /graph): query panels whose state lives in the URL as Prometheus writes
// it (urlState.ts).

import { useEffect, useRef, useState } from 'preact/hooks';
import { siteTitle } from '../../config';
import { replaceSearch, useLocation } from '../../router';
import { QueryPanel } from './QueryPanel';
import { decodePanels, encodePanels, newPanel, type PanelState } from './urlState';
import './query.css';

function panelsFrom(search: URLSearchParams): PanelState[] {
  const panels = decodePanels(search);
  return panels.length > 0 ? panels : [newPanel()];
}

export function QueryPage() {
  const loc = useLocation();
  const [panels, setPanels] = useState<PanelState[]>(() => panelsFrom(loc.search));
  // The query string this page last wrote; any other one came from navigation and is read anew.
  const written = useRef(loc.search.toString());

  useEffect(() => {
    document.title = `Query - ${siteTitle}`;
  }, []);

  useEffect(() => {
    const search = loc.search.toString();
    if (search !== written.current) {
      written.current = search;
      setPanels(panelsFrom(loc.search));
    }
  }, [loc]);

  const update = (next: PanelState[]) => {
    setPanels(next);
    const search = encodePanels(next);
    written.current = search.toString();
    replaceSearch(search);
  };

  return (
    <div class="page q-page">
      {panels.map((p, i) => (
        <QueryPanel
          key={p.id}
          panel={p}
          onChange={(patch) => update(panels.map((q) => (q.id === p.id ? { ...q, ...patch } : q)))}
          onRemove={panels.length > 1 ? () => update(panels.filter((q) => q.id !== p.id)) : undefined}
          onDuplicate={(expr) => update([...panels.slice(0, i + 1), { ...p, id: newPanel().id, expr }, ...panels.slice(i + 1)])}
        />
      ))}
      <button class="q-add-panel" onClick={() => update([...panels, newPanel()])}>
        + Add query
      </button>
    </div>
  );
}
