#!/usr/bin/env python3
"""The second opinion over the corpus.

  crosscheck.py BIN check DATE    `check --cross-check --at DATE rules examples`:
                                  every query agrees with cvc5 and every witness
                                  replays (exit 0 or 1, never 2); prints the counts
  crosscheck.py BIN test -        `test --cross-check rules examples`: the same for
                                  every query and witness behind the expectations
  crosscheck.py BIN export DATE   `export --smt2`: one file per query, each ending
                                  in (check-sat) and Z3's answer, which the `z3`
                                  binary gives again on a sample of them
"""
import os
import re
import subprocess
import sys
import tempfile

binary, mode, date = sys.argv[1], sys.argv[2], sys.argv[3]
env = dict(os.environ, NO_COLOR="1", LC_ALL="C")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


if mode in ("check", "test"):
    args = ["check", "--cross-check", "--at", date] if mode == "check" else ["test", "--cross-check"]
    p = subprocess.run([binary] + args + ["rules", "examples"], capture_output=True, text=True, env=env, timeout=600)
    err = p.stderr
    m = re.search(r"cross-check: (\d+) queries, (\d+) agreed with cvc5, (\d+) not cross-checked \(unknown\), "
                  r"(\d+) disagreements, (\d+) errors", err)
    r = re.search(r"replay: (\d+) witnesses replayed, (\d+) not replayed, (\d+) failed", err)
    if not m or not r:
        fail(f"no cross-check summary (exit {p.returncode}):\n{err}")
    print(f"{date}: {m.group(0)}; {r.group(0)}")
    queries, agreed, unknown, disagreements, errors = map(int, m.groups())
    if p.returncode not in ((0, 1) if mode == "check" else (0,)):
        fail(f"exit {p.returncode}:\n{err}")
    if disagreements or errors or int(r.group(3)):
        fail(err)
    if queries < 100 or agreed + unknown != queries or int(r.group(1)) == 0:
        fail(f"too little was cross-checked or replayed:\n{err}")
elif mode == "export":
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "q")
        p = subprocess.run([binary, "export", "--smt2", out, "--at", date, "rules", "examples"],
                           capture_output=True, text=True, env=env, timeout=600)
        if p.returncode != 0:
            fail(f"exit {p.returncode}:\n{p.stderr}")
        files = sorted(os.listdir(out))
        m = re.match(r"wrote (\d+) queries to ", p.stdout)
        if not m or int(m.group(1)) != len(files) or len(files) < 100:
            fail(f"{p.stdout!r} but {len(files)} files")
        for i, f in enumerate(files):
            if not re.fullmatch(r"\d{3,}-[A-Za-z0-9_.-]+-(conflict|preexisting|gap|cases|reliance|witness|core)-[A-Za-z0-9_.-]+\.smt2", f):
                fail(f"file name {f}")
            if int(f.split("-")[0]) != i + 1:
                fail(f"{f} is not number {i + 1}")
        checked = 0
        for f in files[::25]:
            text = open(os.path.join(out, f), encoding="utf-8").read()
            m = re.search(r"\(check-sat\)\n; z3: (sat|unsat|unknown)\n\Z", text)
            if not m or "(set-logic ALL)" not in text:
                fail(f"{f} does not end in (check-sat) and Z3's answer")
            if m.group(1) == "unknown":
                continue
            z = subprocess.run(["z3", "-T:60", os.path.join(out, f)], capture_output=True, text=True, timeout=120)
            if z.stdout.strip() != m.group(1):
                fail(f"{f}: the z3 binary says {z.stdout.strip()!r}, the check {m.group(1)}")
            checked += 1
        print(f"{date}: exported {len(files)} queries; the z3 binary agrees on {checked} of them")
else:
    fail(f"unknown mode {mode}")
