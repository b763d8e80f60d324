// The checker: one z3::context for one subject at one date, with the
// queries of docs/architecture.md. Internal to solver/src: the explain, lint
// and explore analyses build on its encoding and witnesses.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "encode.h"
#include "index.h"
#include "normcheck/check.h"
#include "watchdog.h"

namespace normcheck::detail {


struct Query {
  z3::expr assumptions;       // case + scenario assumptions
  z3::expr violation;         // with every clause literal as given
  z3::expr gap;
  z3::expr violation_plain;   // without any derogation's excuse
  z3::expr holds;             // the norm is met, where undefined decisions may take any value
  z3::expr applies;           // its `when`s hold and no `unless`
  std::vector<std::pair<std::string, z3::expr>> witness_vars;  // shown in the witness, in order
  std::vector<std::tuple<std::string, std::string, std::vector<std::size_t>>> cases;  // var, type, indices into witness_vars
  std::vector<std::size_t> world;  // indices into witness_vars
  std::vector<enc::CallRecord> calls;
  std::vector<ir::Type> var_types;
  std::map<int, z3::expr> fired;
  std::vector<std::string> binder_names;
  z3::expr_vector lits;  // the clause literals switched on for its queries: those its formulas contain
};

// A variation of the subject: clauses dropped, one clause's value made free,
// current law left out, or the choices taken among its options.
struct Variant {
  std::set<int> dropped_defines;
  std::set<int> dropped_invokes;
  int symbolic_define = -1;  // this define's value becomes the free constant `value!x`
  bool no_rules = false;     // current law left out: every decision free (for lint)
  std::vector<int> choices;  // per option of the subject, the choice taken (default: the first)
};

// A z3 context with its watchdog, the program's enum sorts and a pool of
// reused solvers. A Checker makes its own unless given one: check.cpp hands
// one to a batch of consecutive subjects, so that Z3 sets up its solvers
// (about 11 ms each, most of a small subject's time) once per batch.
struct Workspace {
  explicit Workspace(const ir::Program& prog) : enums(ctx, prog) {}
  z3::context ctx;
  Watchdog dog{ctx};  // after ctx: stopped before the context goes
  enc::Encoder enums;
  struct Pooled {
    z3::solver solver;
    bool busy;
  };
  std::deque<Pooled> pool;  // reused solvers (a deque: slots never move)
};

class Checker {
 public:
  Checker(const ir::Program& prog, int subject, ir::Day at, int scenario, unsigned timeout_ms, const Variant& variant = {},
          bool hypothetical_invokes = false, bool relaxed = false, const ProgramIndex* index = nullptr, Workspace* workspace = nullptr)
      : prog_(prog), subject_(subject), at_(at), scenario_(scenario), timeout_(timeout_ms),
        own_(workspace ? nullptr : std::make_unique<Workspace>(prog)), ws_(workspace ? *workspace : *own_), ctx_(ws_.ctx), dog_(ws_.dog),
        enc_(ctx_, prog, ws_.enums), variant_(variant), shared_index_(index) {
    if (subject >= 0) {
      // the clauses of the choices not taken are switched off
      const auto& opts = prog.rulesets[static_cast<std::size_t>(subject)].options;
      for (std::size_t o = 0; o < opts.size(); ++o) {
        const int taken = o < variant_.choices.size() ? variant_.choices[o] : 0;
        for (std::size_t c = 0; c < opts[o].choices.size(); ++c) {
          if (static_cast<int>(c) == taken) continue;
          for (int d : opts[o].choices[c].defines) variant_.dropped_defines.insert(d);
          for (int i : opts[o].choices[c].invokes) variant_.dropped_invokes.insert(i);
        }
      }
    }
    for (std::size_t r = 0; r < prog.rulesets.size(); ++r) {
      const auto& rs = prog.rulesets[r];
      if (!rs.measure && rs.period.contains(at) && !variant.no_rules) active_.push_back(static_cast<int>(r));
    }
    enc_.configure(active_, subject, index);
    if (index && subject >= 0)  // lazy: the subject's own definitions now (for the variant), the rest when met
      for (const auto& d : prog.rulesets[static_cast<std::size_t>(subject)].defines)
        if (d.symbol >= 0) enc_.alternatives(d.symbol);
    rule_active_.assign(prog.rulesets.size(), 0);
    for (int r : active_) rule_active_[static_cast<std::size_t>(r)] = 1;
    enc_.set_relaxed(relaxed);
    if (hypothetical_invokes && subject >= 0) {
      // every derogation in force that the subject does not invoke yet
      const auto& m = prog.rulesets[static_cast<std::size_t>(subject)];
      for (std::size_t d = 0; d < prog.norms.size(); ++d) {
        const auto& dn = prog.norms[d];
        if (!dn.derogation || dn.relaxes < 0 || !dn.period.contains(at)) continue;
        bool invoked = false;
        for (const auto& inv : m.invokes) invoked = invoked || inv.derogation == static_cast<int>(d);
        if (!invoked) hypothetical_.emplace_back(static_cast<int>(d), enc_.add_hypothetical_invoke(subject, static_cast<int>(d)));
      }
    }
    for (const auto& d : enc_.defs()) {
      const bool dropped = d.ruleset == subject && variant_.dropped_defines.count(d.define);
      if (dropped) off_lits_.push_back(d.literal);
      if (d.ruleset == subject && !dropped && d.define == variant_.symbolic_define) {
        const auto& sym = prog.symbols[static_cast<std::size_t>(d.def->symbol)];
        symbolic_ = ctx_.constant("value!x", enc_.sort(sym.result));
        enc_.override_value(d.def->value.get(), *symbolic_);
      }
    }
    for (const auto& [d, lit] : hypothetical_) free_ids_.insert(lit.id());  // left free: an element of the explanation
    for (const auto& i : enc_.invokes()) {
      const bool dropped = i.ruleset == subject && i.invoke >= 0 && variant_.dropped_invokes.count(i.invoke);
      if (dropped) off_lits_.push_back(i.literal);
    }
    for (const auto& l : off_lits_) free_ids_.insert(l.id());  // switched off in every solver instead
    if (!index) collect_literals();
    if (subject >= 0) touched_ = touched_symbols();
  }

