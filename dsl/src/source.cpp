#include "normcheck/source.h"

#include <algorithm>

namespace normcheck {

FileId SourceManager::add(std::string path, std::string canonical, std::string text) {
  SourceFile f;
  f.id = static_cast<FileId>(files_.size());
  f.path = std::move(path);
  f.canonical = std::move(canonical);
  f.text = std::move(text);
  f.line_starts.push_back(0);
  f.line_ascii.push_back(true);
  // A line ends at \n, \r\n, or a lone \r (as the lexer accepts all three).
  for (std::uint32_t i = 0; i < f.text.size(); ++i) {
    if (static_cast<unsigned char>(f.text[i]) >= 0x80) f.line_ascii.back() = false;
    if (f.text[i] == '\n' || (f.text[i] == '\r' && (i + 1 >= f.text.size() || f.text[i + 1] != '\n'))) {
      f.line_starts.push_back(i + 1);
      f.line_ascii.push_back(true);
    }
  }
  files_.push_back(std::move(f));
  return files_.back().id;
}

LineCol SourceManager::line_col(FileId file, std::uint32_t offset) const {
  const SourceFile& f = files_.at(file);
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(f.text.size()));
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  const auto line = static_cast<std::uint32_t>(it - f.line_starts.begin());
  const std::uint32_t start = f.line_starts[line - 1];
  // Constant time on an ASCII line: many diagnostics on one very long line stay linear.
  if (f.line_ascii[line - 1]) return {line, offset - start + 1};
  std::uint32_t col = 1;
  for (std::uint32_t i = start; i < offset; ++i) {
    // count code points: skip UTF-8 continuation bytes
    if ((static_cast<unsigned char>(f.text[i]) & 0xC0) != 0x80) ++col;
  }
  return {line, col};
}

std::string_view SourceManager::line_text(FileId file, std::uint32_t line) const {
  const SourceFile& f = files_.at(file);
  if (line == 0 || line > f.line_starts.size()) return {};
  const std::uint32_t start = f.line_starts[line - 1];
  std::uint32_t end = line < f.line_starts.size() ? f.line_starts[line] : static_cast<std::uint32_t>(f.text.size());
  while (end > start && (f.text[end - 1] == '\n' || f.text[end - 1] == '\r')) --end;
  return std::string_view(f.text).substr(start, end - start);
}

std::string_view SourceManager::text(const Span& s) const {
  if (!s.valid()) return {};
  const SourceFile& f = files_.at(s.file);
  if (s.begin >= f.text.size()) return {};
  return std::string_view(f.text).substr(s.begin, std::min<std::size_t>(s.end, f.text.size()) - s.begin);
}

}  // namespace normcheck
