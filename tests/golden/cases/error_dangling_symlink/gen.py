# A dangling and a looping symbolic link inside a directory: each named, the walk goes on.
import os
os.mkdir("rules")
with open("rules/a.norm", "w") as f:
    f.write('instrument EU "x" { level eu_directive }\n')
os.symlink("nowhere.norm", "rules/broken.norm")
os.symlink("loop.norm", "rules/loop.norm")
