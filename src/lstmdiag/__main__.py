"""``python -m lstmdiag``."""

from .cli import main

main()
