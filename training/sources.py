"""Note sources behind one contract: each yields raw ``NoteRecord`` objects lazily.

* ``synthetic``: the seeded generator of ``training.corpus``.
* ``codiesp``: the CLEF eHealth 2020 CodiEsp layout, English translations
  (``<input>/<split>/text_files_en/*.txt`` and ``<input>/<split>/<split>D.tsv``).
* ``mimic``: MIMIC-IV-Note style, ``<input>/discharge.csv`` (note_id, subject_id, hadm_id,
  note_type, note_seq, charttime, storetime, text) joined on ``hadm_id`` with the ICD-10 rows
  of ``<input>/diagnoses_icd.csv`` (subject_id, hadm_id, seq_num, icd_code, icd_version).
* ``jsonl``: one JSON object per line (``id``/``note_id``, ``text``, ``codes`` and optional
  metadata), in a file or in every ``*.jsonl`` file of a folder.
* ``csv`` / ``parquet``: one note per row; ``assemble.columns`` maps record fields to columns
  and ``assemble.codes_separator`` splits a CSV code cell. ``jsonl`` honours the mapping too.

Every source streams: CSV in pandas chunks, Parquet in ``iter_batches``, JSONL line by line and
MIMIC with only the diagnosis index (codes per admission) held in memory, so memory stays flat as
the corpus grows.

Problems with a whole file (unreadable, wrong layout) always raise ``InputError``. Problems with one
record (malformed line, missing field, empty text, a case without codes) raise too, unless the
caller passes ``on_bad``: then the error is handed to it and the record skipped, so that a
quarantine can collect it. Errors name the file, record and field, never the content.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from clinicode.config import AssembleParams, CorpusParams
from clinicode.errors import ConfigError, InputError
from clinicode.schema import NoteRecord
from training.corpus import generate_corpus, parse_quarter

logger = logging.getLogger(__name__)

BadRecordHandler = Callable[[InputError], None]
CODIESP_NOTE_TYPE = "clinical case report"
_OPTIONAL_TEXT_FIELDS = ("patient_id", "case_id", "note_type", "specialty", "quarter")


def normalise_code(code: str) -> str:
    """Canonical ICD-10-CM form: upper case with the dot after the category (``e119`` -> ``E11.9``).

    Args:
        code: A code with or without dot, any case.

    Returns:
        The code upper-cased, with a dot after the third character when it is longer than three.
    """
    bare = code.strip().upper().replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def _bad(on_bad: BadRecordHandler | None, error: InputError) -> None:
    if on_bad is None:
        raise error
    on_bad(error)


def _input_path(assemble: AssembleParams) -> Path:
    if not assemble.input:
        raise ConfigError(f"assemble.input is required for source '{assemble.source}'")
    path = Path(assemble.input)
    if not path.exists():
        raise InputError(str(path), f"input of source '{assemble.source}' not found", field="input")
    return path


def _read_text(path: Path) -> str:
    """A whole UTF-8 file; InputError (no content quoted) when unreadable or not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            str(path), f"not valid UTF-8 text (byte offset {exc.start}); expected UTF-8"
        ) from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read file ({exc.__class__.__name__})") from exc


def iter_source(
    assemble: AssembleParams, corpus: CorpusParams, on_bad: BadRecordHandler | None = None
) -> Iterator[NoteRecord]:
    """Records of the source named by ``assemble.source``.

    Args:
        assemble: Assembly parameters (``source``, ``input``, ``codiesp_splits``).
        corpus: Generator parameters (used by the ``synthetic`` source only).
        on_bad: Receives record-level ``InputError``s instead of raising them (quarantine mode);
            file-level problems still raise.

    Yields:
        Raw records, lazily.

    Raises:
        InputError: A file or record is malformed (record errors only without ``on_bad``).
        ConfigError: A source that needs ``assemble.input`` has none.
    """
    if assemble.source == "synthetic":
        yield from generate_corpus(corpus)
    elif assemble.source == "codiesp":
        yield from iter_codiesp(_input_path(assemble), assemble.codiesp_splits, on_bad)
    elif assemble.source == "jsonl":
        yield from iter_jsonl(_input_path(assemble), on_bad, assemble.columns)
    elif assemble.source in ("csv", "parquet"):
        yield from iter_table(_input_path(assemble), assemble, on_bad)
    elif assemble.source == "mimic":
        yield from iter_mimic(_input_path(assemble), assemble.batch_size, on_bad)
    else:  # unreachable through AssembleParams; kept for direct callers
        raise ConfigError(
            f"assemble.source '{assemble.source}': expected synthetic, codiesp, mimic, jsonl, "
            "csv or parquet"
        )


