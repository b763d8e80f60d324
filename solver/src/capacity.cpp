// Feasibility over time and the introduction plan (normcheck/capacity.h).
//
// The month-by-month model is unrolled into integer arithmetic: one Int per
// stock and month for the level, outflow and inflow, one per capacity and
// month. The inputs (initial levels, inflow series, capacities) are each
// asserted under one assumption literal per group, and every norm under one
// literal per stock, kind and month, so that an unsatisfiable core names the
// inputs and norms that together make the plan fail. Outflow is exactly
// min(available, capacity): the solver has no freedom over it. Letting it
// choose any outflow up to capacity would give the same verdicts (every norm
// bounds a stock from above, and serving more never raises a later level),
// but the exact form makes the trajectory unique, so plots and reports do not
// depend on the solver's choice.
#include "normcheck/capacity.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "normcheck/check.h"
#include "watchdog.h"

namespace normcheck {

const char* feasibility_status_name(FeasibilityStatus s) {
  switch (s) {
    case FeasibilityStatus::feasible: return "feasible";
    case FeasibilityStatus::infeasible: return "infeasible";
    case FeasibilityStatus::undecided: return "undecided";
  }
  return "undecided";
}

namespace {

using detail::TimedSolver;
using detail::Watchdog;

// The concrete inputs of one subject under one scenario.
struct Inputs {
  int months = 0;
  ir::Month first = 0;
  std::vector<ir::CapacityRef> caps;              // every capacity of every organisation
  std::vector<std::vector<std::int64_t>> cap;     // per capacity, per month (before clamping at 0)
  std::vector<bool> cap_changed;                  // a measure or the scenario changes it
  std::vector<std::vector<std::int64_t>> inflow;  // per stock
  std::vector<std::vector<std::optional<std::int64_t>>> wait;  // per stock, per month: W
  std::vector<int> served, level;                 // per stock: capacity index, or -1

