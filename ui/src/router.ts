// Client-side routing under the route prefix: the current page path and its query string, and
// navigation that keeps the browser history.

import { useEffect, useState } from 'preact/hooks';
import { serverConfig } from './config';

export interface Location {
  path: string; // without the prefix, e.g. "/query"
  search: URLSearchParams;
}

function current(): Location {
  let path = window.location.pathname;
  if (serverConfig.prefix && path.startsWith(serverConfig.prefix)) path = path.slice(serverConfig.prefix.length);
  if (path === '' || path === '/') path = '/query';
  return { path, search: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((fn) => fn()));

// Goes to `path` (without the prefix; may carry a query string). `replace` keeps the history
// entry (for state kept in the URL as the user types).
export function navigate(path: string, replace = false) {
  const url = serverConfig.prefix + path;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((fn) => fn());
}

// Rewrites the current URL's query string without a new history entry or a re-render.
export function replaceSearch(search: URLSearchParams) {
  const query = search.toString();
  window.history.replaceState(null, '', window.location.pathname + (query ? `?${query}` : ''));
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current());
  useEffect(() => {
    const fn = () => setLoc(current());
    listeners.add(fn);
    return () => {
      listeners.delete(fn);
    };
  }, []);
  return loc;
}

// Click handler for in-app links: plain clicks navigate without a page load.
export function onLinkClick(e: MouseEvent, path: string) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(path);
}
