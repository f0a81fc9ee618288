"""The judge: after every printed fix was applied, real Keras decides whether it was right.

1. `check` on the result passes.
2. `model.predict` on it runs.
3. No value is lost beyond the truncation that the output announced.
4. Under a mask, predictions on the padded data equal predictions on each unpadded sequence.
5. Every sentence about what Keras does ("NO error", "raises") is true for that model and data.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .apply import Applied, check, cwd, load_array, run_child

LOSS_SAID = re.compile(r"truncat|\blos[est]|\bkeeps?\b|\bdrop", re.IGNORECASE)
SILENT_SAID = re.compile(r"NO error|adds this axis and runs")
RAISE_SAID = re.compile(r"\braises?\b")


@dataclass
class Verdict:
    applied: Applied
    fixed: list[list[str]] = field(default_factory=list)  # batches: one array ref per input
    refs: list[tuple[np.ndarray, str]] = field(default_factory=list)  # (sequence, ref file)
    jobs: list[int] = field(default_factory=list)  # job indices of fixed, then refs, then claim
    claim: int | None = None


def _fixed_inputs(applied: Applied) -> list[list[str]]:
    """Re-check what the fixes wrote (and the arrays no fix needed); the batches to predict."""
    s = applied.scenario
    targets = list(dict.fromkeys(applied.outputs + [u.split("::")[0] for u in applied.untouched]))
    with cwd(applied.folder):
        again = check(applied.model, targets, s.deep)
    if again.code != 0:
        applied.problems.append(f"check after the fix: exit {again.code}\n{again.table[-1500:]}")
        return []
    rows = [r for r in again.report["files"] if r["role"] == "input"]
    by_input: dict[str, list[str]] = {}
    for r in rows:
        ref = r["path"] + (f"::{r['key']}" if r.get("key") else "")
        by_input.setdefault(r["input"], []).append(ref)
    names = [i["name"] for i in again.report["model"]["inputs"]]
    lists = [by_input.get(n, []) for n in names]
    return [list(group) for group in zip(*lists, strict=False)]


def _values(arrays: list[np.ndarray]) -> Counter[float]:
    counter: Counter[float] = Counter()
    for a in arrays:
        if a.dtype.kind == "f":
            a = a[np.isfinite(a)]
        counter.update(a.ravel().tolist())
    return counter


def _allowed_loss(applied: Applied) -> int:
    s = applied.scenario
    if s.allowed_loss is not None:
        return s.allowed_loss
    t = s.model.timesteps
    per_step = math.prod(s.model.features)
    return 0 if t is None else sum(max(0, len(q) - t) for q in s.sequences) * per_step


def kept_values(applied: Applied, fixed: list[list[str]]) -> None:
    s = applied.scenario
    if not s.sequences or not fixed:
        return
    arrays = [load_array(ref, applied.folder) for batch in fixed for ref in batch[:1]]
    original, now = _values(s.sequences), _values(arrays)
    if s.model.tokens:  # padding id 0 never occurs in real data, so no false kept
        now.pop(0, None)
    total = sum(original.values())
    kept = sum(min(c, now[v]) for v, c in original.items())
    lost = total - kept
    if lost > _allowed_loss(applied):
        applied.problems.append(
            f"the fix lost {lost} of {total} values (at most {_allowed_loss(applied)} needed)"
        )
    elif lost and not LOSS_SAID.search(applied.said):
        applied.problems.append(f"the fix lost {lost} of {total} values without saying so")


def mask_references(applied: Applied, work: Path) -> list[tuple[np.ndarray, str]]:
    """Each unpadded sequence alone (any-length models) or padded after its end with the mask
    value (fixed-length): what a masked model must predict for its padded row."""
    s = applied.scenario
    if s.model.mask is None or not s.sequences:
        return []
    t = s.model.timesteps
    refs = []
    for i, seq in enumerate(s.sequences):
        if t is not None and len(seq) > t:
            continue
        if t is None:
            ref = seq[None]
        else:
            value = s.model.mask_value if s.model.mask == "masking" else 0
            ref = np.full((1, t, *seq.shape[1:]), value, seq.dtype)
            ref[0, : len(seq)] = seq
        path = work / f"{s.id}.ref{i}.npy"
        np.save(path, ref)
        refs.append((seq, str(path)))
    return refs


def _rows_holding(batch: np.ndarray, seq: np.ndarray) -> list[int]:
    """Rows of a padded batch whose real steps are exactly ``seq`` (pre- or post-padded)."""
    n = len(seq)
    out = []
    for r, row in enumerate(batch):
        if len(row) < n:
            continue
        if np.array_equal(row[:n], seq) or np.array_equal(row[len(row) - n :], seq):
            out.append(r)
    return out


def judge_masks(v: Verdict, results: list[dict[str, Any]]) -> None:
    applied = v.applied
    fixed_preds = [results[j] for j in v.jobs[: len(v.fixed)]]
    ref_preds = [results[j] for j in v.jobs[len(v.fixed) : len(v.fixed) + len(v.refs)]]
    for (seq, _), ref in zip(v.refs, ref_preds, strict=True):
        if not ref["ran"]:
            continue
        for batch, pred in zip(v.fixed, fixed_preds, strict=True):
            if not pred["ran"]:
                continue
            arr = load_array(batch[0], applied.folder)
            for r in _rows_holding(arr, seq):
                if not np.allclose(pred["pred"][r], ref["pred"][0], atol=1e-5):
                    applied.problems.append(
                        f"under the mask, the padded row {r} of {batch[0]} predicts "
                        f"{pred['pred'][r]}, the unpadded sequence {ref['pred'][0]}"
                    )
                    return


def judge_claims(v: Verdict, results: list[dict[str, Any]]) -> None:
    """What the first check said Keras does with the array as it is, against Keras."""
    if v.claim is None:
        return
    outcome = results[v.claim]
    applied = v.applied
    said = [
        f["message"]
        for f in applied.first.report["findings"]
        if f["severity"] in ("error", "warning")
    ]
    for message in said:
        silent, raises = SILENT_SAID.search(message), RAISE_SAID.search(message)
        if silent and not outcome["ran"]:
            applied.problems.append(f"said Keras runs it, Keras raised {outcome['error']}")
        elif raises and not silent and outcome["ran"]:
            applied.problems.append(f"said Keras raises, Keras ran it: {message}")
    if applied.scenario.ok and not outcome["ran"]:
        applied.problems.append(f"check passed, Keras raised {outcome['error']}")


def run_judge(flavour: str, jobs: list[dict[str, Any]], work: Path) -> list[dict[str, Any]]:
    path = work / f"jobs-{flavour}.json"
    path.write_text(json.dumps(jobs))
    return run_child("judge_child.py", [flavour, str(path)], len(jobs), 1200)


def plan_jobs(
    applied: list[Applied], model_paths: dict[str, str], work: Path
) -> tuple[list[Verdict], list[dict[str, Any]]]:
    verdicts, jobs = [], []
    for a in applied:
        v = Verdict(a)
        verdicts.append(v)
        s = a.scenario
        model = model_paths[s.model.name]
        batch_size = s.model.batch
        if not a.problems and not s.ok and a.outputs:
            v.fixed = _fixed_inputs(a)
            kept_values(a, v.fixed)
            v.refs = mask_references(a, work)
        for batch in v.fixed:
            v.jobs.append(len(jobs))
            refs = [str(a.folder / r.split("::")[0]) + _key(r) for r in batch]
            jobs.append({"model": model, "inputs": refs, "batch_size": batch_size})
        for _, ref in v.refs:
            v.jobs.append(len(jobs))
            jobs.append({"model": model, "inputs": [ref], "batch_size": batch_size})
        if s.lone is not None:
            v.claim = len(jobs)
            jobs.append({"model": model, "inputs": [str(a.folder / s.lone)], "fresh": True})
    return verdicts, jobs


def _key(ref: str) -> str:
    _, sep, key = ref.partition("::")
    return f"::{key}" if sep else ""


def judge_all(verdicts: list[Verdict], results: list[dict[str, Any]]) -> None:
    for v in verdicts:
        for batch, j in zip(v.fixed, v.jobs, strict=False):
            if not results[j]["ran"]:
                v.applied.problems.append(f"Keras on the fixed {batch}: {results[j]['error']}")
        judge_masks(v, results)
        judge_claims(v, results)
