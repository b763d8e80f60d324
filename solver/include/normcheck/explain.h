// Why a measure conflicts and what can be done: every minimal conflict
// (minimal unsatisfiable subset of norms and measure clauses, MUS), every
// minimal repair (minimal correction set: clauses to drop, derogations to
// invoke, MCS), and for numeric clauses the nearest lawful value.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "normcheck/check.h"
#include "normcheck/ir.h"

namespace normcheck {

struct Element {
  enum Kind { norm, define, invoke, derogation } kind = norm;
  int index = -1;  // norm or derogation: norm index; define/invoke: index in the measure
};

struct MinimalConflict {
  std::vector<int> elements;  // indices into Explanation::elements, sorted
  Witness witness;            // a case in which these cannot hold together
};

struct Repair {
  std::vector<int> elements;  // clauses to drop (define/invoke) and derogations to invoke
  bool verified = false;      // re-checked for every case, not only the witnesses
};

struct NearestValue {
  int define = -1;            // the measure's define clause
  std::string original;       // `36 months`
  std::optional<std::string> lawful;  // nearest lawful value, if one exists
  std::string direction;      // "at most" or "at least"
  std::vector<int> binding;   // norms that bind at the optimum
  bool verified = false;
};

struct Explanation {
  int subject = -1;
  ir::Day at = 0;
  Verdict verdict;
  std::vector<Element> elements;
  std::vector<MinimalConflict> conflicts;
  std::vector<Repair> repairs;
  std::vector<NearestValue> values;
  bool complete = true;      // false: a bound or timeout stopped the enumeration; more may exist
  std::vector<std::string> notes;
};

enum class Goal { nearest, maximize, minimize };

struct Optimum {
  std::string original;               // the clause's value as written
  std::optional<std::string> value;   // the optimum, in domain terms
  std::string direction;              // "at most" / "at least"
  std::vector<int> binding;           // norms violated one step beyond the optimum
  bool unbounded = false;             // no bound up to a billion units
  bool infeasible = false;            // no lawful value at all
  bool undecided = false;             // the solver could not decide
};

// The lawful value of a measure's numeric define clause that is nearest to the
// written one, or the largest or smallest: no norm in force may be violated in
// a case the clause decides.
Optimum optimize_define(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms, int define, Goal goal);

// Bounded by MAX_CORES minimal conflicts and by TIMEOUT_MS per solver query.
Explanation explain(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms, std::size_t max_cores);

// The MARCO enumeration on its own, for testing against brute force: the
// elements 0..n-1 and an oracle that says whether a subset is satisfiable.
struct Enumeration {
  std::vector<std::vector<int>> muses;
  std::vector<std::vector<int>> mcses;
  bool complete = true;
};
Enumeration enumerate_marco(std::size_t n, const std::function<std::optional<bool>(const std::vector<int>&)>& satisfiable,
                            std::size_t max_muses = 1000, std::size_t max_steps = 100000);

}  // namespace normcheck
