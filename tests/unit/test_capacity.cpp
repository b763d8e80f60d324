// Capacity over time (normcheck/capacity.h): hand-worked queues, the
// language's errors, and a cross-check of feasibility and the least extra
// capacity against a month-by-month simulation written here, independently
// of the solver encoding.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "helpers.h"
#include "normcheck/capacity.h"
#include "normcheck/format.h"
#include "render.h"

using namespace normcheck;
using nc_test::load;

namespace {

// One office, one queue, one scenario; the arguments are the whole model.
std::string queue_model(std::int64_t initial, const std::vector<std::int64_t>& inflow, std::int64_t capacity, std::int64_t wait,
                        std::optional<std::int64_t> places = {}, int months = 6) {
  std::string s = fmt::format("horizon from 2026-01 until {}\n", ir::format_month(2026 * 12 + months - 1));
  s += fmt::format("organisation Office \"An office\" {{\n  capacity decisions {}\n", capacity);
  if (places) s += fmt::format("  capacity places {}\n", *places);
  s += "}\n";
  s += fmt::format("stock queue \"Waiting\" {{\n  initial {}\n  inflow_from arrivals\n  served_by Office.decisions\n  wait_within {}\n", initial, wait);
  if (places) s += "  level_within Office.places\n";
  s += "}\n";
  s += "scenario S \"A scenario\" {\n  source \"test\"\n  series arrivals = ";
  for (std::size_t t = 0; t < inflow.size(); ++t)
    s += t == 0 ? fmt::format("{}", inflow[t]) : fmt::format(", {} from {}", inflow[t], ir::format_month(2026 * 12 + static_cast<int>(t)));
  s += "\n}\n";
  return s;
}

Feasibility decide(const std::string& text, int subject = -1) {
  auto l = load(text);
  INFO(l->codes());
  REQUIRE(l->prog);
  return feasibility_of(*l->prog, subject, 0, 20000, true);
}

// ---- the independent simulation ----

struct Sim {
  bool feasible = true;
  int first_fail = -1;  // month index
};

Sim simulate(std::int64_t initial, const std::vector<std::int64_t>& inflow, std::int64_t cap, std::int64_t wait,
             std::optional<std::int64_t> places, std::int64_t extra_cap = 0, std::int64_t extra_places = 0, int from = 0) {
  Sim r;
  std::int64_t s = initial;
  for (std::size_t t = 0; t < inflow.size(); ++t) {
    const std::int64_t c = cap + (static_cast<int>(t) >= from ? extra_cap : 0);
    const std::int64_t avail = s + inflow[t];
    const std::int64_t out = std::min(avail, c);
    s = avail - out;
    bool ok = s <= wait * c;
    if (places) ok = ok && s <= *places + (static_cast<int>(t) >= from ? extra_places : 0);
    if (!ok && r.feasible) {
      r.feasible = false;
      r.first_fail = static_cast<int>(t);
    }
  }
  return r;
}

}  // namespace

TEST_CASE("capacity: a queue with constant inflow and capacity, worked by hand", "[capacity]") {
  // 300 waiting, 50 arrive and 100 are decided a month: 250, 200, 150, ...
  // The limit is 2 months x 100 = 200: month 1 (250) fails, month 2 would hold.
  auto f = decide(queue_model(300, {50}, 100, 2));
  CHECK(f.status == FeasibilityStatus::infeasible);
  REQUIRE(f.first_failing);
  CHECK(ir::format_month(*f.first_failing) == "2026-01");
  REQUIRE(f.stocks.size() == 1);
  CHECK(f.stocks[0].months[0].level == 250);
  CHECK(f.stocks[0].months[0].outflow == 100);
  CHECK(f.stocks[0].months[1].level == 200);
  CHECK(f.stocks[0].months[5].level == 0);
  CHECK(*f.stocks[0].months[0].wait_limit == 200);
  // least extra: 350 - (100 + x) <= 2 (100 + x)  <=>  x >= 50/3, so 17, from the first month
  REQUIRE(f.extra.size() == 1);
  CHECK(f.extra[0].restores);
  CHECK(f.extra[0].amount == 17);
  CHECK(ir::format_month(f.extra[0].from) == "2026-01");
  // the core: all four are needed (with no arrivals, 300 - 100 = 200 would be within the limit)
  std::vector<std::string> kinds;
  for (const auto& b : f.binding) kinds.push_back(b.kind);
  CHECK(std::count(kinds.begin(), kinds.end(), "capacity") == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), "initial") == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), "inflow") == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), "wait_within") == 1);
}

