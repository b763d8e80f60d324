#include "normcheck/parse.h"

#include <antlr4-runtime.h>

#include <fmt/format.h>

#include "NormLexer.h"
#include "NormParser.h"

namespace normcheck {
namespace {

using normgen::NormLexer;
using normgen::NormParser;

// ---- byte-level checks before the lexer sees anything ----

// Returns the offset of the first invalid UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return i;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const bool overlong = (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string::npos;
}

// Maps ANTLR's code-point indices back to byte offsets.
std::vector<std::uint32_t> code_point_offsets(std::string_view s) {
  std::vector<std::uint32_t> out;
  out.reserve(s.size() + 1);
  for (std::uint32_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(static_cast<std::uint32_t>(s.size()));
  return out;
}

std::string describe_token_type(const antlr4::dfa::Vocabulary& vocab, std::size_t type) {
  if (type == antlr4::Token::EOF) return "end of file";
  const std::string sym = vocab.getSymbolicName(type);
  if (sym == "IDENT") return "a name";
  if (sym == "STRING") return "a quoted string";
  if (sym == "DATE") return "a date (YYYY-MM-DD)";
  if (sym == "NUMBER") return "a number";
  if (sym == "MONTH") return "a month (YYYY-MM)";
  std::string lit = vocab.getLiteralName(type);
  if (lit.size() >= 2 && lit.front() == '\'') lit = lit.substr(1, lit.size() - 2);
  if (!lit.empty()) return "`" + lit + "`";
  return sym;
}

std::string describe_found(const antlr4::Token* t) {
  if (!t || t->getType() == antlr4::Token::EOF) return "end of file";
  std::string text = t->getText();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return "`" + text + "`";
}

class CollectingListener : public antlr4::BaseErrorListener {
 public:
  CollectingListener(FileId file, const std::vector<std::uint32_t>& cps, Diagnostics& diags)
      : file_(file), cps_(cps), diags_(diags) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t /*line*/, size_t /*col*/,
                   const std::string& msg, std::exception_ptr /*e*/) override {
    ++count_;
    if (count_ > 50) return;  // one broken file must not drown the rest
    if (count_ == 50) {
      diags_.error("E0100", span_at(offending, recognizer), "too many syntax errors in this file; stopping here");
      return;
    }
    if (auto* lexer = dynamic_cast<antlr4::Lexer*>(recognizer)) {
      const std::size_t start = lexer->tokenStartCharIndex;
      Span sp = span_cp(start, start + 1);
      auto* input = lexer->getInputStream();
      std::string ch;
      if (start < input->size()) ch = input->getText(antlr4::misc::Interval(start, start));
      if (ch == "\"") {
        diags_.error("E0002", sp, "unterminated string").help = "a string ends with `\"` on the same line";
      } else {
        diags_.error("E0001", sp, fmt::format("unexpected character `{}`", ch));
      }
      return;
    }
    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    const Span sp = span_at(offending, recognizer);
    std::string expected;
    if (parser) {
      try {
        auto set = parser->getExpectedTokens();
        std::vector<std::string> names;
        for (auto t : set.toList()) names.push_back(describe_token_type(parser->getVocabulary(), static_cast<std::size_t>(t)));
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        if (names.size() == 1) expected = names[0];
        else if (!names.empty() && names.size() <= 6) expected = "one of " + fmt::format("{}", fmt::join(names, ", "));
      } catch (...) {
        expected.clear();
      }
    }
    const std::string found = describe_found(offending);
    std::string message;
    if (msg.rfind("missing ", 0) == 0 && !expected.empty()) {
      message = fmt::format("missing {} before {}", expected, found);
    } else if (!expected.empty()) {
      message = fmt::format("expected {}, found {}", expected, found);
    } else {
      message = fmt::format("unexpected {}", found);
    }
    auto& d = diags_.error("E0003", sp, message);
    if (offending && offending->getType() == antlr4::Token::EOF) d.help = "is a closing `}` or `)` missing?";
    if (offending && is_keyword(offending->getType()) && expected.find("a name") != std::string::npos) {
      d.help = fmt::format("`{}` is a reserved word and cannot be used as a name", offending->getText());
    }
  }

  std::size_t count() const { return count_; }

 private:
  static bool is_keyword(std::size_t type) { return type >= NormParser::IMPORT && type <= NormParser::INFEASIBLE; }

  Span span_cp(std::size_t b, std::size_t e) const {
    const auto clamp = [&](std::size_t i) { return cps_[std::min(i, cps_.size() - 1)]; };
    return Span{file_, clamp(b), std::max(clamp(e), clamp(b))};
  }
  Span span_at(antlr4::Token* t, antlr4::Recognizer* /*r*/) const {
    if (!t) return span_cp(0, 0);
    if (t->getType() == antlr4::Token::EOF) return span_cp(t->getStartIndex(), t->getStartIndex());
    return span_cp(t->getStartIndex(), t->getStopIndex() + 1);
  }

  FileId file_;
  const std::vector<std::uint32_t>& cps_;
  Diagnostics& diags_;
  std::size_t count_ = 0;
};

// ---- parse tree -> AST ----

class Transformer {
 public:
  Transformer(FileId file, const std::vector<std::uint32_t>& cps, Diagnostics& diags, std::size_t max_depth)
      : file_(file), cps_(cps), diags_(diags), max_depth_(max_depth) {}

