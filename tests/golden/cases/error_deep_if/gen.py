# 50,000 nested if-then-else, in the `then` branch.
H = 'instrument EU "x" { level eu_directive }\ndecision b: bool\n'
with open("if.norm", "w") as f:
    f.write(H + 'norm N "t" {\n  source EU "art. 1"\n  must ' + "if b then " * 50000 + "b" + " else b" * 50000 + "\n}\n")
