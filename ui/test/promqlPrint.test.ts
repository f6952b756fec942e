// The Explain view's PromQL text (src/pages/query/ast.ts): parse_query trees, shaped as
// api/parse_query.cc and Prometheus's translate_ast.go give them, printed back as Prometheus
// formats them.

import './setup';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { children, describe, toPromQL, type AstNode, type DurationNode, type Matcher } from '../src/pages/query/ast';

type Mods = { offset?: number; offsetExpr?: DurationNode | null; timestamp?: number | null; startOrEnd?: 'start' | 'end' | null; anchored?: boolean; smoothed?: boolean };

const noMods = { offset: 0, offsetExpr: null, timestamp: null, startOrEnd: null, anchored: false, smoothed: false };

function nameMatcher(name: string): Matcher[] {
  return name ? [{ name: '__name__', type: '=', value: name }] : [];
}

function sel(name: string, extra: Matcher[] = [], mods: Mods = {}): AstNode {
  return { type: 'vectorSelector', name, matchers: [...nameMatcher(name), ...extra], ...noMods, ...mods };
}

function matrix(name: string, range: number, extra: Matcher[] = [], mods: Mods = {}): AstNode {
  return { type: 'matrixSelector', name, range, rangeExpr: null, matchers: [...nameMatcher(name), ...extra], ...noMods, ...mods };
}

function call(name: string, ...args: AstNode[]): AstNode {
  return { type: 'call', func: { name, argTypes: [], variadic: 0, returnType: 'vector' }, args };
}

function num(val: string): AstNode {
  return { type: 'numberLiteral', val };
}

type Matching = Extract<AstNode, { type: 'binaryExpr' }>['matching'];

function bin(op: string, lhs: AstNode, rhs: AstNode, matching: Matching = null, bool = false): AstNode {
  return { type: 'binaryExpr', op, lhs, rhs, bool, matching };
}

function vm(card: string, labels: string[] = [], on = false, include: string[] = [], fill = { lhs: null as number | null, rhs: null as number | null }): Matching {
  return { card, labels, on, include, fillValues: fill };
}

const minute = 60e3;

test('toPromQL: selectors drop the __name__ matcher their name stands for', () => {
  assert.equal(toPromQL(sel('up')), 'up');
  assert.equal(toPromQL(sel('up', [{ name: 'job', type: '=', value: 'api' }, { name: 'code', type: '!~', value: '5..' }])), 'up{job="api", code!~"5.."}');
});

test('toPromQL: a selector without a name keeps every matcher, in order', () => {
  const n = sel('', [
    { name: '__name__', type: '=', value: 'x' },
    { name: 'a', type: '!~', value: 'b' },
  ]);
  assert.equal(toPromQL(n), '{__name__="x", a!~"b"}');
});

test('toPromQL: matcher values are escaped, UTF-8 names quoted', () => {
  assert.equal(toPromQL(sel('x', [{ name: 'path', type: '=', value: 'C:\\ "d"' }])), 'x{path="C:\\\\ \\"d\\""}');
  assert.equal(toPromQL(sel('http.requests', [{ name: 'service.name', type: '=', value: 'a' }])), '{"http.requests", "service.name"="a"}');
});

test('toPromQL: aggregation with grouping over a function over a range selector with offset', () => {
  const n: AstNode = {
    type: 'aggregation',
    op: 'sum',
    expr: call('rate', matrix('http_requests_total', 5 * minute, [{ name: 'code', type: '=~', value: '5..' }], { offset: minute })),
    param: null,
    grouping: ['job'],
    without: false,
  };
  assert.equal(toPromQL(n), 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m))');
});

test('toPromQL: aggregation parameters, without, and empty by ()', () => {
  assert.equal(toPromQL({ type: 'aggregation', op: 'topk', expr: sel('x'), param: num('3'), grouping: [], without: false }), 'topk(3, x)');
  assert.equal(
    toPromQL({ type: 'aggregation', op: 'count_values', expr: sel('x'), param: { type: 'stringLiteral', val: 'v' }, grouping: ['a', 'b'], without: true }),
    'count_values without (a, b) ("v", x)',
  );
  assert.equal(toPromQL({ type: 'aggregation', op: 'sum', expr: sel('x'), param: null, grouping: [], without: true }), 'sum without () (x)');
});

test('toPromQL: vector matching clauses', () => {
  assert.equal(toPromQL(bin('/', sel('a'), sel('b'), vm('many-to-one', ['instance'], true, ['job']))), 'a / on (instance) group_left (job) b');
  assert.equal(toPromQL(bin('*', sel('a'), sel('b'), vm('one-to-many', ['i'], true))), 'a * on (i) group_right () b');
  assert.equal(toPromQL(bin('-', sel('a'), sel('b'), vm('one-to-one', ['x']))), 'a - ignoring (x) b');
  assert.equal(toPromQL(bin('+', sel('a'), sel('b'), vm('one-to-one', [], true))), 'a + on () b');
  assert.equal(toPromQL(bin('and', sel('a'), sel('b'), vm('many-to-many'))), 'a and b');
});

test('toPromQL: bool comparison with a scalar side', () => {
  assert.equal(toPromQL(bin('>=', sel('a'), num('2'), null, true)), 'a >= bool 2');
});

