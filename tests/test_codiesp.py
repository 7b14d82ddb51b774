"""The CodiEsp benchmark and ``clinicode predict`` on a tiny fixture in the CodiEsp layout.

``tests/fixtures/codiesp_tiny`` holds synthetic cases written for these tests (no text of the
real corpus): the benchmark's whole path runs on it (both models, metrics, the predictions
TSV), and the predict command ranks a split with a saved hybrid model.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clinicode.cli import app
from clinicode.config import HybridParams, TrainParams
from training.hybrid import fit_hybrid
from training.predict import read_codiesp_texts
from training.sources import iter_codiesp

FIXTURE = Path(__file__).parent / "fixtures" / "codiesp_tiny"
sys.path.insert(0, str(Path(__file__).parents[1]))


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def _check_ranked_tsv(path: Path, cases: set[str]) -> list[list[str]]:
    rows = _rows(path)
    assert rows and {len(r) for r in rows} == {4}
    assert {r[0] for r in rows} == cases
    for case in cases:
        scores = [float(r[2]) for r in rows if r[0] == case]
        assert scores == sorted(scores, reverse=True)  # ranked within each case
    assert {r[3] for r in rows} <= {"0", "1"}
    return rows


@pytest.mark.slow
def test_benchmark_runs_both_models_and_writes_predictions(tmp_path, capsys) -> None:
    from benchmarks import codiesp

    out = tmp_path / "bench"
    codiesp.main(["--data", str(FIXTURE), "--out", str(out), "--max-candidates", "60",
                  "--threads", "1"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["evaluated_on"] == "dev" and report["cases"] == 6
    for model in ("hybrid", "tfidf_logreg"):
        figures = report[model]
        for key in ("code_map", "code_micro_f1", "category_map", "code_p_at_5", "ece",
                    "unseen_recall_top100", "train_s", "notes_per_s"):  # fmt: skip
            assert key in figures, (model, key)
        assert 0.0 <= figures["code_map"] <= 1.0
    dev_cases = {p.stem for p in (FIXTURE / "dev" / "text_files_en").glob("*.txt")}
    _check_ranked_tsv(out / "predictions.tsv", dev_cases)
    _check_ranked_tsv(out / "baseline_predictions.tsv", dev_cases)
    assert json.loads((out / "metrics.json").read_text())["cases"] == 6


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory) -> Path:
    train = list(iter_codiesp(FIXTURE, ("train",)))
    params = TrainParams(
        kind="hybrid", threads=1, top_k=20, min_code_count=1,
        hybrid=HybridParams(max_candidates=300, onnx="none", refit=False),
    )  # fmt: skip
    texts, codes = [r.text for r in train], [list(r.codes) for r in train]
    model, _ = fit_hybrid(params, texts, codes, texts[:6], codes[:6])
    return model.save(tmp_path_factory.mktemp("model") / "hybrid")


def test_predict_command_writes_a_ranked_tsv(saved_model, workspace, tmp_path) -> None:
    out = tmp_path / "preds.tsv"
    result = CliRunner().invoke(app, [
        "--home", str(workspace.root), "predict", "--source", "codiesp",
        "--input", str(FIXTURE / "dev"), "--model", str(saved_model), "--out", str(out),
        "--top-k", "25",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    articles, _ = read_codiesp_texts(FIXTURE / "dev")
    rows = _check_ranked_tsv(out, set(articles))
    per_case = {a: sum(r[0] == a for r in rows) for a in articles}
    assert set(per_case.values()) == {25}  # top-k rows for every case
    assert any(r[3] == "1" for r in rows)


def test_predict_names_a_split_in_the_wrong_layout(saved_model, workspace, tmp_path) -> None:
    result = CliRunner().invoke(app, [
        "--home", str(workspace.root), "predict", "--input", str(tmp_path),
        "--model", str(saved_model), "--out", str(tmp_path / "p.tsv"),
    ])  # fmt: skip
    assert result.exit_code != 0
    assert "text_files_en" in result.output and str(tmp_path) in result.output
    assert not (tmp_path / "p.tsv").exists()


def test_predict_names_an_empty_case_file(saved_model, workspace, tmp_path) -> None:
    split = tmp_path / "dev" / "text_files_en"
    split.mkdir(parents=True)
    (split / "S1-1.txt").write_text("Assessment: hypertension.", encoding="utf-8")
    (split / "S1-2.txt").write_text("   \n", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "--home", str(workspace.root), "predict", "--input", str(tmp_path / "dev"),
        "--model", str(saved_model), "--out", str(tmp_path / "p.tsv"),
    ])  # fmt: skip
    assert result.exit_code != 0
    assert "S1-2" in result.output and "empty" in result.output
