#include <catch2/catch.hpp>

#include "helpers.h"

using namespace normcheck;

static std::unique_ptr<nc_test::Loaded> with_prelude(const std::string& body) {
  return nc_test::load(std::string(nc_test::kPrelude) + body);
}

TEST_CASE("the prelude is well formed", "[sema]") {
  auto l = with_prelude("");
  INFO(l->codes());
  REQUIRE(l->prog.has_value());
  CHECK(l->prog->cases[0].fields.size() == 3);
  CHECK(l->prog->cases[0].fields[0].type.dim == "months");  // years are stored as months
  CHECK(l->prog->cases[0].fields[0].type.factor == 12);
}

TEST_CASE("unknown names get a did-you-mean", "[sema]") {
  auto l = with_prelude(R"NC(norm N "t" { source EU "art. 1" for p: Person must not detaned(p) })NC");
  REQUIRE(l->has_code("E0202"));
  const auto& d = l->diags.items()[0];
  REQUIRE(d.help.has_value());
  CHECK(*d.help == "did you mean `detained`?");
}

TEST_CASE("unknown fields name the case", "[sema]") {
  auto l = with_prelude(R"NC(norm N "t" { source EU "art. 1" for p: Person when p.agee < 18 years must not detained(p) })NC");
  REQUIRE(l->has_code("E0204"));
  CHECK(l->diags.items()[0].message == "case `Person` has no field `agee`");
  CHECK(*l->diags.items()[0].help == "did you mean `age`?");
}

TEST_CASE("unit mismatches are type errors", "[sema]") {
  SECTION("months against days") {
    auto l = with_prelude(R"NC(norm N "t" { source EU "art. 1" must validity(refugee) >= 30 days })NC");
    REQUIRE(l->has_code("E0302"));
    CHECK(l->diags.items()[0].message == "cannot compare `int months` >= `int days`");
  }
  SECTION("a bare number against a quantity") {
    auto l = with_prelude(R"NC(norm N "t" { source EU "art. 1" for p: Person when p.age < 18 must not detained(p) })NC");
    REQUIRE(l->has_code("E0302"));
    CHECK(*l->diags.items()[0].help == "write the unit on the number, e.g. `18 years`");
  }
  SECTION("years and months are one dimension") {
    auto l = with_prelude(R"NC(norm N "t" { source EU "art. 1" must validity(refugee) >= 3 years })NC");
    INFO(l->codes());
    CHECK(l->prog.has_value());
  }
}

TEST_CASE("duplicate ids are reported with the first declaration", "[sema]") {
  auto l = with_prelude(R"NC(
norm N "a" { source EU "art. 1" must validity(refugee) >= 1 month }
norm N "b" { source EU "art. 2" must validity(refugee) >= 1 month })NC");
  REQUIRE(l->has_code("E0201"));
  CHECK(l->diags.items()[0].labels.size() == 1);
}

TEST_CASE("several errors are reported in one run", "[sema]") {
  auto l = with_prelude(R"NC(
norm A "a" { source EU "art. 1" must validty(refugee) >= 1 month }
norm B "b" { source XX "art. 2" must validity(refugee) >= 1 day }
norm C "c" { source EU "art. 3" })NC");
  CHECK(l->diags.error_count() >= 4);
  CHECK(l->has_code("E0202"));
  CHECK(l->has_code("E0302"));
  CHECK(l->has_code("E0406"));
}

TEST_CASE("dates, levels and periods are checked", "[sema]") {
  auto l = nc_test::load(R"NC(
instrument A "a" { level eu_directve applies_from 2026-02-30 }
instrument B "b" { level act applies_from 2026-01-01 repealed 2025-01-01 })NC");
  CHECK(l->has_code("E0404"));
  CHECK(l->has_code("E0401"));
  CHECK(l->has_code("E0402"));
}

TEST_CASE("definition cycles are found", "[sema]") {
  auto l = with_prelude(R"NC(
decision x: int months
decision y: int months
rule R "r" { source NL "art. 1" define x = y + 1 month define y = x })NC");
  CHECK(l->has_code("E0311"));
}

TEST_CASE("patterns distinguish enum values from variables", "[sema]") {
  auto l = with_prelude(R"NC(rule R "r" { source NL "art. 1" define validity(refugee) = 60 months define validity(s) = 12 months })NC");
  INFO(l->codes());
  REQUIRE(l->prog.has_value());
  const auto& defs = l->prog->rulesets[0].defines;
  REQUIRE(defs.size() == 2);
  CHECK(defs[0].patterns[0].is_value);
  CHECK_FALSE(defs[1].patterns[0].is_value);
}

TEST_CASE("huge numbers are an error, never wrap around", "[sema]") {
  auto l = with_prelude(R"NC(norm N "t" { source EU "art. 1" must validity(refugee) >= 99999999999999999999999 months })NC");
  CHECK(l->has_code("E0303"));
}
