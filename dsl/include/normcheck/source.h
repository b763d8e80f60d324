// Source files and spans. The SourceManager owns every buffer; a Span is a
// file id plus byte offsets into it, so snippets are printed from memory and a
// file is never read twice.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace normcheck {

using FileId = std::uint32_t;
inline constexpr FileId kNoFile = 0xffffffffu;

struct Span {
  FileId file = kNoFile;
  std::uint32_t begin = 0;  // byte offset, inclusive
  std::uint32_t end = 0;    // byte offset, exclusive

  bool valid() const { return file != kNoFile; }
  friend bool operator==(const Span&, const Span&) = default;
};

struct LineCol {
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based, in characters (UTF-8 code points)
};

struct SourceFile {
  FileId id = kNoFile;
  std::string path;          // as shown to the user
  std::string canonical;     // canonical absolute path, for de-duplication
  std::string text;
  std::vector<std::uint32_t> line_starts;
  std::vector<bool> line_ascii;  // per line: no multi-byte character, so a column is a byte offset
};

class SourceManager {
 public:
  FileId add(std::string path, std::string canonical, std::string text);
  const SourceFile& file(FileId id) const { return files_.at(id); }
  std::size_t size() const { return files_.size(); }
  const std::vector<SourceFile>& files() const { return files_; }

  LineCol line_col(FileId file, std::uint32_t offset) const;
  LineCol start(const Span& s) const { return line_col(s.file, s.begin); }
  std::string_view line_text(FileId file, std::uint32_t line) const;
  std::string_view text(const Span& s) const;

 private:
  std::vector<SourceFile> files_;
};

}  // namespace normcheck
