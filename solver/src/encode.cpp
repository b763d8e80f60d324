#include "encode.h"

#include <algorithm>

#include <fmt/format.h>

namespace normcheck::enc {

Encoder::Encoder(z3::context& ctx, const ir::Program& prog) : ctx_(ctx), prog_(prog), fact_constraints_(ctx.bool_val(true)) {
  for (std::size_t i = 0; i < prog.enums.size(); ++i) add_enum(i, "enum!");
}

Encoder::Encoder(z3::context& ctx, const ir::Program& prog, const Encoder& share)
    : ctx_(ctx), prog_(prog), fact_constraints_(ctx.bool_val(true)) {
  for (std::size_t i = 0; i < prog.enums.size(); ++i) {
    const auto& e = prog.enums[i];
    bool shared = false;
    for (std::size_t k = 0; k < share.prog_.enums.size() && !shared; ++k) {
      if (share.prog_.enums[k].name != e.name || share.prog_.enums[k].values != e.values) continue;
      enum_sorts_.push_back(share.enum_sorts_[k]);
      enum_consts_.push_back(share.enum_consts_[k]);
      enum_shared_.push_back(true);
      shared = true;
    }
    // an enum that changed gets a sort of its own: its values are not comparable
    if (!shared) add_enum(i, "enum!other!");
  }
}

void Encoder::add_enum(std::size_t index, const char* prefix) {
  const auto& e = prog_.enums[index];
  std::vector<std::string> names;
  const std::string shared_prefix = prefix == std::string("enum!") ? "" : "other!";
  for (const auto& v : e.values) names.push_back(shared_prefix + e.name + "." + v);
  std::vector<const char*> cnames;
  for (const auto& n : names) cnames.push_back(n.c_str());
  z3::func_decl_vector consts(ctx_), testers(ctx_);
  // `enum!` keeps the sort's name clear of other solvers' built-in sorts
  // (cvc5 reserves `Relation`, `Set`, `Bag`, ...) in exported queries
  const std::string sort_name = prefix + e.name;
  z3::sort s = ctx_.enumeration_sort(sort_name.c_str(), static_cast<unsigned>(cnames.size()), cnames.data(), consts, testers);
  enum_sorts_.push_back(s);
  enum_consts_.push_back(consts);
  enum_shared_.push_back(false);
}

void Encoder::begin_norm() {
  calls_.clear();
  used_literals_.clear();
  used_ids_.clear();
  fired_.clear();
  fired_defs_.clear();
  facts_used_.clear();
  fact_symbols_.clear();
  fact_constraints_ = ctx_.bool_val(true);
}

void Encoder::configure(const std::vector<int>& rulesets, int subject, const detail::ProgramIndex* index) {
  defs_.clear();
  invokes_.clear();
  by_symbol_.clear();
  calls_.clear();
  subject_ = subject;
  index_ = index;
  active_.assign(prog_.rulesets.size(), 0);
  std::vector<int> order = rulesets;
  if (subject >= 0) order.push_back(subject);
  for (int r : order) {
    active_[static_cast<std::size_t>(r)] = 1;
    const auto& rs = prog_.rulesets[static_cast<std::size_t>(r)];
    if (!index)
      for (std::size_t i = 0; i < rs.defines.size(); ++i) {
        if (rs.defines[i].symbol < 0) continue;
        defs_.push_back({r, static_cast<int>(i), &rs.defines[i],
                         ctx_.bool_const(fmt::format("clause!{}!define!{}", rs.id, i).c_str())});
      }
    for (std::size_t i = 0; i < rs.invokes.size(); ++i) {
      invokes_.push_back({r, static_cast<int>(i), rs.invokes[i].derogation,
                          ctx_.bool_const(fmt::format("clause!{}!invoke!{}", rs.id, i).c_str())});
    }
  }
  if (index) return;  // definitions are made per symbol, when first needed
  std::vector<std::size_t> idx(defs_.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return precedence(defs_[a]) > precedence(defs_[b]); });
  for (std::size_t i : idx) by_symbol_[defs_[i].def->symbol].push_back(i);
}

// precedence: the subject first, then higher level, then later start, then later in the source
std::tuple<int, int, std::int64_t, int, int> Encoder::precedence(const ActiveDef& d) const {
  const auto& rs = prog_.rulesets[static_cast<std::size_t>(d.ruleset)];
  return std::make_tuple(d.ruleset == subject_ ? 1 : 0, rs.level.rank, rs.period.from.value_or(INT64_MIN), d.ruleset, d.define);
}

