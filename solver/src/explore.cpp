#include "normcheck/explore.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "checker.h"

namespace normcheck {

std::optional<ValueAnswer> explore_value(SourceManager& sm, const std::vector<std::string>& paths, Diagnostics& diags,
                                         const ValueQuestion& q, std::optional<ir::Program>& program) {
  // 1. the rule set as it is, to learn the decision's type
  {
    SourceManager sm0;
    Diagnostics d0;
    auto base = load_program(sm0, paths, d0, q.load);
    if (!base) {
      // report against the real source manager
      program = load_program(sm, paths, diags, q.load);
      return std::nullopt;
    }
    const auto paren = q.call.find('(');
    const std::string name = q.call.substr(0, paren);
    const ir::Symbol* sym = nullptr;
    for (const auto& s : base->symbols)
      if (s.name == name) sym = &s;
    auto fail = [&](std::string msg) {
      Diagnostic d{"E0601", Severity::error, std::move(msg), {}, "", {}, {}, {}};
      diags.add(std::move(d));
      return std::nullopt;
    };
    if (!sym) return fail(fmt::format("unknown decision `{}` to explore", name));
    if (sym->kind == ir::SymbolKind::fact) return fail(fmt::format("`{}` is a fact; only decisions and params can be explored", name));
    if (!sym->result.numeric()) return fail(fmt::format("`{}` is `{}`; only numbers have a largest or smallest value", name, base->type_name(sym->result)));
    std::string zero = sym->result.kind == ir::Type::decimal ? "0.0" : "0";
    if (!sym->result.unit.empty()) zero += " " + sym->result.unit;
    else if (!sym->result.dim.empty()) zero += " " + sym->result.dim;
    // 2. the synthetic measure: the measure's own clauses, then the explored one
    std::string clauses;
    std::string level = q.level;
    if (!q.measure.empty()) {
      const int r = base->find_ruleset(q.measure);
      if (r < 0 || !base->rulesets[static_cast<std::size_t>(r)].measure) return fail(fmt::format("unknown measure `{}`", q.measure));
      const auto& m = base->rulesets[static_cast<std::size_t>(r)];
      level = m.level.name;
      for (const auto& d : m.defines) clauses += "  " + std::string(sm0.text(d.span)) + "\n";
      for (const auto& i : m.invokes) clauses += "  invoke " + base->norms[static_cast<std::size_t>(i.derogation)].id + "\n";
    }
    const ir::Day at = q.at.value_or(q.today);
    std::string text = fmt::format("measure explore.value \"the explored value\" {{\n  level {}\n  effective {}\n{}  define {} = {}{}\n}}\n",
                                   level, ir::format_date(at), clauses, q.call, zero, q.where.empty() ? "" : " when " + q.where);
    LoadOptions lo = q.load;
    lo.inline_sources.emplace_back("<explore>", text);
    program = load_program(sm, paths, diags, lo);
    if (!program) return std::nullopt;
    const int subject = program->find_ruleset("explore.value");
    int scenario = -1;
    if (!q.scenario_name.empty()) scenario = program->find_scenario(q.scenario_name);
    const auto& m = program->rulesets[static_cast<std::size_t>(subject)];
    ValueAnswer a;
    a.at = at;
    a.optimum = optimize_define(*program, subject, at, scenario, q.timeout_ms, static_cast<int>(m.defines.size()) - 1, q.goal);
    for (int n : a.optimum.binding) {
      const auto& nn = program->norms[static_cast<std::size_t>(n)];
      const std::string inst = nn.instrument >= 0 ? program->instruments[static_cast<std::size_t>(nn.instrument)].title : "";
      a.binding.push_back(fmt::format("`{}` \"{}\" — {}, {}", nn.id, nn.title, inst, nn.article));
    }
    return a;
  }
}

OptionsAnswer explore_options(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms,
                              std::size_t limit, const std::function<void(std::size_t, std::size_t)>& progress) {
  OptionsAnswer out;
  out.subject = subject;
  out.at = at;
  const auto& opts = prog.rulesets[static_cast<std::size_t>(subject)].options;
  out.total = 1;
  for (const auto& o : opts) out.total *= std::max<std::size_t>(1, o.choices.size());
  std::vector<int> pick(opts.size(), 0);
  while (true) {
    detail::Variant v;
    v.choices = pick;
    detail::Checker ck(prog, subject, at, scenario, timeout_ms, v);
    Verdict verdict = ck.run();
    Combination c{pick, verdict.status, {}, {}};
    for (const auto& f : verdict.findings)
      if (f.kind == FindingKind::conflict) c.conflicts.push_back(f.norm);
    ++out.checked;
    if (progress) progress(out.checked, out.total);
    if (c.status == Status::compliant) {
      ++out.lawful;
      out.lawful_list.push_back(c);
    } else {
      out.unlawful_list.push_back(c);
    }
    if (limit > 0 && out.lawful >= limit && out.checked < out.total) {
      out.stopped = true;
      break;
    }
    // next combination (odometer, last option fastest)
    std::size_t k = opts.size();
    while (k > 0) {
      --k;
      if (++pick[k] < static_cast<int>(opts[k].choices.size())) break;
      pick[k] = 0;
      if (k == 0) return out;
    }
    if (opts.empty()) return out;
  }
  return out;
}

std::optional<std::vector<Objective>> parse_objectives(const std::string& spec, std::string& error) {
  std::vector<Objective> out;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', start), spec.size());
    const std::string part = spec.substr(start, comma - start);
    const std::size_t colon = part.find(':');
    const std::string goal = colon == std::string::npos ? "" : part.substr(0, colon);
    const std::string name = colon == std::string::npos ? "" : part.substr(colon + 1);
    if ((goal != "max" && goal != "min") || name.empty()) {
      error = fmt::format("`{}` is not an objective; write `max:SCORE` or `min:SCORE`, separated by commas", part);
      return std::nullopt;
    }
    if (!seen.insert(name).second) {
      error = fmt::format("the score `{}` is named twice", name);
      return std::nullopt;
    }
    out.push_back({name, goal == "max"});
    start = comma + 1;
  }
  return out;
}

