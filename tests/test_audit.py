"""Audit log: the hash chain verifies, and each kind of tampering is detected and located."""

from __future__ import annotations

import json
import threading

import pytest
from governance_db import governance_url, postgres_url  # noqa: F401
from sqlalchemy import text

from governance.audit import (
    GENESIS_HASH,
    AuditLog,
    AuditPayloadError,
    canonical_json,
    case_pseudonym,
    fhir_bundle,
    note_hash,
    record_hash,
    to_fhir,
)

# Every test here runs on SQLite and on PostgreSQL (governance_url is parametrised).


@pytest.fixture
def log(governance_url: str) -> AuditLog:  # noqa: F811
    audit = AuditLog(governance_url)
    for version in range(1, 6):
        audit.append(
            "model-training",
            "C",
            "pipeline",
            "ml-engineer",
            {"model": "m", "version": str(version)},
        )
    return audit


def _sql(audit: AuditLog, statement: str, **values: object) -> None:
    with audit.engine.begin() as conn:
        conn.execute(text(statement), values)


def test_untouched_chain_verifies(log: AuditLog) -> None:
    result = log.verify()
    records = log.records()
    assert result.ok and result.n_records == 5 and result.problems == []
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["prev_hash"] == GENESIS_HASH
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(records, records[1:], strict=False))
    assert records[2]["agent"] == {"who": "pipeline", "role": "ml-engineer"}
    assert records[2]["recorded"].endswith("+00:00")


def test_hash_is_sha256_of_canonical_record_including_prev_hash(log: AuditLog) -> None:
    import hashlib

    record = log.records()[1]
    body = {k: v for k, v in record.items() if k != "hash"}
    assert "prev_hash" in body
    expected = hashlib.sha256(canonical_json(body).encode()).hexdigest()
    assert record["hash"] == record_hash(record) == expected


def test_records_filter_and_limit(log: AuditLog) -> None:
    log.append("promotion", "U", "alice", "governance-board", {"model": "m", "version": "3"})
    assert [r["seq"] for r in log.records(entity_filter={"version": "3"})] == [3, 6]
    assert [r["seq"] for r in log.records(limit=2)] == [5, 6]
    assert log.head() == {"seq": 6, "hash": log.records()[-1]["hash"]}


def test_edited_entity_is_detected_at_its_seq(log: AuditLog) -> None:
    edited = canonical_json({"model": "m", "version": "99"})
    _sql(log, "UPDATE audit_event SET entity = :e WHERE seq = 3", e=edited)
    result = log.verify()
    assert not result.ok
    assert result.bad_seqs == [3]
    assert "seq 3" in result.problems[0] and "edited" in result.problems[0]


def test_edit_with_recomputed_hash_breaks_the_next_link(log: AuditLog) -> None:
    record = log.records()[2]
    record["outcome"] = "failure"
    _sql(
        log,
        "UPDATE audit_event SET outcome = 'failure', hash = :h WHERE seq = 3",
        h=record_hash(record),
    )
    result = log.verify()
    assert not result.ok and result.bad_seqs == [4]


def test_deleted_record_is_detected(log: AuditLog) -> None:
    _sql(log, "DELETE FROM audit_event WHERE seq = 2")
    result = log.verify()
    assert not result.ok and result.n_records == 4
    assert result.bad_seqs == [3]
    assert any("expected seq 2" in p for p in result.problems)


def test_deleted_and_renumbered_records_are_detected(log: AuditLog) -> None:
    _sql(log, "DELETE FROM audit_event WHERE seq = 2")
    for seq in (3, 4, 5):
        _sql(log, "UPDATE audit_event SET seq = :new WHERE seq = :old", new=seq - 1, old=seq)
    result = log.verify()
    assert not result.ok
    assert result.bad_seqs[0] == 2
    assert any("seq 2: the record it chains to is missing" in p for p in result.problems)


