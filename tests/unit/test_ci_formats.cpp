// The CI renderers (SARIF, JUnit): what the whole-program tests in tests/ci
// cannot reach easily: files outside the current directory, URI encoding,
// escaping of hostile text, and the catalogue of diagnostic codes.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "helpers.h"
#include "render.h"

using namespace normcheck;
using json = nlohmann::json;

namespace {

Diagnostic diag(const std::string& code, Span span, const std::string& message) {
  Diagnostic d;
  d.code = code;
  d.span = span;
  d.message = message;
  return d;
}

const json& first_location(const json& result) { return result["locations"][0]["physicalLocation"]; }

}  // namespace

TEST_CASE("every code of docs/diagnostics.md has a SARIF rule description, and no other", "[ci]") {
  std::ifstream in(std::string(NC_SOURCE_DIR) + "/docs/diagnostics.md");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  std::set<std::string> documented;
  const std::regex row(R"(\n\| ([ECWT]\d{4}) \|)");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator(); ++it) documented.insert((*it)[1]);
  const auto known = render::known_codes();
  REQUIRE(documented.size() > 50);
  CHECK(documented == std::set<std::string>(known.begin(), known.end()));
  for (const auto& c : known) CHECK(render::code_summary(c) != nullptr);
  CHECK(render::code_summary("E9999") == nullptr);
}

