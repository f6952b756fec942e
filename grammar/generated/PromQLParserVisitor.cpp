
// Generated from PromQLParser.g4 by ANTLR 4.7.2


#include "PromQLParserVisitor.h"


using namespace sextant::promql::grammar;

