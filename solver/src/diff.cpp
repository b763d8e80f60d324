// Change impact between two versions of a rule set (docs/architecture.md).
//
// Per decision present in both versions with the same signature, both
// versions' definitions are encoded in one context over the same case
// variables and facts (the encoders share enum sorts, and constants are named
// by binder and field), and the solver is asked for a case where
//   differ(c) = defined_old(c) != defined_new(c)
//             | (defined_old(c) & defined_new(c) & old(c) != new(c)).
// Each model is widened to its region: the cases on which the same
// definitions of the decision decide in each version (their firing
// conditions take the model's truth values) and the outcome's definedness is
// the same. The region is reported with the model as its witness and blocked
// as a whole, so that regions never repeat and the enumeration ends (there
// are finitely many firing patterns). Classification asks two more queries
// per decision: is there a case where the value goes up, and one where it
// goes down, both versions deciding.
#include "normcheck/diff.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "encode.h"
#include "watchdog.h"

namespace normcheck {

const char* change_name(Change c) {
  switch (c) {
    case Change::unchanged: return "unchanged";
    case Change::stricter: return "stricter";
    case Change::more_lenient: return "more_lenient";
    case Change::mixed: return "mixed";
    case Change::changed: return "changed";
    case Change::added: return "added";
    case Change::removed: return "removed";
    case Change::incomparable: return "incomparable";
    case Change::undecided: return "undecided";
  }
  return "changed";
}

bool DiffResult::differences() const {
  for (const auto& d : decisions)
    if (d.change != Change::unchanged && d.change != Change::undecided) return true;
  return !norm_changes.empty() || !subject_changes.empty();
}

namespace {

using detail::TimedSolver;
using detail::Watchdog;

// ---------------- which direction is stricter, read from the norms ----------------

// +1: a higher value (or true) is stricter; -1: a lower value (or false).
struct Evidence {
  std::map<std::string, std::map<int, std::set<std::string>>> by_symbol;  // symbol -> direction -> norm ids
};

const ir::Expr* as_call(const ir::Expr* e) { return e && e->op == ir::Op::call ? e : nullptr; }

bool has_call(const ir::Expr* e, const ir::Program& prog) {
  if (!e) return false;
  if (e->op == ir::Op::call && prog.symbols[static_cast<std::size_t>(e->index)].kind != ir::SymbolKind::fact) return true;
  for (const auto& a : e->args)
    if (has_call(a.get(), prog)) return true;
  return false;
}

// POL: +1 where the expression must hold, -1 where it must not.
void read_norm(const ir::Program& prog, const ir::Expr* e, int pol, const std::string& norm, Evidence& ev) {
  if (!e) return;
  auto note = [&](const ir::Expr* call, int dir) {
    const auto& sym = prog.symbols[static_cast<std::size_t>(call->index)];
    if (sym.kind == ir::SymbolKind::fact) return;
    ev.by_symbol[sym.name][dir].insert(norm);
  };
  switch (e->op) {
    case ir::Op::not_: read_norm(prog, e->args[0].get(), -pol, norm, ev); return;
    case ir::Op::and_:
    case ir::Op::or_:
      read_norm(prog, e->args[0].get(), pol, norm, ev);
      read_norm(prog, e->args[1].get(), pol, norm, ev);
      return;
    case ir::Op::implies:
      read_norm(prog, e->args[0].get(), -pol, norm, ev);
      read_norm(prog, e->args[1].get(), pol, norm, ev);
      return;
    case ir::Op::ite:
      read_norm(prog, e->args[1].get(), pol, norm, ev);
      read_norm(prog, e->args[2].get(), pol, norm, ev);
      return;
    case ir::Op::lt: case ir::Op::le: case ir::Op::gt: case ir::Op::ge: {
      // `d <= X` that must hold bounds d from above: a higher d is stricter
      const int upper = e->op == ir::Op::lt || e->op == ir::Op::le ? 1 : -1;
      const ir::Expr* l = e->args[0].get();
      const ir::Expr* r = e->args[1].get();
      if (as_call(l) && !has_call(r, prog)) note(l, upper * pol);
      else if (as_call(r) && !has_call(l, prog)) note(r, -upper * pol);
      return;
    }
    case ir::Op::call:
      // a decision that must be true (a right, an obligation): false is stricter
      if (e->type.kind == ir::Type::boolean) note(e, -pol);
      return;
    default: return;
  }
}

void read_norms(const ir::Program& prog, Evidence& ev) {
  for (const auto& n : prog.norms) {
    if (!n.modality || !n.body) continue;
    read_norm(prog, n.body.get(), *n.modality == ir::Modality::must_not ? -1 : 1, n.id, ev);
  }
}

// ---------------- one decision ----------------

std::vector<int> active_rules(const ir::Program& prog, ir::Day at) {
  std::vector<int> out;
  for (std::size_t r = 0; r < prog.rulesets.size(); ++r)
    if (!prog.rulesets[r].measure && prog.rulesets[r].period.contains(at)) out.push_back(static_cast<int>(r));
  return out;
}

// The defines of a measure's choices not taken (`check` takes each option's first choice).
std::set<int> dropped_defines(const ir::Program& prog, int measure) {
  std::set<int> out;
  if (measure < 0) return out;
  for (const auto& o : prog.rulesets[static_cast<std::size_t>(measure)].options)
    for (std::size_t c = 1; c < o.choices.size(); ++c)
      for (int d : o.choices[c].defines) out.insert(d);
  return out;
}

std::string signature(const ir::Program& prog, const ir::Symbol& s) {
  std::vector<std::string> ps;
  for (const auto& p : s.params) ps.push_back(fmt::format("{}: {}", p.name, prog.type_name(p.type)));
  const std::string head = s.params.empty() ? s.name : fmt::format("{}({})", s.name, fmt::join(ps, ", "));
  return fmt::format("{}: {}", head, prog.type_name(s.result));
}

// Why the two versions of a decision cannot be compared, or "".
std::string incompatibility(const ir::Program& po, const ir::Symbol& so, const ir::Program& pn, const ir::Symbol& sn,
                            const enc::Encoder& en) {
  auto same_type = [&](const ir::Type& a, const ir::Type& b) -> std::string {
    if (a.kind != b.kind || a.dim != b.dim) return fmt::format("`{}` became `{}`", po.type_name(a), pn.type_name(b));
    if (a.kind == ir::Type::enumeration && (!en.enum_shared(b.index) || po.enums[static_cast<std::size_t>(a.index)].name != pn.enums[static_cast<std::size_t>(b.index)].name))
      return fmt::format("the values of enum `{}` changed", pn.type_name(b));
    if (a.kind == ir::Type::record) {
      const auto& ca = po.cases[static_cast<std::size_t>(a.index)];
      const auto& cb = pn.cases[static_cast<std::size_t>(b.index)];
      // fields are matched by name and type; one that only one version has is free in the other
      if (ca.name != cb.name) return fmt::format("`{}` became `{}`", ca.name, cb.name);
    }
    return "";
  };
  if (so.kind != sn.kind) return "a decision became a param or the other way round";
  if (so.params.size() != sn.params.size()) return fmt::format("it takes {} arguments, then {}", so.params.size(), sn.params.size());
  for (std::size_t i = 0; i < so.params.size(); ++i)
    if (auto why = same_type(so.params[i].type, sn.params[i].type); !why.empty()) return fmt::format("argument {}: {}", i + 1, why);
  if (auto why = same_type(so.result, sn.result); !why.empty()) return fmt::format("its result: {}", why);
  return "";
}

class DecisionDiffer {
 public:
  DecisionDiffer(const DiffVersion& o, const DiffVersion& n, const DiffOptions& opt, int so, int sn, const Evidence& ev)
      : o_(o), n_(n), opt_(opt), so_(so), sn_(sn), ev_(ev), eo_(ctx_, *o.prog), en_(ctx_, *n.prog, eo_) {}

