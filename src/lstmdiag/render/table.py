"""The default human view: rich tables, coloured by verdict (NO_COLOR and pipes respected)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..findings import Report, Severity
from ..model.spec import InputSpec, ModelSpec, fmt_shape
from .safe import literal, visible

if TYPE_CHECKING:
    from ..explain import Explanation
    from ..padding import PadOptions, PadResult
    from ..stats import LengthStats
    from ..windowing import WindowResult

_STYLE = {"ok": "green", "warning": "yellow", "error": "bold red", "info": "cyan"}
MAX_OK_ROWS = 20


def accepts(spec: ModelSpec, inp: InputSpec) -> str:
    """One plain sentence per input: what data it accepts, axis by axis."""
    from ..roles import axis_roles

    shape = inp.shape
    roles = axis_roles(spec, inp)
    dims = ["batch"] + [
        f"{role} {'any' if d is None else d}" for role, d in zip(roles[1:], shape[1:], strict=True)
    ]
    batch = "any batch size" if shape[0] is None else f"exactly {shape[0]} per batch"
    time = ""
    if len(shape) > 1 and roles[1] == "time":
        time = (
            "; any number of timesteps" if shape[1] is None else f"; exactly {shape[1]} timesteps"
        )
    elif len(shape) > 1:
        time = "; no time axis (it feeds no sequence layer)"
    tokens = any(e.input == inp.name for e in spec.embeddings)
    what = "integer token-id arrays" if tokens else f"{inp.dtype} arrays"
    return f"{inp.name}: {what} shaped ({', '.join(dims)}); {batch}{time}."


def inspect_view(spec: ModelSpec) -> RenderableType:
    parts: list[RenderableType] = []
    head = Text.assemble(
        (visible(spec.path), "bold"),
        f"  {spec.model_class} · {spec.format}",
        f" · Keras {spec.keras_version}" if spec.keras_version else " · Keras version unknown",
    )
    parts.append(head)
    inputs = Table(title="Inputs", title_justify="left", show_edge=False)
    for col in ("name", "shape", "dtype"):
        inputs.add_column(col)
    for i in spec.inputs:
        inputs.add_row(literal(i.name), fmt_shape(i.shape), literal(i.dtype))
    parts.append(inputs)
    if spec.recurrent:
        rec = Table(title="Recurrent layers", title_justify="left", show_edge=False)
        for col in ("name", "class", "units", "input", "shape in", "seq", "flags"):
            rec.add_column(col)
        for r in spec.recurrent:
            cls = f"{r.wrapper}({r.class_name})" if r.wrapper else r.class_name
            flags = ", ".join(
                n
                for n, on in (
                    ("stateful", r.stateful),
                    ("unroll", r.unroll),
                    ("go_backwards", r.go_backwards),
                )
                if on
            )
            rec.add_row(
                literal(r.name),
                literal(cls),
                "?" if r.units is None else str(r.units),
                literal(r.input or "?"),
                fmt_shape(r.input_shape),
                "yes" if r.return_sequences else "no",
                flags,
            )
        parts.append(rec)
    elif spec.signature is not None:
        parts.append(
            Text(
                f"Layers: not recorded (an exported SavedModel); the inputs above are what its "
                f"serving signature {spec.signature!r} accepts."
            )
        )
    else:
        parts.append(Text("No recurrent layer in this model.", style="yellow"))
    if spec.signature is not None:
        pass
    elif spec.masking:
        for m in spec.masking:
            what = (
                f"Masking(mask_value={m.mask_value!r})"
                if m.class_name == "Masking"
                else "Embedding(mask_zero=True): token id 0 is padding"
            )
            parts.append(Text(visible(f"Mask: {m.layer} — {what}")))
    else:
        parts.append(Text("Mask: none (padding is seen as real data)"))
    if spec.unknown_layers:
        parts.append(
            Text(
                visible(
                    "Unknown layers (shapes after them are not propagated): "
                    + ", ".join(spec.unknown_layers)
                ),
                style="yellow",
            )
        )
    for i in spec.inputs:
        parts.append(literal(accepts(spec, i)))
    if spec.sequential and spec.keras_major == 3:
        parts.append(
            Text(
                "Note: Keras 3 Sequential models do not check the time axis at run "
                "time: wrong-length data runs silently.",
                style="yellow",
            )
        )
    return Group(*parts)


def check_view(report: Report, verbose: bool = False) -> RenderableType:
    parts: list[RenderableType] = []
    s = report.summary
    problems = [f for f in report.findings if f.severity is not Severity.INFO or verbose]
    if problems or verbose:
        table = Table(show_edge=False)
        for col in ("file", "input", "found", "expected", "verdict"):
            table.add_column(col, overflow="fold")
        hidden = 0
        shown_ok = 0
        for row in report.files:
            if row.verdict == "ok" and not verbose:
                shown_ok += 1
                if shown_ok > MAX_OK_ROWS:
                    hidden += 1
                    continue
            table.add_row(
                literal(row.label),
                literal(
                    row.input or ("—" if row.role in ("input", "unknown") else f"({row.role})")
                ),
                fmt_shape(row.shape),
                "—" if row.expected is None and row.role != "input" else fmt_shape(row.expected),
                Text(row.verdict, style=_STYLE[row.verdict]),
            )
        if hidden:
            table.add_row(f"… {hidden} more ok", "", "", "", Text("ok", style="green"))
        parts.append(table)
        for f in problems:
            line = Text.assemble(
                (f"{f.severity.value:<7} ", _STYLE[f.severity.value]),
                (f"{f.kind.value:<14} ", "bold"),
                visible(f"{f.label}: {f.message}"),
            )
            parts.append(line)
            if f.fix:
                parts.append(literal(f"        fix: {f.fix}", style="cyan"))
            for _kind, fix, when in f.alternatives:
                parts.append(literal(f"        or, {when}: {fix}", style="cyan"))
    for note in report.notes:
        parts.append(literal(f"note: {note}", style="cyan"))
    style = "bold red" if s.errors or s.dataset_errors else ("yellow" if s.warnings else "green")
    model = report.model
    ins = ", ".join(f"{i.name} {fmt_shape(i.shape)}" for i in model.inputs)
    parts.append(
        Text(
            visible(
                f"{s.files} array{'' if s.files == 1 else 's'} checked against {model.path} "
                f"[{ins}]: {s.ok} ok, {s.warnings} warnings, {s.errors} errors"
                + (f"; {s.not_inputs} not model inputs (not checked)" if s.not_inputs else "")
                + (f"; {s.dataset_errors} dataset errors" if s.dataset_errors else "")
            ),
            style=style,
        )
    )
    return Group(*parts)


def pad_view(result: PadResult, options: PadOptions) -> RenderableType:
    parts: list[RenderableType] = []
    to = (
        "maxlen " + ", ".join(f"{m} ({name})" for name, m in result.maxlens)
        if result.maxlens
        else f"maxlen {result.maxlen} ({result.maxlen_reason})"
    )
    parts.append(
        literal(
            f"Padded {result.sequences} sequences to {to}"
            f": {result.truncated} truncated, {result.padded} padded; padding {options.padding}, "
            f"truncating {options.truncating}, value {result.value_text or result.value}"
        )
    )
    table = Table(show_edge=False)
    notes = any(o.note for o in result.outputs)
    for col in ("output", "shape", "dtype", "from", *(("note",) if notes else ())):
        table.add_column(col, overflow="fold")
    for o in result.outputs:
        table.add_row(
            literal(f"{o.path}:{o.key}" if o.key else o.path),
            fmt_shape(o.shape),
            o.dtype,
            literal(o.source),
            *((literal(o.note or ""),) if notes else ()),
        )
    parts.append(table)
    for note in result.notes:
        parts.append(literal(note, style="yellow"))
    if result.mask_layer:
        parts.append(
            Text(f"In the model, mask the padding with: {result.mask_layer}", style="cyan")
        )
        if result.collisions:
            parts.append(
                Text(
                    f"warning: {result.collisions} real timesteps equal the padding value "
                    f"{result.value_text or result.value}: a mask would hide them too. Re-run "
                    "with --value auto.",
                    style="yellow",
                )
            )
        if options.padding == "pre":
            parts.append(
                Text(
                    "note: under a mask, --padding post keeps the fast cuDNN "
                    "LSTM/GRU kernel usable.",
                    style="yellow",
                )
            )
    return Group(*parts)


def stats_view(stats: LengthStats) -> RenderableType:
    from ..stats import human_bytes

    parts: list[RenderableType] = []
    pct = "  ".join(f"p{q} {v}" for q, v in stats.percentiles.items())
    parts.append(
        Text(
            f"{stats.count} sequences, {stats.total_steps} timesteps: min {stats.min}"
            f"  {pct}  max {stats.max}  (mean {stats.mean:.1f})",
            style="bold",
        )
    )
    peak = max(c for _, _, c in stats.histogram) or 1
    hist = Table(show_edge=False, show_header=False, box=None, pad_edge=False)
    hist.add_column(justify="right")
    hist.add_column()
    hist.add_column(justify="right")
    for start, end, count in stats.histogram:
        label = f"{start}" if start == end else f"{start}-{end}"
        hist.add_row(
            label,
            Text("█" * max(0 if count == 0 else 1, round(40 * count / peak)), style="cyan"),
            str(count),
        )
    parts.append(hist)
    table = Table(title="Candidate maxlen", title_justify="left", show_edge=False)
    for col in ("maxlen", "", "truncated", "timesteps lost", "padding", "padded tensor"):
        table.add_column(col, justify="right")
    for c in stats.candidates:
        style = "bold green" if c.recommended else ""
        table.add_row(
            f"{c.maxlen}{' ✓' if c.recommended else ''}",
            c.label,
            f"{c.truncated_pct:.1f}%",
            f"{c.lost_pct:.2f}%",
            f"{c.padding_pct:.1f}%",
            "?" if c.bytes is None else human_bytes(c.bytes),
            style=style,
        )
    parts.append(table)
    parts.append(
        Text(
            f"Recommended: {next(c.maxlen for c in stats.candidates if c.recommended)}"
            f" — {stats.reason}"
            + ("" if stats.model_maxlen is not None else " (lstmdiag pad --maxlen auto picks it)"),
            style="green",
        )
    )
    from ..stats import bucketing_note

    note = bucketing_note(stats)
    if note is not None:
        parts.append(Text(note, style="yellow"))
        return Group(*parts)
    buckets = Table(
        title="Bucketing (exact, minimum padding)", title_justify="left", show_edge=False
    )
    for col in ("buckets", "bucket_boundaries", "padding saved vs one maxlen"):
        buckets.add_column(col)
    for b in stats.bucketings:
        buckets.add_row(
            str(b.buckets), f"bucket_boundaries={list(b.boundaries)}", f"{b.saved_pct:.1f}%"
        )
    parts.append(buckets)
    return Group(*parts)


def explain_view(e: Explanation) -> RenderableType:
    d = e.diagnosis
    culprit = "the model" if d.culprit == "model" else "the data"
    rows = [literal(d.title, style="bold red"), literal(f"Cause ({culprit}): {d.cause}")]
    if d.expected is not None or d.found is not None:
        axis = "" if d.axis is None or d.axis < 0 else f" (axis {d.axis})"
        rows.append(
            Text(f"Model expects {fmt_shape(d.expected)}, data is {fmt_shape(d.found)}{axis}")
        )
    rows.append(literal(f"Fix: {d.fix}", style="cyan"))
    for alt in d.alternatives:
        rows.append(literal(f"Or, {alt.why}: {alt.fix}", style="cyan"))
    return Group(*rows)


def window_view(result: WindowResult) -> RenderableType:
    from ..stats import human_bytes

    ratio = result.output_bytes / max(1, result.input_bytes)
    parts: list[RenderableType] = [
        literal(
            f"{result.windows} windows of {result.timesteps} timesteps "
            f"({result.timesteps_reason}) from {result.rows} rows: "
            f"{human_bytes(result.output_bytes)}, {ratio:.1f}x the input"
            + (
                f"; {result.dropped_for_target} windows without a target row dropped"
                if result.dropped_for_target
                else ""
            )
        )
    ]
    table = Table(show_edge=False)
    for col in ("output", "shape", "dtype", "from"):
        table.add_column(col, overflow="fold")
    for o in result.outputs:
        table.add_row(
            literal(f"{o.path}:{o.key}" if o.key else o.path),
            fmt_shape(o.shape),
            o.dtype,
            literal(o.source),
        )
    parts.append(table)
    for note in result.notes:
        parts.append(literal(note, style="yellow"))
    return Group(*parts)