  int cap_index(const ir::CapacityRef& c) const {
    for (std::size_t i = 0; i < caps.size(); ++i)
      if (caps[i] == c) return static_cast<int>(i);
    return -1;
  }
};

Inputs inputs(const ir::Program& prog, int subject, int scenario) {
  Inputs in;
  const auto& h = *prog.horizon;
  in.months = h.months();
  in.first = h.first;
  const auto T = static_cast<std::size_t>(in.months);
  for (std::size_t o = 0; o < prog.organisations.size(); ++o)
    for (std::size_t c = 0; c < prog.organisations[o].capacities.size(); ++c) {
      in.caps.push_back({static_cast<int>(o), static_cast<int>(c)});
      in.cap.emplace_back(T, prog.organisations[o].capacities[c].value);
      in.cap_changed.push_back(false);
    }
  const ir::Scenario* sc = scenario >= 0 ? &prog.scenarios[static_cast<std::size_t>(scenario)] : nullptr;
  if (sc)
    for (const auto& se : sc->series)
      if (se.capacity.valid()) {
        const int i = in.cap_index(se.capacity);
        in.cap[static_cast<std::size_t>(i)] = se.values;
        in.cap_changed[static_cast<std::size_t>(i)] = true;
      }
  const ir::RuleSet* m = subject >= 0 ? &prog.rulesets[static_cast<std::size_t>(subject)] : nullptr;
  if (m)
    for (const auto& a : m->adjusts) {
      const int i = in.cap_index(a.capacity);
      if (i < 0) continue;
      for (int t = std::max(0, a.from - h.first); t < in.months; ++t) in.cap[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)] += a.delta;
      in.cap_changed[static_cast<std::size_t>(i)] = true;
    }
  for (std::size_t k = 0; k < prog.stocks.size(); ++k) {
    const auto& st = prog.stocks[k];
    std::vector<std::int64_t> flow(T, 0);
    if (sc)
      for (const auto& se : sc->series)
        if (!se.capacity.valid() && se.name == st.inflow) flow = se.values;
    in.inflow.push_back(std::move(flow));
    std::vector<std::optional<std::int64_t>> w(T, st.wait_within);
    if (m)
      for (const auto& c : m->wait_changes)
        if (c.stock == static_cast<int>(k))
          for (int t = std::max(0, c.from - h.first); t < in.months; ++t) w[static_cast<std::size_t>(t)] = c.months;
    in.wait.push_back(std::move(w));
    in.served.push_back(in.cap_index(st.served_by));
    in.level.push_back(st.level_within.valid() ? in.cap_index(st.level_within) : -1);
  }
  return in;
}

std::string thousands(std::int64_t v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return v < 0 ? "-" + s : s;
}

// The unrolled model for one subject and scenario. With EXTRA >= 0, that
// capacity gets `extra` more a month from month `extra_from` on (two free
// Ints the caller fixes by assumptions).
class Model {
 public:
  Model(const ir::Program& prog, const Inputs& in, unsigned timeout_ms, int extra)
      : prog_(prog), in_(in), timeout_(timeout_ms), x_(ctx_.int_const("extra")), f_(ctx_.int_const("extra_from")) {
    const auto T = static_cast<std::size_t>(in.months);
    // capacities in use
    std::set<int> used;
    for (std::size_t k = 0; k < prog.stocks.size(); ++k) {
      if (in.served[k] >= 0) used.insert(in.served[k]);
      if (in.level[k] >= 0) used.insert(in.level[k]);
    }
    cap_.resize(in.caps.size());
    for (int c : used) {
      const auto ci = static_cast<std::size_t>(c);
      const std::string name = prog.capacity_name(in.caps[ci]);
      z3::expr lit = ctx_.bool_const(fmt::format("capacity {}", name).c_str());
      for (std::size_t t = 0; t < T; ++t) {
        z3::expr v = ctx_.int_const(fmt::format("{}@{}", name, t).c_str());
        z3::expr value = ctx_.int_val(static_cast<std::int64_t>(in.cap[ci][t]));
        if (c == extra) value = value + z3::ite(f_ <= static_cast<int>(t), x_, ctx_.int_val(0));
        hard_.push_back(z3::implies(lit, v == z3::ite(value >= 0, value, ctx_.int_val(0))));
        hard_.push_back(v >= 0);
        cap_[ci].push_back(v);
      }
      const auto& o = prog.organisations[static_cast<std::size_t>(in.caps[ci].org)];
      const auto& cd = o.capacities[static_cast<std::size_t>(in.caps[ci].cap)];
      group(lit, "capacity",
            in.cap_changed[ci] ? fmt::format("capacity {} as this measure and scenario set it (from {} a month)", name, thousands(in.cap[ci][0]))
                               : fmt::format("capacity {} = {} a month", name, thousands(cd.value)),
            cd.span);
    }
    for (std::size_t k = 0; k < prog.stocks.size(); ++k) {
      const auto& st = prog.stocks[k];
      Vars v;
      z3::expr init = ctx_.int_const(fmt::format("{}@start", st.name).c_str());
      z3::expr ilit = ctx_.bool_const(fmt::format("initial {}", st.name).c_str());
      hard_.push_back(z3::implies(ilit, init == ctx_.int_val(static_cast<std::int64_t>(st.initial))));
      hard_.push_back(init >= 0);  // without its group an input is any count, never negative
      group(ilit, "initial", fmt::format("initial {} = {}", st.name, thousands(st.initial)), st.span);
      z3::expr flit = ctx_.bool_const(fmt::format("inflow {}", st.name).c_str());
      group(flit, "inflow", fmt::format("inflow `{}` of the scenario into {}", st.inflow, st.name), st.span);
      z3::expr prev = init;
      for (std::size_t t = 0; t < T; ++t) {
        z3::expr i = ctx_.int_const(fmt::format("{}_in@{}", st.name, t).c_str());
        z3::expr s = ctx_.int_const(fmt::format("{}@{}", st.name, t).c_str());
        z3::expr out = ctx_.int_const(fmt::format("{}_out@{}", st.name, t).c_str());
        hard_.push_back(z3::implies(flit, i == ctx_.int_val(static_cast<std::int64_t>(in.inflow[k][t]))));
        hard_.push_back(i >= 0);
        z3::expr avail = prev + i;
        if (in.served[k] >= 0) {
          z3::expr c = cap_[static_cast<std::size_t>(in.served[k])][t];
          hard_.push_back(out == z3::ite(avail <= c, avail, c));
        } else {
          hard_.push_back(out == 0);
        }
        hard_.push_back(s == avail - out);
        v.in.push_back(i);
        v.out.push_back(out);
        v.level.push_back(s);
        prev = s;
      }
      stocks_.push_back(std::move(v));
    }
    // norms, one literal per stock, kind and month
    norms_.resize(T);
    for (std::size_t k = 0; k < prog.stocks.size(); ++k) {
      const auto& st = prog.stocks[k];
      for (std::size_t t = 0; t < T; ++t) {
        const std::string month = ir::format_month(in.first + static_cast<int>(t));
        if (in.wait[k][t] && in.served[k] >= 0) {
          z3::expr lit = ctx_.bool_const(fmt::format("wait_within {}@{}", st.name, t).c_str());
          z3::expr c = cap_[static_cast<std::size_t>(in.served[k])][t];
          hard_.push_back(z3::implies(lit, stocks_[k].level[t] <= ctx_.int_val(static_cast<std::int64_t>(*in.wait[k][t])) * c));
          norms_[t].push_back({lit, static_cast<int>(k), false,
                               fmt::format("{} waits at most {} months (Little's law) in {}", st.name, *in.wait[k][t], month)});
        }
        if (in.level[k] >= 0) {
          z3::expr lit = ctx_.bool_const(fmt::format("level_within {}@{}", st.name, t).c_str());
          hard_.push_back(z3::implies(lit, stocks_[k].level[t] <= cap_[static_cast<std::size_t>(in.level[k])][t]));
          norms_[t].push_back({lit, static_cast<int>(k), true,
                               fmt::format("{} stays within {} in {}", st.name, prog.capacity_name(in.caps[static_cast<std::size_t>(in.level[k])]), month)});
        }
      }
    }
  }

