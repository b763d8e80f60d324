// Each check is one documented query, with every decision free (current law
// left out) unless it concerns the rules themselves:
//   vacuous(N)        iff  assumptions(c) & when(c) & !unless(c)        is unsatisfiable
//   redundant(N)      iff  assumptions(c) & holds(others, c) & !holds(N, c)  is unsatisfiable
//   contradictory(S)  iff  exists c . forall outcomes . !holds(S, c)   (outcomes Ackermannised)
//   shadowed(D)       iff  D decides no argument at any date where its rule applies
#include "normcheck/lint.h"

#include <algorithm>
#include <set>

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

  void norms() {
    std::set<int> vacuous_reported;
    std::set<std::vector<int>> contradictions;
    for (ir::Day at : dates_) {
      Variant v;
      v.no_rules = true;
      Checker ck(prog_, -1, at, -1, timeout_, v);
      std::vector<int> in_force;
      for (std::size_t n = 0; n < prog_.norms.size(); ++n) {
        const auto& norm = prog_.norms[n];
        if (!norm.derogation && norm.modality && norm.period.contains(at)) in_force.push_back(static_cast<int>(n));
      }
      std::map<int, Query> qs;
      for (int n : in_force) qs.emplace(n, ck.build(prog_.norms[static_cast<std::size_t>(n)]));
      for (int n : in_force) {
        const auto& norm = prog_.norms[static_cast<std::size_t>(n)];
        Query& q = qs.at(n);
        ++applies_dates_[n];
        // vacuous
        if (!vacuous_reported.count(n) && (norm.cond || norm.unless)) {
          auto s = ck.solver();
          s.add(q.assumptions);
          s.add(q.applies);
          if (s.check() == z3::unsat) {
            vacuous_reported.insert(n);
            warn("W0102", norm.span, fmt::format("norm `{}` can never apply: its conditions never hold together", norm.id))
                .help = "check its `when` and `unless` clauses and the cases' `assume`s";
          }
        }
        // redundant: implied by the others of the same cases
        {
          auto s = ck.solver();
          s.add(canonical(ck, q, q.assumptions));
          s.add(!canonical(ck, q, q.holds));
          z3::expr_vector lits(ck.ctx_);
          std::vector<int> others;
          for (int o : in_force) {
            if (o == n) continue;
            const auto& on = prog_.norms[static_cast<std::size_t>(o)];
            if (!on.binders.empty() && binder_types(on) != binder_types(norm)) continue;
            z3::expr lit = ck.ctx_.bool_const(("other!" + on.id).c_str());
            s.add(z3::implies(lit, canonical(ck, qs.at(o), qs.at(o).holds)));
            lits.push_back(lit);
            others.push_back(o);
          }
          if (!others.empty() && s.check(lits) == z3::unsat) {
            std::vector<std::string> by;
            z3::expr_vector core = s.unsat_core();
            for (std::size_t k = 0; k < others.size(); ++k)
              for (unsigned c = 0; c < core.size(); ++c)
                if (z3::eq(core[c], lits[static_cast<unsigned>(k)])) by.push_back("`" + prog_.norms[static_cast<std::size_t>(others[k])].id + "`");
            std::sort(by.begin(), by.end());
            if (!by.empty() && !redundant_by_.count(n)) redundant_by_[n] = by;
            if (!by.empty()) ++redundant_dates_[n];
          }
        }
      }
      contradictory(ck, in_force, qs, contradictions);
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

  void contradictory(Checker& ck, const std::vector<int>& in_force, std::map<int, Query>& qs, std::set<std::vector<int>>& seen) {
    // group by case types; norms without cases belong to every group
    std::map<std::string, std::vector<int>> groups;  // by the case types, spelled out
    for (int n : in_force) {
      const auto& norm = prog_.norms[static_cast<std::size_t>(n)];
      if (norm.binders.empty()) continue;
      std::string key;
      for (const auto& t : binder_types(norm)) key += fmt::format("{}:{};", static_cast<int>(t.kind), t.index);
      groups[key].push_back(n);
    }
    for (auto& [types, members] : groups)
      for (int n : in_force)
        if (prog_.norms[static_cast<std::size_t>(n)].binders.empty()) members.push_back(n);
    // Not a structured binding: the lambda below captures `members`, which
    // clang before 16 rejects for a binding (C++20 allows it; GCC accepts it).
    for (auto& group : groups) {
      auto& members = group.second;
      if (members.size() < 2) continue;
      std::sort(members.begin(), members.end());
      // S is consistent iff  not (exists c . forall outcomes . !holds(S, c))
      auto consistent = [&](const std::vector<int>& subset) -> std::optional<bool> {
        if (subset.empty()) return true;
        z3::expr all = ck.ctx_.bool_val(true);
        z3::expr assume = ck.ctx_.bool_val(true);
        for (int k : subset) {
          const Query& q = qs.at(members[static_cast<std::size_t>(k)]);
          all = all && canonical(ck, q, q.holds);
          assume = assume && canonical(ck, q, q.assumptions);
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
        for (std::size_t i = 0; i < apps.size(); ++i)
          for (std::size_t j = i + 1; j < apps.size(); ++j) {
            if (!z3::eq(apps[i].decl(), apps[j].decl())) continue;
            z3::expr same_args = ck.ctx_.bool_val(true);
            for (unsigned a = 0; a < apps[i].num_args(); ++a) same_args = same_args && apps[i].arg(a) == apps[j].arg(a);
            z3::expr sa = same_args.substitute(from, vars);
            consistent_outcomes = consistent_outcomes && z3::implies(sa, vars[static_cast<unsigned>(i)] == vars[static_cast<unsigned>(j)]);
          }
        auto s = ck.solver();
        s.add(assume);
        if (vars.empty()) s.add(!body);
        else s.add(z3::forall(vars, z3::implies(consistent_outcomes, !body)));
        auto r = s.check();
        if (r == z3::unknown) return std::nullopt;
        return r == z3::unsat;
      };
      // quick exit: the whole group is consistent
      std::vector<int> all_idx(members.size());
      for (std::size_t i = 0; i < members.size(); ++i) all_idx[i] = static_cast<int>(i);
      auto whole = consistent(all_idx);
      if (!whole || *whole) continue;
      auto e = enumerate_marco(members.size(), consistent, 20, 2000);
      for (const auto& mus : e.muses) {
        std::vector<int> ids;
        for (int k : mus) ids.push_back(members[static_cast<std::size_t>(k)]);
        std::sort(ids.begin(), ids.end());
        if (!seen.insert(ids).second) continue;
        const auto& first = prog_.norms[static_cast<std::size_t>(ids.front())];
        std::vector<std::string> names;
        for (int id : ids) names.push_back("`" + prog_.norms[static_cast<std::size_t>(id)].id + "`");
        auto& d = warn("W0101", first.span, fmt::format("norms {} cannot all be met: for some case no outcome is lawful", fmt::join(names, ", ")));
        for (std::size_t k = 1; k < ids.size(); ++k) d.labels.push_back({prog_.norms[static_cast<std::size_t>(ids[k])].span, "contradicts it"});
      }
    }
  }

  void shadowed() {
    std::set<std::pair<int, int>> took_effect, checked;
    for (std::size_t r = 0; r < prog_.rulesets.size(); ++r) {
      const auto& rs = prog_.rulesets[r];
      std::vector<ir::Day> when;
      if (rs.measure) {
        if (rs.effective) when.push_back(*rs.effective);
      } else {
        for (ir::Day d : dates_) if (rs.period.contains(d)) when.push_back(d);
      }
      // a measure's options: each choice's definitions are looked at with that choice taken
      std::vector<std::vector<int>> picks{std::vector<int>(rs.options.size(), 0)};
      for (std::size_t o = 0; o < rs.options.size(); ++o)
        for (std::size_t c = 1; c < rs.options[o].choices.size(); ++c) {
          picks.push_back(std::vector<int>(rs.options.size(), 0));
          picks.back()[o] = static_cast<int>(c);
        }
      for (ir::Day at : when)
        for (const auto& pick : picks) {
          Variant variant;
          variant.choices = pick;
          Checker ck(prog_, rs.measure ? static_cast<int>(r) : -1, at, -1, timeout_, variant);
          for (std::size_t k = 0; k < rs.defines.size(); ++k) {
            const auto& def = rs.defines[k];
            if (def.symbol < 0 || took_effect.count({static_cast<int>(r), static_cast<int>(k)})) continue;
            checked.insert({static_cast<int>(r), static_cast<int>(k)});
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
            if (f == ck.enc_.fired_defs().end()) continue;
            auto s = ck.solver();
            s.add(assume);
            s.add(f->second);
            if (s.check(ck.lits_on()) != z3::unsat) took_effect.insert({static_cast<int>(r), static_cast<int>(k)});
          }
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
