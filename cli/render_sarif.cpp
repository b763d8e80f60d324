// SARIF 2.1.0 for code scanning (docs/ci.md): one run, one reporting
// descriptor per norm and per diagnostic code that occurs, results with
// physical locations relative to the current directory (uriBaseId SRCROOT).
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render.h"
#include "render_detail.h"

namespace normcheck::render {
namespace {

using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr const char* kSarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char* kRootId = "SRCROOT";

struct CodeInfo {
  const char* code;
  const char* summary;
};

// One line per code of docs/diagnostics.md; a unit test keeps the two equal.
constexpr CodeInfo kCodes[] = {
    {"E0001", "unexpected character"},
    {"E0002", "unterminated string"},
    {"E0003", "syntax error"},
    {"E0004", "an instrument field given twice"},
    {"E0005", "nesting too deep"},
    {"E0006", "a clause that may appear once is repeated"},
    {"E0007", "a control character inside a string"},
    {"E0100", "too many syntax errors in one file"},
    {"E0101", "file larger than the limit"},
    {"E0102", "NUL byte: a binary file"},
    {"E0103", "invalid UTF-8"},
    {"E0104", "file contains no declarations"},
    {"E0201", "a name declared twice"},
    {"E0202", "unknown name"},
    {"E0203", "an enum value that belongs to several enums, written bare"},
    {"E0204", "no such field, or no such enum value"},
    {"E0205", "a name of the wrong kind"},
    {"E0206", "an expectation names a rule or a derogation where a measure or norm is needed"},
    {"E0207", "invoke of a norm that is not a derogation"},
    {"E0301", "unknown unit"},
    {"E0302", "type or unit mismatch"},
    {"E0303", "number too large"},
    {"E0304", "a pattern that is not a value of the parameter's enum"},
    {"E0306", "a case used where a value is needed"},
    {"E0308", "a derogation quantifies over other cases than the norm it relaxes"},
    {"E0309", "a rule or measure defines a fact"},
    {"E0310", "wrong number of arguments"},
    {"E0311", "a definition depends on itself"},
    {"E0401", "invalid date"},
    {"E0402", "an empty or inverted period"},
    {"E0403", "instrument without a level"},
    {"E0404", "unknown level"},
    {"E0405", "a norm or rule that cites no source"},
    {"E0406", "a norm without must, must not or may"},
    {"E0407", "misuse of relaxes or of may in a derogation"},
    {"E0408", "a rule with level/effective, or a measure without them"},
    {"E0409", "misuse of option/choice"},
    {"E0410", "the hierarchy declared twice"},
    {"E0501", "a file or directory cannot be read"},
    {"E0502", "import cycle"},
    {"E0503", "importing a directory"},
    {"E0504", "too many files"},
    {"E0505", "a directory without .norm files"},
    {"E0506", "fmt: a file cannot be written"},
    {"E0890", "report: the HTML file cannot be written"},
    {"E0507", "an import or linked file outside the directories given (docs/security.md)"},
    {"E0601", "explore: the decision to explore is unknown, a fact, or not a number"},
    {"E0701", "a capacity construct (stock, series, adjust, wait_within, due_by) without a horizon; the horizon declared twice, ending before it starts, or longer than 50 years"},
    {"E0702", "a capacity figure (capacity, absorbs, initial, series value, waiting time, workload) that is not a whole number of 0 or more (adjust may be negative)"},
    {"E0703", "a month that is not YYYY-MM, or lies outside the horizon; series values whose months do not increase, or a first value with a from after the horizon's start"},
    {"E0704", "ORG.CAPACITY names no capacity of a declared organisation"},
    {"E0705", "stocks and series that do not fit: a stock without inflow_from or served_by, a capacity serving two stocks, a series given twice or feeding no stock, a scenario with series that lacks one for some stock"},
    {"E0706", "misuse of expect ... feasible/infeasible: without under, with at, under a scenario without series, or with no stock declared"},
    {"E0707", "adjust, wait_within, workload or due_by in a rule of current law; a workload on an organisation without absorbs"},
    {"C0001", "conflict with a norm of higher rank"},
    {"C0002", "conflict with a norm of equal rank"},
    {"C0003", "gap: a norm depends on a decision no rule defines for some case"},
    {"C0004", "undecided: the solver answered unknown or ran out of time"},
    {"W0101", "contradictory norms"},
    {"W0102", "vacuous norm"},
    {"W0103", "redundant norm"},
    {"W0104", "a definition that never decides any case"},
    {"W0105", "an unused declaration"},
    {"T0001", "an expectation failed"},
    {"T0002", "an expectation could not be decided"},
};

// Percent-encodes everything but unreserved characters and `/` (RFC 3986).
std::string uri_encode(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : path) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                      c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// An absolute URI as a helpUri accepts it: a scheme, then only characters a URI may hold.
bool absolute_uri(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) return false;
  }
  static const std::string kAllowed = "-._~:/?#[]@!$&'()*+,;=%";
  for (const unsigned char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || kAllowed.find(static_cast<char>(c)) != std::string::npos))
      return false;
  return colon + 1 < s.size();
}

