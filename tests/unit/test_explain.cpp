#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "helpers.h"
#include "normcheck/explain.h"
#include "normcheck/explore.h"

using namespace normcheck;

namespace {

using Sets = std::vector<std::vector<int>>;

std::vector<int> members(unsigned mask, int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i)
    if (mask & (1u << i)) out.push_back(i);
  return out;
}

// Brute force over all subsets: MUSes and MCSes of a monotone oracle.
std::pair<Sets, Sets> brute(int n, const std::function<bool(const std::vector<int>&)>& sat) {
  Sets muses, mcses;
  const unsigned all = (1u << n) - 1;
  for (unsigned s = 0; s <= all; ++s) {
    const auto set = members(s, n);
    if (!sat(set)) {
      bool minimal = true;
      for (int i : set)
        if (!sat(members(s & ~(1u << i), n))) minimal = false;
      if (minimal) muses.push_back(set);
    }
    // s as a correction set: its complement is satisfiable, and no smaller one is
    if (s != 0 && sat(members(all & ~s, n))) {
      bool minimal = true;
      for (int i : set)
        if (sat(members(all & ~(s & ~(1u << i)), n))) minimal = false;
      if (minimal) mcses.push_back(set);
    }
  }
  std::sort(muses.begin(), muses.end());
  std::sort(mcses.begin(), mcses.end());
  return {muses, mcses};
}

}  // namespace

TEST_CASE("MARCO enumerates exactly the MUSes and MCSes that brute force finds", "[explain][property]") {
  std::mt19937 rng(20261128);
  for (int instance = 0; instance < 300; ++instance) {
    const int n = 1 + static_cast<int>(rng() % 7);
    std::vector<unsigned> conflicts;
    const int k = static_cast<int>(rng() % 5);
    for (int j = 0; j < k; ++j) conflicts.push_back(1u + rng() % ((1u << n) - 1));
    auto sat = [&](const std::vector<int>& s) {
      unsigned mask = 0;
      for (int i : s) mask |= 1u << i;
      for (unsigned c : conflicts)
        if ((mask & c) == c) return false;
      return true;
    };
    auto e = enumerate_marco(static_cast<std::size_t>(n), [&](const std::vector<int>& s) -> std::optional<bool> { return sat(s); });
    auto [muses, mcses] = brute(n, sat);
    INFO("instance " << instance << " n=" << n);
    CHECK(e.complete);
    CHECK(e.muses == muses);
    if (!muses.empty()) CHECK(e.mcses == mcses);  // with no conflict there is nothing to correct
    for (const auto& m : e.muses) {
      CHECK_FALSE(sat(m));
      for (std::size_t i = 0; i < m.size(); ++i) {
        auto smaller = m;
        smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(i));
        CHECK(sat(smaller));
      }
    }
  }
}

