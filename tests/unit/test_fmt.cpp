// The formatter: exact layouts for each decision (docs/language.md,
// "Layout"), and for the whole corpus and for generated files: the AST is
// kept, comments are kept, and formatting twice changes nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "normcheck/format.h"
#include "normcheck/load.h"
#include "normcheck/parse.h"

using namespace normcheck;

namespace {

struct Formatted {
  FormatResult result;
  std::string diagnostics;  // codes and messages
};

Formatted format_text(const std::string& text) {
  SourceManager sm;
  Diagnostics diags;
  const FileId id = sm.add("t.norm", "/t.norm", text);
  Formatted f{format_source(sm, id, diags), {}};
  for (const auto& d : diags.items()) f.diagnostics += d.code + ": " + d.message + "\n";
  return f;
}

// The formatted text; fails the test when formatting does not succeed.
std::string fmt_ok(const std::string& text) {
  auto f = format_text(text);
  INFO(f.diagnostics << f.result.message);
  REQUIRE(f.result.status == FormatResult::Status::ok);
  return f.result.text;
}

std::optional<std::string> dump(const std::string& text) {
  SourceManager sm;
  Diagnostics diags;
  const FileId id = sm.add("t.norm", "/t.norm", text);
  auto f = parse_file(sm, id, diags);
  if (!f) return std::nullopt;
  return ast_dump(*f);
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What every formatted file must satisfy.
void check_properties(const std::string& text, const std::string& what) {
  INFO(what);
  const auto before = dump(text);
  REQUIRE(before.has_value());
  const std::string once = fmt_ok(text);
  INFO("formatted:\n" << once);
  const auto after = dump(once);
  REQUIRE(after.has_value());
  CHECK(*before == *after);
  CHECK(comment_texts(once) == comment_texts(text));
  CHECK(fmt_ok(once) == once);
  CHECK(once.back() == '\n');
  CHECK(once.find("\n\n\n") == std::string::npos);
  CHECK(once.find(" \n") == std::string::npos);
}

std::vector<std::string> corpus(const char* dir) {
  Diagnostics diags;
  auto files = find_norm_files(std::string(NC_SOURCE_DIR) + "/" + dir, diags);
  REQUIRE_FALSE(diags.has_errors());
  return files;
}

// ---- a generator of random, syntactically valid rule files ----

class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}

  std::string file() {
    const int n = 1 + pick(6);
    for (int i = 0; i < n; ++i) item();
    return render();
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }
  void t(std::string s) { toks_.push_back(std::move(s)); }

  std::string ident() {
    static const char* pool[] = {"a", "b", "x", "age", "status", "Person", "Status", "wait", "validity",
                                 "_tmp", "x1", "refugee", "subsidiary", "detained", "last_resort", "FTE"};
    return pool[pick(16)];
  }
  std::string qname() {
    std::string s = pick(2) ? "EU" : "Vw2000";
    const int parts = pick(3);
    for (int i = 0; i < parts; ++i) s += ".art" + std::to_string(1 + pick(40));
    return s;
  }
  std::string str() {
    static const char* pool[] = {"art. 1", "Title with \\\"quotes\\\"", "geëindigd", "中文", "a \\\\ b", "",
                                 "http://x.eu/eli", "// not a comment", "/* nor this */", "tab\\there"};
    return "\"" + std::string(pool[pick(10)]) + "\"";
  }
  std::string date() { return fmt_date(2000 + pick(30), 1 + pick(12), 1 + pick(28)); }
  static std::string fmt_date(int y, int m, int d) {
    return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  }
  std::string number() { return chance(20) ? std::to_string(pick(100)) + "." + std::to_string(pick(10)) : std::to_string(pick(1000)); }

