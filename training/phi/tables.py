"""PHI in table columns: a header names the column, every cell under it is of that type.

Run sheets, chair logs and lab exports write identifiers in columns ("Pump S/N", "Given by",
"MRN") where no label stands next to the value, so the pattern rules that need a label miss
them. A table here is a run of lines split by one delimiter (``|`` or a tab) into the same
number of cells; its first line is the header when its cells are words. A cell under a header
that names a PHI type is reported as that type when it looks like one (digits for numbers and
dates, letters for names), so "n/a", "-" and free text in a date column are left alone.

Exports without a delimiter are read too: fixed-width tables (registry extracts, claim files,
bed lists), whose columns start where the header's labels start, and ``key=value`` lines of
device telemetry and logs, whose key types the value.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

from training.phi.patterns import DATE_REGEXES

# Header cell (lower case, stripped of ":" and "#") -> PHI type of the column's cells.
_HEADER_TYPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?:^|\b){pattern}(?:\b|$)"), phi_type)
    for pattern, phi_type in (
        (r"(?:serial|s/n|sn|udi|device id|imei|pump s/n|pump sn)", "DEVICE"),
        (r"(?:mrn|mr#|mr no|ur|urn|medical record(?: no| number)?|hospital no)", "MRN"),
        (r"(?:ssn|social security(?: no| number)?)", "SSN"),
        (r"(?:phone|tel|telephone|fax|mobile|cell|contact no|ph|home ph|work ph|cell ph)", "PHONE"),
        (r"(?:age|age at \w+)", "AGE"),
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
_DELIMITERS = ("|", "\t", ",")
_LABEL = re.compile(r"[A-Za-z][A-Za-z_/#. -]{0,29}")  # a column label of a CSV header
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


def _csv_cells(line: str) -> list[tuple[int, int]]:
    """Cells of a comma-separated line, quotes respected and stripped, in line coordinates."""
    cells: list[tuple[int, int]] = []
    start, quoted = 0, False
    for index, char in enumerate(line + ","):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            a, b = start, index
            while a < b and line[a] in ' \t"':
                a += 1
            while b > a and line[b - 1] in ' \t"':
                b -= 1
            cells.append((a, b))
            start = index + 1
    return cells


def _split(line: str, delimiter: str) -> list[tuple[int, int]]:
    return _csv_cells(line) if delimiter == "," else _cells(line, delimiter)


def _column_type(header: str) -> str | None:
    label = header.lower().replace("_", " ").strip(" :#*").strip()
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
    if phi_type == "AGE":  # only an age over 89 is PHI
        return any(int(n) > 89 for n in re.findall(r"\d+", value)[:1])
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
        Spans of cells under a header that names a PHI type, of HL7 and markup fields, and of
        typed ``key=value`` values; each layout's spans in text order.
    """
    found = fixed_width_spans(text) + assignment_spans(text)
    if "|" not in text and "\t" not in text and "," not in text:
        return found
    return _delimited_spans(text) + hl7_spans(text) + markup_spans(text) + found


def _delimited_spans(text: str) -> list[tuple[int, int, str]]:
    """Cells of ``|``, tab and comma tables, and the values of two-cell key-value rows."""
    found: list[tuple[int, int, str]] = []
    header: tuple[str, int, list[str | None]] | None = None  # delimiter, cells, column types
    for offset, line in _lines(text):
        if header is not None:
            delimiter, width, types = header
            cells = _split(line, delimiter) if delimiter in line else []
            if len(cells) == width:
                for (a, b), phi_type in zip(cells, types, strict=True):
                    # A label under a label is a key-value table read as columns.
                    if _column_type(line[a:b]) and not _looks_like(line[a:b], "DATE"):
                        continue
                    if phi_type and b > a and _looks_like(line[a:b], phi_type):
                        a, b = _value_part(line, a, b, phi_type)
                        found.append((offset + a, offset + b, phi_type))
                continue
            header = None
        header = _header(line)
        if header is None:
            found += [(offset + a, offset + b, t) for a, b, t in _key_value(line)]
    return found