TEST_CASE("explain on generated rule sets matches brute force over all subsets", "[explain][property]") {
  // Two global decisions x, y; norms bound them; current law may define them;
  // the measure defines one or both. Minimal conflicts: a subset of elements
  // (measure clauses and norms) holds together iff each decision's value lies
  // within the bounds of the norms in the subset, where a decision the measure
  // defines is the clause's value if the clause is in the subset and free if
  // not, and any other decision is the rule's (or free). Repairs: clauses to
  // drop so that no kept clause's value breaks a norm (current law then
  // applies, and its own violations are not the measure's).
  std::mt19937 rng(424242);
  int compared = 0;
  for (int instance = 0; compared < 200 && instance < 2000; ++instance) {
    struct NormSpec { int var; bool lower; int bound; };
    std::vector<NormSpec> norms;
    const int nn = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < nn; ++i) norms.push_back({static_cast<int>(rng() % 2), rng() % 2 == 0, static_cast<int>(rng() % 10)});
    std::optional<int> rule[2], clause[2];
    for (int v = 0; v < 2; ++v) {
      if (rng() % 2) rule[v] = static_cast<int>(rng() % 10);
      if (rng() % 3) clause[v] = static_cast<int>(rng() % 10);
    }
    if (!clause[0] && !clause[1]) clause[0] = 5;
    std::string text = R"NC(
instrument EU "EU" { level eu_directive applies_from 2020-01-01 }
instrument NL "NL" { level act in_force 2001-01-01 }
decision x: int months
decision y: int months
)NC";
    const char* names[2] = {"x", "y"};
    for (int i = 0; i < nn; ++i)
      text += fmt::format("norm N{} \"n\" {{ source EU \"art. {}\" must {} {} {} months }}\n", i, i + 1, names[norms[i].var],
                          norms[i].lower ? ">=" : "<=", norms[i].bound);
    for (int v = 0; v < 2; ++v)
      if (rule[v]) text += fmt::format("rule R{} \"r\" {{ source NL \"art. {}\" define {} = {} months }}\n", v, v + 1, names[v], *rule[v]);
    text += "measure M \"m\" { level act effective 2026-07-01\n";
    for (int v = 0; v < 2; ++v)
      if (clause[v]) text += fmt::format("  define {} = {} months\n", names[v], *clause[v]);
    text += "}\n";
    auto l = nc_test::load(text);
    INFO(text);
    REQUIRE(l->prog.has_value());
    const int m = l->prog->find_ruleset("M");
    auto ex = explain(*l->prog, m, nc_test::day("2026-07-01"), -1, 10000, 1000);
    if (ex.verdict.status != Status::conflict) continue;
    ++compared;
    REQUIRE(ex.complete);
    const auto& defs = l->prog->rulesets[static_cast<std::size_t>(m)].defines;
    auto sat = [&](const std::vector<int>& subset) {
      std::optional<int> value[2] = {clause[0] ? std::nullopt : rule[0], clause[1] ? std::nullopt : rule[1]};
      int lo[2] = {-1000, -1000}, hi[2] = {1000, 1000};
      for (int k : subset) {
        const auto& e = ex.elements[static_cast<std::size_t>(k)];
        if (e.kind == Element::define) {
          const int v = l->prog->symbols[static_cast<std::size_t>(defs[static_cast<std::size_t>(e.index)].symbol)].name == "x" ? 0 : 1;
          value[v] = clause[v];
        } else if (e.kind == Element::norm) {
          const auto& spec = norms[static_cast<std::size_t>(std::stoi(l->prog->norms[static_cast<std::size_t>(e.index)].id.substr(1)))];
          if (spec.lower) lo[spec.var] = std::max(lo[spec.var], spec.bound);
          else hi[spec.var] = std::min(hi[spec.var], spec.bound);
        }
      }
      for (int v = 0; v < 2; ++v) {
        if (lo[v] > hi[v]) return false;
        if (value[v] && (*value[v] < lo[v] || *value[v] > hi[v])) return false;
      }
      return true;
    };
    // dropping a clause falls back to the rule: the brute force models that by
    // leaving the clause out of the subset, as explain does
    auto [muses, mcses] = brute(static_cast<int>(ex.elements.size()), sat);
    Sets got;
    for (const auto& c : ex.conflicts) got.push_back(c.elements);
    CHECK(got == muses);
    // repairs: minimal correction sets among the clauses, with every norm kept
    std::vector<int> clause_idx, norm_idx;
    for (std::size_t k = 0; k < ex.elements.size(); ++k)
      (ex.elements[k].kind == Element::norm ? norm_idx : clause_idx).push_back(static_cast<int>(k));
    Sets repairs;
    const unsigned call = (1u << clause_idx.size()) - 1;
    auto with_norms = [&](unsigned keep) {
      for (std::size_t i = 0; i < clause_idx.size(); ++i) {
        if (!(keep & (1u << i))) continue;
        const auto& e = ex.elements[static_cast<std::size_t>(clause_idx[i])];
        const int v = l->prog->symbols[static_cast<std::size_t>(defs[static_cast<std::size_t>(e.index)].symbol)].name == "x" ? 0 : 1;
        for (const auto& spec : norms)
          if (spec.var == v && (spec.lower ? *clause[v] < spec.bound : *clause[v] > spec.bound)) return false;
      }
      return true;
    };
    for (unsigned drop = 1; drop <= call; ++drop) {
      if (!with_norms(call & ~drop)) continue;
      bool minimal = true;
      for (std::size_t i = 0; i < clause_idx.size(); ++i)
        if ((drop & (1u << i)) && with_norms(call & ~(drop & ~(1u << i)))) minimal = false;
      if (!minimal) continue;
      std::vector<int> r;
      for (std::size_t i = 0; i < clause_idx.size(); ++i)
        if (drop & (1u << i)) r.push_back(clause_idx[i]);
      repairs.push_back(r);
    }
    std::sort(repairs.begin(), repairs.end());
    Sets got_repairs;
    for (const auto& r : ex.repairs) got_repairs.push_back(r.elements);
    std::sort(got_repairs.begin(), got_repairs.end());
    CHECK(got_repairs == repairs);
  }
  CHECK(compared == 200);
}

