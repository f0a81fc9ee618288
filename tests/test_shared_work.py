"""The shortcuts that make a folder of 100,000 files cheap give exactly what the long way
gives: findings made once per shape and filled in per path, roles decided once per header,
JSON written by our own writer, npy headers parsed once per distinct header."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmdiag.data.discover import describe_paths, iter_files
from lstmdiag.judge import checks, roles
from lstmdiag.judge.check_options import CheckOptions
from lstmdiag.judge.checks import check_arrays
from lstmdiag.model import read_model
from lstmdiag.render.json import check_json, write_json

from .conftest import MODELS

NAMES = [
    "plain.npy",
    "with space.npy",
    "it's.npy",
    "ü-ñ.npy",
    'q"uote.npy',
    "$(touch x).npy",
    "back\\slash.npy",
    "x\\u0000.npy",  # the JSON escape of a NUL, spelled out in a name
    "10.npy",  # a name that is also a number in the messages
    "fix.npy",
    "y_train.npy",
    "lengths.npy",
]
MODEL_NAMES = [
    "k3/seq_fixed.keras",
    "k3/func_masking.keras",
    "k3/seq_none.keras",
    "k2/embed_maskzero_gru.h5",
    "k2/conv1d_lstm.h5",
]


def _folder(root: Path) -> Path:
    """Arrays of several shapes and dtypes under awkward names, in two folders."""
    rng = np.random.default_rng(7)
    for sub in ("a", "b c"):
        (root / sub).mkdir(parents=True)
        for i, name in enumerate(NAMES):
            t = int(rng.integers(3, 14))
            shape = [(1, t, 8), (2, t, 8), (t, 8), (1, t, 3), (4, t), (t,)][i % 6]
            dtype = [np.float32, np.float64, np.int32][i % 3]
            np.save(root / sub / name, np.zeros(shape, dtype))
    np.save(root / "a" / "flags.npy", np.ones((4, 5), bool))  # a mask by its dtype alone
    np.save(root / "a" / "steps.npy", np.ones((4, 5), np.float32))
    (root / "a" / "broken.npy").write_bytes(b"\x93NUMPY\x01\x00garbage")
    return root


def _slow_shape_findings(
    model: Any, info: Any, role: Any, options: Any, memo: Any
) -> list[checks.Finding]:
    return checks._array_findings(model, info, role, options)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_findings_made_once_per_shape_equal_the_long_way(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _folder(tmp_path / "data")
    model = read_model(MODELS / name)
    infos = describe_paths([str(data)])
    options = CheckOptions(model_arg=str(MODELS / name), inputs=(str(data),))
    fast = check_arrays(model, infos, options)
    monkeypatch.setattr(checks, "_shape_findings", _slow_shape_findings)
    slow = check_arrays(model, infos, options)
    assert fast.findings == slow.findings
    assert fast.files == slow.files
    assert len(fast.findings) > len(NAMES)  # the folder does exercise the error path


def test_a_model_whose_own_text_holds_the_slot_is_checked_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An input named with a NUL byte (or with the text of its JSON escape): findings made
    once would put the path in place of the model's own characters. They are not shared."""
    data = _folder(tmp_path / "data")
    base = read_model(MODELS / "k3/seq_fixed.keras")
    for name in ("in\x00put", "in\\u0000put"):
        model = replace(base, inputs=(replace(base.inputs[0], name=name),))
        infos = describe_paths([str(data)])
        options = CheckOptions(mapping={str(data): name}, inputs=(str(data),))
        fast = check_arrays(model, infos, options)
        assert check_json(fast) == json.dumps(fast.to_dict(), indent=2)
        with monkeypatch.context() as patched:
            patched.setattr(checks, "_shape_findings", _slow_shape_findings)
            slow = check_arrays(model, infos, options)
        assert fast.findings == slow.findings and fast.files == slow.files
        assert {f.input for f in fast.findings if f.input} == {name}


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_roles_decided_once_per_header_equal_one_by_one(name: str, tmp_path: Path) -> None:
    data = _folder(tmp_path / "data")
    model = read_model(MODELS / name)
    infos = describe_paths([str(data)])
    names = {i.name for i in model.inputs}
    shared: dict[tuple[object, ...], roles.Assignment] = {}
    together = [roles._classify_one(model, i, {}, names, False, shared) for i in infos]
    alone = [roles._classify_one(model, i, {}, names, False, {}) for i in infos]
    assert together == alone


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_report_json_is_the_standard_librarys(name: str, tmp_path: Path) -> None:
    data = _folder(tmp_path / "data")
    model = read_model(MODELS / name)
    report = check_arrays(model, describe_paths([str(data)]), CheckOptions(inputs=(str(data),)))
    assert check_json(report) == json.dumps(report.to_dict(), indent=2)


