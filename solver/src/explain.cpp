// Minimal conflicts and repairs by MARCO (Liffiton et al., "Fast, flexible MUS
// enumeration", 2016) over the ground constraints of the cases found so far,
// with repairs re-checked for every case (counterexample-guided: a repair
// that fails somewhere adds that case and the enumeration runs again).
#include "normcheck/explain.h"

#include <algorithm>

#include "checker.h"

namespace normcheck {

Enumeration enumerate_marco(std::size_t n, const std::function<std::optional<bool>(const std::vector<int>&)>& satisfiable,
                            std::size_t max_muses, std::size_t max_steps) {
  Enumeration out;
  z3::context ctx;
  z3::solver map(ctx);
  std::vector<z3::expr> m;
  for (std::size_t i = 0; i < n; ++i) m.push_back(ctx.bool_const(("m" + std::to_string(i)).c_str()));
  std::size_t steps = 0;
  auto oracle = [&](const std::vector<int>& s) -> std::optional<bool> {
    ++steps;
    return satisfiable(s);
  };
  while (true) {
    if (steps > max_steps) {
      out.complete = false;
      break;
    }
    if (map.check() != z3::sat) break;
    z3::model model = map.get_model();
    std::vector<int> seed;
    for (std::size_t i = 0; i < n; ++i)
      if (!model.eval(m[i], false).is_false()) seed.push_back(static_cast<int>(i));  // unassigned counts as in: maximal seeds
    auto sat = oracle(seed);
    if (!sat) {
      out.complete = false;
      break;
    }
    if (*sat) {
      // grow to a maximal satisfiable subset; its complement is a minimal correction set
      std::vector<bool> in(n, false);
      for (int i : seed) in[static_cast<std::size_t>(i)] = true;
      bool stopped = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (in[i]) continue;
        std::vector<int> trial;
        for (std::size_t j = 0; j < n; ++j)
          if (in[j] || j == i) trial.push_back(static_cast<int>(j));
        auto r = oracle(trial);
        if (!r) { stopped = true; break; }
        if (*r) in[i] = true;
      }
      if (stopped) { out.complete = false; break; }
      std::vector<int> mcs;
      z3::expr block = ctx.bool_val(false);
      for (std::size_t i = 0; i < n; ++i)
        if (!in[i]) { mcs.push_back(static_cast<int>(i)); block = block || m[i]; }
      if (mcs.empty()) break;  // everything holds together: no conflict at all
      out.mcses.push_back(mcs);
      map.add(block);
    } else {
      // shrink to a minimal unsatisfiable subset by deletion
      std::vector<int> mus = seed;
      bool stopped = false;
      for (std::size_t k = 0; k < mus.size();) {
        std::vector<int> trial = mus;
        trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(k));
        auto r = oracle(trial);
        if (!r) { stopped = true; break; }
        if (!*r) mus = trial;
        else ++k;
      }
      if (stopped) { out.complete = false; break; }
      z3::expr block = ctx.bool_val(false);
      for (int i : mus) block = block || !m[static_cast<std::size_t>(i)];
      out.muses.push_back(mus);
      map.add(block);
      if (out.muses.size() >= max_muses) {
        out.complete = map.check() == z3::unsat;
        break;
      }
    }
  }
  std::sort(out.muses.begin(), out.muses.end());
  std::sort(out.mcses.begin(), out.mcses.end());
  return out;
}

