"""Dataset assembly: de-identify, gate on residual PHI, check records, split by patient, validate
with Great Expectations, and save a Hugging Face ``DatasetDict`` with a manifest and a datasheet.

Two passes keep memory nearly flat whatever the corpus size. Pass 1 streams the source and keeps
only each patient's codes, as integers, from which the patient-level split is computed (iterative
multi-label stratification on a sparse matrix, ``training.splitting``). Pass 2 streams the source
again in batches of ``assemble.batch_size``: de-identifies (in process or in parallel,
``training.parallel``), checks each record, validates each batch with the GX suite and appends it
to the Arrow file of its split, which is the saved file itself: the dataset is never copied or
read back. Checks across batches (unique note ids, one split per patient) keep 64-bit digests of
the pseudonyms, 9 bytes a note or patient.

Nothing is written unless every gate passes: the dataset is built in a temporary folder that
replaces ``out_dir`` only at the end (``clinicode.io.atomic_directory``), so a failure or a crash
leaves the previous dataset as it was. Reports (validation summary, Data Docs, datasheet) hold
counts only.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from clinicode.config import AssembleParams, CorpusParams
from clinicode.errors import DataValidationError, InputError
from clinicode.io import atomic_directory, write_json_atomic, write_text_atomic
from clinicode.schema import (
    CODE_SYSTEM,
    DATASET_COLUMNS,
    GOLD_CODES,
    NOTE_ID,
    NOTE_TYPE,
    PATIENT_ID,
    QUARTER,
    SPECIALTY,
    SPLIT,
    NoteRecord,
)
from training.deid import Deidentifier
from training.parallel import STAGING_LABEL, deidentify_batches
from training.sources import BadRecordHandler, iter_source, normalise_code
from training.splitting import DigestIndex, PatientCodes, PatientSplits, stratified_split
from validation.expectations import NoteSuite, is_valid_code

if TYPE_CHECKING:
    import pyarrow as pa
    from datasets import DatasetDict, Features

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
UNSPLIT = "all"
# The file name ``save_to_disk`` gives a split saved as one shard; ``load_from_disk`` reads the
# names listed in the split's state file.
_DATA_FILE = "data-00000-of-00001.arrow"
SourceFactory = Callable[[BadRecordHandler | None], Iterable[NoteRecord]]


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


def _features() -> Features:
    from datasets import Features, List, Value

    return Features(
        {
            column: List(Value("string")) if column == GOLD_CODES else Value("string")
            for column in DATASET_COLUMNS
        }
    )


class _SplitWriter:
    """Appends rows of one split to its saved Arrow stream file and hashes them as they pass."""

    def __init__(self, folder: Path, schema: pa.Schema) -> None:
        import pyarrow as pa

        folder.mkdir()
        self.path, self.schema = folder / _DATA_FILE, schema
        self._writer = pa.ipc.new_stream(str(self.path), schema)
        self._hash = hashlib.sha256()
        self.rows = 0

    def write(self, rows: list[dict]) -> None:
        import pyarrow as pa

        for row in rows:
            line = json.dumps(
                {k: row[k] for k in DATASET_COLUMNS}, sort_keys=True, ensure_ascii=False
            )
            self._hash.update(line.encode("utf-8") + b"\n")
        self._writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=self.schema))
        self.rows += len(rows)

    def close(self) -> str:
        self._writer.close()
        return self._hash.hexdigest()


@dataclass
class _Run:
    """State of pass 2: counts and digests of pseudonyms (9 bytes a note or patient), no text.

    ``seen_notes`` holds the note pseudonyms written so far; ``patient_split`` the index in
    ``writers`` of the split each patient pseudonym was first written to.
    """

    params: AssembleParams
    assignment: PatientSplits | None
    writers: dict[str, _SplitWriter]
    suite: NoteSuite
    rejects: list[dict] = field(default_factory=list)
    residual: Counter[str] = field(default_factory=Counter)
    notes_with_residual: int = 0
    dropped_codes: int = 0
    seen_notes: DigestIndex = field(default_factory=DigestIndex)
    patient_split: DigestIndex = field(default_factory=DigestIndex)
    split_conflicts: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    facets: dict[str, Counter[str]] = field(
        default_factory=lambda: {NOTE_TYPE: Counter(), SPECIALTY: Counter(), QUARTER: Counter()}
    )


def _check_codes(record: NoteRecord, run: _Run) -> list[str]:
    """Normalised, de-duplicated codes; invalid ones raise or are dropped per ``invalid_codes``."""
    codes = list(dict.fromkeys(normalise_code(code) for code in record.codes))
    invalid = [code for code in codes if not is_valid_code(code)]
    if invalid and run.params.invalid_codes == "reject":
        raise InputError(
            run.params.source,
            f"{len(invalid)} code(s) not valid in ICD-10-CM (invalid or retired; "
            "set assemble.invalid_codes=drop to drop them)",
            record=record.note_id,
            field="codes",
        )
    run.dropped_codes += len(invalid)
    return [code for code in codes if code not in invalid]


def _check_record(record: NoteRecord, run: _Run) -> NoteRecord:
    """Record-level checks on a de-identified record; InputError names the failing field."""
    params = run.params
    codes = _check_codes(record, run)
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
    if record.note_id in run.seen_notes:
        raise InputError(params.source, "duplicate note id; expected each note once", field=NOTE_ID)
    record.codes = codes
    return record


def _accept(raw: NoteRecord, clean: NoteRecord, run: _Run) -> dict | None:
    """The dataset row of a de-identified record, or None when quarantined."""
    try:
        row = _check_record(clean, run).to_row()
    except InputError as error:
        # The source note id is kept (it locates the record) -- never the text.
        error = InputError(error.file, error.problem, record=raw.note_id, field=error.field)
        if run.params.on_bad_record == "fail":
            raise error from None
        run.rejects.append(_reject_entry(error))
        return None
    run.seen_notes.setdefault(row[NOTE_ID], 0)
    row[SPLIT] = _split_of(raw, run)
    split = list(run.writers).index(row[SPLIT])
    run.split_conflicts += run.patient_split.setdefault(row[PATIENT_ID], split) != split
    return row


def _split_of(raw: NoteRecord, run: _Run) -> str:
    """The split of a raw record's patient, as pass 1 assigned it."""
    if run.assignment is None:
        return UNSPLIT
    split = run.assignment.get(raw.patient_id)
    if split is None:
        raise InputError(
            run.params.source,
            "patient not seen in pass 1; expected the source to yield the same records twice",
            record=raw.note_id,
            field=PATIENT_ID,
        )
    return split


