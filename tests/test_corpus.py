"""Synthetic corpus: determinism, valid gold codes, uncoded negations, drift, quarters."""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from datetime import date

import pytest
import simple_icd_10_cm as cm
from faker import Faker

from clinicode.config import CorpusParams
from clinicode.errors import ConfigError
from training.codepool import NOTE_TYPES, POOL, surface_forms
from training.corpus import code_pool, generate_corpus, iter_annotated, quarter_range

SMALL = CorpusParams(n_patients=20, seed=7)


@pytest.fixture(scope="module")
def notes():
    return list(iter_annotated(SMALL))


def test_same_seed_gives_same_records_whatever_the_global_random_state():
    random.seed(1)
    Faker.seed(1)
    first = list(generate_corpus(SMALL))
    random.seed(2)
    Faker.seed(2)
    assert list(generate_corpus(SMALL)) == first
    assert list(generate_corpus(SMALL.model_copy(update={"seed": 8}))) != first


def test_quarter_filter_keeps_the_same_notes(notes):
    wanted = "2026Q2"
    filtered = list(generate_corpus(SMALL, quarters=[wanted]))
    assert filtered == [n.record for n in notes if n.record.quarter == wanted]
    assert filtered and all(r.quarter == wanted for r in filtered)


def test_records_have_dates_in_their_quarter_and_sensible_sizes(notes):
    quarters = quarter_range(SMALL.start_quarter, SMALL.n_quarters)
    for note in notes:
        record = note.record
        year, q = int(record.quarter[:4]), int(record.quarter[-1])
        assert record.quarter in quarters
        assert (date.fromisoformat(record.note_date).month - 1) // 3 + 1 == q
        assert date.fromisoformat(record.note_date).year == year
        assert record.note_type in NOTE_TYPES and record.specialty
        assert 100 <= len(record.text.split()) <= 380
        low, high = SMALL.codes_per_note
        assert 1 <= len(record.codes) <= high
    assert len({n.record.note_id for n in notes}) == len(notes)


def test_every_gold_code_is_a_valid_icd10cm_leaf_of_the_pool(notes):
    pool = set(code_pool(SMALL))
    for spec in POOL:
        assert cm.is_valid_item(spec.code) and cm.is_leaf(spec.code), spec.code
        assert surface_forms(spec.code)
    assert all(set(n.record.codes) <= pool for n in notes)


def test_negated_and_family_history_mentions_are_not_gold_codes():
    params = SMALL.model_copy(update={"negation_rate": 1.0})
    negation = re.compile(r"No evidence of|was ruled out|Workup negative for|denies", re.I)
    notes = list(iter_annotated(params))
    assert all(n.negated_codes for n in notes)
    for note in notes:
        gold = set(note.record.codes)
        assert not gold & set(note.negated_codes)
        assert not gold & set(note.family_codes)
        assert negation.search(note.record.text)


def test_injected_identifiers_appear_in_the_text(notes):
    for note in notes:
        ids, text = note.record.identifiers, note.record.text
        assert {"patient_name", "mrn", "birth_date", "address", "phone"} <= set(ids)
        assert ids["mrn"] in text and ids["phone"] in text and ids["address"] in text
        assert ids["patient_name"].split()[-1] in text


def test_code_distribution_is_long_tailed():
    records = list(generate_corpus(CorpusParams(n_patients=120, seed=3)))
    counts = sorted(Counter(c for r in records for c in r.codes).values(), reverse=True)
    assert counts[0] >= 4 * statistics.median(counts)


def test_drift_shifts_case_mix_style_and_codes():
    base = list(generate_corpus(CorpusParams(n_patients=80, seed=5)))
    drift = list(generate_corpus(CorpusParams(n_patients=80, seed=5, drift=True)))

    def share(records, note_type):
        return sum(r.note_type == note_type for r in records) / len(records)

    assert share(drift, "ED note") - share(base, "ED note") > 0.1
    top = {
        name: {c for c, _ in Counter(c for r in recs for c in r.codes).most_common(5)}
        for name, recs in (("base", base), ("drift", drift))
    }
    assert len(top["base"] & top["drift"]) <= 2
    words = {
        name: statistics.mean(len(r.text.split()) for r in recs)
        for name, recs in (("base", base), ("drift", drift))
    }
    assert words["drift"] > words["base"] * 1.15


def test_malformed_quarter_is_a_config_error():
    with pytest.raises(ConfigError, match="YYYYQn"):
        list(generate_corpus(SMALL.model_copy(update={"start_quarter": "2026-1"})))


def test_quarter_range_rolls_over_the_year():
    assert quarter_range("2026Q4", 3) == ["2026Q4", "2027Q1", "2027Q2"]
