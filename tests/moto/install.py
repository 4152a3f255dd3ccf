#!/usr/bin/env python3
"""Installs moto into a Python virtual environment: the one install procedure for the moto tests.

Usage: python3 tests/moto/install.py [VENV]     (VENV defaults to <repo>/target/moto-venv)

Both the Rust harness (tests/src/moto.rs) and .ci/run call this script. It (re)creates the venv
and installs tests/moto/requirements.txt when the venv is missing or its stamp file does not match
the hash of that file and of this Python's version; otherwise it does nothing. An exclusive lock
on VENV.lock (released by the OS even if this process dies) keeps concurrent callers, threads of
one test binary or separate test binaries, from installing twice: the second waits, then finds the
stamp current.

On success it prints the venv's python path as the only line on stdout (pip's output goes to
stderr). Exit status 0 on success, 1 on failure with the reason on stderr.
"""

import fcntl
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
DEFAULT_VENV = HERE.parent.parent / "target" / "moto-venv"
STAMP_NAME = ".requirements.sha256"
LOCK_TIMEOUT_SECONDS = 900


def wanted_stamp() -> str:
    digest = hashlib.sha256()
    digest.update(REQUIREMENTS.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def is_current(venv: Path, stamp: str) -> bool:
    try:
        recorded = (venv / STAMP_NAME).read_text().strip()
    except OSError:
        return False
    return recorded == stamp and (venv / "bin" / "python").exists()


def lock(path: Path):
    """Takes an exclusive lock on `path`, waiting up to LOCK_TIMEOUT_SECONDS."""
    handle = open(path, "w")
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    waiting = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                sys.exit(f"error: timed out after {LOCK_TIMEOUT_SECONDS}s waiting for {path}")
            if not waiting:
                print(f"moto: waiting for another install ({path})", file=sys.stderr)
                waiting = True
            time.sleep(0.5)


def run(*args) -> None:
    # pip's chatter goes to stderr: stdout carries only the result line.
    result = subprocess.run([str(a) for a in args], stdout=sys.stderr)
    if result.returncode != 0:
        sys.exit(f"error: `{' '.join(str(a) for a in args)}` failed with status {result.returncode}")


def main() -> None:
    venv = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else DEFAULT_VENV
    python = venv / "bin" / "python"
    stamp = wanted_stamp()
    if not is_current(venv, stamp):
        venv.parent.mkdir(parents=True, exist_ok=True)
        with lock(venv.parent / (venv.name + ".lock")):
            # Another process may have installed while this one waited for the lock.
            if not is_current(venv, stamp):
                started = time.monotonic()
                print(f"moto: installing {REQUIREMENTS} into {venv}", file=sys.stderr)
                # --clear: a changed requirements file gets a clean venv, not leftovers.
                run(sys.executable, "-m", "venv", "--clear", venv)
                run(python, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS)
                # The stamp is written last, so an interrupted install is redone next time.
                (venv / STAMP_NAME).write_text(stamp + "\n")
                print(f"moto: installed in {time.monotonic() - started:.1f}s", file=sys.stderr)
    print(python)


if __name__ == "__main__":
    main()
