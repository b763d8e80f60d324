#include <catch2/catch.hpp>

#include <map>

#include "helpers.h"
#include "render.h"

using namespace normcheck;

namespace {

std::unique_ptr<nc_test::Loaded> program(const std::string& body) {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + body);
  INFO(l->codes());
  REQUIRE(l->prog.has_value());
  return l;
}

Verdict verdict(const nc_test::Loaded& l, const std::string& subject, const char* at = "2026-07-01") {
  const int s = subject.empty() ? -1 : l.prog->find_ruleset(subject);
  return check_subject(*l.prog, s, nc_test::day(at), -1, 10000);
}

const std::string kLaw = R"NC(
norm EU.validity "Refugee permit at least 3 years" {
  source EU "art. 24(1)"
  must validity(refugee) >= 3 years
}
norm EU.minors "Minors detained only as a last resort" {
  source EU "art. 13(2)"
  for p: Person
  when p.age < 18 years
  must not detained(p)
  unless p.last_resort
}
rule NL.permits "Permits for five years" {
  source NL "art. 28"
  define validity(s) = 60 months
  define detained(p) = false
}
)NC";

}  // namespace

TEST_CASE("current law that meets every norm is compliant", "[check]") {
  auto l = program(kLaw);
  auto v = verdict(*l, "");
  CHECK(v.status == Status::compliant);
  CHECK(v.norms_checked == 2);
  CHECK(v.findings.empty());
}

TEST_CASE("a measure below a norm's floor conflicts, with the clause from the core", "[check]") {
  auto l = program(kLaw + R"NC(
measure Short "Two-year permits" {
  level act
  effective 2026-07-01
  define validity(refugee) = 24 months
  define validity(subsidiary) = 12 months
})NC");
  auto v = verdict(*l, "Short");
  REQUIRE(v.status == Status::conflict);
  REQUIRE(v.findings.size() == 1);
  const auto& f = v.findings[0];
  CHECK(f.code == "C0001");
  CHECK(l->prog->norms[static_cast<std::size_t>(f.norm)].id == "EU.validity");
  // exactly the refugee clause, not the subsidiary one
  REQUIRE(f.clauses.size() == 1);
  CHECK(f.clauses[0].define == 0);
  REQUIRE(f.witness.outcomes.size() == 1);
  CHECK(f.witness.outcomes[0].name == "validity(refugee)");
  CHECK(f.witness.outcomes[0].value == "24 months");
}

TEST_CASE("the witness names a concrete case and drops attributes that do not matter", "[check]") {
  auto l = program(kLaw + R"NC(
measure Detain "Detain from 16" {
  level act
  effective 2026-07-01
  define detained(p) = p.age >= 16 years
})NC");
  auto v = verdict(*l, "Detain");
  REQUIRE(v.findings.size() == 1);
  const auto& w = v.findings[0].witness;
  REQUIRE(w.cases.size() == 1);
  CHECK(w.cases[0].type == "Person");
  std::map<std::string, WitnessValue> fields;
  for (const auto& f : w.cases[0].fields) fields[f.name] = f;
  CHECK(fields["age"].relevant);
  CHECK((fields["age"].value == "16 years" || fields["age"].value == "17 years"));
  CHECK(fields["last_resort"].value == "false");
  CHECK_FALSE(fields["status"].relevant);
  CHECK(fields["status"].value == "any");
}

TEST_CASE("a norm that outranks nothing the measure touches is not checked", "[check]") {
  auto l = program(kLaw + R"NC(
measure Other "Longer validity" { level act effective 2026-07-01 define validity(refugee) = 72 months })NC");
  auto v = verdict(*l, "Other");
  CHECK(v.status == Status::compliant);
  CHECK(v.norms_checked == 1);  // only EU.validity depends on `validity`
}

