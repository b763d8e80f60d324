// `report`: one self-contained HTML file for analysts. Inline CSS with a
// print stylesheet, inline SVG charts, no script and no external resource
// (a Content-Security-Policy says so to the browser too). Rule files are
// untrusted input: every text taken from them is escaped, and an instrument
// `url` becomes a link only when it is http(s).
#include <algorithm>
#include <cctype>
#include <tuple>
#include <map>
#include <set>

#include <fmt/format.h>

#include "render.h"
#include "render_detail.h"

namespace normcheck::render {

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

namespace {

using detail::clause_text;
using detail::witness_text;

std::string esc(const std::string& s) { return html_escape(s); }

bool safe_url(const std::string& u) {
  auto starts = [&](const char* p) {
    const std::string pre(p);
    if (u.size() < pre.size()) return false;
    for (std::size_t i = 0; i < pre.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(u[i])) != pre[i]) return false;
    return true;
  };
  return (starts("https://") || starts("http://")) && u.find_first_of(" \t\r\n\"'<>`") == std::string::npos;
}

std::string loc(const SourceManager& sm, const Span& s) {
  if (!s.valid()) return "";
  const LineCol lc = sm.start(s);
  return fmt::format("{}:{}:{}", sm.file(s.file).path, lc.line, lc.column);
}

std::string subject_anchor(int subject) { return subject < 0 ? "subject-current-law" : fmt::format("subject-{}", subject); }

std::string subject_label(const ir::Program& prog, int subject) {
  return subject < 0 ? std::string("current law") : prog.rulesets[static_cast<std::size_t>(subject)].id;
}

// `Instrument title, art. 24(2) (eu_directive)` with the title linked to the
// instrument's url.
std::string article_html(const ir::Program& prog, const ir::Norm& n) {
  if (n.instrument < 0) return esc(n.article);
  const auto& in = prog.instruments[static_cast<std::size_t>(n.instrument)];
  std::string title = esc(in.title);
  if (safe_url(in.url)) title = fmt::format("<a class=\"instrument\" href=\"{}\">{}</a>", esc(in.url), title);
  return fmt::format("{}, {} <span class=\"muted\">({})</span>", title, esc(n.article), esc(in.level.name));
}

std::string badge(const std::string& status) {
  std::string words = status;
  if (status == "not_yet_in_effect") words = "not yet in effect";
  return fmt::format("<span class=\"badge {}\">{}</span>", esc(status), esc(words));
}

std::string norm_ref(const ir::Program& prog, int ni) {
  const auto& n = prog.norms[static_cast<std::size_t>(ni)];
  return fmt::format("<code>{}</code>", esc(n.id));
}

std::string element_html(const SourceManager& sm, const ir::Program& prog, int subject, const Element& e) {
  const auto& m = prog.rulesets[static_cast<std::size_t>(subject)];
  switch (e.kind) {
    case Element::norm: {
      const auto& n = prog.norms[static_cast<std::size_t>(e.index)];
      return fmt::format("norm {} “{}” — {}", norm_ref(prog, e.index), esc(n.title), article_html(prog, n));
    }
    case Element::define: {
      const auto& d = m.defines[static_cast<std::size_t>(e.index)];
      return fmt::format("the clause <code>{}</code> <span class=\"muted\">at {}</span>",
                         esc(clause_text(sm, ClauseRef{subject, e.index, -1, d.span})), esc(loc(sm, d.span)));
    }
    case Element::invoke: {
      const auto& i = m.invokes[static_cast<std::size_t>(e.index)];
      return fmt::format("<code>invoke {}</code> <span class=\"muted\">at {}</span>", esc(prog.norms[static_cast<std::size_t>(i.derogation)].id),
                         esc(loc(sm, i.span)));
    }
    case Element::derogation: {
      const auto& n = prog.norms[static_cast<std::size_t>(e.index)];
      return fmt::format("not invoking the derogation {} “{}” ({})", norm_ref(prog, e.index), esc(n.title), esc(n.article));
    }
  }
  return "";
}

std::string witness_html(const Witness& w) {
  std::string o;
  if (!w.cases.empty()) o += fmt::format("<dt>Witness case</dt><dd><code>{}</code></dd>\n", esc(witness_text(w)));
  std::vector<std::string> world;
  for (const auto& v : w.world)
    if (v.relevant) world.push_back(fmt::format("<code>{} = {}</code>", esc(v.name), esc(v.value)));
  if (!world.empty()) o += fmt::format("<dt>World</dt><dd>{}</dd>\n", fmt::join(world, ", "));
  std::vector<std::string> out;
  for (const auto& v : w.outcomes) out.push_back(fmt::format("<code>{} = {}</code>", esc(v.name), esc(v.value)));
  if (!out.empty()) o += fmt::format("<dt>Outcomes</dt><dd>{}</dd>\n", fmt::join(out, ", "));
  return o;
}

std::string finding_html(const SourceManager& sm, const ir::Program& prog, const Verdict& v, const Finding& f) {
  const std::string who = subject_label(prog, v.subject);
  std::string o;
  const char* cls = f.kind == FindingKind::conflict ? (f.severity == Severity::error ? "conflict" : "warning")
                    : f.kind == FindingKind::gap   ? "gaps"
                                                   : "undecided";
  o += fmt::format("<div class=\"finding {}\">\n", cls);
  if (f.norm >= 0) {
    const auto& n = prog.norms[static_cast<std::size_t>(f.norm)];
    const std::string what = f.kind == FindingKind::conflict ? "conflicts with"
                             : f.kind == FindingKind::gap    ? "the law is silent on"
                                                             : "undecided against";
    o += fmt::format("<h4><span class=\"code\">[{}]</span> {} {} “{}”</h4>\n", esc(f.code), what, norm_ref(prog, f.norm), esc(n.title));
    o += "<dl>\n";
    o += fmt::format("<dt>Article</dt><dd>{}</dd>\n", article_html(prog, n));
    o += fmt::format("<dt>Norm</dt><dd class=\"muted\">{}</dd>\n", esc(loc(sm, n.body_span)));
  } else {
    o += fmt::format("<h4><span class=\"code\">[{}]</span> undecided</h4>\n<dl>\n", esc(f.code));
  }
  if (!f.reason.empty()) o += fmt::format("<dt>{}</dt><dd>{}</dd>\n", f.kind == FindingKind::gap ? "Gap" : "Reason", esc(f.reason));
  o += witness_html(f.witness);
  if (!f.clauses.empty()) {
    o += "<dt>Clauses involved</dt><dd><ul>\n";
    for (const auto& c : f.clauses) {
      const auto& rs = prog.rulesets[static_cast<std::size_t>(c.ruleset)];
      o += fmt::format("<li>{} <code>{}</code>: <code>{}</code> <span class=\"muted\">at {}</span></li>\n", rs.measure ? "measure" : "rule",
                       esc(rs.id), esc(clause_text(sm, c)), esc(loc(sm, c.span)));
    }
    o += "</ul></dd>\n";
  }
  if (!f.precedence.empty()) o += fmt::format("<dt>Precedence</dt><dd>{}</dd>\n", esc(f.precedence));
  o += "</dl>\n</div>\n";
  (void)who;
  return o;
}

std::string explanation_html(const SourceManager& sm, const ir::Program& prog, const Explanation& ex) {
  std::string o;
  o += fmt::format("<h4>Minimal conflicts ({})</h4>\n", ex.conflicts.size());
  if (!ex.conflicts.empty()) {
    o += "<ol class=\"mus\">\n";
    for (const auto& c : ex.conflicts) {
      o += "<li>these cannot hold together:<ul>\n";
      for (int k : c.elements) o += "<li>" + element_html(sm, prog, ex.subject, ex.elements[static_cast<std::size_t>(k)]) + "</li>\n";
      o += "</ul>";
      if (!c.witness.cases.empty()) o += fmt::format("<p class=\"witness\">witness: <code>{}</code></p>", esc(witness_text(c.witness)));
      o += "</li>\n";
    }
    o += "</ol>\n";
  }
  o += fmt::format("<h4>Minimal repairs ({})</h4>\n", ex.repairs.size());
  if (!ex.repairs.empty()) {
    o += "<p class=\"muted\">Each makes the measure compliant on its own.</p>\n<ol class=\"repairs\">\n";
    for (const auto& r : ex.repairs) {
      std::vector<std::string> steps;
      for (int k : r.elements) {
        const auto& e = ex.elements[static_cast<std::size_t>(k)];
        if (e.kind == Element::derogation) {
          const auto& n = prog.norms[static_cast<std::size_t>(e.index)];
          steps.push_back(fmt::format("invoke the derogation {} “{}” ({})", norm_ref(prog, e.index), esc(n.title), esc(n.article)));
        } else {
          steps.push_back("drop " + element_html(sm, prog, ex.subject, e));
        }
      }
      o += fmt::format("<li>{}{}</li>\n", fmt::join(steps, "; and "), r.verified ? "" : " <span class=\"muted\">(not verified for every case)</span>");
    }
    o += "</ol>\n";
  }
  if (!ex.values.empty()) {
    o += "<h4>Nearest lawful values</h4>\n<ul>\n";
    const auto& m = prog.rulesets[static_cast<std::size_t>(ex.subject)];
    for (const auto& v : ex.values) {
      const auto& d = m.defines[static_cast<std::size_t>(v.define)];
      const std::string clause = clause_text(sm, ClauseRef{ex.subject, v.define, -1, d.span});
      if (!v.lawful) {
        o += fmt::format("<li><code>{}</code>: no value of this clause is lawful</li>\n", esc(clause));
        continue;
      }
      std::vector<std::string> bind;
      for (int n : v.binding) bind.push_back(norm_ref(prog, n));
      o += fmt::format("<li><code>{}</code>: {} conflicts; {} {} is lawful{}</li>\n", esc(clause), esc(v.original), esc(v.direction), esc(*v.lawful),
                       bind.empty() ? "" : fmt::format(", bound by {}", fmt::join(bind, " and ")));
    }
    o += "</ul>\n";
  }
  for (const auto& n : ex.notes) o += fmt::format("<p class=\"note\">note: {}</p>\n", esc(n));
  if (!ex.complete) o += "<p class=\"note\">The enumeration stopped at a bound or timeout: more minimal conflicts or repairs may exist.</p>\n";
  return o;
}

const char* kStyle = R"css(
:root { --fg: #1b1b1b; --muted: #5f6368; --line: #d0d4d9; --bg-alt: #f5f7f9;
  --compliant: #2e7d32; --conflict: #c62828; --gaps: #ef8f00; --undecided: #6a1b9a; --warning: #b26a00; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 1.5rem 2rem 3rem; color: var(--fg); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .4rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; background: var(--bg-alt);
  padding: 0 .25em; border-radius: 3px; overflow-wrap: break-word; }
a { color: #0b57d0; }
.muted { color: var(--muted); }
header p { margin: .2rem 0; }
nav ol { margin: .6rem 0 0; padding-left: 1.4rem; columns: 2; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .55rem; border-bottom: 1px solid var(--line); }
td:first-child { min-width: 11rem; }
td:first-child code { overflow-wrap: normal; word-break: normal; }
td.date { white-space: nowrap; }
thead th { background: var(--bg-alt); border-bottom: 2px solid var(--line); }
tbody tr:nth-child(even) { background: #fafbfc; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .82rem; font-weight: 600; color: #fff; white-space: nowrap; }
.badge.compliant { background: var(--compliant); } .badge.conflict { background: var(--conflict); }
.badge.gaps { background: var(--gaps); } .badge.undecided { background: var(--undecided); }
.badge.not_yet_in_effect { background: #e3e3e3; color: #444; } .badge.no_longer_in_effect { background: #9e9e9e; }
.counts span { margin-right: 1rem; }
.subject { border-top: 1px solid var(--line); padding-top: .2rem; }
.finding { border-left: 4px solid var(--conflict); padding: .3rem 0 .3rem .9rem; margin: .8rem 0; }
.finding.warning { border-color: var(--warning); } .finding.gaps { border-color: var(--gaps); } .finding.undecided { border-color: var(--undecided); }
.finding .code { color: var(--muted); font-weight: normal; }
dl { display: grid; grid-template-columns: 10rem 1fr; gap: .2rem .8rem; margin: .3rem 0; }
dt { font-weight: 600; color: var(--muted); } dd { margin: 0; }
dd ul { margin: 0; padding-left: 1.1rem; }
ol.mus > li, ol.repairs > li { margin-bottom: .4rem; }
.note { color: var(--muted); font-style: italic; }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; padding: .4rem; background: #fff; }
.chart svg { display: block; }
details summary { cursor: pointer; color: var(--muted); margin: .6rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 760px) { body { padding: 1rem; } dl { grid-template-columns: 1fr; } nav ol { columns: 1; } }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, details summary { display: none; }
  details > * { display: block; }
  h2 { break-after: avoid; } h3, h4 { break-after: avoid; }
  .finding, tr, .chart, ol.mus > li, ol.repairs > li { break-inside: avoid; }
  .chart { overflow: visible; border: none; padding: 0; }
  .chart svg { max-width: 100%; height: auto; }
  a { color: inherit; text-decoration: none; }
  a.instrument::after { content: " <" attr(href) ">"; font-size: 8pt; color: var(--muted); overflow-wrap: anywhere; }
  tbody tr:nth-child(even) { background: none; }
}
)css";

}  // namespace

std::string svg_conflict_graph(const ir::Program& prog, const std::vector<Verdict>& verdicts) {
  // Measures (in the order checked) on the left, norms on the right, ordered
  // by the mean position of the measures that conflict with them (then id),
  // which keeps edges short and crossings few.
  struct Edge {
    std::size_t from, to;
    bool error;
  };
  std::vector<int> measures;
  std::vector<int> norms;
  std::vector<std::tuple<std::size_t, int, bool>> raw;  // measure position, norm, error
  for (const auto& v : verdicts) {
    if (v.subject < 0) continue;
    std::set<std::pair<int, bool>> seen;
    for (const auto& f : v.findings)
      if (f.kind == FindingKind::conflict && f.norm >= 0 && seen.insert({f.norm, f.severity == Severity::error}).second) {
        if (measures.empty() || measures.back() != v.subject) measures.push_back(v.subject);
        raw.emplace_back(measures.size() - 1, f.norm, f.severity == Severity::error);
      }
  }
  std::map<int, std::pair<double, std::size_t>> bary;  // norm -> (sum of positions, count)
  for (const auto& [m, n, e] : raw) {
    (void)e;
    bary[n].first += static_cast<double>(m);
    bary[n].second += 1;
  }
  for (const auto& [n, b] : bary) norms.push_back(n);
  std::sort(norms.begin(), norms.end(), [&](int a, int b) {
    const double ma = bary[a].first / static_cast<double>(bary[a].second), mb = bary[b].first / static_cast<double>(bary[b].second);
    if (ma != mb) return ma < mb;
    return prog.norms[static_cast<std::size_t>(a)].id < prog.norms[static_cast<std::size_t>(b)].id;
  });
  std::vector<Edge> edges;
  for (const auto& [m, n, e] : raw)
    edges.push_back({m, static_cast<std::size_t>(std::find(norms.begin(), norms.end(), n) - norms.begin()), e});

  constexpr int kBoxW = 270, kBoxH = 26, kStep = 34, kPad = 12, kMid = 260, kTop = 44;
  const int width = kPad + kBoxW + kMid + kBoxW + kPad;
  const std::size_t rows = std::max<std::size_t>(std::max(measures.size(), norms.size()), 1);
  const int height = kTop + static_cast<int>(rows) * kStep + kPad;
  // Centre the shorter column against the longer one.
  const int off_l = static_cast<int>((rows - measures.size()) * kStep / 2), off_r = static_cast<int>((rows - norms.size()) * kStep / 2);
  auto cut = [](std::string s) {
    if (s.size() <= 36) return s;
    std::size_t c = 35;
    while (c > 0 && (static_cast<unsigned char>(s[c]) & 0xC0) == 0x80) --c;
    return s.substr(0, c) + "…";
  };
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-labelledby=\"cg-title\" font-family=\"sans-serif\" font-size=\"12\">\n",
      width, height);
  o += "<title id=\"cg-title\">conflict graph: measures and the norms they conflict with</title>\n";
  o += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);
  o += fmt::format("<text x=\"{}\" y=\"20\" font-weight=\"bold\">measures</text><text x=\"{}\" y=\"20\" font-weight=\"bold\">norms</text>\n",
                   kPad, kPad + kBoxW + kMid);
  o += fmt::format("<line x1=\"{0}\" y1=\"31\" x2=\"{1}\" y2=\"31\" stroke=\"#c62828\" stroke-width=\"2\"/><text x=\"{2}\" y=\"35\" "
                   "font-size=\"11\">conflict</text>\n",
                   kPad + kBoxW + 20, kPad + kBoxW + 50, kPad + kBoxW + 56);
  o += fmt::format("<line x1=\"{0}\" y1=\"31\" x2=\"{1}\" y2=\"31\" stroke=\"#b26a00\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text "
                   "x=\"{2}\" y=\"35\" font-size=\"11\">equal rank, resolved by precedence</text>\n",
                   kPad + kBoxW + 110, kPad + kBoxW + 140, kPad + kBoxW + 146);
  if (edges.empty()) {
    o += fmt::format("<text x=\"{}\" y=\"{}\">no measure conflicts with a norm</text>\n", kPad, kTop + 16);
    o += "</svg>\n";
    return o;
  }
  for (const auto& e : edges) {
    const int x1 = kPad + kBoxW, y1 = kTop + off_l + static_cast<int>(e.from) * kStep + kBoxH / 2;
    const int x2 = kPad + kBoxW + kMid, y2 = kTop + off_r + static_cast<int>(e.to) * kStep + kBoxH / 2;
    o += fmt::format("<path d=\"M{} {} C{} {} {} {} {} {}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}><title>{} conflicts with {}</title></path>\n",
                     x1, y1, x1 + kMid / 2, y1, x2 - kMid / 2, y2, x2, y2, e.error ? "#c62828" : "#b26a00",
                     e.error ? "" : " stroke-dasharray=\"5 3\"", html_escape(prog.rulesets[static_cast<std::size_t>(measures[e.from])].id),
                     html_escape(prog.norms[static_cast<std::size_t>(norms[e.to])].id));
  }
  for (std::size_t i = 0; i < measures.size(); ++i) {
    const auto& m = prog.rulesets[static_cast<std::size_t>(measures[i])];
    const int y = kTop + off_l + static_cast<int>(i) * kStep;
    o += fmt::format("<a href=\"#{}\"><g><title>measure {} “{}”</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#e8eef7\" "
                     "stroke=\"#5b7db1\"/><text x=\"{}\" y=\"{}\" fill=\"#1b1b1b\">{}</text></g></a>\n",
                     subject_anchor(measures[i]), html_escape(m.id), html_escape(m.title), kPad, y, kBoxW, kBoxH, kPad + 8, y + 17,
                     html_escape(cut(m.id)));
  }
  for (std::size_t i = 0; i < norms.size(); ++i) {
    const auto& n = prog.norms[static_cast<std::size_t>(norms[i])];
    const int y = kTop + off_r + static_cast<int>(i) * kStep;
    const std::string art = n.article.empty() ? n.id : n.id + " (" + n.article + ")";
    o += fmt::format("<g><title>norm {} “{}”, {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#fbeaea\" "
                     "stroke=\"#b15b5b\"/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
                     html_escape(n.id), html_escape(n.title), html_escape(n.article), kPad + kBoxW + kMid, y, kBoxW, kBoxH,
                     kPad + kBoxW + kMid + 8, y + 17, html_escape(cut(art)));
  }
  o += "</svg>\n";
  return o;
}