  DecisionDiff run() {
    const auto& symo = o_.prog->symbols[static_cast<std::size_t>(so_)];
    const auto& symn = n_.prog->symbols[static_cast<std::size_t>(sn_)];
    DecisionDiff d;
    d.name = symn.name;
    d.signature = signature(*n_.prog, symn);
    d.param = symn.kind == ir::SymbolKind::param;
    d.reason = incompatibility(*o_.prog, symo, *n_.prog, symn, en_);
    if (!d.reason.empty()) {
      d.change = Change::incomparable;
      return d;
    }
    ordering(symn, d);
    try {
      compare(symo, symn, d);
    } catch (const z3::exception& e) {
      d.change = Change::undecided;
      d.reason = undecided_reason(e.msg(), opt_.timeout_ms);
      d.regions.clear();
    }
    return d;
  }

 private:
  void ordering(const ir::Symbol& sym, DecisionDiff& d) {
    if (sym.result.kind != ir::Type::boolean && !sym.result.numeric()) return;  // enums and dates have no order
    auto it = ev_.by_symbol.find(sym.name);
    if (it != ev_.by_symbol.end()) {
      const auto& dirs = it->second;
      if (dirs.size() == 1) {
        dir_ = dirs.begin()->first;
        for (const auto& n : dirs.begin()->second) d.basis.push_back(n);
      } else {
        // norms pull both ways: no order
        for (const auto& [dir, norms] : dirs)
          for (const auto& n : norms) d.basis.push_back(n);
        std::sort(d.basis.begin(), d.basis.end());
        d.basis.erase(std::unique(d.basis.begin(), d.basis.end()), d.basis.end());
        return;
      }
    }
    // No norm speaks of it: no order, not even for a bool. A bool is not
    // always a permission (`humanitarian_help_punishable`), so "true grants"
    // would be a guess.
    const bool b = sym.result.kind == ir::Type::boolean;
    if (dir_ > 0) d.ordering = b ? "true is stricter" : "higher is stricter";
    if (dir_ < 0) d.ordering = b ? "false is stricter" : "lower is stricter";
  }

