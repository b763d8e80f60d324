#include <catch2/catch.hpp>

#include "helpers.h"

using namespace normcheck;

TEST_CASE("a norm is parsed with its clauses and spans", "[parse]") {
  auto l = nc_test::load(R"NC(norm EU.art1 "Title here" {
  source EU "art. 1(2)(a)"
  for p: Person, q: Person
  when p.age < 18 years
  unless p.last_resort
  must not detained(p)
})NC");
  REQUIRE(l->diags.items().size() >= 1);  // sema: unknown instrument etc.
  // parse succeeded: the errors come from name resolution, not syntax
  for (const auto& d : l->diags.items()) CHECK(d.code.rfind("E00", 0) != 0);
}

TEST_CASE("syntax errors are collected, several per file, in plain words", "[parse]") {
  auto l = nc_test::load("norm A \"x\" {\n  source\n}\nnorm B \"y\" { must }\nenum E { a b }\n");
  CHECK_FALSE(l->ast.has_value());
  REQUIRE(l->diags.items().size() >= 2);
  for (const auto& d : l->diags.items()) {
    CHECK(d.code == "E0003");
    CHECK(d.message.find("mismatched") == std::string::npos);
    CHECK(d.message.find("viable") == std::string::npos);
    CHECK(d.span.valid());
  }
}

TEST_CASE("a missing closing brace reports end of file", "[parse]") {
  auto l = nc_test::load("enum E { a, b\n");
  REQUIRE(l->diags.items().size() == 1);
  CHECK(l->diags.items()[0].message.find("end of file") != std::string::npos);
  const auto lc = l->sm.start(l->diags.items()[0].span);
  CHECK(lc.line == 2);
}

TEST_CASE("bytes are checked before parsing", "[parse]") {
  SECTION("NUL byte") {
    auto l = nc_test::load(std::string("enum E { a }\0", 13));
    REQUIRE(l->has_code("E0102"));
    CHECK(l->sm.start(l->diags.items()[0].span).column == 13);
  }
  SECTION("invalid UTF-8") {
    auto l = nc_test::load("enum E { a }\n\xff\xfe");
    REQUIRE(l->has_code("E0103"));
    CHECK(l->sm.start(l->diags.items()[0].span).line == 2);
  }
  SECTION("empty file") {
    auto l = nc_test::load("  // only a comment\n");
    CHECK(l->has_code("E0104"));
  }
  SECTION("deep nesting") {
    std::string deep = "norm A \"t\" { source EU \"a\" must " + std::string(5000, '(') + "true" + std::string(5000, ')') + " }";
    auto l = nc_test::load(deep);
    CHECK(l->has_code("E0005"));
  }
  SECTION("long chains of prefix operators") {
    std::string deep = "norm A \"t\" { source EU \"a\" must ";
    for (int i = 0; i < 5000; ++i) deep += "not ";
    deep += "true }";
    auto l = nc_test::load(deep);
    CHECK(l->has_code("E0005"));
  }
}

TEST_CASE("a byte-order mark and CRLF line endings are accepted", "[parse]") {
  auto l = nc_test::load("\xEF\xBB\xBF" "enum E { a, b }\r\nenum F { c }\r\n");
  CHECK(l->diags.items().empty());
  REQUIRE(l->prog.has_value());
  CHECK(l->prog->enums.size() == 2);
}
