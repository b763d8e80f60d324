// Positions (byte offsets <-> LSP lines and UTF-16 code units) and file URIs.
#include <algorithm>
#include <cctype>
#include <string_view>

#include "lsp.h"

namespace normcheck::lsp {
namespace {

struct Char {
  std::uint32_t bytes = 1;  // length of the UTF-8 sequence (1 for an invalid byte)
  std::uint32_t units = 1;  // UTF-16 code units
};

// The character that starts at byte I of TEXT, not looking at or past END.
// Invalid UTF-8 decodes as editors decode it (the WHATWG decoder): each
// maximal prefix of a valid sequence, or else one byte, is one U+FFFD.
Char char_at(const std::string& text, std::uint32_t i, std::uint32_t end) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return {1, 1};
  std::uint32_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xE1 && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else return {1, 1};
  for (std::uint32_t k = 1; k < n; ++k) {
    const auto b = i + k < end ? static_cast<unsigned char>(text[i + k]) : 0;
    if (b < lo || b > hi) return {k, 1};
    lo = 0x80, hi = 0xBF;
  }
  return {n, n == 4 ? 2u : 1u};
}

std::uint32_t line_end(const SourceFile& f, std::size_t line) {
  auto end = line + 1 < f.line_starts.size() ? f.line_starts[line + 1] : static_cast<std::uint32_t>(f.text.size());
  const std::uint32_t start = f.line_starts[line];
  if (end > start && f.text[end - 1] == '\n') --end;
  if (end > start && f.text[end - 1] == '\r') --end;
  return end;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Position to_position(const SourceFile& f, std::uint32_t offset) {
  const auto size = static_cast<std::uint32_t>(f.text.size());
  offset = std::min(offset, size);
  if (f.line_starts.empty()) return {};
  const auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  const auto line = static_cast<std::size_t>(it - f.line_starts.begin()) - 1;
  const std::uint32_t end = line + 1 < f.line_starts.size() ? f.line_starts[line + 1] : size;
  std::uint32_t units = 0;
  for (std::uint32_t i = f.line_starts[line]; i < offset;) {
    const Char c = char_at(f.text, i, end);
    if (i + c.bytes > offset) break;  // OFFSET is inside this character
    units += c.units;
    i += c.bytes;
  }
  return {static_cast<std::uint32_t>(line), units};
}

std::uint32_t to_offset(const SourceFile& f, Position p) {
  if (f.line_starts.empty() || p.line >= f.line_starts.size()) return static_cast<std::uint32_t>(f.text.size());
  const std::uint32_t end = line_end(f, p.line);
  std::uint32_t i = f.line_starts[p.line], units = 0;
  while (i < end && units < p.character) {
    const Char c = char_at(f.text, i, end);
    if (units + c.units > p.character) break;  // inside a surrogate pair
    units += c.units;
    i += c.bytes;
  }
  return i;
}

std::string path_to_uri(const std::string& path) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "file://";
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                       c == '_' || c == '~' || c == '/';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::optional<std::string> uri_to_path(const std::string& uri) {
  constexpr std::string_view scheme = "file://";
  if (uri.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(uri[i])) != scheme[i]) return std::nullopt;
  std::string rest = uri.substr(scheme.size());
  rest = rest.substr(0, rest.find_first_of("?#"));
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string authority = rest.substr(0, slash);
  if (!authority.empty() && authority != "localhost") return std::nullopt;
  std::string path;
  for (std::size_t i = slash; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
      path += static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2]));
      i += 2;
    } else {
      path += rest[i];
    }
  }
  if (path.find('\0') != std::string::npos) return std::nullopt;
  return path;
}

}  // namespace normcheck::lsp
