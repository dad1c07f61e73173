"""Shared fixtures: the real reference plan, run through the pipeline once per source format."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import paths_to_plan

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
DATA = Path(__file__).resolve().parent / "data"
NAP = {fmt: SOURCES / f"nap-2020-2022.{fmt}" for fmt in ("txt", "docx", "pdf")}
KYRGYZ = SOURCES / "kyrgyz-programme-2022-2025.txt"


@pytest.fixture(scope="session")
def nap_plans():
    """The NAP 2020-2022 plan from each of its three source formats."""
    return {fmt: paths_to_plan([path], f"nap-{fmt}") for fmt, path in NAP.items()}


@pytest.fixture(scope="session")
def kyrgyz_plan():
    return paths_to_plan([KYRGYZ], "kyrgyz")


@pytest.fixture(scope="session", params=sorted(NAP))
def nap(request, nap_plans):
    """One NAP plan per source format (tests using it run three times)."""
    return nap_plans[request.param]
