"""Append-only, hash-chained audit log of lifecycle events (training, gates, promotions).

Each record loosely follows the FHIR AuditEvent shape: ``type``, ``action`` (C/R/U/D/E),
``recorded`` (UTC ISO time), ``agent`` ``{who, role}``, ``source``, ``entity`` and ``outcome``.
Records carry a gap-free sequence number ``seq``, the hash of the record before them
(``prev_hash``) and their own ``hash``: the SHA-256 of the canonical JSON of every other field.
Editing, deleting, inserting or reordering rows therefore breaks the chain, and
:meth:`AuditLog.verify` says where.

The log holds hashes and pseudonyms only. Entity payloads whose keys look like identifiers or raw
text are refused before anything is written, because an append-only store cannot be cleaned later.

Only portable column types are used (integers and strings), so the same table works on SQLite
(the default, from ``Workspace.audit_url``) and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from clinicode.errors import GovernanceError

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
ACTIONS = ("C", "R", "U", "D", "E")
# A string value this long in an entity is far more likely a pasted note than an identifier,
# a code list or a reason; refuse it rather than store it forever.
MAX_VALUE_CHARS = 2000
MAX_FIELD_CHARS = 200
_APPEND_ATTEMPTS = 8
_PG_LOCK_KEY = 0x434C4943  # any fixed 64-bit key shared by every writer of this table

# Words that mark a key as an identifier of a person; only a keyed pseudonym of it may be kept
# (an unkeyed hash of an MRN or a birth date is easy to reverse by trying every value).
_IDENTIFIER_WORDS = frozenset(
    {
        "mrn",
        "dob",
        "ssn",
        "birth",
        "birthdate",
        "address",
        "street",
        "city",
        "zip",
        "zipcode",
        "postcode",
        "postal",
        "phone",
        "telephone",
        "fax",
        "email",
        "surname",
        "firstname",
        "lastname",
        "fullname",
        "initials",
    }
)
_PERSON_WORDS = frozenset({"patient", "person", "first", "last", "full", "given", "family"})
# Words that mark a key as raw note text; derived values of the text (a hash, a length) are fine.
_TEXT_WORDS = frozenset({"text", "body", "content", "transcript", "narrative", "snippet"})
_DERIVED_SUFFIXES = frozenset(
    {"hash", "hashes", "digest", "sha256", "chars", "words", "length", "len", "count", "share"}
)
_COUNT_PREFIXES = frozenset({"n", "num", "number", "count", "total"})

_metadata = MetaData()
_events = Table(
    "audit_event",
    _metadata,
    # seq is the primary key and set by the writer: two writers that read the same last row
    # both try the same seq, and the loser gets an IntegrityError and retries.
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("recorded", String(40), nullable=False),
    Column("event_type", String(MAX_FIELD_CHARS), nullable=False),
    Column("action", String(1), nullable=False),
    Column("agent_who", String(MAX_FIELD_CHARS), nullable=False),
    Column("agent_role", String(MAX_FIELD_CHARS), nullable=False),
    Column("source", String(MAX_FIELD_CHARS), nullable=False),
    Column("outcome", String(MAX_FIELD_CHARS), nullable=False),
    Column("entity", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


class AuditPayloadError(GovernanceError):
    """An audit event was refused because of its content (PHI-like key, raw text, bad field)."""


@dataclass
class VerifyResult:
    """Outcome of :meth:`AuditLog.verify`.

    Attributes:
        ok: True when every record matches its hash and links to the one before it.
        n_records: Number of records read.
        problems: One line per defect, each naming the ``seq`` at fault.
        bad_seqs: The ``seq`` values named in ``problems``, in order, without repeats.
    """

    ok: bool
    n_records: int
    problems: list[str] = field(default_factory=list)
    bad_seqs: list[int] = field(default_factory=list)


def note_hash(text: str) -> str:
    """SHA-256 of a note (Unicode NFC, UTF-8), to reference a note in the audit log.

    Args:
        text: The note.

    Returns:
        The hexadecimal digest.
    """
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def case_pseudonym(case_id: str, key: bytes) -> str:
    """Keyed pseudonym of a case reference (``C-`` and 16 hex digits of an HMAC-SHA-256).

    The key is the de-identification key, so the same case maps to the same pseudonym in the
    serving side, the review store and ``clinicode audit trace``, and nobody without the key can
    test guesses of case numbers against the log.

    Args:
        case_id: The caller's case or encounter reference.
        key: Secret key (``training.deid.load_key``).

    Returns:
        The pseudonym.
    """
    return "C-" + hmac.new(key, case_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def canonical_json(payload: Any) -> str:
    """Canonical JSON (sorted keys, no spaces, UTF-8 kept) used for hashing."""
    return json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    )


def _json_default(value: Any) -> Any:
    # numpy scalars expose .item(); anything else is stored as its string form.
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def record_hash(record: dict) -> str:
    """Hash of a record: SHA-256 of the canonical JSON of every field except ``hash``."""
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _key_words(key: str) -> list[str]:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return [word for word in re.split(r"[^a-z0-9]+", snake.lower()) if word]


def _phi_like(key: str) -> bool:
    words = _key_words(key)
    if not words or words[-1] == "pseudonym":
        return False
    if any(word in _IDENTIFIER_WORDS for word in words):
        return True
    # "name" alone or with a person word (patient_name); model_name and run_name are fine.
    if "name" in words or "names" in words:
        return len(words) == 1 or any(word in _PERSON_WORDS for word in words)
    if words[-1] in _DERIVED_SUFFIXES or words[0] in _COUNT_PREFIXES:
        return False
    return any(word in _TEXT_WORDS for word in words) or words[-1] in ("note", "notes")


def check_entity(entity: Any, path: str = "entity") -> None:
    """Refuse entity payloads that look like they carry PHI or raw note text.

    Args:
        entity: The payload (nested dicts and lists are searched).
        path: Where the payload sits, for the error message.

    Raises:
        AuditPayloadError: A key looks like an identifier or raw text (``text``, ``note``,
            ``name``, ``mrn``, ``birth_date``, ``address``...), or a string value is longer than
            ``MAX_VALUE_CHARS``. The message names the key, never the value.
    """
    if isinstance(entity, dict):
        for key, value in entity.items():
            where = f"{path}.{key}"
            if not isinstance(key, str):
                raise AuditPayloadError(f"audit {path}: keys must be strings")
            if _phi_like(key):
                raise AuditPayloadError(
                    f"audit {where}: key looks like an identifier or raw text; the audit log "
                    "holds hashes and pseudonyms only (use note_hash() or a pseudonym)"
                )
            check_entity(value, where)
    elif isinstance(entity, list | tuple):
        for index, value in enumerate(entity):
            check_entity(value, f"{path}[{index}]")
    elif isinstance(entity, str) and len(entity) > MAX_VALUE_CHARS:
        raise AuditPayloadError(
            f"audit {path}: string of {len(entity)} chars exceeds {MAX_VALUE_CHARS}; "
            "raw text is not allowed in the audit log"
        )


def _check_field(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AuditPayloadError(f"audit field '{name}' must be a non-empty string")
    if len(value) > MAX_FIELD_CHARS:
        raise AuditPayloadError(f"audit field '{name}' exceeds {MAX_FIELD_CHARS} characters")
    return value


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for ``url``; on SQLite, writes take the lock when they begin.

    Args:
        url: SQLAlchemy URL (SQLite file, ``:memory:`` or PostgreSQL).

    Returns:
        The engine; the SQLite file's folder is created when missing.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    # pysqlite opens transactions lazily, so two writers could both read the same last row.
    # BEGIN IMMEDIATE takes the write lock up front and serialises appends on SQLite.
    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_tables(metadata: MetaData, engine: Engine) -> None:
    """Create ``metadata``'s tables, tolerating another process creating them at the same time.

    PostgreSQL checks for a table and creates it in two steps, so two first users racing can
    both try to create it; the loser sees the table on its second look.
    """
    for attempt in range(3):
        try:
            metadata.create_all(engine)
            return
        except (ProgrammingError, IntegrityError, OperationalError):
            if attempt == 2:
                raise
            time.sleep(0.05 * (attempt + 1))


def _row_to_record(row: Any) -> dict:
    return {
        "seq": row.seq,
        "type": row.event_type,
        "action": row.action,
        "recorded": row.recorded,
        "agent": {"who": row.agent_who, "role": row.agent_role},
        "source": row.source,
        "entity": json.loads(row.entity),
        "outcome": row.outcome,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def _record_to_row(record: dict) -> dict:
    return {
        "seq": record["seq"],
        "recorded": record["recorded"],
        "event_type": record["type"],
        "action": record["action"],
        "agent_who": record["agent"]["who"],
        "agent_role": record["agent"]["role"],
        "source": record["source"],
        "outcome": record["outcome"],
        "entity": canonical_json(record["entity"]),
        "prev_hash": record["prev_hash"],
        "hash": record["hash"],
    }


def _matches(entity: dict, wanted: dict) -> bool:
    return all(entity.get(key) == value for key, value in wanted.items())


class AuditLog:
    """Append-only, hash-chained audit log in a SQL database.

    Args:
        url: SQLAlchemy URL, e.g. ``Workspace.audit_url`` (SQLite) or a PostgreSQL URL. The
            table is created on first use.
    """

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        create_tables(_metadata, self.engine)

    def close(self) -> None:
        """Release the database connections held by this log."""
        self.engine.dispose()

    def append(
        self,
        event_type: str,
        action: str,
        agent: str,
        role: str,
        entity: dict,
        outcome: str = "success",
        source: str = "clinicode",
    ) -> dict:
        """Append one event at the end of the chain.

        Args:
            event_type: What happened, e.g. ``"model.promote"``.
            action: FHIR AuditEvent action: C(reate), R(ead), U(pdate), D(elete), E(xecute).
            agent: Who did it (a user id or a service name, never a patient).
            role: The agent's role, e.g. ``"governance-board"`` or ``"pipeline"``.
            entity: What it was done to: model, version, dataset digest, note hashes...
            outcome: ``"success"``, ``"failure"``, ``"refused"``...
            source: The system that recorded the event.

        Returns:
            The stored record, with ``seq``, ``prev_hash`` and ``hash``.

        Raises:
            AuditPayloadError: A field is empty or too long, the action is not one of C/R/U/D/E,
                or the entity looks like it carries PHI or raw text.
            GovernanceError: The record could not be appended after repeated write conflicts.
        """
        if action not in ACTIONS:
            raise AuditPayloadError(f"audit field 'action' must be one of {ACTIONS}")
        if not isinstance(entity, dict):
            raise AuditPayloadError("audit field 'entity' must be a dict")
        check_entity(entity)
        draft = {
            "type": _check_field("event_type", event_type),
            "action": action,
            "agent": {"who": _check_field("agent", agent), "role": _check_field("role", role)},
            "source": _check_field("source", source),
            # Round-trip through JSON so the hashed entity is exactly what is stored and read.
            "entity": json.loads(canonical_json(entity)),
            "outcome": _check_field("outcome", outcome),
        }
        for attempt in range(1, _APPEND_ATTEMPTS + 1):
            try:
                return self._append_once(draft)
            except (IntegrityError, OperationalError) as exc:
                logger.warning(
                    "audit append conflict (attempt %d/%d: %s); retrying",
                    attempt,
                    _APPEND_ATTEMPTS,
                    exc.__class__.__name__,
                )
                time.sleep(0.01 * 2**attempt)
        raise GovernanceError(f"audit append failed after {_APPEND_ATTEMPTS} write conflicts")

    def _append_once(self, draft: dict) -> dict:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Serialise appends as BEGIN IMMEDIATE does on SQLite; the lock ends with the
                # transaction. The primary key on seq still guards against any other writer.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            last = conn.execute(
                select(_events.c.seq, _events.c.hash).order_by(_events.c.seq.desc()).limit(1)
            ).first()
            record = {
                **draft,
                "seq": (last.seq + 1) if last else 1,
                "recorded": datetime.now(UTC).isoformat(timespec="microseconds"),
                "prev_hash": last.hash if last else GENESIS_HASH,
            }
            record["hash"] = record_hash(record)
            conn.execute(insert(_events).values(**_record_to_row(record)))
        logger.debug("audit event %s appended at seq %d", record["type"], record["seq"])
        return record

    def records(self, limit: int | None = None, entity_filter: dict | None = None) -> list[dict]:
        """Read records, oldest first.

        Args:
            limit: Keep only the last ``limit`` matching records.
            entity_filter: Keep records whose entity has all these key/value pairs.

        Returns:
            The records as dicts, in ``seq`` order.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(select(_events).order_by(_events.c.seq)).all()
        found = [_row_to_record(row) for row in rows]
        if entity_filter:
            found = [rec for rec in found if _matches(rec["entity"], entity_filter)]
        if limit is not None:
            found = found[-limit:] if limit > 0 else []
        return found

    def head(self) -> dict | None:
        """The last record's ``seq`` and ``hash``, to anchor outside the database."""
        last = self.records(limit=1)
        return {"seq": last[0]["seq"], "hash": last[0]["hash"]} if last else None

    def verify(self, expected_head: dict | None = None) -> VerifyResult:
        """Check the whole chain.

        Args:
            expected_head: A ``head()`` saved earlier elsewhere (an MLflow tag, a report). A
                chain cannot see its own last records deleted; this anchor can.

        Returns:
            The verdict with one problem line per defect, each naming the ``seq`` at fault.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(select(_events).order_by(_events.c.seq)).all()
        records = []
        problems: list[tuple[int, str]] = []
        for row in rows:
            try:
                records.append(_row_to_record(row))
            except json.JSONDecodeError:
                problems.append((row.seq, f"seq {row.seq}: entity is not valid JSON (edited)"))
        problems += _chain_problems(records)
        problems += _anchor_problems(records, expected_head)
        problems.sort(key=lambda item: item[0])
        bad = list(dict.fromkeys(seq for seq, _ in problems))
        return VerifyResult(not problems, len(rows), [text for _, text in problems], bad)


def _chain_problems(records: list[dict]) -> list[tuple[int, str]]:
    where_hash = {rec["hash"]: rec["seq"] for rec in records}
    problems: list[tuple[int, str]] = []
    previous: dict | None = None
    for rec in records:
        seq = rec["seq"]
        if record_hash(rec) != rec["hash"]:
            problems.append((seq, f"seq {seq}: content does not match its hash (edited)"))
        expected_seq = previous["seq"] + 1 if previous else 1
        if seq != expected_seq:
            problems.append(
                (seq, f"seq {seq}: expected seq {expected_seq} (records deleted before it)")
            )
        expected_prev = previous["hash"] if previous else GENESIS_HASH
        if rec["prev_hash"] != expected_prev:
            problems.append((seq, _link_problem(rec, where_hash)))
        previous = rec
    return problems


def _link_problem(rec: dict, where_hash: dict[str, int]) -> str:
    seq, linked = rec["seq"], where_hash.get(rec["prev_hash"])
    if linked is None:
        return f"seq {seq}: the record it chains to is missing (deleted or edited)"
    if linked >= seq:
        return f"seq {seq}: chains to later seq {linked} (records reordered)"
    return f"seq {seq}: chains to seq {linked}, not to seq {seq - 1} (record inserted before it)"


def _anchor_problems(records: list[dict], expected: dict | None) -> list[tuple[int, str]]:
    if not expected:
        return []
    seq = int(expected["seq"])
    found = next((rec for rec in records if rec["seq"] == seq), None)
    if found is None:
        return [(seq, f"seq {seq}: anchored record is missing (records deleted at the end)")]
    if found["hash"] != expected["hash"]:
        return [(seq, f"seq {seq}: hash differs from the anchored head (edited)")]
    return []


# FHIR R4 AuditEvent.outcome codes: 0 success, 4 minor failure, 8 serious failure.
_FHIR_OUTCOME = {"success": "0", "refused": "4", "failure": "8"}
FHIR_TYPE_SYSTEM = "urn:clinicode:audit-event-type"
FHIR_ROLE_SYSTEM = "urn:clinicode:role"
FHIR_CHAIN_EXTENSION = "urn:clinicode:audit-chain"


def to_fhir(record: dict) -> dict:
    """A stored record as a FHIR R4 ``AuditEvent`` resource.

    The chain fields (``seq``, ``prev_hash``, ``hash``) travel in an extension, so an exported
    bundle can still be checked link by link. Entity values are hashes, pseudonyms, codes and
    versions only (see :func:`check_entity`).

    Args:
        record: A record from :meth:`AuditLog.records`.

    Returns:
        The AuditEvent resource as a dict.
    """
    details = [
        {"type": key, "valueString": value if isinstance(value, str) else canonical_json(value)}
        for key, value in sorted(record["entity"].items())
    ]
    return {
        "resourceType": "AuditEvent",
        "id": f"clinicode-audit-{record['seq']}",
        "type": {"system": FHIR_TYPE_SYSTEM, "code": record["type"]},
        "action": record["action"],
        "recorded": record["recorded"],
        "outcome": _FHIR_OUTCOME.get(record["outcome"], "4"),
        "outcomeDesc": record["outcome"],
        "agent": [
            {
                "who": {"identifier": {"value": record["agent"]["who"]}},
                "role": [
                    {"coding": [{"system": FHIR_ROLE_SYSTEM, "code": record["agent"]["role"]}]}
                ],
                "requestor": True,
            }
        ],  # fmt: skip
        "source": {"observer": {"display": record["source"]}},
        "entity": [{"what": {"display": record["type"]}, "detail": details}],
        "extension": [
            {
                "url": FHIR_CHAIN_EXTENSION,
                "extension": [
                    {"url": "seq", "valueInteger": record["seq"]},
                    {"url": "prev_hash", "valueString": record["prev_hash"]},
                    {"url": "hash", "valueString": record["hash"]},
                ],
            }
        ],
    }


def fhir_bundle(records: list[dict]) -> dict:
    """A FHIR ``Bundle`` (type ``collection``) of AuditEvent resources, oldest first."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "total": len(records),
        "entry": [
            {"fullUrl": f"urn:clinicode:audit:{rec['seq']}", "resource": to_fhir(rec)}
            for rec in records
        ],
    }


