// Paging like usePaged (Pager.tsx, same look), which also goes back to the first page when
// `resetKey` (the filters) changes, without remounting the rows that stay.

import { useEffect, useRef, useState } from 'preact/hooks';
import { pagerNav } from './Pager';

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
  return { page, pager: pagerNav(current, pageSize, items.length, setIndex) };
}