  struct Norm {
    z3::expr lit;
    int stock;
    bool level;  // level_within; else wait_within
    std::string text;
  };

  TimedSolver solver() {
    TimedSolver s(ctx_, dog_, timeout_);
    z3::params p(ctx_);
    if (const unsigned mb = solver_memory_limit()) p.set("max_memory", mb);
    p.set("random_seed", 0u);
    s.set(p);
    for (const auto& e : hard_) s.add(e);
    return s;
  }

  // The assumptions: every input group, the norms of months [0, upto), and
  // with EXTRA the fixed extra amount and start.
  z3::expr_vector assumptions(int upto, const std::set<int>* stocks = nullptr, std::optional<std::pair<std::int64_t, int>> extra = {}) {
    z3::expr_vector v(ctx_);
    for (const auto& g : groups_) v.push_back(g.lit);
    for (int t = 0; t < upto; ++t)
      for (const auto& n : norms_[static_cast<std::size_t>(t)])
        if (!stocks || stocks->count(n.stock)) v.push_back(n.lit);
    if (extra) {
      v.push_back(x_ == ctx_.int_val(static_cast<std::int64_t>(extra->first)));
      v.push_back(f_ == extra->second);
    } else {
      v.push_back(x_ == 0);
      v.push_back(f_ == 0);
    }
    return v;
  }

  struct Group {
    z3::expr lit;
    std::string kind, label;
    Span span;
  };

  z3::context ctx_;
  Watchdog dog_{ctx_};
  const ir::Program& prog_;
  const Inputs& in_;
  unsigned timeout_;
  z3::expr x_, f_;
  std::vector<z3::expr> hard_;
  std::vector<Group> groups_;
  struct Vars {
    std::vector<z3::expr> in, out, level;
  };
  std::vector<Vars> stocks_;
  std::vector<std::vector<z3::expr>> cap_;
  std::vector<std::vector<Norm>> norms_;  // per month