Optimum optimize_define(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms, int define, Goal goal) {
  Optimum out;
  try {
    const auto& def = prog.rulesets[static_cast<std::size_t>(subject)].defines[static_cast<std::size_t>(define)];
    const auto& sym = prog.symbols[static_cast<std::size_t>(def.symbol)];
    detail::Variant var;
    var.symbolic_define = define;
    detail::Checker cx(prog, subject, at, scenario, timeout_ms, var);
    const bool decimal = sym.result.kind == ir::Type::decimal;
    z3::context& ctx = cx.ctx_;
    z3::expr x = *cx.symbolic_;
    z3::expr orig = decimal ? ctx.real_val(fmt::format("{}/{}", def.value->ival, def.value->den).c_str())
                            : ctx.int_val(static_cast<int64_t>(def.value->ival));
    out.original = cx.enc_.show(z3::expr(orig).simplify(), sym.result);
    // the norms in force that can depend on this clause's decision
    const std::set<int> reach = cx.reach_from({def.symbol});
    std::vector<int> norms;
    for (std::size_t n = 0; n < prog.norms.size(); ++n) {
      const auto& nn = prog.norms[n];
      if (nn.derogation || !nn.modality || !nn.period.contains(at) || !cx.relevant(nn)) continue;
      bool uses = false;
      for (int u : cx.index().norm_syms[n]) uses = uses || reach.count(u) > 0;
      if (uses) norms.push_back(static_cast<int>(n));
    }
    // a value is lawful when no norm is violated in a case the clause decides
    auto violated_at = [&](int n, const z3::expr& value) -> std::optional<z3::model> {
      detail::Query q = cx.build(prog.norms[static_cast<std::size_t>(n)]);
      auto s = cx.solver();
      s.add(q.assumptions);
      s.add(q.violation && cx.fired_by(q, {subject}));
      s.add(x == value);
      if (s.check(cx.lits_on()) == z3::sat) return s.get_model();
      return std::nullopt;
    };
    auto violation_at = [&](const z3::expr& value) -> std::optional<std::pair<int, z3::model>> {
      for (int n : norms)
        if (auto m = violated_at(n, value)) return std::make_pair(n, *m);
      return std::nullopt;
    };
    // counterexample-guided: the cases that rule out values so far
    std::vector<std::pair<int, std::vector<std::pair<z3::expr, z3::expr>>>> cases;
    const z3::expr huge = decimal ? ctx.real_val("1000000000") : ctx.int_val(1000000000);
    for (int round = 0; round < 24; ++round) {
      z3::optimize opt(ctx);  // no `timeout` parameter: the checker's watchdog bounds it (watchdog.h)
      for (const auto& l : cx.all_lits_) opt.add(l);
      for (const auto& [n, pins] : cases) {
        detail::Query q = cx.build(prog.norms[static_cast<std::size_t>(n)]);
        z3::expr_vector from(ctx), to(ctx);
        for (const auto& [a, b] : pins) { from.push_back(a); to.push_back(b); }
        z3::expr h = q.holds;
        opt.add(h.substitute(from, to));
      }
      // values beyond a billion units are treated as unbounded
      opt.add(x <= huge && x >= -huge);
      z3::expr diff = x - orig;
      if (goal == Goal::nearest) opt.minimize(z3::ite(diff >= 0, diff, -diff));
      else if (goal == Goal::maximize) opt.maximize(x);
      else opt.minimize(x);
      auto r = cx.dog_.run(timeout_ms, [&] { return opt.check(); });
      if (r == z3::unsat) { out.infeasible = true; return out; }
      if (r != z3::sat) { out.undecided = true; return out; }
      z3::expr best = opt.get_model().eval(x, true);
      if (auto v = violation_at(best)) {
        std::vector<std::pair<z3::expr, z3::expr>> pins;
        detail::Query q = cx.build(prog.norms[static_cast<std::size_t>(v->first)]);
        for (const auto& [name, c] : q.witness_vars) pins.emplace_back(c, v->second.eval(c, true));
        cases.emplace_back(v->first, pins);
        continue;
      }
      if (z3::eq(best.simplify(), huge.simplify()) || z3::eq(best.simplify(), (-huge).simplify())) {
        out.unbounded = true;
        return out;
      }
      out.value = cx.enc_.show(best, sym.result);
      const bool below = goal == Goal::maximize || (goal == Goal::nearest && z3::expr(best < orig).simplify().is_true());
      out.direction = below ? "at most" : "at least";
      // the norms that bind: those violated one step further
      z3::expr step = decimal ? ctx.real_val("1/100") : ctx.int_val(1);
      z3::expr further = below ? best + step : best - step;
      for (int n : norms)
        if (violated_at(n, further)) out.binding.push_back(n);
      return out;
    }
    out.undecided = true;
  } catch (const z3::exception&) {
    out.undecided = true;
  }
  return out;
}

