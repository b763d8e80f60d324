# 900 KiB on one line with tens of thousands of errors: linear time, the
# shown line cut around the caret, the first 100 errors shown and the rest counted.
s = []
n = 0
i = 0
while n < 900 * 1024:
    part = f"decision d{i}: Foo "
    s.append(part)
    n += len(part)
    i += 1
with open("line.norm", "w") as f:
    f.write("".join(s) + "\n")
