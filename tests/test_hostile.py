"""Hostile and broken inputs: each with its exact outcome. Nothing is executed, nothing is
lost, no traceback ever reaches the user."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from lstmdiag.data import discover
from lstmdiag.transform.write import TMP_PREFIX

from .conftest import DATA, MODELS, run_cli

SEQ_MODEL = MODELS / "k3/seq_fixed.keras"  # (None, 10, 8)


class Canary:
    """Unpickling this creates the file named by ``path``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


# -- data files: (name, builder, finding kind, severity, words in the message) ----------------
def _truncated(p: Path) -> None:
    p.write_bytes(_npy_bytes(np.ones((3, 10, 8), np.float32))[:300])


def _wrong_magic(p: Path) -> None:
    p.write_bytes(b"\x93NUMPX" + b"\x00" * 200)


def _header_lies(p: Path) -> None:
    raw = bytearray(_npy_bytes(np.ones((3, 10, 8), np.float32)))
    text = raw[:128].replace(b"(3, 10, 8)", b"(9, 10, 8)")
    p.write_bytes(bytes(text) + bytes(raw[128:]))


def _pickle_bomb(p: Path) -> None:
    arr = np.empty((1,), dtype=object)
    arr[0] = Canary(str(p.parent / "CANARY"))
    p.write_bytes(_npy_bytes(arr))


def _empty_h5(p: Path) -> None:
    h5py.File(p, "w").close()


def _corrupt_h5(p: Path) -> None:
    p.write_bytes(b"\x89HDF\r\n\x1a\n" + os.urandom(300))


def _zero_size(p: Path) -> None:
    np.save(p, np.zeros((0, 10, 8), np.float32))


DATA_CASES: list[tuple[str, Callable[[Path], None], str | None, str | None, str]] = [
    ("truncated.npy", _truncated, "unreadable", "error", "truncated"),
    ("wrong_magic.npy", _wrong_magic, "unreadable", "error", "not a .npy, .npz, HDF5"),
    ("header_lies.npy", _header_lies, "unreadable", "error", "header promises 2880"),
    ("pickle_bomb.npy", _pickle_bomb, "unreadable", "error", "never unpickles"),
    ("empty.h5", _empty_h5, "unreadable", "error", "no datasets"),
    ("corrupt.h5", _corrupt_h5, "unreadable", "error", "not a readable HDF5 file"),
    ("zero_size.npy", _zero_size, "empty", "warning", "the data is empty (0 samples)"),
    ("empty_file.npy", lambda p: p.write_bytes(b""), "unreadable", "error", "an empty file"),
]


@pytest.mark.parametrize("case", DATA_CASES, ids=lambda c: c[0])
def test_broken_data_files(case: tuple[Any, ...], tmp_path: Path) -> None:
    name, build, kind, severity, words = case
    path = tmp_path / name
    build(path)
    before = path.read_bytes()
    result = run_cli("check", SEQ_MODEL, path, "--deep", "--format", "json")
    data = json.loads(result.stdout)
    got = [(f["kind"], f["severity"]) for f in data["findings"]]
    assert got == ([] if kind is None else [(kind, severity)])
    if words:
        assert words in data["findings"][0]["message"]
    assert result.exit_code == (1 if severity == "error" else 0)
    assert not (tmp_path / "CANARY").exists()
    assert path.read_bytes() == before


