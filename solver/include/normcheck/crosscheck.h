// A second opinion on the solver: the queries a check runs (SolverQuery,
// normcheck/check.h) as SMT-LIB2 files, and the same queries re-decided by
// cvc5, a solver independent of Z3. No z3 type appears here.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "normcheck/check.h"

namespace normcheck {

// `007-TwoStatus-conflict-QD2011.art24_1.smt2`: the 1-based position of the
// query among TOTAL (zero-padded to at least three digits), the subject
// (`current_law` or the measure's id), the kind of query, and the norm.
std::string query_file_name(const ir::Program& prog, const SolverQuery& q, std::size_t index, std::size_t total);

// The file: a comment naming the query, the script, which ends in
// `(check-sat)`, and a last comment with the answer Z3 gave (`; z3: sat`).
std::string query_file_text(const ir::Program& prog, const SolverQuery& q, std::size_t index, std::size_t total);

// `query 12 (conflict, norm `N`) of measure `M` at 2026-07-01`
std::string describe_query(const ir::Program& prog, const SolverQuery& q, std::size_t index);

struct CrossCheckOptions {
  std::string solver = "cvc5";  // the binary, searched on PATH
  unsigned timeout_ms = 10000;  // per query (`--tlimit-per`)
  std::size_t batch = 100;      // queries per cvc5 process, separated by `(reset)`
};

struct CrossCheckReport {
  std::size_t queries = 0;      // queries looked at
  std::size_t agreed = 0;       // cvc5 gave Z3's answer
  std::size_t not_checked = 0;  // Z3 or cvc5 answered unknown (or ran out of time)
  std::vector<std::string> disagreements;  // sat against unsat: an internal inconsistency
  std::vector<std::string> errors;         // cvc5 rejected a query or could not run
  std::vector<std::string> answers;        // per query: cvc5's sat, unsat, unknown, or error
};

// Runs the solver on self-contained SMT-LIB2 scripts, `options.batch` to a
// process (separated by `(reset)`), each limited to `options.timeout_ms`
// (`--tlimit-per`; the process to their sum with `--tlimit`). ANSWERS holds
// sat, unsat or unknown per script, or `error` for a script the solver
// rejected or did not get to; ERRORS says why, by index.
struct SolverAnswers {
  std::vector<std::string> answers;
  std::vector<std::pair<std::size_t, std::string>> errors;
};
SolverAnswers run_solver(const std::vector<std::string>& scripts, const CrossCheckOptions& options);

// Runs cvc5 on every query (no shell: posix_spawnp with an argument vector;
// the script goes through a temporary file) and compares with Z3's answers.
// QUERIES are numbered from FIRST_INDEX in the messages.
CrossCheckReport cross_check(const ir::Program& prog, const std::vector<SolverQuery>& queries, const CrossCheckOptions& options,
                             std::size_t first_index = 1);

// Whether the solver binary can be found on PATH.
bool solver_available(const std::string& solver);

}  // namespace normcheck
