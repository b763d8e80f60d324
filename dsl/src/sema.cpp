#include "normcheck/sema.h"

#include <algorithm>
#include <climits>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

namespace normcheck {
namespace {

using ir::Type;

struct UnitInfo {
  std::string dim;
  std::int64_t factor = 1;
};

std::map<std::string, UnitInfo> builtin_units() {
  return {
      {"day", {"days", 1}},       {"days", {"days", 1}},       {"week", {"days", 7}},
      {"weeks", {"days", 7}},     {"month", {"months", 1}},    {"months", {"months", 1}},
      {"year", {"months", 12}},   {"years", {"months", 12}},   {"person", {"persons", 1}},
      {"persons", {"persons", 1}}, {"EUR", {"EUR", 1}},       {"percent", {"percent", 1}},
  };
}

enum class DeclKind { instrument, enumeration, record, symbol, norm, ruleset, scenario, unit, organisation, stock };

const char* decl_kind_name(DeclKind k) {
  switch (k) {
    case DeclKind::instrument: return "instrument";
    case DeclKind::enumeration: return "enum";
    case DeclKind::record: return "case";
    case DeclKind::symbol: return "decision";
    case DeclKind::norm: return "norm";
    case DeclKind::ruleset: return "rule";
    case DeclKind::scenario: return "scenario";
    case DeclKind::unit: return "unit";
    case DeclKind::organisation: return "organisation";
    case DeclKind::stock: return "stock";
  }
  return "declaration";
}

struct DeclRef {
  DeclKind kind;
  int index;
  Span span;
};

// A scope for expressions: binders by name, plus (inside a case) the case's
// own fields by bare name.
struct Scope {
  std::vector<ir::Binder>* binders = nullptr;
  int record_self = -1;  // case index whose fields are visible bare (binder 0)
};

class Analyzer {
 public:
  Analyzer(const SourceManager& sm, Diagnostics& diags) : sm_(sm), diags_(diags) {}

  std::optional<ir::Program> run(const std::vector<ast::File>& files) {
    units_ = builtin_units();
    declare_all(files);
    levels(files);
    for (const auto& f : files)
      for (const auto& u : f.units) units_[u.name.text] = UnitInfo{u.name.text, 1};
    for (const auto& f : files) for (const auto& e : f.enums) enum_decl(e);
    for (const auto& f : files) for (const auto& c : f.cases) case_fields(c);
    for (const auto& f : files) for (const auto& d : f.decisions) symbol(d);
    for (const auto& f : files) for (const auto& i : f.instruments) instrument(i);
    capacity_declarations(files);
    // bodies, now that every name is known
    std::size_t ci = 0;
    for (const auto& f : files) for (const auto& c : f.cases) case_assumes(c, ci++);
    for (const auto& f : files) for (const auto& s : f.scenarios) scenario(s);
    scenario_series(files);
    for (const auto& f : files) for (const auto& n : f.norms) norm(n);
    link_derogations(files);
    for (const auto& f : files) for (const auto& r : f.rules) ruleset(r);
    definition_cycles();
    for (const auto& f : files) for (const auto& e : f.expects) expect(e);
    if (diags_.has_errors()) return std::nullopt;
    return std::move(prog_);
  }

 private:
  // ---------------- declarations ----------------

  void declare(const ast::Name& name, DeclKind kind, int index) {
    auto [it, inserted] = decls_.emplace(name.text, DeclRef{kind, index, name.span});
    if (!inserted) {
      auto& d = diags_.error("E0201", name.span, fmt::format("`{}` is declared twice", name.text));
      d.labels.push_back({it->second.span, fmt::format("first declared here as a {}", decl_kind_name(it->second.kind))});
      d.help = "give each declaration its own name";
    }
  }

  void declare_all(const std::vector<ast::File>& files) {
    int ni = 0, ri = 0, ii = 0, ei = 0, ci = 0, si = 0, sci = 0, oi = 0, ki = 0;
    for (const auto& f : files) {
      for (const auto& x : f.instruments) declare(x.id, DeclKind::instrument, ii++);
      for (const auto& x : f.enums) declare(x.name, DeclKind::enumeration, ei++);
      for (const auto& x : f.cases) declare(x.name, DeclKind::record, ci++);
      for (const auto& x : f.decisions) declare(x.name, DeclKind::symbol, si++);
      for (const auto& x : f.norms) declare(x.id, DeclKind::norm, ni++);
      for (const auto& x : f.rules) declare(x.id, DeclKind::ruleset, ri++);
      for (const auto& x : f.scenarios) declare(x.name, DeclKind::scenario, sci++);
      for (const auto& x : f.organisations) declare(x.name, DeclKind::organisation, oi++);
      for (const auto& x : f.stocks) declare(x.name, DeclKind::stock, ki++);
    }
    // Pre-size so that forward references by index are valid.
    prog_.instruments.resize(static_cast<std::size_t>(ii));
    prog_.enums.resize(static_cast<std::size_t>(ei));
    prog_.cases.resize(static_cast<std::size_t>(ci));
    prog_.symbols.resize(static_cast<std::size_t>(si));
    prog_.norms.resize(static_cast<std::size_t>(ni));
    prog_.rulesets.resize(static_cast<std::size_t>(ri));
    prog_.scenarios.reserve(static_cast<std::size_t>(sci));
    for (const auto& f : files) {
      for (const auto& x : f.enums) {
        auto& e = prog_.enums[static_cast<std::size_t>(next_enum_)];
        e.name = x.name.text;
        e.span = x.span;
        ++next_enum_;
      }
      for (const auto& x : f.cases) {
        auto& c = prog_.cases[static_cast<std::size_t>(next_case_)];
        c.name = x.name.text;
        c.span = x.span;
        ++next_case_;
      }
    }
    next_enum_ = next_case_ = 0;
  }

  // "Did you mean" costs a pass over the declarations; after many errors it
  // is skipped, so that thousands of errors stay linear (docs/security.md).
  bool suggest() const { return diags_.items().size() < 200; }

  std::vector<std::string> names_of(std::initializer_list<DeclKind> kinds) const {
    std::vector<std::string> out;
    if (!suggest()) return out;
    for (const auto& [name, ref] : decls_)
      if (std::find(kinds.begin(), kinds.end(), ref.kind) != kinds.end()) out.push_back(name);
    return out;
  }

  const DeclRef* lookup(const std::string& name) const {
    auto it = decls_.find(name);
    return it == decls_.end() ? nullptr : &it->second;
  }

  // Resolves NAME to a declaration of KIND, reporting an error otherwise.
  int resolve(const ast::Name& name, DeclKind kind, const char* what) {
    const DeclRef* ref = lookup(name.text);
    if (ref && ref->kind == kind) return ref->index;
    if (ref) {
      auto& d = diags_.error("E0205", name.span, fmt::format("`{}` is a {}, not a {}", name.text, decl_kind_name(ref->kind), what));
      d.labels.push_back({ref->span, "declared here"});
      return -1;
    }
    auto& d = diags_.error("E0202", name.span, fmt::format("unknown {} `{}`", what, name.text));
    if (auto s = closest_match(name.text, names_of({kind}))) d.help = fmt::format("did you mean `{}`?", *s);
    return -1;
  }

  void levels(const std::vector<ast::File>& files) {
    const ast::Hierarchy* chosen = nullptr;
    for (const auto& f : files) {
      for (const auto& h : f.hierarchies) {
        if (chosen) {
          diags_.error("E0410", h.span, "the level hierarchy is declared twice").labels.push_back({chosen->span, "first declared here"});
          continue;
        }
        chosen = &h;
      }
    }
    if (!chosen) {
      prog_.levels = default_levels();
      return;
    }
    int rank = static_cast<int>(chosen->groups.size());
    std::set<std::string> seen;
    for (const auto& g : chosen->groups) {
      for (const auto& n : g) {
        if (!seen.insert(n.text).second) {
          diags_.error("E0201", n.span, fmt::format("level `{}` appears twice in the hierarchy", n.text));
          continue;
        }
        prog_.levels.push_back({n.text, rank});
      }
      --rank;
    }
  }

  std::optional<ir::Level> level(const ast::Name& n) {
    for (const auto& l : prog_.levels)
      if (l.name == n.text) return l;
    std::vector<std::string> names;
    if (suggest()) for (const auto& l : prog_.levels) names.push_back(l.name);
    auto& d = diags_.error("E0404", n.span, fmt::format("unknown level `{}`", n.text));
    if (auto s = closest_match(n.text, names)) d.help = fmt::format("did you mean `{}`?", *s);
    else d.help = fmt::format("the levels are: {}", fmt::join(names, ", "));
    return std::nullopt;
  }

