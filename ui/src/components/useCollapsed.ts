// Which panels of a list (scrape pools, rule groups) are collapsed, by key. All start open; the
// state lasts as long as the page.

import { useState } from 'preact/hooks';

export interface Collapsed {
  has: (key: string) => boolean;
  toggle: (key: string) => void;
  collapseAll: (keys: string[]) => void;
  expandAll: () => void;
}

export function useCollapsed(): Collapsed {
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  return {
    has: (key) => collapsed.has(key),
    toggle: (key) => {
      const next = new Set(collapsed);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      setCollapsed(next);
    },
    collapseAll: (keys) => setCollapsed(new Set(keys)),
    expandAll: () => setCollapsed(new Set()),
  };
}
