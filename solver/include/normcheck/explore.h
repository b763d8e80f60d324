// Options for action: the largest or smallest lawful value of a decision
// (optionally on top of a measure), and every lawful combination of a
// measure's declared options.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "normcheck/check.h"
#include "normcheck/diagnostic.h"
#include "normcheck/explain.h"
#include "normcheck/ir.h"
#include "normcheck/load.h"
#include "normcheck/source.h"

namespace normcheck {

struct ValueQuestion {
  Goal goal = Goal::maximize;
  std::string call;       // `waiting_period(s)`: the decision and define patterns
  std::string where;      // optional condition on the patterns' variables
  std::string measure;    // optional measure to build on
  std::string level = "act";
  std::optional<ir::Day> at;
  ir::Day today = 0;
  int scenario = -1;
  std::string scenario_name;
  unsigned timeout_ms = 10000;
  LoadOptions load;  // limits and import roots; the synthetic measure is added to it
};

struct ValueAnswer {
  Optimum optimum;
  ir::Day at = 0;
  std::vector<std::string> binding;  // norm ids, with their articles, for display
};

// Loads PATHS with a synthetic measure that defines the decision as a free
// value, and optimises it. Input errors (also in --where) go to DIAGS.
std::optional<ValueAnswer> explore_value(SourceManager& sm, const std::vector<std::string>& paths, Diagnostics& diags,
                                         const ValueQuestion& q, std::optional<ir::Program>& program);

struct Combination {
  std::vector<int> choices;  // per option, the choice taken
  Status status = Status::compliant;
  std::vector<int> conflicts;  // norms it conflicts with
  std::vector<std::int64_t> scores;  // per objective, in millionths (with --pareto)
};

// One objective of a Pareto question: a score name declared with `score` in
// the measure or its choices, to be maximised or minimised.
struct Objective {
  std::string score;
  bool maximize = true;
};

struct OptionsAnswer {
  int subject = -1;
  ir::Day at = 0;
  std::size_t total = 0;     // combinations there are
  std::size_t checked = 0;
  std::size_t lawful = 0;
  std::vector<Combination> lawful_list;
  std::vector<Combination> unlawful_list;
  bool stopped = false;      // --limit reached
  std::vector<Objective> objectives;  // empty: no Pareto question
  std::vector<std::size_t> front;     // indices into lawful_list, best first
};

OptionsAnswer explore_options(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms,
                              std::size_t limit, const std::function<void(std::size_t, std::size_t)>& progress);

// Parses `max:strictness,min:load` (one or more objectives, each named once).
// On failure returns nullopt and says why in ERROR.
std::optional<std::vector<Objective>> parse_objectives(const std::string& spec, std::string& error);

// Empty when every objective names a score the measure declares; otherwise
// what is wrong, with a suggestion.
std::string check_objectives(const ir::Program& prog, int subject, const std::vector<Objective>& objectives);

// A combination's score for each objective: the measure's own scores plus
// those of the choices taken (0 where none is given), in millionths.
std::vector<std::int64_t> combination_scores(const ir::Program& prog, int subject, const std::vector<int>& choices,
                                             const std::vector<Objective>& objectives);

// Scores every combination of A and sets A.front to the lawful combinations
// that no other lawful combination dominates (at least as good in every
// objective, better in one), ordered by the objectives in turn, best first.
void pareto_front(const ir::Program& prog, OptionsAnswer& a, const std::vector<Objective>& objectives);

}  // namespace normcheck
