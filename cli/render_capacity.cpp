// Text and SVG for `feasibility` and `plan` (JSON lives in render.cpp with
// the other JSON documents). Renderers only format; they decide nothing.
#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "render.h"

namespace normcheck::render {

namespace {

std::string wrap(const Style& st, const char* code, const std::string& s) {
  return st.colour ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
}

std::string thousands(std::int64_t v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return v < 0 ? "-" + s : s;
}

std::string subject_text(const ir::Program& prog, int subject) {
  if (subject < 0) return "current law";
  const auto& m = prog.rulesets[static_cast<std::size_t>(subject)];
  return fmt::format("measure `{}` \"{}\"", m.id, m.title);
}

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string text_feasibility(const ir::Program& prog, const std::vector<Feasibility>& fs, const Style& st) {
  std::string out;
  std::size_t ok = 0, bad = 0, und = 0;
  for (const auto& f : fs) {
    const auto& sc = prog.scenarios[static_cast<std::size_t>(f.scenario)];
    out += wrap(st, "1", fmt::format("feasibility of {} under scenario `{}` ({} to {})", subject_text(prog, f.subject), sc.name,
                                     ir::format_month(prog.horizon->first), ir::format_month(prog.horizon->last))) + "\n";
    if (f.status == FeasibilityStatus::feasible) {
      ++ok;
      out += "  " + wrap(st, "1;32", "feasible") + ": every norm holds in every month\n";
    } else if (f.status == FeasibilityStatus::undecided) {
      ++und;
      out += "  " + wrap(st, "1;33", "undecided") + ": " + f.reason + "\n";
    } else {
      ++bad;
      out += "  " + wrap(st, "1;31", "infeasible") + fmt::format(": first fails in {}\n", ir::format_month(*f.first_failing));
      for (const auto& s : f.failing) out += fmt::format("    fails: {}\n", s);
      const auto t = static_cast<std::size_t>(*f.first_failing - prog.horizon->first);
      for (const auto& tr : f.stocks) {
        const auto& m = tr.months[t];
        const bool fails = (m.wait_limit && m.level > *m.wait_limit) || (m.level_limit && m.level > *m.level_limit);
        if (!fails) continue;
        std::string lim;
        if (m.wait_limit && m.level > *m.wait_limit) lim = fmt::format("waiting limit {} (capacity {} a month)", thousands(*m.wait_limit), thousands(m.capacity));
        if (m.level_limit && m.level > *m.level_limit) lim += (lim.empty() ? "" : " and its ") + fmt::format("level limit {}", thousands(*m.level_limit));
        out += fmt::format("    {} stands at {}, above its {}\n", prog.stocks[static_cast<std::size_t>(tr.stock)].name, thousands(m.level), lim);
      }
      if (!f.binding.empty()) {
        out += "  binding constraints (a minimal unsatisfiable core):\n";
        for (const auto& b : f.binding) out += fmt::format("    - [{}] {}\n", b.kind, b.label);
      }
      if (!f.extra.empty()) {
        out += "  least extra capacity, each on its own (for the stocks it serves or bounds):\n";
        for (const auto& e : f.extra) {
          const std::string name = prog.capacity_name(e.capacity);
          if (e.undecided) out += fmt::format("    - {}: undecided\n", name);
          else if (!e.restores) out += fmt::format("    - {}: no amount restores feasibility on its own\n", name);
          else out += fmt::format("    - {}: +{} a month, needed from {}\n", name, thousands(e.amount), ir::format_month(e.from));
        }
      }
    }
    out += "\n";
  }
  out += fmt::format("{} feasible, {} infeasible, {} undecided\n", ok, bad, und);
  return out;
}

std::string text_plan(const ir::Program& prog, const Plan& p, const Style& st) {
  std::string out;
  if (p.status == PlanStatus::undecided) return "plan " + wrap(st, "1;33", "undecided") + ": " + p.reason + "\n";
  if (p.status == PlanStatus::impossible) {
    out += wrap(st, "1;31", "no plan") + ": no order of introduction respects every change capacity and due date\n";
    out += "  because of (a minimal unsatisfiable core):\n";
    for (const auto& b : p.why) out += fmt::format("    - [{}] {}\n", b.kind, b.label);
    return out;
  }
  out += wrap(st, "1;32", "plan") + fmt::format(": {} measure{} over quarters\n", p.entries.size(), p.entries.size() == 1 ? "" : "s");
  for (const auto& e : p.entries) {
    const auto& m = prog.rulesets[static_cast<std::size_t>(e.measure)];
    std::string loads;
    for (const auto& w : m.workloads)
      loads += fmt::format("{}{} {} FTE-months", loads.empty() ? "" : ", ", prog.organisations[static_cast<std::size_t>(w.org)].name, w.amount);
    out += fmt::format("  {} Q{}  {}{}{}\n", e.quarter / 12, e.quarter % 12 / 3 + 1, m.id, loads.empty() ? "" : " (" + loads + ")",
                       m.due_by ? fmt::format(", due by {}", ir::format_month(*m.due_by)) : "");
  }
  for (const auto& [o, l] : p.load) {
    const auto& org = prog.organisations[static_cast<std::size_t>(o)];
    std::string q;
    for (std::size_t k = 0; k < l.size(); ++k)
      if (l[k] > 0) q += fmt::format(" {}Q{} {}", p.quarters[k] / 12, p.quarters[k] % 12 / 3 + 1, l[k]);
    out += fmt::format("  load on {} (absorbs {} a quarter):{}\n", org.name, *org.absorbs, q.empty() ? " none" : q);
  }
  return out;
}

std::string svg_stock(const ir::Program& prog, const Feasibility& f, const StockTrajectory& tr) {
  const auto& stock = prog.stocks[static_cast<std::size_t>(tr.stock)];
  const auto& sc = prog.scenarios[static_cast<std::size_t>(f.scenario)];
  const int W = 880, H = 480, left = 90, right = 30, top = 60, bottom = 110;
  const int pw = W - left - right, ph = H - top - bottom;
  const std::size_t T = tr.months.size();
  std::int64_t ymax = 1;
  bool any_wait = false, any_level = false;
  for (const auto& m : tr.months) {
    ymax = std::max({ymax, m.level, m.capacity});
    if (m.wait_limit) ymax = std::max(ymax, *m.wait_limit), any_wait = true;
    if (m.level_limit) ymax = std::max(ymax, *m.level_limit), any_level = true;
  }
  // a round top: 1, 2 or 5 times a power of ten, in five steps
  std::int64_t step = 1;
  while (step * 5 < ymax) {
    if (step * 2 * 5 >= ymax) { step *= 2; break; }
    if (step * 5 * 5 >= ymax) { step *= 5; break; }
    step *= 10;
  }
  const std::int64_t top_value = step * 5;
  auto x = [&](std::size_t t) { return left + (T <= 1 ? pw / 2.0 : static_cast<double>(t) * pw / static_cast<double>(T - 1)); };
  auto y = [&](std::int64_t v) { return top + ph - static_cast<double>(v) * ph / static_cast<double>(top_value); };
  std::string s;
  s += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"sans-serif\">\n", W, H, W, H);
  const std::string who = f.subject < 0 ? "current law" : prog.rulesets[static_cast<std::size_t>(f.subject)].id;
  s += fmt::format("<title>{}</title>\n", xml(fmt::format("{}: {} under {}", stock.name, who, sc.name)));
  s += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", W, H);
  s += fmt::format("<text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>\n", W / 2,
                   xml(fmt::format("{}{} — {} under scenario {}", stock.name, stock.title.empty() ? "" : " (" + stock.title + ")", who, sc.name)));
  s += fmt::format("<text x=\"{}\" y=\"44\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n", W / 2,
                   xml(f.status == FeasibilityStatus::feasible ? "feasible: every norm holds in every month"
                       : f.status == FeasibilityStatus::undecided ? "undecided"
                                                                  : fmt::format("infeasible: first fails in {}", ir::format_month(*f.first_failing))));
  // axes and grid
  for (int k = 0; k <= 5; ++k) {
    const double yy = y(step * k);
    s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#dddddd\" stroke-width=\"1\"/>\n", left, yy, left + pw, yy);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n", left - 6, yy + 4, thousands(step * k));
  }
  s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000000\" stroke-width=\"1\"/>\n", left, top, left, top + ph);
  s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000000\" stroke-width=\"1\"/>\n", left, top + ph, left + pw, top + ph);
  s += fmt::format("<text x=\"18\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 18 {})\">persons</text>\n",
                   top + ph / 2, top + ph / 2);
  const std::size_t every = T <= 12 ? 1 : T <= 24 ? 2 : T <= 48 ? 3 : 6;
  for (std::size_t t = 0; t < T; ++t) {
    const double xx = x(t);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#000000\" stroke-width=\"1\"/>\n", xx, top + ph, xx, top + ph + 4);
    if (t % every == 0)
      s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>\n", xx, top + ph + 16,
                       ir::format_month(prog.horizon->first + static_cast<int>(t)));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">month (level at the end of the month)</text>\n",
                   left + pw / 2, top + ph + 34);
  // series
  auto polyline = [&](auto value, const char* colour, const char* dash, int width) {
    std::string pts;
    for (std::size_t t = 0; t < T; ++t) {
      auto v = value(tr.months[t]);
      if (!v) continue;
      pts += fmt::format("{}{:.1f},{:.1f}", pts.empty() ? "" : " ", x(t), y(*v));
    }
    if (pts.empty()) return;
    s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n", pts, colour, width,
                     *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : "");
  };
  using OV = std::optional<std::int64_t>;
  polyline([](const StockMonth& m) { return OV(m.capacity); }, "#2ca02c", "6,4", 2);
  if (any_wait) polyline([](const StockMonth& m) { return m.wait_limit; }, "#d62728", "2,3", 2);
  if (any_level) polyline([](const StockMonth& m) { return m.level_limit; }, "#ff7f0e", "8,3,2,3", 2);
  polyline([](const StockMonth& m) { return OV(m.level); }, "#1f4e9c", "", 3);
  if (f.first_failing) {
    const auto t = static_cast<std::size_t>(*f.first_failing - prog.horizon->first);
    if (t < T) {
      s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#d62728\" stroke-width=\"1\"/>\n", x(t), top, x(t), top + ph);
      s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" fill=\"#d62728\">first failure</text>\n", x(t) + 3, top + 12);
    }
  }
  // legend
  struct Item {
    const char* colour;
    const char* dash;
    std::string label;
  };
  std::vector<Item> items{{"#1f4e9c", "", fmt::format("stock {}", stock.name)},
                          {"#2ca02c", "6,4", fmt::format("capacity {} a month", prog.capacity_name(stock.served_by))}};
  if (any_wait) items.push_back({"#d62728", "2,3", "legal limit: wait_within × capacity (Little's law)"});
  if (any_level) items.push_back({"#ff7f0e", "8,3,2,3", fmt::format("legal limit: level within {}", prog.capacity_name(stock.level_within))});
  int lx = left, ly = H - 40;
  for (const auto& it : items) {
    s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"{}/>\n", lx, ly, lx + 28, ly, it.colour,
                     *it.dash ? fmt::format(" stroke-dasharray=\"{}\"", it.dash) : "");
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>\n", lx + 34, ly + 4, xml(it.label));
    if (lx == left) {
      lx = left + pw / 2;
    } else {
      lx = left;
      ly += 18;
    }
  }
  s += "</svg>\n";
  return s;
}

