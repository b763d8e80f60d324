#!/usr/bin/env python3
"""The benchmark generator's answers hold (bench/gen.py, bench/verify.py): on
a small synthetic corpus (100 norms, 10 measures, two seeds) `check` finds
every planted conflict and no other, and current law has no finding."""
import json
import os
import subprocess
import sys
import tempfile

binary, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "bench"))
import gen  # noqa: E402
import verify  # noqa: E402

failures = []
for seed in (1, 2):
    with tempfile.TemporaryDirectory() as d:
        answers = gen.generate(100, 10, seed, d)
        planted = sum(len(v["conflicts"]) for v in answers["measures"].values())
        if planted == 0 or all(v["conflicts"] for v in answers["measures"].values()):
            failures.append(f"seed {seed}: the corpus should mix conflicting and compliant measures")
        r = subprocess.run([binary, "check", "--format", "json", d], capture_output=True, text=True, timeout=300,
                           env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
        if r.returncode != 1:
            failures.append(f"seed {seed}: exit {r.returncode}, expected 1 (conflicts)\n{r.stderr}")
            continue
        problems, seen = verify.verify(answers, json.loads(r.stdout))
        if seen != set(answers["measures"]):
            failures.append(f"seed {seed}: measures checked {sorted(seen)}")
        failures += [f"seed {seed}: {p}" for p in problems]
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