const std::vector<std::size_t>& Encoder::alternatives_of(int symbol) {
  static const std::vector<std::size_t> none;
  auto it = by_symbol_.find(symbol);
  if (it != by_symbol_.end()) return it->second;
  if (!index_) return none;
  // lazy: this symbol's active definitions, made now
  std::vector<std::size_t> idx;
  for (const auto& [r, i] : index_->definers[static_cast<std::size_t>(symbol)]) {
    if (!active_[static_cast<std::size_t>(r)]) continue;
    const auto& rs = prog_.rulesets[static_cast<std::size_t>(r)];
    idx.push_back(defs_.size());
    defs_.push_back({r, i, &rs.defines[static_cast<std::size_t>(i)], ctx_.bool_const(fmt::format("clause!{}!define!{}", rs.id, i).c_str())});
  }
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return precedence(defs_[a]) > precedence(defs_[b]); });
  return by_symbol_.emplace(symbol, std::move(idx)).first->second;
}

void Encoder::complete() {
  if (!index_) return;
  for (std::size_t s = 0; s < index_->definers.size(); ++s)
    if (!index_->definers[s].empty()) alternatives_of(static_cast<int>(s));
}

z3::sort Encoder::sort(const ir::Type& t) {
  switch (t.kind) {
    case ir::Type::boolean: return ctx_.bool_sort();
    case ir::Type::integer:
    case ir::Type::date: return ctx_.int_sort();
    case ir::Type::decimal: return ctx_.real_sort();
    case ir::Type::enumeration: return enum_sorts_[static_cast<std::size_t>(t.index)];
    default: return ctx_.bool_sort();
  }
}

Val Encoder::fresh(const std::string& name, const ir::Type& t) {
  Val v;
  if (t.kind == ir::Type::record) {
    // fields declared in a larger unit hold whole units (`int years`: multiples of 12 months)
    for (const auto& f : prog_.cases[static_cast<std::size_t>(t.index)].fields)
      v.parts.push_back(ctx_.constant(fmt::format("case!{}.{}", name, f.name).c_str(), sort(f.type)));
  } else {
    v.parts.push_back(ctx_.constant(fmt::format("case!{}", name).c_str(), sort(t)));
  }
  return v;
}

z3::expr Encoder::case_assumptions(const Val& v, int case_index) {
  z3::expr acc = ctx_.bool_val(true);
  std::vector<Val> env{v};
  const int saved = depth_;
  depth_ = 1;  // assumptions are not outcomes
  const auto& c = prog_.cases[static_cast<std::size_t>(case_index)];
  for (std::size_t i = 0; i < c.fields.size(); ++i) {
    const auto& t = c.fields[i].type;
    if (t.kind == ir::Type::integer && t.factor > 1) acc = acc && z3::mod(v.parts[i], ctx_.int_val(t.factor)) == 0;
  }
  for (const auto& a : c.assumes) acc = acc && lower(*a, env).value;
  depth_ = saved;
  return acc;
}

z3::expr Encoder::scenario_assumptions(int scenario) {
  z3::expr acc = ctx_.bool_val(true);
  if (scenario < 0) return acc;
  const int saved = depth_;
  depth_ = 1;
  for (const auto& a : prog_.scenarios[static_cast<std::size_t>(scenario)].assumes) acc = acc && lower(*a, {}).value;
  depth_ = saved;
  return acc;
}

z3::expr Encoder::enum_value(int e, int v) {
  return enum_consts_[static_cast<std::size_t>(e)][static_cast<unsigned>(v)]();
}

z3::expr Encoder::coerce(const z3::expr& x, const ir::Type& from, const ir::Type& to) {
  if (from.kind == ir::Type::integer && to.kind == ir::Type::decimal) return z3::to_real(x);
  return x;
}

z3::func_decl Encoder::free_decl(int symbol) {
  auto it = free_.find(symbol);
  if (it != free_.end()) return it->second;
  const auto& sym = prog_.symbols[static_cast<std::size_t>(symbol)];
  z3::sort_vector domain(ctx_);
  for (const auto& p : sym.params) {
    if (p.type.kind == ir::Type::record) {
      for (const auto& f : prog_.cases[static_cast<std::size_t>(p.type.index)].fields) domain.push_back(sort(f.type));
    } else {
      domain.push_back(sort(p.type));
    }
  }
  z3::func_decl d = ctx_.function(fmt::format("undefined!{}", sym.name).c_str(), domain, sort(sym.result));
  free_.emplace(symbol, d);
  return d;
}

