# `b and b and ... b` 100,000 times.
H = 'instrument EU "x" { level eu_directive }\ndecision b: bool\n'
with open("and.norm", "w") as f:
    f.write(H + 'norm N "t" {\n  source EU "art. 1"\n  must ' + " and ".join(["b"] * 100000) + "\n}\n")