def _codiesp_codes(d_file: Path) -> dict[str, list[str]]:
    """Gold diagnosis codes per article from a CodiEsp-D file (articleID TAB code, no header)."""
    codes: dict[str, list[str]] = {}
    for number, line in enumerate(_read_text(d_file).splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(
                str(d_file),
                "expected two tab-separated columns: articleID, ICD-10-CM code",
                record=number,
            )
        article, code = parts[0].strip(), normalise_code(parts[1])
        if code not in codes.setdefault(article, []):
            codes[article].append(code)
    return codes


def _codiesp_split(root: Path, split: str) -> tuple[Path, Path]:
    """Text folder and D file of one split, checking the CodiEsp layout."""
    split_dir = root / split
    text_dir, d_file = split_dir / "text_files_en", split_dir / f"{split}D.tsv"
    if not split_dir.is_dir():
        raise InputError(
            str(split_dir),
            f"split '{split}' not found; expected a folder per split named in "
            "assemble.codiesp_splits",
            field="codiesp_splits",
        )
    if not text_dir.is_dir():
        raise InputError(
            str(split_dir),
            "no text_files_en/ folder; expected the CodiEsp layout "
            "<split>/text_files_en/<articleID>.txt",
        )
    if not d_file.is_file():
        raise InputError(
            str(split_dir), f"no {split}D.tsv; expected the CodiEsp-D file <split>/<split>D.tsv"
        )
    return text_dir, d_file


def _codiesp_case(path: Path, codes: list[str], d_file: Path) -> NoteRecord:
    article = path.stem
    try:
        text = _read_text(path)
    except InputError as exc:
        raise InputError(exc.file, exc.problem, record=article, field="text") from exc
    if not text.strip():
        raise InputError(str(path), "empty text; expected the case report", article, "text")
    if not codes:
        raise InputError(
            str(d_file), "case has no diagnosis code; expected at least one row", article, "codes"
        )
    return NoteRecord(
        note_id=article,
        patient_id=article,
        case_id=article,
        text=text,
        codes=list(codes),
        note_type=CODIESP_NOTE_TYPE,
    )


def iter_codiesp(
    root: Path, splits: tuple[str, ...], on_bad: BadRecordHandler | None = None
) -> Iterator[NoteRecord]:
    """Cases of a CodiEsp folder: one case per text file, gold codes from ``<split>D.tsv``.

    Args:
        root: Folder holding one sub-folder per split.
        splits: Splits to read, e.g. ``("train", "dev")``.
        on_bad: Receives record-level errors instead of raising them.

    Yields:
        One record per case; patient and case id are the article id (one case per patient).
    """
    for split in splits:
        text_dir, d_file = _codiesp_split(root, split)
        codes = _codiesp_codes(d_file)
        files = sorted(text_dir.glob("*.txt"))
        if not files:
            raise InputError(str(text_dir), "no .txt files; expected one file per case")
        orphans = set(codes) - {path.stem for path in files}
        if orphans:
            logger.warning("%s: %d articles have codes but no text file", d_file, len(orphans))
        for path in files:
            try:
                record = _codiesp_case(path, codes.get(path.stem, []), d_file)
            except InputError as error:
                _bad(on_bad, error)
                continue
            yield record
        logger.info("codiesp split %s: %d case files read", split, len(files))


def _field(obj: dict, file: Path, line: int | str, name: str) -> str:
    """A required non-empty string field of a JSON line."""
    value = obj.get(name)
    if value is None:
        raise InputError(str(file), "missing required field", record=line, field=name)
    if not isinstance(value, str):
        raise InputError(str(file), "expected a string", record=line, field=name)
    if not value.strip():
        raise InputError(str(file), "empty or whitespace-only value", record=line, field=name)
    return value


def _codes_field(obj: dict, file: Path, line: int | str) -> list[str]:
    value = obj.get("codes")
    if value is None:
        raise InputError(str(file), "missing required field", record=line, field="codes")
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise InputError(
            str(file), "expected a list of non-empty code strings", record=line, field="codes"
        )
    if not value:
        raise InputError(str(file), "expected at least one code", record=line, field="codes")
    return list(dict.fromkeys(normalise_code(c) for c in value))


def _optional_fields(obj: dict, file: Path, line: int | str) -> dict:
    out: dict = {}
    for name in (*_OPTIONAL_TEXT_FIELDS, "note_date"):
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(str(file), "expected a string", record=line, field=name)
        if value:
            out[name] = value
    checks = (("note_date", date.fromisoformat, "YYYY-MM-DD"), ("quarter", parse_quarter, "YYYYQn"))
    for name, parse, form in checks:
        try:
            if name in out:
                parse(out[name])
        except (ValueError, ConfigError) as exc:
            raise InputError(
                str(file), f"expected the form {form}", record=line, field=name
            ) from exc
    identifiers = obj.get("identifiers", {})
    if not isinstance(identifiers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in identifiers.items()
    ):
        raise InputError(
            str(file), "expected an object of string values", record=line, field="identifiers"
        )
    out["identifiers"] = dict(identifiers)
    return out


def _mapped(obj: dict, columns: dict[str, str]) -> dict:
    """Source keys renamed to record fields per ``assemble.columns`` (unmapped keys kept)."""
    if not columns:
        return obj
    out = {k: v for k, v in obj.items() if k not in columns.values()}
    identifiers = dict(out.get("identifiers") or {})
    for name, column in columns.items():
        if column not in obj:
            continue
        if name.startswith("identifiers."):
            if obj[column] is not None:
                identifiers[name.split(".", 1)[1]] = obj[column]
        else:
            out[name] = obj[column]
    if identifiers:
        out["identifiers"] = identifiers
    return out


def _record_of(obj: dict, file: Path, ref: int | str) -> NoteRecord:
    """A record from an object whose keys are record fields; InputError names the field."""
    id_name = "note_id" if "note_id" in obj else "id"
    if id_name not in obj:
        raise InputError(str(file), "missing required field (or 'id')", ref, "note_id")
    note_id = _field(obj, file, ref, id_name)
    text, codes = _field(obj, file, ref, "text"), _codes_field(obj, file, ref)
    extra = _optional_fields(obj, file, ref)
    extra.setdefault("patient_id", note_id)
    extra.setdefault("case_id", note_id)
    return NoteRecord(note_id=note_id, text=text, codes=codes, **extra)


def _jsonl_record(file: Path, line: int, raw: str, columns: dict[str, str]) -> NoteRecord:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            str(file),
            f"malformed JSON at column {exc.colno}; expected one object per line",
            record=line,
        ) from exc
    if not isinstance(obj, dict):
        raise InputError(str(file), "expected a JSON object", record=line)
    return _record_of(_mapped(obj, columns), file, line)


