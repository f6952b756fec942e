// The application shell: the header with the pages, the theme and time-zone settings, and the
// current page.

import { render } from 'preact';
import { useState } from 'preact/hooks';
import { Link } from './components/Link';
import { serverConfig } from './config';
import { findRoute, routes, statusMenu } from './routes';
import { useLocation } from './router';
import { theme, useLocalTime, type Theme } from './settings';
import { useStore } from './store';
import './styles.css';

function Header(props: { path: string }) {
  const [statusOpen, setStatusOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const currentTheme = useStore(theme);
  const local = useStore(useLocalTime);
  const inStatus = statusMenu.includes(props.path);
  const close = () => {
    setStatusOpen(false);
    setMenuOpen(false);
  };
  return (
    <header class="header">
      <Link to="/query" class="brand">
        <img src={`${serverConfig.prefix}/favicon.svg`} alt="" width={24} height={24} />
        <span>Sextant</span>
      </Link>
      <button class="menu-toggle" aria-label="menu" onClick={() => setMenuOpen(!menuOpen)}>
        ☰
      </button>
      <nav class={`nav ${menuOpen ? 'open' : ''}`} onClick={close}>
        <Link to="/query" class={props.path === '/query' || props.path === '/graph' ? 'active' : ''}>
          Query
        </Link>
        <Link to="/alerts" class={props.path === '/alerts' ? 'active' : ''}>
          Alerts
        </Link>
        <div class="dropdown" onClick={(e) => e.stopPropagation()}>
          <button class={inStatus ? 'active' : ''} onClick={() => setStatusOpen(!statusOpen)} aria-expanded={statusOpen}>
            Status ▾
          </button>
          {statusOpen && (
            <div class="dropdown-menu" onClick={close}>
              {statusMenu.map((p) => (
                <Link to={p} class={props.path === p ? 'active' : ''}>
                  {routes.find((r) => r.path === p)!.title}
                </Link>
              ))}
            </div>
          )}
        </div>
      </nav>
      <div class="settings">
        <button title="Show times in UTC or local time" onClick={() => useLocalTime.set(!local)}>
          {local ? 'Local' : 'UTC'}
        </button>
        <select
          aria-label="theme"
          value={currentTheme}
          onChange={(e) => theme.set((e.target as HTMLSelectElement).value as Theme)}
        >
          <option value="light">Light</option>
          <option value="dark">Dark</option>
          <option value="system">System</option>
        </select>
      </div>
    </header>
  );
}

function App() {
  const loc = useLocation();
  const route = findRoute(loc.path);
  const Page = route?.component;
  useStore(useLocalTime); // re-render every page when the time zone changes
  return (
    <>
      <Header path={loc.path} />
      <main class="main">
        {Page ? (
          <Page />
        ) : (
          <div class="page">
            <h1 class="page-title">Page not found</h1>
            <p>
              <Link to="/query">Go to the query page</Link>
            </p>
          </div>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('root')!);