  // all_lits_: every clause literal switched on (lazily configured: those made so far).
  void collect_literals() {
    all_lits_.clear();
    for (const auto& d : enc_.defs())
      if (!free_ids_.count(d.literal.id())) all_lits_.push_back(d.literal);
    for (const auto& i : enc_.invokes())
      if (!free_ids_.count(i.literal.id())) all_lits_.push_back(i.literal);
  }

  // Every query run from now on is appended to LOG (null: none recorded).
  void record_queries(std::vector<SolverQuery>* log) { log_ = log; }

  // s.check(lits), recorded as a query of KIND on the current norm.
  z3::check_result decide(TimedSolver& s, const z3::expr_vector& lits, const char* kind) {
    const z3::check_result r = s.check(lits);
    if (log_) {
      SolverQuery q;
      q.subject = subject_;
      q.at = at_;
      q.norm = current_norm_;
      q.kind = kind;
      q.smt2 = smt2(s, lits);
      q.answer = r == z3::sat ? "sat" : r == z3::unsat ? "unsat" : "unknown";
      log_->push_back(std::move(q));
    }
    return r;
  }

  // The query as plain SMT-LIB2 for any solver: the solver's assertions and
  // the assumption literals, all asserted (the same satisfiability as
  // check(lits)), then (check-sat).
  std::string smt2(z3::solver& s, const z3::expr_vector& lits) {
    z3::expr_vector as = s.assertions();
    std::vector<Z3_ast> fmls;
    for (unsigned i = 0; i < as.size(); ++i) fmls.push_back(as[i]);
    for (unsigned i = 0; i < lits.size(); ++i) fmls.push_back(lits[i]);
    const z3::expr top = ctx_.bool_val(true);
    std::string text = Z3_benchmark_to_smtlib_string(ctx_, "", "ALL", "unknown", "", static_cast<unsigned>(fmls.size()), fmls.data(), top);
    ctx_.check_error();
    // Z3 opens with a comment naming the (unnamed) benchmark: drop it
    if (text.rfind(";", 0) == 0) text.erase(0, text.find('\n') == std::string::npos ? text.size() : text.find('\n') + 1);
    return text;
  }

