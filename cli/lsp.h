// `normcheck lsp`: a Language Server Protocol (3.17) server over stdio. It
// runs the front end (load, parse, semantic analysis) on the open buffers and
// their workspace, and answers diagnostics, hover, go to definition, document
// symbols and "did you mean" quick fixes. See docs/lsp.md.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "normcheck/source.h"

namespace normcheck::lsp {

// An LSP position: 0-based line, and a column in UTF-16 code units.
struct Position {
  std::uint32_t line = 0;
  std::uint32_t character = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

// The position of byte OFFSET in F (clamped to the text; an offset inside a
// UTF-8 sequence counts from the start of its character). Lines end at \n,
// \r\n or a lone \r, as in the SourceManager and the LSP. Invalid UTF-8
// counts as editors decode it: one U+FFFD (one code unit) per maximal prefix
// of a valid sequence, else per byte.
Position to_position(const SourceFile& f, std::uint32_t offset);

// The byte offset of P in F: a line past the end gives the end of the text, a
// character past the end of its line gives the end of the line (before the
// line break), and a character inside a surrogate pair gives the start of the
// character.
std::uint32_t to_offset(const SourceFile& f, Position p);

// file:// URIs <-> absolute paths, with percent-encoding. uri_to_path gives
// nullopt for any other scheme.
std::string path_to_uri(const std::string& path);
std::optional<std::string> uri_to_path(const std::string& uri);

// Serves one session: reads framed JSON-RPC messages from IN, writes to OUT.
// Returns the process exit code: 0 after `shutdown` then `exit`, 1 when
// `exit` (or the end of input) comes without `shutdown`.
int serve(std::istream& in, std::ostream& out, const std::string& version);

}  // namespace normcheck::lsp