def _lineage(records: list[dict], model: str, version: str) -> dict:
    """Training run, dataset digest, gate verdicts and promotions of one model version."""
    about = [r for r in records if _matches(r["entity"], {"model": model, "version": version})]
    training = next((r for r in about if r["type"] == "model-training"), None)
    digest = training["entity"].get("dataset_digest") if training else None
    if training and not digest:
        # Older training events lack the digest: the dataset is the last one assembled before.
        earlier = [r for r in records if r["type"] == "dataset-assembly"
                   and r["seq"] < training["seq"]]  # fmt: skip
        digest = earlier[-1]["entity"].get("dataset_digest") if earlier else None
    return {
        "model": model,
        "version": version,
        "run_id": training["entity"].get("run_id") if training else None,
        "dataset_digest": digest,
        "gate_verdicts": [
            {"seq": r["seq"], "recorded": r["recorded"], "verdict": r["entity"].get("verdict"),
             "report": r["entity"].get("report")}
            for r in about if r["type"] == "revalidation-gate"
        ],
        "promotions": [
            {"seq": r["seq"], "recorded": r["recorded"], "type": r["type"],
             "approver": r["entity"].get("approver"), "outcome": r["outcome"]}
            for r in about if r["type"] in ("promotion", "rollback")
        ],
    }  # fmt: skip