  void expr(int depth) {
    const int kind = depth <= 0 ? pick(4) : pick(14);
    switch (kind) {
      case 0:
        t(number());
        if (chance(60)) t(pick(2) ? "months" : "years");
        break;
      case 1: t(date()); break;
      case 2: t(pick(2) ? "true" : "false"); break;
      case 3: t(ident()); break;
      case 4:
        t("(");
        expr(depth - 1);
        t(")");
        break;
      case 5: {
        t(ident());
        t("(");
        const int n = pick(3);
        for (int i = 0; i < n; ++i) {
          if (i) t(",");
          expr(depth - 1);
        }
        t(")");
        break;
      }
      case 6:
        if (pick(2)) t(ident());
        else {
          t("(");
          expr(depth - 1);
          t(")");
        }
        t(".");
        t(ident());
        break;
      case 7:
        t(pick(2) ? "not" : "!");
        expr(depth - 1);
        break;
      case 8:
        t("-");
        expr(depth - 1);
        break;
      case 9:
      case 10: {
        static const char* ops[] = {"*", "/", "+", "-", "<", "<=", ">", ">=", "==", "!=", "and", "&&", "or", "||", "implies", "=>"};
        expr(depth - 1);
        t(ops[pick(16)]);
        expr(depth - 1);
        break;
      }
      case 11: {
        expr(depth - 1);
        t("in");
        t("{");
        const int n = 1 + pick(3);
        for (int i = 0; i < n; ++i) {
          if (i) t(",");
          expr(depth - 1);
        }
        t("}");
        break;
      }
      case 12:
        t("if");
        expr(depth - 1);
        t("then");
        expr(depth - 1);
        t("else");
        expr(depth - 1);
        break;
      default:
        expr(depth - 1);
        t(pick(2) ? "and" : "or");
        expr(depth - 1);
        break;
    }
  }

  // int and decimal always carry a unit where a name could follow them
  void type(bool unit_required) {
    switch (pick(5)) {
      case 0: t("bool"); break;
      case 1:
        t("int");
        if (unit_required || chance(50)) t(pick(2) ? "months" : "persons");
        break;
      case 2:
        t("decimal");
        if (unit_required || chance(50)) t("EUR");
        break;
      case 3: t("date"); break;
      default: t(ident()); break;
    }
  }

  void binders() {
    const int n = 1 + pick(2);
    for (int i = 0; i < n; ++i) {
      if (i) t(",");
      t(ident());
      t(":");
      t(ident());
    }
  }

  void valid() {
    t("valid");
    const int k = pick(4);
    if (k & 1) {
      t("from");
      t(date());
    }
    if (k & 2) {
      t("until");
      t(date());
    }
  }

  void define() {
    t("define");
    t(ident());
    if (chance(70)) {
      t("(");
      const int n = 1 + pick(2);
      for (int i = 0; i < n; ++i) {
        if (i) t(",");
        t(chance(25) ? "_" : ident());
      }
      t(")");
    }
    t("=");
    expr(1 + pick(3));
    if (chance(50)) {
      t("when");
      expr(1 + pick(3));
    }
  }

  void score() {
    t("score");
    t(ident());
    t("=");
    if (chance(30)) t("-");
    t(number());
  }

  void rule_clause(bool measure) {
    switch (pick(measure ? 10 : 7)) {
      case 0:
        t("source");
        t(qname());
        t(str());
        break;
      case 1:
        t("cites");
        t(str());
        break;
      case 2:
        t("level");
        t(ident());
        break;
      case 3:
        t("effective");
        t(date());
        break;
      case 4: valid(); break;
      case 5:
        t("invoke");
        t(qname());
        break;
      case 6:
      case 7: define(); break;
      case 8: score(); break;
      default: {
        t("option");
        t(ident());
        if (chance(70)) t(str());
        t("{");
        const int n = 1 + pick(3);
        for (int i = 0; i < n; ++i) {
          t("choice");
          t(ident());
          if (chance(70)) t(str());
          t("{");
          const int m = pick(3);
          for (int j = 0; j < m; ++j) {
            const int k = pick(4);
            if (k == 0) {
              t("invoke");
              t(qname());
            } else if (k == 1) {
              score();
            } else {
              define();
            }
          }
          t("}");
        }
        t("}");
        break;
      }
    }
  }

  void norm_clause() {
    switch (pick(9)) {
      case 0:
        t("source");
        t(qname());
        t(str());
        break;
      case 1: valid(); break;
      case 2:
        t("for");
        binders();
        break;
      case 3:
        t("when");
        expr(1 + pick(3));
        break;
      case 4:
        t("unless");
        expr(1 + pick(3));
        break;
      case 5:
        t("relaxes");
        t(qname());
        break;
      case 6:
        t("must");
        t("not");
        expr(1 + pick(3));
        break;
      case 7:
        t("must");
        expr(1 + pick(3));
        break;
      default:
        t("may");
        expr(1 + pick(3));
        break;
    }
  }

