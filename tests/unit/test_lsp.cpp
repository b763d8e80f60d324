#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "lsp.h"
#include "normcheck/load.h"

using namespace normcheck;
using lsp::Position;

namespace {

const SourceFile& file(SourceManager& sm, const std::string& text) { return sm.file(sm.add("t.norm", "/t.norm", text)); }

}  // namespace

TEST_CASE("ASCII offsets map to 0-based lines and columns", "[lsp]") {
  SourceManager sm;
  const auto& f = file(sm, "abc\ndef\n");
  CHECK(lsp::to_position(f, 0) == Position{0, 0});
  CHECK(lsp::to_position(f, 2) == Position{0, 2});
  CHECK(lsp::to_position(f, 3) == Position{0, 3});  // the line break
  CHECK(lsp::to_position(f, 4) == Position{1, 0});
  CHECK(lsp::to_position(f, 6) == Position{1, 2});
  CHECK(lsp::to_position(f, 8) == Position{2, 0});
  CHECK(lsp::to_offset(f, {1, 1}) == 5);
  CHECK(lsp::to_offset(f, {2, 0}) == 8);
}

TEST_CASE("columns count UTF-16 code units: one per BMP character, two beyond", "[lsp]") {
  SourceManager sm;
  // a (1 byte), é (2 bytes), € (3 bytes), 𝄞 (4 bytes, a surrogate pair), b
  const auto& f = file(sm, "x\na\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E" "b");
  const std::uint32_t a = 2, e_acute = 3, euro = 5, clef = 8, b = 12;
  CHECK(lsp::to_position(f, a) == Position{1, 0});
  CHECK(lsp::to_position(f, e_acute) == Position{1, 1});
  CHECK(lsp::to_position(f, euro) == Position{1, 2});
  CHECK(lsp::to_position(f, clef) == Position{1, 3});
  CHECK(lsp::to_position(f, b) == Position{1, 5});
  CHECK(lsp::to_position(f, b + 1) == Position{1, 6});
  CHECK(lsp::to_offset(f, {1, 1}) == e_acute);
  CHECK(lsp::to_offset(f, {1, 2}) == euro);
  CHECK(lsp::to_offset(f, {1, 3}) == clef);
  CHECK(lsp::to_offset(f, {1, 5}) == b);
  // inside a character: its start
  CHECK(lsp::to_position(f, clef + 2) == Position{1, 3});
  CHECK(lsp::to_position(f, e_acute + 1) == Position{1, 1});
  CHECK(lsp::to_offset(f, {1, 4}) == clef);  // between the two halves of the surrogate pair
}

TEST_CASE("every character boundary survives the round trip", "[lsp]") {
  SourceManager sm;
  const auto& f = file(sm, "norm A \"\xC3\x84rger \xF0\x9F\x98\x80 \xE2\x82\xAC\" {\r\n  source \xE6\x97\xA5 \"x\"\r}\n\xF0\x9F\x98\x80");
  for (std::uint32_t i = 0; i <= f.text.size(); ++i) {
    if (i < f.text.size() && (static_cast<unsigned char>(f.text[i]) & 0xC0) == 0x80) continue;
    if (i > 0 && f.text[i - 1] == '\r' && f.text[i] == '\n') continue;  // inside a line break: no position
    INFO("offset " << i);
    CHECK(lsp::to_offset(f, lsp::to_position(f, i)) == i);
  }
}

TEST_CASE("\\r\\n and a lone \\r end lines; positions past the end are clamped", "[lsp]") {
  SourceManager sm;
  const auto& f = file(sm, "a\r\nb\rc\n");
  CHECK(lsp::to_position(f, 3) == Position{1, 0});
  CHECK(lsp::to_position(f, 5) == Position{2, 0});
  CHECK(lsp::to_position(f, 7) == Position{3, 0});
  CHECK(lsp::to_position(f, 1000) == Position{3, 0});
  CHECK(lsp::to_offset(f, {0, 99}) == 1);  // end of the line, before \r\n
  CHECK(lsp::to_offset(f, {1, 99}) == 4);  // before the lone \r
  CHECK(lsp::to_offset(f, {9, 0}) == 7);
}