// SARIF §3.11.6: in message text `[`, `]` and `\` are escaped, so that only
// our own embedded links `[text](id)` read as links.
std::string esc(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A result's identity across runs, for code scanning to match alerts: what
// it is about, without line numbers (they move when a file is edited) or the
// check date (current law is checked at today's date). FNV-1a, 64 bits.
json fingerprint(std::initializer_list<std::string_view> parts) {
  std::uint64_t h = 14695981039346656037ull;
  for (const auto part : parts) {
    for (const unsigned char c : part) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0x1F) * 1099511628211ull;
  }
  return {{"normcheck/v1", fmt::format("{:016x}", h)}};
}

std::string sentence(std::string s) {
  if (s.empty() || (s.back() != '.' && s.back() != '?' && s.back() != '!')) s += '.';
  return s;
}

class Writer {
 public:
  Writer(const SourceManager& sm, const ir::Program* prog, const std::string& root) : sm_(sm), prog_(prog) {
    std::error_code ec;
    root_ = root.empty() ? fs::current_path(ec) : fs::path(root);
    root_ = root_.lexically_normal();
    if (!root_.has_filename() && root_ != root_.root_path()) root_ = root_.parent_path();  // `/work/proj/`
  }

  // Reporting descriptors, sorted by id; call before any result.
  void add_norm_rule(int norm) { rule_norms_.emplace(prog_->norms[static_cast<std::size_t>(norm)].id, norm); }
  void add_code_rule(const std::string& code) { rule_codes_.insert(code); }

  json artifact(const std::string& shown_path) const {
    fs::path p(shown_path);
    if (p.is_relative()) p = root_ / p;
    p = p.lexically_normal();
    const fs::path rel = p.lexically_relative(root_);
    if (!rel.empty() && *rel.begin() != ".." && rel != ".")
      return {{"uri", uri_encode(rel.generic_string())}, {"uriBaseId", kRootId}};
    return {{"uri", "file://" + uri_encode(p.generic_string())}};
  }

  json physical(const Span& s) const {
    const LineCol b = sm_.start(s);
    const LineCol e = sm_.line_col(s.file, s.end);
    return {{"artifactLocation", artifact(sm_.file(s.file).path)},
            {"region", {{"startLine", b.line}, {"startColumn", b.column}, {"endLine", e.line}, {"endColumn", e.column}}}};
  }

  json location(const Span& s) const { return {{"physicalLocation", physical(s)}}; }

  // A file named on the command line that could not be read: code scanning
  // needs a line, so the problem is placed at the file's start.
  json whole_file(const std::string& path) const {
    return {{"physicalLocation",
             {{"artifactLocation", artifact(path)}, {"region", {{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 1}}}}}};
  }

  json related(int id, const Span& s, const std::string& message) const {
    json j;
    j["id"] = id;
    j["physicalLocation"] = physical(s);
    j["message"] = {{"text", sentence(esc(message))}};
    return j;
  }

  // Fixes the order of the reporting descriptors; call after the last add_*_rule.
  void freeze() {
    std::set<std::string> ids(rule_codes_.begin(), rule_codes_.end());
    for (const auto& [id, n] : rule_norms_) ids.insert(id);
    order_.assign(ids.begin(), ids.end());
    for (std::size_t k = 0; k < order_.size(); ++k) index_[order_[k]] = k;
  }