# Element and key names of XML (CDA) and JSON (FHIR) exports whose text is PHI.
_MARKUP_TYPES = {
    "given": "NAME", "family": "NAME", "prefix": None, "name": "NAME", "text": None,
    "birthdate": "DATE", "birthtime": "DATE", "deceaseddatetime": "DATE", "effectivetime": "DATE",
    "authored": "DATE", "issued": "DATE", "recorded": "DATE", "start": "DATE", "end": "DATE",
    "onsetdatetime": "DATE", "date": "DATE", "postalcode": "ZIP", "zip": "ZIP", "city": "CITY",
    "line": "ADDRESS", "streetaddressline": "ADDRESS", "street": "ADDRESS", "phone": "PHONE",
}  # fmt: skip
_XML_ELEMENT = re.compile(r"<(?P<key>[A-Za-z]+)(?:\s[^<>]*)?>(?P<value>[^<>\n]{1,80})</(?P=key)>")
_XML_VALUE = re.compile(r"<(?P<key>[A-Za-z]+)\s[^<>]*?\bvalue=\"(?P<value>[^\"]{1,80})\"")
_JSON_PAIR = re.compile(r"\"(?P<key>[A-Za-z]+)\"\s*:\s*\[?\s*\"(?P<value>[^\"\n]{1,80})\"")


def markup_spans(text: str) -> list[tuple[int, int, str]]:
    """PHI in XML or JSON exports, typed by the element or key that holds it.

    ``<family>Smith</family>``, ``<birthTime value="19500303"/>`` and ``"birthDate":
    "1950-03-03"`` name their content, wherever the rules would not recognise the value.
    A ``tel:`` value of any element is a phone number.

    Args:
        text: A note.

    Returns:
        ``(start, end, phi_type)`` of each value.
    """
    if "<" not in text and '"' not in text:
        return []
    found: list[tuple[int, int, str]] = []
    for pattern in (_XML_ELEMENT, _XML_VALUE, _JSON_PAIR):
        for match in pattern.finditer(text):
            start, end = match.span("value")
            value = match["value"]
            if value.startswith("tel:"):
                found.append((start + 4, end, "PHONE"))
                continue
            phi_type = _MARKUP_TYPES.get(match["key"].lower())
            if phi_type and value.strip() and _hl7_value_fits(value, phi_type):
                found.append((start, end, phi_type))
    return found


def _key_value(line: str) -> list[tuple[int, int, str]]:
    """A two-cell row of a key-value table ("| MRN | 008804746 |"): the label types the value."""
    for delimiter in ("|", "\t"):
        if delimiter not in line:
            continue
        cells = [(a, b) for a, b in _cells(line, delimiter) if b > a]
        if len(cells) != 2:
            continue
        (ka, kb), (va, vb) = cells
        phi_type = _column_type(line[ka:kb])
        if phi_type and not _column_type(line[va:vb]) and _looks_like(line[va:vb], phi_type):
            va, vb = _value_part(line, va, vb, phi_type)
            return [(va, vb, phi_type)]
    return []


def _value_part(line: str, start: int, end: int, phi_type: str) -> tuple[int, int]:
    """The value inside a cell: the date of a date cell, the number of an age cell."""
    if phi_type == "DATE":
        return _date_part(line, start, end)
    if phi_type == "AGE":
        number = re.compile(r"\d+").search(line, start, end)
        return number.span() if number else (start, end)
    return start, end


def _date_part(line: str, start: int, end: int) -> tuple[int, int]:
    """The date inside a date cell ("2025/10/17" of "2025/10/17 16:27"), else the whole cell."""
    return _find_date(line, start, end) or (start, end)


