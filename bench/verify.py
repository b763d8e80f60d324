#!/usr/bin/env python3
"""Compares a `normcheck check --format json` document with the answers
bench/gen.py planted: every planted conflict found, no other conflict, every
measure decided.

    bench/verify.py ANSWERS.json CHECK.json   -> exit 0, or 1 listing the differences
"""

import json
import sys


def verify(answers, check):
    """The differences, as lines of text (empty: the check is right)."""
    problems = []
    seen = set()
    for v in check["verdicts"]:
        subj = v["subject"]
        if subj["kind"] != "measure":
            # current law: the generated rules meet every norm
            bad = [f["norm"]["id"] if f.get("norm") else f["code"] for f in v["findings"]]
            if bad:
                problems.append(f"current law: unexpected findings {bad}")
            continue
        name = subj["id"]
        seen.add(name)
        want = answers["measures"].get(name)
        if want is None:
            problems.append(f"{name}: not a generated measure")
            continue
        if v["at"] != want["at"]:
            problems.append(f"{name}: checked at {v['at']}, expected {want['at']}")
        got = sorted(f["norm"]["id"] for f in v["findings"] if f["kind"] == "conflict" and f["severity"] == "error")
        others = [f["code"] for f in v["findings"] if not (f["kind"] == "conflict" and f["severity"] == "error")]
        if others:
            problems.append(f"{name}: findings other than conflicts: {others}")
        missed = sorted(set(want["conflicts"]) - set(got))
        extra = sorted(set(got) - set(want["conflicts"]))
        if missed:
            problems.append(f"{name}: planted conflicts not found: {missed}")
        if extra:
            problems.append(f"{name}: conflicts reported that were not planted: {extra}")
    return problems, seen


def main():
    answers = json.load(open(sys.argv[1]))
    check = json.load(open(sys.argv[2]))
    problems, seen = verify(answers, check)
    planted = sum(len(v["conflicts"]) for k, v in answers["measures"].items() if k in seen)
    for p in problems:
        print(p)
    print(f"{len(seen)} measures, {planted} planted conflicts: {'all found, no other' if not problems else f'{len(problems)} problems'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
