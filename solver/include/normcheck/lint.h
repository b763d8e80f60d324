// Corpus health: contradictory, vacuous and redundant norms, definitions that
// never take effect, and unused declarations, as warnings with stable codes
// (W0101-W0105, docs/diagnostics.md).
#pragma once

#include <vector>

#include "normcheck/diagnostic.h"
#include "normcheck/ir.h"

namespace normcheck {

std::vector<Diagnostic> lint(const ir::Program& prog, unsigned timeout_ms);

}  // namespace normcheck