  // Checks every relevant norm in force, or only the norms in ONLY (a part of
  // current law's check, see check.cpp).
  Verdict run(const std::vector<int>* only = nullptr) {
    Verdict v;
    v.subject = subject_;
    v.at = at_;
    v.scenario = scenario_;
    if (subject_ >= 0) {
      const auto& m = prog_.rulesets[static_cast<std::size_t>(subject_)];
      if (m.effective && at_ < *m.effective)
        v.notes.push_back(fmt::format("the measure takes effect on {}; it is checked as if it applied on {}",
                                      ir::format_date(*m.effective), ir::format_date(at_)));
    }
    // a measure's candidates are the norms that use what it touches or whose
    // derogations it invokes (relevant() decides), in order
    const bool part = only != nullptr;
    std::vector<int> candidates;
    if (subject_ >= 0 && !only) {
      const ProgramIndex& ix = index();
      std::set<int> c;
      for (int s : touched_) c.insert(ix.norms_using[static_cast<std::size_t>(s)].begin(), ix.norms_using[static_cast<std::size_t>(s)].end());
      for (const auto& inv : prog_.rulesets[static_cast<std::size_t>(subject_)].invokes)
        if (inv.derogation >= 0 && prog_.norms[static_cast<std::size_t>(inv.derogation)].relaxes >= 0)
          c.insert(prog_.norms[static_cast<std::size_t>(inv.derogation)].relaxes);
      candidates.assign(c.begin(), c.end());
      only = &candidates;
    }
    for (std::size_t k = 0, end = only ? only->size() : prog_.norms.size(); k < end; ++k) {
      const std::size_t n = only ? static_cast<std::size_t>((*only)[k]) : k;
      const auto& norm = prog_.norms[n];
      if (norm.derogation || !norm.modality || !norm.period.contains(at_)) continue;
      if (!relevant(norm)) continue;
      ++v.norms_checked;
      v.checked.push_back(static_cast<int>(n));
      check_norm(static_cast<int>(n), v);
    }
    if (v.norms_checked == 0 && !part)
      v.notes.push_back(fmt::format("no norm in force on {} depends on what {} changes", ir::format_date(at_),
                                    subject_ < 0 ? std::string("current law") : "this measure"));
    set_status(v);
    return v;
  }

  static void set_status(Verdict& v) {
    bool undecided = false, conflict = false, gaps = false;
    for (const auto& f : v.findings) {
      if (f.kind == FindingKind::undecided) undecided = true;
      if (f.kind == FindingKind::conflict && f.severity == Severity::error) conflict = true;
      if (f.kind == FindingKind::gap) gaps = true;
    }
    v.status = conflict ? Status::conflict : undecided ? Status::undecided : gaps ? Status::gaps : Status::compliant;
  }

 // internals, used by the other analyses in this directory
  int rank_of_norm(const ir::Norm& n) const {
    return n.instrument >= 0 ? prog_.instruments[static_cast<std::size_t>(n.instrument)].level.rank : 0;
  }

  std::set<int> touched_symbols() const {
    // symbols the subject defines, and every symbol whose active definitions use them
    std::set<int> seeds;
    for (const auto& d : prog_.rulesets[static_cast<std::size_t>(subject_)].defines)
      if (d.symbol >= 0) seeds.insert(d.symbol);
    return reach_from(seeds);
  }

  // SEEDS and every symbol whose active rules' definitions use one of them, transitively.
  std::set<int> reach_from(std::set<int> reach) const {
    const ProgramIndex& ix = index();
    std::vector<int> todo(reach.begin(), reach.end());
    while (!todo.empty()) {
      const int s = todo.back();
      todo.pop_back();
      for (const auto& [r, t] : ix.users[static_cast<std::size_t>(s)])
        if (rule_active_[static_cast<std::size_t>(r)] && reach.insert(t).second) todo.push_back(t);
    }
    return reach;
  }

  // The program's dependency structure: the run's, or (without one, e.g. the
  // naive path or explain) this checker's own, built when first needed.
  const ProgramIndex& index() const {
    if (shared_index_) return *shared_index_;
    if (!own_index_) own_index_ = std::make_unique<ProgramIndex>(prog_);
    return *own_index_;
  }

