#!/usr/bin/env bash
# Installs the Debian 12 packages normcheck needs to build and test.
# Idempotent: asks dpkg first and only runs apt-get when something is missing.
set -euo pipefail

PACKAGES=(
  g++ make cmake pkg-config git
  libz3-dev z3 cvc5
  antlr4 default-jre-headless libantlr4-runtime-dev
  libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev catch2
  python3 python3-jsonschema pre-commit
  clang libclang-rt-14-dev
)
# node and npm install the SARIF multitool for the tests (tests/sarif); a
# machine may have them from elsewhere, so Debian's only when one is missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi
# Debian's chromium runs the HTML report's browser test (tests/report) under
# playwright-core; only when no chromium is on the machine.
if ! command -v chromium >/dev/null 2>&1; then
  PACKAGES+=(chromium)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: missing packages (${missing[*]}) and not root; install them and retry" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
