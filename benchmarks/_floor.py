"""The floor a header-only check cannot beat: open every .npy file under a folder and parse
its header (numpy's own format, by regex), count the arrays that do not fit (10, 8). Run it
beside `lstmdiag --version` (start-up): their sum is the floor each benchmark is divided by."""

from __future__ import annotations

import os
import re
import sys

HEADER = re.compile(
    rb"\{'descr': '([<>|=]?[a-zA-Z]\d*)', 'fortran_order': (True|False), "
    rb"'shape': \(((?:\d+, ?)*\d*)\), \} *\n"
)


def main(folder: str) -> None:
    bad = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                head = fh.read(10)
                match = HEADER.fullmatch(fh.read(int.from_bytes(head[8:10], "little")))
                assert match is not None, name
                shape = tuple(int(d) for d in match.group(3).split(b",") if d.strip())
                bad += shape[1:] != (10, 8)
    print(bad)


if __name__ == "__main__":
    main(sys.argv[1])
