# Files already in the canonical layout: --check writes nothing and exits 0.
with open("a.norm", "w") as f:
    f.write('// Units.\nunit FTE\n\nenum Protection { refugee, subsidiary, none }  // trailing\n')
with open("b.norm", "w") as f:
    f.write('norm A "a" {\n  source EU "art. 1"\n  must x\n}\n')
