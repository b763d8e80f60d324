// `timeline` as text, JSON and an SVG chart (docs/json.md, README). The SVG
// is self-contained (no fonts, scripts or links), has integer coordinates and
// depends only on the timeline, so the same input gives the same bytes; the
// HTML report inlines it.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render.h"
#include "render_detail.h"

namespace normcheck::render {
namespace {

using json = nlohmann::ordered_json;

std::string subject_id(const ir::Program& prog, int subject) {
  return subject < 0 ? "current law" : prog.rulesets[static_cast<std::size_t>(subject)].id;
}

std::vector<std::string> norm_ids(const ir::Program& prog, const Verdict& v, FindingKind kind, std::optional<Severity> sev) {
  std::vector<std::string> out;
  for (const auto& f : v.findings)
    if (f.kind == kind && (!sev || f.severity == *sev) && f.norm >= 0) {
      const std::string& id = prog.norms[static_cast<std::size_t>(f.norm)].id;
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
  return out;
}

// What a cell shows: two adjacent cells that say the same are one run.
struct CellView {
  std::string status;  // compliant, conflict, gaps, undecided, not_yet_in_effect, no_longer_in_effect
  std::vector<std::string> conflicts, warnings, gaps, undecided;
  bool operator==(const CellView&) const = default;
};

CellView view(const ir::Program& prog, const TimelineCell& c) {
  CellView v;
  if (c.state != IntervalState::checked) {
    v.status = interval_state_name(c.state);
    return v;
  }
  v.status = status_name(c.verdict.status);
  v.conflicts = norm_ids(prog, c.verdict, FindingKind::conflict, Severity::error);
  v.warnings = norm_ids(prog, c.verdict, FindingKind::conflict, Severity::warning);
  v.gaps = norm_ids(prog, c.verdict, FindingKind::gap, std::nullopt);
  v.undecided = norm_ids(prog, c.verdict, FindingKind::undecided, std::nullopt);
  return v;
}

struct Run {
  std::size_t first = 0, last = 0;  // interval indices, inclusive
  CellView view;
};

std::vector<Run> runs(const ir::Program& prog, const Timeline& t, const TimelineRow& row) {
  std::vector<Run> out;
  for (std::size_t i = 0; i < row.cells.size(); ++i) {
    CellView v = view(prog, row.cells[i]);
    if (!out.empty() && out.back().view == v) out.back().last = i;
    else out.push_back({i, i, std::move(v)});
  }
  (void)t;
  return out;
}

std::string quoted_list(const std::vector<std::string>& ids) {
  std::vector<std::string> q;
  for (const auto& id : ids) q.push_back("`" + id + "`");
  return fmt::format("{}", fmt::join(q, ", "));
}

std::string status_words(const std::string& s) {
  if (s == "not_yet_in_effect") return "not yet in effect";
  if (s == "no_longer_in_effect") return "no longer in effect";
  return s;
}

std::string run_detail(const CellView& v) {
  std::vector<std::string> parts;
  if (!v.conflicts.empty()) parts.push_back("conflicts with " + quoted_list(v.conflicts));
  if (!v.warnings.empty()) parts.push_back("equal-rank conflict resolved by precedence with " + quoted_list(v.warnings));
  if (!v.gaps.empty()) parts.push_back("the law is silent for " + quoted_list(v.gaps));
  if (!v.undecided.empty()) parts.push_back("undecided for " + quoted_list(v.undecided));
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string until_text(const Timeline& t, std::size_t last) {
  const auto& iv = t.intervals[last];
  return iv.until ? ir::format_date(*iv.until - 1) : std::string("open end");
}

}  // namespace

std::string text_timeline(const ir::Program& prog, const Timeline& t, const Style& st) {
  auto bold = [&](const std::string& s) { return st.colour ? "\x1b[1m" + s + "\x1b[0m" : s; };
  std::string out;
  if (t.intervals.empty()) return "the range is empty: nothing to show\n";
  out += bold(fmt::format("timeline from {} to {}: {} interval{}, {} event{}", ir::format_date(t.intervals.front().from),
                          until_text(t, t.intervals.size() - 1), t.intervals.size(), t.intervals.size() == 1 ? "" : "s",
                          t.events.size(), t.events.size() == 1 ? "" : "s")) +
         "\n\n";
  if (!t.events.empty()) out += bold("events") + "\n";
  for (const auto& e : t.events)
    out += fmt::format("  {}  {:<20} `{}` \"{}\"\n", ir::format_date(e.date), e.kind, e.id, e.title);
  for (const auto& row : t.rows) {
    out += "\n";
    if (row.subject < 0) out += bold("current law") + "\n";
    else {
      const auto& m = prog.rulesets[static_cast<std::size_t>(row.subject)];
      out += bold(fmt::format("measure `{}` \"{}\"", m.id, m.title)) + "\n";
    }
    for (const auto& r : runs(prog, t, row)) {
      const std::string d = run_detail(r.view);
      out += fmt::format("  {} to {:<10}  {}{}\n", ir::format_date(t.intervals[r.first].from), until_text(t, r.last),
                         status_words(r.view.status), d.empty() ? "" : ": " + d);
    }
  }
  std::size_t cells = 0, conflict = 0, gaps = 0, undecided = 0;
  for (const auto& row : t.rows)
    for (const auto& c : row.cells) {
      if (c.state != IntervalState::checked) continue;
      ++cells;
      if (c.verdict.status == Status::conflict) ++conflict;
      if (c.verdict.status == Status::gaps) ++gaps;
      if (c.verdict.status == Status::undecided) ++undecided;
    }
  out += fmt::format("\n{} subject{} over {} interval{}: {} in effect ({} check{}), {} in conflict, {} with gaps, {} undecided\n",
                     t.rows.size(), t.rows.size() == 1 ? "" : "s", t.intervals.size(), t.intervals.size() == 1 ? "" : "s", cells,
                     t.checks, t.checks == 1 ? "" : "s", conflict, gaps, undecided);
  return out;
}

std::string json_timeline(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags, const Timeline* t) {
  json j = detail::envelope("timeline");
  j["diagnostics"] = detail::diags_json(sm, diags);
  json range = json::object(), events = json::array(), intervals = json::array(), subjects = json::array();
  if (prog && t) {
    if (!t->intervals.empty()) {
      range["from"] = ir::format_date(t->intervals.front().from);
      range["to"] = t->intervals.back().until ? json(ir::format_date(*t->intervals.back().until - 1)) : json(nullptr);
    }
    for (const auto& e : t->events)
      events.push_back({{"date", ir::format_date(e.date)}, {"kind", e.kind}, {"id", e.id}, {"title", e.title}});
    for (const auto& iv : t->intervals)
      intervals.push_back({{"from", ir::format_date(iv.from)}, {"to", iv.until ? json(ir::format_date(*iv.until - 1)) : json(nullptr)}});
    for (const auto& row : t->rows) {
      json s;
      if (row.subject < 0) s["subject"] = {{"kind", "current_law"}};
      else {
        const auto& m = prog->rulesets[static_cast<std::size_t>(row.subject)];
        s["subject"] = {{"kind", "measure"}, {"id", m.id}, {"title", m.title},
                        {"effective", m.effective ? json(ir::format_date(*m.effective)) : json(nullptr)}};
      }
      json cells = json::array();
      for (const auto& c : row.cells) {
        const CellView v = view(*prog, c);
        json x;
        x["state"] = interval_state_name(c.state);
        x["status"] = c.state == IntervalState::checked ? json(v.status) : json(nullptr);
        x["conflicts"] = v.conflicts;
        x["warnings"] = v.warnings;
        x["gaps"] = v.gaps;
        x["undecided"] = v.undecided;
        x["norms_checked"] = c.state == IntervalState::checked ? c.verdict.norms_checked : 0;
        cells.push_back(x);
      }
      s["intervals"] = cells;
      subjects.push_back(s);
    }
  }
  j["range"] = range;
  j["events"] = events;
  j["intervals"] = intervals;
  j["subjects"] = subjects;
  j["checks"] = prog && t ? t->checks : 0;
  return j.dump(2) + "\n";
}

std::string html_timeline_table(const ir::Program& prog, const Timeline& t) {
  std::string o = "<table class=\"runs\">\n<thead><tr><th>Subject</th><th>From</th><th>To</th><th>Verdict</th><th>Norms</th></tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows)
    for (const auto& r : runs(prog, t, row)) {
      const std::string status = r.view.status;
      const std::string words = status_words(status);
      o += fmt::format("<tr><td><code>{}</code></td><td class=\"date\">{}</td><td class=\"date\">{}</td><td><span class=\"badge {}\">{}</span></td><td>{}</td></tr>\n",
                       html_escape(subject_id(prog, row.subject)), ir::format_date(t.intervals[r.first].from), until_text(t, r.last), html_escape(status),
                       html_escape(words), html_escape(run_detail(r.view)));
    }
  o += "</tbody>\n</table>\n";
  return o;
}

// Colours by status; text labels and <title>s carry the same, so the chart
// does not rely on colour alone.
const char* status_colour(const std::string& s) {
  if (s == "compliant") return "#2e7d32";
  if (s == "conflict") return "#c62828";
  if (s == "gaps") return "#ef8f00";
  if (s == "undecided") return "#6a1b9a";
  if (s == "not_yet_in_effect") return "#e3e3e3";
  return "#9e9e9e";
}

std::string svg_timeline(const ir::Program& prog, const Timeline& t) {
  // An ordinal axis: every interval the same width, each cut labelled with
  // its date (the dates are decades apart in places, days in others).
  constexpr int kLabel = 230, kCell = 64, kRow = 24, kGap = 6, kTop = 58, kAxis = 78, kPad = 12;
  const int n = static_cast<int>(t.intervals.size());
  const int rows = static_cast<int>(t.rows.size());
  const int width = kPad + kLabel + std::max(n, 1) * kCell + kPad + 40;
  const int height = kTop + rows * (kRow + kGap) + kAxis + 24;
  std::string o;
  o += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-labelledby=\"tl-title\" font-family=\"sans-serif\" font-size=\"12\">\n",
      width, height);
  o += "<title id=\"tl-title\">normcheck timeline: the verdict of each subject on each interval between event dates</title>\n";
  o += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);
  // legend
  const std::vector<std::pair<std::string, std::string>> legend{{"compliant", "compliant"},
                                                                {"conflict", "conflict"},
                                                                {"gaps", "gaps (law silent)"},
                                                                {"undecided", "undecided"},
                                                                {"not_yet_in_effect", "not yet in effect"},
                                                                {"no_longer_in_effect", "no longer in effect"}};
  int lx = kPad;
  for (const auto& [key, label] : legend) {
    o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\" stroke=\"#555555\" stroke-width=\"0.5\"/>", lx, kPad,
                     status_colour(key));
    o += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", lx + 19, kPad + 11, html_escape(label));
    lx += 28 + static_cast<int>(label.size()) * 7;
  }
  o += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555555\" font-size=\"11\">intervals are drawn with equal width (not to scale); "
                   "each is labelled with its first day</text>\n",
                   kPad, kPad + 34);
  // grid: a line at every cut, under the bars
  const int ay = kTop + rows * (kRow + kGap) + 2;
  for (int i = 0; i <= n; ++i) {
    if (i == n && (n == 0 || !t.intervals.back().until)) break;
    o += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#bbbbbb\"/>\n", kPad + kLabel + i * kCell, kTop - 4, ay + 5);
  }
  // rows
  for (int r = 0; r < rows; ++r) {
    const auto& row = t.rows[static_cast<std::size_t>(r)];
    const int y = kTop + r * (kRow + kGap);
    std::string id = subject_id(prog, row.subject), shown = id;
    if (shown.size() > 30) {
      std::size_t cut = 29;
      while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
      shown = shown.substr(0, cut) + "…";
    }
    std::string full = row.subject < 0 ? "current law" : fmt::format("measure {} \"{}\"", id, prog.rulesets[static_cast<std::size_t>(row.subject)].title);
    o += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"{}\"><title>{}</title>{}</text>\n", kPad, y + 16,
                     row.subject < 0 ? "bold" : "normal", html_escape(full), html_escape(shown));
    for (const auto& run : runs(prog, t, row)) {
      const int x = kPad + kLabel + static_cast<int>(run.first) * kCell;
      const int w = static_cast<int>(run.last - run.first + 1) * kCell - 2;
      const std::string detail = run_detail(run.view);
      const std::string tip = fmt::format("{}: {} to {}: {}{}", id, ir::format_date(t.intervals[run.first].from), until_text(t, run.last),
                                          status_words(run.view.status), detail.empty() ? "" : " (" + detail + ")");
      const bool light = run.view.status == "not_yet_in_effect";
      o += fmt::format("<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{}\"{}/>", html_escape(tip), x, y, w,
                       kRow, status_colour(run.view.status), light ? " stroke=\"#bbbbbb\" stroke-dasharray=\"3 2\"" : "");
      const std::string label = status_words(run.view.status);
      if (static_cast<int>(label.size()) * 7 + 8 <= w)
        o += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">{}</text>", x + 5, y + 16, light ? "#444444" : "#ffffff", html_escape(label));
      o += "</g>\n";
    }
    if (!t.intervals.empty() && !t.intervals.back().until)
      o += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555555\">→</text>\n", kPad + kLabel + n * kCell + 2, y + 16);
  }
  // axis: a date at every cut
  o += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555555\"/>\n", kPad + kLabel, ay, kPad + kLabel + n * kCell, ay);
  for (int i = 0; i < n; ++i) {
    const int x = kPad + kLabel + i * kCell;
    o += fmt::format("<text x=\"{0}\" y=\"{1}\" transform=\"rotate(45 {0} {1})\" font-size=\"11\">{2}</text>\n", x + 2, ay + 14,
                     ir::format_date(t.intervals[static_cast<std::size_t>(i)].from));
  }
  if (n > 0 && t.intervals.back().until) {
    const int x = kPad + kLabel + n * kCell;
    o += fmt::format("<text x=\"{0}\" y=\"{1}\" transform=\"rotate(45 {0} {1})\" font-size=\"11\">{2}</text>\n", x + 2, ay + 14,
                     ir::format_date(*t.intervals.back().until));
  }
  o += "</svg>\n";
  return o;
}

}  // namespace normcheck::render