  ast::File file(NormParser::FileContext* ctx) {
    ast::File f;
    f.file = file_;
    for (auto* item : ctx->item()) {
      if (auto* c = item->importDecl()) f.imports.push_back({unquote(c->STRING()), span(c)});
      else if (auto* c = item->hierarchyDecl()) f.hierarchies.push_back(hierarchy(c));
      else if (auto* c = item->unitDecl()) f.units.push_back({name(c->ident())});
      else if (auto* c = item->instrumentDecl()) f.instruments.push_back(instrument(c));
      else if (auto* c = item->enumDecl()) f.enums.push_back(enum_decl(c));
      else if (auto* c = item->caseDecl()) f.cases.push_back(case_decl(c));
      else if (auto* c = item->decisionDecl()) f.decisions.push_back(decision(c));
      else if (auto* c = item->paramDecl()) f.decisions.push_back(symbol(ast::SymbolKind::param, c->ident(), c->typeRef(), span(c)));
      else if (auto* c = item->factDecl()) f.decisions.push_back(symbol(ast::SymbolKind::fact, c->ident(), c->typeRef(), span(c)));
      else if (auto* c = item->scenarioDecl()) f.scenarios.push_back(scenario(c));
      else if (auto* c = item->normDecl()) f.norms.push_back(norm(false, c->qname(), c->STRING(), c->normClause(), span(c)));
      else if (auto* c = item->derogationDecl()) f.norms.push_back(norm(true, c->qname(), c->STRING(), c->normClause(), span(c)));
      else if (auto* c = item->ruleDecl()) f.rules.push_back(rule(false, c->qname(), c->STRING(), c->ruleClause(), span(c)));
      else if (auto* c = item->measureDecl()) f.rules.push_back(rule(true, c->qname(), c->STRING(), c->ruleClause(), span(c)));
      else if (auto* c = item->expectDecl()) f.expects.push_back(expect(c));
      else if (auto* c = item->horizonDecl()) f.horizons.push_back({month(c->MONTH(0)), month(c->MONTH(1)), span(c)});
      else if (auto* c = item->organisationDecl()) f.organisations.push_back(organisation(c));
      else if (auto* c = item->stockDecl()) f.stocks.push_back(stock(c));
    }
    return f;
  }

 private:
  Span span(antlr4::ParserRuleContext* c) const {
    const auto b = c->getStart()->getStartIndex();
    auto* stop = c->getStop();
    const std::size_t e = (stop && stop->getStopIndex() != static_cast<std::size_t>(-1) && stop->getStopIndex() + 1 >= b)
                              ? stop->getStopIndex() + 1 : b;
    return span_cp(b, e);
  }
  Span span(antlr4::tree::TerminalNode* t) const {
    auto* tok = t->getSymbol();
    return span_cp(tok->getStartIndex(), tok->getStopIndex() + 1);
  }
  Span span_cp(std::size_t b, std::size_t e) const {
    const auto clamp = [&](std::size_t i) { return cps_[std::min(i, cps_.size() - 1)]; };
    return Span{file_, clamp(b), std::max(clamp(e), clamp(b))};
  }

  ast::Name name(NormParser::IdentContext* c) const { return {c->getText(), span(c)}; }
  ast::Name qname(NormParser::QnameContext* c) const {
    std::string text;
    for (auto* id : c->ident()) {
      if (!text.empty()) text += '.';
      text += id->getText();
    }
    return {text, span(c)};
  }
  ast::DateLit date(antlr4::tree::TerminalNode* t) const { return {t->getText(), span(t)}; }
  ast::MonthLit month(antlr4::tree::TerminalNode* t) const { return {t->getText(), span(t)}; }
  ast::Figure figure(antlr4::tree::TerminalNode* t) const { return {t->getText(), span(t)}; }

