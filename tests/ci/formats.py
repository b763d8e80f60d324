#!/usr/bin/env python3
"""The CI output formats (docs/ci.md), checked by ctest.

  formats.py generate --bin BIN --out DIR
      runs check, test and lint in every format over the asylum corpus
      (`rules examples`) and the inputs of tests/ci/inputs (with input errors,
      failed and undecided expectations); the exit code must be the same in
      every format and the one expected. Writes DIR/NAME.{json,sarif,xml} and
      DIR/manifest.json.
  formats.py schema --out DIR
      every SARIF file against the official SARIF 2.1.0 JSON schema
      (tests/schemas), then what a schema cannot say: rule indices, embedded
      links, URIs that resolve, and agreement with --format json.
  formats.py npm-install --tools DIR
      installs Microsoft's SARIF multitool (tests/sarif/package-lock.json)
      into DIR with `npm ci`, unless DIR already has that lock installed.
  formats.py multitool --out DIR --tools DIR
      `sarif-multitool validate` on every SARIF file: no error, no warning;
      and a broken copy must give errors (the validator is really consulted).
  formats.py junit --out DIR
      the JUnit XML through xml.etree against the structure CI systems read
      (GitLab, Jenkins, GitHub test reporters), and agreement with --format json.

The last line of each mode is `N passed, N failed`.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"
NPM_DIR = ROOT / "tests" / "sarif"

HARD = "tests/golden/inputs/ok/hard.norm"
# name, arguments, formats, expected exit code
RUNS = [
    ("corpus_check", ["check", "rules", "examples"], ["json", "sarif"], 1),
    ("corpus_test", ["test", "rules", "examples"], ["json", "sarif", "junit"], 0),
    ("corpus_lint", ["lint", "rules", "examples"], ["sarif"], 0),  # the slowest run: no JSON twin
    ("good_test", ["test", "tests/ci/inputs/good.norm"], ["json", "sarif", "junit"], 0),
    ("good_check", ["check", "--at", "2026-07-01", "tests/ci/inputs/good.norm"], ["json", "sarif"], 0),
    ("bad_test", ["test", "tests/ci/inputs/bad.norm"], ["json", "sarif", "junit"], 1),
    ("bad_check", ["check", "--at", "2026-07-01", "tests/ci/inputs/bad.norm"], ["json", "sarif"], 1),
    ("broken_check", ["check", "tests/ci/inputs/broken.norm"], ["json", "sarif"], 2),
    ("broken_test", ["test", "tests/ci/inputs/broken.norm"], ["json", "sarif", "junit"], 2),
    ("broken_lint", ["lint", "tests/ci/inputs/broken.norm"], ["json", "sarif"], 2),
    ("syntax_test", ["test", "tests/golden/inputs/errors/syntax_several.norm"], ["json", "sarif", "junit"], 2),
    ("missing_test", ["test", "tests/ci/inputs/no_such_file.norm"], ["json", "sarif", "junit"], 2),
    ("health_lint", ["lint", "--deny", "warnings", "tests/golden/inputs/lint/health.norm"], ["json", "sarif"], 1),
    ("undecided_check", ["check", "--timeout-ms", "300", "--measure", "AllowAll", HARD], ["json", "sarif"], 3),
    ("undecided_test", ["test", "--timeout-ms", "300", HARD], ["json", "sarif", "junit"], 3),
]
EXT = {"json": "json", "sarif": "sarif", "junit": "xml"}


class Checker:
    def __init__(self):
        self.passed = 0
        self.failures = []

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
        return ok

    def finish(self):
        for f in self.failures:
            print("FAIL", f)
        print(f"{self.passed} passed, {len(self.failures)} failed")
        return 1 if self.failures else 0


def load_manifest(out):
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------- generate

def generate(args):
    c = Checker()
    os.makedirs(args.out, exist_ok=True)
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    manifest = []
    for name, argv, formats, expected in RUNS:
        codes = {}
        for fmt in formats:
            p = subprocess.run([args.bin] + argv[:1] + ["--format", fmt] + argv[1:], cwd=ROOT, env=env,
                               capture_output=True, timeout=900)
            codes[fmt] = p.returncode
            with open(os.path.join(args.out, f"{name}.{EXT[fmt]}"), "wb") as f:
                f.write(p.stdout)
            c.check(p.stdout.strip() != b"", f"{name} --format {fmt}: nothing on stdout")
            c.check(fmt == "json" or p.stderr == b"", f"{name} --format {fmt}: unexpected stderr:\n{p.stderr.decode()}")
        c.check(all(v == expected for v in codes.values()), f"{name}: exit codes {codes}, expected {expected} in every format")
        manifest.append({"name": name, "args": argv, "formats": formats, "exit": expected, "cwd": str(ROOT)})
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
    return c.finish()


# ---------------------------------------------------------------- SARIF

LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\((\d+)\)")


def parse_message(text):
    """The embedded link targets of a SARIF message (§3.11.6), or None when a
    bracket or backslash is neither escaped nor part of a link."""
    targets = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "[]\\":
                return None
            i += 2
        elif ch == "[":
            m = LINK.match(text, i)
            if not m:
                return None
            targets.append(int(m.group(2)))
            i = m.end()
        elif ch == "]":
            return None
        else:
            i += 1
    return targets


def location_of(result):
    locs = result.get("locations") or []
    return locs[0]["physicalLocation"] if locs else None


def same_place(phys, root_uri, jloc):
    """A SARIF physicalLocation and a --format json location name the same place."""
    if phys is None or not jloc:
        return phys is None and not jloc
    art = phys["artifactLocation"]
    if art.get("uriBaseId") == "SRCROOT":
        path = urllib.parse.unquote(art["uri"])
    else:
        path = urllib.parse.unquote(urllib.parse.urlparse(art["uri"]).path)
    jfile = os.path.normpath(jloc["file"]) if not os.path.isabs(jloc["file"]) else jloc["file"]
    if path != jfile:
        return False
    region = phys.get("region")
    if "line" not in jloc:  # a file without a position: placed at its start
        return region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
    return region == {"startLine": jloc["line"], "startColumn": jloc["column"], "endLine": jloc["end_line"],
                      "endColumn": jloc["end_column"]}


def check_sarif_document(c, name, doc, run_info):
    where = f"{name}.sarif"
    c.check(doc.get("version") == "2.1.0" and "$schema" in doc and len(doc.get("runs", [])) == 1, f"{where}: envelope")
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    c.check(driver["name"] == "normcheck" and driver.get("version"), f"{where}: tool")
    rules = driver.get("rules", [])
    ids = [r["id"] for r in rules]
    c.check(ids == sorted(set(ids)), f"{where}: rule ids not unique and sorted: {ids}")
    root_uri = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    c.check(root_uri == pathlib.Path(os.path.realpath(run_info["cwd"])).as_uri() + "/",
            f"{where}: SRCROOT {root_uri} is not the directory normcheck ran in")
    root = pathlib.Path(urllib.parse.unquote(urllib.parse.urlparse(root_uri).path))
    c.check(run.get("columnKind") == "unicodeCodePoints", f"{where}: columnKind")
    c.check(run["invocations"][0]["executionSuccessful"] == (run_info["exit"] != 2), f"{where}: executionSuccessful")
    used = set()
    identities = {}
    for k, r in enumerate(run["results"]):
        rw = f"{where}: result {k} ({r.get('ruleId')})"
        idx = r.get("ruleIndex")
        c.check(idx is not None and 0 <= idx < len(rules) and rules[idx]["id"] == r["ruleId"], f"{rw}: ruleIndex")
        used.add(r["ruleId"])
        fp = r.get("partialFingerprints", {}).get("normcheck/v1", "")
        c.check(re.fullmatch(r"[0-9a-f]{16}", fp) is not None, f"{rw}: partialFingerprints {r.get('partialFingerprints')}")
        props = r.get("properties", {})
        identity = (r["ruleId"], props.get("code"), props.get("subject"), props.get("scenario"), props.get("expectation"))
        c.check(identities.setdefault(fp, identity) == identity, f"{rw}: fingerprint {fp} shared by {identity} and {identities[fp]}")
        c.check(r.get("kind") == "fail" and r.get("level") in ("error", "warning", "note"), f"{rw}: kind/level")
        text = r["message"]["text"]
        c.check(text.endswith((".", "?")), f"{rw}: message does not end a sentence: {text}")
        targets = parse_message(text)
        related = {x["id"]: x for x in r.get("relatedLocations", [])}
        if c.check(targets is not None, f"{rw}: unescaped bracket or backslash in message: {text}"):
            c.check(sorted(set(targets)) == sorted(related), f"{rw}: links {targets} vs related ids {sorted(related)}")
        for loc in [x["physicalLocation"] for x in r.get("locations", [])] + [x["physicalLocation"] for x in related.values()]:
            art = loc["artifactLocation"]
            if art.get("uriBaseId") == "SRCROOT":
                rel = urllib.parse.unquote(art["uri"])
                c.check(not rel.startswith(("/", "../")) and ":" not in art["uri"], f"{rw}: relative uri {art['uri']}")
                target = root / rel
            else:
                c.check(art["uri"].startswith("file:///"), f"{rw}: absolute uri {art['uri']}")
                target = pathlib.Path(urllib.parse.unquote(urllib.parse.urlparse(art["uri"]).path))
            c.check(target.exists() or r["ruleId"] == "E0501", f"{rw}: {target} does not exist")
            reg = loc.get("region")
            if reg:
                c.check(reg["startLine"] >= 1 and reg["startColumn"] >= 1 and
                        (reg["endLine"], reg["endColumn"]) >= (reg["startLine"], reg["startColumn"]), f"{rw}: region {reg}")
    c.check(used == set(ids), f"{where}: rules without results or results without rules: {sorted(set(ids) ^ used)}")
    for r in rules:
        if "helpUri" in r:
            c.check(urllib.parse.urlparse(r["helpUri"]).scheme in ("http", "https"), f"{where}: helpUri {r['helpUri']}")
        c.check(r["shortDescription"]["text"].strip() != "", f"{where}: rule {r['id']} without a description")
    return run


def check_against_json(c, name, run, j):
    """The SARIF results say what --format json says, in the same order."""
    where = f"{name}.sarif vs {name}.json"
    results = run["results"]
    root_uri = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    diags = j["diagnostics"]
    c.check(len(results) >= len(diags), f"{where}: fewer results than diagnostics")
    for d, r in zip(diags, results):
        c.check(r["ruleId"] == d["code"] and r["level"] == d["severity"], f"{where}: diagnostic {d['code']} vs {r['ruleId']}")
        c.check(same_place(location_of(r), root_uri, d["location"]), f"{where}: {d['code']} location {d['location']} vs {location_of(r)}")
        c.check(len(r.get("relatedLocations", [])) == len([l for l in d["labels"] if l["location"]]), f"{where}: {d['code']} labels")
    rest = results[len(diags):]
    if j["command"] == "check":
        findings = [(v, f) for v in j["verdicts"] for f in v["findings"]]
        c.check(len(rest) == len(findings), f"{where}: {len(rest)} results for {len(findings)} findings")
        for (v, f), r in zip(findings, rest):
            fw = f"{where}: finding {f['code']} of {v['subject'].get('id', 'current law')}"
            norm = f["norm"]
            c.check(r["ruleId"] == (norm["id"] if norm else f["code"]), f"{fw}: ruleId {r['ruleId']}")
            c.check(r["level"] == f["severity"] and r["properties"]["code"] == f["code"], f"{fw}: level/code")
            c.check(r["properties"]["subject"] == v["subject"].get("id", "current_law") and r["properties"]["at"] == v["at"],
                    f"{fw}: subject/date")
            primary = f["clauses"][0]["location"] if f["kind"] == "conflict" and f["clauses"] else (norm["location"] if norm else None)
            if primary is not None:
                c.check(same_place(location_of(r), root_uri, primary), f"{fw}: location {primary} vs {location_of(r)}")
            if norm:
                rel = r["relatedLocations"][0]
                c.check(rel["id"] == 1 and same_place(rel["physicalLocation"], root_uri, norm["location"]), f"{fw}: related norm")
                c.check(f"[{norm['id']}](1)" in r["message"]["text"], f"{fw}: message does not link the norm")
            for case in f["witness"]["cases"]:
                c.check(f"Witness: {case['var']}: {case['type']} " in r["message"]["text"] or
                        f"; {case['var']}: {case['type']} " in r["message"]["text"], f"{fw}: witness {case['var']} not in message")
            for o in f["witness"]["outcomes"]:
                c.check(f"{o['decision']} = {o['value']}" in r["message"]["text"], f"{fw}: outcome {o['decision']} not in message")
    elif j["command"] == "test":
        failed = [x for x in j["results"] if not x["passed"]]
        c.check(len(rest) == len(failed), f"{where}: {len(rest)} results for {len(failed)} failed expectations")
        for x, r in zip(failed, rest):
            c.check(r["ruleId"] == ("T0002" if x["undecided"] else "T0001") and r["level"] == "error", f"{where}: {x['expectation']}")
            c.check(same_place(location_of(r), root_uri, x["location"]), f"{where}: {x['expectation']} location")
            c.check(r["properties"]["expectation"] == x["expectation"], f"{where}: {x['expectation']} name")
    else:
        c.check(not rest, f"{where}: lint results beyond its diagnostics")


def schema(args):
    import jsonschema

    c = Checker()
    with open(SCHEMA, encoding="utf-8") as f:
        sch = json.load(f)
    validator_cls = jsonschema.validators.validator_for(sch)
    validator_cls.check_schema(sch)
    validator = validator_cls(sch, format_checker=jsonschema.FormatChecker())
    for info in load_manifest(args.out):
        if "sarif" not in info["formats"]:
            continue
        name = info["name"]
        doc = read_json(os.path.join(args.out, name + ".sarif"))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if not c.check(not errors, f"{name}.sarif: schema: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])):
            continue
        run = check_sarif_document(c, name, doc, info)
        if "json" in info["formats"]:
            check_against_json(c, name, run, read_json(os.path.join(args.out, name + ".json")))
    # The schema check must be able to fail: a result without a message is invalid.
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "X"}]}]}
    c.check(any(True for _ in validator.iter_errors(broken)), "the schema accepts a result without a message")
    return c.finish()


# ---------------------------------------------------------------- multitool

def npm_install(args):
    tools = pathlib.Path(args.tools)
    tools.mkdir(parents=True, exist_ok=True)
    lock = (NPM_DIR / "package-lock.json").read_bytes()
    installed = tools / "node_modules" / ".package-lock.json"
    if installed.exists() and (tools / "package-lock.json").exists() and (tools / "package-lock.json").read_bytes() == lock:
        print("the SARIF multitool is installed\n1 passed, 0 failed")
        return 0
    for f in ("package.json", "package-lock.json"):
        shutil.copyfile(NPM_DIR / f, tools / f)
    npm = shutil.which("npm")
    if not npm:
        print("FAIL npm is not installed (scripts/install-deps.sh installs it)\n0 passed, 1 failed")
        return 1
    p = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--cache", str(tools / ".npm-cache")], cwd=tools,
                       timeout=900)
    ok = p.returncode == 0 and installed.exists()
    print(f"{'' if ok else 'FAIL npm ci in ' + str(tools) + chr(10)}{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


def multitool_binary(tools):
    p = subprocess.run(["node", "-e", "process.stdout.write(require('@microsoft/sarif-multitool'))"], cwd=tools,
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"cannot locate the SARIF multitool in {tools}: {p.stderr}")
    path = p.stdout
    if not os.access(path, os.X_OK):  # npm may skip the package's chmod script
        os.chmod(path, os.stat(path).st_mode | 0o100)
    return path


def run_multitool(binary, files, work, label):
    out = os.path.join(work, f"validation-{label}.sarif")
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1",
               DOTNET_BUNDLE_EXTRACT_BASE_DIR=os.path.join(work, "dotnet"), HOME=work)
    p = subprocess.run([binary, "validate", "--output", out] + files, env=env,
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"sarif-multitool failed (exit {p.returncode}):\n{p.stdout}\n{p.stderr}")
    log = read_json(out)
    found = []
    for run in log["runs"]:
        for r in run.get("results", []):
            level = r.get("level", "warning")
            if r.get("ruleId") == "SARIF2005" and r["message"].get("id") == "Warning_ProvideToolnformationUri":
                continue  # normcheck has no public home page for tool.driver.informationUri to name
            if level in ("error", "warning"):
                loc = r.get("locations", [{}])[0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                found.append(f"{level} {r.get('ruleId')} {os.path.basename(urllib.parse.unquote(loc))}: {r['message'].get('text', r['message'])}")
    return found, p.stdout


def multitool(args):
    c = Checker()
    binary = multitool_binary(os.path.abspath(args.tools))
    with tempfile.TemporaryDirectory() as work:
        files = []
        for info in load_manifest(args.out):
            if "sarif" in info["formats"]:
                files.append(os.path.join(os.path.abspath(args.out), info["name"] + ".sarif"))
        found, console = run_multitool(binary, files, work, "outputs")
        c.check(not found, "sarif-multitool validate reported:\n  " + "\n  ".join(found) + "\n" + console)
        c.check(f"{len(files)} files scanned" in console, f"sarif-multitool did not scan {len(files)} files:\n{console}")
        # A broken copy must be reported, or the check above proves nothing.
        doc = read_json(files[0])
        for r in doc["runs"][0]["results"]:
            for loc in r.get("locations", []):
                if "region" in loc["physicalLocation"]:
                    loc["physicalLocation"]["region"]["startLine"] = 0
        doc["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] = "no-slash"
        broken = os.path.join(work, "broken.sarif")
        with open(broken, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        found, console = run_multitool(binary, [broken], work, "broken")
        c.check(any(x.startswith("error") for x in found), "sarif-multitool found no error in a broken file:\n" + console)
    return c.finish()


# ---------------------------------------------------------------- JUnit

def junit(args):
    c = Checker()
    for info in load_manifest(args.out):
        if "junit" not in info["formats"]:
            continue
        name = info["name"]
        where = f"{name}.xml"
        with open(os.path.join(args.out, name + ".xml"), "rb") as f:
            data = f.read()
        c.check(data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n'), f"{where}: XML declaration")
        try:
            root = ET.fromstring(data)
        except ET.ParseError as e:
            c.check(False, f"{where}: not well-formed XML: {e}")
            continue
        j = read_json(os.path.join(args.out, name + ".json"))
        c.check(root.tag == "testsuites", f"{where}: root element {root.tag}")
        totals = {"tests": 0, "failures": 0, "errors": 0}
        cases = []
        for suite in root:
            c.check(suite.tag == "testsuite", f"{where}: {suite.tag} inside testsuites")
            sw = f"{where}: testsuite {suite.get('name')}"
            c.check(all(suite.get(a) is not None for a in ("name", "tests", "failures", "errors", "skipped", "time")), f"{sw}: attributes")
            tcs = [x for x in suite if x.tag == "testcase"]
            c.check(all(x.tag in ("testcase", "system-out", "system-err", "properties") for x in suite), f"{sw}: children")
            counts = {"tests": len(tcs), "failures": 0, "errors": 0}
            for tc in tcs:
                tw = f"{sw}: testcase {tc.get('name')}"
                c.check(tc.get("classname") and tc.get("name") and float(tc.get("time", "x")) >= 0, f"{tw}: classname/name/time")
                c.check(tc.get("file") is not None and int(tc.get("line", "0")) >= 1 or tc.get("classname") == "normcheck" or
                        tc.find("error") is not None, f"{tw}: file/line")
                outcome = [x for x in tc if x.tag in ("failure", "error", "skipped")]
                c.check(len(outcome) <= 1, f"{tw}: several outcomes")
                for o in outcome:
                    c.check(o.get("message") is not None and re.fullmatch(r"[TE]\d{4}", o.get("type", "")), f"{tw}: {o.tag} message/type")
                    if o.tag == "failure":
                        counts["failures"] += 1
                    elif o.tag == "error":
                        counts["errors"] += 1
                cases.append((tc, outcome[0] if outcome else None))
            for k, v in counts.items():
                c.check(int(suite.get(k)) == v, f"{sw}: {k}={suite.get(k)}, counted {v}")
                totals[k] += v
        for k, v in totals.items():
            c.check(int(root.get(k)) == v, f"{where}: testsuites {k}={root.get(k)}, counted {v}")
        # Agreement with --format json: input errors first, then one testcase per expectation.
        errors = [d for d in j["diagnostics"] if d["severity"] == "error"]
        c.check(len(cases) == len(errors) + len(j["results"]), f"{where}: {len(cases)} testcases")
        for d, (tc, o) in zip(errors, cases):
            c.check(o is not None and o.tag == "error" and o.get("type") == d["code"] and o.get("message") == d["message"],
                    f"{where}: input error {d['code']}")
            if d["location"].get("line"):
                c.check(tc.get("file") == d["location"]["file"] and int(tc.get("line")) == d["location"]["line"], f"{where}: {d['code']} place")
        for x, (tc, o) in zip(j["results"], cases[len(errors):]):
            xw = f"{where}: {x['expectation']}"
            c.check(tc.get("name") == x["expectation"], f"{xw}: name {tc.get('name')}")
            c.check(tc.get("file") == x["location"]["file"] and int(tc.get("line")) == x["location"]["line"], f"{xw}: file/line")
            want = None if x["passed"] else "error" if x["undecided"] else "failure"
            c.check((o.tag if o is not None else None) == want, f"{xw}: outcome {o.tag if o is not None else None}, expected {want}")
            if o is not None and want:
                c.check(o.get("message") == x["message"] and x["message"] in (o.text or ""), f"{xw}: reason")
        c.check(int(root.get("failures")) == sum(1 for x in j["results"] if not x["passed"] and not x["undecided"]), f"{where}: failures")
    return c.finish()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["generate", "schema", "npm-install", "multitool", "junit"])
    ap.add_argument("--bin")
    ap.add_argument("--out")
    ap.add_argument("--tools")
    args = ap.parse_args()
    if args.bin:
        args.bin = os.path.abspath(args.bin)
    return {"generate": generate, "schema": schema, "npm-install": npm_install, "multitool": multitool, "junit": junit}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
