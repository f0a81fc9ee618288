"""Write the README's table of what Keras itself does from a fix-oracle run.

Usage: LSTMDIAG_ORACLE_SUMMARY=PREFIX pytest tests/test_fix_oracle.py; then
       python scripts/keras_table.py PREFIX   (reads PREFIX.keras.json and PREFIX.tf_keras.json)
`make keras-table` does both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.oracle import behaviour  # noqa: E402


def main(prefix: str) -> None:
    by_flavour, versions = {}, {}
    for flavour, _ in behaviour.COLUMNS:
        summary = json.loads(Path(f"{prefix}.{flavour}.json").read_text())
        by_flavour[flavour] = behaviour.cells(summary["observed"], flavour)
        versions[flavour] = summary["keras"]
    readme = (ROOT / "README.md").read_text()
    head, rest = readme.split(behaviour.BEGIN, 1)
    tail = rest.split(behaviour.END, 1)[1]
    table = behaviour.render(by_flavour, versions)
    (ROOT / "README.md").write_text(head + table + tail)
    print(table)


if __name__ == "__main__":
    main(sys.argv[1])