  void item() {
    switch (pick(15)) {
      case 0:
        t("import");
        t(str());
        break;
      case 1: {
        t("hierarchy");
        const int n = 1 + pick(4);
        for (int i = 0; i < n; ++i) {
          if (i) t(pick(3) ? ">" : "=");
          t(ident());
        }
        break;
      }
      case 2:
        t("unit");
        t(ident());
        break;
      case 3: {
        t("instrument");
        t(qname());
        t(str());
        t("{");
        static const char* fields[] = {"level", "adopted", "in_force", "applies_from", "repealed", "url"};
        // each field at most once (E0004), in a random order
        std::vector<int> order{0, 1, 2, 3, 4, 5};
        std::shuffle(order.begin(), order.end(), rng_);
        const int n = pick(6);
        for (int i = 0; i < n; ++i) {
          const int f = order[static_cast<std::size_t>(i)];
          t(fields[f]);
          if (f == 0) t(ident());
          else if (f == 5) t(str());
          else t(date());
        }
        t("}");
        break;
      }
      case 4: {
        t("enum");
        t(ident());
        t("{");
        const int n = 1 + pick(5);
        for (int i = 0; i < n; ++i) {
          if (i) t(",");
          t(ident());
        }
        if (chance(30)) t(",");
        t("}");
        break;
      }
      case 5: {
        t("case");
        t(ident());
        t("{");
        // assumes after the fields: `assume x == 3` followed by a field `y: bool` would read `3 y` as a number with a unit
        const int fields = pick(4), assumes = pick(3);
        for (int i = 0; i < fields; ++i) {
          t(ident());
          t(":");
          type(true);
        }
        for (int i = 0; i < assumes; ++i) {
          t("assume");
          expr(1 + pick(2));
        }
        t("}");
        break;
      }
      case 6: {
        t("decision");
        t(ident());
        if (chance(60)) {
          t("(");
          if (chance(80)) binders();
          t(")");
        }
        t(":");
        type(false);
        break;
      }
      case 7:
        t(pick(2) ? "param" : "fact");
        t(ident());
        t(":");
        type(false);
        break;
      case 8: {
        t("scenario");
        t(ident());
        if (chance(60)) t(str());
        t("{");
        const int n = pick(3);
        for (int i = 0; i < n; ++i) {
          if (pick(2)) {
            t("source");
            t(str());
          } else {
            t("assume");
            expr(1 + pick(2));
          }
        }
        t("}");
        break;
      }
      case 9:
      case 10: {
        t(pick(3) ? "norm" : "derogation");
        t(qname());
        t(str());
        t("{");
        const int n = pick(7);
        for (int i = 0; i < n; ++i) norm_clause();
        t("}");
        break;
      }
      case 11:
      case 12: {
        const bool measure = pick(2);
        t(measure ? "measure" : "rule");
        t(qname());
        t(str());
        t("{");
        const int n = pick(7);
        for (int i = 0; i < n; ++i) rule_clause(measure);
        t("}");
        break;
      }
      default: {
        t("expect");
        t(chance(30) ? "current_law" : qname());
        const int k = pick(3);
        if (k == 0) t("compliant");
        else if (k == 1) t("no_conflict");
        else {
          t("conflicts_with");
          t(qname());
        }
        if (chance(50)) {
          t("at");
          t(date());
        }
        if (chance(30)) {
          t("under");
          t(ident());
        }
        break;
      }
    }
  }

  std::string comment() {
    static const char* words[] = {"see", "art. 5(2)", "ASSUMPTION:", "geëindigd", "{", "}", "*", "/", "\"", "when", "—"};
    std::string body;
    const int n = pick(5);
    for (int i = 0; i < n; ++i) body += std::string(i ? " " : "") + words[pick(11)];
    if (pick(2)) return "//" + std::string(pick(2) ? " " : "") + body + (chance(20) ? "   " : "") + "\n";
    if (chance(30)) return "/* " + body + "\n   " + body + " */";
    return "/*" + body + "*/";
  }

  static bool tight(const std::string& s) { return s == "(" || s == ")" || s == "," || s == "{" || s == "}" || s == ":" || s == "."; }

