// The thin `normcheck` front end: reads arguments, calls the library, picks a
// renderer and maps the outcome to an exit code. No analysis lives here.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "normcheck/capacity.h"
#include "normcheck/check.h"
#include "normcheck/diff.h"
#include "normcheck/explain.h"
#include "normcheck/explore.h"
#include "normcheck/format.h"
#include "normcheck/lint.h"
#include "normcheck/load.h"
#include "git_source.h"
#include "normcheck/timeline.h"
#include "normcheck/parallel.h"
#include "lsp.h"
#include "render.h"
#include "second_opinion.h"

namespace {

using namespace normcheck;

enum Exit { kClean = 0, kFindings = 1, kInput = 2, kUndecided = 3 };

struct Common {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string color = "auto";
  unsigned timeout_ms = 10000;
  bool cross_check = false;  // re-decide every solver query with cvc5
  std::string smt2_dir;      // export: where the queries go
  unsigned max_memory_mb = 4096;
  std::size_t max_file_bytes = ParseOptions{}.max_file_bytes;
  std::vector<std::string> allow_import;
  unsigned jobs = 0;  // -j: workers for independent subjects (0: one per core)
  bool fresh_solver = false;  // the naive path: a new solver per query
};

// Limits on the input and where imports may go (docs/security.md): the
// current directory and the paths given are the roots, plus --allow-import.
LoadOptions load_options(const Common& c) {
  LoadOptions o;
  o.parse.max_file_bytes = c.max_file_bytes;
  o.confine_imports = true;
  o.import_roots = {"."};
  o.import_roots.insert(o.import_roots.end(), c.paths.begin(), c.paths.end());
  o.allowed_import_dirs = c.allow_import;
  return o;
}

bool use_colour(const std::string& mode, int fd) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  return isatty(fd) != 0;
}

ir::Day today() {
  const auto now = std::chrono::system_clock::now();
  return std::chrono::duration_cast<std::chrono::days>(now.time_since_epoch()).count();
}

// Parses `--at`; false, after saying why, when it is not a date.
bool parse_at(const std::string& at, std::optional<ir::Day>& out) {
  if (at.empty()) return true;
  out = ir::parse_date(at);
  if (!out) std::cerr << fmt::format("error: `--at {}` is not a valid date; write YYYY-MM-DD\n", at);
  return out.has_value();
}

void print_input_errors(const SourceManager& sm, const Diagnostics& diags, const Common& c) {
  render::Style st{use_colour(c.color, STDERR_FILENO)};
  std::cerr << render::text_diagnostics(sm, diags.items(), st);
}

int run_check(const Common& c, const std::string& at, const std::vector<std::string>& measures, const std::string& scenario) {
  SourceManager sm;
  Diagnostics diags;
  CheckOptions opt;
  opt.today = today();
  opt.timeout_ms = c.timeout_ms;
  for (const auto& m : measures)
    if (std::find(opt.measures.begin(), opt.measures.end(), m) == opt.measures.end()) opt.measures.push_back(m);
  opt.current_law = measures.empty();
  if (!parse_at(at, opt.at)) return kInput;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  if (prog && !scenario.empty()) {
    opt.scenario = prog->find_scenario(scenario);
    if (opt.scenario < 0) {
      std::cerr << fmt::format("error: unknown scenario `{}`\n", scenario);
      return kInput;
    }
  }
  std::vector<Verdict> verdicts;
  std::vector<std::string> unknown;
  std::vector<SolverQuery> queries;
  const bool record = c.cross_check || !c.smt2_dir.empty();
  if (prog) verdicts = check(*prog, opt, &unknown, record ? &queries : nullptr);
  if (!unknown.empty()) {
    std::cerr << fmt::format("error: unknown measure{} {}\n", unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", "));
    return kInput;
  }
  if (!c.smt2_dir.empty()) {  // export --smt2
    if (!prog) {
      print_input_errors(sm, diags, c);
      return kInput;
    }
    return cli::write_queries(*prog, queries, c.smt2_dir, std::cout, std::cerr) ? kClean : kInput;
  }
  if (c.format == "json") {
    std::cout << render::json_check(sm, prog ? &*prog : nullptr, diags.items(), verdicts);
  } else if (c.format == "sarif") {
    std::cout << render::sarif_check(sm, prog ? &*prog : nullptr, diags.items(), verdicts);
  } else {
    if (!diags.items().empty()) print_input_errors(sm, diags, c);
    if (prog) std::cout << render::text_verdicts(sm, *prog, verdicts, render::Style{use_colour(c.color, STDOUT_FILENO)});
  }
  if (!prog) return kInput;
  // witness replay always; cvc5 on request: an inconsistency is an internal error
  if (cli::second_opinion(*prog, verdicts, c.cross_check ? &queries : nullptr, c.timeout_ms, std::cerr)) return kInput;
  bool findings = false, undecided = false;
  for (const auto& v : verdicts) {
    if (v.status == Status::conflict || v.status == Status::gaps) findings = true;
    if (v.status == Status::undecided) undecided = true;
  }
  return findings ? kFindings : undecided ? kUndecided : kClean;
}

