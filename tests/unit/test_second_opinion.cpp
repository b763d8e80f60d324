// A second opinion on the solver: the exported queries, cvc5 re-deciding
// them, and witness replay by the IR interpreter.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

#include <fmt/format.h>

#include "helpers.h"
#include "normcheck/crosscheck.h"
#include "normcheck/load.h"
#include "normcheck/replay.h"

using namespace normcheck;

namespace {

const std::string kLaw = R"NC(
norm EU.minors "Minors detained only as a last resort" {
  source EU "art. 13(2)"
  for p: Person
  when p.age < 18 years
  must not detained(p)
  unless p.last_resort
}
measure Detain "Detain from 16" { level act effective 2026-07-01 define detained(p) = p.age >= 16 years }
)NC";

// A random rule set over a small vocabulary: norms (obligations,
// prohibitions, rights) with `when`/`unless`, derogations, rules at two
// levels and a measure, over ints with units, decimals, enums, booleans,
// `if`, `implies`, division and a fact. Deterministic for a seed.
struct Generator {
  std::mt19937 rng;
  explicit Generator(unsigned seed) : rng(seed) {}
  int pick(int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); }
  template <class T>
  const T& one(const std::vector<T>& v) { return v[static_cast<std::size_t>(pick(static_cast<int>(v.size())))]; }

  // IN_DEFINE: no decision (a definition's `when` must not make a cycle)
  std::string cond(bool in_define = false) {
    int k = pick(in_define ? 7 : 9);
    if (in_define && k == 6) k = 8;
    switch (k) {
      case 0: return fmt::format("p.age < {} years", 10 + pick(15));
      case 1: return fmt::format("p.status == {}", one<std::string>({"refugee", "subsidiary", "none"}));
      case 2: return "p.last_resort";
      case 3: return fmt::format("inflow > {} persons", 100 * pick(30));
      case 4: return "p.status in {refugee, subsidiary}";
      case 5: return fmt::format("p.income >= {} EUR", 500 * pick(6));
      case 6: return "not detained(p)";
      case 7: return fmt::format("wait(p) > {} months", pick(24));
      default: return fmt::format("p.age >= {} years and not p.last_resort", 12 + pick(10));
    }
  }
  std::string body(bool& negative) {
    negative = false;
    switch (pick(9)) {
      case 0: return fmt::format("wait(p) <= {} months", pick(30));
      case 1: negative = true; return "detained(p)";
      case 2: return fmt::format("validity(p.status) >= {} months", 12 * pick(6));
      case 3: return fmt::format("allowance(p) >= {} EUR", 100 * pick(12));
      case 4: return fmt::format("allowance(p) / 2 <= {} EUR", 100 * pick(12));
      case 5: return fmt::format("(if p.age < 18 years then wait(p) else 0 months) <= {} months", pick(24));
      case 6: return "detained(p) implies p.last_resort";
      case 7: return fmt::format("wait(p) <= {} months or detained(p)", pick(20));
      default: return fmt::format("wait(p) + {} months <= validity(p.status)", pick(24));
    }
  }
  std::string define() {
    std::string when = pick(2) ? " when " + cond(true) : "";
    switch (pick(7)) {
      case 0: return fmt::format("define wait(p) = {} months{}", pick(36), when);
      case 1: return fmt::format("define detained(p) = {}", one<std::string>({"false", "true", "p.age >= 16 years", "not p.last_resort"})) + when;
      case 2: {
        const std::string pat = one<std::string>({"refugee", "subsidiary", "s", "_"});
        return fmt::format("define validity({}) = {} months{}", pat, 12 * pick(6), pat == "s" && pick(2) ? " when s != none" : "");
      }
      case 3: return fmt::format("define allowance(p) = {} EUR{}", 100 * pick(12), when);
      case 4: return "define allowance(p) = p.income / 2" + when;
      case 5: return fmt::format("define wait(p) = if p.status == refugee then 0 months else {} months", pick(30)) + when;
      default: return fmt::format("define wait(p) = {} months when validity(p.status) > {} months", pick(30), 12 * pick(5));
    }
  }

  std::string text() {
    std::string t = R"NC(
instrument EU "An EU directive" { level eu_directive applies_from 2020-01-01 }
instrument NL "A national act" { level act in_force 2001-04-01 }
instrument DEC "A decree" { level decree in_force 2010-01-01 }
enum Status { refugee, subsidiary, none }
case Person {
  age: int years
  status: Status
  last_resort: bool
  income: decimal EUR
  assume age >= 0 years and age <= 120 years and income >= 0 EUR
}
decision validity(s: Status): int months
decision detained(p: Person): bool
decision wait(p: Person): int months
decision allowance(p: Person): decimal EUR
fact inflow: int persons
)NC";
    const int norms = 1 + pick(3);
    std::vector<std::string> derogations;
    for (int i = 0; i < norms; ++i) {
      bool negative = false;
      const std::string b = body(negative);
      const int mod = pick(6);
      const std::string modality = mod == 0 ? "may" : negative ? "must not" : "must";
      t += fmt::format("norm N{} \"n\" {{ source EU \"art. {}\" for p: Person", i, i + 1);
      if (pick(2)) t += " when " + cond();
      t += fmt::format(" {} {}", modality, b);
      if (pick(3) == 0) t += " unless " + cond();
      t += " }\n";
      if (modality != "may" && pick(3) == 0) {
        t += fmt::format("derogation D{} \"d\" {{ source EU \"art. {}a\" relaxes N{} for p: Person when {} must wait(p) <= {} months }}\n", i,
                         i + 1, i, cond(), pick(40));
        derogations.push_back(fmt::format("D{}", i));
      }
    }
    const int rules = pick(4);
    for (int j = 0; j < rules; ++j) {
      t += fmt::format("rule R{} \"r\" {{ source {} \"art. {}\"", j, pick(2) ? "NL" : "DEC", j + 1);
      const int defs = 1 + pick(2);
      for (int k = 0; k < defs; ++k) t += "\n  " + define();
      if (!derogations.empty() && pick(3) == 0) t += "\n  invoke " + one(derogations);
      t += " }\n";
    }
    t += fmt::format("measure M \"m\" {{ level {} effective 2026-07-01", one<std::string>({"act", "decree", "policy_rule"}));
    const int defs = 1 + pick(3);
    for (int k = 0; k < defs; ++k) t += "\n  " + define();
    if (!derogations.empty() && pick(3) == 0) t += "\n  invoke " + one(derogations);
    t += " }\n";
    return t;
  }
};

