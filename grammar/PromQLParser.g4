// PromQL syntax (Prometheus 3.x, float samples). Written for Sextant from Prometheus's documented
// syntax and the behaviour of its parser; no grammar was copied. This grammar only decides what is
// well-formed: types, function names and arities, argument counts of aggregations, the range of
// numbers and durations, and "ranges only allowed for vector selectors" are checked by promql/
// when it turns the parse tree into its AST.
//
// Precedence, highest first (as in Prometheus):
//   postfix  `[range]`, `[range:step]`, `offset`, `@`, `smoothed`/`anchored`
//   `^`                        right-associative
//   unary `+` `-`              binds like `*`: `-2 ^ 2` is `-(2 ^ 2)`, `-a * b` is `(-a) * b`
//   `*` `/` `%` `atan2`        left-associative
//   `+` `-`
//   `==` `!=` `<=` `<` `>=` `>`
//   `and` `unless`
//   `or`
parser grammar PromQLParser;

options {
    tokenVocab = PromQLLexer;
}

query
    : expr EOF
    ;

expr
    : expr LEFT_BRACKET duration RIGHT_BRACKET                                  # matrixSelector
    | expr LEFT_BRACKET duration COLON duration? RIGHT_BRACKET                  # subquery
    | expr OFFSET SUB? durationOrNumber                                         # offsetModifier
    | expr AT atTimestamp                                                       # atModifier
    | expr (SMOOTHED | ANCHORED)                                                # rangeModifier
    | <assoc=right> expr op=POW binModifier? expr                               # powBinary
    | op=(ADD | SUB) expr                                                       # unary
    | expr op=(MUL | DIV | MOD | ATAN2) binModifier? expr                       # mulBinary
    | expr op=(ADD | SUB) binModifier? expr                                     # addBinary
    | expr op=(EQLC | NEQ | LTE | LSS | GTE | GTR) binModifier? expr           # compareBinary
    | expr op=(LAND | LUNLESS) binModifier? expr                                # andUnlessBinary
    | expr op=LOR binModifier? expr                                             # orBinary
    | LEFT_PAREN expr RIGHT_PAREN                                               # paren
    | aggregation                                                               # aggregate
    | functionCall                                                              # call
    | vectorSelector                                                            # selector
    | number                                                                    # numberLiteral
    | DURATION                                                                  # durationLiteral
    | STRING                                                                    # stringLiteral
    ;

// ---- Binary operator modifiers: `bool`, `on(...)`/`ignoring(...)`, `group_left/right(...)`. ----
binModifier
    : BOOL vectorMatching?
    | vectorMatching
    ;

// Known difference: after `group_left`/`group_right`, Prometheus always reads a `(` as the start of
// the label list, so `a * on(x) group_left (b)` is an error there; here it parses with `(b)` as the
// right-hand side. promql/ may reject it if the difference matters.
vectorMatching
    : (ON | IGNORING) groupingLabels ((GROUP_LEFT | GROUP_RIGHT) groupingLabels?)?
    ;

// ---- Aggregations: `sum by (job) (x)`, `sum(x) without (instance)`, `topk(3, x)`. ----
aggregation
    : aggregateOp grouping functionArgs
    | aggregateOp functionArgs grouping?
    ;

aggregateOp
    : SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK | COUNT_VALUES
    | QUANTILE | LIMITK | LIMIT_RATIO
    ;

grouping
    : (BY | WITHOUT) groupingLabels
    ;

// `(a, b)`, `()`, a trailing comma is allowed; 3.x also accepts quoted (UTF-8) label names.
groupingLabels
    : LEFT_PAREN (groupingLabel (COMMA groupingLabel)* COMMA?)? RIGHT_PAREN
    ;

groupingLabel
    : IDENTIFIER
    | keyword
    | STRING
    ;

// ---- Function calls: `rate(x[5m])`, `time()`. No trailing comma (as in Prometheus). ----
// `start()`, `end()` and `step()` are functions too (experimental in Prometheus 3.x, like
// `range()`, which is a plain IDENTIFIER here), although their names are keywords.
functionCall
    : (IDENTIFIER | START | END | STEP) functionArgs
    ;

functionArgs
    : LEFT_PAREN (expr (COMMA expr)*)? RIGHT_PAREN
    ;

// ---- Vector selectors: `foo`, `foo{a="b"}`, `{"my.metric", job=~"x.*"}`. ----
vectorSelector
    : metricName labelMatchers?
    | labelMatchers
    ;

// Keywords Prometheus also accepts as metric names. Not accepted (as in Prometheus): `bool`,
// `on`, `ignoring`, `group_left`, `group_right`, `atan2`, and `inf`/`nan` (always numbers).
metricName
    : IDENTIFIER
    | METRIC_IDENTIFIER
    | SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK | COUNT_VALUES
    | QUANTILE | LIMITK | LIMIT_RATIO
    | LAND | LOR | LUNLESS | OFFSET | BY | WITHOUT | START | END | STEP | SMOOTHED | ANCHORED
    ;

labelMatchers
    : LEFT_BRACE (labelMatcher (COMMA labelMatcher)* COMMA?)? RIGHT_BRACE
    ;

// Inside braces the lexer turns every word into an IDENTIFIER, so any keyword is a label name.
// A lone quoted string is the metric name (`{"my.metric"}`); a quoted string before an operator
// is a UTF-8 label name.
labelMatcher
    : (IDENTIFIER | STRING) matchOp STRING
    | STRING
    ;

matchOp
    : EQL | NEQ | EQL_REGEX | NEQ_REGEX
    ;

// Every keyword is a valid label name in `by (...)`, `without (...)`, `on (...)`, `ignoring (...)`,
// `group_left (...)`, `group_right (...)`.
keyword
    : SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK | COUNT_VALUES
    | QUANTILE | LIMITK | LIMIT_RATIO
    | LAND | LOR | LUNLESS | ATAN2 | OFFSET | BY | WITHOUT | ON | IGNORING | GROUP_LEFT
    | GROUP_RIGHT | BOOL | START | END | STEP | SMOOTHED | ANCHORED
    ;

// ---- Literals. ----
number
    : NUMBER | INF_VALUE | NAN_VALUE
    ;

// A range or step: `5m`, `1h30m`, or (3.x) plain seconds such as `300`.
duration
    : DURATION
    | NUMBER
    ;

durationOrNumber
    : DURATION
    | NUMBER
    ;

// `@ 1609746000`, `@ -1.5`, `@ 5m`, `@ start()`, `@ end()`.
atTimestamp
    : (ADD | SUB)? (NUMBER | DURATION | INF_VALUE | NAN_VALUE)
    | (START | END) LEFT_PAREN RIGHT_PAREN
    ;
