// Witness replay: a direct interpreter of the IR, independent of the solver
// and of the encoding (no z3 here). It evaluates a norm over a witness's
// case fields and world values, computing every decision from the active
// definitions as docs/architecture.md defines them:
//   - the active rule sets are the rules in force at the date, plus the
//     subject (with each option's first choice; the other choices' clauses
//     are off);
//   - definitions of a decision are ordered: the subject first, then higher
//     level, then later start date, then later in the source; the first whose
//     patterns and `when` match decides; none: undefined;
//   - a `when` that is undefined leaves the outcome undefined; so does
//     division by zero; `and`, `or`, `implies` are decided by one defined
//     operand that settles them.
// A conflict's witness must satisfy the assumptions, violate the norm and be
// a case where the blamed rules decide an outcome the norm depends on; a
// gap's witness must make the norm apply, unexcused, with an undefined
// outcome. Where that depends on a value the witness does not fix (the
// arbitrary value of an undefined decision), the witness is "not replayed".
#include "normcheck/replay.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "index.h"

namespace normcheck {

namespace {

__extension__ typedef __int128 i128;

// Thrown when the witness cannot be replayed (not an inconsistency).
struct Undecidable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const i128 kLimit = static_cast<i128>(1) << 100;

i128 checked(i128 x) {
  if (x > kLimit || x < -kLimit) throw Undecidable("a number grows beyond what the evaluator holds exactly");
  return x;
}

i128 gcd(i128 a, i128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// An exact rational.
struct Rat {
  i128 num = 0, den = 1;
  static Rat make(i128 n, i128 d) {
    if (d < 0) {
      n = -n;
      d = -d;
    }
    const i128 g = gcd(n, d);
    if (g > 1) {
      n /= g;
      d /= g;
    }
    return {checked(n), checked(d)};
  }
  friend Rat operator+(Rat a, Rat b) { return make(checked(a.num * b.den) + checked(b.num * a.den), checked(a.den * b.den)); }
  friend Rat operator-(Rat a, Rat b) { return make(checked(a.num * b.den) - checked(b.num * a.den), checked(a.den * b.den)); }
  friend Rat operator*(Rat a, Rat b) { return make(checked(a.num * b.num), checked(a.den * b.den)); }
  friend Rat operator/(Rat a, Rat b) { return make(checked(a.num * b.den), checked(a.den * b.num)); }
  friend bool operator==(Rat a, Rat b) { return a.num == b.num && a.den == b.den; }
  friend bool operator<(Rat a, Rat b) { return checked(a.num * b.den) < checked(b.num * a.den); }
};

// A scalar value and whether it is defined (every decision it depends on is
// decided by some rule). Booleans and enum values live in `num` as 0/1 and
// the value index.
struct V {
  bool defined = true;
  Rat num;
  bool truth() const { return num.num != 0; }
};

V boolean(bool b, bool defined = true) { return {defined, Rat{b ? 1 : 0, 1}}; }

// A binder's value: a case (one V per field) or a scalar.
struct Binding {
  std::vector<V> parts;
};

enum class Tri { no, yes, unknown };
Tri tri_and(Tri a, Tri b) {
  if (a == Tri::no || b == Tri::no) return Tri::no;
  if (a == Tri::yes && b == Tri::yes) return Tri::yes;
  return Tri::unknown;
}
Tri tri_not(Tri a) { return a == Tri::yes ? Tri::no : a == Tri::no ? Tri::yes : Tri::unknown; }
Tri tri_of(const V& v) { return v.defined ? (v.truth() ? Tri::yes : Tri::no) : Tri::unknown; }

std::optional<i128> parse_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  i128 v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = checked(v * 10 + (s[i] - '0'));
  }
  return neg ? -v : v;
}

class Evaluator {
 public:
  // INDEX: the program's definers per symbol (shared by every witness of a
  // run); a symbol's definitions in effect are sorted when first applied,
  // so a witness costs what it touches, not the size of the program.
  Evaluator(const ir::Program& prog, const Verdict& v, const detail::ProgramIndex& index) : prog_(prog), v_(v), index_(index) {
    const int subject = v.subject;
    if (subject >= 0) {
      // `check` takes each option's first choice; the others' clauses are off
      for (const auto& o : prog.rulesets[static_cast<std::size_t>(subject)].options)
        for (std::size_t c = 1; c < o.choices.size(); ++c) {
          off_defines_.insert(o.choices[c].defines.begin(), o.choices[c].defines.end());
          off_invokes_.insert(o.choices[c].invokes.begin(), o.choices[c].invokes.end());
        }
    }
    active_.assign(prog.rulesets.size(), 0);
    for (std::size_t r = 0; r < prog.rulesets.size(); ++r)
      if (!prog.rulesets[r].measure && prog.rulesets[r].period.contains(v.at)) active_[r] = 1;
    if (subject >= 0) active_[static_cast<std::size_t>(subject)] = 1;
    for (std::size_t r = 0; r < prog.rulesets.size(); ++r) {
      if (!active_[r]) continue;
      const auto& rs = prog.rulesets[r];
      for (std::size_t i = 0; i < rs.invokes.size(); ++i) {
        mentioned_.insert(rs.invokes[i].derogation);
        if (!(static_cast<int>(r) == subject && off_invokes_.count(static_cast<int>(i)))) invoked_.insert(rs.invokes[i].derogation);
      }
    }
  }