  bool relevant(const ir::Norm& n) const {
    if (subject_ < 0) return true;
    const auto& m = prog_.rulesets[static_cast<std::size_t>(subject_)];
    if (rank_of_norm(n) < m.level.rank) return false;  // the measure outranks it
    for (const auto& inv : enc_.invokes())
      if (inv.ruleset == subject_ && std::find(n.derogations.begin(), n.derogations.end(), inv.derogation) != n.derogations.end())
        return true;
    const ProgramIndex& ix = index();
    const auto ni = static_cast<std::size_t>(&n - prog_.norms.data());
    for (int s : ix.norm_syms[ni])
      if (touched_.count(s)) return true;
    for (int d : n.derogations)
      for (int s : ix.norm_syms[static_cast<std::size_t>(d)])
        if (touched_.count(s)) return true;
    return false;
  }

  z3::expr requirement(const ir::Norm& n, const enc::Lowered& body) {
    return *n.modality == ir::Modality::must_not ? !body.value : body.value;
  }

  Query build(const ir::Norm& n) {
    std::vector<enc::Val> env;
    Query q{ctx_.bool_val(true), ctx_.bool_val(false), ctx_.bool_val(false), ctx_.bool_val(false), ctx_.bool_val(true), ctx_.bool_val(true), {}, {}, {}, {}, {}, {}, {}, z3::expr_vector(ctx_)};
    enc_.begin_norm();
    for (const auto& b : n.binders) {
      q.binder_names.push_back(b.name);
      enc::Val v = enc_.fresh(b.name, b.type);
      std::vector<std::size_t> idx;
      if (b.type.kind == ir::Type::record) {
        const auto& c = prog_.cases[static_cast<std::size_t>(b.type.index)];
        q.assumptions = q.assumptions && enc_.case_assumptions(v, b.type.index);
        for (std::size_t i = 0; i < c.fields.size(); ++i) {
          idx.push_back(q.witness_vars.size());
          q.witness_vars.emplace_back(c.fields[i].name, v.parts[i]);
          q.var_types.push_back(c.fields[i].type);
        }
      } else {
        idx.push_back(q.witness_vars.size());
        q.witness_vars.emplace_back("value", v.parts[0]);
        q.var_types.push_back(b.type);
      }
      q.cases.emplace_back(b.name, prog_.type_name(b.type), idx);
      env.push_back(std::move(v));
    }
    q.assumptions = q.assumptions && enc_.scenario_assumptions(scenario_);
    enc_.calls().clear();
    const z3::expr T = ctx_.bool_val(true);
    enc::Lowered cond{T, T}, unless{ctx_.bool_val(false), T};
    if (n.cond) cond = enc_.lower(*n.cond, env);
    if (n.unless) unless = enc_.lower(*n.unless, env);
    enc::Lowered body = enc_.lower(*n.body, env);
    q.calls = enc_.calls();
    // excuse: an invoked derogation, in force, whose conditions and own
    // requirement hold; where those depend on an undefined decision, whether
    // the norm is met is itself undefined
    z3::expr excuse = ctx_.bool_val(false);
    z3::expr excuse_defined = T;
    for (int d : n.derogations) {
      const auto& dn = prog_.norms[static_cast<std::size_t>(d)];
      if (!dn.period.contains(at_)) continue;
      z3::expr invoked = ctx_.bool_val(false);
      for (const auto& inv : enc_.invokes())
        if (inv.derogation == d) {
          invoked = invoked || inv.literal;
          enc_.note_literal(inv.literal);
        }
      if (invoked.is_false()) continue;
      z3::expr holds = invoked, parts_defined = T;
      if (dn.cond) {
        auto c = enc_.lower(*dn.cond, env);
        holds = holds && c.value;
        parts_defined = parts_defined && c.defined;
      }
      if (dn.unless) {
        auto u = enc_.lower(*dn.unless, env);
        holds = holds && !u.value;
        parts_defined = parts_defined && u.defined;
      }
      if (dn.body && dn.modality) {
        auto b = enc_.lower(*dn.body, env);
        holds = holds && requirement(dn, b);
        parts_defined = parts_defined && b.defined;
      }
      excuse = excuse || (holds && parts_defined);
      excuse_defined = excuse_defined && z3::implies(invoked, parts_defined);
    }
    enc_.calls().clear();
    q.fired = enc_.fired();
    const z3::expr applies = cond.value && !unless.value;
    const z3::expr defined = cond.defined && unless.defined && body.defined && excuse_defined;
    const z3::expr broken = !requirement(n, body);
    q.holds = z3::implies(applies, excuse || requirement(n, body));
    q.applies = applies;
    if (*n.modality == ir::Modality::may) {
      q.violation = applies && defined && broken && !excuse;
      q.violation_plain = applies && defined && broken;
      q.gap = ctx_.bool_val(false);  // where the rules are silent, the right stays open
    } else {
      q.violation = applies && !excuse && defined && broken;
      q.violation_plain = applies && defined && broken;
      q.gap = applies && !excuse && !defined;
    }
    q.assumptions = q.assumptions && enc_.fact_constraints();
    for (std::size_t f = 0; f < enc_.facts_used().size(); ++f) {
      q.world.push_back(q.witness_vars.size());
      q.witness_vars.emplace_back(enc_.facts_used()[f]);
      q.var_types.push_back(prog_.symbols[static_cast<std::size_t>(enc_.fact_symbols()[f])].result);
    }
    for (const auto& l : enc_.used_literals())
      if (!free_ids_.count(l.id())) q.lits.push_back(l);
    return q;
  }

