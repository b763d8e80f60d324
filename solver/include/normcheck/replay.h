// Witness replay: every witness a check reports is evaluated by a small
// interpreter of the IR (no solver) over the witness's case fields and world
// values, with the decisions' outcomes computed from the definitions of the
// subject and current law as docs/architecture.md defines them, and must
// indeed violate its norm (a conflict) or leave it undecided by the rules (a
// gap). A failed replay is an internal inconsistency, never a verdict.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "normcheck/check.h"

namespace normcheck {

enum class ReplayStatus { replayed, not_replayed, failed };

struct ReplayResult {
  ReplayStatus status = ReplayStatus::replayed;
  std::string reason;  // not replayed: what the evaluator cannot decide; failed: what does not hold
};

// Replays the witness of F (a conflict or a gap) of verdict V. Findings
// without a witness (undecided) are not replayed.
ReplayResult replay_witness(const ir::Program& prog, const Verdict& v, const Finding& f);

struct ReplaySummary {
  std::size_t replayed = 0;
  std::vector<std::string> not_replayed;  // one message each
  std::vector<std::string> failures;      // one message each: internal inconsistencies
};

// Every conflict and gap of the verdicts.
ReplaySummary replay_verdicts(const ir::Program& prog, const std::vector<Verdict>& verdicts);

}  // namespace normcheck
