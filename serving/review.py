"""Coder review over HTTP, and the gold-standard pool that finalised cases feed.

The review request may carry the note text again (the review page has it). The server checks it
against the note hash recorded when the codes were suggested, de-identifies it with the assembly
pipeline's de-identifier and adds the case to the gold pool; the raw text is dropped with the
request. Without the text the case is still finalised, but it cannot join the gold pool.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinicode.errors import InputError
from clinicode.io import write_text_atomic
from governance.audit import note_hash
from governance.review import Review

logger = logging.getLogger(__name__)


class CodeReason(BaseModel):
    """A code with the reason for rejecting or adding it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=40, description="One of the override reason codes.")


class ReviewIn(BaseModel):
    """A coder's decisions on every suggestion of a case."""

    model_config = ConfigDict(extra="forbid")

    accepted: list[str] = Field(default_factory=list, max_length=200)
    rejected: list[CodeReason] = Field(default_factory=list, max_length=200)
    added: list[CodeReason] = Field(default_factory=list, max_length=200)
    amend: bool = Field(False, description="Change a case that is already final.")
    amend_reason: str | None = Field(None, max_length=40)
    text: str | None = Field(
        None, description="The note again, to add the de-identified case to the gold pool."
    )
    specialty: str | None = Field(None, max_length=100)

    def to_review(self) -> Review:
        """The store's form of the decisions; a code listed twice is refused."""
        for name, items in (("rejected", self.rejected), ("added", self.added)):
            codes = [item.code for item in items]
            if len(set(codes)) != len(codes):
                raise InputError("review request", "a code is listed twice", field=name)
        return Review(
            accepted=list(self.accepted),
            rejected={item.code: item.reason for item in self.rejected},
            added={item.code: item.reason for item in self.added},
            amend=self.amend,
            amend_reason=self.amend_reason,
        )


def quarter_of(moment: datetime) -> str:
    """The coding quarter of a date, e.g. ``2026Q4``."""
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


class GoldPool:
    """De-identified finalised cases, one JSONL file per quarter (``docs/gold-samples.md``).

    Args:
        folder: Where ``<quarter>.jsonl`` files are written.
        deidentifier: A factory of the assembly pipeline's ``Deidentifier`` (built on first use,
            as loading it takes seconds).
    """

    def __init__(self, folder: Path, deidentifier: Any) -> None:
        self.folder, self._factory, self._deid = Path(folder), deidentifier, None
        self._lock = threading.Lock()

    @staticmethod
    def check_text(case: dict, text: str) -> None:
        """Refuse a text that is not the note the case's codes were suggested for.

        Raises:
            InputError: The hashes differ (the message never quotes the text).
        """
        if note_hash(text) != case["note_sha256"]:
            raise InputError(
                "review request", "text differs from the note the codes were suggested for",
                field="text",
            )  # fmt: skip

    def add(self, case: dict, text: str, specialty: str | None) -> str:
        """Add (or replace, after an amendment) a finalised case; return its quarter file.

        Raises:
            InputError: The text is not the note the codes were suggested for.
        """
        self.check_text(case, text)
        from validation.gold import parse_record

        with self._lock:
            if self._deid is None:
                self._deid = self._factory()
            clean = self._deid.deidentify_text(text, patient_id=case["case_ref"])
            now = datetime.now(UTC)
            record = _gold_record(case, clean, specialty, now)
            parse_record(dict(record), str(self.folder), 0)  # same checks as monitoring's reader
            path = self.folder / f"{record['quarter']}.jsonl"
            self._replace(path, record)
        logger.info("finalised case added to the gold pool (%s)", path.name)
        return str(path)

    @staticmethod
    def _replace(path: Path, record: dict) -> None:
        kept = []
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and json.loads(line).get("case_id") != record["case_id"]:
                    kept.append(line)
        kept.append(json.dumps(record, ensure_ascii=False))
        write_text_atomic(path, "\n".join(kept) + "\n")


def _gold_record(case: dict, clean_text: str, specialty: str | None, now: datetime) -> dict:
    suggested = [code for code, _ in case["suggestions"]]
    return {
        "case_id": case["case_ref"],
        "note_type": case["note_type"] or "unknown",
        "specialty": specialty or "unknown",
        "text": clean_text,
        "final_codes": case["final_codes"],
        "suggested_codes": suggested,
        "confidences": [float(conf) for _, conf in case["suggestions"]],
        "model_version": case["version"],
        "override_reasons": case.get("reasons", []),
        "reviewed_at": now.isoformat(timespec="seconds"),
        "quarter": quarter_of(now),
    }