  std::optional<ir::Day> date(const ast::DateLit& d) {
    auto day = ir::parse_date(d.text);
    if (!day) diags_.error("E0401", d.span, fmt::format("`{}` is not a valid date", d.text)).help = "dates are written YYYY-MM-DD, e.g. 2026-07-01";
    return day;
  }
  std::optional<ir::Day> date(const std::optional<ast::DateLit>& d) { return d ? date(*d) : std::nullopt; }

  // Scores in millionths; at most six decimals, and no name twice in one place.
  std::vector<ir::Score> scores(const std::vector<ast::Score>& in) {
    std::vector<ir::Score> out;
    std::set<std::string> seen;
    for (const auto& sc : in) {
      if (!seen.insert(sc.name.text).second) {
        diags_.error("E0201", sc.name.span, fmt::format("score `{}` is given twice here", sc.name.text));
        continue;
      }
      const bool neg = !sc.value.empty() && sc.value[0] == '-';
      const std::string digits = sc.value.substr(neg ? 1 : 0);
      std::int64_t v = 0;
      int decimals = -1;
      bool bad = false;
      for (char c : digits) {
        if (c == '.') {
          decimals = 0;
          continue;
        }
        if (decimals >= 0) ++decimals;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v)) bad = true;
      }
      for (int k = std::max(decimals, 0); k < 6; ++k)
        if (__builtin_mul_overflow(v, 10, &v)) bad = true;
      if (bad || decimals > 6 || v > (std::int64_t{1} << 53)) {
        diags_.error("E0303", sc.span, fmt::format("the score `{}` is too large or has more than six decimals", sc.value));
        continue;
      }
      out.push_back({sc.name.text, neg ? -v : v, sc.span});
    }
    return out;
  }

  ir::Period period(const std::optional<ast::DateLit>& from, const std::optional<ast::DateLit>& until, Span at) {
    ir::Period p{date(from), date(until)};
    if (p.from && p.until && *p.until <= *p.from)
      diags_.error("E0402", at, fmt::format("the period from {} until {} is empty", from->text, until->text))
          .help = "`until` is the first day on which it no longer applies and must come after `from`";
    return p;
  }

  // `valid` narrows the instrument's period; it never extends it.
  ir::Period narrow(const ir::Period& outer, const ir::Period& inner, Span at) {
    ir::Period p = outer;
    if (inner.from && (!p.from || *inner.from > *p.from)) p.from = inner.from;
    if (inner.until && (!p.until || *inner.until < *p.until)) p.until = inner.until;
    if (p.from && p.until && *p.until <= *p.from && !(inner.from && inner.until && *inner.until <= *inner.from))
      diags_.error("E0402", at, fmt::format("the `valid` period lies outside the period of its instrument ({} to {})",
                                            outer.from ? ir::format_date(*outer.from) : "always",
                                            outer.until ? ir::format_date(*outer.until) : "open"))
          .help = "`valid` can only narrow the period in which the instrument applies";
    return p;
  }

