"""Worker processes for a batch (:mod:`pipeline.batch`): a dead worker costs only its own input.

Each worker is a process that reads one input at a time, so the parent always knows which
input a worker holds.  A worker that dies holding one (the kernel's out-of-memory killer, a
crash in a PDF library) is replaced by a fresh one, which gets the input again; when that one
dies too, the input gets a failed record naming how its process ended, and every other input
goes on.  Results come back in input order.

Workers die with the process that started them, however it dies (:func:`worker_init`).
"""
from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from multiprocessing.connection import wait
from typing import Callable, Iterator

RETRIES = 1  # a fresh worker tries an input whose worker died this many times more


# --- workers that die with their parent ------------------------------------------------------

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def worker_init(parent: int) -> None:
    """Pool initializer: the worker is killed when ``parent`` dies, however it dies (Linux's
    parent-death signal; elsewhere a thread watching the parent), and leaves SIGINT and
    SIGTERM to the parent, which stops the workers itself (a Ctrl-C reaches the whole
    process group)."""
    with contextlib.suppress(ValueError):  # signals are set in a process's main thread only
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _parent_death_signal(signal.SIGKILL):
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="polyplan-parent-watch").start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _parent_death_signal(signum: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


_forking = {"pid": 0, "guarded": False}


def guard_forked_children() -> None:
    """Make every process forked from now on (the page pool of a long PDF, the batch's workers)
    a worker that dies with the process that forked it (:func:`worker_init`); once per process."""
    if not _forking["guarded"] and hasattr(os, "register_at_fork"):  # POSIX
        _forking["guarded"] = True
        os.register_at_fork(before=lambda: _forking.update(pid=os.getpid()),
                            after_in_child=lambda: worker_init(_forking["pid"]))


# --- the pool ----------------------------------------------------------------------------------

def how_it_ended(exitcode: int | None) -> str:
    """A dead worker's end in words.

    >>> how_it_ended(-9)
    'was killed (SIGKILL, as the system does when memory runs out)'
    >>> how_it_ended(-11), how_it_ended(1)
    ('crashed (SIGSEGV)', 'ended without a result (exit status 1)')
    """
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGKILL":
            return "was killed (SIGKILL, as the system does when memory runs out)"
        return f"crashed ({name})" if name in ("SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE") else \
            f"was stopped ({name})"
    return f"ended without a result (exit status {exitcode})"


def _serve(conn, work: Callable, parent: int) -> None:
    """A worker: one task at a time from ``conn`` (None ends it), its result sent back."""
    worker_init(parent)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, args = task
        conn.send((index, work(*args)))


class _Worker:
    def __init__(self, work: Callable):
        self.conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child, work, os.getpid()), daemon=True,
                                               name="polyplan-worker")
        self.process.start()
        child.close()
        self.held: int | None = None

    def give(self, index: int, args: tuple) -> None:
        self.held = index
        self.conn.send((index, args))

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join()
        self.conn.close()


def in_workers(tasks: list[tuple], size: int, work: Callable[..., dict],
               failed: Callable[[int, str], dict]) -> Iterator[dict]:
    """``work(*task)`` of each of ``tasks``, in order, run by ``size`` worker processes.  A
    worker that dies holding a task is replaced and the task retried (:data:`RETRIES`); then
    ``failed(index, how its last worker ended)`` stands for the result.  Closing the iterator
    (the caller stopped: an exception, a signal) kills the workers at once."""
    pending, tries, done, out = deque(range(len(tasks))), Counter(), {}, 0
    workers: list[_Worker] = []
    try:
        while out < len(tasks):
            while pending and len(workers) < size:
                workers.append(_Worker(work))
            for worker in workers:
                if worker.held is None and pending:
                    index = pending.popleft()
                    worker.give(index, tasks[index])
            ready = set(wait([w.conn for w in workers] + [w.process.sentinel for w in workers]))
            for worker in list(workers):
                if worker.conn in ready or worker.process.sentinel in ready:
                    if _collect(worker, done):
                        continue
                    workers.remove(worker)
                    worker.stop()
                    if worker.held is not None:
                        tries[worker.held] += 1
                        if tries[worker.held] > RETRIES:
                            done[worker.held] = failed(worker.held, how_it_ended(worker.process.exitcode))
                        else:
                            pending.appendleft(worker.held)
            while out in done:
                yield done.pop(out)
                out += 1
    finally:
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
            worker.stop()


def _collect(worker: _Worker, done: dict) -> bool:
    """Take the worker's result if it sent one; False when the worker is gone."""
    try:
        if worker.conn.poll():
            index, record = worker.conn.recv()
            done[index] = record
            worker.held = None
            return True
    except (EOFError, OSError):
        return False
    return worker.process.is_alive()
