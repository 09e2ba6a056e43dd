"""The PNG dashboard: real PNG bytes of the expected size, with data or without."""

from __future__ import annotations

import struct
import sys

import pytest

from analytics.lang import Lang
from analytics.render_chart import render_dashboard

from .report_samples import sample_report

PNG = b"\x89PNG\r\n\x1a\n"


def size(png: bytes) -> tuple[int, int]:
    """Return (width, height) from the PNG's IHDR chunk."""
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("lang", ["it", "en"])
def test_dashboard_is_a_png(lang: Lang) -> None:
    png = render_dashboard(sample_report(lang=lang))
    assert png.startswith(PNG)
    assert size(png) == (1000, 800)
    assert png.endswith(b"IEND\xaeB`\x82")


def test_dashboard_of_an_empty_report_still_renders() -> None:
    png = render_dashboard(sample_report(empty=True))
    assert png.startswith(PNG)
    assert size(png) == (1000, 800)


def test_dashboard_differs_with_the_data_and_the_language() -> None:
    full = render_dashboard(sample_report())
    assert full != render_dashboard(sample_report(empty=True))
    assert full != render_dashboard(sample_report(), "it")


def test_dashboard_does_not_use_pyplot() -> None:
    before = "matplotlib.pyplot" in sys.modules
    render_dashboard(sample_report())
    assert ("matplotlib.pyplot" in sys.modules) == before
