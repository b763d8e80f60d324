// The normcheck language, version 1.
// Generated at build time by Debian's antlr4 (4.7.2) into the build tree;
// the generated code is never committed and never edited.
// The parse tree is turned at once into the owned AST (dsl/src/parse.cpp):
// no semantics live here.
grammar Norm;

file : item* EOF ;

item
  : importDecl
  | hierarchyDecl
  | unitDecl
  | instrumentDecl
  | enumDecl
  | caseDecl
  | decisionDecl
  | paramDecl
  | factDecl
  | scenarioDecl
  | normDecl
  | derogationDecl
  | ruleDecl
  | measureDecl
  | expectDecl
  | horizonDecl
  | organisationDecl
  | stockDecl
  ;

importDecl     : IMPORT STRING ;
hierarchyDecl  : HIERARCHY levelGroup ('>' levelGroup)* ;
levelGroup     : ident ('=' ident)* ;
unitDecl       : UNIT ident ;

instrumentDecl : INSTRUMENT qname STRING '{' instrumentField* '}' ;
instrumentField
  : LEVEL ident                     # instLevel
  | ADOPTED DATE                    # instAdopted
  | IN_FORCE DATE                   # instInForce
  | APPLIES_FROM DATE               # instAppliesFrom
  | REPEALED DATE                   # instRepealed
  | URL STRING                      # instUrl
  ;

enumDecl       : ENUM ident '{' ident (',' ident)* ','? '}' ;
caseDecl       : CASE ident '{' caseMember* '}' ;
caseMember
  : ident ':' typeRef               # caseField
  | ASSUME expr                     # caseAssume
  ;

typeRef
  : BOOL                            # boolType
  | INT ident?                      # intType
  | DECIMAL ident?                  # decimalType
  | DATE_KW                         # dateType
  | ident                           # namedType
  ;

decisionDecl   : DECISION ident ('(' binderList? ')')? ':' typeRef ;
paramDecl      : PARAM ident ':' typeRef ;
factDecl       : FACT ident ':' typeRef ;
binderList     : binder (',' binder)* ;
binder         : ident ':' ident ;

scenarioDecl   : SCENARIO ident STRING? '{' scenarioClause* '}' ;
scenarioClause
  : SOURCE STRING                   # scenarioSource
  | ASSUME expr                     # scenarioAssume
  | SERIES qname '=' seriesPoint (',' seriesPoint)* # scenarioSeries
  ;
seriesPoint    : NUMBER (FROM MONTH)? ;

// Capacity over time (docs/language.md, "Capacity"): a monthly horizon,
// organisations with capacities, and stocks served by them.
horizonDecl    : HORIZON FROM MONTH UNTIL MONTH ;
organisationDecl : ORGANISATION ident STRING? '{' orgClause* '}' ;
orgClause
  : SOURCE STRING                   # orgSource
  | CAPACITY ident NUMBER           # orgCapacity
  | ABSORBS NUMBER                  # orgAbsorbs
  ;
stockDecl      : STOCK ident STRING? '{' stockClause* '}' ;
stockClause
  : INITIAL NUMBER                  # stockInitial
  | INFLOW_FROM ident               # stockInflow
  | SERVED_BY qname                 # stockServed
  | MAX_WAIT NUMBER                 # stockMaxWait
  | MAX_LEVEL qname                 # stockMaxLevel
  ;

normDecl       : NORM qname STRING '{' normClause* '}' ;
derogationDecl : DEROGATION qname STRING '{' normClause* '}' ;
normClause
  : SOURCE qname STRING             # clauseSource
  | VALID (FROM DATE)? (UNTIL DATE)? # clauseValid
  | FOR binderList                  # clauseFor
  | WHEN expr                       # clauseWhen
  | UNLESS expr                     # clauseUnless
  | RELAXES qname                   # clauseRelaxes
  | MUST NOT expr                   # clauseMustNot
  | MUST expr                       # clauseMust
  | MAY expr                        # clauseMay
  ;

ruleDecl       : RULE qname STRING '{' ruleClause* '}' ;
measureDecl    : MEASURE qname STRING '{' ruleClause* '}' ;
ruleClause
  : SOURCE qname STRING             # ruleSource
  | CITES STRING                    # ruleCites
  | LEVEL ident                     # ruleLevel
  | EFFECTIVE DATE                  # ruleEffective
  | VALID (FROM DATE)? (UNTIL DATE)? # ruleValid
  | DEFINE ident ('(' pattern (',' pattern)* ')')? '=' expr (WHEN expr)? # ruleDefine
  | INVOKE qname                    # ruleInvoke
  | OPTION ident STRING? '{' choice* '}' # ruleOption
  | SCORE ident '=' neg='-'? NUMBER # ruleScore
  | ADJUST qname neg='-'? NUMBER (FROM MONTH)? # ruleAdjust
  | MAX_WAIT ident NUMBER (FROM MONTH)? # ruleMaxWait
  | WORKLOAD ident NUMBER           # ruleWorkload
  | DUE_BY MONTH                    # ruleDueBy
  ;
