#include "normcheck/explore.h"

#include <fmt/format.h>

#include "checker.h"

namespace normcheck {

std::optional<ValueAnswer> explore_value(SourceManager& sm, const std::vector<std::string>& paths, Diagnostics& diags,
                                         const ValueQuestion& q, std::optional<ir::Program>& program) {
  // 1. the rule set as it is, to learn the decision's type
  {
    SourceManager sm0;
    Diagnostics d0;
    auto base = load_program(sm0, paths, d0);
    if (!base) {
      // report against the real source manager
      program = load_program(sm, paths, diags);
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
    LoadOptions lo;
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
    Combination c{pick, verdict.status, {}};
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

}  // namespace normcheck