z3::expr Encoder::add_hypothetical_invoke(int subject, int derogation) {
  z3::expr lit = ctx_.bool_const(fmt::format("clause!hypothetical!invoke!{}", prog_.norms[static_cast<std::size_t>(derogation)].id).c_str());
  invokes_.push_back({subject, -1, derogation, lit});
  return lit;
}

Lowered Encoder::lower(const ir::Expr& e, const std::vector<Val>& env) {
  const z3::expr T = ctx_.bool_val(true);
  if (!overrides_.empty()) {
    auto o = overrides_.find(&e);
    if (o != overrides_.end()) return {o->second, T};
  }
  auto both = [&](const Lowered& a, const Lowered& b) { return a.defined && b.defined; };
  switch (e.op) {
    case ir::Op::int_lit:
      return {ctx_.int_val(static_cast<int64_t>(e.ival)), T};
    case ir::Op::dec_lit:
      return {ctx_.real_val(fmt::format("{}/{}", e.ival, e.den).c_str()), T};
    case ir::Op::bool_lit:
      return {ctx_.bool_val(e.ival != 0), T};
    case ir::Op::date_lit:
      return {ctx_.int_val(static_cast<int64_t>(e.ival)), T};
    case ir::Op::enum_lit:
      return {enum_value(e.type.index, e.index), T};
    case ir::Op::var:
      return {env[static_cast<std::size_t>(e.index)].parts.at(0), T};
    case ir::Op::field: {
      const ir::Expr& base = *e.args[0];
      return {env[static_cast<std::size_t>(base.index)].parts.at(static_cast<std::size_t>(e.index)), T};
    }
    case ir::Op::call:
      return call(e, env);
    case ir::Op::not_: {
      auto a = lower(*e.args[0], env);
      return {!a.value, a.defined};
    }
    case ir::Op::neg: {
      auto a = lower(*e.args[0], env);
      return {-a.value, a.defined};
    }
    case ir::Op::add: case ir::Op::sub: case ir::Op::mul: case ir::Op::div: {
      auto a = lower(*e.args[0], env);
      auto b = lower(*e.args[1], env);
      z3::expr x = coerce(a.value, e.args[0]->type, e.type);
      z3::expr y = coerce(b.value, e.args[1]->type, e.type);
      if (e.op == ir::Op::div) {
        x = e.args[0]->type.kind == ir::Type::integer ? z3::to_real(a.value) : a.value;
        y = e.args[1]->type.kind == ir::Type::integer ? z3::to_real(b.value) : b.value;
        // Division by zero is defined as "undefined" so that it never yields a verdict on its own.
        return {x / y, both(a, b) && y != ctx_.real_val(0)};
      }
      z3::expr r = e.op == ir::Op::add ? x + y : e.op == ir::Op::sub ? x - y : x * y;
      return {r, both(a, b)};
    }
    case ir::Op::lt: case ir::Op::le: case ir::Op::gt: case ir::Op::ge: case ir::Op::eq: case ir::Op::ne: {
      auto a = lower(*e.args[0], env);
      auto b = lower(*e.args[1], env);
      z3::expr x = a.value, y = b.value;
      if (x.is_int() && y.is_real()) x = z3::to_real(x);
      if (x.is_real() && y.is_int()) y = z3::to_real(y);
      z3::expr r = e.op == ir::Op::lt ? x < y : e.op == ir::Op::le ? x <= y : e.op == ir::Op::gt ? x > y
                 : e.op == ir::Op::ge ? x >= y : e.op == ir::Op::eq ? x == y : x != y;
      return {r, both(a, b)};
    }
    case ir::Op::and_: {
      auto a = lower(*e.args[0], env);
      auto b = lower(*e.args[1], env);
      // A false, defined operand decides `and` on its own.
      return {a.value && b.value, (a.defined && b.defined) || (a.defined && !a.value) || (b.defined && !b.value)};
    }
    case ir::Op::or_: {
      auto a = lower(*e.args[0], env);
      auto b = lower(*e.args[1], env);
      return {a.value || b.value, (a.defined && b.defined) || (a.defined && a.value) || (b.defined && b.value)};
    }
    case ir::Op::implies: {
      auto a = lower(*e.args[0], env);
      auto b = lower(*e.args[1], env);
      return {z3::implies(a.value, b.value), (a.defined && b.defined) || (a.defined && !a.value) || (b.defined && b.value)};
    }
    case ir::Op::ite: {
      auto c = lower(*e.args[0], env);
      auto a = lower(*e.args[1], env);
      auto b = lower(*e.args[2], env);
      z3::expr x = coerce(a.value, e.args[1]->type, e.type);
      z3::expr y = coerce(b.value, e.args[2]->type, e.type);
      return {z3::ite(c.value, x, y), c.defined && z3::ite(c.value, a.defined, b.defined)};
    }
  }
  return {ctx_.bool_val(false), T};
}

