#!/usr/bin/env python3
"""normcheck benchmarks (issue 7): wall time and peak memory of the front end,
`check`, `test`, `explain` and `lint` on synthetic corpora (bench/gen.py), the
correctness of every check against the planted conflicts (bench/verify.py),
and the ratios: reused vs fresh solvers, -j 2 vs -j 1, growth from N to 10 N,
check vs the z3 binary on the exported queries, and vs a z3py peer.

    bench/run.py --bin build/release/cli/normcheck [--quick] [--report FILE]

`make bench` runs the full matrix (N in 100, 1000, 10000, 100000; M in 10,
100, 1000; 5 runs). The report is Markdown with the machine, the commands and
the medians. Never part of ctest.
"""
import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import verify  # noqa: E402

ENV = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "LC_ALL": "C"}


def timed(cmd, expect=(0, 1), stdout=None):
    """Runs CMD under /usr/bin/time: (wall seconds, CPU seconds, peak RSS in MB, exit code)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        out = open(stdout, "wb") if stdout else subprocess.DEVNULL
        try:
            r = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%e %U %S %M"] + cmd, stdout=out, stderr=subprocess.PIPE, env=ENV)
        finally:
            if stdout:
                out.close()
        if r.returncode not in expect:
            raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr.decode()[-2000:]}")
        last = [l for l in open(tf.name).read().splitlines() if l.strip()][-1].split()
        return float(last[0]), float(last[1]) + float(last[2]), int(last[3]) / 1024.0, r.returncode


def median_of(runs, cmd, expect=(0, 1), stdout=None):
    ts, cs, ms = [], [], []
    for _ in range(runs):
        t, c, m, _ = timed(cmd, expect, stdout)
        ts.append(t)
        cs.append(c)
        ms.append(m)
    return {"median_s": statistics.median(ts), "median_cpu_s": statistics.median(cs), "runs": runs, "all_s": ts, "all_cpu_s": cs,
            "peak_rss_mb": max(ms)}


def corpus(out, n, m, seed):
    d = os.path.join(out, f"corpus_{n}_{m}_{seed}")
    if not os.path.exists(os.path.join(d, "answers.json")):
        gen.generate(n, m, seed, d)
    return d, json.load(open(os.path.join(d, "answers.json")))


def machine():
    info = {"platform": platform.platform(), "cores": os.cpu_count(), "load_before": os.getloadavg()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["memory"] = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return info


def main():
    ap = argparse.ArgumentParser(description="normcheck benchmarks")
    ap.add_argument("--bin", default="build/release/cli/normcheck")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--norms", default="100,1000,10000,100000")
    ap.add_argument("--measures", default="10,100,1000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big-runs", type=int, default=5, help="runs at N >= 100000")
    ap.add_argument("--lint-max", type=int, default=100000, help="lint only up to this N")
    ap.add_argument("--only", default=None, help="matrix columns to run, e.g. `lint` or `frontend,check,test,explain` (default: all)")
    ap.add_argument("--naive-runs", type=int, default=None, help="runs of the naive path (--fresh-solver) in the incremental ratio (default: --ratio-runs)")
    ap.add_argument("--skip-ratios", action="store_true")
    ap.add_argument("--explain-max", type=int, default=100000)
    ap.add_argument("--ratio-norms", type=int, default=10000)
    ap.add_argument("--ratio-measures", type=int, default=1000)
    ap.add_argument("--ratio-runs", type=int, default=3)
    ap.add_argument("--growth-measures", type=int, default=10)
    ap.add_argument("--growth", default=None, help="N1,N2: the check time from N1 to N2 norms (default: the two largest --norms)")
    ap.add_argument("--overhead-norms", type=int, default=1000)
    ap.add_argument("--overhead-measures", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="N in 100, 1000; M in 10, 100; ratios at N=1000, M=100; 3 runs")
    ap.add_argument("--skip-matrix", action="store_true")
    ap.add_argument("--report", default=None, help="Markdown report (default: OUT/report.md)")
    a = ap.parse_args()
    if a.quick:
        a.norms, a.measures, a.runs = "100,1000", "10,100", 3
        a.ratio_norms, a.ratio_measures, a.overhead_norms, a.overhead_measures = 1000, 100, 1000, 10
    os.makedirs(a.out, exist_ok=True)
    bin_ = os.path.abspath(a.bin)
    res = {"machine": machine(), "started": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z", "matrix": [], "ratios": {}}
    try:
        res["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip()
    except OSError:
        pass
    problems = []

    def log(msg):
        print(f"[bench {datetime.datetime.utcnow():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)

    def check_run(n, m, extra, runs, name):
        d, answers = corpus(a.out, n, m, a.seed)
        outfile = os.path.join(a.out, f"check_{n}_{m}_{name}.json")
        r = median_of(runs, [bin_, "check", "--format", "json"] + extra + [d], stdout=outfile)
        bad, seen = verify.verify(answers, json.load(open(outfile)))
        r["correct"] = not bad and seen == set(answers["measures"])
        r["planted"] = sum(len(v["conflicts"]) for v in answers["measures"].values())
        if not r["correct"]:
            problems.append(f"check N={n} M={m} {name}: {bad[:5]}")
        r["output"] = outfile
        return r

    # the matrix
    if not a.skip_matrix:
        for n in [int(x) for x in a.norms.split(",")]:
            for m in [int(x) for x in a.measures.split(",")]:
                runs = a.big_runs if n >= 100000 else a.runs
                d, answers = corpus(a.out, n, m, a.seed)
                row = {"norms": answers["norms"], "measures": m}
                want = set(a.only.split(",")) if a.only else {"frontend", "check", "test", "explain", "lint"}
                if "frontend" in want:
                    log(f"N={n} M={m}: front end")
                    row["frontend"] = median_of(runs, [bin_, "check", "--measure", "__bench_front_end_only__", d], expect=(2,))
                if "check" in want:
                    log(f"N={n} M={m}: check")
                    row["check"] = check_run(n, m, ["-j", "1"], runs, "j1")
                if "test" in want:
                    log(f"N={n} M={m}: test")
                    row["test"] = median_of(runs, [bin_, "test", "-j", "1", d])
                first = next((k for k, v in answers["measures"].items() if v["conflicts"]), None)
                if "explain" in want and first and n <= a.explain_max:
                    log(f"N={n} M={m}: explain")
                    row["explain"] = median_of(runs, [bin_, "explain", "-j", "1", "--measure", first, d])
                if "lint" in want and n <= a.lint_max:
                    log(f"N={n} M={m}: lint")
                    row["lint"] = median_of(runs, [bin_, "lint", d])
                res["matrix"].append(row)
                json.dump(res, open(os.path.join(a.out, "results.json"), "w"), indent=1)

    if a.skip_ratios:
        finish(a, res, problems, log)
        return
    rn, rm = a.ratio_norms, a.ratio_measures
    # incremental: shared (default) vs the naive path, nothing shared and a fresh solver per query
    log(f"ratio: shared vs naive (--fresh-solver) at N={rn} M={rm}")
    inc = check_run(rn, rm, ["-j", "1"], a.ratio_runs, "j1")
    naive_runs = a.naive_runs or a.ratio_runs
    fresh = check_run(rn, rm, ["-j", "1", "--fresh-solver"], naive_runs, "fresh")
    same = open(inc["output"], "rb").read() == open(fresh["output"], "rb").read()
    res["ratios"]["incremental"] = {"norms": rn, "measures": rm, "reused_s": inc["median_s"], "fresh_s": fresh["median_s"],
                                    "reused_cpu_s": inc["median_cpu_s"], "fresh_cpu_s": fresh["median_cpu_s"],
                                    "ratio": fresh["median_s"] / inc["median_s"], "cpu_ratio": fresh["median_cpu_s"] / inc["median_cpu_s"],
                                    "same_output": same, "runs": a.ratio_runs, "naive_runs": naive_runs}
    # parallel: -j 2 vs -j 1, byte-identical
    log(f"ratio: -j 2 vs -j 1 at N={rn} M={rm}")
    par = check_run(rn, rm, ["-j", "2"], a.ratio_runs, "j2")
    same = open(inc["output"], "rb").read() == open(par["output"], "rb").read()
    if not same:
        problems.append("-j 2 output differs from -j 1")
    res["ratios"]["parallel"] = {"norms": rn, "measures": rm, "j1_s": inc["median_s"], "j2_s": par["median_s"],
                                 "ratio": inc["median_s"] / par["median_s"], "byte_identical": same, "runs": a.ratio_runs}
    # growth: N -> 10 N at M = growth_measures
    sizes = sorted(int(x) for x in (a.growth or a.norms).split(","))
    if len(sizes) >= 2:
        n1, n2 = sizes[-2], sizes[-1]
        gm = a.growth_measures
        log(f"ratio: growth N={n1} -> {n2} at M={gm}")
        t1 = check_run(n1, gm, ["-j", "1"], a.big_runs if n1 >= 100000 else a.ratio_runs, "j1")
        t2 = check_run(n2, gm, ["-j", "1"], a.big_runs if n2 >= 100000 else a.ratio_runs, "j1")
        g = t2["median_s"] / t1["median_s"]
        res["ratios"]["growth"] = {"from": n1, "to": n2, "measures": gm, "from_s": t1["median_s"], "to_s": t2["median_s"], "ratio": g,
                                   "from_cpu_s": t1["median_cpu_s"], "to_cpu_s": t2["median_cpu_s"], "cpu_ratio": t2["median_cpu_s"] / t1["median_cpu_s"],
                                   "exponent": math.log(g) / math.log(n2 / n1), "peak_rss_mb_to": t2["peak_rss_mb"],
                                   "peak_rss_mb_from": t1["peak_rss_mb"]}
    # overhead over the solver: check vs z3 on the exported queries
    on, om = a.overhead_norms, a.overhead_measures
    d, _ = corpus(a.out, on, om, a.seed)
    log(f"ratio: check vs z3 on the exported queries at N={on} M={om}")
    chk = check_run(on, om, ["-j", "1"], a.ratio_runs, "j1")
    qdir = os.path.join(a.out, f"smt2_{on}_{om}")
    shutil.rmtree(qdir, ignore_errors=True)
    timed([bin_, "export", "-j", "1", "--smt2", qdir, d], expect=(0,))
    files = sorted(f for f in os.listdir(qdir) if f.endswith(".smt2"))
    script = os.path.join(a.out, f"all_{on}_{om}.smt2")
    with open(script, "w") as out:
        for f in files:
            out.write(open(os.path.join(qdir, f)).read())
            out.write("\n(reset)\n")
    z3bin = shutil.which("z3")
    if z3bin:
        z = median_of(a.ratio_runs, [z3bin, script], expect=(0,))
        res["ratios"]["overhead"] = {"norms": on, "measures": om, "queries": len(files), "check_s": chk["median_s"], "z3_s": z["median_s"],
                                     "ratio": chk["median_s"] / z["median_s"], "runs": a.ratio_runs,
                                     "check_cpu_s": chk["median_cpu_s"], "z3_cpu_s": z["median_cpu_s"]}
    else:
        res["ratios"]["overhead"] = {"skipped": "no z3 binary (scripts/install-bench-deps.sh installs it)"}
    # peer: a z3py encoding of the same check
    log(f"ratio: z3py peer at N={on} M={om}")
    # Debian's python3-z3 lives in the system python, whatever python runs this script
    py = shutil.which("python3", path=ENV["PATH"]) or sys.executable
    ok = subprocess.run([py, "-c", "import z3"], capture_output=True).returncode == 0
    if ok:
        peer = os.path.join(HERE, "peer", "peer.py")
        pr = median_of(a.ratio_runs, [py, peer, "--norms", str(on), "--measures", str(om), "--seed", str(a.seed),
                                      "--answers", os.path.join(d, "answers.json")], expect=(0,))
        res["ratios"]["peer"] = {"norms": on, "measures": om, "check_s": chk["median_s"], "peer_s": pr["median_s"],
                                 "ratio": chk["median_s"] / pr["median_s"], "runs": a.ratio_runs, "peer_correct": True}
    else:
        res["ratios"]["peer"] = {"skipped": "no python3-z3 (scripts/install-bench-deps.sh installs it)"}
    finish(a, res, problems, log)


def finish(a, res, problems, log):
    res["machine"]["load_after"] = os.getloadavg()
    res["problems"] = problems
    json.dump(res, open(os.path.join(a.out, "results.json"), "w"), indent=1)
    report = a.report or os.path.join(a.out, "report.md")
    with open(report, "w") as f:
        f.write(render(res))
    log(f"report: {report}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)


def render(res):
    L = []
    mach = res["machine"]
    L.append(f"Run {res['started']} at commit {res.get('commit', '?')} on {mach.get('cpu', '?')}, {mach['cores']} cores, "
             f"{mach.get('memory', '?')}; load average before {tuple(round(x, 2) for x in mach['load_before'])}, "
             f"after {tuple(round(x, 2) for x in mach.get('load_after', (0, 0, 0)))}.\n")
    if res["matrix"]:
        L.append("Wall seconds (CPU seconds), medians; peak RSS in MB.\n")
        L.append("| N norms | M measures | front end s | check s | check MB | correct | test s | explain s | lint s | lint MB | runs |")
        L.append("|---:|---:|---:|---:|---:|:--:|---:|---:|---:|---:|---:|")
        for r in res["matrix"]:
            def s(k):
                return f"{r[k]['median_s']:.2f} ({r[k].get('median_cpu_s', 0):.2f})" if k in r else "—"
            def mb(k):
                return f"{r[k]['peak_rss_mb']:.0f}" if k in r else "—"
            runs = next((r[k]["runs"] for k in ("check", "lint", "frontend", "test") if k in r), "—")
            correct = ("yes" if r["check"]["correct"] else "NO") if "check" in r else "—"
            L.append(f"| {r['norms']} | {r['measures']} | {s('frontend')} | {s('check')} | {mb('check')} | "
                     f"{correct} | {s('test')} | {s('explain')} | {s('lint')} | {mb('lint')} | {runs} |")
        L.append("")
    R = res["ratios"]
    if "incremental" in R:
        x = R["incremental"]
        L.append(f"- incremental: N={x['norms']} M={x['measures']}: naive (nothing shared, fresh solver per query) {x['fresh_s']:.2f} s "
                 f"({x.get('fresh_cpu_s', 0):.2f} s CPU, {x.get('naive_runs', x['runs'])} runs), shared {x['reused_s']:.2f} s "
                 f"({x.get('reused_cpu_s', 0):.2f} s CPU): **{x['ratio']:.2f}x** wall, {x.get('cpu_ratio', 0):.2f}x CPU (same output: {x['same_output']})")
    if "parallel" in R:
        x = R["parallel"]
        L.append(f"- parallel: N={x['norms']} M={x['measures']}: -j 1 {x['j1_s']:.2f} s, -j 2 {x['j2_s']:.2f} s: **{x['ratio']:.2f}x** "
                 f"(byte-identical: {x['byte_identical']})")
    if "growth" in R:
        x = R["growth"]
        L.append(f"- growth: M={x['measures']}: N={x['from']} {x['from_s']:.2f} s, N={x['to']} {x['to_s']:.2f} s: **{x['ratio']:.2f}x**, "
                 f"exponent {x['exponent']:.2f} (CPU {x.get('from_cpu_s', 0):.2f} s -> {x.get('to_cpu_s', 0):.2f} s: {x.get('cpu_ratio', 0):.2f}x); "
                 f"peak RSS {x['peak_rss_mb_from']:.0f} MB -> {x['peak_rss_mb_to']:.0f} MB")
    if "overhead" in R:
        x = R["overhead"]
        L.append(f"- overhead: " + (x["skipped"] if "skipped" in x else
                 f"N={x['norms']} M={x['measures']}: check {x['check_s']:.2f} s, z3 on the {x['queries']} exported queries "
                 f"{x['z3_s']:.2f} s: **{x['ratio']:.2f}x** (CPU {x.get('check_cpu_s', 0):.2f} s vs {x.get('z3_cpu_s', 0):.2f} s)"))
    if "peer" in R:
        x = R["peer"]
        L.append(f"- peer: " + (x["skipped"] if "skipped" in x else
                 f"N={x['norms']} M={x['measures']}: check {x['check_s']:.2f} s, z3py peer {x['peer_s']:.2f} s: **{x['ratio']:.2f}x**"))
    if res.get("problems"):
        L.append("\nPROBLEMS:\n" + "\n".join(f"- {p}" for p in res["problems"]))
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
