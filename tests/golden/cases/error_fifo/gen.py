# A FIFO must not be opened (it would block): E0501, not a hang.
import os
os.mkfifo("pipe.norm")
