// What the server put into index.html (api/ui/ui_assets.h fills the placeholders).

export interface ServerConfig {
  prefix: string; // the route prefix, "" or "/something"
  title: string;
  lookbackDelta: string;
  agentMode: boolean;
  ready: boolean;
}

declare global {
  interface Window {
    __SEXTANT__?: ServerConfig;
  }
}

export const serverConfig: ServerConfig = window.__SEXTANT__ ?? {
  prefix: '',
  title: 'Sextant',
  lookbackDelta: '5m',
  agentMode: false,
  ready: true,
};

// The page title the server set (--web.page-title), as the browser decoded it from index.html.
export const siteTitle = document.title;

// A path under the route prefix: pathTo('/api/v1/query') → '/prefix/api/v1/query'.
export function pathTo(path: string): string {
  return serverConfig.prefix + path;
}