  TimedSolver solver() {
    TimedSolver s(ctx_, dog_, opt_.timeout_ms);
    z3::params p(ctx_);
    if (const unsigned mb = solver_memory_limit()) p.set("max_memory", mb);
    p.set("random_seed", 0u);
    s.set(p);
    s.add(base_);
    return s;
  }

  // sat or unsat; unknown throws (the decision is undecided)
  bool sat(TimedSolver& s) {
    const auto r = s.check();
    if (r == z3::unknown) throw z3::exception(s.reason_unknown().c_str());
    return r == z3::sat;
  }

  static ir::ExprPtr make_call(const ir::Symbol& sym, int index) {
    auto c = std::make_unique<ir::Expr>();
    c->op = ir::Op::call;
    c->index = index;
    c->type = sym.result;
    for (std::size_t i = 0; i < sym.params.size(); ++i) {
      auto v = std::make_unique<ir::Expr>();
      v->op = ir::Op::var;
      v->index = static_cast<int>(i);
      v->type = sym.params[i].type;
      c->args.push_back(std::move(v));
    }
    return c;
  }

  z3::expr clause_literals(enc::Encoder& e, const DiffVersion& v) {
    const auto dropped = dropped_defines(*v.prog, v.measure);
    z3::expr acc = ctx_.bool_val(true);
    for (const auto& d : e.defs()) acc = acc && (d.ruleset == v.measure && dropped.count(d.define) ? !d.literal : d.literal);
    for (const auto& i : e.invokes()) acc = acc && i.literal;
    return acc;
  }

