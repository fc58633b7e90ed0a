"""Many user errors reported at once, sorted by file and line.

A checker that stops at the first bad record makes a curator fix, re-run and fix again; one
that goes on and reports every problem lets them fix all of them in one pass (bioregistry's
lint does the same). Each problem keeps the one-sentence wording of a :class:`UserError`
(``file line N (record …): message``); :meth:`Problems.raise_if_any` raises one
:class:`UserError` holding them all — one line each, sorted by file and line, with a count —
or the single problem's own sentence when there is only one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError

_LINE = re.compile(r"\bline (\d+)\b")


@dataclass(frozen=True, order=True)
class Problem:
    """One user error and where it is, for sorting."""

    file: str
    line: int
    message: str


@dataclass
class Problems:
    """The user errors found so far by a checker that goes on after each one."""

    root: Path | None = None
    items: list[Problem] = field(default_factory=list)

    def _name(self, path: Path) -> str:
        if self.root is not None and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return str(path)

    def add(self, path: Path, error: UserError | str, line: int | None = None) -> None:
        """Record *error* about *path* (its line read from the message when not given)."""
        message = str(error)
        if line is None:
            m = _LINE.search(message)
            line = int(m.group(1)) if m else 0
        self.items.append(Problem(self._name(path), line, message))

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def report(self, what: str) -> str:
        """Every problem, one line each in file and line order, under a count."""
        items = sorted(set(self.items))
        if len(items) == 1:
            return items[0].message
        lines = [f"{len(items)} problems in {what}; fix each one and run again:"]
        lines += [f"  {p.message}" for p in items]
        return "\n".join(lines)

    def raise_if_any(self, what: str) -> None:
        """Raise one :class:`UserError` with :meth:`report` when anything was found."""
        if self.items:
            raise UserError(self.report(what))
