#include "lsp_index.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "normcheck/ir.h"
#include "normcheck/load.h"

namespace normcheck::lsp {

namespace fs = std::filesystem;

namespace {

std::string code_block(const std::string& s) { return "```normcheck\n" + s + "\n```"; }

std::string type_text(const ast::TypeRef& t) {
  const std::string unit = t.name ? " " + t.name->text : "";
  switch (t.kind) {
    case ast::TypeRef::boolean: return "bool";
    case ast::TypeRef::integer: return "int" + unit;
    case ast::TypeRef::decimal: return "decimal" + unit;
    case ast::TypeRef::date: return "date";
    case ast::TypeRef::named: return t.name ? t.name->text : "?";
  }
  return "?";
}

std::string binders_text(const std::vector<ast::Binder>& bs) {
  std::vector<std::string> parts;
  for (const auto& b : bs) parts.push_back(b.var.text + ": " + b.type.text);
  return fmt::format("{}", fmt::join(parts, ", "));
}

const char* symbol_word(ast::SymbolKind k) {
  switch (k) {
    case ast::SymbolKind::decision: return "decision";
    case ast::SymbolKind::param: return "param";
    case ast::SymbolKind::fact: return "fact";
  }
  return "decision";
}

std::string signature(const ast::Decision& d) {
  std::string s = std::string(symbol_word(d.kind)) + " " + d.name.text;
  if (!d.params.empty()) s += "(" + binders_text(d.params) + ")";
  return s + ": " + type_text(d.result);
}

// When a norm or rule applies, as semantic analysis computes it: the
// instrument's period (from `applies_from`, else `in_force`, until `repealed`)
// narrowed by `valid from ... until ...`. Invalid dates are left out.
struct Period {
  std::optional<ir::Day> from, until;  // until: the first day it no longer applies
};

std::optional<ir::Day> day(const std::optional<ast::DateLit>& d) { return d ? ir::parse_date(d->text) : std::nullopt; }

Period instrument_period(const ast::Instrument* in) {
  if (!in) return {};
  return {in->applies_from ? day(in->applies_from) : day(in->in_force), day(in->repealed)};
}

Period narrow(Period p, const std::optional<ast::DateLit>& from, const std::optional<ast::DateLit>& until) {
  if (auto f = day(from); f && (!p.from || *f > *p.from)) p.from = f;
  if (auto u = day(until); u && (!p.until || *u < *p.until)) p.until = u;
  return p;
}

std::string applies_text(const Period& p) {
  if (p.from && p.until && *p.until <= *p.from) return "applies on no date (the period is empty)";
  if (p.from && p.until)
    return fmt::format("applies from {} through {}", ir::format_date(*p.from), ir::format_date(*p.until - 1));
  if (p.from) return fmt::format("applies from {}", ir::format_date(*p.from));
  if (p.until) return fmt::format("applies through {}", ir::format_date(*p.until - 1));
  return "applies at every date";
}

std::string one_line(std::string_view text, std::size_t max) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= max) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace

struct IndexBuilder {
  Index& ix;
  std::map<std::string, std::size_t> decls;  // the global namespace; the first declaration wins, as in sema
  std::map<std::string, const ast::Instrument*> instruments;
  std::map<std::string, const ast::Decision*> decisions;
  std::map<std::string, const ast::Case*> cases;
  std::map<std::string, std::map<std::string, std::size_t>> enum_values;  // enum -> value -> target
  std::map<std::string, std::vector<std::size_t>> bare_values;            // value -> targets in every enum
  std::map<std::string, std::map<std::string, std::size_t>> fields;       // case -> field -> target

  struct Local {
    std::string name;
    std::size_t target;
    std::string type;  // the type name as written
  };
  struct Scope {
    std::vector<Local> locals;
    const ast::Case* self = nullptr;  // inside a case: its fields are visible bare
  };

