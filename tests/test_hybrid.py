"""Model tests: the hybrid coder trained on tiny synthetic notes (real MiniLM, real fits).

Behavioural checks (negation, synonym, PHI surrogates), evidence spans, malformed input,
persistence, per-code thresholds and the ONNX Runtime path against torch.
"""

from __future__ import annotations

import numpy as np
import pytest
from coding_data import make_rows

from clinicode.config import HybridParams, TrainParams
from clinicode.errors import ModelError
from training.hybrid import ONNX_FILES, HybridCoder, fit_hybrid
from training.model import CodingModel

# Few unseen candidates keep the description embedding short; no ONNX export in the fixture.
TINY = TrainParams(
    kind="hybrid", threads=1, top_k=5, hybrid=HybridParams(max_candidates=300, onnx="none")
)


def _split(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    return [r["text"] for r in rows], [r["codes"] for r in rows]


@pytest.fixture(scope="module")
def notes() -> dict[str, tuple[list[str], list[list[str]]]]:
    return {
        # 72 + 24 notes: with fewer, single words of the templates ("on" of "T2DM on
        # metformin") carry too much weight and the behavioural checks measure noise.
        "train": _split(make_rows(72, 1, "train")),
        "validation": _split(make_rows(24, 2, "validation")),
        "test": _split(make_rows(12, 3, "test")),
    }


@pytest.fixture(scope="module")
def trained(notes) -> tuple[HybridCoder, dict]:
    return fit_hybrid(TINY, *notes["train"], *notes["validation"])


def _suggested(model: HybridCoder, note: str) -> list[str]:
    return model.predict([note])[0]["suggested_codes"]


def test_fit_summary_and_test_quality(trained, notes) -> None:
    model, summary = trained
    assert summary["codes_seen"] == 6 and summary["codes_unseen_candidates"] > 0
    assert set(summary["validation"]) >= {"micro_f1", "map", "ece"}
    texts, gold = notes["test"]
    records = model.predict(texts)
    hits = sum(len(set(r["suggested_codes"]) & set(g)) for r, g in zip(records, gold, strict=True))
    assert hits / sum(map(len, gold)) > 0.8


# --- Behaviour ----------------------------------------------------------------------------------


def test_negated_mention_is_not_coded(trained) -> None:
    model, _ = trained
    note = "Patient seen in clinic today. No evidence of pneumonia. Assessment: hypertension."
    assert _suggested(model, note) == ["I10"]


def test_synonym_is_coded(trained) -> None:
    # "elevated blood pressure" never occurs in training; "high blood pressure" does, and
    # the ICD-10-CM text of I10 lists it among its inclusion terms.
    model, _ = trained
    assert "I10" in _suggested(model, "Vital signs reviewed. Assessment: elevated blood pressure.")


def test_phi_surrogates_do_not_change_suggestions(trained) -> None:
    model, _ = trained
    template = "{name}, MRN {mrn}, seen on {date}. Assessment: asthma with wheeze. Denies UTI."
    a = template.format(name="Mr. John Smith", mrn="483920", date="03/04/2026")
    b = template.format(name="Mrs. Ana Ortega", mrn="100277", date="11/12/2025")
    assert _suggested(model, a) == _suggested(model, b) == ["J45.909"]


def test_evidence_spans_point_at_the_mention(trained) -> None:
    model, _ = trained
    note = "Labs were drawn this morning. Assessment: type 2 diabetes. Follow up in four weeks."
    (record,) = model.predict([note])
    assert record["suggested_codes"] == ["E11.9"]
    (spans,) = record["evidence"]
    best = spans[0]
    assert set(best) == {"start", "end", "score"}
    assert note[best["start"] : best["end"]] == "Assessment: type 2 diabetes"
    assert all(0 <= s["start"] < s["end"] <= len(note) for s in spans)


# --- Malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "message"),
    [([""], "note 0: empty"), (["ok note", 42], "note 1: expected a string, got int")],
)
def test_malformed_notes_give_a_clear_error(trained, texts, message) -> None:
    model, _ = trained
    with pytest.raises(ModelError, match=message):
        model.predict(texts)


def test_one_megabyte_note_gives_a_bounded_result(trained) -> None:
    model, _ = trained
    note = ("Assessment: asthma with wheeze. " + "Vital signs reviewed and stable. " * 40) * 800
    assert len(note) > 1_000_000
    (record,) = model.predict([note])
    assert "J45.909" in record["suggested_codes"]
    assert len(record["ranked_codes"]) == TINY.top_k


# --- Persistence, thresholds, runtime -----------------------------------------------------------


def test_save_load_round_trip(trained, notes, tmp_path) -> None:
    model, _ = trained
    model.save(tmp_path / "hybrid")
    loaded = CodingModel.load(tmp_path / "hybrid")
    assert isinstance(loaded, HybridCoder)
    assert loaded.per_code == model.per_code and loaded.calibration == model.calibration
    texts = notes["test"][0]
    np.testing.assert_allclose(loaded.predict_scores(texts), model.predict_scores(texts), atol=1e-6)
    assert loaded.set_runtime("auto") == "torch"  # saved without an ONNX graph
    with pytest.raises(ModelError, match="no ONNX graph"):
        loaded.set_runtime("onnx")
    with pytest.raises(ModelError, match="expected one of"):
        loaded.set_runtime("tpu")


@pytest.mark.slow
def test_onnx_runtime_matches_torch(trained, notes, tmp_path) -> None:
    model, _ = trained
    model.settings["onnx"] = "both"
    try:
        model.save(tmp_path / "hybrid")
    finally:
        model.settings["onnx"] = "none"
    loaded = HybridCoder.load(tmp_path / "hybrid")
    texts = notes["test"][0]
    segments = ["Assessment: asthma with wheeze", "No evidence of pneumonia", "UTI"]
    eager = loaded.encoder.encode(segments)

    # FP32 graph: the same numbers as torch.
    loaded.encoder.use_onnx(tmp_path / "hybrid" / ONNX_FILES["fp32"])
    assert np.abs(loaded.encoder.encode(segments) - eager).max() < 1e-4

    # INT8 graph (what "auto" picks): close, and the same suggestions on the test notes.
    assert loaded.set_runtime("auto") == "onnx"
    assert loaded.onnx_graph().name == ONNX_FILES["int8"]
    assert np.abs(loaded.encoder.encode(segments) - eager).max() < 0.1
    # Nearly the same code sets: the re-ranker's trees split on description similarities, so
    # INT8 rounding can move a code near its threshold across it (one code in 12 notes, seen
    # once); the FP32 graph gives the same sets.
    eager_codes = [set(r["suggested_codes"]) for r in model.predict(texts)]
    int8_codes = [set(r["suggested_codes"]) for r in loaded.predict(texts)]
    shared = sum(len(a & b) for a, b in zip(int8_codes, eager_codes, strict=True))
    either = sum(len(a | b) for a, b in zip(int8_codes, eager_codes, strict=True))
    assert shared / either >= 0.9
    loaded.encoder.use_onnx(tmp_path / "hybrid" / ONNX_FILES["fp32"])
    assert [set(r["suggested_codes"]) for r in loaded.predict(texts)] == eager_codes


@pytest.mark.slow
def test_same_seed_gives_the_same_model(trained, notes) -> None:
    model, summary = trained
    again, summary_again = fit_hybrid(TINY, *notes["train"], *notes["validation"])
    assert summary_again["validation"] == summary["validation"]
    texts = notes["test"][0]
    np.testing.assert_array_equal(again.predict_scores(texts), model.predict_scores(texts))