int run_explain(const Common& c, const std::string& at, const std::vector<std::string>& measures, const std::string& scenario,
                std::size_t max_cores) {
  SourceManager sm;
  Diagnostics diags;
  std::optional<ir::Day> day;
  if (!parse_at(at, day)) return kInput;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  std::vector<Explanation> out;
  int scen = -1;
  if (prog) {
    if (!scenario.empty() && (scen = prog->find_scenario(scenario)) < 0) {
      std::cerr << fmt::format("error: unknown scenario `{}`\n", scenario);
      return kInput;
    }
    std::vector<int> subjects;
    for (const auto& name : measures) {
      const int r = prog->find_ruleset(name);
      if (r < 0 || !prog->rulesets[static_cast<std::size_t>(r)].measure) {
        std::cerr << fmt::format("error: unknown measure `{}`\n", name);
        return kInput;
      }
      if (std::find(subjects.begin(), subjects.end(), r) == subjects.end()) subjects.push_back(r);
    }
    if (measures.empty())
      for (std::size_t r = 0; r < prog->rulesets.size(); ++r)
        if (prog->rulesets[r].measure) subjects.push_back(static_cast<int>(r));
    // one measure per task on the worker pool (-j), kept in measure order
    out.resize(subjects.size());
    const ir::Day now = today();
    parallel_for(subjects.size(), [&](std::size_t i) {
      const auto& m = prog->rulesets[static_cast<std::size_t>(subjects[i])];
      out[i] = explain(*prog, subjects[i], day.value_or(m.effective.value_or(now)), scen, c.timeout_ms, max_cores);
    });
  }
  if (c.format == "json") {
    std::cout << render::json_explain(sm, prog ? &*prog : nullptr, diags.items(), out);
  } else {
    if (!diags.items().empty()) print_input_errors(sm, diags, c);
    if (prog) std::cout << render::text_explanations(sm, *prog, out, render::Style{use_colour(c.color, STDOUT_FILENO)});
  }
  if (!prog) return kInput;
  bool conflict = false, undecided = false;
  for (const auto& e : out) {
    if (e.verdict.status == Status::conflict) conflict = true;
    if (e.verdict.status == Status::undecided) undecided = true;
  }
  return conflict ? kFindings : undecided ? kUndecided : kClean;
}

int run_lint(const Common& c, const std::vector<std::string>& deny) {
  SourceManager sm;
  Diagnostics diags;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  std::vector<Diagnostic> found;
  if (prog) found = lint(*prog, c.timeout_ms);
  const bool deny_warnings = std::find(deny.begin(), deny.end(), "warnings") != deny.end();
  std::vector<Diagnostic> all = diags.items();
  all.insert(all.end(), found.begin(), found.end());
  if (c.format == "json") {
    std::cout << render::json_lint(sm, all);
  } else if (c.format == "sarif") {
    std::cout << render::sarif_lint(sm, prog ? &*prog : nullptr, all);
  } else {
    render::Style st{use_colour(c.color, STDOUT_FILENO)};
    std::cout << render::text_diagnostics(sm, all, st);
    if (prog) {
      const auto n = found.size();
      std::cout << (n == 0 ? std::string("no warnings\n") : fmt::format("{} warning{}\n", n, n == 1 ? "" : "s"));
    }
  }
  if (!prog) return kInput;
  for (const auto& d : found)
    if (d.severity == Severity::error) return kUndecided;
  return deny_warnings && !found.empty() ? kFindings : kClean;
}

struct ExploreArgs {
  std::string max, min, where, level = "act", pareto;
  bool options = false;
  std::size_t limit = 0;
};

int run_explore(const Common& c, const std::string& at, const std::vector<std::string>& measures, const std::string& scenario,
                const ExploreArgs& e) {
  const int modes = (e.max.empty() ? 0 : 1) + (e.min.empty() ? 0 : 1) + (e.options ? 1 : 0);
  if (modes != 1) {
    std::cerr << "error: give exactly one of --max CALL, --min CALL or --options\n";
    return kInput;
  }
  std::optional<ir::Day> day;
  if (!parse_at(at, day)) return kInput;
  if (measures.size() > 1) {
    std::cerr << "error: explore takes at most one --measure\n";
    return kInput;
  }
  const std::string measure = measures.empty() ? "" : measures[0];
  std::vector<Objective> objectives;
  if (!e.pareto.empty()) {
    std::string why;
    auto parsed = parse_objectives(e.pareto, why);
    if (!e.options) why = "--pareto needs --options";
    if (!parsed || !e.options) {
      std::cerr << fmt::format("error: {}\n", why);
      return kInput;
    }
    objectives = *parsed;
  }
  SourceManager sm;
  Diagnostics diags;
  const render::Style st{use_colour(c.color, STDOUT_FILENO)};
  if (!e.options) {
    ValueQuestion q;
    q.goal = e.max.empty() ? Goal::minimize : Goal::maximize;
    q.call = e.max.empty() ? e.min : e.max;
    q.where = e.where;
    q.measure = measure;
    q.level = e.level;
    q.at = day;
    q.today = today();
    q.scenario_name = scenario;
    q.timeout_ms = c.timeout_ms;
    q.load = load_options(c);
    std::optional<ir::Program> prog;
    auto a = explore_value(sm, c.paths, diags, q, prog);
    if (prog && !scenario.empty() && prog->find_scenario(scenario) < 0) {
      std::cerr << fmt::format("error: unknown scenario `{}`\n", scenario);
      return kInput;
    }
    if (c.format == "json") {
      std::cout << render::json_explore_value(sm, diags.items(), q, a ? &*a : nullptr);
    } else {
      if (!diags.items().empty()) print_input_errors(sm, diags, c);
      if (a) std::cout << render::text_explore_value(q, *a, st);
    }
    if (!a) return kInput;
    if (a->optimum.undecided) return kUndecided;
    return a->optimum.infeasible ? kFindings : kClean;
  }
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  if (!prog) {
    if (c.format == "json") std::cout << render::json_explore_options(sm, nullptr, diags.items(), nullptr);
    else print_input_errors(sm, diags, c);
    return kInput;
  }
  if (measure.empty()) {
    std::cerr << "error: --options needs --measure NAME\n";
    return kInput;
  }
  const int r = prog->find_ruleset(measure);
  if (r < 0 || !prog->rulesets[static_cast<std::size_t>(r)].measure) {
    std::cerr << fmt::format("error: unknown measure `{}`\n", measure);
    return kInput;
  }
  int scen = -1;
  if (!scenario.empty() && (scen = prog->find_scenario(scenario)) < 0) {
    std::cerr << fmt::format("error: unknown scenario `{}`\n", scenario);
    return kInput;
  }
  if (std::string why = check_objectives(*prog, r, objectives); !why.empty()) {
    std::cerr << fmt::format("error: {}\n", why);
    return kInput;
  }
  const auto& m = prog->rulesets[static_cast<std::size_t>(r)];
  const bool bar = isatty(STDERR_FILENO) != 0;
  auto progress = [&](std::size_t k, std::size_t n) {
    if (bar) std::cerr << fmt::format("\rchecking combination {}/{}", k, n) << (k == n ? "\n" : "") << std::flush;
  };
  auto a = explore_options(*prog, r, day.value_or(m.effective.value_or(today())), scen, c.timeout_ms, e.limit, progress);
  if (bar && a.checked < a.total) std::cerr << "\n";
  if (!objectives.empty()) pareto_front(*prog, a, objectives);
  if (c.format == "json") std::cout << render::json_explore_options(sm, &*prog, diags.items(), &a);
  else std::cout << render::text_explore_options(*prog, a, st);
  return a.lawful > 0 ? kClean : kFindings;
}

