# 100,000 nested braces.
with open("deep.norm", "w") as f:
    f.write('instrument EU "x" { level eu_directive }\n' + "{" * 100000 + "}" * 100000 + "\n")