const Finding* conflict_on(const Verdict& v) {
  for (const auto& f : v.findings)
    if (f.kind == FindingKind::conflict) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("replay: a conflict's witness violates the norm; a corrupted one does not", "[replay]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + kLaw);
  REQUIRE(l->prog.has_value());
  const Verdict v = check_subject(*l->prog, l->prog->find_ruleset("Detain"), nc_test::day("2026-07-01"), -1, 10000);
  const Finding* f = conflict_on(v);
  REQUIRE(f != nullptr);
  const ReplayResult ok = replay_witness(*l->prog, v, *f);
  INFO(ok.reason);
  CHECK(ok.status == ReplayStatus::replayed);

  auto corrupt = [&](const std::string& field, const std::string& exact) {
    Finding g = *f;
    for (auto& x : g.witness.cases.at(0).fields)
      if (x.name == field) x.exact = exact;
    return replay_witness(*l->prog, v, g);
  };
  // an adult: the norm does not apply
  const ReplayResult adult = corrupt("age", "240");
  CHECK(adult.status == ReplayStatus::failed);
  CHECK(adult.reason.find("does not apply") != std::string::npos);
  // detention as a last resort is an exception
  CHECK(corrupt("last_resort", "true").status == ReplayStatus::failed);
  // 15 years: the measure does not detain, the norm is met
  const ReplayResult young = corrupt("age", "180");
  CHECK(young.status == ReplayStatus::failed);
  CHECK(young.reason.find("meets the norm") != std::string::npos);
  // 16.5 years breaks the case's `int years` (whole years)
  CHECK(corrupt("age", "198").status == ReplayStatus::failed);
  // not a value of the type
  CHECK(corrupt("age", "seventeen").status == ReplayStatus::failed);
  // no exact value: the evaluator cannot decide
  CHECK(corrupt("age", "").status == ReplayStatus::not_replayed);
}

TEST_CASE("replay: the outcomes a witness shows are the ones the rules decide", "[replay]") {
  // detained(p) on a case argument
  auto l = nc_test::load(std::string(nc_test::kPrelude) + kLaw);
  REQUIRE(l->prog.has_value());
  const Verdict v = check_subject(*l->prog, l->prog->find_ruleset("Detain"), nc_test::day("2026-07-01"), -1, 10000);
  const Finding* f = conflict_on(v);
  REQUIRE(f != nullptr);
  REQUIRE(f->witness.outcomes.size() == 1);
  REQUIRE(f->witness.calls.size() == 1);
  CHECK(f->witness.outcomes[0].name == "detained(p)");
  CHECK(f->witness.outcomes[0].exact == "true");
  Finding shown_false = *f;
  shown_false.witness.outcomes[0].exact = "false";
  const ReplayResult r1 = replay_witness(*l->prog, v, shown_false);
  CHECK(r1.status == ReplayStatus::failed);
  CHECK(r1.reason.find("`detained(p)` is shown as") != std::string::npos);
  Finding shown_undefined = *f;
  shown_undefined.witness.outcomes[0].relevant = false;
  shown_undefined.witness.outcomes[0].exact.clear();
  const ReplayResult r2 = replay_witness(*l->prog, v, shown_undefined);
  CHECK(r2.status == ReplayStatus::failed);
  CHECK(r2.reason.find("the rules leave it defined") != std::string::npos);

  // validity(s) on a value argument: the argument's value is what is replayed
  auto l2 = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm EU.validity "Permits last two years" { source EU "art. 24" for p: Person when p.status != none must validity(p.status) >= 24 months }
rule NL.validity "Five years" { source NL "art. 1" define validity(s) = 60 months }
measure Short "One year for subsidiary protection" { level act effective 2026-07-01 define validity(subsidiary) = 12 months })NC");
  REQUIRE(l2->prog.has_value());
  const Verdict v2 = check_subject(*l2->prog, l2->prog->find_ruleset("Short"), nc_test::day("2026-07-01"), -1, 10000);
  const Finding* f2 = conflict_on(v2);
  REQUIRE(f2 != nullptr);
  REQUIRE(f2->witness.calls.size() == 1);
  CHECK(f2->witness.outcomes[0].name == "validity(subsidiary)");
  CHECK(f2->witness.calls[0].arg_exact == std::vector<std::string>{"subsidiary"});
  CHECK(replay_witness(*l2->prog, v2, *f2).status == ReplayStatus::replayed);
  Finding other_arg = *f2;
  other_arg.witness.calls[0].arg_exact[0] = "refugee";  // 60 months for refugees, not the 12 shown
  const ReplayResult r3 = replay_witness(*l2->prog, v2, other_arg);
  CHECK(r3.status == ReplayStatus::failed);
  CHECK(r3.reason.find("`validity(subsidiary)` is shown as 12 months") != std::string::npos);
}