def _patient_codes(records: Iterable[NoteRecord]) -> PatientCodes:
    """Pass 1: each patient's valid codes (the union over their notes); nothing else is kept."""
    patients = PatientCodes()
    for record in tqdm(records, desc="pass 1: codes per patient", unit="note", disable=None):
        patients.add(
            record.patient_id, (c for c in map(normalise_code, record.codes) if is_valid_code(c))
        )
    return patients


def _code_pairs(patient_codes: dict[str, Any]) -> PatientCodes:
    """Codes per patient from either a set of codes or a list of per-note code lists."""
    patients = PatientCodes()
    for patient, value in patient_codes.items():
        patients.add(patient, ())
        for item in value:
            patients.add(patient, [item] if isinstance(item, str) else item)
    return patients


def split_patients(
    patient_codes: dict[str, Any], fractions: dict[str, float], seed: int
) -> dict[str, str]:
    """Assign each patient to one split by iterative multi-label stratification.

    Each patient is one sample whose labels are the union of their codes (Sechidis et al.,
    2011; ``training.splitting`` runs ``iterstrat``'s algorithm on a sparse matrix, with the same
    result): rare codes are placed first, each into the split that most lacks it, so code
    frequencies stay balanced while no patient spans two splits. Every split with a positive
    fraction gets at least one patient when there are enough patients. Assembly itself calls
    ``stratified_split`` and keeps the compact ``PatientSplits`` rather than this dict.

    Args:
        patient_codes: Per patient, their codes (a set) or their notes' code lists.
        fractions: Split name to share of patients (``assemble.split_fractions``).
        seed: Seed of the tie-breaking draws; the same input and seed give the same split.

    Returns:
        Patient id to split name.
    """
    names, patients, folds = stratified_split(_code_pairs(patient_codes), fractions, seed)
    return {patient: names[fold] for patient, fold in zip(patients, folds, strict=True)}


