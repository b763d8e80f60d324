# A file just over the 1 MiB limit: a valid enum repeated.
with open("big.norm", "w") as f:
    i = 0
    while f.tell() <= (1 << 20):
        f.write(f"enum E{i} {{ a{i}, b{i} }}\n")
        i += 1
