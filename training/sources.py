"""Note sources behind one contract: each yields raw ``NoteRecord`` objects lazily.

* ``synthetic``: the seeded generator of ``training.corpus``.
* ``codiesp``: the CLEF eHealth 2020 CodiEsp layout, English translations
  (``<input>/<split>/text_files_en/*.txt`` and ``<input>/<split>/<split>D.tsv``).
* ``jsonl``: one JSON object per line (``id``/``note_id``, ``text``, ``codes`` and optional
  metadata), in a file or in every ``*.jsonl`` file of a folder.

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
        yield from iter_jsonl(_input_path(assemble), on_bad)
    else:  # unreachable through AssembleParams; kept for direct callers
        raise ConfigError(
            f"assemble.source '{assemble.source}': expected synthetic, codiesp or jsonl"
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


def _field(obj: dict, file: Path, line: int, name: str) -> str:
    """A required non-empty string field of a JSON line."""
    value = obj.get(name)
    if value is None:
        raise InputError(str(file), "missing required field", record=line, field=name)
    if not isinstance(value, str):
        raise InputError(str(file), "expected a string", record=line, field=name)
    if not value.strip():
        raise InputError(str(file), "empty or whitespace-only value", record=line, field=name)
    return value


def _codes_field(obj: dict, file: Path, line: int) -> list[str]:
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


def _optional_fields(obj: dict, file: Path, line: int) -> dict:
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


def _jsonl_record(file: Path, line: int, raw: str) -> NoteRecord:
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
    id_name = "note_id" if "note_id" in obj else "id"
    if id_name not in obj:
        raise InputError(str(file), "missing required field (or 'id')", line, "note_id")
    note_id = _field(obj, file, line, id_name)
    text, codes = _field(obj, file, line, "text"), _codes_field(obj, file, line)
    extra = _optional_fields(obj, file, line)
    extra.setdefault("patient_id", note_id)
    extra.setdefault("case_id", note_id)
    return NoteRecord(note_id=note_id, text=text, codes=codes, **extra)


def _jsonl_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(path.glob("*.jsonl"))
    if not files:
        raise InputError(str(path), "no *.jsonl files; expected a .jsonl file or a folder of them")
    return files


def iter_jsonl(path: Path, on_bad: BadRecordHandler | None = None) -> Iterator[NoteRecord]:
    """Records of a JSON-lines file (or of every ``*.jsonl`` file in a folder).

    Each line holds ``id`` or ``note_id``, ``text`` and ``codes`` (list of strings), and may hold
    ``patient_id`` and ``case_id`` (default: the note id), ``note_type``, ``specialty``,
    ``note_date`` (ISO), ``quarter`` (``YYYYQn``) and ``identifiers`` (object of strings).
    Blank lines are skipped.

    Args:
        path: A ``.jsonl`` file or a folder of them.
        on_bad: Receives record-level errors instead of raising them.

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
                    record = _jsonl_record(file, number, line)
                except InputError as error:
                    _bad(on_bad, error)
                    continue
                yield record