 private:
  void group(const z3::expr& lit, const char* kind, std::string label, Span span) { groups_.push_back({lit, kind, std::move(label), span}); }
};

std::int64_t value_of(const z3::model& m, const z3::expr& e) {
  z3::expr v = m.eval(e, true);
  std::int64_t out = 0;
  if (v.is_numeral_i64(out)) return out;
  return 0;
}

struct Undecided {
  std::string reason;
};

z3::check_result decide(TimedSolver& s, const z3::expr_vector& a, unsigned timeout_ms) {
  const auto r = s.check(a);
  if (r == z3::unknown) throw Undecided{undecided_reason(s.reason_unknown(), timeout_ms)};
  return r;
}

// The trajectory and the norms in the model of S.
std::vector<StockTrajectory> trajectory(Model& md, const z3::model& m) {
  std::vector<StockTrajectory> out;
  const auto& in = md.in_;
  for (std::size_t k = 0; k < md.stocks_.size(); ++k) {
    StockTrajectory tr;
    tr.stock = static_cast<int>(k);
    for (std::size_t t = 0; t < md.stocks_[k].level.size(); ++t) {
      StockMonth sm;
      sm.inflow = value_of(m, md.stocks_[k].in[t]);
      sm.outflow = value_of(m, md.stocks_[k].out[t]);
      sm.level = value_of(m, md.stocks_[k].level[t]);
      if (in.served[k] >= 0) sm.capacity = value_of(m, md.cap_[static_cast<std::size_t>(in.served[k])][t]);
      if (in.wait[k][t] && in.served[k] >= 0) sm.wait_limit = *in.wait[k][t] * sm.capacity;
      if (in.level[k] >= 0) sm.level_limit = value_of(m, md.cap_[static_cast<std::size_t>(in.level[k])][t]);
      tr.months.push_back(sm);
    }
    out.push_back(std::move(tr));
  }
  return out;
}

}  // namespace

