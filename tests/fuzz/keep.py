"""Add a failing input to the regression corpus: python -m tests.fuzz.keep RUN.jsonl CASE FILE
(the record from a driver run, and the input that --keep saved). Never for inputs made from
../shared/corpus: those are replayed from it (mark them with "corpus": true by hand)."""

from __future__ import annotations

import io
import json
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).parent


def main(run: str, case: str, file: str) -> None:
    record = next(
        r for r in map(json.loads, Path(run).read_text().splitlines()) if r.get("case") == case
    )
    index = json.loads((HERE / "regressions.json").read_text())
    name = Path(file).name
    archive = HERE / "regressions.tar.xz"
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    members[name] = Path(file).read_bytes()
    with tarfile.open(archive, "w:xz", preset=9) as tar:
        for member, data in sorted(members.items()):
            info = tarfile.TarInfo(member)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    entry = {
        "case": case,
        "seed": record["seed"],
        "mutation": record["mutation"],
        "command": record["command"],
        "was": record["wrong"][:160],
        "file": name,
    }
    index = [e for e in index if e["case"] != case] + [entry]
    (HERE / "regressions.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