  std::string render() {
    static const char* seps[] = {" ", " ", " ", "\n", "\n  ", "\n\n", "\n\n\n", "\t", "\r\n", "    "};
    std::string out;
    if (chance(20)) out += comment();
    for (std::size_t i = 0; i < toks_.size(); ++i) {
      if (i > 0) {
        if (chance(12)) {
          out += " " + comment();
          out += seps[pick(10)];
        } else if ((tight(toks_[i]) || tight(toks_[i - 1])) && chance(40)) {
          // no blank at all next to punctuation
        } else {
          out += seps[pick(10)];
        }
      }
      out += toks_[i];
    }
    if (chance(30)) out += " " + comment();
    if (chance(70)) out += "\n";
    return out;
  }

  std::mt19937 rng_;
  std::vector<std::string> toks_;
};

}  // namespace

// ---- the layout, decision by decision ----

TEST_CASE("fmt: clauses one a line, two spaces a level, braces as in the docs", "[fmt]") {
  CHECK(fmt_ok("norm   EU.art1 \"T\"{source EU \"art. 1\" for p:Person,q : Person when p.age<18 years must not detained( p ) unless p.last_resort}") ==
        "norm EU.art1 \"T\" {\n"
        "  source EU \"art. 1\"\n"
        "  for p: Person, q: Person\n"
        "  when p.age < 18 years\n"
        "  must not detained(p)\n"
        "  unless p.last_resort\n"
        "}\n");
  CHECK(fmt_ok("instrument EU \"An EU directive\" { level eu_directive applies_from 2020-01-01 url \"x\" }") ==
        "instrument EU \"An EU directive\" {\n  level eu_directive\n  applies_from 2020-01-01\n  url \"x\"\n}\n");
  CHECK(fmt_ok("case Person { age : int years  status:Status assume age>=0 years and age <= 120 years }") ==
        "case Person {\n  age: int years\n  status: Status\n  assume age >= 0 years and age <= 120 years\n}\n");
  CHECK(fmt_ok("scenario S \"t\" { source \"x\" assume f >= 5000 persons }") ==
        "scenario S \"t\" {\n  source \"x\"\n  assume f >= 5000 persons\n}\n");
}

TEST_CASE("fmt: one-line declarations", "[fmt]") {
  CHECK(fmt_ok("import   \"../a.norm\"\nhierarchy treaty>act=decree > policy_rule\nunit FTE") ==
        "import \"../a.norm\"\nhierarchy treaty > act = decree > policy_rule\nunit FTE\n");
  CHECK(fmt_ok("decision permit_validity ( p : Protection , q:Case ) : int months\nparam max_wait:int months fact f : bool decision g: date") ==
        "decision permit_validity(p: Protection, q: Case): int months\nparam max_wait: int months\nfact f: bool\ndecision g: date\n");
  CHECK(fmt_ok("expect TwoStatus\n  compliant   at 2026-07-01 expect current_law conflicts_with A.b at 2020-01-01 under High") ==
        "expect TwoStatus compliant at 2026-07-01\nexpect current_law conflicts_with A.b at 2020-01-01 under High\n");
}

TEST_CASE("fmt: expressions stay on one line with canonical spacing and words for operators", "[fmt]") {
  CHECK(fmt_ok("rule R \"t\" { source NL \"a\"\n define f( a ,_ )= - 3 months+ g(a.b , -x)when !(a.c&&b||c)=>d in {x , y} }") ==
        "rule R \"t\" {\n  source NL \"a\"\n  define f(a, _) = -3 months + g(a.b, -x) when not (a.c and b or c) implies d in {x, y}\n}\n");
  CHECK(fmt_ok("rule R \"t\" { define f =\n  if a\n then 1 else\n 2.5 * (x - -y) / 2 }") ==
        "rule R \"t\" {\n  define f = if a then 1 else 2.5 * (x - -y) / 2\n}\n");
  CHECK(fmt_ok("rule R \"t\" { define f = g() define h = ((a)) != 2020-01-01 }") ==
        "rule R \"t\" {\n  define f = g()\n  define h = ((a)) != 2020-01-01\n}\n");
}

TEST_CASE("fmt: enums on one line unless they hold comments", "[fmt]") {
  CHECK(fmt_ok("enum E {a,b ,c,}") == "enum E { a, b, c }\n");
  CHECK(fmt_ok("enum E { a, // first\n b /* second */ }") == "enum E {\n  a, // first\n  b, /* second */\n}\n");
  CHECK(fmt_ok("enum E {\n  // the values\n  a, b,\n}") == "enum E {\n  // the values\n  a,\n  b,\n}\n");
}