  // The definitions of SYMBOL in effect, highest precedence first: the
  // subject first, then higher level, then later start, then later in the source.
  const std::vector<std::pair<int, const ir::Definition*>>& definitions(int symbol) {
    auto it = defs_.find(symbol);
    if (it != defs_.end()) return it->second;
    struct Def {
      std::tuple<int, int, ir::Day, int, int> key;
      int ruleset;
      const ir::Definition* def;
    };
    std::vector<Def> defs;
    const int subject = v_.subject;
    for (const auto& [r, i] : index_.definers[static_cast<std::size_t>(symbol)]) {
      if (!active_[static_cast<std::size_t>(r)] || (r == subject && off_defines_.count(i))) continue;
      const auto& rs = prog_.rulesets[static_cast<std::size_t>(r)];
      defs.push_back({{r == subject ? 1 : 0, rs.level.rank, rs.period.from.value_or(INT64_MIN), r, i}, r, &rs.defines[static_cast<std::size_t>(i)]});
    }
    std::sort(defs.begin(), defs.end(), [](const Def& a, const Def& b) { return a.key > b.key; });
    auto& out = defs_[symbol];
    for (const auto& d : defs) out.emplace_back(d.ruleset, d.def);
    return out;
  }

  ReplayResult run(const Finding& f) {
    try {
      replay(f);  // sets result_
      return result_;
    } catch (const Undecidable& e) {
      return {ReplayStatus::not_replayed, e.what()};
    }
  }

 private:
  ReplayResult fail(const std::string& why) { return {ReplayStatus::failed, why}; }

  V parse(const WitnessValue& w, const ir::Type& t) {
    if (w.exact.empty()) throw Undecidable(fmt::format("`{}` has no exact value in the witness", w.name));
    switch (t.kind) {
      case ir::Type::boolean:
        if (w.exact == "true" || w.exact == "false") return boolean(w.exact == "true");
        break;
      case ir::Type::enumeration: {
        const auto& vals = prog_.enums[static_cast<std::size_t>(t.index)].values;
        for (std::size_t i = 0; i < vals.size(); ++i)
          if (vals[i] == w.exact) return {true, Rat{static_cast<i128>(i), 1}};
        break;
      }
      case ir::Type::integer:
      case ir::Type::date:
      case ir::Type::decimal: {
        const auto slash = w.exact.find('/');
        const auto n = parse_int(w.exact.substr(0, slash));
        const auto d = slash == std::string::npos ? std::optional<i128>(1) : parse_int(w.exact.substr(slash + 1));
        if (n && d && *d != 0 && (t.kind == ir::Type::decimal || *d == 1)) return {true, Rat::make(*n, *d)};
        break;
      }
      default: break;
    }
    throw std::invalid_argument(fmt::format("`{}` = `{}` is not a value of type {}", w.name, w.exact, prog_.type_name(t)));
  }

