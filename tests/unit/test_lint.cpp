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
