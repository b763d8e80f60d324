#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "helpers.h"
#include "normcheck/diff.h"

using namespace normcheck;

namespace {

const char* kHead = R"(
instrument EU "An EU directive" { level eu_directive }
instrument NL "A national act" { level act }
enum Status { refugee, subsidiary, none }
case Person {
  age: int years
  status: Status
  settled: bool
  assume age >= 0 years and age <= 120 years
}
decision wait(p: Person): int months
decision detained(p: Person): bool
decision validity(s: Status): int months
norm EU.wait "At most three years" { source EU "art. 1" for p: Person must wait(p) <= 36 months }
norm EU.detention "No detention of minors" { source EU "art. 2" for p: Person when p.age < 18 years must not detained(p) }
norm EU.validity "At least a year" { source EU "art. 3" must validity(refugee) >= 12 months }
)";

struct Pair {
  std::unique_ptr<nc_test::Loaded> a, b;
  DiffResult r;
};

Pair run(const std::string& old_rules, const std::string& new_rules, std::size_t max_regions = 20, const std::string& extra_new = "") {
  Pair p;
  p.a = nc_test::load(std::string(kHead) + old_rules);
  p.b = nc_test::load(std::string(kHead) + extra_new + new_rules);
  REQUIRE(p.a->prog);
  REQUIRE(p.b->prog);
  DiffOptions o;
  o.max_regions = max_regions;
  o.timeout_ms = 20000;
  o.verdicts = true;
  o.fixed_at = true;
  const ir::Day at = nc_test::day("2026-01-01");
  p.r = diff(DiffVersion{&*p.a->prog, -1, at}, DiffVersion{&*p.b->prog, -1, at}, o);
  return p;
}

const DecisionDiff& find(const DiffResult& r, const std::string& name) {
  for (const auto& d : r.decisions)
    if (d.name == name) return d;
  FAIL("no decision " << name);
  return r.decisions.front();
}

std::string field(const Witness& w, const std::string& name) {
  for (const auto& c : w.cases)
    for (const auto& f : c.fields)
      if (f.name == name) return f.value;
  return "?";
}

const char* kBase = R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 0 months
  define detained(p) = false
  define validity(s) = 60 months
}
)";

}  // namespace

TEST_CASE("diff: identical versions differ nowhere") {
  auto p = run(kBase, kBase);
  REQUIRE_FALSE(p.r.differences());
  for (const auto& d : p.r.decisions) CHECK(d.change == Change::unchanged);
  CHECK(p.r.norm_changes.empty());
}

TEST_CASE("diff: a numeric change in one branch only is one region, stricter by the norm's upper bound") {
  auto p = run(kBase, R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 0 months
  define wait(p) = 24 months when p.status == subsidiary
  define detained(p) = false
  define validity(s) = 60 months
}
)");
  const auto& d = find(p.r, "wait");
  CHECK(d.change == Change::stricter);
  CHECK(d.ordering == "higher is stricter");
  CHECK(d.basis == std::vector<std::string>{"EU.wait"});
  REQUIRE(d.regions.size() == 1);
  const auto& g = d.regions[0];
  CHECK(g.old_outcome.value == "0 months");
  CHECK(g.new_outcome.value == "24 months");
  CHECK(g.everywhere);
  CHECK(field(g.witness, "status") == "subsidiary");
  CHECK(field(g.witness, "age") == "any");  // the region does not depend on it
  CHECK(field(g.witness, "settled") == "any");
  CHECK(g.new_outcome.define == 1);
  CHECK(find(p.r, "detained").change == Change::unchanged);
  CHECK(find(p.r, "validity").change == Change::unchanged);
  CHECK(p.r.differences());
}

