"""PHI in table columns: a header names the column, every cell under it is of that type.

Run sheets, chair logs and lab exports write identifiers in columns ("Pump S/N", "Given by",
"MRN") where no label stands next to the value, so the pattern rules that need a label miss
them. A table here is a run of lines split by one delimiter (``|`` or a tab) into the same
number of cells; its first line is the header when its cells are words. A cell under a header
that names a PHI type is reported as that type when it looks like one (digits for numbers and
dates, letters for names), so "n/a", "-" and free text in a date column are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Header cell (lower case, stripped of ":" and "#") -> PHI type of the column's cells.
_HEADER_TYPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?:^|\b){pattern}(?:\b|$)"), phi_type)
    for pattern, phi_type in (
        (r"(?:serial|s/n|sn|udi|device id|imei|pump s/n|pump sn)", "DEVICE"),
        (r"(?:mrn|mr#|mr no|ur|urn|medical record(?: no| number)?|hospital no)", "MRN"),
        (r"(?:ssn|social security(?: no| number)?)", "SSN"),
        (r"(?:phone|tel|telephone|fax|mobile|cell|contact no)", "PHONE"),
        (r"(?:e-?mail)", "EMAIL"),
        (
            r"(?:dob|date of birth|birth date|date|admitted|discharged|admission|discharge|"
            r"collected|received|visit date|given on)",
            "DATE",
        ),
        (
            r"(?:name|patient|nurse|rn|given by|clinician|provider|physician|staff|signed(?: by)?|"
            r"initials|verified by|checked by|by|technician|tech|caregiver|contact|coder|"
            r"surgeon|attending|interpreter)",
            "NAME",
        ),
        (r"(?:address|street)", "ADDRESS"),
        (r"(?:city|town)", "CITY"),
        (r"(?:zip|zip code|postcode|postal code)", "ZIP"),
        (
            r"(?:account|acct|claim|member id|accession|specimen(?: id| no)?|encounter|"
            r"visit id|case no|badge|id)",
            "ID",
        ),
        (r"(?:licen[cs]e|lic|npi|dea|plate)", "LICENSE"),
        (r"(?:facility|hospital|clinic|practice)", "FACILITY"),
    )
)
_NUMERIC_TYPES = frozenset({"DEVICE", "MRN", "SSN", "PHONE", "DATE", "ZIP", "ID", "LICENSE"})
_EMPTY = frozenset({"", "-", "--", "—", "n/a", "na", "none", "nil", "unknown", "?", "x"})
_DELIMITERS = ("|", "\t")
_NAME_CELL = re.compile(r"[^\W\d_][\w'’.\- ,]*")
_MAX_NAME_WORDS = 5


def _cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each cell of ``line``, whitespace stripped, in line coordinates."""
    cells, start = [], 0
    for part in line.split(delimiter):
        end = start + len(part)
        stripped = part.strip()
        offset = start + (len(part) - len(part.lstrip()))
        cells.append((offset, offset + len(stripped)))
        start = end + len(delimiter)
    return cells


def _column_type(header: str) -> str | None:
    label = header.lower().strip(" :#*").strip()
    if not label or any(c.isdigit() for c in label) or len(label) > 30:
        return None
    if len(label.split()) > 3:
        return None
    # The whole label, then its last word ("Patient ID" is an ID column), then any word.
    for candidate in (label, label.split()[-1]):
        for pattern, phi_type in _HEADER_TYPES:
            if pattern.fullmatch(candidate):
                return phi_type
    for pattern, phi_type in _HEADER_TYPES:
        if pattern.search(label):
            return phi_type
    return None


def _looks_like(value: str, phi_type: str) -> bool:
    if value.lower() in _EMPTY:
        return False
    if phi_type in _NUMERIC_TYPES:
        return any(c.isdigit() for c in value)
    if phi_type == "EMAIL":
        return "@" in value
    if phi_type in ("NAME", "CITY", "FACILITY"):
        return (
            _NAME_CELL.fullmatch(value) is not None
            and value[0].isupper()
            and len(value.split()) <= _MAX_NAME_WORDS
        )
    return True


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def table_spans(text: str) -> list[tuple[int, int, str]]:
    """PHI cells of the tables in ``text``: ``(start, end, phi_type)``.

    Args:
        text: A note.

    Returns:
        Spans of cells under a header that names a PHI type, in text order.
    """
    if "|" not in text and "\t" not in text:
        return []
    found: list[tuple[int, int, str]] = []
    header: tuple[str, int, list[str | None]] | None = None  # delimiter, cells, column types
    for offset, line in _lines(text):
        if header is not None:
            delimiter, width, types = header
            cells = _cells(line, delimiter) if delimiter in line else []
            if len(cells) == width:
                for (a, b), phi_type in zip(cells, types, strict=True):
                    if phi_type and b > a and _looks_like(line[a:b], phi_type):
                        found.append((offset + a, offset + b, phi_type))
                continue
            header = None
        header = _header(line)
    return found


def _header(line: str) -> tuple[str, int, list[str | None]] | None:
    """The line as a table header: its delimiter, cell count and column types; else None."""
    for delimiter in _DELIMITERS:
        if line.count(delimiter) < 2:
            continue
        cells = _cells(line, delimiter)
        words = [line[a:b] for a, b in cells if b > a]
        if not words or any(any(c.isdigit() for c in w) for w in words):
            continue
        types = [_column_type(line[a:b]) if b > a else None for a, b in cells]
        if any(types):
            return delimiter, len(cells), types
    return None
