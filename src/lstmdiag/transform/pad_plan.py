"""What ``pad`` will do, decided before anything is written: maxlen, value, dtype, the
outputs and their room; inputs and existing outputs are never overwritten."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..data import discover
from ..data.info import ArrayInfo, parsed_dtype
from ..errors import LstmdiagError
from ..judge.diagnosis import FAR_BEYOND
from ..judge.layout import Placed, place
from ..judge.stats import compute_stats, length_counts
from ..model.spec import ModelSpec
from . import remote_outputs
from .pad_blocks import collisions, raw_sequences
from .write import ensure_room

# -- planning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PadOptions:
    maxlen: int | None = None
    maxlen_auto: bool = False
    maxlen_longest: bool = False  # the longest sequence: nothing is cut (pad_sequences' default)
    padding: str = "pre"
    padding_set: bool = False  # --padding was given: else a lengths-masked model pads post
    truncating: str = "pre"
    value: float | None = 0.0  # None: pick a value absent from the data (--value auto)
    value_set: bool = False  # --value was given: else a masked model's mask value pads
    dtype: str | None = None  # None: keep each input's dtype
    mask: bool = False
    sequence_files: bool = False  # every array is one sequence (time, ...), no batch axis
    out: Path | None = None
    stack: Path | None = None
    force: bool = False
    time_axis: int | None = None  # 0: one sequence per array, 1: batch-first; None: decide
    exclude: tuple[str, ...] = ()  # glob patterns of arrays to leave out
    mapping: dict[str, str] = field(default_factory=dict)  # data path (or path:key) -> input


@dataclass(frozen=True)
class PadOutput:
    path: str  # printable (see discover.printable)
    key: str | None
    shape: tuple[int, ...]
    dtype: str
    source: str
    note: str | None = None  # copied unchanged: why


@dataclass(frozen=True)
class PadResult:
    outputs: tuple[PadOutput, ...]
    maxlen: int
    maxlen_reason: str
    value: float
    sequences: int
    truncated: int
    padded: int
    collisions: int
    mask_layer: str | None
    notes: tuple[str, ...] = ()
    maxlens: tuple[tuple[str, int], ...] = ()  # per model input, when they differ
    value_text: str = ""  # the padding value as the data holds it (0 for ints, 0.0 for floats)


@dataclass
class PadItem:
    """One input array to pad (or copy), and where it goes."""

    info: ArrayInfo
    target: Path | None  # per-file output container
    sequence: bool  # False: copied unchanged (labels, scalars, inputs without a time axis)
    maxlen: int = 0
    note: str | None = None


@dataclass
class PadPlan:
    items: list[PadItem]
    maxlen: int
    maxlen_reason: str
    value: float | None
    options: PadOptions
    notes: list[str] = field(default_factory=list)
    maxlens: dict[str, int] = field(default_factory=dict)
    unmasked: list[str] = field(default_factory=list)  # said when padding was added
    with_model: bool = False  # the model says what masks it: no mask layer is suggested
    time_major: bool = False  # the model reads (time, batch, ...): written so, lengths int32


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def _relative_targets(paths: list[str], infos: list[ArrayInfo], out: Path) -> dict[str, Path]:
    """Output file per input file: the same relative name under ``out``."""
    targets: dict[str, Path] = {}
    # Real file paths, not the printable ones: names that are not UTF-8 keep their bytes.
    for info in infos:
        if info.path not in targets:
            targets[info.path] = out / discover.relative_name(info.file, paths)
    return targets


def _validate(options: PadOptions) -> None:
    if (options.out is None) == (options.stack is None):
        raise LstmdiagError(
            "give exactly one of --out DIR (one output per input) or "
            "--stack FILE (all sequences in one array)"
        )
    for opt, val in (("--padding", options.padding), ("--truncating", options.truncating)):
        if val not in ("pre", "post"):
            raise LstmdiagError(f"{opt} takes pre or post, not {val!r}")
    if options.maxlen is not None and options.maxlen < 1:
        raise LstmdiagError("--maxlen must be at least 1")
    if options.time_axis not in (None, 0, 1):
        raise LstmdiagError("--time-axis takes 0 (one sequence per array) or 1 (batch-first)")


def _auto_maxlen(seqs: list[ArrayInfo]) -> tuple[int, str]:
    """What `lstmdiag stats` recommends for these sequences, and its reason: one rule."""
    counts = length_counts(seqs)
    if not counts:
        return 1, "auto: no sequences"
    result = compute_stats(counts, None, None, ())
    pick = next(c for c in result.candidates if c.recommended)
    return max(1, pick.maxlen), f"auto, as lstmdiag stats recommends: {result.reason}"


def _maxlen_for(
    name: str, seqs: list[ArrayInfo], inp_time: int | None, options: PadOptions, model: bool
) -> tuple[int, str]:
    """The maxlen for the arrays feeding one input (``name`` empty without a model)."""
    whose = f" of input '{name}'" if name else ""
    if options.maxlen is not None:
        if inp_time is not None and options.maxlen != inp_time:
            raise LstmdiagError(
                f"--maxlen {options.maxlen} contradicts the model: input '{name}' takes exactly "
                f"{inp_time} timesteps (leave --maxlen out to use it)"
            )
        return options.maxlen, "given"
    if inp_time is not None:
        return inp_time, f"the model's fixed time axis{whose}"
    if options.maxlen_auto:
        return _auto_maxlen(seqs)
    if options.maxlen_longest:
        longest = max((_longest(i) for i in seqs), default=0)
        return max(1, longest), "longest: the longest sequence, nothing is cut"
    if model:
        raise LstmdiagError(
            f"the model does not fix the time axis{whose}; give --maxlen N, --maxlen longest "
            "(nothing is cut) or --maxlen auto"
        )
    raise LstmdiagError("give --maxlen N, --maxlen longest, --maxlen auto or --model MODEL")


def _longest(info: ArrayInfo) -> int:
    if info.ragged and info.lengths is not None and len(info.lengths):
        return int(np.max(info.lengths))
    return int(info.shape[1] or 0) if info.shape and len(info.shape) > 1 else 0


def _plan_maxlens(
    placed: list[Placed], options: PadOptions, model: ModelSpec | None
) -> dict[str, tuple[int, str]]:
    groups: dict[str, list[Placed]] = {}
    for p in placed:
        if p.pad:
            groups.setdefault(p.input.name if p.input else "", []).append(p)
    result = {}
    for name, members in groups.items():
        inp = members[0].input
        fixed = inp.shape[1] if inp is not None and len(inp.shape) > 1 else None
        result[name] = _maxlen_for(
            name, [m.info for m in members], fixed, options, model is not None
        )
    if options.maxlen is not None and not options.force:
        longest = max((_longest(p.info) for p in placed if p.pad), default=0)
        if options.maxlen > FAR_BEYOND * max(longest, 1):
            raise LstmdiagError(
                f"--maxlen {options.maxlen} is more than {FAR_BEYOND}x the longest sequence "
                f"({longest} timesteps): the outputs would be at least "
                f"{100 * (1 - longest / options.maxlen):.1f}% padding. Pass --force to write them"
            )
    return result


def plan_pad(
    paths: list[str], infos: list[ArrayInfo], options: PadOptions, model: ModelSpec | None = None
) -> PadPlan:
    """Validate everything and decide maxlen and outputs before a single byte is written."""
    _validate(options)
    notes: list[str] = [f"skipped {i.label}: {i.problem}" for i in infos if i.skipped]
    infos = discover.drop_excluded([i for i in infos if not i.skipped], options.exclude)
    for info in infos:  # after --exclude: an excluded unreadable file is no reason to stop
        if info.problem is not None:
            raise LstmdiagError(f"{info.label}: {info.problem}")
    axis = 0 if options.sequence_files else options.time_axis
    stacked = None if model is None else model.batch_major()
    time_major = model is not None and stacked is not model
    if time_major:
        assert model is not None and stacked is not None
        _refuse_time_major(model.path, paths, options)
        options = _lengths_side(model, options, notes)
        notes.append(
            f"{model.path} is time-major: the outputs are written (time, batch, features), "
            "each with its sequences' lengths beside it as int32 sequence_lens (the ONNX "
            "recurrent ops' input), not a mask"
        )
        model = stacked
    placed = place(infos, model, axis=axis, mapping=options.mapping)
    for p in placed:
        if p.pad and parsed_dtype(p.info.dtype or "float32").kind in "USOV":
            raise LstmdiagError(
                f"{p.info.label}: holds text or records ({p.info.dtype}), not numbers; pad "
                "pads numeric sequences: turn the text into numbers first (a tokenizer)"
            )
    if not any(p.pad for p in placed):
        raise LstmdiagError(
            "no sequence arrays to pad (arrays need a time axis: (batch, timesteps, ...))"
        )
    maxlens = _plan_maxlens(placed, options, model)
    options = replace(options, value=_pad_value(model, [n for n in maxlens if n], options))
    maxlen, reason = next(iter(maxlens.values()))
    if len(maxlens) > 1:
        reason = "the model's inputs: " + ", ".join(f"{n} {m}" for n, (m, _) in maxlens.items())

    out_root = (options.out or options.stack or Path(".")).resolve()
    _refuse_input_tree(paths, out_root)
    if options.out is not None:
        items, planned = _per_file_items(paths, placed, maxlens, options, time_major)
    else:
        items, planned = _stack_items(placed, maxlens, options, notes, time_major)
    _refuse_existing(paths, infos, planned, options.force)
    _check_room(items, options, out_root)
    notes.extend(_mask_use(model, [n for n in maxlens if n], maxlen, options))
    return PadPlan(
        items,
        maxlen,
        reason,
        options.value,
        options,
        notes,
        {n: m for n, (m, _) in maxlens.items() if n},
        _unmasked(model, [n for n in maxlens if n], options.value),
        model is not None,
        time_major,
    )


def _lengths_side(model: ModelSpec, options: PadOptions, notes: list[str]) -> PadOptions:
    """ONNX's sequence_lens counts the first L steps of each sequence as real: the padding
    goes after them (padding='post'), or the model reads it and drops the last real steps."""
    counted = [i.name for i in model.inputs if model.counts_lengths(i.name)]
    if not counted or options.padding == "post":
        return options
    if options.padding_set:
        raise LstmdiagError(
            f"--padding {options.padding}: {model.path} reads input '{counted[0]}' through "
            "sequence_lens, which counts the first steps of each sequence as real; padding "
            "before them would be read and the last real steps dropped: use --padding post"
        )
    notes.append(
        f"padding post: input '{counted[0]}' is read through sequence_lens, which counts the "
        "first steps of each sequence as real"
    )
    return replace(options, padding="post")


def _refuse_time_major(model: str, paths: list[str], options: PadOptions) -> None:
    """A time-major model takes sequence_lens, not a mask; its outputs are .npy or .h5
    (a zip member cannot be written out of order)."""
    if options.mask:
        raise LstmdiagError(
            f"--mask: {model} is time-major and takes sequence_lens, not a mask; pad writes "
            "them beside each output without --mask"
        )
    npz = [p for p in paths if p.endswith(".npz")]
    if npz:
        raise LstmdiagError(
            f"{npz[0]}: a time-major output cannot be written as .npz; save the data as .npy "
            "or .h5, or use --stack FILE.npy"
        )


def _pad_value(model: ModelSpec | None, inputs: list[str], options: PadOptions) -> float | None:
    """The padding value: the one the model's mask skips, unless --value says otherwise (and
    another value under a mask is read as real data: refused without --force)."""
    if model is None:
        return options.value
    masks = {n: v for n in inputs if (v := model.mask_value(n)) is not None}
    if not masks:
        return options.value
    if len(set(masks.values())) > 1:
        raise LstmdiagError(
            "the inputs are masked with different values ("
            + ", ".join(f"{n}: {v:g}" for n, v in masks.items())
            + "): pad each input on its own (--input NAME=PATH)"
        )
    name, want = next(iter(masks.items()))
    if not options.value_set:
        return want
    if options.value != want and not options.force:
        given = "a value picked from the data" if options.value is None else f"{options.value:g}"
        raise LstmdiagError(
            f"input '{name}' is masked by the value {want:g} (the model's mask): padding with "
            f"{given} would be read as real timesteps. Leave --value out to pad with {want:g}, "
            "or pass --force to write it anyway"
        )
    return options.value


def _unmasked(model: ModelSpec | None, inputs: list[str], value: float | None) -> list[str]:
    """Inputs whose padding the model will read as data: no Masking, no mask_zero."""
    if model is None:
        return []
    out = []
    for name in inputs:
        embedding = next((e for e in model.embeddings if e.input == name), None)
        if model.is_masked(name):
            continue
        if embedding is not None and value == 0:
            out.append(
                f"input '{name}': token 0 pads it, but Embedding '{embedding.layer}' has "
                "mask_zero=False, so the model reads the padding as token 0. Use "
                "Embedding(..., mask_zero=True) with real ids from 1"
            )
        elif model.format == "onnx":  # no Keras layer to add: its nodes take lengths
            out.append(
                f"input '{name}' takes no lengths (no sequence_lens): the model reads the "
                "padded timesteps as real data"
            )
        elif embedding is None:
            out.append(
                f"input '{name}' has no mask (no Masking, no Embedding(mask_zero=True)): the "
                "model reads the padded timesteps as real data. Add "
                f"keras.layers.Masking(mask_value={value if value is not None else 'V'}) right "
                "after the input"
            )
    return out


def _mask_use(
    model: ModelSpec | None, inputs: list[str], maxlen: int, options: PadOptions
) -> list[str]:
    """What ``--mask`` files are for when the model takes no mask input (verified with Keras
    3.15 and tf-keras 2.21: fit and predict take no mask; a (N, T) sample_weight runs for an
    output per timestep and raises for one output per sequence)."""
    if not options.mask or model is None or any(m.mask_input for m in model.masking):
        return []
    masked = [m for m in model.masking if m.input in inputs]
    itself = (
        f"; its {masked[0].class_name} layer '{masked[0].layer}' skips the padded steps itself"
        if masked
        else ""
    )
    temporal = _per_timestep(model, inputs)
    weight = (
        ", or as sample_weight= in fit: this model predicts per timestep, so padded steps "
        "then weigh nothing in the loss"
        if temporal
        else ""
    )
    return [
        f"--mask: this model has no mask input (Keras's fit and predict take none), so the "
        f"mask is not fed to it{itself}. It is for a functional model built to take one "
        f'(m = keras.Input(shape=({maxlen},), dtype="bool"), passed as mask=m to its '
        f"recurrent layer){weight}"
    ]


def _per_timestep(model: ModelSpec, inputs: list[str]) -> bool:
    """An output per timestep: (batch, T, units) with the T of a (batch, T[, F]) input."""
    times = {inp.shape[1] for n in inputs if (inp := model.input_named(n)) and len(inp.shape) <= 3}
    return any(o is not None and len(o) == 3 and o[1] in times for o in model.outputs)


def _refuse_input_tree(paths: list[str], out_root: Path) -> None:
    if remote_outputs.refuse_remote_inside(out_root, paths):
        return
    for given in paths:
        resolved = Path(given).resolve()
        if resolved.is_dir() and _inside(out_root, resolved):
            raise LstmdiagError(
                f"the output {out_root} is inside the input folder {given}; "
                "lstmdiag never writes into the input tree"
            )


def _per_file_items(
    paths: list[str],
    placed: list[Placed],
    maxlens: dict[str, tuple[int, str]],
    options: PadOptions,
    time_major: bool = False,
) -> tuple[list[PadItem], list[Path]]:
    assert options.out is not None
    infos = [p.info for p in placed]
    targets = _relative_targets(paths, infos, options.out)
    items = [
        PadItem(
            p.info,
            targets[p.info.path],
            p.pad,
            maxlens[p.input.name if p.input else ""][0] if p.pad else 0,
            p.note,
        )
        for p in placed
    ]
    planned = sorted(set(targets.values()))
    planned += [
        mask_path(targets[i.info.path])
        for i in items
        if i.info.format == "npy" and options.mask and i.sequence
    ]
    planned += [
        lens_path(targets[i.info.path])
        for i in items
        if i.info.format == "npy" and time_major and i.sequence
    ]
    by_target: dict[Path, str] = {}
    for info in infos:
        other = by_target.setdefault(targets[info.path], info.path)
        if other != info.path:
            raise LstmdiagError(
                f"{other} and {info.path} would both be written to {targets[info.path]}"
            )
    return items, planned


def _stack_items(
    placed: list[Placed],
    maxlens: dict[str, tuple[int, str]],
    options: PadOptions,
    notes: list[str],
    time_major: bool = False,
) -> tuple[list[PadItem], list[Path]]:
    assert options.stack is not None
    if options.stack.suffix not in (".npy", ".h5", ".hdf5"):
        raise LstmdiagError("--stack takes a .npy or .h5 file name")
    if len(maxlens) > 1:
        raise LstmdiagError(
            "--stack writes one array, but the data feeds the inputs "
            f"{', '.join(maxlens)}: use --out DIR (one output per input file)"
        )
    seqs = [p.info for p in placed if p.pad]
    maxlen = next(iter(maxlens.values()))[0]
    items = [PadItem(info, None, True, maxlen) for info in seqs]
    skipped = [f"{p.info.label} ({p.note})" for p in placed if not p.pad]
    if skipped:
        notes.append(f"not stacked: {', '.join(skipped[:5])}" + (" …" if len(skipped) > 5 else ""))
    rests = {tuple(i.shape[2:]) for i in seqs if i.shape is not None}
    if len(rests) > 1:
        raise LstmdiagError(
            "the inputs' sequences have different feature shapes "
            f"{sorted(rests)}; they cannot be stacked into one array"
        )
    planned = [options.stack]
    if options.stack.suffix == ".npy":
        planned.append(sidecar(options.stack, LENS if time_major else "lengths"))
        if options.mask:
            planned.append(sidecar(options.stack, "mask"))
    return items, planned


def _refuse_existing(
    paths: list[str], infos: list[ArrayInfo], planned: list[Path], force: bool
) -> None:
    input_ids: set[tuple[int, int]] | None = None  # (device, inode) of inputs, on demand
    roots = [Path(p).resolve() for p in paths]
    for path in planned:
        url = remote_outputs.remote_url(path)
        if url is not None:
            if not force and remote_outputs.remote_exists(url):
                raise LstmdiagError(f"{url} exists; use --force to overwrite it")
            continue
        resolved = path.resolve()
        if path.exists():
            if input_ids is None:
                input_ids = {
                    (st.st_dev, st.st_ino)
                    for st in (i.file.stat() for i in infos if isinstance(i.file, Path))
                }
            st = path.stat()
            if (st.st_dev, st.st_ino) in input_ids:
                raise LstmdiagError(f"{path} is an input; lstmdiag never overwrites its inputs")
        for given, root in zip(paths, roots, strict=True):
            if root.is_dir() and _inside(resolved, root):
                raise LstmdiagError(f"{path} is inside the input folder {given}")
        if path.exists() and not force:
            raise LstmdiagError(f"{path} exists; use --force to overwrite it")


def _check_room(items: list[PadItem], options: PadOptions, out_root: Path) -> None:
    """Refuse before writing when the outputs cannot fit on the output's disk (for a URL:
    the staging folder, which holds one per-file output at a time)."""
    need: dict[Path | None, int] = {}
    for item in items:
        info = item.info
        if info.shape is None or not item.sequence:
            continue
        rows = info.sequences
        per_step = math.prod(int(d or 0) for d in info.shape[2:])
        dtype = np.dtype(options.dtype) if options.dtype else np.dtype(info.dtype or "float32")
        size = rows * item.maxlen * (per_step * dtype.itemsize + (1 if options.mask else 0))
        need[item.target] = need.get(item.target, 0) + size
    staged_one_by_one = options.out is not None and remote_outputs.remote_url(out_root) is not None
    total = max(need.values(), default=0) if staged_one_by_one else sum(need.values())
    ensure_room(out_root, total, "the padded outputs")


def sidecar(path: Path, what: str) -> Path:
    return path.with_name(f"{path.stem}.{what}{path.suffix}")


def mask_path(path: Path) -> Path:
    return sidecar(path, "mask")


LENS = "sequence_lens"  # a time-major model's lengths: int32, as ONNX's recurrent ops take them


def lens_path(path: Path) -> Path:
    return sidecar(path, LENS)


# -- running --------------------------------------------------------------------------------
def out_dtype(info: ArrayInfo, options: PadOptions) -> np.dtype:
    return np.dtype(options.dtype) if options.dtype else np.dtype(info.dtype or "float32")


def choose_value(plan: PadPlan) -> float:
    """``--value auto``: a padding value no real timestep equals (so a mask hides only
    padding). Tries 0, then -1, then one below the data's minimum."""
    candidates = [0.0, -1.0]
    hits = dict.fromkeys(candidates, 0)
    lo: float | None = None
    for item in plan.items:
        if not item.sequence:
            continue
        for seq_block in raw_sequences(item.info):
            arr = np.asarray(seq_block)
            if arr.size == 0:
                continue
            finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
            if finite.size:
                m = float(finite.min())
                lo = m if lo is None else min(lo, m)
            real = np.ones(arr.shape[:2], dtype=bool)
            for c in candidates:
                hits[c] += collisions(arr, real, c)
    for c in candidates:
        if hits[c] == 0:
            return c
    return math.floor(lo) - 1.0 if lo is not None else -1.0
