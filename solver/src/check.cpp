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
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checker.h"
#include "normcheck/capacity.h"
#include "normcheck/parallel.h"

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

namespace {
bool g_fresh_solvers = false;
}  // namespace

void set_fresh_solvers(bool fresh) { g_fresh_solvers = fresh; }
bool fresh_solvers() { return g_fresh_solvers; }

std::string undecided_reason(const std::string& solver_reason, unsigned timeout_ms) {
  // Z3 4.8 words: "timeout" or "canceled" when the time is up, "max. memory
  // exceeded" or "memout" (or an "out of memory" exception) for memory.
  if (solver_reason == "timeout" || solver_reason == "canceled") return fmt::format("solver timeout after {} ms", timeout_ms);
  if (solver_reason.find("memory") != std::string::npos || solver_reason.find("memout") != std::string::npos)
    return g_memory_mb ? fmt::format("solver memory limit of {} MB reached", g_memory_mb) : "the solver ran out of memory";
  return solver_reason;
}

namespace {

// Current law with more norms in force than this is checked in parts of this
// many consecutive norms, each part with its own context, so that -j can
// share one large subject among workers. The parts do not depend on -j, so
// neither does the output; smaller subjects are one part, as before.
constexpr std::size_t kPartNorms = 256;

// Units are run in at most this many batches (see check_subjects).
constexpr std::size_t kBatches = 64;

struct Unit {
  std::size_t subject;   // index into the subjects run
  std::vector<int> only;  // the norms of this part; empty: all of them
};

struct Part {
  Verdict verdict;
  bool failed = false;  // the solver failed: the verdict is that failure alone
};

Part check_part(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms, const std::vector<int>& only,
                std::vector<SolverQuery>* queries, const detail::ProgramIndex* index, detail::Workspace* workspace) {
  try {
    Checker c(prog, subject, at, scenario, timeout_ms, {}, false, false, index, workspace);
    c.record_queries(queries);
    return {c.run(only.empty() ? nullptr : &only), false};
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
    return {std::move(v), true};
  }
}

// Every SUBJECT (subject, date, scenario) checked, split into parts, all parts
// on the worker pool; verdicts and recorded queries in subject order.
std::vector<Verdict> check_subjects(const ir::Program& prog, const std::vector<std::tuple<int, ir::Day, int>>& subjects, unsigned timeout_ms,
                                    std::vector<SolverQuery>* queries) {
  std::vector<Unit> units;
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const auto& [subject, at, scenario] = subjects[i];
    std::vector<int> norms;
    if (subject < 0)
      for (std::size_t n = 0; n < prog.norms.size(); ++n) {
        const auto& norm = prog.norms[n];
        if (!norm.derogation && norm.modality && norm.period.contains(at)) norms.push_back(static_cast<int>(n));
      }
    if (norms.size() <= kPartNorms) {
      units.push_back({i, {}});
      continue;
    }
    for (std::size_t k = 0; k < norms.size(); k += kPartNorms)
      units.push_back({i, std::vector<int>(norms.begin() + static_cast<std::ptrdiff_t>(k),
                                           norms.begin() + static_cast<std::ptrdiff_t>(std::min(norms.size(), k + kPartNorms)))});
  }
  // What the subjects share. The program's dependency structure, built once.
  // And per batch of consecutive units, one Workspace (context and reused
  // solvers), the units run in order on one worker. The batches depend on
  // the number of units alone, never on -j, so neither does the output;
  // up to 64 units each get their own. The naive path (--fresh-solver) shares
  // nothing: each subject scans the program and every query gets a new solver.
  const bool share = !fresh_solvers();
  std::optional<detail::ProgramIndex> index;
  if (share) index.emplace(prog);
  const std::size_t per_batch = share ? (units.size() + kBatches - 1) / kBatches : 1;
  const std::size_t batches = per_batch ? (units.size() + per_batch - 1) / per_batch : 0;
  std::vector<Part> parts(units.size());
  std::vector<std::vector<SolverQuery>> logs(units.size());
  parallel_for(batches, [&](std::size_t b) {
    std::unique_ptr<detail::Workspace> ws;
    for (std::size_t u = b * per_batch; u < std::min(units.size(), (b + 1) * per_batch); ++u) {
      if (share && !ws) ws = std::make_unique<detail::Workspace>(prog);
      const auto& [subject, at, scenario] = subjects[units[u].subject];
      parts[u] = check_part(prog, subject, at, scenario, timeout_ms, units[u].only, queries ? &logs[u] : nullptr, index ? &*index : nullptr, ws.get());
      if (parts[u].failed) ws.reset();  // the solver failed (memory, an error): the next unit starts afresh
    }
  });
  if (queries)
    for (auto& l : logs) std::move(l.begin(), l.end(), std::back_inserter(*queries));
  std::vector<Verdict> out(subjects.size());
  std::vector<bool> started(subjects.size(), false), failed(subjects.size(), false);
  for (std::size_t u = 0; u < units.size(); ++u) {
    const std::size_t i = units[u].subject;
    Part& p = parts[u];
    if (failed[i]) continue;
    if (p.failed || !started[i]) {
      // the first part, or a failure, which stands for the whole subject as before
      out[i] = std::move(p.verdict);
      started[i] = true;
      failed[i] = p.failed;
      continue;
    }
    Verdict& v = out[i];
    v.norms_checked += p.verdict.norms_checked;
    std::move(p.verdict.findings.begin(), p.verdict.findings.end(), std::back_inserter(v.findings));
    std::move(p.verdict.preexisting.begin(), p.verdict.preexisting.end(), std::back_inserter(v.preexisting));
    std::move(p.verdict.relies_on.begin(), p.verdict.relies_on.end(), std::back_inserter(v.relies_on));
    Checker::set_status(v);
  }
  return out;
}

}  // namespace

