// Each check is one documented query, with every decision free (current law
// left out) unless it concerns the rules themselves:
//   vacuous(N)        iff  assumptions(c) & when(c) & !unless(c)        is unsatisfiable
//   redundant(N)      iff  assumptions(c) & holds(others, c) & !holds(N, c)  is unsatisfiable
//   contradictory(S)  iff  exists c . forall outcomes . !holds(S, c)   (outcomes Ackermannised)
//   shadowed(D)       iff  D decides no argument at any date where its rule applies
#include "normcheck/lint.h"

#include <algorithm>
#include <memory>
#include <set>
#include <unordered_set>

#include "checker.h"
#include "normcheck/explain.h"

namespace normcheck {
namespace {

using detail::Checker;
using detail::Query;
using detail::Variant;

std::vector<ir::Day> boundary_dates(const ir::Program& prog) {
  std::set<ir::Day> d{0};
  auto add = [&](const ir::Period& p) {
    if (p.from) d.insert(*p.from);
    if (p.until) d.insert(*p.until);
  };
  for (const auto& i : prog.instruments) add(i.period);
  for (const auto& n : prog.norms) add(n.period);
  for (const auto& r : prog.rulesets) add(r.period);
  return {d.begin(), d.end()};
}

std::vector<ir::Type> binder_types(const ir::Norm& n) {
  std::vector<ir::Type> t;
  for (const auto& b : n.binders) t.push_back(b.type);
  return t;
}

// The norm's binder constants renamed to a canonical set, by position.
z3::expr canonical(Checker& ck, const Query& q, const z3::expr& e) {
  z3::expr_vector from(ck.ctx_), to(ck.ctx_);
  std::size_t pos = 0;
  for (std::size_t i = 0; i < q.witness_vars.size(); ++i) {
    if (std::find(q.world.begin(), q.world.end(), i) != q.world.end()) continue;
    from.push_back(q.witness_vars[i].second);
    to.push_back(ck.ctx_.constant(("canon!" + std::to_string(pos++)).c_str(), q.witness_vars[i].second.get_sort()));
  }
  z3::expr c = e;
  return c.substitute(from, to);
}

// Applications of undefined (free) decisions in E, in a fixed order.
void free_apps(const z3::expr& e, std::vector<z3::expr>& out, std::set<unsigned>& seen) {
  if (!e.is_app()) return;
  if (!seen.insert(e.id()).second) return;
  for (unsigned i = 0; i < e.num_args(); ++i) free_apps(e.arg(i), out, seen);
  const std::string name = e.decl().name().str();
  if (name.rfind("undefined!", 0) == 0) out.push_back(e);
}

// The symbols through which the outcomes of different norms can depend on
// each other, added to OUT (by their number in IDS): every uninterpreted
// constant or function but the canonical case constants (the free decisions
// `undefined!...` and the facts `fact!...`), and division, whose value at
// zero is one uninterpreted function shared by every term. SEEN: the
// subterms already walked for this norm.
void linking_symbols(const z3::expr& root, std::map<std::string, int>& ids, std::set<int>& out, std::unordered_set<unsigned>& seen) {
  auto symbol = [&](const std::string& name) { out.insert(ids.emplace(name, static_cast<int>(ids.size())).first->second); };
  std::vector<z3::expr> stack{root};
  while (!stack.empty()) {
    const z3::expr e = stack.back();
    stack.pop_back();
    if (!seen.insert(e.id()).second) continue;
    if (e.is_quantifier()) {
      stack.push_back(e.body());
      continue;
    }
    if (!e.is_app()) continue;
    for (unsigned i = 0; i < e.num_args(); ++i) stack.push_back(e.arg(i));
    const z3::func_decl f = e.decl();
    switch (f.decl_kind()) {
      case Z3_OP_UNINTERPRETED: {
        const std::string name = f.name().str();
        if (name.rfind("canon!", 0) != 0) symbol(name);
        break;
      }
      case Z3_OP_DIV:
      case Z3_OP_IDIV:
      case Z3_OP_MOD:
      case Z3_OP_REM: {
        const z3::expr y = e.arg(1);
        if (!y.is_numeral() || std::string(Z3_get_numeral_string(y.ctx(), y)) == "0") symbol("/0");
        break;
      }
      case Z3_OP_POWER:
        symbol("/0");
        break;
      default:
        break;
    }
  }
}

class Linter {
 public:
  Linter(const ir::Program& prog, unsigned timeout) : prog_(prog), timeout_(timeout), dates_(boundary_dates(prog)) {}

