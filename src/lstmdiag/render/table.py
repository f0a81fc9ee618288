"""The default human view: rich tables, coloured by verdict (NO_COLOR and pipes respected)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..judge.diagnosis import Diagnosis
from ..judge.findings import Finding, Report, Severity
from ..model.spec import SEQUENCE_LENS, InputSpec, MaskSpec, ModelSpec, RecurrentLayer, fmt_shape
from ..text import human_bytes, plural, visible
from .grouping import (
    EXAMPLES,
    FindingGroup,
    checked_line,
    common_base,
    culprit_said,
    group_findings,
    relative,
    shapes_said,
)
from .safe import literal

if TYPE_CHECKING:
    from ..judge.explain import Explanation
    from ..judge.stats import LengthStats
    from ..transform.pad_plan import PadOptions, PadResult
    from ..transform.window_plan import WindowResult

_STYLE = {"ok": "green", "warning": "yellow", "error": "bold red", "info": "cyan"}
MAX_OK_ROWS = 20


def accepts(spec: ModelSpec, inp: InputSpec) -> str:
    """One plain sentence per input: what data it accepts, axis by axis."""
    from ..judge.roles import axis_roles

    shape = inp.shape
    roles = axis_roles(spec, inp)
    dims = [r if r == "batch" else f"{r} {'any' if d is None else d}" for r, d in zip(
        roles, shape, strict=True)]  # fmt: skip
    b = roles.index("batch") if "batch" in roles else 0
    batch = "any batch size" if not shape or shape[b] is None else f"exactly {shape[b]} per batch"
    if inp.max_batch is not None:  # Triton
        batch = f"at most {inp.max_batch} per request"
    if inp.columns is not None:  # an MLflow column signature
        named = ", ".join(visible(c) for c in inp.columns[:8] if c)
        return (
            f"{inp.name}: a pandas DataFrame of {len(inp.columns)} columns"
            + (f" ({named}{', ...' if len(inp.columns) > 8 else ''})" if named else "")
            + f", {inp.dtype}; no bare array."
        )
    time = ""
    if "time" in roles:
        t = shape[roles.index("time")]
        time = "; any number of timesteps" if t is None else f"; exactly {t} timesteps"
        if inp.time_major:
            time += "; time-major: axis 0 is time (np.swapaxes(x, 0, 1) of batch-major data)"
    elif len(shape) > 1:
        time = "; no time axis (it feeds no sequence layer)"
    tokens = any(e.input == inp.name for e in spec.embeddings)
    what = "integer token-id arrays" if tokens else f"{inp.dtype} arrays"
    return f"{inp.name}: {what} shaped ({', '.join(dims)}); {batch}{time}."


def _outputs_table(outputs: Sequence[Any], width: int | None = None) -> RenderableType:
    """What pad and window wrote: one row per output (a note column when any has one)."""
    notes = any(getattr(o, "note", None) for o in outputs)
    header = ["output", "shape", "dtype", "from", *(("note",) if notes else ())]
    rows: list[list[str | Text]] = [
        [
            literal(f"{o.path}:{o.key}" if o.key else o.path),
            fmt_shape(o.shape),
            o.dtype,
            literal(o.source),
            *((literal(getattr(o, "note", None) or ""),) if notes else ()),
        ]
        for o in outputs
    ]
    return _whole_table(None, header, rows, width)


def _mask_text(m: MaskSpec) -> str:
    if m.class_name == "Masking":
        return f"Masking(mask_value={m.mask_value!r})"
    if m.class_name == "Embedding":
        return "Embedding(mask_zero=True): token id 0 is padding"
    if m.class_name == SEQUENCE_LENS:
        return (
            f"sequence_lens from input '{m.mask_input}': the steps past each sequence's length "
            "are skipped (pad after them: --padding post)"
        )
    source = f"input '{m.mask_input}'" if m.mask_input else "a computed tensor"
    return f"mask= argument from {source}: steps where it is False are skipped"


def _fed_by(r: RecurrentLayer) -> str:
    """The input on the layer's main path, then any others it uses (``mask=``, states)."""
    others = [visible(name) for name in r.inputs if name != r.input]
    main = visible(r.input or "?")
    return f"{main} (+ {', '.join(others)})" if others else main


