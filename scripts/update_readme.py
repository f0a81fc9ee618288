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


def updated(text: str) -> str:
    shutil.rmtree(ROOT / "demo-out", ignore_errors=True)

    def replace(match: re.Match[str]) -> str:
        return f"{match.group(1)}```console\n{render(match.group(2))}```\n"

    try:
        return MARKER.sub(replace, text)
    finally:
        shutil.rmtree(ROOT / "demo-out", ignore_errors=True)


def main() -> None:
    current = README.read_text()
    new = updated(current)
    if "--check" in sys.argv:
        if new != current:
            sys.exit("README.md examples are stale: run python scripts/update_readme.py")
        return
    README.write_text(new)


if __name__ == "__main__":
    main()