  bool replay(const Finding& f) {
    const auto& n = prog_.norms[static_cast<std::size_t>(f.norm)];
    // the witness's cases and world
    std::vector<Binding> env;
    std::vector<V> assumptions;  // each must hold
    try {
      for (const auto& b : n.binders) {
        const WitnessCase* wc = nullptr;
        for (const auto& c : f.witness.cases)
          if (c.var == b.name) wc = &c;
        if (!wc) {
          result_ = fail(fmt::format("the witness has no case `{}`", b.name));
          return false;
        }
        Binding bind;
        if (b.type.kind == ir::Type::record) {
          const auto& c = prog_.cases[static_cast<std::size_t>(b.type.index)];
          if (wc->fields.size() != c.fields.size()) {
            result_ = fail(fmt::format("the witness's case `{}` has {} fields, not {}", b.name, wc->fields.size(), c.fields.size()));
            return false;
          }
          for (std::size_t i = 0; i < c.fields.size(); ++i) {
            V x = parse(wc->fields[i], c.fields[i].type);
            const auto& t = c.fields[i].type;
            // fields declared in a larger unit hold whole units
            if (t.kind == ir::Type::integer && t.factor > 1) assumptions.push_back(boolean(x.num.num % t.factor == 0));
            bind.parts.push_back(x);
          }
        } else {
          if (wc->fields.size() != 1) {
            result_ = fail(fmt::format("the witness's value `{}` has {} parts", b.name, wc->fields.size()));
            return false;
          }
          bind.parts.push_back(parse(wc->fields[0], b.type));
        }
        env.push_back(std::move(bind));
      }
      for (const auto& w : f.witness.world) {
        for (const auto& sym : prog_.symbols) {
          if (sym.kind != ir::SymbolKind::fact || sym.name != w.name) continue;
          V x = parse(w, sym.result);
          if (sym.result.kind == ir::Type::integer && sym.result.factor > 1) assumptions.push_back(boolean(x.num.num % sym.result.factor == 0));
          facts_[sym.name] = x;
        }
      }
    } catch (const std::invalid_argument& e) {
      result_ = fail(e.what());
      return false;
    }
    // the cases' and the scenario's assumptions
    for (std::size_t i = 0; i < n.binders.size(); ++i) {
      const auto& b = n.binders[i];
      if (b.type.kind != ir::Type::record) continue;
      for (const auto& a : prog_.cases[static_cast<std::size_t>(b.type.index)].assumes) assumptions.push_back(eval(*a, {env[i]}));
    }
    if (v_.scenario >= 0)
      for (const auto& a : prog_.scenarios[static_cast<std::size_t>(v_.scenario)].assumes) assumptions.push_back(eval(*a, {}));
    for (const auto& a : assumptions) {
      if (!a.defined) throw Undecidable("an assumption depends on an undefined decision");
      if (!a.truth()) {
        result_ = fail(fmt::format("the witness of `{}` breaks an `assume` of the cases or the scenario", n.id));
        return false;
      }
    }
    const V T = boolean(true);
    const V cond = n.cond ? eval(*n.cond, env) : T;
    const V unless = n.unless ? eval(*n.unless, env) : boolean(false);
    const V body = eval(*n.body, env);
    // excuse: an invoked derogation in force whose conditions and requirement hold
    bool excuse = false, excuse_defined = true;
    for (int d : n.derogations) {
      const auto& dn = prog_.norms[static_cast<std::size_t>(d)];
      if (!dn.period.contains(v_.at) || !mentioned_.count(d)) continue;
      bool holds = true, parts_defined = true;
      if (dn.cond) {
        const V c = eval(*dn.cond, env);
        holds = holds && c.truth();
        parts_defined = parts_defined && c.defined;
      }
      if (dn.unless) {
        const V u = eval(*dn.unless, env);
        holds = holds && !u.truth();
        parts_defined = parts_defined && u.defined;
      }
      if (dn.body && dn.modality) {
        const V b = eval(*dn.body, env);
        holds = holds && (*dn.modality == ir::Modality::must_not ? !b.truth() : b.truth());
        parts_defined = parts_defined && b.defined;
      }
      if (!invoked_.count(d)) continue;  // mentioned by a clause switched off: lowered, never an excuse
      excuse = excuse || (holds && parts_defined);
      excuse_defined = excuse_defined && parts_defined;
    }
    const bool defined = cond.defined && unless.defined && body.defined && excuse_defined;
    const Tri applies = tri_and(tri_of(cond), tri_not(tri_of(unless)));
    const std::string who = v_.subject < 0 ? std::string("current law") : fmt::format("measure `{}`", prog_.rulesets[static_cast<std::size_t>(v_.subject)].id);
    if (f.kind == FindingKind::gap) {
      if (*n.modality == ir::Modality::may) {
        result_ = fail(fmt::format("a gap reported on `{}`, a right", n.id));
        return false;
      }
      if (defined) {
        result_ = fail(fmt::format("the witness of the gap in `{}` for {} has every outcome defined", n.id, who));
        return false;
      }
      if (excuse) {
        result_ = fail(fmt::format("in the witness of the gap in `{}` for {} a derogation excuses the case", n.id, who));
        return false;
      }
      if (applies == Tri::unknown) throw Undecidable(fmt::format("whether `{}` applies depends on an undefined decision", n.id));
      if (applies == Tri::no) {
        result_ = fail(fmt::format("`{}` does not apply to the witness of its gap for {}", n.id, who));
        return false;
      }
      return outcomes_agree(f, env);
    }
    // a conflict: the violation
    if (!defined) {
      result_ = fail(fmt::format("the witness of the conflict with `{}` for {} leaves an outcome undefined", n.id, who));
      return false;
    }
    if (applies != Tri::yes) {
      result_ = fail(fmt::format("`{}` does not apply to the witness of the conflict for {}", n.id, who));
      return false;
    }
    if (excuse) {
      result_ = fail(fmt::format("in the witness of the conflict with `{}` for {} a derogation excuses the case", n.id, who));
      return false;
    }
    const bool met = *n.modality == ir::Modality::must_not ? !body.truth() : body.truth();
    if (met) {
      result_ = fail(fmt::format("the witness of the conflict with `{}` for {} meets the norm", n.id, who));
      return false;
    }
    // and it is the blamed side's doing: one of its definitions decides an outcome the norm uses
    const int nrank = n.instrument >= 0 ? prog_.instruments[static_cast<std::size_t>(n.instrument)].level.rank : 0;
    auto blamed = [&](int r) {
      if (v_.subject >= 0) return r == v_.subject;
      return prog_.rulesets[static_cast<std::size_t>(r)].level.rank <= nrank;
    };
    bool unknown = false;
    for (int r : fired_yes_)
      if (blamed(r)) return outcomes_agree(f, env);
    for (int r : fired_unknown_) unknown = unknown || blamed(r);
    if (unknown) throw Undecidable(fmt::format("whether {} decides the witness's outcomes depends on an undefined decision", who));
    result_ = fail(fmt::format("in the witness of the conflict with `{}`, {} decides none of the outcomes the norm depends on", n.id, who));
    return false;
  }