def _whole_table(
    title: str | None, header: list[str], rows: Sequence[Sequence[str | Text]], width: int | None
) -> RenderableType:
    """A table whose cells are never cut; when it cannot fit ``width``, one line per row
    (``header value`` pairs that wrap between whole words) instead."""
    cells = [[c if isinstance(c, Text) else Text(c) for c in row] for row in rows]
    widths = [max([len(h)] + [r[i].cell_len for r in cells]) for i, h in enumerate(header)]
    needed = sum(widths) + 3 * (len(widths) - 1) + 2
    if width is None or needed <= width:
        table = Table(title=title, title_justify="left", show_edge=False)
        for h in header:
            table.add_column(h, no_wrap=True)
        for row in cells:
            table.add_row(*row)
        return table
    lines: list[RenderableType] = [Text(title, style="italic")] if title else []
    for row in cells:
        line = Text("  ") + row[0] + ":"
        for h, v in zip(header[1:], row[1:], strict=True):
            if v.plain:
                line += Text(f"  {h} ") + v
        lines.append(line)
    return Group(*lines)


def inspect_view(spec: ModelSpec, width: int | None = None) -> RenderableType:
    head = Text.assemble(
        (visible(spec.path), "bold"),
        visible(f"  {spec.model_class} · {spec.format}"),
        visible(f" · Keras {spec.keras_version}")
        if spec.keras_version
        else " · Keras version unknown",
    )
    input_rows = [
        [visible(i.name), fmt_shape(i.shape) + (" time-major" if i.time_major else ""),
         visible(i.dtype)]
        for i in spec.inputs
    ]  # fmt: skip
    parts: list[RenderableType] = [
        head,
        _whole_table("Inputs", ["name", "shape", "dtype"], input_rows, width),
        _layers_part(spec, width),
        *_mask_parts(spec),
        *_inspect_notes(spec),
    ]
    return Group(*parts)


def _layers_part(spec: ModelSpec, width: int | None) -> RenderableType:
    if spec.recurrent:
        rows = [_layer_row(r) for r in spec.recurrent]
        header = ["name", "class", "units", "input", "shape in", "seq", "flags"]
        if len(spec.inputs) == 1:  # one input: the column would repeat it on every row
            header.pop(3)
            rows = [row[:3] + row[4:] for row in rows]
        return _whole_table("Recurrent layers", header, rows, width)
    if spec.signature is not None:
        return Text(
            visible(
                "Layers: not recorded (an exported SavedModel); the inputs above are what "
                f"its serving signature {spec.signature!r} accepts."
            )
        )
    return Text("No recurrent layer in this model.", style="yellow")


def _layer_row(r: RecurrentLayer) -> list[str]:
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
    return [
        visible(r.name),
        visible(cls),
        "?" if r.units is None else str(r.units),
        _fed_by(r),
        fmt_shape(r.input_shape),
        "yes" if r.return_sequences else "no",
        flags,
    ]


def _mask_parts(spec: ModelSpec) -> list[RenderableType]:
    if spec.signature is not None:
        return []
    if spec.masking:
        return [Text(visible(f"Mask: {m.layer} — {_mask_text(m)}")) for m in spec.masking]
    return [Text("Mask: none (padding is seen as real data)")]


def _inspect_notes(spec: ModelSpec) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for note in spec.notes:
        parts.append(literal(f"warning: {note.text}", style="yellow"))
    for r in spec.recurrent:
        if r.kernel_features is not None and r.input_shape and r.input_shape[-1] is None:
            parts.append(literal(f"{r.name}: {r.kernel_features} features (from its weights)"))
    if spec.unknown_layers:
        parts.append(
            Text(
                visible(
                    "Unknown layers (shapes after them come only from what the file recorded): "
                    + ", ".join(spec.unknown_layers)
                ),
                style="yellow",
            )
        )
    for i in spec.inputs:
        parts.append(literal(accepts(spec, i)))
    from ..judge.keras_says import keras_on_wrong_timesteps

    if spec.keras_major == 3 and keras_on_wrong_timesteps(spec)[0]:  # not behind a runtime
        parts.append(
            Text(
                "Note: Keras 3 Sequential models do not check the time axis at run "
                "time: wrong-length data runs silently.",
                style="yellow",
            )
        )
    return parts


MANY_ROWS = 20  # past this many arrays the table lists only those with a problem


