// The shapes of the API responses the status pages read (Prometheus's HTTP API, as documented at
// https://prometheus.io/docs/prometheus/latest/querying/api/).

export type Labels = Record<string, string>;

export interface Target {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}

export interface DroppedTarget {
  discoveredLabels: Labels;
  scrapePool: string;
}

export interface TargetsResult {
  activeTargets: Target[];
  droppedTargets: DroppedTarget[];
  droppedTargetCounts?: Record<string, number>;
}

export interface ScrapePoolsResult {
  scrapePools: string[];
}

// The scrape pools the server lists and those its targets name, sorted.
export function scrapePoolNames(listed: ScrapePoolsResult | undefined, found: Iterable<string>): string[] {
  const names = new Set(listed?.scrapePools ?? []);
  for (const n of found) names.add(n);
  return [...names].sort();
}

export interface Alert {
  labels: Labels;
  annotations: Labels;
  state: 'inactive' | 'pending' | 'firing';
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

interface RuleCommon {
  name: string;
  query: string;
  labels?: Labels;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface AlertingRule extends RuleCommon {
  type: 'alerting';
  state: 'inactive' | 'pending' | 'firing';
  duration: number;
  keepFiringFor?: number;
  annotations: Labels;
  alerts: Alert[];
}

export interface RecordingRule extends RuleCommon {
  type: 'recording';
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  file: string;
  rules: Rule[];
  interval: number;
  limit?: number;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface RulesResult {
  groups: RuleGroup[];
}

// Lower-cased " k=v k=v" text of a label set, for substring filters (terms lose their quotes,
// so job="api" and job=api both match).
export function labelsText(labels: Labels | undefined): string {
  if (!labels) return '';
  let out = '';
  for (const k in labels) out += ` ${k}=${labels[k]}`;
  return out.toLowerCase();
}

// Whether `text` (lower-cased) holds every whitespace-separated term of `filter`.
export function matchesFilter(text: string, terms: string[]): boolean {
  for (const t of terms) if (!text.includes(t)) return false;
  return true;
}

export function filterTerms(filter: string): string[] {
  return filter
    .toLowerCase()
    .replace(/"/g, '')
    .split(/\s+/)
    .filter((t) => t !== '');
}
