#include "second_opinion.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "normcheck/crosscheck.h"
#include "normcheck/replay.h"

namespace normcheck::cli {

bool write_queries(const ir::Program& prog, const std::vector<SolverQuery>& queries, const std::string& dir, std::ostream& out,
                   std::ostream& err) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << fmt::format("error: cannot create directory `{}`: {}\n", dir, ec.message());
    return false;
  }
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const fs::path p = fs::path(dir) / query_file_name(prog, queries[i], i + 1, queries.size());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << query_file_text(prog, queries[i], i + 1, queries.size());
    f.close();
    if (!f) {
      err << fmt::format("error: cannot write `{}`\n", p.string());
      return false;
    }
  }
  out << fmt::format("wrote {} quer{} to {}\n", queries.size(), queries.size() == 1 ? "y" : "ies", dir);
  return true;
}

bool second_opinion(const ir::Program& prog, const std::vector<Verdict>& verdicts, const std::vector<SolverQuery>* queries,
                    unsigned timeout_ms, std::ostream& err) {
  bool inconsistent = false;
  const ReplaySummary rep = replay_verdicts(prog, verdicts);
  for (const auto& f : rep.failures) err << fmt::format("error: internal inconsistency: {}\n", f);
  // what the evaluator cannot decide is counted (with --cross-check) and logged with -v
  for (const auto& n : rep.not_replayed) spdlog::debug("not replayed: {}", n);
  inconsistent = inconsistent || !rep.failures.empty();
  if (queries) {
    CrossCheckOptions o;
    o.timeout_ms = timeout_ms;
    const CrossCheckReport r = cross_check(prog, *queries, o);
    for (const auto& d : r.disagreements) err << fmt::format("error: internal inconsistency: {}\n", d);
    for (const auto& e : r.errors)  // cvc5 missing is a set-up error, a query it rejects a broken export
      err << (e.rfind("cannot ", 0) == 0 ? fmt::format("error: {} (install cvc5: apt-get install cvc5)\n", e)
                                          : fmt::format("error: internal inconsistency: {}\n", e));
    inconsistent = inconsistent || !r.disagreements.empty() || !r.errors.empty();
    err << fmt::format("cross-check: {} queries, {} agreed with cvc5, {} not cross-checked (unknown), {} disagreements, {} errors\n",
                       r.queries, r.agreed, r.not_checked, r.disagreements.size(), r.errors.size());
    if (!verdicts.empty())
      err << fmt::format("replay: {} witnesses replayed, {} not replayed, {} failed\n", rep.replayed, rep.not_replayed.size(),
                         rep.failures.size());
  }
  return inconsistent;
}

}  // namespace normcheck::cli
