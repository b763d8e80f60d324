# A directory symlink loop: the walk does not follow links to directories, so it ends.
import os
os.makedirs("rules/sub")
with open("rules/sub/a.norm", "w") as f:
    f.write('instrument EU "x" { level eu_directive }\n')
os.symlink("..", "rules/sub/up")
os.symlink("../sub", "rules/sub/again")