TEST_CASE("explain names the nearest lawful value and the norm that binds", "[explain]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person must wait(p) <= 24 months }
norm EU2.wait "Wait at most 30 months" { source EU2 "art. 1" for p: Person must wait(p) <= 30 months }
rule NL.w "No wait" { source NL "art. 1" define wait(p) = 0 months }
measure M "Three years" { level act effective 2026-07-01 define wait(p) = 36 months })NC");
  REQUIRE(l->prog.has_value());
  auto ex = explain(*l->prog, l->prog->find_ruleset("M"), nc_test::day("2026-07-01"), -1, 10000, 100);
  REQUIRE(ex.conflicts.size() == 2);
  REQUIRE(ex.repairs.size() == 1);
  REQUIRE(ex.values.size() == 1);
  CHECK(ex.values[0].original == "36 months");
  CHECK(*ex.values[0].lawful == "24 months");
  CHECK(ex.values[0].direction == "at most");
  REQUIRE(ex.values[0].binding.size() == 1);
  CHECK(l->prog->norms[static_cast<std::size_t>(ex.values[0].binding[0])].id == "EU.wait");
}

TEST_CASE("explore: every combination of a measure's options is checked", "[explore]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person must wait(p) <= 24 months }
measure M "Options" {
  level act effective 2026-07-01
  option period "Waiting period" {
    choice m12 "12 months" { define wait(p) = 12 months }
    choice m36 "36 months" { define wait(p) = 36 months }
  }
  option minors "Minors" {
    choice same "same" { }
    choice none "no wait" { define wait(p) = 0 months when p.age < 18 years }
  }
})NC");
  REQUIRE(l->prog.has_value());
  const int m = l->prog->find_ruleset("M");
  REQUIRE(l->prog->rulesets[static_cast<std::size_t>(m)].options.size() == 2);
  auto a = explore_options(*l->prog, m, nc_test::day("2026-07-01"), -1, 10000, 0, {});
  CHECK(a.total == 4);
  CHECK(a.checked == 4);
  CHECK(a.lawful == 2);
  for (const auto& c : a.lawful_list) CHECK(c.choices[0] == 0);
  // check takes each option's first choice
  CHECK(check_subject(*l->prog, m, nc_test::day("2026-07-01"), -1, 10000).status == Status::compliant);
  auto limited = explore_options(*l->prog, m, nc_test::day("2026-07-01"), -1, 10000, 1, {});
  CHECK(limited.stopped);
  CHECK(limited.lawful == 1);
}

TEST_CASE("explore: the largest lawful value and the norm that binds it", "[explore]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person when p.status == refugee must wait(p) <= 24 months }
norm EU2.wait "Wait at most 30 months" { source EU2 "art. 1" for p: Person must wait(p) <= 30 months })NC");
  REQUIRE(l->prog.has_value());
  // synthesise through the library, as the CLI does: a measure defining wait(p) = x
  auto l2 = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person when p.status == refugee must wait(p) <= 24 months }
norm EU2.wait "Wait at most 30 months" { source EU2 "art. 1" for p: Person must wait(p) <= 30 months }
measure X "x" { level act effective 2026-07-01 define wait(p) = 0 months when p.status == subsidiary })NC");
  REQUIRE(l2->prog.has_value());
  auto o = optimize_define(*l2->prog, l2->prog->find_ruleset("X"), nc_test::day("2026-07-01"), -1, 10000, 0, Goal::maximize);
  REQUIRE(o.value.has_value());
  CHECK(*o.value == "30 months");
  REQUIRE(o.binding.size() == 1);
  CHECK(l2->prog->norms[static_cast<std::size_t>(o.binding[0])].id == "EU2.wait");
  auto lo = optimize_define(*l2->prog, l2->prog->find_ruleset("X"), nc_test::day("2026-07-01"), -1, 10000, 0, Goal::minimize);
  CHECK(lo.unbounded);
}