def _file_table(
    report: Report,
    base: str | None,
    verbose: bool,
    grouped: set[tuple[str, str | None]],
    width: int | None = None,
) -> RenderableType | None:
    """One row per array; with many arrays only those with a problem that no grouped entry
    already names (every array with -v)."""
    multi = len(report.model.inputs) > 1
    rows = list(report.files)
    if len(rows) > MANY_ROWS and not verbose:
        rows = [
            r for r in rows if r.verdict in ("error", "warning") and (r.path, r.key) not in grouped
        ]
    if not rows:
        return None
    header = ["file", *(["input"] if multi else []), "found"]
    header += [*(["expected"] if multi else []), "verdict"]
    cells: list[list[str | Text]] = []
    for row in rows:
        line: list[str | Text] = [literal(relative(row.label, base))]
        if multi:
            line.append(
                literal(row.input or ("—" if row.role in ("input", "unknown") else f"({row.role})"))
            )
        line.append(fmt_shape(row.shape))
        if multi:
            line.append(
                "—" if row.expected is None and row.role != "input" else fmt_shape(row.expected)
            )
        line.append(Text(row.verdict, style=_STYLE[row.verdict]))
        cells.append(line)
    return _whole_table(None, header, cells, width)


def _finding_lines(f: Finding, base: str | None) -> list[RenderableType]:
    """ruff/mypy style: ``path: kind: message``, then the fix indented."""
    lines: list[RenderableType] = [
        Text.assemble(
            visible(relative(f.label, base)) + ": ",
            (f"{f.severity.value} {f.kind.value}", _STYLE[f.severity.value]),
            ": " + visible(f.message),
        )
    ]
    if f.fix:
        lines.append(literal(f"    fix: {f.fix}", style="cyan"))
    for _kind, fix, when in f.alternatives:
        lines.append(literal(f"    or, {when}: {fix}", style="cyan"))
    return lines


def _group_lines(g: FindingGroup, base: str | None, verbose: bool) -> list[RenderableType]:
    f = g.first
    listed = g.findings if verbose else g.findings[:EXAMPLES]
    examples = [relative(x.label, base) for x in listed]
    more = len(g.findings) - len(examples)
    lines: list[RenderableType] = [
        Text.assemble(
            (f"{f.severity.value} {f.kind.value}", _STYLE[f.severity.value]),
            ": " + visible(g.summary),
        ),
        literal(
            "    e.g. " + ", ".join(examples) + (f" (+{more} more; -v lists them)" if more else "")
        ),
        literal(f"    {g.detail or f.message}", style="dim"),
    ]
    if g.fix:
        lines.append(literal(f"    fix: {g.fix}", style="cyan"))
    for alt in f.alternatives:  # said once for all: only what is true of every one
        if f.path not in alt[1] and all(alt in x.alternatives for x in g.findings):
            lines.append(literal(f"    or, {alt[2]}: {alt[1]}", style="cyan"))
    return lines


def check_view(report: Report, verbose: bool = False, width: int | None = None) -> RenderableType:
    """``width``: the console's; a table too wide for it is printed one line per array."""
    parts: list[RenderableType] = []
    problems = [f for f in report.findings if f.severity is not Severity.INFO or verbose]
    base = common_base([r.path for r in report.files])
    if problems or verbose:
        if base is not None:
            parts.append(literal(f"in {base}/", style="bold"))
        entries = problems if verbose else group_findings(problems, report.inputs)
        grouped = {
            (f.path, f.key) for e in entries if isinstance(e, FindingGroup) for f in e.findings
        }
        table = _file_table(report, base, verbose, grouped, width)
        if table is not None:
            parts.append(table)
        for entry in entries:
            if isinstance(entry, FindingGroup):
                parts.extend(_group_lines(entry, base, verbose))
            else:
                parts.extend(_finding_lines(entry, base))
    if not verbose:  # what --verify ran, one line per shape, also when Keras agreed
        said = dict.fromkeys(
            f.message for f in report.findings if f.kind.value == "keras" and f.severity.rank == 0
        )
        parts.extend(literal(f"keras: {m}", style="dim") for m in said)
    for note in report.notes:
        parts.append(literal(f"note: {note}", style="cyan"))
    parts.append(_summary_line(report))
    return Group(*parts)


def _summary_line(report: Report) -> Text:
    s = report.summary
    warned = s.warnings or s.dataset_warnings
    style = "bold red" if s.errors or s.dataset_errors else ("yellow" if warned else "green")
    return Text(visible(checked_line(report)), style=style)


