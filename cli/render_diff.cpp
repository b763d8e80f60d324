// `normcheck diff` as text and as JSON (docs/json.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render.h"
#include "render_detail.h"

namespace normcheck::render {

namespace {

using json = nlohmann::ordered_json;

std::string bold(const Style& st, const std::string& s) { return st.colour ? "\x1b[1m" + s + "\x1b[0m" : s; }

std::string owner(const ir::Program& prog, int ruleset) {
  if (ruleset < 0) return "";
  const auto& rs = prog.rulesets[static_cast<std::size_t>(ruleset)];
  return fmt::format("{} `{}`", rs.measure ? "measure" : "rule", rs.id);
}

std::string outcome_text(const SourceManager& sm, const ir::Program& prog, const DiffOutcome& o) {
  if (o.ruleset < 0) return "no rule decides";
  return fmt::format("{}: `{}` at {}", owner(prog, o.ruleset), detail::clause_text(sm, ClauseRef{o.ruleset, o.define, -1, o.span}),
                     detail::location_text(sm, o.span));
}

std::string world_text(const Witness& w) {
  std::vector<std::string> parts;
  for (const auto& f : w.world)
    if (f.relevant) parts.push_back(fmt::format("{} = {}", f.name, f.value));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// The decision's arguments: `s: Sponsor { ... }` for a case, `p = refugee` for a value.
std::string arguments_text(const Witness& w) {
  std::vector<std::string> parts;
  for (const auto& c : w.cases) {
    if (c.fields.size() == 1 && c.fields[0].name == "value") {
      parts.push_back(fmt::format("{} = {}", c.var, c.fields[0].value));
    } else {
      Witness one;
      one.cases.push_back(c);
      parts.push_back(detail::witness_text(one));
    }
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string basis_text(const std::vector<std::string>& basis) {
  std::vector<std::string> quoted;
  for (const auto& b : basis) quoted.push_back("`" + b + "`");
  return fmt::format("from {}", fmt::join(quoted, ", "));
}

const char* change_words(Change c) {
  switch (c) {
    case Change::stricter: return "stricter";
    case Change::more_lenient: return "more lenient";
    case Change::mixed: return "mixed: stricter for some cases, more lenient for others";
    case Change::changed: return "changed";
    case Change::added: return "added (only in the new version)";
    case Change::removed: return "removed (only in the old version)";
    case Change::incomparable: return "incomparable";
    case Change::undecided: return "undecided";
    case Change::unchanged: return "unchanged";
  }
  return "changed";
}

json region_json(const SourceManager& sm, const ir::Program& po, const ir::Program& pn, const DiffRegion& r) {
  auto outcome = [&](const ir::Program& prog, const DiffOutcome& o) {
    json j;
    j["value"] = o.value;
    if (o.ruleset >= 0) {
      const auto& rs = prog.rulesets[static_cast<std::size_t>(o.ruleset)];
      j["decided_by"] = {{"owner", rs.id}, {"owner_kind", rs.measure ? "measure" : "rule"},
                         {"text", detail::clause_text(sm, ClauseRef{o.ruleset, o.define, -1, o.span})},
                         {"location", json::parse(detail::span_json_text(sm, o.span))}};
    } else {
      j["decided_by"] = nullptr;
    }
    return j;
  };
  json j;
  j["old"] = outcome(po, r.old_outcome);
  j["new"] = outcome(pn, r.new_outcome);
  j["change"] = change_name(r.change);
  j["everywhere"] = r.everywhere;
  json conds = json::array();
  for (const auto& c : r.conditions) {
    const ir::Program& prog = c.in_new ? pn : po;
    const auto& rs = prog.rulesets[static_cast<std::size_t>(c.ruleset)];
    conds.push_back({{"version", c.in_new ? "new" : "old"}, {"holds", c.holds}, {"owner", rs.id},
                     {"text", detail::clause_text(sm, ClauseRef{c.ruleset, c.define, -1, c.span})},
                     {"location", json::parse(detail::span_json_text(sm, c.span))}});
  }
  j["conditions"] = conds;
  json cases = json::array();
  for (const auto& c : r.witness.cases) {
    json fields = json::object();
    for (const auto& f : c.fields) fields[f.name] = f.value;
    cases.push_back({{"var", c.var}, {"type", c.type}, {"fields", fields}});
  }
  json world = json::object();
  for (const auto& f : r.witness.world) world[f.name] = f.value;
  j["witness"] = {{"cases", cases}, {"world", world}};
  return j;
}

}  // namespace

std::string text_diff(const SourceManager& sm, const ir::Program& po, const ir::Program& pn, const DiffLabels& labels, const DiffResult& r,
                      const Style& st) {
  std::string out;
  out += bold(st, fmt::format("comparing {} with {} at {}{}", labels.old_name, labels.new_name, labels.at,
                              labels.scenario.empty() ? "" : fmt::format(" under scenario `{}`", labels.scenario))) +
         "\n\n";
  std::map<Change, std::size_t> counts;
  for (const auto& d : r.decisions) {
    ++counts[d.change];
    if (d.change == Change::unchanged) continue;
    out += bold(st, fmt::format("{} `{}`: {}", d.param ? "param" : "decision", d.signature, change_words(d.change))) + "\n";
    if (d.change == Change::incomparable || d.change == Change::undecided) {
      out += fmt::format("   = reason: {}\n\n", d.reason);
      continue;
    }
    if (d.change == Change::added || d.change == Change::removed) {
      out += "\n";
      continue;
    }
    if (!d.ordering.empty())
      out += fmt::format("   = order: {} ({})\n", d.ordering, basis_text(d.basis));
    else if (!d.basis.empty())
      out += fmt::format("   = order: none known; the norms pull both ways ({})\n", fmt::join(d.basis, ", "));
    else
      out += "   = order: none known (no norm bounds it): a change is reported as `changed`\n";
    if (d.decided_changes) out += "   = some cases are decided in one version and not in the other\n";
    for (std::size_t i = 0; i < d.regions.size(); ++i) {
      const auto& g = d.regions[i];
      const std::string dir = g.change == Change::changed ? "" : fmt::format(" ({})", change_words(g.change));
      out += fmt::format("   region {}: {} -> {}{}, for {} case of the region\n", i + 1, g.old_outcome.value, g.new_outcome.value, dir,
                         g.everywhere ? "every" : "some but not every");
      for (const bool in_new : {false, true}) {
        const ir::Program& prog = in_new ? pn : po;
        out += fmt::format("     {}: {}\n", in_new ? "new" : "old", outcome_text(sm, prog, in_new ? g.new_outcome : g.old_outcome));
        for (const auto& c : g.conditions)
          if (c.in_new == in_new && !c.holds)
            out += fmt::format("          where not `{}` ({})\n", detail::clause_text(sm, ClauseRef{c.ruleset, c.define, -1, c.span}),
                               owner(prog, c.ruleset));
      }
      out += fmt::format("     witness: {}\n", g.witness.cases.empty() ? std::string("any case") : arguments_text(g.witness));
      if (!world_text(g.witness).empty()) out += fmt::format("     world: {}\n", world_text(g.witness));
    }
    if (d.capped)
      out += fmt::format("   = more regions not shown: the first {} are listed (raise --max-regions)\n", d.regions.size());
    out += "\n";
  }
  if (!r.norm_changes.empty() || !r.subject_changes.empty()) {
    out += bold(st, "verdicts that change") + "\n";
    for (const auto& s : r.subject_changes) out += fmt::format("   {}: {} -> {}\n", s.subject, s.old_status, s.new_status);
    for (const auto& n : r.norm_changes)
      out += fmt::format("   {}: norm `{}` \"{}\": {} -> {}\n", n.subject, n.norm, n.title, n.old_status, n.new_status);
    out += "\n";
  }
  for (const auto& n : r.notes) out += fmt::format("note: {}\n", n);
  const std::size_t changed = counts[Change::stricter] + counts[Change::more_lenient] + counts[Change::mixed] + counts[Change::changed];
  out += fmt::format(
      "{} decision{} compared: {} changed ({} stricter, {} more lenient, {} mixed, {} changed without a known order), {} added, {} removed, "
      "{} incomparable, {} undecided, {} unchanged; {} verdict{} changed\n",
      r.decisions.size(), r.decisions.size() == 1 ? "" : "s", changed, counts[Change::stricter], counts[Change::more_lenient], counts[Change::mixed], counts[Change::changed],
      counts[Change::added], counts[Change::removed], counts[Change::incomparable], counts[Change::undecided], counts[Change::unchanged],
      r.norm_changes.size() + r.subject_changes.size(), r.norm_changes.size() + r.subject_changes.size() == 1 ? "" : "s");
  return out;
}

std::string json_diff(const SourceManager& sm, const std::vector<Diagnostic>& diags, const ir::Program* po, const ir::Program* pn,
                      const DiffLabels& labels, const DiffResult* r) {
  json j = json::parse(detail::json_prelude(sm, "diff", diags));
  if (!r || !po || !pn) {
    j["diff"] = nullptr;
    return j.dump(2) + "\n";
  }
  json d;
  d["mode"] = labels.mode;
  d["old"] = labels.old_name;
  d["new"] = labels.new_name;
  d["measure"] = labels.measure.empty() ? json(nullptr) : json(labels.measure);
  d["at"] = labels.at;
  d["scenario"] = labels.scenario.empty() ? json(nullptr) : json(labels.scenario);
  json decisions = json::array();
  std::map<std::string, std::size_t> counts;
  for (const auto& x : r->decisions) {
    ++counts[change_name(x.change)];
    json e;
    e["name"] = x.name;
    e["kind"] = x.param ? "param" : "decision";
    e["signature"] = x.signature;
    e["change"] = change_name(x.change);
    e["ordering"] = x.ordering.empty() ? json(nullptr) : json(x.ordering);
    e["basis"] = x.basis;
    e["decided_changes"] = x.decided_changes;
    json regions = json::array();
    for (const auto& g : x.regions) regions.push_back(region_json(sm, *po, *pn, g));
    e["regions"] = regions;
    e["capped"] = x.capped;
    e["reason"] = x.reason.empty() ? json(nullptr) : json(x.reason);
    decisions.push_back(e);
  }
  d["decisions"] = decisions;
  json norms = json::array();
  for (const auto& n : r->norm_changes)
    norms.push_back({{"subject", n.subject}, {"norm", n.norm}, {"title", n.title}, {"old", n.old_status}, {"new", n.new_status}});
  d["norm_changes"] = norms;
  json subjects = json::array();
  for (const auto& s : r->subject_changes) subjects.push_back({{"subject", s.subject}, {"old", s.old_status}, {"new", s.new_status}});
  d["subject_changes"] = subjects;
  d["notes"] = r->notes;
  json summary;
  for (const char* k : {"unchanged", "stricter", "more_lenient", "mixed", "changed", "added", "removed", "incomparable", "undecided"})
    summary[k] = counts[k];
  summary["verdicts_changed"] = r->norm_changes.size() + r->subject_changes.size();
  summary["differences"] = r->differences();
  d["summary"] = summary;
  j["diff"] = d;
  return j.dump(2) + "\n";
}

}  // namespace normcheck::render
