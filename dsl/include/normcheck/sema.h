// Semantic analysis: name resolution (with "did you mean"), duplicate ids,
// type and unit checking, date checks, the level hierarchy and definition
// cycles. Turns the ASTs of a rule set into one typed ir::Program.
#pragma once

#include <optional>
#include <vector>

#include "normcheck/ast.h"
#include "normcheck/diagnostic.h"
#include "normcheck/ir.h"
#include "normcheck/source.h"

namespace normcheck {

// Returns the program, or nullopt when errors were reported.
std::optional<ir::Program> analyze(const SourceManager& sm, const std::vector<ast::File>& files, Diagnostics& diags);

// The default hierarchy when no `hierarchy` declaration is given.
std::vector<ir::Level> default_levels();

}  // namespace normcheck
