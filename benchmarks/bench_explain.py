"""`lstmdiag explain` speed, against floors measured in the same run.

1. Every labelled real message in tests/realworld/ (about 560), explained in-process: best
   of 7, as a ratio to a floor that cleans each text and runs one regular expression over
   it. Target: <= 50x the floor, < 2 ms a message.
2. `lstmdiag explain LOG` on error logs of 64 KiB, 256 KiB and 1 MiB whose error is at the
   end, after Keras progress bars, a run without spaces, brackets or random printable noise
   (the shapes that once made three recognisers quadratic). Cold processes, best of 3, as a
   ratio to `lstmdiag --version`. Targets: 1 MiB in < 2 s; 1 MiB / 256 KiB <= 5 (linear: 4).
"""

from __future__ import annotations

import json
import random
import re
import sys
import time

from _measure import LSTMDIAG, ROOT, WORK, best

sys.path.insert(0, str(ROOT / "src"))

from lstmdiag.judge.error_text import clean
from lstmdiag.judge.explain import explain

ERROR = (
    'ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
    "shape=(None, 10, 8), found shape=(None, 4, 8)\n"
)
_ANY = re.compile(r"(?:Error|Exception)\b[^:\n]*:")


def texts() -> list[str]:
    found = []
    for path in sorted((ROOT / "tests/realworld").glob("*.json")):
        if path.name == "scores.json":
            continue
        found += [e["text"] for e in json.loads(path.read_text("utf-8"))]
    return found


def timed(fn: object, items: list[str], repeat: int = 7) -> float:
    best_s = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for t in items:
            fn(t)  # type: ignore[operator]
        best_s = min(best_s, time.perf_counter() - start)
    return best_s


def messages() -> None:
    items = texts()
    ours = timed(explain, items)
    base = timed(lambda t: _ANY.search(clean(t)), items)
    print(f"{len(items)} real messages: {ours:.3f} s ({ours / len(items) * 1e3:.2f} ms each), "
          f"{ours / base:.1f}x the floor ({base:.3f} s)")  # fmt: skip


def noise(kind: str, size: int) -> str:
    rnd = random.Random(0)
    if kind == "progress bars":
        unit = "12/100 [==>...........................] - ETA: 3s - loss: 0.5123\r"
        return unit * (size // len(unit))
    if kind == "no spaces":
        return "x" * size
    if kind == "brackets":
        return "[1," * (size // 3)
    return "".join(rnd.choice("ab(),[]=:' \n\"_0123456789") for _ in range(size))


def logs() -> None:
    WORK.mkdir(exist_ok=True)
    start, _, _ = best([*LSTMDIAG, "--version"])
    print(f"floor: `lstmdiag --version` {start:.3f} s")
    for kind in ("progress bars", "no spaces", "brackets", "noise"):
        walls = {}
        for size in (64 << 10, 256 << 10, 1 << 20):
            log = WORK / "explain.log"
            log.write_text(noise(kind, size) + "\n" + ERROR, "utf-8")
            walls[size], _, out = best([*LSTMDIAG, "explain", str(log), "--format", "json"])
            assert json.loads(out)["kind"] == "timesteps", out
        ratio = walls[1 << 20] / walls[256 << 10]
        print(f"{kind:14} 64 KiB {walls[64 << 10]:.3f} s, 256 KiB {walls[256 << 10]:.3f} s, "
              f"1 MiB {walls[1 << 20]:.3f} s ({walls[1 << 20] / start:.1f}x the floor; "
              f"1 MiB / 256 KiB {ratio:.1f})")  # fmt: skip


def main() -> None:
    messages()
    logs()
    print("targets: <= 50x the floor and < 2 ms a message; 1 MiB in < 2 s, 1 MiB / 256 KiB <= 5")


if __name__ == "__main__":
    main()
