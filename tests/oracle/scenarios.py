"""The oracle's scenarios: one model of the zoo x one data fault, written to a folder as a user
would have it. Each scenario knows the truth the judge needs: the real sequences it holds (to
count what a fix keeps and to compare predictions under a mask) and whether the data is fine.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from .zoo import ZOO, Model

N = 5  # samples per batch array


@dataclass
class Scenario:
    model: Model
    fault: str
    args: list[str]  # the data paths as the user types them, relative to the folder
    sequences: list[np.ndarray] = field(default_factory=list)  # the real data, unpadded
    ok: bool = False  # the data is fine: check must pass and print no fix
    warn: bool = False  # the data runs but is suspect: a warning, whose code fix is applied
    deep: bool = False  # the fault is in the values: check --deep
    lone: str | None = None  # a single array fed as it is: Keras's own verdict is judged
    allowed_loss: int | None = None  # timesteps a fix may drop (None: from the model's T)

    @property
    def id(self) -> str:
        return f"{self.model.name}-{self.fault}"


Writer = Callable[[Model, Path, np.random.Generator], Scenario | None]
FAULTS: dict[str, Writer] = {}


def fault(fn: Writer) -> Writer:
    FAULTS[fn.__name__.strip("_")] = fn
    return fn


def _t0(m: Model) -> int:
    return m.timesteps or 10


def _seq(m: Model, steps: int, rng: np.random.Generator) -> np.ndarray:
    """One sequence of real values: floats in [0.5, 1.5) that never equal a mask value, or
    token ids 1..49 (0 is padding)."""
    if m.tokens:
        return rng.integers(1, 50, size=steps).astype("int32")
    return rng.uniform(0.5, 1.5, size=(steps, *m.features)).astype("float32")


def _batch(m: Model, steps: int, rng: np.random.Generator, n: int = N) -> list[np.ndarray]:
    return [_seq(m, steps, rng) for _ in range(n)]


def _save(path: Path, arr: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, arr)


def _lengths(m: Model) -> list[int]:
    t = _t0(m)
    return [3, t, t + 6, 5, 2 * t, 7]


def _float_seq_model(m: Model) -> bool:
    return not m.tokens and m.static is None


def _collection(m: Model, name: str, args: list[str], seqs: list[np.ndarray]) -> Scenario:
    """Sequences saved one per array: an error for a fixed T, a warning (pad them to the
    longest: nothing is cut) for any length."""
    return Scenario(m, name, args, seqs, warn=m.timesteps is None)


# -- faults -----------------------------------------------------------------------------------
@fault
def ok(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    n = m.batch or N
    seqs = _batch(m, _t0(m), rng, n)
    _save(d / "x.npy", np.stack(seqs))
    if m.static:
        _save(d / "static.npy", rng.uniform(0.5, 1.5, (n, m.static)).astype("float32"))
        (d / "x.npy").rename(d / "seq.npy")
        return Scenario(m, "ok", ["seq.npy", "static.npy"], seqs, ok=True)
    return Scenario(m, "ok", ["x.npy"], seqs, ok=True, lone="x.npy")


def _batch_of(m: Model, d: Path, rng: np.random.Generator, steps: int, name: str) -> Scenario:
    n = m.batch or N
    seqs = _batch(m, steps, rng, n)
    _save(d / "x.npy", np.stack(seqs))
    return Scenario(m, name, ["x.npy"], seqs, ok=m.timesteps is None, lone="x.npy")


@fault
def short(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    if m.static or _t0(m) <= 4:
        return None
    return _batch_of(m, d, rng, _t0(m) - 4, "short")


@fault
def long(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    if m.static:
        return None
    return _batch_of(m, d, rng, _t0(m) + 5, "long")


@fault
def very_long(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Sequences over four times the model's T: pad (it says what it cuts), or windows."""
    if m.static or m.timesteps is None:
        return None
    return _batch_of(m, d, rng, 4 * m.timesteps + 1, "very_long")


