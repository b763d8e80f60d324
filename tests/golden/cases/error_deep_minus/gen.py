# 100,000 nested unary minus signs.
H = 'instrument EU "x" { level eu_directive }\ndecision d: int\n'
with open("deep.norm", "w") as f:
    f.write(H + 'norm N "t" {\n  source EU "art. 1"\n  must ' + "- " * 100000 + "d > 0\n}\n")
