// The typed core IR: what semantic analysis produces and the encoding layer
// consumes. Names are resolved to indices, units normalised to a base unit
// per dimension, dates turned into day numbers, and every node keeps the span
// it came from for reports. No syntax-only details survive here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "normcheck/source.h"

namespace normcheck::ir {

using Day = std::int64_t;  // days since 1970-01-01 (proleptic Gregorian)

std::optional<Day> parse_date(const std::string& text);  // YYYY-MM-DD, validated
std::string format_date(Day d);

struct Type {
  enum Kind { boolean, integer, decimal, date, enumeration, record, error } kind = error;
  int index = -1;    // enum or case index
  std::string dim;   // base unit of a quantity ("months", "days", "EUR", ...); empty if dimensionless
  std::string unit;  // the unit as declared (`years`), for display; values are stored in `dim`
  std::int64_t factor = 1;  // base units per declared unit (12 for years)

  bool numeric() const { return kind == integer || kind == decimal; }
  // Units of one dimension are the same type: `int years` holds months.
  friend bool operator==(const Type& a, const Type& b) { return a.kind == b.kind && a.index == b.index && a.dim == b.dim; }
};

enum class Op {
  int_lit, dec_lit, bool_lit, date_lit, enum_lit,
  var,      // index = binder index
  field,    // args[0] record, index = field
  call,     // index = symbol, args = arguments
  not_, neg, add, sub, mul, div, lt, le, gt, ge, eq, ne, and_, or_, implies, ite,
};

struct Expr {
  Op op = Op::bool_lit;
  Type type;
  Span span;
  std::int64_t ival = 0;   // int/date/bool literal; dec_lit numerator
  std::int64_t den = 1;    // dec_lit denominator
  int index = -1;          // binder, field, symbol, enum value
  std::vector<std::unique_ptr<Expr>> args;
};
using ExprPtr = std::unique_ptr<Expr>;

struct Binder {
  std::string name;
  Type type;  // record or enumeration
  Span span;
};

struct Level {
  std::string name;
  int rank = 0;  // higher outranks lower; equal ranks are equal
};

struct Period {
  std::optional<Day> from;   // inclusive
  std::optional<Day> until;  // exclusive
  bool contains(Day d) const { return (!from || *from <= d) && (!until || d < *until); }
};

struct Enum {
  std::string name;
  std::vector<std::string> values;
  Span span;
};

struct Field {
  std::string name;
  Type type;
  Span span;
};

struct Case {
  std::string name;
  std::vector<Field> fields;
  std::vector<ExprPtr> assumes;  // binder 0 is the case itself
  Span span;
};

enum class SymbolKind { decision, param, fact };

struct Symbol {
  SymbolKind kind = SymbolKind::decision;
  std::string name;
  std::vector<Binder> params;
  Type result;
  Span span;
};

struct Instrument {
  std::string id;
  std::string title;
  Level level;
  std::optional<Day> adopted, in_force, applies_from, repealed;
  std::string url;
  Period period;  // [applies_from or in_force, repealed)
  Span span;
};

enum class Modality { must, must_not, may };
const char* modality_text(Modality m);

struct Norm {
  std::string id;
  std::string title;
  bool derogation = false;
  int instrument = -1;
  std::string article;
  Period period;
  std::vector<Binder> binders;
  ExprPtr cond;    // conjunction of `when`s, or null
  ExprPtr unless;  // disjunction of `unless`es, or null
  std::optional<Modality> modality;  // absent only for a derogation without a requirement
  ExprPtr body;
  int relaxes = -1;  // derogation: the norm it lifts
  std::vector<int> derogations;  // norm: the derogations that may lift it
  Span span, body_span, source_span;
};

struct Pattern {
  bool is_value = false;  // matches one enum value
  int value = -1;
  bool wildcard = false;
};

struct Definition {
  int symbol = -1;
  std::vector<Pattern> patterns;
  std::vector<Binder> binders;  // one per parameter of the symbol
  ExprPtr value;
  ExprPtr when;  // or null
  Span span;
};

struct Invoke {
  int derogation = -1;
  Span span;
};

// A contribution to a named objective (explore --pareto), in millionths so
// that sums are exact.
struct Score {
  std::string name;
  std::int64_t micros = 0;
  Span span;
};

struct Choice {
  std::string name;
  std::string title;
  std::vector<int> defines;  // indices into RuleSet::defines
  std::vector<int> invokes;  // indices into RuleSet::invokes
  std::vector<Score> scores;
  Span span;
};

// Alternatives a measure leaves open; `check` takes each option's first
// choice, `explore --options` every combination.
struct Option {
  std::string name;
  std::string title;
  std::vector<Choice> choices;
  Span span;
};

// ---- capacity over time (docs/language.md, "Capacity") ----

// A calendar month as a number: year * 12 + (month - 1).
using Month = int;
std::optional<Month> parse_month(const std::string& text);  // YYYY-MM, validated
std::string format_month(Month m);

struct Horizon {
  Month first = 0, last = -1;  // inclusive
  Span span;
  int months() const { return last - first + 1; }
};

struct CapacityRef {
  int org = -1;
  int cap = -1;  // index into Organisation::capacities
  bool valid() const { return org >= 0 && cap >= 0; }
  friend bool operator==(const CapacityRef& a, const CapacityRef& b) { return a.org == b.org && a.cap == b.cap; }
};

struct Capacity {
  std::string name;
  std::int64_t value = 0;  // per month
  Span span;
};

struct Organisation {
  std::string name;
  std::string title;
  std::string source;
  std::vector<Capacity> capacities;
  std::optional<std::int64_t> absorbs;  // change capacity, FTE-months a quarter
  Span span;
};

struct Stock {
  std::string name;
  std::string title;
  std::int64_t initial = 0;
  std::string inflow;          // the scenario series that feeds it
  CapacityRef served_by;       // bounds the monthly outflow
  std::optional<std::int64_t> wait_within;  // months, current law
  CapacityRef level_within;       // the level may not exceed this capacity (invalid: no bound)
  Span span, wait_span, level_span;
};

// A monthly series of a scenario, one value per month of the horizon.
struct Series {
  std::string name;     // an inflow series, or a capacity's `Org.cap`
  CapacityRef capacity; // valid: overrides that capacity in this scenario
  std::vector<std::int64_t> values;
  Span span;
};

struct Adjust {  // a measure's change to a capacity from a month on
  CapacityRef capacity;
  std::int64_t delta = 0;
  Month from = 0;
  Span span;
};

struct WaitChange {  // a measure's new maximum waiting time for a stock
  int stock = -1;
  std::int64_t months = 0;
  Month from = 0;
  Span span;
};

struct Workload {  // FTE-months an organisation spends introducing a measure
  int org = -1;
  std::int64_t amount = 0;
  Span span;
};

struct RuleSet {
  std::string id;
  std::string title;
  bool measure = false;
  int instrument = -1;     // rules: the instrument they belong to
  std::string article;
  std::string cites;
  Level level;
  Period period;           // rules: when they apply; measures: from `effective`
  std::optional<Day> effective;
  std::vector<Definition> defines;
  std::vector<Invoke> invokes;
  std::vector<Option> options;
  std::vector<Score> scores;  // measures: added to every combination's scores
  std::vector<Adjust> adjusts;          // measures: capacity changes
  std::vector<WaitChange> wait_changes; // measures: new legal waiting times
  std::vector<Workload> workloads;      // measures: implementation load
  std::optional<Month> due_by;          // measures: must be introduced by (plan)
  Span span, source_span;
};

struct Scenario {
  std::string name;
  std::string title;
  std::string source;
  std::vector<ExprPtr> assumes;
  std::vector<Series> series;  // capacity scenarios: monthly inputs
  Span span;
};

struct Expect {
  int subject = -1;  // rule set index of a measure; -1 = current law
  bool compliant = true;
  bool no_conflict = false;  // passes with gaps, as long as nothing conflicts or is undecided
  int feasibility = 0;       // 1: `feasible`, -1: `infeasible` (a capacity expectation), 0: compliance
  int norm = -1;
  std::optional<Day> at;
  int scenario = -1;
  Span span;
};

struct Program {
  std::vector<Level> levels;
  std::vector<Enum> enums;
  std::vector<Case> cases;
  std::vector<Symbol> symbols;
  std::vector<Instrument> instruments;
  std::vector<Norm> norms;        // norms and derogations
  std::vector<RuleSet> rulesets;  // rules and measures
  std::vector<Scenario> scenarios;
  std::vector<Expect> expects;
  std::optional<Horizon> horizon;
  std::vector<Organisation> organisations;
  std::vector<Stock> stocks;

  std::string capacity_name(const CapacityRef& c) const;  // `IND.decisions`
  int find_ruleset(const std::string& id) const;
  int find_scenario(const std::string& name) const;
  std::string type_name(const Type& t) const;
};

}  // namespace normcheck::ir
