"""``stats --plot``: the length histogram as a picture (matplotlib, imported only here)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import LstmdiagError
from ..judge.stats import LengthStats
from ..transform.write import atomic_path


def plot_lengths(stats: LengthStats, counts: Counter[int], path: str) -> None:
    target = Path(path)
    if target.suffix not in (".png", ".svg"):
        raise LstmdiagError("--plot takes a .png or .svg file name")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise LstmdiagError("--plot needs matplotlib: pip install 'lstmdiag[plot]'") from None
    fig = figure(stats, counts)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format=target.suffix[1:])
    plt.close(fig)


def figure(stats: LengthStats, counts: Counter[int]) -> Any:
    """The histogram, a dashed line per candidate maxlen, and each line's label placed where
    it overlaps no other (close candidates: p90=12 and p95=13 get a row each)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    lengths = sorted(counts)
    ax.bar(lengths, [counts[n] for n in lengths], width=1.0, color="#3b82f6")
    top = ax.get_ylim()[1]
    labels = []
    for c in stats.candidates:
        ax.axvline(
            c.maxlen, color="#16a34a" if c.recommended else "#9ca3af", linestyle="--", linewidth=1
        )
        labels.append(ax.text(c.maxlen, top * 0.95, f" {c.label}={c.maxlen}", fontsize=8))
    ax.set_xlabel("sequence length (timesteps)")
    ax.set_ylabel("sequences")
    ax.set_title(
        f"{stats.count} sequences; recommended maxlen "
        f"{next(c.maxlen for c in stats.candidates if c.recommended)}"
    )
    fig.tight_layout()
    _apart(fig, labels, top)
    return fig


def _apart(fig: Any, labels: list[Any], top: float) -> None:
    """Move each label down a row until its box overlaps none placed before it."""
    renderer = fig.canvas.get_renderer()
    placed: list[Any] = []
    for label in labels:
        row = 0
        box = label.get_window_extent(renderer)
        while any(box.overlaps(other) for other in placed) and row < 12:
            row += 1
            label.set_y(top * (0.95 - 0.075 * row))
            box = label.get_window_extent(renderer)
        placed.append(box)
