"""polyplan: multilingual government plan documents to structured, cross-checked data.

The Python API, imported on first use (the command starts without the pipeline's modules):

* ``paths_to_plan(paths, name, links=())`` — one plan (a :class:`Plan`) from its files;
* ``plan_to_files(plan, folder, formats, metadata=…, accepted=…)`` — its exports;
* ``read_accept(path)``, ``accepted(findings, entries)``, ``read_links(path)`` — corrections.
"""

__version__ = "0.1.0"

_API = {"paths_to_plan": "build", "plan_to_files": "export", "Plan": "model", "Finding": "model",
        "read_accept": "corrections", "accepted": "corrections", "read_links": "corrections"}
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    """``from pipeline import paths_to_plan`` and the other names of the API (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