  // Every outcome the witness shows is what the evaluator computes for the
  // same call: the solver's model and its rendering agree with the rules.
  bool outcomes_agree(const Finding& f, const std::vector<Binding>& env) {
    const auto& n = prog_.norms[static_cast<std::size_t>(f.norm)];
    if (f.witness.calls.size() != f.witness.outcomes.size()) {  // nothing to compare with
      result_ = {};
      return true;
    }
    for (std::size_t k = 0; k < f.witness.outcomes.size(); ++k) {
      const WitnessValue& o = f.witness.outcomes[k];
      const OutcomeCall& oc = f.witness.calls[k];
      if (oc.symbol < 0) continue;
      const auto& sym = prog_.symbols[static_cast<std::size_t>(oc.symbol)];
      if (oc.arg_binders.size() != sym.params.size() || oc.arg_exact.size() != sym.params.size()) {
        result_ = fail(fmt::format("the outcome `{}` in the witness of `{}` has {} arguments", o.name, n.id, oc.arg_binders.size()));
        return false;
      }
      std::vector<Binding> args;
      try {
        for (std::size_t i = 0; i < sym.params.size(); ++i) {
          const auto& pt = sym.params[i].type;
          if (pt.kind == ir::Type::record) {
            const int b = oc.arg_binders[i];
            if (b < 0 || static_cast<std::size_t>(b) >= env.size()) throw Undecidable(fmt::format("the outcome `{}` names no case of the norm", o.name));
            args.push_back(env[static_cast<std::size_t>(b)]);
          } else {
            args.push_back(Binding{{parse(WitnessValue{o.name, "", true, oc.arg_exact[i]}, pt)}});
          }
        }
      } catch (const std::invalid_argument& e) {
        result_ = fail(e.what());
        return false;
      }
      const V got = apply(oc.symbol, args, true);
      if (!got.defined && !o.relevant) continue;
      // shown undefined because an argument is (its value in the model is arbitrary): nothing to compare
      if (got.defined && !o.relevant && std::any_of(oc.arg_binders.begin(), oc.arg_binders.end(), [](int b) { return b < 0; })) continue;
      if (got.defined != o.relevant) {
        result_ = fail(fmt::format("in the witness of `{}`, `{}` is shown {} but the rules leave it {}", n.id, o.name,
                                   o.relevant ? "as " + o.value : std::string("undefined"), got.defined ? "defined" : "undefined"));
        return false;
      }
      V shown;
      try {
        shown = parse(o, sym.result);
      } catch (const std::invalid_argument& e) {
        result_ = fail(e.what());
        return false;
      }
      if (!(shown.num == got.num)) {
        result_ = fail(fmt::format("in the witness of `{}`, `{}` is shown as {} but the rules decide another value", n.id, o.name, o.value));
        return false;
      }
    }
    result_ = {};
    return true;
  }