  std::vector<Diagnostic> run() {
    unused();
    norms();
    shadowed();
    std::stable_sort(out_.begin(), out_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.span.file, a.span.begin, a.code) < std::tie(b.span.file, b.span.begin, b.code);
    });
    return std::move(out_);
  }

 private:
  Diagnostic& warn(const char* code, Span span, std::string message) {
    out_.push_back(Diagnostic{code, Severity::warning, std::move(message), span, {}, {}, {}, {}});
    return out_.back();
  }

  // The norms' encodings with every decision free: each norm that is in
  // force at some date, its `holds` and assumptions over the canonical case
  // constants, and the free symbols they mention. With current law left out
  // nothing in them depends on the date (a derogation's excuse needs an
  // invocation, and there are none), so one encoding serves every date, and
  // so does every answer about a set of norms: the consistency of a set of
  // norms, and whether a norm is implied by a set of others.
  struct Encoded {
    Checker& ck;
    std::vector<int> in_force;                                   // at the date being checked
    std::map<int, Query> qs;
    std::map<int, std::size_t> pos;                              // norm -> index into holds, assume, symbols
    std::vector<z3::expr> holds, assume;                         // canonical
    std::vector<std::vector<int>> symbols;                       // linking symbols (linking_symbols), ascending
    std::map<std::vector<int>, std::optional<bool>> consistent;  // by the norms, ascending
    std::map<std::pair<int, std::vector<int>>, std::vector<std::string>> implied;  // (norm, others) -> `by`, empty: not implied
  };

