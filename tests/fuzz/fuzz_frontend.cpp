// libFuzzer target: bytes -> load (byte checks, lexer, parser, AST, imports)
// -> semantic analysis -> diagnostics, rendered as text (plain and colour) and
// as JSON. No solver. See docs/fuzzing.md.
//
// The input is an editor overlay for a file that does not exist on disk, so
// the loader takes the same path as for a real file (canonical key, imports
// relative to its directory) without reading it. `lib.norm` next to it is
// another overlay, so that `import "lib.norm"` (in norm.dict) loads a second
// file and exercises de-duplication, ordering and cycles (lib imports main).
#include <cstddef>
#include <cstdint>
#include <string>

#include "normcheck/load.h"
#include "render.h"

namespace {

const char* const kDir = "/nonexistent-normcheck-fuzz";

const char* const kLib = R"(import "main.norm"
instrument FzLib "A library instrument" { level act in_force 2000-01-01 }
enum FzLibKind { one, two }
decision fz_lib(k: FzLibKind): bool
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace normcheck;
  const std::string main_path = std::string(kDir) + "/main.norm";
  LoadOptions options;
  options.overlays[canonical_path(main_path)] = std::string(reinterpret_cast<const char*>(data), size);
  options.overlays[canonical_path(std::string(kDir) + "/lib.norm")] = kLib;

  SourceManager sm;
  Diagnostics diags;
  auto prog = load_program(sm, {main_path}, diags, options);

  // The renderers must accept whatever the front end produced: any span, any
  // message bytes. Their output is discarded; crashes and UB are what count.
  const std::string plain = render::text_diagnostics(sm, diags.items(), render::Style{false});
  const std::string colour = render::text_diagnostics(sm, diags.items(), render::Style{true});
  const std::string json = render::json_check(sm, prog ? &*prog : nullptr, diags.items(), {});
  const std::string lint = render::json_lint(sm, diags.items());
  if (!diags.items().empty() && (plain.empty() || colour.empty())) __builtin_trap();  // a diagnostic renders as something
  if (json.empty() || lint.empty()) __builtin_trap();
  return 0;
}
