#include "normcheck/load.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace normcheck {
namespace fs = std::filesystem;

namespace {

struct Loader {
  SourceManager& sm;
  Diagnostics& diags;
  const LoadOptions& options;
  std::map<std::string, FileId> by_canonical;
  std::vector<ast::File> files;
  std::map<FileId, std::vector<std::pair<FileId, Span>>> edges;  // importer -> (imported, import span)
  std::vector<std::string> roots, allowed;  // canonical directories (confinement)
  bool too_many_reported = false;

  void set_roots() {
    auto add = [](std::vector<std::string>& out, const std::string& p, bool file_means_dir) {
      std::error_code ec;
      fs::path dir(p);
      if (file_means_dir && !fs::is_directory(dir, ec)) dir = dir.parent_path();
      if (dir.empty()) dir = ".";
      out.push_back(canonical_path(fs::absolute(dir, ec).string()));
    };
    for (const auto& r : options.import_roots) add(roots, r, true);
    for (const auto& r : options.allowed_import_dirs) add(allowed, r, false);
  }

  static bool below(const std::string& key, const std::vector<std::string>& dirs) {
    for (const auto& d : dirs) {
      if (key == d) return true;
      const std::string prefix = !d.empty() && d.back() == '/' ? d : d + "/";
      if (key.compare(0, prefix.size(), prefix) == 0) return true;
    }
    return false;
  }

  // False, after reporting E0507, when PATH may not be read (see LoadOptions).
  bool permitted(const fs::path& path, const std::string& key, Span from, bool absolute_import) {
    if (!options.confine_imports) return true;
    std::error_code ec;
    std::string k = key;  // a looping link has no canonical path: use the lexical one
    if (!fs::path(k).is_absolute()) k = fs::absolute(path, ec).lexically_normal().string();
    if (absolute_import ? below(k, allowed) : (below(k, roots) || below(k, allowed))) return true;
    std::string why = absolute_import ? "an absolute import path must lie in a directory given with `--allow-import`"
                                      : "it lies outside the directories rule files may be read from";
    if (!absolute_import && fs::is_symlink(fs::symlink_status(path, ec)))
      why = "it is a symbolic link to a file outside the directories rule files may be read from";
    auto& d = diags.error("E0507", from, fmt::format("cannot {} `{}`: {}", from.valid() ? "import" : "read", path.lexically_normal().string(), why));
    if (!from.valid()) d.path = path.lexically_normal().string();
    d.help = "rule files are read from the current directory and the paths on the command line; add a directory with `--allow-import DIR`";
    return false;
  }

  std::optional<FileId> load(const fs::path& path, Span from, bool confined = true, bool absolute_import = false) {
    const std::string key = canonical_path(path.string());
    if (confined && !permitted(path, key, from, absolute_import)) return std::nullopt;
    if (auto it = by_canonical.find(key); it != by_canonical.end()) return it->second;
    if (sm.size() >= options.max_files) {
      if (!too_many_reported) report(from, path, "E0504", fmt::format("more than {} files to load", options.max_files));
      too_many_reported = true;
      return std::nullopt;
    }
    // Like a file on disk, an overlay is kept up to one byte past the limit: the parser reports the size.
    if (auto it = options.overlays.find(key); it != options.overlays.end())
      return add(path, key, it->second.substr(0, options.parse.max_file_bytes + 1));
    if (options.overlays_only) {
      report(from, path, "E0501", fmt::format("cannot {} `{}`: it does not exist in {}", from.valid() ? "import" : "read",
                                              path.lexically_normal().string(), options.overlay_origin));
      return std::nullopt;
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      report(from, path, "E0503", fmt::format("cannot import `{}`: it is a directory", path.string()));
      return std::nullopt;
    }
    const auto read = read_source(sm, path.string(), diags, options.parse.max_file_bytes, from);
    if (!read) return std::nullopt;
    return added(*read, path, key);
  }

  // An overlay (an editor's unsaved buffer) instead of the file on disk.
  FileId add(const fs::path& path, const std::string& key, std::string text) {
    return added(sm.add(path.lexically_normal().string(), key, std::move(text)), path, key);
  }