Feasibility feasibility_of(const ir::Program& prog, int subject, int scenario, unsigned timeout_ms, bool extra) {
  Feasibility f;
  f.subject = subject;
  f.scenario = scenario;
  if (!prog.horizon) return f;
  const Inputs in = inputs(prog, subject, scenario);
  const int T = in.months;
  try {
    Model md(prog, in, timeout_ms, -1);
    auto s = md.solver();
    // the trajectory, with no norm asserted (it is unique)
    if (decide(s, md.assumptions(0), timeout_ms) != z3::sat) throw Undecided{"internal error: the model without norms has no solution"};
    const z3::model free = s.get_model();
    f.stocks = trajectory(md, free);
    if (decide(s, md.assumptions(T), timeout_ms) == z3::sat) {
      f.status = FeasibilityStatus::feasible;
      return f;
    }
    f.status = FeasibilityStatus::infeasible;
    // the first failing month: the shortest unsatisfiable prefix of norms
    int lo = 1, hi = T;  // unsat with hi months of norms
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (decide(s, md.assumptions(mid), timeout_ms) == z3::unsat) hi = mid;
      else lo = mid + 1;
    }
    const int t = hi - 1;
    f.first_failing = in.first + t;
    for (const auto& n : md.norms_[static_cast<std::size_t>(t)]) {
      // a norm fails this month when its constraint is false in the (unique) trajectory
      const auto& tr = f.stocks[static_cast<std::size_t>(n.stock)].months[static_cast<std::size_t>(t)];
      const bool fails = n.level ? (tr.level_limit && tr.level > *tr.level_limit) : (tr.wait_limit && tr.level > *tr.wait_limit);
      if (fails) f.failing.push_back(n.text);
    }
    // binding constraints: a minimal core over the inputs and that month's norms
    {
      std::vector<z3::expr> cand;
      for (const auto& g : md.groups_) cand.push_back(g.lit);
      for (const auto& n : md.norms_[static_cast<std::size_t>(t)]) cand.push_back(n.lit);
      auto vec = [&](const std::vector<z3::expr>& xs) {
        z3::expr_vector v(md.ctx_);
        for (const auto& x : xs) v.push_back(x);
        v.push_back(md.x_ == 0);
        v.push_back(md.f_ == 0);
        return v;
      };
      if (decide(s, vec(cand), timeout_ms) == z3::unsat) {
        const z3::expr_vector core = s.unsat_core();
        std::vector<z3::expr> kept;
        for (const auto& c : cand)
          for (unsigned i = 0; i < core.size(); ++i)
            if (z3::eq(core[i], c)) kept.push_back(c);
        // deletion: drop each literal the rest stays unsatisfiable without
        for (std::size_t i = 0; i < kept.size();) {
          std::vector<z3::expr> rest = kept;
          rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
          if (decide(s, vec(rest), timeout_ms) == z3::unsat) kept = rest;
          else ++i;
        }
        for (const auto& k : kept) {
          for (const auto& g : md.groups_)
            if (z3::eq(g.lit, k)) f.binding.push_back({g.kind, g.label, g.span});
          for (const auto& n : md.norms_[static_cast<std::size_t>(t)])
            if (z3::eq(n.lit, k)) {
              const auto& st = prog.stocks[static_cast<std::size_t>(n.stock)];
              f.binding.push_back({n.level ? "level_within" : "wait_within", n.text, n.level ? st.level_span : st.wait_span});
            }
        }
      }
    }
    if (!extra) return f;
    // which stocks fail at some month, and the capacities they depend on
    std::set<int> failing_stocks;
    for (std::size_t k = 0; k < f.stocks.size(); ++k)
      for (const auto& mo : f.stocks[k].months)
        if ((mo.wait_limit && mo.level > *mo.wait_limit) || (mo.level_limit && mo.level > *mo.level_limit)) failing_stocks.insert(static_cast<int>(k));
    std::set<int> caps;
    for (int k : failing_stocks) {
      if (in.served[static_cast<std::size_t>(k)] >= 0) caps.insert(in.served[static_cast<std::size_t>(k)]);
      if (in.level[static_cast<std::size_t>(k)] >= 0) caps.insert(in.level[static_cast<std::size_t>(k)]);
    }
    for (int c : caps) {
      ExtraCapacity ex;
      ex.capacity = in.caps[static_cast<std::size_t>(c)];
      // the stocks that depend on this capacity: all their norms must hold
      std::set<int> deps;
      std::int64_t upper = 0, lowest = 0;
      for (std::size_t k = 0; k < prog.stocks.size(); ++k)
        if (in.served[k] == c || in.level[k] == c) {
          deps.insert(static_cast<int>(k));
          upper += prog.stocks[k].initial;
          for (auto v : in.inflow[k]) upper += v;
        }
      for (auto v : in.cap[static_cast<std::size_t>(c)]) lowest = std::min(lowest, v);
      upper += -lowest + 1;
      try {
        Model mx(prog, in, timeout_ms, c);
        auto sx = mx.solver();
        auto ok = [&](std::int64_t amount, int from) {
          return decide(sx, mx.assumptions(T, &deps, std::make_pair(amount, from)), timeout_ms) == z3::sat;
        };
        if (!ok(upper, 0)) {
          ex.restores = false;
        } else {
          ex.restores = true;
          std::int64_t a = 0, b = upper;  // fails with a (the current capacity), holds with b
          if (ok(0, 0)) b = 0;
          while (b - a > 1) {
            const std::int64_t mid = a + (b - a) / 2;
            if (ok(mid, 0)) b = mid;
            else a = mid;
          }
          ex.amount = b;
          int lo2 = 0, hi2 = T - 1;  // holds from lo2; the latest start that holds
          while (lo2 < hi2) {
            const int mid = (lo2 + hi2 + 1) / 2;
            if (ok(b, mid)) lo2 = mid;
            else hi2 = mid - 1;
          }
          ex.from = in.first + lo2;
        }
      } catch (const Undecided&) {
        ex.undecided = true;
      }
      f.extra.push_back(ex);
    }
  } catch (const Undecided& u) {
    f.status = FeasibilityStatus::undecided;
    f.reason = u.reason;
  } catch (const z3::exception& e) {
    f.status = FeasibilityStatus::undecided;
    f.reason = undecided_reason(e.msg(), timeout_ms);
  }
  return f;
}