  // Every query's solver: its check() is bounded by the timeout (watchdog.h).
  // Incremental (the default): solvers are reused, within the subject and
  // across the subjects sharing its Workspace, each query in its own
  // push/pop scope on an idle one (a query made while another is alive gets
  // another solver), so Z3 builds its solver state a few times per batch
  // instead of once per query. fresh_solvers() (the `--fresh-solver` flag)
  // builds a new solver for every query instead.
  TimedSolver solver() {
    if (fresh_solvers()) {
      TimedSolver s(ctx_, dog_, timeout_);
      setup(s);
      for (const auto& l : off_lits_) s.add(!l);  // dropped clauses
      return s;
    }
    auto& pool = ws_.pool;
    std::size_t i = 0;
    while (i < pool.size() && pool[i].busy) ++i;
    if (i == pool.size()) {
      pool.push_back({z3::solver(ctx_), false});
      setup(pool.back().solver);
    }
    TimedSolver s(pool[i].solver, dog_, timeout_, &pool[i].busy);
    for (const auto& l : off_lits_) s.add(!l);  // dropped clauses, in the query's scope
    return s;
  }

  void setup(z3::solver& s) {
    z3::params p(ctx_);
    if (const unsigned mb = solver_memory_limit()) p.set("max_memory", mb);
    p.set("random_seed", 0u);
    s.set(p);
  }

  // Every clause literal switched on (the analyses other than check's own
  // queries, which pass only their query's literals: Query::lits).
  z3::expr_vector lits_on() {
    if (shared_index_) {
      enc_.complete();
      collect_literals();
    }
    z3::expr_vector v(ctx_);
    for (const auto& l : all_lits_) v.push_back(l);
    return v;
  }

  // When one of the definitions of the given rule sets decides an outcome
  // the norm depends on.
  z3::expr fired_by(const Query& q, const std::vector<int>& rulesets) {
    z3::expr acc = ctx_.bool_val(false);
    for (int r : rulesets) {
      auto it = q.fired.find(r);
      if (it != q.fired.end()) acc = acc || it->second;
    }
    return acc;
  }

  // The groups of rule sets a conflict is blamed on, in order: a measure
  // alone; for current law, the rules ranked below the norm, then those of
  // equal rank (rules above it prevail: lex superior).
  const std::vector<std::vector<int>>& blame_groups(int nrank) {
    auto cached = blame_.find(nrank);
    if (cached != blame_.end()) return cached->second;
    if (subject_ >= 0) return blame_[nrank] = {{subject_}};
    std::vector<int> below, equal;
    for (int r : active_) {
      const int rank = prog_.rulesets[static_cast<std::size_t>(r)].level.rank;
      if (rank < nrank) below.push_back(r);
      else if (rank == nrank) equal.push_back(r);
    }
    return blame_[nrank] = {below, equal};
  }