namespace {

using detail::Checker;
using detail::Query;

// A case found so far, with its values in the checker's context.
struct Case {
  std::vector<ir::Type> binder_types;
  std::vector<std::pair<z3::expr, z3::expr>> pins;  // binder constant (by position) -> value, per norm built
  std::vector<z3::expr> binder_values;              // values of the binder fields, in witness_vars order
  std::vector<std::pair<std::string, z3::expr>> facts;
  Witness shown;
};

class Explainer {
 public:
  Explainer(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms, std::size_t max_cores)
      : prog_(prog), subject_(subject), at_(at), scenario_(scenario), timeout_(timeout_ms), max_cores_(max_cores),
        ck_(prog, subject, at, scenario, timeout_ms, {}, true, /*relaxed=*/true),
        real_(prog, subject, at, scenario, timeout_ms, {}, true, /*relaxed=*/false) {}

  Explanation run() {
    Explanation ex;
    ex.subject = subject_;
    ex.at = at_;
    ex.verdict = check_subject(prog_, subject_, at_, scenario_, timeout_);
    bool any = false;
    for (const auto& f : ex.verdict.findings) any = any || f.kind == FindingKind::conflict;
    if (!any) {
      ex.notes.push_back("no conflict to explain");
      return ex;
    }
    // elements: relevant norms, the measure's clauses, derogations it could invoke
    // the norms in conflict (contradictions among norms themselves are lint's)
    for (const auto& f : ex.verdict.findings)
      if (f.kind == FindingKind::conflict && std::find(norms_.begin(), norms_.end(), f.norm) == norms_.end()) norms_.push_back(f.norm);
    std::sort(norms_.begin(), norms_.end());
    const auto& m = prog_.rulesets[static_cast<std::size_t>(subject_)];
    // clauses of choices not taken are not part of the measure as checked
    for (std::size_t i = 0; i < m.defines.size(); ++i)
      if (m.defines[i].symbol >= 0 && !ck_.variant_.dropped_defines.count(static_cast<int>(i)))
        ex.elements.push_back({Element::define, static_cast<int>(i)});
    for (std::size_t i = 0; i < m.invokes.size(); ++i)
      if (!ck_.variant_.dropped_invokes.count(static_cast<int>(i))) ex.elements.push_back({Element::invoke, static_cast<int>(i)});
    for (const auto& [d, lit] : ck_.hypothetical_) {
      const int target = prog_.norms[static_cast<std::size_t>(d)].relaxes;
      if (std::find(norms_.begin(), norms_.end(), target) != norms_.end()) ex.elements.push_back({Element::derogation, d});
    }
    const std::size_t clause_elements = ex.elements.size();
    for (int n : norms_) ex.elements.push_back({Element::norm, n});
    elements_ = ex.elements;

    // the cases in conflict, as found by the check
    for (int n : norms_) find_case(ck_, n, selection_all(), true);
    if (cases_.empty()) {
      ex.notes.push_back("the conflicts could not be reproduced for explanation");
      ex.complete = false;
      return ex;
    }

    // repairs: the smallest sets of clauses to drop (current law then
    // applies) and derogations to invoke after which no case conflicts,
    // enumerated by size; supersets of a repair are not minimal
    {
      const std::size_t k = clause_elements;
      const std::size_t limit = k <= 12 ? k : 3;
      if (limit < k) ex.complete = false;
      std::vector<std::vector<int>> found;
      std::vector<int> pick;
      std::function<void(std::size_t, std::size_t)> choose = [&](std::size_t start, std::size_t size) {
        if (pick.size() == size) {
          for (const auto& f : found)
            if (std::includes(pick.begin(), pick.end(), f.begin(), f.end())) return;
          std::vector<bool> off(elements_.size(), false);
          for (int e : pick) off[static_cast<std::size_t>(e)] = true;
          if (!find_any_case(real_, selection(off), false)) found.push_back(pick);
          return;
        }
        for (std::size_t i = start; i < k; ++i) {
          pick.push_back(static_cast<int>(i));
          choose(i + 1, size);
          pick.pop_back();
        }
      };
      for (std::size_t size = 1; size <= limit; ++size) choose(0, size);
      for (const auto& f : found) ex.repairs.push_back({f, true});
    }

    // minimal conflicts over every element
    std::vector<int> all_idx;
    for (std::size_t i = 0; i < elements_.size(); ++i) all_idx.push_back(static_cast<int>(i));
    auto e = enumerate(all_idx, false);
    if (!e.complete) ex.complete = false;
    for (const auto& mus : e.muses) {
      MinimalConflict c;
      c.elements = mus;
      c.witness = witness_for(mus);
      ex.conflicts.push_back(c);
    }

    // nearest lawful values of numeric clauses in some minimal conflict
    std::set<int> in_conflict;
    for (const auto& c : ex.conflicts)
      for (int k : c.elements)
        if (elements_[static_cast<std::size_t>(k)].kind == Element::define) in_conflict.insert(elements_[static_cast<std::size_t>(k)].index);
    for (int d : in_conflict) {
      const auto& def = m.defines[static_cast<std::size_t>(d)];
      if (def.value->op == ir::Op::int_lit || def.value->op == ir::Op::dec_lit) ex.values.push_back(nearest(d));
    }
    return ex;
  }