  std::size_t target(Span name, std::string hover) {
    ix.targets_.push_back({name, std::move(hover)});
    return ix.targets_.size() - 1;
  }
  void mark(Span s, std::size_t t) {
    if (s.valid()) ix.occurrences_[s.file].push_back({s, t});
  }
  void declare(const ast::Name& n, std::string hover) {
    const std::size_t t = target(n.span, std::move(hover));
    decls.emplace(n.text, t);
    mark(n.span, t);
  }
  void ref(const ast::Name& n) {
    if (auto it = decls.find(n.text); it != decls.end()) mark(n.span, it->second);
  }
  std::size_t local(const ast::Name& var, const std::string& type, Scope& scope) {
    const std::size_t t = target(var.span, code_block(var.text + ": " + type));
    mark(var.span, t);
    scope.locals.push_back({var.text, t, type});
    return t;
  }
  const Local* find_local(const Scope& scope, const std::string& name) const {
    for (const auto& l : scope.locals)
      if (l.name == name) return &l;
    return nullptr;
  }

  const ast::Instrument* instrument_of(const std::optional<ast::SourceRef>& s) const {
    if (!s) return nullptr;
    auto it = instruments.find(s->instrument.text);
    return it == instruments.end() ? nullptr : it->second;
  }

  std::string source_line(const std::optional<ast::SourceRef>& s) const {
    if (!s) return "";
    const ast::Instrument* in = instrument_of(s);
    std::string out = in ? fmt::format("{} (`{}`), {}", in->title, s->instrument.text, s->article)
                         : fmt::format("`{}`, {}", s->instrument.text, s->article);
    if (in && in->level) out += fmt::format(" · level `{}`", in->level->text);
    return out;
  }

  // ---------------- hover texts ----------------

  std::string instrument_hover(const ast::Instrument& in) const {
    std::string s = fmt::format("**instrument** `{}` — {}", in.id.text, in.title);
    std::vector<std::string> facts;
    if (in.level) facts.push_back(fmt::format("level `{}`", in.level->text));
    if (in.adopted) facts.push_back("adopted " + in.adopted->text);
    if (in.in_force) facts.push_back("in force " + in.in_force->text);
    if (in.applies_from) facts.push_back("applies from " + in.applies_from->text);
    if (in.repealed) facts.push_back("repealed " + in.repealed->text);
    if (!facts.empty()) s += fmt::format("\n\n{}", fmt::join(facts, " · "));
    s += "\n\n" + applies_text(instrument_period(&in));
    if (in.url) s += "\n\n" + *in.url;
    return s;
  }

  std::string norm_hover(const ast::Norm& n) const {
    std::string s = fmt::format("**{}** `{}` — {}", n.derogation ? "derogation" : "norm", n.id.text, n.title);
    if (n.source) s += "\n\n" + source_line(n.source);
    s += "\n\n" + applies_text(narrow(instrument_period(instrument_of(n.source)), n.valid_from, n.valid_until));
    if (!n.binders.empty()) s += fmt::format("\n\nfor every {}", binders_text(n.binders));
    if (n.relaxes) s += fmt::format("\n\nrelaxes `{}`", n.relaxes->text);
    return s;
  }

  std::string rule_hover(const ast::Rule& r) const {
    std::string s = fmt::format("**{}** `{}` — {}", r.measure ? "measure" : "rule", r.id.text, r.title);
    if (r.source) s += "\n\n" + source_line(r.source);
    Period p = instrument_period(instrument_of(r.source));
    if (r.measure) {
      std::vector<std::string> facts;
      if (r.level) facts.push_back(fmt::format("level `{}`", r.level->text));
      if (r.effective) facts.push_back("effective " + r.effective->text);
      if (!facts.empty()) s += fmt::format("\n\n{}", fmt::join(facts, " · "));
      p = Period{day(r.effective), std::nullopt};
    }
    s += "\n\n" + applies_text(narrow(p, r.valid_from, r.valid_until));
    if (r.cites) s += "\n\ncites " + *r.cites;
    if (!r.options.empty()) {
      std::vector<std::string> names;
      for (const auto& o : r.options) names.push_back("`" + o.name.text + "`");
      s += fmt::format("\n\noptions: {}", fmt::join(names, ", "));
    }
    return s;
  }

  std::string enum_text(const ast::Enum& e) const {
    std::vector<std::string> values;
    for (const auto& v : e.values) values.push_back(v.text);
    return fmt::format("enum {} {{ {} }}", e.name.text, fmt::join(values, ", "));
  }

  std::string case_text(const ast::Case& c) const {
    std::string s = "case " + c.name.text + " {";
    for (const auto& f : c.fields) s += "\n  " + f.name.text + ": " + type_text(f.type);
    return s + "\n}";
  }