  FileId added(FileId id, const fs::path& path, const std::string& key) {
    by_canonical.emplace(key, id);
    auto parsed = parse_file(sm, id, diags, options.parse);
    if (!parsed) return id;
    const fs::path dir = path.parent_path();
    std::vector<std::pair<FileId, Span>> out;
    std::vector<ast::Import> imports = parsed->imports;
    files.push_back(std::move(*parsed));
    for (const auto& imp : imports) {
      if (imp.path.empty()) {
        diags.error("E0501", imp.span, "import path is empty");
        continue;
      }
      const bool absolute = fs::path(imp.path).is_absolute();
      if (auto target = load(dir / imp.path, imp.span, true, absolute)) out.emplace_back(*target, imp.span);
    }
    edges[id] = std::move(out);
    return id;
  }

  void report(Span from, const fs::path& path, const char* code, std::string message) {
    auto& d = diags.error(code, from, std::move(message));
    if (!from.valid()) d.path = path.string();
  }

  void find_cycles() {
    enum State { white, grey, black };
    std::map<FileId, State> state;
    std::vector<FileId> stack;
    std::function<void(FileId)> dfs = [&](FileId f) {
      state[f] = grey;
      stack.push_back(f);
      for (const auto& [g, span] : edges[f]) {
        if (state[g] == grey) {
          std::vector<std::string> chain;
          auto it = std::find(stack.begin(), stack.end(), g);
          for (; it != stack.end(); ++it) chain.push_back(sm.file(*it).path);
          chain.push_back(sm.file(g).path);
          diags.error("E0502", span, "import cycle")
              .notes.push_back(fmt::format("the cycle: {}", fmt::join(chain, " -> ")));
        } else if (state[g] == white) {
          dfs(g);
        }
      }
      stack.pop_back();
      state[f] = black;
    };
    for (FileId f = 0; f < sm.size(); ++f)
      if (state[f] == white) dfs(f);
  }
};

// Puts every file after the files it imports, ties broken by canonical path,
// so that "later in the source" never depends on the order of the command line.
std::vector<ast::File> order_files(const SourceManager& sm, std::vector<ast::File> files,
                                   const std::map<FileId, std::vector<std::pair<FileId, Span>>>& edges) {
  std::map<FileId, std::size_t> index;
  for (std::size_t i = 0; i < files.size(); ++i) index[files[i].file] = i;
  std::map<FileId, std::size_t> pending;  // imports not yet placed
  std::map<FileId, std::vector<FileId>> importers;
  for (const auto& f : files) {
    pending[f.file] = 0;
    auto it = edges.find(f.file);
    if (it == edges.end()) continue;
    std::set<FileId> seen;
    for (const auto& [g, span] : it->second) {
      if (g == f.file || !index.count(g) || !seen.insert(g).second) continue;
      ++pending[f.file];
      importers[g].push_back(f.file);
    }
  }
  auto key = [&](FileId f) { return std::make_pair(sm.file(f).canonical, f); };
  std::set<std::pair<std::string, FileId>> ready;
  for (const auto& [f, n] : pending)
    if (n == 0) ready.insert(key(f));
  std::vector<ast::File> out;
  std::set<FileId> placed;
  while (out.size() < files.size()) {
    if (ready.empty()) {
      // an import cycle (already reported): place the first unplaced file by path
      std::optional<std::pair<std::string, FileId>> next;
      for (const auto& [f, n] : pending)
        if (!placed.count(f) && (!next || key(f) < *next)) next = key(f);
      ready.insert(*next);
    }
    const FileId f = ready.begin()->second;
    ready.erase(ready.begin());
    if (!placed.insert(f).second) continue;
    out.push_back(std::move(files[index[f]]));
    for (FileId g : importers[f])
      if (pending[g] > 0 && --pending[g] == 0 && !placed.count(g)) ready.insert(key(g));
  }
  return out;
}

}  // namespace

