# Without --check the files are rewritten in place and nothing is printed; -v counts them.
with open("a.norm", "w") as f:
    f.write('enum Protection { refugee, subsidiary, none }\n')
with open("b.norm", "w") as f:
    f.write('enum Protection {refugee, subsidiary, none}\n')
with open("c.norm", "w") as f:
    f.write('norm A "a" { source EU "art. 1" must x }\n')
