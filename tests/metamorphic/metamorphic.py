#!/usr/bin/env python3
"""Metamorphic tests: verdicts must not depend on how a rule set is written.

Over the corpus (rules/ and examples/) and over generated rule sets, each
transformation below rewrites a copy of the files and `normcheck check
--format json` must give the same verdicts (the status of every subject and
the norms each finding names, mapped back through any renaming):

  rename      every declared name replaced by another, consistently
  reorder     top-level declarations reordered (rules and measures keep their
              relative order: among definitions of equal rank, the later one
              takes precedence, so their order has meaning)
  merge       all files merged into one, in the loader's order
  split       each file's declarations spread over two files, one importing
              the other
  layout      comments removed and every declaration put on one line
  fmt         the files run through `normcheck fmt` (when the verb exists)
  unrelated   a norm about an unrelated decision (with a rule that meets it)
              added: no verdict changes
  remove      a norm removed: no conflict may appear that was not there

Usage: metamorphic.py NORMCHECK [--corpus-only | --generated-only] [--seeds N]
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

KEYWORDS = set("""import hierarchy unit instrument level adopted in_force applies_from repealed url enum case assume
bool int decimal date decision param fact scenario source norm derogation valid from until for when unless
relaxes must not may rule measure cites effective define invoke expect current_law at under compliant
conflicts_with in and or implies if then else true false option choice no_conflict score
horizon organisation capacity absorbs stock initial inflow_from served_by wait_within level_within series adjust
workload due_by feasible infeasible""".split())
UNITS = {"day", "days", "week", "weeks", "month", "months", "year", "years", "person", "persons", "EUR", "percent"}
LEVELS = {"treaty", "eu_regulation", "eu_directive", "act", "decree", "ministerial_regulation", "policy_rule"}
TOP = {"import", "hierarchy", "unit", "instrument", "enum", "case", "decision", "param", "fact", "scenario", "norm",
       "derogation", "rule", "measure", "expect", "horizon", "organisation", "stock"}

TOKEN = re.compile(r'''(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<string>"(?:[^"\\\n]|\\.)*")|(?P<date>\d{4}-\d\d-\d\d)|(?P<month>\d{4}-\d\d)|'''
                   r'''(?P<number>\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_][A-Za-z_0-9]*)|(?P<space>\s+)|(?P<other>.)''', re.S)


def tokens(text):
    return [(m.lastgroup, m.group()) for m in TOKEN.finditer(text)]


def items(text):
    """Splits a file into top-level declarations (each with the comments and
    space that precede it); returns (head, [(keyword, text)])."""
    toks = tokens(text)
    depth, starts = 0, []
    for i, (kind, val) in enumerate(toks):
        if kind == "other" and val == "{":
            depth += 1
        elif kind == "other" and val == "}":
            depth -= 1
        elif kind == "ident" and depth == 0 and val in TOP:
            # `expect X compliant at D under S`: `at`/`under` are not top-level keywords; a
            # keyword right after `import`/`expect` cannot start a declaration either
            starts.append(i)
    if not starts:
        return text, []
    head = "".join(v for _, v in toks[:starts[0]])
    out = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(toks)
        out.append((toks[s][1], "".join(v for _, v in toks[s:e])))
    return head, out


def norm_files(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".norm"):
                out.append(os.path.join(d, f))
    return out


def strip_expects(root):
    for p in norm_files(root):
        head, its = items(open(p, encoding="utf-8").read())
        open(p, "w", encoding="utf-8").write(head + "".join(t for k, t in its if k != "expect"))


def declared_names(root):
    names = set()
    for p in norm_files(root):
        for kind, val in tokens(open(p, encoding="utf-8").read()):
            if kind == "ident" and val not in KEYWORDS and val not in UNITS and val not in LEVELS:
                names.add(val)
    return names


def check(normcheck, root, paths, at):
    r = subprocess.run([normcheck, "check", "--format", "json", "--at", at, *paths], cwd=root, capture_output=True,
                       text=True, timeout=600)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"normcheck exited {r.returncode} in {root}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return json.loads(r.stdout)


def verdicts(doc, rename_back=lambda s: s):
    """subject -> (status, sorted (kind, norm) pairs)"""
    out = {}
    for v in doc["verdicts"]:
        s = v["subject"]
        key = "current_law" if s["kind"] == "current_law" else rename_back(s["id"])
        out[key] = (v["status"], tuple(sorted((f["kind"], rename_back(f["norm"]["id"])) for f in v["findings"])))
    return out


# ---------------------------------------------------------------- transformations

def t_rename(root, rng):
    names = sorted(declared_names(root))
    fresh = [f"q{k}_{rng.randrange(10**6)}" for k in range(len(names))]
    mapping = dict(zip(names, fresh))
    for p in norm_files(root):
        text = open(p, encoding="utf-8").read()
        out = [mapping.get(v, v) if kind == "ident" else v for kind, v in tokens(text)]
        open(p, "w", encoding="utf-8").write("".join(out))
    back = {v: k for k, v in mapping.items()}
    return lambda s: ".".join(back.get(part, part) for part in s.split("."))


def t_reorder(root, rng):
    for p in norm_files(root):
        head, its = items(open(p, encoding="utf-8").read())
        fixed = [t for k, t in its if k in ("rule", "measure")]
        free = [t for k, t in its if k not in ("rule", "measure")]
        rng.shuffle(free)
        text = head + "".join(t if t.endswith("\n") else t + "\n" for t in free + fixed)
        open(p, "w", encoding="utf-8").write(text)


def imports_of(path):
    head, its = items(open(path, encoding="utf-8").read())
    out = []
    for k, t in its:
        if k == "import":
            m = re.search(r'"([^"]*)"', t)
            out.append(os.path.realpath(os.path.join(os.path.dirname(path), m.group(1))))
    return out


def loader_order(files):
    """The loader's order: imports first, ties by canonical path (dsl/src/load.cpp)."""
    canon = {os.path.realpath(f): f for f in files}
    pending = {c: 0 for c in canon}
    importers = {c: [] for c in canon}
    for c in canon:
        for g in dict.fromkeys(imports_of(c)):
            if g in canon and g != c:
                pending[c] += 1
                importers[g].append(c)
    ready = sorted(c for c, n in pending.items() if n == 0)
    out = []
    while ready:
        c = ready.pop(0)
        out.append(c)
        for i in importers[c]:
            pending[i] -= 1
            if pending[i] == 0:
                ready.append(i)
                ready.sort()
    assert len(out) == len(canon), "import cycle in the input"
    return out


