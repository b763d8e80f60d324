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
#include "normcheck/diff.h"
#include "normcheck/explain.h"
#include "normcheck/explore.h"
#include "normcheck/ir.h"
#include "normcheck/source.h"
#include "normcheck/timeline.h"

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

// `timeline` (render_timeline.cpp): text, one JSON document (docs/json.md),
// and a self-contained SVG chart, one row per subject, a bar per run of
// intervals with the same verdict, a legend and a date axis.
std::string text_timeline(const ir::Program& prog, const Timeline& t, const Style& st);
std::string json_timeline(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags, const Timeline* t);
std::string svg_timeline(const ir::Program& prog, const Timeline& t);
// The same runs as an HTML table (subject, from, to, verdict, norms), escaped.
std::string html_timeline_table(const ir::Program& prog, const Timeline& t);

// A section of the report whose HTML another analysis renders (trusted:
// produced by normcheck's own renderers, never copied from a rule file).
struct ReportSection {
  std::string id;     // the anchor, e.g. `feasibility-TwoStatus`
  std::string title;  // plain text; escaped by the report
  std::string html;   // the section's body
};

// What the HTML report shows (render_html.cpp, README "report").
struct ReportInput {
  std::vector<std::string> paths;         // the inputs, as given
  std::vector<Verdict> verdicts;          // as `check` computes them: the summary table
  std::vector<Explanation> explanations;  // of the measures in conflict: minimal conflicts and repairs
  Timeline timeline;                      // the timeline chart
  // The capacity analysis (feasibility_section): one section per subject and
  // scenario, shown between the conflicts and the timeline under
  // "Feasibility". Empty: no such section (no capacity model).
  std::vector<ReportSection> feasibility;
};

// One feasibility result (a subject under a scenario) as a report section:
// the verdict, the first failing month, the least extra capacity and a chart
// per stock (svg_stock), every name escaped.
ReportSection feasibility_section(const ir::Program& prog, const Feasibility& f);

// One self-contained HTML document: inline CSS (with a print stylesheet) and
// inline SVG, no script, no external resource; every text from the rule
// files is escaped and instrument links are http(s) only.
std::string html_report(const SourceManager& sm, const ir::Program& prog, const ReportInput& in);
// The conflict graph alone: measures left, the norms they conflict with
// right, an edge per conflict (inline SVG, deterministic layout).
std::string svg_conflict_graph(const ir::Program& prog, const std::vector<Verdict>& verdicts);
// `s` with & < > " ' as character references.
std::string html_escape(const std::string& s);

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

// `diff` (render_diff.cpp): how the two versions are named, and the date.
struct DiffLabels {
  std::string old_name, new_name;  // `rules @ HEAD~1`, `current law`, `current law with measure TwoStatus`
  std::string mode;                // `versions` or `measure`
  std::string measure;             // measure mode: its id
  std::string at;                  // YYYY-MM-DD
  std::string scenario;            // or empty
};
std::string text_diff(const SourceManager& sm, const ir::Program& old_prog, const ir::Program& new_prog, const DiffLabels& labels,
                      const DiffResult& r, const Style& st);
std::string json_diff(const SourceManager& sm, const std::vector<Diagnostic>& diags, const ir::Program* old_prog,
                      const ir::Program* new_prog, const DiffLabels& labels, const DiffResult* r);

// JUnit XML for `test` (render_junit.cpp, docs/ci.md).
std::string junit_test(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::vector<ExpectResult>& results);

}  // namespace normcheck::render