TEST_CASE("fmt: options and choices; a choice with one clause stays on its line", "[fmt]") {
  CHECK(fmt_ok("measure M \"t\" { level act effective 2026-07-01 score cost = - 2\n"
               "option p \"P\" { choice a \"A\" { define w(s) = 1 months } choice b { define w(s) = 2 months invoke X.y score load = 3 } choice c \"C\" {} } }") ==
        "measure M \"t\" {\n"
        "  level act\n"
        "  effective 2026-07-01\n"
        "  score cost = -2\n"
        "  option p \"P\" {\n"
        "    choice a \"A\" { define w(s) = 1 months }\n"
        "    choice b {\n"
        "      define w(s) = 2 months\n"
        "      invoke X.y\n"
        "      score load = 3\n"
        "    }\n"
        "    choice c \"C\" { }\n"
        "  }\n"
        "}\n");
  CHECK(fmt_ok("measure M \"t\" { option p { choice a { // why\n define w = 1 } } }") ==
        "measure M \"t\" {\n  option p {\n    choice a { // why\n      define w = 1\n    }\n  }\n}\n");
  // up to 100 columns on one line; a longer choice is a block, whatever its layout was
  const std::string fits = "    choice m12 \"12 months\" { define waiting_period(s) = 12 months when s.protection == subsidiaryX }";
  REQUIRE(fits.size() == 100);
  CHECK(fmt_ok("measure M \"t\" { option p {\n" + fits + "\n} }") == "measure M \"t\" {\n  option p {\n" + fits + "\n  }\n}\n");
  CHECK(fmt_ok("measure M \"t\" { option p { choice m12 \"12 months\" { define waiting_period(s) = 12 months when s.protection == subsidiaryXY } } }") ==
        "measure M \"t\" {\n  option p {\n    choice m12 \"12 months\" {\n      define waiting_period(s) = 12 months when s.protection == subsidiaryXY\n"
        "    }\n  }\n}\n");
}

TEST_CASE("fmt: blank lines between declarations are kept, at most one", "[fmt]") {
  CHECK(fmt_ok("\n\nunit A\n\n\n\nunit B\nunit C\n\n") == "unit A\n\nunit B\nunit C\n");
  CHECK(fmt_ok("norm A \"t\" {\n\n  source EU \"a\"\n\n\n  must x\n\n}\n") == "norm A \"t\" {\n  source EU \"a\"\n\n  must x\n}\n");
  CHECK(fmt_ok("unit A unit B") == "unit A\nunit B\n");
}

TEST_CASE("fmt: comments stay where they were", "[fmt]") {
  SECTION("own-line comments before a declaration or clause, at its indentation") {
    CHECK(fmt_ok("// header\n\n// about A\nnorm A \"t\" {\n      // the source\n source EU \"a\"\n    // last\n}\n// end\n") ==
          "// header\n\n// about A\nnorm A \"t\" {\n  // the source\n  source EU \"a\"\n  // last\n}\n// end\n");
  }
  SECTION("a trailing comment keeps its column while its line is unchanged in substance") {
    const std::string aligned =
        "case C {\n"
        "  age: int years       // in whole years\n"
        "  unaccompanied: bool  // no adult responsible\n"
        "}\n";
    CHECK(fmt_ok(aligned) == aligned);
    CHECK(fmt_ok("case C {\n    age:int years     // in whole years\n}\n") == "case C {\n  age: int years      // in whole years\n}\n");
  }
  SECTION("a trailing comment gets one space when the code reaches its column or the line was rebuilt") {
    CHECK(fmt_ok("case C { age: int years // a\n}") == "case C {\n  age: int years // a\n}\n");
    CHECK(fmt_ok("norm A \"t\" {\n  must x&&y // c\n}\n") == "norm A \"t\" {\n  must x and y // c\n}\n");
  }
  SECTION("a line comment inside an expression breaks it; the rest is indented by four") {
    CHECK(fmt_ok("norm A \"t\" {\n  when a // first\n    or b\n  must c\n}\n") == "norm A \"t\" {\n  when a // first\n      or b\n  must c\n}\n");
  }
  SECTION("inline block comments stay inline, between spaces") {
    CHECK(fmt_ok("rule R \"t\" { define f(/*x*/a) = 1/* one */ }") == "rule R \"t\" {\n  define f(/*x*/ a) = 1 /* one */\n}\n");
    CHECK(fmt_ok("/* lead */ unit A\n") == "/* lead */ unit A\n");
    CHECK(fmt_ok("rule R \"t\" { define f(a/*x*/,b /*y*/ ) = g( /*z*/ ) }") == "rule R \"t\" {\n  define f(a /*x*/, b /*y*/) = g(/*z*/)\n}\n");
  }
  SECTION("line endings, byte-order mark and trailing blanks of comments are normalised") {
    CHECK(fmt_ok("\xEF\xBB\xBFunit A   // x  \r\nunit B\r\n") == "unit A   // x\nunit B\n");
    CHECK(fmt_ok("/* a  \r\n b */\r\nunit A") == "/* a\n b */\nunit A\n");
  }
}

