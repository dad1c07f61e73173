"""The command's processes: started in a process group of their own, so that the workers a run
started can be found, and checked gone, after the command itself died."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT


def group(pgid: int) -> list[int]:
    """The live processes (zombies left out) of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        try:
            state, _ppid, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def survivors(pgid: int, seconds: float = 5) -> list[int]:
    """The group's processes still alive after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while (alive := group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def start(*args) -> subprocess.Popen:
    """The command in a process group of its own, so that its workers can be found after it died,
    with SIGINT and SIGTERM as a terminal gives them: a test run started in the background (where
    the shell ignores SIGINT for its children) must not make polyplan ignore Ctrl-C."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", "extract", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_default_signals)


def _default_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
