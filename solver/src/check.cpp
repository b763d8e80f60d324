// Conflict, gap and reliance analyses over the encoding. Each query is one
// documented function of the encoded formulas:
//   violation(c) = cond(c) & !unless(c) & !excuse(c) & defined(c) & !requirement(c)
//   gap(c)       = cond(c) & !unless(c) & !excuse(c) & !defined(c)      (must / must not)
// A measure M conflicts with N iff some case c satisfies the assumptions and
// violation(c) & fired_M(c): N is violated in a case where one of M's
// definitions decides an outcome N depends on. Current law conflicts with N
// when rules of lower (error) or equal (precedence) rank do so; violations
// that only higher-ranked rules cause are theirs to make (lex superior).
#include "normcheck/check.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checker.h"
#include "normcheck/capacity.h"

namespace normcheck {

const char* status_name(Status s) {
  switch (s) {
    case Status::compliant: return "compliant";
    case Status::conflict: return "conflict";
    case Status::gaps: return "gaps";
    case Status::undecided: return "undecided";
  }
  return "undecided";
}

using detail::Checker;

namespace {
unsigned g_memory_mb = 0;
}  // namespace

void set_solver_memory_limit(unsigned megabytes) { g_memory_mb = megabytes; }
unsigned solver_memory_limit() { return g_memory_mb; }

std::string undecided_reason(const std::string& solver_reason, unsigned timeout_ms) {
  // Z3 4.8 words: "timeout" or "canceled" when the time is up, "max. memory
  // exceeded" or "memout" (or an "out of memory" exception) for memory.
  if (solver_reason == "timeout" || solver_reason == "canceled") return fmt::format("solver timeout after {} ms", timeout_ms);
  if (solver_reason.find("memory") != std::string::npos || solver_reason.find("memout") != std::string::npos)
    return g_memory_mb ? fmt::format("solver memory limit of {} MB reached", g_memory_mb) : "the solver ran out of memory";
  return solver_reason;
}

Verdict check_subject(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms,
                      std::vector<SolverQuery>* queries) {
  try {
    Checker c(prog, subject, at, scenario, timeout_ms);
    c.record_queries(queries);
    return c.run();
  } catch (const z3::exception& e) {
    Verdict v;
    v.subject = subject;
    v.at = at;
    v.scenario = scenario;
    v.status = Status::undecided;
    Finding f;
    f.kind = FindingKind::undecided;
    f.code = "C0004";
    f.reason = undecided_reason(e.msg(), timeout_ms);
    if (f.reason == e.msg()) f.reason = fmt::format("solver error: {}", e.msg());
    v.findings.push_back(std::move(f));
    return v;
  }
}

std::vector<Verdict> check(const ir::Program& prog, const CheckOptions& o, std::vector<std::string>* unknown,
                           std::vector<SolverQuery>* queries) {
  std::vector<Verdict> out;
  if (o.current_law) out.push_back(check_subject(prog, -1, o.at.value_or(o.today), o.scenario, o.timeout_ms, queries));
  std::vector<int> subjects;
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
      subjects.push_back(r);
    }
  }
  for (int r : subjects) {
    const auto& m = prog.rulesets[static_cast<std::size_t>(r)];
    out.push_back(check_subject(prog, r, o.at.value_or(m.effective.value_or(o.today)), o.scenario, o.timeout_ms, queries));
  }
  return out;
}

