"""Dataset assembly: gates block writing, crashes leave nothing, splits are patient-disjoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

import training.assemble as assemble_module
from clinicode.config import AssembleParams, CorpusParams
from clinicode.errors import DataValidationError, InputError
from clinicode.schema import NoteRecord
from training.assemble import (
    assemble_dataset,
    assemble_from_source,
    load_dataset,
    read_manifest,
    rejects_path,
    split_patients,
)
from training.corpus import generate_corpus
from training.deid import Deidentifier

KEY = b"assemble-test-key-0123456789"
CORPUS = CorpusParams(n_patients=24, seed=21)
PARAMS = AssembleParams()
_TEXTUAL = {".md", ".json", ".html", ".jsonl"}


@pytest.fixture(scope="module")
def records() -> list[NoteRecord]:
    return list(generate_corpus(CORPUS))


def _assemble(records, workspace, params=PARAMS, **kwargs) -> dict:
    return assemble_dataset(
        records, params, Deidentifier(KEY), workspace.dataset_dir, workspace.reports_dir, **kwargs
    )


def test_assembled_dataset_is_split_by_patient_with_a_manifest(records, workspace):
    manifest = _assemble(records, workspace)
    dataset = load_dataset(workspace.dataset_dir)
    assert list(dataset) == ["train", "validation", "test"]
    patients = {name: set(split["patient_id"]) for name, split in dataset.items()}
    assert all(patients.values())  # validation and test are not empty
    assert not patients["train"] & patients["validation"]
    assert not patients["train"] & patients["test"]
    assert not patients["validation"] & patients["test"]
    assert sum(len(split) for split in dataset.values()) == len(records) == manifest["rows"]
    assert isinstance(dataset["train"][0]["codes"], list)
    assert read_manifest(workspace.dataset_dir) == manifest
    assert {s: v["rows"] for s, v in manifest["splits"].items()} == {
        name: len(split) for name, split in dataset.items()
    }
    assert manifest["deid_replacements"]["name"] > 0 and manifest["source"] == "synthetic"
    assert len(manifest["digest"]) == 64
    assert (workspace.reports_dir / "datasheet.md").is_file()
    assert (workspace.reports_dir / "validation.json").is_file()
    assert (workspace.reports_dir / "gx" / "index.html").is_file()


def test_nothing_written_or_logged_holds_an_identifier(records, workspace, caplog):
    caplog.set_level("DEBUG")
    _assemble(records, workspace)
    dataset = load_dataset(workspace.dataset_dir)
    texts = " ".join(t for split in dataset.values() for t in split["text"])
    reports = " ".join(
        path.read_text() for path in workspace.reports_dir.rglob("*") if path.suffix in _TEXTUAL
    )
    outputs = texts + reports + (workspace.dataset_dir / "manifest.json").read_text()
    for record in records:
        for key in ("mrn", "phone", "patient_name", "address"):
            assert record.identifiers[key] not in outputs
            assert record.identifiers[key] not in caplog.text
        assert record.patient_id not in outputs


def test_same_input_gives_the_same_digest(records, workspace):
    first = _assemble(records, workspace)
    second = _assemble(records, workspace)
    assert first["digest"] == second["digest"]
    assert first["splits"] == second["splits"]


def _unchecked(monkeypatch) -> None:
    """Let records skip the record checks so that only the GX suite can stop them."""
    monkeypatch.setattr(assemble_module, "_check_record", lambda record, run: record)


def test_validation_failure_writes_nothing_and_keeps_the_previous_dataset(
    records, workspace, monkeypatch
):
    previous = _assemble(records, workspace)
    _unchecked(monkeypatch)
    short = [replace(records[0], text="too short"), *records[1:]]
    with pytest.raises(DataValidationError, match="text") as excinfo:
        _assemble(short, workspace)
    assert read_manifest(workspace.dataset_dir) == previous
    summary = json.loads((workspace.reports_dir / "validation.json").read_text())
    assert summary["success"] is False
    assert records[1].text[:30] not in str(excinfo.value) + json.dumps(summary)


def test_validation_failure_on_a_first_run_leaves_no_dataset(records, workspace, monkeypatch):
    _unchecked(monkeypatch)
    with pytest.raises(DataValidationError):
        _assemble([replace(records[0], text="too short"), *records[1:]], workspace)
    assert not workspace.dataset_dir.exists()
    assert not any(p.name.startswith(".dataset") for p in workspace.data_dir.iterdir())


def test_duplicate_note_id_fails_naming_the_record(records, workspace):
    with pytest.raises(InputError) as excinfo:
        _assemble(records + records[:1], workspace)
    assert excinfo.value.record == records[0].note_id and excinfo.value.field == "note_id"
    assert not workspace.dataset_dir.exists()


def test_duplicate_note_id_is_quarantined(records, workspace):
    params = AssembleParams(on_bad_record="quarantine")
    manifest = _assemble(records + records[:1], workspace, params)
    assert manifest["rows"] == len(records) and manifest["rejected_records"] == 1
    reject = json.loads(rejects_path(workspace.dataset_dir).read_text())
    assert reject["field"] == "note_id" and "duplicate" in reject["problem"]


def test_small_batches_give_the_same_dataset(records, workspace):
    whole = _assemble(records, workspace)
    batched = _assemble(records, workspace, AssembleParams(batch_size=7))
    assert batched["digest"] == whole["digest"] and batched["splits"] == whole["splits"]
    assert batched["validation"]["statistics"]["batches"] > 1


def test_note_over_the_size_limit_is_rejected_naming_the_field(records, workspace):
    limit = max(len(r.text) for r in records)
    params = AssembleParams(max_text_chars=limit, on_bad_record="quarantine")
    long_note = replace(records[0], text=records[0].text + " stable." * (limit // 8))
    _assemble([long_note, *records[1:]], workspace, params)
    reasons = [json.loads(x) for x in rejects_path(workspace.dataset_dir).read_text().splitlines()]
    assert len(reasons) == 1 and reasons[0]["field"] == "text"
    assert reasons[0]["record"] == records[0].note_id
    assert f"expected 20 to {limit}" in reasons[0]["problem"]


class _LeakyDeidentifier(Deidentifier):
    """Forgets to touch the text: the residual-PHI gate must stop the run."""

    def deidentify(self, record: NoteRecord) -> NoteRecord:
        return replace(super().deidentify(record), text=record.text)


def test_residual_phi_gate_blocks_writing(records, workspace):
    with pytest.raises(DataValidationError, match="residual PHI") as excinfo:
        assemble_dataset(
            records,
            PARAMS,
            _LeakyDeidentifier(KEY),
            workspace.dataset_dir,
            workspace.reports_dir,
        )
    assert "patient_name" in str(excinfo.value)
    assert records[0].identifiers["mrn"] not in str(excinfo.value)
    assert not workspace.dataset_dir.exists()


def test_a_crash_mid_run_leaves_no_partial_dataset(records, workspace):
    previous = _assemble(records, workspace)

    def crashing() -> Iterator[NoteRecord]:
        yield from records[:3]
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="went away"):
        _assemble(crashing(), workspace)
    assert read_manifest(workspace.dataset_dir) == previous
    leftovers = [p.name for p in workspace.data_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def _with_bad_code(records: list[NoteRecord]) -> list[NoteRecord]:
    return [replace(records[0], codes=["XYZ.99"]), *records[1:]]


def test_bad_record_fails_naming_record_and_field(records, workspace):
    with pytest.raises(InputError) as excinfo:
        _assemble(_with_bad_code(records), workspace)
    assert excinfo.value.record == records[0].note_id and excinfo.value.field == "codes"
    assert not workspace.dataset_dir.exists()


def test_bad_record_is_quarantined_without_text(records, workspace):
    params = AssembleParams(on_bad_record="quarantine")
    manifest = _assemble(_with_bad_code(records), workspace, params)
    assert manifest["rows"] == len(records) - 1 and manifest["rejected_records"] == 1
    lines = rejects_path(workspace.dataset_dir).read_text().splitlines()
    reject = json.loads(lines[0])
    assert len(lines) == 1 and reject["record"] == records[0].note_id
    assert reject["field"] == "codes" and "text" not in reject


def test_invalid_codes_can_be_dropped(records, workspace):
    bad = [replace(records[0], codes=[*records[0].codes, "XYZ.99"]), *records[1:]]
    manifest = _assemble(bad, workspace, AssembleParams(invalid_codes="drop"))
    assert manifest["rows"] == len(records) and "XYZ.99" not in manifest["code_frequencies"]


def test_unsplit_dataset_has_a_single_split(records, workspace):
    manifest = _assemble(records, workspace, split=False)
    assert list(load_dataset(workspace.dataset_dir)) == ["all"]
    assert manifest["splits"]["all"]["rows"] == len(records)


def test_jsonl_source_errors_are_quarantined_end_to_end(records, workspace, tmp_path):
    path = tmp_path / "notes.jsonl"
    lines = [
        json.dumps(
            {
                "id": r.note_id,
                "text": r.text,
                "codes": r.codes,
                "patient_id": r.patient_id,
                "identifiers": r.identifiers,
            }
        )
        for r in records[:8]
    ]
    path.write_text("\n".join([*lines, "{broken"]) + "\n", encoding="utf-8")
    params = AssembleParams(source="jsonl", input=str(path), on_bad_record="quarantine")
    manifest = assemble_from_source(
        params, CORPUS, Deidentifier(KEY), workspace.dataset_dir, workspace.reports_dir
    )
    assert manifest["rows"] == 8 and manifest["rejected_records"] == 1
    reject = json.loads(rejects_path(workspace.dataset_dir).read_text())
    assert reject["record"] == 9 and reject["file"] == str(path)


@pytest.mark.parametrize("n_patients", [3, 4, 10])
def test_split_patients_fills_every_split(n_patients):
    codes = {f"p{i}": [["I10"], ["E11.9"]] if i % 2 else [["J45.909"]] for i in range(n_patients)}
    fractions = {"train": 0.7, "validation": 0.15, "test": 0.15}
    assignment = split_patients(codes, fractions, seed=1)
    assert set(assignment) == set(codes)
    assert set(assignment.values()) == set(fractions)
    assert split_patients(codes, fractions, seed=1) == assignment


def test_split_patients_spreads_a_code_across_splits():
    codes = {f"p{i}": [["I10" if i < 20 else "E11.9"]] for i in range(40)}
    assignment = split_patients(codes, {"train": 0.5, "test": 0.5}, seed=3)
    for code_range in (range(20), range(20, 40)):
        in_train = sum(assignment[f"p{i}"] == "train" for i in code_range)
        assert 8 <= in_train <= 12


def test_staged_partitions_are_encrypted_and_deleted(records, tmp_path):
    from training.staging import EncryptedStage, derive_staging_key, read_partition

    secret = Deidentifier(KEY).digest("raw-staging-encryption")
    assert derive_staging_key(secret) == derive_staging_key(secret)
    with EncryptedStage(secret, parent=tmp_path) as stage:
        path = stage.put(records[:3])
        at_rest = path.read_bytes()
        assert records[0].identifiers["patient_name"].encode() not in at_rest
        assert records[0].text[:20].encode() not in at_rest
        assert read_partition(str(path), stage.key) == records[:3]
        assert not path.exists()  # deleted once read
        with pytest.raises(InputError, match="cannot be decrypted"):
            from training.staging import decrypt_records

            decrypt_records(at_rest, derive_staging_key(b"another-secret-0123456789"))
    assert not any(tmp_path.iterdir())  # the stage folder is gone


@pytest.mark.slow
def test_two_dask_workers_give_the_single_process_dataset(records, workspace):
    single = _assemble(records, workspace, AssembleParams(batch_size=10))
    parallel = _assemble(records, workspace, AssembleParams(batch_size=10, workers=2))
    for key in ("digest", "splits", "deid_replacements", "code_frequencies", "rows"):
        assert parallel[key] == single[key], key


def test_saved_layout_is_the_one_save_to_disk_writes(records, workspace, tmp_path):
    manifest = _assemble(records, workspace)
    dataset = load_dataset(workspace.dataset_dir)
    for name, split in dataset.items():
        # Patients per split come from the digest index, not from sets of pseudonyms.
        assert manifest["splits"][name]["patients"] == len(set(split["patient_id"]))
    dataset["train"].save_to_disk(str(tmp_path / "reference"))
    ours, reference = workspace.dataset_dir / "train", tmp_path / "reference"
    assert sorted(p.name for p in ours.iterdir()) == sorted(p.name for p in reference.iterdir())
    state, expected = (json.loads((d / "state.json").read_text()) for d in (ours, reference))
    assert state.keys() == expected.keys()
    assert {k: v for k, v in state.items() if k != "_fingerprint"} == {
        k: v for k, v in expected.items() if k != "_fingerprint"
    }
    info, expected = (json.loads((d / "dataset_info.json").read_text()) for d in (ours, reference))
    assert info == expected
    assert not any(p.name.startswith(".") for p in workspace.dataset_dir.iterdir())


def test_split_with_no_share_is_saved_empty(records, workspace):
    params = AssembleParams(split_fractions={"train": 0.8, "validation": 0.2, "test": 0.0})
    manifest = _assemble(records, workspace, params)
    dataset = load_dataset(workspace.dataset_dir)
    assert list(dataset) == ["train", "validation", "test"] and len(dataset["test"]) == 0
    assert manifest["splits"]["test"] == {
        "rows": 0,
        "patients": 0,
        "digest": manifest["splits"]["test"]["digest"],
    }
    assert len(dataset["train"]) + len(dataset["validation"]) == len(records)


def test_patient_unknown_to_pass_one_fails_naming_record_and_field(records, workspace, monkeypatch):
    from training.splitting import PatientSplits

    def forgetful(source, params) -> PatientSplits:
        # Pass 1 as if the source had not yielded the first record's patient.
        names = [name for name, share in params.split_fractions.items() if share > 0]
        ids = sorted({r.patient_id for r in records} - {records[0].patient_id})
        return PatientSplits(ids, [0] * len(ids), names)

    monkeypatch.setattr(assemble_module, "_split_assignment", forgetful)
    with pytest.raises(InputError) as excinfo:
        _assemble(records, workspace)
    assert excinfo.value.record == records[0].note_id and excinfo.value.field == "patient_id"
    assert records[0].patient_id not in str(excinfo.value)
    assert not workspace.dataset_dir.exists()