  V eval(const ir::Expr& e, const std::vector<Binding>& env) {
    switch (e.op) {
      case ir::Op::int_lit:
      case ir::Op::date_lit: return {true, Rat{e.ival, 1}};
      case ir::Op::dec_lit: return {true, Rat::make(e.ival, e.den)};
      case ir::Op::bool_lit: return boolean(e.ival != 0);
      case ir::Op::enum_lit: return {true, Rat{e.index, 1}};
      case ir::Op::var: return env.at(static_cast<std::size_t>(e.index)).parts.at(0);
      case ir::Op::field: return env.at(static_cast<std::size_t>(e.args[0]->index)).parts.at(static_cast<std::size_t>(e.index));
      case ir::Op::call: return call(e, env);
      case ir::Op::not_: {
        V a = eval(*e.args[0], env);
        return boolean(!a.truth(), a.defined);
      }
      case ir::Op::neg: {
        V a = eval(*e.args[0], env);
        return {a.defined, Rat{0, 1} - a.num};
      }
      default: break;
    }
    if (e.op == ir::Op::ite) {
      const V c = eval(*e.args[0], env);
      const V a = eval(*e.args[1], env);
      const V b = eval(*e.args[2], env);
      const V& pick = c.truth() ? a : b;
      return {c.defined && pick.defined, pick.num};
    }
    const V a = eval(*e.args[0], env);
    const V b = eval(*e.args[1], env);
    const bool both = a.defined && b.defined;
    switch (e.op) {
      case ir::Op::add: return {both, a.num + b.num};
      case ir::Op::sub: return {both, a.num - b.num};
      case ir::Op::mul: return {both, a.num * b.num};
      case ir::Op::div:
        // division by zero is undefined
        if (b.num.num == 0) return {false, Rat{0, 1}};
        return {both, a.num / b.num};
      case ir::Op::lt: return boolean(a.num < b.num, both);
      case ir::Op::le: return boolean(!(b.num < a.num), both);
      case ir::Op::gt: return boolean(b.num < a.num, both);
      case ir::Op::ge: return boolean(!(a.num < b.num), both);
      case ir::Op::eq: return boolean(a.num == b.num, both);
      case ir::Op::ne: return boolean(!(a.num == b.num), both);
      case ir::Op::and_: {
        const bool def = both || (a.defined && !a.truth()) || (b.defined && !b.truth());
        const bool val = (a.defined ? a.truth() : true) && (b.defined ? b.truth() : true);
        return boolean(val, def);
      }
      case ir::Op::or_: {
        const bool def = both || (a.defined && a.truth()) || (b.defined && b.truth());
        const bool val = (a.defined && a.truth()) || (b.defined && b.truth());
        return boolean(val, def);
      }
      case ir::Op::implies: {
        const bool def = both || (a.defined && !a.truth()) || (b.defined && b.truth());
        const bool val = (a.defined && !a.truth()) || (b.defined && b.truth());
        return boolean(val, def);
      }
      default: break;
    }
    throw Undecidable("an expression the evaluator does not know");
  }

  V call(const ir::Expr& e, const std::vector<Binding>& env) {
    std::vector<Binding> args;
    bool args_defined = true;
    for (const auto& a : e.args) {
      if (a->type.kind == ir::Type::record) {
        args.push_back(env.at(static_cast<std::size_t>(a->index)));
      } else {
        V x = eval(*a, env);
        args_defined = args_defined && x.defined;
        args.push_back(Binding{{x}});
      }
    }
    return apply(e.index, args, args_defined);
  }

