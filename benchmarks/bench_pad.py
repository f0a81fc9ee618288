"""`lstmdiag pad --stack` end to end: a folder of 20,000 variable-length .npy sequences to one
padded (N, maxlen, 64) float32 array of 512 MB, against the naive script (np.load each +
keras pad_sequences + np.save) in the same run, plus a plain `cp` of the same input bytes.

Targets: >= 2x faster than naive; lstmdiag's peak RSS < 200 MiB while writing 512 MB.
Also `pad --stack` of the error path's 100,000 files (1, 4-10, 8) to (100000, 10, 8), as a
ratio to the floor of its own run (median of 3; target < 4 s).
With --big it also pads one 5 GB .npy dataset (to a 6 GB output) and reports peak RSS
(target < 200 MiB); that needs ~12 GB of free disk in bench-out/.
"""

from __future__ import annotations

import shutil
import sys

import numpy as np
from _measure import LSTMDIAG, ROOT, WORK, against_floor, error_folder, run


def _fresh(out) -> None:
    out.unlink(missing_ok=True)
    out.with_name(out.stem + ".lengths.npy").unlink(missing_ok=True)


COUNT, FEATURES, MAXLEN = 20_000, 64, 100
NAIVE = (
    "import glob, sys, time, numpy as np\n"
    "t0 = time.perf_counter()\n"
    "from keras.utils import pad_sequences\n"
    "t1 = time.perf_counter()\n"
    "seqs = [np.load(f) for f in sorted(glob.glob(sys.argv[1] + '/*.npy'))]\n"
    "x = pad_sequences(seqs, maxlen=int(sys.argv[3]), dtype='float32', padding='post',\n"
    "                  truncating='post')\n"
    "np.save(sys.argv[2], x)\n"
    "print(f'import {t1 - t0:.2f}')\n"
)


def make_inputs(folder) -> int:
    if folder.exists() and len(list(folder.iterdir())) == COUNT:
        return sum(p.stat().st_size for p in folder.iterdir())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i, n in enumerate(rng.integers(50, 151, size=COUNT)):
        np.save(folder / f"seq{i:05d}.npy", rng.standard_normal((n, FEATURES), np.float32))
    return sum(p.stat().st_size for p in folder.iterdir())


def error_path() -> None:
    folder = error_folder(WORK / "errors-100000", 100_000)
    out = WORK / "pad-100k.npy"
    model = ROOT / "fixtures/models/k3/seq_fixed.keras"
    cmd = [*LSTMDIAG, "pad", str(folder), "--model", str(model), "--stack", str(out), "-q"]
    wall, base, ratio, rss = against_floor(cmd, folder, before=lambda: _fresh(out))
    print(
        f"pad --stack 100,000 files: {wall:5.2f} s, floor {base:4.2f} s, {ratio:4.2f}x the "
        f"floor, peak {rss:4.0f} MiB  [target < 4 s]"
    )
    _fresh(out)


