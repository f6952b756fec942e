// User settings kept in localStorage: theme and time zone.

import { signalLike } from './store';

export type Theme = 'light' | 'dark' | 'system';

function load<T extends string>(key: string, fallback: T): T {
  try {
    return (localStorage.getItem(key) as T) ?? fallback;
  } catch {
    return fallback;
  }
}

export const theme = signalLike<Theme>(load<Theme>('sextant.theme', 'system'));
export const useLocalTime = signalLike<boolean>(load<string>('sextant.localTime', 'false') === 'true');

function applyTheme(t: Theme) {
  const dark = t === 'dark' || (t === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

theme.subscribe((t) => {
  localStorage.setItem('sextant.theme', t);
  applyTheme(t);
});
useLocalTime.subscribe((v) => localStorage.setItem('sextant.localTime', String(v)));
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(theme.get()));
