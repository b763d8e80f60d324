// The law over time: every date on which something date-dependent in the IR
// changes (an instrument starts or stops applying, a norm's, derogation's or
// rule's `valid` period begins or ends, a measure takes effect or ends), and
// the verdict of current law and of each measure on each interval between
// those dates. Between two consecutive dates nothing the checker reads
// depends on the date, so a check at an interval's first day is the verdict
// for every day of it (docs/architecture.md, "Timeline"). No z3 type here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "normcheck/check.h"
#include "normcheck/ir.h"

namespace normcheck {

// Something that changes on a date.
struct TimelineEvent {
  ir::Day date = 0;
  // instrument_applies, instrument_repealed, norm_from, norm_until,
  // derogation_from, derogation_until, rule_from, rule_until,
  // measure_effective, measure_from, measure_until
  std::string kind;
  std::string id;     // the instrument, norm, derogation, rule or measure
  std::string title;
};

// [from, until): UNTIL is exclusive, absent for the last, open interval.
struct TimelineInterval {
  ir::Day from = 0;
  std::optional<ir::Day> until;
};

// What a subject is on one interval: checked (with the verdict of a check on
// the interval's first day), or a measure that does not apply there.
enum class IntervalState { checked, not_yet, ended };
const char* interval_state_name(IntervalState s);

struct TimelineCell {
  IntervalState state = IntervalState::checked;
  // Only when checked: the verdict of a check on the first day of this
  // interval, or of an earlier one with the same law in force (the same rules
  // apply and the same norms and derogations are in force), whose date is
  // then `verdict.at`.
  Verdict verdict;
};

struct TimelineRow {
  int subject = -1;  // measure (rule set index), or -1 for current law
  std::vector<TimelineCell> cells;  // one per Timeline::intervals
};

struct TimelineOptions {
  std::optional<ir::Day> from;  // default: the first event's date (today when there is none)
  std::optional<ir::Day> to;    // inclusive; default: open-ended
  std::vector<std::string> measures;  // empty: every measure
  bool current_law = true;
  unsigned timeout_ms = 10000;
  int scenario = -1;
  ir::Day today = 0;
};

struct Timeline {
  std::vector<TimelineEvent> events;        // the events in the range, by date, kind, id
  std::vector<TimelineInterval> intervals;  // the range, cut at every event date inside it
  std::vector<TimelineRow> rows;            // current law first, then the measures (declaration order, or as selected)
  std::size_t checks = 0;                   // subject checks run (cells with the same law share one)
};

// Every date-dependent event of the program, sorted by date, kind and id.
std::vector<TimelineEvent> timeline_events(const ir::Program& prog);

// Unknown measure names are returned in UNKNOWN (a usage error for the CLI).
Timeline timeline(const ir::Program& prog, const TimelineOptions& options, std::vector<std::string>* unknown = nullptr);

}  // namespace normcheck
