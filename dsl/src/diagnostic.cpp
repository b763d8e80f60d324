#include "normcheck/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace normcheck {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

Diagnostic& Diagnostics::error(std::string code, Span span, std::string message) {
  items_.push_back(Diagnostic{std::move(code), Severity::error, std::move(message), span, {}, {}, {}, {}});
  return items_.back();
}

Diagnostic& Diagnostics::warning(std::string code, Span span, std::string message) {
  items_.push_back(Diagnostic{std::move(code), Severity::warning, std::move(message), span, {}, {}, {}, {}});
  return items_.back();
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

void Diagnostics::sort(const SourceManager& sm) {
  auto key = [&](const Diagnostic& d) {
    std::string path = d.span.valid() ? sm.file(d.span.file).path : d.path;
    return std::make_tuple(path, d.span.valid() ? d.span.begin : 0u, d.code, d.message);
  };
  std::stable_sort(items_.begin(), items_.end(), [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
}

static std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = 0;
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d <= limit && (!best || d < best_d || (d == best_d && c < *best))) {
      best = c;
      best_d = d;
    }
  }
  return best;
}

}  // namespace normcheck