  std::optional<Type> type(const ast::TypeRef& t) {
    switch (t.kind) {
      case ast::TypeRef::boolean: return Type{Type::boolean, -1, {}, {}, 1};
      case ast::TypeRef::date: return Type{Type::date, -1, {}, {}, 1};
      case ast::TypeRef::integer:
      case ast::TypeRef::decimal: {
        Type r{t.kind == ast::TypeRef::integer ? Type::integer : Type::decimal, -1, {}, {}, 1};
        if (t.name) {
          auto u = unit(*t.name);
          if (!u) return std::nullopt;
          // `int years` is stored in months; the literal `2 years` is 24 months.
          r.dim = u->dim;
          r.unit = t.name->text;
          r.factor = u->factor;
        }
        return r;
      }
      case ast::TypeRef::named: {
        const DeclRef* ref = lookup(t.name->text);
        if (ref && ref->kind == DeclKind::enumeration) return Type{Type::enumeration, ref->index, {}, {}, 1};
        if (ref && ref->kind == DeclKind::record) return Type{Type::record, ref->index, {}, {}, 1};
        auto& d = diags_.error("E0202", t.name->span, fmt::format("unknown type `{}`", t.name->text));
        std::vector<std::string> cands = names_of({DeclKind::enumeration, DeclKind::record});
        for (const char* b : {"bool", "int", "decimal", "date"}) cands.push_back(b);
        if (auto s = closest_match(t.name->text, cands)) d.help = fmt::format("did you mean `{}`?", *s);
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<UnitInfo> unit(const ast::Name& n) {
    auto it = units_.find(n.text);
    if (it != units_.end()) return it->second;
    auto& d = diags_.error("E0301", n.span, fmt::format("unknown unit `{}`", n.text));
    std::vector<std::string> names;
    if (suggest()) for (const auto& [k, v] : units_) names.push_back(k);
    if (auto s = closest_match(n.text, names)) d.help = fmt::format("did you mean `{}`?", *s);
    else d.help = fmt::format("declare it with `unit {}`", n.text);
    return std::nullopt;
  }

  void enum_decl(const ast::Enum& e) {
    auto& out = prog_.enums[static_cast<std::size_t>(next_enum_)];
    std::set<std::string> seen;
    for (const auto& v : e.values) {
      if (!seen.insert(v.text).second) {
        diags_.error("E0201", v.span, fmt::format("value `{}` appears twice in enum `{}`", v.text, e.name.text));
        continue;
      }
      enum_values_[v.text].push_back({next_enum_, static_cast<int>(out.values.size())});
      out.values.push_back(v.text);
    }
    ++next_enum_;
  }

  void case_fields(const ast::Case& c) {
    auto& out = prog_.cases[static_cast<std::size_t>(next_case_)];
    std::set<std::string> seen;
    for (const auto& f : c.fields) {
      if (!seen.insert(f.name.text).second) {
        diags_.error("E0201", f.name.span, fmt::format("field `{}` appears twice in case `{}`", f.name.text, c.name.text));
        continue;
      }
      auto t = type(f.type);
      if (t && t->kind == Type::record) {
        diags_.error("E0306", f.type.span, "a case field cannot itself be a case").help = "use the fields of the other case, or an enum";
        t.reset();
      }
      out.fields.push_back({f.name.text, t.value_or(Type{}), f.name.span});
    }
    ++next_case_;
  }

  void case_assumes(const ast::Case& c, std::size_t index) {
    auto& out = prog_.cases[index];
    std::vector<ir::Binder> binders{{c.name.text, Type{Type::record, static_cast<int>(index), {}, {}, 1}, c.name.span}};
    Scope scope{&binders, static_cast<int>(index)};
    for (const auto& a : c.assumes) {
      out.assumes.push_back(boolean(*a, scope, "an `assume`"));
      world_only(*out.assumes.back(), "a case");
    }
  }

  // Assumptions describe the world: they may not presuppose what the state decides.
  void world_only(const ir::Expr& e, const char* where) {
    if (e.op == ir::Op::call && e.index >= 0) {
      const auto& sym = prog_.symbols[static_cast<std::size_t>(e.index)];
      if (sym.kind != ir::SymbolKind::fact) {
        diags_.error("E0312", e.span, fmt::format("{} cannot assume anything about `{}`, which the rules decide", where, sym.name))
            .help = "assumptions speak of facts and case attributes; rules and measures define decisions and params";
        return;
      }
    }
    for (const auto& a : e.args) world_only(*a, where);
  }

  std::vector<ir::Binder> binders(const std::vector<ast::Binder>& bs, bool allow_enum) {
    std::vector<ir::Binder> out;
    std::set<std::string> seen;
    for (const auto& b : bs) {
      if (!seen.insert(b.var.text).second)
        diags_.error("E0201", b.var.span, fmt::format("`{}` is bound twice", b.var.text));
      Type t;
      const DeclRef* ref = lookup(b.type.text);
      if (ref && ref->kind == DeclKind::record) t = Type{Type::record, ref->index, {}, {}, 1};
      else if (ref && ref->kind == DeclKind::enumeration && allow_enum) t = Type{Type::enumeration, ref->index, {}, {}, 1};
      else {
        auto& d = diags_.error("E0202", b.type.span, fmt::format("unknown case type `{}`", b.type.text));
        auto cands = names_of({DeclKind::record});
        if (allow_enum) for (auto& n : names_of({DeclKind::enumeration})) cands.push_back(n);
        if (auto s = closest_match(b.type.text, cands)) d.help = fmt::format("did you mean `{}`?", *s);
      }
      out.push_back({b.var.text, t, b.var.span});
    }
    return out;
  }

  void symbol(const ast::Decision& d) {
    auto& out = prog_.symbols[static_cast<std::size_t>(next_symbol_++)];
    out.kind = static_cast<ir::SymbolKind>(d.kind);
    out.name = d.name.text;
    out.span = d.span;
    out.params = binders(d.params, true);
    auto t = type(d.result);
    if (t && t->kind == Type::record) {
      diags_.error("E0306", d.result.span, "a decision cannot return a case").help = "return one of its attributes instead";
      t.reset();
    }
    out.result = t.value_or(Type{});
  }

  void instrument(const ast::Instrument& in) {
    auto& out = prog_.instruments[static_cast<std::size_t>(next_instrument_++)];
    out.id = in.id.text;
    out.title = in.title;
    out.span = in.span;
    out.url = in.url.value_or("");
    if (!in.level) {
      diags_.error("E0403", in.id.span, fmt::format("instrument `{}` has no `level`", in.id.text))
          .help = "add e.g. `level eu_directive` inside the braces";
    } else if (auto l = level(*in.level)) {
      out.level = *l;
    }
    out.adopted = date(in.adopted);
    out.in_force = date(in.in_force);
    out.applies_from = date(in.applies_from);
    out.repealed = date(in.repealed);
    out.period.from = out.applies_from ? out.applies_from : out.in_force;
    out.period.until = out.repealed;
    if (out.adopted && out.in_force && *out.in_force < *out.adopted)
      diags_.error("E0402", in.in_force->span, "an instrument cannot enter into force before it is adopted");
    if (out.period.from && out.period.until && *out.period.until <= *out.period.from)
      diags_.error("E0402", in.repealed->span, "the instrument is repealed before it starts to apply");
  }

  void scenario(const ast::Scenario& s) {
    ir::Scenario out;
    out.name = s.name.text;
    out.title = s.title;
    out.source = s.source.value_or("");
    out.span = s.span;
    std::vector<ir::Binder> none;
    Scope scope{&none, -1};
    for (const auto& a : s.assumes) {
      out.assumes.push_back(boolean(*a, scope, "an `assume`"));
      world_only(*out.assumes.back(), "a scenario");
    }
    prog_.scenarios.push_back(std::move(out));
  }

  int instrument_ref(const ast::SourceRef& s) { return resolve(s.instrument, DeclKind::instrument, "instrument"); }

  void duplicates(const std::vector<Span>& dups) {
    for (const auto& s : dups) diags_.error("E0006", s, "this clause may be given only once");
  }

  ir::ExprPtr conjunction(const std::vector<ast::ExprPtr>& es, Scope& scope, ir::Op op, const char* what) {
    ir::ExprPtr acc;
    for (const auto& e : es) {
      auto x = boolean(*e, scope, what);
      if (!acc) {
        acc = std::move(x);
        continue;
      }
      auto n = std::make_unique<ir::Expr>();
      n->op = op;
      n->type = Type{Type::boolean, -1, {}, {}, 1};
      n->span = acc->span;
      n->args.push_back(std::move(acc));
      n->args.push_back(std::move(x));
      acc = std::move(n);
    }
    return acc;
  }

  void norm(const ast::Norm& n) {
    auto& out = prog_.norms[static_cast<std::size_t>(next_norm_++)];
    out.id = n.id.text;
    out.title = n.title;
    out.derogation = n.derogation;
    out.span = n.span;
    out.body_span = n.body_span.valid() ? n.body_span : n.id.span;
    duplicates(n.duplicate_clauses);
    const char* kind = n.derogation ? "derogation" : "norm";
    if (!n.source) {
      diags_.error("E0405", n.id.span, fmt::format("{} `{}` cites no source", kind, n.id.text))
          .help = "add `source INSTRUMENT \"art. N\"`: every norm cites the article it encodes";
    } else {
      out.instrument = instrument_ref(*n.source);
      out.article = n.source->article;
      out.source_span = n.source->span;
      if (n.source->article.empty()) diags_.error("E0405", n.source->span, "the article cited is empty");
    }
    if (out.instrument >= 0) out.period = prog_.instruments[static_cast<std::size_t>(out.instrument)].period;
    if (n.valid_from || n.valid_until) out.period = narrow(out.period, period(n.valid_from, n.valid_until, n.span), n.span);
    out.binders = binders(n.binders, true);
    Scope scope{&out.binders, -1};
    out.cond = conjunction(n.whens, scope, ir::Op::and_, "a `when` condition");
    out.unless = conjunction(n.unlesses, scope, ir::Op::or_, "an `unless` exception");
    if (n.modality != ast::Modality::none) {
      out.modality = n.modality == ast::Modality::must ? ir::Modality::must
                     : n.modality == ast::Modality::must_not ? ir::Modality::must_not : ir::Modality::may;
      out.body = boolean(*n.body, scope, "the requirement");
    } else if (!n.derogation) {
      diags_.error("E0406", n.id.span, fmt::format("norm `{}` states no requirement", n.id.text))
          .help = "add `must ...`, `must not ...` or `may ...`";
    }
    if (n.derogation && out.modality == ir::Modality::may)
      diags_.error("E0407", n.body_span, "a derogation states what must still hold, with `must` or `must not`, not `may`");
    if (!n.derogation && n.relaxes)
      diags_.error("E0407", n.relaxes->span, "only a derogation can relax a norm").help = "declare it with `derogation` instead of `norm`";
  }

  void link_derogations(const std::vector<ast::File>& files) {
    std::size_t i = 0;
    for (const auto& f : files) {
      for (const auto& n : f.norms) {
        auto& out = prog_.norms[i];
        if (n.derogation) {
          if (!n.relaxes) {
            diags_.error("E0407", n.id.span, fmt::format("derogation `{}` does not say which norm it relaxes", n.id.text))
                .help = "add `relaxes NORM_ID`";
          } else {
            const int target = resolve(*n.relaxes, DeclKind::norm, "norm");
            if (target >= 0) {
              auto& t = prog_.norms[static_cast<std::size_t>(target)];
              if (t.derogation) {
                diags_.error("E0407", n.relaxes->span, fmt::format("`{}` is a derogation; a derogation relaxes a norm", n.relaxes->text));
              } else if (!same_binder_types(t.binders, out.binders)) {
                auto& d = diags_.error("E0308", n.id.span,
                                       fmt::format("derogation `{}` must quantify over the same cases as `{}`", n.id.text, t.id));
                d.labels.push_back({t.span, "the norm it relaxes"});
                d.help = fmt::format("write `for` with the types ({}) in that order", binder_types(t.binders));
              } else {
                out.relaxes = target;
                t.derogations.push_back(static_cast<int>(i));
              }
            }
          }
        }
        ++i;
      }
    }
  }

  bool same_binder_types(const std::vector<ir::Binder>& a, const std::vector<ir::Binder>& b) const {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!(a[i].type == b[i].type)) return false;
    return true;
  }
  std::string binder_types(const std::vector<ir::Binder>& bs) const {
    std::vector<std::string> names;
    for (const auto& b : bs) names.push_back(prog_.type_name(b.type));
    return fmt::format("{}", fmt::join(names, ", "));
  }

  void ruleset(const ast::Rule& r) {
    const int index = next_ruleset_++;
    auto& out = prog_.rulesets[static_cast<std::size_t>(index)];
    out.id = r.id.text;
    out.title = r.title;
    out.measure = r.measure;
    out.span = r.span;
    out.cites = r.cites.value_or("");
    duplicates(r.duplicate_clauses);
    if (r.source) {
      out.instrument = instrument_ref(*r.source);
      out.article = r.source->article;
      out.source_span = r.source->span;
    }
    if (!r.measure) {
      if (!r.source)
        diags_.error("E0405", r.id.span, fmt::format("rule `{}` cites no source", r.id.text))
            .help = "add `source INSTRUMENT \"art. N\"`: a rule is current law and cites its article";
      if (r.level) diags_.error("E0408", r.level->span, "a rule takes its level from its instrument").help = "remove `level`";
      if (r.effective)
        diags_.error("E0408", r.effective->span, "a rule applies when its instrument does")
            .help = "use `valid from DATE` to narrow it, or declare a `measure`";
      if (out.instrument >= 0) {
        const auto& inst = prog_.instruments[static_cast<std::size_t>(out.instrument)];
        out.level = inst.level;
        out.period = inst.period;
      }
    } else {
      if (!r.level) diags_.error("E0408", r.id.span, fmt::format("measure `{}` has no `level`", r.id.text)).help = "add e.g. `level act`";
      else if (auto l = level(*r.level)) out.level = *l;
      if (!r.effective)
        diags_.error("E0408", r.id.span, fmt::format("measure `{}` has no `effective` date", r.id.text)).help = "add e.g. `effective 2026-07-01`";
      else out.effective = date(*r.effective);
      out.period.from = out.effective;
      if (r.source && out.instrument >= 0 && !r.level) out.level = prog_.instruments[static_cast<std::size_t>(out.instrument)].level;
    }
    if (r.valid_from || r.valid_until) out.period = narrow(out.period, period(r.valid_from, r.valid_until, r.span), r.span);
    for (const auto& d : r.defines) out.defines.push_back(define(d));
    measure_capacity(r, out);
    if (!r.measure)
      for (const auto& sc : r.scores) diags_.error("E0409", sc.span, "only a measure or a choice can have a `score`");
    out.scores = scores(r.scores);
    std::vector<ast::Name> all_invokes = r.invokes;
    std::set<std::string> option_names;
    for (const auto& o : r.options) {
      if (!option_names.insert(o.name.text).second) diags_.error("E0201", o.name.span, fmt::format("option `{}` is declared twice", o.name.text));
      ir::Option io{o.name.text, o.title, {}, o.span};
      std::set<std::string> choice_names;
      for (const auto& c : o.choices) {
        if (!choice_names.insert(c.name.text).second)
          diags_.error("E0201", c.name.span, fmt::format("choice `{}` appears twice in option `{}`", c.name.text, o.name.text));
        ir::Choice ic{c.name.text, c.title, {}, {}, scores(c.scores), c.span};
        for (const auto& d : c.defines) {
          ic.defines.push_back(static_cast<int>(out.defines.size()));
          out.defines.push_back(define(d));
        }
        for (const auto& inv : c.invokes) {
          ic.invokes.push_back(static_cast<int>(all_invokes.size()));
          all_invokes.push_back(inv);
        }
        io.choices.push_back(std::move(ic));
      }
      out.options.push_back(std::move(io));
    }
    for (const auto& inv : all_invokes) {
      const DeclRef* ref = lookup(inv.text);
      if (ref && ref->kind == DeclKind::norm && prog_.norms[static_cast<std::size_t>(ref->index)].derogation) {
        out.invokes.push_back({ref->index, inv.span});
      } else if (ref && ref->kind == DeclKind::norm) {
        diags_.error("E0207", inv.span, fmt::format("`{}` is a norm, not a derogation; only derogations can be invoked", inv.text));
      } else {
        auto& d = diags_.error("E0202", inv.span, fmt::format("unknown derogation `{}`", inv.text));
        std::vector<std::string> cands;
        if (suggest()) for (const auto& n : prog_.norms) if (n.derogation) cands.push_back(n.id);
        if (auto s = closest_match(inv.text, cands)) d.help = fmt::format("did you mean `{}`?", *s);
      }
    }
  }

  ir::Definition define(const ast::Define& d) {
    ir::Definition out;
    out.span = d.span;
    out.symbol = resolve(d.decision, DeclKind::symbol, "decision");
    if (out.symbol < 0) return out;
    const auto& sym = prog_.symbols[static_cast<std::size_t>(out.symbol)];
    if (sym.kind == ir::SymbolKind::fact) {
      diags_.error("E0309", d.decision.span, fmt::format("`{}` is a fact about the world; rules and measures cannot define it", sym.name))
          .help = "constrain facts in a `scenario` with `assume`";
      out.symbol = -1;
      return out;
    }
    if (d.patterns.size() != sym.params.size()) {
      auto& e = diags_.error("E0310", d.decision.span,
                             fmt::format("`{}` takes {} argument{}, but this definition gives {}", sym.name, sym.params.size(),
                                         sym.params.size() == 1 ? "" : "s", d.patterns.size()));
      e.labels.push_back({sym.span, "declared here"});
      out.symbol = -1;
      return out;
    }
    std::set<std::string> bound;
    for (std::size_t i = 0; i < d.patterns.size(); ++i) {
      const auto& p = d.patterns[i];
      const auto& param = sym.params[i];
      ir::Pattern pat;
      ir::Binder b{param.name, param.type, p.span};
      if (p.text == "_") {
        pat.wildcard = true;
        b.name = "_" + std::to_string(i);
      } else if (param.type.kind == Type::enumeration && is_value_of(p.text, param.type.index)) {
        pat.is_value = true;
        pat.value = value_index(p.text, param.type.index);
        b.name = "_" + std::to_string(i);
      } else {
        if (enum_values_.count(p.text) && param.type.kind == Type::enumeration) {
          auto& e = diags_.error("E0304", p.span, fmt::format("`{}` is not a value of `{}`", p.text, prog_.type_name(param.type)));
          if (auto s = closest_match(p.text, prog_.enums[static_cast<std::size_t>(param.type.index)].values))
            e.help = fmt::format("did you mean `{}`?", *s);
        }
        if (!bound.insert(p.text).second) diags_.error("E0201", p.span, fmt::format("`{}` is bound twice", p.text));
        b.name = p.text;
      }
      out.patterns.push_back(pat);
      out.binders.push_back(b);
    }
    Scope scope{&out.binders, -1};
    out.value = expr(*d.value, scope);
    if (!assignable(out.value->type, sym.result)) {
      auto& e = diags_.error("E0302", d.value->span,
                             fmt::format("`{}` is `{}`, but this value is `{}`", sym.name, prog_.type_name(sym.result),
                                         prog_.type_name(out.value->type)));
      unit_help(e, sym.result, out.value->type);
    }
    if (d.when) out.when = boolean(*d.when, scope, "a `when` condition");
    return out;
  }

  bool is_value_of(const std::string& v, int enum_index) const {
    auto it = enum_values_.find(v);
    if (it == enum_values_.end()) return false;
    for (auto [e, i] : it->second) if (e == enum_index) return true;
    return false;
  }
  int value_index(const std::string& v, int enum_index) const {
    for (auto [e, i] : enum_values_.at(v)) if (e == enum_index) return i;
    return -1;
  }

  void definition_cycles() {
    // decision -> decisions its definitions use
    std::map<int, std::set<int>> deps;
    std::map<int, Span> where;
    for (const auto& r : prog_.rulesets) {
      for (const auto& d : r.defines) {
        if (d.symbol < 0) continue;
        std::function<void(const ir::Expr*)> walk = [&](const ir::Expr* e) {
          if (!e) return;
          if (e->op == ir::Op::call && e->index >= 0) deps[d.symbol].insert(e->index);
          for (const auto& a : e->args) walk(a.get());
        };
        walk(d.value.get());
        walk(d.when.get());
        where.emplace(d.symbol, d.span);
      }
    }
    std::map<int, int> state;
    std::vector<int> stack;
    std::set<int> reported;
    std::function<void(int)> dfs = [&](int s) {
      state[s] = 1;
      stack.push_back(s);
      for (int t : deps[s]) {
        if (state[t] == 1) {
          std::vector<std::string> chain;
          for (auto it = std::find(stack.begin(), stack.end(), t); it != stack.end(); ++it)
            chain.push_back(prog_.symbols[static_cast<std::size_t>(*it)].name);
          chain.push_back(prog_.symbols[static_cast<std::size_t>(t)].name);
          if (reported.insert(t).second)
            diags_.error("E0311", where[t], fmt::format("the definition of `{}` depends on itself", prog_.symbols[static_cast<std::size_t>(t)].name))
                .notes.push_back(fmt::format("the cycle: {}", fmt::join(chain, " -> ")));
        } else if (state[t] == 0) {
          dfs(t);
        }
      }
      stack.pop_back();
      state[s] = 2;
    };
    for (const auto& [s, _] : deps)
      if (state[s] == 0) dfs(s);
  }

  void expect(const ast::Expect& e) {
    ir::Expect out;
    out.span = e.span;
    out.compliant = e.compliant;
    out.no_conflict = e.no_conflict;
    if (!e.current_law) {
      const int r = resolve(e.subject, DeclKind::ruleset, "measure");
      if (r >= 0 && !prog_.rulesets[static_cast<std::size_t>(r)].measure) {
        diags_.error("E0206", e.subject.span, fmt::format("`{}` is a rule of current law, not a measure", e.subject.text))
            .help = "expectations name a measure, or `current_law`";
      }
      out.subject = r;
    }
    if (e.norm) {
      out.norm = resolve(*e.norm, DeclKind::norm, "norm");
      if (out.norm >= 0 && prog_.norms[static_cast<std::size_t>(out.norm)].derogation)
        diags_.error("E0206", e.norm->span, fmt::format("`{}` is a derogation; a measure conflicts with norms", e.norm->text));
    }
    if (e.at) out.at = date(*e.at);
    if (e.scenario) out.scenario = resolve(*e.scenario, DeclKind::scenario, "scenario");
    out.feasibility = e.feasibility;
    if (e.feasibility != 0) {
      const char* word = e.feasibility > 0 ? "feasible" : "infeasible";
      if (e.at)
        diags_.error("E0706", e.at->span, fmt::format("`expect ... {}` covers the whole horizon and takes no `at`", word))
            .help = "remove `at DATE`";
      if (!e.scenario)
        diags_.error("E0706", e.span, fmt::format("`expect ... {}` needs `under SCENARIO`", word))
            .help = "name a scenario that gives the monthly series, e.g. `under InflowMid`";
      else if (out.scenario >= 0 && prog_.scenarios[static_cast<std::size_t>(out.scenario)].series.empty())
        diags_.error("E0706", e.scenario->span, fmt::format("scenario `{}` gives no monthly `series`", e.scenario->text))
            .help = "feasibility is decided under a scenario with `series` for every stock's inflow";
      if (prog_.stocks.empty())
        diags_.error("E0706", e.span, "there is no `stock` whose feasibility could be expected");
    }
    prog_.expects.push_back(std::move(out));
  }


  // ---------------- capacity over time ----------------

  // A whole number >= 0 (or any sign with NEGATIVE); E0702 otherwise.
  std::optional<std::int64_t> whole(const std::string& text, Span at, const char* what, bool negative = false) {
    std::string t = text;
    bool neg = false;
    if (!t.empty() && t[0] == '-') {
      neg = true;
      t = t.substr(1);
    }
    const bool digits = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || t.size() > 12 || (neg && !negative)) {
      diags_.error("E0702", at, fmt::format("{} must be a whole number{}, not `{}`", what, negative ? "" : " of 0 or more", text))
          .help = "capacity figures count persons, places or FTE-months per period; write e.g. `2500`";
      return std::nullopt;
    }
    const std::int64_t v = std::stoll(t);
    return neg ? -v : v;
  }

  bool need_horizon(Span at, const char* what) {
    if (prog_.horizon) return true;
    if (!horizon_reported_) {
      horizon_reported_ = true;
      diags_.error("E0701", at, fmt::format("{} needs a `horizon`", what))
          .help = "declare the months to model, e.g. `horizon from 2026-01 until 2027-12`";
    }
    return false;
  }

  // A month inside the horizon; E0703 otherwise.
  std::optional<ir::Month> month_in_horizon(const ast::MonthLit& m) {
    auto v = ir::parse_month(m.text);
    if (!v) {
      diags_.error("E0703", m.span, fmt::format("`{}` is not a valid month", m.text)).help = "months are written YYYY-MM, e.g. 2026-07";
      return std::nullopt;
    }
    if (prog_.horizon && (*v < prog_.horizon->first || *v > prog_.horizon->last)) {
      diags_.error("E0703", m.span, fmt::format("month {} is outside the horizon {} to {}", m.text, ir::format_month(prog_.horizon->first),
                                                ir::format_month(prog_.horizon->last)));
      return std::nullopt;
    }
    return v;
  }

  // `Org.capacity`; E0704 when either part is unknown.
  ir::CapacityRef capacity_ref(const ast::Name& n) {
    ir::CapacityRef out;
    const auto dot = n.text.find('.');
    const std::string org = n.text.substr(0, dot);
    const DeclRef* ref = lookup(org);
    if (!ref || ref->kind != DeclKind::organisation || dot == std::string::npos || n.text.find('.', dot + 1) != std::string::npos) {
      auto& d = diags_.error("E0704", n.span, fmt::format("`{}` is not a capacity of an organisation", n.text));
      d.help = "write `ORGANISATION.CAPACITY`, e.g. `IND.decisions`, for a capacity declared with `capacity NAME N`";
      return out;
    }
    const auto& o = prog_.organisations[static_cast<std::size_t>(ref->index)];
    const std::string cap = n.text.substr(dot + 1);
    for (std::size_t i = 0; i < o.capacities.size(); ++i)
      if (o.capacities[i].name == cap) return {ref->index, static_cast<int>(i)};
    auto& d = diags_.error("E0704", n.span, fmt::format("organisation `{}` has no capacity `{}`", org, cap));
    std::vector<std::string> names;
    for (const auto& c : o.capacities) names.push_back(c.name);
    if (auto m = closest_match(cap, names)) d.help = fmt::format("did you mean `{}.{}`?", org, *m);
    return out;
  }

  void capacity_declarations(const std::vector<ast::File>& files) {
    for (const auto& f : files) {
      for (const auto& h : f.horizons) {
        if (horizon_seen_) {
          diags_.error("E0701", h.span, "the horizon is declared twice").help = "declare one `horizon` for the whole program";
          continue;
        }
        horizon_seen_ = true;
        auto a = ir::parse_month(h.from.text), b = ir::parse_month(h.until.text);
        if (!a) diags_.error("E0703", h.from.span, fmt::format("`{}` is not a valid month", h.from.text));
        if (!b) diags_.error("E0703", h.until.span, fmt::format("`{}` is not a valid month", h.until.text));
        if (a && b && *b < *a) diags_.error("E0701", h.span, "the horizon ends before it starts");
        else if (a && b && *b - *a >= 600) diags_.error("E0701", h.span, "the horizon is longer than 50 years");
        else if (a && b) prog_.horizon = ir::Horizon{*a, *b, h.span};
      }
    }
    if (!prog_.horizon) horizon_reported_ = horizon_seen_;  // a broken horizon was reported already
    for (const auto& f : files) {
      for (const auto& o : f.organisations) {
        ir::Organisation out;
        out.name = o.name.text;
        out.title = o.title;
        out.source = o.source.value_or("");
        out.span = o.span;
        duplicates(o.duplicate_clauses);
        std::set<std::string> names;
        for (const auto& c : o.capacities) {
          if (!names.insert(c.name.text).second)
            diags_.error("E0201", c.name.span, fmt::format("capacity `{}` is declared twice in `{}`", c.name.text, o.name.text));
          out.capacities.push_back({c.name.text, whole(c.value.value, c.value.span, "a capacity").value_or(0), c.span});
        }
        if (o.absorbs) out.absorbs = whole(o.absorbs->value, o.absorbs->span, "a change capacity");
        prog_.organisations.push_back(std::move(out));
      }
    }
    std::map<std::pair<int, int>, std::string> served;
    for (const auto& f : files) {
      for (const auto& k : f.stocks) {
        ir::Stock out;
        out.name = k.name.text;
        out.title = k.title;
        out.span = k.span;
        duplicates(k.duplicate_clauses);
        need_horizon(k.name.span, "a stock");
        if (k.initial) out.initial = whole(k.initial->value, k.initial->span, "an initial stock").value_or(0);
        if (k.inflow) out.inflow = k.inflow->text;
        else diags_.error("E0705", k.name.span, fmt::format("stock `{}` has no `inflow_from`", k.name.text)).help = "name the scenario series that feeds it, e.g. `inflow_from applications`";
        if (k.served_by) {
          out.served_by = capacity_ref(*k.served_by);
          if (out.served_by.valid()) {
            auto [it, fresh] = served.emplace(std::make_pair(out.served_by.org, out.served_by.cap), k.name.text);
            if (!fresh)
              diags_.error("E0705", k.served_by->span, fmt::format("`{}` already serves stock `{}`", k.served_by->text, it->second))
                  .help = "a capacity serves one stock; declare a capacity per stock";
          }
        } else {
          diags_.error("E0705", k.name.span, fmt::format("stock `{}` has no `served_by`", k.name.text)).help = "name the capacity that bounds its outflow, e.g. `served_by IND.decisions`";
        }
        if (k.wait_within) {
          out.wait_within = whole(k.wait_within->value, k.wait_within->span, "a waiting time in months");
          out.wait_span = k.wait_within->span;
        }
        if (k.level_within) {
          out.level_within = capacity_ref(*k.level_within);
          out.level_span = k.level_within->span;
        }
        prog_.stocks.push_back(std::move(out));
      }
    }
  }

  void scenario_series(const std::vector<ast::File>& files) {
    std::size_t si = 0;
    for (const auto& f : files) {
      for (const auto& s : f.scenarios) {
        auto& out = prog_.scenarios[si++];
        if (s.series.empty()) continue;
        if (!need_horizon(s.series[0].span, "a `series`")) continue;
        const auto& h = *prog_.horizon;
        std::set<std::string> seen;
        for (const auto& se : s.series) {
          if (!seen.insert(se.name.text).second) {
            diags_.error("E0705", se.name.span, fmt::format("series `{}` is given twice in scenario `{}`", se.name.text, s.name.text));
            continue;
          }
          ir::Series is;
          is.name = se.name.text;
          is.span = se.span;
          if (se.name.text.find('.') != std::string::npos) {
            is.capacity = capacity_ref(se.name);
          } else if (std::none_of(prog_.stocks.begin(), prog_.stocks.end(), [&](const ir::Stock& k) { return k.inflow == se.name.text; })) {
            auto& d = diags_.error("E0705", se.name.span, fmt::format("series `{}` feeds no stock", se.name.text));
            std::vector<std::string> names;
            for (const auto& k : prog_.stocks) names.push_back(k.inflow);
            if (auto m = closest_match(se.name.text, names)) d.help = fmt::format("did you mean `{}`?", *m);
            else d.help = "a series is a stock's `inflow_from`, or `ORGANISATION.CAPACITY` to set a capacity";
          }
          is.values.assign(static_cast<std::size_t>(h.months()), 0);
          ir::Month prev = h.first - 1;
          bool ok = true;
          for (std::size_t p = 0; p < se.points.size(); ++p) {
            const auto& pt = se.points[p];
            auto v = whole(pt.value, pt.span, "a series value");
            ir::Month from = h.first;
            if (pt.from) {
              auto m = month_in_horizon(*pt.from);
              if (!m) { ok = false; continue; }
              from = *m;
            } else if (p > 0) {
              diags_.error("E0703", pt.span, "every value after the first needs `from YYYY-MM`").help = "e.g. `series applications = 3000, 3500 from 2027-01`";
              ok = false;
              continue;
            }
            if (p == 0 && from != h.first) {
              diags_.error("E0703", pt.span, fmt::format("the first value must hold from the horizon's start, {}", ir::format_month(h.first)))
                  .help = "leave out `from` on the first value";
              ok = false;
            } else if (p > 0 && from <= prev) {
              diags_.error("E0703", pt.span, "the months of a series must increase");
              ok = false;
            }
            prev = from;
            if (v && ok)
              for (ir::Month m = from; m <= h.last; ++m) is.values[static_cast<std::size_t>(m - h.first)] = *v;
          }
          out.series.push_back(std::move(is));
        }
        for (const auto& k : prog_.stocks)
          if (!k.inflow.empty() && !seen.count(k.inflow))
            diags_.error("E0705", s.name.span, fmt::format("scenario `{}` gives no series `{}` for stock `{}`", s.name.text, k.inflow, k.name))
                .help = fmt::format("add `series {} = N` to the scenario", k.inflow);
      }
    }
  }

  void measure_capacity(const ast::Rule& r, ir::RuleSet& out) {
    const bool any = !r.adjusts.empty() || !r.wait_changes.empty() || !r.workloads.empty() || r.due_by;
    if (!any) return;
    if (!r.measure) {
      diags_.error("E0707", r.id.span, "only a measure can `adjust` capacity, set `wait_within`, or have a `workload` or `due_by`")
          .help = "current law's capacity and waiting times are declared on the `organisation` and `stock`";
      return;
    }
    // the default month: the effective date's, or the horizon's start
    ir::Month dflt = prog_.horizon ? prog_.horizon->first : 0;
    if (out.effective && prog_.horizon) {
      auto ym = ir::format_date(*out.effective).substr(0, 7);
      if (auto m = ir::parse_month(ym)) dflt = std::clamp(*m, prog_.horizon->first, prog_.horizon->last + 1);
    }
    for (const auto& a : r.adjusts) {
      if (!need_horizon(a.span, "`adjust`")) break;
      ir::Adjust ia;
      ia.capacity = capacity_ref(a.capacity);
      ia.delta = whole(a.value, a.span, "a capacity change", true).value_or(0);
      ia.from = dflt;
      if (a.from) ia.from = month_in_horizon(*a.from).value_or(dflt);
      ia.span = a.span;
      out.adjusts.push_back(ia);
    }
    for (const auto& w : r.wait_changes) {
      if (!need_horizon(w.span, "`wait_within`")) break;
      ir::WaitChange iw;
      iw.stock = resolve(w.stock, DeclKind::stock, "stock");
      iw.months = whole(w.months.value, w.months.span, "a waiting time in months").value_or(0);
      iw.from = dflt;
      if (w.from) iw.from = month_in_horizon(*w.from).value_or(dflt);
      iw.span = w.span;
      out.wait_changes.push_back(iw);
    }
    for (const auto& w : r.workloads) {
      ir::Workload iw;
      iw.org = resolve(w.organisation, DeclKind::organisation, "organisation");
      iw.amount = whole(w.amount.value, w.amount.span, "a workload in FTE-months").value_or(0);
      iw.span = w.span;
      if (iw.org >= 0 && !prog_.organisations[static_cast<std::size_t>(iw.org)].absorbs)
        diags_.error("E0707", w.organisation.span, fmt::format("organisation `{}` declares no `absorbs` (change capacity a quarter)", w.organisation.text))
            .help = "add e.g. `absorbs 12` to the organisation";
      out.workloads.push_back(iw);
    }
    if (r.due_by && need_horizon(r.due_by->span, "`due_by`")) {
      auto m = ir::parse_month(r.due_by->text);
      if (!m) diags_.error("E0703", r.due_by->span, fmt::format("`{}` is not a valid month", r.due_by->text));
      out.due_by = m;
    }
  }

  // ---------------- expressions ----------------

  static bool assignable(const Type& value, const Type& target) {
    if (value.kind == Type::error || target.kind == Type::error) return true;
    if (value.numeric() && target.numeric()) {
      if (value.dim != target.dim) return false;
      return !(value.kind == Type::decimal && target.kind == Type::integer);
    }
    return value == target;
  }

  void unit_help(Diagnostic& d, const Type& a, const Type& b) {
    if (a.numeric() && b.numeric() && a.dim != b.dim) {
      if (a.dim.empty() || b.dim.empty())
      {
        const Type& q = a.dim.empty() ? b : a;
        d.help = fmt::format("write the unit on the number, e.g. `18 {}`", q.unit.empty() ? q.dim : q.unit);
      }
      else
        d.help = fmt::format("`{}` and `{}` are different units and are not converted", a.dim, b.dim);
    }
  }

  ir::ExprPtr boolean(const ast::Expr& e, Scope& scope, const char* what) {
    auto x = expr(e, scope);
    if (x->type.kind != Type::boolean && x->type.kind != Type::error) {
      diags_.error("E0302", e.span, fmt::format("{} must be true or false, but this is `{}`", what, prog_.type_name(x->type)));
    }
    return x;
  }

  ir::ExprPtr node(ir::Op op, Type t, Span s) {
    auto e = std::make_unique<ir::Expr>();
    e->op = op;
    e->type = std::move(t);
    e->span = s;
    return e;
  }
  ir::ExprPtr error_node(Span s) { return node(ir::Op::bool_lit, Type{}, s); }

  ir::ExprPtr expr(const ast::Expr& e, Scope& scope) {
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::number: return number(e);
      case K::date: {
        auto d = ir::parse_date(e.text);
        if (!d) {
          diags_.error("E0401", e.span, fmt::format("`{}` is not a valid date", e.text));
          return error_node(e.span);
        }
        auto n = node(ir::Op::date_lit, Type{Type::date, -1, {}, {}, 1}, e.span);
        n->ival = *d;
        return n;
      }
      case K::boolean: {
        auto n = node(ir::Op::bool_lit, Type{Type::boolean, -1, {}, {}, 1}, e.span);
        n->ival = e.bool_value ? 1 : 0;
        return n;
      }
      case K::name: return name(e, scope);
      case K::field: return field(e, scope);
      case K::call: return call(e, scope);
      case K::not_: {
        auto a = boolean(*e.args[0], scope, "the operand of `not`");
        auto n = node(ir::Op::not_, Type{Type::boolean, -1, {}, {}, 1}, e.span);
        n->args.push_back(std::move(a));
        return n;
      }
      case K::neg: {
        auto a = expr(*e.args[0], scope);
        if (!a->type.numeric() && a->type.kind != Type::error) {
          diags_.error("E0302", e.span, fmt::format("cannot negate `{}`", prog_.type_name(a->type)));
          return error_node(e.span);
        }
        auto n = node(ir::Op::neg, a->type, e.span);
        n->args.push_back(std::move(a));
        return n;
      }
      case K::binary: return binary(e, scope);
      case K::in: {
        auto x = expr(*e.args[0], scope);
        ir::ExprPtr acc;
        for (std::size_t i = 1; i < e.args.size(); ++i) {
          auto v = expr(*e.args[i], scope);
          auto eq = compare(ir::Op::eq, clone(*x), std::move(v), e.args[i]->span, "==");
          if (!acc) {
            acc = std::move(eq);
          } else {
            auto o = node(ir::Op::or_, Type{Type::boolean, -1, {}, {}, 1}, e.span);
            o->args.push_back(std::move(acc));
            o->args.push_back(std::move(eq));
            acc = std::move(o);
          }
        }
        acc->span = e.span;
        return acc;
      }
      case K::ite: {
        auto c = boolean(*e.args[0], scope, "the condition of `if`");
        auto a = expr(*e.args[1], scope);
        auto b = expr(*e.args[2], scope);
        Type t = join(a->type, b->type);
        if (t.kind == Type::error && a->type.kind != Type::error && b->type.kind != Type::error) {
          auto& d = diags_.error("E0302", e.span, fmt::format("the branches of `if` differ: `{}` and `{}`", prog_.type_name(a->type),
                                                              prog_.type_name(b->type)));
          unit_help(d, a->type, b->type);
        }
        auto n = node(ir::Op::ite, t, e.span);
        n->args.push_back(std::move(c));
        n->args.push_back(std::move(a));
        n->args.push_back(std::move(b));
        return n;
      }
    }
    return error_node(e.span);
  }

