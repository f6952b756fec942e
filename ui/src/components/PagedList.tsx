// Paging like usePaged (Pager.tsx, same look), which also goes back to the first page when
// `resetKey` (the filters) changes, without remounting the rows that stay.

import { useEffect, useRef, useState } from 'preact/hooks';

export function usePagedReset<T>(items: T[], pageSize: number, resetKey: string): { page: T[]; pager: preact.JSX.Element | null } {
  const [index, setIndex] = useState(0);
  const last = useRef(resetKey);
  let current = index;
  if (last.current !== resetKey) current = 0; // this render already shows the first page
  useEffect(() => {
    if (last.current !== resetKey) {
      last.current = resetKey;
      setIndex(0);
    }
  }, [resetKey]);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  if (current >= pages) current = pages - 1;
  const page = items.slice(current * pageSize, (current + 1) * pageSize);
  const pager =
    pages <= 1 ? null : (
      <nav class="pager" aria-label="pages">
        <button disabled={current === 0} onClick={() => setIndex(current - 1)}>
          ‹ Previous
        </button>
        <span>
          {current * pageSize + 1}–{Math.min(items.length, (current + 1) * pageSize)} of {items.length}
        </span>
        <button disabled={current >= pages - 1} onClick={() => setIndex(current + 1)}>
          Next ›
        </button>
      </nav>
    );
  return { page, pager };
}
