// The language server: framing, JSON-RPC dispatch, open documents, and one
// analysis context per rule set (a workspace folder, a directory, or a file,
// with its imports). Every change re-runs the front end on the context, with
// the open buffers as overlays, and republishes what changed.
#include "lsp.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lsp_index.h"
#include "normcheck/load.h"
#include "normcheck/sema.h"

namespace normcheck::lsp {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// JSON-RPC and LSP error codes.
enum ErrorCode {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
};

struct RpcError : std::runtime_error {
  int code;
  RpcError(int c, const std::string& message) : std::runtime_error(message), code(c) {}
};

constexpr std::size_t kMaxMessageBytes = 64u << 20;
constexpr int kMaxJsonDepth = 128;  // LSP messages nest a dozen deep; copying a deeper value recurses
constexpr std::size_t kMaxHeaderLine = 8192;
constexpr std::size_t kMaxScannedEntries = 200000;
constexpr std::size_t kMaxScannedFiles = 10000;

// ---------------- framing ----------------

enum class Read { message, eof, bad_header, too_large };

// One message: header lines up to an empty line, then Content-Length bytes.
Read read_message(std::istream& in, std::string& body) {
  std::optional<std::size_t> length;
  bool bad = false, any = false;
  for (;;) {
    std::string line;
    bool long_line = false;
    int c;
    while ((c = in.get()) != EOF && c != '\n') {
      if (line.size() < kMaxHeaderLine) line += static_cast<char>(c);
      else long_line = true;
    }
    if (c == EOF) return Read::eof;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!any) continue;  // blank lines between messages
      break;
    }
    any = true;
    const auto colon = line.find(':');
    if (long_line || colon == std::string::npos) {
      bad = true;
      continue;
    }
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    if (name == "content-length") {
      if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos) {
        bad = true;
        continue;
      }
      length = std::stoull(value);
    }
  }
  if (bad || !length) return Read::bad_header;
  if (*length > kMaxMessageBytes) {
    in.ignore(static_cast<std::streamsize>(*length));
    return in ? Read::too_large : Read::eof;
  }
  body.assign(*length, '\0');
  in.read(body.data(), static_cast<std::streamsize>(*length));
  if (static_cast<std::size_t>(in.gcount()) != *length) return Read::eof;
  return Read::message;
}

// ---------------- helpers ----------------

// Whether the brackets of the JSON text nest at most LIMIT deep (outside strings).
bool shallow(const std::string& text, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

bool inside(const std::string& path, const std::string& dir) {
  if (dir.empty()) return false;
  if (dir.back() == '/') return path.compare(0, dir.size(), dir) == 0;
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

std::optional<std::string> suggestion(const Diagnostic& d) {
  constexpr std::string_view pre = "did you mean `", post = "`?";
  if (!d.help) return std::nullopt;
  const std::string& h = *d.help;
  if (h.size() <= pre.size() + post.size() || h.compare(0, pre.size(), pre) != 0 ||
      h.compare(h.size() - post.size(), post.size(), post) != 0)
    return std::nullopt;
  return h.substr(pre.size(), h.size() - pre.size() - post.size());
}

bool word(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c != ' ' && c != '\t' && c != '\n' && c != '\r'; });
}

// ---------------- the server ----------------

struct Document {
  std::string uri;
  std::string path;       // absolute, as in the URI; empty for other schemes
  std::string canonical;  // the loader's key; for other schemes "<inline>/" + uri
  std::string text;
  std::int64_t version = 0;
};

// One rule set, analysed together.
struct Context {
  std::string key;  // "dir:" + folder, "file:" + path, or "uri:" + URI
  SourceManager sm;
  std::vector<ast::File> files;
  Diagnostics diags;
  std::unique_ptr<Index> index;
};

class Server {
 public:
  Server(std::istream& in, std::ostream& out, std::string version) : in_(in), out_(out), version_(std::move(version)) {}

  int run() {
    std::string body;
    for (;;) {
      switch (read_message(in_, body)) {
        case Read::eof: return shutdown_ ? 0 : 1;
        case Read::bad_header: send_error(nullptr, kParseError, "malformed header: expected `Content-Length: N`"); continue;
        case Read::too_large: send_error(nullptr, kInvalidRequest, "message too large"); continue;
        case Read::message: break;
      }
      handle(body);
      if (exit_) return shutdown_ ? 0 : 1;
    }
  }

 private:
  // ---------------- transport ----------------