  static Type join(const Type& a, const Type& b) {
    if (a.kind == Type::error || b.kind == Type::error) return Type{};
    if (a.numeric() && b.numeric() && a.dim == b.dim)
      return Type{a.kind == Type::decimal || b.kind == Type::decimal ? Type::decimal : Type::integer, -1, a.dim, a.unit, a.factor};
    if (a == b) return a;
    return Type{};
  }

  static ir::ExprPtr clone(const ir::Expr& e) {
    auto n = std::make_unique<ir::Expr>();
    n->op = e.op;
    n->type = e.type;
    n->span = e.span;
    n->ival = e.ival;
    n->den = e.den;
    n->index = e.index;
    for (const auto& a : e.args) n->args.push_back(clone(*a));
    return n;
  }

  ir::ExprPtr number(const ast::Expr& e) {
    // Parse as an exact rational: digits before and after the point.
    const auto dot = e.text.find('.');
    const std::string whole = e.text.substr(0, dot);
    const std::string frac = dot == std::string::npos ? "" : e.text.substr(dot + 1);
    std::int64_t num = 0, den = 1;
    bool overflow = false;
    for (char c : whole + frac) {
      if (__builtin_mul_overflow(num, 10, &num) || __builtin_add_overflow(num, c - '0', &num)) overflow = true;
    }
    for (std::size_t i = 0; i < frac.size(); ++i)
      if (__builtin_mul_overflow(den, 10, &den)) overflow = true;
    Type t{dot == std::string::npos ? Type::integer : Type::decimal, -1, {}, {}, 1};
    if (e.unit) {
      auto u = unit(*e.unit);
      if (!u) return error_node(e.span);
      t.dim = u->dim;
      if (__builtin_mul_overflow(num, u->factor, &num)) overflow = true;
    }
    if (overflow || num > (std::int64_t{1} << 53)) {
      diags_.error("E0303", e.span, fmt::format("the number `{}` is too large or too precise", e.text))
          .help = "numbers are limited to 2^53 in the base unit, with at most 15 digits in all";
      return error_node(e.span);
    }
    auto n = node(dot == std::string::npos ? ir::Op::int_lit : ir::Op::dec_lit, t, e.span);
    n->ival = num;
    n->den = den;
    return n;
  }

