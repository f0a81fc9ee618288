"""``%load_ext lstmdiag``: every Keras or TensorFlow error in a notebook cell is followed by
lstmdiag's diagnosis of it (under the usual traceback, never instead of it).

``%lstmdiag off`` and ``%lstmdiag on`` turn it off and on; ``%lstmdiag`` says which it is.
IPython (the ``notebook`` extra) is imported only here, and only once the extension loads.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from types import FrameType, TracebackType
from typing import Any

from .judge.diagnosis import Diagnosis
from .live_errors import explain_exception

# The packages whose errors lstmdiag diagnoses: an exception of theirs, or one raised inside
# their code (numpy's own errors from inside a Keras layer count).
KERAS_PACKAGES = frozenset({"keras", "tf_keras", "tensorflow"})
_INSTALLED = frozenset({"site-packages", "dist-packages"})
MAGIC = "lstmdiag"
# IPython's own annotations are partial (set_custom_exc, display have none; the magic
# decorator's are wrong for a plain function): its shell is typed Any here.
Shell = Any
TEXT_WIDTH = 100  # the terminal view of a diagnosis


@dataclass
class _State:
    """The extension in this process (mutable on purpose: the magic switches it)."""

    on: bool = True
    loaded: bool = False
    previous: tuple[tuple[type[BaseException], ...], Any] = ((), None)


_STATE = _State()


def load_ipython_extension(ip: Shell) -> None:
    """``%load_ext lstmdiag``: diagnose Keras errors after their traceback; ``%lstmdiag``."""
    if _STATE.loaded:
        return
    _STATE.previous = (ip.custom_exceptions, ip.CustomTB)
    ip.set_custom_exc((Exception,), _show_with_diagnosis)
    ip.register_magic_function(_magic, magic_kind="line", magic_name=MAGIC)
    plain = ip.display_formatter.formatters["text/plain"]
    plain.for_type(Diagnosis, _pretty)
    _STATE.on, _STATE.loaded = True, True


def unload_ipython_extension(ip: Shell) -> None:
    """``%unload_ext lstmdiag``: the exception handler there was before, no magic."""
    if not _STATE.loaded:
        return
    ip.custom_exceptions, ip.CustomTB = _STATE.previous
    ip.magics_manager.magics["line"].pop(MAGIC, None)
    ip.display_formatter.formatters["text/plain"].pop(Diagnosis, None)
    _STATE.loaded, _STATE.previous = False, ((), None)


def _show_with_diagnosis(
    self: Shell,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> None:
    """IPython's custom exception handler: the traceback as always, then the diagnosis."""
    self.showtraceback((etype, value, tb), tb_offset=tb_offset)
    try:
        if _STATE.on and from_keras(value):
            diagnosis = explain_exception(value)
            if diagnosis is not None:
                from IPython.display import display

                display(diagnosis)  # type: ignore[no-untyped-call, unused-ignore]
    except Exception:  # the user's own traceback is shown already: nothing may hide it
        pass


def from_keras(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) is Keras's or TensorFlow's: its type is
    theirs, or their code is on its traceback."""
    for e in _chain(exc):
        if _package(type(e).__module__) in KERAS_PACKAGES:
            return True
        if any(_frame_package(frame) in KERAS_PACKAGES for frame in _frames(e.__traceback__)):
            return True
    return False


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        yield e
        e = e.__cause__ or e.__context__


def _frames(tb: TracebackType | None) -> Iterator[FrameType]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _package(module: object) -> str:
    return str(module).split(".", 1)[0]


def _frame_package(frame: FrameType) -> str:
    """The top-level package of a frame's module; else of its file, when the file is an
    installed package's (``…/site-packages/keras/…``)."""
    name = frame.f_globals.get("__name__")
    if isinstance(name, str) and _package(name) in KERAS_PACKAGES:
        return _package(name)
    parts = PurePath(frame.f_code.co_filename).parts
    installed = [i for i, part in enumerate(parts) if part in _INSTALLED]
    return parts[installed[-1] + 1] if installed and installed[-1] + 1 < len(parts) else ""


def _magic(line: str) -> None:
    """``%lstmdiag on|off``: diagnose Keras errors or not; ``%lstmdiag``: which it is."""
    word = line.strip().lower()
    if word in ("on", "off"):
        _STATE.on = word == "on"
        return
    if word:
        from IPython.core.error import UsageError

        raise UsageError(f"%lstmdiag takes on, off or nothing, not {line.strip()!r}")
    state = "on" if _STATE.on else "off"
    print(f"lstmdiag: diagnosing Keras errors is {state} (%lstmdiag on|off)")


def _pretty(d: Diagnosis, p: Any, cycle: bool) -> None:
    """A diagnosis as text (a terminal's IPython, a notebook's text/plain): its rich panel."""
    p.text(diagnosis_text(d))


def diagnosis_text(d: Diagnosis) -> str:
    """The rich view of ``d`` as plain text, no colour."""
    from rich.console import Console

    from .render.table import diagnosis_panel

    # force_jupyter=False: in a kernel rich would display its capture as a cell output too
    console = Console(file=io.StringIO(), width=TEXT_WIDTH, color_system=None, force_jupyter=False)
    with console.capture() as captured:
        console.print(diagnosis_panel(d))
    return captured.get().rstrip("\n")