def test_absurd_header_shape_is_truncated_not_allocated(tmp_path: Path) -> None:
    path = tmp_path / "absurd.npy"
    raw = _npy_bytes(np.ones((1, 10, 8), np.float32))
    header = raw[:128].replace(b"(1, 10, 8), }", b"(4611686018427387904, 10, 8), }")
    header = header[:127].rstrip(b" ") + b"\n"
    header = header[:8] + (len(header) - 10).to_bytes(2, "little") + header[10:]
    path.write_bytes(header + raw[128:])
    result = run_cli("check", SEQ_MODEL, path, "--format", "json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["kind"] == "unreadable" and "truncated" in finding["message"]
    assert finding["found"] == [4611686018427387904, 10, 8]
    result = run_cli("pad", path, "--maxlen", "10", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "truncated" in result.stderr


def test_pickled_data_is_refused_by_pad(tmp_path: Path) -> None:
    _pickle_bomb(tmp_path / "bomb.npy")
    result = run_cli("pad", tmp_path / "bomb.npy", "--maxlen", "3", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "never unpickles" in result.stderr
    assert not (tmp_path / "CANARY").exists()


def test_fortran_order_and_big_endian_are_valid(tmp_path: Path) -> None:
    base = (np.arange(2 * 7 * 8, dtype=np.float32) / 7).reshape(2, 7, 8)
    folder = tmp_path / "in"
    folder.mkdir()
    np.save(folder / "fortran.npy", np.asfortranarray(base))
    np.save(folder / "big.npy", base.astype(">f4"))
    result = run_cli("check", SEQ_MODEL, folder, "--deep", "--format", "json")
    data = json.loads(result.stdout)
    assert [(Path(f["path"]).name, f["kind"]) for f in data["findings"]] == [
        ("big.npy", "timesteps"),
        ("fortran.npy", "timesteps"),
    ]
    out = tmp_path / "out"
    assert run_cli("pad", folder, "--maxlen", "10", "--out", out).exit_code == 0
    want = np.concatenate([np.zeros((2, 3, 8), np.float32), base], axis=1)
    assert np.array_equal(np.load(out / "fortran.npy"), want)
    assert np.array_equal(np.load(out / "big.npy"), want)


def test_h5_links_and_cycles(tmp_path: Path) -> None:
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.ones((2, 10, 8), np.float32)
    path = tmp_path / "links.h5"
    with h5py.File(path, "w") as f:
        f["data/x"] = np.ones((2, 10, 8), np.float32)
        f["data/soft"] = h5py.SoftLink("/data/x")
        f["data/ext"] = h5py.ExternalLink(str(other), "/x")
        f["data/loop"] = f["/data"]  # a hard-link cycle back to the group
    result = run_cli("check", SEQ_MODEL, path, "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [(f["key"], f["verdict"]) for f in data["files"]] == [
        ("data/ext", "ok"),
        ("data/soft", "ok"),
        ("data/x", "ok"),
    ]
    assert [(f["key"], f["kind"], f["severity"]) for f in data["findings"]] == [
        ("data/ext", "unreadable", "info"),
        ("data/soft", "unreadable", "info"),
    ]
    assert "does not follow links" in data["findings"][0]["message"]


def test_symlink_loops_and_unreadable_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    np.save(folder / "ok.npy", np.ones((1, 10, 8), np.float32))
    np.save(folder / "secret.npy", np.ones((1, 10, 8), np.float32))
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "self.npy").symlink_to(folder / "self.npy")
    real_read = discover.read_head

    def guarded(file: Path, *args: Any) -> Any:  # root reads any file: refuse it here
        if file.name == "secret.npy":
            raise PermissionError(13, "Permission denied", str(file))
        return real_read(file, *args)

    monkeypatch.setattr(discover, "read_head", guarded)
    result = run_cli("check", SEQ_MODEL, folder, "--format", "json")
    data = json.loads(result.stdout)
    assert [(Path(f["path"]).name, f["verdict"]) for f in data["files"]] == [
        ("ok.npy", "ok"),
        ("secret.npy", "error"),
        ("self.npy", "error"),
    ]
    messages = {Path(f["path"]).name: f["message"] for f in data["findings"]}
    assert "Permission denied" in messages["secret.npy"]
    assert "symbolic links" in messages["self.npy"] or "cannot read" in messages["self.npy"]


def test_non_utf8_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9-\xff.npy"
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT)
    os.write(fd, _npy_bytes(np.ones((1, 4, 8), np.float32)))
    os.close(fd)
    result = run_cli("check", SEQ_MODEL, folder, "--format", "json")
    data = json.loads(result.stdout)
    assert data["files"][0]["path"].endswith("caf\ufffd-\ufffd.npy")
    assert run_cli("check", SEQ_MODEL, folder).exit_code == 1
    out = tmp_path / "out"
    assert run_cli("pad", folder, "--maxlen", "10", "--out", out).exit_code == 0
    assert os.listdir(os.fsencode(out)) == [b"caf\xe9-\xff.npy"]


# -- model files ---------------------------------------------------------------------------
def _zip(path: Path, members: dict[str, bytes], compress: int = zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _config(layers: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {"class_name": "Sequential", "config": {"name": "m", "layers": layers}}
    ).encode()


GOOD_CONFIG = (MODELS / "k3/seq_fixed.json").read_bytes()

MODEL_CASES: list[tuple[str, Callable[[Path], None], int, str]] = [
    (
        "not_zip.keras",
        lambda p: p.write_bytes(b"PK\x03\x04garbage"),
        2,
        "not a readable .keras archive",
    ),
    ("no_config.keras", lambda p: _zip(p, {"metadata.json": b"{}"}), 2, "no config.json"),
    ("bad_config.keras", lambda p: _zip(p, {"config.json": b"{oops"}), 2, "not valid JSON"),
    (
        "deep_config.json",
        lambda p: p.write_bytes(b"[" * 100000 + b"]" * 100000),
        2,
        "not valid JSON",
    ),
    (
        "zip_bomb.keras",
        lambda p: _zip(p, {"config.json": b" " * (80 << 20)}, zipfile.ZIP_DEFLATED),
        2,
        "refusing to inflate",
    ),
    (
        "traversal.keras",
        lambda p: _zip(p, {"../../evil.txt": b"x", "config.json": GOOD_CONFIG}),
        0,
        "",
    ),
    (
        "custom.json",
        lambda p: p.write_bytes(
            _config(
                [
                    {"class_name": "InputLayer", "config": {"batch_shape": [None, 10, 8]}},
                    {"class_name": "MyAttention", "config": {"name": "mine"}},
                    {"class_name": "LSTM", "config": {"name": "l", "units": 4}},
                ]
            )
        ),
        0,
        "mine (MyAttention)",
    ),
    (
        "absurd.json",
        lambda p: p.write_bytes(
            _config(
                [
                    {"class_name": "InputLayer", "config": {"batch_shape": [None, 2**62, 8]}},
                    {"class_name": "LSTM", "config": {"name": "l", "units": 4}},
                ]
            )
        ),
        0,
        "4611686018427387904",
    ),
    (
        "no_shape.json",
        lambda p: p.write_bytes(
            _config([{"class_name": "LSTM", "config": {"name": "l", "units": 4}}])
        ),
        2,
        "declares no input shape",
    ),
    ("list.json", lambda p: p.write_bytes(b"[1, 2, 3]"), 2, "not a Keras model config"),
]


@pytest.mark.parametrize("case", MODEL_CASES, ids=lambda c: c[0])
def test_hostile_model_files(case: tuple[Any, ...], tmp_path: Path) -> None:
    name, build, code, words = case
    path = tmp_path / name
    build(path)
    result = run_cli("inspect", path)
    assert result.exit_code == code, result.output
    if code == 2:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        assert name in result.stderr and words in result.stderr
    else:
        assert words in result.stdout
    assert not (tmp_path.parent / "evil.txt").exists()
    assert not list(tmp_path.parent.glob("evil*"))


@pytest.mark.parametrize(
    "model",
    [
        "k3/lambda_canary.keras",
        "k3/lambda_canary.h5",
        "k2/lambda_canary.keras",
        "k2/lambda_canary.h5",
    ],
)
def test_lambda_code_is_never_run(
    model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = tmp_path / "CANARY"
    monkeypatch.setenv("LSTMDIAG_CANARY", str(canary))
    result = run_cli("inspect", MODELS / model)
    assert result.exit_code == 0 and "canary (Lambda)" in result.stdout
    assert run_cli("check", MODELS / model, DATA / "ok.npy").exit_code == 0
    assert (
        run_cli(
            "pad", DATA / "short.npy", "--model", MODELS / model, "--out", tmp_path / "o"
        ).exit_code
        == 0
    )
    assert not canary.exists()


@pytest.mark.keras
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
def test_the_canary_is_real(tmp_path: Path) -> None:
    """Keras itself, told to trust the file, does run the Lambda: so the test above means
    something."""
    canary = tmp_path / "CANARY"
    code = (
        "import keras, numpy as np\n"
        "keras.config.enable_unsafe_deserialization()\n"
        f"m = keras.models.load_model({str(MODELS / 'k3/lambda_canary.keras')!r})\n"
        "m.predict(np.zeros((1, 10, 8), 'float32'), verbose=0)\n"
    )
    env = dict(
        os.environ, LSTMDIAG_CANARY=str(canary), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert canary.exists()


def test_inputs_are_never_modified_and_no_temp_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, n in enumerate([3, 12, 10]):
        np.save(folder / f"a{i}.npy", np.ones((2, n, 8), np.float32))
    digest = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    for args in (
        ["check", SEQ_MODEL, folder, "--deep"],
        ["pad", folder, "--maxlen", "10", "--mask", "--out", tmp_path / "o"],
        ["pad", folder, "--maxlen", "auto", "--stack", tmp_path / "s.h5"],
    ):
        assert run_cli(*args).exit_code in (0, 1)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == digest
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(TMP_PREFIX)]


def test_pickle_canary_is_real(tmp_path: Path) -> None:
    """Unpickling the bomb (what allow_pickle=True would do) creates the canary."""
    _pickle_bomb(tmp_path / "bomb.npy")
    np.load(tmp_path / "bomb.npy", allow_pickle=True)
    assert (tmp_path / "CANARY").exists()


# -- hostile names: shown literally in every format -------------------------------------------
HOSTILE_NAMES = {
    "forged_annotation": "bad\n::error file=x::pwned.npy",
    "rich_markup": "[bold red]x[_bold red][link=http:__evil]y.npy",
    "csi_escape": "a\x1b[31mred.npy",
    "osc_title": "t\x1b]0;owned\x07.npy",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_NAMES))
def test_hostile_names_are_shown_literally(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xml.etree.ElementTree as ET

    monkeypatch.setenv("COLUMNS", "400")
    file_name = HOSTILE_NAMES[name]
    folder = tmp_path / "in"
    folder.mkdir()
    np.save(folder / "tmp.npy", np.ones((1, 4, 8), np.float32))
    (folder / "tmp.npy").rename(folder / file_name)
    table = run_cli("check", SEQ_MODEL, folder)
    assert table.exit_code == 1
    out = table.stdout
    assert "\x1b" not in out and "\x07" not in out  # nothing raw reaches the terminal
    assert not any(line.startswith("::") for line in out.splitlines())  # no forged command
    shown = file_name.replace("\n", "\\n").replace("\x1b", "\\x1b").replace("\x07", "\\x07")
    assert shown in out
    # machine formats: exact and valid
    data = json.loads(run_cli("check", SEQ_MODEL, folder, "-f", "json").stdout)
    assert data["files"][0]["path"] == str(folder / file_name)
    sarif = json.loads(run_cli("check", SEQ_MODEL, folder, "-f", "sarif").stdout)
    assert sarif["runs"][0]["results"]
    ET.fromstring(run_cli("check", SEQ_MODEL, folder, "-f", "junit").stdout.encode())
    github = run_cli("check", SEQ_MODEL, folder, "-f", "github").stdout.splitlines()
    annotations = [line for line in github if line.startswith("::")]
    assert len(annotations) == len(data["findings"])
    assert all("\x1b" not in line for line in github)


def test_hostile_names_in_inspect_and_pad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping inside cells: compare whole names
    folder = tmp_path / "in"
    folder.mkdir()
    np.save(folder / "x.npy", np.ones((1, 4, 8), np.float32))
    (folder / "x.npy").rename(folder / "e\x1b]0;t\x07[b]v.npy")
    result = run_cli("pad", folder, "--maxlen", "10", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "e\\x1b]0;t\\x07[b]v.npy" in result.stdout
    bad_model = tmp_path / "m\x1b[2J.keras"
    bad_model.write_bytes(b"not a model")
    shown = run_cli("inspect", bad_model)
    assert shown.exit_code == 2 and "\x1b" not in shown.stderr and "\\x1b[2J" in shown.stderr


# -- special files: never opened ------------------------------------------------------------
def test_fifos_and_devices_are_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.npy")
    (folder / "zero.npy").symlink_to("/dev/zero")
    np.save(folder / "ok.npy", np.ones((2, 10, 8), np.float32))
    for args in (
        ["check", str(SEQ_MODEL), str(folder), "-f", "json"],
        ["check", str(SEQ_MODEL), str(folder / "pipe.npy"), "-f", "json"],
        ["inspect", str(folder / "pipe.npy")],
        ["stats", str(folder)],
        ["pad", str(folder), "--maxlen", "10", "--out", str(tmp_path / "o")],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "lstmdiag", *args],
            capture_output=True,
            text=True,
            timeout=60,  # a blocked read would hang here
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        if args[0] == "check":
            report = json.loads(proc.stdout)
            special = [f for f in report["findings"] if "not a regular file" in f["message"]]
            assert special and all(f["kind"] == "unreadable" for f in special)
        if args[0] == "inspect":
            assert proc.returncode == 2 and "a FIFO" in proc.stderr
        if args[0] == "pad":
            assert proc.returncode == 2 and "not a regular file" in proc.stderr


# -- outputs: normal modes, nothing partial even under SIGKILL ---------------------------------
def test_outputs_get_the_mode_open_would_give(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        result = run_cli(
            "pad", DATA / "short.npy", "--maxlen", "10", "--out", tmp_path / "o", "--mask"
        )
    finally:
        os.umask(old)
    assert result.exit_code == 0
    for name in ("short.npy", "short.mask.npy"):
        assert (tmp_path / "o" / name).stat().st_mode & 0o777 == 0o640


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_sigkill_mid_write_leaves_nothing(tmp_path: Path) -> None:
    import signal
    import time

    src = tmp_path / "src"
    src.mkdir()
    big = np.ones((400, 1000, 64), np.float32)  # ~100 MB in, ~200 MB out
    for i in range(2):
        np.save(src / f"part{i}.npy", big)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lstmdiag",
            "pad",
            str(src),
            "--maxlen",
            "2000",
            "--stack",
            str(out / "all.npy"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        fds = Path(f"/proc/{proc.pid}/fd")
        try:
            writing = any(str(out) in os.readlink(fd) for fd in fds.iterdir() if fd.is_symlink())
        except OSError:
            writing = False
        if writing:
            break
        time.sleep(0.02)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert _tree(out) == []  # no output, no hidden temporary file
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    assert after == before


def test_fallback_temp_names_carry_the_pid_and_stale_ones_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lstmdiag.transform import write

    monkeypatch.setattr(write, "_anonymous", lambda folder: None)  # no O_TMPFILE here
    out = tmp_path / "o"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    stale = out / f"{TMP_PREFIX}{dead}-0badf00d.npy"
    stale.write_bytes(b"partial")
    alive = out / f"{TMP_PREFIX}{os.getppid()}-0badf00d.npy"  # a live process: left alone
    alive.write_bytes(b"someone else's")
    result = run_cli("pad", DATA / "short.npy", "--maxlen", "10", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "removed 1 temporary file that a killed lstmdiag run left" in result.stdout
    assert not stale.exists() and alive.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([alive.name, "short.npy"])


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS semantics")
def test_a_row_larger_than_the_address_space_limit_is_written(tmp_path: Path) -> None:
    """Memory does not depend on maxlen: a 1.2 GB row under a 1 GiB address-space limit."""
    np.save(tmp_path / "tiny.npy", np.arange(24, dtype=np.float32).reshape(1, 3, 8))
    code = (
        "import resource, sys; lim = 1024 * 1024 * 1024; "
        "resource.setrlimit(resource.RLIMIT_AS, (lim, lim)); "
        "from lstmdiag.cli import main; sys.argv = ['lstmdiag'] + sys.argv[1:]; main()"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "pad",
            str(tmp_path / "tiny.npy"),
            "--maxlen",
            "37500000",
            "--force",
            "--padding",
            "post",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = np.load(tmp_path / "o" / "tiny.npy", mmap_mode="r")
    assert out.shape == (1, 37_500_000, 8) and out.nbytes == 1_200_000_000
    assert np.array_equal(out[0, :3], np.arange(24, dtype=np.float32).reshape(3, 8))
    assert not out[0, 3:100_000].any() and not out[0, -100_000:].any()


def test_terminal_codes_from_keras_never_reach_output() -> None:
    from lstmdiag.text import strip_ansi

    text = "\x1b[1mInput 0\x1b[0m of layer \\u001b[1mlstm\\u001b[0m \x1b]0;t\x07ok"
    assert strip_ansi(text) == "Input 0 of layer lstm ok"
    result = run_cli(
        "explain",
        'ValueError: \x1b[1mInput 0 of layer "model" is incompatible with the layer: '
        "expected shape=(None, 10, 8), found shape=(None, 4, 8)\x1b[0m",
        "-f",
        "json",
    )
    assert result.exit_code == 0 and "\\u001b" not in result.stdout and "\x1b" not in result.stdout


def test_a_text_npy_is_a_dtype_finding_not_a_traceback(tmp_path: Path) -> None:
    """numpy names a '<U1' array str32, a name np.dtype does not parse back: the label is
    the one it does."""
    np.save(tmp_path / "words.npy", np.full((2, 10, 8), "a"))
    np.save(tmp_path / "raw.npy", np.full((2, 10, 8), b"a"))
    for deep in ((), ("--deep",)):
        result = run_cli("check", MODELS / "k3" / "seq_fixed.keras", tmp_path, *deep, "-f", "json")
        assert result.exit_code == 1
    found = json.loads(result.stdout)["findings"]
    assert [(f["kind"], f["message"].split(":")[0]) for f in found] == [
        ("dtype", "dtype |S1 cannot feed a float32 input"),
        ("dtype", "dtype <U1 cannot feed a float32 input"),
    ]
    assert all(f["fix"].startswith("turn the text into numbers first") for f in found)
