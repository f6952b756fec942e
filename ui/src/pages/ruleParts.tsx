// Pieces the alerts and rules pages share: state badges, key/value tables, the toggles that
// persist in localStorage.

import { useState } from 'preact/hooks';
import type { Labels } from './apiTypes';

export type AlertState = 'inactive' | 'pending' | 'firing';
export const alertStates: readonly AlertState[] = ['inactive', 'pending', 'firing'];

export function StateBadge(props: { state: AlertState; count?: number }) {
  return (
    <span class={`badge state-${props.state}`}>
      {props.state.toUpperCase()}
      {props.count !== undefined && ` (${props.count})`}
    </span>
  );
}

// Counts of rules (or alerts) per state, as badges; zero counts are left out.
export function StateCounts(props: { counts: Record<AlertState, number> }) {
  return (
    <>
      {(['firing', 'pending', 'inactive'] as const).map((s) => (props.counts[s] > 0 ? <StateBadge state={s} count={props.counts[s]} /> : null))}
    </>
  );
}

// A two-column table of a label or annotation set.
export function KeyValueTable(props: { values: Labels; mono?: boolean }) {
  return (
    <table class="kv-table">
      <tbody>
        {Object.entries(props.values).map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td class={props.mono ? 'mono' : ''}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// A boolean setting kept in localStorage.
export function useStoredFlag(key: string, initial: boolean): [boolean, (v: boolean) => void] {
  const [value, setValue] = useState(() => {
    try {
      const v = localStorage.getItem(key);
      return v === null ? initial : v === 'true';
    } catch {
      return initial;
    }
  });
  const set = (v: boolean) => {
    setValue(v);
    try {
      localStorage.setItem(key, String(v));
    } catch {
      // Private mode: the setting lasts as long as the page.
    }
  };
  return [value, set];
}
