// Renderers: the same diagnostics, verdicts and expectation results as human
// text (rustc/clang style, colour optional) or as one JSON document with a
// versioned schema (docs/json.md). Renderers only format; they decide nothing.
#pragma once

#include <string>
#include <vector>

#include "normcheck/check.h"
#include "normcheck/diagnostic.h"
#include "normcheck/explain.h"
#include "normcheck/explore.h"
#include "normcheck/ir.h"
#include "normcheck/source.h"

namespace normcheck::render {

inline constexpr int kSchemaVersion = 1;
inline constexpr const char* kToolVersion = "0.1.0";

struct Style {
  bool colour = false;
};

std::string text_diagnostics(const SourceManager& sm, const std::vector<Diagnostic>& diags, const Style& st);
std::string text_verdicts(const SourceManager& sm, const ir::Program& prog, const std::vector<Verdict>& verdicts, const Style& st);
std::string text_expectations(const SourceManager& sm, const ir::Program& prog, const std::vector<ExpectResult>& results,
                              const Style& st);

// One JSON document for `check` (verdicts) or `test` (results); diagnostics
// are included in both. Either program or its parts may be absent on input errors.
std::string json_check(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::vector<Verdict>& verdicts);
std::string text_explanations(const SourceManager& sm, const ir::Program& prog, const std::vector<Explanation>& ex, const Style& st);
std::string json_explain(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                         const std::vector<Explanation>& ex);
std::string text_explore_value(const ValueQuestion& q, const ValueAnswer& a, const Style& st);
std::string json_explore_value(const SourceManager& sm, const std::vector<Diagnostic>& diags, const ValueQuestion& q, const ValueAnswer* a);
std::string text_explore_options(const ir::Program& prog, const OptionsAnswer& a, const Style& st);
std::string json_explore_options(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                                 const OptionsAnswer* a);
std::string json_lint(const SourceManager& sm, const std::vector<Diagnostic>& diags);
std::string json_test(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                      const std::vector<ExpectResult>& results);

}  // namespace normcheck::render
