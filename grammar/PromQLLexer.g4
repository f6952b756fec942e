// PromQL tokens (Prometheus 3.x, float samples). Written for Sextant from Prometheus's documented
// syntax and the behaviour of its lexer (promql/parser/lex.go); no grammar was copied.
//
// Three lexer modes mirror the three states of Prometheus's hand-written lexer:
//   DEFAULT  expressions: keywords (case-insensitive), identifiers, numbers, durations, operators.
//   BRACES   inside `{...}`: every word is a plain IDENTIFIER (so `{by="x", sum="y"}` works), no
//            colons in names, strings, the four matcher operators.
//   RANGE    inside `[...]`: durations, numbers and `:` (so `[5m:1m]` never lexes `:1m` as a
//            metric name).
// A character no rule accepts becomes ERROR_CHAR, so the lexer never reports errors on its own:
// every error surfaces in the parser at the offending token.
lexer grammar PromQLLexer;

// ---- Keywords (Prometheus matches them case-insensitively: `SUM`, `By`, `AND`). ----
// Binary set operators and atan2.
LAND    : A N D;
LOR     : O R;
LUNLESS : U N L E S S;
ATAN2   : A T A N '2';

// Aggregators.
SUM          : S U M;
AVG          : A V G;
COUNT        : C O U N T;
MIN          : M I N;
MAX          : M A X;
GROUP        : G R O U P;
STDDEV       : S T D D E V;
STDVAR       : S T D V A R;
TOPK         : T O P K;
BOTTOMK      : B O T T O M K;
COUNT_VALUES : C O U N T '_' V A L U E S;
QUANTILE     : Q U A N T I L E;
LIMITK       : L I M I T K;             // experimental in Prometheus
LIMIT_RATIO  : L I M I T '_' R A T I O; // experimental in Prometheus

// Modifiers.
OFFSET      : O F F S E T;
BY          : B Y;
WITHOUT     : W I T H O U T;
ON          : O N;
IGNORING    : I G N O R I N G;
GROUP_LEFT  : G R O U P '_' L E F T;
GROUP_RIGHT : G R O U P '_' R I G H T;
BOOL        : B O O L;
SMOOTHED    : S M O O T H E D; // experimental range-selector modifier
ANCHORED    : A N C H O R E D; // experimental range-selector modifier

// `@` preprocessors (`@ start()`, `@ end()`) and the duration-expression `step()`.
START : S T A R T;
END   : E N D;
STEP  : S T E P;

// Special float values: `Inf`, `NaN` in any case. Outside braces they are numbers, never names.
INF_VALUE : I N F;
NAN_VALUE : N A N;

// ---- Literals. ----
// Longest match decides between the two: `5m` is a duration, `5` and `0x3d` are numbers.
NUMBER
    : '0' [xX] '_'? HEX_DIGITS
    | DIGITS ('.' DIGITS?)? EXPONENT?
    | '.' DIGITS EXPONENT?
    ;
DURATION : DURATION_BODY;

STRING : STRING_BODY;

// Names. A word containing `:` is a METRIC_IDENTIFIER (recording-rule names such as
// `job:rate5m:sum`); IDENTIFIER is listed first so a plain word is an IDENTIFIER.
IDENTIFIER        : [a-zA-Z_] [a-zA-Z0-9_]*;
METRIC_IDENTIFIER : [a-zA-Z_:] [a-zA-Z0-9_:]*;

// ---- Punctuation and operators. ----
LEFT_PAREN    : '(';
RIGHT_PAREN   : ')';
LEFT_BRACE    : '{' -> pushMode(BRACES);
RIGHT_BRACE   : '}'; // unmatched here; the BRACES mode emits the matching one
LEFT_BRACKET  : '[' -> pushMode(RANGE);
RIGHT_BRACKET : ']'; // unmatched here; the RANGE mode emits the matching one
COMMA         : ',';
AT            : '@';

ADD  : '+';
SUB  : '-';
MUL  : '*';
DIV  : '/';
MOD  : '%';
POW  : '^';
EQLC : '==';
NEQ  : '!=';
LTE  : '<=';
LSS  : '<';
GTE  : '>=';
GTR  : '>';

WS         : [ \t\r\n]+ -> skip;
COMMENT    : '#' ~[\r\n]* -> channel(HIDDEN);
ERROR_CHAR : .;

// ---- Inside `{...}`. ----
mode BRACES;
B_WS          : [ \t\r\n]+ -> skip;
B_COMMENT     : '#' ~[\r\n]* -> channel(HIDDEN);
B_IDENTIFIER  : [a-zA-Z_] [a-zA-Z0-9_]* -> type(IDENTIFIER);
B_STRING      : STRING_BODY -> type(STRING);
B_COMMA       : ',' -> type(COMMA);
EQL_REGEX     : '=~';
NEQ_REGEX     : '!~';
B_NEQ         : '!=' -> type(NEQ);
EQL           : '=';
B_RIGHT_BRACE : '}' -> type(RIGHT_BRACE), popMode;
B_ERROR_CHAR  : . -> type(ERROR_CHAR);

// ---- Inside `[...]`. ----
mode RANGE;
R_WS            : [ \t\r\n]+ -> skip;
R_DURATION      : DURATION_BODY -> type(DURATION);
R_NUMBER        : (DIGITS ('.' DIGITS?)? EXPONENT? | '.' DIGITS EXPONENT?) -> type(NUMBER);
COLON           : ':';
R_RIGHT_BRACKET : ']' -> type(RIGHT_BRACKET), popMode;
R_ERROR_CHAR    : . -> type(ERROR_CHAR);

// ---- Fragments. ----
// Digits may be grouped with single underscores between them: `1_000_000`.
fragment DIGITS     : [0-9] ('_'? [0-9])*;
fragment HEX_DIGITS : [0-9a-fA-F] ('_'? [0-9a-fA-F])*;
fragment EXPONENT   : [eE] [+-]? DIGITS;

// `1h30m`, `1m0s`, `500ms`, `1y`, `2w`, `1d`. Whether the units are in decreasing order is checked
// by the parser layer, as Prometheus's parseDuration does.
fragment DURATION_BODY : [0-9]+ DURATION_UNIT ([0-9]+ DURATION_UNIT)*;
fragment DURATION_UNIT : 'ms' | [smhdwy];

// Double- and single-quoted strings take Go's escapes (the quote itself but not the other one);
// backtick strings are raw and may span lines.
fragment STRING_BODY
    : '"' (ESCAPE | '\\"' | ~["\\\n])* '"'
    | '\'' (ESCAPE | '\\\'' | ~['\\\n])* '\''
    | '`' ~'`'* '`'
    ;
fragment ESCAPE
    : '\\' [abfnrtv\\]
    | '\\' [0-3] [0-7] [0-7] // at most \377
    | '\\x' HEX HEX
    | '\\u' HEX HEX HEX HEX
    | '\\U' HEX HEX HEX HEX HEX HEX HEX HEX
    ;
fragment HEX : [0-9a-fA-F];

fragment A : [aA]; fragment B : [bB]; fragment C : [cC]; fragment D : [dD];
fragment E : [eE]; fragment F : [fF]; fragment G : [gG]; fragment H : [hH];
fragment I : [iI]; fragment K : [kK]; fragment L : [lL]; fragment M : [mM];
fragment N : [nN]; fragment O : [oO]; fragment P : [pP]; fragment Q : [qQ];
fragment R : [rR]; fragment S : [sS]; fragment T : [tT]; fragment U : [uU];
fragment V : [vV]; fragment W : [wW]; fragment X : [xX]; fragment Y : [yY];