int run_test(const Common& c) {
  SourceManager sm;
  Diagnostics diags;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  std::vector<ExpectResult> results;
  std::vector<SolverQuery> queries;
  std::vector<Verdict> verdicts;  // what the expectations were judged on, for witness replay
  if (prog) results = run_expectations(*prog, today(), c.timeout_ms, c.cross_check ? &queries : nullptr, &verdicts);
  if (c.format == "json") {
    std::cout << render::json_test(sm, prog ? &*prog : nullptr, diags.items(), results);
  } else if (c.format == "sarif") {
    std::cout << render::sarif_test(sm, prog ? &*prog : nullptr, diags.items(), results);
  } else if (c.format == "junit") {
    std::cout << render::junit_test(sm, prog ? &*prog : nullptr, diags.items(), results);
  } else {
    if (!diags.items().empty()) print_input_errors(sm, diags, c);
    if (prog) std::cout << render::text_expectations(sm, *prog, results, render::Style{use_colour(c.color, STDOUT_FILENO)});
  }
  if (!prog) return kInput;
  if (cli::second_opinion(*prog, verdicts, c.cross_check ? &queries : nullptr, c.timeout_ms, std::cerr)) return kInput;
  bool failed = false, undecided_only = true;
  for (const auto& r : results) {
    if (!r.passed) {
      failed = true;
      if (!r.undecided) undecided_only = false;
    }
  }
  if (!failed) return kClean;
  return undecided_only ? kUndecided : kFindings;
}

struct DiffArgs {
  std::string git_old, git_new;
  std::size_t max_regions = 20;
  bool no_verdicts = false;
};

// Loads one version for `diff`: PATH from the working tree, or as it is in
// git revision REV (read through the loader's overlays, no checkout).
std::optional<ir::Program> load_version(SourceManager& sm, const Common& c, const std::vector<std::string>& paths, const std::string& rev,
                                        Diagnostics& diags, bool& failed) {
  Common side = c;
  side.paths = paths;
  LoadOptions o = load_options(side);
  std::vector<std::string> files = paths;
  if (!rev.empty()) {
    cli::GitRevision g;
    std::string why;
    if (!cli::read_git_revision(rev, paths, c.max_file_bytes, g, why)) {
      std::cerr << fmt::format("error: {}\n", why);
      failed = true;
      return std::nullopt;
    }
    o.overlays = std::move(g.overlays);
    o.overlays_only = true;
    o.overlay_origin = fmt::format("git revision `{}`", rev);
    files = std::move(g.files);
  }
  return load_program(sm, files, diags, o);
}