TEST_CASE("replay: a measure's witness replayed against current law alone fails", "[replay]") {
  // under current law (no detention) the witness meets the norm: the outcomes are the evaluator's, not the witness's
  auto l = nc_test::load(std::string(nc_test::kPrelude) + kLaw + R"NC(
rule NL.detain "No detention" { source NL "art. 2" define detained(p) = false })NC");
  REQUIRE(l->prog.has_value());
  Verdict v = check_subject(*l->prog, l->prog->find_ruleset("Detain"), nc_test::day("2026-07-01"), -1, 10000);
  const Finding* f = conflict_on(v);
  REQUIRE(f != nullptr);
  CHECK(replay_witness(*l->prog, v, *f).status == ReplayStatus::replayed);
  Verdict law = v;
  law.subject = -1;
  const ReplayResult r = replay_witness(*l->prog, law, *f);
  CHECK(r.status == ReplayStatus::failed);
}

TEST_CASE("replay: every witness of the corpus holds up", "[replay][corpus]") {
  SourceManager sm;
  Diagnostics diags;
  auto prog = load_program(sm, {std::string(NC_SOURCE_DIR) + "/rules", std::string(NC_SOURCE_DIR) + "/examples"}, diags);
  REQUIRE(prog.has_value());
  std::size_t replayed = 0, not_replayed = 0;
  for (const char* at : {"2026-07-01"}) {
    CheckOptions o;
    o.at = nc_test::day(at);
    const auto verdicts = check(*prog, o);
    const ReplaySummary s = replay_verdicts(*prog, verdicts);
    for (const auto& why : s.failures) FAIL_CHECK(why);
    replayed += s.replayed;
    not_replayed += s.not_replayed.size();
  }
  std::printf("replay over the corpus: %zu witnesses replayed, %zu not replayed\n", replayed, not_replayed);
  CHECK(replayed >= 20);
}