  std::size_t rule_index(const std::string& id) const { return index_.at(id); }

  json result(const std::string& rule_id, const char* level, const std::string& text) const {
    json j;
    j["ruleId"] = rule_id;
    j["ruleIndex"] = rule_index(rule_id);
    j["kind"] = "fail";
    j["level"] = level;
    j["message"] = {{"text", text}};
    return j;
  }

  json diagnostic(const Diagnostic& d) const {
    std::string text = sentence(esc(d.message));
    for (std::size_t i = 0; i < d.labels.size(); ++i)
      if (d.labels[i].span.valid()) text += fmt::format(" See [{}]({}).", esc(d.labels[i].message), i + 1);
    for (const auto& n : d.notes) text += " Note: " + sentence(esc(n));
    if (d.help) text += " Help: " + sentence(esc(*d.help));
    json j = result(d.code, d.severity == Severity::error ? "error" : d.severity == Severity::warning ? "warning" : "note", text);
    if (d.span.valid()) j["locations"] = json::array({location(d.span)});
    else if (!d.path.empty()) j["locations"] = json::array({whole_file(d.path)});
    json rel = json::array();
    for (std::size_t i = 0; i < d.labels.size(); ++i)
      if (d.labels[i].span.valid()) rel.push_back(related(static_cast<int>(i + 1), d.labels[i].span, d.labels[i].message));
    if (!rel.empty()) j["relatedLocations"] = rel;
    j["partialFingerprints"] = fingerprint({d.code, d.message, d.span.valid() ? sm_.file(d.span.file).path : d.path});
    return j;
  }

  std::string document(json results, bool successful) const {
    json driver;
    driver["name"] = "normcheck";
    driver["version"] = kToolVersion;
    driver["semanticVersion"] = kToolVersion;
    json rules = json::array();
    for (const auto& id : order_) rules.push_back(rule_json(id));
    driver["rules"] = rules;
    json run;
    run["tool"] = {{"driver", driver}};
    run["originalUriBaseIds"] = {{kRootId, {{"uri", root_uri()}, {"description", {{"text", "The directory normcheck ran in."}}}}}};
    run["invocations"] = json::array({{{"executionSuccessful", successful}}});
    run["columnKind"] = "unicodeCodePoints";
    run["results"] = std::move(results);
    json j;
    j["$schema"] = kSarifSchema;
    j["version"] = "2.1.0";
    j["runs"] = json::array({run});
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  }

  const SourceManager& sm() const { return sm_; }
  const ir::Program* prog() const { return prog_; }

 private:
  std::string root_uri() const {
    std::string s = "file://" + uri_encode(root_.generic_string());
    if (s.back() != '/') s += '/';
    return s;
  }

  json rule_json(const std::string& id) const {
    json r;
    r["id"] = id;
    if (auto it = rule_norms_.find(id); it != rule_norms_.end()) {
      const auto& n = prog_->norms[static_cast<std::size_t>(it->second)];
      r["shortDescription"] = {{"text", sentence(n.title)}};
      r["fullDescription"] = {{"text", sentence(fmt::format("{} — {}", n.title, detail::instrument_line(*prog_, n)))}};
      if (n.body_span.valid())
        r["help"] = {{"text", fmt::format("Norm `{}` \"{}\" — {}, encoded at {}:{}.", n.id, n.title, detail::instrument_line(*prog_, n),
                                          sm_.file(n.body_span.file).path, sm_.start(n.body_span).line)}};
      json props;
      props["kind"] = "norm";
      if (n.instrument >= 0) {
        const auto& in = prog_->instruments[static_cast<std::size_t>(n.instrument)];
        if (absolute_uri(in.url)) r["helpUri"] = in.url;
        props["instrument"] = in.id;
        props["instrument_title"] = in.title;
        props["level"] = in.level.name;
      }
      props["article"] = n.article;
      if (n.modality) props["modality"] = ir::modality_text(*n.modality);
      r["properties"] = props;
    } else {
      const char* summary = code_summary(id);
      std::string text = summary ? summary : id;
      text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
      r["shortDescription"] = {{"text", sentence(text)}};
      r["properties"] = {{"kind", "diagnostic"}};
    }
    return r;
  }

