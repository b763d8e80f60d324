# 100,000 nested parentheses must not overflow the parser's stack.
with open("deep.norm", "w") as f:
    f.write('instrument EU "x" { level eu_directive }\nnorm N "t" {\n  source EU "art. 1"\n  must ' + "(" * 100000 + "true" + ")" * 100000 + "\n}\n")
