# A file over the default 1 MiB is read when --max-file-size allows it.
with open("big.norm", "w") as f:
    i = 0
    while f.tell() <= (1 << 20):
        f.write(f"enum E{i} {{ a{i}, b{i} }}\n")
        i += 1
    f.write('instrument EU "x" { level eu_directive }\n')
