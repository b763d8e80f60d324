// Change impact: which decisions two versions of a rule set take differently,
// for which cases (regions of the case space found by the solver, each with a
// witness), how (stricter, more lenient), and which verdicts change. No z3
// type appears in this header.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "normcheck/check.h"
#include "normcheck/ir.h"

namespace normcheck {

// One side of a diff: a program, and optionally one of its measures applied
// to current law (`diff --measure`: current law against the law with it).
struct DiffVersion {
  const ir::Program* prog = nullptr;
  int measure = -1;
  ir::Day at = 0;  // the date at which rules are in force (and verdicts are checked)
};

struct DiffOptions {
  std::string scenario;          // assumed in both versions (by name); empty: every world
  unsigned timeout_ms = 10000;   // per solver query
  std::size_t max_regions = 20;  // per decision; more are counted as `capped`
  bool verdicts = true;          // also compare the verdicts of `check`
  ir::Day today = 0;             // two programs without --at: measures at their effective dates, current law today
  bool fixed_at = false;         // the dates were given (--at): every verdict at that date
};

enum class Change { unchanged, stricter, more_lenient, mixed, changed, added, removed, incomparable, undecided };
const char* change_name(Change c);  // `unchanged`, `stricter`, `more_lenient`, ...

// A definition that characterises a region: its `when` holds (it decides) or
// does not (a definition of higher precedence that would match does not apply).
struct DiffCondition {
  bool in_new = false;
  int ruleset = -1;  // in that version's program
  int define = -1;
  Span span;         // the `when`, or the whole define when it has none
  bool holds = true;
};

// The outcome in one version, for the region's witness.
struct DiffOutcome {
  std::string value;  // domain terms, or `undefined` (no rule decides)
  int ruleset = -1;   // the definition that decides, or -1
  int define = -1;
  Span span;
};

struct DiffRegion {
  std::vector<DiffCondition> conditions;  // old version's first, each in precedence order
  DiffOutcome old_outcome, new_outcome;
  Witness witness;       // cases (the decision's arguments) and world (facts)
  Change change = Change::changed;  // of the witness: stricter, more_lenient or changed
  bool everywhere = false;          // every case of the region changes, not only some
};

struct DecisionDiff {
  std::string name;
  std::string signature;  // `waiting_period(s: Sponsor): int months`
  bool param = false;
  Change change = Change::unchanged;
  std::vector<DiffRegion> regions;
  bool capped = false;  // more regions than max_regions
  // The order that says what is stricter: `higher is stricter`, `lower is
  // stricter`, `true is stricter`, `false is stricter`; empty when none is
  // known (then a change is `changed`). BASIS: the norms it is read from
  // (with no ordering: the norms that pull both ways).
  std::string ordering;
  std::vector<std::string> basis;
  bool decided_changes = false;  // some case is decided in one version and not in the other
  std::string reason;            // incomparable or undecided: why
};

// A norm whose verdict differs: `compliant`, `conflict`, `equal_rank_conflict`,
// `gap`, `undecided`, `not_checked` (not in force, or absent in that version).
struct NormChange {
  std::string subject;  // `current law` or a measure id
  std::string norm;
  std::string title;
  std::string old_status, new_status;
};

// A subject whose overall verdict differs (`compliant`, `conflict`, `gaps`,
// `undecided`, or `absent`).
struct SubjectChange {
  std::string subject;
  std::string old_status, new_status;
};

struct DiffResult {
  std::vector<DecisionDiff> decisions;  // every decision and param of either version, by name
  std::vector<NormChange> norm_changes;
  std::vector<SubjectChange> subject_changes;
  std::vector<std::string> notes;
  bool undecided = false;  // some decision or verdict could not be decided
  bool differences() const;
};

// Compares OLD and NEW. In measure mode both versions hold the same program;
// NEW has the measure. Unknown scenario names are reported in UNKNOWN_SCENARIO.
DiffResult diff(const DiffVersion& old_version, const DiffVersion& new_version, const DiffOptions& options);

}  // namespace normcheck