  ast::Organisation organisation(NormParser::OrganisationDeclContext* c) {
    ast::Organisation o;
    o.name = name(c->ident());
    if (c->STRING()) o.title = unquote(c->STRING());
    o.span = span(c);
    bool seen_source = false, seen_absorbs = false;
    for (auto* cl : c->orgClause()) {
      if (auto* x = dynamic_cast<NormParser::OrgSourceContext*>(cl)) {
        once(o.duplicate_clauses, seen_source, span(cl));
        o.source = unquote(x->STRING());
      } else if (auto* x = dynamic_cast<NormParser::OrgCapacityContext*>(cl)) {
        o.capacities.push_back({name(x->ident()), figure(x->NUMBER()), span(cl)});
      } else if (auto* x = dynamic_cast<NormParser::OrgAbsorbsContext*>(cl)) {
        once(o.duplicate_clauses, seen_absorbs, span(cl));
        o.absorbs = figure(x->NUMBER());
      }
    }
    return o;
  }

  ast::Stock stock(NormParser::StockDeclContext* c) {
    ast::Stock s;
    s.name = name(c->ident());
    if (c->STRING()) s.title = unquote(c->STRING());
    s.span = span(c);
    bool seen[5] = {false, false, false, false, false};
    for (auto* cl : c->stockClause()) {
      if (auto* x = dynamic_cast<NormParser::StockInitialContext*>(cl)) {
        once(s.duplicate_clauses, seen[0], span(cl));
        s.initial = figure(x->NUMBER());
      } else if (auto* x = dynamic_cast<NormParser::StockInflowContext*>(cl)) {
        once(s.duplicate_clauses, seen[1], span(cl));
        s.inflow = name(x->ident());
      } else if (auto* x = dynamic_cast<NormParser::StockServedContext*>(cl)) {
        once(s.duplicate_clauses, seen[2], span(cl));
        s.served_by = qname(x->qname());
      } else if (auto* x = dynamic_cast<NormParser::StockMaxWaitContext*>(cl)) {
        once(s.duplicate_clauses, seen[3], span(cl));
        s.wait_within = figure(x->NUMBER());
      } else if (auto* x = dynamic_cast<NormParser::StockMaxLevelContext*>(cl)) {
        once(s.duplicate_clauses, seen[4], span(cl));
        s.level_within = qname(x->qname());
      }
    }
    return s;
  }

