"""Compact split bookkeeping: the same split as the dense reference, exact lookups, bounded sets."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest
from iterstrat.ml_stratifiers import IterativeStratification

import training.splitting as splitting
from clinicode.config import AssembleParams, CorpusParams
from training.assemble import _patient_codes, split_patients
from training.corpus import generate_corpus
from training.splitting import (
    DigestIndex,
    PatientCodes,
    PatientSplits,
    iterative_stratification,
    stratified_split,
)

# ``benchmarks`` is not an installed package: import it from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.assemble import plain_split  # noqa: E402

FRACTIONS = {"train": 0.7, "validation": 0.15, "test": 0.15}


def _csr(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    indptr = np.concatenate(([0], np.cumsum(dense.sum(axis=1)))).astype(np.int64)
    return indptr, np.nonzero(dense)[1]


@pytest.mark.parametrize(
    ("seed", "n_samples", "n_codes", "density", "shares"),
    [
        (0, 60, 8, 0.2, (0.7, 0.15, 0.15)),
        (1, 200, 30, 0.05, (0.8, 0.2)),  # many samples without codes
        (2, 40, 3, 0.6, (0.5, 0.5)),  # many ties between folds and between codes
        (3, 120, 50, 0.03, (0.25, 0.25, 0.25, 0.25)),
        (4, 15, 5, 0.0, (0.6, 0.4)),  # no code at all
    ],
)
def test_sparse_stratification_equals_iterstrat_on_the_dense_matrix(
    seed, n_samples, n_codes, density, shares
):
    dense = np.random.default_rng(seed).random((n_samples, n_codes)) < density
    shares = np.array(shares)
    expected = IterativeStratification(dense, shares, np.random.RandomState(seed))
    indptr, indices = _csr(dense)
    folds = iterative_stratification(indptr, indices, n_codes, shares, np.random.RandomState(seed))
    assert folds.tolist() == expected.tolist()


def _random_patients(seed: int, n_patients: int, n_codes: int) -> dict[str, set[str]]:
    rng = random.Random(seed)
    codes = [f"C{i:03d}" for i in range(n_codes)]
    # Ids of different lengths and out of order: the split must follow string order.
    ids = [f"p{rng.randrange(10 ** rng.randint(1, 6))}-{i}" for i in range(n_patients)]
    return {p: set(rng.sample(codes, rng.randint(0, min(4, n_codes)))) for p in ids}


@pytest.mark.parametrize(("seed", "n_patients", "n_codes"), [(0, 300, 40), (1, 80, 200), (2, 5, 3)])
def test_split_patients_equals_the_plain_reference(seed, n_patients, n_codes):
    patients = _random_patients(seed, n_patients, n_codes)
    assert split_patients(patients, FRACTIONS, seed) == plain_split(patients, FRACTIONS, seed)


@pytest.mark.parametrize("n_patients", [3, 4, 10])
def test_empty_splits_are_filled_like_the_reference(n_patients):
    patients = {f"p{i}": {"I10", "E11.9"} if i % 2 else {"J45.909"} for i in range(n_patients)}
    fractions = {"train": 0.9, "validation": 0.05, "test": 0.05}
    expected = plain_split(patients, fractions, 1)
    assert split_patients(patients, fractions, 1) == expected
    assert set(expected.values()) == set(fractions)


def test_split_of_a_synthetic_corpus_equals_the_plain_reference():
    records = list(generate_corpus(CorpusParams(n_patients=150, seed=8)))
    patients = _patient_codes(records)
    names, patient_ids, folds = stratified_split(patients, FRACTIONS, seed=13)
    reference: dict[str, set[str]] = {}
    for record in records:
        reference.setdefault(record.patient_id, set()).update(record.codes)
    expected = plain_split(reference, FRACTIONS, 13)
    assert {p: names[f] for p, f in zip(patient_ids, folds, strict=True)} == expected
    lookup = PatientSplits(patient_ids, folds, names)
    assert {p: lookup.get(p) for p in expected} == expected
    assert lookup.counts() == {name: list(expected.values()).count(name) for name in names}


def test_patient_codes_matrix_by_hand():
    patients = PatientCodes()
    patients.add("b", ["Z", "A"])
    patients.add("a", [])
    patients.add("c", ["A"])
    patients.add("b", ["A", "M"])  # a second note: its codes join the first note's
    patient_ids, n_codes, indptr, indices = patients.matrix()
    # Rows: a, b, c; columns: A=0, M=1, Z=2.
    assert patient_ids == ["a", "b", "c"] and n_codes == 3 and len(patients) == 3
    assert indptr.tolist() == [0, 0, 3, 4]
    assert indices.tolist() == [0, 1, 2, 0]


def test_patient_splits_finds_every_patient_and_no_stranger():
    ids = [f"patient-{i}" for i in range(2000)]
    folds = np.arange(2000) % 3
    lookup = PatientSplits(ids, folds, ["train", "validation", "test"])
    assert all(lookup.get(p) == ["train", "validation", "test"][i % 3] for i, p in enumerate(ids))
    assert lookup.get("patient-2000") is None and len(lookup) == 2000


def test_patient_splits_changes_salt_when_two_ids_share_a_digest(monkeypatch):
    real = splitting.digest64

    def colliding(value: str, salt: int = 0) -> int:
        return 7 if salt == 0 and value in ("a", "b") else real(value, salt)

    monkeypatch.setattr(splitting, "digest64", colliding)
    lookup = PatientSplits(["a", "b", "c"], np.array([0, 1, 1]), ["train", "test"])
    assert [lookup.get(p) for p in "abc"] == ["train", "test", "test"]


def test_digest_index_behaves_like_a_dict_across_merges(monkeypatch):
    monkeypatch.setattr(splitting, "_BUFFER", 8)  # many merges on a small input
    rng = random.Random(0)
    index, reference = DigestIndex(), {}
    for _ in range(500):
        key, value = f"N-{rng.randrange(300):04x}", rng.randrange(3)
        assert index.setdefault(key, value) == reference.setdefault(key, value)
    assert len(index) == len(reference)
    assert all(key in index for key in reference) and "N-unknown" not in index
    expected = [list(reference.values()).count(v) for v in range(3)]
    assert index.counts(3).tolist() == expected
    assert len(index._recent) < 8  # everything else sits in the sorted arrays


def test_split_is_reproducible_and_seed_dependent():
    patients = _random_patients(5, 200, 20)
    first = split_patients(patients, FRACTIONS, seed=1)
    assert split_patients(patients, FRACTIONS, seed=1) == first
    assert split_patients(patients, FRACTIONS, seed=2) != first
    assert AssembleParams().split_fractions == FRACTIONS  # the fractions assembly uses


def test_bookkeeping_benchmark_measures_both_layouts_on_the_same_notes():
    from benchmarks import assemble as bench

    figures = bench._bookkeeping(60)
    assert figures["notes"] >= 30 and figures["patients"] == 40
    assert figures["before"].keys() == figures["after"].keys()
    assert all(value >= 0 for layout in ("before", "after") for value in figures[layout].values())
