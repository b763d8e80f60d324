# Imports leaving the roots (the current directory and the paths given): E0507
# for a relative path, an absolute path and a symbolic link that points outside.
import os
os.mkdir("rules")
os.symlink("/etc/hostname", "rules/link.txt")
with open("rules/a.norm", "w") as f:
    f.write('import "../../../../../../../../../../etc/hostname"\n'
            'import "/etc/hostname"\n'
            'import "link.txt"\n'
            'instrument EU "x" { level eu_directive }\n')
