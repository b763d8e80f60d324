// `export --smt2`, `--cross-check` and witness replay for the front end:
// what they print and whether the run found an internal inconsistency.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "normcheck/check.h"

namespace normcheck::cli {

// Writes one SMT-LIB2 file per query into DIR (created if missing); prints
// where on OUT. False, after saying why on ERR, when a file cannot be written.
bool write_queries(const ir::Program& prog, const std::vector<SolverQuery>& queries, const std::string& dir, std::ostream& out,
                   std::ostream& err);

// Replays every witness of the verdicts and, with QUERIES, re-decides them
// with cvc5. Reports failures on ERR, and with QUERIES the counts; true when
// something is inconsistent (a failed replay, a disagreement, a query cvc5
// rejects): exit code 2.
bool second_opinion(const ir::Program& prog, const std::vector<Verdict>& verdicts, const std::vector<SolverQuery>* queries,
                    unsigned timeout_ms, std::ostream& err);

}  // namespace normcheck::cli
