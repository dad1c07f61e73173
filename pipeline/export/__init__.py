"""Stage 6 — export: render a plan in every format people use, and write it atomically.

Every exporter renders the same JSON tree (``Plan.to_dict()``, the middle layer): it
takes that dict and returns ``{relative path: text or bytes}``; nothing here looks at
blocks or at the model's classes.  Formats (``--format``):

* ``json`` — ``plan.json`` (the contract, ``schemas/plan.schema.json``);
* ``xml`` — ``plan.xml``, the same tree as XML (``schemas/plan.xsd``), :mod:`.xml`;
* ``akn`` — ``akn/<lang>.xml``, one Akoma Ntoso 3.0 document per version, :mod:`.akn`;
* ``tmx`` — ``plan.tmx``, TMX 1.4b translation units from the alignment, :mod:`.tmx`;
* ``csv`` — ``activities.csv``, one row per alignment row in reading order, UTF-8 with BOM,
  :mod:`.table`;
* ``xlsx`` — ``activities.xlsx``, the same rows coloured by finding, with a findings sheet,
  :mod:`.xlsx`;
* ``html`` — ``review.html``, a self-contained review page, :mod:`.html`.

Besides the tree an exporter is given :class:`~.settings.Settings` (TMX options, the checks'
explanations).  :func:`plan_tree` adds to the tree what the run knows beside the plan: its
``metadata`` (country, date, issuer, name: ``--country`` … or ``plan.toml``) and
``"accepted": true`` on each finding an accepted-findings file (``--accept``) names.

A plan's files are written to a hidden sibling folder that then takes the place of the
plan's folder in one step, so an interrupted run leaves the previous complete output or
the new one, never a mixture; the formats not asked for this time are carried over.  Two
runs writing one folder at once take turns (:func:`output_lock`), and neither removes the
other's temporary folder (:func:`remove_leftovers`).
"""
from __future__ import annotations

import contextlib
import ctypes
import glob
import itertools
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from typing import Callable, Collection, Iterable, Mapping

try:
    import fcntl
except ImportError:  # Windows: output folders are not locked
    fcntl = None

from ..model import Plan
from . import akn, html, table, tmx, xlsx, xml
from .settings import Settings


Content = str | bytes | Iterable[str | bytes]
"""A rendered file: text (written as UTF-8), bytes, or either in pieces, written as they come
so that a large plan's rendering is never held whole in memory."""


def tree_to_json(tree: dict, _settings: Settings = Settings()) -> dict[str, Content]:
    """``plan.json`` text: UTF-8, letters unescaped, two-space indent (streamed)."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    return {"plan.json": itertools.chain(encoder.iterencode(tree), ("\n",))}


FORMATS: dict[str, Callable[[dict, Settings], dict[str, Content]]] = {
    "json": tree_to_json, "xml": xml.tree_to_xml, "akn": akn.tree_to_akn, "tmx": tmx.tree_to_tmx,
    "csv": table.tree_to_csv, "xlsx": xlsx.tree_to_xlsx, "html": html.tree_to_html}



def write_atomic(path: Path, content: Content) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` through a temporary file and a rename; the
    file gets the mode the umask gives a new file (``mkstemp`` would make it 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path)
    fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~umask())
        with os.fdopen(fd, "wb") as fh:
            _write(fh, content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``os.umask`` sets it:
    another thread creating a file meanwhile would get the wrong mode)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary_prefix(path: Path) -> str:
    """``.<name>.<pid>.``: a temporary sibling of ``path`` names the process writing it."""
    return f".{path.name}.{os.getpid()}."


def remove_leftovers(path: Path) -> None:
    """Remove the hidden temporary siblings of ``path`` (file or folder) that a run killed before
    its rename left behind: those of processes no longer running (another run's, still being
    written, stay)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        if _writer_alive(stale.name[len(path.name) + 2:]):
            continue
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def _writer_alive(rest: str) -> bool:
    """Is the process named in a temporary sibling's name (``<pid>.<random>.tmp``) running — this
    one included?  A zombie (killed, not yet reaped) is not."""
    pid = rest.split(".", 1)[0]
    if not pid.isdigit():
        return False  # an older run's name without its process
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's process
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@contextlib.contextmanager
def output_lock(folder: Path):
    """Hold the lock of the output folder ``folder`` while inside: another run (another process)
    writing the same folder waits for it.  The lock is ``.<name>.lock`` beside the folder
    (``flock``), removed when released; a lock file replaced meanwhile is locked anew.  Within
    one process the lock is taken once (re-entered freely).  Where ``fcntl`` is missing
    (Windows) nothing is locked."""
    key = os.path.abspath(folder)
    if fcntl is None or key in _HELD:
        yield
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock = folder.parent / f".{folder.name}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666 & ~umask())
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.fstat(fd).st_ino == os.stat(lock).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)  # its holder removed it on release: lock the file there now
    _HELD.add(key)
    try:
        yield
    finally:
        _HELD.discard(key)
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


