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

// A month as written, `2026-01`.
struct MonthLit {
  std::string text;
  Span span;
};

// `series applications = 3000, 3500 from 2027-01`: a monthly series, constant
// from each point's month (the first point: from the horizon's start).
struct SeriesPoint {
  std::string value;  // the number as written
  std::optional<MonthLit> from;
  Span span;
};

struct Series {
  Name name;  // a stock's inflow series, or `Org.capacity` to override a capacity
  std::vector<SeriesPoint> points;
  Span span;
};

struct Scenario {
  Name name;
  std::string title;
  std::optional<std::string> source;
  std::vector<ExprPtr> assumes;
  std::vector<Series> series;
  Span span;
};

// `horizon from 2026-01 until 2027-12`: the months capacity is modelled over.
struct Horizon {
  MonthLit from, until;
  Span span;
};

struct Figure {  // a number as written, where a whole number is expected
  std::string value;
  Span span;
};

struct CapacityDecl {
  Name name;
  Figure value;
  Span span;
};

struct Organisation {
  Name name;
  std::string title;
  std::optional<std::string> source;
  std::vector<CapacityDecl> capacities;
  std::optional<Figure> absorbs;  // change capacity, FTE-months a quarter
  std::vector<Span> duplicate_clauses;
  Span span;
};

struct Stock {
  Name name;
  std::string title;
  std::optional<Figure> initial;
  std::optional<Name> inflow;     // a series name
  std::optional<Name> served_by;  // `Org.capacity`
  std::optional<Figure> wait_within; // months (Little's law)
  std::optional<Name> level_within;  // `Org.capacity`
  std::vector<Span> duplicate_clauses;
  Span span;
};

// Measure clauses on capacity.
struct Adjust {  // `adjust IND.decisions -300 from 2026-07`
  Name capacity;
  std::string value;  // with a leading '-' when negative
  std::optional<MonthLit> from;
  Span span;
};

struct WaitChange {  // `wait_within ind_backlog 3 from 2026-07`
  Name stock;
  Figure months;
  std::optional<MonthLit> from;
  Span span;
};

struct Workload {  // `workload IND 6`: FTE-months to introduce the measure
  Name organisation;
  Figure amount;
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
  std::vector<Adjust> adjusts;  // measures: capacity changes
  std::vector<WaitChange> wait_changes;
  std::vector<Workload> workloads;
  std::optional<MonthLit> due_by;
  std::vector<Span> duplicate_clauses;
  Span span;
};

struct Expect {
  bool current_law = false;
  Name subject;
  bool compliant = true;
  bool no_conflict = false;  // no conflict, gaps allowed
  int feasibility = 0;       // 1: `feasible`, -1: `infeasible`, 0: a compliance expectation
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
  std::vector<Horizon> horizons;
  std::vector<Organisation> organisations;
  std::vector<Stock> stocks;
};

}  // namespace normcheck::ast
