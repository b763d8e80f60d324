// The formatter. The layout is decided in two steps:
//  1. marks: a walk over the parse tree says which tokens start a line and at
//     which depth (declarations, clauses, closing braces of blocks), which
//     are dropped (the trailing comma of a one-line enum) and after which a
//     comma is added (the last value of an enum written one value a line);
//  2. printing: one pass over the whole token stream, comments included
//     (they are on the lexer's HIDDEN channel), puts a space or nothing
//     between tokens on a line (a rule over the pair of tokens and their
//     parse-tree parents) and places each comment by what surrounded it in
//     the source: alone on its line, after code, or between code.
// The result is then re-parsed and compared with the input (ast_dump and
// the comments) before anyone sees it.
#include "normcheck/format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>

#include <antlr4-runtime.h>

#include <fmt/format.h>

#include "NormLexer.h"
#include "NormParser.h"
#include "normcheck/load.h"

namespace normcheck {
namespace {

// A choice with one clause stays on one line only up to this width.
constexpr std::size_t kMaxWidth = 100;

using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;
using normgen::NormLexer;
using normgen::NormParser;

bool has_bom(std::string_view s) { return s.substr(0, 3) == "\xEF\xBB\xBF"; }

// Maps ANTLR's code-point indices to byte offsets. ANTLR's input stream
// drops a leading byte-order mark, so its index 0 is the code point after it.
std::vector<std::uint32_t> code_point_offsets(std::string_view s) {
  std::vector<std::uint32_t> out;
  out.reserve(s.size() + 1);
  for (std::uint32_t i = has_bom(s) ? 3 : 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  out.push_back(static_cast<std::uint32_t>(s.size()));
  return out;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// A comment as printed: CRLF becomes LF, and no line ends in blanks.
std::string normalize_comment(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') {
      while (!out.empty() && is_blank(out.back())) out.pop_back();
    }
    out += raw[i];
  }
  while (!out.empty() && is_blank(out.back())) out.pop_back();
  return out;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// The lexer and parser over one text, built in place (ANTLR's objects do not move).
struct Parsed {
  explicit Parsed(const std::string& text) : input(text), lexer(&input), tokens(&lexer), parser(&tokens) {
    lexer.removeErrorListeners();
    parser.removeErrorListeners();
    tokens.fill();
  }
  antlr4::ANTLRInputStream input;
  NormLexer lexer;
  antlr4::CommonTokenStream tokens;
  NormParser parser;
};

bool is_comment(const Token* t) {
  return t->getType() == NormLexer::LINE_COMMENT || t->getType() == NormLexer::BLOCK_COMMENT;
}

class Printer {
 public:
  Printer(const std::string& src, antlr4::CommonTokenStream& stream, NormParser::FileContext* tree) : src_(src) {
    const auto cps = code_point_offsets(src);
    const auto at = [&](std::size_t i) { return cps[std::min(i, cps.size() - 1)]; };
    for (Token* t : stream.getTokens()) {
      if (t->getType() == Token::EOF) break;
      Tok k;
      k.token = t;
      k.comment = is_comment(t);
      k.begin = at(t->getStartIndex());
      k.end = std::max(k.begin, at(t->getStopIndex() + 1));
      k.line = t->getLine();
      k.column = t->getCharPositionInLine();
      toks_.push_back(k);
    }
    marks_.resize(toks_.size());
    hidden_before_.assign(toks_.size() + 1, 0);
    for (std::size_t i = 0; i < toks_.size(); ++i) hidden_before_[i + 1] = hidden_before_[i] + (toks_[i].comment ? 1 : 0);
    first_on_line_.resize(toks_.size());
    for (std::size_t i = 0; i < toks_.size(); ++i)
      first_on_line_[i] = (i > 0 && toks_[i - 1].line == toks_[i].line) ? first_on_line_[i - 1] : i;
    next_code_.assign(toks_.size() + 1, toks_.size());
    for (std::size_t i = toks_.size(); i-- > 0;) next_code_[i] = toks_[i].comment ? next_code_[i + 1] : i;
    find_parents(tree);
    mark_file(tree);
  }

  std::string print() {
    for (std::size_t i = 0; i < toks_.size(); ++i) {
      if (toks_[i].comment) comment(i);
      else code(i);
    }
    while (!out_.empty() && (out_.back() == '\n' || is_blank(out_.back()))) out_.pop_back();
    out_ += '\n';
    return out_;
  }

 private:
  struct Tok {
    Token* token = nullptr;
    bool comment = false;
    std::uint32_t begin = 0, end = 0;  // bytes
    std::size_t line = 0, column = 0;  // as ANTLR counts: line 1-based, column in code points
    ParserRuleContext* parent = nullptr;
  };
  struct Mark {
    bool line = false;         // starts a line
    int depth = 0;             // ... indented by this many levels
    bool block_open = false;   // `{` of a block written one clause a line
    bool block_close = false;  // its `}`: comments before it belong inside the block
    bool drop = false;         // not printed
    bool comma_after = false;  // a `,` is printed after it
  };

  // ---- the tree ----

  void find_parents(ParseTree* root) {
    std::vector<ParseTree*> stack{root};
    while (!stack.empty()) {
      ParseTree* n = stack.back();
      stack.pop_back();
      for (ParseTree* c : n->children) {
        if (auto* t = dynamic_cast<TerminalNode*>(c)) {
          const std::size_t i = t->getSymbol()->getTokenIndex();
          if (i < toks_.size()) toks_[i].parent = dynamic_cast<ParserRuleContext*>(n);
        } else {
          stack.push_back(c);
        }
      }
    }
  }

  std::size_t index(const Token* t) const { return t->getTokenIndex(); }

  bool comments_between(std::size_t a, std::size_t b) const { return hidden_before_[b] - hidden_before_[a + 1] > 0; }

  void line_at(ParserRuleContext* c, int depth) {
    Mark& m = marks_[index(c->getStart())];
    m.line = true;
    m.depth = depth;
  }

  // The braces that are direct children of C (not those of nested blocks or `in` sets).
  static std::pair<TerminalNode*, TerminalNode*> braces(ParserRuleContext* c) {
    TerminalNode *open = nullptr, *close = nullptr;
    for (ParseTree* ch : c->children) {
      if (auto* t = dynamic_cast<TerminalNode*>(ch)) {
        const std::string s = t->getText();
        if (s == "{" && !open) open = t;
        if (s == "}") close = t;
      }
    }
    return {open, close};
  }

  // A block of clauses at DEPTH + 1 between braces at DEPTH. Without clauses
  // or comments it stays `{ }`; a choice with one clause and no comments
  // stays on its line.
  template <typename Clause>
  void block(ParserRuleContext* owner, const std::vector<Clause*>& clauses, int depth, bool single_on_line) {
    auto [open, close] = braces(owner);
    if (!open || !close) return;
    const std::size_t o = index(open->getSymbol()), c = index(close->getSymbol());
    const bool comments = comments_between(o, c);
    for (auto* cl : clauses) mark_clause(cl, depth + 1);
    if (!comments && (clauses.empty() || (single_on_line && clauses.size() == 1 && fits_on_line(owner, c, depth)))) {
      for (auto* cl : clauses) marks_[index(cl->getStart())].line = false;
      return;
    }
    for (auto* cl : clauses) line_at(cl, depth + 1);
    marks_[o].block_open = true;
    Mark& m = marks_[c];
    m.line = true;
    m.depth = depth;
    m.block_close = true;
  }

  // Whether OWNER up to the token CLOSE fits on one line at DEPTH. The width
  // is estimated from the tokens alone (a space between two tokens except
  // around `(`, `)`, `.`, `,` and `:`), never from the layout as written, so
  // that formatting stays idempotent.
  bool fits_on_line(ParserRuleContext* owner, std::size_t close, int depth) const {
    std::size_t width = 2 * static_cast<std::size_t>(depth);
    std::string prev;
    for (std::size_t k = index(owner->getStart()); k <= close && k < toks_.size(); ++k) {
      if (toks_[k].comment) continue;
      const std::string text = toks_[k].token->getText();
      const bool tight = prev.empty() || prev == "(" || prev == "." || text == "(" || text == ")" || text == "." ||
                         text == "," || text == ":";
      width += text.size() + (tight ? 0 : 1);
      prev = text;
    }
    return width <= kMaxWidth;
  }

  void mark_clause(ParserRuleContext* cl, int depth) {
    if (auto* x = dynamic_cast<NormParser::RuleOptionContext*>(cl)) block(x, x->choice(), depth, false);
    else if (auto* x = dynamic_cast<NormParser::ChoiceContext*>(cl)) block(x, x->ruleClause(), depth, true);
  }

  void mark_enum(NormParser::EnumDeclContext* e) {
    auto [open, close] = braces(e);
    if (!open || !close) return;
    const std::size_t o = index(open->getSymbol()), c = index(close->getSymbol());
    const auto values = e->ident();  // [0] is the enum's name
    if (values.size() < 2) return;
    std::size_t last_comma = c;
    for (std::size_t k = c; k > o; --k) {
      if (!toks_[k - 1].comment) {
        if (toks_[k - 1].token->getText() == ",") last_comma = k - 1;
        break;
      }
    }
    if (!comments_between(o, c)) {
      if (last_comma != c) marks_[last_comma].drop = true;
      return;
    }
    for (std::size_t v = 1; v < values.size(); ++v) line_at(values[v], 1);
    if (last_comma == c) marks_[index(values.back()->getStart())].comma_after = true;
    marks_[o].block_open = true;
    Mark& m = marks_[c];
    m.line = true;
    m.depth = 0;
    m.block_close = true;
  }

  void mark_file(NormParser::FileContext* f) {
    for (auto* item : f->item()) {
      line_at(item, 0);
      if (auto* x = item->instrumentDecl()) block(x, x->instrumentField(), 0, false);
      else if (auto* x = item->caseDecl()) block(x, x->caseMember(), 0, false);
      else if (auto* x = item->scenarioDecl()) block(x, x->scenarioClause(), 0, false);
      else if (auto* x = item->normDecl()) block(x, x->normClause(), 0, false);
      else if (auto* x = item->derogationDecl()) block(x, x->normClause(), 0, false);
      else if (auto* x = item->ruleDecl()) block(x, x->ruleClause(), 0, false);
      else if (auto* x = item->measureDecl()) block(x, x->ruleClause(), 0, false);
      else if (auto* x = item->organisationDecl()) block(x, x->orgClause(), 0, false);
      else if (auto* x = item->stockDecl()) block(x, x->stockClause(), 0, false);
      else if (auto* x = item->enumDecl()) mark_enum(x);
    }
  }

  // ---- spacing within a line ----

  // Operators are spelled as words, except `!` right after `must`: `must not`
  // is the prohibition, `must !x` an obligation.
  std::string spelled(std::size_t i) const {
    const std::string s = toks_[i].token->getText();
    if (s == "&&") return "and";
    if (s == "||") return "or";
    if (s == "=>") return "implies";
    if (s == "!") return prev_code_ != kNone && toks_[prev_code_].token->getType() == NormLexer::MUST ? s : "not";
    return s;
  }

  bool unary_minus(std::size_t i) const {
    auto* p = toks_[i].parent;
    return dynamic_cast<NormParser::NegExprContext*>(p) || dynamic_cast<NormParser::RuleScoreContext*>(p) ||
           dynamic_cast<NormParser::RuleAdjustContext*>(p);
  }

  // Whether a space goes between code tokens P and C on one line.
  bool space_between(std::size_t p, std::size_t c) const {
    const std::string& ps = prev_text_;
    const std::string cs = toks_[c].token->getText();
    if (cs == "," || cs == ":" || cs == ")" || cs == ".") return false;
    if (ps == "(" || ps == ".") return false;
    if ((ps == "-" && unary_minus(p)) || ps == "!") return false;
    auto* cp = toks_[c].parent;
    if (cs == "(")
      return !(dynamic_cast<NormParser::CallExprContext*>(cp) || dynamic_cast<NormParser::DecisionDeclContext*>(cp) ||
               dynamic_cast<NormParser::RuleDefineContext*>(cp));
    if (cs == "}" && dynamic_cast<NormParser::InExprContext*>(cp)) return false;
    if (ps == "{" && dynamic_cast<NormParser::InExprContext*>(toks_[p].parent)) return false;
    return true;
  }

  // ---- the source around a token ----

  std::size_t newlines_before(std::size_t i) const {
    const std::uint32_t from = i == 0 ? 0 : toks_[i - 1].end;
    std::size_t n = 0;
    for (std::uint32_t k = from; k < toks_[i].begin; ++k) n += src_[k] == '\n' ? 1 : 0;
    return i == 0 ? n + 1 : n;  // the start of the file counts as a line break
  }
  bool newline_after(std::size_t i) const {
    if (toks_[i].token->getType() == NormLexer::LINE_COMMENT) return true;
    const std::uint32_t to = i + 1 < toks_.size() ? toks_[i + 1].begin : static_cast<std::uint32_t>(src_.size());
    if (i + 1 >= toks_.size()) return true;
    for (std::uint32_t k = toks_[i].end; k < to; ++k)
      if (src_[k] == '\n') return true;
    return false;
  }

  // ---- output ----

  std::size_t column() const { return code_points(std::string_view(out_).substr(line_start_)); }

  void new_line(std::size_t indent, bool blank) {
    if (!out_.empty()) {
      while (!out_.empty() && is_blank(out_.back())) out_.pop_back();
      out_ += '\n';
      if (blank && blank_ok_) out_ += '\n';
    }
    line_start_ = out_.size();
    out_.append(indent, ' ');
    line_first_ = kNone;
    need_newline_ = false;
    lead_comment_ = false;
  }

  void write(std::size_t i, const std::string& text) {
    if (line_first_ == kNone) line_first_ = i;
    out_ += text;
    const auto nl = text.rfind('\n');
    if (nl != std::string::npos) line_start_ = out_.size() - text.size() + nl + 1;
  }

  void code(std::size_t i) {
    const Mark& m = marks_[i];
    if (m.drop) return;
    const bool first = out_.empty();
    const std::string text = spelled(i);
    if (m.line && lead_comment_ && !need_newline_) {
      // `/* note */ norm ...`: the comment leads the line
      out_ += ' ';
      clause_indent_ = static_cast<std::size_t>(m.depth) * 2;
    } else if (m.line) {
      new_line(static_cast<std::size_t>(m.depth) * 2, !first && newlines_before(i) >= 2 && !m.block_close);
      clause_indent_ = static_cast<std::size_t>(m.depth) * 2;
    } else if (need_newline_) {
      new_line(clause_indent_ + 4, false);
    } else if (!first && ((after_comment_ && text != ")" && text != ",") || (prev_code_ != kNone && space_between(prev_code_, i)))) {
      out_ += ' ';
    }
    write(i, text);
    if (m.comma_after) out_ += ',';
    prev_code_ = i;
    prev_text_ = text;
    after_comment_ = false;
    lead_comment_ = false;
    blank_ok_ = !m.block_open;
  }

  void comment(std::size_t i) {
    const std::string text = normalize_comment(std::string_view(src_).substr(toks_[i].begin, toks_[i].end - toks_[i].begin));
    const bool own_line = newlines_before(i) > 0;
    const bool nl_after = newline_after(i);
    if (own_line && !(lead_comment_ && !need_newline_)) {
      const std::size_t j = next_code_[i];
      std::size_t indent = clause_indent_ + 4;  // inside a clause: a continuation line
      bool blank = false;
      if (j >= toks_.size() || marks_[j].line) {
        const int depth = j >= toks_.size() ? 0 : marks_[j].depth + (marks_[j].block_close ? 1 : 0);
        indent = static_cast<std::size_t>(depth) * 2;
        blank = newlines_before(i) >= 2;
      }
      new_line(indent, blank && !out_.empty());
      write(i, text);
      blank_ok_ = true;
      if (!nl_after) lead_comment_ = true;
    } else if (need_newline_) {
      new_line(clause_indent_ + 4, false);
      write(i, text);
    } else if (out_.empty()) {
      write(i, text);
    } else if (nl_after) {
      // a trailing comment keeps its column while its line is the line it was written on
      const std::size_t col = column();
      const std::size_t want = toks_[i].column;
      const bool same_line = line_first_ != kNone && line_first_ == first_on_line_[i];
      out_.append(same_line && want > col ? want - col : 1, ' ');
      write(i, text);
    } else {
      if (!(prev_code_ != kNone && prev_code_ + 1 == i && prev_text_ == "(")) out_ += ' ';  // `f(/* note */ x)`
      write(i, text);
    }
    if (nl_after) {
      need_newline_ = true;
      after_comment_ = false;
    } else {
      after_comment_ = true;
    }
  }

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  const std::string& src_;
  std::vector<Tok> toks_;
  std::vector<Mark> marks_;
  std::vector<std::size_t> hidden_before_;  // comments among the first i tokens
  std::vector<std::size_t> first_on_line_;  // the first token on token i's source line
  std::vector<std::size_t> next_code_;      // the first code token at or after i

  std::string out_;
  std::size_t line_start_ = 0;        // offset in out_ of the current line
  std::size_t line_first_ = kNone;    // the first token printed on the current line
  std::size_t clause_indent_ = 0;     // indentation of the line the current clause started on
  std::size_t prev_code_ = kNone;
  std::string prev_text_;             // as printed
  bool need_newline_ = false;         // a comment ended the line
  bool after_comment_ = false;        // an inline comment was just printed: a space follows
  bool lead_comment_ = false;         // the line so far is one comment that code follows
  bool blank_ok_ = false;             // a blank line may come next (not after `{`, not at the top)
};

// ---- the AST dump ----

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += fmt::format("\\{}", static_cast<char>(c));
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

const char* expr_kind(ast::ExprKind k) {
  switch (k) {
    case ast::ExprKind::number: return "number";
    case ast::ExprKind::date: return "date";
    case ast::ExprKind::boolean: return "bool";
    case ast::ExprKind::name: return "name";
    case ast::ExprKind::field: return "field";
    case ast::ExprKind::call: return "call";
    case ast::ExprKind::not_: return "not";
    case ast::ExprKind::neg: return "neg";
    case ast::ExprKind::binary: return "binary";
    case ast::ExprKind::in: return "in";
    case ast::ExprKind::ite: return "if";
  }
  return "?";
}

class Dumper {
 public:
  std::string out;

  void file(const ast::File& f) {
    for (const auto& i : f.imports) line("import " + quoted(i.path));
    for (const auto& h : f.hierarchies) {
      std::string s = "hierarchy";
      for (const auto& g : h.groups) {
        s += " [";
        for (std::size_t k = 0; k < g.size(); ++k) s += (k ? " " : "") + g[k].text;
        s += "]";
      }
      line(s);
    }
    for (const auto& u : f.units) line("unit " + u.name.text);
    for (const auto& in : f.instruments) {
      line("instrument " + in.id.text + " " + quoted(in.title));
      opt("level", in.level);
      date("adopted", in.adopted);
      date("in_force", in.in_force);
      date("applies_from", in.applies_from);
      date("repealed", in.repealed);
      if (in.url) line("  url " + quoted(*in.url));
    }
    for (const auto& e : f.enums) {
      std::string s = "enum " + e.name.text;
      for (const auto& v : e.values) s += " " + v.text;
      line(s);
    }
    for (const auto& c : f.cases) {
      line("case " + c.name.text);
      for (const auto& fl : c.fields) line("  field " + fl.name.text + " " + type(fl.type));
      for (const auto& a : c.assumes) line("  assume " + expr(a.get()));
    }
    for (const auto& d : f.decisions) {
      const char* kind = d.kind == ast::SymbolKind::decision ? "decision" : d.kind == ast::SymbolKind::param ? "param" : "fact";
      std::string s = fmt::format("{} {} (", kind, d.name.text);
      for (std::size_t k = 0; k < d.params.size(); ++k) s += (k ? ", " : "") + d.params[k].var.text + ": " + d.params[k].type.text;
      line(s + ") " + type(d.result));
    }
    for (const auto& s : f.scenarios) {
      line("scenario " + s.name.text + " " + quoted(s.title));
      if (s.source) line("  source " + quoted(*s.source));
      for (const auto& a : s.assumes) line("  assume " + expr(a.get()));
      for (const auto& se : s.series) {
        std::string t = "  series " + se.name.text;
        for (const auto& p : se.points) t += " " + p.value + (p.from ? "@" + p.from->text : "");
        line(t);
      }
    }
    for (const auto& h : f.horizons) line("horizon " + h.from.text + " " + h.until.text);
    for (const auto& o : f.organisations) {
      line("organisation " + o.name.text + " " + quoted(o.title));
      if (o.source) line("  source " + quoted(*o.source));
      for (const auto& c : o.capacities) line("  capacity " + c.name.text + " " + c.value.value);
      if (o.absorbs) line("  absorbs " + o.absorbs->value);
      line(fmt::format("  duplicates {}", o.duplicate_clauses.size()));
    }
    for (const auto& k : f.stocks) {
      line("stock " + k.name.text + " " + quoted(k.title));
      if (k.initial) line("  initial " + k.initial->value);
      opt("inflow_from", k.inflow);
      opt("served_by", k.served_by);
      if (k.wait_within) line("  wait_within " + k.wait_within->value);
      opt("level_within", k.level_within);
      line(fmt::format("  duplicates {}", k.duplicate_clauses.size()));
    }
    for (const auto& n : f.norms) norm(n);
    for (const auto& r : f.rules) rule(r);
    for (const auto& e : f.expects) {
      std::string s = fmt::format("expect {}{} ", e.current_law ? "current_law " : "", e.subject.text);
      s += e.compliant ? "compliant" : e.no_conflict ? "no_conflict" : e.feasibility > 0 ? "feasible" : e.feasibility < 0 ? "infeasible" : "conflicts_with";
      if (e.norm) s += " " + e.norm->text;
      if (e.at) s += " at " + e.at->text;
      if (e.scenario) s += " under " + e.scenario->text;
      line(s);
    }
  }

 private:
  void line(const std::string& s) { out += s + "\n"; }
  void opt(const char* what, const std::optional<ast::Name>& n) {
    if (n) line(fmt::format("  {} {}", what, n->text));
  }
  void date(const char* what, const std::optional<ast::DateLit>& d) {
    if (d) line(fmt::format("  {} {}", what, d->text));
  }

  static std::string type(const ast::TypeRef& t) {
    const char* k = t.kind == ast::TypeRef::boolean ? "bool" : t.kind == ast::TypeRef::integer ? "int"
                    : t.kind == ast::TypeRef::decimal ? "decimal" : t.kind == ast::TypeRef::date ? "date" : "named";
    return t.name ? fmt::format("{}({})", k, t.name->text) : std::string(k);
  }

  static std::string expr(const ast::Expr* e) {
    if (!e) return "null";
    std::string s = fmt::format("({}", expr_kind(e->kind));
    switch (e->kind) {
      case ast::ExprKind::number: s += " " + e->text + (e->unit ? " " + e->unit->text : ""); break;
      case ast::ExprKind::boolean: s += e->bool_value ? " true" : " false"; break;
      case ast::ExprKind::binary: s += fmt::format(" {}", ast::binop_text(e->op)); break;
      case ast::ExprKind::date:
      case ast::ExprKind::name:
      case ast::ExprKind::field:
      case ast::ExprKind::call: s += " " + e->text; break;
      default: break;
    }
    for (const auto& a : e->args) s += " " + expr(a.get());
    return s + ")";
  }

  void norm(const ast::Norm& n) {
    line(fmt::format("{} {} {}", n.derogation ? "derogation" : "norm", n.id.text, quoted(n.title)));
    if (n.source) line("  source " + n.source->instrument.text + " " + quoted(n.source->article));
    date("valid_from", n.valid_from);
    date("valid_until", n.valid_until);
    for (const auto& b : n.binders) line("  for " + b.var.text + ": " + b.type.text);
    for (const auto& w : n.whens) line("  when " + expr(w.get()));
    for (const auto& u : n.unlesses) line("  unless " + expr(u.get()));
    opt("relaxes", n.relaxes);
    const char* mod = n.modality == ast::Modality::must ? "must" : n.modality == ast::Modality::must_not ? "must_not"
                      : n.modality == ast::Modality::may ? "may" : "none";
    line(fmt::format("  {} {}", mod, n.body ? expr(n.body.get()) : "-"));
    line(fmt::format("  duplicates {}", n.duplicate_clauses.size()));
  }

  void define(const ast::Define& d, const char* indent) {
    std::string s = fmt::format("{}define {}", indent, d.decision.text);
    if (d.has_args) {
      s += "(";
      for (std::size_t k = 0; k < d.patterns.size(); ++k) s += (k ? ", " : "") + d.patterns[k].text;
      s += ")";
    }
    s += " = " + expr(d.value.get());
    if (d.when) s += " when " + expr(d.when.get());
    line(s);
  }

  void rule(const ast::Rule& r) {
    line(fmt::format("{} {} {}", r.measure ? "measure" : "rule", r.id.text, quoted(r.title)));
    if (r.source) line("  source " + r.source->instrument.text + " " + quoted(r.source->article));
    if (r.cites) line("  cites " + quoted(*r.cites));
    opt("level", r.level);
    date("effective", r.effective);
    date("valid_from", r.valid_from);
    date("valid_until", r.valid_until);
    for (const auto& d : r.defines) define(d, "  ");
    for (const auto& i : r.invokes) line("  invoke " + i.text);
    for (const auto& o : r.options) {
      line("  option " + o.name.text + " " + quoted(o.title));
      for (const auto& c : o.choices) {
        line("    choice " + c.name.text + " " + quoted(c.title));
        for (const auto& d : c.defines) define(d, "      ");
        for (const auto& i : c.invokes) line("      invoke " + i.text);
        for (const auto& s : c.scores) line("      score " + s.name.text + " " + s.value);
      }
    }
    for (const auto& s : r.scores) line("  score " + s.name.text + " " + s.value);
    for (const auto& a : r.adjusts) line("  adjust " + a.capacity.text + " " + a.value + (a.from ? " from " + a.from->text : ""));
    for (const auto& w : r.wait_changes) line("  wait_within " + w.stock.text + " " + w.months.value + (w.from ? " from " + w.from->text : ""));
    for (const auto& w : r.workloads) line("  workload " + w.organisation.text + " " + w.amount.value);
    if (r.due_by) line("  due_by " + r.due_by->text);
    line(fmt::format("  duplicates {}", r.duplicate_clauses.size()));
  }
};

// Writes TEXT over PATH through a temporary file in the same directory, so
// that a reader never sees half a file; keeps the file's mode.
bool replace_file(const std::string& path, const std::string& text, std::string& error) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".fmt-XXXXXX")).string();
  struct stat st {};
  const bool have_mode = ::stat(path.c_str(), &st) == 0;
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  bool ok = true;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  if (ok && have_mode && ::fchmod(fd, st.st_mode & 07777) != 0) ok = false;
  if (ok && ::fsync(fd) != 0) ok = false;
  if (!ok) error = std::strerror(errno);
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = std::strerror(errno);
  }
  if (ok && std::rename(tmpl.c_str(), path.c_str()) != 0) {
    ok = false;
    error = std::strerror(errno);
  }
  if (!ok) ::unlink(tmpl.c_str());
  return ok;
}

}  // namespace

