"""Transforming: padded, masked and windowed copies, written atomically through one writer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    """``[func(i) for i in items]``, run elsewhere (a Dask cluster's workers), in order. The
    surface hands one in; this stage never reaches up to the cluster itself."""

    def __call__(self, func: Callable[[T], R], items: list[T], /) -> list[R]: ...
