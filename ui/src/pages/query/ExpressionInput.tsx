// The PromQL editor: CodeMirror 6 with codemirror-promql (completion of metric names, labels,
// values and functions from the server's API, linting, highlighting). Enter executes,
// Shift+Enter inserts a newline. The "Metrics" button opens the metrics explorer, whose choice
// goes in at the cursor (or replaces blank text).

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { EditorState, Compartment, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder, drawSelection, highlightSpecialChars } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, insertNewlineAndIndent } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { lintKeymap } from '@codemirror/lint';
import { PromQLExtension, newCompleteStrategy } from '@prometheus-io/codemirror-promql';
import { pathTo } from '../../config';
import { theme } from '../../settings';
import { darkHighlight, editorChrome, lightHighlight } from './editorTheme';
import { HistoryCompleteStrategy } from './history';
import { MetricsExplorer } from './MetricsExplorer';

// One completion client for all panels, so metric names are fetched (and cached) once.
let sharedExtension: PromQLExtension | null = null;
function promqlExtension(): PromQLExtension {
  if (!sharedExtension) {
    const base = newCompleteStrategy({
      remote: {
        url: location.origin + pathTo(''),
        lookbackInterval: 12 * 3600e3,
        cache: { maxAge: 5 * 60e3 },
        httpErrorHandler: () => {},
      },
    });
    sharedExtension = new PromQLExtension().setComplete({ completeStrategy: new HistoryCompleteStrategy(base) });
  }
  return sharedExtension;
}

function currentHighlight() {
  return syntaxHighlighting(document.documentElement.dataset.theme === 'dark' ? darkHighlight : lightHighlight);
}

export function ExpressionInput(props: { value: string; onExecute: (expr: string) => void; onChange?: (expr: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onExecute = useRef(props.onExecute);
  onExecute.current = props.onExecute;
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const [exploring, setExploring] = useState(false);

  useEffect(() => {
    const highlightSlot = new Compartment();
    const execute = (v: EditorView) => {
      onExecute.current(v.state.doc.toString());
      return true;
    };
    const state = EditorState.create({
      doc: props.value,
      extensions: [
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ icons: false }),
        EditorView.lineWrapping,
        placeholder('Enter expression (press Shift+Enter for newlines)'),
        promqlExtension().asExtension(),
        highlightSlot.of(currentHighlight()),
        editorChrome,
        Prec.high(
          keymap.of([
            { key: 'Enter', run: execute },
            { key: 'Shift-Enter', run: insertNewlineAndIndent },
          ]),
        ),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange.current?.(u.state.doc.toString());
        }),
      ],
    });
    const v = new EditorView({ state, parent: host.current! });
    view.current = v;
    // Follow theme changes (the app sets data-theme on <html>).
    const observer = new MutationObserver(() => v.dispatch({ effects: highlightSlot.reconfigure(currentHighlight()) }));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const unsubscribe = theme.subscribe(() => v.dispatch({ effects: highlightSlot.reconfigure(currentHighlight()) }));
    return () => {
      observer.disconnect();
      unsubscribe();
      v.destroy();
      view.current = null;
    };
  }, []);

  // An expression set from outside (e.g. the explain view) replaces the editor's text. A layout
  // effect runs with the render, before the next keystroke: a plain effect could run a frame
  // later with a value the user has typed past, put it back, and the editor and its panel would
  // then undo each other's text forever.
  useLayoutEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  // Puts a metric name from the explorer at the cursor (over the selection), or in place of a
  // blank expression, and gives the editor the focus back.
  const insert = (text: string) => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    if (doc.toString().trim() === '') {
      v.dispatch({ changes: { from: 0, to: doc.length, insert: text }, selection: { anchor: text.length } });
    } else {
      v.dispatch(v.state.replaceSelection(text));
    }
    v.focus();
  };

  return (
    <div class="q-editor">
      <span class="q-editor-icon" aria-hidden="true">
        ›
      </span>
      <div class="q-editor-host" ref={host} />
      <button class="q-explore" title="Open the metrics explorer" aria-label="Metrics explorer" aria-haspopup="dialog" onClick={() => setExploring(true)}>
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <path d="M2 3h12M2 8h7M2 13h5" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" fill="none" />
          <circle cx="12" cy="11" r="2.3" stroke="currentColor" stroke-width="1.4" fill="none" />
          <path d="M13.7 12.7 15 14" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
        </svg>
        <span>Metrics</span>
      </button>
      {exploring && <MetricsExplorer onInsert={insert} onClose={() => setExploring(false)} />}
      <button class="primary q-execute" onClick={() => view.current && onExecute.current(view.current.state.doc.toString())}>
        Execute
      </button>
    </div>
  );
}