TEST_CASE("a lower norm does not bind a higher measure; equal rank is a warning", "[check]") {
  auto l = program(R"NC(
norm NL.floor "National floor" { source NL "art. 1" must validity(refugee) >= 48 months }
measure Act "An act" { level act effective 2026-07-01 define validity(refugee) = 36 months }
measure Decree "A decree" { level decree effective 2026-07-01 define validity(refugee) = 36 months })NC");
  auto act = verdict(*l, "Act");
  REQUIRE(act.findings.size() == 1);
  CHECK(act.findings[0].severity == Severity::warning);
  CHECK(act.findings[0].code == "C0002");
  CHECK(act.findings[0].precedence.find("lex posterior") != std::string::npos);
  CHECK(act.status == Status::compliant);
  auto decree = verdict(*l, "Decree");
  REQUIRE(decree.findings.size() == 1);
  CHECK(decree.findings[0].severity == Severity::error);
}

TEST_CASE("a silent law is a gap, never compliant and never a conflict", "[check]") {
  auto l = program(R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person must wait(p) <= 24 months }
rule NL.wait "Refugees wait 0 months" { source NL "art. 29" define wait(p) = 0 months when p.status == refugee })NC");
  auto v = verdict(*l, "");
  REQUIRE(v.findings.size() == 1);
  CHECK(v.findings[0].kind == FindingKind::gap);
  CHECK(v.status == Status::gaps);
  CHECK(v.findings[0].reason == "no rule defines `wait(p)`");
}

TEST_CASE("a right is violated only where the rules make it impossible", "[check]") {
  auto l = program(R"NC(
decision may_apply(p: Person): bool
norm EU.apply "Refugees may apply" { source EU "art. 4" for p: Person when p.status == refugee may may_apply(p) }
measure Ban "No applications under 18" { level act effective 2026-07-01 define may_apply(p) = p.age >= 18 years })NC");
  CHECK(verdict(*l, "").status == Status::compliant);  // undefined: the right stays open
  auto v = verdict(*l, "Ban");
  REQUIRE(v.status == Status::conflict);
  CHECK(v.findings[0].witness.cases[0].fields[1].value == "refugee");
}

TEST_CASE("a derogation lifts a norm only when invoked, and reports rely on it", "[check]") {
  const std::string law = R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person must wait(p) <= 24 months }
derogation EU.wait_derog "May require 3 years" {
  source EU "art. 8, second paragraph"
  relaxes EU.wait
  for p: Person
  must wait(p) <= 36 months
}
)NC";
  auto l = program(law + R"NC(
measure Plain "Three years" { level act effective 2026-07-01 define wait(p) = 36 months }
measure Invoking "Three years, invoking" { level act effective 2026-07-01 define wait(p) = 36 months invoke EU.wait_derog }
measure TooLong "Four years, invoking" { level act effective 2026-07-01 define wait(p) = 48 months invoke EU.wait_derog })NC");
  CHECK(verdict(*l, "Plain").status == Status::conflict);
  auto inv = verdict(*l, "Invoking");
  CHECK(inv.status == Status::compliant);
  REQUIRE(inv.relies_on.size() == 1);
  CHECK(l->prog->norms[static_cast<std::size_t>(inv.relies_on[0].derogations[0])].id == "EU.wait_derog");
  CHECK(verdict(*l, "TooLong").status == Status::conflict);
}

TEST_CASE("norms apply only within their instrument's period", "[check]") {
  auto l = program(R"NC(
norm EU2.floor "Floor from the Pact" { source EU2 "art. 1" must validity(refugee) >= 36 months }
measure M "Two years" { level act effective 2026-01-01 define validity(refugee) = 24 months })NC");
  CHECK(verdict(*l, "M", "2026-05-01").status == Status::compliant);
  CHECK(verdict(*l, "M", "2026-06-12").status == Status::conflict);
}