 private:
  // Which literals are on: subject clauses and hypothetical derogations by element.
  struct Selection {
    std::vector<bool> off;  // per element: clause dropped / derogation invoked
  };
  Selection selection_all() const { return {std::vector<bool>(elements_.size(), false)}; }
  Selection selection(const std::vector<bool>& off) const { return {off}; }

  z3::expr_vector assumptions(Checker& ck, const Selection& sel) {
    z3::expr_vector a(ck.ctx_);
    for (const auto& l : ck.all_lits_) {
      bool decided = false;
      for (std::size_t k = 0; k < elements_.size(); ++k) {
        const auto& el = elements_[k];
        if (el.kind == Element::define || el.kind == Element::invoke) {
          if (z3::eq(literal(ck, el), l)) {
            a.push_back(sel.off[k] ? !l : l);
            decided = true;
          }
        }
      }
      if (!decided) a.push_back(l);
    }
    for (const auto& [d, lit] : ck.hypothetical_) {
      bool on = false;
      for (std::size_t k = 0; k < elements_.size(); ++k)
        if (elements_[k].kind == Element::derogation && elements_[k].index == d && sel.off[k]) on = true;
      a.push_back(on ? lit : !lit);
    }
    return a;
  }

  z3::expr literal(Checker& ck, const Element& el) {
    for (const auto& d : ck.enc_.defs())
      if (el.kind == Element::define && d.ruleset == subject_ && d.define == el.index) return d.literal;
    for (const auto& i : ck.enc_.invokes())
      if (el.kind == Element::invoke && i.ruleset == subject_ && i.invoke == el.index) return i.literal;
    for (const auto& [d, lit] : ck.hypothetical_)
      if (el.kind == Element::derogation && d == el.index) return lit;
    return ck.ctx_.bool_val(true);
  }
  z3::expr literal(const Element& el) { return literal(ck_, el); }

