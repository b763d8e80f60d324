# 100,000 nested `not`: no stack overflow, a clear E0005.
H = 'instrument EU "x" { level eu_directive }\ndecision b: bool\n'
with open("deep.norm", "w") as f:
    f.write(H + 'norm N "t" {\n  source EU "art. 1"\n  must ' + "not " * 100000 + "b\n}\n")
