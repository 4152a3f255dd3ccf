"""Runs `python -m moto.server ARGS...`, and exits when its standard input closes.

The Rust harness (tests/src/moto.rs) starts moto through this file with stdin piped and kills it
on drop. If the test process dies without dropping (killed, aborted), the pipe closes and moto
exits too instead of lingering on its port.
"""

import os
import sys
import threading

from moto.server import main


def exit_when_parent_goes() -> None:
    sys.stdin.buffer.read()  # returns at end of file: the parent has closed the pipe or died
    os._exit(0)


threading.Thread(target=exit_when_parent_goes, daemon=True).start()
main(sys.argv[1:])
