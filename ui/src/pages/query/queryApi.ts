// The query API's result shapes and a hook that runs one query at a time for a panel.

import { useEffect, useRef, useState } from 'preact/hooks';
import { apiPost, type ApiResponse } from '../../api';

export type Metric = Record<string, string>;
export type SampleValue = [number, string];
export interface Histogram {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}
export interface InstantSample {
  metric: Metric;
  value?: SampleValue;
  histogram?: [number, Histogram];
}
export interface RangeSeries {
  metric: Metric;
  values?: SampleValue[];
  histograms?: [number, Histogram][];
}
export type QueryData =
  | { resultType: 'vector'; result: InstantSample[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar'; result: SampleValue }
  | { resultType: 'string'; result: SampleValue };

export interface QueryState<T> {
  response?: ApiResponse<T>;
  error?: Error;
  loading: boolean;
  elapsedMs?: number;
}

// POSTs `path` with `params` whenever `key` changes (null: no query). The previous response stays
// while the next one loads, so the layout does not jump; a newer query aborts an older one.
export function usePostQuery<T>(path: string, params: Record<string, string> | null, key: string): QueryState<T> {
  const [state, setState] = useState<QueryState<T>>({ loading: false });
  const paramsRef = useRef(params);
  paramsRef.current = params;
  useEffect(() => {
    const p = paramsRef.current;
    if (!p) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    const started = performance.now();
    setState((s) => ({ ...s, loading: true }));
    apiPost<T>(path, p, controller.signal)
      .then((response) => setState({ response, loading: false, elapsedMs: performance.now() - started }))
      .catch((error) => {
        if (!controller.signal.aborted) setState({ error, loading: false, elapsedMs: performance.now() - started });
      });
    return () => controller.abort();
  }, [path, key]);
  return state;
}