TEST_CASE("explore: the Pareto front of the lawful combinations", "[explore][pareto]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person must wait(p) <= 24 months }
measure M "Options" {
  level act effective 2026-07-01
  score load = 0.5
  option period "Waiting period" {
    choice m12 "12 months" { define wait(p) = 12 months score strict = 12 }
    choice m24 "24 months" { define wait(p) = 24 months score strict = 24 score load = 1 }
    choice m36 "36 months" { define wait(p) = 36 months score strict = 36 }
  }
  option check "An extra check" {
    choice no "no" { }
    choice yes "yes" { score strict = 1.25 score load = 2 }
  }
})NC");
  REQUIRE(l->prog.has_value());
  const int m = l->prog->find_ruleset("M");
  auto a = explore_options(*l->prog, m, nc_test::day("2026-07-01"), -1, 10000, 0, {});
  REQUIRE(a.lawful == 4);
  std::string why;
  auto obj = parse_objectives("max:strict,min:load", why);
  REQUIRE(obj.has_value());
  CHECK(check_objectives(*l->prog, m, *obj).empty());
  pareto_front(*l->prog, a, *obj);
  // lawful: m12/no (12, 0.5), m12/yes (13.25, 2.5), m24/no (24, 1.5), m24/yes (25.25, 3.5); none dominates another
  // except m12/yes, which m24/no beats on both
  REQUIRE(a.front.size() == 3);
  std::vector<std::vector<int>> front;
  for (std::size_t i : a.front) front.push_back(a.lawful_list[i].choices);
  CHECK(front == std::vector<std::vector<int>>{{1, 1}, {1, 0}, {0, 0}});
  CHECK(a.lawful_list[a.front[0]].scores == std::vector<std::int64_t>{25250000, 3500000});
  // the unlawful combinations are scored too, but never on the front
  for (const auto& c : a.unlawful_list) CHECK(c.scores.size() == 2);

  auto bad = parse_objectives("max:strict,min:strict", why);
  CHECK_FALSE(bad.has_value());
  CHECK(why == "the score `strict` is named twice");
  CHECK_FALSE(parse_objectives("largest:strict", why).has_value());
  CHECK_FALSE(parse_objectives("max:", why).has_value());
  auto typo = parse_objectives("min:lod", why);
  REQUIRE(typo.has_value());
  CHECK(check_objectives(*l->prog, m, *typo) == "measure `M` declares no score `lod`; did you mean `load`?");
}

TEST_CASE("explore: the Pareto front is exactly the non-dominated lawful combinations", "[explore][pareto][property]") {
  // Random scores on a measure with no norms (every combination lawful);
  // compare the front with the definition, checked pair by pair.
  std::mt19937 rng(7);
  for (int round = 0; round < 60; ++round) {
    std::string text = std::string(nc_test::kPrelude) + "measure M \"m\" {\n  level act effective 2026-07-01\n";
    const int options = 1 + static_cast<int>(rng() % 3);
    for (int o = 0; o < options; ++o) {
      text += fmt::format("  option o{} \"o\" {{\n", o);
      const int choices = 1 + static_cast<int>(rng() % 3);
      for (int c = 0; c < choices; ++c)
        text += fmt::format("    choice c{} \"c\" {{ score a = {} score b = -{} }}\n", c, rng() % 4, rng() % 4);
      text += "  }\n";
    }
    text += "}\n";
    auto l = nc_test::load(text);
    REQUIRE(l->prog.has_value());
    const int m = l->prog->find_ruleset("M");
    auto a = explore_options(*l->prog, m, nc_test::day("2026-07-01"), -1, 10000, 0, {});
    REQUIRE(a.lawful == a.total);
    const bool max_a = rng() % 2 == 0, max_b = rng() % 2 == 0;
    pareto_front(*l->prog, a, {{"a", max_a}, {"b", max_b}});
    auto better_eq = [&](const Combination& x, const Combination& y, std::size_t k, bool maximize) {
      return maximize ? x.scores[k] >= y.scores[k] : x.scores[k] <= y.scores[k];
    };
    auto dominates = [&](const Combination& x, const Combination& y) {
      return better_eq(x, y, 0, max_a) && better_eq(x, y, 1, max_b) && x.scores != y.scores;
    };
    std::set<std::size_t> on_front(a.front.begin(), a.front.end());
    REQUIRE(on_front.size() == a.front.size());
    for (std::size_t i = 0; i < a.lawful_list.size(); ++i) {
      bool dominated = false;
      for (const auto& other : a.lawful_list) dominated = dominated || dominates(other, a.lawful_list[i]);
      CHECK(on_front.count(i) == (dominated ? 0u : 1u));
    }
    // ordered best first by the first objective
    for (std::size_t k = 1; k < a.front.size(); ++k)
      CHECK(better_eq(a.lawful_list[a.front[k - 1]], a.lawful_list[a.front[k]], 0, max_a));
  }
}
