# `d + d + ... + d` 100,000 times: a flat chain, but a deep tree.
H = 'instrument EU "x" { level eu_directive }\ndecision d: int\n'
with open("sum.norm", "w") as f:
    f.write(H + 'norm N "t" {\n  source EU "art. 1"\n  must ' + " + ".join(["d"] * 100000) + " > 0\n}\n")