def main() -> None:
    WORK.mkdir(exist_ok=True)
    error_path()
    src = WORK / "pad-20k"
    size = make_inputs(src)
    ours_out, naive_out, cp_out = WORK / "pad-ours.npy", WORK / "pad-naive.npy", WORK / "cp"
    for p in (ours_out, naive_out, WORK / "pad-ours.lengths.npy"):
        p.unlink(missing_ok=True)
    shutil.rmtree(cp_out, ignore_errors=True)
    cp, _, _ = run(["cp", "-r", str(src), str(cp_out)])
    args = [
        "pad",
        str(src),
        "--sequence-files",
        "--maxlen",
        str(MAXLEN),
        "--padding",
        "post",
        "--truncating",
        "post",
        "--stack",
        str(ours_out),
        "--quiet",
        "--force",
    ]
    no_sync = (
        "import sys, lstmdiag.transform.write as w; w.FSYNC = False; "
        "from lstmdiag.cli import main; sys.argv = ['lstmdiag'] + sys.argv[1:]; main()"
    )
    # Alternate the two, best of 3 each: writeback timing makes single runs noisy.
    synced, unsynced, rss = [], [], 0.0
    for _ in range(3):
        _fresh(ours_out)
        wall, peak, _ = run([*LSTMDIAG, *args])
        synced.append(wall)
        rss = max(rss, peak)
        _fresh(ours_out)
        unsynced.append(run([sys.executable, "-c", no_sync, *args])[0])
    _fresh(ours_out)
    run([*LSTMDIAG, *args])
    ours, unsynced_best = min(synced), min(unsynced)
    naive, naive_rss, text = run(
        [sys.executable, "-c", NAIVE, str(src), str(naive_out), str(MAXLEN)]
    )
    imp = float(text.split()[-1])
    same = np.load(ours_out, mmap_mode="r")
    other = np.load(naive_out, mmap_mode="r")
    equal = same.shape == other.shape and all(
        np.array_equal(same[i : i + 2000], other[i : i + 2000]) for i in range(0, COUNT, 2000)
    )
    out_mb = ours_out.stat().st_size / 1e6
    print(
        f"input {size / 1e6:.0f} MB in {COUNT} files -> output {out_mb:.0f} MB; "
        f"identical to pad_sequences: {equal}"
    )
    print(f"lstmdiag pad:  {ours:6.2f} s, peak RSS {rss:5.0f} MiB")
    print(
        f"naive script:  {naive:6.2f} s, peak RSS {naive_rss:5.0f} MiB "
        f"({naive - imp:.2f} s without its {imp:.2f} s keras import)"
    )
    print(f"cp -r input:   {cp:6.2f} s")
    print(
        f"without fsync: {unsynced_best:6.2f} s: fsync of the outputs and their folder costs "
        f"{ours - unsynced_best:+.2f} s ({(ours - unsynced_best) / max(unsynced_best, 1e-9):+.0%})"
        " (best of 3 each)"
    )
    print(
        f"speed-up vs naive: {naive / ours:.1f}x ({(naive - imp) / ours:.1f}x without import); "
        f"throughput = {cp / ours:.0%} of cp  [targets: >= 2x, RSS < 200 MiB]"
    )
    shutil.rmtree(cp_out, ignore_errors=True)
    naive_out.unlink(missing_ok=True)


def big() -> None:
    src = WORK / "pad-5gb.npy"
    rows, steps, features = 195_313, 100, 64  # 5.0 GB of float32
    if not src.exists():
        out = np.lib.format.open_memmap(
            src, mode="w+", dtype=np.float32, shape=(rows, steps, features)
        )
        for start in range(0, rows, 8192):
            out[start : start + 8192] = 1.0
        out.flush()
        del out
    dest = WORK / "pad-5gb-out"
    shutil.rmtree(dest, ignore_errors=True)
    wall, rss, _ = run(
        [*LSTMDIAG, "pad", str(src), "--maxlen", "120", "--out", str(dest), "--quiet"]
    )
    size = (dest / src.name).stat().st_size
    print(
        f"5 GB dataset -> {size / 1e9:.1f} GB padded: {wall:.1f} s, peak RSS {rss:.0f} MiB "
        "[target < 200 MiB]"
    )
    shutil.rmtree(dest, ignore_errors=True)


def giant_row() -> None:
    """One sequence padded to a 1.2 GB row: memory must not depend on maxlen."""
    src = WORK / "pad-tiny.npy"
    np.save(src, np.ones((1, 3, 8), np.float32))
    dest = WORK / "pad-giant-out"
    shutil.rmtree(dest, ignore_errors=True)
    wall, rss, _ = run(
        [
            *LSTMDIAG,
            "pad",
            str(src),
            "--maxlen",
            "37500000",
            "--force",
            "--out",
            str(dest),
            "--quiet",
        ]
    )
    size = (dest / src.name).stat().st_size
    print(
        f"one row padded to {size / 1e9:.1f} GB: {wall:.1f} s, peak RSS {rss:.0f} MiB "
        "[flat: independent of maxlen]"
    )
    shutil.rmtree(dest, ignore_errors=True)


if __name__ == "__main__":
    main()
    giant_row()
    if "--big" in sys.argv:
        big()
