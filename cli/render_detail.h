// Helpers the renderers share (render.cpp, render_sarif.cpp, render_junit.cpp).
// Internal to cli/: not part of the renderer interface in render.h.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "normcheck/check.h"
#include "normcheck/ir.h"
#include "normcheck/source.h"

namespace normcheck::render::detail {

// `current law` or measure `ID`.
std::string subject_name(const ir::Program& prog, int subject);
// The instrument's title, the article and the level: `Directive ..., art. 24(2) (eu_directive)`.
std::string instrument_line(const ir::Program& prog, const ir::Norm& n);
// The clause's source text, cut at its first line break.
std::string clause_text(const SourceManager& sm, const ClauseRef& c);
// `a: Applicant { age: 16 years, other attributes: any }; ...`
std::string witness_text(const Witness& w);
// `file:line:column`, or "" for no position.
std::string location_text(const SourceManager& sm, const Span& s);
// The common JSON envelope with its diagnostics, as a JSON object text.
std::string json_prelude(const SourceManager& sm, const char* command, const std::vector<Diagnostic>& diags);
// A location object as in `diagnostics`, as JSON text.
std::string span_json_text(const SourceManager& sm, const Span& s);
// The JSON of a span and of a list of diagnostics, as in every document (docs/json.md).
nlohmann::ordered_json span_json(const SourceManager& sm, const Span& s);
nlohmann::ordered_json diags_json(const SourceManager& sm, const std::vector<Diagnostic>& diags);
// The JSON envelope: schema_version, tool, command.
nlohmann::ordered_json envelope(const char* command);

}  // namespace normcheck::render::detail
