"""Charts as PNG bytes, drawn headless with matplotlib's Agg canvas (no display, no pyplot).

Where people would rather look than read: energy by model with EcoLogits' range
drawn (``/cost compare``), and usage over time (``/stats``). Labels follow the
reader's language and number format.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from bot.i18n import _

WIDTH_PX = 960
HEIGHT_PX = 540
DPI = 120
BAR = "#2ea043"
RANGE = "#1f4f2a"


def _canvas() -> tuple[object, object]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    return figure, FigureCanvasAgg(figure)


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)  # type: ignore[attr-defined]
    return buffer.getvalue()


def energy_by_model(
    labels: Sequence[str], low: Sequence[float], high: Sequence[float], tokens: int
) -> bytes:
    """Bars at the middle of each model's energy range, the range drawn as an error bar."""
    from matplotlib.ticker import FuncFormatter

    from bot.formatting import number_format

    fmt = number_format()
    figure, _canvas_ = _canvas()
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    middle = [(a + b) / 2 for a, b in zip(low, high, strict=True)]
    errors = [[m - a for m, a in zip(middle, low, strict=True)],
              [b - m for m, b in zip(middle, high, strict=True)]]  # fmt: skip
    positions = range(len(labels))
    axes.bar(positions, middle, color=BAR, yerr=errors, capsize=8, ecolor=RANGE)
    axes.set_xticks(list(positions), [label[:28] for label in labels], rotation=12, ha="right")
    axes.set_ylabel(_("Energy (Wh)"))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.significant(value)))
    axes.set_title(_("Energy to generate the same {tokens} tokens, with EcoLogits’ range").format(
        tokens=fmt.integer(tokens)))  # fmt: skip
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()  # type: ignore[attr-defined]
    return _png(figure)


def usage_over_time(days: Sequence[date], series: dict[str, Sequence[float]]) -> bytes:
    """One line per metric, one point per day."""
    figure, _canvas_ = _canvas()
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    for label, values in series.items():
        axes.plot(list(days), list(values), marker="o", label=label)
    axes.set_title(_("Use of Wattson in this chat, per day"))
    axes.grid(alpha=0.3)
    axes.legend()
    figure.autofmt_xdate()  # type: ignore[attr-defined]
    figure.tight_layout()  # type: ignore[attr-defined]
    return _png(figure)