def test_a_name_that_spells_the_slots_escape_is_filled_once(tmp_path: Path) -> None:
    """A finding shared by files of one shape is filled in per file: where the name spells
    out the slot's JSON escape (``\\u0000``) and needs shell quoting, the quoted path once
    gave the slot again, and the fix named the file twice over."""
    for name in ("a.npy", "x\\u0000 y.npy", "\\u0000.npy", "z.npy"):
        np.save(tmp_path / name, np.zeros((2, 5, 8), np.float32))
    model = read_model(MODELS / "k3/seq_fixed.keras")
    report = check_arrays(model, describe_paths([str(tmp_path)]), CheckOptions(model_arg="m"))
    assert sum(f.template is not None for f in report.findings) >= 2  # the shared path
    text = check_json(report)
    assert text == json.dumps(report.to_dict(), indent=2)
    fixes = [f["fix"] for f in json.loads(text)["findings"]]
    assert f"lstmdiag pad '{tmp_path}/x\\u0000 y.npy' --model m --out padded/" in fixes


_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_trees = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(_trees)
def test_json_writer_matches_json_dumps(tree: Any) -> None:
    out: list[str] = []
    write_json(tree, out)
    assert "".join(out) == json.dumps(tree, indent=2)


def test_json_writer_leaves_odd_keys_to_the_standard_library() -> None:
    tree = {1: "a", None: [1.5, math.inf], "k": {2.5: True}}
    out: list[str] = []
    write_json(tree, out)
    assert "".join(out) == json.dumps(tree, indent=2)


def test_walk_lists_what_os_walk_lists(tmp_path: Path) -> None:
    """Sorted, top-down, into no symlinked folder, shown under the folder as given."""
    import os

    root = tmp_path / "r"
    for sub in ("b", "a/z", "a", "c"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for rel in ("b/1.npy", "a/z/2.npy", "a/3.npy", "0.npy", "c/x.txt", "a/.h.npy"):
        (root / rel).write_bytes(b"")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "link.npy").symlink_to(root / "0.npy")
    for given_as in (str(root), str(root) + "/", os.path.relpath(root)):
        walked = [shown for shown, _ in iter_files([given_as], ("*.npy",))]
        expected = []
        for top, dirs, files in os.walk(given_as):
            dirs.sort()
            expected += [os.path.join(top, f) for f in sorted(files) if f.endswith(".npy")]
        assert walked == expected
    for given_as in (str(root), str(root) + "//", str(root) + "/./a/.."):
        for _, file in iter_files([given_as], ("*.npy",)):
            # the string the walk gives each child is the one pathlib makes of it
            assert str(file) == str(Path(str(file.parent)) / file.name) == os.fspath(file)
            assert str(file) == str(type(file)(*file.parts))


def test_fast_constructors_make_what_init_makes() -> None:
    """ArrayInfo.plain, FileResult.row and Finding.for_path skip the frozen __init__ (per
    array of a large folder): each makes the object __init__ makes, field for field and in
    the fields' order, so a new field cannot be forgotten there."""
    from dataclasses import fields

    from lstmdiag.data.info import ArrayInfo
    from lstmdiag.judge.findings import PATH_SLOT, QUOTED_SLOT, FileResult, Finding, Kind, Severity

    def same(fast: object, slow: object) -> None:
        assert type(fast) is type(slow) and fast == slow
        assert list(vars(fast)) == [f.name for f in fields(type(slow))]  # type: ignore[arg-type]
        assert vars(fast) == vars(slow)
        # no bigger than __init__'s (a combined dict cost 176 bytes more per array)
        assert sys.getsizeof(vars(fast)) <= sys.getsizeof(vars(slow))

    where = Path("d/x.npy")
    same(
        ArrayInfo.plain("d/x.npy", where, "npy", None, (2, 3), "float32"),
        ArrayInfo("d/x.npy", where, "npy", None, (2, 3), "float32"),
    )
    row = ("p", "k", "in", (1, 2), "int8", "error", (None, 2), "input")
    same(FileResult.row(*row), FileResult(*row))
    template = Finding(
        Kind.TIMESTEPS, Severity.ERROR, PATH_SLOT, None, "in", (None, 3), (1, 2),
        f"m {PATH_SLOT}", f"pad {QUOTED_SLOT}", "data", (("k", f"f {PATH_SLOT}", "w"),),
    )  # fmt: skip
    filled = Finding(
        Kind.TIMESTEPS, Severity.ERROR, "a b.npy", None, "in", (None, 3), (1, 2),
        "m a b.npy", "pad 'a b.npy'", "data", (("k", "f a b.npy", "w"),), template,
    )  # fmt: skip
    same(template.for_path("a b.npy"), filled)
