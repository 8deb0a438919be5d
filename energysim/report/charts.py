"""The board report's static charts (matplotlib, Agg), as PNG bytes for the PDF.

Drawn for paper: 220 dpi, text at 8-9 pt once placed at the report's width, colours that
stay apart in grey print (the dashboard's roles' colours, darker). matplotlib is imported
when a chart is drawn, never on ``energysim run``'s import path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from io import BytesIO
from typing import Any

import numpy as np
import pandas as pd

COLORS = {
    "roof": "#c98a00",
    "common": "#5b6f8a",
    "tenants": "#2f7d4f",
    "members": "#7a4f9a",
    "grid": "#8c8c8c",
    "battery_losses": "#b5523b",
}
"""One colour per place a kWh goes."""

DPI = 220


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 8, "font.family": "DejaVu Sans"})
    return plt


def _png(fig: Any) -> bytes:
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def roof_flows(
    flows: pd.DataFrame, names: Mapping[str, str], label: Callable[[float, float], str]
) -> bytes:
    """Where the roof's kWh go: one band from the roof that splits into a band per place,
    each as wide as its kWh (a Sankey of one source; own strings are part of the place
    they serve).

    Parameters
    ----------
    flows : pandas.DataFrame
        :func:`energysim.results.flows.energy_flows`.
    names : mapping
        Place -> its name in the report's language.
    label : callable
        (kWh, share) -> the words after a place's name (numbers the language's way).
    """
    plt = _pyplot()
    out = flows[flows["target"] != "own_strings"].groupby("target")["energy_kwh"].sum()
    order = [p for p in ("common", "tenants", "members", "battery_losses", "grid") if p in out]
    values = [float(out[p]) for p in order]
    total = sum(values)
    fig, ax = plt.subplots(figsize=(6.3, 2.4))
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.axis("off")
    ax.add_patch(plt.Rectangle((0.0, 0.0), 0.05, 1.0, color=COLORS["roof"]))
    ax.text(0.025, 0.5, names["roof"], rotation=90, ha="center", va="center", color="white")
    gap = 0.04 if len(values) > 1 else 0.0
    scale = (1.0 - gap * (len(values) - 1)) / total
    x = np.linspace(0.05, 0.5, 60)
    smooth = (lambda u: 3 * u**2 - 2 * u**3)((x - 0.05) / 0.45)
    left, right = 1.0, 1.0
    for place, value in zip(order, values, strict=True):
        h_left, h_right = value / total, value * scale
        top = left + (right - left) * smooth
        bottom = (left - h_left) + ((right - h_right) - (left - h_left)) * smooth
        ax.fill_between(x, bottom, top, color=COLORS[place], alpha=0.35, lw=0)
        ax.add_patch(plt.Rectangle((0.5, right - h_right), 0.025, h_right, color=COLORS[place]))
        ax.text(
            0.54,
            right - h_right / 2,
            f"{names[place]}: {label(value, value / total)}",
            va="center",
            ha="left",
            fontsize=8,
        )
        left -= h_left
        right -= h_right + gap
    return _png(fig)


def benefit_per_household(
    groups: Sequence[tuple[str, np.ndarray]], axis: str, amount: Callable[[float], str]
) -> bytes:
    """Each group's benefits per household per year: a box (25th-75th percentile, the
    median) and every household as a dot, on one axis with zero marked; ``amount``
    writes a tick's euros the language's way."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 0.55 + 0.55 * len(groups)))
    rng = np.random.default_rng(0)  # the dots' vertical spread only, not a figure
    labels = []
    for row, (name, values) in enumerate(groups):
        y = len(groups) - 1 - row
        labels.append((y, name))
        if len(values):
            ax.boxplot(
                values,
                positions=[y],
                orientation="horizontal",
                widths=0.5,
                showfliers=False,
                medianprops={"color": "black"},
            )
            ax.scatter(values, y + rng.uniform(-0.18, 0.18, len(values)), s=5, alpha=0.55)
    ax.axvline(0, color="#b5523b", lw=0.8)
    ax.set_yticks([y for y, _ in labels], [n for _, n in labels])
    ax.set_xlabel(axis)
    ax.xaxis.set_major_formatter(lambda v, _pos: amount(v))
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)
