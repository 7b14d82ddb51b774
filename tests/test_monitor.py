"""Quarterly check on synthetic quarters: a drifted quarter fails, a like-for-like one passes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clinicode.config import MonitorParams
from clinicode.errors import InputError
from validation.monitor import accuracy, code_drift, note_descriptors, run_quarterly_check

CODES = [
    "E11.9",
    "I10",
    "J45.909",
    "N18.3",
    "K21.9",
    "F32.9",
    "M54.5",
    "J44.9",
    "I48.91",
    "E78.5",
    "N39.0",
    "R07.9",
    "J18.9",
    "I25.10",
    "E03.9",
    "G47.33",
    "K57.30",
    "M17.11",
    "D64.9",
    "R51.9",
]
WORDS = [f"term{i}" for i in range(300)]
NEW_WORDS = [f"novel{i}" for i in range(300)]
FAKE_NAME = "Zebulon Quartermaine"
FAKE_MRN = "MRN 00424242"
N_NOTES = 200


def _note(rng: np.random.Generator, words: list[str], n_words: int, digits: int) -> str:
    body = " ".join(rng.choice(words, n_words))
    numbers = " ".join(str(n) for n in rng.integers(10, 999, digits))
    return f"History: {body}\nAssessment: {numbers}\nPlan: follow up"


def make_quarter(seed: int, drifted: bool) -> pd.DataFrame:
    """~200 notes whose gold codes, suggestions, lengths and confidences follow one recipe."""
    rng = np.random.default_rng(seed)
    weights = np.linspace(1, 3, len(CODES))
    probs = (weights[::-1] if drifted else weights) / weights.sum()
    rows = []
    for i in range(N_NOTES):
        gold = list(rng.choice(CODES, rng.integers(1, 4), replace=False, p=probs))
        suggested = [c for c in gold if rng.random() < (0.4 if drifted else 0.85)]
        suggested += [c for c in rng.choice(CODES, 1) if c not in suggested]
        conf_mean = 0.45 if drifted else 0.8
        words = NEW_WORDS if drifted else WORDS
        text = _note(
            rng,
            words,
            int(rng.integers(200, 400) if drifted else rng.integers(40, 90)),
            digits=30 if drifted else 3,
        )
        rows.append(
            {
                "text": f"{FAKE_NAME} {FAKE_MRN} {text}" if i % 20 == 0 else text,
                "codes": gold,
                "suggested_codes": suggested,
                "confidences": list(np.clip(rng.normal(conf_mean, 0.1, len(suggested)), 0, 1)),
                "note_type": rng.choice(["discharge", "progress"]),
                "specialty": rng.choice(["cardiology", "medicine"]),
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict:
    params = MonitorParams(sample_size=100, code_drift_max=0.2, prediction_drift_max=0.2)
    reference = make_quarter(1, drifted=False)
    root = tmp_path_factory.mktemp("monitoring")
    return {
        "root": root,
        "same": run_quarterly_check(
            reference, make_quarter(2, drifted=False), params, root / "2026Q2", "2026Q2"
        ),
        "drifted": run_quarterly_check(
            reference, make_quarter(3, drifted=True), params, root / "2026Q3", "2026Q3"
        ),
    }


def test_like_for_like_quarter_passes(checks: dict) -> None:
    result = checks["same"]
    assert result["verdict"] == "pass", result["reasons"] + result["warnings"]
    assert result["metrics"]["data_drift"]["share"] <= 0.5
    assert result["metrics"]["code_drift"]["p_value"] > 0.05
    assert result["metrics"]["text_drift"]["auc"] < 0.7


def test_drifted_quarter_fails_with_reasons(checks: dict) -> None:
    result = checks["drifted"]
    assert result["verdict"] == "fail"
    reasons = " | ".join(result["reasons"])
    assert "note descriptors drifted" in reasons
    assert "gold code mix moved" in reasons
    assert "micro-F1 fell" in reasons
    assert "note wording drifted" in reasons
    assert result["metrics"]["text_drift"]["auc"] > 0.9
    drifted = result["metrics"]["data_drift"]["drifted_columns"]
    assert {"note_chars", "oov_share", "mean_confidence"} <= set(drifted)


def test_outputs_are_written_with_metrics(checks: dict) -> None:
    paths = checks["drifted"]["paths"]
    for key in ("drift_html", "drift_json", "summary", "index"):
        assert Path(paths[key]).is_file(), key
    summary = json.loads(Path(paths["summary"]).read_text())
    assert summary["verdict"] == "fail" and summary["quarter"] == "2026Q3"
    assert {"micro_f1", "macro_f1", "map", "n_cases"} <= set(summary["current"]["metrics"])
    assert summary["current"]["per_chapter"], "per-chapter metrics missing"
    worst = summary["current"]["worst_codes"]
    errors = [w["fp"] + w["fn"] for w in worst]
    assert errors == sorted(errors, reverse=True) and worst[0]["code"] in CODES
    index = Path(paths["index"]).read_text()
    assert "FAIL" in index and 'href="drift.html"' in index and worst[0]["code"] in index


def test_no_note_text_in_any_output(checks: dict) -> None:
    files = [p for p in checks["root"].rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert len(files) == 12 and {"classes.html", "classes.json", "index.html"} <= names
    for path in files:
        content = path.read_text(encoding="utf-8")
        assert "Zebulon" not in content and "Quartermaine" not in content, path.name
        assert "00424242" not in content, path.name
        assert "term17" not in content and "novel17" not in content, path.name


def test_code_drift_by_hand() -> None:
    same = code_drift([["A"], ["B"]], [["A"], ["B"]], permutations=0)
    assert same["js_distance"] == pytest.approx(0.0)
    # Disjoint code sets are as far apart as base-2 Jensen-Shannon allows.
    apart = code_drift([["A"], ["A"]], [["B"], ["B"]], permutations=0)
    assert apart["js_distance"] == pytest.approx(1.0)
    assert apart["n_new_codes"] == 1


def test_missing_column_is_reported(tmp_path: Path) -> None:
    frame = make_quarter(4, drifted=False).drop(columns=["confidences"])
    with pytest.raises(InputError, match="confidences"):
        run_quarterly_check(frame, frame, MonitorParams(), tmp_path, "2026Q2")


def test_array_columns_and_full_ranking_are_accepted() -> None:
    # Frames read back from a datasets folder hold numpy arrays, not lists.
    frame = make_quarter(5, drifted=False).head(30)
    for col in ("codes", "suggested_codes", "confidences"):
        frame[col] = [np.asarray(v) for v in frame[col]]
    frame["ranked_codes"] = [np.asarray(list(g) + ["Z99.89"]) for g in frame["codes"]]
    metrics = accuracy(frame)["metrics"]
    assert metrics["map"] == pytest.approx(1.0)  # gold codes ranked first in every note
    assert 0 < metrics["micro_f1"] <= 1
    assert len(note_descriptors(frame, Counter(), in_reference=False)) == 30


def test_code_class_and_case_type_accuracy_with_intervals(checks: dict) -> None:
    summary = json.loads(Path(checks["drifted"]["paths"]["summary"]).read_text())
    detail = summary["current_detail"]
    overall = detail["overall"]
    assert overall["f1_low"] <= overall["f1"] <= overall["f1_high"]
    assert overall["f1"] == pytest.approx(summary["current"]["metrics"]["micro_f1"])
    assert set(detail["per_bucket"]) <= {"frequent", "medium", "rare"}
    assert detail["bucket_basis"] == "gold sample"
    assert set(detail["per_note_type"]) == {"discharge", "progress"}
    assert sum(r["n_cases"] for r in detail["per_specialty"].values()) == N_NOTES
    for row in detail["per_chapter"].values():
        assert row["recall_low"] <= row["recall"] <= row["recall_high"]
    worst = detail["worst_codes"][0]
    assert {"fp", "fn", "f1_low", "chapter", "bucket"} <= set(worst)
    # one Evidently binary task per monitored code
    assert len(summary["per_class"]["codes"]) == 10
    assert set(summary["per_class"]["evidently_f1"]) == set(summary["per_class"]["codes"])
    index = Path(checks["drifted"]["paths"]["index"]).read_text()
    assert index.count("data:image/png;base64,") >= 3 and "<script" not in index


def test_history_of_earlier_quarters_is_plotted(checks: dict) -> None:
    from validation.monitor import _history

    rows = _history(checks["root"] / "2026Q3", "2026Q3")
    assert [r["quarter"] for r in rows] == ["2026Q2"] and rows[0]["verdict"] == "pass"


def test_text_drift_sees_wording_not_dates() -> None:
    from validation.monitor import text_drift

    rng = np.random.default_rng(0)
    ref = [" ".join(rng.choice(WORDS, 30)) + " seen on March 3" for _ in range(60)]
    cur = [" ".join(rng.choice(WORDS, 30)) + " seen on June 9" for _ in range(60)]
    assert text_drift(ref, cur, max_notes=1000)["auc"] < 0.7
    new = [" ".join(rng.choice(NEW_WORDS, 30)) for _ in range(60)]
    result = text_drift(ref, new, max_notes=40)
    assert result["auc"] > 0.95 and result["n_current"] == 40
    assert result["features"] == "not reported"


class _Inbox:
    """A loopback HTTP server that keeps the bodies it receives."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        bodies = self.bodies = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Inbox:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_notification_hook_is_called_on_fail_only() -> None:
    from flows.monitor import alert_on_fail

    failed = {
        "verdict": "fail",
        "version": "2",
        "quarter": "2026Q3",
        "reasons": ["micro-F1 fell by 0.400"],
        "html": "reports/monitoring/2026Q3/index.html",
    }
    with _Inbox() as inbox:
        url = f"json://127.0.0.1:{inbox.port}/?timeout=5"
        assert alert_on_fail(failed, url, "clinicode-icd10") is True
        assert alert_on_fail({**failed, "verdict": "warn"}, url, "clinicode-icd10") is False
        assert alert_on_fail(failed, None, "clinicode-icd10") is False
    assert len(inbox.bodies) == 1
    message = inbox.bodies[0]
    assert "quarterly check failed" in message["title"]
    assert "2026Q3 FAILED" in message["message"] and "micro-F1 fell" in message["message"]


def test_deployments_carry_the_crons() -> None:
    from clinicode.config import Params
    from flows.deployments import build_deployments

    params = Params()
    quarterly, annual = build_deployments(params, root="/srv/clinicode")
    assert quarterly.schedules[0].schedule.cron == "0 6 1 1,4,7,10 *"
    assert annual.schedules[0].schedule.cron == "0 6 15 1 *"
    assert quarterly.parameters == {"root": "/srv/clinicode", "quarter": "previous"}
    assert annual.parameters["version"] == "champion"


@pytest.mark.parametrize(
    ("day", "quarter"),
    [("2026-01-01", "2025Q4"), ("2026-04-01", "2026Q1"), ("2026-10-01", "2026Q3")],
)
def test_scheduled_run_checks_the_quarter_that_ended(day: str, quarter: str) -> None:
    from datetime import date

    from flows.monitor import previous_quarter

    assert previous_quarter(date.fromisoformat(day)) == quarter