  // A case in which norm N is violated under the selection; recorded in
  // cases_ when RECORD (only for the relaxed checker, whose context they use).
  bool find_case(Checker& ck, int n, const Selection& sel, bool record) {
    const auto& norm = prog_.norms[static_cast<std::size_t>(n)];
    Query q = ck.build(norm);
    auto s = ck.solver();
    s.add(q.assumptions);
    s.add(q.violation && ck.fired_by(q, {subject_}));  // the measure's doing, as in check
    if (s.check(assumptions(ck, sel)) != z3::sat) return false;
    if (!record) return true;
    z3::model mdl = s.get_model();
    Case c;
    for (const auto& b : norm.binders) c.binder_types.push_back(b.type);
    for (std::size_t i = 0; i < q.witness_vars.size(); ++i) {
      const bool is_fact = std::find(q.world.begin(), q.world.end(), i) != q.world.end();
      z3::expr v = mdl.eval(q.witness_vars[i].second, true);
      if (is_fact) c.facts.emplace_back(q.witness_vars[i].first, v);
      else c.binder_values.push_back(v);
    }
    // what a reader sees
    for (const auto& [var, type, idx] : q.cases) {
      WitnessCase wc{var, type, {}};
      for (std::size_t i : idx)
        wc.fields.push_back({q.witness_vars[i].first, ck_.enc_.show(mdl.eval(q.witness_vars[i].second, true), q.var_types[i]), true, {}});
      c.shown.cases.push_back(wc);
    }
    for (std::size_t i : q.world)
      c.shown.world.push_back({q.witness_vars[i].first, ck_.enc_.show(mdl.eval(q.witness_vars[i].second, true), q.var_types[i]), true, {}});
    cases_.push_back(std::move(c));
    return true;
  }

  std::optional<int> find_any_case(Checker& ck, const Selection& sel, bool record) {
    for (int n : norms_)
      if (find_case(ck, n, sel, record)) return n;
    return std::nullopt;
  }

  // "N holds" for the case: the norm's binder constants replaced by its
  // values, except the binder fields marked FREE, which stay variables under
  // the cases' assumptions.
  std::optional<z3::expr> ground(int n, const Case& c, const std::vector<bool>& free = {}) {
    const auto& norm = prog_.norms[static_cast<std::size_t>(n)];
    std::vector<ir::Type> types;
    for (const auto& b : norm.binders) types.push_back(b.type);
    if (types != c.binder_types) return std::nullopt;
    Query q = ck_.build(norm);
    z3::expr_vector from(ck_.ctx_), to(ck_.ctx_);
    std::size_t bi = 0;
    bool any_free = false;
    for (std::size_t i = 0; i < q.witness_vars.size(); ++i) {
      const bool is_fact = std::find(q.world.begin(), q.world.end(), i) != q.world.end();
      if (is_fact) {
        for (const auto& [name, v] : c.facts)
          if (name == q.witness_vars[i].first) { from.push_back(q.witness_vars[i].second); to.push_back(v); }
      } else if (bi < c.binder_values.size()) {
        if (bi < free.size() && free[bi]) {
          any_free = true;
        } else {
          from.push_back(q.witness_vars[i].second);
          to.push_back(c.binder_values[bi]);
        }
        ++bi;
      }
    }
    z3::expr h = q.holds;
    if (any_free) h = z3::implies(q.assumptions, h);
    return h.substitute(from, to);
  }

  // MARCO over the given elements (indices into elements_); norms outside
  // the list are enforced when NORMS_HARD.
  Enumeration enumerate(const std::vector<int>& idx, bool norms_hard) {
    auto s = ck_.solver();
    std::vector<z3::expr> sel;  // one selector per element in idx
    for (std::size_t k = 0; k < idx.size(); ++k) sel.push_back(ck_.ctx_.bool_const(("select!" + std::to_string(idx[k])).c_str()));
    // rules of current law are fixed
    for (const auto& d : ck_.enc_.defs())
      if (d.ruleset != subject_) s.add(d.literal);
    for (const auto& i : ck_.enc_.invokes())
      if (i.ruleset != subject_) s.add(i.literal);
    auto selector_of = [&](int element) -> std::optional<z3::expr> {
      for (std::size_t k = 0; k < idx.size(); ++k)
        if (idx[k] == element) return sel[k];
      return std::nullopt;
    };
    for (std::size_t e = 0; e < elements_.size(); ++e) {
      const auto& el = elements_[e];
      auto selv = selector_of(static_cast<int>(e));
      if (el.kind == Element::norm) {
        z3::expr all = ck_.ctx_.bool_val(true);
        for (const auto& c : cases_)
          if (auto g = ground(el.index, c)) all = all && *g;
        if (selv) s.add(z3::implies(*selv, all));
        else if (norms_hard) s.add(all);
      } else {
        const z3::expr lit = literal(el);
        // in the set: the clause is kept / the derogation stays uninvoked
        const z3::expr in = el.kind == Element::derogation ? !lit : lit;
        if (selv) s.add(*selv == in);
        else s.add(in);
      }
    }
    auto oracle = [&](const std::vector<int>& subset) -> std::optional<bool> {
      z3::expr_vector a(ck_.ctx_);
      std::vector<bool> in(idx.size(), false);
      for (int k : subset) in[static_cast<std::size_t>(k)] = true;
      for (std::size_t k = 0; k < idx.size(); ++k) a.push_back(in[k] ? sel[k] : !sel[k]);
      auto r = s.check(a);
      if (r == z3::unknown) return std::nullopt;
      return r == z3::sat;
    };
    auto e = enumerate_marco(idx.size(), oracle, max_cores_);
    // map positions back to element indices
    for (auto& v : e.muses) for (auto& k : v) k = idx[static_cast<std::size_t>(k)];
    for (auto& v : e.mcses) for (auto& k : v) k = idx[static_cast<std::size_t>(k)];
    return e;
  }