  std::string unquote(antlr4::tree::TerminalNode* t) {
    const std::string raw = t->getText();
    // control characters would reach the terminal unescaped in every report
    for (unsigned char ch : raw) {
      if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
        diags_.error("E0007", span(t), "a string may not contain control characters")
            .help = "remove the invisible character (escape sequences such as \\n are allowed)";
        break;
      }
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 2 < raw.size()) {
        const char n = raw[++i];
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      } else {
        out += raw[i];
      }
    }
    return out;
  }

  void once(std::vector<Span>& dups, bool& seen, Span s) {
    if (seen) dups.push_back(s);
    seen = true;
  }

  ast::Hierarchy hierarchy(NormParser::HierarchyDeclContext* c) {
    ast::Hierarchy h;
    h.span = span(c);
    for (auto* g : c->levelGroup()) {
      std::vector<ast::Name> names;
      for (auto* id : g->ident()) names.push_back(name(id));
      h.groups.push_back(std::move(names));
    }
    return h;
  }

  ast::Instrument instrument(NormParser::InstrumentDeclContext* c) {
    ast::Instrument in;
    in.id = qname(c->qname());
    in.title = unquote(c->STRING());
    in.span = span(c);
    for (auto* f : c->instrumentField()) {
      auto dup = [&](bool present) {
        if (present) diags_.error("E0004", span(f), "this field is already given for this instrument");
      };
      if (auto* x = dynamic_cast<NormParser::InstLevelContext*>(f)) { dup(in.level.has_value()); in.level = name(x->ident()); }
      else if (auto* x = dynamic_cast<NormParser::InstAdoptedContext*>(f)) { dup(in.adopted.has_value()); in.adopted = date(x->DATE()); }
      else if (auto* x = dynamic_cast<NormParser::InstInForceContext*>(f)) { dup(in.in_force.has_value()); in.in_force = date(x->DATE()); }
      else if (auto* x = dynamic_cast<NormParser::InstAppliesFromContext*>(f)) { dup(in.applies_from.has_value()); in.applies_from = date(x->DATE()); }
      else if (auto* x = dynamic_cast<NormParser::InstRepealedContext*>(f)) { dup(in.repealed.has_value()); in.repealed = date(x->DATE()); }
      else if (auto* x = dynamic_cast<NormParser::InstUrlContext*>(f)) { dup(in.url.has_value()); in.url = unquote(x->STRING()); }
    }
    return in;
  }

  ast::Enum enum_decl(NormParser::EnumDeclContext* c) {
    ast::Enum e;
    auto ids = c->ident();
    e.name = name(ids[0]);
    for (std::size_t i = 1; i < ids.size(); ++i) e.values.push_back(name(ids[i]));
    e.span = span(c);
    return e;
  }

  ast::TypeRef type(NormParser::TypeRefContext* c) {
    ast::TypeRef t;
    t.span = span(c);
    if (dynamic_cast<NormParser::BoolTypeContext*>(c)) t.kind = ast::TypeRef::boolean;
    else if (auto* x = dynamic_cast<NormParser::IntTypeContext*>(c)) {
      t.kind = ast::TypeRef::integer;
      if (x->ident()) t.name = name(x->ident());
    } else if (auto* x = dynamic_cast<NormParser::DecimalTypeContext*>(c)) {
      t.kind = ast::TypeRef::decimal;
      if (x->ident()) t.name = name(x->ident());
    } else if (dynamic_cast<NormParser::DateTypeContext*>(c)) t.kind = ast::TypeRef::date;
    else if (auto* x = dynamic_cast<NormParser::NamedTypeContext*>(c)) {
      t.kind = ast::TypeRef::named;
      t.name = name(x->ident());
    }
    return t;
  }

  ast::Case case_decl(NormParser::CaseDeclContext* c) {
    ast::Case k;
    k.name = name(c->ident());
    k.span = span(c);
    for (auto* m : c->caseMember()) {
      if (auto* f = dynamic_cast<NormParser::CaseFieldContext*>(m)) k.fields.push_back({name(f->ident()), type(f->typeRef())});
      else if (auto* a = dynamic_cast<NormParser::CaseAssumeContext*>(m)) k.assumes.push_back(expr(a->expr()));
    }
    return k;
  }

  std::vector<ast::Binder> binders(NormParser::BinderListContext* c) {
    std::vector<ast::Binder> out;
    if (!c) return out;
    for (auto* b : c->binder()) out.push_back({name(b->ident(0)), name(b->ident(1))});
    return out;
  }

  ast::Decision decision(NormParser::DecisionDeclContext* c) {
    ast::Decision d = symbol(ast::SymbolKind::decision, c->ident(), c->typeRef(), span(c));
    d.params = binders(c->binderList());
    return d;
  }

  ast::Decision symbol(ast::SymbolKind kind, NormParser::IdentContext* id, NormParser::TypeRefContext* t, Span s) {
    ast::Decision d;
    d.kind = kind;
    d.name = name(id);
    d.result = type(t);
    d.span = s;
    return d;
  }

  ast::Scenario scenario(NormParser::ScenarioDeclContext* c) {
    ast::Scenario s;
    s.name = name(c->ident());
    if (c->STRING()) s.title = unquote(c->STRING());
    s.span = span(c);
    for (auto* cl : c->scenarioClause()) {
      if (auto* x = dynamic_cast<NormParser::ScenarioSourceContext*>(cl)) s.source = unquote(x->STRING());
      else if (auto* x = dynamic_cast<NormParser::ScenarioAssumeContext*>(cl)) s.assumes.push_back(expr(x->expr()));
      else if (auto* x = dynamic_cast<NormParser::ScenarioSeriesContext*>(cl)) {
        ast::Series se;
        se.name = qname(x->qname());
        se.span = span(cl);
        for (auto* p : x->seriesPoint()) {
          ast::SeriesPoint pt;
          pt.value = p->NUMBER()->getText();
          if (p->MONTH()) pt.from = month(p->MONTH());
          pt.span = span(p);
          se.points.push_back(std::move(pt));
        }
        s.series.push_back(std::move(se));
      }
    }
    return s;
  }

  ast::Norm norm(bool derogation, NormParser::QnameContext* id, antlr4::tree::TerminalNode* title,
                 const std::vector<NormParser::NormClauseContext*>& clauses, Span s) {
    ast::Norm n;
    n.derogation = derogation;
    n.id = qname(id);
    n.title = unquote(title);
    n.span = s;
    bool seen_source = false, seen_valid = false, seen_for = false, seen_relaxes = false, seen_body = false;
    for (auto* cl : clauses) {
      if (auto* x = dynamic_cast<NormParser::ClauseSourceContext*>(cl)) {
        once(n.duplicate_clauses, seen_source, span(cl));
        n.source = ast::SourceRef{qname(x->qname()), unquote(x->STRING()), span(cl)};
      } else if (auto* x = dynamic_cast<NormParser::ClauseValidContext*>(cl)) {
        once(n.duplicate_clauses, seen_valid, span(cl));
        valid(x->FROM(), x->UNTIL(), x->DATE(), n.valid_from, n.valid_until);
      } else if (auto* x = dynamic_cast<NormParser::ClauseForContext*>(cl)) {
        once(n.duplicate_clauses, seen_for, span(cl));
        n.binders = binders(x->binderList());
      } else if (auto* x = dynamic_cast<NormParser::ClauseWhenContext*>(cl)) {
        n.whens.push_back(expr(x->expr()));
      } else if (auto* x = dynamic_cast<NormParser::ClauseUnlessContext*>(cl)) {
        n.unlesses.push_back(expr(x->expr()));
      } else if (auto* x = dynamic_cast<NormParser::ClauseRelaxesContext*>(cl)) {
        once(n.duplicate_clauses, seen_relaxes, span(cl));
        n.relaxes = qname(x->qname());
      } else if (auto* x = dynamic_cast<NormParser::ClauseMustNotContext*>(cl)) {
        once(n.duplicate_clauses, seen_body, span(cl));
        n.modality = ast::Modality::must_not;
        n.body = expr(x->expr());
        n.body_span = span(cl);
      } else if (auto* x = dynamic_cast<NormParser::ClauseMustContext*>(cl)) {
        once(n.duplicate_clauses, seen_body, span(cl));
        n.modality = ast::Modality::must;
        n.body = expr(x->expr());
        n.body_span = span(cl);
      } else if (auto* x = dynamic_cast<NormParser::ClauseMayContext*>(cl)) {
        once(n.duplicate_clauses, seen_body, span(cl));
        n.modality = ast::Modality::may;
        n.body = expr(x->expr());
        n.body_span = span(cl);
      }
    }
    return n;
  }

  void valid(antlr4::tree::TerminalNode* from, antlr4::tree::TerminalNode* until,
             const std::vector<antlr4::tree::TerminalNode*>& dates, std::optional<ast::DateLit>& vf,
             std::optional<ast::DateLit>& vu) {
    std::size_t i = 0;
    if (from && i < dates.size()) vf = date(dates[i++]);
    if (until && i < dates.size()) vu = date(dates[i++]);
  }

  ast::Rule rule(bool measure, NormParser::QnameContext* id, antlr4::tree::TerminalNode* title,
                 const std::vector<NormParser::RuleClauseContext*>& clauses, Span s) {
    ast::Rule r;
    r.measure = measure;
    if (id) r.id = qname(id);
    if (title) r.title = unquote(title);
    r.span = s;
    bool seen_source = false, seen_cites = false, seen_level = false, seen_eff = false, seen_valid = false;
    for (auto* cl : clauses) {
      if (auto* x = dynamic_cast<NormParser::RuleSourceContext*>(cl)) {
        once(r.duplicate_clauses, seen_source, span(cl));
        r.source = ast::SourceRef{qname(x->qname()), unquote(x->STRING()), span(cl)};
      } else if (auto* x = dynamic_cast<NormParser::RuleCitesContext*>(cl)) {
        once(r.duplicate_clauses, seen_cites, span(cl));
        r.cites = unquote(x->STRING());
      } else if (auto* x = dynamic_cast<NormParser::RuleLevelContext*>(cl)) {
        once(r.duplicate_clauses, seen_level, span(cl));
        r.level = name(x->ident());
      } else if (auto* x = dynamic_cast<NormParser::RuleEffectiveContext*>(cl)) {
        once(r.duplicate_clauses, seen_eff, span(cl));
        r.effective = date(x->DATE());
      } else if (auto* x = dynamic_cast<NormParser::RuleValidContext*>(cl)) {
        once(r.duplicate_clauses, seen_valid, span(cl));
        valid(x->FROM(), x->UNTIL(), x->DATE(), r.valid_from, r.valid_until);
      } else if (auto* x = dynamic_cast<NormParser::RuleDefineContext*>(cl)) {
        ast::Define d;
        d.decision = name(x->ident());
        d.span = span(cl);
        d.has_args = !x->pattern().empty();
        for (auto* p : x->pattern()) d.patterns.push_back({p->getText(), span(p)});
        auto es = x->expr();
        if (!es.empty()) d.value = expr(es[0]);
        if (es.size() > 1) d.when = expr(es[1]);
        r.defines.push_back(std::move(d));
      } else if (auto* x = dynamic_cast<NormParser::RuleInvokeContext*>(cl)) {
        r.invokes.push_back(qname(x->qname()));
      } else if (auto* x = dynamic_cast<NormParser::RuleScoreContext*>(cl)) {
        std::string v = x->NUMBER() ? x->NUMBER()->getText() : "0";
        if (x->neg) v = "-" + v;
        r.scores.push_back({name(x->ident()), std::move(v), span(cl)});
      } else if (auto* x = dynamic_cast<NormParser::RuleAdjustContext*>(cl)) {
        std::string v = x->NUMBER()->getText();
        if (x->neg) v = "-" + v;
        ast::Adjust a{qname(x->qname()), std::move(v), std::nullopt, span(cl)};
        if (x->MONTH()) a.from = month(x->MONTH());
        r.adjusts.push_back(std::move(a));
      } else if (auto* x = dynamic_cast<NormParser::RuleMaxWaitContext*>(cl)) {
        ast::WaitChange w{name(x->ident()), figure(x->NUMBER()), std::nullopt, span(cl)};
        if (x->MONTH()) w.from = month(x->MONTH());
        r.wait_changes.push_back(std::move(w));
      } else if (auto* x = dynamic_cast<NormParser::RuleWorkloadContext*>(cl)) {
        r.workloads.push_back({name(x->ident()), figure(x->NUMBER()), span(cl)});
      } else if (auto* x = dynamic_cast<NormParser::RuleDueByContext*>(cl)) {
        bool seen_due = r.due_by.has_value();
        once(r.duplicate_clauses, seen_due, span(cl));
        r.due_by = month(x->MONTH());
      } else if (auto* x = dynamic_cast<NormParser::RuleOptionContext*>(cl)) {
        ast::Option o;
        o.name = name(x->ident());
        if (x->STRING()) o.title = unquote(x->STRING());
        o.span = span(cl);
        for (auto* ch : x->choice()) {
          ast::Choice c;
          c.name = name(ch->ident());
          if (ch->STRING()) c.title = unquote(ch->STRING());
          c.span = span(ch);
          // a choice holds definitions and invocations only: parse them as a rule's
          ast::Rule inner = rule(true, nullptr, nullptr, ch->ruleClause(), c.span);
          for (auto& d : inner.defines) c.defines.push_back(std::move(d));
          for (auto& i : inner.invokes) c.invokes.push_back(std::move(i));
          for (auto& sc : inner.scores) c.scores.push_back(std::move(sc));
          for (auto* icl : ch->ruleClause())
            if (!dynamic_cast<NormParser::RuleDefineContext*>(icl) && !dynamic_cast<NormParser::RuleInvokeContext*>(icl) &&
                !dynamic_cast<NormParser::RuleScoreContext*>(icl))
              diags_.error("E0409", span(icl), "a choice may only `define`, `invoke` and `score`");
          o.choices.push_back(std::move(c));
        }
        if (!measure) diags_.error("E0409", o.span, "only a measure can have options");
        else if (o.choices.empty()) diags_.error("E0409", o.span, fmt::format("option `{}` has no choice", o.name.text));
        r.options.push_back(std::move(o));
      }
    }
    return r;
  }

  ast::Expect expect(NormParser::ExpectDeclContext* c) {
    ast::Expect e;
    e.span = span(c);
    auto* subj = c->expectSubject();
    if (subj->CURRENT_LAW()) {
      e.current_law = true;
      e.subject = {"current_law", span(subj)};
    } else {
      e.subject = qname(subj->qname());
    }
    if (dynamic_cast<NormParser::ExpectNoConflictContext*>(c->expectation())) {
      e.compliant = false;
      e.no_conflict = true;
    }
    if (dynamic_cast<NormParser::ExpectFeasibleContext*>(c->expectation())) {
      e.compliant = false;
      e.feasibility = 1;
    }
    if (dynamic_cast<NormParser::ExpectInfeasibleContext*>(c->expectation())) {
      e.compliant = false;
      e.feasibility = -1;
    }
    if (auto* x = dynamic_cast<NormParser::ExpectConflictsContext*>(c->expectation())) {
      e.compliant = false;
      e.norm = qname(x->qname());
    }
    if (c->DATE()) e.at = date(c->DATE());
    if (c->ident()) e.scenario = name(c->ident());
    return e;
  }

  ast::ExprPtr make(ast::ExprKind k, Span s) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = k;
    e->span = s;
    return e;
  }

  ast::ExprPtr expr(NormParser::ExprContext* c) {
    if (!c) return make(ast::ExprKind::boolean, Span{file_, 0, 0});
    if (++depth_ > max_depth_) {
      --depth_;
      if (!depth_reported_) {
        depth_reported_ = true;
        diags_.error("E0005", span(c), fmt::format("expression nested more than {} levels deep", max_depth_))
            .help = "split the expression into smaller definitions";
      }
      return make(ast::ExprKind::boolean, span(c));
    }
    auto e = expr_inner(c);
    --depth_;
    return e;
  }

  ast::ExprPtr binary(ast::BinOp op, NormParser::ExprContext* c, NormParser::ExprContext* l, NormParser::ExprContext* r) {
    auto e = make(ast::ExprKind::binary, span(c));
    e->op = op;
    e->args.push_back(expr(l));
    e->args.push_back(expr(r));
    return e;
  }

  ast::ExprPtr expr_inner(NormParser::ExprContext* c) {
    using K = ast::ExprKind;
    if (auto* x = dynamic_cast<NormParser::ParenExprContext*>(c)) return expr(x->expr());
    if (auto* x = dynamic_cast<NormParser::CallExprContext*>(c)) {
      auto e = make(K::call, span(c));
      e->text = x->ident()->getText();
      e->name_span = span(x->ident());
      for (auto* a : x->expr()) e->args.push_back(expr(a));
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::FieldExprContext*>(c)) {
      auto e = make(K::field, span(c));
      e->text = x->ident()->getText();
      e->name_span = span(x->ident());
      e->args.push_back(expr(x->expr()));
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::NotExprContext*>(c)) {
      auto e = make(K::not_, span(c));
      e->args.push_back(expr(x->expr()));
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::NegExprContext*>(c)) {
      auto e = make(K::neg, span(c));
      e->args.push_back(expr(x->expr()));
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::MulExprContext*>(c))
      return binary(x->op->getText() == "*" ? ast::BinOp::mul : ast::BinOp::div, c, x->expr(0), x->expr(1));
    if (auto* x = dynamic_cast<NormParser::AddExprContext*>(c))
      return binary(x->op->getText() == "+" ? ast::BinOp::add : ast::BinOp::sub, c, x->expr(0), x->expr(1));
    if (auto* x = dynamic_cast<NormParser::CmpExprContext*>(c)) {
      const std::string op = x->op->getText();
      ast::BinOp b = op == "<" ? ast::BinOp::lt : op == "<=" ? ast::BinOp::le : op == ">" ? ast::BinOp::gt
                   : op == ">=" ? ast::BinOp::ge : op == "==" ? ast::BinOp::eq : ast::BinOp::ne;
      return binary(b, c, x->expr(0), x->expr(1));
    }
    if (auto* x = dynamic_cast<NormParser::InExprContext*>(c)) {
      auto e = make(K::in, span(c));
      for (auto* a : x->expr()) e->args.push_back(expr(a));
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::AndExprContext*>(c)) return binary(ast::BinOp::and_, c, x->expr(0), x->expr(1));
    if (auto* x = dynamic_cast<NormParser::OrExprContext*>(c)) return binary(ast::BinOp::or_, c, x->expr(0), x->expr(1));
    if (auto* x = dynamic_cast<NormParser::ImpliesExprContext*>(c)) return binary(ast::BinOp::implies, c, x->expr(0), x->expr(1));
    if (auto* x = dynamic_cast<NormParser::IteExprContext*>(c)) {
      auto e = make(K::ite, span(c));
      for (auto* a : x->expr()) e->args.push_back(expr(a));
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::NumberExprContext*>(c)) {
      auto e = make(K::number, span(c));
      e->text = x->NUMBER()->getText();
      if (x->ident()) e->unit = name(x->ident());
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::DateExprContext*>(c)) {
      auto e = make(K::date, span(c));
      e->text = x->DATE()->getText();
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::BoolExprContext*>(c)) {
      auto e = make(K::boolean, span(c));
      e->bool_value = x->TRUE() != nullptr;
      return e;
    }
    if (auto* x = dynamic_cast<NormParser::NameExprContext*>(c)) {
      auto e = make(K::name, span(c));
      e->text = x->ident()->getText();
      e->name_span = e->span;
      return e;
    }
    return make(K::boolean, span(c));
  }

  FileId file_;
  const std::vector<std::uint32_t>& cps_;
  Diagnostics& diags_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool depth_reported_ = false;
};

