// Filter state kept in the page URL's query string (?search=…&health=up&health=down), so that a
// filtered view can be bookmarked and shared. Updates replace the history entry.

import { useState } from 'preact/hooks';
import { replaceSearch } from '../router';

function update(name: string, values: string[]) {
  const search = new URLSearchParams(window.location.search);
  search.delete(name);
  for (const v of values) search.append(name, v);
  replaceSearch(search);
}

// A single value; the empty string removes the parameter.
export function useUrlParam(name: string): [string, (value: string) => void] {
  const [value, setValue] = useState(() => new URLSearchParams(window.location.search).get(name) ?? '');
  const set = (v: string) => {
    setValue(v);
    update(name, v === '' ? [] : [v]);
  };
  return [value, set];
}

// A repeated parameter, restricted to `allowed` values.
export function useUrlList<T extends string>(name: string, allowed: readonly T[]): [T[], (values: T[]) => void] {
  const [values, setValues] = useState<T[]>(() =>
    new URLSearchParams(window.location.search).getAll(name).filter((v): v is T => (allowed as readonly string[]).includes(v)),
  );
  const set = (v: T[]) => {
    setValues(v);
    update(name, v);
  };
  return [values, set];
}
