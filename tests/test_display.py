"""Reports and diagnoses in Jupyter (``_repr_html_``) and rich (``__rich__``): every string
from a file or a message shown exactly, never run as HTML or read as rich markup."""

from __future__ import annotations

import html
import io
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

import lstmdiag
from lstmdiag.judge import display
from lstmdiag.judge.diagnosis import Alternative, Diagnosis
from lstmdiag.judge.explain import explain

from .conftest import DATA, MODELS

HOSTILE = "<img src=x onerror=alert(1)>[bold]x[red]y.npy"
MODEL = MODELS / "k3/seq_fixed.keras"  # (None, 10, 8); short.npy has 4 timesteps


def _hostile_report(tmp_path: Path) -> tuple[lstmdiag.Report, Path]:
    path = tmp_path / HOSTILE
    shutil.copy(DATA / "short.npy", path)
    return lstmdiag.check(MODEL, [path]), path


def _rich_text(obj: object) -> str:
    console = Console(record=True, width=400, color_system=None, file=io.StringIO())
    console.print(obj)
    return console.export_text()


HOSTILE_DIAGNOSIS = Diagnosis(
    kind="features",
    culprit="data",
    title="[bold]wrong[/bold] <b>features</b>",
    cause="<script>alert(1)</script> & [link=http://x]y[/link]",
    fix="x = x[..., :8]  # <i>[red]cut[/red]",
    expected=(None, 10, 8),
    found=(None, 10, 5),
    axis=2,
    alternatives=(Alternative("model-structure", "rebuild <Input>", "if [i]the model[/i] <u>"),),
)


def test_report_html_shows_a_hostile_file_name_literally(tmp_path: Path) -> None:
    report, path = _hostile_report(tmp_path)
    out = report._repr_html_()
    assert out is not None
    assert "<img" not in out and "onerror=alert(1)>" not in out
    assert f"<code>{html.escape(str(path))}</code>" in out  # the array's cell
    # the row: shape, verdict, kind, message, and the fix (the path shell-quoted, escaped)
    assert "<td>(1, 4, 8)</td>" in out and ">error</td><td>error timesteps</td>" in out
    assert "wrong number of timesteps: 4 instead of 10" in out
    fix = f"lstmdiag pad {html.escape(shlex.quote(str(path)))} --model {MODEL} --out padded/"
    assert f"<code>{fix}</code>" in out
    assert "or, if the model should take other lengths: <code>rebuild the model" in out
    assert "1 array checked against" in out and "0 ok, 0 warnings, 1 error" in out


def test_report_rich_shows_markup_in_a_file_name_as_text(tmp_path: Path) -> None:
    report, path = _hostile_report(tmp_path)
    text = _rich_text(report)
    assert f"{path}: error timesteps" in text  # "[bold]" and "[red]" kept, not read
    assert f"fix: lstmdiag pad '{path}' --model" in text
    assert text.rstrip().endswith("0 ok, 0 warnings, 1 error")


def test_diagnosis_html_escapes_every_field() -> None:
    out = HOSTILE_DIAGNOSIS._repr_html_()
    assert out is not None
    for raw in ("<b>", "<script>", "<i>", "<Input>", "<u>"):
        assert raw not in out
    assert html.escape(HOSTILE_DIAGNOSIS.title) in out
    assert f"Cause (the data): {html.escape(HOSTILE_DIAGNOSIS.cause)}</p>" in out
    assert "Model expects (None, 10, 8), data is (None, 10, 5) (axis 2)" in out
    assert f"<pre><code>{html.escape(HOSTILE_DIAGNOSIS.fix)}</code></pre>" in out
    assert "<p>Or, if [i]the model[/i] &lt;u&gt;:</p>" in out
    assert "<pre><code>rebuild &lt;Input&gt;</code></pre>" in out


def test_diagnosis_rich_is_literal() -> None:
    text = _rich_text(HOSTILE_DIAGNOSIS)
    assert "lstmdiag: [bold]wrong[/bold] <b>features</b>" in text
    assert "[link=http://x]y[/link]" in text
    assert "Fix: x = x[..., :8]  # <i>[red]cut[/red]" in text
    assert "Or, if [i]the model[/i] <u>: rebuild <Input>" in text


def test_a_diagnosis_from_a_keras_message_renders_its_fix() -> None:
    found = explain(
        'ValueError: Input 0 of layer "lstm" is incompatible with the layer: '
        "expected shape=(None, 10, 8), found shape=(None, 4, 8)"
    )
    assert found is not None
    d = found.diagnosis
    out = d._repr_html_()
    assert out is not None and d.kind == "timesteps"
    assert f"<pre><code>{html.escape(d.fix)}</code></pre>" in out
    assert f"Fix: {d.fix}" in " ".join(_rich_text(d).split())


def test_without_renderers_jupyter_shows_the_repr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, _ = _hostile_report(tmp_path)
    monkeypatch.setattr(display, "RENDERERS", {})
    assert report._repr_html_() is None and HOSTILE_DIAGNOSIS._repr_html_() is None
    assert report.__rich__() == repr(report)
    assert HOSTILE_DIAGNOSIS.__rich__() == repr(HOSTILE_DIAGNOSIS)


def test_import_lstmdiag_registers_without_importing_rich_or_render() -> None:
    code = (
        "import sys\n"
        "from lstmdiag.judge.diagnosis import Diagnosis\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'rich'"
        " or m.startswith('lstmdiag.render')]\n"
        "assert not loaded, loaded\n"
        "d = Diagnosis('features', 'data', 'T', 'C', 'F')\n"
        "assert '<pre><code>F</code></pre>' in d._repr_html_()\n"
        "assert 'rich' not in sys.modules\n"  # the HTML view needs no rich
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