  void check_norm(int ni, Verdict& v) {
    const auto& n = prog_.norms[static_cast<std::size_t>(ni)];
    spdlog::debug("checking {} against {}", subject_ < 0 ? std::string("current law") : prog_.rulesets[static_cast<std::size_t>(subject_)].id, n.id);
    current_norm_ = ni;
    Query q = build(n);
    // 1. conflict: a violation in a case that the blamed rule sets decide
    for (const auto& group : blame_groups(rank_of_norm(n))) {
      if (group.empty()) continue;
      z3::expr target = q.violation && fired_by(q, group);
      auto s = solver();
      s.add(q.assumptions);
      s.add(target);
      z3::check_result r = decide(s, q.lits, "conflict");
      if (r == z3::unknown) {
        undecided(v, ni, s.reason_unknown());
        return;
      }
      if (r == z3::sat) {
        conflict(v, ni, q, s.get_model(), target, group);
        return;
      }
    }
    // 2. a violation current law already has (measure checks)
    if (subject_ >= 0) {
      auto s2 = solver();
      s2.add(q.assumptions);
      s2.add(q.violation);
      if (decide(s2, q.lits, "preexisting") == z3::sat) v.preexisting.push_back(ni);
    }
    // 3. gap
    if (!q.gap.is_false()) {
      auto s3 = solver();
      s3.add(q.assumptions);
      s3.add(q.gap);
      auto g = decide(s3, q.lits, "gap");
      if (g == z3::unknown) {
        undecided(v, ni, s3.reason_unknown());
        return;
      }
      if (g == z3::sat) {
        gap(v, ni, q, s3.get_model());
        return;
      }
    }
    // 4. compliance must not be vacuous: the assumptions must admit some case
    {
      auto s5 = solver();
      s5.add(q.assumptions);
      auto a = decide(s5, q.lits, "cases");
      if (a != z3::sat) {
        std::string why = a == z3::unknown ? s5.reason_unknown() : "the assumptions about the cases";
        if (a == z3::unsat) {
          why = scenario_ >= 0 ? fmt::format("the assumptions of scenario `{}` and of the cases contradict each other; nothing can be concluded",
                                             prog_.scenarios[static_cast<std::size_t>(scenario_)].name)
                               : "the `assume`s of the cases this norm speaks of contradict each other; nothing can be concluded";
        }
        undecided(v, ni, why);
        return;
      }
    }
    // 5. derogations relied on
    if (!n.derogations.empty()) {
      auto s4 = solver();
      s4.add(q.assumptions);
      s4.add(q.violation_plain);
      if (decide(s4, q.lits, "reliance") == z3::sat) {
        Reliance rel{ni, {}};
        for (int d : n.derogations)
          for (const auto& inv : enc_.invokes())
            if (inv.derogation == d && prog_.norms[static_cast<std::size_t>(d)].period.contains(at_) &&
                std::find(rel.derogations.begin(), rel.derogations.end(), d) == rel.derogations.end())
              rel.derogations.push_back(d);
        if (!rel.derogations.empty()) v.relies_on.push_back(std::move(rel));
      }
    }
  }

  void undecided(Verdict& v, int ni, const std::string& reason) {
    Finding f;
    f.kind = FindingKind::undecided;
    f.severity = Severity::error;
    f.code = "C0004";
    f.norm = ni;
    f.reason = reason.empty() ? "the solver could not decide" : undecided_reason(reason, timeout_);
    v.findings.push_back(std::move(f));
  }

  // Fixes every witness variable in KEEP to its model value.
  z3::expr pin(const Query& q, const z3::model& m, const std::vector<bool>& keep) {
    z3::expr acc = ctx_.bool_val(true);
    for (std::size_t i = 0; i < q.witness_vars.size(); ++i)
      if (keep[i]) acc = acc && q.witness_vars[i].second == m.eval(q.witness_vars[i].second, true);
    return acc;
  }