  const SourceManager& sm_;
  const ir::Program* prog_;
  fs::path root_;
  std::map<std::string, int> rule_norms_;
  std::set<std::string> rule_codes_;
  std::vector<std::string> order_;
  std::map<std::string, std::size_t> index_;
};

std::string date_and_scenario(const ir::Program& prog, const Verdict& v) {
  std::string s = ir::format_date(v.at);
  if (v.scenario >= 0) s += fmt::format(" under scenario `{}`", prog.scenarios[static_cast<std::size_t>(v.scenario)].name);
  return s;
}

json finding_result(const Writer& w, const Verdict& v, const Finding& f) {
  const auto& prog = *w.prog();
  const auto& sm = w.sm();
  const std::string who = detail::subject_name(prog, v.subject);
  const ir::Norm* n = f.norm >= 0 ? &prog.norms[static_cast<std::size_t>(f.norm)] : nullptr;
  const std::string link = n ? fmt::format("[{}](1)", esc(n->id)) : "";
  std::string text;
  Span primary = n ? n->body_span : Span{};
  if (f.kind == FindingKind::conflict) {
    text = fmt::format("{} conflicts with {}: {} (at {}).", who, link, esc(n->title), esc(date_and_scenario(prog, v)));
    if (!f.clauses.empty()) primary = f.clauses.front().span;
  } else if (f.kind == FindingKind::gap) {
    text = fmt::format("the law is silent: {} cannot be decided for some cases ({} at {}). Gap: {}", link, who,
                       esc(date_and_scenario(prog, v)), sentence(esc(f.reason)));
  } else if (n) {
    text = fmt::format("undecided whether {} complies with {} (at {}). Reason: {}", who, link, esc(date_and_scenario(prog, v)),
                       sentence(esc(f.reason)));
  } else {
    text = fmt::format("undecided: {} (at {}). Reason: {}", who, esc(date_and_scenario(prog, v)), sentence(esc(f.reason)));
  }
  if (!f.witness.cases.empty()) text += " Witness: " + sentence(esc(detail::witness_text(f.witness)));
  std::vector<std::string> world;
  for (const auto& wv : f.witness.world)
    if (wv.relevant) world.push_back(fmt::format("{} = {}", wv.name, wv.value));
  if (!world.empty()) text += " World: " + sentence(esc(fmt::format("{}", fmt::join(world, ", "))));
  std::vector<std::string> outcomes;
  for (const auto& o : f.witness.outcomes) outcomes.push_back(fmt::format("{} = {}", o.name, o.value));
  if (!outcomes.empty()) text += " Outcome: " + sentence(esc(fmt::format("{}", fmt::join(outcomes, "; "))));
  if (!f.precedence.empty()) text += " Precedence: " + sentence(esc(f.precedence));

  json rel = json::array();
  if (n) rel.push_back(w.related(1, n->body_span, fmt::format("norm `{}` \"{}\" — {}", n->id, n->title, detail::instrument_line(prog, *n))));
  int next = 2;
  for (std::size_t i = 0; i < f.clauses.size(); ++i) {
    const auto& c = f.clauses[i];
    if (i == 0 && c.span == primary) continue;
    const auto& rs = prog.rulesets[static_cast<std::size_t>(c.ruleset)];
    const std::string what = fmt::format("{} `{}`: {}", rs.measure ? "measure" : "rule", rs.id, detail::clause_text(sm, c));
    text += fmt::format(" Involved: [{}]({}).", esc(what), next);
    rel.push_back(w.related(next++, c.span, what));
  }

  json j = w.result(n ? n->id : f.code, f.severity == Severity::error ? "error" : "warning", text);
  if (!primary.valid() && v.subject >= 0) primary = prog.rulesets[static_cast<std::size_t>(v.subject)].span;
  if (primary.valid()) j["locations"] = json::array({w.location(primary)});
  if (!rel.empty()) j["relatedLocations"] = rel;
  const std::string subject = v.subject >= 0 ? prog.rulesets[static_cast<std::size_t>(v.subject)].id : "current_law";
  const std::string scenario = v.scenario >= 0 ? prog.scenarios[static_cast<std::size_t>(v.scenario)].name : "";
  j["partialFingerprints"] = fingerprint({n ? n->id : f.code, f.code, subject, scenario,
                                          primary.valid() ? sm.file(primary.file).path : "", primary.valid() ? sm.text(primary) : ""});
  json props;
  props["code"] = f.code;
  props["finding"] = f.kind == FindingKind::conflict ? "conflict" : f.kind == FindingKind::gap ? "gap" : "undecided";
  props["subject"] = subject;
  props["at"] = ir::format_date(v.at);
  if (!scenario.empty()) props["scenario"] = scenario;
  j["properties"] = props;
  return j;
}

}  // namespace