TEST_CASE("fmt: `!` right after `must` is not spelled `not`, which would make a prohibition", "[fmt]") {
  CHECK(fmt_ok("norm A \"t\" { must !x }") == "norm A \"t\" {\n  must !x\n}\n");
  CHECK(fmt_ok("norm A \"t\" { must ! (x) }") == "norm A \"t\" {\n  must !(x)\n}\n");
  CHECK(fmt_ok("norm A \"t\" { must not !x }") == "norm A \"t\" {\n  must not not x\n}\n");
  CHECK(fmt_ok("norm A \"t\" { may !x }") == "norm A \"t\" {\n  may not x\n}\n");
}

TEST_CASE("fmt: files with errors are not formatted", "[fmt]") {
  auto f = format_text("norm A \"x\" {\n  source\n}\n");
  CHECK(f.result.status == FormatResult::Status::input_error);
  CHECK(f.result.text.empty());
  CHECK(f.diagnostics.find("E0003") != std::string::npos);
  CHECK(format_text("// only a comment\n").result.status == FormatResult::Status::input_error);
  CHECK(format_text("measure M \"t\" { option o \"o\" { choice c \"c\" { cites \"x\" } } }").result.status ==
        FormatResult::Status::input_error);  // E0409
}

TEST_CASE("fmt: the AST dump ignores layout and sees every change of meaning", "[fmt]") {
  const auto a = dump("norm A \"t\" { source EU \"a\" when x must y }");
  REQUIRE(a);
  CHECK(dump("norm   A \"t\"{\n// c\nsource EU \"a\"\n when (x) must y}") == a);
  CHECK(dump("norm A \"t\" { source EU \"a\" when x must not y }") != a);
  CHECK(dump("norm A \"t\" { source EU \"b\" when x must y }") != a);
  CHECK(dump("norm A \"t\" { source EU \"a\" unless x must y }") != a);
  CHECK(dump("norm A \"t\" { source EU \"a\" source EU \"a\" when x must y }") != a);  // a duplicate clause
  CHECK(dump("rule R \"t\" { define f = a - b - c }") != dump("rule R \"t\" { define f = a - (b - c) }"));
  CHECK(dump("rule R \"t\" { define f = 3 months }") != dump("rule R \"t\" { define f = 3 years }"));
  CHECK(dump("rule R \"t\" { define f(a) = 1 }") != dump("rule R \"t\" { define f(_) = 1 }"));
  CHECK(dump("enum E { a, b }") != dump("enum E { b, a }"));
  CHECK(dump("measure M \"t\" { score s = 1 }") != dump("measure M \"t\" { score s = -1 }"));
  CHECK(dump("expect M compliant") != dump("expect M no_conflict"));
}

// ---- files on disk ----

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / fmt::format("nc_fmt_test_{}", std::random_device{}());
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string put(const std::string& name, const std::string& text) const {
    const auto p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

}  // namespace

