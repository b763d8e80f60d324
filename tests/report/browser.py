#!/usr/bin/env python3
"""The HTML report in a real browser (docs: README "report").

  browser.py --bin NORMCHECK --tools DIR --out DIR [--docs-screenshot PNG]

Installs playwright-core (tests/report/package-lock.json) into DIR with
`npm ci` unless that lock is installed there already, writes two reports with
`normcheck report` (asylum measures; a hostile rule file) and the matching
`normcheck check --format json`, and runs browser.mjs in Debian's headless
chromium: summary rows as `check` says, instrument links, no request leaving
the file, no script. Screenshots go to OUT (test artifacts).

Without chromium it tries to install it (as root, apt-get); when it cannot be
installed the test is skipped with exit code 77 (ctest SKIP_RETURN_CODE) and a
message saying so, except in CI (CI set), where `make test` has installed it
and its absence is a failure.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SKIP = 77

ASYLUM_MEASURES = ["WBV2022_22", "WBV2023_3", "Nareismaatregel2022", "TwoStatus", "ANMW_art108a", "WorkAsylumSeekers2026"]


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium():
    path = find_chromium()
    if path:
        return path, ""
    why = "chromium is not installed"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("chromium is missing; installing Debian's chromium", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        p = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env,
                           capture_output=True, text=True, timeout=1200)
        if p.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
            p = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env,
                               capture_output=True, text=True, timeout=1200)
        path = find_chromium()
        if not path:
            why = f"apt-get install chromium failed: {(p.stderr or p.stdout).strip()[-400:]}"
    else:
        why += " and this user cannot install it (run scripts/install-deps.sh as root)"
    return path, why


def npm_install(tools):
    tools.mkdir(parents=True, exist_ok=True)
    lock = (HERE / "package-lock.json").read_bytes()
    installed = tools / "node_modules" / ".package-lock.json"
    if installed.exists() and (tools / "package-lock.json").exists() and (tools / "package-lock.json").read_bytes() == lock:
        return True
    for f in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / f, tools / f)
    npm = shutil.which("npm")
    if not npm:
        print("FAIL npm is not installed (scripts/install-deps.sh installs it)")
        return False
    # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core downloads nothing, but say so.
    env = dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
    p = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--cache", str(tools / ".npm-cache")], cwd=tools,
                       env=env, timeout=900)
    if p.returncode != 0 or not installed.exists():
        print(f"FAIL npm ci in {tools}")
        return False
    return True


def run(binary, args):
    return subprocess.run([binary] + args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def report_spec(binary, out, name, args, hostile=False, texts=()):
    html = out / f"{name}.html"
    p = run(binary, ["report", "--html", str(html)] + args)
    if p.returncode not in (0, 1) or not html.exists():
        raise RuntimeError(f"normcheck report {' '.join(args)} exited {p.returncode}: {p.stderr}")
    # `--from DATE` / `--to DATE` are the timeline's; check has no such option
    cleaned, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("--from", "--to"):
            skip = True
            continue
        cleaned.append(a)
    check_args = cleaned
    c = run(binary, ["check", "--format", "json"] + check_args)
    doc = json.loads(c.stdout)
    rows = [{"subject": v["subject"]["id"] if v["subject"]["kind"] == "measure" else "current_law", "status": v["status"]}
            for v in doc["verdicts"]]
    links = {}
    for v in doc["verdicts"]:
        for f in v["findings"]:
            n = f.get("norm") or {}
            if n.get("url", "").startswith(("http://", "https://")):
                links[n["instrument_title"]] = n["url"]
    return {"name": name, "html": str(html), "rows": rows, "links": [{"text": t, "href": h} for t, h in sorted(links.items())],
            "hostile": hostile, "texts": list(texts), "screenshot": str(out / f"{name}.png")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs-screenshot")
    args = ap.parse_args()

    chromium, why = ensure_chromium()
    if not chromium:
        if os.environ.get("CI"):
            print(f"FAIL {why}; CI installs it with scripts/install-deps.sh (make test)\n0 passed, 1 failed")
            return 1
        print(f"SKIPPED: the browser test needs chromium: {why}")
        return SKIP
    tools = pathlib.Path(args.tools).resolve()
    if not npm_install(tools):
        print("0 passed, 1 failed")
        return 1
    out = pathlib.Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    measures = [x for m in ASYLUM_MEASURES for x in ("--measure", m)]
    asylum = report_spec(args.bin, out, "asylum", measures + ["--from", "2022-01-01", "rules", "examples/asylum"])
    if args.docs_screenshot:
        asylum["docs_screenshot"] = args.docs_screenshot
    hostile = report_spec(args.bin, out, "hostile", ["--at", "2026-07-01", "tests/report/inputs/hostile.norm"], hostile=True,
                          texts=["<script>alert('measure')</script> everyone allowed",
                                 "Instrument <script>alert('instrument')</script> & co"])
    if not hostile["links"]:
        print("FAIL the hostile input should yield one http(s) instrument link\n0 passed, 1 failed")
        return 1
    spec = {"chromium": chromium, "tools": str(tools), "reports": [asylum, hostile]}
    (out / "spec.json").write_text(json.dumps(spec, indent=2))
    p = subprocess.run(["node", str(HERE / "browser.mjs"), str(out / "spec.json")], timeout=600)
    if p.returncode == 0:
        print(f"screenshots: {out}/asylum.png, {out}/hostile.png (and -print.png)")
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
