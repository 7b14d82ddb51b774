"""Column names of the de-identified datasets, in one place.

Raw records (before de-identification) carry ``identifiers``: the structured PHI of the record
(patient name, MRN, birth date, address, phone...). De-identification consumes that field and it
never reaches a dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOTE_ID = "note_id"
PATIENT_ID = "patient_id"
CASE_ID = "case_id"
NOTE_TYPE = "note_type"
SPECIALTY = "specialty"
NOTE_DATE = "note_date"
QUARTER = "quarter"
TEXT = "text"
GOLD_CODES = "codes"
SPLIT = "split"

DATASET_COLUMNS = (
    NOTE_ID,
    PATIENT_ID,
    CASE_ID,
    NOTE_TYPE,
    SPECIALTY,
    NOTE_DATE,
    QUARTER,
    TEXT,
    GOLD_CODES,
)

CODE_SYSTEM = "icd10cm"


@dataclass
class NoteRecord:
    """One clinical note with its gold codes, as a source yields it.

    Attributes:
        note_id: Source-level note id (not an identifier of the person).
        patient_id: Patient id of the source (identifying; replaced by a keyed pseudonym).
        case_id: Encounter id of the source (identifying; replaced by a keyed pseudonym).
        text: The note.
        codes: Gold ICD-10-CM codes, with dots.
        note_type: Discharge summary, operative note, pathology report, ED note...
        specialty: Clinical service of the note.
        note_date: ISO date of the note, if known (shifted per patient by de-identification).
        quarter: Coding quarter, e.g. ``2026Q1`` (operational period used by monitoring).
        identifiers: Structured PHI of the record, searched for in the text and then dropped.
    """

    note_id: str
    patient_id: str
    case_id: str
    text: str
    codes: list[str]
    note_type: str = "unknown"
    specialty: str = "unknown"
    note_date: str | None = None
    quarter: str = "unknown"
    identifiers: dict[str, str] = field(default_factory=dict)

    def to_row(self) -> dict:
        """The dataset row of this record (identifiers excluded)."""
        return {
            NOTE_ID: self.note_id,
            PATIENT_ID: self.patient_id,
            CASE_ID: self.case_id,
            NOTE_TYPE: self.note_type,
            SPECIALTY: self.specialty,
            NOTE_DATE: self.note_date or "",
            QUARTER: self.quarter,
            TEXT: self.text,
            GOLD_CODES: list(self.codes),
        }