choice         : CHOICE ident STRING? '{' ruleClause* '}' ;
pattern        : ident | '_' ;

expectDecl     : EXPECT expectSubject expectation (AT DATE)? (UNDER ident)? ;
expectSubject  : CURRENT_LAW | qname ;
expectation
  : COMPLIANT                       # expectCompliant
  | CONFLICTS_WITH qname            # expectConflicts
  | NO_CONFLICT                     # expectNoConflict
  | FEASIBLE                        # expectFeasible
  | INFEASIBLE                      # expectInfeasible
  ;

expr
  : '(' expr ')'                                    # parenExpr
  | ident '(' (expr (',' expr)*)? ')'               # callExpr
  | expr '.' ident                                  # fieldExpr
  | (NOT | '!') expr                                # notExpr
  | '-' expr                                        # negExpr
  | expr op=('*' | '/') expr                        # mulExpr
  | expr op=('+' | '-') expr                        # addExpr
  | expr op=('<' | '<=' | '>' | '>=' | '==' | '!=') expr  # cmpExpr
  | expr IN '{' expr (',' expr)* '}'                # inExpr
  | expr (AND | '&&') expr                          # andExpr
  | expr (OR | '||') expr                           # orExpr
  | <assoc=right> expr (IMPLIES | '=>') expr        # impliesExpr
  | IF expr THEN expr ELSE expr                     # iteExpr
  | NUMBER ident?                                   # numberExpr
  | DATE                                            # dateExpr
  | (TRUE | FALSE)                                  # boolExpr
  | ident                                           # nameExpr
  ;

qname : ident ('.' ident)* ;
ident : IDENT ;

// ---- lexer ----
IMPORT: 'import'; HIERARCHY: 'hierarchy'; UNIT: 'unit'; INSTRUMENT: 'instrument';
LEVEL: 'level'; ADOPTED: 'adopted'; IN_FORCE: 'in_force'; APPLIES_FROM: 'applies_from';
REPEALED: 'repealed'; URL: 'url'; ENUM: 'enum'; CASE: 'case'; ASSUME: 'assume';
BOOL: 'bool'; INT: 'int'; DECIMAL: 'decimal'; DATE_KW: 'date';
DECISION: 'decision'; PARAM: 'param'; FACT: 'fact'; SCENARIO: 'scenario';
SOURCE: 'source'; NORM: 'norm'; DEROGATION: 'derogation'; VALID: 'valid';
FROM: 'from'; UNTIL: 'until'; FOR: 'for'; WHEN: 'when'; UNLESS: 'unless';
RELAXES: 'relaxes'; MUST: 'must'; NOT: 'not'; MAY: 'may'; RULE: 'rule';
MEASURE: 'measure'; CITES: 'cites'; EFFECTIVE: 'effective'; DEFINE: 'define';
INVOKE: 'invoke'; EXPECT: 'expect'; CURRENT_LAW: 'current_law'; AT: 'at';
UNDER: 'under'; COMPLIANT: 'compliant'; CONFLICTS_WITH: 'conflicts_with';
IN: 'in'; AND: 'and'; OR: 'or'; IMPLIES: 'implies'; IF: 'if'; THEN: 'then';
ELSE: 'else'; TRUE: 'true'; FALSE: 'false'; OPTION: 'option'; CHOICE: 'choice'; NO_CONFLICT: 'no_conflict';
SCORE: 'score';
HORIZON: 'horizon'; ORGANISATION: 'organisation'; CAPACITY: 'capacity'; ABSORBS: 'absorbs';
STOCK: 'stock'; INITIAL: 'initial'; INFLOW_FROM: 'inflow_from'; SERVED_BY: 'served_by';
MAX_WAIT: 'wait_within'; MAX_LEVEL: 'level_within'; SERIES: 'series'; ADJUST: 'adjust';
WORKLOAD: 'workload'; DUE_BY: 'due_by'; FEASIBLE: 'feasible'; INFEASIBLE: 'infeasible';

DATE   : [0-9][0-9][0-9][0-9] '-' [0-9][0-9] '-' [0-9][0-9] ;
MONTH  : [0-9][0-9][0-9][0-9] '-' [0-9][0-9] ;
NUMBER : [0-9]+ ('.' [0-9]+)? ;
IDENT  : [a-zA-Z_][a-zA-Z_0-9]* ;
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\u000C\uFEFF]+ -> skip ;
