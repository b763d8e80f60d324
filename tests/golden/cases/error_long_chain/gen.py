# A long right-associative chain of `implies` and of `not`.
with open("chain.norm", "w") as f:
    f.write('instrument EU "x" { level eu_directive }\nnorm N "t" {\n  source EU "art. 1"\n  must ' + "true implies " * 50000 + "true\n}\n")
