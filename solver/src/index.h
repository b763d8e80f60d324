// What the checks of one run share across subjects: the program's
// dependency structure, computed once (check_subjects builds one and hands
// it to every subject's Checker). With it a subject costs in proportion to
// what it touches, not to the size of the program: the symbols a measure
// reaches, the norms that depend on them, and the definitions lowering meets
// are looked up instead of found by scanning every rule and norm.
// Immutable once built, so the workers of -j read it concurrently. No z3.
#pragma once

#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "normcheck/ir.h"

namespace normcheck::detail {

// Symbols each expression calls (decisions, facts, params), at any depth.
inline std::set<int> symbols_used(const ir::Expr* e) {
  std::set<int> out;
  std::function<void(const ir::Expr*)> walk = [&](const ir::Expr* x) {
    if (!x) return;
    if (x->op == ir::Op::call) out.insert(x->index);
    for (const auto& a : x->args) walk(a.get());
  };
  walk(e);
  return out;
}

struct ProgramIndex {
  explicit ProgramIndex(const ir::Program& prog)
      : definers(prog.symbols.size()), users(prog.symbols.size()), norm_syms(prog.norms.size()), norms_using(prog.symbols.size()) {
    for (std::size_t r = 0; r < prog.rulesets.size(); ++r) {
      const auto& rs = prog.rulesets[r];
      for (std::size_t i = 0; i < rs.defines.size(); ++i) {
        const auto& d = rs.defines[i];
        if (d.symbol < 0) continue;
        definers[static_cast<std::size_t>(d.symbol)].emplace_back(static_cast<int>(r), static_cast<int>(i));
        if (rs.measure) continue;
        auto used = symbols_used(d.value.get());
        auto used2 = symbols_used(d.when.get());
        used.insert(used2.begin(), used2.end());
        for (int u : used) users[static_cast<std::size_t>(u)].emplace_back(static_cast<int>(r), d.symbol);
      }
    }
    auto exprs_of = [&](const ir::Norm& n, std::set<int>& out) {
      for (const ir::Expr* e : {n.cond.get(), n.unless.get(), n.body.get()}) {
        auto s = symbols_used(e);
        out.insert(s.begin(), s.end());
      }
    };
    for (std::size_t n = 0; n < prog.norms.size(); ++n) {
      std::set<int> own;
      exprs_of(prog.norms[n], own);
      norm_syms[n].assign(own.begin(), own.end());
    }
    for (std::size_t n = 0; n < prog.norms.size(); ++n) {
      std::set<int> all(norm_syms[n].begin(), norm_syms[n].end());
      for (int d : prog.norms[n].derogations) all.insert(norm_syms[static_cast<std::size_t>(d)].begin(), norm_syms[static_cast<std::size_t>(d)].end());
      for (int s : all) norms_using[static_cast<std::size_t>(s)].push_back(static_cast<int>(n));
    }
  }

  std::vector<std::vector<std::pair<int, int>>> definers;  // symbol -> (rule set, define index) of every rule set and measure
  std::vector<std::vector<std::pair<int, int>>> users;     // symbol -> (rule set, symbol it defines) of the rules' definitions that use it
  std::vector<std::vector<int>> norm_syms;                  // norm -> the symbols its own `when`, `unless` and requirement use
  std::vector<std::vector<int>> norms_using;                // symbol -> norms using it, themselves or through one of their derogations (ascending)
};

}  // namespace normcheck::detail
