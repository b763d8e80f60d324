// The timeline (normcheck/timeline.h) and the HTML report's handling of
// untrusted text (render.h).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "normcheck/load.h"
#include "normcheck/timeline.h"
#include "render.h"

using namespace normcheck;

namespace {

struct Loaded {
  SourceManager sm;
  Diagnostics diags;
  std::optional<ir::Program> prog;
};

std::unique_ptr<Loaded> load(const std::vector<std::string>& rel) {
  auto l = std::make_unique<Loaded>();
  std::vector<std::string> paths;
  for (const auto& p : rel) paths.push_back(std::string(NC_SOURCE_DIR) + "/" + p);
  l->prog = load_program(l->sm, paths, l->diags);
  REQUIRE(l->prog.has_value());
  return l;
}

ir::Day day(const char* s) { return *ir::parse_date(s); }

const TimelineRow& row(const ir::Program& prog, const Timeline& t, const std::string& measure) {
  const int r = measure.empty() ? -1 : prog.find_ruleset(measure);
  auto it = std::find_if(t.rows.begin(), t.rows.end(), [&](const TimelineRow& x) { return x.subject == r; });
  REQUIRE(it != t.rows.end());
  return *it;
}

std::set<std::pair<int, int>> findings(const Verdict& v) {
  std::set<std::pair<int, int>> out;
  for (const auto& f : v.findings) out.insert({f.norm, static_cast<int>(f.kind) * 10 + static_cast<int>(f.severity)});
  return out;
}

// The claim the timeline rests on: the law is constant on each interval. A
// check on the interval's last day (and on a day inside it) gives the
// verdict shown for it, and a cell that shares an earlier interval's check
// gives what a fresh check on its own first day gives.
void require_constant(const ir::Program& prog, const Timeline& t) {
  for (const auto& r : t.rows) {
    for (std::size_t i = 0; i < t.intervals.size(); ++i) {
      const auto& c = r.cells[i];
      if (c.state != IntervalState::checked) continue;
      const auto& iv = t.intervals[i];
      std::vector<ir::Day> days{iv.from};
      if (iv.until) {
        days.push_back(*iv.until - 1);
        days.push_back(iv.from + (*iv.until - iv.from) / 2);
      } else {
        days.push_back(iv.from + 400);
      }
      for (ir::Day d : days) {
        if (d == c.verdict.at) continue;
        const Verdict v = check_subject(prog, r.subject, d, -1, 10000);
        INFO("subject " << r.subject << " interval from " << ir::format_date(iv.from) << ", checked on " << ir::format_date(d));
        CHECK(v.status == c.verdict.status);
        CHECK(findings(v) == findings(c.verdict));
      }
    }
  }
}

}  // namespace

TEST_CASE("timeline: events, intervals and verdicts of a regulation replacing a directive", "[timeline]") {
  auto l = load({"tests/golden/inputs/timeline/pact.norm"});
  const auto& prog = *l->prog;
  TimelineOptions o;
  const Timeline t = timeline(prog, o);
  // every bound of every period is an event; the range starts at the first
  std::vector<std::string> kinds;
  for (const auto& e : t.events) kinds.push_back(ir::format_date(e.date) + " " + e.kind + " " + e.id);
  CHECK(kinds == std::vector<std::string>{"2001-04-01 instrument_applies Act", "2015-07-20 instrument_applies OldDir",
                                          "2018-07-20 derogation_from OldDir.art31_3_ext", "2018-07-20 norm_from OldDir.art31_3",
                                          "2023-01-27 measure_effective Extend15", "2025-01-01 measure_effective Temporary",
                                          "2026-01-01 measure_until Temporary", "2026-06-12 instrument_applies NewReg",
                                          "2026-06-12 instrument_repealed OldDir", "2027-01-01 rule_until Act.art42"});
  REQUIRE(t.intervals.size() == 8);
  CHECK(t.intervals.front().from == day("2001-04-01"));
  CHECK_FALSE(t.intervals.back().until.has_value());
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].subject == -1);

  // Extend15: not yet; lawful by the derogation until the regulation; then a conflict
  const auto& ext = row(prog, t, "Extend15");
  const int new_reg = prog.find_ruleset("Extend15");
  (void)new_reg;
  for (std::size_t i = 0; i < t.intervals.size(); ++i) {
    const auto& c = ext.cells[i];
    const ir::Day from = t.intervals[i].from;
    if (from < day("2023-01-27")) {
      CHECK(c.state == IntervalState::not_yet);
    } else if (from < day("2026-06-12")) {
      REQUIRE(c.state == IntervalState::checked);
      CHECK(c.verdict.status == Status::compliant);
      REQUIRE(c.verdict.relies_on.size() == 1);
    } else {
      REQUIRE(c.state == IntervalState::checked);
      CHECK(c.verdict.status == Status::conflict);
      REQUIRE(c.verdict.findings.size() == 1);
      CHECK(prog.norms[static_cast<std::size_t>(c.verdict.findings[0].norm)].id == "NewReg.art35");
    }
  }
  // Temporary: a conflict in its year, then no longer in effect (not checked)
  const auto& tmp = row(prog, t, "Temporary");
  for (std::size_t i = 0; i < t.intervals.size(); ++i) {
    const ir::Day from = t.intervals[i].from;
    const auto want = from < day("2025-01-01") ? IntervalState::not_yet
                      : from < day("2026-01-01") ? IntervalState::checked
                                                 : IntervalState::ended;
    CHECK(tmp.cells[i].state == want);
  }
  // current law: lawful while the rule applies, silent after
  const auto& law = row(prog, t, "");
  CHECK(law.cells.back().verdict.status == Status::gaps);
  CHECK(law.cells[t.intervals.size() - 2].verdict.status == Status::compliant);
  // intervals with the same law share a check: 3 + 5 + 1 checks, not 14
  CHECK(t.checks < 14);
  require_constant(prog, t);
}

