#include "render.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render_detail.h"

namespace normcheck::render {
namespace {

using json = nlohmann::ordered_json;

struct Paint {
  const Style& st;
  std::string wrap(const char* code, const std::string& s) const {
    return st.colour ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
  }
  std::string bold(const std::string& s) const { return wrap("1", s); }
  std::string red(const std::string& s) const { return wrap("1;31", s); }
  std::string yellow(const std::string& s) const { return wrap("1;33", s); }
  std::string green(const std::string& s) const { return wrap("1;32", s); }
  std::string blue(const std::string& s) const { return wrap("1;34", s); }
  std::string cyan(const std::string& s) const { return wrap("1;36", s); }
  std::string severity(Severity s) const {
    switch (s) {
      case Severity::error: return red("error");
      case Severity::warning: return yellow("warning");
      case Severity::note: return cyan("note");
    }
    return "error";
  }
};

std::string location(const SourceManager& sm, const Span& s) {
  if (!s.valid()) return "";
  const LineCol lc = sm.start(s);
  return fmt::format("{}:{}:{}", sm.file(s.file).path, lc.line, lc.column);
}

// A source line as it may be printed: tabs become spaces (they would
// misalign the caret), control bytes and invalid UTF-8 become `?`.
std::string printable(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '\t') { out += ' '; ++i; continue; }
    if (c < 0x20 || c == 0x7f) { out += '?'; ++i; continue; }
    if (c < 0x80) { out += static_cast<char>(c); ++i; continue; }
    const std::size_t n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
    bool ok = n > 0;
    for (std::size_t k = 1; ok && k <= n; ++k) ok = i + k < in.size() && (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (!ok) { out += '?'; ++i; continue; }
    out.append(in, i, n + 1);
    i += n + 1;
  }
  return out;
}

// The source line of SPAN with a caret line under it.
std::string snippet(const SourceManager& sm, const Span& s, const Paint& p, Severity sev, const std::string& label = "") {
  if (!s.valid()) return "";
  const LineCol lc = sm.start(s);
  std::string line(sm.line_text(s.file, lc.line));
  line = printable(line);
  const std::string num = std::to_string(lc.line);
  const std::string pad(num.size(), ' ');
  // caret width in characters, to the end of the span or of the line
  const LineCol end = sm.line_col(s.file, s.end);
  std::size_t width = 1;
  if (end.line == lc.line && end.column > lc.column) width = end.column - lc.column;
  else if (end.line != lc.line) {
    std::size_t chars = 0;
    for (unsigned char c : line) if ((c & 0xC0) != 0x80) ++chars;
    width = chars >= lc.column ? chars - lc.column + 1 : 1;
  }
  // Long lines are shown as a window around the caret, cut on characters.
  constexpr std::size_t kMax = 160;
  std::size_t col = lc.column - 1;  // in characters
  std::vector<std::size_t> starts;  // byte offset of each character
  for (std::size_t i = 0; i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() > kMax) {
    const std::size_t first = col > kMax / 2 ? col - kMax / 2 : 0;
    const std::size_t last = std::min(starts.size(), first + kMax);
    const std::size_t b = starts[first];
    const std::size_t e = last < starts.size() ? starts[last] : line.size();
    line = (first > 0 ? "..." : "") + line.substr(b, e - b) + (last < starts.size() ? "..." : "");
    col = col - first + (first > 0 ? 3 : 0);
  }
  width = std::max<std::size_t>(1, std::min<std::size_t>(width, kMax / 2));
  std::string carets(width, '^');
  std::string marks = sev == Severity::error ? p.red(carets) : sev == Severity::warning ? p.yellow(carets) : p.cyan(carets);
  std::string out;
  out += fmt::format("{} {}\n", pad, p.blue("|"));
  out += fmt::format("{} {} {}\n", p.blue(num), p.blue("|"), line);
  out += fmt::format("{} {} {}{}{}\n", pad, p.blue("|"), std::string(col, ' '), marks,
                     label.empty() ? "" : " " + label);
  return out;
}

std::string header(const Paint& p, Severity sev, const std::string& code, const std::string& message) {
  return fmt::format("{}{}: {}\n", p.severity(sev), p.bold("[" + code + "]"), p.bold(message));
}

std::string arrow(const SourceManager& sm, const Span& s, const std::string& path) {
  if (s.valid()) return fmt::format("  --> {}\n", location(sm, s));
  if (!path.empty()) return fmt::format("  --> {}\n", path);
  return "";
}

}  // namespace