Lowered Encoder::call(const ir::Expr& e, const std::vector<Val>& env) {
  const auto& sym = prog_.symbols[static_cast<std::size_t>(e.index)];
  std::vector<Val> args;
  std::vector<int> binder_of_arg;
  z3::expr args_defined = ctx_.bool_val(true);
  z3::expr_vector flat(ctx_);
  for (const auto& a : e.args) {
    if (a->type.kind == ir::Type::record) {
      // a case argument is a binder (sema guarantees it)
      args.push_back(env[static_cast<std::size_t>(a->index)]);
      binder_of_arg.push_back(a->index);
    } else {
      auto l = lower(*a, env);
      args_defined = args_defined && l.defined;
      args.push_back(Val{{l.value}});
      binder_of_arg.push_back(-1);
    }
    for (const auto& p : args.back().parts) flat.push_back(p);
  }
  if (sym.kind == ir::SymbolKind::fact) {
    auto it = facts_.find(sym.name);
    if (it == facts_.end()) it = facts_.emplace(sym.name, ctx_.constant(fmt::format("fact!{}", sym.name).c_str(), sort(sym.result))).first;
    bool seen = false;
    for (const auto& [n, x] : facts_used_) seen = seen || n == sym.name;
    if (!seen) {
      facts_used_.emplace_back(sym.name, it->second);
      fact_symbols_.push_back(e.index);
      // a fact declared in a larger unit holds whole units (`int years`: multiples of 12 months)
      if (sym.result.kind == ir::Type::integer && sym.result.factor > 1)
        fact_constraints_ = fact_constraints_ && z3::mod(it->second, ctx_.int_val(sym.result.factor)) == 0;
    }
    return {it->second, ctx_.bool_val(true)};
  }
  z3::expr value = free_decl(e.index)(flat);
  z3::expr defined = ctx_.bool_val(false);
  const std::vector<std::size_t>& alternatives = alternatives_of(e.index);
  if (!alternatives.empty()) {
    struct Alt {
      int ruleset;
      z3::expr guard, undecidable, value, defined;
    };
    std::vector<Alt> alts;  // highest precedence first
    ++depth_;
    z3::expr none_higher = ctx_.bool_val(true);
    for (std::size_t k : alternatives) {
      const ActiveDef& ad = defs_[k];
      note_literal(ad.literal);
      const ir::Definition& d = *ad.def;
      const bool relaxed = relaxed_ && ad.ruleset == subject_;
      z3::expr match = relaxed ? ctx_.bool_val(true) : ad.literal;
      for (std::size_t i = 0; i < d.patterns.size(); ++i) {
        if (d.patterns[i].is_value) match = match && args[i].parts[0] == enum_value(sym.params[i].type.index, d.patterns[i].value);
      }
      z3::expr guard = match, undecidable = ctx_.bool_val(false);
      if (d.when) {
        // a `when` that depends on an undefined decision leaves the outcome undefined
        auto w = lower(*d.when, args);
        guard = match && w.value;
        undecidable = match && !w.defined;
      }
      auto v = lower(*d.value, args);
      z3::expr value_k = coerce(v.value, d.value->type, sym.result);
      if (relaxed) {
        // switched off: a value of its own, free
        z3::sort_vector dom(ctx_);
        for (unsigned i = 0; i < flat.size(); ++i) dom.push_back(flat[i].get_sort());
        z3::func_decl dropped = ctx_.function(fmt::format("dropped!{}!{}", prog_.rulesets[static_cast<std::size_t>(ad.ruleset)].id, ad.define).c_str(),
                                              dom, sort(sym.result));
        value_k = z3::ite(ad.literal, value_k, dropped(flat));
      }
      z3::expr selected = none_higher && guard;
      auto f = fired_.find(ad.ruleset);
      if (f == fired_.end()) fired_.emplace(ad.ruleset, selected);
      else f->second = f->second || selected;
      auto fd = fired_defs_.find({ad.ruleset, ad.define});
      if (fd == fired_defs_.end()) fired_defs_.emplace(std::make_pair(ad.ruleset, ad.define), selected);
      else fd->second = fd->second || selected;
      none_higher = none_higher && !guard;
      alts.push_back({ad.ruleset, guard, undecidable, value_k, v.defined});
    }
    --depth_;
    // fold from the lowest precedence up, so the highest ends outermost
    for (auto a = alts.rbegin(); a != alts.rend(); ++a) {
      value = z3::ite(a->guard, a->value, value);
      defined = z3::ite(a->undecidable, ctx_.bool_val(false), z3::ite(a->guard, a->defined, defined));
    }
  }
  defined = defined && args_defined;
  if (depth_ == 0) calls_.push_back({e.index, args, binder_of_arg, value, defined});
  return {value, defined};
}

