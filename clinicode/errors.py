"""Exceptions raised at the project's boundaries.

Messages name the file, the record and the field at fault and say what was expected. They never
quote note text or identifier values: health data must not leak into logs or error output.
"""

from __future__ import annotations


class ClinicodeError(Exception):
    """Base class of every error this project raises on purpose."""


class ConfigError(ClinicodeError):
    """``params.yaml`` or a setting is missing, unreadable or invalid."""


class InputError(ClinicodeError):
    """An input file or record is malformed.

    Args:
        file: The file at fault (or a source name).
        record: The line number or record id at fault, if known.
        field: The field at fault, if known.
        problem: What is wrong and what was expected (no PHI).
    """

    def __init__(
        self, file: str, problem: str, record: str | int | None = None, field: str | None = None
    ) -> None:
        self.file, self.record, self.field, self.problem = str(file), record, field, problem
        where = [self.file]
        if record is not None:
            where.append(f"record {record}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")


class DataValidationError(ClinicodeError):
    """A dataset failed its validation suite; nothing was written."""


class ModelError(ClinicodeError):
    """A model cannot be trained, loaded or asked for predictions."""


class GovernanceError(ClinicodeError):
    """A governance rule refused an action (promotion without a passing gate, missing approver)."""