  void send(const json& j) {
    const std::string body = j.dump(-1, ' ', false, json::error_handler_t::replace);
    out_ << "Content-Length: " << body.size() << "\r\n\r\n" << body;
    out_.flush();
  }
  void send_error(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  void handle(const std::string& body) {
    if (!shallow(body, kMaxJsonDepth)) {
      send_error(nullptr, kParseError, fmt::format("parse error: nested more than {} levels deep", kMaxJsonDepth));
      return;
    }
    json msg;
    try {
      msg = json::parse(body);
    } catch (const json::exception& e) {
      send_error(nullptr, kParseError, fmt::format("parse error: {}", e.what()));
      return;
    }
    if (!msg.is_object()) {
      send_error(nullptr, kInvalidRequest, "a message must be a JSON object");
      return;
    }
    json id = nullptr;
    const bool has_id = msg.contains("id");
    if (has_id) {
      id = msg["id"];
      if (!id.is_number_integer() && !id.is_string() && !id.is_null()) {
        send_error(nullptr, kInvalidRequest, "`id` must be an integer or a string");
        return;
      }
    }
    auto method_it = msg.find("method");
    if (method_it == msg.end()) {
      if (has_id && (msg.contains("result") || msg.contains("error"))) return;  // a response; we send no requests
      send_error(id, kInvalidRequest, "a message needs a `method`");
      return;
    }
    if (!method_it->is_string() || msg.value("jsonrpc", json()) != "2.0") {
      if (has_id) send_error(id, kInvalidRequest, "not a JSON-RPC 2.0 request");
      return;
    }
    const std::string method = *method_it;
    json params = msg.value("params", json::object());
    if (params.is_null()) params = json::object();
    if (!params.is_object() && !params.is_array()) {
      if (has_id) send_error(id, kInvalidParams, "`params` must be an object or an array");
      return;
    }
    if (has_id) {
      try {
        json result = request(method, params);
        send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
      } catch (const RpcError& e) {
        send_error(id, e.code, e.what());
      } catch (const json::exception& e) {
        send_error(id, kInvalidParams, fmt::format("invalid params: {}", e.what()));
      } catch (const std::exception& e) {
        send_error(id, kInternalError, fmt::format("internal error: {}", e.what()));
      }
      return;
    }
    try {
      notification(method, params);
    } catch (const std::exception& e) {
      std::cerr << fmt::format("normcheck lsp: `{}` failed: {}\n", method, e.what());
    }
  }

  json request(const std::string& method, const json& params) {
    if (method == "initialize") {
      if (initialized_) throw RpcError(kInvalidRequest, "the server is already initialized");
      return initialize(params);
    }
    if (!initialized_) throw RpcError(kServerNotInitialized, "the server is not initialized");
    if (shutdown_) throw RpcError(kInvalidRequest, "the server is shutting down");
    if (method == "shutdown") {
      shutdown_ = true;
      return nullptr;
    }
    if (method == "textDocument/hover") return hover(params);
    if (method == "textDocument/definition") return definition(params);
    if (method == "textDocument/documentSymbol") return document_symbols(params);
    if (method == "textDocument/codeAction") return code_actions(params);
    throw RpcError(kMethodNotFound, fmt::format("unknown method `{}`", method));
  }

  void notification(const std::string& method, const json& params) {
    if (method == "exit") {
      exit_ = true;
      return;
    }
    if (!initialized_ || shutdown_) return;
    if (method == "initialized") return watch_files();
    if (method == "textDocument/didOpen") return did_open(params);
    if (method == "textDocument/didChange") return did_change(params);
    if (method == "textDocument/didClose") return did_close(params);
    if (method == "textDocument/didSave") return did_save(params);
    if (method == "workspace/didChangeWatchedFiles") {
      scans_.clear();
      return update(all_keys());
    }
    if (method == "workspace/didChangeWorkspaceFolders") return folders_changed(params);
    // $/cancelRequest, $/setTrace and anything else: nothing to do
  }

  // Asks the client to report changes to `.norm` files on disk (files that
  // are not open count too), if it can register for them.
  void watch_files() {
    if (!watch_) return;
    json registration = {{"id", "normcheck-files"},
                         {"method", "workspace/didChangeWatchedFiles"},
                         {"registerOptions", {{"watchers", {{{"globPattern", "**/*.norm"}}}}}}};
    send({{"jsonrpc", "2.0"}, {"id", "normcheck-register-watchers"}, {"method", "client/registerCapability"},
          {"params", {{"registrations", {registration}}}}});
  }

  // ---------------- lifecycle ----------------

  void add_folder(const json& uri) {
    if (!uri.is_string()) return;
    if (auto p = uri_to_path(uri.get<std::string>())) folders_.insert(canonical_path(*p));
  }

  json initialize(const json& params) {
    if (auto it = params.find("workspaceFolders"); it != params.end() && it->is_array()) {
      for (const auto& f : *it) add_folder(f.at("uri"));
    } else if (auto r = params.find("rootUri"); r != params.end() && r->is_string()) {
      add_folder(*r);
    } else if (auto rp = params.find("rootPath"); rp != params.end() && rp->is_string()) {
      folders_.insert(canonical_path(rp->get<std::string>()));
    }
    if (auto o = params.find("initializationOptions"); o != params.end() && o->is_object() && o->contains("scope")) {
      const std::string scope = o->at("scope").get<std::string>();
      if (scope != "workspace" && scope != "directory" && scope != "file")
        throw RpcError(kInvalidParams, fmt::format("unknown scope `{}`: use workspace, directory or file", scope));
      scope_ = scope;
    }
    const json* dynamic = &params;  // capabilities.workspace.didChangeWatchedFiles.dynamicRegistration
    for (const char* key : {"capabilities", "workspace", "didChangeWatchedFiles", "dynamicRegistration"}) {
      if (!dynamic->is_object() || !dynamic->contains(key)) {
        dynamic = nullptr;
        break;
      }
      dynamic = &dynamic->at(key);
    }
    watch_ = dynamic && dynamic->is_boolean() && dynamic->get<bool>();
    initialized_ = true;
    return {
        {"capabilities",
         {{"positionEncoding", "utf-16"},
          {"textDocumentSync", {{"openClose", true}, {"change", 1}, {"save", {{"includeText", false}}}}},
          {"hoverProvider", true},
          {"definitionProvider", true},
          {"documentSymbolProvider", true},
          {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
          {"workspace", {{"workspaceFolders", {{"supported", true}, {"changeNotifications", true}}}}}}},
        {"serverInfo", {{"name", "normcheck"}, {"version", version_}}},
    };
  }

  void folders_changed(const json& params) {
    const json& event = params.at("event");
    for (const auto& f : event.value("removed", json::array()))
      if (auto p = uri_to_path(f.at("uri").get<std::string>())) folders_.erase(canonical_path(*p));
    for (const auto& f : event.value("added", json::array())) add_folder(f.at("uri"));
    scans_.clear();
    update(all_keys());
  }

  // ---------------- documents ----------------

  Document make_document(const std::string& uri) const {
    Document d;
    d.uri = uri;
    if (auto p = uri_to_path(uri)) {
      d.path = fs::path(*p).lexically_normal().string();
      d.canonical = canonical_path(d.path);
    } else {
      d.canonical = "<inline>/" + uri;
    }
    return d;
  }

  static std::int64_t version_of(const json& text_document, std::int64_t fallback) {
    auto v = text_document.find("version");
    return v != text_document.end() && v->is_number_integer() ? v->get<std::int64_t>() : fallback;
  }

  void did_open(const json& params) {
    const json& td = params.at("textDocument");
    Document d = make_document(td.at("uri").get<std::string>());
    d.text = td.at("text").get<std::string>();
    d.version = version_of(td, 0);
    const std::string canonical = d.canonical;
    docs_[d.uri] = std::move(d);
    changed(canonical);
  }

  void did_change(const json& params) {
    const json& td = params.at("textDocument");
    auto it = docs_.find(td.at("uri").get<std::string>());
    if (it == docs_.end()) return;
    Document& d = it->second;
    const std::int64_t version = version_of(td, d.version);
    std::string text = d.text;  // all changes apply, or none
    for (const auto& ch : params.at("contentChanges")) {
      std::string change = ch.at("text").get<std::string>();
      if (auto r = ch.find("range"); r != ch.end()) {
        // an incremental change (we ask for full ones, but accept both)
        SourceManager tmp;
        const SourceFile& f = tmp.file(tmp.add("", "", text));
        const std::uint32_t b = to_offset(f, position(r->at("start"))), e = to_offset(f, position(r->at("end")));
        text = text.substr(0, b) + change + text.substr(std::max(b, e));
      } else {
        text = std::move(change);
      }
    }
    d.text = std::move(text);
    d.version = version;
    changed(d.canonical);
  }

  void did_close(const json& params) {
    auto it = docs_.find(params.at("textDocument").at("uri").get<std::string>());
    if (it == docs_.end()) return;
    const std::string canonical = it->second.canonical;
    docs_.erase(it);
    changed(canonical);
  }

  void did_save(const json& params) {
    auto it = docs_.find(params.at("textDocument").at("uri").get<std::string>());
    if (it == docs_.end()) return;
    if (auto t = params.find("text"); t != params.end() && t->is_string()) it->second.text = t->get<std::string>();
    scans_.clear();  // a save may have created a file
    changed(it->second.canonical);
  }

  // ---------------- contexts ----------------

  std::string context_key(const Document& d) const {
    if (d.path.empty()) return "uri:" + d.uri;
    if (scope_ == "file") return "file:" + d.canonical;
    if (scope_ == "workspace") {
      std::string best;
      for (const auto& f : folders_)
        if ((inside(d.canonical, f) || d.canonical == f) && f.size() > best.size()) best = f;
      if (!best.empty()) return "dir:" + best;
    }
    return "dir:" + fs::path(d.canonical).parent_path().string();
  }

  std::set<std::string> all_keys() const {
    std::set<std::string> keys;
    for (const auto& [k, c] : contexts_) keys.insert(k);
    return keys;
  }

  // Re-analyses the contexts that a change to the file CANONICAL touches.
  void changed(const std::string& canonical) {
    std::set<std::string> dirty;
    for (const auto& [uri, d] : docs_)
      if (d.canonical == canonical) dirty.insert(context_key(d));
    for (const auto& [k, c] : contexts_)
      for (const auto& f : c->sm.files())
        if (f.canonical == canonical) dirty.insert(k);
    update(std::move(dirty));
  }

  // Keeps one context per rule set with an open document, drops the others
  // (withdrawing their diagnostics), and analyses DIRTY and the new ones.
  void update(std::set<std::string> dirty) {
    std::set<std::string> wanted;
    for (const auto& [uri, d] : docs_) wanted.insert(context_key(d));
    for (const auto& k : all_keys()) {
      if (wanted.count(k)) continue;
      contexts_.erase(k);
      publish(k, {});
    }
    for (const auto& k : wanted) {
      if (contexts_.count(k)) continue;
      auto c = std::make_unique<Context>();
      c->key = k;
      contexts_.emplace(k, std::move(c));
      dirty.insert(k);
    }
    for (const auto& k : dirty) {
      auto it = contexts_.find(k);
      if (it == contexts_.end()) continue;
      analyze(*it->second);
      publish(k, diagnostics_by_uri(*it->second));
    }
  }

  // The `.norm` files below ROOT, like the loader's directory search, but
  // cached, bounded, and skipping hidden directories (.git, ...).
  const std::vector<std::string>& scan(const std::string& root) {
    auto it = scans_.find(root);
    if (it != scans_.end()) return it->second;
    std::vector<std::string> found;
    std::error_code ec, entry_ec;
    std::size_t visited = 0;
    fs::recursive_directory_iterator dir(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && dir != end && visited < kMaxScannedEntries && found.size() < kMaxScannedFiles; dir.increment(ec), ++visited) {
      const std::string name = dir->path().filename().string();
      if (!name.empty() && name[0] == '.' && dir->is_directory(entry_ec)) {
        dir.disable_recursion_pending();
        continue;
      }
      if (dir->path().extension() == ".norm" && dir->is_regular_file(entry_ec)) found.push_back(dir->path().string());
    }
    std::sort(found.begin(), found.end());
    return scans_[root] = std::move(found);
  }

  void analyze(Context& c) {
    c.index.reset();
    c.sm = SourceManager();
    c.diags = Diagnostics();
    LoadOptions opt;
    for (const auto& [uri, d] : docs_)
      if (!d.path.empty()) opt.overlays[d.canonical] = d.text;
    std::vector<std::string> paths;
    const std::string kind = c.key.substr(0, c.key.find(':'));
    const std::string rest = c.key.substr(kind.size() + 1);
    if (kind == "dir") paths = scan(rest);
    if (kind == "file") paths.push_back(rest);
    for (const auto& [uri, d] : docs_) {
      if (context_key(d) != c.key) continue;
      if (d.path.empty()) opt.inline_sources.emplace_back(d.uri, d.text);
      else paths.push_back(d.path);
    }
    c.files = load_files(c.sm, paths, c.diags, opt);
    if (!c.diags.has_errors()) normcheck::analyze(c.sm, c.files, c.diags);
    c.diags.sort(c.sm);
    c.index = std::make_unique<Index>(c.sm, c.files);
  }

  // The context that answers requests about URI: the open document's, or a
  // fresh one for a file that is not open.
  Context& context_for(const std::string& uri) {
    auto doc = docs_.find(uri);
    const std::string key = context_key(doc != docs_.end() ? doc->second : make_document(uri));
    if (auto it = contexts_.find(key); it != contexts_.end()) return *it->second;
    scratch_ = std::make_unique<Context>();
    scratch_->key = key;
    analyze(*scratch_);
    return *scratch_;
  }

  std::optional<FileId> file_of(const Context& c, const std::string& uri) const {
    auto doc = docs_.find(uri);
    const std::string canonical = doc != docs_.end() ? doc->second.canonical : make_document(uri).canonical;
    for (const auto& f : c.sm.files())
      if (f.canonical == canonical) return f.id;
    return std::nullopt;
  }

  std::string uri_of(const SourceFile& f) const {
    for (const auto& [uri, d] : docs_)
      if (d.canonical == f.canonical) return uri;
    if (f.canonical.rfind("<inline>/", 0) == 0) return f.path;
    return path_to_uri(fs::absolute(f.path).lexically_normal().string());
  }

  // ---------------- conversions ----------------

  static Position position(const json& p) { return {p.at("line").get<std::uint32_t>(), p.at("character").get<std::uint32_t>()}; }
  static json to_json(Position p) { return {{"line", p.line}, {"character", p.character}}; }

  json range(const SourceManager& sm, const Span& s) const {
    if (!s.valid()) return {{"start", to_json({})}, {"end", to_json({})}};
    const SourceFile& f = sm.file(s.file);
    return {{"start", to_json(to_position(f, s.begin))}, {"end", to_json(to_position(f, s.end))}};
  }

  json location(const SourceManager& sm, const Span& s) const {
    return {{"uri", uri_of(sm.file(s.file))}, {"range", range(sm, s)}};
  }

  json diagnostic(const SourceManager& sm, const Diagnostic& d) const {
    std::string message = d.message;
    for (const auto& n : d.notes) message += "\nnote: " + n;
    if (d.help) message += "\nhelp: " + *d.help;
    json j = {{"range", range(sm, d.span)},
              {"severity", d.severity == Severity::error ? 1 : d.severity == Severity::warning ? 2 : 3},
              {"code", d.code},
              {"source", "normcheck"},
              {"message", message}};
    json related = json::array();
    for (const auto& l : d.labels)
      if (l.span.valid()) related.push_back({{"location", location(sm, l.span)}, {"message", l.message}});
    if (!related.empty()) j["relatedInformation"] = std::move(related);
    return j;
  }

  std::map<std::string, json> diagnostics_by_uri(const Context& c) const {
    std::map<std::string, json> out;
    for (const auto& d : c.diags.items()) {
      std::string uri;
      if (d.span.valid()) {
        uri = uri_of(c.sm.file(d.span.file));
      } else if (!d.path.empty()) {
        SourceFile f;
        f.path = d.path;
        f.canonical = canonical_path(d.path);
        uri = uri_of(f);
      } else {
        continue;  // the loader gives every file-less error a path
      }
      out[uri].push_back(diagnostic(c.sm, d));
    }
    // every open document of the context hears about itself, if only that it is clean
    for (const auto& [uri, d] : docs_)
      if (context_key(d) == c.key && !out.count(uri)) out[uri] = json::array();
    return out;
  }

  // Records what context KEY now says about each file, and sends every file
  // whose merged list (over all contexts) changed.
  void publish(const std::string& key, const std::map<std::string, json>& now) {
    std::set<std::string> uris;
    for (const auto& [uri, per] : reported_)
      if (per.count(key)) uris.insert(uri);
    for (const auto& [uri, list] : now) uris.insert(uri);
    for (const auto& uri : uris) {
      auto& per = reported_[uri];
      if (auto it = now.find(uri); it != now.end()) per[key] = it->second;
      else per.erase(key);
      json merged = json::array();
      for (const auto& [k, list] : per)
        for (const auto& d : list)
          if (std::find(merged.begin(), merged.end(), d) == merged.end()) merged.push_back(d);
      if (per.empty()) reported_.erase(uri);
      auto last = sent_.find(uri);
      if (last != sent_.end() && last->second == merged) continue;
      json params = {{"uri", uri}, {"diagnostics", merged}};
      if (auto doc = docs_.find(uri); doc != docs_.end()) params["version"] = doc->second.version;
      notify("textDocument/publishDiagnostics", params);
      sent_[uri] = std::move(merged);
    }
  }

  // ---------------- requests ----------------

  struct Cursor {
    Context* context = nullptr;
    FileId file = kNoFile;
    std::uint32_t offset = 0;
  };

  Cursor cursor(const json& params) {
    const std::string uri = params.at("textDocument").at("uri").get<std::string>();
    const Position p = position(params.at("position"));
    Context& c = context_for(uri);
    auto f = file_of(c, uri);
    if (!f || !c.index) return {};
    return {&c, *f, to_offset(c.sm.file(*f), p)};
  }

  json hover(const json& params) {
    const Cursor at = cursor(params);
    if (!at.context) return nullptr;
    const auto hit = at.context->index->at(at.file, at.offset);
    if (!hit.target) return nullptr;
    return {{"contents", {{"kind", "markdown"}, {"value", hit.target->hover}}}, {"range", range(at.context->sm, hit.span)}};
  }

  json definition(const json& params) {
    const Cursor at = cursor(params);
    if (!at.context) return nullptr;
    const auto hit = at.context->index->at(at.file, at.offset);
    if (!hit.target || !hit.target->name.valid()) return nullptr;
    return location(at.context->sm, hit.target->name);
  }

  json outline_json(const SourceManager& sm, const OutlineSymbol& s) const {
    json j = {{"name", s.name.empty() ? "?" : s.name},
              {"kind", static_cast<int>(s.kind)},
              {"range", range(sm, s.range)},
              {"selectionRange", range(sm, s.selection)}};
    if (!s.detail.empty()) j["detail"] = s.detail;
    json children = json::array();
    for (const auto& c : s.children) children.push_back(outline_json(sm, c));
    j["children"] = std::move(children);
    return j;
  }

  json document_symbols(const json& params) {
    const std::string uri = params.at("textDocument").at("uri").get<std::string>();
    Context& c = context_for(uri);
    json out = json::array();
    if (auto f = file_of(c, uri); f && c.index)
      for (const auto& s : c.index->outline(*f)) out.push_back(outline_json(c.sm, s));
    return out;
  }

  // Quick fixes for "did you mean": replace the unknown name with the suggestion.
  json code_actions(const json& params) {
    json out = json::array();
    if (auto ctx = params.find("context"); ctx != params.end() && ctx->contains("only")) {
      bool wanted = false;
      for (const auto& k : ctx->at("only")) {
        const std::string kind = k.get<std::string>();
        if (kind == "quickfix" || kind.empty()) wanted = true;
      }
      if (!wanted) return out;
    }
    const std::string uri = params.at("textDocument").at("uri").get<std::string>();
    Context& c = context_for(uri);
    auto f = file_of(c, uri);
    if (!f) return out;
    const SourceFile& file = c.sm.file(*f);
    const std::uint32_t b = to_offset(file, position(params.at("range").at("start")));
    const std::uint32_t e = to_offset(file, position(params.at("range").at("end")));
    for (const auto& d : c.diags.items()) {
      if (d.span.file != *f || d.span.begin > e || b > d.span.end) continue;
      auto s = suggestion(d);
      const std::string_view old = c.sm.text(d.span);
      if (!s || !word(old) || old == *s) continue;
      json edit = {{"range", range(c.sm, d.span)}, {"newText", *s}};
      out.push_back({{"title", fmt::format("Replace `{}` with `{}`", old, *s)},
                     {"kind", "quickfix"},
                     {"isPreferred", true},
                     {"diagnostics", json::array({diagnostic(c.sm, d)})},
                     {"edit", {{"changes", {{uri, json::array({edit})}}}}}});
    }
    return out;
  }

  std::istream& in_;
  std::ostream& out_;
  std::string version_;
  bool initialized_ = false, shutdown_ = false, exit_ = false, watch_ = false;
  std::string scope_ = "workspace";
  std::set<std::string> folders_;  // canonical paths
  std::map<std::string, Document> docs_;  // by URI
  std::map<std::string, std::unique_ptr<Context>> contexts_;
  std::unique_ptr<Context> scratch_;  // for requests about files that are not open
  std::map<std::string, std::vector<std::string>> scans_;
  std::map<std::string, std::map<std::string, json>> reported_;  // URI -> context key -> diagnostics
  std::map<std::string, json> sent_;                             // URI -> the list last published
};

}  // namespace

int serve(std::istream& in, std::ostream& out, const std::string& version) {
  Server server(in, out, version);
  return server.run();
}

}  // namespace normcheck::lsp