ReportSection feasibility_section(const ir::Program& prog, const Feasibility& f) {
  const auto& sc = prog.scenarios[static_cast<std::size_t>(f.scenario)];
  const std::string who = f.subject < 0 ? std::string("current law") : prog.rulesets[static_cast<std::size_t>(f.subject)].id;
  ReportSection r;
  r.id = fmt::format("feasibility-{}-{}", f.subject < 0 ? std::string("current_law") : who, sc.name);
  const char* verdict = f.status == FeasibilityStatus::feasible ? "feasible" : f.status == FeasibilityStatus::infeasible ? "infeasible" : "undecided";
  r.title = fmt::format("{} under scenario {}: {}", who, sc.name, verdict);
  std::string h = "<p>";
  if (f.status == FeasibilityStatus::feasible) {
    h += fmt::format("Feasible from {} to {}: every limit holds in every month.", ir::format_month(prog.horizon->first),
                     ir::format_month(prog.horizon->last));
  } else if (f.status == FeasibilityStatus::undecided) {
    h += "Undecided: " + xml(f.reason);
  } else {
    h += fmt::format("<strong>Infeasible</strong>: first fails in {}.", ir::format_month(*f.first_failing));
  }
  h += "</p>\n";
  if (!f.failing.empty()) {
    h += "<ul>\n";
    for (const auto& x : f.failing) h += "<li>fails: " + xml(x) + "</li>\n";
    h += "</ul>\n";
  }
  if (!f.extra.empty()) {
    h += "<p>Least extra capacity, each on its own:</p>\n<ul>\n";
    for (const auto& e : f.extra) {
      const std::string cap = xml(prog.capacity_name(e.capacity));
      if (e.undecided) h += fmt::format("<li><code>{}</code>: undecided</li>\n", cap);
      else if (!e.restores) h += fmt::format("<li><code>{}</code>: no amount of it alone restores feasibility</li>\n", cap);
      else h += fmt::format("<li><code>{}</code>: +{} a month, needed from {}</li>\n", cap, thousands(e.amount), ir::format_month(e.from));
    }
    h += "</ul>\n";
  }
  for (const auto& tr : f.stocks) h += svg_stock(prog, f, tr);
  r.html = std::move(h);
  return r;
}

}  // namespace normcheck::render
