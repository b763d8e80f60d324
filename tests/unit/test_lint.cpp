#include <catch2/catch.hpp>

#include <map>

#include "helpers.h"
#include "normcheck/lint.h"

using namespace normcheck;

namespace {
std::map<std::string, std::vector<std::string>> by_code(const std::vector<Diagnostic>& ds) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& d : ds) out[d.code].push_back(d.message);
  return out;
}
}  // namespace

TEST_CASE("lint finds contradictory, vacuous, redundant, dead and unused declarations", "[lint]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
enum Colour { red }
norm A "At most 2 years" { source EU "art. 1" for p: Person must wait(p) <= 24 months }
norm B "At least 3 years" { source EU "art. 2" for p: Person when p.status == refugee must wait(p) >= 36 months }
norm C "At most 3 years" { source EU "art. 3" for p: Person must wait(p) <= 36 months }
norm D "Never" { source EU "art. 4" for p: Person when p.age > 200 years must wait(p) <= 1 month }
norm E "Validity" { source EU "art. 5" must validity(refugee) >= 1 month }
norm F "Detention" { source EU "art. 6" for p: Person must not detained(p) }
rule R "r" { source NL "art. 1" define wait(p) = 12 months define wait(p) = 6 months })NC");
  REQUIRE(l->prog.has_value());
  auto found = by_code(lint(*l->prog, 10000));
  REQUIRE(found["W0101"].size() == 1);
  CHECK(found["W0101"][0] == "norms `A`, `B` cannot all be met: for some case no outcome is lawful");
  REQUIRE(found["W0102"].size() == 1);
  CHECK(found["W0102"][0].find("`D`") != std::string::npos);
  REQUIRE(found["W0103"].size() == 1);
  CHECK(found["W0103"][0] == "norm `C` is implied by `A`");
  REQUIRE(found["W0104"].size() == 1);
  CHECK(found["W0104"][0] == "this definition of `wait` in rule `R` never takes effect");
  CHECK(std::find(found["W0105"].begin(), found["W0105"].end(), "enum `Colour` is never used") != found["W0105"].end());
  CHECK(std::find(found["W0105"].begin(), found["W0105"].end(), "instrument `EU2` is cited by no norm or rule") != found["W0105"].end());
}

TEST_CASE("a consistent rule set lints clean of contradictions", "[lint]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm A "At most 2 years" { source EU "art. 1" for p: Person must wait(p) <= 24 months }
norm B "At least 1 month for refugees" { source EU "art. 2" for p: Person when p.status == refugee must wait(p) >= 1 month })NC");
  REQUIRE(l->prog.has_value());
  auto found = by_code(lint(*l->prog, 10000));
  CHECK(found["W0101"].empty());
  CHECK(found["W0103"].empty());
}

TEST_CASE("a choice's definitions take effect when that choice is taken", "[lint]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm A "At most 3 years" { source EU "art. 1" for p: Person must wait(p) <= 36 months }
measure M "m" {
  level act effective 2026-07-01
  option period "p" {
    choice m12 "12" { define wait(p) = 12 months }
    choice m24 "24" { define wait(p) = 24 months }
  }
  option minors "minors" {
    choice same "same" { }
    choice none "none" { define wait(p) = 0 months when p.age < 18 years define wait(p) = 1 month when p.age < 18 years }
  }
})NC");
  REQUIRE(l->prog.has_value());
  auto found = by_code(lint(*l->prog, 10000));
  // only the first of the two definitions in choice `none` is shadowed (by the later one)
  REQUIRE(found["W0104"].size() == 1);
  CHECK(found["W0104"][0] == "this definition of `wait` in measure `M` never takes effect");
}

// Redundancy and contradiction are decided per component of norms that share
// a free decision or fact (lint.cpp). A component that shares nothing with a
// norm but its cases can still decide whether the norm is implied: by ruling
// cases out.
TEST_CASE("lint: a norm implied because unconnected norms rule its cases out is redundant", "[lint]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm N "Short wait for refugees" { source EU "art. 1" for p: Person when p.status == refugee must wait(p) <= 1 month }
norm X "Refugees detained" { source EU "art. 2" for p: Person when p.status == refugee must detained(p) }
norm Y "Refugees not detained" { source EU "art. 3" for p: Person when p.status == refugee must not detained(p) })NC");
  REQUIRE(l->prog.has_value());
  auto found = by_code(lint(*l->prog, 10000));
  // X and Y (about `detained`) leave no lawful outcome for a refugee, so N
  // (about `wait`) can only be broken in a case no norm set can meet
  REQUIRE(found["W0103"].size() == 1);
  CHECK(found["W0103"][0] == "norm `N` is implied by `X` and `Y`");
  REQUIRE(found["W0101"].size() == 1);
  CHECK(found["W0101"][0] == "norms `X`, `Y` cannot all be met: for some case no outcome is lawful");
}

TEST_CASE("lint: unconnected norms that rule no case out do not make a norm redundant", "[lint]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm N "Short wait for refugees" { source EU "art. 1" for p: Person when p.status == refugee must wait(p) <= 1 month }
norm X "Refugees detained" { source EU "art. 2" for p: Person when p.status == refugee must detained(p) }
norm Y "Subsidiaries not detained" { source EU "art. 3" for p: Person when p.status == subsidiary must not detained(p) }
norm L "At most 2 years" { source EU "art. 4" for p: Person must wait(p) <= 24 months }
norm M "At most 3 years" { source EU "art. 5" for p: Person must wait(p) <= 36 months })NC");
  REQUIRE(l->prog.has_value());
  auto found = by_code(lint(*l->prog, 10000));
  // X and Y hold together for every case: left out of N's query, which has a
  // model (a refugee who waits 2 months); M is implied by L alone
  REQUIRE(found["W0103"].size() == 1);
  CHECK(found["W0103"][0] == "norm `M` is implied by `L`");
  CHECK(found["W0101"].empty());
}

TEST_CASE("lint: a contradiction among norms without cases needs a group whose cases exist", "[lint]") {
  const std::string odd = std::string(nc_test::kPrelude) + R"NC(
case Odd { x: int  assume x > 1  assume x < 0 }
decision lonely: bool
decision odd(o: Odd): bool
norm O "Odd" { source EU "art. 1" for o: Odd must odd(o) }
norm P "Lonely" { source EU "art. 2" must lonely }
norm Q "Not lonely" { source EU "art. 3" must not lonely })NC";
  // P and Q are contradictory on their own, but their only group is Odd's,
  // whose assumptions admit no case: the group as a whole is consistent
  auto l = nc_test::load(odd);
  REQUIRE(l->prog.has_value());
  CHECK(by_code(lint(*l->prog, 10000))["W0101"].empty());
  // with a group whose cases exist, the contradiction is found there
  auto l2 = nc_test::load(odd + R"NC(
norm R "Detained" { source EU "art. 4" for p: Person must detained(p) })NC");
  REQUIRE(l2->prog.has_value());
  auto found = by_code(lint(*l2->prog, 10000));
  REQUIRE(found["W0101"].size() == 1);
  CHECK(found["W0101"][0] == "norms `P`, `Q` cannot all be met: for some case no outcome is lawful");
}
