// Capacity over time: can current law, or a measure, be carried out under a
// scenario's monthly inflow? And in which order can measures be introduced
// within each organisation's change capacity? No z3 type appears here.
//
// The model (docs/language.md, "Capacity"): per stock and month t of the
// horizon, with stock s(0) = initial,
//     available(t) = s(t-1) + inflow(t)
//     outflow(t)   = min(available(t), capacity(t))     (a work-conserving queue)
//     s(t)         = available(t) - outflow(t)
// and the norms, per month:
//     wait_within W:   s(t) <= W * capacity(t)   (Little's law: the backlog is
//                   cleared within W months at this month's capacity)
//     level_within C:  s(t) <= C(t)
// capacity(t) = max(0, base or scenario series + the measure's adjustments + extra).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "normcheck/ir.h"

namespace normcheck {

// One month's values of one stock, as the solver's model gives them.
struct StockMonth {
  std::int64_t inflow = 0, outflow = 0, level = 0, capacity = 0;
  std::optional<std::int64_t> wait_limit;   // W * capacity(t), where a wait_within applies
  std::optional<std::int64_t> level_limit;  // the level_within capacity this month
};

struct StockTrajectory {
  int stock = -1;
  std::vector<StockMonth> months;  // one per month of the horizon
};

// A constraint of the unrolled model that takes part in an infeasibility.
struct Binding {
  std::string kind;   // initial, inflow, capacity, wait_within, level_within
  std::string label;  // `initial backlog ind_queue = 51000`
  Span span;
};

// The least extra capacity of one organisation's capacity that restores
// feasibility on its own: `amount` more a month, needed from `from`.
struct ExtraCapacity {
  ir::CapacityRef capacity;
  bool restores = false;  // false: no amount of this capacity alone restores feasibility
  std::int64_t amount = 0;
  ir::Month from = 0;
  bool undecided = false;
};

enum class FeasibilityStatus { feasible, infeasible, undecided };
const char* feasibility_status_name(FeasibilityStatus s);

struct Feasibility {
  int subject = -1;   // measure (rule set index), or -1 for current law
  int scenario = -1;
  FeasibilityStatus status = FeasibilityStatus::feasible;
  std::optional<ir::Month> first_failing;  // infeasible: the first month a norm fails
  std::vector<std::string> failing;        // the norms that fail in that month, as text
  std::vector<Binding> binding;            // a minimal unsatisfiable core at that month
  std::vector<ExtraCapacity> extra;        // per capacity the failing stocks depend on
  std::vector<StockTrajectory> stocks;     // the model's trajectory, for plots
  std::string reason;                      // undecided: why
};

struct FeasibilityOptions {
  std::vector<std::string> measures;   // empty: every measure with capacity clauses
  std::vector<std::string> scenarios;  // empty: every scenario with series
  bool current_law = true;
  bool extra = true;                   // compute the least extra capacity
  unsigned timeout_ms = 10000;         // per solver query
};

// Decides feasibility per subject and scenario. Unknown names go to
// `unknown` (`measure X`, `scenario Y`): a usage error for the CLI.
std::vector<Feasibility> feasibility(const ir::Program& prog, const FeasibilityOptions& options,
                                     std::vector<std::string>* unknown = nullptr);

// One subject under one scenario.
Feasibility feasibility_of(const ir::Program& prog, int subject, int scenario, unsigned timeout_ms, bool extra = true);

// ---- plan: an order of introduction within the change capacity ----

struct PlanEntry {
  int measure = -1;
  ir::Month quarter = 0;  // the quarter's first month
};

enum class PlanStatus { planned, impossible, undecided };

struct Plan {
  PlanStatus status = PlanStatus::planned;
  std::vector<PlanEntry> entries;       // by quarter, then measure order
  std::vector<ir::Month> quarters;      // the quarters of the horizon (first months)
  std::vector<Binding> why;             // impossible: a minimal core (absorption, due dates)
  std::vector<std::pair<int, std::vector<std::int64_t>>> load;  // per organisation: FTE-months per quarter
  std::string reason;                   // undecided: why
};

// Assigns each measure with a workload to a quarter: per organisation and
// quarter the workloads sum to at most `absorbs`; a measure with `due_by M`
// goes in a quarter that ends no later than M. With MINIMISE, the last
// quarter used is as early as possible.
Plan plan(const ir::Program& prog, unsigned timeout_ms, bool minimise);

}  // namespace normcheck
