"""Sequence-length statistics: choosing maxlen, and exact bucket boundaries for tf.data.

Everything works on a histogram of lengths (length -> count), read from headers, so a
million sequences cost a few kilobytes. Bucket boundaries come from an exact dynamic
programme over the sorted distinct lengths (divide-and-conquer optimisation: the cost of a
bucket -- its padding -- is a Monge cost over sorted lengths, so optimal split points move
monotonically), not from a heuristic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ..data.info import ArrayInfo
from ..errors import LstmdiagError

if TYPE_CHECKING:
    from ..model.spec import ModelSpec

PERCENTILES = (50, 90, 95, 99)


@dataclass(frozen=True)
class Candidate:
    maxlen: int
    label: str  # "p95", "max", "model"
    truncated_pct: float  # of sequences
    lost_pct: float  # of real timesteps
    padding_pct: float  # of the padded tensor
    bytes: int | None  # of the padded tensor (None: step size unknown)
    recommended: bool = False


@dataclass(frozen=True)
class Bucketing:
    buckets: int
    boundaries: tuple[int, ...]  # for tf.data bucket_by_sequence_length
    padding: int  # padded timesteps in total (each bucket padded to its longest)
    saved_pct: float  # padding saved against one global maxlen (the longest sequence)


@dataclass(frozen=True)
class LengthStats:
    count: int
    total_steps: int
    min: int
    max: int
    mean: float
    percentiles: dict[int, int]
    histogram: tuple[tuple[int, int, int], ...]  # (from, to inclusive, count)
    candidates: tuple[Candidate, ...]
    bucketings: tuple[Bucketing, ...]
    step_bytes: int | None
    model_maxlen: int | None
    reason: str
    skipped: tuple[str, ...] = ()  # arrays read two ways, left out (each with its readings)


def length_counts(infos: Iterable[ArrayInfo]) -> Counter[int]:
    """length -> number of sequences, from headers (no values are read)."""
    counts: Counter[int] = Counter()
    for info in infos:
        if info.problem is not None or info.shape is None:
            continue
        if info.ragged and info.lengths is not None:
            values, n = np.unique(np.asarray(info.lengths), return_counts=True)
            counts.update(dict(zip(values.tolist(), n.tolist(), strict=True)))
        elif len(info.shape) >= 2 and info.shape[0]:  # an empty batch holds no sequence
            counts[int(info.shape[1] or 0)] += int(info.shape[0])
    return counts


def step_bytes_of(infos: Iterable[ArrayInfo]) -> int | None:
    """Bytes of one padded timestep (features x itemsize), from the first usable array."""
    for info in infos:
        if (
            info.problem is None
            and info.shape is not None
            and info.dtype
            and (info.ragged or len(info.shape) >= 2)
        ):
            return math.prod(int(d or 0) for d in info.shape[2:]) * np.dtype(info.dtype).itemsize
    return None


def nearest_rank(lengths: np.ndarray, counts: np.ndarray, q: float) -> int:
    """Nearest-rank percentile: the smallest length covering ``q`` % of the sequences
    (``lengths`` sorted, ``counts`` the number of sequences of each)."""
    need = math.ceil(counts.sum() * q / 100.0)
    index = int(np.searchsorted(np.cumsum(counts), max(need, 1)))
    return int(lengths[min(index, len(lengths) - 1)])


def bucket_cost_table(lengths: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = np.concatenate([[0], np.cumsum(counts)])
    s = np.concatenate([[0], np.cumsum(lengths * counts)])
    return c, s


def _next_layer(
    prev: list[float], cost: Callable[[int, int], int], d: int
) -> tuple[list[float], list[int]]:
    """One more bucket: cur[j] = min over i of prev[i-1] + cost(i, j), by divide and conquer
    (the best i never decreases as j grows, since the cost is Monge)."""
    inf = float("inf")
    cur: list[float] = [inf] * d
    arg = [0] * d
    stack = [(0, d - 1, 0, d - 1)]
    while stack:
        lo, hi, opt_lo, opt_hi = stack.pop()
        if lo > hi:
            continue
        mid = (lo + hi) // 2
        best, best_i = inf, opt_lo
        for i in range(max(opt_lo, 1), min(mid, opt_hi) + 1):
            value = prev[i - 1] + cost(i, mid)
            if value < best:
                best, best_i = value, i
        if best == inf:  # mid == 0: a single bucket
            best, best_i = prev[mid], 0
        cur[mid], arg[mid] = best, best_i
        stack.append((lo, mid - 1, opt_lo, best_i))
        stack.append((mid + 1, hi, best_i, opt_hi))
    return cur, arg


def optimal_buckets(lengths: np.ndarray, counts: np.ndarray, k: int) -> tuple[list[int], int]:
    """Split sorted distinct ``lengths`` into at most ``k`` contiguous buckets minimising
    the total padding (each bucket padded to its longest). Returns (group ends, padding)."""
    d = len(lengths)
    k = max(1, min(k, d))
    c, s = bucket_cost_table(lengths.astype(np.int64), counts.astype(np.int64))
    lens = [int(x) for x in lengths]
    cc = [int(x) for x in c]
    ss = [int(x) for x in s]

    def cost(i: int, j: int) -> int:  # bucket of distinct lengths i..j (inclusive)
        return lens[j] * (cc[j + 1] - cc[i]) - (ss[j + 1] - ss[i])

    prev: list[float] = [float(cost(0, j)) for j in range(d)]
    choice: list[list[int]] = [[0] * d]
    for _ in range(1, k):
        cur, arg = _next_layer(prev, cost, d)
        # Fewer buckets is allowed: never worse than the previous layer.
        for j in range(d):
            if prev[j] <= cur[j]:
                cur[j], arg[j] = prev[j], -1
        prev = cur
        choice.append(arg)
    ends: list[int] = []
    j, layer = d - 1, k - 1
    while j >= 0 and layer >= 0:
        i = choice[layer][j]
        if i == -1:  # same split as with one bucket fewer
            layer -= 1
            continue
        ends.append(j)
        j, layer = i - 1, layer - 1
    return sorted(ends), int(prev[d - 1])


def brute_force_buckets(lengths: np.ndarray, counts: np.ndarray, k: int) -> int:
    """O(k d^2) reference DP, for tests."""
    d = len(lengths)
    c, s = bucket_cost_table(lengths.astype(np.int64), counts.astype(np.int64))

    def cost(i: int, j: int) -> int:
        return int(lengths[j] * (c[j + 1] - c[i]) - (s[j + 1] - s[i]))

    best = [cost(0, j) for j in range(d)]
    for _ in range(1, max(1, min(k, d))):
        best = [
            min([best[j]] + [best[i - 1] + cost(i, j) for i in range(1, j + 1)]) for j in range(d)
        ]
    return best[d - 1]


def _candidate(
    lengths: np.ndarray, counts: np.ndarray, m: int, label: str, step_bytes: int | None
) -> Candidate:
    n = int(counts.sum())
    steps = int((lengths * counts).sum())
    longer = lengths > m
    truncated = int(counts[longer].sum())
    lost = int(((lengths[longer] - m) * counts[longer]).sum())
    shorter = lengths < m
    padded = int(((m - lengths[shorter]) * counts[shorter]).sum())
    tensor = n * m
    return Candidate(
        maxlen=m,
        label=label,
        truncated_pct=100.0 * truncated / n if n else 0.0,
        lost_pct=100.0 * lost / steps if steps else 0.0,
        padding_pct=100.0 * padded / tensor if tensor else 0.0,
        bytes=None if step_bytes is None else tensor * step_bytes,
    )


def compute_stats(
    counts: Counter[int],
    step_bytes: int | None = None,
    model_maxlen: int | None = None,
    buckets: Iterable[int] = (2, 4, 8),
    bins: int = 20,
) -> LengthStats:
    if not counts:
        raise ValueError("no sequences")
    lengths = np.array(sorted(counts), dtype=np.int64)
    n_per = np.array([counts[int(x)] for x in lengths], dtype=np.int64)
    n = int(n_per.sum())
    steps = int((lengths * n_per).sum())
    pct = {q: nearest_rank(lengths, n_per, q) for q in PERCENTILES}
    lo, hi = int(lengths[0]), int(lengths[-1])

    histogram = _histogram(lengths, n_per, bins)
    labelled: dict[int, str] = {}
    for q in PERCENTILES:
        labelled.setdefault(pct[q], f"p{q}")
    labelled.setdefault(hi, "max")
    if model_maxlen is not None:
        labelled[model_maxlen] = "model"
    cands = [
        _candidate(lengths, n_per, m, label, step_bytes) for m, label in sorted(labelled.items())
    ]
    if model_maxlen is not None:
        pick = next(c for c in cands if c.label == "model")
        reason = (
            f"the model fixes {model_maxlen} timesteps: pad to it "
            f"({pick.truncated_pct:.1f}% of sequences truncated)"
        )
    else:
        pick = next((c for c in cands if c.lost_pct <= 1.0), cands[-1])
        reason = (
            f"the shortest maxlen that keeps >= 99% of real timesteps "
            f"({pick.lost_pct:.2f}% lost, {pick.padding_pct:.1f}% padding)"
        )
    cands = [Candidate(**{**c.__dict__, "recommended": c is pick}) for c in cands]

    # A model with a fixed time axis takes exactly that length: buckets cannot be fed to it.
    bucketings = _bucketings(lengths, n_per, buckets) if model_maxlen is None else []
    return LengthStats(
        count=n,
        total_steps=steps,
        min=lo,
        max=hi,
        mean=steps / n,
        percentiles=pct,
        histogram=tuple(histogram),
        candidates=tuple(cands),
        bucketings=tuple(bucketings),
        step_bytes=step_bytes,
        model_maxlen=model_maxlen,
        reason=reason,
    )


def _histogram(lengths: np.ndarray, n_per: np.ndarray, bins: int) -> list[tuple[int, int, int]]:
    lo, hi = int(lengths[0]), int(lengths[-1])
    width = max(1, math.ceil((hi - lo + 1) / bins))
    histogram = []
    for start in range(lo, hi + 1, width):
        end = min(hi, start + width - 1)
        sel = (lengths >= start) & (lengths <= end)
        histogram.append((start, end, int(n_per[sel].sum())))
    return histogram


def _bucketings(lengths: np.ndarray, n_per: np.ndarray, buckets: Iterable[int]) -> list[Bucketing]:
    global_padding = int(((lengths[-1] - lengths) * n_per).sum())
    bucketings = []
    for k in sorted(set(buckets)):
        ends, padding = optimal_buckets(lengths, n_per, k)
        boundaries = tuple(int(lengths[e]) + 1 for e in ends[:-1])
        saved = 100.0 * (global_padding - padding) / global_padding if global_padding else 0.0
        bucketings.append(Bucketing(k, boundaries, padding, saved))
    return bucketings


def stats_of(
    infos: list[ArrayInfo],
    model: ModelSpec | None,
    axis: int | None,
    buckets: tuple[int, ...],
    inputs: list[str],
) -> tuple[LengthStats, Counter[int]]:
    """``lstmdiag stats`` of these arrays (``inputs``: what was given, for the error): their
    lengths as every command reads them, and the stats; arrays that read two ways skipped."""
    from .layout import place

    placed = place(infos, model, axis=axis, skip_ambiguous=True)
    skipped = tuple(p.note or "" for p in placed if p.ambiguous)
    infos = [p.info for p in placed if p.pad]
    counts = length_counts(infos)
    if not counts:
        raise LstmdiagError("no sequences found in " + ", ".join(inputs))
    fixed = None
    if model and model.inputs and len(model.inputs[0].shape) > 1:
        fixed = model.inputs[0].shape[1]
    result = compute_stats(counts, step_bytes_of(infos), fixed, buckets)
    return replace(result, skipped=skipped), counts


def to_dict(stats: LengthStats) -> dict[str, object]:
    return {
        "count": stats.count,
        "total_steps": stats.total_steps,
        "min": stats.min,
        "max": stats.max,
        "mean": stats.mean,
        "percentiles": {f"p{q}": v for q, v in stats.percentiles.items()},
        "histogram": [{"from": a, "to": b, "count": c} for a, b, c in stats.histogram],
        "candidates": [c.__dict__ for c in stats.candidates],
        "recommendation": stats.reason,
        "buckets": [
            {
                "buckets": b.buckets,
                "bucket_boundaries": list(b.boundaries),
                "padding_steps": b.padding,
                "padding_saved_pct": b.saved_pct,
            }
            for b in stats.bucketings
        ],
        "step_bytes": stats.step_bytes,
        "model_maxlen": stats.model_maxlen,
        "bucketing_note": bucketing_note(stats),
        "skipped": list(stats.skipped),
    }


def bucketing_note(stats: LengthStats) -> str | None:
    """Why there is no bucketing table, when there is none."""
    if stats.model_maxlen is None:
        return None
    return (
        f"no bucketing: the model fixes {stats.model_maxlen} timesteps, so every batch must be "
        "padded to it; bucket_by_sequence_length needs a model with None timesteps"
    )