def t_merge(root, rng):
    files = norm_files(root)
    merged = []
    for c in loader_order(files):
        head, its = items(open(c, encoding="utf-8").read())
        merged.append(head + "".join(t if t.endswith("\n") else t + "\n" for k, t in its if k != "import"))
    for f in files:
        os.remove(f)
    open(os.path.join(root, "merged.norm"), "w", encoding="utf-8").write("".join(merged))


def t_split(root, rng):
    # File A keeps its head, imports and a first part; file A.part (imported by A) gets the rest of
    # the non-rule declarations. Rules and measures stay in A, so their order is kept.
    for p in norm_files(root):
        head, its = items(open(p, encoding="utf-8").read())
        movable = [i for i, (k, t) in enumerate(its) if k not in ("rule", "measure", "import")]
        if len(movable) < 2:
            continue
        moved = set(rng.sample(movable, len(movable) // 2))
        base = os.path.basename(p)[:-5]
        part = os.path.join(os.path.dirname(p), base + "_part.norm")
        # the part needs the same imports as its file (for the names it uses)
        imps = [t for k, t in its if k == "import"]
        open(part, "w", encoding="utf-8").write("".join(x if x.endswith("\n") else x + "\n" for x in imps) +
                                                "".join(its[i][1] if its[i][1].endswith("\n") else its[i][1] + "\n"
                                                        for i in sorted(moved)))
        rest = [t if t.endswith("\n") else t + "\n" for i, (k, t) in enumerate(its) if i not in moved]
        open(p, "w", encoding="utf-8").write(head + f'import "{base}_part.norm"\n' + "".join(rest))


def t_layout(root, rng):
    for p in norm_files(root):
        head, its = items(open(p, encoding="utf-8").read())
        lines = []
        for k, t in its:
            parts = [(kind, v) for kind, v in tokens(t) if kind not in ("comment", "space")]
            # a space between words; around punctuation at random, but never inside `>=`, `=>`, `&&`...
            text, prev = "", None
            for kind, v in parts:
                need = prev is not None and prev != "other" and kind != "other"
                may = prev is not None and not (prev == "other" and kind == "other")
                text += (" " if need or (may and rng.random() < 0.5) else "") + v
                prev = kind
            lines.append(text)
        open(p, "w", encoding="utf-8").write("\n".join(lines) + "\n")


UNRELATED = """
instrument MetaUnrelated "An unrelated act" { level act in_force 2001-01-01 }
decision meta_unrelated_fee: int EUR
rule MetaUnrelated.fee "A fee" { source MetaUnrelated "art. 1" define meta_unrelated_fee = 10 EUR }
norm MetaUnrelated.cap "A cap on the fee" { source MetaUnrelated "art. 2" must meta_unrelated_fee <= 100 EUR }
"""


def t_unrelated(root, rng):
    open(os.path.join(root, "zz_unrelated.norm"), "w", encoding="utf-8").write(UNRELATED)


def removable_norms(root):
    relaxed, norms = set(), []
    for p in norm_files(root):
        for k, t in items(open(p, encoding="utf-8").read())[1]:
            m = re.search(r"\brelaxes\s+([A-Za-z_0-9.]+)", t)
            if m:
                relaxed.add(m.group(1))
            if k == "norm":
                norms.append(re.match(r"norm\s+([A-Za-z_0-9.]+)", t).group(1))
    return [n for n in sorted(norms) if n not in relaxed]


def remove_norm(root, name):
    for p in norm_files(root):
        head, its = items(open(p, encoding="utf-8").read())
        keep = [t for k, t in its if not (k == "norm" and re.match(r"norm\s+" + re.escape(name) + r"\b", t))]
        if len(keep) != len(its):
            open(p, "w", encoding="utf-8").write(head + "".join(keep))


# ---------------------------------------------------------------- generated rule sets

def generate(rng):
    conds = ["p.status == refugee", "p.status == subsidiary", "p.age < 18 years", "p.flag", "not p.flag",
             "p.age >= 18 years and p.flag"]
    out = ["// generated", 'instrument EU "EU" { level eu_directive applies_from 2020-01-01 }',
           'instrument NL "NL" { level act in_force 2001-04-01 }', "enum Status { refugee, subsidiary, none }",
           "case Person {\n  age: int years\n  status: Status\n  flag: bool\n  assume age >= 0 years and age <= 120 years\n}",
           "decision wait(p: Person): int months", "decision detained(p: Person): bool"]

    def when():
        return f" when {rng.choice(conds)}" if rng.random() < 0.6 else ""

    for i in range(rng.randint(1, 4)):
        k = rng.random()
        if k < 0.4:
            body = f"must wait(p) <= {rng.choice([6, 12, 24, 36])} months"
        elif k < 0.6:
            body = f"must wait(p) >= {rng.choice([0, 3, 12])} months"
        elif k < 0.85:
            body = "must not detained(p)" + (f" unless {rng.choice(conds)}" if rng.random() < 0.5 else "")
        else:
            body = "may detained(p)"
        out.append(f'norm EU.n{i} "norm {i}" {{ source EU "art. {i + 1}" for p: Person{when()} {body} }}')
    def define():
        if rng.random() < 0.6:
            return f"define wait(p) = {rng.choice([0, 6, 12, 24, 48])} months{when()}"
        return f"define detained(p) = {rng.choice(['true', 'false'])}{when()}"

    defs = [define() for _ in range(rng.randint(0, 3))]
    if defs:
        out.append('rule NL.r "current law" { source NL "art. 1" ' + " ".join(defs) + " }")
    for m in range(rng.randint(1, 3)):
        mdefs = [define() for _ in range(rng.randint(1, 3))]
        out.append(f'measure M{m} "measure {m}" {{\n  level act\n  effective 2026-07-01\n  ' + "\n  ".join(mdefs) + "\n}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- driver

def has_fmt(normcheck):
    r = subprocess.run([normcheck, "--help"], capture_output=True, text=True)
    return re.search(r"^\s+fmt\b", r.stdout, re.M) is not None


def run_set(normcheck, src_root, paths, at, rng, label, transforms, removals):
    failures = []
    with tempfile.TemporaryDirectory(prefix="nc-meta-") as tmp:
        base_root = os.path.join(tmp, "base")
        shutil.copytree(src_root, base_root)
        strip_expects(base_root)
        base = verdicts(check(normcheck, base_root, paths, at))
        for name, fn in transforms:
            root = os.path.join(tmp, name)
            shutil.copytree(base_root, root)
            back = fn(root, rng) or (lambda s: s)
            got = verdicts(check(normcheck, root, paths if name != "merge" else ["merged.norm"], at), back)
            if name == "unrelated":
                got.pop("current_law", None)
                want = {k: v for k, v in base.items() if k != "current_law"}
                # current law meets the unrelated norm: its status is unchanged too
                cl = verdicts(check(normcheck, root, paths, at)).get("current_law")
                if cl and base.get("current_law") and cl[0] != base["current_law"][0]:
                    failures.append(f"{label}/{name}: current law {base['current_law'][0]} -> {cl[0]}")
            else:
                want = base
            if got != want:
                diff = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
                failures.append(f"{label}/{name}: verdicts differ for {diff[:5]}: {[(want.get(k), got.get(k)) for k in diff[:2]]}")
        for n in removals(base_root):
            root = os.path.join(tmp, "remove")
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(base_root, root)
            remove_norm(root, n)
            got = verdicts(check(normcheck, root, paths, at))
            for subject, (status, finds) in got.items():
                before = {f for f in base.get(subject, ("", ()))[1] if f[0] == "conflict"}
                new = {f for f in finds if f[0] == "conflict"} - before
                if new:
                    failures.append(f"{label}/remove {n}: new conflicts for {subject}: {sorted(new)}")
    return failures


def main():
    normcheck = os.path.abspath(sys.argv[1])
    corpus = "--generated-only" not in sys.argv
    generated = "--corpus-only" not in sys.argv
    seeds = int(sys.argv[sys.argv.index("--seeds") + 1]) if "--seeds" in sys.argv else 40
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    transforms = [("rename", t_rename), ("reorder", t_reorder), ("merge", t_merge), ("split", t_split),
                  ("layout", t_layout), ("unrelated", t_unrelated)]
    if has_fmt(normcheck):
        def t_fmt(root, rng):
            r = subprocess.run([normcheck, "fmt", root], capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"fmt failed: {r.stderr}")
        transforms.append(("fmt", t_fmt))
    failures, sets = [], 0
    if corpus:
        with tempfile.TemporaryDirectory(prefix="nc-corpus-") as tmp:
            src = os.path.join(tmp, "src")
            os.makedirs(src)
            for d in ("rules", "examples"):
                shutil.copytree(os.path.join(repo, d), os.path.join(src, d))
            rng = random.Random(2026)
            # a handful of norms, spread over the instruments, deterministically
            removals = lambda root: removable_norms(root)[::12]
            failures += run_set(normcheck, src, ["rules", "examples"], "2026-07-01", rng, "corpus", transforms, removals)
            sets += 1
    if generated:
        for seed in range(seeds):
            rng = random.Random(seed)
            with tempfile.TemporaryDirectory(prefix="nc-gen-") as tmp:
                src = os.path.join(tmp, "src")
                os.makedirs(src)
                open(os.path.join(src, "set.norm"), "w").write(generate(rng))
                failures += run_set(normcheck, src, ["."], "2026-07-01", rng, f"seed {seed}", transforms,
                                    lambda root: removable_norms(root))
                sets += 1
    for f in failures:
        print("FAIL", f)
    print(f"{sets} rule sets, {len(transforms)} transformations each plus norm removals: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
