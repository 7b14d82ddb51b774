"""Request and response shapes of the suggestions API, and the scoring of notes."""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from governance.audit import case_pseudonym, note_hash
from serving.holder import LoadedModel

logger = logging.getLogger(__name__)

INTENDED_PURPOSE = (
    "Suggested ICD-10-CM codes for administrative clinical coding only. A qualified coder must "
    "review, accept or change every suggestion before the record is finalised. Not for "
    "diagnosis, treatment decisions or flagging conditions that are not documented."
)


class NoteIn(BaseModel):
    """A note to code."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., description="The clinical note (kept only for the request).")
    note_type: str | None = Field(None, max_length=100)
    case_id: str | None = Field(
        None, max_length=200, description="Caller's case reference; opens a case for review."
    )


class BatchIn(BaseModel):
    """Several notes in one call."""

    model_config = ConfigDict(extra="forbid")

    notes: list[NoteIn] = Field(..., min_length=1)


class Evidence(BaseModel):
    """A character span of the note that supports a code (offsets into the submitted text)."""

    start: int
    end: int
    score: float


class Suggestion(BaseModel):
    """One suggested code."""

    code: str
    description: str
    confidence: float
    evidence: list[Evidence] = Field(default_factory=list)


class SuggestionsOut(BaseModel):
    """The suggestions for one note, with the model that made them."""

    model_name: str
    model_version: str
    case_ref: str | None = Field(None, description="Keyed pseudonym of the case, when given.")
    suggestions: list[Suggestion]
    intended_purpose: str = INTENDED_PURPOSE


class BatchOut(BaseModel):
    """Suggestions for every note of a batch, in order."""

    results: list[SuggestionsOut]
    intended_purpose: str = INTENDED_PURPOSE


@lru_cache(maxsize=4096)
def describe(code: str) -> str:
    """The ICD-10-CM description of a code, or "" when the code is unknown."""
    import simple_icd_10_cm as cm

    return cm.get_description(code) if cm.is_valid_item(code) else ""


def _spans(raw: Any, text_length: int) -> list[Evidence]:
    spans = []
    for span in raw or []:
        try:
            start, end = int(span["start"]), int(span["end"])
            score = float(span.get("score", 0.0))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed span is dropped, the suggestion stays
        if 0 <= start < end <= text_length:
            spans.append(Evidence(start=start, end=end, score=round(score, 4)))
    return spans


def _evidence_of(row: pd.Series, codes: list[str]) -> list[Any]:
    """Evidence aligned with ``codes``: the model may give a dict per code or a list in order."""
    raw = row.get("evidence") if "evidence" in row.index else None
    if isinstance(raw, dict):
        return [raw.get(code) for code in codes]
    # A list per suggested code (the model API); numpy arrays after a table round trip.
    if raw is not None and not isinstance(raw, str) and hasattr(raw, "__len__"):
        if len(raw) == len(codes):
            return list(raw)
        logger.warning("evidence of %d codes for %d suggestions; dropped", len(raw), len(codes))
    return [None] * len(codes)


def score_notes(loaded: LoadedModel, notes: list[NoteIn], key: bytes) -> list[SuggestionsOut]:
    """Ask the model for suggestions on each note.

    Args:
        loaded: The model version to use (the caller holds it for the whole request).
        notes: The notes, already checked for size.
        key: Key of the case pseudonyms.

    Returns:
        One answer per note, in order.
    """
    started = time.perf_counter()
    frame = loaded.model.predict(pd.DataFrame({"text": [note.text for note in notes]}))
    answers = []
    for note, (_, row) in zip(notes, frame.iterrows(), strict=True):
        codes = [str(code) for code in row["suggested_codes"]]
        evidence = _evidence_of(row, codes)
        suggestions = [
            Suggestion(
                code=code,
                description=describe(code),
                confidence=round(float(conf), 4),
                evidence=_spans(spans, len(note.text)),
            )
            for code, conf, spans in zip(codes, row["confidences"], evidence, strict=True)
        ]
        answers.append(
            SuggestionsOut(
                model_name=loaded.name,
                model_version=loaded.version,
                case_ref=case_pseudonym(note.case_id, key) if note.case_id else None,
                suggestions=suggestions,
            )
        )
    logger.info(
        "suggested codes for %d notes in %.0f ms (model v%s)",
        len(notes),
        1000 * (time.perf_counter() - started),
        loaded.version,
    )
    return answers


def prediction_event(note: NoteIn, answer: SuggestionsOut) -> dict:
    """The audit entity of one prediction: hashes and pseudonyms only."""
    return {
        "note_sha256": note_hash(note.text),
        "note_chars": len(note.text),
        "case_ref": answer.case_ref,
        "model": answer.model_name,
        "version": answer.model_version,
        "suggested_codes": [s.code for s in answer.suggestions],
        "confidences": [s.confidence for s in answer.suggestions],
    }