TEST_CASE("diff: a bool flip is stricter when a norm prohibits it, a longer validity more lenient") {
  auto p = run(kBase, R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 0 months
  define detained(p) = false
  define detained(p) = true when p.age >= 16 years and not p.settled
  define validity(s) = 72 months
}
)");
  const auto& d = find(p.r, "detained");
  CHECK(d.change == Change::stricter);
  CHECK(d.ordering == "true is stricter");
  REQUIRE(d.regions.size() == 1);
  CHECK(d.regions[0].old_outcome.value == "false");
  CHECK(d.regions[0].new_outcome.value == "true");
  CHECK(field(d.regions[0].witness, "settled") == "false");
  CHECK(field(d.regions[0].witness, "status") == "any");
  const auto& v = find(p.r, "validity");
  CHECK(v.change == Change::more_lenient);
  CHECK(v.ordering == "lower is stricter");
  // every value of the enum argument is one region: the same definitions decide
  REQUIRE(v.regions.size() == 1);
  CHECK(v.regions[0].everywhere);
  // detention of 16- and 17-year-olds now conflicts with the norm
  bool found = false;
  for (const auto& n : p.r.norm_changes)
    if (n.subject == "current law" && n.norm == "EU.detention" && n.old_status == "compliant" && n.new_status == "conflict") found = true;
  CHECK(found);
  bool subject = false;
  for (const auto& s : p.r.subject_changes) subject = subject || (s.subject == "current law" && s.new_status == "conflict");
  CHECK(subject);
}

TEST_CASE("diff: up for some cases and down for others is mixed, one region each") {
  auto p = run(R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 12 months
  define detained(p) = false
  define validity(s) = 60 months
}
)", R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 12 months
  define wait(p) = 0 months when p.status == refugee
  define wait(p) = 24 months when p.status == subsidiary
  define detained(p) = false
  define validity(s) = 60 months
}
)");
  const auto& d = find(p.r, "wait");
  CHECK(d.change == Change::mixed);
  REQUIRE(d.regions.size() == 2);
  std::set<std::string> seen;
  for (const auto& g : d.regions) seen.insert(field(g.witness, "status") + ":" + g.new_outcome.value + ":" + change_name(g.change));
  const std::set<std::string> expected{"refugee:0 months:more_lenient", "subsidiary:24 months:stricter"};
  CHECK(seen == expected);
}

TEST_CASE("diff: regions are capped and say so") {
  auto p = run(kBase, R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 1 months
  define wait(p) = 2 months when p.status == refugee
  define wait(p) = 3 months when p.status == subsidiary
  define detained(p) = false
  define validity(s) = 60 months
}
)", 2);
  const auto& d = find(p.r, "wait");
  CHECK(d.regions.size() == 2);
  CHECK(d.capped);
  CHECK(d.change == Change::stricter);
}

TEST_CASE("diff: added and removed decisions, a changed signature, and cases decided in one version only") {
  auto p = run(R"(
decision gone(p: Person): bool
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 0 months when p.status == refugee
  define detained(p) = false
  define validity(s) = 60 months
  define gone(p) = true
}
)", R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 0 months
  define detained(p) = false
  define validity(s) = 60 months
  define extra = true
}
)", 20, "decision extra: bool\n");
  CHECK(find(p.r, "gone").change == Change::removed);
  CHECK(find(p.r, "extra").change == Change::added);
  const auto& d = find(p.r, "wait");
  CHECK(d.decided_changes);
  CHECK(d.change == Change::changed);  // only cases newly decided: no value went up or down
  REQUIRE(d.regions.size() == 1);
  CHECK(d.regions[0].old_outcome.value == "undefined");
  CHECK(d.regions[0].new_outcome.value == "0 months");
  CHECK(d.regions[0].old_outcome.ruleset == -1);
}

TEST_CASE("diff: a decision whose type changed is incomparable") {
  auto a = nc_test::load(std::string(kHead) + kBase + "decision x(p: Person): int months\nrule NL.x \"x\" { source NL \"art. 2\" define x(p) = 1 months }\n");
  auto b = nc_test::load(std::string(kHead) + kBase + "decision x(p: Person): bool\nrule NL.x \"x\" { source NL \"art. 2\" define x(p) = true }\n");
  REQUIRE(a->prog);
  REQUIRE(b->prog);
  DiffOptions o;
  o.verdicts = false;
  const ir::Day at = nc_test::day("2026-01-01");
  auto r = diff(DiffVersion{&*a->prog, -1, at}, DiffVersion{&*b->prog, -1, at}, o);
  const auto& d = find(r, "x");
  CHECK(d.change == Change::incomparable);
  CHECK(d.reason.find("int months") != std::string::npos);
}

