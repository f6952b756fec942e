// A panel whose body shows or hides when its header is clicked (scrape pools, rule groups).

import type { ComponentChildren } from 'preact';
import './components.css';

export function Collapsible(props: {
  open: boolean;
  onToggle: () => void;
  title: ComponentChildren; // inside the toggle button: text and badges, nothing interactive
  extra?: ComponentChildren; // right of the title, outside the button: links, buttons
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <section class={`panel collapsible ${props.class ?? ''}`}>
      <div class={`panel-header ${props.open ? '' : 'closed'}`}>
        <button class="collapsible-toggle" aria-expanded={props.open} onClick={props.onToggle}>
          <span class="chevron" aria-hidden="true">
            {props.open ? '▾' : '▸'}
          </span>
          {props.title}
        </button>
        {props.extra}
      </div>
      {props.open && <div class="panel-body">{props.children}</div>}
    </section>
  );
}

// Which of a list of panels are collapsed, with "collapse all" / "expand all".
export function CollapseAllButtons(props: { onCollapse: () => void; onExpand: () => void }) {
  return (
    <span class="button-group">
      <button onClick={props.onCollapse} title="Collapse all">
        Collapse all
      </button>
      <button onClick={props.onExpand} title="Expand all">
        Expand all
      </button>
    </span>
  );
}
