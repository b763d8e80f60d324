#!/usr/bin/env python3
"""Seeded generator of synthetic normcheck corpora for benchmarks.

    bench/gen.py --norms N --measures M --seed S --out DIR

writes DIR/*.norm (a synthetic legal order of N norms in blocks of 50 topics
per file, current-law rules that comply with it, and M measures) and
DIR/answers.json: for every measure, the date it is checked at and the ids of
the norms it conflicts with (the planted conflicts). Nothing here is real
law: every instrument, article and figure is synthetic and says so.

The corpus is built from topics. Topic t has three decisions over one of five
case types and ten norms (N is rounded down to a multiple of ten):
  - four numeric limits `must lim_t(x) <= L months when x.fJ`, one of which
    is valid only until 2025-01-01 (a date range: expired at every check date);
  - three per-case prohibitions `must not ban_t(x) when ... unless x.fK`;
  - three rights `may right_t(x) when x.fJ` (one with an exception).
Norms sit in instruments of several levels (treaty, EU regulation, EU
directive, act); current law is decree-level rules that meet every norm, so
current law is compliant. Each measure (level decree, three effective dates)
changes one decision of one topic, and either breaks some of that topic's
norms or stays within them (an exception, a lower figure, an expired limit).
The case fields are independent booleans, so which norms a measure breaks
follows from the figures and the fields alone: that is what answers.json
records.
"""

import argparse
import json
import os
import random

CASES = 5
FIELDS = 8  # f0..f7, bool
TOPICS_PER_FILE = 50
LEVELS = ["treaty", "eu_regulation", "eu_directive", "act"]
LIMITS = [6, 9, 12, 18]  # months; LIMITS[3]'s norm is the expired one
DATES = ["2026-01-01", "2026-07-01", "2027-01-01"]


def topic_norms(t):
    """The ten norms of topic T: (id, kind, data), kind in limit/ban/right."""
    r = random.Random(t * 7919 + 17)
    fs = r.sample(range(FIELDS), 8)
    out = []
    for j, lim in enumerate(LIMITS):
        out.append((f"T{t}.lim{j}", "limit", {"limit": lim, "when": fs[j], "expired": j == 3}))
    # prohibitions: when (age condition or a field), unless a field
    out.append((f"T{t}.ban0", "ban", {"when": None, "unless": fs[4]}))
    out.append((f"T{t}.ban1", "ban", {"when": fs[0], "unless": fs[5]}))
    out.append((f"T{t}.ban2", "ban", {"when": fs[1], "unless": fs[4]}))
    out.append((f"T{t}.right0", "right", {"when": fs[2], "unless": None}))
    out.append((f"T{t}.right1", "right", {"when": fs[3], "unless": fs[6]}))
    out.append((f"T{t}.right2", "right", {"when": None, "unless": fs[6]}))
    return out


def norm_text(t, nid, kind, d, inst):
    c = t % CASES
    lines = [f'norm {nid} "Synthetic norm {nid}" {{', f'  source {inst} "synthetic article {nid}"']
    if kind == "limit" and d["expired"]:
        lines.append("  valid from 2015-01-01 until 2025-01-01")
    lines.append(f"  for x: Case{c}")
    if kind == "limit":
        lines.append(f"  when x.f{d['when']}")
        lines.append(f"  must lim{t}(x) <= {d['limit']} months")
    elif kind == "ban":
        if d["when"] is None:
            lines.append("  when x.age < 18 years")
        else:
            lines.append(f"  when x.f{d['when']}")
        lines.append(f"  must not ban{t}(x)")
        lines.append(f"  unless x.f{d['unless']}")
    else:
        if d["when"] is not None:
            lines.append(f"  when x.f{d['when']}")
        lines.append(f"  may right{t}(x)")
        if d["unless"] is not None:
            lines.append(f"  unless x.f{d['unless']}")
    lines.append("}")
    return "\n".join(lines)


def conflicts_of(t, change):
    """The norms of topic T that CHANGE (what a measure defines) breaks."""
    kind, field, value = change
    out = []
    for nid, nk, d in topic_norms(t):
        if kind == "limit" and nk == "limit":
            # define lim_t(x) = value when x.f<field>: broken where the norm's
            # field and the measure's field can both hold (always: independent)
            if not d["expired"] and value > d["limit"]:
                out.append(nid)
        elif kind == "ban" and nk == "ban":
            # define ban_t(x) = true when x.f<field>: broken unless the
            # measure only bans where the norm's exception holds
            if field != d["unless"]:
                out.append(nid)
        elif kind == "right" and nk == "right":
            # define right_t(x) = false when x.f<field>
            if field != d["unless"]:
                out.append(nid)
    return out