# HL7 v2 fields that hold PHI: segment -> {field number: (PHI type, component numbers)}, in the
# standard's numbering (MSH counts its field separator as field 1). A name field's family,
# given and middle names are separate spans; an address's street, city and postcode are typed.
_ADDRESS = ("ADDRESS", "ADDRESS", "CITY", None, "ZIP")
_PERSON_ID = ("LICENSE", "NAME", "NAME", "NAME")  # id^family^given^middle (doctors)
_HL7_FIELDS: dict[str, dict[int, tuple[str | None, ...]]] = {
    "MSH": {7: ("DATE",)},
    "EVN": {2: ("DATE",), 6: ("DATE",)},
    "PID": {
        2: ("ID",), 3: ("MRN",), 4: ("ID",), 5: ("NAME", "NAME", "NAME"), 6: ("NAME", "NAME"),
        7: ("DATE",), 9: ("NAME", "NAME", "NAME"), 11: _ADDRESS, 13: ("PHONE", None, None, "EMAIL"),
        14: ("PHONE",), 18: ("ID",), 19: ("SSN",), 20: ("LICENSE",), 29: ("DATE",),
    },
    "NK1": {
        2: ("NAME", "NAME", "NAME"), 4: _ADDRESS, 5: ("PHONE", None, None, "EMAIL"),
        6: ("PHONE",), 8: ("DATE",), 13: ("FACILITY",), 30: ("NAME", "NAME", "NAME"), 33: ("ID",),
    },
    "PV1": {
        7: _PERSON_ID, 8: _PERSON_ID, 9: _PERSON_ID, 17: _PERSON_ID, 19: ("ID",), 44: ("DATE",),
        45: ("DATE",), 50: ("ID",),
    },
    "ORC": {2: ("ID",), 3: ("ID",), 9: ("DATE",), 12: _PERSON_ID},
    "OBR": {
        2: ("ID",), 3: ("ID",), 7: ("DATE",), 8: ("DATE",), 14: ("DATE",), 16: _PERSON_ID,
        22: ("DATE",),
    },
    "OBX": {14: ("DATE",), 16: _PERSON_ID},
    "IN1": {4: ("FACILITY",), 16: ("NAME", "NAME", "NAME"), 18: ("DATE",), 19: _ADDRESS,
            36: ("ID",)},
    "GT1": {3: ("NAME", "NAME", "NAME"), 5: _ADDRESS, 6: ("PHONE",), 8: ("DATE",), 12: ("SSN",)},
    "DG1": {5: ("DATE",)},
    "AL1": {6: ("DATE",)},
}  # fmt: skip
_HL7_SEGMENT = re.compile(r"^(?P<seg>[A-Z][A-Z0-9]{2})\|", re.MULTILINE)
_HL7_TIMESTAMP = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[0-2]\d[0-5]\d(?:[0-5]\d)?)?"
)
_AGE_OBSERVATION = re.compile(r"\^Age\^|\bage\b", re.IGNORECASE)


