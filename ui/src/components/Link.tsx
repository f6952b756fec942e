import type { ComponentChildren } from 'preact';
import { pathTo } from '../config';
import { onLinkClick } from '../router';

// A link to a page of the UI (`to` without the route prefix).
export function Link(props: { to: string; class?: string; children: ComponentChildren }) {
  return (
    <a href={pathTo(props.to)} class={props.class} onClick={(e) => onLinkClick(e as MouseEvent, props.to)}>
      {props.children}
    </a>
  );
}