namespace {
// `1 month`, `2 months`: singular units for exactly one.
std::string quantity(const std::string& n, const std::string& unit) {
  if (n == "1" && unit.size() > 1 && unit.back() == 's' && unit != "EUR") return n + " " + unit.substr(0, unit.size() - 1);
  return n + " " + unit;
}
}  // namespace

std::string Encoder::show(const z3::expr& v, const ir::Type& t) {
  switch (t.kind) {
    case ir::Type::boolean: return v.is_true() ? "true" : v.is_false() ? "false" : v.to_string();
    case ir::Type::integer: {
      int64_t n = 0;
      if (t.factor > 1 && v.is_numeral_i64(n) && n % t.factor == 0) return quantity(std::to_string(n / t.factor), t.unit);
      std::string s = v.is_numeral() ? v.get_decimal_string(0) : v.to_string();
      return t.dim.empty() ? s : quantity(s, t.dim);
    }
    case ir::Type::decimal: {
      std::string s = v.is_numeral() ? v.get_decimal_string(4) : v.to_string();
      if (s.size() > 1 && s.back() == '?') s.pop_back();
      return t.dim.empty() ? s : quantity(s, t.dim);
    }
    case ir::Type::date: {
      int64_t d = 0;
      if (v.is_numeral_i64(d)) return ir::format_date(d);
      return v.to_string();
    }
    case ir::Type::enumeration: {
      std::string s = v.to_string();
      const auto dot = s.find('.');
      return dot == std::string::npos ? s : s.substr(dot + 1);
    }
    default: return v.to_string();
  }
}

std::string Encoder::exact(const z3::expr& v, const ir::Type& t) {
  switch (t.kind) {
    case ir::Type::boolean: return v.is_true() ? "true" : v.is_false() ? "false" : "";
    case ir::Type::integer:
    case ir::Type::date:
    case ir::Type::decimal: {
      if (!v.is_numeral()) return "";
      if (v.is_int()) return v.get_decimal_string(0);
      int64_t num = 0, den = 0;
      if (!v.numerator().is_numeral_i64(num) || !v.denominator().is_numeral_i64(den)) return "";
      return den == 1 ? std::to_string(num) : fmt::format("{}/{}", num, den);
    }
    case ir::Type::enumeration: return show(v, t);
    default: return "";
  }
}

std::string Encoder::show_call(const CallRecord& c, const z3::model& m, const std::vector<std::string>& binder_names) {
  const auto& sym = prog_.symbols[static_cast<std::size_t>(c.symbol)];
  std::vector<std::string> args;
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    const auto& p = sym.params[i];
    if (p.type.kind == ir::Type::record)
      args.push_back(c.binder_of_arg[i] >= 0 && static_cast<std::size_t>(c.binder_of_arg[i]) < binder_names.size()
                         ? binder_names[static_cast<std::size_t>(c.binder_of_arg[i])] : p.name);
    else args.push_back(show(m.eval(c.args[i].parts[0], true), p.type));
  }
  std::string head = args.empty() ? sym.name : fmt::format("{}({})", sym.name, fmt::join(args, ", "));
  return head;
}

}  // namespace normcheck::enc