const char* code_summary(std::string_view code) {
  for (const auto& c : kCodes)
    if (code == c.code) return c.summary;
  return nullptr;
}

std::vector<std::string> known_codes() {
  std::vector<std::string> out;
  for (const auto& c : kCodes) out.emplace_back(c.code);
  return out;
}

std::string sarif_check(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                        const std::vector<Verdict>& verdicts, const std::string& root) {
  Writer w(sm, prog, root);
  for (const auto& d : diags) w.add_code_rule(d.code);
  if (prog)
    for (const auto& v : verdicts)
      for (const auto& f : v.findings) {
        if (f.norm >= 0) w.add_norm_rule(f.norm);
        else w.add_code_rule(f.code);
      }
  w.freeze();
  json results = json::array();
  for (const auto& d : diags) results.push_back(w.diagnostic(d));
  if (prog)
    for (const auto& v : verdicts)
      for (const auto& f : v.findings) results.push_back(finding_result(w, v, f));
  return w.document(std::move(results), prog != nullptr);
}

std::string sarif_test(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::vector<ExpectResult>& results, const std::string& root) {
  Writer w(sm, prog, root);
  for (const auto& d : diags) w.add_code_rule(d.code);
  if (prog)
    for (const auto& r : results)
      if (!r.passed) w.add_code_rule(r.undecided ? "T0002" : "T0001");
  w.freeze();
  json out = json::array();
  for (const auto& d : diags) out.push_back(w.diagnostic(d));
  if (prog)
    for (const auto& r : results) {
      if (r.passed) continue;
      const auto& e = prog->expects[static_cast<std::size_t>(r.expect)];
      std::string text = fmt::format("expectation `{}` {}: {}", esc(r.description), r.undecided ? "undecided" : "failed",
                                     sentence(esc(r.message)));
      json rel = json::array();
      int next = 1;
      if (e.subject >= 0) {
        const auto& m = prog->rulesets[static_cast<std::size_t>(e.subject)];
        const std::string what = fmt::format("measure `{}` \"{}\"", m.id, m.title);
        text += fmt::format(" Subject: [{}]({}).", esc(what), next);
        rel.push_back(w.related(next++, m.span, what));
      }
      if (e.norm >= 0) {
        const auto& n = prog->norms[static_cast<std::size_t>(e.norm)];
        const std::string what = fmt::format("norm `{}` \"{}\" — {}", n.id, n.title, detail::instrument_line(*prog, n));
        text += fmt::format(" Norm: [{}]({}).", esc(what), next);
        rel.push_back(w.related(next++, n.body_span, what));
      }
      json j = w.result(r.undecided ? "T0002" : "T0001", "error", text);
      j["locations"] = json::array({w.location(e.span)});
      if (!rel.empty()) j["relatedLocations"] = rel;
      j["partialFingerprints"] = fingerprint({r.undecided ? "T0002" : "T0001", r.description, sm.file(e.span.file).path});
      j["properties"] = {{"expectation", r.description}, {"at", ir::format_date(r.at)}};
      out.push_back(j);
    }
  return w.document(std::move(out), prog != nullptr);
}

std::string sarif_lint(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags, const std::string& root) {
  Writer w(sm, prog, root);
  for (const auto& d : diags) w.add_code_rule(d.code);
  w.freeze();
  json out = json::array();
  for (const auto& d : diags) out.push_back(w.diagnostic(d));
  return w.document(std::move(out), prog != nullptr);
}

}  // namespace normcheck::render