TEST_CASE("diff: norms that pull both ways give no order, and the change is `changed`") {
  const std::string both = R"(
norm EU.min "At least six months" { source EU "art. 4" for p: Person when p.status == none must wait(p) >= 6 months }
)";
  auto p = run(both + kBase, both + R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 3 months
  define detained(p) = false
  define validity(s) = 60 months
}
)");
  const auto& d = find(p.r, "wait");
  CHECK(d.ordering.empty());
  CHECK(d.basis == std::vector<std::string>{"EU.min", "EU.wait"});
  CHECK(d.change == Change::changed);
  REQUIRE(d.regions.size() == 1);
  CHECK(d.regions[0].change == Change::changed);
}

TEST_CASE("diff: current law against current law with a measure") {
  auto l = nc_test::load(std::string(kHead) + kBase + R"(
measure Strict "A stricter regime" {
  level act
  effective 2026-01-01
  define wait(p) = 48 months when p.status == subsidiary
  option scope "Scope" {
    choice adults "adults" { define detained(p) = true when p.age >= 18 years }
    choice all "all" { define detained(p) = true }
  }
}
)");
  REQUIRE(l->prog);
  const int m = l->prog->find_ruleset("Strict");
  DiffOptions o;
  o.fixed_at = true;
  const ir::Day at = nc_test::day("2026-01-01");
  auto r = diff(DiffVersion{&*l->prog, -1, at}, DiffVersion{&*l->prog, m, at}, o);
  const auto& w = find(r, "wait");
  CHECK(w.change == Change::stricter);
  REQUIRE(w.regions.size() == 1);
  CHECK(w.regions[0].new_outcome.value == "48 months");
  CHECK(w.regions[0].new_outcome.ruleset == m);
  // the first choice of each option is taken, as `check` does: minors stay free
  const auto& d = find(r, "detained");
  REQUIRE(d.regions.size() == 1);
  CHECK(field(d.regions[0].witness, "age") != "any");
  CHECK(find(r, "validity").change == Change::unchanged);
  // 48 months breaks the three-year bound: that verdict changes, detention of adults does not
  REQUIRE(r.norm_changes.size() == 1);
  CHECK(r.norm_changes[0].norm == "EU.wait");
  CHECK(r.norm_changes[0].subject == "Strict");
  CHECK(r.norm_changes[0].old_status == "compliant");
  CHECK(r.norm_changes[0].new_status == "conflict");
}

TEST_CASE("diff: a case that gained a field is compared on the fields both versions have") {
  const std::string decls = R"(
instrument NL "A national act" { level act }
decision wait(p: Person): int months
)";
  auto a = nc_test::load("case Person { age: int years }\n" + decls + R"(
rule NL.base "Current law" { source NL "art. 1" define wait(p) = 0 months }
)");
  auto b = nc_test::load("case Person { age: int years\n married_before_entry: bool }\n" + decls + R"(
rule NL.base "Current law" {
  source NL "art. 1"
  define wait(p) = 0 months
  define wait(p) = 24 months when not p.married_before_entry and p.age < 21 years
}
)");
  REQUIRE(a->prog);
  REQUIRE(b->prog);
  DiffOptions o;
  o.verdicts = false;
  const ir::Day at = nc_test::day("2026-01-01");
  auto r = diff(DiffVersion{&*a->prog, -1, at}, DiffVersion{&*b->prog, -1, at}, o);
  const auto& d = find(r, "wait");
  CHECK(d.change == Change::changed);  // no norm bounds it
  REQUIRE(d.regions.size() == 1);
  CHECK(field(d.regions[0].witness, "married_before_entry (new)") == "false");
  CHECK(field(d.regions[0].witness, "age") != "any");
  CHECK(d.regions[0].new_outcome.value == "24 months");
}

TEST_CASE("diff: a bool no norm speaks of has no order: its flip is `changed`, not a guess") {
  auto p = run(std::string("decision punishable: bool\n") + kBase + "rule NL.p \"p\" { source NL \"art. 9\" define punishable = false }\n",
               std::string(kBase) + "rule NL.p \"p\" { source NL \"art. 9\" define punishable = true }\n", 20, "decision punishable: bool\n");
  const auto& d = find(p.r, "punishable");
  CHECK(d.ordering.empty());
  CHECK(d.basis.empty());
  CHECK(d.change == Change::changed);
  REQUIRE(d.regions.size() == 1);
  CHECK(d.regions[0].old_outcome.value == "false");
  CHECK(d.regions[0].new_outcome.value == "true");
}