def pad_view(result: PadResult, options: PadOptions, width: int | None = None) -> RenderableType:
    parts: list[RenderableType] = []
    to = (
        "maxlen " + ", ".join(f"{m} ({name})" for name, m in result.maxlens)
        if result.maxlens
        else f"maxlen {result.maxlen} ({result.maxlen_reason})"
    )
    parts.append(
        literal(
            f"Padded {plural(result.sequences, 'sequence')} to {to}"
            f": {result.truncated} truncated, {result.padded} padded; padding {options.padding}, "
            f"truncating {options.truncating}, value {result.value_text or result.value}"
        )
    )
    parts.append(_outputs_table(result.outputs, width))
    for note in result.notes:
        parts.append(literal(note, style="yellow"))
    if result.mask_layer:
        parts.append(
            Text(f"In the model, mask the padding with: {result.mask_layer}", style="cyan")
        )
        if result.collisions:
            parts.append(
                Text(
                    f"warning: {plural(result.collisions, 'real timestep')} "
                    f"{'equals' if result.collisions == 1 else 'equal'} the padding value "
                    f"{result.value_text or result.value}: a mask would hide "
                    f"{'it' if result.collisions == 1 else 'them'} too. Re-run with --value auto.",
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
    from ..judge.stats import bucketing_note

    pct = "  ".join(f"p{q} {v}" for q, v in stats.percentiles.items())
    parts: list[RenderableType] = [
        Text(
            f"{plural(stats.count, 'sequence')}, {plural(stats.total_steps, 'timestep')}: "
            f"min {stats.min}"
            f"  {pct}  max {stats.max}  (mean {stats.mean:.1f})",
            style="bold",
        )
    ]
    if stats.skipped:
        shown = "; ".join(stats.skipped[:5])
        more = f" (and {len(stats.skipped) - 5} more)" if len(stats.skipped) > 5 else ""
        parts.append(
            literal(
                f"skipped {plural(len(stats.skipped), 'array')} that can be read two ways "
                f"(--sequence-files or --time-axis 1 picks one; --model decides): {shown}{more}",
                style="yellow",
            )
        )
    parts += [_histogram(stats), _candidates(stats)]
    parts.append(
        Text(
            f"Recommended: {next(c.maxlen for c in stats.candidates if c.recommended)}"
            f" — {stats.reason}"
            + ("" if stats.model_maxlen is not None else " (lstmdiag pad --maxlen auto picks it)"),
            style="green",
        )
    )
    note = bucketing_note(stats)
    parts.append(Text(note, style="yellow") if note is not None else _bucketings(stats))
    return Group(*parts)


def _histogram(stats: LengthStats) -> Table:
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
    return hist


def _candidates(stats: LengthStats) -> Table:
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
    return table


def _bucketings(stats: LengthStats) -> Table:
    buckets = Table(
        title="Bucketing (exact, minimum padding)", title_justify="left", show_edge=False
    )
    for col in ("buckets", "bucket_boundaries", "padding saved vs one maxlen"):
        buckets.add_column(col)
    for b in stats.bucketings:
        buckets.add_row(
            str(b.buckets), f"bucket_boundaries={list(b.boundaries)}", f"{b.saved_pct:.1f}%"
        )
    return buckets


def explain_view(e: Explanation) -> RenderableType:
    d = e.diagnosis
    return Group(literal(d.title, style="bold red"), *_diagnosis_lines(d))


def diagnosis_panel(d: Diagnosis) -> RenderableType:
    """A diagnosis on its own (``rich.print(diagnosis)``): its title on a red frame."""
    title = Text("lstmdiag: ", style="bold") + literal(d.title, style="bold red")
    return Panel(Group(*_diagnosis_lines(d)), title=title, title_align="left", border_style="red")


def _diagnosis_lines(d: Diagnosis) -> list[RenderableType]:
    rows: list[RenderableType] = [literal(f"Cause ({culprit_said(d)}): {d.cause}")]
    said = shapes_said(d)
    if said is not None:
        rows.append(Text(said))
    rows.append(literal(f"Fix{', ' + d.when if d.when else ''}: {d.fix}", style="cyan"))
    for alt in d.alternatives:
        rows.append(literal(f"Or, {alt.why}: {alt.fix}", style="cyan"))
    if d.decides:
        rows.append(literal(f"What decides: {d.decides}"))
    return rows


def window_view(result: WindowResult, width: int | None = None) -> RenderableType:

    ratio = result.output_bytes / max(1, result.input_bytes)
    parts: list[RenderableType] = [
        literal(
            f"{plural(result.windows, 'window')} of {plural(result.timesteps, 'timestep')} "
            f"({result.timesteps_reason}) from {result.rows} rows: "
            f"{human_bytes(result.output_bytes)}, {ratio:.1f}x the input"
            + (
                f"; {plural(result.dropped_for_target, 'window')} without a target row dropped"
                if result.dropped_for_target
                else ""
            )
        )
    ]
    parts.append(_outputs_table(result.outputs, width))
    for note in result.notes:
        parts.append(literal(note, style="yellow"))
    return Group(*parts)