std::string check_objectives(const ir::Program& prog, int subject, const std::vector<Objective>& objectives) {
  const auto& m = prog.rulesets[static_cast<std::size_t>(subject)];
  std::set<std::string> names;
  for (const auto& s : m.scores) names.insert(s.name);
  for (const auto& o : m.options)
    for (const auto& c : o.choices)
      for (const auto& s : c.scores) names.insert(s.name);
  const std::vector<std::string> known(names.begin(), names.end());
  for (const auto& ob : objectives) {
    if (names.count(ob.score)) continue;
    std::string msg = fmt::format("measure `{}` declares no score `{}`", m.id, ob.score);
    if (auto near = closest_match(ob.score, known)) msg += fmt::format("; did you mean `{}`?", *near);
    else if (known.empty()) msg += "; give its choices a `score NAME = NUMBER`";
    else msg += fmt::format(" (it has: {})", fmt::join(known, ", "));
    return msg;
  }
  return "";
}

std::vector<std::int64_t> combination_scores(const ir::Program& prog, int subject, const std::vector<int>& choices,
                                             const std::vector<Objective>& objectives) {
  const auto& m = prog.rulesets[static_cast<std::size_t>(subject)];
  std::vector<std::int64_t> out(objectives.size(), 0);
  auto add = [&](const std::vector<ir::Score>& scores) {
    for (std::size_t k = 0; k < objectives.size(); ++k)
      for (const auto& s : scores)
        if (s.name == objectives[k].score) out[k] += s.micros;  // |score| <= 2^53: no overflow for < 1000 options
  };
  add(m.scores);
  for (std::size_t o = 0; o < m.options.size() && o < choices.size(); ++o)
    add(m.options[o].choices[static_cast<std::size_t>(choices[o])].scores);
  return out;
}

void pareto_front(const ir::Program& prog, OptionsAnswer& a, const std::vector<Objective>& objectives) {
  a.objectives = objectives;
  a.front.clear();
  for (auto* list : {&a.lawful_list, &a.unlawful_list})
    for (auto& c : *list) c.scores = combination_scores(prog, a.subject, c.choices, objectives);
  // oriented so that larger is better in every objective
  auto oriented = [&](const Combination& c, std::size_t k) { return objectives[k].maximize ? c.scores[k] : -c.scores[k]; };
  auto dominates = [&](const Combination& x, const Combination& y) {
    bool better = false;
    for (std::size_t k = 0; k < objectives.size(); ++k) {
      if (oriented(x, k) < oriented(y, k)) return false;
      if (oriented(x, k) > oriented(y, k)) better = true;
    }
    return better;
  };
  for (std::size_t i = 0; i < a.lawful_list.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < a.lawful_list.size() && !dominated; ++j) dominated = j != i && dominates(a.lawful_list[j], a.lawful_list[i]);
    if (!dominated) a.front.push_back(i);
  }
  std::stable_sort(a.front.begin(), a.front.end(), [&](std::size_t x, std::size_t y) {
    for (std::size_t k = 0; k < objectives.size(); ++k) {
      const auto vx = oriented(a.lawful_list[x], k), vy = oriented(a.lawful_list[y], k);
      if (vx != vy) return vx > vy;
    }
    return false;
  });
}

}  // namespace normcheck