  Witness witness(const Query& q, const z3::model& m, const z3::expr& property) {
    // Free each attribute in turn: it does not matter if the property holds
    // for every value of the free attributes (no counter-case exists).
    std::vector<bool> keep(q.witness_vars.size(), true);
    for (std::size_t i = 0; i < q.witness_vars.size(); ++i) {
      keep[i] = false;
      auto s = solver();
      s.add(q.assumptions);
      s.add(!property);
      s.add(pin(q, m, keep));
      if (decide(s, q.lits, "witness") != z3::unsat) keep[i] = true;
    }
    Witness w;
    for (const auto& [var, type, idx] : q.cases) {
      WitnessCase c{var, type, {}};
      for (std::size_t i : idx) {
        const bool rel = keep[i];
        const z3::expr val = m.eval(q.witness_vars[i].second, true);
        c.fields.push_back({q.witness_vars[i].first, rel ? enc_.show(val, q.var_types[i]) : "any", rel, enc_.exact(val, q.var_types[i])});
      }
      w.cases.push_back(std::move(c));
    }
    for (std::size_t i : q.world) {
      const bool rel = keep[i];
      const z3::expr val = m.eval(q.witness_vars[i].second, true);
      w.world.push_back({q.witness_vars[i].first, rel ? enc_.show(val, q.var_types[i]) : "any", rel, enc_.exact(val, q.var_types[i])});
    }
    std::set<std::string> seen;
    for (const auto& c : q.calls) {
      const auto& sym = prog_.symbols[static_cast<std::size_t>(c.symbol)];
      std::string head = enc_.show_call(c, m, q.binder_names);
      if (!seen.insert(head).second) continue;
      const bool def = m.eval(c.defined, true).is_true();
      const z3::expr val = m.eval(c.value, true);
      w.outcomes.push_back({head, def ? enc_.show(val, sym.result) : "undefined", def, def ? enc_.exact(val, sym.result) : ""});
      OutcomeCall oc;
      oc.symbol = c.symbol;
      for (std::size_t i = 0; i < c.args.size(); ++i) {
        const auto& pt = sym.params[i].type;
        oc.arg_binders.push_back(pt.kind == ir::Type::record ? c.binder_of_arg[i] : -1);
        oc.arg_exact.push_back(pt.kind == ir::Type::record ? "" : enc_.exact(m.eval(c.args[i].parts[0], true), pt));
      }
      w.calls.push_back(std::move(oc));
    }
    return w;
  }

  std::vector<ClauseRef> core(const Query& q, const z3::model& m, const z3::expr& violation) {
    // With the witness fixed, "the norm holds" is unsatisfiable under the
    // clause literals; the (minimised) core names the clauses responsible.
    std::vector<bool> all(q.witness_vars.size(), true);
    auto s = solver();
    s.add(q.assumptions);
    s.add(pin(q, m, all));
    s.add(!violation);
    if (decide(s, q.lits, "core") != z3::unsat) return {};
    z3::expr_vector c = s.unsat_core();
    std::vector<z3::expr> lits;
    for (unsigned i = 0; i < c.size(); ++i) lits.push_back(c[i]);
    // deletion-based minimisation, in a fixed order
    std::sort(lits.begin(), lits.end(), [](const z3::expr& a, const z3::expr& b) { return a.to_string() < b.to_string(); });
    for (std::size_t i = 0; i < lits.size();) {
      z3::expr_vector trial(ctx_);
      for (std::size_t j = 0; j < lits.size(); ++j)
        if (j != i) trial.push_back(lits[j]);
      // clauses not in the trial set are switched off
      auto s2 = solver();
      s2.add(q.assumptions);
      s2.add(pin(q, m, all));
      s2.add(!violation);
      for (const auto& l : q.lits) {
        bool in = false;
        for (const auto& t : trial) if (z3::eq(t, l)) in = true;
        if (!in) s2.add(!l);
      }
      if (decide(s2, trial, "core") == z3::unsat) lits.erase(lits.begin() + static_cast<std::ptrdiff_t>(i));
      else ++i;
    }
    std::vector<ClauseRef> out;
    for (const auto& l : lits) {
      for (const auto& d : enc_.defs())
        if (z3::eq(d.literal, l))
          out.push_back({d.ruleset, d.define, -1, d.def->span});
      for (const auto& inv : enc_.invokes())
        if (inv.invoke >= 0 && z3::eq(inv.literal, l))
          out.push_back({inv.ruleset, -1, inv.invoke,
                         prog_.rulesets[static_cast<std::size_t>(inv.ruleset)].invokes[static_cast<std::size_t>(inv.invoke)].span});
    }
    std::stable_sort(out.begin(), out.end(), [&](const ClauseRef& a, const ClauseRef& b) {
      const bool sa = a.ruleset == subject_, sb = b.ruleset == subject_;
      if (sa != sb) return sa;
      return std::tie(a.ruleset, a.define, a.invoke) < std::tie(b.ruleset, b.define, b.invoke);
    });
    return out;
  }

