// The Z3 encoding layer: lowers typed IR expressions to z3::expr for one
// configuration of active rules (each definition and invocation guarded by
// an assumption literal, so that unsat cores name clauses). The only place,
// with the analyses in this directory, that includes z3++.h.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "index.h"
#include "normcheck/ir.h"

namespace normcheck::enc {

// A value: one expr for a scalar, one per field for a case.
struct Val {
  std::vector<z3::expr> parts;
};

struct Lowered {
  z3::expr value;
  z3::expr defined;  // every decision the value depends on is defined by some rule
};

struct ActiveDef {
  int ruleset = -1;
  int define = -1;
  const ir::Definition* def = nullptr;
  z3::expr literal;
};

struct ActiveInvoke {
  int ruleset = -1;
  int invoke = -1;
  int derogation = -1;
  z3::expr literal;
};

struct CallRecord {
  int symbol = -1;
  std::vector<Val> args;
  std::vector<int> binder_of_arg;  // for a case argument, the binder it is; else -1
  z3::expr value;
  z3::expr defined;
};

class Encoder {
 public:
  Encoder(z3::context& ctx, const ir::Program& prog);
  // Another program's encoder in the same context (diff): its enum sorts are
  // reused for enums of the same name and values, so that case variables and
  // facts of the two programs are the same constants.
  Encoder(z3::context& ctx, const ir::Program& prog, const Encoder& share_enums);

  // Selects the rule sets whose definitions and invocations are in effect, in
  // precedence order (highest first). SUBJECT (a measure) outranks the rules.
  // With INDEX (lazy): a symbol's definitions, and their literals, are made
  // when lowering first meets the symbol, so that a subject costs what it
  // touches; defs() then holds only those (complete() makes the rest).
  void configure(const std::vector<int>& rulesets, int subject, const detail::ProgramIndex* index = nullptr);
  // Lazy configuration: make every remaining active definition now.
  void complete();
  // Relaxed: a switched-off clause of the subject leaves its decision free
  // where it would apply, instead of handing over to current law. This makes
  // "a set of clauses and norms holds together" monotone, as minimal
  // conflicts need.
  void set_relaxed(bool relaxed) { relaxed_ = relaxed; }
  // A hypothetical invocation of derogation D by the subject (for repairs).
  z3::expr add_hypothetical_invoke(int subject, int derogation);
  // Lower E as VALUE wherever it occurs (a clause's value replaced, for the
  // nearest lawful value).
  void override_value(const ir::Expr* e, z3::expr value) { overrides_.insert_or_assign(e, value); }

  z3::sort sort(const ir::Type& t);
  Val fresh(const std::string& name, const ir::Type& t);      // constants for a binder
  z3::expr case_assumptions(const Val& v, int case_index);     // the case's `assume`s
  z3::expr scenario_assumptions(int scenario);
  Lowered lower(const ir::Expr& e, const std::vector<Val>& env);

  // Per norm: forget the calls, facts and firing conditions recorded so far.
  void begin_norm();
  std::vector<CallRecord>& calls() { return calls_; }
  // For each rule set: when one of its definitions is the one that decides a
  // decision the lowered expressions used (at any depth).
  const std::map<int, z3::expr>& fired() const { return fired_; }
  // The same, per definition: (rule set, define index) -> when it decides.
  const std::map<std::pair<int, int>, z3::expr>& fired_defs() const { return fired_defs_; }
  // Facts used since begin_norm, in first-use order, and what their units imply.
  const std::vector<std::pair<std::string, z3::expr>>& facts_used() const { return facts_used_; }
  z3::expr fact_constraints() const { return fact_constraints_; }
  const std::vector<int>& fact_symbols() const { return fact_symbols_; }  // the symbol of each of facts_used()
  // The active definitions made so far (all of them unless configured lazily).
  const std::deque<ActiveDef>& defs() const { return defs_; }
  // The active definitions of SYMBOL, highest precedence first (indices into defs()).
  std::vector<std::size_t> alternatives(int symbol) { return alternatives_of(symbol); }
  // The clause literals the formulas lowered since begin_norm contain, in
  // first-use order: definitions met (at any depth) and invocations noted.
  // A query needs no other assumption: a literal it does not contain cannot
  // matter to it.
  const std::vector<z3::expr>& used_literals() const { return used_literals_; }
  void note_literal(const z3::expr& literal) {
    if (used_ids_.insert(literal.id()).second) used_literals_.push_back(literal);
  }
  // Whether enum E is encoded by the same sort as the shared encoder's enum of that name.
  bool enum_shared(int e) const { return enum_shared_.at(static_cast<std::size_t>(e)); }
  const std::vector<ActiveInvoke>& invokes() const { return invokes_; }
  z3::expr enum_value(int e, int v);
  std::string show(const z3::expr& value, const ir::Type& t);  // a model value in domain terms
  std::string exact(const z3::expr& value, const ir::Type& t);  // a model value, exact, in the base unit (WitnessValue::exact)
  std::string show_call(const CallRecord& c, const z3::model& m, const std::vector<std::string>& binder_names);

 private:
  Lowered call(const ir::Expr& e, const std::vector<Val>& env);
  const std::vector<std::size_t>& alternatives_of(int symbol);
  std::tuple<int, int, std::int64_t, int, int> precedence(const ActiveDef& d) const;
  void add_enum(std::size_t index, const char* prefix);
  z3::expr coerce(const z3::expr& x, const ir::Type& from, const ir::Type& to);
  z3::func_decl free_decl(int symbol);

  z3::context& ctx_;
  const ir::Program& prog_;
  std::vector<z3::sort> enum_sorts_;
  std::vector<z3::func_decl_vector> enum_consts_;
  std::vector<bool> enum_shared_;
  std::map<int, std::vector<std::size_t>> by_symbol_;  // symbol -> indices into defs_, highest precedence first
  std::deque<ActiveDef> defs_;                          // a deque: made lazily while references are held
  const detail::ProgramIndex* index_ = nullptr;         // lazy configuration
  std::vector<char> active_;                            // lazy: per rule set, whether it is configured
  std::vector<z3::expr> used_literals_;
  std::set<unsigned> used_ids_;
  std::vector<ActiveInvoke> invokes_;
  std::map<int, z3::func_decl> free_;
  std::map<std::string, z3::expr> facts_;
  std::vector<CallRecord> calls_;
  std::map<int, z3::expr> fired_;
  std::map<std::pair<int, int>, z3::expr> fired_defs_;
  std::vector<std::pair<std::string, z3::expr>> facts_used_;
  std::vector<int> fact_symbols_;
  z3::expr fact_constraints_;
  int depth_ = 0;  // definition expansion depth; calls are recorded at depth 0
  bool relaxed_ = false;
  int subject_ = -1;
  std::map<const ir::Expr*, z3::expr> overrides_;
};

}  // namespace normcheck::enc
