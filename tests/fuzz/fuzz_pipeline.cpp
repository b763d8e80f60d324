// libFuzzer target: small inputs through the whole pipeline: load, semantic
// analysis, then `check` of current law and every measure (Z3 encoding,
// conflict/gap queries, unsat cores, witness minimisation) with a short solver
// timeout, and the verdicts rendered as text and JSON. See docs/fuzzing.md.
//
// Why a prelude: a random mutation of a whole seed file seldom survives
// semantic analysis, so few inputs would reach the solver. The prelude below is
// loaded as a second (inline) source next to the fuzzed bytes and declares
// instruments, an enum, a case and decisions, so that a fragment as short as
// `norm FzT.n "" { source FzT "a" must fz_ok(fz_a) }` is a complete program.
// Its names all start with `Fz`/`fz` and use only the default level hierarchy,
// so the seed files (rules/, examples/, tests/golden/inputs/) still load with
// it unchanged: both the fragment mode and the whole-file mode stay reachable
// without a mode byte that would break every seed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "normcheck/check.h"
#include "normcheck/load.h"
#include "render.h"

namespace {

const char* const kDir = "/nonexistent-normcheck-fuzz";
constexpr std::size_t kMaxInput = 4096;
// Bounds on the solver work per input, so that a slow input is a finding and
// not just many 200 ms queries in a row (libFuzzer's -timeout is 10 s).
constexpr unsigned kTimeoutMs = 200;
constexpr std::size_t kMaxNorms = 6;
constexpr std::size_t kMaxMeasures = 3;

const char* const kPrelude = R"(unit fz_euro
instrument FzT "A fuzz treaty" { level treaty in_force 1990-01-01 }
instrument FzD "A fuzz directive" { level eu_directive applies_from 2013-12-22 }
instrument FzA "A fuzz act" { level act in_force 2001-04-01 repealed 2040-01-01 }
enum FzKind { fz_a, fz_b, fz_c }
case FzCase {
  fz_age: int years
  fz_kind: FzKind
  fz_flag: bool
  fz_when: date
  fz_amount: decimal fz_euro
  assume fz_age >= 0 years and fz_age <= 120 years
}
decision fz_ok(k: FzKind): bool
decision fz_months(k: FzKind): int months
decision fz_allowed(c: FzCase): bool
decision fz_pay(c: FzCase): decimal fz_euro
param fz_limit: int years
fact fz_crisis: bool
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace normcheck;
  if (size > kMaxInput) return 0;
  const std::string main_path = std::string(kDir) + "/main.norm";
  LoadOptions options;
  options.overlays[canonical_path(main_path)] = std::string(reinterpret_cast<const char*>(data), size);
  options.inline_sources.emplace_back("prelude.norm", kPrelude);

  SourceManager sm;
  Diagnostics diags;
  auto prog = load_program(sm, {main_path}, diags, options);
  if (!prog) {
    (void)render::json_check(sm, nullptr, diags.items(), {});
    return 0;
  }
  std::size_t measures = 0;
  for (const auto& rs : prog->rulesets) measures += rs.measure ? 1 : 0;
  if (prog->norms.size() > kMaxNorms || measures > kMaxMeasures) return 0;

  CheckOptions opt;
  opt.today = *ir::parse_date("2026-07-01");
  opt.timeout_ms = kTimeoutMs;
  const auto verdicts = check(*prog, opt);
  if (verdicts.size() != measures + 1) __builtin_trap();  // current law and every measure
  (void)render::text_verdicts(sm, *prog, verdicts, render::Style{false});
  (void)render::json_check(sm, &*prog, diags.items(), verdicts);
  return 0;
}