int run_diff(const Common& c, const std::string& at, const std::vector<std::string>& measures, const std::string& scenario,
             const DiffArgs& a) {
  std::optional<ir::Day> day;
  if (!parse_at(at, day)) return kInput;
  if (measures.size() > 1) {
    std::cerr << "error: diff takes at most one --measure\n";
    return kInput;
  }
  const bool measure_mode = !measures.empty();
  if (measure_mode && (!a.git_old.empty() || !a.git_new.empty())) {
    std::cerr << "error: --measure compares current law with the law with the measure, in one rule set; it cannot be combined with --git\n";
    return kInput;
  }
  std::vector<std::string> old_paths, new_paths;
  if (measure_mode) {
    old_paths = c.paths;
  } else if (c.paths.size() == 2) {
    old_paths = {c.paths[0]};
    new_paths = {c.paths[1]};
  } else if (c.paths.size() == 1 && (!a.git_old.empty() || !a.git_new.empty())) {
    old_paths = new_paths = c.paths;
  } else {
    std::cerr << "error: give OLD and NEW (two paths), one path with --git REV, or --measure NAME with the rule set\n";
    return kInput;
  }
  SourceManager sm;
  Diagnostics diags_old, diags_new;
  bool failed = false;
  auto po = load_version(sm, c, old_paths, a.git_old, diags_old, failed);
  std::optional<ir::Program> pn_own;
  if (!measure_mode && !failed) pn_own = load_version(sm, c, new_paths, a.git_new, diags_new, failed);
  if (failed) return kInput;
  std::vector<Diagnostic> all = diags_old.items();
  all.insert(all.end(), diags_new.items().begin(), diags_new.items().end());
  const ir::Program* pn = measure_mode ? (po ? &*po : nullptr) : (pn_own ? &*pn_own : nullptr);
  render::DiffLabels labels;
  auto input_error = [&] {
    if (c.format == "json") std::cout << render::json_diff(sm, all, nullptr, nullptr, labels, nullptr);
    else if (!all.empty()) std::cerr << render::text_diagnostics(sm, all, render::Style{use_colour(c.color, STDERR_FILENO)});
    return kInput;
  };
  if (!po || !pn) return input_error();
  DiffVersion vo{&*po, -1, day.value_or(today())};
  DiffVersion vn{pn, -1, day.value_or(today())};
  if (measure_mode) {
    const int m = po->find_ruleset(measures[0]);
    if (m < 0 || !po->rulesets[static_cast<std::size_t>(m)].measure) {
      std::cerr << fmt::format("error: unknown measure `{}`\n", measures[0]);
      return kInput;
    }
    vn.measure = m;
    const auto& rs = po->rulesets[static_cast<std::size_t>(m)];
    vo.at = vn.at = day.value_or(rs.effective.value_or(today()));
    labels.mode = "measure";
    labels.measure = rs.id;
    labels.old_name = "current law";
    labels.new_name = fmt::format("current law with measure `{}` \"{}\"", rs.id, rs.title);
  } else {
    labels.mode = "versions";
    labels.old_name = a.git_old.empty() ? old_paths[0] : fmt::format("{} at git revision `{}`", old_paths[0], a.git_old);
    labels.new_name = a.git_new.empty() ? new_paths[0] : fmt::format("{} at git revision `{}`", new_paths[0], a.git_new);
    if (a.git_new.empty() && !a.git_old.empty() && old_paths == new_paths) labels.new_name += " in the working tree";
  }
  labels.at = ir::format_date(vn.at);
  if (!scenario.empty()) {
    if (po->find_scenario(scenario) < 0 || pn->find_scenario(scenario) < 0) {
      std::cerr << fmt::format("error: unknown scenario `{}`{}\n", scenario, measure_mode ? "" : " (it must exist in both versions)");
      return kInput;
    }
    labels.scenario = scenario;
  }
  DiffOptions o;
  o.scenario = scenario;
  o.timeout_ms = c.timeout_ms;
  o.max_regions = a.max_regions;
  o.verdicts = !a.no_verdicts;
  o.today = today();
  o.fixed_at = day.has_value() || measure_mode;
  const DiffResult r = diff(vo, vn, o);
  if (c.format == "json") {
    std::cout << render::json_diff(sm, all, &*po, pn, labels, &r);
  } else {
    if (!all.empty()) std::cerr << render::text_diagnostics(sm, all, render::Style{use_colour(c.color, STDERR_FILENO)});
    std::cout << render::text_diff(sm, *po, *pn, labels, r, render::Style{use_colour(c.color, STDOUT_FILENO)});
  }
  if (r.differences()) return kFindings;
  return r.undecided ? kUndecided : kClean;
}

// `feasibility`: capacity over time (normcheck/capacity.h). With --plot, one
// SVG per subject, scenario and stock.
int run_feasibility(const Common& c, const std::vector<std::string>& measures, const std::vector<std::string>& scenarios,
                    const std::string& plot_dir, bool no_extra) {
  SourceManager sm;
  Diagnostics diags;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  std::vector<Feasibility> fs;
  if (prog) {
    if (!prog->horizon || prog->stocks.empty()) {
      if (!diags.items().empty()) print_input_errors(sm, diags, c);
      std::cerr << "error: no `horizon` and `stock` to check: feasibility needs both (docs/language.md, \"Capacity\")\n";
      return kInput;
    }
    FeasibilityOptions o;
    o.measures = measures;
    o.scenarios = scenarios;
    o.current_law = measures.empty();
    o.extra = !no_extra;
    o.timeout_ms = c.timeout_ms;
    std::vector<std::string> unknown;
    fs = feasibility(*prog, o, &unknown);
    if (!unknown.empty()) {
      std::cerr << fmt::format("error: unknown {}\n", fmt::join(unknown, ", "));
      return kInput;
    }
    if (fs.empty()) {
      std::cerr << "error: no scenario gives monthly `series`; feasibility is decided under such a scenario\n";
      return kInput;
    }
  }
  if (prog && !plot_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(plot_dir, ec);
    for (const auto& f : fs)
      for (const auto& tr : f.stocks) {
        const std::string who = f.subject < 0 ? "current_law" : prog->rulesets[static_cast<std::size_t>(f.subject)].id;
        const std::string path = (std::filesystem::path(plot_dir) /
                                  fmt::format("{}__{}__{}.svg", who, prog->scenarios[static_cast<std::size_t>(f.scenario)].name,
                                              prog->stocks[static_cast<std::size_t>(tr.stock)].name)).string();
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << render::svg_stock(*prog, f, tr);
        if (!out) {
          std::cerr << fmt::format("error: cannot write plot `{}`\n", path);
          return kInput;
        }
      }
  }
  if (c.format == "json") {
    std::cout << render::json_feasibility(sm, prog ? &*prog : nullptr, diags.items(), fs);
  } else {
    if (!diags.items().empty()) print_input_errors(sm, diags, c);
    if (prog) std::cout << render::text_feasibility(*prog, fs, render::Style{use_colour(c.color, STDOUT_FILENO)});
  }
  if (!prog) return kInput;
  bool infeasible = false, undecided = false;
  for (const auto& f : fs) {
    if (f.status == FeasibilityStatus::infeasible) infeasible = true;
    if (f.status == FeasibilityStatus::undecided) undecided = true;
    for (const auto& e : f.extra) undecided = undecided || e.undecided;
  }
  return infeasible ? kFindings : undecided ? kUndecided : kClean;
}