std::vector<Feasibility> feasibility(const ir::Program& prog, const FeasibilityOptions& o, std::vector<std::string>* unknown) {
  std::vector<Feasibility> out;
  std::vector<int> scenarios;
  if (o.scenarios.empty()) {
    for (std::size_t i = 0; i < prog.scenarios.size(); ++i)
      if (!prog.scenarios[i].series.empty()) scenarios.push_back(static_cast<int>(i));
  } else {
    for (const auto& n : o.scenarios) {
      const int i = prog.find_scenario(n);
      if (i < 0 || prog.scenarios[static_cast<std::size_t>(i)].series.empty()) {
        if (unknown) unknown->push_back(fmt::format("scenario `{}`{}", n, i < 0 ? "" : " (it gives no monthly series)"));
        continue;
      }
      if (std::find(scenarios.begin(), scenarios.end(), i) == scenarios.end()) scenarios.push_back(i);
    }
  }
  std::vector<int> subjects;
  if (o.current_law) subjects.push_back(-1);
  if (o.measures.empty()) {
    for (std::size_t r = 0; r < prog.rulesets.size(); ++r) {
      const auto& m = prog.rulesets[r];
      if (m.measure && (!m.adjusts.empty() || !m.wait_changes.empty())) subjects.push_back(static_cast<int>(r));
    }
  } else {
    for (const auto& n : o.measures) {
      const int r = prog.find_ruleset(n);
      if (r < 0 || !prog.rulesets[static_cast<std::size_t>(r)].measure) {
        if (unknown) unknown->push_back(fmt::format("measure `{}`", n));
        continue;
      }
      if (std::find(subjects.begin(), subjects.end(), r) == subjects.end()) subjects.push_back(r);
    }
  }
  if (!prog.horizon || prog.stocks.empty()) return out;
  for (int subj : subjects)
    for (int sc : scenarios) out.push_back(feasibility_of(prog, subj, sc, o.timeout_ms, o.extra));
  return out;
}

// ---------------- plan ----------------