std::string canonical_path(const std::string& path) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? fs::path(path).lexically_normal().string() : canonical.string();
}

std::optional<FileId> read_source(SourceManager& sm, const std::string& file, Diagnostics& diags, std::size_t max_bytes,
                                  Span from) {
  const fs::path path(file);
  auto report = [&](std::string message) {
    auto& d = diags.error("E0501", from, std::move(message));
    if (!from.valid()) d.path = path.string();
  };
  const std::string key = canonical_path(file);
  std::error_code ec;
  // Never open anything but a regular file: a FIFO or a device would block.
  const auto st = fs::status(path, ec);
  if (ec || !fs::is_regular_file(st)) {
    std::string why = "no such file";
    if (fs::is_symlink(fs::symlink_status(path, ec)) && !fs::exists(st)) why = "a broken or looping symbolic link";
    else if (fs::exists(st)) why = "not a regular file";
    report(fmt::format("cannot read `{}`: {}", path.string(), why));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    report(fmt::format("cannot read `{}`: permission denied", path.string()));
    return std::nullopt;
  }
  // Read at most one byte past the limit: the parser reports the size.
  std::string text;
  const std::size_t limit = max_bytes + 1;
  text.resize(limit);
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  // A UTF-8 byte order mark is accepted and dropped: positions count from after it.
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  return sm.add(path.lexically_normal().string(), key, std::move(text));
}

std::vector<std::string> find_norm_files(const std::string& dir, Diagnostics& diags, std::size_t max_files) {
  std::error_code ec;
  std::vector<fs::path> found;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    // Symbolic links to directories are not followed (no loops); a `.norm`
    // entry that is not a directory is kept, and loading says what is wrong
    // with it (a broken or looping link, a FIFO, ...).
    std::error_code entry_ec;
    if (it->path().extension() == ".norm" && !it->is_directory(entry_ec)) found.push_back(it->path());
    if (found.size() > max_files) break;
  }
  if (ec) {
    Diagnostic d{"E0501", Severity::error, fmt::format("cannot read directory `{}`: {}", dir, ec.message()), {}, dir, {}, {}, {}};
    diags.add(std::move(d));
  }
  std::sort(found.begin(), found.end());
  if (found.empty()) {
    Diagnostic d{"E0505", Severity::error, fmt::format("no `.norm` files in directory `{}`", dir), {}, dir, {}, {}, {}};
    diags.add(std::move(d));
  }
  std::vector<std::string> out;
  out.reserve(found.size());
  for (const auto& f : found) out.push_back(f.string());
  return out;
}

std::vector<ast::File> load_files(SourceManager& sm, const std::vector<std::string>& paths, Diagnostics& diags,
                                  const LoadOptions& options) {
  Loader loader{sm, diags, options, {}, {}, {}, {}, {}, false};
  loader.set_roots();
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::path path(p);
    if (fs::is_directory(path, ec)) {
      for (const auto& f : find_norm_files(p, diags, options.max_files)) loader.load(f, Span{});
    } else {
      loader.load(path, Span{}, /*confined=*/false);
    }
  }
  for (const auto& [name, text] : options.inline_sources) {
    const FileId id = sm.add(name, "<inline>/" + name, text);
    if (auto parsed = parse_file(sm, id, diags, options.parse)) {
      for (const auto& imp : parsed->imports) diags.error("E0501", imp.span, "an inline source cannot import");
      loader.files.push_back(std::move(*parsed));
    }
  }
  loader.find_cycles();
  return order_files(sm, std::move(loader.files), loader.edges);
}

}  // namespace normcheck

#include "normcheck/sema.h"

namespace normcheck {

std::optional<ir::Program> load_program(SourceManager& sm, const std::vector<std::string>& paths, Diagnostics& diags,
                                        const LoadOptions& options) {
  auto files = load_files(sm, paths, diags, options);
  if (diags.has_errors()) {
    diags.sort(sm);
    return std::nullopt;
  }
  auto prog = analyze(sm, files, diags);
  diags.sort(sm);
  return prog;
}

}  // namespace normcheck