def _jsonl_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(path.glob("*.jsonl"))
    if not files:
        raise InputError(str(path), "no *.jsonl files; expected a .jsonl file or a folder of them")
    return files


def iter_jsonl(
    path: Path, on_bad: BadRecordHandler | None = None, columns: dict[str, str] | None = None
) -> Iterator[NoteRecord]:
    """Records of a JSON-lines file (or of every ``*.jsonl`` file in a folder).

    Each line holds ``id`` or ``note_id``, ``text`` and ``codes`` (list of strings), and may hold
    ``patient_id`` and ``case_id`` (default: the note id), ``note_type``, ``specialty``,
    ``note_date`` (ISO), ``quarter`` (``YYYYQn``) and ``identifiers`` (object of strings).
    Blank lines are skipped.

    Args:
        path: A ``.jsonl`` file or a folder of them.
        on_bad: Receives record-level errors instead of raising them.
        columns: Optional field -> key mapping (``assemble.columns``).

    Yields:
        One record per non-blank line.
    """
    for file in _jsonl_files(path):
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise InputError(str(file), f"cannot read file ({exc.__class__.__name__})") from exc
        with handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode("utf-8").lstrip("\ufeff")
                except UnicodeDecodeError:
                    _bad(on_bad, InputError(str(file), "not valid UTF-8; expected UTF-8", number))
                    continue
                if not line.strip():
                    continue
                try:
                    record = _jsonl_record(file, number, line, columns or {})
                except InputError as error:
                    _bad(on_bad, error)
                    continue
                yield record


_TABLE_ID_FIELDS = ("note_id", "patient_id", "case_id")
MIMIC_NOTES, MIMIC_DIAGNOSES = "discharge.csv", "diagnoses_icd.csv"
MIMIC_NOTE_COLUMNS = ("note_id", "subject_id", "hadm_id", "note_type", "text", "charttime")
MIMIC_DIAGNOSIS_COLUMNS = ("hadm_id", "seq_num", "icd_code", "icd_version")
MIMIC_NOTE_TYPES = {"DS": "discharge summary", "RR": "radiology report"}