// `plan`: an order of introduction over quarters within each organisation's
// change capacity and the measures' due dates.
int run_plan(const Common& c, bool earliest) {
  SourceManager sm;
  Diagnostics diags;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  std::optional<Plan> p;
  if (prog) {
    if (!prog->horizon) {
      if (!diags.items().empty()) print_input_errors(sm, diags, c);
      std::cerr << "error: no `horizon`: a plan is made over the quarters of the horizon\n";
      return kInput;
    }
    p = plan(*prog, c.timeout_ms, earliest);
  }
  if (c.format == "json") {
    std::cout << render::json_plan(sm, prog ? &*prog : nullptr, diags.items(), p ? &*p : nullptr);
  } else {
    if (!diags.items().empty()) print_input_errors(sm, diags, c);
    if (p) std::cout << render::text_plan(*prog, *p, render::Style{use_colour(c.color, STDOUT_FILENO)});
  }
  if (!prog) return kInput;
  return p->status == PlanStatus::planned ? kClean : p->status == PlanStatus::impossible ? kFindings : kUndecided;
}

// `fmt`: the layout lives in the library (normcheck/format.h); this maps
// outcomes to output and exit codes.
int run_fmt(const Common& c, bool check, bool verbose) {
  SourceManager sm;
  Diagnostics diags;
  std::vector<FormatFileOutcome> outcomes;
  if (std::find(c.paths.begin(), c.paths.end(), "-") != c.paths.end()) {
    if (c.paths.size() != 1) {
      std::cerr << "error: `-` (standard input) cannot be combined with other paths\n";
      return kInput;
    }
    const FileId id = sm.add("<stdin>", "<stdin>", std::string(std::istreambuf_iterator<char>(std::cin), {}));
    const auto r = format_source(sm, id, diags);
    const auto status = r.status == FormatResult::Status::ok
                            ? (r.text == sm.file(id).text ? FormatFileOutcome::Status::unchanged : FormatFileOutcome::Status::changed)
                        : r.status == FormatResult::Status::input_error ? FormatFileOutcome::Status::input_error
                                                                         : FormatFileOutcome::Status::internal_error;
    outcomes.push_back({"<stdin>", status, r.message});
    if (r.status == FormatResult::Status::ok && !check) std::cout << r.text;
  } else {
    outcomes = format_paths(sm, c.paths, !check, diags);
  }
  if (!diags.items().empty()) print_input_errors(sm, diags, c);
  bool failed = false;
  std::size_t changed = 0;
  for (const auto& o : outcomes) {
    if (o.status == FormatFileOutcome::Status::internal_error) {
      std::cerr << fmt::format("error: internal error: the layout of `{}` would not keep its meaning ({}); left as it was\n", o.path, o.message);
    }
    if (o.status == FormatFileOutcome::Status::input_error || o.status == FormatFileOutcome::Status::internal_error) failed = true;
    if (o.status == FormatFileOutcome::Status::changed) {
      ++changed;
      if (check) std::cout << o.path << "\n";
    }
  }
  if (verbose)
    std::cerr << fmt::format("{} of {} file{} {}\n", changed, outcomes.size(), outcomes.size() == 1 ? "" : "s",
                             check ? "would be reformatted" : "reformatted");
  if (failed) return kInput;
  return check && changed > 0 ? kFindings : kClean;
}

struct TimelineArgs {
  std::string from, to;
  std::string html;        // report: the file to write
  std::size_t max_cores = 100;
};

// Parses --from/--to into OPT; false, after saying why, when they are not
// dates or FROM is after TO.
bool parse_range(const TimelineArgs& a, TimelineOptions& opt) {
  for (const auto* s : {&a.from, &a.to}) {
    if (s->empty()) continue;
    auto d = ir::parse_date(*s);
    if (!d) {
      std::cerr << fmt::format("error: `--{} {}` is not a valid date; write YYYY-MM-DD\n", s == &a.from ? "from" : "to", *s);
      return false;
    }
    (s == &a.from ? opt.from : opt.to) = d;
  }
  if (opt.from && opt.to && *opt.to < *opt.from) {
    std::cerr << fmt::format("error: `--from {}` is after `--to {}`\n", a.from, a.to);
    return false;
  }
  return true;
}

// Exit code of a timeline, as for `check`: 1 when some interval of some
// subject conflicts or has gaps, else 3 when one is undecided, else 0.
int timeline_exit(const Timeline& t) {
  bool findings = false, undecided = false;
  for (const auto& row : t.rows)
    for (const auto& c : row.cells) {
      if (c.state != IntervalState::checked) continue;
      if (c.verdict.status == Status::conflict || c.verdict.status == Status::gaps) findings = true;
      if (c.verdict.status == Status::undecided) undecided = true;
    }
  return findings ? kFindings : undecided ? kUndecided : kClean;
}

