"""The one exception type the core raises for problems a user can fix."""

from __future__ import annotations


class LstmdiagError(Exception):
    """A problem with the user's files or arguments; the message is fit to show as is."""