Verdict check_subject(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms,
                      std::vector<SolverQuery>* queries) {
  return check_subjects(prog, {std::make_tuple(subject, at, scenario)}, timeout_ms, queries).front();
}

std::vector<Verdict> check(const ir::Program& prog, const CheckOptions& o, std::vector<std::string>* unknown,
                           std::vector<SolverQuery>* queries) {
  std::vector<Verdict> out;
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
  // one task per subject, run on the worker pool (-j); results and recorded
  // queries are kept in subject order, whatever order the workers finish in
  std::vector<std::tuple<int, ir::Day, int>> tasks;
  if (o.current_law) tasks.emplace_back(-1, o.at.value_or(o.today), o.scenario);
  for (int r : subjects) {
    const auto& m = prog.rulesets[static_cast<std::size_t>(r)];
    tasks.emplace_back(r, o.at.value_or(m.effective.value_or(o.today)), o.scenario);
  }
  out = check_subjects(prog, tasks, o.timeout_ms, queries);
  return out;
}

std::vector<ExpectResult> run_expectations(const ir::Program& prog, ir::Day today, unsigned timeout_ms,
                                           std::vector<SolverQuery>* queries, std::vector<Verdict>* verdicts) {
  auto date_of = [&](const ir::Expect& e) {
    if (e.at) return *e.at;
    if (e.subject >= 0 && prog.rulesets[static_cast<std::size_t>(e.subject)].effective)
      return *prog.rulesets[static_cast<std::size_t>(e.subject)].effective;
    return today;
  };
  // every distinct (subject, date, scenario) once, in order of first use, on
  // the worker pool (-j); queries are recorded in that order
  std::vector<std::tuple<int, ir::Day, int>> keys;
  for (const auto& e : prog.expects) {
    if (e.feasibility != 0) continue;  // decided over the horizon, below
    auto key = std::make_tuple(e.subject, date_of(e), e.scenario);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  std::vector<Verdict> checked = check_subjects(prog, keys, timeout_ms, queries);
  if (verdicts) verdicts->insert(verdicts->end(), checked.begin(), checked.end());
  std::map<std::tuple<int, ir::Day, int>, Verdict> cache;
  for (std::size_t k = 0; k < keys.size(); ++k) cache.emplace(keys[k], std::move(checked[k]));
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
    const ir::Day at = date_of(e);
    r.at = at;
    const std::string subject = e.subject < 0 ? "current_law" : prog.rulesets[static_cast<std::size_t>(e.subject)].id;
    r.description = e.compliant     ? fmt::format("{} compliant at {}", subject, ir::format_date(at))
                    : e.no_conflict ? fmt::format("{} no_conflict at {}", subject, ir::format_date(at))
                                    : fmt::format("{} conflicts_with {} at {}", subject, prog.norms[static_cast<std::size_t>(e.norm)].id,
                                              ir::format_date(at));
    if (e.scenario >= 0) r.description += " under " + prog.scenarios[static_cast<std::size_t>(e.scenario)].name;
    const Verdict& v = cache.at(std::make_tuple(e.subject, at, e.scenario));
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
  return out;
}

}  // namespace normcheck