def _batches(records: Iterable[NoteRecord], size: int) -> Iterator[list[NoteRecord]]:
    batch: list[NoteRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pass_two(records: Iterable[NoteRecord], run: _Run, deidentifier: Deidentifier) -> None:
    """De-identify, check, validate and write every batch; residual PHI stops the writing."""
    import pandas as pd

    batches = _batches(records, run.params.batch_size)
    secret = deidentifier.digest(STAGING_LABEL)  # staging key material, in memory only
    progress = tqdm(desc="pass 2: de-identify, check, write", unit="note", disable=None)
    with progress:
        for raw_batch, result in deidentify_batches(batches, deidentifier, run.params, secret):
            progress.update(len(raw_batch))
            rows = []
            for raw, clean, residual in zip(
                raw_batch, result.records, result.residual, strict=True
            ):
                if residual:
                    run.residual.update(residual)
                    run.notes_with_residual += 1
                elif not run.residual and (row := _accept(raw, clean, run)) is not None:
                    rows.append(row)
            if run.residual or not rows:
                continue  # after a residual-PHI hit only counting goes on: nothing is written
            run.suite.validate(pd.DataFrame(rows))
            _write_rows(rows, run)


def _write_rows(rows: list[dict], run: _Run) -> None:
    for name, writer in run.writers.items():
        part = [row for row in rows if row[SPLIT] == name]
        if part:
            writer.write([{k: row[k] for k in DATASET_COLUMNS} for row in part])
    for row in rows:
        run.codes.update(row[GOLD_CODES])
        for column, counts in run.facets.items():
            counts[row[column]] += 1


def _split_state(digest: str) -> dict:
    """The ``state.json`` of a split saved as one shard, as ``Dataset.save_to_disk`` writes it."""
    return {
        "_data_files": [{"filename": _DATA_FILE}],
        "_fingerprint": digest[:16],  # content-based: the same rows give the same fingerprint
        "_format_columns": None,
        "_format_kwargs": {},
        "_format_type": None,
        "_output_all_columns": False,
        "_split": None,
    }


def _save(run: _Run, tmp: Path) -> dict[str, dict]:
    """Close the split files and write the metadata ``load_from_disk`` reads; per-split summary.

    The Arrow files were written in place, so nothing is copied: copying through a memory map
    (``save_to_disk``) made every page of the dataset resident, +115 MB of RSS at 100k notes.
    """
    from datasets import DatasetInfo
    from datasets import config as hf_config

    patients = run.patient_split.counts(len(run.writers))
    splits = {}
    for index, (name, writer) in enumerate(run.writers.items()):
        digest = writer.close()
        splits[name] = {"rows": writer.rows, "patients": int(patients[index]), "digest": digest}
        DatasetInfo(features=_features()).write_to_directory(str(writer.path.parent))
        state = writer.path.parent / hf_config.DATASET_STATE_JSON_FILENAME
        write_json_atomic(state, _split_state(digest))
    write_json_atomic(tmp / hf_config.DATASETDICT_JSON_FILENAME, {"splits": list(run.writers)})
    return splits


def _manifest(run: _Run, splits: dict, deid_counts: Counter[str], summary: dict) -> dict:
    overall = hashlib.sha256("".join(f"{v['digest']}\n" for v in splits.values()).encode())
    return {
        "source": run.params.source,
        "code_system": CODE_SYSTEM,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": sum(v["rows"] for v in splits.values()),
        "patients": len(run.patient_split),
        "digest": overall.hexdigest(),
        "splits": splits,
        "code_frequencies": dict(sorted(run.codes.items(), key=lambda kv: (-kv[1], kv[0]))),
        "deid_replacements": dict(sorted(deid_counts.items())),
        "rejected_records": len(run.rejects),
        "validation": {"success": summary["success"], "statistics": summary["statistics"]},
        "params": run.params.model_dump(mode="json"),
    }


def _counts_table(title: str, counts: dict, header: str = "value") -> list[str]:
    lines = [f"## {title}", "", f"| {header} | count |", "|---|---|"]
    return [*lines, *(f"| {key} | {value} |" for key, value in counts.items()), ""]


def _datasheet(run: _Run, manifest: dict) -> str:
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
        "- Split by patient with iterative multi-label stratification over each patient's codes.",
        "- Validation: Great Expectations suite per batch; Data Docs in `gx/index.html`.",
        "",
    ]
    lines += _counts_table("Splits", {k: v["rows"] for k, v in manifest["splits"].items()}, "split")
    for title, column in (
        ("Note types", NOTE_TYPE),
        ("Specialties", SPECIALTY),
        ("Quarters", QUARTER),
    ):
        lines += _counts_table(title, dict(run.facets[column].most_common()))
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


def _split_assignment(source: SourceFactory, params: AssembleParams) -> PatientSplits:
    """Pass 1: stream the source for codes per patient and split the patients."""
    # Bad records are reported in pass 2 only; here they are skipped (quarantine) or raise (fail).
    on_bad = None if params.on_bad_record == "fail" else (lambda error: None)
    patients = _patient_codes(source(on_bad))
    names, patient_ids, folds = stratified_split(patients, params.split_fractions, params.seed)
    del patients  # the ids and code pairs: only 9 bytes a patient are kept for pass 2
    assignment = PatientSplits(patient_ids, folds, names)
    used = sorted(name for name, n in assignment.counts().items() if n)
    logger.info("pass 1: %d patients assigned to %s", len(assignment), used)
    return assignment


def _residual_error(run: _Run) -> DataValidationError:
    return DataValidationError(
        f"residual PHI in {run.notes_with_residual} de-identified notes "
        f"(counts per type: {dict(sorted(run.residual.items()))}); nothing written"
    )