TEST_CASE("invalid UTF-8 counts as editors decode it: one unit per maximal bad sequence", "[lsp]") {
  SourceManager sm;
  // two stray bytes; a truncated three-byte sequence; a surrogate encoded in UTF-8 (ED A0 80: three bad bytes)
  const auto& f = file(sm, "\xFF\xFEx \xE2\x82y\xED\xA0\x80z\xF0\x9F");
  CHECK(lsp::to_position(f, 2) == Position{0, 2});
  CHECK(lsp::to_position(f, 6) == Position{0, 5});
  CHECK(lsp::to_offset(f, {0, 5}) == 6);
  CHECK(lsp::to_position(f, 10) == Position{0, 9});
  CHECK(lsp::to_position(f, 13) == Position{0, 11});  // F0 9F at the end of the text: one unit
}

TEST_CASE("an empty file has one line", "[lsp]") {
  SourceManager sm;
  const auto& f = file(sm, "");
  CHECK(lsp::to_position(f, 0) == Position{0, 0});
  CHECK(lsp::to_offset(f, {0, 3}) == 0);
  CHECK(lsp::to_offset(f, {1, 0}) == 0);
}

TEST_CASE("file URIs are percent-encoded and decoded", "[lsp]") {
  CHECK(lsp::path_to_uri("/tmp/a b/\xC3\xA9.norm") == "file:///tmp/a%20b/%C3%A9.norm");
  CHECK(lsp::uri_to_path("file:///tmp/a%20b/%C3%A9.norm") == "/tmp/a b/\xC3\xA9.norm");
  CHECK(lsp::uri_to_path("file:///tmp/%7e%zz") == "/tmp/~%zz");
  CHECK(lsp::uri_to_path("FILE://localhost/x.norm") == "/x.norm");
  CHECK_FALSE(lsp::uri_to_path("untitled:Untitled-1").has_value());
  CHECK_FALSE(lsp::uri_to_path("file://server/share/x.norm").has_value());
  CHECK_FALSE(lsp::uri_to_path("file:///a%00b").has_value());
  for (const std::string p : {"/", "/a/b c#d?e%f.norm", "/\xE6\x97\xA5/\xF0\x9F\x98\x80"})
    CHECK(lsp::uri_to_path(lsp::path_to_uri(p)) == p);
}

TEST_CASE("an overlay replaces a file's text on disk, and may stand for a file that does not exist", "[load]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("normcheck_overlay_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream(dir / "main.norm") << "import \"other.norm\"\nenum Broken {\n";  // a syntax error on disk
  }
  LoadOptions opt;
  opt.overlays[canonical_path((dir / "main.norm").string())] = "import \"other.norm\"\nenum A { a }\n";
  opt.overlays[canonical_path((dir / "other.norm").string())] = "enum B { b }\n";
  SourceManager sm;
  Diagnostics diags;
  auto files = load_files(sm, {(dir / "main.norm").string()}, diags, opt);
  CHECK(diags.items().empty());
  REQUIRE(files.size() == 2);
  REQUIRE(sm.size() == 2);
  CHECK(sm.file(0).text == "import \"other.norm\"\nenum A { a }\n");
  CHECK(sm.file(1).text == "enum B { b }\n");
  CHECK(sm.file(1).canonical == canonical_path((dir / "other.norm").string()));

  // without the overlays, the file on disk is read and the import is missing
  SourceManager sm2;
  Diagnostics diags2;
  load_files(sm2, {(dir / "main.norm").string()}, diags2);
  std::vector<std::string> codes;
  for (const auto& d : diags2.items()) codes.push_back(d.code);
  CHECK(std::find(codes.begin(), codes.end(), "E0003") != codes.end());
  fs::remove_all(dir);
}