TEST_CASE("a conflict already in current law is not blamed on a measure", "[check]") {
  auto l = program(R"NC(
norm EU.floor "Floor" { source EU "art. 1" must validity(refugee) >= 36 months }
rule NL.r "Two years" { source NL "art. 1" define validity(s) = 24 months }
measure M "Subsidiary one year" { level act effective 2026-07-01 define validity(subsidiary) = 12 months })NC");
  auto cur = verdict(*l, "");
  CHECK(cur.status == Status::conflict);
  auto m = verdict(*l, "M");
  CHECK(m.status == Status::compliant);
  CHECK(m.preexisting.size() == 1);
}

TEST_CASE("expectations pass and fail as stated", "[check]") {
  auto l = program(kLaw + R"NC(
measure Short "Two-year permits" { level act effective 2026-07-01 define validity(refugee) = 24 months }
expect Short conflicts_with EU.validity
expect Short compliant
expect current_law compliant at 2026-07-01)NC");
  auto results = run_expectations(*l->prog, nc_test::day("2026-01-01"), 10000);
  REQUIRE(results.size() == 3);
  CHECK(results[0].passed);
  CHECK_FALSE(results[1].passed);
  CHECK(results[1].message == "conflicts with EU.validity");
  CHECK(results[2].passed);
}

TEST_CASE("the JSON document is versioned and deterministic", "[check]") {
  auto l = program(kLaw + R"NC(
measure Short "Two-year permits" { level act effective 2026-07-01 define validity(refugee) = 24 months })NC");
  CheckOptions o;
  o.today = nc_test::day("2026-07-01");
  auto a = render::json_check(l->sm, &*l->prog, {}, check(*l->prog, o));
  auto b = render::json_check(l->sm, &*l->prog, {}, check(*l->prog, o));
  CHECK(a == b);
  CHECK(a.find("\"schema_version\": 1") != std::string::npos);
  CHECK(a.find("\"status\": \"conflict\"") != std::string::npos);
}

// ---- regressions from the adversarial review ----

TEST_CASE("a violation by a lower rule is found even where a higher rule decides other cases", "[check][regression]") {
  auto l = nc_test::load(R"NC(
instrument T "A treaty" { level treaty in_force 1990-01-01 }
instrument EU "An EU directive" { level eu_directive applies_from 2020-01-01 }
instrument NL "A national act" { level act in_force 2001-04-01 }
case Person { age: int years  assume age >= 0 years and age <= 120 years }
decision detained(p: Person): bool
norm EU.a "Minors not detained" { source EU "art. 2" for p: Person when p.age < 18 years must not detained(p) }
rule T.r "Treaty: under 17 held" { source T "art. 1" define detained(p) = true when p.age < 17 years }
rule NL.r "Act: everyone detained" { source NL "art. 1" define detained(p) = true })NC");
  REQUIRE(l->prog.has_value());
  auto v = check_subject(*l->prog, -1, nc_test::day("2026-07-01"), -1, 10000);
  REQUIRE(v.status == Status::conflict);
  CHECK(v.findings[0].witness.cases[0].fields[0].value == "17 years");
}

TEST_CASE("an undefined when-condition of a definition makes a gap, not a conflict", "[check][regression]") {
  auto l = program(R"NC(
decision exempt(p: Person): bool
norm EU.a "Nobody detained" { source EU "art. 2" for p: Person must not detained(p) }
rule NL.base "all detained" { source NL "art. 1" valid from 2001-04-01 define detained(p) = true }
measure Exc "except the exempt" { level act effective 2026-07-01 define detained(p) = false when exempt(p) })NC");
  auto v = verdict(*l, "Exc");
  REQUIRE(v.findings.size() == 1);
  CHECK(v.findings[0].kind == FindingKind::gap);
}

TEST_CASE("a measure that worsens a violation current law already has conflicts", "[check][regression]") {
  auto l = program(R"NC(
norm EU.a1 "Refugee permit >= 36 months" { source EU "art. 1" must validity(refugee) >= 36 months }
rule NL.r "permits" { source NL "art. 1" define validity(s) = 12 months }
measure Worse "Cut further" { level act effective 2026-07-01 define validity(refugee) = 1 month })NC");
  auto v = verdict(*l, "Worse");
  REQUIRE(v.status == Status::conflict);
  CHECK(v.findings[0].witness.outcomes[0].value == "1 month");
}

