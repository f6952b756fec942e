// A long list of collapsible panels (scrape pools, rule groups), one page of panels at a time,
// and the paged rows inside one panel, for lists of thousands.

import type { ComponentChildren } from 'preact';
import { Collapsible } from './Collapsible';
import { usePagedReset } from './PagedList';
import { usePaged } from './Pager';
import type { Collapsed } from './useCollapsed';

// `title` goes inside the panel's toggle button (text and badges only); `body` renders an open
// panel's content.
export function PagedPanels<T>(props: {
  items: T[];
  pageSize: number;
  keyOf: (item: T) => string;
  collapsed: Collapsed;
  title: (item: T) => ComponentChildren;
  body: (item: T) => ComponentChildren;
}) {
  const { page, pager } = usePaged(props.items, props.pageSize);
  return (
    <>
      {page.map((item) => {
        const key = props.keyOf(item);
        return (
          <Collapsible key={key} open={!props.collapsed.has(key)} onToggle={() => props.collapsed.toggle(key)} title={props.title(item)}>
            {props.body(item)}
          </Collapsible>
        );
      })}
      {pager}
    </>
  );
}

// A panel's rows after the filters (`items`, of `total` before them), one page at a time; the
// pager goes back to the first page when `resetKey` (the filters) changes. `empty` is the note
// when the panel has nothing at all, `noMatch` when the filters hide everything.
export function PagedRows<T>(props: {
  items: T[];
  total: number;
  pageSize: number;
  resetKey: string;
  empty: ComponentChildren;
  noMatch: ComponentChildren;
  render: (page: T[]) => ComponentChildren;
}) {
  const { page, pager } = usePagedReset(props.items, props.pageSize, props.resetKey);
  if (props.total === 0) return <p class="panel-note muted">{props.empty}</p>;
  if (props.items.length === 0) return <p class="panel-note muted">{props.noMatch}</p>;
  return (
    <>
      {props.render(page)}
      {pager}
    </>
  );
}