// Shared with the SARIF and JUnit renderers (render_detail.h).
namespace detail {

std::string subject_name(const ir::Program& prog, int subject) {
  return subject < 0 ? "current law" : fmt::format("measure `{}`", prog.rulesets[static_cast<std::size_t>(subject)].id);
}

std::string instrument_line(const ir::Program& prog, const ir::Norm& n) {
  if (n.instrument < 0) return n.article;
  const auto& in = prog.instruments[static_cast<std::size_t>(n.instrument)];
  return fmt::format("{}, {} ({})", in.title, n.article, in.level.name);
}

std::string clause_text(const SourceManager& sm, const ClauseRef& c) {
  std::string t(sm.text(c.span));
  const auto nl = t.find('\n');
  if (nl != std::string::npos) t = t.substr(0, nl) + " ...";
  return t;
}

std::string witness_text(const Witness& w) {
  std::vector<std::string> parts;
  for (const auto& c : w.cases) {
    std::vector<std::string> fields;
    for (const auto& f : c.fields)
      if (f.relevant) fields.push_back(fmt::format("{}: {}", f.name, f.value));
    const bool any_free = std::any_of(c.fields.begin(), c.fields.end(), [](const WitnessValue& v) { return !v.relevant; });
    if (any_free) fields.push_back(fields.empty() ? "any" : "other attributes: any");
    parts.push_back(fmt::format("{}: {} {{ {} }}", c.var, c.type, fmt::join(fields, ", ")));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace detail

using detail::clause_text;
using detail::instrument_line;
using detail::subject_name;
using detail::witness_text;

std::string text_diagnostics(const SourceManager& sm, const std::vector<Diagnostic>& diags, const Style& st) {
  Paint p{st};
  std::string out;
  // Thousands of errors (a generated or hostile file) would print megabytes,
  // each snippet a pass over its line: show the first ones and count the rest.
  constexpr std::size_t kShown = 100;
  std::size_t shown = 0;
  for (const auto& d : diags) {
    if (++shown > kShown) {
      out += fmt::format("... {} more not shown\n\n", diags.size() - kShown);
      break;
    }
    out += header(p, d.severity, d.code, d.message);
    out += arrow(sm, d.span, d.path);
    out += snippet(sm, d.span, p, d.severity);
    for (const auto& l : d.labels) out += fmt::format("   = {}: {} at {}\n", p.bold("note"), l.message, location(sm, l.span));
    for (const auto& n : d.notes) out += fmt::format("   = {}: {}\n", p.bold("note"), n);
    if (d.help) out += fmt::format("   = {}: {}\n", p.bold("help"), *d.help);
    out += "\n";
  }
  const auto errors = std::count_if(diags.begin(), diags.end(), [](const Diagnostic& d) { return d.severity == Severity::error; });
  const auto warnings = static_cast<long>(diags.size()) - errors;
  if (errors > 0)
    out += fmt::format("{}: {} error{}{} in the input\n", p.red("error"), errors, errors == 1 ? "" : "s",
                       warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
  return out;
}

std::string text_verdicts(const SourceManager& sm, const ir::Program& prog, const std::vector<Verdict>& verdicts, const Style& st) {
  Paint p{st};
  std::string out;
  std::size_t n_conflict = 0, n_ok = 0, n_undecided = 0, n_gaps = 0;
  for (const auto& v : verdicts) {
    const std::string who = subject_name(prog, v.subject);
    std::string title;
    if (v.subject >= 0) title = fmt::format(" \"{}\"", prog.rulesets[static_cast<std::size_t>(v.subject)].title);
    std::string scen = v.scenario >= 0 ? fmt::format(" under scenario `{}`", prog.scenarios[static_cast<std::size_t>(v.scenario)].name) : "";
    out += p.bold(fmt::format("checking {}{} at {}{}", who, title, ir::format_date(v.at), scen)) + "\n\n";
    for (const auto& f : v.findings) {
      const auto& n = prog.norms[static_cast<std::size_t>(f.norm >= 0 ? f.norm : 0)];
      std::string msg;
      Span primary = n.body_span;
      if (f.kind == FindingKind::conflict) {
        msg = fmt::format("{} conflicts with `{}`: {}", who, n.id, n.title);
        if (!f.clauses.empty()) primary = f.clauses.front().span;
      } else if (f.kind == FindingKind::gap) {
        msg = fmt::format("the law is silent: `{}` cannot be decided for some cases", n.id);
      } else {
        msg = f.norm >= 0 ? fmt::format("undecided whether {} complies with `{}`", who, n.id) : "undecided";
      }
      out += header(p, f.severity, f.code, msg);
      out += arrow(sm, primary, "");
      out += snippet(sm, primary, p, f.severity);
      if (f.norm >= 0) {
        out += fmt::format("   = {}: `{}` \"{}\" — {}, at {}\n", p.bold("norm"), n.id, n.title, instrument_line(prog, n),
                           location(sm, n.body_span));
      }
      if (f.kind == FindingKind::undecided) out += fmt::format("   = {}: {}\n", p.bold("reason"), f.reason);
      if (f.kind == FindingKind::gap) out += fmt::format("   = {}: {}\n", p.bold("gap"), f.reason);
      if (!f.witness.cases.empty()) out += fmt::format("   = {}: {}\n", p.bold("witness"), witness_text(f.witness));
      for (const auto& wv : f.witness.world)
        if (wv.relevant) out += fmt::format("   = {}: {} = {}\n", p.bold("world"), wv.name, wv.value);
      for (const auto& o : f.witness.outcomes) out += fmt::format("   = {}: {} = {}\n", p.bold("outcome"), o.name, o.value);
      for (std::size_t i = 0; i < f.clauses.size(); ++i) {
        const auto& c = f.clauses[i];
        if (i == 0 && c.span == primary) continue;
        const auto& rs = prog.rulesets[static_cast<std::size_t>(c.ruleset)];
        out += fmt::format("   = {}: {} `{}`: {} at {}\n", p.bold("involved"), rs.measure ? "measure" : "rule", rs.id,
                           clause_text(sm, c), location(sm, c.span));
      }
      if (!f.precedence.empty()) out += fmt::format("   = {}: {}\n", p.bold("precedence"), f.precedence);
      out += "\n";
    }
    for (const auto& r : v.relies_on) {
      std::vector<std::string> ds;
      for (int d : r.derogations) ds.push_back("`" + prog.norms[static_cast<std::size_t>(d)].id + "`");
      out += fmt::format("{}: complies with `{}` only by relying on the derogation {}\n", p.cyan("note"),
                         prog.norms[static_cast<std::size_t>(r.norm)].id, fmt::join(ds, ", "));
    }
    for (int n : v.preexisting)
      out += fmt::format("{}: current law already conflicts with `{}`; this measure does not change that\n", p.cyan("note"),
                         prog.norms[static_cast<std::size_t>(n)].id);
    for (const auto& n : v.notes) out += fmt::format("{}: {}\n", p.cyan("note"), n);
    std::size_t errors = 0, warnings = 0, gaps = 0, undecided = 0;
    for (const auto& f : v.findings) {
      if (f.kind == FindingKind::gap) ++gaps;
      else if (f.kind == FindingKind::undecided) ++undecided;
      else if (f.severity == Severity::error) ++errors;
      else ++warnings;
    }
    std::string status;
    switch (v.status) {
      case Status::compliant: status = p.green("compliant"); ++n_ok; break;
      case Status::conflict: status = p.red("conflict"); ++n_conflict; break;
      case Status::gaps: status = p.yellow("gaps"); ++n_gaps; break;
      case Status::undecided: status = p.yellow("undecided"); ++n_undecided; break;
    }
    out += fmt::format("{}: {} ({} norm{} checked; {} conflict{}, {} warning{}, {} gap{}, {} undecided)\n\n",
                       p.bold("verdict for " + who), status, v.norms_checked, v.norms_checked == 1 ? "" : "s", errors,
                       errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", gaps, gaps == 1 ? "" : "s", undecided);
  }
  out += fmt::format("{} checked: {} compliant, {} in conflict, {} with gaps, {} undecided\n",
                     verdicts.size() == 1 ? "1 subject" : fmt::format("{} subjects", verdicts.size()), n_ok, n_conflict, n_gaps,
                     n_undecided);
  return out;
}

std::string text_expectations(const SourceManager& sm, const ir::Program& prog, const std::vector<ExpectResult>& results,
                              const Style& st) {
  Paint p{st};
  std::string out;
  std::size_t passed = 0, failed = 0;
  for (const auto& r : results) {
    const auto& e = prog.expects[static_cast<std::size_t>(r.expect)];
    if (r.passed) {
      ++passed;
      out += fmt::format("{} {} ({})\n", p.green("PASS"), r.description, location(sm, e.span));
    } else {
      ++failed;
      out += fmt::format("{} {} ({}): {}\n", r.undecided ? p.yellow("UNDECIDED") : p.red("FAIL"), r.description,
                         location(sm, e.span), r.message);
    }
  }
  out += fmt::format("{} passed, {} failed\n", passed, failed);
  return out;
}

namespace {

std::string element_text(const SourceManager& sm, const ir::Program& prog, int subject, const Element& e) {
  const auto& m = prog.rulesets[static_cast<std::size_t>(subject)];
  switch (e.kind) {
    case Element::norm: {
      const auto& n = prog.norms[static_cast<std::size_t>(e.index)];
      return fmt::format("norm `{}` \"{}\" — {}", n.id, n.title, instrument_line(prog, n));
    }
    case Element::define: {
      const auto& d = m.defines[static_cast<std::size_t>(e.index)];
      return fmt::format("`{}` at {}", clause_text(sm, ClauseRef{subject, e.index, -1, d.span}), location(sm, d.span));
    }
    case Element::invoke: {
      const auto& i = m.invokes[static_cast<std::size_t>(e.index)];
      return fmt::format("`invoke {}` at {}", prog.norms[static_cast<std::size_t>(i.derogation)].id, location(sm, i.span));
    }
    case Element::derogation: {
      const auto& n = prog.norms[static_cast<std::size_t>(e.index)];
      return fmt::format("not invoking the derogation `{}` \"{}\" ({})", n.id, n.title, n.article);
    }
  }
  return "";
}

}  // namespace

std::string text_explanations(const SourceManager& sm, const ir::Program& prog, const std::vector<Explanation>& exs, const Style& st) {
  Paint p{st};
  std::string out;
  for (const auto& ex : exs) {
    const auto& m = prog.rulesets[static_cast<std::size_t>(ex.subject)];
    const std::string scen = ex.verdict.scenario >= 0
                                 ? fmt::format(" under scenario `{}`", prog.scenarios[static_cast<std::size_t>(ex.verdict.scenario)].name)
                                 : "";
    out += p.bold(fmt::format("explaining measure `{}` \"{}\" at {}{}", m.id, m.title, ir::format_date(ex.at), scen)) + "\n\n";
    if (ex.conflicts.empty() && ex.repairs.empty()) {
      for (const auto& n : ex.notes) out += fmt::format("{}: {}\n", p.cyan("note"), n);
      out += "\n";
      continue;
    }
    // minimal conflicts, grouped by the norms they involve
    std::map<std::vector<int>, std::vector<const MinimalConflict*>> by_norms;
    for (const auto& c : ex.conflicts) {
      std::vector<int> norms;
      for (int k : c.elements)
        if (ex.elements[static_cast<std::size_t>(k)].kind == Element::norm) norms.push_back(ex.elements[static_cast<std::size_t>(k)].index);
      by_norms[norms].push_back(&c);
    }
    out += p.bold(fmt::format("{} minimal conflict{}", ex.conflicts.size(), ex.conflicts.size() == 1 ? "" : "s")) + "\n";
    std::size_t num = 0;
    for (const auto& [norms, list] : by_norms) {
      std::vector<std::string> ids;
      for (int n : norms) ids.push_back("`" + prog.norms[static_cast<std::size_t>(n)].id + "`");
      out += fmt::format("\n{} {}\n", p.bold("with"), ids.empty() ? std::string("no norm (the clauses alone)") : fmt::format("{}", fmt::join(ids, " and ")));
      for (const auto* c : list) {
        ++num;
        out += fmt::format("  {}. these cannot hold together:\n", num);
        for (int k : c->elements) out += fmt::format("       - {}\n", element_text(sm, prog, ex.subject, ex.elements[static_cast<std::size_t>(k)]));
        if (!c->witness.cases.empty()) out += fmt::format("     witness: {}\n", witness_text(c->witness));
        for (const auto& w : c->witness.world) out += fmt::format("     world: {} = {}\n", w.name, w.value);
      }
    }
    out += "\n" + p.bold(fmt::format("{} minimal repair{}", ex.repairs.size(), ex.repairs.size() == 1 ? "" : "s")) +
           (ex.repairs.empty() ? "" : " (each makes the measure compliant on its own)") + "\n";
    num = 0;
    for (const auto& r : ex.repairs) {
      std::vector<std::string> steps;
      for (int k : r.elements) {
        const auto& e = ex.elements[static_cast<std::size_t>(k)];
        if (e.kind == Element::derogation) {
          const auto& n = prog.norms[static_cast<std::size_t>(e.index)];
          steps.push_back(fmt::format("invoke the derogation `{}` \"{}\" ({})", n.id, n.title, n.article));
        } else {
          steps.push_back("drop " + element_text(sm, prog, ex.subject, e));
        }
      }
      out += fmt::format("  {}. {}\n", ++num, fmt::join(steps, "; and "));
    }
    if (!ex.values.empty()) out += "\n" + p.bold("nearest lawful values") + "\n";
    for (const auto& v : ex.values) {
      const auto& d = m.defines[static_cast<std::size_t>(v.define)];
      const std::string clause = clause_text(sm, ClauseRef{ex.subject, v.define, -1, d.span});
      if (!v.lawful) {
        out += fmt::format("  `{}`: no value of this clause is lawful\n", clause);
        continue;
      }
      std::vector<std::string> bind;
      for (int n : v.binding) {
        const auto& nn = prog.norms[static_cast<std::size_t>(n)];
        bind.push_back(fmt::format("`{}` ({})", nn.id, instrument_line(prog, nn)));
      }
      out += fmt::format("  `{}`: {} conflicts; {} {} is lawful{}\n", clause, v.original, v.direction, *v.lawful,
                         bind.empty() ? "" : fmt::format(", bound by {}", fmt::join(bind, " and ")));
    }
    out += "\n";
    for (const auto& n : ex.notes) out += fmt::format("{}: {}\n", p.cyan("note"), n);
    out += ex.complete ? "the enumeration is complete for the cases found\n\n"
                       : p.yellow("the enumeration stopped at a bound or timeout: more minimal conflicts or repairs may exist") + "\n\n";
  }
  return out;
}

// ---------------- JSON ----------------

namespace {

json span_json(const SourceManager& sm, const Span& s) {
  json j = json::object();
  if (!s.valid()) return j;
  const LineCol b = sm.start(s);
  const LineCol e = sm.line_col(s.file, s.end);
  j["file"] = sm.file(s.file).path;
  j["line"] = b.line;
  j["column"] = b.column;
  j["end_line"] = e.line;
  j["end_column"] = e.column;
  return j;
}

json diag_json(const SourceManager& sm, const Diagnostic& d) {
  json j;
  j["code"] = d.code;
  j["severity"] = severity_name(d.severity);
  j["message"] = d.message;
  json loc = span_json(sm, d.span);
  if (loc.empty() && !d.path.empty()) loc["file"] = d.path;
  j["location"] = loc;
  json labels = json::array();
  for (const auto& l : d.labels) labels.push_back({{"message", l.message}, {"location", span_json(sm, l.span)}});
  j["labels"] = labels;
  j["notes"] = d.notes;
  j["help"] = d.help ? json(*d.help) : json(nullptr);
  return j;
}

json diags_json(const SourceManager& sm, const std::vector<Diagnostic>& diags) {
  json a = json::array();
  for (const auto& d : diags) a.push_back(diag_json(sm, d));
  return a;
}

json norm_json(const SourceManager& sm, const ir::Program& prog, int ni) {
  const auto& n = prog.norms[static_cast<std::size_t>(ni)];
  json j;
  j["id"] = n.id;
  j["title"] = n.title;
  if (n.instrument >= 0) {
    const auto& in = prog.instruments[static_cast<std::size_t>(n.instrument)];
    j["instrument"] = in.id;
    j["instrument_title"] = in.title;
    j["level"] = in.level.name;
    j["url"] = in.url.empty() ? json(nullptr) : json(in.url);
  }
  j["article"] = n.article;
  j["modality"] = n.modality ? ir::modality_text(*n.modality) : "";
  j["location"] = span_json(sm, n.body_span);
  return j;
}

json witness_json(const Witness& w) {
  json j;
  json cases = json::array();
  for (const auto& c : w.cases) {
    json fields = json::object();
    for (const auto& f : c.fields) fields[f.name] = f.value;
    cases.push_back({{"var", c.var}, {"type", c.type}, {"fields", fields}});
  }
  j["cases"] = cases;
  json world = json::object();
  for (const auto& f : w.world) world[f.name] = f.value;
  j["world"] = world;
  json outcomes = json::array();
  for (const auto& o : w.outcomes) outcomes.push_back({{"decision", o.name}, {"value", o.value}});
  j["outcomes"] = outcomes;
  return j;
}

json verdict_json(const SourceManager& sm, const ir::Program& prog, const Verdict& v) {
  json j;
  if (v.subject >= 0) {
    const auto& m = prog.rulesets[static_cast<std::size_t>(v.subject)];
    j["subject"] = {{"kind", "measure"}, {"id", m.id}, {"title", m.title}, {"level", m.level.name},
                    {"effective", m.effective ? json(ir::format_date(*m.effective)) : json(nullptr)},
                    {"cites", m.cites}, {"location", span_json(sm, m.span)}};
  } else {
    j["subject"] = {{"kind", "current_law"}};
  }
  j["at"] = ir::format_date(v.at);
  j["scenario"] = v.scenario >= 0 ? json(prog.scenarios[static_cast<std::size_t>(v.scenario)].name) : json(nullptr);
  j["status"] = status_name(v.status);
  j["norms_checked"] = v.norms_checked;
  json findings = json::array();
  for (const auto& f : v.findings) {
    json x;
    x["kind"] = f.kind == FindingKind::conflict ? "conflict" : f.kind == FindingKind::gap ? "gap" : "undecided";
    x["severity"] = severity_name(f.severity);
    x["code"] = f.code;
    x["norm"] = f.norm >= 0 ? norm_json(sm, prog, f.norm) : json(nullptr);
    json clauses = json::array();
    for (const auto& c : f.clauses) {
      const auto& rs = prog.rulesets[static_cast<std::size_t>(c.ruleset)];
      clauses.push_back({{"owner", rs.id}, {"owner_kind", rs.measure ? "measure" : "rule"},
                         {"clause", c.define >= 0 ? "define" : "invoke"}, {"text", clause_text(sm, c)},
                         {"location", span_json(sm, c.span)}});
    }
    x["clauses"] = clauses;
    x["witness"] = witness_json(f.witness);
    x["precedence"] = f.precedence.empty() ? json(nullptr) : json(f.precedence);
    x["reason"] = f.reason.empty() ? json(nullptr) : json(f.reason);
    findings.push_back(x);
  }
  j["findings"] = findings;
  json rel = json::array();
  for (const auto& r : v.relies_on) {
    json ds = json::array();
    for (int d : r.derogations) ds.push_back(prog.norms[static_cast<std::size_t>(d)].id);
    rel.push_back({{"norm", prog.norms[static_cast<std::size_t>(r.norm)].id}, {"derogations", ds}});
  }
  j["relies_on"] = rel;
  json pre = json::array();
  for (int n : v.preexisting) pre.push_back(prog.norms[static_cast<std::size_t>(n)].id);
  j["preexisting_conflicts"] = pre;
  j["notes"] = v.notes;
  return j;
}

json envelope(const char* command) {
  json j;
  j["schema_version"] = kSchemaVersion;
  j["tool"] = {{"name", "normcheck"}, {"version", kToolVersion}};
  j["command"] = command;
  return j;
}

}  // namespace

namespace detail {
json span_json(const SourceManager& sm, const Span& s) { return render::span_json(sm, s); }
json diags_json(const SourceManager& sm, const std::vector<Diagnostic>& diags) { return render::diags_json(sm, diags); }
json envelope(const char* command) { return render::envelope(command); }
}  // namespace detail
std::string json_feasibility(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                             const std::vector<Feasibility>& fs) {
  json j = envelope("feasibility");
  j["diagnostics"] = diags_json(sm, diags);
  json rs = json::array();
  std::map<std::string, int> counts{{"feasible", 0}, {"infeasible", 0}, {"undecided", 0}};
  if (prog) {
    if (prog->horizon)
      j["horizon"] = {{"from", ir::format_month(prog->horizon->first)}, {"until", ir::format_month(prog->horizon->last)}};
    for (const auto& f : fs) {
      json r;
      r["subject"] = f.subject < 0 ? json("current_law") : json(prog->rulesets[static_cast<std::size_t>(f.subject)].id);
      r["scenario"] = prog->scenarios[static_cast<std::size_t>(f.scenario)].name;
      r["status"] = feasibility_status_name(f.status);
      counts[feasibility_status_name(f.status)]++;
      r["first_failing_month"] = f.first_failing ? json(ir::format_month(*f.first_failing)) : json(nullptr);
      r["failing"] = f.failing;
      json b = json::array();
      for (const auto& x : f.binding) b.push_back({{"kind", x.kind}, {"text", x.label}, {"location", span_json(sm, x.span)}});
      r["binding"] = b;
      json ex = json::array();
      for (const auto& e : f.extra) {
        json x;
        x["capacity"] = prog->capacity_name(e.capacity);
        x["restores"] = e.undecided ? json(nullptr) : json(e.restores);
        x["amount_per_month"] = e.restores && !e.undecided ? json(e.amount) : json(nullptr);
        x["from"] = e.restores && !e.undecided ? json(ir::format_month(e.from)) : json(nullptr);
        ex.push_back(x);
      }
      r["extra_capacity"] = ex;
      json st = json::array();
      for (const auto& tr : f.stocks) {
        json s;
        s["stock"] = prog->stocks[static_cast<std::size_t>(tr.stock)].name;
        json ms = json::array();
        for (std::size_t t = 0; t < tr.months.size(); ++t) {
          const auto& m = tr.months[t];
          ms.push_back({{"month", ir::format_month(prog->horizon->first + static_cast<int>(t))},
                        {"inflow", m.inflow},
                        {"outflow", m.outflow},
                        {"level", m.level},
                        {"capacity", m.capacity},
                        {"wait_limit", m.wait_limit ? json(*m.wait_limit) : json(nullptr)},
                        {"level_limit", m.level_limit ? json(*m.level_limit) : json(nullptr)}});
        }
        s["months"] = ms;
        st.push_back(s);
      }
      r["stocks"] = st;
      r["reason"] = f.reason.empty() ? json(nullptr) : json(f.reason);
      rs.push_back(r);
    }
  }
  j["results"] = rs;
  j["summary"] = {{"results", fs.size()}, {"feasible", counts["feasible"]}, {"infeasible", counts["infeasible"]}, {"undecided", counts["undecided"]}};
  return j.dump(2) + "\n";
}

std::string json_plan(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags, const Plan* p) {
  json j = envelope("plan");
  j["diagnostics"] = diags_json(sm, diags);
  if (prog && p) {
    j["status"] = p->status == PlanStatus::planned ? "planned" : p->status == PlanStatus::impossible ? "impossible" : "undecided";
    json es = json::array();
    for (const auto& e : p->entries)
      es.push_back({{"measure", prog->rulesets[static_cast<std::size_t>(e.measure)].id}, {"quarter", ir::format_month(e.quarter)}});
    j["order"] = es;
    json why = json::array();
    for (const auto& b : p->why) why.push_back({{"kind", b.kind}, {"text", b.label}, {"location", span_json(sm, b.span)}});
    j["why"] = why;
    json load = json::array();
    for (const auto& [o, l] : p->load) {
      json q = json::array();
      for (std::size_t k = 0; k < l.size(); ++k) q.push_back({{"quarter", ir::format_month(p->quarters[k])}, {"fte_months", l[k]}});
      load.push_back({{"organisation", prog->organisations[static_cast<std::size_t>(o)].name}, {"quarters", q}});
    }
    j["load"] = load;
    j["reason"] = p->reason.empty() ? json(nullptr) : json(p->reason);
  } else {
    j["status"] = nullptr;
  }
  return j.dump(2) + "\n";
}

std::string json_check(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::vector<Verdict>& verdicts) {
  json j = envelope("check");
  j["diagnostics"] = diags_json(sm, diags);
  json vs = json::array();
  std::map<std::string, int> counts{{"compliant", 0}, {"conflict", 0}, {"gaps", 0}, {"undecided", 0}};
  if (prog)
    for (const auto& v : verdicts) {
      vs.push_back(verdict_json(sm, *prog, v));
      counts[status_name(v.status)]++;
    }
  j["verdicts"] = vs;
  j["summary"] = {{"subjects", verdicts.size()}, {"compliant", counts["compliant"]}, {"conflict", counts["conflict"]},
                  {"gaps", counts["gaps"]}, {"undecided", counts["undecided"]}};
  return j.dump(2) + "\n";
}

std::string json_explain(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                         const std::vector<Explanation>& exs) {
  json j = envelope("explain");
  j["diagnostics"] = diags_json(sm, diags);
  json out = json::array();
  if (prog)
    for (const auto& ex : exs) {
      const auto& m = prog->rulesets[static_cast<std::size_t>(ex.subject)];
      json x;
      x["measure"] = m.id;
      x["at"] = ir::format_date(ex.at);
      x["status"] = status_name(ex.verdict.status);
      json els = json::array();
      for (const auto& e : ex.elements) {
        json el;
        switch (e.kind) {
          case Element::norm:
            el = {{"kind", "norm"}, {"norm", norm_json(sm, *prog, e.index)}};
            break;
          case Element::define: {
            const auto& d = m.defines[static_cast<std::size_t>(e.index)];
            el = {{"kind", "define"}, {"text", clause_text(sm, ClauseRef{ex.subject, e.index, -1, d.span})}, {"location", span_json(sm, d.span)}};
            break;
          }
          case Element::invoke: {
            const auto& i = m.invokes[static_cast<std::size_t>(e.index)];
            el = {{"kind", "invoke"}, {"derogation", prog->norms[static_cast<std::size_t>(i.derogation)].id}, {"location", span_json(sm, i.span)}};
            break;
          }
          case Element::derogation:
            el = {{"kind", "uninvoked_derogation"}, {"derogation", prog->norms[static_cast<std::size_t>(e.index)].id},
                  {"article", prog->norms[static_cast<std::size_t>(e.index)].article}};
            break;
        }
        els.push_back(el);
      }
      x["elements"] = els;
      json cs = json::array();
      for (const auto& c : ex.conflicts) cs.push_back({{"elements", c.elements}, {"witness", witness_json(c.witness)}});
      x["minimal_conflicts"] = cs;
      json rs = json::array();
      for (const auto& r : ex.repairs) rs.push_back({{"elements", r.elements}, {"verified", r.verified}});
      x["repairs"] = rs;
      json vs = json::array();
      for (const auto& v : ex.values) {
        json b = json::array();
        for (int n : v.binding) b.push_back(prog->norms[static_cast<std::size_t>(n)].id);
        vs.push_back({{"define", clause_text(sm, ClauseRef{ex.subject, v.define, -1, m.defines[static_cast<std::size_t>(v.define)].span})},
                      {"original", v.original}, {"lawful", v.lawful ? json(*v.lawful) : json(nullptr)},
                      {"direction", v.direction}, {"binding", b}});
      }
      x["nearest_values"] = vs;
      x["complete"] = ex.complete;
      x["notes"] = ex.notes;
      out.push_back(x);
    }
  j["explanations"] = out;
  return j.dump(2) + "\n";
}

namespace {
std::string question_text(const ValueQuestion& q, const ir::Day at) {
  return fmt::format("the {} lawful value of `{}`{}{} at {}", q.goal == Goal::maximize ? "largest" : "smallest", q.call,
                     q.where.empty() ? "" : " where " + q.where, q.measure.empty() ? "" : " on top of measure `" + q.measure + "`",
                     ir::format_date(at));
}
// A score in millionths, written as the rule file would: `-1.5`, `24`.
std::string score_text(std::int64_t micros) {
  const bool neg = micros < 0;
  const std::uint64_t v = neg ? 0 - static_cast<std::uint64_t>(micros) : static_cast<std::uint64_t>(micros);
  std::string out = (neg ? "-" : "") + std::to_string(v / 1000000);
  std::string frac = fmt::format("{:06}", v % 1000000);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? out : out + "." + frac;
}

std::string scores_text(const std::vector<Objective>& objectives, const std::vector<std::int64_t>& scores) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < objectives.size() && k < scores.size(); ++k) parts.push_back(objectives[k].score + " = " + score_text(scores[k]));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string combination_text(const ir::RuleSet& m, const std::vector<int>& choices) {
  std::vector<std::string> parts;
  for (std::size_t o = 0; o < m.options.size(); ++o)
    parts.push_back(fmt::format("{} = {}", m.options[o].name, m.options[o].choices[static_cast<std::size_t>(choices[o])].name));
  return fmt::format("{}", fmt::join(parts, ", "));
}
}  // namespace

std::string text_explore_value(const ValueQuestion& q, const ValueAnswer& a, const Style& st) {
  Paint p{st};
  std::string out = p.bold("exploring " + question_text(q, a.at)) + "\n\n";
  const auto& o = a.optimum;
  if (o.undecided) out += p.yellow("undecided") + ": the solver could not settle it within the limits\n";
  else if (o.infeasible) out += p.red("no lawful value") + ": every value conflicts with a norm in force\n";
  else if (o.unbounded) out += fmt::format("{}: no norm in force bounds it (checked up to a billion units)\n", p.green("unbounded"));
  else {
    out += fmt::format("{} {} value: {}\n", p.green(q.goal == Goal::maximize ? "largest" : "smallest"), "lawful", *o.value);
    for (const auto& b : a.binding) out += fmt::format("   = {}: {}\n", p.bold("bound by"), b);
  }
  return out;
}

std::string json_explore_value(const SourceManager& sm, const std::vector<Diagnostic>& diags, const ValueQuestion& q, const ValueAnswer* a) {
  json j = envelope("explore");
  j["diagnostics"] = diags_json(sm, diags);
  if (a) {
    json b = json::array();
    for (const auto& n : a->optimum.binding) b.push_back(n);
    j["value"] = {{"goal", q.goal == Goal::maximize ? "max" : "min"}, {"decision", q.call}, {"where", q.where.empty() ? json(nullptr) : json(q.where)},
                  {"measure", q.measure.empty() ? json(nullptr) : json(q.measure)}, {"at", ir::format_date(a->at)},
                  {"result", a->optimum.undecided ? "undecided" : a->optimum.infeasible ? "infeasible" : a->optimum.unbounded ? "unbounded" : "bounded"},
                  {"value", a->optimum.value ? json(*a->optimum.value) : json(nullptr)}, {"binding", a->binding}};
  }
  return j.dump(2) + "\n";
}

std::string text_explore_options(const ir::Program& prog, const OptionsAnswer& a, const Style& st) {
  Paint p{st};
  const auto& m = prog.rulesets[static_cast<std::size_t>(a.subject)];
  std::string out = p.bold(fmt::format("exploring the options of measure `{}` \"{}\" at {}", m.id, m.title, ir::format_date(a.at))) + "\n\n";
  out += fmt::format("{} option{}, {} combination{}; {} checked, {} lawful{}\n\n", m.options.size(), m.options.size() == 1 ? "" : "s", a.total,
                     a.total == 1 ? "" : "s", a.checked, a.lawful, a.stopped ? " (stopped at --limit: more may exist)" : "");
  auto scores = [&](const Combination& c) { return a.objectives.empty() ? std::string() : " (" + scores_text(a.objectives, c.scores) + ")"; };
  for (const auto& c : a.lawful_list) out += fmt::format("  {} {}{}\n", p.green("lawful  "), combination_text(m, c.choices), scores(c));
  for (const auto& c : a.unlawful_list) {
    std::vector<std::string> ns;
    for (int n : c.conflicts) ns.push_back("`" + prog.norms[static_cast<std::size_t>(n)].id + "`");
    out += fmt::format("  {} {}{}{}\n", c.status == Status::undecided ? p.yellow("undecided") : c.status == Status::gaps ? p.yellow("gaps    ") : p.red("conflict"),
                       combination_text(m, c.choices), scores(c), ns.empty() ? "" : fmt::format(" — conflicts with {}", fmt::join(ns, ", ")));
  }
  if (!a.objectives.empty()) {
    std::vector<std::string> goals;
    for (const auto& o : a.objectives) goals.push_back(fmt::format("{} {}", o.maximize ? "max" : "min", o.score));
    out += "\n" + p.bold(fmt::format("Pareto front ({}) of the {} lawful combination{}{}: {} not dominated", fmt::join(goals, ", "), a.lawful,
                                      a.lawful == 1 ? "" : "s", a.stopped ? " checked so far" : "", a.front.size())) + "\n";
    for (std::size_t i : a.front) {
      const auto& c = a.lawful_list[i];
      out += fmt::format("  {}  {}\n", scores_text(a.objectives, c.scores), combination_text(m, c.choices));
    }
    if (a.front.empty()) out += "  (no lawful combination)\n";
  }
  return out;
}

std::string json_explore_options(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                                 const OptionsAnswer* a) {
  json j = envelope("explore");
  j["diagnostics"] = diags_json(sm, diags);
  if (prog && a) {
    const auto& m = prog->rulesets[static_cast<std::size_t>(a->subject)];
    auto choices_json = [&](const Combination& c) {
      json choice = json::object();
      for (std::size_t o = 0; o < m.options.size(); ++o) choice[m.options[o].name] = m.options[o].choices[static_cast<std::size_t>(c.choices[o])].name;
      return choice;
    };
    // scores as decimal strings, exact as written in the rule files
    auto scores_json = [&](const Combination& c) {
      json sc = json::object();
      for (std::size_t k = 0; k < a->objectives.size() && k < c.scores.size(); ++k) sc[a->objectives[k].score] = score_text(c.scores[k]);
      return sc;
    };
    json combos = json::array();
    auto add = [&](const Combination& c) {
      json ns = json::array();
      for (int n : c.conflicts) ns.push_back(prog->norms[static_cast<std::size_t>(n)].id);
      json row = {{"choices", choices_json(c)}, {"status", status_name(c.status)}, {"conflicts", ns}};
      if (!a->objectives.empty()) row["scores"] = scores_json(c);
      combos.push_back(std::move(row));
    };
    for (const auto& c : a->lawful_list) add(c);
    for (const auto& c : a->unlawful_list) add(c);
    j["options"] = {{"measure", m.id}, {"at", ir::format_date(a->at)}, {"total", a->total}, {"checked", a->checked},
                    {"lawful", a->lawful}, {"stopped", a->stopped}, {"combinations", combos}};
    if (!a->objectives.empty()) {
      json obj = json::array(), front = json::array();
      for (const auto& o : a->objectives) obj.push_back({{"score", o.score}, {"goal", o.maximize ? "max" : "min"}});
      for (std::size_t i : a->front) front.push_back({{"choices", choices_json(a->lawful_list[i])}, {"scores", scores_json(a->lawful_list[i])}});
      j["options"]["pareto"] = {{"objectives", obj}, {"front", front}};
    }
  }
  return j.dump(2) + "\n";
}

std::string json_lint(const SourceManager& sm, const std::vector<Diagnostic>& diags) {
  json j = envelope("lint");
  j["diagnostics"] = diags_json(sm, diags);
  std::size_t warnings = 0;
  for (const auto& d : diags) warnings += d.severity == Severity::warning ? 1 : 0;
  j["summary"] = {{"warnings", warnings}, {"errors", diags.size() - warnings}};
  return j.dump(2) + "\n";
}

std::string json_test(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                      const std::vector<ExpectResult>& results) {
  json j = envelope("test");
  j["diagnostics"] = diags_json(sm, diags);
  json rs = json::array();
  std::size_t passed = 0;
  if (prog)
    for (const auto& r : results) {
      const auto& e = prog->expects[static_cast<std::size_t>(r.expect)];
      rs.push_back({{"expectation", r.description}, {"passed", r.passed}, {"undecided", r.undecided}, {"at", ir::format_date(r.at)},
                    {"message", r.message.empty() ? json(nullptr) : json(r.message)}, {"location", span_json(sm, e.span)}});
      if (r.passed) ++passed;
    }
  j["results"] = rs;
  j["summary"] = {{"passed", passed}, {"failed", results.size() - passed}};
  return j.dump(2) + "\n";
}

namespace detail {
// For the renderers in other files (render_diff.cpp).
std::string location_text(const SourceManager& sm, const Span& s) { return location(sm, s); }
std::string json_prelude(const SourceManager& sm, const char* command, const std::vector<Diagnostic>& diags) {
  json j = envelope(command);
  j["diagnostics"] = diags_json(sm, diags);
  return j.dump();
}
std::string span_json_text(const SourceManager& sm, const Span& s) { return span_json(sm, s).dump(); }
}  // namespace detail

}  // namespace normcheck::render