bool is_expression_token(std::size_t t) {
  switch (t) {
    case NormLexer::IDENT: case NormLexer::NUMBER: case NormLexer::DATE: case NormLexer::TRUE:
    case NormLexer::FALSE: case NormLexer::NOT: case NormLexer::AND: case NormLexer::OR:
    case NormLexer::IMPLIES: case NormLexer::IF: case NormLexer::THEN: case NormLexer::ELSE:
    case NormLexer::IN:
      return true;
    default:
      return t < NormLexer::IMPORT;  // the literal operator tokens come first in the vocabulary
  }
}

}  // namespace

std::optional<ast::File> parse_file(const SourceManager& sm, FileId file, Diagnostics& diags,
                                    const ParseOptions& options) {
  const SourceFile& src = sm.file(file);
  const std::string& text = src.text;
  if (text.size() > options.max_file_bytes) {
    auto& d = diags.error("E0101", Span{file, 0, 0},
                          fmt::format("file is {} bytes, more than the limit of {} bytes", text.size(), options.max_file_bytes));
    d.help = "split the file into several files joined by `import`";
    return std::nullopt;
  }
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    diags.error("E0102", Span{file, static_cast<std::uint32_t>(nul), static_cast<std::uint32_t>(nul + 1)},
                "file contains a NUL byte; is it a binary file?");
    return std::nullopt;
  }
  if (auto bad = first_invalid_utf8(text); bad != std::string::npos) {
    diags.error("E0103", Span{file, static_cast<std::uint32_t>(bad), static_cast<std::uint32_t>(bad + 1)},
                "file is not valid UTF-8")
        .help = "save the file as UTF-8";
    return std::nullopt;
  }

  const std::vector<std::uint32_t> cps = code_point_offsets(text);
  antlr4::ANTLRInputStream input(text);
  NormLexer lexer(&input);
  CollectingListener listener(file, cps, diags);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();

  bool any_token = false;
  for (auto* t : tokens.getTokens())
    if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL && t->getType() != antlr4::Token::EOF) any_token = true;
  if (!any_token && listener.count() == 0) {
    diags.error("E0104", Span{file, 0, 0}, "file contains no declarations")
        .help = "a rule file declares at least one instrument, norm, rule, measure or other item";
    return std::nullopt;
  }

  // Guard the recursive descent: nesting of brackets, prefix operators, `if`
  // and right-associative `implies` all recurse in the generated parser.
  std::size_t brackets = 0, chain = 0, prefix = 0;
  bool after_operand = false;  // a `-` after an operand is binary and does not nest
  for (auto* t : tokens.getTokens()) {
    const std::size_t type = t->getType();
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    const std::string text = t->getText();
    if (text == "(" || text == "{") ++brackets;
    else if ((text == ")" || text == "}") && brackets > 0) --brackets;
    // `not`, `!` and prefix `-` recurse once each until their operand; `if`
    // and the right-associative `implies` recurse for the rest of the expression.
    if (!is_expression_token(type)) {
      chain = 0;
      prefix = 0;
    } else if (type == NormLexer::NOT || text == "!" || (text == "-" && !after_operand)) {
      ++prefix;
    } else if (type == NormLexer::IF || type == NormLexer::IMPLIES || text == "=>") {
      ++chain;
    } else if (text != "(" && text != "{") {
      prefix = 0;
    }
    after_operand = type == NormLexer::IDENT || type == NormLexer::NUMBER || type == NormLexer::DATE ||
                    type == NormLexer::TRUE || type == NormLexer::FALSE || text == ")";
    if (brackets + chain + prefix > options.max_nesting) {
      diags.error("E0005", Span{file, cps[std::min<std::size_t>(t->getStartIndex(), cps.size() - 1)],
                                cps[std::min<std::size_t>(t->getStopIndex() + 1, cps.size() - 1)]},
                  fmt::format("nesting deeper than {} levels", options.max_nesting))
          .help = "split the expression into smaller definitions";
      return std::nullopt;
    }
  }
  // Two-stage parsing (the ANTLR documentation's recipe for speed): SLL
  // prediction with a strategy that gives up at the first syntax error; only
  // if that fails, the full LL parse with error recovery and the listener,
  // so that errors are reported exactly as before. On a valid file both
  // stages give the same tree; SLL avoids the costly full-context predictions.
  NormParser parser(&tokens);
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  NormParser::FileContext* tree = nullptr;
  try {
    tree = parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    tree = nullptr;
  }
  if (!tree) {
    tokens.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.addErrorListener(&listener);
    tree = parser.file();
  }
  if (listener.count() > 0) return std::nullopt;

  const std::size_t before = diags.error_count();
  Transformer tr(file, cps, diags, options.max_expr_depth);
  ast::File out = tr.file(tree);
  if (diags.error_count() > before) return std::nullopt;
  return out;
}

}  // namespace normcheck
