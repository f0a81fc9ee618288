"""The one exception type the core raises for problems a user can fix, and what the readers
turn into it."""

from __future__ import annotations

import contextvars
import tokenize
import zipfile
import zlib

# The file being read, for the last guard's one line when a bug escapes a reader.
READING: contextvars.ContextVar[str | None] = contextvars.ContextVar("reading", default=None)


class LstmdiagError(Exception):
    """A problem with the user's files or arguments; the message is fit to show as is."""


class UnreadableValues(LstmdiagError, ValueError):
    """A data file's values cannot be read (corrupt, truncated): the message names the file.
    A ValueError too, so that a per-file check that reads values reports it as a finding."""


# What the format libraries (zipfile, zlib, h5py, numpy's header parser, the JSON and protobuf
# walkers) raise on damaged bytes: each reader turns these into one line naming the file.
DAMAGED: tuple[type[BaseException], ...] = (
    ValueError,
    OSError,
    EOFError,
    RuntimeError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OverflowError,
    NotImplementedError,
    RecursionError,
    UnicodeError,
    zlib.error,
    zipfile.BadZipFile,
    tokenize.TokenError,
)


def one_line(exc: BaseException, limit: int = 200) -> str:
    """``Type: first line of the message``, cut to ``limit`` characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{type(exc).__name__}: {text}"
