"""For each saved fixture model: load it with real Keras, then compare what lstmdiag reads
and finds through the live object with what it reads and finds from the file; the live
model's fixes (no file to name: --maxlen, --padding, --value) are applied as printed beside
the file's (--model) ones, and their outputs compared. Prints one JSON line."""

import json
import shlex
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

from keras_child_common import keras_module

flavour, data, *paths = sys.argv[1:]
keras = keras_module(flavour)

import lstmdiag  # noqa: E402  (after Keras: the live models are its objects)


def _findings(report):
    model = report.model.path
    return [
        (f.kind.value, f.severity.value, f.path if f.path != model else "MODEL", f.message)
        for f in report.findings
    ]


def _apply(fix, out):
    cmd = shlex.split(fix.replace("--out padded/", f"--out {out}"))
    assert cmd[0] == "lstmdiag", fix
    proc = subprocess.run([sys.executable, "-m", "lstmdiag", *cmd[1:]], capture_output=True)
    assert proc.returncode == 0, (fix, proc.stderr.decode()[-500:])
    return {p.name: p.read_bytes() for p in sorted(Path(out).rglob("*.npy"))}


result = {}
for path in paths:
    model = keras.models.load_model(path, compile=False)
    saved, live = lstmdiag.inspect_model(path), lstmdiag.inspect_model(model)
    spec_diff = [
        f.name
        for f in fields(saved)
        if f.name not in ("path", "format") and getattr(saved, f.name) != getattr(live, f.name)
    ]
    by_file, by_object = lstmdiag.check(path, data), lstmdiag.check(model, data)
    applied = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (a, b) in enumerate(zip(by_object.findings, by_file.findings, strict=True)):
            if a.fix and b.fix and a.fix != b.fix and a.fix.startswith("lstmdiag pad "):
                assert "--model" not in a.fix and "<" not in a.fix, a.fix
                assert _apply(a.fix, f"{tmp}/o{i}") == _apply(b.fix, f"{tmp}/f{i}"), a.fix
                applied += 1
    result[Path(path).name] = {
        "spec_diff": spec_diff,
        "same_findings": _findings(by_object) == _findings(by_file),
        "live_path": live.path,
        "applied": applied,
    }
print(json.dumps(result))
