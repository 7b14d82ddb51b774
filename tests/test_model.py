"""Model tests: the transformer and the TF-IDF baseline on tiny synthetic notes.

Real tokenizer, encoder and scikit-learn; four short epochs over 36 short notes.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pytest
import torch
from coding_data import CODE_PHRASES, FILLER, make_rows

from clinicode.config import BaselineParams, TrainParams
from clinicode.errors import ModelError
from training.baseline import BaselineCoder, fit_baseline
from training.model import (
    THRESHOLD_GRID,
    CodingModel,
    TransformerCoder,
    build_label_space,
    check_notes,
    fit_transformer,
    frozen_states,
    pad_states,
    pad_windows,
    segment_notes,
    suggestions,
    tune_threshold,
)

# A high head learning rate: 36 notes give only 5 steps an epoch.
TINY = TrainParams(
    max_length=64, epochs=4, batch_size=8, threads=1, top_k=4, head_learning_rate=2e-2
)


def _split(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    return [r["text"] for r in rows], [r["codes"] for r in rows]


@pytest.fixture(scope="module")
def notes() -> dict[str, tuple[list[str], list[list[str]]]]:
    """Train, validation and test notes with their gold codes."""
    return {
        "train": _split(make_rows(36, 1, "train")),
        "validation": _split(make_rows(12, 2, "validation")),
        "test": _split(make_rows(12, 3, "test")),
    }


@pytest.fixture(scope="module")
def trained(notes) -> tuple[TransformerCoder, list[dict]]:
    """One tiny fine-tuning shared by the tests of this module."""
    return fit_transformer(TINY, *notes["train"], *notes["validation"])


# --- Shared helpers: label space, threshold, suggestion records --------------------------------


def test_label_space_drops_rare_codes() -> None:
    codes = [["A00.0", "B01.9"], ["A00.0"], ["C50.911"]]
    assert build_label_space(codes, min_code_count=2) == ["A00.0"]
    with pytest.raises(ModelError, match="min_code_count"):
        build_label_space(codes, min_code_count=5)


def test_threshold_tuning_prefers_lowest_of_tied_thresholds() -> None:
    # Any threshold in (0.3, 0.6] separates gold from non-gold perfectly; the lowest is 0.35.
    scores = np.array([[0.9, 0.2], [0.3, 0.6]])
    threshold, f1 = tune_threshold(scores, ["A", "B"], [["A"], ["B"]])
    assert threshold == pytest.approx(0.35)
    assert f1 == pytest.approx(1.0)


def test_suggestion_records_are_sorted_and_aligned() -> None:
    scores = np.array([[0.2, 0.7, 0.9]], dtype=np.float32)
    (record,) = suggestions(scores, ["A", "B", "C"], threshold=0.5, top_k=2)
    assert record["suggested_codes"] == ["C", "B"]
    assert record["confidences"] == pytest.approx([0.9, 0.7])
    assert record["ranked_codes"] == ["C", "B"]
    assert record["ranked_scores"] == pytest.approx([0.9, 0.7])


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["fine note", ""], "note 1: empty"),
        (["   \n"], "note 0: empty"),
        (["fine note", None], "note 1: expected a string, got NoneType"),
        ([3.5], "note 0: expected a string, got float"),
        ("a single string", "single string"),
    ],
)
def test_bad_notes_are_refused_with_their_index(texts, message) -> None:
    with pytest.raises(ModelError, match=message):
        check_notes(texts, max_note_chars=1_000)


def test_huge_note_is_truncated_with_a_warning(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="training.model"):
        (note,) = check_notes(["x" * 5_000], max_note_chars=1_000)
    assert len(note) == 1_000
    assert "truncated" in caplog.text


def test_unknown_encoder_folder_is_refused(tmp_path) -> None:
    params = TINY.model_copy(update={"encoder": str(tmp_path / "no-such-model")})
    with pytest.raises(ModelError, match="train.encoder"):
        fit_transformer(params, ["a note", "another"], [["I10"], ["I10"]], [], [])


def test_unknown_model_kind_is_refused(tmp_path) -> None:
    (tmp_path / "config.json").write_text('{"kind": "magic"}', encoding="utf-8")
    with pytest.raises(ModelError, match="unknown model kind"):
        CodingModel.load(tmp_path)


# --- Transformer --------------------------------------------------------------------------------


def test_training_learns(trained, notes) -> None:
    model, history = trained
    assert [h["epoch"] for h in history] == [1, 2, 3, 4]
    assert history[-1]["train_loss"] < 0.8 * history[0]["train_loss"]
    assert history[-1]["val_micro_f1"] > max(0.3, history[0]["val_micro_f1"])
    assert model.threshold in THRESHOLD_GRID
    texts, gold = notes["test"]
    records = model.predict(texts)
    hits = sum(len(set(r["suggested_codes"]) & set(g)) for r, g in zip(records, gold, strict=True))
    assert hits > 0


def test_prediction_records(trained, notes) -> None:
    model, _ = trained
    records = model.predict(notes["test"][0][:3])
    assert len(records) == 3
    for record in records:
        assert len(record["ranked_codes"]) == TINY.top_k
        assert record["ranked_scores"] == sorted(record["ranked_scores"], reverse=True)
        assert record["confidences"] == sorted(record["confidences"], reverse=True)
        assert all(c >= model.threshold for c in record["confidences"])
        assert len(record["suggested_codes"]) == len(record["confidences"])
    assert len(model.predict(notes["test"][0][:1], top_k=2)[0]["ranked_codes"]) == 2


def test_evidence_spans_are_clauses_of_the_note(trained, notes) -> None:
    model, _ = trained
    for note, record in zip(notes["test"][0], model.predict(notes["test"][0]), strict=True):
        assert len(record["evidence"]) == len(record["suggested_codes"])
        for code, spans in zip(record["suggested_codes"], record["evidence"], strict=True):
            assert spans, code  # at least the best clause
            assert [s["score"] for s in spans] == sorted((s["score"] for s in spans), reverse=True)
            assert all(0 <= s["start"] < s["end"] <= len(note) for s in spans)
    # The clause that names the code is its best evidence.
    note = "Labs were drawn this morning. Assessment: pneumonia. Follow up in four weeks."
    (record,) = model.predict([note])
    assert "J18.9" in record["suggested_codes"]
    best = record["evidence"][record["suggested_codes"].index("J18.9")][0]
    assert "pneumonia" in note[best["start"] : best["end"]]


def test_save_load_round_trip_gives_identical_scores(trained, notes, tmp_path) -> None:
    model, _ = trained
    model.save(tmp_path / "model")
    loaded = CodingModel.load(tmp_path / "model")
    assert isinstance(loaded, TransformerCoder)
    assert loaded.labels == model.labels
    assert loaded.threshold == model.threshold
    texts = notes["test"][0]
    np.testing.assert_array_equal(loaded.predict_scores(texts), model.predict_scores(texts))


def test_long_note_is_read_in_several_windows(trained) -> None:
    model, _ = trained
    long_note = " ".join([*FILLER * 12, f"Assessment: {CODE_PHRASES['J18.9'][0]}."])
    (windows,) = segment_notes(model.tokenizer, [long_note], TINY.max_length)
    assert len(windows) > 3
    assert all(len(w) <= TINY.max_length for w in windows)
    scores = model.predict_scores([long_note, "Assessment: hypertension."])
    assert scores.shape == (2, len(model.labels))
    assert np.isfinite(scores).all() and (scores >= 0).all() and (scores <= 1).all()


def test_huge_note_gives_a_bounded_result(trained) -> None:
    model, _ = trained
    limit, model.max_note_chars = model.max_note_chars, 3_000
    try:
        started = time.perf_counter()
        (record,) = model.predict(["Assessment: asthma. " * 20_000])
    finally:
        model.max_note_chars = limit
    assert time.perf_counter() - started < 30
    assert len(record["ranked_codes"]) == TINY.top_k


def test_bad_input_to_predict_is_refused(trained) -> None:
    model, _ = trained
    with pytest.raises(ModelError, match="note 1"):
        model.predict(["Assessment: asthma.", ""])


@pytest.mark.slow
def test_same_seed_gives_identical_training(trained, notes) -> None:
    _, history = trained
    _, again = fit_transformer(TINY, *notes["train"], *notes["validation"])
    keys = ("train_loss", "val_micro_f1")
    assert [[h[k] for k in keys] for h in again] == [[h[k] for k in keys] for h in history]


def test_too_many_frozen_layers_are_refused(notes) -> None:
    params = TINY.model_copy(update={"frozen_layers": 99})
    with pytest.raises(ModelError, match="train.frozen_layers=99"):
        fit_transformer(params, *notes["train"], *notes["validation"])


# --- Baseline -------------------------------------------------------------------------------------


def test_baseline_trains_predicts_and_round_trips(notes, tmp_path) -> None:
    params = TINY.model_copy(update={"baseline": BaselineParams(max_features=500)})
    model = fit_baseline(params, *notes["train"], *notes["validation"])
    assert model.threshold in THRESHOLD_GRID
    pneumonia, asthma = model.predict(["Assessment: pneumonia.", "Assessment: asthma."])
    assert pneumonia["ranked_codes"][0] == "J18.9"
    assert asthma["ranked_codes"][0] == "J45.909"

    model.save(tmp_path / "baseline")
    loaded = CodingModel.load(tmp_path / "baseline")
    assert isinstance(loaded, BaselineCoder)
    texts = notes["test"][0]
    np.testing.assert_array_equal(loaded.predict_scores(texts), model.predict_scores(texts))
    assert loaded.predict(texts) == model.predict(texts)


def test_cached_frozen_states_match_the_full_forward(trained, notes) -> None:
    # Training with frozen blocks runs only the upper blocks over cached states; the served
    # model runs the whole encoder. Both must give the same logits.
    model, _ = trained
    windows = [w for note in segment_notes(model.tokenizer, notes["test"][0][:4], 64) for w in note]
    model.network.eval()
    with torch.no_grad():
        full = model.network(*pad_windows(windows, model.tokenizer.pad_token_id))
        states = frozen_states(model.network, windows, 4, model.tokenizer.pad_token_id)
        upper = model.network.upper_forward(*pad_states(states), first_layer=4)
    torch.testing.assert_close(upper, full, atol=1e-4, rtol=1e-4)


def test_full_fine_tuning_without_frozen_layers(notes) -> None:
    params = TINY.model_copy(update={"frozen_layers": 0, "epochs": 1})
    model, (record,) = fit_transformer(params, *notes["train"], *notes["validation"])
    assert all(p.requires_grad for p in model.network.encoder.parameters())
    assert np.isfinite(record["train_loss"])
    assert model.predict_scores(notes["test"][0]).shape == (12, len(model.labels))


def test_no_notes_give_an_empty_score_matrix(trained) -> None:
    model, _ = trained
    assert segment_notes(model.tokenizer, [], TINY.max_length) == []
    assert model.predict_scores([]).shape == (0, len(model.labels))
    assert model.predict([]) == []
