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
        Spans of cells under a header that names a PHI type, in text order.
    """
    if "|" not in text and "\t" not in text and "," not in text:
        return []
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
    return found + hl7_spans(text) + markup_spans(text)


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
    for pattern in DATE_REGEXES:
        match = pattern.search(line, start, end)
        if match:
            return match.span()
    return start, end


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