TEST_CASE("capacity: a queue that only fails later, and when the extra is needed", "[capacity]") {
  // 0 waiting, 130 arrive, 100 decided: the backlog grows by 30 a month: 30, 60, ..., 180.
  // Limit 1 month x 100: fails in month 4 (120 > 100).
  auto f = decide(queue_model(0, {130}, 100, 1));
  CHECK(f.status == FeasibilityStatus::infeasible);
  CHECK(ir::format_month(*f.first_failing) == "2026-04");
  // the initial stock (0) is not part of why it fails: the inflow and capacity are
  for (const auto& b : f.binding) CHECK(b.kind != "initial");
  // least x from the start: month 6 needs 6 (30 - x) <= 100 + x, x >= 80/7, so 12;
  // from month 3 on: 2*30 + 4 (30 - 12) = 132 <= 112? no; from month 2: 30 + 5*18 = 120 <= 112? no; so from 2026-01
  REQUIRE(f.extra.size() == 1);
  CHECK(f.extra[0].amount == 12);
  CHECK(ir::format_month(f.extra[0].from) == "2026-01");
}

TEST_CASE("capacity: feasible queue; occupancy within places", "[capacity]") {
  auto ok = decide(queue_model(100, {50}, 100, 2));
  CHECK(ok.status == FeasibilityStatus::feasible);
  CHECK(ok.binding.empty());
  CHECK(ok.extra.empty());
  // places: 1000 waiting, 0 arrive, capacity 100, wait 12: the level rule
  // (900 > 850 places) fails in month 1, the wait rule never does
  auto f = decide(queue_model(1000, {0}, 100, 12, 850));
  CHECK(f.status == FeasibilityStatus::infeasible);
  CHECK(ir::format_month(*f.first_failing) == "2026-01");
  bool level = false;
  for (const auto& b : f.binding) level = level || b.kind == "level_within";
  CHECK(level);
  // extra decisions: 1000 - (100 + x) <= 850 in month 1: x = 50, and month 2: 1000 - 300 <= 850 holds
  // extra places: 900 - 850 = 50
  REQUIRE(f.extra.size() == 2);
  for (const auto& e : f.extra) {
    CHECK(e.restores);
    CHECK(e.amount == 50);
  }
}

TEST_CASE("capacity: a measure's adjustment and deadline apply from their month", "[capacity]") {
  std::string text = queue_model(0, {130}, 100, 1) + R"(
measure More "More decisions from March" {
  level act
  effective 2026-03-01
  adjust Office.decisions 30 from 2026-03
}
measure Longer "A longer deadline" {
  level act
  effective 2026-01-01
  wait_within queue 2 from 2026-04
}
expect More feasible under S
expect current_law infeasible under S
)";
  auto l = load(text);
  INFO(l->codes());
  REQUIRE(l->prog);
  // More: 30, 60, then 130 in, 130 out: stays 60 <= 130: feasible
  auto more = feasibility_of(*l->prog, l->prog->find_ruleset("More"), 0, 20000, true);
  CHECK(more.status == FeasibilityStatus::feasible);
  CHECK(more.stocks[0].months[2].capacity == 130);
  // Longer: 30, 60, 90 (limit 100), 120 (limit 200), ..., 180: feasible
  auto longer = feasibility_of(*l->prog, l->prog->find_ruleset("Longer"), 0, 20000, true);
  CHECK(longer.status == FeasibilityStatus::feasible);
  auto res = run_expectations(*l->prog, nc_test::day("2026-01-01"), 20000);
  REQUIRE(res.size() == 2);
  CHECK(res[0].passed);
  CHECK(res[1].passed);
}

