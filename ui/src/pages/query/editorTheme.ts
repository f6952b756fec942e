// The PromQL editor's look: the syntax colours and the editor chrome for the light and dark
// themes. The chrome follows the page's CSS variables; the highlight colours differ per theme.

import { EditorView } from '@codemirror/view';
import { HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';

function highlight(c: Record<string, string>) {
  return HighlightStyle.define([
    { tag: tags.number, color: c.number },
    { tag: tags.string, color: c.string },
    { tag: tags.keyword, color: c.keyword, fontWeight: 'bold' },
    { tag: tags.function(tags.variableName), color: c.func },
    { tag: tags.labelName, color: c.label },
    { tag: [tags.operator, tags.arithmeticOperator], color: c.operator },
    { tag: tags.logicOperator, color: c.keyword },
    { tag: tags.operatorKeyword, color: c.keyword },
    { tag: tags.modifier, color: c.keyword, fontStyle: 'italic' },
    { tag: tags.comment, color: c.comment, fontStyle: 'italic' },
    { tag: [tags.paren, tags.squareBracket, tags.brace], color: c.bracket },
    { tag: tags.invalid, color: c.invalid },
  ]);
}

export const lightHighlight = highlight({
  number: '#09885a',
  string: '#a31515',
  keyword: '#0000ff',
  func: '#795e26',
  label: '#811f3f',
  operator: '#777',
  comment: '#6a737d',
  bracket: '#555',
  invalid: '#e00',
});

export const darkHighlight = highlight({
  number: '#b5cea8',
  string: '#ce9178',
  keyword: '#569cd6',
  func: '#dcdcaa',
  label: '#9cdcfe',
  operator: '#c5c5c5',
  comment: '#8b949e',
  bracket: '#aaa',
  invalid: '#f44747',
});

// Editor chrome from the page's CSS variables, so one theme serves both colour schemes.
export const editorChrome = EditorView.theme({
  '&': { fontSize: '14px', background: 'var(--bg)', color: 'var(--fg)', flex: '1', minWidth: '0' },
  '&.cm-focused': { outline: 'none' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0', caretColor: 'var(--fg)' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-line': { padding: '0 8px' },
  '.cm-scroller': { overflow: 'auto', fontFamily: 'var(--mono)' },
  '.cm-placeholder': { color: 'var(--fg-soft)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { background: 'var(--bg-hover)' },
  '.cm-matchingBracket': { background: 'var(--bg-hover)', outline: '1px solid var(--border)' },
  '.cm-tooltip': { background: 'var(--bg)', border: '1px solid var(--border)', boxShadow: 'var(--shadow)', color: 'var(--fg)' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mono)', maxHeight: '18em' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li': { padding: '2px 8px' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { background: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-completionDetail': { color: 'var(--fg-soft)', fontStyle: 'normal', marginLeft: '1em' },
  '.cm-completionInfo': { padding: '6px 10px', maxWidth: '420px' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: 'bold' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--bad)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--bad)' },
});
