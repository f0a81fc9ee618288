"""Judging: what each array is, how its axes read, and every finding with its fix (pure
functions over ModelSpec and ArrayInfo)."""
