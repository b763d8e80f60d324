# One file already in the canonical layout, two that are not (one in a subdirectory).
import os
os.makedirs("sub", exist_ok=True)
with open("a.norm", "w") as f:
    f.write('enum Protection { refugee, subsidiary, none }\n')
with open("b.norm", "w") as f:
    f.write('enum Protection {refugee, subsidiary, none}\n')
with open("sub/c.norm", "w") as f:
    f.write('unit FTE   unit persons_per_day\n')
