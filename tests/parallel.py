#!/usr/bin/env python3
"""`-j N` never changes the output: check, test, explain and export on the
corpus give the same bytes and exit code with one worker and with two, and
two runs with two workers agree with each other (no scheduling shows); also
on a generated corpus where current law is checked in parts, and on one
with so many measures that consecutive ones share a solver context."""
import filecmp
import os
import subprocess
import sys
import tempfile

binary = sys.argv[1]
env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}


def run(args):
    r = subprocess.run([binary] + args, capture_output=True, env=env, timeout=300)
    return r.returncode, r.stdout, r.stderr


failures = []
runs = [
    (["check", "--format", "json", "--at", "2026-07-01", "rules", "examples"], ["1", "2", "2"]),
    (["test", "examples"], ["1", "2"]),
    (["explain", "--format", "json", "--measure", "ANMW_permit", "--measure", "Nareismaatregel2022", "--measure", "TwoStatus",
      "examples/asylum"], ["1", "2"]),
]
for args, jobs in runs:
    outs = [(j, run(args + ["-j", j])) for j in jobs]
    j0, first = outs[0]
    if first[0] not in (0, 1):
        failures.append(f"{' '.join(args)} -j {j0}: exit {first[0]}\n{first[2].decode()}")
    for j, o in outs[1:]:
        if o != first:
            failures.append(f"{' '.join(args)}: -j {j} differs from -j {j0} (exit {o[0]} vs {first[0]})")

# export: the same files with the same bytes
with tempfile.TemporaryDirectory() as tmp:
    dirs = []
    for j in ("1", "2"):
        d = os.path.join(tmp, j)
        rc, _, err = run(["export", "--smt2", d, "-j", j, "--measure", "ANMW_permit", "--measure", "WorkAsylumSeekers2026", "--measure", "Nareismaatregel2022", "examples/asylum"])
        if rc != 0:
            failures.append(f"export -j {j}: exit {rc}\n{err.decode()}")
        dirs.append(d)
    names = [sorted(os.listdir(d)) if os.path.isdir(d) else [] for d in dirs]
    if not names[0]:
        failures.append("export wrote no query")
    elif names[0] != names[1]:
        failures.append("export -j 1 and -j 2 wrote different files")
    else:
        _, mismatch, errors = filecmp.cmpfiles(dirs[0], dirs[1], names[0], shallow=False)
        if mismatch or errors:
            failures.append(f"export -j 1 and -j 2 differ in {mismatch + errors}")

# a generated corpus large enough that current law is checked in parts
# (more than 256 norms in force): the same bytes for -j 1 and -j 2, and still
# every planted conflict and no other (bench/gen.py, bench/verify.py)
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
import gen  # noqa: E402
import verify  # noqa: E402
import json  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    answers = gen.generate(600, 6, 3, tmp)
    outs = {j: run(["check", "--format", "json", "-j", j, tmp]) for j in ("1", "2")}
    if outs["1"] != outs["2"]:
        failures.append("generated corpus: check -j 2 differs from -j 1")
    if outs["1"][0] != 1:
        failures.append(f"generated corpus: exit {outs['1'][0]}, expected 1\n{outs['1'][2].decode()}")
    else:
        doc = json.loads(outs["1"][1])
        problems, _ = verify.verify(answers, doc)
        failures += [f"generated corpus: {p}" for p in problems]
        law = [v for v in doc["verdicts"] if v["subject"]["kind"] != "measure"]
        if not law or law[0]["norms_checked"] != 540:
            failures.append(f"generated corpus: current law checked {law[0]['norms_checked'] if law else 'no'} norms, expected 540")

# enough measures that consecutive subjects share a context and its solvers
# (more than 64 subjects: batches of two): the same bytes with -j 1, -j 2 and
# the naive path that shares nothing (--fresh-solver), and every planted
# conflict found and no other
with tempfile.TemporaryDirectory() as tmp:
    answers = gen.generate(100, 100, 3, tmp)
    outs = {j: run(["check", "--format", "json", "-j", j, tmp]) for j in ("1", "2")}
    outs["fresh"] = run(["check", "--format", "json", "-j", "2", "--fresh-solver", tmp])
    for k in ("2", "fresh"):
        if outs[k] != outs["1"]:
            failures.append(f"100 measures: check {k} differs from -j 1")
    if outs["1"][0] != 1:
        failures.append(f"100 measures: exit {outs['1'][0]}, expected 1\n{outs['1'][2].decode()}")
    else:
        problems, _ = verify.verify(answers, json.loads(outs["1"][1]))
        failures += [f"100 measures: {p}" for p in problems]

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
