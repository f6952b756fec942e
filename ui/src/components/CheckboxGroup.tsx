// A row of checkboxes choosing states to show (health up/down/unknown, alert states). An empty
// selection means "all", as in Prometheus's UI.

import './components.css';

export interface CheckboxOption<T extends string> {
  value: T;
  label: string;
}

export function CheckboxGroup<T extends string>(props: {
  label: string; // for screen readers, e.g. "Filter by target health"
  options: CheckboxOption<T>[];
  selected: T[];
  onChange: (selected: T[]) => void;
}) {
  const toggle = (value: T, on: boolean) => {
    const next = props.options.map((o) => o.value).filter((v) => (v === value ? on : props.selected.includes(v)));
    props.onChange(next);
  };
  return (
    <fieldset class="checkbox-group" aria-label={props.label} title={props.label}>
      {props.options.map((o) => (
        <label key={o.value} class={props.selected.includes(o.value) ? 'checked' : ''}>
          <input
            type="checkbox"
            checked={props.selected.includes(o.value)}
            onChange={(e) => toggle(o.value, (e.target as HTMLInputElement).checked)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