std::string html_report(const SourceManager& sm, const ir::Program& prog, const ReportInput& in) {
  std::string o;
  o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Nothing may be fetched or run: styles inline, images only as data.
  o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n";
  o += fmt::format("<meta name=\"generator\" content=\"normcheck {}\">\n", kToolVersion);
  o += "<title>normcheck report</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";

  std::map<std::string, int> counts{{"compliant", 0}, {"conflict", 0}, {"gaps", 0}, {"undecided", 0}};
  for (const auto& v : in.verdicts) counts[status_name(v.status)]++;
  std::vector<std::string> paths;
  for (const auto& p : in.paths) paths.push_back("<code>" + esc(p) + "</code>");
  o += "<header>\n<h1>normcheck report</h1>\n";
  o += fmt::format("<p class=\"muted\">Inputs: {}. normcheck {}.</p>\n", fmt::join(paths, ", "), kToolVersion);
  o += fmt::format("<p class=\"counts\"><span><strong>{}</strong> subject{} checked</span><span>{} compliant</span><span>{} in "
                   "conflict</span><span>{} with gaps</span><span>{} undecided</span></p>\n",
                   in.verdicts.size(), in.verdicts.size() == 1 ? "" : "s", counts["compliant"], counts["conflict"], counts["gaps"],
                   counts["undecided"]);
  o += "<nav aria-label=\"contents\"><ol><li><a href=\"#summary\">Summary</a></li><li><a href=\"#findings\">Conflicts and "
       "findings</a></li>";
  if (!in.feasibility.empty()) o += "<li><a href=\"#feasibility\">Feasibility</a></li>";
  o += "<li><a href=\"#timeline\">Timeline</a></li><li><a href=\"#graph\">Conflict graph</a></li></ol></nav>\n</header>\n";

  // summary table
  o += "<section id=\"summary\">\n<h2>Summary</h2>\n";
  o += "<p class=\"muted\">A measure is checked at its effective date, current law at the date shown; as <code>normcheck check</code> does.</p>\n";
  o += "<table id=\"summary-table\">\n<thead><tr><th>Subject</th><th>Title</th><th>Level</th><th>Checked at</th><th>Verdict</th>"
       "<th>Conflicts with</th></tr></thead>\n<tbody>\n";
  for (const auto& v : in.verdicts) {
    const std::string id = subject_label(prog, v.subject);
    std::string title, level;
    if (v.subject >= 0) {
      const auto& m = prog.rulesets[static_cast<std::size_t>(v.subject)];
      title = m.title;
      level = m.level.name;
    }
    std::vector<std::string> with;
    std::set<int> seen;
    for (const auto& f : v.findings)
      if (f.kind == FindingKind::conflict && f.norm >= 0 && seen.insert(f.norm).second)
        with.push_back(norm_ref(prog, f.norm) + (f.severity == Severity::error ? "" : " <span class=\"muted\">(resolved)</span>"));
    const bool linked = !v.findings.empty() || !v.notes.empty() || !v.relies_on.empty();
    o += fmt::format("<tr data-subject=\"{}\" data-status=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td></tr>\n",
                     esc(v.subject < 0 ? "current_law" : id), status_name(v.status),
                     linked ? fmt::format("<a href=\"#{}\"><code>{}</code></a>", subject_anchor(v.subject), esc(id))
                            : fmt::format("<code>{}</code>", esc(id)),
                     esc(title), esc(level), ir::format_date(v.at), badge(status_name(v.status)), fmt::join(with, ", "));
  }
  o += "</tbody>\n</table>\n</section>\n";

  // per subject: findings, then minimal conflicts and repairs
  o += "<section id=\"findings\">\n<h2>Conflicts and findings</h2>\n";
  bool any = false;
  // measures first, current law (often long: every gap of the corpus) last
  std::vector<const Verdict*> order;
  for (const auto& v : in.verdicts)
    if (v.subject >= 0) order.push_back(&v);
  for (const auto& v : in.verdicts)
    if (v.subject < 0) order.push_back(&v);
  for (const Verdict* vp : order) {
    const Verdict& v = *vp;
    const bool has = !v.findings.empty() || !v.notes.empty() || !v.relies_on.empty() || !v.preexisting.empty();
    if (!has) continue;
    any = true;
    o += fmt::format("<article class=\"subject\" id=\"{}\">\n", subject_anchor(v.subject));
    if (v.subject < 0) o += fmt::format("<h3>Current law {}</h3>\n", badge(status_name(v.status)));
    else {
      const auto& m = prog.rulesets[static_cast<std::size_t>(v.subject)];
      o += fmt::format("<h3>Measure <code>{}</code> {}</h3>\n<p>{}", esc(m.id), badge(status_name(v.status)), esc(m.title));
      if (!m.cites.empty()) o += fmt::format(" <span class=\"muted\">— {}</span>", esc(m.cites));
      o += fmt::format(" <span class=\"muted\">({})</span></p>\n", esc(loc(sm, m.span)));
    }
    o += fmt::format("<p class=\"muted\">Checked at {}{}; {} norm{} checked.</p>\n", ir::format_date(v.at),
                     v.scenario >= 0 ? fmt::format(" under scenario <code>{}</code>", esc(prog.scenarios[static_cast<std::size_t>(v.scenario)].name)) : "",
                     v.norms_checked, v.norms_checked == 1 ? "" : "s");
    for (const auto& f : v.findings) o += finding_html(sm, prog, v, f);
    for (const auto& r : v.relies_on) {
      std::vector<std::string> ds;
      for (int d : r.derogations) ds.push_back(norm_ref(prog, d));
      o += fmt::format("<p class=\"note\">complies with {} only by relying on the derogation {}</p>\n", norm_ref(prog, r.norm), fmt::join(ds, ", "));
    }
    for (int n : v.preexisting)
      o += fmt::format("<p class=\"note\">current law already conflicts with {}; this measure does not change that</p>\n", norm_ref(prog, n));
    for (const auto& n : v.notes) o += fmt::format("<p class=\"note\">note: {}</p>\n", esc(n));
    for (const auto& ex : in.explanations)
      if (ex.subject == v.subject && ex.at == v.at) o += explanation_html(sm, prog, ex);
    o += "</article>\n";
  }
  if (!any) o += "<p>No subject has a finding.</p>\n";
  o += "</section>\n";

  // feasibility charts of the capacity analysis (ReportInput::feasibility)
  if (!in.feasibility.empty()) {
    o += "<section id=\"feasibility\">\n<h2>Feasibility</h2>\n";
    for (const auto& s : in.feasibility)
      o += fmt::format("<article id=\"{}\">\n<h3>{}</h3>\n<div class=\"chart\">\n{}</div>\n</article>\n", esc(s.id), esc(s.title), s.html);
    o += "</section>\n";
  }

  // timeline
  const Timeline& t = in.timeline;
  o += "<section id=\"timeline\">\n<h2>Timeline</h2>\n";
  if (t.intervals.empty()) {
    o += "<p>The range is empty.</p>\n";
  } else {
    o += fmt::format("<p class=\"muted\">From {} to {}: each subject's verdict on each interval between the dates on which an instrument, "
                     "norm or rule starts or stops applying or a measure takes effect (as <code>normcheck timeline</code>). "
                     "Hover a bar for its norms; the table below lists them.</p>\n",
                     ir::format_date(t.intervals.front().from),
                     t.intervals.back().until ? ir::format_date(*t.intervals.back().until - 1) : std::string("open end"));
    o += "<div class=\"chart\">\n" + svg_timeline(prog, t) + "</div>\n";
    o += "<details open><summary>verdicts by interval</summary>\n" + html_timeline_table(prog, t) + "</details>\n";
    if (!t.events.empty()) {
      o += fmt::format("<details open><summary>{} event{}</summary>\n<table class=\"events\">\n<thead><tr><th>Date</th><th>Event</th><th>Id</th>"
                       "<th>Title</th></tr></thead>\n<tbody>\n",
                       t.events.size(), t.events.size() == 1 ? "" : "s");
      for (const auto& e : t.events)
        o += fmt::format("<tr><td class=\"date\">{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n", ir::format_date(e.date), esc(e.kind), esc(e.id),
                         esc(e.title));
      o += "</tbody>\n</table>\n</details>\n";
    }
  }
  o += "</section>\n";

  // conflict graph
  o += "<section id=\"graph\">\n<h2>Conflict graph</h2>\n<p class=\"muted\">Each measure (left) with an edge to each norm (right) it "
       "conflicts with at its effective date.</p>\n";
  o += "<div class=\"chart\">\n" + svg_conflict_graph(prog, in.verdicts) + "</div>\n</section>\n";
  o += fmt::format("<footer>Generated by normcheck {}. Verdicts are those of the encoded rules; see each article for the "
                   "authoritative text.</footer>\n</body>\n</html>\n",
                   kToolVersion);
  return o;
}

}  // namespace normcheck::render