int run_timeline(const Common& c, const std::vector<std::string>& measures, const std::string& scenario, const TimelineArgs& a) {
  SourceManager sm;
  Diagnostics diags;
  TimelineOptions opt;
  opt.today = today();
  opt.timeout_ms = c.timeout_ms;
  opt.measures = measures;
  opt.current_law = measures.empty();
  if (!parse_range(a, opt)) return kInput;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  if (prog && !scenario.empty() && (opt.scenario = prog->find_scenario(scenario)) < 0) {
    std::cerr << fmt::format("error: unknown scenario `{}`\n", scenario);
    return kInput;
  }
  std::optional<Timeline> t;
  std::vector<std::string> unknown;
  if (prog) t = timeline(*prog, opt, &unknown);
  if (!unknown.empty()) {
    std::cerr << fmt::format("error: unknown measure{} {}\n", unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", "));
    return kInput;
  }
  if (c.format == "json") {
    std::cout << render::json_timeline(sm, prog ? &*prog : nullptr, diags.items(), t ? &*t : nullptr);
  } else {
    if (!diags.items().empty()) print_input_errors(sm, diags, c);
    if (prog && c.format == "svg") std::cout << render::svg_timeline(*prog, *t);
    else if (prog) std::cout << render::text_timeline(*prog, *t, render::Style{use_colour(c.color, STDOUT_FILENO)});
  }
  if (!prog) return kInput;
  // witness replay of every check the timeline ran, as `check` does
  std::vector<Verdict> fresh;
  for (const auto& row : t->rows)
    for (std::size_t i = 0; i < row.cells.size(); ++i)
      if (row.cells[i].state == IntervalState::checked && row.cells[i].verdict.at == t->intervals[i].from) fresh.push_back(row.cells[i].verdict);
  if (cli::second_opinion(*prog, fresh, nullptr, c.timeout_ms, std::cerr)) return kInput;
  return timeline_exit(*t);
}

// `report`: check (as `check` does), explain each measure in conflict, the
// timeline, all into one HTML file. Exit codes as for `check`; 2 (E0890)
// when the file cannot be written.
int run_report(const Common& c, const std::string& at, const std::vector<std::string>& measures, const std::string& scenario,
               const TimelineArgs& a) {
  SourceManager sm;
  Diagnostics diags;
  CheckOptions copt;
  copt.today = today();
  copt.timeout_ms = c.timeout_ms;
  copt.measures = measures;
  copt.current_law = measures.empty();
  if (!parse_at(at, copt.at)) return kInput;
  TimelineOptions topt;
  topt.today = copt.today;
  topt.timeout_ms = c.timeout_ms;
  topt.measures = measures;
  topt.current_law = measures.empty();
  if (!parse_range(a, topt)) return kInput;
  auto prog = load_program(sm, c.paths, diags, load_options(c));
  if (!prog) {
    print_input_errors(sm, diags, c);
    return kInput;
  }
  if (!scenario.empty() && (copt.scenario = topt.scenario = prog->find_scenario(scenario)) < 0) {
    std::cerr << fmt::format("error: unknown scenario `{}`\n", scenario);
    return kInput;
  }
  std::vector<std::string> unknown;
  render::ReportInput in;
  in.paths = c.paths;
  in.verdicts = check(*prog, copt, &unknown);
  if (!unknown.empty()) {
    std::cerr << fmt::format("error: unknown measure{} {}\n", unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", "));
    return kInput;
  }
  if (!diags.items().empty()) print_input_errors(sm, diags, c);  // warnings
  if (cli::second_opinion(*prog, in.verdicts, nullptr, c.timeout_ms, std::cerr)) return kInput;
  for (const auto& v : in.verdicts)
    if (v.subject >= 0 && v.status == Status::conflict)
      in.explanations.push_back(explain(*prog, v.subject, v.at, v.scenario, c.timeout_ms, a.max_cores));
  in.timeline = timeline(*prog, topt);
  // Feasibility, where the rule files have a capacity model: per subject and
  // scenario the verdict, the least extra capacity and a chart per stock.
  if (prog->horizon && !prog->stocks.empty()) {
    FeasibilityOptions fo;
    fo.measures = measures;
    fo.current_law = measures.empty();
    fo.timeout_ms = c.timeout_ms;
    if (!scenario.empty()) fo.scenarios = {scenario};
    std::vector<std::string> unknown_f;
    for (const auto& f : feasibility(*prog, fo, &unknown_f)) in.feasibility.push_back(render::feasibility_section(*prog, f));
  }
  const std::string html = render::html_report(sm, *prog, in);
  if (a.html == "-") {
    std::cout << html << std::flush;
  } else {
    std::ofstream out(a.html, std::ios::binary | std::ios::trunc);
    out << html;
    out.close();
    if (!out) {
      std::cerr << fmt::format("error[E0890]: cannot write `{}`: {}\n", a.html, std::strerror(errno));
      return kInput;
    }
  }
  bool findings = false, undecided = false;
  for (const auto& v : in.verdicts) {
    if (v.status == Status::conflict || v.status == Status::gaps) findings = true;
    if (v.status == Status::undecided) undecided = true;
  }
  if (a.html != "-")
    std::cerr << fmt::format("wrote {} ({} subject{} checked)\n", a.html, in.verdicts.size(), in.verdicts.size() == 1 ? "" : "s");
  return findings ? kFindings : undecided ? kUndecided : kClean;
}