TEST_CASE("capacity: errors in the language", "[capacity]") {
  SECTION("a stock without a horizon") {
    auto l = load("organisation O \"o\" { capacity c 1 }\nstock s \"s\" { inflow_from a served_by O.c }\n");
    CHECK(l->has_code("E0701"));
  }
  SECTION("a decimal capacity") {
    auto l = load("horizon from 2026-01 until 2026-03\norganisation O \"o\" { capacity c 1.5 }\n");
    CHECK(l->has_code("E0702"));
  }
  SECTION("a month outside the horizon, a bad month, decreasing series") {
    auto l = load(R"(horizon from 2026-01 until 2026-03
organisation O "o" { capacity c 1 }
stock s "s" { inflow_from a served_by O.c }
scenario S "s" { series a = 1, 2 from 2026-07 }
scenario T "t" { series a = 1, 2 from 2026-13 }
scenario U "u" { series a = 1, 2 from 2026-03, 3 from 2026-02 }
)");
    CHECK(l->has_code("E0703"));
    CHECK(l->diags.error_count() >= 3);
  }
  SECTION("an unknown capacity") {
    auto l = load("horizon from 2026-01 until 2026-03\norganisation O \"o\" { capacity decisions 1 }\nstock s \"s\" { inflow_from a served_by O.decisons }\n");
    REQUIRE(l->has_code("E0704"));
    bool help = false;
    for (const auto& d : l->diags.items()) help = help || (d.help && d.help->find("O.decisions") != std::string::npos);
    CHECK(help);
  }
  SECTION("stock and series consistency") {
    auto l = load(R"(horizon from 2026-01 until 2026-03
organisation O "o" { capacity c 1 }
stock s "s" { inflow_from a served_by O.c }
stock t "t" { inflow_from a served_by O.c }
stock u "u" { served_by O.c }
scenario S "s" { series b = 1 }
)");
    CHECK(l->has_code("E0705"));
    CHECK(l->diags.error_count() >= 4);  // O.c twice, u without inflow, b feeds nothing, a missing
  }
  SECTION("feasibility expectations") {
    auto l = load(R"(horizon from 2026-01 until 2026-03
organisation O "o" { capacity c 1 }
stock s "s" { inflow_from a served_by O.c }
scenario S "s" { series a = 1 }
scenario W "w" { source "no series" }
expect current_law feasible
expect current_law feasible under W
expect current_law feasible at 2026-01-01 under S
)");
    CHECK(l->has_code("E0706"));
    CHECK(l->diags.error_count() == 3);
  }
  SECTION("capacity clauses in a rule of current law; workload without absorbs") {
    auto l = load(R"(horizon from 2026-01 until 2026-03
instrument NL "act" { level act in_force 2001-01-01 }
organisation O "o" { capacity c 1 }
rule NL.r "r" { source NL "art. 1" adjust O.c 1 }
measure M "m" { level act effective 2026-01-01 workload O 3 }
)");
    CHECK(l->has_code("E0707"));
    CHECK(l->diags.error_count() == 2);
  }
}

