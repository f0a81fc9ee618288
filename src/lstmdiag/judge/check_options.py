"""What a check is asked to do: the options of ``lstmdiag check`` and ``lstmdiag.check()``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckOptions:
    deep: bool = False
    mapping: dict[str, str] = field(default_factory=dict)  # data path (or path:key) -> input
    model_arg: str | None = None  # the model path as given, for fix commands
    ignore: frozenset[str] = frozenset()  # finding kinds to drop
    exclude: tuple[str, ...] = ()  # glob patterns of arrays to leave out entirely
    inputs: tuple[str, ...] = ()  # the data paths as given: fixes never write inside them
    shard: tuple[int, int] | None = None  # (I, N): check only the I-th of N slices