  // Whether the set alone cannot hold in case C, with the binder fields
  // marked FREE left open (for every value they may take).
  bool cannot_hold(const std::vector<int>& mus, const Case& c, const std::vector<bool>& free) {
    auto s = ck_.solver();
    for (const auto& d : ck_.enc_.defs())
      if (d.ruleset != subject_) s.add(d.literal);
    for (const auto& i : ck_.enc_.invokes())
      if (i.ruleset != subject_) s.add(i.literal);
    for (std::size_t e = 0; e < elements_.size(); ++e) {
      const auto& el = elements_[e];
      const bool in = std::find(mus.begin(), mus.end(), static_cast<int>(e)) != mus.end();
      if (el.kind == Element::norm) {
        if (in)
          if (auto g = ground(el.index, c, free)) s.add(*g);
      } else {
        const z3::expr lit = literal(el);
        const z3::expr kept = el.kind == Element::derogation ? !lit : lit;
        s.add(in ? kept : !kept);
      }
    }
    return s.check() == z3::unsat;
  }

  // The first case found in which the set alone cannot hold, with the
  // attributes that do not matter shown as `any`.
  Witness witness_for(const std::vector<int>& mus) {
    for (const auto& c : cases_) {
      if (!cannot_hold(mus, c, {})) continue;
      std::vector<bool> free(c.binder_values.size(), false);
      for (std::size_t i = 0; i < free.size(); ++i) {
        free[i] = true;
        if (!cannot_hold(mus, c, free)) free[i] = false;
      }
      Witness w = c.shown;
      std::size_t k = 0;
      for (auto& wc : w.cases)
        for (auto& f : wc.fields) {
          if (k < free.size() && free[k]) {
            f.relevant = false;
            f.value = "any";
          }
          ++k;
        }
      return w;
    }
    return cases_.front().shown;
  }

  NearestValue nearest(int define) {
    NearestValue nv;
    nv.define = define;
    Optimum o = optimize_define(prog_, subject_, at_, scenario_, timeout_, define, Goal::nearest);
    nv.original = o.original;
    nv.lawful = o.value;
    nv.direction = o.direction;
    nv.binding = o.binding;
    nv.verified = o.value.has_value();
    return nv;
  }

  const ir::Program& prog_;
  int subject_;
  ir::Day at_;
  int scenario_;
  unsigned timeout_;
  std::size_t max_cores_;
  Checker ck_;    // relaxed: minimal conflicts
  Checker real_;  // as the law reads: repairs
  std::vector<int> norms_;
  std::vector<Element> elements_;
  std::vector<Case> cases_;
};

}  // namespace

Explanation explain(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms, std::size_t max_cores) {
  try {
    Explainer e(prog, subject, at, scenario, timeout_ms, max_cores);
    return e.run();
  } catch (const z3::exception& ex) {
    Explanation out;
    out.subject = subject;
    out.at = at;
    out.complete = false;
    out.notes.push_back(fmt::format("solver error: {}", ex.msg()));
    return out;
  }
}

}  // namespace normcheck
