"""Regenerate the example outputs in README.md from real runs (``--check``: fail if stale).

Each example is a fenced block right after a marker line ``<!-- run: ARGS -->``; the block is
replaced with ``$ lstmdiag ARGS`` and what that command prints (no colour, 100 columns).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = re.compile(r"(<!-- run: (.+?) -->\n)```[a-z]*\n.*?```\n", re.S)


def render(args: str) -> str:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", TERM="dumb")
    proc = subprocess.run(
        [sys.executable, "-m", "lstmdiag", *shlex.split(args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    text = proc.stdout + proc.stderr
    lines = [line.rstrip() for line in text.rstrip().splitlines()]
    return f"$ lstmdiag {args}\n" + "\n".join(lines) + f"\n# exit code {proc.returncode}\n"


def realistic_folder() -> None:
    """demo-out/clips/: 300 recordings of 3 to 199 frames, as a real folder looks (a few
    already the model's length): what a reader of the README sees first."""
    import numpy as np

    folder = ROOT / "demo-out" / "clips"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(300):
        steps = 10 if i % 23 == 0 else int(rng.integers(3, 200))
        np.save(folder / f"clip_{i:04d}.npy", rng.standard_normal((1, steps, 8), np.float32))


def updated(text: str) -> str:
    shutil.rmtree(ROOT / "demo-out", ignore_errors=True)
    realistic_folder()

    def replace(match: re.Match[str]) -> str:
        return f"{match.group(1)}```console\n{render(match.group(2))}```\n"

    try:
        return MARKER.sub(replace, text)
    finally:
        shutil.rmtree(ROOT / "demo-out", ignore_errors=True)


def screenshot() -> None:
    """docs/check.svg: the coloured check table, exported by rich itself."""
    from rich.console import Console

    from lstmdiag.data.discover import describe_paths
    from lstmdiag.judge.check_options import CheckOptions
    from lstmdiag.judge.checks import check_arrays
    from lstmdiag.model import read_model
    from lstmdiag.render.table import check_view

    os.chdir(ROOT)
    model = "fixtures/models/k3/seq_fixed.keras"
    report = check_arrays(
        read_model(model), describe_paths(["fixtures/data"]), CheckOptions(model_arg=model)
    )
    with open(os.devnull, "w") as sink:
        console = Console(
            record=True, width=120, force_terminal=True, color_system="truecolor", file=sink
        )
        console.print(f"$ lstmdiag check {model} fixtures/data")
        console.print(check_view(report), soft_wrap=True)
    (ROOT / "docs").mkdir(exist_ok=True)
    console.save_svg(str(ROOT / "docs" / "check.svg"), title="lstmdiag check")


def main() -> None:
    current = README.read_text()
    new = updated(current)
    if "--check" in sys.argv:
        if new != current:
            sys.exit("README.md examples are stale: run python scripts/update_readme.py")
        return
    README.write_text(new)
    screenshot()


if __name__ == "__main__":
    main()
