# A revision whose rule file imports a file that exists only in the working
# tree: the revision is read as it is, so the import fails (E0501).
import os
import subprocess

env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
           GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=os.getcwd())
os.makedirs("rules")
with open("rules/law.norm", "w", encoding="utf-8") as f:
    f.write('import "domain.norm"\n\ndecision d: bool\n')
subprocess.run(["git", "init", "-q", "."], check=True, env=env)
subprocess.run(["git", "add", "rules/law.norm"], check=True, env=env)
subprocess.run(["git", "commit", "-q", "-m", "v1"], check=True, env=env)
with open("rules/domain.norm", "w", encoding="utf-8") as f:
    f.write("decision e: bool\n")
