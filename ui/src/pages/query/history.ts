// The history of executed queries (newest first, kept in localStorage) and a completion strategy
// that offers them next to the PromQL completions.

import type { CompletionContext, CompletionResult, Completion } from '@codemirror/autocomplete';
import type { EditorView } from '@codemirror/view';
import type { CompleteStrategy } from '@prometheus-io/codemirror-promql';

const key = 'sextant.queryHistory';
const maxEntries = 50;

export function loadHistory(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function addToHistory(expr: string) {
  const trimmed = expr.trim();
  if (!trimmed) return;
  const next = [trimmed, ...loadHistory().filter((q) => q !== trimmed)].slice(0, maxEntries);
  try {
    localStorage.setItem(key, JSON.stringify(next));
  } catch {
    // A full or disabled localStorage only loses the history.
  }
}

// Wraps `base`: its completions plus past queries, which replace the whole expression.
export class HistoryCompleteStrategy implements CompleteStrategy {
  constructor(private readonly base: CompleteStrategy) {}

  async promQL(context: CompletionContext): Promise<CompletionResult | null> {
    const result = await this.base.promQL(context);
    const history = loadHistory();
    if (!result || history.length === 0) return result;
    const options: Completion[] = history.map((q) => ({
      label: q,
      type: 'text',
      detail: 'history',
      boost: -99,
      section: 'Query history',
      apply: (view: EditorView) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: q } }),
    }));
    return { ...result, options: [...result.options, ...options] };
  }

  destroy() {
    this.base.destroy?.();
  }
}
