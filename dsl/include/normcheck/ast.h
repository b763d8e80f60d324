// The owned syntax tree, built from ANTLR's parse tree at once by parse.cpp.
// It records what was written and where (spans); it knows nothing of types or
// name resolution, which semantic analysis (sema.cpp) adds when it builds the
// core IR.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "normcheck/source.h"

namespace normcheck::ast {

struct Name {
  std::string text;  // a plain identifier, or a dotted name (`QR.art24_1a`)
  Span span;
};

struct DateLit {
  std::string text;  // YYYY-MM-DD as written
  Span span;
};

enum class ExprKind { number, date, boolean, name, field, call, not_, neg, binary, in, ite };
enum class BinOp { mul, div, add, sub, lt, le, gt, ge, eq, ne, and_, or_, implies };
const char* binop_text(BinOp op);

struct Expr {
  ExprKind kind = ExprKind::name;
  Span span;
  std::string text;           // number text, date text, name, field name, callee
  std::optional<Name> unit;   // number literal unit
  BinOp op = BinOp::add;      // binary
  bool bool_value = false;    // boolean
  Span name_span;             // callee / field name span
  std::vector<std::unique_ptr<Expr>> args;  // operands, call args, field base, ite (c,a,b), in (x, set...)
};
using ExprPtr = std::unique_ptr<Expr>;

struct TypeRef {
  enum Kind { boolean, integer, decimal, date, named } kind = boolean;
  std::optional<Name> name;  // unit for int/decimal; type name for named
  Span span;
};

struct Binder {
  Name var;
  Name type;
};

struct Import {
  std::string path;
  Span span;
};

struct Hierarchy {
  std::vector<std::vector<Name>> groups;  // highest first; names in a group rank equal
  Span span;
};

struct UnitDecl {
  Name name;
};

struct Instrument {
  Name id;
  std::string title;
  std::optional<Name> level;
  std::optional<DateLit> adopted, in_force, applies_from, repealed;
  std::optional<std::string> url;
  Span span;
};

struct Enum {
  Name name;
  std::vector<Name> values;
  Span span;
};

struct CaseField {
  Name name;
  TypeRef type;
};

struct Case {
  Name name;
  std::vector<CaseField> fields;
  std::vector<ExprPtr> assumes;
  Span span;
};

enum class SymbolKind { decision, param, fact };

struct Decision {
  SymbolKind kind = SymbolKind::decision;
  Name name;
  std::vector<Binder> params;
  TypeRef result;
  Span span;
};

struct Scenario {
  Name name;
  std::string title;
  std::optional<std::string> source;
  std::vector<ExprPtr> assumes;
  Span span;
};

struct SourceRef {
  Name instrument;
  std::string article;
  Span span;
};

enum class Modality { none, must, must_not, may };

struct Norm {
  bool derogation = false;
  Name id;
  std::string title;
  std::optional<SourceRef> source;
  std::optional<DateLit> valid_from, valid_until;
  std::vector<Binder> binders;
  std::vector<ExprPtr> whens;
  std::vector<ExprPtr> unlesses;
  std::optional<Name> relaxes;
  Modality modality = Modality::none;
  ExprPtr body;
  Span body_span;  // the modality clause
  std::vector<Span> duplicate_clauses;  // clauses that may appear once but were repeated
  Span span;
};

struct Pattern {
  std::string text;  // identifier, or "_"
  Span span;
};

struct Define {
  Name decision;
  bool has_args = false;
  std::vector<Pattern> patterns;
  ExprPtr value;
  ExprPtr when;
  Span span;
};

// `score load = 3`: a number a measure or choice contributes to a named
// objective (explore --pareto). Kept as written; sema checks and scales it.
struct Score {
  Name name;
  std::string value;  // the literal, with a leading '-' when negative
  Span span;
};

struct Choice {
  Name name;
  std::string title;
  std::vector<Define> defines;
  std::vector<Name> invokes;
  std::vector<Score> scores;
  Span span;
};

struct Option {
  Name name;
  std::string title;
  std::vector<Choice> choices;
  Span span;
};

struct Rule {
  bool measure = false;
  Name id;
  std::string title;
  std::optional<SourceRef> source;
  std::optional<std::string> cites;
  std::optional<Name> level;
  std::optional<DateLit> effective, valid_from, valid_until;
  std::vector<Define> defines;
  std::vector<Name> invokes;
  std::vector<Option> options;  // measures: alternatives to explore
  std::vector<Score> scores;    // measures: contributions to objectives
  std::vector<Span> duplicate_clauses;
  Span span;
};

struct Expect {
  bool current_law = false;
  Name subject;
  bool compliant = true;
  bool no_conflict = false;  // no conflict, gaps allowed
  std::optional<Name> norm;
  std::optional<DateLit> at;
  std::optional<Name> scenario;
  Span span;
};

struct File {
  FileId file = kNoFile;
  std::vector<Import> imports;
  std::vector<Hierarchy> hierarchies;
  std::vector<UnitDecl> units;
  std::vector<Instrument> instruments;
  std::vector<Enum> enums;
  std::vector<Case> cases;
  std::vector<Decision> decisions;  // decisions, params and facts
  std::vector<Scenario> scenarios;
  std::vector<Norm> norms;          // norms and derogations
  std::vector<Rule> rules;          // rules and measures
  std::vector<Expect> expects;
};

}  // namespace normcheck::ast
