// What the language server knows about a loaded rule set, from the ASTs alone
// (so that it works even when semantic analysis reports errors): every
// declaration with its hover text, every reference to one (names resolved as
// sema resolves them: binders, case fields, decisions, enum values, the global
// namespace), and the outline of each file.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "normcheck/ast.h"
#include "normcheck/source.h"

namespace normcheck::lsp {

struct Target {
  Span name;          // where "go to definition" goes: the declared name
  std::string hover;  // Markdown
};

// LSP SymbolKind values used in the outline.
enum class SymbolKind {
  module = 2, class_ = 5, method = 6, field = 8, enumeration = 10, interface = 11, function = 12, variable = 13,
  constant = 14, boolean = 17, object = 19, enum_member = 22, structure = 23, event = 24,
};

struct OutlineSymbol {
  std::string name;
  std::string detail;
  SymbolKind kind = SymbolKind::object;
  Span range;      // the whole declaration
  Span selection;  // its name
  std::vector<OutlineSymbol> children;
};

class Index {
 public:
  // SM and FILES must outlive the index.
  Index(const SourceManager& sm, const std::vector<ast::File>& files);

  struct Hit {
    const Target* target = nullptr;  // null: nothing known at that offset
    Span span;                       // the name or reference under the cursor
  };
  // The declaration named or referred to at byte OFFSET of FILE: the
  // innermost occurrence whose span contains it (end inclusive).
  Hit at(FileId file, std::uint32_t offset) const;

  // The outline of FILE: instruments, enums (values), cases (fields),
  // decisions, scenarios, norms, rules and measures (options, choices,
  // definitions), expectations; empty when FILE did not parse.
  std::vector<OutlineSymbol> outline(FileId file) const;

 private:
  struct Occurrence {
    Span span;
    std::size_t target;
  };
  friend struct IndexBuilder;

  const SourceManager& sm_;
  const std::vector<ast::File>& files_;
  std::vector<Target> targets_;
  std::map<FileId, std::vector<Occurrence>> occurrences_;
};

}  // namespace normcheck::lsp
