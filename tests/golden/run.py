#!/usr/bin/env python3
"""Golden tests for what users see.

Each case is a directory tests/golden/cases/NAME with:
  cmd       the arguments to normcheck, one line (shell-like quoting)
  gen.py    optional: writes input files into the current directory (a fresh
            temporary one) before the run; the command then runs there
  stdin     optional: fed to normcheck's standard input (else it reads nothing)
  expected  the exit code, stdout and stderr, as produced by --update
Every case is run twice and must produce the same bytes both times. SARIF
output names the directory normcheck ran in as a file URI; it is written
`file:///$CWD/` so that the files do not depend on where the repository is.
"""
import argparse
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "tests", "golden", "cases")


def portable(out, cwd):
    return out.replace(pathlib.Path(os.path.realpath(cwd)).as_uri() + "/", "file:///$CWD/")


def run_case(binary, name):
    case = os.path.join(CASES, name)
    with open(os.path.join(case, "cmd"), encoding="utf-8") as f:
        args = shlex.split(f.read().strip())
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    gen = os.path.join(case, "gen.py")
    stdin_path = os.path.join(case, "stdin")
    stdin = b""
    if os.path.exists(stdin_path):
        with open(stdin_path, "rb") as f:
            stdin = f.read()

    def once():
        if os.path.exists(gen):
            with tempfile.TemporaryDirectory() as tmp:
                with open(gen, encoding="utf-8") as g:
                    code = g.read()
                cwd = os.getcwd()
                os.chdir(tmp)
                try:
                    exec(compile(code, gen, "exec"), {"__name__": "gen", "__file__": gen})
                finally:
                    os.chdir(cwd)
                p = subprocess.run([binary] + args, cwd=tmp, env=env, input=stdin, capture_output=True, timeout=300)
                cwd_run = tmp
        else:
            p = subprocess.run([binary] + args, cwd=ROOT, env=env, input=stdin, capture_output=True, timeout=300)
            cwd_run = ROOT
        out = portable(p.stdout.decode("utf-8", "replace"), cwd_run)
        err = p.stderr.decode("utf-8", "replace")
        return f"$ normcheck {' '.join(shlex.quote(a) for a in args)}\nexit: {p.returncode}\n--- stdout\n{out}--- stderr\n{err}"

    first = once()
    second = once()
    return first, second


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--case", action="append")
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    names = a.case or sorted(d for d in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, d)))
    failed = 0
    for name in names:
        first, second = run_case(binary, name)
        path = os.path.join(CASES, name, "expected")
        if first != second:
            print(f"FAIL {name}: output differs between two runs (not deterministic)")
            failed += 1
            continue
        # a golden file written with today's date in it fails tomorrow: when
        # updating, a command without a pinned date must not show today's
        # (checked only then, so that a fixed date in a golden file can never
        # fail the suite on the day it happens to be)
        import datetime
        day = datetime.datetime.now(datetime.timezone.utc).date()
        with open(os.path.join(CASES, name, "cmd"), encoding="utf-8") as cf:
            pinned = any(flag in cf.read() for flag in ("--at", "--from", "--to"))
        if a.update and not pinned and any(str(day + datetime.timedelta(days=k)) in first for k in (-1, 0, 1)):
            print(f"FAIL {name}: the output contains today's date; give the command an explicit --at (or --from/--to)")
            failed += 1
            continue
        if "AddressSanitizer" in first or "runtime error:" in first:
            print(f"FAIL {name}: sanitizer report\n{first}")
            failed += 1
            continue
        if a.update:
            with open(path, "w", encoding="utf-8") as f:
                f.write(first)
            continue
        try:
            with open(path, encoding="utf-8") as f:
                expected = f.read()
        except FileNotFoundError:
            print(f"FAIL {name}: no expected file; run `make golden`")
            failed += 1
            continue
        if expected != first:
            import difflib
            diff = difflib.unified_diff(expected.splitlines(True), first.splitlines(True), "expected", "actual")
            print(f"FAIL {name}:\n{''.join(diff)}")
            failed += 1
    total = len(names)
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