def _pieces(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    out, cursor = [], start
    while True:
        stop = text.find(separator, cursor, end)
        if stop < 0:
            out.append((cursor, end))
            return out
        out.append((cursor, stop))
        cursor = stop + 1


def hl7_spans(text: str) -> list[tuple[int, int, str]]:
    """PHI in HL7 v2 segments (PID, NK1, PV1...), typed by the standard's field positions.

    Args:
        text: A note; only lines that open with a segment name and ``|`` are read.

    Returns:
        ``(start, end, phi_type)`` of each PHI component.
    """
    found: list[tuple[int, int, str]] = []
    for match in _HL7_SEGMENT.finditer(text):
        segment = match["seg"]
        line_end = text.find("\n", match.start())
        line_end = len(text) if line_end < 0 else line_end
        fields = _pieces(text, match.start(), line_end, "|")
        if segment == "OBX" and len(fields) > 5 and _AGE_OBSERVATION.search(text, *fields[3]):
            a, b = fields[5]
            if text[a:b].isdigit() and int(text[a:b]) > 89:
                found.append((a, b, "AGE"))
        # Any component that is a whole HL7 timestamp is a date, whatever its field.
        typed = {
            (a, b)
            for number, types in _HL7_FIELDS.get(segment, {}).items()
            for a, b in fields[number - (segment == "MSH") : number - (segment == "MSH") + 1]
        }
        for field in fields[1:]:
            if field in typed:
                continue
            for a, b in _pieces(text, *field, "^"):
                if _HL7_TIMESTAMP.fullmatch(text, a, b):
                    found.append((a, b, "DATE"))
        shift = 1 if segment == "MSH" else 0  # MSH-1 is the separator itself
        for number, types in _HL7_FIELDS.get(segment, {}).items():
            index = number - shift
            if index >= len(fields):
                continue
            for rep_start, rep_end in _pieces(text, *fields[index], "~"):
                components = _pieces(text, rep_start, rep_end, "^")
                for (a, b), phi_type in zip(components, types, strict=False):
                    value = text[a:b].strip()
                    if phi_type and value and _hl7_value_fits(value, phi_type):
                        found.append((a, b, phi_type))
    return found


def _hl7_value_fits(value: str, phi_type: str) -> bool:
    if phi_type in ("NAME", "CITY", "FACILITY"):
        return any(c.isalpha() for c in value)
    return _looks_like(value, phi_type)


def _header(line: str) -> tuple[str, int, list[str | None]] | None:
    """The line as a table header: its delimiter, cell count and column types; else None."""
    for delimiter in _DELIMITERS:
        # A comma-separated header needs more columns: prose has commas too.
        if line.count(delimiter) < (3 if delimiter == "," else 2):
            continue
        cells = _split(line, delimiter)
        words = [line[a:b] for a, b in cells if b > a]
        if len(words) < 3 or any(any(c.isdigit() for c in w) for w in words):
            continue  # two cells are a key and its value, read by ``_key_value``
        if delimiter == "," and not all(_LABEL.fullmatch(w) for w in words):
            continue
        types = [_column_type(line[a:b]) if b > a else None for a, b in cells]
        if any(types):
            return delimiter, len(cells), types
    return None


# Fixed-width tables. Registry and claim extracts glue narrow columns' labels ("MDOB" is a
# one-letter M column then DOB, "SEXZIP" is SEX then ZIP), so an all-capitals label that is not
# a word is cut into the label words below (plus the PHI words of ``_HEADER_TYPES``).
_FW_LABEL_TYPES: dict[str, str | None] = {
    "last": "NAME", "first": "NAME", "middle": "NAME", "lname": "NAME", "fname": "NAME",
    "mname": "NAME", "surname": "NAME", "given": "NAME", "doctor": "NAME", "md": "NAME",
    "admit": "DATE", "disch": "DATE", "dos": "DATE",
    "m": None, "mi": None, "sex": None, "gender": None, "race": None, "eth": None, "site": None,
    "hist": None, "histology": None, "beh": None, "stage": None, "grade": None, "status": None,
    "code": None, "dx": None, "px": None, "tx": None, "rx": None, "icd": None, "cpt": None,
    "bed": None, "ward": None, "room": None, "unit": None, "floor": None, "service": None,
    "svc": None, "dept": None, "lat": None, "seq": None, "type": None, "class": None,
    "size": None, "nodes": None, "mets": None, "vital": None, "cause": None, "payer": None,
    "plan": None, "ins": None, "qty": None, "amt": None, "units": None, "result": None,
    "range": None, "flag": None, "test": None, "ref": None, "los": None, "diet": None,
    "iso": None, "acuity": None, "level": None, "primary": None, "adm": None, "dc": None,
    "proc": None, "surg": None, "ord": None, "coll": None, "onset": None, "yr": None,
    "year": None, "wt": None, "ht": None,
}  # fmt: skip
_FW_HEADER = re.compile(r" *[A-Za-z/#()'_ -]*[A-Za-z#)] {2,}[A-Za-z][A-Za-z/#()'_ -]*")
_FW_GROUP = re.compile(r"\S+(?: \S+)*")  # a label: words joined by single spaces
_FW_GAP = re.compile(r"(?<=\S) {2,}(?=\S)|^ +(?=\S)")
_FW_RULE = re.compile(r" *[-=_+ ]*[-=_] *")
_FW_GLUED = re.compile(r"[A-Za-z0-9]{16,}")
_FW_LABEL_PREFIX = re.compile(r" *[A-Za-z][\w ./#()-]{0,30}:(?:\s|$)")  # "Remarks: ..."
_FW_MAX_LABEL_WORDS = 3
_FW_FIT_ROWS = 12  # rows that place the columns; enough to outvote one odd row
_FW_DRIFTS = (0, -1, 1, -2, 2, -3, 3, -4, -5, -6)  # label start - data start, small first
_FW_DRIFT_COST = 1.5  # a change of drift between neighbouring columns, once per table
_FW_SHAPES = {
    "SSN": re.compile(r"\d{9}|\d{3}-\d{2}-\d{4}"),
    "ZIP": re.compile(r"\d{5}(?:-?\d{4})?"),
    "AGE": re.compile(r"\d{1,3}"),
    "PHONE": re.compile(r"\+?1?[ -]?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}"),
}

Column = tuple[int, str | None]  # start in the line, PHI type


def fixed_width_spans(text: str) -> list[tuple[int, int, str]]:
    """PHI cells of space-aligned tables, typed by the header label above each column.

    A header is a line of three or more labels, two of them naming PHI, without digits. Its
    rows are the lines under it that are laid out like a table (a run of padding or a long
    glued run of values, no "Label:" prose), up to a blank line or the first line out of line
    with the columns. A column runs from its label's start to the next label's start.

    Args:
        text: A note.

    Returns:
        ``(start, end, phi_type)`` of each PHI cell, in text order.
    """
    if "  " not in text:
        return []
    lines = text.split("\n")
    # Substring tests first: this runs on every note, and few lines are even close to a header.
    heads = [
        index
        for index, line in enumerate(lines)
        if "  " in line
        and ":" not in line
        and "|" not in line
        and "," not in line
        and "." not in line
        and _FW_HEADER.fullmatch(line)
    ]
    found: list[tuple[int, int, str]] = []
    for index in heads:
        columns = _fw_columns(lines[index])
        if columns is not None:
            rows = _fw_rows(text, sum(len(line) + 1 for line in lines[: index + 1]))
            found += _fw_cells(columns, rows) if rows else []
    return found


def _fw_columns(line: str) -> list[Column] | None:
    """The header's columns, or None when the line is not a header of a PHI table."""
    if len(line) > 400:
        return None
    groups = [(m.start(), m.group()) for m in _FW_GROUP.finditer(line)]
    if any(len(label.split()) > _FW_MAX_LABEL_WORDS for _, label in groups):
        return None
    # Labels are capitalised alike ("Name", "DOB") or all lower case; a sentence is neither.
    if not line.islower() and not all(label[0].isupper() for _, label in groups):
        return None
    labels = groups
    if line.isupper():
        # A glued label ("SEXZIP") marks an extract whose labels are split by single spaces.
        words = [(a + w.start(), w.group()) for a, g in groups for w in re.finditer(r"\S+", g)]
        pieces = [(a + b, piece) for a, word in words for b, piece in _segment(word)]
        if len(pieces) > len(words):
            labels = pieces
    columns = [(start, _fw_label_type(label)) for start, label in labels]
    if len(columns) < 3 or sum(t is not None for _, t in columns) < 2:
        return None
    return columns


def _fw_label_type(label: str) -> str | None:
    """The PHI type of a fixed-width column's label; DATE for any "...DATE" or "...DT" label."""
    lowered = " ".join(label.lower().replace("_", " ").split())
    if lowered in _FW_LABEL_TYPES:
        return _FW_LABEL_TYPES[lowered]
    if "date" in lowered or lowered.endswith(("dt", "dob")):
        return "DATE"
    return _column_type(label)


@lru_cache(maxsize=1)
def _fw_vocabulary() -> frozenset[str]:
    """Label words a glued label is cut into: the PHI words of ``_HEADER_TYPES`` and others."""
    phi_words = {
        word
        for pattern, _ in _HEADER_TYPES
        for word in re.findall(r"[a-z]{2,}", pattern.pattern)
        if _column_type(word)
    }
    return frozenset(phi_words | set(_FW_LABEL_TYPES) | {"email", "date", "dt"})


def _segment(word: str) -> list[tuple[int, str]]:
    """``word`` cut into the fewest label words, as ``(offset, piece)``; whole if it can't be.

    A date word after a word that names no PHI stays one label: "DXDATE" is the date of
    diagnosis, not a DX column then a DATE column.
    """
    lowered, vocabulary = word.lower(), _fw_vocabulary()
    if not lowered.isalpha() or lowered in vocabulary:
        return [(0, word)]
    cuts: list[list[int] | None] = [[]] + [None] * len(lowered)  # cut points of lowered[:i]
    for end in range(1, len(lowered) + 1):
        for start in range(end):
            before = cuts[start]
            if before is not None and lowered[start:end] in vocabulary:
                if cuts[end] is None or len(before) + 1 < len(cuts[end]):
                    cuts[end] = [*before, start]
    found = cuts[-1]
    if found is None:
        return [(0, word)]
    pieces = [(a, word[a:b]) for a, b in zip(found, [*found[1:], len(word)], strict=True)]
    merged: list[tuple[int, str]] = []
    for start, piece in pieces:
        if merged and piece.lower() in ("date", "dt") and _fw_label_type(merged[-1][1]) is None:
            merged[-1] = (merged[-1][0], merged[-1][1] + piece)
        else:
            merged.append((start, piece))
    return merged


def _fw_rows(text: str, start: int) -> list[tuple[int, str]]:
    """``(offset, line)`` of the lines from ``start`` on that are laid out like table rows."""
    rows: list[tuple[int, str]] = []
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        if not _FW_RULE.fullmatch(line):  # "-----" under the header is no row, and no end
            if not _fw_row_like(line) or _FW_HEADER.fullmatch(line) and _fw_columns(line):
                break
            rows.append((start, line))
        start = end + 1
    return rows


def _fw_row_like(line: str) -> bool:
    if not line.strip() or "|" in line or "\t" in line or _FW_LABEL_PREFIX.match(line):
        return False
    if _FW_GAP.search(line.strip()):
        return True
    glued = _FW_GLUED.search(line)
    return glued is not None and any(c.isdigit() for c in glued.group())


def _fw_cells(columns: list[Column], rows: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """The PHI cells of the rows; the table ends at the first row off the columns."""
    types = [phi_type for _, phi_type in columns]
    labelled = [start for start, _ in columns]
    starts = _fit_starts(labelled, types, [line for _, line in rows])
    kept = list(itertools.takewhile(lambda row: _fw_aligned(row[1], starts), rows))
    if 0 < len(kept) < len(rows):  # a line past the table was read as a row: place again
        starts = _fit_starts(labelled, types, [line for _, line in kept])
    found: list[tuple[int, int, str]] = []
    for offset, line in kept:
        for start, end, phi_type in zip(starts, [*starts[1:], len(line)], types, strict=True):
            a, b = _strip(line, start, min(end, len(line)))
            if phi_type is None or b <= a:
                continue
            if _looks_like(line[a:b], phi_type) and not _is_label(line[a:b]):
                a, b = _value_part(line, a, b, phi_type)
                found.append((offset + a, offset + b, phi_type))
    return found


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start] == " ":
        start += 1
    while end > start and line[end - 1] == " ":
        end -= 1
    return start, end


def _is_label(cell: str) -> bool:
    """A cell that is itself a label (a header repeated under the header)."""
    return _fw_label_type(cell) is not None and not any(c.isdigit() for c in cell)


def _fw_aligned(line: str, starts: list[int]) -> bool:
    """Whether the row's padding runs end where columns start (one in three may not)."""
    gap_ends = [m.end() for m in _FW_GAP.finditer(line.rstrip())]
    off = sum(end not in starts for end in gap_ends)
    return off <= len(gap_ends) // 3 and len(line.rstrip()) > starts[min(2, len(starts) - 1)]


def _fit_starts(starts: list[int], types: list[str | None], rows: list[str]) -> list[int]:
    """Column starts moved onto the data: a label wider than its column shifts the rest.

    In an extract whose one-letter SEX column has a three-letter label, every label after it
    stands two characters right of its data. Each column's start may drift a few characters
    from its label; the drifts chosen (by dynamic programming over the columns) are those where
    the rows' values begin (after padding, or where letters turn to digits) and typed cells
    look like their type, with few changes of drift along the header.
    """
    rows = rows[:_FW_FIT_ROWS]
    # paths[drift] = (score, drifts so far) of the best placing whose last column has ``drift``
    paths: dict[int, tuple[float, list[int]]] = {
        d: (_edge(rows, starts[0] + d) - _FW_DRIFT_COST * (d != 0), [d])
        for d in _FW_DRIFTS
        if starts[0] + d >= 0
    }
    for index in range(1, len(starts)):
        before, paths = paths, {}
        for d in _FW_DRIFTS:
            start = starts[index] + d
            options = []
            for pd, (score, path) in before.items():
                cell_start = starts[index - 1] + pd  # the previous column's cell: to ``start``
                if cell_start < start:
                    cell = _shape(rows, cell_start, start, types[index - 1])
                    options.append((score + cell - _FW_DRIFT_COST * (pd != d), path))
            if options:
                score, path = max(options, key=lambda option: option[0])
                paths[d] = (score + _edge(rows, start), [*path, d])
    last = starts[-1]
    _, (_, drifts) = max(
        paths.items(), key=lambda item: item[1][0] + _shape(rows, last + item[0], None, types[-1])
    )
    return [start + drift for start, drift in zip(starts, drifts, strict=True)]


def _edge(rows: list[str], position: int) -> int:
    """How well ``position`` fits as a column start over the rows: a value beginning there."""
    score = 0
    for row in rows:
        if position >= len(row):
            continue
        before, char = (row[position - 1] if position else " "), row[position]
        if before == " ":
            score += 2 if char != " " else 0
        elif char == " ":
            score -= 1  # the column would open on the previous value's padding
        elif before.isalpha() and char.isalpha():
            score -= 1  # the column would cut a word
        elif before.isalpha() != char.isalpha() and before.isalnum() and char.isalnum():
            score += 1  # letters turn to digits or back: glued values
    return score


def _shape(rows: list[str], start: int, end: int | None, phi_type: str | None) -> int:
    """+1 for each cell that has its type's shape (a date, nine SSN digits), -1 for one not."""
    if phi_type != "DATE" and phi_type not in _FW_SHAPES:
        return 0
    score = 0
    for row in rows:
        cell = row[start:end].strip()
        if cell:
            score += 1 if _has_shape(cell, phi_type) else -1
    return score


@lru_cache(maxsize=4096)
def _has_shape(cell: str, phi_type: str) -> bool:
    if phi_type == "DATE":
        return any(pattern.fullmatch(cell) for pattern in DATE_REGEXES)
    return _FW_SHAPES[phi_type].fullmatch(cell) is not None


# key=value lines of device telemetry and logs. A pair opens a line or follows a space, comma,
# semicolon or bracket, so the "&"-joined pairs of a URL's query string are not read.
_ASSIGNMENT = re.compile(
    r"(?<![^\s,;(\[{])(?P<key>[A-Za-z][A-Za-z0-9_.-]{0,39})="
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"']*)"
)
_KEY_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")  # "deviceSN" -> device, SN
# Keys whose value is free text or a program's own field: never PHI by its key.
_FREE_KEYS = frozenset(
    "text txt msg message note notes comment comments desc description remark remarks reason "
    "summary body status state event evt model fw firmware version ver sw type code mode level "
    "lvl unit units result value val alarm err error log action src source host ip port url "
    "path file method user username login role".split()
)
_LOG_KEYS = frozenset("sess session trace span req request evt event msg job task thread".split())
_TIME_KEYS = frozenset("ts time timestamp datetime dt when at".split())
# Words that make a "..._name" key the name of a thing, not of a person.
_THING_KEYS = frozenset(
    "device host file model app program product drug med test study protocol brand node queue "
    "service".split()
)
_PHONE_VALUE = re.compile(r"\+?[\d(][\d().-]*")


def assignment_spans(text: str) -> list[tuple[int, int, str]]:
    """PHI values of ``key=value`` lines, typed by their key ("device_sn" names a device).

    A line counts when it holds two pairs or more, so a lone "x=3" in prose is left alone.
    A quoted value is the text in quotes; a phone number may run over space-separated digit
    groups up to the next key.

    Args:
        text: A note.

    Returns:
        ``(start, end, phi_type)`` of each typed value, in text order.
    """
    if text.count("=") < 2:
        return []
    found: list[tuple[int, int, str]] = []
    for line_start, line in _lines(text):
        if line.count("=") < 2:
            continue
        pairs = list(_ASSIGNMENT.finditer(text, line_start, line_start + len(line)))
        for match in pairs if len(pairs) > 1 else []:
            # The attributes of an HTML or XML tag are markup, read by ``markup_spans``.
            if text.rfind("<", line_start, match.start()) > text.rfind(">", 0, match.start()):
                continue
            span = _assigned_value(text, match)
            if span is not None:
                found.append(span)
    return found


def _key_type(key: str) -> str | None:
    """The PHI type a key names: its words ("cp_phone" -> cp, phone) read as a column label."""
    words = [word.lower() for word in _KEY_WORD.findall(key)]
    if not words or words[-1] in _FREE_KEYS or words[0] in _LOG_KEYS:
        return None
    if words[-1] in _TIME_KEYS and (len(words) > 1 or words[-1] != "at"):
        return "DATE"
    phi_type = _column_type(" ".join(words))
    return None if phi_type == "NAME" and _THING_KEYS.intersection(words) else phi_type


def _assigned_value(text: str, match: re.Match[str]) -> tuple[int, int, str] | None:
    """The typed span of one pair's value, or None when its key names no PHI or it is empty."""
    phi_type = _key_type(match["key"])
    if phi_type is None:
        return None
    a, b = match.span("value")
    if text[a:b][:1] in "\"'":
        a, b = a + 1, max(a + 1, b - 1)
    elif any(c in text[a:b] for c in "&?="):
        return None  # a query string or an expression, not one value
    else:
        b = _phone_end(text, a) if phi_type == "PHONE" else b
        while b > a and text[b - 1] in ",;":
            b -= 1
    value = text[a:b]
    if not value or not _looks_like(value, phi_type):
        return None
    if phi_type == "PHONE" and sum(c.isdigit() for c in value) < 7:
        return None  # "ph=7.35" is a pH
    if phi_type in ("NAME", "CITY") and any(c.isdigit() for c in value):
        return None  # "name=AK98" names a machine
    if phi_type == "DATE":
        date = _find_date(text, a, b)
        if date is None:
            return None
        whole = _KEY_WORD.findall(match["key"])[-1].lower() in _TIME_KEYS
        return (a, b, phi_type) if whole else (*date, phi_type)
    return (*_value_part(text, a, b, phi_type), phi_type)


def _phone_end(text: str, start: int) -> int:
    """End of a phone value: digit groups joined by single spaces, until ten digits."""
    end, digits = start, 0
    while digits < 10:
        if end > start and text[end : end + 1] != " ":
            break
        match = _PHONE_VALUE.match(text, end + 1 if end > start else start)
        if match is None:
            break
        end = match.end()
        digits += sum(c.isdigit() for c in match.group())
    return end


def _find_date(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The first date a date pattern finds in ``text[start:end]``, or None."""
    for pattern in DATE_REGEXES:
        match = pattern.search(text, start, end)
        if match:
            return match.span()
    return None