  void compare(const ir::Symbol& symo, const ir::Symbol& symn, DecisionDiff& d) {
    eo_.configure(active_rules(*o_.prog, o_.at), o_.measure);
    en_.configure(active_rules(*n_.prog, n_.at), n_.measure);
    // the arguments: one set of constants for both versions
    z3::expr assume = ctx_.bool_val(true);
    for (std::size_t i = 0; i < symo.params.size(); ++i) {
      const auto& p = symo.params[i];
      // named alike, the fields both versions have (same name and sort) are the same constants
      env_.push_back(eo_.fresh(p.name, p.type));
      envn_.push_back(en_.fresh(p.name, symn.params[i].type));
      if (p.type.kind == ir::Type::record) {
        // a field whose quantity changed (days to months) is not the same value: its own constant
        const auto& co = o_.prog->cases[static_cast<std::size_t>(p.type.index)];
        const auto& cn = n_.prog->cases[static_cast<std::size_t>(symn.params[i].type.index)];
        for (std::size_t f = 0; f < cn.fields.size(); ++f)
          for (const auto& fo : co.fields)
            if (fo.name == cn.fields[f].name && (fo.type.kind != cn.fields[f].type.kind || fo.type.dim != cn.fields[f].type.dim))
              envn_.back().parts[f] = ctx_.constant(fmt::format("case!new!{}.{}", p.name, cn.fields[f].name).c_str(),
                                                    envn_.back().parts[f].get_sort());
      }
      if (p.type.kind == ir::Type::record) {
        assume = assume && eo_.case_assumptions(env_.back(), p.type.index);
        assume = assume && en_.case_assumptions(envn_.back(), symn.params[i].type.index);
      }
    }
    if (!opt_.scenario.empty()) {
      assume = assume && eo_.scenario_assumptions(o_.prog->find_scenario(opt_.scenario));
      assume = assume && en_.scenario_assumptions(n_.prog->find_scenario(opt_.scenario));
    }
    const auto call_o = make_call(symo, so_);
    const auto call_n = make_call(symn, sn_);
    eo_.begin_norm();
    const enc::Lowered lo = eo_.lower(*call_o, env_);
    const auto fired_o = eo_.fired_defs();
    const auto facts_o = eo_.facts_used();
    const z3::expr fc_o = eo_.fact_constraints();
    en_.begin_norm();
    const enc::Lowered ln = en_.lower(*call_n, envn_);
    const auto fired_n = en_.fired_defs();
    const auto facts_n = en_.facts_used();
    const z3::expr fc_n = en_.fact_constraints();
    base_ = assume && fc_o && fc_n && clause_literals(eo_, o_) && clause_literals(en_, n_);
    for (const auto& f : facts_o) facts_.push_back(f);
    for (const auto& f : facts_n)
      if (std::none_of(facts_.begin(), facts_.end(), [&](const auto& g) { return g.first == f.first; })) facts_.push_back(f);
    std::sort(facts_.begin(), facts_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    const z3::expr both = lo.defined && ln.defined;
    const z3::expr differ = lo.defined != ln.defined || (both && lo.value != ln.value);
    {
      auto s = solver();
      s.add(differ);
      if (!sat(s)) {
        d.change = Change::unchanged;
        return;
      }
    }
    // the firing pattern of the decision's own definitions in each version
    std::vector<z3::expr> pattern;
    auto add_pattern = [&](enc::Encoder& e, int sym, const std::map<std::pair<int, int>, z3::expr>& fired) {
      for (std::size_t k : e.alternatives(sym)) {
        const auto& ad = e.defs()[k];
        auto it = fired.find({ad.ruleset, ad.define});
        if (it != fired.end()) pattern.push_back(it->second);
      }
    };
    add_pattern(eo_, so_, fired_o);
    add_pattern(en_, sn_, fired_n);
    pattern.push_back(lo.defined);
    pattern.push_back(ln.defined);

    auto s = solver();
    s.add(differ);
    while (true) {
      if (!sat(s)) break;
      if (d.regions.size() >= opt_.max_regions) {
        d.capped = true;
        break;
      }
      const z3::model m = s.get_model();
      z3::expr region = ctx_.bool_val(true);
      for (const auto& p : pattern) region = region && (p == m.eval(p, true));
      DiffRegion r;
      describe(eo_, env_, so_, fired_o, m, false, r.conditions, r.old_outcome, lo, symo);
      describe(en_, envn_, sn_, fired_n, m, true, r.conditions, r.new_outcome, ln, symn);
      r.witness = witness(symo, symn, m);
      relevance(r.witness, m, region && differ);
      r.change = direction(m, lo, ln, symn);
      {
        auto e = solver();
        e.add(region);
        e.add(!differ);
        r.everywhere = !sat(e);
      }
      d.regions.push_back(std::move(r));
      s.add(!region);
    }
    // classification over every case both versions decide
    auto exists = [&](const z3::expr& what) {
      auto q = solver();
      q.add(what);
      return sat(q);
    };
    d.decided_changes = exists(lo.defined != ln.defined);
    bool up = false, down = false;
    if (dir_ != 0) {
      if (symn.result.kind == ir::Type::boolean) {
        up = exists(both && !lo.value && ln.value);
        down = exists(both && lo.value && !ln.value);
      } else {
        up = exists(both && ln.value > lo.value);
        down = exists(both && ln.value < lo.value);
      }
    }
    if (!up && !down) d.change = Change::changed;
    else if (up && down) d.change = Change::mixed;
    else d.change = (up ? dir_ > 0 : dir_ < 0) ? Change::stricter : Change::more_lenient;
  }

  Change direction(const z3::model& m, const enc::Lowered& lo, const enc::Lowered& ln, const ir::Symbol& sym) {
    if (dir_ == 0 || !m.eval(lo.defined && ln.defined, true).is_true()) return Change::changed;
    const bool up = sym.result.kind == ir::Type::boolean ? m.eval(!lo.value && ln.value, true).is_true()
                                                         : m.eval(ln.value > lo.value, true).is_true();
    return (up ? dir_ > 0 : dir_ < 0) ? Change::stricter : Change::more_lenient;
  }

  // Who decides in this version at the model, and which higher definitions
  // that match the arguments do not apply.
  void describe(enc::Encoder& e, const std::vector<enc::Val>& env, int sym, const std::map<std::pair<int, int>, z3::expr>& fired,
                const z3::model& m, bool in_new, std::vector<DiffCondition>& conds, DiffOutcome& out, const enc::Lowered& l,
                const ir::Symbol& symbol) {
    out.value = m.eval(l.defined, true).is_true() ? e.show(m.eval(l.value, true), symbol.result) : "undefined";
    for (std::size_t k : e.alternatives(sym)) {
      const auto& ad = e.defs()[k];
      const ir::Definition& def = *ad.def;
      auto it = fired.find({ad.ruleset, ad.define});
      const bool fires = it != fired.end() && m.eval(it->second, true).is_true();
      bool matches = m.eval(ad.literal, true).is_true();
      for (std::size_t i = 0; matches && i < def.patterns.size(); ++i)
        if (def.patterns[i].is_value)
          matches = m.eval(env[i].parts[0] == e.enum_value(symbol.params[i].type.index, def.patterns[i].value), true).is_true();
      if (!matches) continue;
      if (fires) {
        out.ruleset = ad.ruleset;
        out.define = ad.define;
        out.span = def.span;
        if (def.when) conds.push_back({in_new, ad.ruleset, ad.define, def.when->span, true});
        return;
      }
      if (def.when) conds.push_back({in_new, ad.ruleset, ad.define, def.when->span, false});
    }
  }

  // A witness value that can be anything, the others as they are, without
  // leaving the region's changed cases, is `any`.
  void relevance(Witness& w, const z3::model& m, const z3::expr& inside) {
    std::vector<std::pair<WitnessValue*, z3::expr>> vars;
    std::size_t f = 0, k = 0;
    for (auto& c : w.cases)
      for (auto& v : c.fields) vars.emplace_back(&v, wvars_[k++]);
    for (auto& v : w.world) vars.emplace_back(&v, facts_[f++].second);
    for (std::size_t i = 0; i < vars.size(); ++i) {
      auto s = solver();
      for (std::size_t j = 0; j < vars.size(); ++j)
        if (j != i) s.add(vars[j].second == m.eval(vars[j].second, true));
      s.add(!inside);
      if (s.check() == z3::unsat) {
        vars[i].first->relevant = false;
        vars[i].first->value = "any";
      }
    }
  }

  // The arguments at the model: the old version's fields, then those only the new one has.
  Witness witness(const ir::Symbol& sym, const ir::Symbol& symn, const z3::model& m) {
    Witness w;
    wvars_.clear();
    auto add = [&](WitnessCase& c, const std::string& name, const z3::expr& x, enc::Encoder& e, const ir::Type& t) {
      const z3::expr v = m.eval(x, true);
      c.fields.push_back({name, e.show(v, t), true, e.exact(v, t)});
      wvars_.push_back(x);
    };
    for (std::size_t i = 0; i < sym.params.size(); ++i) {
      const auto& p = sym.params[i];
      WitnessCase c;
      c.var = p.name;
      c.type = o_.prog->type_name(p.type);
      if (p.type.kind == ir::Type::record) {
        const auto& cs = o_.prog->cases[static_cast<std::size_t>(p.type.index)];
        for (std::size_t f = 0; f < cs.fields.size(); ++f) add(c, cs.fields[f].name, env_[i].parts[f], eo_, cs.fields[f].type);
        const auto& cn = n_.prog->cases[static_cast<std::size_t>(symn.params[i].type.index)];
        for (std::size_t f = 0; f < cn.fields.size(); ++f) {
          bool shared = false;
          for (const auto& x : env_[i].parts) shared = shared || z3::eq(x, envn_[i].parts[f]);
          if (!shared) add(c, cn.fields[f].name + " (new)", envn_[i].parts[f], en_, cn.fields[f].type);
        }
      } else {
        add(c, "value", env_[i].parts[0], eo_, p.type);
      }
      w.cases.push_back(std::move(c));
    }
    for (const auto& [name, x] : facts_) {
      ir::Type t;
      for (const auto& s : o_.prog->symbols)
        if (s.name == name) t = s.result;
      const z3::expr v = m.eval(x, true);
      w.world.push_back({name, eo_.show(v, t), true, eo_.exact(v, t)});
    }
    return w;
  }

  const DiffVersion& o_;
  const DiffVersion& n_;
  const DiffOptions& opt_;
  int so_, sn_;
  const Evidence& ev_;
  z3::context ctx_;
  Watchdog dog_{ctx_};
  enc::Encoder eo_, en_;
  std::vector<enc::Val> env_, envn_;  // the arguments in the old and in the new version
  std::vector<z3::expr> wvars_;       // the witness's case fields, in order
  z3::expr base_{ctx_};
  std::vector<std::pair<std::string, z3::expr>> facts_;
  int dir_ = 0;  // +1 higher (true) is stricter, -1 lower (false), 0 unknown
};

// ---------------- verdicts ----------------

std::string norm_status(const Verdict& v, int ni) {
  for (const auto& f : v.findings) {
    if (f.norm != ni) continue;
    if (f.kind == FindingKind::undecided) return "undecided";
    if (f.kind == FindingKind::gap) return "gap";
    return f.code == "C0002" ? "equal_rank_conflict" : "conflict";
  }
  return std::find(v.checked.begin(), v.checked.end(), ni) != v.checked.end() ? "compliant" : "not_checked";
}

int find_norm(const ir::Program& p, const std::string& id) {
  for (std::size_t i = 0; i < p.norms.size(); ++i)
    if (p.norms[i].id == id) return static_cast<int>(i);
  return -1;
}

bool undecided(const Verdict& v) {
  for (const auto& f : v.findings)
    if (f.kind == FindingKind::undecided) return true;
  return false;
}

void compare_verdicts(const DiffVersion& o, const DiffVersion& n, const DiffOptions& opt, DiffResult& out) {
  const int scen_o = opt.scenario.empty() ? -1 : o.prog->find_scenario(opt.scenario);
  const int scen_n = opt.scenario.empty() ? -1 : n.prog->find_scenario(opt.scenario);
  if (o.prog == n.prog && o.measure != n.measure) {
    // measure mode: current law, and current law with the measure. The
    // measure's check covers the norms it can affect; the others keep their verdict.
    const Verdict vo = check_subject(*o.prog, o.measure, o.at, scen_o, opt.timeout_ms);
    const Verdict vn = check_subject(*n.prog, n.measure, n.at, scen_n, opt.timeout_ms);
    out.undecided = out.undecided || undecided(vo) || undecided(vn);
    const std::string subject = n.measure >= 0 ? n.prog->rulesets[static_cast<std::size_t>(n.measure)].id : "current law";
    for (int ni : vn.checked) {
      const std::string before = norm_status(vo, ni);
      std::string after = norm_status(vn, ni);
      // a violation current law already has, and still has with the measure
      if (after == "compliant" && std::find(vn.preexisting.begin(), vn.preexisting.end(), ni) != vn.preexisting.end()) after = before;
      if (before == after) continue;
      const auto& nn = n.prog->norms[static_cast<std::size_t>(ni)];
      out.norm_changes.push_back({subject, nn.id, nn.title, before, after});
    }
    return;
  }
  // two programs: current law, and every measure by id
  std::vector<std::string> subjects{""};
  std::set<std::string> seen;
  for (const auto* p : {o.prog, n.prog})
    for (const auto& rs : p->rulesets)
      if (rs.measure && seen.insert(rs.id).second) subjects.push_back(rs.id);
  std::sort(subjects.begin() + 1, subjects.end());
  for (const auto& id : subjects) {
    const int ro = id.empty() ? -1 : o.prog->find_ruleset(id);
    const int rn = id.empty() ? -1 : n.prog->find_ruleset(id);
    const std::string name = id.empty() ? "current law" : id;
    const bool in_o = id.empty() || (ro >= 0 && o.prog->rulesets[static_cast<std::size_t>(ro)].measure);
    const bool in_n = id.empty() || (rn >= 0 && n.prog->rulesets[static_cast<std::size_t>(rn)].measure);
    auto date = [&](const DiffVersion& v, int r) {
      if (opt.fixed_at || r < 0) return opt.fixed_at ? v.at : opt.today;
      return v.prog->rulesets[static_cast<std::size_t>(r)].effective.value_or(opt.today);
    };
    std::optional<Verdict> vo, vn;
    if (in_o) vo = check_subject(*o.prog, ro, date(o, ro), scen_o, opt.timeout_ms);
    if (in_n) vn = check_subject(*n.prog, rn, date(n, rn), scen_n, opt.timeout_ms);
    out.undecided = out.undecided || (vo && undecided(*vo)) || (vn && undecided(*vn));
    const std::string so = vo ? status_name(vo->status) : "absent";
    const std::string sn = vn ? status_name(vn->status) : "absent";
    if (so != sn) out.subject_changes.push_back({name, so, sn});
    if (!vo || !vn) continue;
    std::set<std::string> norms;
    for (int ni : vo->checked) norms.insert(o.prog->norms[static_cast<std::size_t>(ni)].id);
    for (int ni : vn->checked) norms.insert(n.prog->norms[static_cast<std::size_t>(ni)].id);
    for (const auto& nid : norms) {
      const int a = find_norm(*o.prog, nid), b = find_norm(*n.prog, nid);
      const std::string before = a >= 0 ? norm_status(*vo, a) : "not_checked";
      const std::string after = b >= 0 ? norm_status(*vn, b) : "not_checked";
      if (before == after) continue;
      const std::string title = b >= 0 ? n.prog->norms[static_cast<std::size_t>(b)].title : o.prog->norms[static_cast<std::size_t>(a)].title;
      out.norm_changes.push_back({name, nid, title, before, after});
    }
  }
}

// Measure mode: the symbols the measure defines and every symbol whose active
// rules use one of them. The others are encoded identically in both versions.
std::set<int> touched(const ir::Program& prog, int measure, ir::Day at) {
  std::set<int> reach;
  for (const auto& d : prog.rulesets[static_cast<std::size_t>(measure)].defines)
    if (d.symbol >= 0) reach.insert(d.symbol);
  std::function<void(const ir::Expr*, std::set<int>&)> used = [&](const ir::Expr* e, std::set<int>& out) {
    if (!e) return;
    if (e->op == ir::Op::call) out.insert(e->index);
    for (const auto& a : e->args) used(a.get(), out);
  };
  const auto active = active_rules(prog, at);
  for (bool grew = true; grew;) {
    grew = false;
    for (int r : active)
      for (const auto& d : prog.rulesets[static_cast<std::size_t>(r)].defines) {
        if (d.symbol < 0 || reach.count(d.symbol)) continue;
        std::set<int> u;
        used(d.value.get(), u);
        used(d.when.get(), u);
        for (int x : u)
          if (reach.count(x)) {
            reach.insert(d.symbol);
            grew = true;
            break;
          }
      }
  }
  return reach;
}

}  // namespace

DiffResult diff(const DiffVersion& o, const DiffVersion& n, const DiffOptions& opt) {
  DiffResult out;
  Evidence ev;
  read_norms(*o.prog, ev);
  if (n.prog != o.prog) read_norms(*n.prog, ev);
  std::set<std::string> names;
  std::map<std::string, int> in_o, in_n;
  for (std::size_t i = 0; i < o.prog->symbols.size(); ++i)
    if (o.prog->symbols[i].kind != ir::SymbolKind::fact) in_o[o.prog->symbols[i].name] = static_cast<int>(i);
  for (std::size_t i = 0; i < n.prog->symbols.size(); ++i)
    if (n.prog->symbols[i].kind != ir::SymbolKind::fact) in_n[n.prog->symbols[i].name] = static_cast<int>(i);
  for (const auto& [k, v] : in_o) names.insert(k);
  for (const auto& [k, v] : in_n) names.insert(k);
  const bool same = o.prog == n.prog && o.at == n.at && o.measure < 0 && n.measure >= 0;
  const std::set<int> affected = same ? touched(*n.prog, n.measure, n.at) : std::set<int>{};
  for (const auto& name : names) {
    auto a = in_o.find(name);
    auto b = in_n.find(name);
    if (a == in_o.end() || b == in_n.end()) {
      const ir::Program& p = a == in_o.end() ? *n.prog : *o.prog;
      const auto& sym = p.symbols[static_cast<std::size_t>(a == in_o.end() ? b->second : a->second)];
      DecisionDiff d;
      d.name = name;
      d.signature = signature(p, sym);
      d.param = sym.kind == ir::SymbolKind::param;
      d.change = a == in_o.end() ? Change::added : Change::removed;
      out.decisions.push_back(std::move(d));
      continue;
    }
    if (same && !affected.count(b->second)) {
      // neither the measure nor anything it changes decides it: the same formula in both versions
      const auto& sym = n.prog->symbols[static_cast<std::size_t>(b->second)];
      DecisionDiff d;
      d.name = name;
      d.signature = signature(*n.prog, sym);
      d.param = sym.kind == ir::SymbolKind::param;
      out.decisions.push_back(std::move(d));
      continue;
    }
    spdlog::debug("diff: comparing {}", name);
    DecisionDiffer differ(o, n, opt, a->second, b->second, ev);
    out.decisions.push_back(differ.run());
    if (out.decisions.back().change == Change::undecided) out.undecided = true;
  }
  if (opt.verdicts) compare_verdicts(o, n, opt, out);
  return out;
}

}  // namespace normcheck
