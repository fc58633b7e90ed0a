"""The one exception type a user is meant to read.

Anything raised as :class:`UserError` is printed by the CLI as a single sentence without a
traceback (exit code 2); every other exception is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input, named precisely enough to fix it.

    The message is one sentence: what is wrong, where (file, line or record), and the fix.
    """


class BuildError(UserError):
    """A build failed; the previous build was left untouched."""
