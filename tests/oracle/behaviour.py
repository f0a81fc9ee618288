"""The README's table of what Keras itself does, made from what the fix oracle observed: each
cell is the outcome of ``model.predict`` on a freshly loaded zoo model fed the faulty array
as it is. The oracle checks the README against its observations on every run;
``scripts/keras_table.py`` writes the table from a run's summaries."""

from __future__ import annotations

import re
from typing import Any

BEGIN, END = "<!-- keras-behaviour: begin -->", "<!-- keras-behaviour: end -->"

# (the data, the fault, the Sequential model, the functional model)
ROWS = (
    ("wrong number of timesteps `(N, t, F)`", "short", "seq_fixed", "func_fixed"),
    ("wrong number of features", "wrong_features", "seq_fixed", "func_fixed"),
    ("one sequence without its batch axis `(T, F)`", "lone", "seq_fixed", "func_fixed"),
    ("an extra axis `(1, N, T, F)`", "extra_axis", "seq_fixed", "func_fixed"),
    ("`(N, T)` into `(None, T, 1)`", "unit_axis", "uni_fixed", "uni_none"),
    ("one sequence `(T, 1)` into `(None, T, 1)`", "lone", "uni_fixed", "uni_none"),
    ("a stateful batch of 4 fed 1 sample", "batch_one", "stateful_seq", "stateful"),
    ("a stateful batch of 4 fed 3 samples", "batch_small", "stateful_seq", "stateful"),
    (
        "a stateful batch of 4 fed 12, default `batch_size`",
        "batch_multiple",
        "stateful_seq",
        "stateful",
    ),
)
COLUMNS = (("keras", "Keras 3"), ("tf_keras", "tf-keras 2"))


def cell(outcome: dict[str, Any] | None) -> str:
    if outcome is None:
        return "—"
    if outcome["ran"]:
        return "**runs**"
    kind = str(outcome["error"]).split(":", 1)[0]
    return f"raises `{kind}`"


def cells(observed: dict[str, dict[str, Any]], flavour: str) -> list[tuple[str, str]]:
    """(Sequential, functional) cells of every row, from one flavour's observations, keyed
    ``MODEL-FAULT``."""
    return [
        (cell(observed.get(f"{seq}-{fault}")), cell(observed.get(f"{func}-{fault}")))
        for _, fault, seq, func in ROWS
    ]


def render(by_flavour: dict[str, list[tuple[str, str]]], versions: dict[str, str]) -> str:
    head = " | ".join(
        f"{label} `{kind}`"
        for flavour, name in COLUMNS
        for label, kind in ((name, "Sequential"), (name, "functional"))
    )
    lines = [
        BEGIN,
        "Observed by the fix oracle (`tests/test_fix_oracle.py`) on freshly loaded models, "
        + ", ".join(versions[f] for f, _ in COLUMNS if f in versions)
        + "; `make keras-table` writes this table from its run:",
        "",
        f"| data | {head} |",
        "|---" * (1 + 2 * len(COLUMNS)) + "|",
    ]
    for i, (label, *_) in enumerate(ROWS):
        row = [
            c
            for flavour, _ in COLUMNS
            for c in by_flavour.get(flavour, [("—", "—")] * len(ROWS))[i]
        ]
        lines.append(f"| {label} | " + " | ".join(row) + " |")
    lines.append(END)
    return "\n".join(lines)


def readme_cells(readme: str, flavour: str) -> list[tuple[str, str]]:
    """The cells of one flavour's two columns, as the README has them."""
    block = readme.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = [line for line in block.splitlines() if line.startswith("| ") and "---" not in line]
    index = [f for f, _ in COLUMNS].index(flavour)
    out = []
    for line in rows[1:]:
        parts = [p.strip() for p in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        out.append((parts[1 + 2 * index], parts[2 + 2 * index]))
    return out