TEST_CASE("SARIF URIs: relative to the root through SRCROOT, percent-encoded, absolute outside it", "[ci]") {
  SourceManager sm;
  const auto inside = sm.add("sub dir/r\xC3\xA9gel#1.norm", "/work/proj/sub dir/r\xC3\xA9gel#1.norm", "norm A\n");
  const auto up = sm.add("../up.norm", "/work/up.norm", "norm B\n");
  const auto abs = sm.add("/data/rules/x.norm", "/data/rules/x.norm", "norm C\n");
  std::vector<Diagnostic> ds{diag("E0201", Span{inside, 5, 6}, "a"), diag("E0201", Span{up, 0, 4}, "b"),
                             diag("E0201", Span{abs, 0, 4}, "c")};
  Diagnostic missing = diag("E0501", Span{}, "cannot read `gone.norm`");
  missing.path = "gone.norm";
  ds.push_back(missing);
  const json j = json::parse(render::sarif_lint(sm, nullptr, ds, "/work/proj"));
  const auto& run = j["runs"][0];
  CHECK(run["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///work/proj/");
  CHECK(run["invocations"][0]["executionSuccessful"] == false);
  const auto& rs = run["results"];
  REQUIRE(rs.size() == 4);
  CHECK(first_location(rs[0])["artifactLocation"] == json({{"uri", "sub%20dir/r%C3%A9gel%231.norm"}, {"uriBaseId", "SRCROOT"}}));
  CHECK(first_location(rs[0])["region"] == json({{"startLine", 1}, {"startColumn", 6}, {"endLine", 1}, {"endColumn", 7}}));
  CHECK(first_location(rs[1])["artifactLocation"] == json({{"uri", "file:///work/up.norm"}}));
  CHECK(first_location(rs[2])["artifactLocation"] == json({{"uri", "file:///data/rules/x.norm"}}));
  // a file that cannot be read has no position: it is placed at its start
  CHECK(first_location(rs[3])["artifactLocation"] == json({{"uri", "gone.norm"}, {"uriBaseId", "SRCROOT"}}));
  CHECK(first_location(rs[3])["region"]["startLine"] == 1);
  // a trailing slash on the root changes nothing
  CHECK(json::parse(render::sarif_lint(sm, nullptr, ds, "/work/proj/")) == j);
  // one rule per code that occurs
  REQUIRE(run["tool"]["driver"]["rules"].size() == 2);
  CHECK(run["tool"]["driver"]["rules"][0]["id"] == "E0201");
  CHECK(rs[3]["ruleIndex"] == 1);
}

TEST_CASE("SARIF messages escape brackets and backslashes and survive invalid UTF-8", "[ci]") {
  SourceManager sm;
  const auto f = sm.add("a.norm", "/p/a.norm", "norm A\nnorm B\n");
  Diagnostic d = diag("E0201", Span{f, 12, 13}, "`A[1]` \\ is declared twice \xFF");
  d.labels.push_back(Label{Span{f, 5, 6}, "first [here]"});
  d.help = "rename it";
  const json j = json::parse(render::sarif_lint(sm, nullptr, {d}, "/p"));
  const auto& r = j["runs"][0]["results"][0];
  CHECK(r["message"]["text"] == "`A\\[1\\]` \\\\ is declared twice \xEF\xBF\xBD. See [first \\[here\\]](1). Help: rename it.");
  CHECK(r["relatedLocations"][0]["id"] == 1);
  CHECK(r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 1);
  CHECK(r["level"] == "error");
}

TEST_CASE("a checked conflict in SARIF: the measure's clause, the norm as related location, the witness", "[ci]") {
  auto l = nc_test::load(std::string(nc_test::kPrelude) + R"NC(
norm EU.minors "Minors [GC] detained only as a last resort" {
  source EU "art. 13(2)"
  for p: Person
  when p.age < 18 years
  must not detained(p)
  unless p.last_resort
}
rule NL.det "No detention" { source NL "art. 1" define detained(p) = false }
measure Detain "Detain from 16" { level act effective 2026-07-01 define detained(p) = p.age >= 16 years }
)NC");
  INFO(l->codes());
  REQUIRE(l->prog.has_value());
  CheckOptions opt;
  opt.at = nc_test::day("2026-07-01");
  const auto verdicts = check(*l->prog, opt);
  const json j = json::parse(render::sarif_check(l->sm, &*l->prog, {}, verdicts, "/"));
  const auto& run = j["runs"][0];
  CHECK(run["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///");
  REQUIRE(run["results"].size() == 1);
  const auto& r = run["results"][0];
  CHECK(r["ruleId"] == "EU.minors");
  CHECK(r["properties"]["code"] == "C0001");
  CHECK(r["properties"]["subject"] == "Detain");
  CHECK(first_location(r)["region"]["startLine"] == 24);  // the measure's define
  CHECK(r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 20);  // must not detained(p)
  const std::string text = r["message"]["text"];
  CHECK(text.rfind("measure `Detain` conflicts with [EU.minors](1): Minors \\[GC\\] detained only", 0) == 0);
  CHECK(text.find("Witness: p: Person { age: ") != std::string::npos);
  CHECK(text.find("Outcome: detained(p) = true.") != std::string::npos);
  const auto& rule = run["tool"]["driver"]["rules"][0];
  CHECK(rule["id"] == "EU.minors");
  CHECK(rule["shortDescription"]["text"] == "Minors [GC] detained only as a last resort.");
  CHECK(rule["fullDescription"]["text"] == "Minors [GC] detained only as a last resort — An EU directive, art. 13(2) (eu_directive).");
  CHECK(!rule.contains("helpUri"));  // the instrument has no url
}

TEST_CASE("JUnit escapes markup, quotes and characters XML 1.0 cannot hold", "[ci]") {
  SourceManager sm;
  const auto f = sm.add("dir/a b.norm", "/p/dir/a b.norm", "norm <A> & \"x\"\n");
  Diagnostic d = diag("E0003", Span{f, 5, 8}, "bad <A> & \"x\" 'y' \x01 \xC0\xAF end");
  const std::string xml = render::junit_test(sm, nullptr, {d}, {});
  CHECK(xml.find("<testsuites name=\"normcheck test\" tests=\"1\" failures=\"0\" errors=\"1\"") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"dir/a b.norm\" tests=\"1\" failures=\"0\" errors=\"1\"") != std::string::npos);
  CHECK(xml.find("classname=\"dir.a b\"") != std::string::npos);
  CHECK(xml.find("message=\"bad &lt;A&gt; &amp; &quot;x&quot; &apos;y&apos; \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD end\" type=\"E0003\"") !=
        std::string::npos);
  CHECK(xml.find("  norm &lt;A&gt; &amp; \"x\"\n") != std::string::npos);  // the source line in the body
  CHECK(xml.find('\x01') == std::string::npos);
  CHECK(xml.find(" line=\"1\"") != std::string::npos);
}