void add_common(CLI::App* cmd, Common& c, bool timeout = true, const std::vector<std::string>& formats = {"text", "json"},
                bool parallel = false) {
  cmd->add_option("PATH", c.paths, "rule files, or directories searched for *.norm")->required();
  if (!formats.empty())
    cmd->add_option("--format", c.format, "output format")->check(CLI::IsMember(formats))->capture_default_str();
  cmd->add_option("--color", c.color, "colour in text output")->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str();
  if (timeout) {
    cmd->add_option("--timeout-ms", c.timeout_ms, "time limit per solver query, in milliseconds")
        ->check(CLI::Range(1u, 86400000u))
        ->capture_default_str();
    cmd->add_option("--max-memory-mb", c.max_memory_mb, "memory limit of the solver, in MB (0: none)")->capture_default_str();
  }
  if (timeout)
    cmd->add_flag("--fresh-solver", c.fresh_solver, "share nothing between subjects and build a new solver for every query (the naive path; slower; for benchmarks)");
  if (parallel)
    cmd->add_option("-j,--jobs", c.jobs, "worker threads, one solver context each (0: one per core); the output is the same for every value")
        ->check(CLI::Range(0u, 1024u))
        ->capture_default_str();
  cmd->add_option("--max-file-size", c.max_file_bytes, "largest rule file read, in bytes (suffixes KiB, MiB allowed)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 31))
      ->capture_default_str();
  cmd->add_option("--allow-import", c.allow_import, "a directory imports may also read from (repeatable)")
      ->check(CLI::ExistingDirectory)
      ->allow_extra_args(false);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"normcheck: check proposed policy measures against the law"};
  app.set_version_flag("--version", std::string("normcheck ") + render::kToolVersion);
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "debug logging on stderr");

  Common common;
  std::string at, scenario;
  std::vector<std::string> measures;
  auto* check_cmd = app.add_subcommand("check", "check measures and current law against the norms in force at a date");
  add_common(check_cmd, common, true, {"text", "json", "sarif"}, true);
  check_cmd->add_option("--at", at, "check date YYYY-MM-DD (default: each measure's effective date; today for current law)");
  check_cmd->add_option("--measure", measures, "check only this measure (repeatable)")->allow_extra_args(false);
  check_cmd->add_option("--scenario", scenario, "assume the named scenario");
  check_cmd->add_flag("--cross-check", common.cross_check, "re-decide every solver query with cvc5; a disagreement exits 2");

  auto* export_cmd = app.add_subcommand("export", "write the solver queries a `check` runs as SMT-LIB2 files, one per query");
  add_common(export_cmd, common, true, {"text", "json"}, true);
  export_cmd->add_option("--smt2", common.smt2_dir, "the directory to write them to")->required();
  export_cmd->add_option("--at", at, "check date YYYY-MM-DD, as for `check`");
  export_cmd->add_option("--measure", measures, "only this measure's queries (repeatable)")->allow_extra_args(false);
  export_cmd->add_option("--scenario", scenario, "assume the named scenario");

  std::size_t max_cores = 100;
  auto* explain_cmd = app.add_subcommand("explain", "every minimal conflict of a measure, every minimal repair, and the nearest lawful values");
  add_common(explain_cmd, common, true, {"text", "json"}, true);
  explain_cmd->add_option("--at", at, "date YYYY-MM-DD (default: each measure's effective date)");
  explain_cmd->add_option("--measure", measures, "explain only this measure (repeatable)")->allow_extra_args(false);
  explain_cmd->add_option("--scenario", scenario, "assume the named scenario");
  explain_cmd->add_option("--max-cores", max_cores, "stop after this many minimal conflicts")->check(CLI::Range(1u, 100000u))->capture_default_str();

  std::vector<std::string> deny;
  auto* lint_cmd = app.add_subcommand("lint", "corpus health: contradictory, vacuous and redundant norms, dead definitions, unused declarations");
  add_common(lint_cmd, common, true, {"text", "json", "sarif"});
  lint_cmd->add_option("--deny", deny, "`warnings`: exit 1 when there is any warning")->check(CLI::IsMember({"warnings"}))->allow_extra_args(false);

  ExploreArgs ex_args;
  auto* explore_cmd = app.add_subcommand("explore", "options for action: the largest or smallest lawful value of a decision, or every lawful combination of a measure's options");
  add_common(explore_cmd, common);
  explore_cmd->add_option("--max", ex_args.max, "the largest lawful value of CALL, e.g. 'waiting_period(s)'");
  explore_cmd->add_option("--min", ex_args.min, "the smallest lawful value of CALL");
  explore_cmd->add_option("--where", ex_args.where, "only for the cases where this holds, e.g. 's.protection == subsidiary'");
  explore_cmd->add_flag("--options", ex_args.options, "every lawful combination of the --measure's options");
  explore_cmd->add_option("--pareto", ex_args.pareto, "with --options: the lawful combinations no other beats on every objective, e.g. 'max:strictness,min:load'");
  explore_cmd->add_option("--limit", ex_args.limit, "stop after this many lawful combinations (0: all)")->capture_default_str();
  explore_cmd->add_option("--level", ex_args.level, "the level of the explored rule, without --measure")->capture_default_str();
  explore_cmd->add_option("--at", at, "date YYYY-MM-DD (default: today, or the measure's effective date)");
  explore_cmd->add_option("--measure", measures, "build on this measure")->allow_extra_args(false);
  explore_cmd->add_option("--scenario", scenario, "assume the named scenario");

  DiffArgs diff_args;
  auto* diff_cmd = app.add_subcommand("diff", "change impact: which decisions two versions of a rule set take differently, for which cases, and which verdicts change");
  add_common(diff_cmd, common);
  diff_cmd->add_option("--git", diff_args.git_old, "read OLD (or the one PATH) as it is in this git revision, without a checkout");
  diff_cmd->add_option("--git-new", diff_args.git_new, "read NEW (or the one PATH) as it is in this git revision");
  diff_cmd->add_option("--measure", measures, "compare current law with current law with this measure applied, in the rule set PATH...")->allow_extra_args(false);
  diff_cmd->add_option("--at", at, "date YYYY-MM-DD (default: today; with --measure its effective date)");
  diff_cmd->add_option("--scenario", scenario, "assume the named scenario in both versions");
  diff_cmd->add_option("--max-regions", diff_args.max_regions, "regions listed per decision")->check(CLI::Range(std::size_t{1}, std::size_t{10000}))->capture_default_str();
  diff_cmd->add_flag("--no-verdicts", diff_args.no_verdicts, "compare decisions only, not the verdicts of `check`");

  auto* test_cmd = app.add_subcommand("test", "run every `expect` in the rule files; last line `N passed, N failed`");
  add_common(test_cmd, common, true, {"text", "json", "sarif", "junit"}, true);
  test_cmd->add_flag("--cross-check", common.cross_check, "re-decide every solver query with cvc5; a disagreement exits 2");

  TimelineArgs tl_args;
  auto* timeline_cmd = app.add_subcommand("timeline", "every date on which the law or a measure changes, and each subject's verdict on each interval between");
  add_common(timeline_cmd, common, true, {"text", "json", "svg"});
  timeline_cmd->add_option("--from", tl_args.from, "first day shown, YYYY-MM-DD (default: the first event)");
  timeline_cmd->add_option("--to", tl_args.to, "last day shown, YYYY-MM-DD (default: open-ended)");
  timeline_cmd->add_option("--measure", measures, "only this measure (repeatable); current law is left out")->allow_extra_args(false);
  timeline_cmd->add_option("--scenario", scenario, "assume the named scenario");

  auto* report_cmd = app.add_subcommand("report", "one self-contained HTML report: verdicts, conflicts with witnesses and repairs, timeline, conflict graph");
  add_common(report_cmd, common, true, {});
  report_cmd->add_option("--html", tl_args.html, "the HTML file to write (`-`: standard output)")->required();
  report_cmd->add_option("--at", at, "check date YYYY-MM-DD, as for `check`");
  report_cmd->add_option("--from", tl_args.from, "the timeline's first day (default: the first event)");
  report_cmd->add_option("--to", tl_args.to, "the timeline's last day (default: open-ended)");
  report_cmd->add_option("--measure", measures, "only this measure (repeatable)")->allow_extra_args(false);
  report_cmd->add_option("--scenario", scenario, "assume the named scenario");
  report_cmd->add_option("--max-cores", tl_args.max_cores, "stop after this many minimal conflicts per measure")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  std::vector<std::string> scenarios;
  std::string plot_dir;
  bool no_extra = false;
  auto* feas_cmd = app.add_subcommand("feasibility", "whether current law and each measure can be carried out over the horizon under each scenario's monthly series");
  add_common(feas_cmd, common);
  feas_cmd->add_option("--measure", measures, "only this measure, without current law (repeatable)")->allow_extra_args(false);
  feas_cmd->add_option("--scenario", scenarios, "only this scenario (repeatable; default: every scenario with `series`)")->allow_extra_args(false);
  feas_cmd->add_option("--plot", plot_dir, "write one SVG per subject, scenario and stock into this directory");
  feas_cmd->add_flag("--no-extra", no_extra, "skip the least extra capacity (faster)");

  bool earliest = false;
  auto* plan_cmd = app.add_subcommand("plan", "an order of introducing the measures over quarters within each organisation's change capacity and due dates");
  add_common(plan_cmd, common);
  plan_cmd->add_flag("--earliest", earliest, "make the last quarter used as early as possible");

  bool lsp_stdio = false;
  auto* lsp_cmd = app.add_subcommand("lsp", "a Language Server Protocol server on stdin/stdout, for editors (docs/lsp.md)");
  lsp_cmd->add_flag("--stdio", lsp_stdio, "talk over stdin/stdout (the default and only transport)");
  bool fmt_check = false, fmt_verbose = false;
  auto* fmt_cmd = app.add_subcommand("fmt", "rewrite rule files in the canonical layout, keeping every comment; `-` formats stdin to stdout");
  fmt_cmd->add_option("PATH", common.paths, "rule files, directories searched for *.norm, or `-`")->required();
  fmt_cmd->add_flag("--check", fmt_check, "write nothing; list the files whose layout would change and exit 1 if any");
  fmt_cmd->add_flag("-v,--verbose", fmt_verbose, "say on stderr how many files changed");
  fmt_cmd->add_option("--color", common.color, "colour in error messages")->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kInput;
  }

  auto logger = spdlog::stderr_color_mt("normcheck");
  spdlog::set_default_logger(logger);
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::warn);

  set_solver_memory_limit(common.max_memory_mb);
  set_jobs(common.jobs);
  set_fresh_solvers(common.fresh_solver);
  try {
    if (*check_cmd || *export_cmd) return run_check(common, at, measures, scenario);
    if (*test_cmd) return run_test(common);
    if (*diff_cmd) return run_diff(common, at, measures, scenario, diff_args);
    if (*explain_cmd) return run_explain(common, at, measures, scenario, max_cores);
    if (*lint_cmd) return run_lint(common, deny);
    if (*explore_cmd) return run_explore(common, at, measures, scenario, ex_args);
    if (*timeline_cmd) return run_timeline(common, measures, scenario, tl_args);
    if (*report_cmd) return run_report(common, at, measures, scenario, tl_args);
    if (*feas_cmd) return run_feasibility(common, measures, scenarios, plot_dir, no_extra);
    if (*plan_cmd) return run_plan(common, earliest);
    if (*lsp_cmd) return lsp::serve(std::cin, std::cout, render::kToolVersion);
    if (*fmt_cmd) return run_fmt(common, fmt_check, verbose || fmt_verbose);
  } catch (const std::exception& e) {
    std::cerr << "error: internal error: " << e.what() << "\n";
    return kInput;
  }
  return kInput;
}
