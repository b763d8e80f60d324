#!/usr/bin/env python3
"""A straightforward z3py encoding of the same synthetic check, as a peer to
compare normcheck with (bench/RESULTS.md). It does not read the DSL: it
rebuilds the corpus bench/gen.py writes for the same N, M and seed, and for
current law and every measure asks, per norm in force at the check date that
the subject can affect, one query: is there a case (the case type's assumes)
where the norm applies and the decisions, as the rules and the measure define
them, break it? One fresh z3.Solver per query, like a first encoding would.

    bench/peer/peer.py --norms N --measures M [--seed S] [--answers answers.json]

prints the conflicts found per measure as JSON and, with --answers, exits 1
when they differ from the planted ones.
"""
import argparse
import datetime
import json
import os
import sys

import z3

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gen  # noqa: E402


def case_vars(t):
    age = z3.Int(f"age{t}")
    fs = [z3.Bool(f"f{t}_{i}") for i in range(gen.FIELDS)]
    return age, fs, [age >= 0, age <= 120 * 12]  # years held in months, as normcheck does


def decisions(t, fs, change):
    """lim, ban, right for the case: current law (3 months, false, true) with
    the measure's definition on top where its field holds."""
    lim, ban, right = z3.IntVal(3), z3.BoolVal(False), z3.BoolVal(True)
    if change:
        kind, field, value = change
        if kind == "limit":
            lim = z3.If(fs[field], z3.IntVal(value), lim)
        elif kind == "ban":
            ban = z3.Or(fs[field], ban)
        else:
            right = z3.And(z3.Not(fs[field]), right)
    return lim, ban, right


def in_force(d, at):
    return not (d.get("expired") and at >= datetime.date(2025, 1, 1))


def check_topic(t, change, at):
    """The norms of topic T that the subject breaks at date AT."""
    age, fs, assume = case_vars(t)
    lim, ban, right = decisions(t, fs, change)
    out = []
    for nid, kind, d in gen.topic_norms(t):
        if kind == "limit":
            if not in_force(d, at):
                continue
            if change and change[0] != "limit":
                continue
            violated = z3.And(fs[d["when"]], lim > d["limit"])
        elif kind == "ban":
            if change and change[0] != "ban":
                continue
            when = age < 18 * 12 if d["when"] is None else fs[d["when"]]
            violated = z3.And(when, z3.Not(fs[d["unless"]]), ban)
        else:
            if change and change[0] != "right":
                continue
            when = z3.BoolVal(True) if d["when"] is None else fs[d["when"]]
            unless = z3.BoolVal(False) if d["unless"] is None else fs[d["unless"]]
            violated = z3.And(when, z3.Not(unless), z3.Not(right))
        s = z3.Solver()
        s.add(*assume)
        s.add(violated)
        if s.check() == z3.sat:
            out.append(nid)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--norms", type=int, required=True)
    ap.add_argument("--measures", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--answers")
    ap.add_argument("--no-current-law", action="store_true")
    a = ap.parse_args()
    topics = max(1, a.norms // 10)
    result = {"current_law": [], "measures": {}}
    if not a.no_current_law:
        today = datetime.date(2026, 1, 1)
        for t in range(topics):
            result["current_law"] += check_topic(t, None, today)
    rng = gen.random.Random(a.seed)
    for m in range(a.measures):
        t, change = gen.measure_change(m, topics, rng)
        at = datetime.date.fromisoformat(gen.DATES[m % len(gen.DATES)])
        result["measures"][f"Measure{m}"] = sorted(check_topic(t, change, at))
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    print()
    if a.answers:
        want = json.load(open(a.answers))["measures"]
        bad = [k for k, v in result["measures"].items() if v != want[k]["conflicts"]]
        if bad or result["current_law"]:
            print(f"peer differs from the planted answers: {bad[:10]} current law {result['current_law'][:10]}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
