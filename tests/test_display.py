"""Tests for resetlab._display (tables and figures as notebooks show them) and the stored language_info."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from resetlab import _display
from resetlab._notebooks import language_info, normalise


def _heads(html: str) -> list[str]:
    """Every header cell's text in the table's HTML."""
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>.*?</th>", html, re.S)]


FRAMES = {
    "range index": pd.DataFrame({"speaker": ["Bush", "Obama"], "n": [1, 2]}),
    "named index": pd.DataFrame({"event_id": ["a", "b"], "start": ["2008", "2009"]}).set_index("event_id"),
    "crosstab": pd.crosstab(pd.Series(["Bush", "Obama"], name="speaker"), pd.Series(["000", "003"], name="source_id"), margins=True),
    "two-level index": pd.DataFrame({"a": [1], "b": [2], "c": [3]}).set_index(["a", "b"]),
    "two-level columns": pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("x", "y"), ("x", "z")])),
    "transposed": pd.DataFrame({"arms": [1, 2]}, index=["Bush", "Obama"]).T,
}


@pytest.mark.parametrize("name", FRAMES)
def test_a_table_has_no_empty_header_cell(name):
    """axe's empty-table-header: every <th> the course shows says something; a corner with nothing to say is a <td>."""
    frame = FRAMES[name]
    html = _display.table_html(frame)
    assert "<th></th>" in frame._repr_html_() or name == "two-level columns" or "<th" in html
    assert all(_heads(html)), f"{name}: an empty header in {html}"
    for label in map(str, frame.columns.get_level_values(-1)):
        assert f"<th>{label}</th>" in html, f"{name}: column {label!r} lost its header"


def test_index_names_move_into_the_corner_in_one_header_row():
    """A named index (and a crosstab's two names) end up in the corner; the separate names row is gone."""
    html = _display.table_html(FRAMES["crosstab"])
    head = re.search(r"<thead>.*?</thead>", html, re.S).group(0)
    assert head.count("<tr") == 1 and "<th>speaker / source_id</th>" in head
    assert "<th>event_id</th>" in _display.table_html(FRAMES["named index"])
    assert _display.table_html(FRAMES["named index"]).count("<tr") == FRAMES["named index"].shape[0] + 1


def test_a_figure_shows_as_an_image_with_alt_text_made_from_its_title_or_its_own():
    """The HTML form of a figure is an <img> with non-empty, escaped alt text, and the PNG stays in the bundle."""
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().set_title('Timeline <"all">')
    data = _display.figure_data(fig)
    alt = re.search(r'alt="([^"]*)"', data["text/html"]).group(1)
    assert alt.startswith("Figure: Timeline &lt;&quot;all&quot;&gt;.") and "text summary" in alt
    assert data["text/html"].startswith("<img ") and "data:image/png;base64," in data["text/html"]
    assert data["image/png"] and data["image/png"] in data["text/html"]
    fig.alt_text = "Two meetings, nine months apart."
    assert 'alt="Two meetings, nine months apart."' in _display.figure_html(fig)


def test_the_timeline_shows_as_svg_inside_its_img_and_no_png_is_made():
    """A figure with its own _repr_svg_ (the timeline) is an <img alt> holding that SVG, with the SVG beside it and no PNG."""
    from resetlab import load_events, timeline_figure

    fig = timeline_figure(load_events())
    data = _display.figure_data(fig)
    assert set(data) == {"text/html", "image/svg+xml"} and data["image/svg+xml"].lstrip().startswith("<?xml")
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', data["text/html"]).group(1)
    assert base64.b64decode(src).decode("utf-8") == data["image/svg+xml"]
    assert f'alt="{fig.alt_text}"' in _display.figure_html(fig)


def test_install_registers_the_formatters_with_ipython_and_is_harmless_without_it():
    """Inside IPython a DataFrame's and a Figure's HTML come from the course; outside there is nothing to do."""
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    assert _display.install(shell=object()) is False
    shell = InteractiveShell.instance()
    try:
        assert _display.install(shell) is True
        data, _ = shell.display_formatter.format(FRAMES["range index"])
        assert "<td></td>" in data["text/html"] and "<th></th>" not in data["text/html"]
        fig = Figure()
        fig.add_subplot().set_title("A title")
        data, _ = shell.display_formatter.format(fig)
        assert 'alt="Figure: A title.' in data["text/html"]
    finally:
        InteractiveShell.clear_instance()


def test_normalise_stores_the_language_info_jupyterlab_writes():
    """The full language_info the kernel reports (JupyterLab marks a notebook unsaved on opening if it differs)."""
    import platform

    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    normalise(nb)
    assert nb.metadata["language_info"] == language_info()
    assert language_info()["version"] == platform.python_version()
    assert {"codemirror_mode", "file_extension", "mimetype", "nbconvert_exporter", "pygments_lexer"} <= set(language_info())
