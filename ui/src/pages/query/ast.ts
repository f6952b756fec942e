// The parsed query as /api/v1/parse_query returns it (Prometheus 3.x's web/api/v1/translate_ast.go),
// its children, and its PromQL text re-serialized.

import { formatDuration } from '../../format';

export interface Matcher {
  name: string;
  value: string;
  type: string; // "=", "!=", "=~", "!~"
}

interface Modifiers {
  offset: number; // ms
  offsetExpr?: DurationNode | null;
  timestamp: number | null; // ms
  startOrEnd: 'start' | 'end' | null;
  anchored?: boolean;
  smoothed?: boolean;
}

export interface DurationNode {
  type: 'durationExpr' | 'numberLiteral';
  op?: string;
  lhs?: DurationNode | null;
  rhs?: DurationNode | null;
  wrapped?: boolean;
  val?: string;
  duration?: boolean;
}

export type AstNode =
  | { type: 'aggregation'; op: string; expr: AstNode; param: AstNode | null; grouping: string[]; without: boolean }
  | {
      type: 'binaryExpr';
      op: string;
      lhs: AstNode;
      rhs: AstNode;
      bool: boolean;
      matching: { card: string; labels: string[]; on: boolean; include: string[]; fillValues?: { lhs: number | null; rhs: number | null } } | null;
    }
  | { type: 'call'; func: { name: string; argTypes: string[]; variadic: number; returnType: string }; args: AstNode[] }
  | ({ type: 'matrixSelector'; name: string; range: number; rangeExpr?: DurationNode | null; matchers: Matcher[] } & Modifiers)
  | ({ type: 'subquery'; expr: AstNode; range: number; rangeExpr?: DurationNode | null; step: number; stepExpr?: DurationNode | null } & Modifiers)
  | { type: 'numberLiteral'; val: string }
  | { type: 'parenExpr'; expr: AstNode }
  | { type: 'stringLiteral'; val: string }
  | { type: 'unaryExpr'; op: string; expr: AstNode }
  | ({ type: 'vectorSelector'; name: string; matchers: Matcher[] } & Modifiers);

export function children(n: AstNode): AstNode[] {
  switch (n.type) {
    case 'aggregation':
      return n.param ? [n.param, n.expr] : [n.expr];
    case 'binaryExpr':
      return [n.lhs, n.rhs];
    case 'call':
      return n.args;
    case 'subquery':
    case 'parenExpr':
    case 'unaryExpr':
      return [n.expr];
    default:
      return [];
  }
}

const plainName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const plainLabel = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function quote(s: string): string {
  return JSON.stringify(s);
}

function labelList(labels: string[]): string {
  return `(${labels.map((l) => (plainLabel.test(l) ? l : quote(l))).join(', ')})`;
}

function durationText(d: DurationNode | null | undefined, ms: number): string {
  if (!d) return formatDuration(ms);
  if (d.type === 'numberLiteral') return d.duration ? formatDuration(Number(d.val) * 1000) : String(d.val);
  const op = d.op ?? '';
  let text: string;
  if (!d.rhs) text = d.lhs ? `${op}${durationText(d.lhs, 0)}` : `${op}()`;
  else text = `${durationText(d.lhs, 0)} ${op} ${durationText(d.rhs, 0)}`;
  return d.wrapped ? `(${text})` : text;
}

function selectorText(name: string, matchers: Matcher[]): string {
  const rest = matchers.filter((m) => !(m.name === '__name__' && m.type === '=' && m.value === name));
  const parts = rest.map((m) => `${plainLabel.test(m.name) ? m.name : quote(m.name)}${m.type}${quote(m.value)}`);
  if (name && !plainName.test(name)) parts.unshift(quote(name));
  const head = name && plainName.test(name) ? name : '';
  return parts.length > 0 || !head ? `${head}{${parts.join(', ')}}` : head;
}

