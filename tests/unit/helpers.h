#pragma once

#include <optional>
#include <string>

#include "normcheck/check.h"
#include "normcheck/diagnostic.h"
#include "normcheck/ir.h"
#include "normcheck/parse.h"
#include "normcheck/sema.h"
#include "normcheck/source.h"

namespace nc_test {

struct Loaded {
  normcheck::SourceManager sm;
  normcheck::Diagnostics diags;
  std::optional<normcheck::ast::File> ast;
  std::optional<normcheck::ir::Program> prog;

  bool has_code(const std::string& code) const {
    for (const auto& d : diags.items())
      if (d.code == code) return true;
    return false;
  }
  std::string codes() const {
    std::string out;
    for (const auto& d : diags.items()) out += d.code + ":" + d.message + "\n";
    return out;
  }
};

// Parses and analyses one in-memory file.
inline std::unique_ptr<Loaded> load(const std::string& text) {
  auto l = std::make_unique<Loaded>();
  const auto id = l->sm.add("test.norm", "/test.norm", text);
  l->ast = normcheck::parse_file(l->sm, id, l->diags);
  if (l->ast) {
    std::vector<normcheck::ast::File> files;
    files.push_back(std::move(*l->ast));
    l->prog = normcheck::analyze(l->sm, files, l->diags);
  }
  return l;
}

inline normcheck::ir::Day day(const char* s) { return *normcheck::ir::parse_date(s); }

// A small vocabulary shared by the tests.
inline const char* kPrelude = R"(
instrument EU "An EU directive" { level eu_directive applies_from 2020-01-01 }
instrument EU2 "A later EU regulation" { level eu_regulation applies_from 2026-06-12 }
instrument NL "A national act" { level act in_force 2001-04-01 }
enum Status { refugee, subsidiary, none }
case Person {
  age: int years
  status: Status
  last_resort: bool
  assume age >= 0 years and age <= 120 years
}
decision validity(s: Status): int months
decision detained(p: Person): bool
decision wait(p: Person): int months
)";

}  // namespace nc_test
