# --max-file-size sets the limit (here 1 KiB; suffixes KiB and MiB are allowed).
with open("big.norm", "w") as f:
    for i in range(100):
        f.write(f"enum E{i} {{ a{i}, b{i} }}\n")