  // The norms MEMBERS (ascending) split into the classes of "shares a
  // linking symbol with", transitively. Each class ascending; the classes in
  // the order of their first norm.
  static std::vector<std::vector<int>> components(const Encoded& d, const std::vector<int>& members) {
    std::vector<std::size_t> parent(members.size());
    for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
    auto find = [&](std::size_t i) {
      while (parent[i] != i) i = parent[i] = parent[parent[i]];
      return i;
    };
    std::map<int, std::size_t> first;  // symbol -> the first member that mentions it
    for (std::size_t i = 0; i < members.size(); ++i)
      for (int s : d.symbols[d.pos.at(members[i])]) {
        auto [it, fresh] = first.emplace(s, i);
        if (fresh) continue;
        const std::size_t a = find(i), b = find(it->second);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
    std::vector<std::vector<int>> out;
    std::map<std::size_t, std::size_t> index;  // root -> class
    for (std::size_t i = 0; i < members.size(); ++i) {
      auto [it, fresh] = index.emplace(find(i), out.size());
      if (fresh) out.emplace_back();
      out[it->second].push_back(members[i]);
    }
    return out;
  }

  // The norms IDS (ascending) are consistent iff
  //   not (exists c . forall outcomes . !holds(IDS, c))
  // with the outcomes (applications of free decisions) abstracted to
  // variables under functional consistency (Ackermann). nullopt: unknown.
  std::optional<bool> consistent(Encoded& d, const std::vector<int>& ids) {
    if (ids.empty()) return true;
    auto hit = d.consistent.find(ids);
    if (hit != d.consistent.end()) return hit->second;
    Checker& ck = d.ck;
    z3::expr all = ck.ctx_.bool_val(true);
    z3::expr assume = ck.ctx_.bool_val(true);
    for (int k : ids) {
      all = all && d.holds[d.pos.at(k)];
      assume = assume && d.assume[d.pos.at(k)];
    }
    std::vector<z3::expr> apps;
    std::set<unsigned> seen_ids;
    free_apps(all, apps, seen_ids);
    z3::expr_vector from(ck.ctx_), vars(ck.ctx_);
    for (std::size_t i = 0; i < apps.size(); ++i) {
      from.push_back(apps[i]);
      vars.push_back(ck.ctx_.constant(("outcome!" + std::to_string(i)).c_str(), apps[i].get_sort()));
    }
    z3::expr body = all.substitute(from, vars);
    // functional consistency of the abstracted outcomes (Ackermann)
    z3::expr consistent_outcomes = ck.ctx_.bool_val(true);
    std::map<unsigned, std::vector<std::size_t>> by_decl;  // the applications of each decision, ascending
    for (std::size_t i = 0; i < apps.size(); ++i) by_decl[apps[i].decl().id()].push_back(i);
    for (std::size_t i = 0; i < apps.size(); ++i)
      for (std::size_t j : by_decl.at(apps[i].decl().id())) {
        if (j <= i) continue;
        z3::expr same_args = ck.ctx_.bool_val(true);
        for (unsigned a = 0; a < apps[i].num_args(); ++a) same_args = same_args && apps[i].arg(a) == apps[j].arg(a);
        z3::expr sa = same_args.substitute(from, vars);
        consistent_outcomes = consistent_outcomes && z3::implies(sa, vars[static_cast<unsigned>(i)] == vars[static_cast<unsigned>(j)]);
      }
    auto s = ck.solver();
    s.add(assume);
    if (vars.empty()) s.add(!body);
    else s.add(z3::forall(vars, z3::implies(consistent_outcomes, !body)));
    const auto r = s.check();
    const std::optional<bool> out = r == z3::unknown ? std::nullopt : std::optional<bool>(r == z3::unsat);
    d.consistent.emplace(ids, out);
    return out;
  }

  void norms() {
    std::set<std::vector<int>> contradictions;
    Variant v;
    v.no_rules = true;
    Checker ck(prog_, -1, dates_.front(), -1, timeout_, v);
    Encoded d{ck, {}, {}, {}, {}, {}, {}, {}, {}};
    std::map<std::string, int> symbol_ids;
    for (std::size_t n = 0; n < prog_.norms.size(); ++n) {
      const auto& norm = prog_.norms[n];
      if (norm.derogation || !norm.modality) continue;
      if (std::none_of(dates_.begin(), dates_.end(), [&](ir::Day at) { return norm.period.contains(at); })) continue;
      const Query& q = d.qs.emplace(static_cast<int>(n), ck.build(norm)).first->second;
      d.pos.emplace(static_cast<int>(n), d.holds.size());
      d.holds.push_back(canonical(ck, q, q.holds));
      d.assume.push_back(canonical(ck, q, q.assumptions));
      std::set<int> syms;
      std::unordered_set<unsigned> seen;
      linking_symbols(d.holds.back(), symbol_ids, syms, seen);
      linking_symbols(d.assume.back(), symbol_ids, syms, seen);
      d.symbols.emplace_back(syms.begin(), syms.end());
      // vacuous (the same at every date)
      if (norm.cond || norm.unless) {
        auto s = ck.solver();
        s.add(q.assumptions);
        s.add(q.applies);
        if (s.check() == z3::unsat)
          warn("W0102", norm.span, fmt::format("norm `{}` can never apply: its conditions never hold together", norm.id))
              .help = "check its `when` and `unless` clauses and the cases' `assume`s";
      }
    }
    // a date with the same norms in force as an earlier one has the same
    // answers: the same norms are implied, and no contradiction is new
    std::map<std::vector<int>, std::vector<int>> implied_at;  // norms in force -> those implied
    for (ir::Day at : dates_) {
      d.in_force.clear();
      for (const auto& [n, q] : d.qs)
        if (prog_.norms[static_cast<std::size_t>(n)].period.contains(at)) {
          d.in_force.push_back(n);
          ++applies_dates_[n];
        }
      auto [same, fresh] = implied_at.try_emplace(d.in_force);
      if (!fresh) {
        for (int n : same->second) ++redundant_dates_[n];
        continue;
      }
      same->second = redundant(d);
      contradictory(d, contradictions);
    }
    // redundant only if implied at every date where it applies
    std::set<std::string> reported;
    for (const auto& [n, by] : redundant_by_) {
      if (redundant_dates_[n] != applies_dates_[n]) continue;
      const auto& norm = prog_.norms[static_cast<std::size_t>(n)];
      // of norms that imply each other, only the later one is reported
      bool all_reported = true;
      for (const auto& b : by) all_reported = all_reported && reported.count(b);
      if (all_reported) continue;
      reported.insert("`" + norm.id + "`");
      warn("W0103", norm.span, fmt::format("norm `{}` is implied by {}", norm.id, fmt::join(by, " and ")))
          .help = "it adds nothing while those norms apply; remove it, or check whether it should say more";
    }
  }

  // Redundancy at one date. Norm N is implied by the others of its cases
  // (the norms in force with N's case types, and those without cases; for a
  // norm without cases, the others without cases) iff
  //   assumptions(N, c) & !holds(N, c) & AND_o holds(o, c)
  // is unsatisfiable. It is decided over fewer norms with the same answer:
  // split the norms into components that share no free decision or fact
  // (components()). A component K without N shares nothing with N's
  // component but the cases, so it changes the answer only by ruling cases
  // out: if K is consistent (consistent(): for every case and facts that
  // meet K's assumptions some outcomes meet K), every model of the query
  // without K extends to K's own decisions and facts (K's facts occur
  // nowhere else in the query; give them a value their unit allows, as 0,
  // and K's assumptions hold: they are N's case assumptions and those
  // units), and K can be left out. So the query keeps N's component and the
  // components that are not consistent or undecided, and no others. (A
  // fact or decision in a case's `assume` joins every norm of those cases in
  // one component.) Where the solver cannot decide, the smaller query may be
  // decided where the query over all the others was not.
  //
  // The norms it is implied by (`by`) are Z3's unsat core over the
  // assumption literals of the others kept, in source order, as before the
  // split. A core is not unique: where the split leaves norms out, Z3 may
  // name another set of norms that implies N as well (it did not on the
  // corpus, the golden files, or bench/gen.py corpora of 100 and 1,000
  // norms). A minimal set chosen by deletion in source order would not
  // depend on Z3, but it names different norms than before on the corpus.
  // Returns the norms implied at the date.
  std::vector<int> redundant(Encoded& d) {
    std::vector<int> implied;
    std::vector<int> binderless;
    std::vector<std::pair<std::vector<ir::Type>, std::vector<int>>> by_types;  // in order of first norm
    for (int n : d.in_force) {
      const auto& norm = prog_.norms[static_cast<std::size_t>(n)];
      if (norm.binders.empty()) {
        binderless.push_back(n);
        continue;
      }
      const auto types = binder_types(norm);
      auto it = std::find_if(by_types.begin(), by_types.end(), [&](const auto& g) { return g.first == types; });
      if (it == by_types.end()) by_types.emplace_back(types, std::vector<int>{n});
      else it->second.push_back(n);
    }
    // each group: the norms judged (`owners`) and the norms they are judged against
    std::vector<std::pair<std::vector<int>, std::vector<int>>> groups;
    if (!binderless.empty()) groups.emplace_back(binderless, binderless);
    for (const auto& [types, owners] : by_types) {
      std::vector<int> members = owners;
      members.insert(members.end(), binderless.begin(), binderless.end());
      std::sort(members.begin(), members.end());
      groups.emplace_back(owners, members);
    }
    for (const auto& [owners, members] : groups) {
      if (members.size() < 2) continue;  // no others
      const auto comps = components(d, members);
      std::map<int, std::size_t> comp_of;
      for (std::size_t k = 0; k < comps.size(); ++k)
        for (int m : comps[k]) comp_of.emplace(m, k);
      std::vector<std::size_t> restricting;  // the components that are not consistent, or undecided
      if (comps.size() > 1)
        for (std::size_t k = 0; k < comps.size(); ++k) {
          const auto c = consistent(d, comps[k]);
          if (!c || !*c) restricting.push_back(k);
        }
      for (int n : owners) {
        const std::size_t own = comp_of.at(n);
        std::vector<int> others;
        for (int o : comps[own])
          if (o != n) others.push_back(o);
        for (std::size_t k : restricting)
          if (k != own) others.insert(others.end(), comps[k].begin(), comps[k].end());
        if (others.empty()) continue;  // no other norm kept: none is named
        std::sort(others.begin(), others.end());
        auto [entry, fresh] = d.implied.try_emplace({n, others});
        if (fresh) entry->second = implied_by(d, n, others);
        if (entry->second.empty()) continue;
        redundant_by_.emplace(n, entry->second);
        ++redundant_dates_[n];
        implied.push_back(n);
      }
    }
    return implied;
  }

  // The norms among OTHERS (ascending) that Z3's unsat core names for
  // "assumptions(N) & !holds(N) & AND_o holds(o)", sorted by name; empty if
  // that is satisfiable or undecided.
  std::vector<std::string> implied_by(Encoded& d, int n, const std::vector<int>& others) {
    Checker& ck = d.ck;
    auto s = ck.solver();
    s.add(d.assume[d.pos.at(n)]);
    s.add(!d.holds[d.pos.at(n)]);
    std::vector<z3::expr> lits;
    for (int o : others) {
      lits.push_back(ck.ctx_.bool_const(("other!" + prog_.norms[static_cast<std::size_t>(o)].id).c_str()));
      s.add(z3::implies(lits.back(), d.holds[d.pos.at(o)]));
    }
    z3::expr_vector on(ck.ctx_);
    for (const auto& l : lits) on.push_back(l);
    if (s.check(on) != z3::unsat) return {};
    std::set<unsigned> core;
    const z3::expr_vector c = s.unsat_core();
    for (unsigned i = 0; i < c.size(); ++i) core.insert(c[i].id());
    std::vector<std::string> by;
    for (std::size_t k = 0; k < others.size(); ++k)
      if (core.count(lits[k].id())) by.push_back("`" + prog_.norms[static_cast<std::size_t>(others[k])].id + "`");
    std::sort(by.begin(), by.end());
    return by;
  }

  // Contradictions at one date, per group of norms with the same case types
  // (norms without cases in every group). A group is contradictory iff
  //   exists c . forall outcomes . !holds(group, c)
  // Its components (components()) share no outcome, so the `forall` splits:
  // the group is contradictory iff one of its components is and the
  // assumptions of the whole group hold together (the other components'
  // assumptions are about their own facts, or the same cases). Every minimal
  // contradictory set lies inside one component (one of its parts would
  // already be contradictory), so the enumeration runs per component.
  // The answers are those of one query over the whole group, except where
  // the solver cannot decide (an undecided component is not reported, as an
  // undecided group was not; a group may now be decided where it was not)
  // and where the enumeration stops early (more than 20 minimal
  // contradictions in a group, or a component's 2,000 steps used up): then
  // the contradictions kept may be others than the whole group's.
  void contradictory(Encoded& d, std::set<std::vector<int>>& seen) {
    Checker& ck = d.ck;
    // group by case types; norms without cases belong to every group
    std::map<std::string, std::vector<int>> groups;  // by the case types, spelled out
    for (int n : d.in_force) {
      const auto& norm = prog_.norms[static_cast<std::size_t>(n)];
      if (norm.binders.empty()) continue;
      std::string key;
      for (const auto& t : binder_types(norm)) key += fmt::format("{}:{};", static_cast<int>(t.kind), t.index);
      groups[key].push_back(n);
    }
    for (auto& [types, members] : groups)
      for (int n : d.in_force)
        if (prog_.norms[static_cast<std::size_t>(n)].binders.empty()) members.push_back(n);
    for (auto& group : groups) {
      auto& members = group.second;
      if (members.size() < 2) continue;
      std::sort(members.begin(), members.end());
      const auto comps = components(d, members);
      std::vector<std::vector<int>> contra;  // the contradictory components
      if (comps.size() == 1) {
        const auto whole = consistent(d, members);
        if (!whole || *whole) continue;
        contra = comps;
      } else {
        for (const auto& comp : comps) {
          const auto c = consistent(d, comp);
          if (c && !*c) contra.push_back(comp);
        }
        if (contra.empty()) continue;
        auto s = ck.solver();
        for (int m : members) s.add(d.assume[d.pos.at(m)]);
        if (s.check() != z3::sat) continue;  // no case of the group at all: nothing is contradictory
      }
      constexpr std::size_t max_muses = 20;
      std::vector<std::vector<int>> muses;
      for (const auto& comp : contra) {
        if (muses.size() >= max_muses) break;
        auto oracle = [&](const std::vector<int>& subset) -> std::optional<bool> {
          std::vector<int> ids;
          for (int k : subset) ids.push_back(comp[static_cast<std::size_t>(k)]);
          return consistent(d, ids);
        };
        auto e = enumerate_marco(comp.size(), oracle, max_muses - muses.size(), 2000);
        for (const auto& mus : e.muses) {
          std::vector<int> ids;
          for (int k : mus) ids.push_back(comp[static_cast<std::size_t>(k)]);
          std::sort(ids.begin(), ids.end());
          muses.push_back(std::move(ids));
        }
      }
      std::sort(muses.begin(), muses.end());
      for (const auto& ids : muses) {
        if (!seen.insert(ids).second) continue;
        const auto& first = prog_.norms[static_cast<std::size_t>(ids.front())];
        std::vector<std::string> names;
        for (int id : ids) names.push_back("`" + prog_.norms[static_cast<std::size_t>(id)].id + "`");
        auto& w = warn("W0101", first.span, fmt::format("norms {} cannot all be met: for some case no outcome is lawful", fmt::join(names, ", ")));
        for (std::size_t k = 1; k < ids.size(); ++k) w.labels.push_back({prog_.norms[static_cast<std::size_t>(ids[k])].span, "contradicts it"});
      }
    }
  }

  void shadowed() {
    std::set<std::pair<int, int>> took_effect, checked;
    // what the checkers below share, as check's do: the program index (a
    // symbol's definitions and literals are made when lowering meets it)
    // and one context with its reused solvers; each query assumes the
    // literals it contains (a literal it does not contain changes nothing)
    const detail::ProgramIndex index(prog_);
    detail::Workspace workspace(prog_);
    struct Law {
      std::unique_ptr<Checker> ck;
    };
    auto law = [&](int subject, ir::Day at, const Variant& variant) {
      return Law{std::make_unique<Checker>(prog_, subject, at, -1, timeout_, variant, false, false, &index, &workspace)};
    };
    // whether definition K of rule set R decides some argument under L
    auto look_at = [&](const Law& l, std::size_t r, std::size_t k) {
      const auto& def = prog_.rulesets[r].defines[k];
      if (def.symbol < 0 || took_effect.count({static_cast<int>(r), static_cast<int>(k)})) return;
      checked.insert({static_cast<int>(r), static_cast<int>(k)});
      Checker& ck = *l.ck;
      // a call with fresh arguments
      const auto& sym = prog_.symbols[static_cast<std::size_t>(def.symbol)];
      ck.enc_.begin_norm();
      std::vector<enc::Val> env;
      ir::Expr call;
      call.op = ir::Op::call;
      call.index = def.symbol;
      call.type = sym.result;
      z3::expr assume = ck.ctx_.bool_val(true);
      for (std::size_t a = 0; a < sym.params.size(); ++a) {
        env.push_back(ck.enc_.fresh("arg" + std::to_string(a), sym.params[a].type));
        if (sym.params[a].type.kind == ir::Type::record) assume = assume && ck.enc_.case_assumptions(env.back(), sym.params[a].type.index);
        auto v = std::make_unique<ir::Expr>();
        v->op = ir::Op::var;
        v->index = static_cast<int>(a);
        v->type = sym.params[a].type;
        call.args.push_back(std::move(v));
      }
      ck.enc_.lower(call, env);
      auto f = ck.enc_.fired_defs().find({static_cast<int>(r), static_cast<int>(k)});
      if (f == ck.enc_.fired_defs().end()) return;
      auto s = ck.solver();
      s.add(assume);
      s.add(f->second);
      // the clause literals that are on and that the query contains
      z3::expr_vector on(ck.ctx_);
      for (const auto& lit : ck.enc_.used_literals())
        if (!ck.free_ids_.count(lit.id())) on.push_back(lit);
      if (s.check(on) != z3::unsat) took_effect.insert({static_cast<int>(r), static_cast<int>(k)});
    };
    // the rules, at every date where they apply, against current law at that
    // date: one checker per date for all of them (a checker without a
    // measure does not depend on the choices of options)
    for (ir::Day at : dates_) {
      std::optional<Law> current;
      for (std::size_t r = 0; r < prog_.rulesets.size(); ++r) {
        const auto& rs = prog_.rulesets[r];
        if (rs.measure || !rs.period.contains(at)) continue;
        if (!current) current = law(-1, at, Variant{});
        for (std::size_t k = 0; k < rs.defines.size(); ++k) look_at(*current, r, k);
      }
    }
    // a measure on the date it takes effect, each choice's definitions with that choice taken
    for (std::size_t r = 0; r < prog_.rulesets.size(); ++r) {
      const auto& rs = prog_.rulesets[r];
      if (!rs.measure || !rs.effective) continue;
      std::vector<std::vector<int>> picks{std::vector<int>(rs.options.size(), 0)};
      for (std::size_t o = 0; o < rs.options.size(); ++o)
        for (std::size_t c = 1; c < rs.options[o].choices.size(); ++c) {
          picks.push_back(std::vector<int>(rs.options.size(), 0));
          picks.back()[o] = static_cast<int>(c);
        }
      for (const auto& pick : picks) {
        Variant variant;
        variant.choices = pick;
        const Law own = law(static_cast<int>(r), *rs.effective, variant);
        for (std::size_t k = 0; k < rs.defines.size(); ++k) look_at(own, r, k);
      }
    }
    for (const auto& key : checked) {
      if (took_effect.count(key)) continue;
      const auto& rs = prog_.rulesets[static_cast<std::size_t>(key.first)];
      const auto& def = rs.defines[static_cast<std::size_t>(key.second)];
      warn("W0104", def.span, fmt::format("this definition of `{}` in {} `{}` never takes effect",
                                          prog_.symbols[static_cast<std::size_t>(def.symbol)].name, rs.measure ? "measure" : "rule", rs.id))
          .help = "a definition of higher precedence (higher level, later, or later in the source) decides every case it covers, or its `when` never holds";
    }
  }

  void unused() {
    std::set<int> used_symbols, used_enums, used_cases, used_instruments;
    std::function<void(const ir::Expr*)> walk = [&](const ir::Expr* e) {
      if (!e) return;
      if (e->op == ir::Op::call) used_symbols.insert(e->index);
      if (e->type.kind == ir::Type::enumeration) used_enums.insert(e->type.index);
      for (const auto& a : e->args) walk(a.get());
    };
    auto type_use = [&](const ir::Type& t) {
      if (t.kind == ir::Type::enumeration) used_enums.insert(t.index);
      if (t.kind == ir::Type::record) used_cases.insert(t.index);
    };
    for (const auto& n : prog_.norms) {
      walk(n.cond.get()); walk(n.unless.get()); walk(n.body.get());
      for (const auto& b : n.binders) type_use(b.type);
      if (n.instrument >= 0) used_instruments.insert(n.instrument);
    }
    std::set<int> defined;
    for (const auto& r : prog_.rulesets) {
      if (r.instrument >= 0) used_instruments.insert(r.instrument);
      for (const auto& d : r.defines) { walk(d.value.get()); walk(d.when.get()); if (d.symbol >= 0) defined.insert(d.symbol); }
    }
    for (const auto& s : prog_.scenarios) for (const auto& a : s.assumes) walk(a.get());
    for (const auto& c : prog_.cases) for (const auto& f : c.fields) type_use(f.type);
    for (const auto& s : prog_.symbols) { for (const auto& p : s.params) type_use(p.type); type_use(s.result); }
    for (std::size_t i = 0; i < prog_.symbols.size(); ++i) {
      const auto& s = prog_.symbols[i];
      if (used_symbols.count(static_cast<int>(i))) continue;
      const char* kind = s.kind == ir::SymbolKind::fact ? "fact" : s.kind == ir::SymbolKind::param ? "param" : "decision";
      warn("W0105", s.span, defined.count(static_cast<int>(i))
                                ? fmt::format("{} `{}` is defined but no norm depends on it", kind, s.name)
                                : fmt::format("{} `{}` is never used", kind, s.name));
    }
    for (std::size_t i = 0; i < prog_.enums.size(); ++i)
      if (!used_enums.count(static_cast<int>(i))) warn("W0105", prog_.enums[i].span, fmt::format("enum `{}` is never used", prog_.enums[i].name));
    for (std::size_t i = 0; i < prog_.cases.size(); ++i)
      if (!used_cases.count(static_cast<int>(i))) warn("W0105", prog_.cases[i].span, fmt::format("case `{}` is never used", prog_.cases[i].name));
    for (std::size_t i = 0; i < prog_.instruments.size(); ++i)
      if (!used_instruments.count(static_cast<int>(i)))
        warn("W0105", prog_.instruments[i].span, fmt::format("instrument `{}` is cited by no norm or rule", prog_.instruments[i].id));
  }

  const ir::Program& prog_;
  unsigned timeout_;
  std::vector<ir::Day> dates_;
  std::vector<Diagnostic> out_;
  std::map<int, std::vector<std::string>> redundant_by_;
  std::map<int, int> redundant_dates_, applies_dates_;
};

}  // namespace

std::vector<Diagnostic> lint(const ir::Program& prog, unsigned timeout_ms) {
  try {
    Linter l(prog, timeout_ms);
    return l.run();
  } catch (const z3::exception& e) {
    return {Diagnostic{"C0004", Severity::error, fmt::format("lint could not finish: solver error: {}", e.msg()), {}, {}, {}, {}, {}}};
  }
}

}  // namespace normcheck
