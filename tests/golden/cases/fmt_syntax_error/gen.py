# A file with syntax errors is not formatted (diagnostics, exit 2); the other file is.
with open("bad.norm", "w") as f:
    f.write('norm A "a" {\n  source EU\n  must x >=\n}\nenum E { x y }\n')
with open("ugly.norm", "w") as f:
    f.write('unit A    unit B\n')
