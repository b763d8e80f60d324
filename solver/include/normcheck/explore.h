// Options for action: the largest or smallest lawful value of a decision
// (optionally on top of a measure), and every lawful combination of a
// measure's declared options.
#pragma once

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
};

OptionsAnswer explore_options(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms,
                              std::size_t limit, const std::function<void(std::size_t, std::size_t)>& progress);

}  // namespace normcheck