  ir::ExprPtr name(const ast::Expr& e, Scope& scope) {
    const std::string& n = e.text;
    if (scope.binders) {
      for (std::size_t i = 0; i < scope.binders->size(); ++i) {
        const auto& b = (*scope.binders)[i];
        if (b.name == n) {
          auto v = node(ir::Op::var, b.type, e.span);
          v->index = static_cast<int>(i);
          return v;
        }
      }
    }
    if (scope.record_self >= 0) {
      const auto& c = prog_.cases[static_cast<std::size_t>(scope.record_self)];
      for (std::size_t i = 0; i < c.fields.size(); ++i) {
        if (c.fields[i].name == n) {
          auto self = node(ir::Op::var, Type{Type::record, scope.record_self, {}, {}, 1}, e.span);
          self->index = 0;
          auto f = node(ir::Op::field, c.fields[i].type, e.span);
          f->index = static_cast<int>(i);
          f->args.push_back(std::move(self));
          return f;
        }
      }
    }
    if (const DeclRef* ref = lookup(n); ref && ref->kind == DeclKind::symbol) {
      const auto& sym = prog_.symbols[static_cast<std::size_t>(ref->index)];
      if (!sym.params.empty()) {
        diags_.error("E0310", e.span, fmt::format("`{}` takes {} argument{}", n, sym.params.size(), sym.params.size() == 1 ? "" : "s"))
            .help = fmt::format("write `{}(...)`", n);
        return error_node(e.span);
      }
      auto c = node(ir::Op::call, sym.result, e.span);
      c->index = ref->index;
      return c;
    }
    if (auto it = enum_values_.find(n); it != enum_values_.end()) {
      if (it->second.size() > 1) {
        std::vector<std::string> options;
        for (auto [en, vi] : it->second) options.push_back(prog_.enums[static_cast<std::size_t>(en)].name + "." + n);
        std::sort(options.begin(), options.end());
        diags_.error("E0203", e.span, fmt::format("`{}` is a value of several enums", n))
            .help = fmt::format("write one of: {}", fmt::join(options, ", "));
        return error_node(e.span);
      }
      auto v = node(ir::Op::enum_lit, Type{Type::enumeration, it->second[0].first, {}, {}, 1}, e.span);
      v->index = it->second[0].second;
      return v;
    }
    // unknown
    std::vector<std::string> cands;
    if (scope.binders) for (const auto& b : *scope.binders) if (b.name[0] != '_') cands.push_back(b.name);
    if (scope.record_self >= 0) for (const auto& f : prog_.cases[static_cast<std::size_t>(scope.record_self)].fields) cands.push_back(f.name);
    if (suggest()) {
      for (const auto& [k, v] : enum_values_) cands.push_back(k);
      for (const auto& s : prog_.symbols) if (s.params.empty()) cands.push_back(s.name);
    }
    auto& d = diags_.error("E0202", e.span, fmt::format("unknown name `{}`", n));
    if (auto s = closest_match(n, cands)) d.help = fmt::format("did you mean `{}`?", *s);
    else if (const DeclRef* ref = lookup(n)) d.help = fmt::format("`{}` is a {}, which has no value here", n, decl_kind_name(ref->kind));
    return error_node(e.span);
  }

