// Renderers: the same diagnostics, verdicts and expectation results as human
// text (rustc/clang style, colour optional), as one JSON document with a
// versioned schema (docs/json.md), or for CI as SARIF 2.1.0 and JUnit XML
// (docs/ci.md). Renderers only format; they decide nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "normcheck/capacity.h"
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

// `feasibility` and `plan` (render_capacity.cpp; JSON in render.cpp).
std::string text_feasibility(const ir::Program& prog, const std::vector<Feasibility>& fs, const Style& st);
std::string json_feasibility(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                             const std::vector<Feasibility>& fs);
std::string text_plan(const ir::Program& prog, const Plan& p, const Style& st);
std::string json_plan(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags, const Plan* p);
// A standalone SVG plot of one stock over the horizon under one subject and
// scenario: the level, the capacity serving it and its legal limits.
std::string svg_stock(const ir::Program& prog, const Feasibility& f, const StockTrajectory& tr);

// SARIF 2.1.0 (render_sarif.cpp, docs/ci.md). Artifact URIs are relative to
// ROOT, an absolute directory (empty: the current directory), through the
// uriBaseId `SRCROOT`; files outside it get absolute `file://` URIs.
std::string sarif_check(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                        const std::vector<Verdict>& verdicts, const std::string& root = "");
std::string sarif_test(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::vector<ExpectResult>& results, const std::string& root = "");
std::string sarif_lint(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::string& root = "");
// The one-line summary of a diagnostic code (a SARIF rule's description), or
// null for an unknown code; known_codes() lists every code it knows.
const char* code_summary(std::string_view code);
std::vector<std::string> known_codes();

// JUnit XML for `test` (render_junit.cpp, docs/ci.md).
std::string junit_test(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::vector<ExpectResult>& results);

}  // namespace normcheck::render
