// Parse one source file into the owned AST. Checks the bytes first (size
// limit, NUL bytes, UTF-8, nesting depth), then runs the generated ANTLR
// parser with an error listener that collects every syntax error of the file
// in plain words, and finally transforms the parse tree into ast::File.
#pragma once

#include <cstddef>
#include <optional>

#include "normcheck/ast.h"
#include "normcheck/diagnostic.h"
#include "normcheck/source.h"

namespace normcheck {

struct ParseOptions {
  std::size_t max_file_bytes = 1u << 20;  // 1 MiB
  std::size_t max_nesting = 200;      // brackets, prefix operators, `if`, `implies`
  std::size_t max_expr_depth = 1000;  // depth of an expression tree (long flat chains of `and`, `+`)
};

// Returns the AST, or nullopt when the file has errors (all reported in diags).
std::optional<ast::File> parse_file(const SourceManager& sm, FileId file, Diagnostics& diags,
                                    const ParseOptions& options = {});

}  // namespace normcheck