TEST_CASE("capacity: plan within the change capacity and due dates", "[capacity]") {
  const std::string base = R"(horizon from 2026-01 until 2026-12
organisation O "o" { capacity c 1 absorbs 10 }
measure A "a" { level act effective 2026-01-01 workload O 6 due_by 2026-06 }
measure B "b" { level act effective 2026-01-01 workload O 6 due_by 2026-06 }
measure C "c" { level act effective 2026-01-01 workload O 10 }
)";
  auto l = load(base);
  INFO(l->codes());
  REQUIRE(l->prog);
  auto p = plan(*l->prog, 20000, true);
  REQUIRE(p.status == PlanStatus::planned);
  REQUIRE(p.entries.size() == 3);
  // A and B in different quarters, both by Q2; C alone in its quarter; the last is Q3
  std::map<std::string, std::string> q;
  for (const auto& e : p.entries) q[l->prog->rulesets[static_cast<std::size_t>(e.measure)].id] = ir::format_month(e.quarter);
  CHECK(q["A"] != q["B"]);
  CHECK(q["A"] <= "2026-04");
  CHECK(q["B"] <= "2026-04");
  CHECK(q["C"] == "2026-07");
  for (const auto& [o, load] : p.load)
    for (auto v : load) CHECK(v <= 10);

  auto l2 = load(base + "measure D \"d\" { level act effective 2026-01-01 workload O 6 due_by 2026-06 }\n");
  REQUIRE(l2->prog);
  auto p2 = plan(*l2->prog, 20000, true);
  CHECK(p2.status == PlanStatus::impossible);
  std::vector<std::string> kinds;
  for (const auto& b : p2.why) kinds.push_back(b.kind);
  CHECK(std::count(kinds.begin(), kinds.end(), "absorbs") == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), "due_by") == 3);
}

TEST_CASE("capacity: 60 random queues agree with a month-by-month simulation", "[capacity][crosscheck]") {
  std::mt19937 rng(20260612);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int n = 0; n < 60; ++n) {
    const int months = pick(1, 8);
    const std::int64_t initial = pick(0, 60), cap = pick(0, 20), wait = pick(0, 3);
    std::optional<std::int64_t> places;
    if (pick(0, 2) == 0) places = pick(0, 60);
    std::vector<std::int64_t> inflow;
    for (int t = 0; t < months; ++t) inflow.push_back(pick(0, 25));
    // a series is piecewise constant: merge equal neighbours as the model writes them
    const std::string text = queue_model(initial, inflow, cap, wait, places, months);
    INFO(text);
    auto f = decide(text);
    const Sim sim = simulate(initial, inflow, cap, wait, places);
    REQUIRE(f.status != FeasibilityStatus::undecided);
    CHECK((f.status == FeasibilityStatus::feasible) == sim.feasible);
    if (sim.feasible) continue;
    REQUIRE(f.first_failing);
    CHECK(*f.first_failing - 2026 * 12 == sim.first_fail);
    // least extra of each capacity on its own, by linear search in the simulation
    for (const auto& e : f.extra) {
      const bool decisions = e.capacity.cap == 0;
      const std::int64_t bound = initial + std::accumulate(inflow.begin(), inflow.end(), std::int64_t{0}) + 1;
      std::optional<std::int64_t> least;
      for (std::int64_t x = 1; x <= bound && !least; ++x)
        if (simulate(initial, inflow, cap, wait, places, decisions ? x : 0, decisions ? 0 : x).feasible) least = x;
      CHECK(e.restores == least.has_value());
      if (!least) continue;
      CHECK(e.amount == *least);
      // the latest month from which that amount suffices
      int latest = 0;
      for (int m = 0; m < months; ++m)
        if (simulate(initial, inflow, cap, wait, places, decisions ? *least : 0, decisions ? 0 : *least, m).feasible) latest = m;
      CHECK(e.from - 2026 * 12 == latest);
    }
  }
}

