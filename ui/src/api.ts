// The HTTP API as the pages use it: JSON envelopes unwrapped, errors as the API words them.

import { pathTo } from './config';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ApiResponse<T> {
  data: T;
  warnings?: string[];
  infos?: string[];
}

type Params = Record<string, string | string[] | undefined>;

function encode(params: Params): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  return body;
}

async function unwrap<T>(res: Response): Promise<ApiResponse<T>> {
  let json: any;
  try {
    json = await res.json();
  } catch {
    throw new ApiError(`${res.status} ${res.statusText}`, 'bad_response', res.status);
  }
  if (json.status !== 'success') {
    throw new ApiError(json.error ?? `${res.status} ${res.statusText}`, json.errorType ?? '', res.status);
  }
  return { data: json.data as T, warnings: json.warnings, infos: json.infos };
}

// GET `path` (under the route prefix) with query parameters.
export async function apiGet<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<ApiResponse<T>> {
  const query = encode(params).toString();
  const res = await fetch(pathTo(path) + (query ? `?${query}` : ''), { signal, headers: { Accept: 'application/json' } });
  return unwrap<T>(res);
}

// POST `path` with the parameters form-encoded (as Prometheus's UI sends queries).
export async function apiPost<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<ApiResponse<T>> {
  const res = await fetch(pathTo(path), {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: encode(params),
  });
  return unwrap<T>(res);
}