_HELD: set[str] = set()  # output folders this process holds the lock of


def _write(fh, content: Content) -> None:
    """Write ``content`` to the binary file ``fh`` (text as UTF-8) and flush it to disk; pieces
    are gathered into writes of about 64 KB."""
    pending: list = []
    size = 0
    for chunk in (content,) if isinstance(content, (str, bytes)) else content:
        if pending and type(chunk) is not type(pending[0]):
            _flush(fh, pending)
            size = 0
        pending.append(chunk)
        size += len(chunk)
        if size >= 1 << 16:
            _flush(fh, pending)
            size = 0
    _flush(fh, pending)
    fh.flush()
    os.fsync(fh.fileno())


def _flush(fh, pending: list) -> None:
    if pending:
        fh.write(b"".join(pending) if isinstance(pending[0], bytes) else "".join(pending).encode("utf-8"))
        pending.clear()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def write_folder_atomic(folder: Path, files: Iterable[tuple[str, Content]]) -> list[Path]:
    """Replace ``folder`` by one holding ``files`` (relative path, content), rendered and written
    one after the other, and what the old folder holds besides, in one step.

    The files are written to a hidden sibling folder; the old folder's entries that none of them
    replaces (another format's file or folder: a ``plan.xml``, ``akn/``) are linked into it,
    except hidden ones; then it takes the old folder's place (an atomic exchange where the
    system offers one).  A run killed at any moment leaves the previous complete folder or the
    new complete one (or, without an exchange, at worst none).  Folders and files get the modes
    the umask gives (``mkdtemp`` would make the folder 700).  Another run writing the same
    folder waits (:func:`output_lock`).
    """
    with output_lock(folder):
        return _write_folder(folder, files)


def _write_folder(folder: Path, files: Iterable[tuple[str, Content]]) -> list[Path]:
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)
    tmp = Path(tempfile.mkdtemp(prefix=_temporary_prefix(folder), suffix=".tmp", dir=parent))
    written = []
    try:
        tmp.chmod(0o777 & ~umask())
        for relative, content in files:
            target = tmp / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                _write(fh, content)
            written.append(relative)
            del content  # a rendering is released before the next one is made
        _keep_others(folder, tmp, {Path(relative).parts[0] for relative in written})
        if folder.exists() and _exchange(tmp, folder):
            shutil.rmtree(tmp)  # now the previous output
        else:
            if folder.exists():
                shutil.rmtree(folder)
            os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [folder / relative for relative in written]


def _keep_others(old: Path, new: Path, replaced: set[str]) -> None:
    """Hard-link (or copy) into ``new`` the entries of ``old`` not named in ``replaced``, except
    hidden ones (the stamp, temporary files)."""
    if not old.is_dir():
        return
    for entry in old.iterdir():
        if entry.name in replaced or entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, new / entry.name)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def checks_explained() -> tuple[tuple[str, str, str], ...]:
    """(code, severity, explanation) of every registered check, for the readers of the exports."""
    from ..check import CHECKS  # the registry's own words; rendering never runs a check
    return tuple((c.code, c.severity, c.doc) for c in CHECKS.values())


def plan_tree(plan: Plan, metadata: Mapping[str, str | None] | None = None, accepted: Collection[int] = ()) -> dict:
    """The tree every format renders: ``plan.to_dict()``, with ``metadata`` (the keys given a
    value) and ``"accepted": true`` on the findings at the positions ``accepted``."""
    tree = plan.to_dict()
    given = {key: value for key, value in (metadata or {}).items() if value}
    if given:
        tree.setdefault("metadata", given)
    for n in accepted:
        tree["findings"][n]["accepted"] = True
    return tree


def plan_to_files(plan: Plan, out_dir: Path, formats: tuple[str, ...] = tuple(FORMATS),
                  extra: dict[str, Content] | None = None, *, settings: Settings | None = None,
                  metadata: Mapping[str, str | None] | None = None, accepted: Collection[int] = ()) -> list[Path]:
    """Render ``plan`` in ``formats`` and put the files (and ``extra`` ones, e.g. debug
    output) in ``out_dir``, the plan's own folder, at once: they replace the files of the
    same formats; the folder's other files (formats not asked for this time) stay.
    Formats are rendered one at a time, each written before the next is made.
    ``metadata`` and ``accepted`` go into the tree (:func:`plan_tree`); ``settings`` say how
    to render (its ``codes`` default to the registry's)."""
    tree = plan_tree(plan, metadata, accepted)
    settings = settings or Settings()
    if not settings.codes:
        settings = replace(settings, codes=checks_explained())

    def rendered() -> Iterable[tuple[str, Content]]:
        for name in formats:
            yield from FORMATS[name](tree, settings).items()
        yield from (extra or {}).items()
    return write_folder_atomic(out_dir, rendered())
