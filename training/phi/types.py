"""Shared types of PHI detection: the PHI categories and annotated notes.

An annotated note carries the gold PHI spans of its text, so detectors can be scored per type
(recall, precision) and the token tagger can be trained. ``keep_spans`` mark text that must
survive de-identification (medical eponyms such as "Parkinson disease").
"""

from __future__ import annotations

from dataclasses import dataclass, field

# HIPAA Safe Harbor identifiers that occur in clinical notes, as detection categories.
PHI_TYPES = (
    "NAME",  # patients, relatives, clinicians
    "DATE",  # any date element more specific than the year
    "AGE",  # ages over 89
    "PHONE",  # phone and fax numbers
    "EMAIL",
    "SSN",
    "MRN",  # medical record numbers
    "ID",  # account, accession, visit, health plan and other record numbers
    "ADDRESS",  # street addresses
    "CITY",
    "ZIP",
    "FACILITY",  # hospital, clinic and practice names
    "URL",
    "IP",
    "DEVICE",  # device identifiers and serial numbers
    "LICENSE",  # licence and certificate numbers
)

# Month names as notes write them (English; not the locale-dependent ``calendar`` names).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Types whose values have a fixed structure; the benchmark targets 100% recall on these.
STRUCTURED_TYPES = ("MRN", "SSN", "PHONE", "EMAIL", "DATE", "URL")


@dataclass(frozen=True)
class PhiSpan:
    """A character span ``text[start:end]`` of one PHI type."""

    start: int
    end: int
    phi_type: str


@dataclass
class AnnotatedNote:
    """A synthetic note with gold PHI annotations.

    Attributes:
        text: The note, PHI included.
        spans: Gold PHI spans, non-overlapping, sorted by start.
        keep_spans: Spans that must survive (eponyms, drug and device names that look like names).
        identifiers: The record's structured identifiers (as ``NoteRecord.identifiers``).
        patient_id: Source patient id.
        family: Name of the template family that produced the note.
    """

    text: str
    spans: list[PhiSpan]
    keep_spans: list[tuple[int, int]] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    patient_id: str = ""
    family: str = ""