TEST_CASE("export: file names and text; cvc5 reads them and a flipped answer is a disagreement", "[crosscheck]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + kLaw);
  REQUIRE(l->prog.has_value());
  std::vector<SolverQuery> qs;
  const int m = l->prog->find_ruleset("Detain");
  check_subject(*l->prog, m, nc_test::day("2026-07-01"), -1, 10000, &qs);
  REQUIRE(qs.size() >= 3);
  CHECK(qs[0].kind == "conflict");
  CHECK(qs[0].answer == "sat");
  CHECK(query_file_name(*l->prog, qs[0], 1, qs.size()) == "001-Detain-conflict-EU.minors.smt2");
  CHECK(query_file_name(*l->prog, qs[0], 7, 1234) == "0007-Detain-conflict-EU.minors.smt2");
  const std::string text = query_file_text(*l->prog, qs[0], 1, qs.size());
  CHECK(text.find("(set-logic ALL)") != std::string::npos);
  const std::string tail = "(check-sat)\n; z3: sat\n";
  REQUIRE(text.size() > tail.size());
  CHECK(text.compare(text.size() - tail.size(), tail.size(), tail) == 0);
  REQUIRE(solver_available("cvc5"));
  CrossCheckOptions o;
  const auto agree = cross_check(*l->prog, qs, o);
  CHECK(agree.agreed == qs.size());
  CHECK(agree.disagreements.empty());
  CHECK(agree.errors.empty());
  auto flipped = qs;
  flipped[0].answer = "unsat";
  const auto differ = cross_check(*l->prog, flipped, o);
  REQUIRE(differ.disagreements.size() == 1);
  CHECK(differ.disagreements[0].find("query 1 (conflict, norm `EU.minors`) of measure `Detain`") != std::string::npos);
  // a script the solver cannot read is an error for that script only
  const auto bad = run_solver({qs[0].smt2, "(set-logic ALL)\n(assert (undeclared 1))\n(check-sat)\n", qs[1].smt2}, o);
  CHECK(bad.answers == std::vector<std::string>{"sat", "error", qs[1].answer});
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].first == 1);
  CHECK_FALSE(solver_available("no-such-solver-here"));
  o.solver = "no-such-solver-here";
  const auto missing = cross_check(*l->prog, qs, o);
  CHECK(missing.errors.size() == 1);
  CHECK(missing.agreed == 0);
}

TEST_CASE("generated rule sets: cvc5 agrees with every query and every witness replays", "[crosscheck][replay][property]") {
  REQUIRE(solver_available("cvc5"));
  Generator gen(20261128);
  std::size_t sets = 0, verdicts = 0, replayed = 0, not_replayed = 0, conflicts = 0, gaps = 0;
  std::size_t queries = 0, agreed = 0, unknown = 0, disagreements = 0;
  std::vector<std::string> scripts, z3;
  std::vector<std::string> where;
  auto flush = [&] {
    const auto a = run_solver(scripts, CrossCheckOptions{});
    for (const auto& [i, why] : a.errors) FAIL_CHECK(where[i] << ": cvc5: " << why);
    for (std::size_t i = 0; i < scripts.size(); ++i) {
      ++queries;
      if (a.answers[i] == "error") continue;
      if (z3[i] == "unknown" || a.answers[i] == "unknown") ++unknown;
      else if (z3[i] == a.answers[i]) ++agreed;
      else {
        ++disagreements;
        FAIL_CHECK(where[i] << ": z3 " << z3[i] << ", cvc5 " << a.answers[i] << "\n" << scripts[i]);
      }
    }
    scripts.clear();
    z3.clear();
    where.clear();
  };
  for (; sets < 500; ++sets) {
    const std::string text = gen.text();
    auto l = nc_test::load(text);
    INFO(text << l->codes());
    REQUIRE(l->prog.has_value());
    // the measure's check (current law is in it, as the rules the measure amends); a Z3
    // check costs some 50 ms, so current law on its own is left to the corpus tests
    for (int subject : {l->prog->find_ruleset("M")}) {
      std::vector<SolverQuery> qs;
      const Verdict v = check_subject(*l->prog, subject, nc_test::day("2026-07-01"), -1, 10000, &qs);
      ++verdicts;
      for (const auto& f : v.findings) {
        if (f.kind == FindingKind::undecided) continue;
        (f.kind == FindingKind::gap ? gaps : conflicts) += 1;
        const ReplayResult r = replay_witness(*l->prog, v, f);
        if (r.status == ReplayStatus::failed) FAIL_CHECK("set " << sets << ": " << r.reason << "\n" << text);
        else if (r.status == ReplayStatus::replayed) ++replayed;
        else ++not_replayed;
      }
      for (std::size_t i = 0; i < qs.size(); ++i) {
        scripts.push_back(qs[i].smt2);
        z3.push_back(qs[i].answer);
        where.push_back(fmt::format("set {}: {}\n{}", sets, describe_query(*l->prog, qs[i], i + 1), text));
      }
    }
    if (scripts.size() >= 400) flush();
  }
  flush();
  std::printf("generated: %zu rule sets, %zu verdicts; cross-check: %zu queries, %zu agreed, %zu unknown, %zu disagreements; "
              "replay: %zu conflicts and %zu gaps, %zu replayed, %zu not replayed\n",
              sets, verdicts, queries, agreed, unknown, disagreements, conflicts, gaps, replayed, not_replayed);
  CHECK(disagreements == 0);
  CHECK(agreed + unknown == queries);
  CHECK(agreed > 2500);
  CHECK(conflicts > 50);
  CHECK(replayed > 100);
}
