// Diagnostics are data: a stable code, a severity, a primary span, labelled
// secondary spans, notes and a help text. Passes never print; renderers
// (text, JSON) consume the same objects. The catalogue of codes lives in
// diagnostic.cpp and docs/diagnostics.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "normcheck/source.h"

namespace normcheck {

enum class Severity { error, warning, note };
const char* severity_name(Severity s);

struct Label {
  Span span;
  std::string message;
};

struct Diagnostic {
  std::string code;  // e.g. "E0201"; stable, documented
  Severity severity = Severity::error;
  std::string message;  // lowercase, no final period, user input in backticks
  Span span;            // primary location (may be invalid for file-less errors)
  std::string path;     // file path when span is invalid but a file is known
  std::vector<Label> labels;
  std::vector<std::string> notes;
  std::optional<std::string> help;
};

class Diagnostics {
 public:
  Diagnostic& error(std::string code, Span span, std::string message);
  Diagnostic& warning(std::string code, Span span, std::string message);
  void add(Diagnostic d) { items_.push_back(std::move(d)); }

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  // Stable order: by file, offset, code, message.
  void sort(const SourceManager& sm);

 private:
  std::vector<Diagnostic> items_;
};

// Closest candidate by edit distance, for "did you mean" help.
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace normcheck