  ir::ExprPtr field(const ast::Expr& e, Scope& scope) {
    const ast::Expr& base = *e.args[0];
    // `Enum.value`
    if (base.kind == ast::ExprKind::name) {
      bool is_binder = false;
      if (scope.binders) for (const auto& b : *scope.binders) if (b.name == base.text) is_binder = true;
      const DeclRef* ref = lookup(base.text);
      if (!is_binder && ref && ref->kind == DeclKind::enumeration) {
        const auto& en = prog_.enums[static_cast<std::size_t>(ref->index)];
        for (std::size_t i = 0; i < en.values.size(); ++i) {
          if (en.values[i] == e.text) {
            auto v = node(ir::Op::enum_lit, Type{Type::enumeration, ref->index, {}, {}, 1}, e.span);
            v->index = static_cast<int>(i);
            return v;
          }
        }
        auto& d = diags_.error("E0204", e.name_span, fmt::format("enum `{}` has no value `{}`", en.name, e.text));
        if (auto s = closest_match(e.text, en.values)) d.help = fmt::format("did you mean `{}`?", *s);
        return error_node(e.span);
      }
    }
    auto b = expr(base, scope);
    if (b->type.kind == Type::error) return error_node(e.span);
    if (b->type.kind != Type::record) {
      diags_.error("E0204", e.name_span, fmt::format("`{}` has no fields; it is `{}`", sm_.text(base.span), prog_.type_name(b->type)));
      return error_node(e.span);
    }
    const auto& c = prog_.cases[static_cast<std::size_t>(b->type.index)];
    for (std::size_t i = 0; i < c.fields.size(); ++i) {
      if (c.fields[i].name == e.text) {
        auto f = node(ir::Op::field, c.fields[i].type, e.span);
        f->index = static_cast<int>(i);
        f->args.push_back(std::move(b));
        return f;
      }
    }
    std::vector<std::string> names;
    for (const auto& f : c.fields) names.push_back(f.name);
    auto& d = diags_.error("E0204", e.name_span, fmt::format("case `{}` has no field `{}`", c.name, e.text));
    if (auto s = closest_match(e.text, names)) d.help = fmt::format("did you mean `{}`?", *s);
    else d.help = fmt::format("its fields are: {}", fmt::join(names, ", "));
    return error_node(e.span);
  }