def test_deleting_the_last_record_is_caught_by_an_anchor(log: AuditLog) -> None:
    anchor = log.head()
    _sql(log, "DELETE FROM audit_event WHERE seq = 5")
    assert log.verify().ok  # a chain alone cannot see its own tail cut off
    result = log.verify(expected_head=anchor)
    assert not result.ok and result.bad_seqs == [5]


def test_inserted_record_is_detected(log: AuditLog) -> None:
    # Forge a well-formed record at seq 3, shifting later rows up to make room.
    for seq in (5, 4, 3):
        _sql(log, "UPDATE audit_event SET seq = :new WHERE seq = :old", new=seq + 1, old=seq)
    forged = {
        "seq": 3,
        "type": "promotion",
        "action": "U",
        "recorded": "2026-01-01T00:00:00+00:00",
        "agent": {"who": "mallory", "role": "governance-board"},
        "source": "clinicode",
        "entity": {"model": "m", "version": "9"},
        "outcome": "success",
        "prev_hash": log.records()[1]["hash"],
    }
    forged["hash"] = record_hash(forged)
    _sql(
        log,
        "INSERT INTO audit_event VALUES (3, :rec, 'promotion', 'U', 'mallory', "
        "'governance-board', 'clinicode', 'success', :ent, :prev, :h)",
        rec=forged["recorded"],
        ent=canonical_json(forged["entity"]),
        prev=forged["prev_hash"],
        h=forged["hash"],
    )
    result = log.verify()
    assert not result.ok and result.n_records == 6
    assert result.bad_seqs[0] == 4
    assert any("seq 4: chains to seq 2" in p and "inserted" in p for p in result.problems)


def test_reordered_records_are_detected(log: AuditLog) -> None:
    _sql(log, "UPDATE audit_event SET seq = 100 WHERE seq = 2")
    _sql(log, "UPDATE audit_event SET seq = 2 WHERE seq = 3")
    _sql(log, "UPDATE audit_event SET seq = 3 WHERE seq = 100")
    result = log.verify()
    assert not result.ok
    assert result.bad_seqs[0] == 2
    assert any("seq 2: chains to later seq 3 (records reordered)" == p for p in result.problems)


@pytest.mark.parametrize(
    "key",
    [
        "text",
        "note",
        "note_text",
        "name",
        "patient_name",
        "firstName",
        "mrn",
        "birth_date",
        "address",
        "phone",
        "email",
        "ssn",
    ],
)
def test_phi_like_entity_keys_are_refused(governance_url: str, key: str) -> None:  # noqa: F811
    audit = AuditLog(governance_url)
    with pytest.raises(AuditPayloadError) as err:
        audit.append("x", "E", "pipeline", "ml-engineer", {"nested": [{key: "Jane Roe"}]})
    assert key in str(err.value) and "Jane Roe" not in str(err.value)
    assert audit.records() == []


@pytest.mark.parametrize(
    "key", ["model_name", "note_hash", "text_hash", "n_notes", "patient_pseudonym", "run_id"]
)
def test_derived_and_model_keys_are_accepted(governance_url: str, key: str) -> None:  # noqa: F811
    AuditLog(governance_url).append("x", "E", "pipeline", "ml-engineer", {key: "v"})


def test_long_free_text_and_bad_fields_are_refused(governance_url: str) -> None:  # noqa: F811
    audit = AuditLog(governance_url)
    with pytest.raises(AuditPayloadError, match="raw text"):
        audit.append("x", "E", "p", "r", {"reason": "word " * 1000})
    with pytest.raises(AuditPayloadError, match="action"):
        audit.append("x", "X", "p", "r", {})
    with pytest.raises(AuditPayloadError, match="agent"):
        audit.append("x", "E", " ", "r", {})


def test_note_hash_is_stable_and_not_the_text() -> None:
    digest = note_hash("Patient seen for type 2 diabetes.")
    assert digest == note_hash("Patient seen for type 2 diabetes.")
    assert len(digest) == 64 and "diabetes" not in digest
    assert digest != note_hash("Patient seen for type 1 diabetes.")