TEST_CASE("fmt: files are rewritten in place, with their mode, and only when --check is not given", "[fmt][files]") {
  namespace fs = std::filesystem;
  TempDir dir;
  const std::string ugly = "unit A    unit B\n", pretty = "unit A\nunit B\n";
  const auto a = dir.put("a.norm", ugly);
  const auto b = dir.put("sub/b.norm", pretty);
  const auto c = dir.put("sub/deeper/c.norm", ugly);
  const auto bad = dir.put("sub/z_bad.norm", "unit\n");
  dir.put("sub/notes.txt", ugly);
  fs::permissions(a, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);

  using S = FormatFileOutcome::Status;
  SECTION("check: nothing is written") {
    SourceManager sm;
    Diagnostics diags;
    const auto out = format_paths(sm, {dir.path.string()}, false, diags);
    REQUIRE(out.size() == 4);  // sorted, recursive, *.norm only
    CHECK(out[0].path == fs::path(a).lexically_normal().string());
    CHECK(out[0].status == S::changed);
    CHECK(out[1].status == S::unchanged);
    CHECK(out[2].status == S::changed);
    CHECK(out[3].status == S::input_error);
    CHECK(read(a) == ugly);
    CHECK(read(c) == ugly);
    REQUIRE(diags.items().size() == 1);
    CHECK(diags.items()[0].code == "E0003");
  }
  SECTION("write: changed files are replaced, the rest left alone, no temporary file remains") {
    SourceManager sm;
    Diagnostics diags;
    const auto out = format_paths(sm, {a, dir.path.string() + "/sub"}, true, diags);
    REQUIRE(out.size() == 4);
    CHECK(read(a) == pretty);
    CHECK(read(b) == pretty);
    CHECK(read(c) == pretty);
    CHECK(read(bad) == "unit\n");
    CHECK(fs::status(a).permissions() == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
    std::size_t entries = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir.path)) {
      CHECK(e.path().filename().string().find(".fmt-") == std::string::npos);
      ++entries;
    }
    CHECK(entries == 7);  // 5 files, 2 directories
    Diagnostics again;
    for (const auto& o : format_paths(sm, {a, b, c}, false, again)) CHECK(o.status == S::unchanged);
  }
  SECTION("a file named twice is formatted once; a symbolic link stays a link") {
    const fs::path link = dir.path / "link.norm";
    fs::create_symlink(c, link);
    SourceManager sm;
    Diagnostics diags;
    const auto out = format_paths(sm, {link.string(), c, c}, true, diags);
    CHECK(out.size() == 1);
    CHECK(fs::is_symlink(link));
    CHECK(read(c) == pretty);
  }
}

// ---- whole files ----

TEST_CASE("fmt: every file of the corpus keeps its AST and comments and is formatted once for all", "[fmt][corpus]") {
  std::size_t n = 0;
  for (const char* dir : {"rules", "examples"}) {
    for (const auto& path : corpus(dir)) {
      check_properties(read(path), path);
      ++n;
    }
  }
  CHECK(n >= 30);
}

TEST_CASE("fmt: the golden inputs that parse keep their AST and comments", "[fmt][corpus]") {
  std::size_t n = 0;
  for (const auto& path : corpus("tests/golden/inputs")) {
    const std::string text = read(path);
    if (!dump(text)) continue;  // inputs made to fail
    check_properties(text, path);
    ++n;
  }
  CHECK(n >= 10);
}

TEST_CASE("fmt: generated files with comments everywhere keep their AST and comments and are idempotent", "[fmt][generated]") {
  const unsigned cases = 500;
  std::string all;
  std::size_t comments = 0;
  for (unsigned seed = 1; seed <= cases; ++seed) {
    const std::string text = Gen(seed).file();
    INFO("seed " << seed << "\n" << text);
    REQUIRE(dump(text).has_value());  // the generator writes valid files only
    check_properties(text, "generated");
    comments += comment_texts(text).size();
    all += text;
  }
  // the generated files reach every construct, and comments in numbers
  for (const char* word : {"import", "hierarchy", "unit", "instrument", "enum", "case", "assume", "decision", "param", "fact",
                           "scenario", "norm", "derogation", "valid", "relaxes", "must not", "may", "rule", "measure", "cites",
                           "define", "invoke", "option", "choice", "score", "expect", "conflicts_with", "no_conflict", "under",
                           " in ", "if", "&&", "||", "=>", "!", "_)", "//", "/*"})
    CHECK(all.find(word) != std::string::npos);
  CHECK(comments >= cases);
}

TEST_CASE("fmt: the comments of a text, as the self-check compares them", "[fmt]") {
  CHECK(comment_texts("unit A // x  \r\n/* y\r\n z */ unit B /**/") == std::vector<std::string>{"// x", "/* y\n z */", "/**/"});
  CHECK(comment_texts("unit A \"// not a comment\"") == std::vector<std::string>{});
  CHECK(comment_texts("unit A // x") != comment_texts("unit A // y"));
}
