"""Gold-standard samples: de-identified cases with the codes a coder finalised and the codes the
model suggested at the time.

The schema is documented in ``docs/gold-samples.md``. Records come from a JSONL or CSV file
(:func:`read_gold_sample`) or, later, from the coder review records of the serving API
(:func:`gold_frame` on plain dicts). Every bad record raises :class:`InputError` naming the file,
the line and the field; values are never quoted, since a bad field may hold PHI.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from clinicode.errors import InputError
from clinicode.schema import CASE_ID, GOLD_CODES, NOTE_TYPE, QUARTER, SPECIALTY, TEXT

logger = logging.getLogger(__name__)

FINAL_CODES = "final_codes"  # file field; becomes the GOLD_CODES column
SUGGESTED_CODES = "suggested_codes"
CONFIDENCES = "confidences"
MODEL_VERSION = "model_version"
OVERRIDE_REASONS = "override_reasons"
REVIEWED_AT = "reviewed_at"
REQUIRED_FIELDS = (CASE_ID, NOTE_TYPE, SPECIALTY, TEXT, FINAL_CODES)
OPTIONAL_FIELDS = (
    QUARTER,
    SUGGESTED_CODES,
    CONFIDENCES,
    MODEL_VERSION,
    OVERRIDE_REASONS,
    REVIEWED_AT,
)
LIST_FIELDS = (FINAL_CODES, SUGGESTED_CODES, CONFIDENCES, OVERRIDE_REASONS)
CSV_LIST_SEPARATOR = "|"
# A fixed vocabulary: free-text reasons could carry a patient's details into reports.
OVERRIDE_REASON_CODES = (
    "not-documented",
    "more-specific-code",
    "less-specific-code",
    "missed-code",
    "wrong-code",
    "sequencing",
    "coding-guideline",
    "other",
)
_ICD10CM = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")
_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
MAX_FIELD_CHARS = 200


def _as_list(value: object, file: str, line: int, field: str) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(CSV_LIST_SEPARATOR) if part.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    raise InputError(file, "expected a list (JSON array or '|'-separated)", line, field)


def _short_text(raw: dict, name: str, file: str, line: int, required: bool) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(file, "required field is missing or empty", line, name)
        return None
    if not isinstance(value, str | int):
        raise InputError(file, "expected a string", line, name)
    value = str(value).strip()
    if name != TEXT and len(value) > MAX_FIELD_CHARS:
        raise InputError(file, f"longer than {MAX_FIELD_CHARS} characters", line, name)
    return value


def _codes(raw: dict, name: str, file: str, line: int) -> list[str]:
    codes = [str(c).strip().upper() for c in _as_list(raw.get(name), file, line, name)]
    for code in codes:
        if not _ICD10CM.match(code):
            raise InputError(
                file, "not an ICD-10-CM code (letter, 2 characters, optional dot part)", line, name
            )
    return list(dict.fromkeys(codes))


def _confidences(raw: dict, n_suggested: int, file: str, line: int) -> list[float]:
    values = _as_list(raw.get(CONFIDENCES), file, line, CONFIDENCES)
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise InputError(file, "expected numbers in [0, 1]", line, CONFIDENCES) from exc
    if any(not math.isfinite(v) or not 0 <= v <= 1 for v in numbers):
        raise InputError(file, "expected numbers in [0, 1]", line, CONFIDENCES)
    if numbers and len(numbers) != n_suggested:
        raise InputError(
            file, f"{len(numbers)} confidences for {n_suggested} suggested codes", line, CONFIDENCES
        )
    return numbers


def parse_record(raw: dict, file: str, line: int) -> dict:
    """Validate one gold-sample record and return its row (see ``docs/gold-samples.md``).

    Raises:
        InputError: Unknown, missing or malformed field (file, line and field named).
    """
    unknown = sorted(set(raw) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise InputError(
            file,
            f"unknown field; allowed: {list(REQUIRED_FIELDS + OPTIONAL_FIELDS)}",
            line,
            unknown[0],
        )
    row = {
        name: _short_text(raw, name, file, line, True)
        for name in (CASE_ID, NOTE_TYPE, SPECIALTY, TEXT)
    }
    row[GOLD_CODES] = _codes(raw, FINAL_CODES, file, line)
    if not row[GOLD_CODES]:
        raise InputError(file, "at least one final code is required", line, FINAL_CODES)
    row[QUARTER] = _short_text(raw, QUARTER, file, line, False) or "unknown"
    if row[QUARTER] != "unknown" and not _QUARTER.match(row[QUARTER]):
        raise InputError(file, "expected a quarter like 2026Q3", line, QUARTER)
    row[SUGGESTED_CODES] = _codes(raw, SUGGESTED_CODES, file, line)
    row[CONFIDENCES] = _confidences(raw, len(row[SUGGESTED_CODES]), file, line)
    if row[SUGGESTED_CODES] and not row[CONFIDENCES]:
        raise InputError(file, "required when suggested_codes are given", line, CONFIDENCES)
    row[MODEL_VERSION] = _short_text(raw, MODEL_VERSION, file, line, bool(row[SUGGESTED_CODES]))
    reasons = [
        str(r).strip() for r in _as_list(raw.get(OVERRIDE_REASONS), file, line, OVERRIDE_REASONS)
    ]
    if any(r not in OVERRIDE_REASON_CODES for r in reasons):
        raise InputError(
            file, f"allowed values: {list(OVERRIDE_REASON_CODES)}", line, OVERRIDE_REASONS
        )
    row[OVERRIDE_REASONS] = reasons
    row[REVIEWED_AT] = _short_text(raw, REVIEWED_AT, file, line, False)
    return row


def _jsonl_rows(path: Path) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"not valid JSON ({exc.msg})", number) from exc
            if not isinstance(raw, dict):
                raise InputError(str(path), "expected a JSON object", number)
            yield number, raw


def _csv_rows(path: Path) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for raw in reader:
            # The header is line 1; a quoted note may span lines, so use the reader's count.
            yield reader.line_num, {k: v for k, v in raw.items() if k is not None and v != ""}


def read_gold_sample(path: str | Path) -> pd.DataFrame:
    """Read and validate a gold-sample file (``.jsonl`` or ``.csv``).

    Returns:
        One row per case with ``case_id``, ``quarter``, ``note_type``, ``specialty``,
        ``text``, ``codes`` (the final codes), ``suggested_codes``, ``confidences``,
        ``model_version``, ``override_reasons`` and ``reviewed_at``.

    Raises:
        InputError: Unreadable file, unknown extension, bad record, duplicate case id or no
            records.
    """
    path = Path(path)
    readers = {".jsonl": _jsonl_rows, ".csv": _csv_rows}
    if path.suffix.lower() not in readers:
        raise InputError(str(path), f"unknown gold-sample format; use one of {sorted(readers)}")
    if not path.is_file():
        raise InputError(str(path), "gold-sample file not found")
    rows, seen = [], set()
    for line, raw in readers[path.suffix.lower()](path):
        row = parse_record(raw, str(path), line)
        if row[CASE_ID] in seen:
            raise InputError(str(path), "duplicate case id", line, CASE_ID)
        seen.add(row[CASE_ID])
        rows.append(row)
    if not rows:
        raise InputError(str(path), "no gold-sample records")
    logger.info("gold sample %s: %d cases", path.name, len(rows))
    return pd.DataFrame(rows)


def gold_frame(records: Iterable[dict], source: str = "review-records") -> pd.DataFrame:
    """Validate gold records given as dicts (e.g. coder review records) into a gold frame."""
    rows = [parse_record(raw, source, number) for number, raw in enumerate(records, start=1)]
    if not rows:
        raise InputError(source, "no gold-sample records")
    return pd.DataFrame(rows)


def human_ai_team(frame: pd.DataFrame) -> dict:
    """Coder acceptance and override figures from cases that recorded the model's suggestions.

    Acceptance is the share of suggested codes the coder kept; a case is overridden when the coder
    removed a suggested code or added one the model did not suggest.

    Returns:
        ``{"n_cases", "n_suggested", "acceptance_rate", "override_rate", "removed", "added",
        "reasons"}``; ``n_cases`` is 0 (and rates None) when no case recorded suggestions.
    """
    has = (frame[SUGGESTED_CODES].map(len) > 0) if SUGGESTED_CODES in frame.columns else None
    if has is None or MODEL_VERSION not in frame.columns or not has.any():
        return {
            "n_cases": 0,
            "n_suggested": 0,
            "acceptance_rate": None,
            "override_rate": None,
            "removed": 0,
            "added": 0,
            "reasons": {},
        }
    cases = frame[has]
    kept = removed = added = overridden = 0
    reasons: Counter = Counter()
    for final, suggested, why in zip(
        cases[GOLD_CODES],
        cases[SUGGESTED_CODES],
        cases.get(OVERRIDE_REASONS, pd.Series([[]] * len(cases))),
        strict=True,
    ):
        f, s = set(final), set(suggested)
        kept += len(f & s)
        removed += len(s - f)
        added += len(f - s)
        overridden += bool(s - f or f - s)
        reasons.update(why or [])
    n_suggested = kept + removed
    return {
        "n_cases": int(len(cases)),
        "n_suggested": int(n_suggested),
        "acceptance_rate": kept / n_suggested if n_suggested else None,
        "override_rate": overridden / len(cases),
        "removed": int(removed),
        "added": int(added),
        "reasons": dict(reasons.most_common()),
    }


def quarter_file(gold_dir: str | Path, quarter: str) -> Path:
    """The gold-sample file of ``quarter`` in ``gold_dir`` (``<quarter>.jsonl`` or ``.csv``).

    Raises:
        InputError: Neither file exists.
    """
    for suffix in (".jsonl", ".csv"):
        path = Path(gold_dir) / f"{quarter}{suffix}"
        if path.is_file():
            return path
    raise InputError(str(gold_dir), f"no gold sample for {quarter} ({quarter}.jsonl or .csv)")


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 over the cases' ids, texts and gold codes: names the exact sample judged."""
    import hashlib

    digest = hashlib.sha256()
    id_column = CASE_ID if CASE_ID in frame.columns else None
    for i, (text, codes) in enumerate(zip(frame[TEXT], frame[GOLD_CODES], strict=True)):
        case = frame[id_column].iloc[i] if id_column else i
        digest.update(f"{case}\x1f{text}\x1f{'|'.join(sorted(map(str, codes)))}\x1e".encode())
    return digest.hexdigest()
