"""Data variants per fixture model, with the exact verdict and finding kinds expected."""

from __future__ import annotations

from dataclasses import dataclass

from lstmdiag.model import ModelSpec, read_model

from .conftest import MODELS, TRUTH


@dataclass(frozen=True)
class Case:
    model: str  # fixture name, e.g. "k3/seq_fixed.keras"
    variant: str
    shape: tuple[int, ...]
    dtype: str
    verdict: str
    kinds: tuple[str, ...]


def single_input_models(exts: tuple[str, ...]) -> list[str]:
    return sorted(
        n
        for n, t in TRUTH.items()
        if len(t["inputs"]) == 1 and n.endswith(exts) and "custom" not in t
    )


def cases_for(name: str, spec: ModelSpec | None = None) -> list[Case]:
    spec = spec or read_model(MODELS / name)
    inp = spec.inputs[0]
    dtype = "int32" if any(e.input == inp.name for e in spec.embeddings) else "float32"
    exp = inp.shape
    batch = exp[0] if exp[0] is not None else 3
    time = exp[1] if exp[1] is not None else 7
    rest = tuple(d if d is not None else 4 for d in exp[2:])
    ok = (batch, time, *rest)
    out = [Case(name, "ok", ok, dtype, "ok", ())]
    for variant, t in (("shorter", max(1, time - 3)), ("longer", time + 2)):
        if exp[1] is None:
            out.append(Case(name, variant, (batch, t, *rest), dtype, "ok", ()))
        else:
            out.append(Case(name, variant, (batch, t, *rest), dtype, "error", ("timesteps",)))
    if rest:
        wrong = (*ok[:-1], ok[-1] + 1)
        out.append(Case(name, "features", wrong, dtype, "error", ("features",)))
    if rest == (1,):  # one feature per timestep: Keras adds the trailing axis of (N, T) itself
        out.append(Case(name, "no-unit-axis", ok[:-1], dtype, "warning", ("missing-axis",)))
    out.append(Case(name, "no-batch", ok[1:], dtype, "error", ("missing-batch",)))
    out.append(Case(name, "extra-axis", (1, *ok), dtype, "error", ("extra-axis",)))
    if exp[0] is not None:
        out.append(Case(name, "batch", (exp[0] + 1, *ok[1:]), dtype, "error", ("batch",)))
        if exp[0] > 1:
            small = (exp[0] - 1, *ok[1:])
            out.append(Case(name, "small-batch", small, dtype, "error", ("batch",)))
    return out
