// Small building blocks every page uses.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiGet, ApiError, type ApiResponse } from '../api';
import { siteTitle } from '../config';

export function ErrorBox(props: { error: unknown; title?: string }) {
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <div class="alert alert-error" role="alert">
      {props.title && <strong>{props.title}: </strong>}
      {message}
    </div>
  );
}

export function Warnings(props: { warnings?: string[]; infos?: string[] }) {
  return (
    <>
      {(props.warnings ?? []).map((w) => (
        <div class="alert alert-warning">{w}</div>
      ))}
      {(props.infos ?? []).map((i) => (
        <div class="alert alert-info">{i}</div>
      ))}
    </>
  );
}

// A placeholder with a fixed height while data loads, so the layout does not jump.
export function Loading(props: { height?: number }) {
  return <div class="loading" style={{ minHeight: `${props.height ?? 120}px` }} aria-busy="true" />;
}

// label="value" badges of a label set.
export function LabelBadges(props: { labels: Record<string, string>; skipName?: boolean }) {
  return (
    <span class="label-badges">
      {Object.entries(props.labels)
        .filter(([k]) => !(props.skipName && k === '__name__'))
        .map(([k, v]) => (
          <span class="badge" key={k}>
            {k}="{v}"
          </span>
        ))}
    </span>
  );
}

export function HealthBadge(props: { health: string }) {
  const cls = props.health === 'up' || props.health === 'ok' ? 'ok' : props.health === 'unknown' ? 'unknown' : 'bad';
  return <span class={`badge health-${cls}`}>{props.health.toUpperCase()}</span>;
}

export function PageTitle(props: { children: ComponentChildren }) {
  useEffect(() => {
    const text = typeof props.children === 'string' ? props.children : '';
    if (text) document.title = `${text} - ${siteTitle}`;
  }, [props.children]);
  return <h1 class="page-title">{props.children}</h1>;
}

export interface Fetched<T> {
  response?: ApiResponse<T>;
  error?: ApiError | Error;
  loading: boolean;
  reload: () => void;
}

// What a page shows of a fetch: the error, a placeholder while it loads, or `children` once it
// answered.
export function FetchedView(props: { fetched: Fetched<unknown>; errorTitle: string; children: ComponentChildren }) {
  const f = props.fetched;
  return (
    <>
      {f.error && <ErrorBox title={props.errorTitle} error={f.error} />}
      {!f.response && !f.error && <Loading height={400} />}
      {f.response && props.children}
    </>
  );
}

// GETs an API path when the component mounts (and when `deps` change).
export function useApi<T>(path: string, params: Record<string, string | string[] | undefined> = {}, deps: unknown[] = []): Fetched<T> {
  const [state, setState] = useState<{ response?: ApiResponse<T>; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    apiGet<T>(path, params, controller.signal)
      .then((response) => setState({ response, loading: false }))
      .catch((error) => {
        if (!controller.signal.aborted) setState({ error, loading: false });
      });
    return () => controller.abort();
  }, [path, tick, ...deps]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

// A text filter input whose value stays in the URL (`param`).
export function FilterInput(props: { value: string; placeholder: string; onInput: (v: string) => void }) {
  return (
    <input
      class="filter-input"
      type="search"
      placeholder={props.placeholder}
      value={props.value}
      onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
    />
  );
}
