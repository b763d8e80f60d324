# The repository of tests/golden/inputs/diff_git_repo.py.
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(__file__), "..", "..", "inputs", "diff_git_repo.py"))