  // ---------------- declarations ----------------

  void collect(const std::vector<ast::File>& files) {
    for (const auto& f : files) {
      for (const auto& x : f.instruments) instruments.emplace(x.id.text, &x);
      for (const auto& x : f.decisions) decisions.emplace(x.name.text, &x);
      for (const auto& x : f.cases) cases.emplace(x.name.text, &x);
    }
    for (const auto& f : files) {
      for (const auto& x : f.instruments) declare(x.id, instrument_hover(x));
      for (const auto& x : f.enums) {
        declare(x.name, code_block(enum_text(x)));
        for (const auto& v : x.values) {
          const std::size_t t = target(v.span, code_block(v.text + ": " + x.name.text) + fmt::format("\n\na value of enum `{}`", x.name.text));
          mark(v.span, t);
          if (enum_values[x.name.text].emplace(v.text, t).second) bare_values[v.text].push_back(t);
        }
      }
      for (const auto& x : f.cases) {
        declare(x.name, code_block(case_text(x)));
        for (const auto& fl : x.fields) {
          const std::size_t t = target(fl.name.span, code_block(fl.name.text + ": " + type_text(fl.type)) +
                                                          fmt::format("\n\na field of case `{}`", x.name.text));
          mark(fl.name.span, t);
          fields[x.name.text].emplace(fl.name.text, t);
        }
      }
      for (const auto& x : f.decisions) declare(x.name, code_block(signature(x)));
      for (const auto& x : f.norms) declare(x.id, norm_hover(x));
      for (const auto& x : f.rules) declare(x.id, rule_hover(x));
      for (const auto& x : f.scenarios) {
        std::string h = fmt::format("**scenario** `{}` — {}", x.name.text, x.title);
        if (x.source) h += "\n\nsource: " + *x.source;
        declare(x.name, h);
      }
      for (const auto& x : f.organisations) {
        std::string h = fmt::format("**organisation** `{}` — {}", x.name.text, x.title);
        for (const auto& c : x.capacities) h += fmt::format("\n\ncapacity `{}`: {} a month", c.name.text, c.value.value);
        if (x.source) h += "\n\nsource: " + *x.source;
        declare(x.name, h);
      }
      for (const auto& x : f.stocks) declare(x.name, fmt::format("**stock** `{}` — {}", x.name.text, x.title));
    }
  }

  // ---------------- references ----------------

  void type(const ast::TypeRef& t) {
    if (t.kind == ast::TypeRef::named && t.name) ref(*t.name);
  }

  // The case a name denotes, when it is a binder of a case type.
  const ast::Case* record_of(const ast::Expr& e, const Scope& scope) const {
    if (e.kind != ast::ExprKind::name) return nullptr;
    const Local* l = find_local(scope, e.text);
    if (!l) return nullptr;
    auto it = cases.find(l->type);
    return it == cases.end() ? nullptr : it->second;
  }

  void name(const std::string& text, Span span, const Scope& scope) {
    if (const Local* l = find_local(scope, text)) return mark(span, l->target);
    if (scope.self) {
      auto& fs = fields[scope.self->name.text];
      if (auto it = fs.find(text); it != fs.end()) return mark(span, it->second);
    }
    if (decisions.count(text)) return mark(span, decls.at(text));
    if (auto it = bare_values.find(text); it != bare_values.end() && it->second.size() == 1) mark(span, it->second[0]);
  }

  void expr(const ast::Expr& e, const Scope& scope) {
    switch (e.kind) {
      case ast::ExprKind::name: name(e.text, e.span, scope); return;
      case ast::ExprKind::call:
        if (auto it = decls.find(e.text); it != decls.end()) mark(e.name_span, it->second);
        break;
      case ast::ExprKind::field: {
        const ast::Expr& base = *e.args[0];
        // `Enum.value`, unless the base is a binder
        if (base.kind == ast::ExprKind::name && !find_local(scope, base.text) && enum_values.count(base.text)) {
          mark(base.span, decls.at(base.text));
          const auto& values = enum_values[base.text];
          if (auto it = values.find(e.text); it != values.end()) mark(e.name_span, it->second);
          return;
        }
        expr(base, scope);
        if (const ast::Case* c = record_of(base, scope)) {
          const auto& fs = fields[c->name.text];
          if (auto it = fs.find(e.text); it != fs.end()) mark(e.name_span, it->second);
        }
        return;
      }
      default: break;
    }
    for (const auto& a : e.args)
      if (a) expr(*a, scope);
  }