  ir::ExprPtr call(const ast::Expr& e, Scope& scope) {
    ast::Name callee{e.text, e.name_span};
    const DeclRef* ref = lookup(e.text);
    if (!ref || ref->kind != DeclKind::symbol) {
      if (ref) {
        diags_.error("E0205", e.name_span, fmt::format("`{}` is a {}, not a decision", e.text, decl_kind_name(ref->kind)));
      } else {
        auto& d = diags_.error("E0202", e.name_span, fmt::format("unknown decision `{}`", e.text));
        if (auto s = closest_match(e.text, names_of({DeclKind::symbol}))) d.help = fmt::format("did you mean `{}`?", *s);
      }
      for (const auto& a : e.args) expr(*a, scope);
      return error_node(e.span);
    }
    const auto& sym = prog_.symbols[static_cast<std::size_t>(ref->index)];
    if (sym.params.size() != e.args.size()) {
      auto& d = diags_.error("E0310", e.span,
                             fmt::format("`{}` takes {} argument{}, but {} {} given", sym.name, sym.params.size(),
                                         sym.params.size() == 1 ? "" : "s", e.args.size(), e.args.size() == 1 ? "is" : "are"));
      d.labels.push_back({sym.span, "declared here"});
      for (const auto& a : e.args) expr(*a, scope);
      return error_node(e.span);
    }
    auto c = node(ir::Op::call, sym.result, e.span);
    c->index = ref->index;
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      auto a = expr(*e.args[i], scope);
      if (!(a->type == sym.params[i].type) && a->type.kind != Type::error && sym.params[i].type.kind != Type::error) {
        diags_.error("E0302", e.args[i]->span,
                     fmt::format("argument {} of `{}` must be `{}`, but this is `{}`", i + 1, sym.name,
                                 prog_.type_name(sym.params[i].type), prog_.type_name(a->type)));
      }
      c->args.push_back(std::move(a));
    }
    return c;
  }

  ir::ExprPtr compare(ir::Op op, ir::ExprPtr a, ir::ExprPtr b, Span s, const char* text) {
    const Type ta = a->type, tb = b->type;
    auto n = node(op, Type{Type::boolean, -1, {}, {}, 1}, s);
    const bool ordering = op == ir::Op::lt || op == ir::Op::le || op == ir::Op::gt || op == ir::Op::ge;
    if (ta.kind != Type::error && tb.kind != Type::error) {
      bool ok;
      if (ta.numeric() && tb.numeric()) ok = ta.dim == tb.dim;
      else if (ordering) ok = ta.kind == Type::date && tb.kind == Type::date;
      else ok = ta == tb && ta.kind != Type::record;
      if (!ok) {
        auto& d = diags_.error("E0302", s, fmt::format("cannot compare `{}` {} `{}`", prog_.type_name(ta), text, prog_.type_name(tb)));
        unit_help(d, ta, tb);
        if (ordering && (ta.kind == Type::enumeration || ta.kind == Type::boolean)) d.help = "only numbers and dates can be ordered";
        if (ta.kind == Type::record) d.help = "compare the fields of a case, not the case";
      }
    }
    n->args.push_back(std::move(a));
    n->args.push_back(std::move(b));
    return n;
  }

  ir::ExprPtr binary(const ast::Expr& e, Scope& scope) {
    using B = ast::BinOp;
    const B op = e.op;
    if (op == B::and_ || op == B::or_ || op == B::implies) {
      const char* w = op == B::and_ ? "an operand of `and`" : op == B::or_ ? "an operand of `or`" : "an operand of `implies`";
      auto a = boolean(*e.args[0], scope, w);
      auto b = boolean(*e.args[1], scope, w);
      auto n = node(op == B::and_ ? ir::Op::and_ : op == B::or_ ? ir::Op::or_ : ir::Op::implies, Type{Type::boolean, -1, {}, {}, 1}, e.span);
      n->args.push_back(std::move(a));
      n->args.push_back(std::move(b));
      return n;
    }
    auto a = expr(*e.args[0], scope);
    auto b = expr(*e.args[1], scope);
    switch (op) {
      case B::lt: return compare(ir::Op::lt, std::move(a), std::move(b), e.span, "<");
      case B::le: return compare(ir::Op::le, std::move(a), std::move(b), e.span, "<=");
      case B::gt: return compare(ir::Op::gt, std::move(a), std::move(b), e.span, ">");
      case B::ge: return compare(ir::Op::ge, std::move(a), std::move(b), e.span, ">=");
      case B::eq: return compare(ir::Op::eq, std::move(a), std::move(b), e.span, "==");
      case B::ne: return compare(ir::Op::ne, std::move(a), std::move(b), e.span, "!=");
      default: break;
    }
    const Type ta = a->type, tb = b->type;
    const char* text = ast::binop_text(op);
    if (ta.kind == Type::error || tb.kind == Type::error) return error_node(e.span);
    if (!ta.numeric() || !tb.numeric()) {
      diags_.error("E0302", e.span, fmt::format("cannot apply `{}` to `{}` and `{}`", text, prog_.type_name(ta), prog_.type_name(tb)))
          .help = "arithmetic works on numbers";
      return error_node(e.span);
    }
    Type r{ta.kind == Type::decimal || tb.kind == Type::decimal ? Type::decimal : Type::integer, -1, {}, {}, 1};
    ir::Op iop = ir::Op::add;
    if (op == B::add || op == B::sub) {
      if (ta.dim != tb.dim) {
        auto& d = diags_.error("E0302", e.span, fmt::format("cannot apply `{}` to `{}` and `{}`", text, prog_.type_name(ta), prog_.type_name(tb)));
        unit_help(d, ta, tb);
        return error_node(e.span);
      }
      r.dim = ta.dim;
      iop = op == B::add ? ir::Op::add : ir::Op::sub;
    } else if (op == B::mul) {
      if (!ta.dim.empty() && !tb.dim.empty()) {
        diags_.error("E0302", e.span, fmt::format("cannot multiply `{}` by `{}`", prog_.type_name(ta), prog_.type_name(tb)))
            .help = "one side of `*` must be a plain number";
        return error_node(e.span);
      }
      r.dim = ta.dim.empty() ? tb.dim : ta.dim;
      iop = ir::Op::mul;
    } else {
      if (!tb.dim.empty()) {
        diags_.error("E0302", e.span, fmt::format("cannot divide `{}` by `{}`", prog_.type_name(ta), prog_.type_name(tb)))
            .help = "divide by a plain number";
        return error_node(e.span);
      }
      if (b->op == ir::Op::int_lit && b->ival == 0) {
        diags_.error("E0302", e.span, "division by zero");
        return error_node(e.span);
      }
      r.kind = Type::decimal;
      r.dim = ta.dim;
      iop = ir::Op::div;
    }
    auto n = node(iop, r, e.span);
    n->args.push_back(std::move(a));
    n->args.push_back(std::move(b));
    return n;
  }

  const SourceManager& sm_;
  Diagnostics& diags_;
  ir::Program prog_;
  std::map<std::string, DeclRef> decls_;
  bool horizon_seen_ = false, horizon_reported_ = false;
  std::map<std::string, UnitInfo> units_;
  std::map<std::string, std::vector<std::pair<int, int>>> enum_values_;
  int next_enum_ = 0, next_case_ = 0, next_symbol_ = 0, next_instrument_ = 0, next_norm_ = 0, next_ruleset_ = 0;
};

}  // namespace

const char* ast::binop_text(ast::BinOp op) {
  switch (op) {
    case BinOp::mul: return "*";
    case BinOp::div: return "/";
    case BinOp::add: return "+";
    case BinOp::sub: return "-";
    case BinOp::lt: return "<";
    case BinOp::le: return "<=";
    case BinOp::gt: return ">";
    case BinOp::ge: return ">=";
    case BinOp::eq: return "==";
    case BinOp::ne: return "!=";
    case BinOp::and_: return "and";
    case BinOp::or_: return "or";
    case BinOp::implies: return "implies";
  }
  return "?";
}

std::vector<ir::Level> default_levels() {
  return {{"treaty", 6},  {"eu_regulation", 5},          {"eu_directive", 5}, {"act", 4},
          {"decree", 3},  {"ministerial_regulation", 2}, {"policy_rule", 1}};
}

std::optional<ir::Program> analyze(const SourceManager& sm, const std::vector<ast::File>& files, Diagnostics& diags) {
  Analyzer a(sm, diags);
  return a.run(files);
}

}  // namespace normcheck