TEST_CASE("a derogation of a repealed instrument no longer excuses", "[check][regression]") {
  auto l = program(R"NC(
instrument OLD "Old directive" { level eu_directive applies_from 2010-01-01 repealed 2020-01-01 }
norm EU.a2 "Minors not detained" { source EU "art. 2" for p: Person when p.age < 18 years must not detained(p) }
derogation OLD.d1 "may detain 16+" { source OLD "art. 9" for p: Person relaxes EU.a2 when p.age >= 16 years }
measure M "Detain 16+" { level act effective 2026-07-01 define detained(p) = p.age >= 16 years invoke OLD.d1 })NC");
  auto v = verdict(*l, "M");
  CHECK(v.status == Status::conflict);
  CHECK(v.relies_on.empty());
}

TEST_CASE("a fact and a binder with the same name stay apart", "[check][regression]") {
  auto l = program(R"NC(
fact s: Status
norm EU.a "all >= 12m" { source EU "art. 1" for s: Status must validity(s) >= 12 months }
rule NL.r "r" { source NL "art. 1" define validity(refugee) = 60 months define validity(subsidiary) = 1 month define validity(none) = 60 months }
scenario Refugees "r" { assume s == refugee })NC");
  auto v = check_subject(*l->prog, -1, nc_test::day("2026-07-01"), l->prog->find_scenario("Refugees"), 10000);
  CHECK(v.status == Status::conflict);
}

TEST_CASE("equal rank: a later norm prevails over an earlier measure", "[check][regression]") {
  auto l = nc_test::load(R"NC(
instrument NL "Act" { level act in_force 2027-01-01 }
decision benefit: int EUR
norm NL.min "Minimum benefit" { source NL "art. 1" must benefit >= 100 EUR }
rule NL.cur "current" { source NL "art. 2" define benefit = 200 EUR }
measure Cut "Cut" { level act effective 2026-01-01 define benefit = 50 EUR }
expect Cut compliant at 2028-01-01
expect Cut conflicts_with NL.min at 2028-01-01)NC");
  REQUIRE(l->prog.has_value());
  auto r = run_expectations(*l->prog, nc_test::day("2028-01-01"), 10000);
  REQUIRE(r.size() == 2);
  CHECK_FALSE(r[0].passed);
  CHECK(r[1].passed);
}

TEST_CASE("contradictory scenario assumptions are undecided, never vacuously compliant", "[check][regression]") {
  auto l = program(R"NC(
fact inflow: int persons
decision beds: int persons
norm EU.a "beds" { source EU "art. 1" must beds >= inflow }
rule NL.r "beds" { source NL "art. 1" define beds = 10 persons }
scenario Impossible "i" { assume inflow > 100 persons and inflow < 50 persons })NC");
  auto v = check_subject(*l->prog, -1, nc_test::day("2026-07-01"), l->prog->find_scenario("Impossible"), 10000);
  CHECK(v.status == Status::undecided);
}

TEST_CASE("valid narrows an instrument's period and never extends it", "[sema][regression]") {
  auto l = nc_test::load(R"NC(
instrument EU "repealed 2024" { level eu_directive applies_from 2020-01-01 repealed 2024-01-01 }
decision x: int months
norm EU.a "x >= 12" { source EU "art. 1" valid until 2030-01-01 must x >= 12 months })NC");
  REQUIRE(l->prog.has_value());
  CHECK(*l->prog->norms[0].period.until == nc_test::day("2024-01-01"));
}

TEST_CASE("scenarios cannot presuppose decisions", "[sema][regression]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(scenario S "s" { assume validity(refugee) > 1 month })NC");
  CHECK(l->has_code("E0312"));
}