  void define(const ast::Define& d) {
    ref(d.decision);
    auto it = decisions.find(d.decision.text);
    const ast::Decision* dec = it == decisions.end() ? nullptr : it->second;
    Scope scope;
    for (std::size_t i = 0; i < d.patterns.size(); ++i) {
      const auto& p = d.patterns[i];
      if (p.text == "_") continue;
      const std::string ptype = dec && i < dec->params.size() ? dec->params[i].type.text : "";
      if (auto ev = enum_values.find(ptype); ev != enum_values.end()) {
        if (auto v = ev->second.find(p.text); v != ev->second.end()) {
          mark(p.span, v->second);
          continue;
        }
      }
      local(ast::Name{p.text, p.span}, ptype.empty() ? "?" : ptype, scope);
    }
    if (d.value) expr(*d.value, scope);
    if (d.when) expr(*d.when, scope);
  }

  // `import "x.norm"` leads to the start of the file it loaded.
  void imports(const ast::File& f) {
    const fs::path dir = fs::path(ix.sm_.file(f.file).path).parent_path();
    for (const auto& imp : f.imports) {
      const std::string canonical = canonical_path((dir / imp.path).string());
      for (const auto& sf : ix.sm_.files()) {
        if (sf.canonical != canonical) continue;
        mark(imp.span, target(Span{sf.id, 0, 0}, fmt::format("import of `{}`", sf.path)));
        break;
      }
    }
  }