def _csv_header(file: Path) -> list[str]:
    """Column names of a CSV file; InputError when unreadable, not UTF-8 or not CSV."""
    import pandas as pd

    try:
        return [str(c) for c in pd.read_csv(file, nrows=0, encoding="utf-8").columns]
    except UnicodeDecodeError as exc:
        raise InputError(str(file), "not valid UTF-8 text; expected UTF-8 CSV") from exc
    except (OSError, ValueError) as exc:  # pandas' ParserError and EmptyDataError are ValueErrors
        raise InputError(str(file), f"cannot read as CSV ({exc.__class__.__name__})") from exc


def _csv_rows(file: Path, batch_size: int, usecols: list[str]) -> Iterator[dict]:
    """Rows of a CSV file as string dicts, read in chunks of ``batch_size`` rows."""
    import pandas as pd

    try:
        reader = pd.read_csv(
            file, chunksize=batch_size, usecols=usecols, dtype=str, keep_default_na=False
        )
        for chunk in reader:
            yield from chunk.to_dict("records")
    except UnicodeDecodeError as exc:
        raise InputError(str(file), "not valid UTF-8 text; expected UTF-8 CSV") from exc
    except (OSError, ValueError) as exc:
        raise InputError(str(file), f"cannot parse CSV ({exc.__class__.__name__})") from exc


