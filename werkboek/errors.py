"""Exceptions with messages a facilitator or analyst can act on.

Every problem with input data names the file, the row and the field, so that a person
with a spreadsheet open can find and fix it. The CLI prints these messages without a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WerkboekError(Exception):
    """Base class for every error the workbook reports to a person."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in an input file."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rij {self.row}"
        if self.field:
            where += f", veld '{self.field}'"
        return f"{where}: {self.message}"


class DataError(WerkboekError):
    """An input file is malformed or inconsistent. Nothing was loaded or written.

    Carries all problems found, so a person can fix a file in one go rather than one
    error per run.
    """

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        lines = [str(p) for p in self.problems]
        head = lines[0] if len(lines) == 1 else f"{len(lines)} fouten in de gegevens:\n  " + "\n  ".join(lines)
        super().__init__(head)

    @classmethod
    def at(cls, file: str | Path, row: int | None, field: str | None, message: str) -> "DataError":
        return cls(Problem(_display(file), row, field, message))


class BallotRejected(WerkboekError):
    """A ballot (or draft) cannot be accepted; the message is meant for the resident (Dutch, B1).

    ``reason`` is a stable machine-readable key (e.g. ``"code_unknown"``) that widgets use
    to pick a translation; ``str(exc)`` is the Dutch message.
    """

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


class WorkshopStateError(WerkboekError):
    """An action does not fit the workshop's status (e.g. editing the ballot while voting is open)."""


class ModerationError(WerkboekError):
    """A remark cannot be moderated as asked (unknown ballot, replaced ballot, unknown status)."""


class ScenarioError(WerkboekError):
    """A scenario's parameters are invalid; the message names the file and the parameter."""


def _display(file: str | Path) -> str:
    path = Path(file)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
