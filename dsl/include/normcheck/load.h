// Loading a rule set: files and directories named on the command line, and
// every file they import (relative to the importing file), each parsed once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "normcheck/ast.h"
#include "normcheck/diagnostic.h"
#include "normcheck/parse.h"
#include "normcheck/source.h"

namespace normcheck {

struct LoadOptions {
  ParseOptions parse;
  std::size_t max_files = 10000;
  // In-memory sources loaded after the paths: (name shown in messages, text).
  std::vector<std::pair<std::string, std::string>> inline_sources;
  // Texts used instead of the files on disk, by canonical path (see
  // canonical_path): an editor's unsaved buffers. A file with an overlay need
  // not exist on disk.
  std::map<std::string, std::string> overlays;
  // Only the overlays exist (a git revision read without a checkout): a file
  // without one cannot be read (E0501), whatever is on disk. OVERLAY_ORIGIN
  // names where they come from in that message (`git revision HEAD~1`).
  bool overlays_only = false;
  std::string overlay_origin;
  // Confinement (docs/security.md). When on, an imported file, and a file
  // found in a directory given, must lie, with symbolic links resolved, below
  // one of IMPORT_ROOTS (a file stands for its directory) or of
  // ALLOWED_IMPORT_DIRS; an absolute import path only below the latter.
  // Files named in PATHS are always read. Off: anything may be imported.
  bool confine_imports = false;
  std::vector<std::string> import_roots;
  std::vector<std::string> allowed_import_dirs;
};

// The key by which files are de-duplicated: the weakly canonical absolute
// path, or the lexically normal path when that cannot be computed.
std::string canonical_path(const std::string& path);
// Reads one file into SM as the loader does: only a regular file (a FIFO
// or a device would block), at most MAX_BYTES + 1 bytes (the parser reports
// the size). Errors (E0501) go to DIAGS, at FROM when it is valid.
std::optional<FileId> read_source(SourceManager& sm, const std::string& path, Diagnostics& diags, std::size_t max_bytes,
                                  Span from = {});

// The `*.norm` files below DIR, recursively, in sorted order (E0501 when the
// directory cannot be read, E0505 when it holds none).
std::vector<std::string> find_norm_files(const std::string& dir, Diagnostics& diags, std::size_t max_files = 10000);

// Loads PATHS (files, or directories searched for `*.norm` in sorted order)
// and their imports. Errors (unreadable files, import cycles, syntax) go to
// DIAGS; the files that parsed are returned in load order.
std::vector<ast::File> load_files(SourceManager& sm, const std::vector<std::string>& paths, Diagnostics& diags,
                                  const LoadOptions& options = {});

}  // namespace normcheck

#include <optional>

#include "normcheck/ir.h"

namespace normcheck {

// Loads, parses and analyses a rule set: the whole front end in one call.
// Returns the program, or nullopt when DIAGS holds errors.
std::optional<ir::Program> load_program(SourceManager& sm, const std::vector<std::string>& paths, Diagnostics& diags,
                                        const LoadOptions& options = {});

}  // namespace normcheck
