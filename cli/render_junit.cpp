// JUnit XML for `normcheck test` (docs/ci.md): one <testsuite> per file, one
// <testcase> per expectation, <failure> for a failed expectation, <error> for
// an undecided one and for each input error. Times are not measured (always
// 0) so that the same input gives the same bytes.
#include <map>

#include <fmt/format.h>

#include "render.h"
#include "render_detail.h"

namespace normcheck::render {
namespace {

// Appends the code point CP as UTF-8.
void put_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Escapes S for XML 1.0 character data (ATTR: also for an attribute value in
// double quotes, with line breaks kept as character references). Invalid UTF-8
// and characters XML 1.0 does not allow become U+FFFD.
std::string xml(const std::string& s, bool attr) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    std::size_t n = 0;
    if (c < 0x80) cp = c, n = 1;
    else if ((c & 0xE0) == 0xC0) cp = c & 0x1F, n = 2;
    else if ((c & 0xF0) == 0xE0) cp = c & 0x0F, n = 3;
    else if ((c & 0xF8) == 0xF0) cp = c & 0x07, n = 4;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      ok = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3F);
    }
    // overlong forms, surrogates, and code points XML 1.0 excludes
    if (ok) ok = !(n == 2 && cp < 0x80) && !(n == 3 && cp < 0x800) && !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    if (ok) ok = (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r') && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    if (!ok) {
      put_utf8(out, 0xFFFD);
      ++i;
      continue;
    }
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attr ? "&quot;" : "\""; break;
      case '\'': out += attr ? "&apos;" : "'"; break;
      case '\n': out += attr ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attr ? "&#9;" : "\t"; break;
      default: out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

std::string attr(const std::string& s) { return xml(s, true); }

// `examples/asylum/nareismaatregel_2022.norm` -> `examples.asylum.nareismaatregel_2022`
std::string classname(const std::string& path) {
  std::string s = path;
  if (s.size() > 5 && s.compare(s.size() - 5, 5, ".norm") == 0) s.resize(s.size() - 5);
  for (auto& c : s)
    if (c == '/' || c == '\\') c = '.';
  const auto first = s.find_first_not_of('.');
  return first == std::string::npos ? "normcheck" : s.substr(first);
}

struct Case {
  std::string name, file;
  std::uint32_t line = 0;
  std::string kind;  // "", "failure" or "error"
  std::string message, type, body;
};

struct Suite {
  std::string name;
  std::vector<Case> cases;
  std::string system_out;
};

std::string where(const SourceManager& sm, const Span& s) {
  const LineCol lc = sm.start(s);
  return fmt::format("{}:{}:{}", sm.file(s.file).path, lc.line, lc.column);
}

std::string diagnostic_body(const SourceManager& sm, const Diagnostic& d) {
  std::string out = d.span.valid() ? where(sm, d.span) + ": " : d.path.empty() ? "" : d.path + ": ";
  out += fmt::format("{}[{}]: {}\n", severity_name(d.severity), d.code, d.message);
  if (d.span.valid()) out += fmt::format("  {}\n", std::string(sm.line_text(d.span.file, sm.start(d.span).line)));
  for (const auto& l : d.labels) out += fmt::format("  note: {}{}\n", l.message, l.span.valid() ? " at " + where(sm, l.span) : "");
  for (const auto& n : d.notes) out += fmt::format("  note: {}\n", n);
  if (d.help) out += fmt::format("  help: {}\n", *d.help);
  return out;
}

}  // namespace

std::string junit_test(const SourceManager& sm, const ir::Program* prog, const std::vector<Diagnostic>& diags,
                       const std::vector<ExpectResult>& results) {
  std::vector<Suite> suites;
  std::map<std::string, std::size_t> by_file;
  auto suite = [&](const std::string& file) -> Suite& {
    const std::string name = file.empty() ? "normcheck" : file;
    auto [it, fresh] = by_file.emplace(name, suites.size());
    if (fresh) suites.push_back(Suite{name, {}, {}});
    return suites[it->second];
  };

  for (const auto& d : diags) {
    const std::string file = d.span.valid() ? sm.file(d.span.file).path : d.path;
    Suite& s = suite(file);
    if (d.severity != Severity::error) {
      s.system_out += diagnostic_body(sm, d);
      continue;
    }
    Case c;
    c.name = fmt::format("{}: {}", d.code, d.message);
    c.file = file;
    c.line = d.span.valid() ? sm.start(d.span).line : 0;
    c.kind = "error";
    c.message = d.message;
    c.type = d.code;
    c.body = diagnostic_body(sm, d);
    s.cases.push_back(std::move(c));
  }

  if (prog)
    for (const auto& r : results) {
      const auto& e = prog->expects[static_cast<std::size_t>(r.expect)];
      const std::string file = e.span.valid() ? sm.file(e.span.file).path : "";
      Case c;
      c.name = r.description;
      c.file = file;
      c.line = e.span.valid() ? sm.start(e.span).line : 0;
      if (!r.passed) {
        c.kind = r.undecided ? "error" : "failure";
        c.type = r.undecided ? "T0002" : "T0001";
        c.message = r.message;
        c.body = fmt::format("{} {} ({}): {}\n", r.undecided ? "UNDECIDED" : "FAIL", r.description,
                             e.span.valid() ? where(sm, e.span) : file, r.message);
      }
      suite(file).cases.push_back(std::move(c));
    }

  std::size_t tests = 0, failures = 0, errors = 0;
  std::string body;
  for (const auto& s : suites) {
    std::size_t f = 0, err = 0;
    for (const auto& c : s.cases) {
      if (c.kind == "failure") ++f;
      if (c.kind == "error") ++err;
    }
    tests += s.cases.size();
    failures += f;
    errors += err;
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"0\">\n", attr(s.name),
                        s.cases.size(), f, err);
    const std::string cls = classname(s.name);
    for (const auto& c : s.cases) {
      body += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", attr(cls), attr(c.name));
      if (!c.file.empty()) body += fmt::format(" file=\"{}\"", attr(c.file));
      if (c.line > 0) body += fmt::format(" line=\"{}\"", c.line);
      body += " time=\"0\"";
      if (c.kind.empty()) {
        body += "/>\n";
        continue;
      }
      body += fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", c.kind, attr(c.message), attr(c.type),
                          xml(c.body, false), c.kind);
    }
    if (!s.system_out.empty()) body += fmt::format("    <system-out>{}</system-out>\n", xml(s.system_out, false));
    body += "  </testsuite>\n";
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"normcheck test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"0\">\n", tests,
                     failures, errors);
  out += body;
  out += "</testsuites>\n";
  return out;
}

}  // namespace normcheck::render