  void references(const std::vector<ast::File>& files) {
    for (const auto& f : files) {
      imports(f);
      for (const auto& c : f.cases) {
        for (const auto& fl : c.fields) type(fl.type);
        Scope scope;
        scope.locals.push_back({c.name.text, decls.at(c.name.text), c.name.text});
        scope.self = &c;
        for (const auto& a : c.assumes) expr(*a, scope);
      }
      for (const auto& d : f.decisions) {
        Scope scope;
        for (const auto& b : d.params) {
          local(b.var, b.type.text, scope);
          ref(b.type);
        }
        type(d.result);
      }
      for (const auto& s : f.scenarios) {
        Scope scope;
        for (const auto& a : s.assumes) expr(*a, scope);
      }
      for (const auto& n : f.norms) {
        if (n.source) ref(n.source->instrument);
        if (n.relaxes) ref(*n.relaxes);
        Scope scope;
        for (const auto& b : n.binders) {
          local(b.var, b.type.text, scope);
          ref(b.type);
        }
        for (const auto& w : n.whens) expr(*w, scope);
        for (const auto& u : n.unlesses) expr(*u, scope);
        if (n.body) expr(*n.body, scope);
      }
      for (const auto& r : f.rules) {
        if (r.source) ref(r.source->instrument);
        for (const auto& d : r.defines) define(d);
        for (const auto& i : r.invokes) ref(i);
        for (const auto& o : r.options)
          for (const auto& c : o.choices) {
            for (const auto& d : c.defines) define(d);
            for (const auto& i : c.invokes) ref(i);
          }
      }
      for (const auto& e : f.expects) {
        if (!e.current_law) ref(e.subject);
        if (e.norm) ref(*e.norm);
        if (e.scenario) ref(*e.scenario);
      }
    }
  }
};

Index::Index(const SourceManager& sm, const std::vector<ast::File>& files) : sm_(sm), files_(files) {
  IndexBuilder b{*this, {}, {}, {}, {}, {}, {}, {}};
  b.collect(files);
  b.references(files);
}

Index::Hit Index::at(FileId file, std::uint32_t offset) const {
  auto it = occurrences_.find(file);
  if (it == occurrences_.end()) return {};
  const Occurrence* best = nullptr;
  for (const auto& o : it->second) {
    if (o.span.begin > offset || offset > o.span.end) continue;
    if (!best || o.span.end - o.span.begin < best->span.end - best->span.begin) best = &o;
  }
  if (!best) return {};
  return {&targets_[best->target], best->span};
}

namespace {

OutlineSymbol sym(std::string name, std::string detail, SymbolKind kind, Span range, Span selection) {
  // The name must lie within the range; a clipped span never breaks a client.
  if (!(selection.valid() && selection.file == range.file && selection.begin >= range.begin && selection.end <= range.end))
    selection = range;
  return {std::move(name), std::move(detail), kind, range, selection, {}};
}

OutlineSymbol define_symbol(const ast::Define& d) {
  std::string name = "define " + d.decision.text;
  if (d.has_args) {
    std::vector<std::string> ps;
    for (const auto& p : d.patterns) ps.push_back(p.text);
    name += fmt::format("({})", fmt::join(ps, ", "));
  }
  return sym(name, "", SymbolKind::method, d.span, d.decision.span);
}

}  // namespace

std::vector<OutlineSymbol> Index::outline(FileId file) const {
  std::vector<OutlineSymbol> out;
  auto f = std::find_if(files_.begin(), files_.end(), [&](const ast::File& x) { return x.file == file; });
  if (f == files_.end()) return out;
  for (const auto& x : f->instruments) out.push_back(sym(x.id.text, x.title, SymbolKind::module, x.span, x.id.span));
  for (const auto& x : f->enums) {
    auto s = sym(x.name.text, "", SymbolKind::enumeration, x.span, x.name.span);
    for (const auto& v : x.values) s.children.push_back(sym(v.text, "", SymbolKind::enum_member, v.span, v.span));
    out.push_back(std::move(s));
  }
  for (const auto& x : f->cases) {
    auto s = sym(x.name.text, "", SymbolKind::structure, x.span, x.name.span);
    for (const auto& fl : x.fields) {
      Span range = fl.name.span;
      if (fl.type.span.valid() && fl.type.span.end > range.end) range.end = fl.type.span.end;
      s.children.push_back(sym(fl.name.text, type_text(fl.type), SymbolKind::field, range, fl.name.span));
    }
    out.push_back(std::move(s));
  }
  for (const auto& x : f->decisions) {
    const SymbolKind k = x.kind == ast::SymbolKind::decision ? SymbolKind::function
                         : x.kind == ast::SymbolKind::param  ? SymbolKind::constant
                                                             : SymbolKind::variable;
    out.push_back(sym(x.name.text, signature(x), k, x.span, x.name.span));
  }
  for (const auto& x : f->scenarios) out.push_back(sym(x.name.text, x.title, SymbolKind::event, x.span, x.name.span));
  for (const auto& x : f->organisations) {
    auto s = sym(x.name.text, "organisation: " + x.title, SymbolKind::structure, x.span, x.name.span);
    for (const auto& c : x.capacities)
      s.children.push_back(sym(c.name.text, "capacity " + c.value.value + " a month", SymbolKind::field, c.span, c.name.span));
    out.push_back(std::move(s));
  }
  for (const auto& x : f->stocks) out.push_back(sym(x.name.text, "stock: " + x.title, SymbolKind::variable, x.span, x.name.span));
  for (const auto& x : f->norms)
    out.push_back(sym(x.id.text, (x.derogation ? "derogation: " : "") + x.title, SymbolKind::interface, x.span, x.id.span));
  for (const auto& x : f->rules) {
    auto s = sym(x.id.text, (x.measure ? "measure: " : "") + x.title, x.measure ? SymbolKind::object : SymbolKind::class_,
                 x.span, x.id.span);
    for (const auto& d : x.defines) s.children.push_back(define_symbol(d));
    for (const auto& o : x.options) {
      auto so = sym(o.name.text, o.title, SymbolKind::enumeration, o.span, o.name.span);
      for (const auto& c : o.choices) {
        auto sc = sym(c.name.text, c.title, SymbolKind::enum_member, c.span, c.name.span);
        for (const auto& d : c.defines) sc.children.push_back(define_symbol(d));
        so.children.push_back(std::move(sc));
      }
      s.children.push_back(std::move(so));
    }
    out.push_back(std::move(s));
  }
  for (const auto& x : f->expects) out.push_back(sym(one_line(sm_.text(x.span), 100), "", SymbolKind::boolean, x.span, x.span));
  // In source order, as editors show an outline.
  std::stable_sort(out.begin(), out.end(), [](const OutlineSymbol& a, const OutlineSymbol& b) { return a.range.begin < b.range.begin; });
  return out;
}

}  // namespace normcheck::lsp
