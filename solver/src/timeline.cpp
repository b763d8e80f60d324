// The timeline: event dates from the IR, intervals between them, and a check
// per subject and interval. Everything the checker reads that depends on the
// check date is a period test (`Period::contains`) on an instrument, norm,
// derogation or rule, plus a measure's effective date; each bound of those
// periods is an event here, so the set of active rules, norms in force and
// derogations in force is the same on every day of an interval. The language
// has no expression for the check date itself (docs/language.md).
#include "normcheck/timeline.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace normcheck {

const char* interval_state_name(IntervalState s) {
  switch (s) {
    case IntervalState::checked: return "checked";
    case IntervalState::not_yet: return "not_yet_in_effect";
    case IntervalState::ended: return "no_longer_in_effect";
  }
  return "checked";
}

std::vector<TimelineEvent> timeline_events(const ir::Program& prog) {
  std::vector<TimelineEvent> ev;
  auto add = [&](const std::optional<ir::Day>& d, const char* kind, const std::string& id, const std::string& title) {
    if (d) ev.push_back({*d, kind, id, title});
  };
  for (const auto& in : prog.instruments) {
    add(in.period.from, "instrument_applies", in.id, in.title);
    add(in.period.until, "instrument_repealed", in.id, in.title);
  }
  auto own = [](const ir::Period& p, const ir::Period* inherited, bool from) {
    const auto& v = from ? p.from : p.until;
    const auto& w = inherited ? (from ? inherited->from : inherited->until) : std::optional<ir::Day>{};
    return v != w ? v : std::optional<ir::Day>{};
  };
  // Norm and rule periods that merely repeat their instrument's add nothing
  // to the list (the date is an instrument event already).
  for (const auto& n : prog.norms) {
    const ir::Period* inst = n.instrument >= 0 ? &prog.instruments[static_cast<std::size_t>(n.instrument)].period : nullptr;
    add(own(n.period, inst, true), n.derogation ? "derogation_from" : "norm_from", n.id, n.title);
    add(own(n.period, inst, false), n.derogation ? "derogation_until" : "norm_until", n.id, n.title);
  }
  for (const auto& r : prog.rulesets) {
    if (r.measure) {
      add(r.effective, "measure_effective", r.id, r.title);
      if (r.period.from != r.effective) add(r.period.from, "measure_from", r.id, r.title);
      add(r.period.until, "measure_until", r.id, r.title);
    } else {
      const ir::Period* inst = r.instrument >= 0 ? &prog.instruments[static_cast<std::size_t>(r.instrument)].period : nullptr;
      add(own(r.period, inst, true), "rule_from", r.id, r.title);
      add(own(r.period, inst, false), "rule_until", r.id, r.title);
    }
  }
  std::sort(ev.begin(), ev.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
    return std::tie(a.date, a.kind, a.id) < std::tie(b.date, b.kind, b.id);
  });
  return ev;
}

Timeline timeline(const ir::Program& prog, const TimelineOptions& o, std::vector<std::string>* unknown) {
  Timeline t;
  t.events = timeline_events(prog);
  // Only the selected measures' own dates cut the range.
  if (!o.measures.empty())
    std::erase_if(t.events, [&](const TimelineEvent& e) {
      return e.kind.rfind("measure_", 0) == 0 && std::find(o.measures.begin(), o.measures.end(), e.id) == o.measures.end();
    });
  std::set<ir::Day> dates;
  for (const auto& e : t.events) dates.insert(e.date);
  const ir::Day from = o.from ? *o.from : dates.empty() ? o.today : *dates.begin();
  if (o.to && *o.to < from) {
    t.events.clear();
    return t;
  }
  std::erase_if(t.events, [&](const TimelineEvent& e) { return e.date < from || (o.to && e.date > *o.to); });
  std::vector<ir::Day> starts{from};
  for (ir::Day d : dates)
    if (d > from && (!o.to || d <= *o.to)) starts.push_back(d);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    TimelineInterval iv{starts[i], std::nullopt};
    if (i + 1 < starts.size()) iv.until = starts[i + 1];
    else if (o.to) iv.until = *o.to + 1;
    t.intervals.push_back(iv);
  }

  std::vector<int> subjects;
  if (o.current_law) subjects.push_back(-1);
  if (o.measures.empty()) {
    for (std::size_t r = 0; r < prog.rulesets.size(); ++r)
      if (prog.rulesets[r].measure) subjects.push_back(static_cast<int>(r));
  } else {
    for (const auto& name : o.measures) {
      const int r = prog.find_ruleset(name);
      if (r < 0 || !prog.rulesets[static_cast<std::size_t>(r)].measure) {
        if (unknown) unknown->push_back(name);
        continue;
      }
      if (std::find(subjects.begin(), subjects.end(), r) == subjects.end()) subjects.push_back(r);
    }
  }
  // What a check reads that depends on the date: which rules apply and which
  // norms and derogations are in force. Intervals with the same law share one
  // check (a measure's effective date, for one, changes nothing for the others).
  auto law_at = [&](ir::Day d) {
    std::vector<bool> sig;
    for (const auto& r : prog.rulesets) sig.push_back(!r.measure && r.period.contains(d));
    for (const auto& n : prog.norms) sig.push_back(n.period.contains(d));
    return sig;
  };
  std::vector<std::vector<bool>> law;
  for (const auto& iv : t.intervals) law.push_back(law_at(iv.from));
  for (int s : subjects) {
    std::map<std::vector<bool>, std::size_t> done;  // law -> the interval checked
    TimelineRow row;
    row.subject = s;
    for (const auto& iv : t.intervals) {
      TimelineCell cell;
      if (s >= 0) {
        const auto& m = prog.rulesets[static_cast<std::size_t>(s)];
        // A measure applies from its effective date (and within `valid`):
        // before, it is not checked "as if it applied" but shown as not yet.
        const bool before = (m.effective && iv.from < *m.effective) || (m.period.from && iv.from < *m.period.from);
        if (before) cell.state = IntervalState::not_yet;
        else if (m.period.until && iv.from >= *m.period.until) cell.state = IntervalState::ended;
      }
      if (cell.state == IntervalState::checked) {
        const std::size_t i = row.cells.size();
        auto it = done.find(law[i]);
        if (it != done.end()) {
          cell.verdict = row.cells[it->second].verdict;  // checked at that interval's first day
        } else {
          cell.verdict = check_subject(prog, s, iv.from, o.scenario, o.timeout_ms);
          done.emplace(law[i], i);
          ++t.checks;
        }
      }
      row.cells.push_back(std::move(cell));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace normcheck
