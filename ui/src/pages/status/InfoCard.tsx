// A titled card of the status pages, and a two-column table of name → value rows in it.

import type { ComponentChildren } from 'preact';
import '../pages.css';

export function InfoCard(props: { title: string; extra?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="panel card">
      <div class="panel-header">
        <h2>{props.title}</h2>
        {props.extra && <span class="spacer" />}
        {props.extra}
      </div>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}

export function InfoTable(props: { rows: [ComponentChildren, ComponentChildren][] }) {
  return (
    <table class="info-table">
      <tbody>
        {props.rows.map(([name, value]) => (
          <tr>
            <th>{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