@fault
def varied_files(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """A folder of batches of one sequence each, (1, t, ...), of different lengths."""
    if m.static or m.batch:
        return None
    seqs = [_seq(m, t, rng) for t in _lengths(m)]
    for i, s in enumerate(seqs):
        _save(d / "data" / f"rec{i:02d}.npy", s[None])
    return Scenario(m, "varied_files", ["data/"], seqs, ok=m.timesteps is None)


@fault
def seq_files(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """A folder of single sequences (t, ...) without a batch axis."""
    if m.static or m.batch:
        return None
    seqs = [_seq(m, t, rng) for t in _lengths(m)]
    for i, s in enumerate(seqs):
        _save(d / "data" / f"rec{i:02d}.npy", s)
    return _collection(m, "seq_files", ["data/"], seqs)


def _in_container(
    m: Model, d: Path, rng: np.random.Generator, name: str, file: str, key: str
) -> Scenario | None:
    """Sequences of several lengths as the members of one .h5 or .npz (``key`` names them)."""
    if m.static or m.batch:
        return None
    seqs = [_seq(m, t, rng) for t in _lengths(m)]
    members = {key.format(i): s for i, s in enumerate(seqs)}
    if file.endswith(".npz"):
        np.savez(d / file, **members)
    else:
        with h5py.File(d / file, "w") as f:
            for k, s in members.items():
                f[k] = s
    return _collection(m, name, [file], seqs)


@fault
def h5_root(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Ragged data stored the common way: h5[str(i)] = seq."""
    return _in_container(m, d, rng, "h5_root", "seqs.h5", "{}")


@fault
def h5_group(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    return _in_container(m, d, rng, "h5_group", "seqs.h5", "train/{:02d}")


@fault
def npz_members(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    return _in_container(m, d, rng, "npz_members", "seqs.npz", "s{:02d}")


@fault
def lone(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """One sequence (T, ...) saved without its batch axis."""
    if m.static or m.batch:
        return None
    s = _seq(m, _t0(m), rng)
    _save(d / "one.npy", s)
    return Scenario(m, "lone", ["one.npy"], [s], lone="one.npy")


@fault
def lone_short(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    if m.static or m.batch or _t0(m) <= 4:
        return None
    s = _seq(m, _t0(m) - 3, rng)
    _save(d / "one.npy", s)
    return Scenario(m, "lone_short", ["one.npy"], [s], lone="one.npy")


@fault
def lone_flat(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """One univariate sequence as a 1-D array (T,)."""
    if m.features != (1,):
        return None
    s = _seq(m, _t0(m), rng)
    _save(d / "one.npy", s[:, 0])
    return Scenario(m, "lone_flat", ["one.npy"], [s], lone="one.npy")


@fault
def series(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """A long 1-D series for a univariate model: windows."""
    if m.features != (1,) or m.timesteps is None:
        return None
    s = _seq(m, 300, rng)
    _save(d / "series.npy", s[:, 0])
    return Scenario(m, "series", ["series.npy"], [s], lone="series.npy", allowed_loss=0)


@fault
def unit_axis(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """(N, T) into (None, T, 1): Keras adds the axis; a warning, not an error."""
    if m.features != (1,):
        return None
    seqs = _batch(m, _t0(m), rng)
    _save(d / "x.npy", np.stack(seqs)[..., 0])
    return Scenario(m, "unit_axis", ["x.npy"], seqs, ok=True, lone="x.npy")


@fault
def table(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """A 2-D (rows, features) table into a sequence model: windows."""
    if len(m.features) != 1 or m.features == (1,) or m.static or m.batch:
        return None
    s = _seq(m, 200, rng)
    _save(d / "table.npy", s)
    return Scenario(m, "table", ["table.npy"], [s], lone="table.npy", allowed_loss=0)


@fault
def extra_axis(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """np.expand_dims after pad_sequences: (1, N, T, F)."""
    if m.static or m.batch:
        return None
    seqs = _batch(m, _t0(m), rng)
    _save(d / "x.npy", np.stack(seqs)[None])
    return Scenario(m, "extra_axis", ["x.npy"], seqs, lone="x.npy")


@fault
def wrong_features(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Other features than the model's: no fix can be printed, only a decline."""
    if m.tokens or m.static or m.batch:
        return None
    shape = (N, _t0(m), *m.features[:-1], m.features[-1] + 2)
    _save(d / "x.npy", rng.uniform(0.5, 1.5, shape).astype("float32"))
    return Scenario(m, "wrong_features", ["x.npy"], [], lone="x.npy")


@fault
def whole_floats(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Float features truncated to integers (pad_sequences' dtype='int32')."""
    if m.tokens or m.static or m.batch:
        return None
    x = np.floor(rng.uniform(1, 9, (N, _t0(m), *m.features))).astype("float32")
    _save(d / "x.npy", x)
    return Scenario(m, "whole_floats", ["x.npy"], list(x), deep=True, warn=True)


@fault
def nan(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    if m.tokens or m.static or m.batch:
        return None
    x = np.stack(_batch(m, _t0(m), rng))
    x[1, 2] = np.nan
    _save(d / "x.npy", x)
    return Scenario(m, "nan", ["x.npy"], [], deep=True, warn=True)


@fault
def pad_not_mask(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Sequences post-padded with a value the mask does not cover."""
    if m.mask != "masking":
        return None
    t = _t0(m)
    seqs = [_seq(m, n, rng) for n in (3, 5, t, 4, 6)]
    x = np.full((len(seqs), t, *m.features), 5.0, "float32")
    for i, s in enumerate(seqs):
        x[i, : len(s)] = s
    _save(d / "x.npy", x)
    return Scenario(m, "pad_not_mask", ["x.npy"], seqs, deep=True, warn=True)


@fault
def real_mask_steps(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Real all-mask-value steps inside the sequences: Masking skips them."""
    if m.mask != "masking":
        return None
    seqs = _batch(m, _t0(m), rng)
    for s in seqs[:2]:
        s[3] = m.mask_value
    _save(d / "x.npy", np.stack(seqs))
    return Scenario(m, "real_mask_steps", ["x.npy"], seqs, deep=True, warn=True)


@fault
def prepadded(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Pre-padded under a mask: right, but slow (cuDNN needs post-padding); the fix moves it."""
    if m.mask is None:
        return None
    t = _t0(m)
    seqs = [_seq(m, n, rng) for n in (3, 5, t, 4, 6)]
    value = m.mask_value if m.mask == "masking" else 0
    x = np.full((len(seqs), t, *m.features), value, seqs[0].dtype)
    for i, s in enumerate(seqs):
        x[i, t - len(s) :] = s
    _save(d / "x.npy", x)
    return Scenario(m, "prepadded", ["x.npy"], seqs, deep=True, warn=True)


@fault
def oov(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Token ids beyond the Embedding's input_dim: a decline (retokenize), never a pad."""
    if not m.tokens:
        return None
    x = rng.integers(1, 80, (N, _t0(m))).astype("int32")
    _save(d / "x.npy", x)
    return Scenario(m, "oov", ["x.npy"], [], deep=True)


def _stateful(
    m: Model, d: Path, rng: np.random.Generator, name: str, n: int, warn: bool = False
) -> Scenario | None:
    """``n`` samples for a model fixed to batches of ``m.batch``."""
    if not m.batch:
        return None
    seqs = _batch(m, _t0(m), rng, n)
    _save(d / "x.npy", np.stack(seqs))
    return Scenario(m, name, ["x.npy"], seqs, warn=warn, lone="x.npy")


@fault
def batch_not_multiple(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    return _stateful(m, d, rng, "batch_not_multiple", (m.batch or 0) + 2)


@fault
def batch_small(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    return _stateful(m, d, rng, "batch_small", (m.batch or 0) - 1)


@fault
def batch_one(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    return _stateful(m, d, rng, "batch_one", 1)


@fault
def batch_multiple(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """A multiple of the batch: Keras runs it only fed B at a time (a warning)."""
    return _stateful(m, d, rng, "batch_multiple", 3 * (m.batch or 0), warn=True)


@fault
def missing_input(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    if not m.static:
        return None
    seqs = _batch(m, _t0(m), rng)
    _save(d / "seq.npy", np.stack(seqs))
    return Scenario(m, "missing_input", ["seq.npy"], seqs)


@fault
def short_two(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Both inputs given, the sequences too short."""
    if not m.static:
        return None
    seqs = _batch(m, _t0(m) - 4, rng)
    _save(d / "seq.npy", np.stack(seqs))
    _save(d / "static.npy", rng.uniform(0.5, 1.5, (N, m.static)).astype("float32"))
    return Scenario(m, "short_two", ["seq.npy", "static.npy"], seqs)


@fault
def targets_npz(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """Inputs and targets in one .npz, the inputs too short (or fine for any length)."""
    if m.static or m.batch or _t0(m) <= 4:
        return None
    seqs = _batch(m, _t0(m) - 4, rng)
    y = rng.uniform(0, 1, (N, 1)).astype("float32")
    np.savez(d / "train.npz", x=np.stack(seqs), y=y)
    return Scenario(m, "targets_npz", ["train.npz"], seqs, ok=m.timesteps is None)


@fault
def targets_files(m: Model, d: Path, rng: np.random.Generator) -> Scenario | None:
    """x_train.npy beside y_train.npy, shaped like the model's output."""
    if m.static or m.batch:
        return None
    seqs = _batch(m, _t0(m), rng)
    _save(d / "x_train.npy", np.stack(seqs))
    _save(d / "y_train.npy", rng.uniform(0, 1, (N, 1)).astype("float32"))
    return Scenario(m, "targets_files", ["x_train.npy", "y_train.npy"], seqs, ok=True)


def scenarios(root: Path, flavour: str, seed: int = 0) -> Iterator[Scenario]:
    """Every applicable (model, fault), each written into its own folder under ``root``."""
    for m in ZOO:
        for name, writer in FAULTS.items():
            d = root / f"{m.name}-{name}"
            d.mkdir(parents=True)
            rng = np.random.default_rng([seed, zlib.crc32(name.encode()), len(m.name)])
            s = writer(m, d, rng)
            if s is None:
                d.rmdir()
                continue
            yield s
