// The pages and their URLs, as Prometheus 3.x names them.

import type { FunctionComponent } from 'preact';
import { QueryPage } from './pages/query/QueryPage';
import { AlertsPage } from './pages/AlertsPage';
import { TargetsPage } from './pages/TargetsPage';
import { RulesPage } from './pages/RulesPage';
import { ServiceDiscoveryPage } from './pages/ServiceDiscoveryPage';
import { StatusPage } from './pages/status/StatusPage';
import { TsdbStatusPage } from './pages/status/TsdbStatusPage';
import { FlagsPage } from './pages/status/FlagsPage';
import { ConfigPage } from './pages/status/ConfigPage';
import { AlertmanagersPage } from './pages/status/AlertmanagersPage';

export interface Route {
  path: string;
  title: string;
  component: FunctionComponent;
}

export const routes: Route[] = [
  { path: '/query', title: 'Query', component: QueryPage },
  { path: '/alerts', title: 'Alerts', component: AlertsPage },
  { path: '/targets', title: 'Target health', component: TargetsPage },
  { path: '/rules', title: 'Rule health', component: RulesPage },
  { path: '/service-discovery', title: 'Service discovery', component: ServiceDiscoveryPage },
  { path: '/status', title: 'Runtime & build information', component: StatusPage },
  { path: '/tsdb-status', title: 'TSDB status', component: TsdbStatusPage },
  { path: '/flags', title: 'Command-line flags', component: FlagsPage },
  { path: '/config', title: 'Configuration', component: ConfigPage },
  { path: '/alertmanager-discovery', title: 'Alertmanager discovery', component: AlertmanagersPage },
];

export function findRoute(path: string): Route | undefined {
  // Prometheus 2.x's query page and Sextant's earlier Alertmanager page: their links keep working.
  if (path === '/graph') path = '/query';
  if (path === '/alertmanagers') path = '/alertmanager-discovery';
  return routes.find((r) => r.path === path);
}

// The pages under the Status menu.
export const statusMenu = ['/targets', '/rules', '/service-discovery', '/status', '/tsdb-status', '/flags', '/config', '/alertmanager-discovery'];