def test_concurrent_writers_do_not_fork_the_chain(governance_url: str) -> None:  # noqa: F811
    def write(worker: int) -> None:
        audit = AuditLog(governance_url)  # one engine per writer, as separate processes
        for i in range(8):
            audit.append("x", "E", f"worker-{worker}", "pipeline", {"i": i})

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = AuditLog(governance_url).verify()
    assert result.ok and result.n_records == 32, result.problems


def test_stored_entity_is_plain_json(log: AuditLog) -> None:
    with log.engine.connect() as conn:
        raw = conn.execute(text("SELECT entity FROM audit_event WHERE seq = 1")).scalar_one()
    assert json.loads(raw) == {"model": "m", "version": "1"}


def test_records_export_as_fhir_audit_events(log: AuditLog) -> None:
    log.append("review", "U", "dana", "coder", {"case_ref": "C-1", "final_codes": ["I10"]})
    log.append("promotion", "U", "lee", "governance-board", {"version": "2"}, outcome="refused")
    records = log.records()
    event = to_fhir(records[-2])
    assert event["resourceType"] == "AuditEvent" and event["action"] == "U"
    assert event["type"]["code"] == "review" and event["recorded"] == records[-2]["recorded"]
    assert event["outcome"] == "0" and to_fhir(records[-1])["outcome"] == "4"
    assert event["agent"][0]["who"]["identifier"]["value"] == "dana"
    assert event["agent"][0]["role"][0]["coding"][0]["code"] == "coder"
    assert event["source"]["observer"]["display"] == "clinicode"
    details = {d["type"]: d["valueString"] for d in event["entity"][0]["detail"]}
    assert details == {"case_ref": "C-1", "final_codes": '["I10"]'}
    chain = {e["url"]: e for e in event["extension"][0]["extension"]}
    assert chain["hash"]["valueString"] == records[-2]["hash"]

    bundle = fhir_bundle(records)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert bundle["total"] == len(records) == 7
    assert [e["resource"]["id"] for e in bundle["entry"]][:2] == [
        "clinicode-audit-1",
        "clinicode-audit-2",
    ]
    json.dumps(bundle)  # plain JSON all the way down


def test_case_pseudonym_is_keyed() -> None:
    first, second = b"k" * 32, b"j" * 32
    assert case_pseudonym("ENC-1", first) == case_pseudonym("ENC-1", first)
    assert case_pseudonym("ENC-1", first) != case_pseudonym("ENC-1", second)
    assert case_pseudonym("ENC-1", first).startswith("C-") and "ENC" not in case_pseudonym(
        "ENC-1", first
    )


def test_cli_users_bootstrap_then_export_a_fhir_bundle(workspace, tmp_path) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from clinicode.cli import app
    from clinicode.stages import audit_log

    home = ["--home", str(workspace.root)]
    first = CliRunner().invoke(app, [*home, "users", "add", "ops.lead", "operations"])
    assert first.exit_code == 0, first.output
    ops_token = first.output.strip().splitlines()[-1]
    assert ops_token.startswith("cct_")
    # after the first user, adding users needs an operations token
    refused = CliRunner().invoke(app, [*home, "users", "add", "kim.audit", "auditor"])
    assert refused.exit_code == 2 and "user.add refused" in refused.output
    added = CliRunner().invoke(
        app, [*home, "--token", ops_token, "users", "add", "kim.audit", "auditor"]
    )
    auditor = added.output.strip().splitlines()[-1]
    denied = CliRunner().invoke(app, [*home, "--token", ops_token, "audit", "export", "x.json"])
    assert denied.exit_code == 2 and "role 'operations'" in denied.output

    out = tmp_path / "bundle.json"
    done = CliRunner().invoke(app, [*home, "--token", auditor, "audit", "export", str(out)])
    assert done.exit_code == 0, done.output
    bundle = json.loads(out.read_text())
    types = [e["resource"]["type"]["code"] for e in bundle["entry"]]
    assert types == ["user-admin", "access-denied", "user-admin", "access-denied"]
    assert audit_log(workspace).records()[-1]["type"] == "report-access"
    assert audit_log(workspace).verify().ok