std::string ast_dump(const ast::File& file) {
  Dumper d;
  d.file(file);
  return d.out;
}

std::vector<std::string> comment_texts(const std::string& text) {
  std::vector<std::string> out;
  try {
    antlr4::ANTLRInputStream input(text);
    NormLexer lexer(&input);
    lexer.removeErrorListeners();
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();
    const auto cps = code_point_offsets(text);
    const auto at = [&](std::size_t i) { return cps[std::min(i, cps.size() - 1)]; };
    for (Token* t : tokens.getTokens()) {
      if (!is_comment(t)) continue;
      const auto b = at(t->getStartIndex()), e = at(t->getStopIndex() + 1);
      out.push_back(normalize_comment(std::string_view(text).substr(b, e - b)));
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

FormatResult format_source(const SourceManager& sm, FileId file, Diagnostics& diags, const ParseOptions& options) {
  FormatResult r;
  auto before = parse_file(sm, file, diags, options);
  if (!before) {
    r.status = FormatResult::Status::input_error;
    return r;
  }
  const std::string& src = sm.file(file).text;
  std::string text;
  {
    Parsed p(src);
    auto* tree = p.parser.file();
    if (p.parser.getNumberOfSyntaxErrors() > 0) {
      r.status = FormatResult::Status::internal_error;
      r.message = "the parse tree for the layout differs from the checked parse";
      return r;
    }
    text = Printer(src, p.tokens, tree).print();
  }

  // The self-check: the same AST and the same comments, in the same order.
  SourceManager check_sm;
  Diagnostics check_diags;
  const FileId id = check_sm.add(sm.file(file).path, "<formatted>/" + sm.file(file).path, text);
  ParseOptions relaxed = options;
  relaxed.max_file_bytes = std::max(options.max_file_bytes, text.size());
  auto after = parse_file(check_sm, id, check_diags, relaxed);
  r.status = FormatResult::Status::internal_error;
  if (!after) {
    const auto& d = check_diags.items();
    const std::string why = d.empty() ? "" : fmt::format(" ({} at {}:{})", d.front().message,
                                                          check_sm.start(d.front().span).line,
                                                          check_sm.start(d.front().span).column);
    r.message = "the formatted text does not parse" + why;
  } else if (ast_dump(*before) != ast_dump(*after)) {
    r.message = "the formatted text parses to a different syntax tree";
  } else if (comment_texts(src) != comment_texts(text)) {
    r.message = "the formatted text does not hold the same comments";
  } else {
    r.status = FormatResult::Status::ok;
    r.text = std::move(text);
  }
  return r;
}

std::vector<FormatFileOutcome> format_paths(SourceManager& sm, const std::vector<std::string>& paths, bool write,
                                            Diagnostics& diags) {
  namespace fs = std::filesystem;
  const ParseOptions options;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (auto& f : find_norm_files(p, diags)) files.push_back(std::move(f));
    } else {
      files.push_back(p);
    }
  }
  std::vector<FormatFileOutcome> out;
  std::set<std::string> seen;
  for (const auto& path : files) {
    FormatFileOutcome o;
    o.path = path;
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    if (!seen.insert(ec ? path : canonical.string()).second) continue;  // named twice
    const auto id = read_source(sm, path, diags, options.max_file_bytes);
    if (!id) {
      o.status = FormatFileOutcome::Status::input_error;
      out.push_back(std::move(o));
      continue;
    }
    o.path = sm.file(*id).path;
    const FormatResult r = format_source(sm, *id, diags, options);
    if (r.status == FormatResult::Status::input_error) {
      o.status = FormatFileOutcome::Status::input_error;
    } else if (r.status == FormatResult::Status::internal_error) {
      o.status = FormatFileOutcome::Status::internal_error;
      o.message = r.message;
    } else if (r.text == sm.file(*id).text) {
      o.status = FormatFileOutcome::Status::unchanged;
    } else {
      o.status = FormatFileOutcome::Status::changed;
      std::string error;
      // through a symbolic link, the file it points to is rewritten and the link stays
      const std::string target = !ec && fs::is_symlink(path, ec) ? canonical.string() : path;
      if (write && !replace_file(target, r.text, error)) {
        Diagnostic d{"E0506", Severity::error, fmt::format("cannot write `{}`: {}", o.path, error), {}, o.path, {}, {}, {}};
        diags.add(std::move(d));
        o.status = FormatFileOutcome::Status::input_error;
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace normcheck
