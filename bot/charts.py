"""Charts as PNG bytes, drawn headless with matplotlib's Agg canvas (no display, no pyplot).

Where people would rather look than read: energy by model with EcoLogits' range
drawn (``/cost compare``), and usage over time (``/stats``). Labels follow the
reader's language; ticks fall on even steps (1, 2 or 5 times a power of ten)
and are written with the locale's symbols and as many decimals as the step
needs (``0,0010`` ``0,0015`` ``0,0020``), dates with Babel's month names.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bot.foundation.i18n import _, current_language

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


EVEN_STEPS = [1, 2, 5, 10]


def decimals_for(step: float) -> int:
    """Decimals that write every multiple of ``step`` exactly (0.0005 → 4, 2.5 → 1, 20 → 0)."""
    if step <= 0 or not math.isfinite(step):
        return 0
    exponent = Decimal(repr(round(float(step), 12))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _locale_ticks(axis: object, integer: bool = False) -> None:
    """Even ticks on ``axis``, written in the reader's number format."""
    from babel.numbers import format_decimal
    from matplotlib.ticker import Formatter, MaxNLocator

    language = current_language()

    class LocaleFormatter(Formatter):
        decimals = 0

        def set_locs(self, locs: list[float]) -> None:
            super().set_locs(locs)
            steps = [b - a for a, b in zip(locs, locs[1:], strict=False)]
            self.decimals = decimals_for(min(steps)) if steps else 0

        def __call__(self, value: float, pos: int | None = None) -> str:
            pattern = "#,##0." + "0" * self.decimals if self.decimals else "#,##0"
            return str(format_decimal(value, format=pattern, locale=language))

    axis.set_major_locator(MaxNLocator(steps=EVEN_STEPS, integer=integer))  # type: ignore[attr-defined]
    axis.set_major_formatter(LocaleFormatter())  # type: ignore[attr-defined]


def energy_by_model(
    labels: Sequence[str], low: Sequence[float], high: Sequence[float], tokens: int
) -> bytes:
    """Bars at the middle of each model's energy range, the range drawn as an error bar."""
    from bot.foundation.formatting import number_format

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
    _locale_ticks(axes.yaxis)
    axes.set_title(_("Energy to generate the same {tokens} tokens, with EcoLogits’ range").format(
        tokens=fmt.integer(tokens)))  # fmt: skip
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()  # type: ignore[attr-defined]
    return _png(figure)


def usage_over_time(days: Sequence[date], series: dict[str, Sequence[float]]) -> bytes:
    """One line per metric, one point per day (zero on days without use), counts as integers."""
    from babel.dates import format_skeleton
    from matplotlib.dates import AutoDateLocator, date2num, num2date
    from matplotlib.ticker import FuncFormatter

    language = current_language()
    figure, _canvas_ = _canvas()
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    for label, values in series.items():
        axes.plot(list(days), list(values), marker="o", label=label)
    axes.set_ylim(bottom=0)
    _locale_ticks(axes.yaxis, integer=True)
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=1, maxticks=8))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(
        FuncFormatter(
            lambda value, _pos: format_skeleton(
                "MMMd",
                num2date(value),  # type: ignore[no-untyped-call]
                locale=language,
            )
        )
    )
    if len(days) == 1:  # one day: centre it rather than let the axis collapse
        middle = date2num(days[0])  # type: ignore[no-untyped-call]
        axes.set_xlim(middle - 1, middle + 1)
    axes.set_title(_("Use of Wattson in this chat, per day"))
    axes.grid(alpha=0.3)
    axes.legend()
    figure.autofmt_xdate()  # type: ignore[attr-defined]
    figure.tight_layout()  # type: ignore[attr-defined]
    return _png(figure)