TEST_CASE("timeline: --from and --to cut the range and the events", "[timeline]") {
  auto l = load({"tests/golden/inputs/timeline/pact.norm"});
  TimelineOptions o;
  o.from = day("2026-01-01");
  o.to = day("2026-12-31");
  o.measures = {"Extend15", "NoSuchMeasure"};
  o.current_law = false;
  std::vector<std::string> unknown;
  const Timeline t = timeline(*l->prog, o, &unknown);
  CHECK(unknown == std::vector<std::string>{"NoSuchMeasure"});
  REQUIRE(t.intervals.size() == 2);
  CHECK(t.intervals[0].from == day("2026-01-01"));
  CHECK(t.intervals[1].from == day("2026-06-12"));
  CHECK(t.intervals[1].until == day("2027-01-01"));
  CHECK(t.events.size() == 2);  // NewReg applies, OldDir repealed (Temporary is not selected)
  REQUIRE(t.rows.size() == 1);
  o.from = day("2027-01-01");
  const Timeline empty = timeline(*l->prog, o);
  CHECK(empty.intervals.empty());
  CHECK(empty.events.empty());
}

TEST_CASE("timeline: the law is constant on every interval of the asylum examples", "[timeline][corpus]") {
  auto l = load({"rules", "examples/asylum"});
  TimelineOptions o;
  o.from = day("2024-01-01");
  o.current_law = false;
  o.measures = {"WBV2022_22", "TwoStatus", "ANMW_art108a"};
  const Timeline t = timeline(*l->prog, o);
  // the Pact: the decision-period measure conflicts with the directive, then with the regulation
  const auto& wbv = row(*l->prog, t, "WBV2022_22");
  std::set<std::string> norms;
  for (std::size_t i = 0; i < t.intervals.size(); ++i)
    if (wbv.cells[i].state == IntervalState::checked)
      for (const auto& f : wbv.cells[i].verdict.findings) norms.insert(l->prog->norms[static_cast<std::size_t>(f.norm)].id);
  CHECK(norms == std::set<std::string>{"APD2013.art31_3", "APR.art35_4"});
  require_constant(*l->prog, t);
}

TEST_CASE("report: text from rule files is escaped and only http(s) urls are links", "[report]") {
  auto l = load({"tests/report/inputs/hostile.norm"});
  CheckOptions co;
  co.at = day("2026-07-01");
  render::ReportInput in;
  in.paths = {"hostile.norm"};
  in.verdicts = check(*l->prog, co);
  TimelineOptions to;
  in.timeline = timeline(*l->prog, to);
  const std::string html = render::html_report(l->sm, *l->prog, in);
  std::string lower = html;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  CHECK(lower.find("<script") == std::string::npos);
  CHECK(lower.find("<img") == std::string::npos);
  CHECK(lower.find("<b>") == std::string::npos);
  CHECK(lower.find("javascript:") == std::string::npos);  // not even as text: the url is not shown unless it is a link
  CHECK(html.find("&lt;script&gt;alert(&#39;measure&#39;)&lt;/script&gt; everyone allowed") != std::string::npos);
  CHECK(html.find("href=\"https://example.org/fine?a=1&amp;b=2\"") != std::string::npos);
  // no external resource, and the policy says so
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(lower.find("src=\"http") == std::string::npos);
  CHECK(lower.find("<link") == std::string::npos);
  // the feasibility hook: a section only when there is something to show
  CHECK(html.find("id=\"feasibility\"") == std::string::npos);
  in.feasibility.push_back({"feasibility-Nobody", "Capacity <of> Nobody", "<svg></svg>"});
  const std::string with = render::html_report(l->sm, *l->prog, in);
  CHECK(with.find("id=\"feasibility\"") != std::string::npos);
  CHECK(with.find("Capacity &lt;of&gt; Nobody") != std::string::npos);
  // deterministic
  CHECK(render::html_report(l->sm, *l->prog, in) == with);
  CHECK(render::html_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
}