test('toPromQL: fill modifiers', () => {
  assert.equal(toPromQL(bin('+', sel('a'), sel('b'), vm('one-to-one', [], false, [], { lhs: 0, rhs: 0 }))), 'a + fill (0) b');
  assert.equal(toPromQL(bin('+', sel('a'), sel('b'), vm('one-to-one', [], false, [], { lhs: 1, rhs: null }))), 'a + fill_left (1) b');
  assert.equal(toPromQL(bin('+', sel('a'), sel('b'), vm('one-to-one', [], false, [], { lhs: 1, rhs: 2 }))), 'a + fill_left (1) fill_right (2) b');
});

test('toPromQL: parentheses, unary minus, literals', () => {
  assert.equal(toPromQL(bin('*', { type: 'parenExpr', expr: bin('+', sel('a'), sel('b'), vm('one-to-one')) }, num('2'))), '(a + b) * 2');
  assert.equal(toPromQL({ type: 'unaryExpr', op: '-', expr: { type: 'parenExpr', expr: sel('x') } }), '-(x)');
  assert.equal(toPromQL({ type: 'stringLiteral', val: 'a"b\\c' }), '"a\\"b\\\\c"');
  assert.equal(toPromQL(num('+Inf')), '+Inf');
  assert.equal(toPromQL(num('-1.5')), '-1.5');
});

test('toPromQL: function calls, with none, one and several arguments', () => {
  assert.equal(toPromQL(call('time')), 'time()');
  assert.equal(
    toPromQL(call('label_join', sel('up'), ...['a', ',', 'b', 'c'].map((val): AstNode => ({ type: 'stringLiteral', val })))),
    'label_join(up, "a", ",", "b", "c")',
  );
});

test('toPromQL: subquery with @ and a negative offset', () => {
  const sub: AstNode = { type: 'subquery', expr: call('rate', matrix('x', minute)), range: 30 * minute, rangeExpr: null, step: minute, stepExpr: null, ...noMods, offset: -5 * minute, timestamp: 1_700_000_000_000 };
  assert.equal(toPromQL(call('max_over_time', sub)), 'max_over_time(rate(x[1m])[30m:1m] @ 1700000000.000 offset -5m)');
});

test('toPromQL: subquery without a step; @ start() and end()', () => {
  assert.equal(toPromQL({ type: 'subquery', expr: sel('x'), range: 5 * minute, rangeExpr: null, step: 0, stepExpr: null, ...noMods }), 'x[5m:]');
  assert.equal(toPromQL(sel('x', [], { startOrEnd: 'end' })), 'x @ end()');
  assert.equal(toPromQL(matrix('x', 90 * minute, [], { startOrEnd: 'start', offset: 1500 })), 'x[1h30m] @ start() offset 1s500ms');
  assert.equal(toPromQL(sel('x', [], { timestamp: 1_700_000_000_250 })), 'x @ 1700000000.250');
});

test('toPromQL: anchored and smoothed range selectors', () => {
  assert.equal(toPromQL(call('rate', matrix('x', 5 * minute, [], { anchored: true }))), 'rate(x[5m] anchored)');
  assert.equal(toPromQL(call('rate', matrix('x', 5 * minute, [], { smoothed: true }))), 'rate(x[5m] smoothed)');
});

test('toPromQL: duration expressions in ranges and offsets', () => {
  const d = (val: string, duration = true): DurationNode => ({ type: 'numberLiteral', val, duration });
  const range: DurationNode = { type: 'durationExpr', op: '*', lhs: d('300'), rhs: d('2', false) };
  const offset: DurationNode = { type: 'durationExpr', op: '+', lhs: d('3600'), rhs: d('300'), wrapped: true };
  assert.equal(toPromQL({ ...(matrix('x', 10 * minute) as Extract<AstNode, { type: 'matrixSelector' }>), rangeExpr: range, offsetExpr: offset }), 'x[5m * 2] offset (1h + 5m)');
});

test('children: parameter before the expression, operands, arguments, leaves', () => {
  const agg: AstNode = { type: 'aggregation', op: 'topk', expr: sel('x'), param: num('3'), grouping: [], without: false };
  assert.deepEqual(children(agg).map(toPromQL), ['3', 'x']);
  assert.deepEqual(children(bin('/', sel('a'), sel('b'))).map(toPromQL), ['a', 'b']);
  assert.deepEqual(children(call('clamp', sel('x'), num('0'), num('1'))).map(toPromQL), ['x', '0', '1']);
  assert.deepEqual(children(matrix('x', minute)), []);
});

test('describe: what each node does', () => {
  assert.equal(describe({ type: 'aggregation', op: 'sum', expr: sel('x'), param: null, grouping: ['job', 'le'], without: false }), 'aggregation: sum by job, le');
  assert.equal(describe(bin('/', sel('a'), sel('b'), vm('many-to-one', ['i'], true))), 'binary operator: / (many-to-one)');
  assert.equal(describe(matrix('x', 90 * minute)), 'range selector: 1h30m');
  assert.equal(describe({ type: 'subquery', expr: sel('x'), range: 30 * minute, rangeExpr: null, step: minute, stepExpr: null, ...noMods }), 'subquery: 30m every 1m');
});