def _parquet_rows(file: Path, batch_size: int, usecols: list[str]) -> Iterator[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(file)
        for batch in handle.iter_batches(batch_size=batch_size, columns=usecols):
            yield from batch.to_pylist()
    except (OSError, pa.ArrowException) as exc:
        raise InputError(str(file), f"cannot read as Parquet ({exc.__class__.__name__})") from exc


def _parquet_header(file: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(file).names)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(str(file), f"cannot read as Parquet ({exc.__class__.__name__})") from exc


def _table_columns(file: Path, header: list[str], columns: dict[str, str]) -> dict[str, str]:
    """Field -> column actually read; InputError naming the first missing column."""
    mapping = {name: name for name in (*_OPTIONAL_TEXT_FIELDS, "note_date") if name in header}
    if "note_id" not in columns and "note_id" not in header and "id" in header:
        mapping["note_id"] = "id"
    mapping.update({"note_id": "note_id", "text": "text", "codes": "codes"} | mapping)
    mapping.update(columns)
    for name, column in mapping.items():
        if column not in header:
            raise InputError(
                str(file),
                f"missing column '{column}' (assemble.columns.{name}); the file has "
                f"{len(header)} columns",
                field=name,
            )
    return mapping


def _table_record(
    row: dict, mapping: dict[str, str], file: Path, number: int, separator: str
) -> NoteRecord:
    obj = _mapped({column: row.get(column) for column in mapping.values()}, mapping)
    for name in _TABLE_ID_FIELDS:
        if isinstance(obj.get(name), int):
            obj[name] = str(obj[name])
    codes = obj.get("codes")
    if isinstance(codes, str):
        obj["codes"] = [code for code in codes.split(separator) if code.strip()]
    return _record_of(obj, file, number)


def _table_files(path: Path, suffix: str) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(path.glob(f"*{suffix}"))
    if not files:
        raise InputError(str(path), f"no *{suffix} files; expected a {suffix} file or a folder")
    return files


def iter_table(
    path: Path, assemble: AssembleParams, on_bad: BadRecordHandler | None = None
) -> Iterator[NoteRecord]:
    """Records of CSV or Parquet files (``assemble.source``), one note per row, streamed.

    Columns are the record fields by default (``id`` accepted for ``note_id``); ``assemble.columns``
    maps fields to other column names. A CSV code cell holds codes joined by
    ``assemble.codes_separator``; a Parquet code column holds a list or such a string.

    Args:
        path: A file or a folder of ``*.csv`` / ``*.parquet`` files.
        assemble: Assembly parameters (source, columns, separator, batch size).
        on_bad: Receives record-level errors (numbered by data row, from 1) instead of raising.

    Yields:
        One record per row.
    """
    csv = assemble.source == "csv"
    header_of, rows_of = (_csv_header, _csv_rows) if csv else (_parquet_header, _parquet_rows)
    for file in _table_files(path, ".csv" if csv else ".parquet"):
        mapping = _table_columns(file, header_of(file), assemble.columns)
        rows = rows_of(file, assemble.batch_size, sorted(set(mapping.values())))
        for number, row in enumerate(rows, start=1):
            try:
                record = _table_record(row, mapping, file, number, assemble.codes_separator)
            except InputError as error:
                _bad(on_bad, error)
                continue
            yield record


def _mimic_files(root: Path) -> tuple[Path, Path]:
    """``discharge.csv`` and ``diagnoses_icd.csv`` (or ``.csv.gz``) of a MIMIC-IV folder."""
    layout = f"expected the MIMIC-IV layout <input>/{MIMIC_NOTES} and <input>/{MIMIC_DIAGNOSES}"
    if not root.is_dir():
        raise InputError(str(root), f"not a folder; {layout}", field="input")
    found = []
    for name in (MIMIC_NOTES, MIMIC_DIAGNOSES):
        candidates = [root / name, root / f"{name}.gz"]
        file = next((c for c in candidates if c.is_file()), None)
        if file is None:
            raise InputError(str(root), f"no {name}; {layout}")
        found.append(file)
    return found[0], found[1]


def _require_columns(file: Path, expected: tuple[str, ...]) -> None:
    header = _csv_header(file)
    for column in expected:
        if column not in header:
            raise InputError(
                str(file), f"missing column; expected columns {', '.join(expected)}", field=column
            )


def mimic_diagnoses(file: Path, batch_size: int) -> dict[str, list[str]]:
    """ICD-10 codes per admission (``hadm_id``), in ``seq_num`` order, with dots.

    ICD-9 rows (``icd_version`` 9) are skipped: the models code ICD-10-CM only.
    """
    _require_columns(file, MIMIC_DIAGNOSIS_COLUMNS)
    ranked: dict[str, list[tuple[int, str]]] = {}
    skipped = 0
    for row in _csv_rows(file, batch_size, list(MIMIC_DIAGNOSIS_COLUMNS)):
        if row["icd_version"].strip() != "10":
            skipped += 1
            continue
        seq = int(row["seq_num"]) if row["seq_num"].strip().isdigit() else 10**6
        ranked.setdefault(row["hadm_id"].strip(), []).append((seq, normalise_code(row["icd_code"])))
    logger.info(
        "mimic diagnoses: %d admissions with ICD-10 codes, %d non-ICD-10 rows skipped",
        len(ranked),
        skipped,
    )
    return {
        hadm: list(dict.fromkeys(code for _, code in sorted(pairs)))
        for hadm, pairs in ranked.items()
    }


def _mimic_record(row: dict, codes: dict[str, list[str]], notes: Path, dx: Path) -> NoteRecord:
    note_id = row["note_id"].strip()
    if not note_id:
        raise InputError(str(notes), "empty value; expected a note id", field="note_id")
    if not row["text"].strip():
        raise InputError(str(notes), "empty or whitespace-only note", note_id, "text")
    admission = row["hadm_id"].strip()
    if admission not in codes:
        raise InputError(
            str(dx),
            "no ICD-10 diagnosis for this note's hadm_id; expected rows with icd_version 10",
            note_id,
            "codes",
        )
    note_type = row["note_type"].strip()
    return NoteRecord(
        note_id=note_id,
        patient_id=row["subject_id"].strip(),
        case_id=admission,
        text=row["text"],
        codes=list(codes[admission]),
        note_type=MIMIC_NOTE_TYPES.get(note_type, note_type or "unknown"),
        note_date=row["charttime"][:10] or None,
    )


def iter_mimic(
    root: Path, batch_size: int = 1000, on_bad: BadRecordHandler | None = None
) -> Iterator[NoteRecord]:
    """Discharge notes of a MIMIC-IV-Note folder with their admission's ICD-10 codes.

    The diagnosis index (codes per ``hadm_id``) is loaded first; ``discharge.csv`` is then
    streamed in chunks of ``batch_size`` rows. Patient is ``subject_id``, case is ``hadm_id``.

    Args:
        root: Folder holding ``discharge.csv`` and ``diagnoses_icd.csv`` (or ``.csv.gz``).
        batch_size: Rows per chunk read.
        on_bad: Receives record-level errors instead of raising them.

    Yields:
        One record per discharge note.
    """
    notes, dx = _mimic_files(root)
    codes = mimic_diagnoses(dx, batch_size)
    _require_columns(notes, MIMIC_NOTE_COLUMNS)
    for row in _csv_rows(notes, batch_size, list(MIMIC_NOTE_COLUMNS)):
        try:
            record = _mimic_record(row, codes, notes, dx)
        except InputError as error:
            _bad(on_bad, error)
            continue
        yield record
