"""Add up fuzzer runs: python -m tests.fuzz.tally RUN.jsonl... (exit 1 on any failure)."""

from __future__ import annotations

import collections
import json
import sys


def main(paths: list[str]) -> int:
    total: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    for path in paths:
        with open(path) as fh:
            for line in fh:
                record = json.loads(line)
                if "summary" in record:
                    total.update(record["summary"])
                else:
                    kinds[f"{record['command']} {record['seed']}: {record['wrong'][:100]}"] += 1
    print(f"{total['inputs']} inputs, {total['commands']} commands, {total['failures']} failures")
    for kind, count in kinds.most_common():
        print(f"  {count} x {kind}")
    return 1 if total["failures"] or not total["inputs"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
