#!/usr/bin/env python3
"""The hooks of .pre-commit-hooks.yaml under the pre-commit framework
(Debian package pre-commit): the manifest validates, and `pre-commit try-repo`
runs normcheck-test and normcheck-lint on the staged .norm files of a
temporary repository. Last line `N passed, N failed`.

  pre_commit_framework.py NORMCHECK_BINARY
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
INPUTS = ROOT / "tests" / "ci" / "inputs"


def main():
    binary = os.path.abspath(sys.argv[1])
    passed, failures = 0, []

    def check(ok, what, p=None):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(what + (f"\n--- exit {p.returncode}\n{p.stdout}{p.stderr}" if p is not None else ""))

    pre_commit = shutil.which("pre-commit")
    if not pre_commit:
        print("FAIL pre-commit is not installed (scripts/install-deps.sh installs it)\n0 passed, 1 failed")
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp),
                   PRE_COMMIT_HOME=str(tmp / "cache"), PATH=os.path.dirname(binary) + os.pathsep + os.environ.get("PATH", ""),
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@example.org")

        def run(cmd, cwd):
            return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)

        p = run([pre_commit, "validate-manifest", str(MANIFEST)], ROOT)
        check(p.returncode == 0, "pre-commit validate-manifest rejects .pre-commit-hooks.yaml", p)

        # A hooks repository holding only the manifest, as consumers reference it.
        hooks = tmp / "hooks"
        hooks.mkdir()
        shutil.copyfile(MANIFEST, hooks / ".pre-commit-hooks.yaml")
        for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "."], ["git", "commit", "-q", "-m", "hooks"]):
            run(cmd, hooks)

        repo = tmp / "policy"
        repo.mkdir()
        run(["git", "init", "-q", "-b", "main"], repo)

        def stage_only(name, text):
            for f in repo.glob("*.norm"):
                run(["git", "rm", "-q", "--cached", "--ignore-unmatch", f.name], repo)
                f.unlink()
            if name:
                (repo / name).write_text(text, encoding="utf-8")
                run(["git", "add", name], repo)

        def try_repo(*hook):
            return run([pre_commit, "try-repo", str(hooks), *hook], repo)

        def line(p, hook, verdict):
            return any(l.startswith(hook + ".") and l.endswith(verdict) for l in p.stdout.splitlines())

        # nothing to check: both hooks skip
        (repo / "README.md").write_text("policy rules\n", encoding="utf-8")
        run(["git", "add", "README.md"], repo)
        p = try_repo()
        check(p.returncode == 0 and line(p, "normcheck test", "Skipped") and line(p, "normcheck lint --deny warnings", "Skipped"),
              "hooks did not skip without .norm files", p)

        stage_only("good.norm", (INPUTS / "good.norm").read_text(encoding="utf-8"))
        p = try_repo()
        check(p.returncode == 0 and line(p, "normcheck test", "Passed") and line(p, "normcheck lint --deny warnings", "Passed"),
              "hooks failed on a good file", p)

        stage_only("bad.norm", (INPUTS / "bad.norm").read_text(encoding="utf-8"))
        p = try_repo("normcheck-test")
        check(p.returncode != 0 and line(p, "normcheck test", "Failed") and "FAIL ShortPermits compliant" in p.stdout,
              "normcheck-test passed a file with failed expectations", p)

        stage_only("broken.norm", (INPUTS / "broken.norm").read_text(encoding="utf-8"))
        p = try_repo("normcheck-test")
        check(p.returncode != 0 and "exit code: 2" in p.stdout and "error[E0201]" in p.stdout,
              "normcheck-test passed a file with input errors", p)

        lint_text = 'instrument U "Unused act" { level act  in_force 2020-01-01 }\n' + (INPUTS / "good.norm").read_text(encoding="utf-8")
        stage_only("lint.norm", lint_text)
        p = try_repo()
        check(p.returncode != 0 and line(p, "normcheck test", "Passed") and line(p, "normcheck lint --deny warnings", "Failed")
              and "W0105" in p.stdout, "normcheck-lint did not fail on a lint warning", p)

    for f in failures:
        print("FAIL", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
