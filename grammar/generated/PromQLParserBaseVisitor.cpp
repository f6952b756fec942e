
// Generated from PromQLParser.g4 by ANTLR 4.7.2


#include "PromQLParserBaseVisitor.h"


using namespace sextant::promql::grammar;

