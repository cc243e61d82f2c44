"""A matplotlib figure as SVG text, with its words left as text and their measurements remembered.

Drawing a figure, matplotlib measures every text it lays out with FreeType,
and it remembers those measurements only for as long as one renderer lives.
A PNG canvas that is drawn again keeps its renderer; an SVG is written by a
new renderer every time, so the timeline's 40-odd labels were measured afresh
on every redraw: about half the time an SVG took to write.  The width of a
string in a font is a fact about the string and the font, so ``figure_svg``
keeps the measurements (the same numbers FreeType gives) for the session.

The output is byte for byte what ``figure.savefig(format="svg")`` writes
under the same settings (a test compares them).
"""

from __future__ import annotations

import io
from functools import lru_cache

#: Words as ``<text>`` (sharp at any zoom, found by the browser's search), ids from a fixed salt, so the
#: same figure gives the same bytes every run and nbval can compare them.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "resetlab"}
SVG_METADATA = {"Date": None}  # no timestamp in the file


@lru_cache(maxsize=1)
def _text_to_path():
    from matplotlib.textpath import TextToPath

    return TextToPath()


@lru_cache(maxsize=4096)
def _measure(text: str, prop, ismath) -> tuple[float, float, float]:
    return _text_to_path().get_text_width_height_descent(text, prop, ismath)


@lru_cache(maxsize=1)
def _renderer_class():
    from matplotlib.backends.backend_svg import RendererSVG

    class MeasuringOnceSVG(RendererSVG):
        def get_text_width_height_descent(self, s, prop, ismath):
            # a copy: FontProperties can change after it is used as a key (matplotlib's own cache does the same)
            return _measure(s, prop.copy(), ismath)

    return MeasuringOnceSVG


def figure_svg(figure) -> str:
    """*figure* as SVG text, as ``savefig(format="svg")`` would write it with :data:`SVG_RC`."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_mixed import MixedModeRenderer

    buffer = io.StringIO()
    dpi = figure.dpi
    with rc_context(SVG_RC):
        figure.dpi = 72  # SVG's unit is the point; matplotlib's own print_svg does the same
        try:
            width, height = figure.get_size_inches()
            svg = _renderer_class()(width * 72, height * 72, buffer, image_dpi=dpi, metadata=SVG_METADATA)
            renderer = MixedModeRenderer(figure, width, height, dpi, svg)
            figure.draw(renderer)
            renderer.finalize()
        finally:
            figure.dpi = dpi
    return buffer.getvalue()
