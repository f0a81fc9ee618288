"""The mutation fuzzer's driver: run every command on mutated copies of real files, in this
process, under an address-space limit and a time bound per command, and print one JSON line
per failure (a traceback, an internal error, a hang, an exit code outside 0-2, a write into
the input folder) and a last line with the counts.

Usage: python -m tests.fuzz.driver --seed S --count N [--out FAILED_DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import resource
import select
import shutil
import signal
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
SECONDS = 20  # per command: far above any honest run on these small files
MEMORY = 4 << 30  # address space: a reader that trusts a header's size hits this

from tests.fuzz.mutate import mutations_for  # noqa: E402


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so no reader's `except Exception` hides it."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang()


@dataclass(frozen=True)
class Seed:
    name: str  # the file name the copy gets (its suffix picks the reader)
    data: bytes
    kind: str  # "model" | "data" | "savedmodel" | "folder"
    # kind "folder": the fixture folder copied whole, with the mutated bytes as this file in it
    # (an MLflow model's MLmodel, a Triton model's config.pbtxt)
    folder: Path | None = None
    file: str = ""


def _generated() -> list[Seed]:
    """Seeds no fixture holds: .npz (stored and compressed), Parquet."""
    rng = np.random.default_rng(0)
    out = []
    for name, save in (("a.npz", np.savez), ("c.npz", np.savez_compressed)):
        buf = io.BytesIO()
        save(buf, x=rng.uniform(size=(4, 6, 8)).astype("float32"), y=np.arange(4))
        out.append(Seed(name, buf.getvalue(), "data"))
    with contextlib.suppress(ImportError):
        import pyarrow as pa
        import pyarrow.parquet as pq

        buf = io.BytesIO()
        pq.write_table(pa.table({f"s{i}": rng.uniform(size=50) for i in range(8)}), buf)
        out.append(Seed("t.parquet", buf.getvalue(), "data"))
    return out


def seeds() -> list[Seed]:
    out = []
    for path in sorted((FIXTURES / "data").glob("*.npy")):
        out.append(Seed(path.name, path.read_bytes(), "data"))
    out.append(Seed("clips.h5", (FIXTURES / "ragged/clips.h5").read_bytes(), "data"))
    out.append(Seed("sensors.csv", (FIXTURES / "tables/sensors.csv").read_bytes(), "data"))
    out += _generated()
    for gen in ("k2", "k3"):
        for name in ("seq_fixed", "func_masking", "two_input", "nested", "embed_maskzero_gru"):
            for ext in (".keras", ".h5", ".json"):
                path = FIXTURES / "models" / gen / f"{name}{ext}"
                if path.exists():
                    out.append(Seed(f"{gen}_{name}{ext}", path.read_bytes(), "model"))
    for path in sorted((FIXTURES / "models/tflite").glob("*.tflite")):
        out.append(Seed(path.name, path.read_bytes(), "model"))
    for path in sorted((FIXTURES / "models/onnx").glob("*.onnx")):
        out.append(Seed(path.name, path.read_bytes(), "model"))
    for folder in sorted((FIXTURES / "models/mlflow").glob("*/")) + sorted(
        (FIXTURES / "models/triton").glob("*/")
    ):
        file = "MLmodel" if (folder / "MLmodel").is_file() else "config.pbtxt"
        name = f"{folder.parent.name}_{folder.name}_{file}"
        out.append(Seed(name, (folder / file).read_bytes(), "folder", folder, file))
    pb = FIXTURES / "models/k3/two_input_export/saved_model.pb"
    out.append(Seed("saved_model.pb", pb.read_bytes(), "savedmodel"))
    for meta in sorted(CORPUS.glob("*/keras_metadata.pb")) if CORPUS.is_dir() else []:
        out.append(Seed("keras_metadata.pb", meta.read_bytes(), "savedmodel"))
        break
    return out


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _place(seed: Seed, data: bytes, where: Path) -> str:
    """Write the mutated seed as a user would have it; the path to give the commands."""
    if seed.kind == "folder" and seed.folder is not None:
        shutil.copytree(seed.folder, where / "model")
        (where / "model" / seed.file).write_bytes(data)
        return str(where / "model")
    if seed.kind == "savedmodel":
        src = FIXTURES / "models/k3/two_input_export"
        shutil.copytree(src, where / "model")
        (where / "model" / seed.name).write_bytes(data)
        return str(where / "model")
    (where / seed.name).write_bytes(data)
    return str(where / seed.name)


def commands(seed: Seed, path: str, out: Path) -> list[list[str]]:
    ok = str(FIXTURES / "data/ok.npy")
    model = str(FIXTURES / "models/k3/seq_fixed.keras")
    if seed.kind != "data":
        return [["inspect", path], ["inspect", path, "--format", "json"], ["check", path, ok]]
    return [
        ["check", model, path],
        ["check", model, path, "--deep", "--format", "junit"],
        ["stats", path, "--format", "json"],
        ["pad", path, "--maxlen", "5", "--out", str(out / "padded")],
        ["window", path, "--timesteps", "3", "--out", str(out / "windows")],
    ]


def run(args: list[str]) -> tuple[str | None, str]:
    """(what went wrong or None, the output) for one command, in this process."""
    from typer.testing import CliRunner

    from lstmdiag.cli import app

    runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})
    signal.alarm(SECONDS)
    try:
        result = runner.invoke(app, args, catch_exceptions=True)
    except Hang:
        return "hang", ""
    finally:
        signal.alarm(0)
    text = result.output
    exc = result.exception
    if isinstance(exc, Hang):
        return "hang", text
    if exc is not None and not isinstance(exc, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return f"traceback {type(exc).__name__}: {str(exc)[:200]}", tb[-3000:]
    if "Traceback (most recent call last)" in text:
        return "traceback in output", text[-3000:]
    if "internal error" in text:
        return "internal error", text[-3000:]
    if result.exit_code not in (0, 1, 2):
        return f"exit {result.exit_code}", text[-3000:]
    return None, text


def cases(seed_value: int, count: int, pool: list[Seed]) -> Iterator[tuple[int, Seed, str, bytes]]:
    for index in range(count):
        rng = random.Random(zlib.crc32(f"{seed_value}:{index}".encode()))
        seed = rng.choice(pool)
        mutation = rng.choice(mutations_for(seed.name))
        yield index, seed, mutation.__name__, mutation(seed.data, rng)


def run_case(
    label: str, seed: Seed, how: str, data: bytes, where: Path, keep: Path | None
) -> tuple[int, int]:
    """Every command on one mutated input; (commands run, failures), each failure printed."""
    (where / "in").mkdir(parents=True)
    path = _place(seed, data, where / "in")
    before = _tree(where / "in")
    ran = failed = 0
    for args in commands(seed, path, where):
        ran += 1
        wrong, text = run(args)
        if wrong is None and _tree(where / "in") != before:
            wrong = "wrote into the input folder"
        if wrong is None:
            continue
        failed += 1
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{label.replace(':', '-')}-{seed.name}").write_bytes(data)
        record = {
            "case": label,
            "seed": seed.name,
            "mutation": how,
            "command": args[0],
            "args": [a.replace(str(where), "CASE") for a in args],
            "wrong": wrong,
            "output": text,
        }
        print(json.dumps(record), flush=True)
    shutil.rmtree(where, ignore_errors=True)
    return ran, failed


CASE_SECONDS = 120  # a whole case in its forked child: what the in-process alarm cannot stop


def isolated(
    label: str, seed: Seed, how: str, data: bytes, where: Path, keep: Path | None
) -> tuple[int, int]:
    """run_case in a forked child, killed past CASE_SECONDS (C code that loops while holding
    the GIL ignores the alarm): then one "hang" failure."""
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            ran, failed = run_case(label, seed, how, data, where, keep)
        finally:
            sys.stdout.flush()
        os._exit(min(ran, 15) * 16 + min(failed, 15))
    fd = os.pidfd_open(pid)
    try:
        done = select.select([fd], [], [], CASE_SECONDS)[0]
    finally:
        os.close(fd)
    if not done:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        record = {"case": label, "seed": seed.name, "mutation": how, "command": "*"}
        print(json.dumps({**record, "args": [], "wrong": "hang", "output": ""}), flush=True)
        return 1, 1
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if status < 0:  # killed by a signal: a crash of the process itself
        record = {"case": label, "seed": seed.name, "mutation": how, "command": "*"}
        print(json.dumps({**record, "args": [], "wrong": f"signal {-status}", "output": ""}))
        return 1, 1
    return status // 16, status % 16


def replayed(pool: list[Seed]) -> Iterator[tuple[str, Seed, str, bytes]]:
    """The inputs that once failed (tests/fuzz/regressions.json): stored ones from the
    archive; those made from ../shared/corpus again from it (never stored), when present."""
    import tarfile

    here = Path(__file__).with_name("regressions.json")
    entries = json.loads(here.read_text())
    by_name = {s.name: s for s in pool}
    with tarfile.open(here.with_name("regressions.tar.xz")) as tar:
        stored = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    wanted = {e["case"]: e for e in entries if e.get("corpus")}
    for e in entries:
        if "file" in e and e["seed"] in by_name:
            yield e["case"], by_name[e["seed"]], e["mutation"], stored[e["file"]]
    for value in sorted({int(c.split(":")[0]) for c in wanted}):
        last = max(int(c.split(":")[1]) for c in wanted if c.startswith(f"{value}:"))
        for index, seed, how, data in cases(value, last + 1, pool):
            if f"{value}:{index}" in wanted and seed.name == wanted[f"{value}:{index}"]["seed"]:
                yield f"{value}:{index}", seed, how, data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--replay", action="store_true", help="the inputs that once failed")
    parser.add_argument("--keep", type=Path, default=None, help="save failing inputs here")
    opts = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    signal.signal(signal.SIGALRM, _alarm)
    tally = {"inputs": 0, "commands": 0, "failures": 0}
    pool = seeds()
    todo = (
        replayed(pool)
        if opts.replay
        else ((f"{opts.seed}:{i}", s, h, d) for i, s, h, d in cases(opts.seed, opts.count, pool))
    )
    with tempfile.TemporaryDirectory(prefix="lstmdiag-fuzz-") as tmp:
        for n, (label, seed, how, data) in enumerate(todo):
            ran, failed = isolated(label, seed, how, data, Path(tmp) / str(n), opts.keep)
            tally["inputs"] += 1
            tally["commands"] += ran
            tally["failures"] += failed
    print(json.dumps({"summary": tally}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
