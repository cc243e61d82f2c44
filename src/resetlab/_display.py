"""How the course's tables and figures show in a notebook: accessible HTML for pandas and matplotlib.

``install()`` (called when ``resetlab`` is imported inside IPython) registers
two HTML formatters with IPython, by type name, so nothing heavy is imported:

* a pandas ``DataFrame`` keeps pandas' own HTML, but a table header is never
  empty (axe-core's ``empty-table-header``): the index's name moves into the
  corner cell, and a corner with nothing to say becomes a ``<td>`` (a data
  cell, not a header), as the W3C tables tutorial advises;
* a matplotlib ``Figure`` also shows as ``<img alt="...">``: JupyterLab draws
  an image output as an ``<img>`` with no ``alt`` and reads no metadata for
  one, so an HTML rendering (which JupyterLab prefers) is the only way to give
  the picture a text alternative.  The picture stays in the output too, for
  other front ends: SVG for a figure with its own ``_repr_svg_`` (the
  timeline), PNG for any other.

The alt text is ``figure.alt_text`` when a figure sets it, else it is made from
the figure's title; it always points at the text summary the course prints
beside every figure.  nbval never compares PNG, and the test set-up's
sanitiser treats a PNG inside the ``<img>`` the same way; the timeline's SVG
is the same bytes on every run, so nbval does compare it.
"""

from __future__ import annotations

import base64
import html
import io
import re

#: A figure that sets this attribute gets it as its alt text.
ALT_ATTRIBUTE = "alt_text"
_EMPTY_TH = re.compile(r"<th([^>]*)></th>")
_THEAD = re.compile(r"<thead>.*?</thead>", re.S)
_ROW = re.compile(r"\s*<tr[^>]*>.*?</tr>", re.S)


def _label(name) -> str:
    return "" if name is None else str(name)


def table_html(frame) -> str:
    """pandas' HTML for *frame* with no empty header cell (index names in the corner).

    >>> import pandas as pd
    >>> "<th></th>" in table_html(pd.DataFrame({"a": [1]}))
    False
    """
    text = frame._repr_html_()
    if text is None:  # pandas' own option display.notebook_repr_html is off
        return None
    index_names = [_label(n) for n in frame.index.names]
    if frame.columns.nlevels == 1 and any(index_names):
        match = _THEAD.search(text)
        if match:
            head = match.group(0)
            rows = _ROW.findall(head)
            if len(rows) == 2:  # the column labels, then a row of index names: fold the names into the corner
                cells = re.findall(r"<th[^>]*>.*?</th>", rows[0], re.S)
                corner = cells[: len(index_names)]
                column_name = _label(frame.columns.name)
                for i, cell in enumerate(corner):
                    name = index_names[i]
                    if i == len(corner) - 1 and column_name:
                        name = f"{name} / {column_name}" if name else column_name
                    corner[i] = f"<th>{html.escape(name)}</th>" if name else "<td></td>"
                first = rows[0]
                for old, new in zip(cells, corner):
                    first = first.replace(old, new, 1)
                text = text.replace(head, head.replace(rows[0], first, 1).replace(rows[1], "", 1), 1)
    return _EMPTY_TH.sub(r"<td\1></td>", text)


def alt_text(figure) -> str:
    """The figure's text alternative: its own ``alt_text``, else its title, and where its summary is."""
    own = getattr(figure, ALT_ATTRIBUTE, None)
    if own:
        return str(own)
    titles = []
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        titles.append(suptitle.get_text())
    titles += [ax.get_title() for ax in figure.get_axes() if ax.get_title()]
    what = titles[0] if titles else "a figure"
    return f"Figure: {what}. The text summary printed with it lists everything it shows."


def figure_png(figure) -> bytes:
    """The figure as PNG bytes (the figure's own ``_repr_png_`` when it has one)."""
    own = getattr(figure, "_repr_png_", None)
    if callable(own):
        return own()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def image_html(image: bytes, alt: str, mime: str = "image/png") -> str:
    """An ``<img>`` holding *image* (of type *mime*) inline, with *alt* escaped.

    >>> image_html(b"x", 'A "quoted" <b>title</b>')
    '<img alt="A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt;" src="data:image/png;base64,eA=="/>'
    """
    data = base64.b64encode(image).decode("ascii")
    return f'<img alt="{html.escape(alt, quote=True)}" src="data:{mime};base64,{data}"/>'


def figure_data(figure, image: bytes | str | None = None) -> dict[str, str]:
    """A display bundle's ``data`` for *figure*: ``text/html`` (the ``<img alt>``) and the picture itself.

    A figure with its own ``_repr_svg_`` (the timeline) is shown as SVG, any
    other as PNG; *image* is that picture when the caller has made it already.
    """
    own_svg = getattr(figure, "_repr_svg_", None)
    if callable(own_svg):
        svg = own_svg() if image is None else image
        return {"text/html": image_html(svg.encode("utf-8"), alt_text(figure), "image/svg+xml"), "image/svg+xml": svg}
    png = figure_png(figure) if image is None else image
    return {"text/html": image_html(png, alt_text(figure)), "image/png": base64.b64encode(png).decode("ascii")}


def figure_html(figure) -> str:
    """The HTML formatter for a matplotlib figure: its picture with a text alternative."""
    return figure_data(figure)["text/html"]


def install(shell=None) -> bool:
    """Register the formatters with the running IPython (once); False when there is none."""
    if shell is None:
        import sys

        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    formatter = shell.display_formatter.formatters["text/html"]
    for module in ("pandas", "pandas.core.frame"):
        formatter.for_type_by_name(module, "DataFrame", table_html)
    formatter.for_type_by_name("matplotlib.figure", "Figure", figure_html)
    return True