def _build(
    source: SourceFactory,
    params: AssembleParams,
    deidentifier: Deidentifier,
    out_dir: Path,
    report_dir: Path,
    split: bool,
    source_rejects: list[InputError],
    extra_rejects: Iterable[InputError] = (),
) -> tuple[_Run, dict]:
    """Both passes into a temporary folder that replaces ``out_dir`` only if every gate passed."""
    before = Counter(deidentifier.stats)
    assignment = _split_assignment(source, params) if split else None
    split_names = list(params.split_fractions) if split else [UNSPLIT]
    on_bad = source_rejects.append if params.on_bad_record == "quarantine" else None
    suite = NoteSuite(params, split, report_dir)
    try:
        with atomic_directory(out_dir) as tmp:
            schema = _features().arrow_schema
            writers = {name: _SplitWriter(tmp / name, schema) for name in split_names}
            run = _Run(params, assignment, writers, suite)
            _pass_two(source(on_bad), run, deidentifier)
            if run.residual:
                raise _residual_error(run)
            errors = [*source_rejects, *extra_rejects]  # read after pass 2 has filled them
            run.rejects += [_reject_entry(error) for error in errors]
            suite.add_check("each patient in one split only", PATIENT_ID, run.split_conflicts)
            summary = suite.finish()
            manifest = _manifest(run, _save(run, tmp), deidentifier.stats - before, summary)
            write_json_atomic(tmp / MANIFEST, manifest)
    finally:
        suite.close()
    return run, manifest


def _as_source(records: Iterable[NoteRecord], split: bool) -> SourceFactory:
    """A source factory over ``records``; a one-shot iterator is kept in memory if read twice."""
    if split and iter(records) is records:
        logger.warning(
            "records is a one-shot iterator and the split needs two passes: holding it in "
            "memory (pass a list, or use assemble_from_source, to stream)"
        )
        records = list(records)
    return lambda on_bad: records


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
        records: Raw records (with identifiers); a list is streamed twice when splitting.
        params: Assembly parameters.
        deidentifier: Keyed de-identifier (its ``stats`` keep counting across calls).
        out_dir: Dataset folder; replaced whole on success, untouched on failure.
        report_dir: Where ``validation.json``/``.html``, Data Docs (``gx/``) and
            ``datasheet.md`` go.
        split: Split by patient per ``params.split_fractions``; False saves one split ``all``.
        source_rejects: Record errors a source handed to ``on_bad`` (read after ``records``).

    Returns:
        The manifest (also saved as ``out_dir/manifest.json``).

    Raises:
        DataValidationError: Residual PHI after de-identification, or the GX suite failed.
        InputError: A bad record while ``params.on_bad_record`` is ``fail``.
    """
    source = _as_source(records, split)
    run, manifest = _build(
        source, params, deidentifier, out_dir, report_dir, split, [], source_rejects
    )
    _finish(run, manifest, out_dir, report_dir)
    return manifest


def _finish(run: _Run, manifest: dict, out_dir: Path, report_dir: Path) -> None:
    """Rejects file and datasheet beside a dataset that was written."""
    lines = "".join(json.dumps(r, sort_keys=True, default=str) + "\n" for r in run.rejects)
    write_text_atomic(rejects_path(out_dir), lines)
    write_text_atomic(report_dir / "datasheet.md", _datasheet(run, manifest))
    logger.info(
        "dataset %s: %d notes (%s), %d rejected",
        out_dir.name,
        manifest["rows"],
        ", ".join(f"{k}={v['rows']}" for k, v in manifest["splits"].items()),
        len(run.rejects),
    )


def assemble_from_source(
    assemble: AssembleParams,
    corpus: CorpusParams,
    deidentifier: Deidentifier,
    out_dir: Path,
    report_dir: Path,
    split: bool = True,
) -> dict:
    """Stream ``iter_source`` twice (split, then build), wiring source errors into the quarantine.

    Args:
        assemble: Assembly parameters (source, policy, splits, batches, workers).
        corpus: Generator parameters (synthetic source).
        deidentifier: Keyed de-identifier.
        out_dir: Dataset folder.
        report_dir: Report folder.
        split: Split by patient (True) or save one split ``all``.

    Returns:
        The manifest.
    """
    rejects: list[InputError] = []

    def source(on_bad: BadRecordHandler | None) -> Iterable[NoteRecord]:
        return iter_source(assemble, corpus, on_bad=on_bad)

    run, manifest = _build(source, assemble, deidentifier, out_dir, report_dir, split, rejects)
    _finish(run, manifest, out_dir, report_dir)
    return manifest


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
