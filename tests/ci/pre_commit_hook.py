#!/usr/bin/env python3
"""scripts/pre-commit in a real git repository: a temporary repository with
the hook installed, commits of good and bad .norm files, and what the hook
checks (the staged version, not the work tree). Last line `N passed, N failed`.

  pre_commit_hook.py NORMCHECK_BINARY
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOOK = ROOT / "scripts" / "pre-commit"
INPUTS = ROOT / "tests" / "ci" / "inputs"

LINT_WARNING = """instrument U "Unused act" { level act  in_force 2020-01-01 }
""" + (INPUTS / "good.norm").read_text(encoding="utf-8")


def main():
    binary = os.path.abspath(sys.argv[1])
    passed, failures = 0, []

    def check(ok, what, p=None):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(what + (f"\n--- exit {p.returncode}\n{p.stdout}{p.stderr}" if p is not None else ""))

    with tempfile.TemporaryDirectory() as tmp:
        repo = pathlib.Path(tmp) / "policy repo"
        repo.mkdir()
        env = dict(os.environ, NORMCHECK=binary, NO_COLOR="1", LC_ALL="C", GIT_CONFIG_NOSYSTEM="1", HOME=tmp,
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@example.org")
        env.pop("NORMCHECK_LINT", None)

        def git(*args, extra=None):
            # git sends a hook's stdout to stderr: the hook's output is all in p.stderr
            return subprocess.run(["git", *args], cwd=repo, env=dict(env, **(extra or {})), capture_output=True, text=True,
                                  timeout=600)

        def head():
            return git("rev-parse", "--verify", "-q", "HEAD").stdout.strip()

        def write(name, text):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text(text, encoding="utf-8")

        git("init", "-q", "-b", "main")
        git("config", "commit.gpgsign", "false")
        hooks = repo / ".git" / "hooks"
        hooks.mkdir(exist_ok=True)
        shutil.copyfile(HOOK, hooks / "pre-commit")
        os.chmod(hooks / "pre-commit", 0o755)
        good = (INPUTS / "good.norm").read_text(encoding="utf-8")
        bad = (INPUTS / "bad.norm").read_text(encoding="utf-8")
        broken = (INPUTS / "broken.norm").read_text(encoding="utf-8")

        # 1. a commit without .norm files does not run normcheck at all
        write("README.md", "policy rules\n")
        git("add", "README.md")
        p = git("commit", "-q", "-m", "readme", extra={"NORMCHECK": "/bin/false"})
        check(p.returncode == 0 and head() != "", "a commit without .norm files was blocked", p)

        # 2. a good file (in a directory with a space in its name) is committed
        write("rules dir/good.norm", good)
        git("add", "rules dir/good.norm")
        before = head()
        p = git("commit", "-m", "good")
        check(p.returncode == 0 and head() != before, "the good file was not committed", p)
        check("2 passed, 0 failed" in p.stderr and "no warnings" in p.stderr, "the hook did not run test and lint", p)

        # 3. a file with failing expectations is blocked, with the reason
        write("bad.norm", bad)
        git("add", "bad.norm")
        before = head()
        p = git("commit", "-m", "bad")
        check(p.returncode != 0 and head() == before, "the bad file was committed", p)
        check("FAIL ShortPermits compliant at 2026-07-01" in p.stderr and "1 passed, 2 failed" in p.stderr,
              "the failed expectations were not shown", p)
        check("`normcheck test` failed: findings (exit code 1)" in p.stderr and "commit blocked" in p.stderr,
              "the hook did not say why it blocked the commit", p)
        git("reset", "-q", "HEAD", "bad.norm")
        os.remove(repo / "bad.norm")

        # 4. input errors block the commit (exit code 2 of normcheck)
        write("broken.norm", broken)
        git("add", "broken.norm")
        before = head()
        p = git("commit", "-m", "broken")
        check(p.returncode != 0 and head() == before, "a file with input errors was committed", p)
        check("error[E0201]" in p.stderr and "input errors (exit code 2)" in p.stderr, "input errors not reported", p)

        # 5. the staged version counts, not the work tree: broken staged, fixed unstaged
        write("broken.norm", good.replace("LongerPermits", "LongerPermits2"))
        p = git("commit", "-m", "broken staged")
        check(p.returncode != 0 and head() == before, "the hook checked the work tree instead of the index", p)
        # ...and good staged, broken only in the work tree
        git("add", "broken.norm")
        write("broken.norm", broken)
        p = git("commit", "-m", "good staged")
        check(p.returncode == 0 and head() != before, "an unstaged breakage blocked a good commit", p)
        check(git("status", "--porcelain", "broken.norm").stdout.startswith(" M"), "the hook changed the work tree")
        git("checkout", "--", "broken.norm")

        # 6. imports resolve against the staged tree: an importing file alone
        write("uses.norm", 'import "rules dir/good.norm"\nexpect LongerPermits compliant\n')
        git("add", "uses.norm")
        before = head()
        p = git("commit", "-m", "import")
        check(p.returncode == 0 and head() != before and "3 passed, 0 failed" in p.stderr, "an importing file failed", p)

        # 7. lint warnings block the commit; NORMCHECK_LINT=0 skips lint
        write("lint.norm", LINT_WARNING.replace("LongerPermits", "LintPermits").replace("CID", "LD").replace("CIA", "LA"))
        git("add", "lint.norm")
        before = head()
        p = git("commit", "-m", "lint")
        check(p.returncode != 0 and head() == before and "W0105" in p.stderr and
              "`normcheck lint --deny warnings` failed: findings (exit code 1)" in p.stderr, "a lint warning did not block", p)
        p = git("commit", "-m", "lint", extra={"NORMCHECK_LINT": "0"})
        check(p.returncode == 0 and head() != before, "NORMCHECK_LINT=0 did not skip lint", p)

        # 8. a missing normcheck is an error, not a silent pass
        write("more.norm", good.replace("LongerPermits", "More"))
        git("add", "more.norm")
        before = head()
        p = git("commit", "-m", "more", extra={"NORMCHECK": "no-such-normcheck"})
        check(p.returncode != 0 and head() == before and "not found" in p.stderr, "a missing normcheck let the commit through", p)

    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
