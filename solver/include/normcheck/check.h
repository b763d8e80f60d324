// The analyses users rely on, as data: a verdict per measure (and for current
// law) at a date, with conflicts, gaps and undecided norms, each with the
// clauses involved and a witness case. No z3 type appears in this header.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "normcheck/diagnostic.h"
#include "normcheck/ir.h"

namespace normcheck {

struct CheckOptions {
  std::optional<ir::Day> at;          // check date; default: a measure's effective date, else `today`
  ir::Day today = 0;
  std::vector<std::string> measures;  // empty: every measure
  bool current_law = true;            // also check current law on its own
  unsigned timeout_ms = 10000;        // per solver query
  int scenario = -1;
};

struct WitnessValue {
  std::string name;
  std::string value;     // in domain terms: `subsidiary`, `17 years`, `2026-07-01`, or `any`
  bool relevant = true;  // false: the conflict holds whatever this value is
  // The solver's value, exact and in the base unit (`204`, `-7/2`, `true`,
  // `subsidiary`, a day number): for case fields and facts also where `value`
  // is `any` (what witness replay, normcheck/replay.h, evaluates); for an
  // outcome, empty where it is undefined. Not rendered.
  std::string exact;
};

// An outcome's call, for replay: the decision, and per argument the norm's
// binder it is (case arguments) or -1 with the argument's exact value.
struct OutcomeCall {
  int symbol = -1;
  std::vector<int> arg_binders;
  std::vector<std::string> arg_exact;
};

struct WitnessCase {
  std::string var;   // the norm's binder, e.g. `a`
  std::string type;  // its case type, e.g. `Applicant`
  std::vector<WitnessValue> fields;
};

struct Witness {
  std::vector<WitnessCase> cases;
  std::vector<WitnessValue> world;     // facts
  std::vector<WitnessValue> outcomes;  // decisions the norm depends on, as decided
  std::vector<OutcomeCall> calls;      // one per outcome (empty where the witness was built otherwise)
};

struct ClauseRef {
  int ruleset = -1;
  int define = -1;  // index into RuleSet::defines, or -1
  int invoke = -1;  // index into RuleSet::invokes, or -1
  Span span;
};

enum class FindingKind { conflict, gap, undecided };
enum class Status { compliant, conflict, gaps, undecided };
const char* status_name(Status s);

struct Finding {
  FindingKind kind = FindingKind::conflict;
  Severity severity = Severity::error;
  std::string code;  // C0001 conflict, C0002 conflict at equal rank, C0003 gap, C0004 undecided
  int norm = -1;
  std::vector<ClauseRef> clauses;  // subject clauses first, then rules of current law involved
  Witness witness;
  std::string precedence;  // equal rank: the rule of precedence applied
  std::string reason;      // undecided: the solver's reason; gap: what is undefined
};

struct Reliance {
  int norm = -1;
  std::vector<int> derogations;
};

struct Verdict {
  int subject = -1;  // measure (rule set index), or -1 for current law
  ir::Day at = 0;
  int scenario = -1;
  Status status = Status::compliant;
  std::vector<Finding> findings;
  std::vector<Reliance> relies_on;  // derogations without which a norm would be violated
  std::vector<int> preexisting;     // norms current law already violates (measure checks)
  std::vector<std::string> notes;
  std::size_t norms_checked = 0;
  std::vector<int> checked;         // the norms checked (not rendered; diff compares them)
};

// One solver query a check ran, as a self-contained SMT-LIB2 script (for
// `export --smt2` and `--cross-check`): the assertions and the assumption
// literals the check passed, all asserted, then `(check-sat)`.
struct SolverQuery {
  int subject = -1;  // as in Verdict
  ir::Day at = 0;
  int norm = -1;
  std::string kind;    // conflict, preexisting, gap, cases, reliance, witness, core
  std::string smt2;    // `(set-logic ALL)` ... `(check-sat)`
  std::string answer;  // what Z3 answered: sat, unsat or unknown
};

// Checks one subject (a measure, or -1 for current law) at a date. With
// QUERIES, every solver query it runs is appended there, in order.
Verdict check_subject(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms,
                      std::vector<SolverQuery>* queries = nullptr);

// Checks current law and each selected measure. Unknown measure names are
// returned in `unknown` (a usage error for the CLI).
std::vector<Verdict> check(const ir::Program& prog, const CheckOptions& options, std::vector<std::string>* unknown = nullptr,
                           std::vector<SolverQuery>* queries = nullptr);

struct ExpectResult {
  int expect = -1;
  bool passed = false;
  bool undecided = false;
  ir::Day at = 0;
  std::string description;  // `TwoStatus compliant at 2026-07-01`
  std::string message;      // why it failed
};

// With VERDICTS, every verdict the expectations were judged on is appended
// there once, in the order first needed (for witness replay).
std::vector<ExpectResult> run_expectations(const ir::Program& prog, ir::Day today, unsigned timeout_ms,
                                           std::vector<SolverQuery>* queries = nullptr, std::vector<Verdict>* verdicts = nullptr);

// The memory every solver query may use, in MB (0: no limit). Process-wide,
// like Z3's own global parameters: set it once before any analysis. A query
// that reaches it gives up and answers unknown (an undecided finding naming
// the limit); the next query starts afresh.
void set_solver_memory_limit(unsigned megabytes);
unsigned solver_memory_limit();

// The naive path, for measuring (`--fresh-solver`): nothing shared between
// subjects (each scans the program and has its own context) and a new solver
// for every query, instead of a run's shared program index, batches of
// subjects sharing a context, and reused solvers with one push/pop scope per
// query.
// Process-wide; set it once before any analysis.
void set_fresh_solvers(bool fresh);
bool fresh_solvers();

// The reason shown for an undecided query, from the solver's own words:
// "solver timeout after N ms", "solver memory limit of N MB reached", or the
// solver's text when it is something else (e.g. incomplete arithmetic).
std::string undecided_reason(const std::string& solver_reason, unsigned timeout_ms);

}  // namespace normcheck