  // The decision or fact SYMBOL applied to ARGS, as the active definitions decide it.
  V apply(int symbol, const std::vector<Binding>& args, bool args_defined) {
    const auto& sym = prog_.symbols[static_cast<std::size_t>(symbol)];
    if (sym.kind == ir::SymbolKind::fact) {
      auto it = facts_.find(sym.name);
      if (it == facts_.end()) throw Undecidable(fmt::format("the witness gives no value for the fact `{}`", sym.name));
      return it->second;
    }
    std::optional<V> out;  // the outcome, once the first matching definition decides it
    bool decided = false;
    Tri none_higher = Tri::yes;
    const auto& alternatives = definitions(symbol);
    if (!alternatives.empty()) {
      for (const auto& [ruleset, d] : alternatives) {
        Tri match = Tri::yes;
        for (std::size_t i = 0; i < d->patterns.size(); ++i) {
          if (!d->patterns[i].is_value) continue;
          const V& x = args[i].parts[0];
          match = tri_and(match, x.defined ? (x.num == Rat{d->patterns[i].value, 1} ? Tri::yes : Tri::no) : Tri::unknown);
        }
        // every alternative is evaluated: the outcomes it depends on count as decided (fired) too
        std::optional<V> when;
        if (d->when) when = eval(*d->when, args);
        const V value = eval(*d->value, args);
        const Tri guard = tri_and(match, when ? tri_of(*when) : Tri::yes);
        const Tri selected = tri_and(none_higher, guard);
        if (selected == Tri::yes) fired_yes_.insert(ruleset);
        else if (selected == Tri::unknown) fired_unknown_.insert(ruleset);
        none_higher = tri_and(none_higher, tri_not(guard));
        if (decided || !args_defined) continue;
        if (match == Tri::no) continue;
        if (when && !when->defined) {  // an undefined `when` leaves the outcome undefined
          out = V{false, Rat{0, 1}};
          decided = true;
          continue;
        }
        if (when && !when->truth()) continue;
        out = value;
        decided = true;
      }
    }
    if (!args_defined || !out) return {false, Rat{0, 1}};
    return *out;
  }

  const ir::Program& prog_;
  const Verdict& v_;
  const detail::ProgramIndex& index_;
  std::vector<char> active_;  // per rule set: in effect for this verdict
  std::set<int> off_defines_, off_invokes_;  // the subject's clauses of options not taken
  std::map<int, std::vector<std::pair<int, const ir::Definition*>>> defs_;  // symbol -> (rule set, definition), made when first needed
  std::set<int> invoked_;    // derogations invoked by a clause in effect
  std::set<int> mentioned_;  // derogations invoked by any active clause, in effect or switched off
  std::map<std::string, V> facts_;
  std::set<int> fired_yes_, fired_unknown_;
  ReplayResult result_;
};

}  // namespace

namespace {
ReplayResult replay_one(const ir::Program& prog, const Verdict& v, const Finding& f, const detail::ProgramIndex& index) {
  if (f.kind == FindingKind::undecided || f.norm < 0) return {ReplayStatus::not_replayed, "an undecided finding has no witness"};
  Evaluator ev(prog, v, index);
  return ev.run(f);
}
}  // namespace

ReplayResult replay_witness(const ir::Program& prog, const Verdict& v, const Finding& f) {
  return replay_one(prog, v, f, detail::ProgramIndex(prog));
}

ReplaySummary replay_verdicts(const ir::Program& prog, const std::vector<Verdict>& verdicts) {
  ReplaySummary s;
  std::optional<detail::ProgramIndex> index;  // built once, if any witness is replayed
  for (const auto& v : verdicts) {
    for (const auto& f : v.findings) {
      if (f.kind == FindingKind::undecided) continue;
      if (!index) index.emplace(prog);
      const ReplayResult r = replay_one(prog, v, f, *index);
      const std::string what = fmt::format("the witness of the {} on `{}` for {} at {}", f.kind == FindingKind::gap ? "gap" : "conflict",
                                           prog.norms[static_cast<std::size_t>(f.norm)].id,
                                           v.subject < 0 ? std::string("current law")
                                                         : fmt::format("measure `{}`", prog.rulesets[static_cast<std::size_t>(v.subject)].id),
                                           ir::format_date(v.at));
      if (r.status == ReplayStatus::replayed) ++s.replayed;
      else if (r.status == ReplayStatus::not_replayed) s.not_replayed.push_back(fmt::format("{}: {}", what, r.reason));
      else s.failures.push_back(fmt::format("{} does not hold up: {}", what, r.reason));
    }
  }
  return s;
}

}  // namespace normcheck
