// The formatter: one canonical layout for `.norm` files (docs/language.md,
// "Layout"), keeping every comment where it was. It prints the token stream
// with line breaks and indentation taken from the parse tree, and checks its
// own output before returning it: the output must parse to the same AST and
// hold the same comments in the same order.
#pragma once

#include <string>
#include <vector>

#include "normcheck/ast.h"
#include "normcheck/diagnostic.h"
#include "normcheck/parse.h"
#include "normcheck/source.h"

namespace normcheck {

struct FormatResult {
  enum class Status {
    ok,              // `text` holds the formatted file
    input_error,     // the file does not parse; the diagnostics say why, nothing was formatted
    internal_error,  // the output failed the self-check (a bug in the formatter); `message` says how
  };
  Status status = Status::input_error;
  std::string text;
  std::string message;
};

// Formats FILE of SM. A file with errors (syntax, or any other error the
// parser reports) is not formatted: its diagnostics go to DIAGS.
FormatResult format_source(const SourceManager& sm, FileId file, Diagnostics& diags, const ParseOptions& options = {});

// A canonical dump of an AST that leaves out spans: what the rest of the
// pipeline sees of a file. Two files mean the same iff their dumps are equal.
std::string ast_dump(const ast::File& file);

// The comments of TEXT in order, each as the formatter prints it (a line
// comment without trailing blanks, CRLF as LF). Empty when TEXT is not
// UTF-8 or the lexer fails on it.
std::vector<std::string> comment_texts(const std::string& text);

// ---- files ----

struct FormatFileOutcome {
  std::string path;
  enum class Status { unchanged, changed, input_error, internal_error } status = Status::unchanged;
  std::string message;  // internal_error: what the self-check found
};

// Formats every file named in PATHS: files, or directories searched for
// `*.norm` recursively in sorted order (the loader's discovery); imports are
// not followed. With WRITE, each file whose layout changes is rewritten in
// place (a temporary file in the same directory, renamed over it; the mode
// is kept); without, nothing is written. Unreadable paths, files that do not
// parse and files that cannot be written are reported in DIAGS.
std::vector<FormatFileOutcome> format_paths(SourceManager& sm, const std::vector<std::string>& paths, bool write,
                                            Diagnostics& diags);

}  // namespace normcheck
