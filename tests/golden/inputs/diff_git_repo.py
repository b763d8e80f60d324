# A repository with two commits and a change in the working tree, made in the
# current directory: `diff --git` reads revisions without a checkout (the files
# in the working tree stay as they are). Shared by the golden cases diff_git,
# diff_git_worktree and diff_git_bad_revision (their gen.py runs this file).
import os
import subprocess

DOMAIN = """instrument EU "A directive (test input, not law)" {
  level eu_directive
}

instrument NL "An act (test input, not law)" {
  level act
}

enum Status { refugee, subsidiary, none }

case Sponsor {
  status: Status
  hardship: bool
}

decision waiting_period(s: Sponsor): int months

norm EU.art8 "Waiting at most three years" {
  source EU "art. 8"
  for s: Sponsor
  must waiting_period(s) <= 36 months
}
"""

LAW = """import "domain.norm"

rule NL.art29 "Family reunification" {{
  source NL "art. 29"
  define waiting_period(s) = 0 months
{extra}}}
"""

env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
           GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=os.getcwd())


def git(*args):
    subprocess.run(["git", *args], check=True, env=env, capture_output=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


git("init", "-q", ".")
write("rules/domain.norm", DOMAIN)
write("rules/law.norm", LAW.format(extra=""))
git("add", "rules")
git("commit", "-q", "-m", "v1")
write("rules/law.norm", LAW.format(extra="  define waiting_period(s) = 24 months when s.status == subsidiary\n"))
git("commit", "-q", "-a", "-m", "v2")
# the working tree: a more lenient period, and a file no revision has
write("rules/law.norm", LAW.format(extra="  define waiting_period(s) = 12 months when s.status == subsidiary\n"))
write("rules/later.norm", 'import "domain.norm"\n\ndecision later_decision: bool\n')