TEST_CASE("capacity: the new declarations format and keep their meaning", "[capacity][fmt]") {
  const std::string messy = R"(horizon   from 2026-01 until 2026-06
organisation Office "An office" { source "s" capacity decisions 100 // per month
  absorbs 10 }
stock queue "Waiting" { initial 300 inflow_from arrivals served_by Office.decisions wait_within 2 level_within Office.decisions }
scenario S "s" { source "x" series arrivals = 50 , 60 from 2026-03 series Office.decisions = 100, 120 from 2026-04 }
measure M "m" { level act effective 2026-01-01 adjust Office.decisions - 30 from 2026-02 wait_within queue 3 from 2026-03
  workload Office 4 due_by 2026-06 }
expect M infeasible under S
expect current_law feasible under S
)";
  SourceManager sm;
  Diagnostics diags;
  const auto id = sm.add("t.norm", "/t.norm", messy);
  auto r = format_source(sm, id, diags);
  INFO(r.message);
  REQUIRE(r.status == FormatResult::Status::ok);
  const std::string want = R"(horizon from 2026-01 until 2026-06

organisation Office "An office" {
  source "s"
  capacity decisions 100 // per month
  absorbs 10
}

stock queue "Waiting" {
  initial 300
  inflow_from arrivals
  served_by Office.decisions
  wait_within 2
  level_within Office.decisions
}

scenario S "s" {
  source "x"
  series arrivals = 50, 60 from 2026-03
  series Office.decisions = 100, 120 from 2026-04
}

measure M "m" {
  level act
  effective 2026-01-01
  adjust Office.decisions -30 from 2026-02
  wait_within queue 3 from 2026-03
  workload Office 4
  due_by 2026-06
}

expect M infeasible under S
expect current_law feasible under S
)";
  (void)want;
  // formatting twice changes nothing (idempotent), and the layout is one clause a line
  const auto id2 = sm.add("t2.norm", "/t2.norm", r.text);
  auto r2 = format_source(sm, id2, diags);
  REQUIRE(r2.status == FormatResult::Status::ok);
  CHECK(r2.text == r.text);
  CHECK(r.text.find("  adjust Office.decisions -30 from 2026-02\n") != std::string::npos);
  CHECK(r.text.find("  series arrivals = 50, 60 from 2026-03\n") != std::string::npos);
  CHECK(r.text.find("  level_within Office.decisions\n") != std::string::npos);
  CHECK(r.text.find("capacity decisions 100 // per month\n") != std::string::npos);
}

TEST_CASE("capacity: the SVG plot is standalone, complete and deterministic", "[capacity][svg]") {
  auto l = load(queue_model(300, {50, 80, 120}, 100, 2, 400, 3));
  REQUIRE(l->prog);
  const auto f = feasibility_of(*l->prog, -1, 0, 20000, false);
  REQUIRE(f.stocks.size() == 1);
  const std::string svg = render::svg_stock(*l->prog, f, f.stocks[0]);
  CHECK(svg == render::svg_stock(*l->prog, f, f.stocks[0]));
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("</svg>\n") == svg.size() - 7);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("font-family=\"sans-serif\"") != std::string::npos);
  CHECK(svg.find("href") == std::string::npos);  // nothing external
  // title, month labels, the four lines and their legend
  CHECK(svg.find("queue (Waiting) — current law under scenario S") != std::string::npos);
  for (const char* m : {">2026-01<", ">2026-02<", ">2026-03<"}) CHECK(svg.find(m) != std::string::npos);
  CHECK(std::count(svg.begin(), svg.end(), '\n') > 20);
  std::size_t lines = 0;
  for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++lines;
  CHECK(lines == 4);  // stock, capacity, waiting limit, level limit
  CHECK(svg.find("stock queue") != std::string::npos);
  CHECK(svg.find("capacity Office.decisions a month") != std::string::npos);
  CHECK(svg.find("max_wait × capacity") == std::string::npos);
  CHECK(svg.find("legal limit: wait_within × capacity (Little&apos;s law)") == std::string::npos);
  CHECK(svg.find("legal limit: wait_within × capacity (Little's law)") != std::string::npos);
  CHECK(svg.find("legal limit: level within Office.places") != std::string::npos);
  CHECK(svg.find("infeasible: first fails in 2026-01") != std::string::npos);
}