  void conflict(Verdict& v, int ni, const Query& q, const z3::model& m, const z3::expr& target, const std::vector<int>& group) {
    const auto& n = prog_.norms[static_cast<std::size_t>(ni)];
    Finding f;
    f.kind = FindingKind::conflict;
    f.norm = ni;
    f.clauses = core(q, m, q.violation);
    f.witness = witness(q, m, target);
    const int nrank = rank_of_norm(n);
    // the blamed side: the measure, or the latest blamed rule in the core
    const auto& first = prog_.rulesets[static_cast<std::size_t>(group.front())];
    ir::Level level = first.level;
    std::optional<ir::Day> from = first.period.from;
    if (subject_ < 0) {
      bool found = false;
      for (const auto& c : f.clauses) {
        if (std::find(group.begin(), group.end(), c.ruleset) == group.end()) continue;
        const auto& rs = prog_.rulesets[static_cast<std::size_t>(c.ruleset)];
        if (!found || (rs.period.from && (!from || *rs.period.from > *from))) {
          level = rs.level;
          from = rs.period.from;
          found = true;
        }
      }
    }
    f.severity = Severity::error;
    f.code = "C0001";
    if (level.rank == nrank) {
      // equal rank: lex posterior decides which prevails
      const auto nfrom = n.period.from;
      const bool later = from && (!nfrom || *from > *nfrom);
      if (later) {
        f.severity = Severity::warning;
        f.code = "C0002";
        f.precedence = fmt::format("equal rank ({}): the {} takes effect after `{}` and prevails over it (lex posterior)", level.name,
                                   subject_ >= 0 ? "measure" : "rule", n.id);
      } else {
        f.precedence = fmt::format("equal rank ({}): `{}` is not older than the {} and prevails over it (lex posterior)", level.name, n.id,
                                   subject_ >= 0 ? "measure" : "rule");
      }
    }
    v.findings.push_back(std::move(f));
  }

  void gap(Verdict& v, int ni, const Query& q, const z3::model& m) {
    Finding f;
    f.kind = FindingKind::gap;
    f.severity = Severity::warning;
    f.code = "C0003";
    f.norm = ni;
    f.witness = witness(q, m, q.gap);
    std::vector<std::string> undefined;
    for (const auto& o : f.witness.outcomes)
      if (o.value == "undefined") undefined.push_back("`" + o.name + "`");
    f.reason = undefined.empty() ? "no rule defines a decision this norm depends on"
                                 : fmt::format("no rule defines {}", fmt::join(undefined, ", "));
    v.findings.push_back(std::move(f));
  }

  const ir::Program& prog_;
  int subject_;
  ir::Day at_;
  int scenario_;
  unsigned timeout_;
  std::unique_ptr<Workspace> own_;  // null: a shared one
  Workspace& ws_;
  z3::context& ctx_;
  Watchdog& dog_;
  enc::Encoder enc_;
  std::vector<int> active_;
  std::vector<z3::expr> all_lits_;
  std::set<int> touched_;
  Variant variant_;
  std::optional<z3::expr> symbolic_;
  std::vector<z3::expr> off_lits_;                      // clauses switched off by the variant
  std::set<unsigned> free_ids_;                         // literals never assumed: switched off, or hypothetical
  const ProgramIndex* shared_index_ = nullptr;          // the run's, shared by its subjects (the encoder is lazy); null: none
  mutable std::unique_ptr<ProgramIndex> own_index_;     // without a shared one: this checker's own (index())
  std::vector<char> rule_active_;                       // per rule set: in active_
  std::map<int, std::vector<std::vector<int>>> blame_;  // blame_groups per rank
  std::vector<std::pair<int, z3::expr>> hypothetical_;  // derogation -> literal of a hypothetical invocation
  std::vector<SolverQuery>* log_ = nullptr;             // queries recorded (export, cross-check)
  int current_norm_ = -1;                               // the norm check_norm is on
};


}  // namespace normcheck::detail