std::vector<ExpectResult> run_expectations(const ir::Program& prog, ir::Day today, unsigned timeout_ms,
                                           std::vector<SolverQuery>* queries, std::vector<Verdict>* verdicts) {
  std::map<std::tuple<int, ir::Day, int>, Verdict> cache;
  std::vector<std::tuple<int, ir::Day, int>> order;
  std::vector<ExpectResult> out;
  for (std::size_t i = 0; i < prog.expects.size(); ++i) {
    const auto& e = prog.expects[i];
    ExpectResult r;
    r.expect = static_cast<int>(i);
    if (e.feasibility != 0) {
      // a capacity expectation: the whole horizon under the scenario (normcheck/capacity.h)
      const std::string subject = e.subject < 0 ? "current_law" : prog.rulesets[static_cast<std::size_t>(e.subject)].id;
      const bool want = e.feasibility > 0;
      if (prog.horizon) r.at = ir::parse_date(ir::format_month(prog.horizon->first) + "-01").value_or(0);
      r.description = fmt::format("{} {} under {}", subject, want ? "feasible" : "infeasible", prog.scenarios[static_cast<std::size_t>(e.scenario)].name);
      const Feasibility f = feasibility_of(prog, e.subject, e.scenario, timeout_ms, false);
      if (f.status == FeasibilityStatus::undecided) {
        r.undecided = true;
        r.message = "undecided: " + f.reason;
      } else {
        r.passed = (f.status == FeasibilityStatus::feasible) == want;
        if (!r.passed)
          r.message = f.status == FeasibilityStatus::feasible ? "feasible: every norm holds in every month"
                                                              : fmt::format("infeasible: first fails in {} ({})", ir::format_month(*f.first_failing),
                                                                            fmt::join(f.failing, "; "));
      }
      out.push_back(std::move(r));
      continue;
    }
    ir::Day at = today;
    if (e.at) at = *e.at;
    else if (e.subject >= 0 && prog.rulesets[static_cast<std::size_t>(e.subject)].effective)
      at = *prog.rulesets[static_cast<std::size_t>(e.subject)].effective;
    r.at = at;
    const std::string subject = e.subject < 0 ? "current_law" : prog.rulesets[static_cast<std::size_t>(e.subject)].id;
    r.description = e.compliant     ? fmt::format("{} compliant at {}", subject, ir::format_date(at))
                    : e.no_conflict ? fmt::format("{} no_conflict at {}", subject, ir::format_date(at))
                                    : fmt::format("{} conflicts_with {} at {}", subject, prog.norms[static_cast<std::size_t>(e.norm)].id,
                                              ir::format_date(at));
    if (e.scenario >= 0) r.description += " under " + prog.scenarios[static_cast<std::size_t>(e.scenario)].name;
    auto key = std::make_tuple(e.subject, at, e.scenario);
    auto it = cache.find(key);
    if (it == cache.end()) {
      it = cache.emplace(key, check_subject(prog, e.subject, at, e.scenario, timeout_ms, queries)).first;
      order.push_back(key);
    }
    const Verdict& v = it->second;
    // `conflicts_with` asks for a conflict the subject loses: an error. An
    // equal-rank conflict that lex posterior resolves in the subject's
    // favour (a warning) does not count, so that `compliant` and
    // `conflicts_with` never both pass.
    std::vector<std::string> conflicts;
    bool on_norm = false, resolved_on_norm = false;
    for (const auto& f : v.findings) {
      if (f.kind != FindingKind::conflict) continue;
      if (f.severity == Severity::error) {
        conflicts.push_back(prog.norms[static_cast<std::size_t>(f.norm)].id);
        if (f.norm == e.norm) on_norm = true;
      } else if (f.norm == e.norm) {
        resolved_on_norm = true;
      }
    }
    if (e.no_conflict) {
      r.passed = v.status == Status::compliant || v.status == Status::gaps;
      if (!r.passed) {
        r.undecided = v.status == Status::undecided;
        r.message = r.undecided ? "undecided: the solver could not decide every norm" : fmt::format("conflicts with {}", fmt::join(conflicts, ", "));
      }
    } else if (e.compliant) {
      r.passed = v.status == Status::compliant;
      if (!r.passed) {
        if (v.status == Status::undecided) {
          r.undecided = true;
          r.message = "undecided: the solver could not decide every norm";
        } else if (v.status == Status::gaps) {
          std::vector<std::string> g;
          for (const auto& f : v.findings) if (f.kind == FindingKind::gap) g.push_back(prog.norms[static_cast<std::size_t>(f.norm)].id);
          r.message = fmt::format("the law is silent (gaps) for {}", fmt::join(g, ", "));
        } else {
          r.message = fmt::format("conflicts with {}", fmt::join(conflicts, ", "));
        }
      }
    } else {
      r.passed = on_norm;
      if (!r.passed) {
        if (v.status == Status::undecided) {
          r.undecided = true;
          r.message = "undecided: the solver could not decide every norm";
        } else {
          r.message = resolved_on_norm ? "only an equal-rank conflict, which lex posterior resolves in its favour"
                      : conflicts.empty() ? "no conflict found"
                                          : fmt::format("no conflict with it; conflicts with {}", fmt::join(conflicts, ", "));
        }
      }
    }
    out.push_back(std::move(r));
  }
  if (verdicts)
    for (const auto& k : order) verdicts->push_back(cache.at(k));
  return out;
}

}  // namespace normcheck