def measure_change(m, topics, rng):
    """Measure M: (topic, (kind, field, value)). Limits: half within every
    limit in force; bans and rights: half use a field that is the exception
    of some norms (those are not broken). conflicts_of says what is broken."""
    t = rng.randrange(topics)
    norms = topic_norms(t)
    kind = rng.choice(["limit", "limit", "ban", "right"])
    plant = rng.random() < 0.5
    if kind == "limit":
        if plant:
            value = rng.choice([7, 10, 13, 24])  # breaks the limits below it
        else:
            value = rng.choice([2, 4, 6])  # within every limit in force
        return t, ("limit", rng.randrange(FIELDS), value)
    if kind == "ban":
        if plant:
            field = rng.randrange(FIELDS)
        else:  # ban only where the exception of ban0 and ban2 holds: only ban1 is broken
            field = [d for nid, k, d in norms if nid.endswith("ban0")][0]["unless"]
        return t, ("ban", field, None)
    field = rng.randrange(FIELDS) if plant else [d for nid, k, d in norms if nid.endswith("right1")][0]["unless"]
    return t, ("right", field, None)


def generate(n_norms, n_measures, seed, out):
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith(".norm") or f == "answers.json":
            os.remove(os.path.join(out, f))
    topics = max(1, n_norms // 10)
    with open(os.path.join(out, "domain.norm"), "w") as f:
        f.write("// Synthetic benchmark corpus (bench/gen.py): no real law, no real figures.\n")
        for c in range(CASES):
            f.write(f"case Case{c} {{\n  age: int years\n")
            for i in range(FIELDS):
                f.write(f"  f{i}: bool\n")
            f.write("  assume age >= 0 years\n  assume age <= 120 years\n}\n")
        f.write('instrument SynRules "Synthetic implementing decree" {\n  level decree\n}\n')
    files = (topics + TOPICS_PER_FILE - 1) // TOPICS_PER_FILE
    for b in range(files):
        lines = ['// Synthetic benchmark corpus (bench/gen.py): no real law, no real figures.', 'import "domain.norm"', ""]
        for t in range(b * TOPICS_PER_FILE, min(topics, (b + 1) * TOPICS_PER_FILE)):
            c = t % CASES
            lines.append(f"decision lim{t}(x: Case{c}): int months")
            lines.append(f"decision ban{t}(x: Case{c}): bool")
            lines.append(f"decision right{t}(x: Case{c}): bool")
            inst = f"Syn{t}"
            lines.append(f'instrument {inst} "Synthetic instrument {t}" {{\n  level {LEVELS[t % len(LEVELS)]}\n  in_force 2010-01-01\n}}')
            norms = topic_norms(t)
            for nid, kind, d in norms:
                lines.append(norm_text(t, nid, kind, d, inst))
            lines.append(f'rule SynRules.t{t} "Synthetic current law on topic {t}" {{')
            lines.append(f'  source SynRules "synthetic section {t}"')
            lines.append(f"  define lim{t}(x) = 3 months")
            lines.append(f"  define ban{t}(x) = false")
            lines.append(f"  define right{t}(x) = true")
            lines.append("}")
            lines.append("")
        with open(os.path.join(out, f"block{b:04d}.norm"), "w") as f:
            f.write("\n".join(lines))
    rng = random.Random(seed)
    answers = {"norms": topics * 10, "measures": {}}
    per_file = 200
    for mb in range((n_measures + per_file - 1) // per_file):
        lines = ['// Synthetic benchmark measures (bench/gen.py): no real law, no real figures.', 'import "domain.norm"']
        for m in range(mb * per_file, min(n_measures, (mb + 1) * per_file)):
            t, (kind, field, value) = measure_change(m, topics, rng)
            lines.insert(2, f'import "block{t // TOPICS_PER_FILE:04d}.norm"')
            date = DATES[m % len(DATES)]
            name = f"Measure{m}"
            lines.append(f'measure {name} "Synthetic measure {m}" {{\n  level decree\n  effective {date}')
            if kind == "limit":
                lines.append(f"  define lim{t}(x) = {value} months when x.f{field}")
            elif kind == "ban":
                lines.append(f"  define ban{t}(x) = true when x.f{field}")
            else:
                lines.append(f"  define right{t}(x) = false when x.f{field}")
            lines.append("}")
            conf = conflicts_of(t, (kind, field, value))
            answers["measures"][name] = {"at": date, "conflicts": sorted(conf)}
        # imports first, once each, in order
        imports = sorted(set(l for l in lines if l.startswith("import ")))
        body = [l for l in lines if not l.startswith("import ")]
        with open(os.path.join(out, f"measures{mb:03d}.norm"), "w") as f:
            f.write("\n".join(body[:1] + imports + body[1:]) + "\n")
    # one expectation per measure, for `normcheck test`
    lines = ['// Synthetic benchmark expectations (bench/gen.py).', 'import "domain.norm"']
    lines += [f'import "measures{mb:03d}.norm"' for mb in range((n_measures + per_file - 1) // per_file)]
    for name, a in answers["measures"].items():
        lines.append(f"expect {name} conflicts_with {a['conflicts'][0]}" if a["conflicts"] else f"expect {name} compliant")
    with open(os.path.join(out, "expect.norm"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "answers.json"), "w") as f:
        json.dump(answers, f, indent=1, sort_keys=True)
    return answers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--norms", type=int, required=True)
    ap.add_argument("--measures", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ans = generate(a.norms, a.measures, a.seed, a.out)
    planted = sum(1 for v in ans["measures"].values() if v["conflicts"])
    print(f"{ans['norms']} norms, {len(ans['measures'])} measures ({planted} with planted conflicts) in {a.out}")


if __name__ == "__main__":
    main()
