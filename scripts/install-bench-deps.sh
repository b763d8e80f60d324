#!/usr/bin/env bash
# What `make bench` needs on top of scripts/install-deps.sh: the z3 binary
# (the overhead ratio) and Debian's python3-z3 (the z3py peer, bench/peer/).
# Idempotent, like install-deps.sh; not needed for the tests or CI.
set -euo pipefail
PACKAGES=(z3 python3-z3 time)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-bench-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-bench-deps: missing packages (${missing[*]}) and not root; install them and retry" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