function modifiersText(m: Modifiers): string {
  let out = '';
  if (m.anchored) out += ' anchored';
  if (m.smoothed) out += ' smoothed';
  if (m.timestamp !== null && m.timestamp !== undefined) out += ` @ ${(m.timestamp / 1000).toFixed(3)}`;
  else if (m.startOrEnd) out += ` @ ${m.startOrEnd}()`;
  if (m.offsetExpr) out += ` offset ${durationText(m.offsetExpr, m.offset)}`;
  else if (m.offset > 0) out += ` offset ${formatDuration(m.offset)}`;
  else if (m.offset < 0) out += ` offset -${formatDuration(-m.offset)}`;
  return out;
}

// The node's PromQL text, in Prometheus's formatting.
export function toPromQL(n: AstNode): string {
  switch (n.type) {
    case 'aggregation': {
      let out = n.op;
      if (n.without || n.grouping.length > 0) out += ` ${n.without ? 'without' : 'by'} ${labelList(n.grouping)} `;
      return `${out}(${n.param ? `${toPromQL(n.param)}, ` : ''}${toPromQL(n.expr)})`;
    }
    case 'binaryExpr': {
      let op = n.op;
      if (n.bool) op += ' bool';
      const m = n.matching;
      if (m) {
        const grouped = m.card === 'many-to-one' || m.card === 'one-to-many';
        if (m.labels.length > 0 || m.on || grouped) op += ` ${m.on ? 'on' : 'ignoring'} ${labelList(m.labels)}`;
        if (grouped) op += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} ${labelList(m.include)}`;
        const fill = m.fillValues;
        if (fill && fill.lhs !== null && fill.lhs === fill.rhs) op += ` fill (${fill.lhs})`;
        else {
          if (fill?.lhs != null) op += ` fill_left (${fill.lhs})`;
          if (fill?.rhs != null) op += ` fill_right (${fill.rhs})`;
        }
      }
      return `${toPromQL(n.lhs)} ${op} ${toPromQL(n.rhs)}`;
    }
    case 'call':
      return `${n.func.name}(${n.args.map(toPromQL).join(', ')})`;
    case 'matrixSelector':
      return `${selectorText(n.name, n.matchers)}[${durationText(n.rangeExpr, n.range)}]${modifiersText(n)}`;
    case 'subquery': {
      const step = n.stepExpr || n.step ? durationText(n.stepExpr, n.step) : '';
      return `${toPromQL(n.expr)}[${durationText(n.rangeExpr, n.range)}:${step}]${modifiersText(n)}`;
    }
    case 'numberLiteral':
      return n.val;
    case 'parenExpr':
      return `(${toPromQL(n.expr)})`;
    case 'stringLiteral':
      return quote(n.val);
    case 'unaryExpr':
      return `${n.op}${toPromQL(n.expr)}`;
    case 'vectorSelector':
      return `${selectorText(n.name, n.matchers)}${modifiersText(n)}`;
  }
}

// A short description of what the node does, for the tree.
export function describe(n: AstNode): string {
  switch (n.type) {
    case 'aggregation':
      return `aggregation: ${n.op}${n.grouping.length || n.without ? ` ${n.without ? 'without' : 'by'} ${n.grouping.join(', ') || '()'}` : ''}`;
    case 'binaryExpr':
      return `binary operator: ${n.op}${n.matching ? ` (${n.matching.card})` : ''}`;
    case 'call':
      return `function: ${n.func.name} → ${n.func.returnType}`;
    case 'matrixSelector':
      return `range selector: ${formatDuration(n.range)}`;
    case 'subquery':
      return `subquery: ${formatDuration(n.range)}${n.step ? ` every ${formatDuration(n.step)}` : ''}`;
    case 'numberLiteral':
      return 'number';
    case 'parenExpr':
      return 'parentheses';
    case 'stringLiteral':
      return 'string';
    case 'unaryExpr':
      return `unary ${n.op}`;
    case 'vectorSelector':
      return 'instant selector';
  }
}
