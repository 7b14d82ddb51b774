"""Dataset assembly: de-identify, gate on residual PHI, check records, split by patient, validate
with Great Expectations, and save a Hugging Face ``DatasetDict`` with a manifest.

Nothing is written unless every gate passes: the dataset is built in a temporary folder that
replaces ``out_dir`` only at the end (``clinicode.io.atomic_directory``), so a failure or a crash
leaves the previous dataset as it was. Reports (validation summary, datasheet) hold counts only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from tqdm.auto import tqdm

from clinicode.config import AssembleParams, CorpusParams
from clinicode.errors import DataValidationError, InputError
from clinicode.io import atomic_directory, write_json_atomic, write_text_atomic
from clinicode.schema import (
    CODE_SYSTEM,
    DATASET_COLUMNS,
    GOLD_CODES,
    NOTE_TYPE,
    PATIENT_ID,
    QUARTER,
    SPECIALTY,
    SPLIT,
    NoteRecord,
)
from training.deid import Deidentifier, residual_phi
from training.sources import iter_source, normalise_code
from validation.expectations import is_valid_code, validate_notes

if TYPE_CHECKING:
    from datasets import DatasetDict, Features

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
UNSPLIT = "all"


@dataclass
class _Batch:
    """What the de-identification pass produced."""

    rows: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    residual: Counter[str] = field(default_factory=Counter)
    notes_with_residual: int = 0
    dropped_codes: int = 0


def rejects_path(out_dir: Path) -> Path:
    """Quarantine file of a dataset: ``<out_dir>.rejects.jsonl`` beside it (reasons, no text)."""
    return out_dir.parent / f"{out_dir.name}.rejects.jsonl"


def _reject_entry(error: InputError) -> dict:
    return {
        "file": error.file,
        "record": error.record,
        "field": error.field,
        "problem": error.problem,
    }


def _check_codes(record: NoteRecord, params: AssembleParams, batch: _Batch) -> list[str]:
    """Normalised, de-duplicated codes; invalid ones raise or are dropped per ``invalid_codes``."""
    codes = list(dict.fromkeys(normalise_code(code) for code in record.codes))
    invalid = [code for code in codes if not is_valid_code(code)]
    if invalid and params.invalid_codes == "reject":
        raise InputError(
            params.source,
            f"{len(invalid)} code(s) not valid in ICD-10-CM "
            "(set assemble.invalid_codes=drop to drop them)",
            record=record.note_id,
            field="codes",
        )
    batch.dropped_codes += len(invalid)
    return [code for code in codes if code not in invalid]


def _check_record(record: NoteRecord, params: AssembleParams, batch: _Batch) -> NoteRecord:
    """Record-level checks on a de-identified record; InputError names the failing field."""
    codes = _check_codes(record, params, batch)
    if not 1 <= len(codes) <= params.max_codes_per_note:
        raise InputError(
            params.source,
            f"{len(codes)} valid codes; expected 1 to {params.max_codes_per_note} "
            "(assemble.max_codes_per_note)",
            record=record.note_id,
            field="codes",
        )
    length = len(record.text.strip())
    if not params.min_text_chars <= length <= params.max_text_chars:
        raise InputError(
            params.source,
            f"text of {length} characters; expected {params.min_text_chars} to "
            f"{params.max_text_chars} (assemble.min_text_chars/max_text_chars)",
            record=record.note_id,
            field="text",
        )
    record.codes = codes
    return record


def _deidentify_all(
    records: Iterable[NoteRecord], params: AssembleParams, deidentifier: Deidentifier
) -> _Batch:
    """De-identify every record, count residual PHI, apply the bad-record policy."""
    batch = _Batch()
    for raw in tqdm(records, desc="de-identifying notes", unit="note", disable=None):
        clean = deidentifier.deidentify(raw)
        residual = residual_phi(raw, clean.text)
        if residual:
            batch.residual.update(residual)
            batch.notes_with_residual += 1
            continue
        try:
            batch.rows.append(_check_record(clean, params, batch).to_row())
        except InputError as error:
            # The source note id is kept (it locates the record) -- never the text.
            error = InputError(error.file, error.problem, record=raw.note_id, field=error.field)
            if params.on_bad_record == "fail":
                raise error from None
            batch.rejects.append(_reject_entry(error))
    if batch.dropped_codes:
        logger.warning(
            "dropped %d codes not valid in ICD-10-CM (assemble.invalid_codes=drop)",
            batch.dropped_codes,
        )
    return batch


def split_patients(
    patient_codes: dict[str, list[list[str]]], fractions: dict[str, float], seed: int
) -> dict[str, str]:
    """Assign each patient to one split, keeping note counts and code frequencies balanced.

    Greedy and multi-label aware: patients holding the rarest codes are placed first, each into
    the split with the largest combined deficit for its rarest code and for notes. Every split
    with a positive fraction gets at least one patient when there are enough patients.

    Args:
        patient_codes: Per patient, the code lists of their notes.
        fractions: Split name to share of notes (``assemble.split_fractions``).
        seed: Seed of the tie-breaking shuffle.

    Returns:
        Patient id to split name.
    """
    splits = [name for name, share in fractions.items() if share > 0]
    freq = Counter(code for notes in patient_codes.values() for codes in notes for code in codes)
    total = sum(len(notes) for notes in patient_codes.values())
    patients = sorted(patient_codes)
    random.Random(seed).shuffle(patients)
    patients.sort(key=lambda p: min((freq[c] for n in patient_codes[p] for c in n), default=0))
    have_rows: Counter[str] = Counter()
    have_code: dict[str, Counter[str]] = {name: Counter() for name in splits}
    assignment: dict[str, str] = {}
    for patient in patients:
        notes = patient_codes[patient]
        rarest = min((c for n in notes for c in n), key=lambda c: freq[c], default=None)

        def deficit(name: str, rarest: str | None = rarest) -> float:
            rows = (fractions[name] * total - have_rows[name]) / max(total, 1)
            if rarest is None:
                return rows
            return rows + (fractions[name] * freq[rarest] - have_code[name][rarest]) / freq[rarest]

        chosen = max(splits, key=deficit)
        assignment[patient] = chosen
        have_rows[chosen] += len(notes)
        have_code[chosen].update(c for n in notes for c in n)
    _fill_empty_splits(assignment, splits, patient_codes)
    return assignment


def _fill_empty_splits(
    assignment: dict[str, str], splits: list[str], patient_codes: dict[str, list[list[str]]]
) -> None:
    """Move one patient (the one with fewest notes) from the fullest split into each empty one."""
    if len(assignment) < len(splits):
        return
    for name in splits:
        members = Counter(assignment.values())
        if members[name]:
            continue
        donor = max(splits, key=lambda s: members[s])
        candidates = sorted(
            (p for p, s in assignment.items() if s == donor),
            key=lambda p: (len(patient_codes[p]), p),
        )
        assignment[candidates[0]] = name
        logger.info("split %s was empty: moved one patient from %s", name, donor)


def _split_column(frame: pd.DataFrame, params: AssembleParams) -> pd.Series:
    """Split name of every row, assigned per patient."""
    codes_by_patient: dict[str, list[list[str]]] = {}
    for patient, codes in zip(frame[PATIENT_ID], frame[GOLD_CODES], strict=True):
        codes_by_patient.setdefault(patient, []).append(codes)
    assignment = split_patients(codes_by_patient, params.split_fractions, params.seed)
    return frame[PATIENT_ID].map(assignment)


def _digest(rows: Iterable[dict]) -> str:
    """SHA-256 over the sorted canonical JSON lines of ``rows`` (split column excluded)."""
    lines = sorted(
        json.dumps({k: v for k, v in row.items() if k != SPLIT}, sort_keys=True, ensure_ascii=False)
        for row in rows
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _features() -> Features:
    from datasets import Features, List, Value

    return Features(
        {
            column: List(Value("string")) if column == GOLD_CODES else Value("string")
            for column in DATASET_COLUMNS
        }
    )


def _dataset_dict(frame: pd.DataFrame, split_names: list[str]) -> DatasetDict:
    from datasets import Dataset, DatasetDict

    features = _features()
    return DatasetDict(
        {
            name: Dataset.from_list(
                frame.loc[frame[SPLIT] == name, list(DATASET_COLUMNS)].to_dict("records"),
                features=features,
            )
            for name in split_names
        }
    )


def _manifest(
    frame: pd.DataFrame,
    params: AssembleParams,
    deid_counts: Counter[str],
    summary: dict,
    n_rejects: int,
) -> dict:
    rows = frame.to_dict("records")
    splits = {}
    for name, part in frame.groupby(SPLIT, sort=False):
        splits[str(name)] = {
            "rows": len(part),
            "patients": int(part[PATIENT_ID].nunique()),
            "digest": _digest(part.to_dict("records")),
        }
    codes = Counter(code for codes in frame[GOLD_CODES] for code in codes)
    return {
        "source": params.source,
        "code_system": CODE_SYSTEM,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": len(frame),
        "patients": int(frame[PATIENT_ID].nunique()),
        "digest": _digest(rows),
        "splits": splits,
        "code_frequencies": dict(sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))),
        "deid_replacements": dict(sorted(deid_counts.items())),
        "rejected_records": n_rejects,
        "validation": {"success": summary["success"], "statistics": summary["statistics"]},
        "params": params.model_dump(mode="json"),
    }


def _counts_table(title: str, counts: dict, header: str = "value") -> list[str]:
    lines = [f"## {title}", "", f"| {header} | count |", "|---|---|"]
    return [*lines, *(f"| {key} | {value} |" for key, value in counts.items()), ""]


def _datasheet(frame: pd.DataFrame, manifest: dict) -> str:
    """Short datasheet in markdown: counts and distributions only, never text or identifiers."""
    import simple_icd_10_cm as cm

    top = list(manifest["code_frequencies"].items())[:20]
    lines = [
        "# Datasheet: clinical notes with gold ICD-10-CM codes",
        "",
        f"- Source: `{manifest['source']}`; created {manifest['created']}",
        f"- Notes: {manifest['rows']}; patients: {manifest['patients']}; distinct codes: "
        f"{len(manifest['code_frequencies'])}; rejected records: {manifest['rejected_records']}",
        f"- Content digest: `{manifest['digest']}`",
        "- De-identified: known identifiers and PHI patterns replaced by surrogates or "
        "placeholders, dates shifted per patient, ids replaced by keyed pseudonyms.",
        "",
    ]
    lines += _counts_table("Splits", {k: v["rows"] for k, v in manifest["splits"].items()}, "split")
    for title, column in (
        ("Note types", NOTE_TYPE),
        ("Specialties", SPECIALTY),
        ("Quarters", QUARTER),
    ):
        lines += _counts_table(title, frame[column].value_counts().to_dict())
    lines += [
        "## Most frequent codes (top 20)",
        "",
        "| code | description | notes |",
        "|---|---|---|",
    ]
    lines += [f"| {code} | {cm.get_description(code)} | {n} |" for code, n in top] + [""]
    lines += _counts_table(
        "De-identification replacements", manifest["deid_replacements"], "PHI type"
    )
    return "\n".join(lines)


def assemble_dataset(
    records: Iterable[NoteRecord],
    params: AssembleParams,
    deidentifier: Deidentifier,
    out_dir: Path,
    report_dir: Path,
    split: bool = True,
    source_rejects: Iterable[InputError] = (),
) -> dict:
    """Build the de-identified, validated, patient-split dataset and return its manifest.

    Args:
        records: Raw records (with identifiers), e.g. from ``training.sources.iter_source``.
        params: Assembly parameters.
        deidentifier: Keyed de-identifier (its ``stats`` keep counting across calls).
        out_dir: Dataset folder; replaced whole on success, untouched on failure.
        report_dir: Where ``validation.json``/``.html`` and ``datasheet.md`` go.
        split: Split by patient per ``params.split_fractions``; False saves one split ``all``.
        source_rejects: Record errors a source handed to ``on_bad`` (read after ``records``).

    Returns:
        The manifest (also saved as ``out_dir/manifest.json``).

    Raises:
        DataValidationError: Residual PHI after de-identification, or the GX suite failed.
        InputError: A bad record while ``params.on_bad_record`` is ``fail``.
    """
    before = Counter(deidentifier.stats)
    batch = _deidentify_all(records, params, deidentifier)
    if batch.residual:
        raise DataValidationError(
            f"residual PHI in {batch.notes_with_residual} de-identified notes "
            f"(counts per type: {dict(sorted(batch.residual.items()))}); nothing written"
        )
    batch.rejects += [_reject_entry(error) for error in source_rejects]
    frame = pd.DataFrame(batch.rows, columns=list(DATASET_COLUMNS))
    split_names = list(params.split_fractions) if split else [UNSPLIT]
    frame[SPLIT] = _split_column(frame, params) if split else UNSPLIT
    summary = validate_notes(frame, params, report_dir)
    manifest = _manifest(frame, params, deidentifier.stats - before, summary, len(batch.rejects))
    with atomic_directory(out_dir) as tmp:
        _dataset_dict(frame, split_names).save_to_disk(str(tmp))
        write_json_atomic(tmp / MANIFEST, manifest)
    write_text_atomic(
        rejects_path(out_dir), "".join(json.dumps(r, sort_keys=True) + "\n" for r in batch.rejects)
    )
    write_text_atomic(report_dir / "datasheet.md", _datasheet(frame, manifest))
    logger.info(
        "dataset %s: %d notes (%s), %d rejected",
        out_dir.name,
        len(frame),
        ", ".join(f"{k}={v['rows']}" for k, v in manifest["splits"].items()),
        len(batch.rejects),
    )
    return manifest


def assemble_from_source(
    assemble: AssembleParams,
    corpus: CorpusParams,
    deidentifier: Deidentifier,
    out_dir: Path,
    report_dir: Path,
    split: bool = True,
) -> dict:
    """``assemble_dataset`` on ``iter_source``, wiring source errors into the quarantine.

    Args:
        assemble: Assembly parameters (source, policy, splits).
        corpus: Generator parameters (synthetic source).
        deidentifier: Keyed de-identifier.
        out_dir: Dataset folder.
        report_dir: Report folder.
        split: Split by patient (True) or save one split ``all``.

    Returns:
        The manifest.
    """
    source_rejects: list[InputError] = []
    on_bad = source_rejects.append if assemble.on_bad_record == "quarantine" else None
    records = iter_source(assemble, corpus, on_bad=on_bad)
    return assemble_dataset(
        records, assemble, deidentifier, out_dir, report_dir, split, source_rejects=source_rejects
    )


def load_dataset(out_dir: Path) -> DatasetDict:
    """The saved ``DatasetDict`` of an assembled dataset.

    Raises:
        InputError: ``out_dir`` holds no assembled dataset.
    """
    from datasets import load_from_disk

    if not (out_dir / MANIFEST).is_file():
        raise InputError(str(out_dir), "no assembled dataset here; run the assemble stage first")
    return load_from_disk(str(out_dir))


def read_manifest(out_dir: Path) -> dict:
    """The manifest of an assembled dataset.

    Raises:
        InputError: The manifest is missing or not JSON.
    """
    path = out_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"cannot read the manifest ({exc.__class__.__name__})") from exc