def trace_case(audit: AuditLog, case_ref: str) -> dict:
    """A case's whole story from the audit log.

    Args:
        audit: The log.
        case_ref: The case pseudonym (:func:`case_pseudonym`).

    Returns:
        ``{"case_ref", "predictions", "models", "reviews", "final_codes"}``: every prediction
        (note hash, model version, suggested codes), the lineage of each model version used (run,
        dataset digest, gate verdicts, promotions), every review (coder, actions, reasons,
        amendments) and the final codes of the latest review.
    """
    records = audit.records()
    mine = [r for r in records if r["entity"].get("case_ref") == case_ref]
    predictions = [r for r in mine if r["type"] == "prediction"]
    reviews = [r for r in mine if r["type"] == "review"]
    used = dict.fromkeys((r["entity"]["model"], r["entity"]["version"]) for r in predictions)
    final = [r for r in reviews if r["outcome"] == "success"]
    return {
        "case_ref": case_ref,
        "predictions": [_brief(r) for r in predictions],
        "models": [_lineage(records, model, version) for model, version in used],
        "reviews": [_brief(r) for r in reviews],
        "final_codes": final[-1]["entity"].get("final_codes") if final else None,
    }


def _brief(record: dict) -> dict:
    return {
        "seq": record["seq"],
        "recorded": record["recorded"],
        "agent": record["agent"],
        "outcome": record["outcome"],
        **{k: v for k, v in record["entity"].items() if k != "case_ref"},
    }
