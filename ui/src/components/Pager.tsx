// Paging for long lists (thousands of targets or rules): only one page of rows is rendered.

import { useEffect, useState } from 'preact/hooks';

export function usePaged<T>(items: T[], pageSize = 100): { page: T[]; pager: preact.JSX.Element | null } {
  const [index, setIndex] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  useEffect(() => {
    if (index >= pages) setIndex(0);
  }, [pages]);
  const page = items.slice(index * pageSize, (index + 1) * pageSize);
  return { page, pager: pagerNav(index, pageSize, items.length, setIndex) };
}

// "‹ Previous  1–100 of 2345  Next ›" for page `index` (from 0), or null when all fits on one.
export function pagerNav(index: number, pageSize: number, count: number, setIndex: (index: number) => void): preact.JSX.Element | null {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="pages">
      <button disabled={index === 0} onClick={() => setIndex(index - 1)}>
        ‹ Previous
      </button>
      <span>
        {index * pageSize + 1}–{Math.min(count, (index + 1) * pageSize)} of {count}
      </span>
      <button disabled={index >= pages - 1} onClick={() => setIndex(index + 1)}>
        Next ›
      </button>
    </nav>
  );
}