Plan plan(const ir::Program& prog, unsigned timeout_ms, bool minimise) {
  Plan p;
  if (!prog.horizon) return p;
  const auto& h = *prog.horizon;
  for (ir::Month q = h.first - h.first % 3; q <= h.last; q += 3) p.quarters.push_back(q);
  const int Q = static_cast<int>(p.quarters.size());
  std::vector<int> ms;
  for (std::size_t r = 0; r < prog.rulesets.size(); ++r)
    if (prog.rulesets[r].measure && (!prog.rulesets[r].workloads.empty() || prog.rulesets[r].due_by)) ms.push_back(static_cast<int>(r));
  try {
    z3::context ctx;
    Watchdog dog(ctx);
    TimedSolver s(ctx, dog, timeout_ms);
    z3::params prm(ctx);
    if (const unsigned mb = solver_memory_limit()) prm.set("max_memory", mb);
    prm.set("random_seed", 0u);
    s.set(prm);
    std::vector<z3::expr> q;
    for (int r : ms) {
      q.push_back(ctx.int_const(fmt::format("quarter {}", prog.rulesets[static_cast<std::size_t>(r)].id).c_str()));
      s.add(q.back() >= 0 && q.back() < Q);
    }
    struct Lit {
      z3::expr lit;
      Binding b;
    };
    std::vector<Lit> lits;
    for (std::size_t o = 0; o < prog.organisations.size(); ++o) {
      const auto& org = prog.organisations[o];
      if (!org.absorbs) continue;
      z3::expr lit = ctx.bool_const(fmt::format("absorbs {}", org.name).c_str());
      for (int k = 0; k < Q; ++k) {
        z3::expr sum = ctx.int_val(0);
        for (std::size_t i = 0; i < ms.size(); ++i)
          for (const auto& w : prog.rulesets[static_cast<std::size_t>(ms[i])].workloads)
            if (w.org == static_cast<int>(o)) sum = sum + z3::ite(q[i] == k, ctx.int_val(static_cast<std::int64_t>(w.amount)), ctx.int_val(0));
        s.add(z3::implies(lit, sum <= ctx.int_val(static_cast<std::int64_t>(*org.absorbs))));
      }
      lits.push_back({lit, {"absorbs", fmt::format("{} absorbs {} FTE-months a quarter", org.name, *org.absorbs), org.span}});
    }
    for (std::size_t i = 0; i < ms.size(); ++i) {
      const auto& m = prog.rulesets[static_cast<std::size_t>(ms[i])];
      if (!m.due_by) continue;
      // the last quarter that ends no later than the due month
      int last = -1;
      for (int k = 0; k < Q; ++k)
        if (p.quarters[static_cast<std::size_t>(k)] + 2 <= *m.due_by) last = k;
      z3::expr lit = ctx.bool_const(fmt::format("due {}", m.id).c_str());
      s.add(z3::implies(lit, q[i] <= last));
      lits.push_back({lit, {"due_by", fmt::format("{} introduced by {}", m.id, ir::format_month(*m.due_by)), m.span}});
    }
    z3::expr_vector all(ctx);
    for (const auto& l : lits) all.push_back(l.lit);
    auto check = [&](const z3::expr_vector& a) {
      const auto r = s.check(a);
      if (r == z3::unknown) throw Undecided{undecided_reason(s.reason_unknown(), timeout_ms)};
      return r;
    };
    if (check(all) == z3::unsat) {
      p.status = PlanStatus::impossible;
      const z3::expr_vector core = s.unsat_core();
      std::vector<z3::expr> kept;
      for (const auto& l : lits)
        for (unsigned i = 0; i < core.size(); ++i)
          if (z3::eq(core[i], l.lit)) kept.push_back(l.lit);
      for (std::size_t i = 0; i < kept.size();) {
        z3::expr_vector rest(ctx);
        for (std::size_t j = 0; j < kept.size(); ++j)
          if (j != i) rest.push_back(kept[j]);
        if (check(rest) == z3::unsat) kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(i));
        else ++i;
      }
      for (const auto& k : kept)
        for (const auto& l : lits)
          if (z3::eq(l.lit, k)) p.why.push_back(l.b);
      return p;
    }
    z3::model m = s.get_model();
    if (minimise) {
      // the earliest last quarter: tighten until unsatisfiable
      for (int last = Q - 2; last >= 0; --last) {
        z3::expr_vector a = all;
        for (const auto& e : q) a.push_back(e <= last);
        if (check(a) == z3::unsat) break;
        m = s.get_model();
      }
    }
    for (std::size_t i = 0; i < ms.size(); ++i) {
      const auto k = value_of(m, q[i]);
      p.entries.push_back({ms[i], p.quarters[static_cast<std::size_t>(k)]});
    }
    std::stable_sort(p.entries.begin(), p.entries.end(), [](const PlanEntry& a, const PlanEntry& b) { return a.quarter < b.quarter; });
    for (std::size_t o = 0; o < prog.organisations.size(); ++o) {
      if (!prog.organisations[o].absorbs) continue;
      std::vector<std::int64_t> load(static_cast<std::size_t>(Q), 0);
      for (const auto& e : p.entries)
        for (const auto& w : prog.rulesets[static_cast<std::size_t>(e.measure)].workloads)
          if (w.org == static_cast<int>(o))
            load[static_cast<std::size_t>((e.quarter - p.quarters[0]) / 3)] += w.amount;
      p.load.push_back({static_cast<int>(o), load});
    }
  } catch (const Undecided& u) {
    p.status = PlanStatus::undecided;
    p.reason = u.reason;
  } catch (const z3::exception& e) {
    p.status = PlanStatus::undecided;
    p.reason = undecided_reason(e.msg(), timeout_ms);
  }
  return p;
}

}  // namespace normcheck