TEST_CASE("no_conflict passes where the law is silent but fails on a conflict", "[check]") {
  auto l = program(R"NC(
norm EU.wait "Wait at most 2 years" { source EU "art. 8" for p: Person must wait(p) <= 24 months }
measure Refugees "Refugees wait 12 months" { level act effective 2026-07-01 define wait(p) = 12 months when p.status == refugee }
measure Long "Everyone waits 36 months" { level act effective 2026-07-01 define wait(p) = 36 months }
expect Refugees no_conflict
expect Refugees compliant
expect Long no_conflict)NC");
  auto r = run_expectations(*l->prog, nc_test::day("2026-07-01"), 10000);
  REQUIRE(r.size() == 3);
  CHECK(r[0].passed);
  CHECK_FALSE(r[1].passed);  // gaps: the law is silent for the others
  CHECK_FALSE(r[2].passed);
  CHECK(r[2].message == "conflicts with EU.wait");
}

TEST_CASE("a query assumes only the clauses its norm depends on, and the shared path agrees with the naive one", "[check][export]") {
  const auto l = program(kLaw + R"NC(
measure Short "Permits for one year" {
  level act
  effective 2026-07-01
  define validity(refugee) = 12 months
}
measure Detain "Detain everyone" {
  level act
  effective 2026-07-01
  define detained(p) = true
}
)NC");
  // current law's queries: those on EU.validity mention the clause that
  // defines validity (NL.permits define 0), never the one that defines
  // detention (define 1), and the other way round for EU.minors
  std::vector<SolverQuery> qs;
  const Verdict v = check_subject(*l->prog, -1, nc_test::day("2026-07-01"), -1, 10000, &qs);
  CHECK(v.status == Status::compliant);
  auto norm_index = [&](const std::string& id) {
    for (std::size_t n = 0; n < l->prog->norms.size(); ++n)
      if (l->prog->norms[n].id == id) return static_cast<int>(n);
    return -1;
  };
  const int validity = norm_index("EU.validity"), minors = norm_index("EU.minors");
  REQUIRE(validity >= 0);
  REQUIRE(minors >= 0);
  std::size_t seen_validity = 0, seen_minors = 0;
  for (const auto& q : qs) {
    INFO(q.smt2);
    const bool d0 = q.smt2.find("clause!NL.permits!define!0") != std::string::npos;
    const bool d1 = q.smt2.find("clause!NL.permits!define!1") != std::string::npos;
    if (q.norm == validity) {
      ++seen_validity;
      CHECK(d0);
      CHECK_FALSE(d1);
    } else if (q.norm == minors) {
      ++seen_minors;
      CHECK(d1);
      CHECK_FALSE(d0);
    }
  }
  CHECK(seen_validity > 0);
  CHECK(seen_minors > 0);
  // the same verdicts and witnesses with nothing shared and a fresh solver per query
  CheckOptions o;
  o.today = nc_test::day("2026-07-01");
  const auto shared = check(*l->prog, o);
  set_fresh_solvers(true);
  const auto naive = check(*l->prog, o);
  set_fresh_solvers(false);
  REQUIRE(shared.size() == 3);
  REQUIRE(naive.size() == shared.size());
  for (std::size_t i = 0; i < shared.size(); ++i) {
    CHECK(status_name(naive[i].status) == std::string(status_name(shared[i].status)));
    REQUIRE(naive[i].findings.size() == shared[i].findings.size());
    for (std::size_t f = 0; f < shared[i].findings.size(); ++f) {
      CHECK(naive[i].findings[f].norm == shared[i].findings[f].norm);
      CHECK(naive[i].findings[f].clauses.size() == shared[i].findings[f].clauses.size());
    }
  }
  CHECK(shared[1].status == Status::conflict);  // Short: below EU.validity's floor
  CHECK(shared[2].status == Status::conflict);  // Detain: EU.minors
}
