// The pages and their URLs, as Prometheus 3.x names them.

import type { FunctionComponent } from 'preact';
import { Placeholder } from './pages/Placeholder';

export interface Route {
  path: string;
  title: string;
  component: FunctionComponent;
}

const todo = (title: string) => () => <Placeholder title={title} />;

export const routes: Route[] = [
  { path: '/query', title: 'Query', component: todo('Query') },
  { path: '/alerts', title: 'Alerts', component: todo('Alerts') },
  { path: '/targets', title: 'Target health', component: todo('Target health') },
  { path: '/rules', title: 'Rule health', component: todo('Rule health') },
  { path: '/service-discovery', title: 'Service discovery', component: todo('Service discovery') },
  { path: '/status', title: 'Runtime & build information', component: todo('Runtime & build information') },
  { path: '/tsdb-status', title: 'TSDB status', component: todo('TSDB status') },
  { path: '/flags', title: 'Command-line flags', component: todo('Command-line flags') },
  { path: '/config', title: 'Configuration', component: todo('Configuration') },
  { path: '/alertmanagers', title: 'Alertmanager discovery', component: todo('Alertmanager discovery') },
];

// /graph is Prometheus 2.x's query page; its bookmarks keep working.
export function findRoute(path: string): Route | undefined {
  if (path === '/graph') path = '/query';
  return routes.find((r) => r.path === path);
}

// The pages under the Status menu.
export const statusMenu = ['/targets', '/rules', '/service-discovery', '/status', '/tsdb-status', '/flags', '/config', '/alertmanagers'];
