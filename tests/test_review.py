"""Coder review: decisions, finalisation, amendments, statistics, gold pool and case trace."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from governance_db import governance_url, postgres_url  # noqa: F401
from serving_fixtures import NOTE, Served, bearer, served_app
from typer.testing import CliRunner

from clinicode.errors import InputError
from clinicode.stages import audit_log
from governance.review import CaseNotFound, Review, ReviewConflict, ReviewStore, check_review
from validation.gold import read_gold_sample

SUGGESTED = ["I10", "E11.9"]


# --- the store, on SQLite and PostgreSQL -------------------------------------------------


@pytest.fixture
def store(governance_url: str) -> ReviewStore:  # noqa: F811
    reviews = ReviewStore(governance_url)
    for case in ("C-1", "C-2"):
        reviews.open_case(case, "a" * 64, "m", "3", [("I10", 0.9), ("E11.9", 0.7)], "discharge")
    return reviews


@pytest.mark.parametrize(
    ("review", "problem"),
    [
        (Review(accepted=["I10"]), "undecided: E11.9"),
        (Review(accepted=["I10", "I10"], rejected={"E11.9": "wrong-code"}), "more than once"),
        (Review(accepted=["I10", "E11.9"], rejected={"I10": "wrong-code"}), "more than once"),
        (Review(accepted=["I10", "E11.9", "J45.909"]), "J45.909 was not suggested"),
        (Review(accepted=["I10"], rejected={"E11.9": "because I say so"}), "reason must be"),
        (Review(accepted=SUGGESTED, added={"XYZ": "missed-code"}), "not an ICD-10-CM code"),
        (Review(accepted=SUGGESTED, added={"N18.3": "Jane told me"}), "reason must be"),
        (Review(accepted=["I10"], rejected={"E11.9": "wrong-code"}, added={"E11.9": "other"}),
         "suggested; accept it"),
    ],
)  # fmt: skip
def test_reviews_that_do_not_fit_the_suggestions_are_refused(review: Review, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        check_review(review, SUGGESTED)


def test_finalise_once_then_only_by_amendment(store: ReviewStore) -> None:
    first = store.finalise(
        "C-1", "dana", Review(accepted=["I10"], rejected={"E11.9": "not-documented"})
    )
    assert first["status"] == "final" and first["revision"] == 1
    assert first["final_codes"] == ["I10"] and first["amended"] is False
    with pytest.raises(ReviewConflict, match="already finalised"):
        store.finalise("C-1", "dana", Review(accepted=SUGGESTED))
    with pytest.raises(InputError, match="amend_reason"):
        store.finalise("C-1", "dana", Review(accepted=SUGGESTED, amend=True))
    amended = store.finalise(
        "C-1", "lee", Review(accepted=SUGGESTED, amend=True, amend_reason="coding-guideline")
    )
    assert amended["revision"] == 2 and amended["final_codes"] == SUGGESTED
    assert amended["coder"] == "lee" and amended["amended"] is True
    with pytest.raises(ReviewConflict, match="nothing to amend"):
        store.finalise("C-2", "dana", Review(accepted=SUGGESTED, amend=True, amend_reason="other"))
    with pytest.raises(CaseNotFound):
        store.finalise("C-9", "dana", Review())


def test_new_suggestions_do_not_overwrite_a_final_case(store: ReviewStore) -> None:
    store.finalise("C-1", "dana", Review(accepted=SUGGESTED))
    store.open_case("C-1", "b" * 64, "m", "4", [("J45.909", 0.8)])
    case = store.case("C-1")
    assert case["version"] == "3" and [c for c, _ in case["suggestions"]] == SUGGESTED


def test_acceptance_statistics_count_only_the_latest_revision(store: ReviewStore) -> None:
    # C-1 by dana: I10 accepted, E11.9 rejected, N18.3 added; later amended by lee.
    store.finalise("C-1", "dana", Review(accepted=["I10"], rejected={"E11.9": "wrong-code"},
                                         added={"N18.3": "missed-code"}))  # fmt: skip
    store.finalise("C-2", "dana", Review(accepted=SUGGESTED))
    store.finalise("C-1", "lee", Review(accepted=["I10"], rejected={"E11.9": "wrong-code"},
                                        amend=True, amend_reason="other"))  # fmt: skip
    stats = store.acceptance_stats()
    assert stats["cases"] == 2
    # Worked by hand: I10 suggested twice, accepted twice; E11.9 accepted once, rejected once.
    assert stats["per_code"]["I10"]["acceptance_rate"] == 1.0
    assert stats["per_code"]["E11.9"]["acceptance_rate"] == 0.5
    assert stats["per_code"]["E11.9"]["rejection_rate"] == 0.5
    assert "N18.3" not in stats["per_code"]  # its addition was amended away
    assert stats["per_coder"]["dana"] == {
        "suggested": 2, "accepted": 2, "rejected": 0, "added": 0,
        "acceptance_rate": 1.0, "rejection_rate": 0.0, "addition_rate": 0.0,
    }  # fmt: skip
    assert stats["per_coder"]["lee"]["rejection_rate"] == 0.5
    assert stats["overall"]["acceptance_rate"] == 0.75


def test_additions_count_against_final_codes(store: ReviewStore) -> None:
    store.finalise("C-1", "dana", Review(accepted=["I10"], rejected={"E11.9": "wrong-code"},
                                         added={"N18.3": "missed-code"}))  # fmt: skip
    stats = store.acceptance_stats()
    assert stats["per_code"]["N18.3"]["addition_rate"] == 1.0
    assert stats["per_coder"]["dana"]["addition_rate"] == 0.5  # 1 of 2 final codes added


# --- the HTTP flow ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served_app(tmp_path_factory.mktemp("review"), max_note_chars=2000) as app:
        yield app


def _suggest(served: Served, case_id: str, text: str = NOTE) -> dict:
    response = served.client.post(
        "/v1/suggestions",
        json={"text": text, "case_id": case_id, "note_type": "discharge summary"},
        headers=bearer(served.tokens["coder"]),
    )
    assert response.status_code == 200, response.text
    return response.json()


def _review(served: Served, case_id: str, body: dict, role: str = "coder"):
    return served.client.post(
        f"/v1/cases/{case_id}/review", json=body, headers=bearer(served.tokens[role])
    )


def test_review_flow_finalises_amends_and_is_audited(served: Served) -> None:
    suggested = _suggest(served, "ENC-100")
    body = {"accepted": ["I10"], "rejected": [{"code": "E11.9", "reason": "not-documented"}],
            "added": [{"code": "N18.3", "reason": "missed-code"}]}  # fmt: skip
    done = _review(served, "ENC-100", body)
    assert done.status_code == 200, done.text
    assert done.json()["final_codes"] == ["I10", "N18.3"] and done.json()["gold_pool"] is False

    again = _review(served, "ENC-100", body)
    assert again.status_code == 409 and "amendment" in again.json()["detail"]
    amended = _review(served, "ENC-100", {**body, "amend": True, "amend_reason": "other",
                                           "added": []})  # fmt: skip
    assert amended.status_code == 200 and amended.json()["revision"] == 2

    reviews = [r for r in audit_log(served.workspace).records() if r["type"] == "review"]
    assert [r["outcome"] for r in reviews[-3:]] == ["success", "refused", "success"]
    assert reviews[-3]["entity"]["rejected"] == {"E11.9": "not-documented"}
    assert reviews[-3]["entity"]["case_ref"] == suggested["case_ref"]
    assert reviews[-1]["entity"]["amendment"] is True
    assert "ENC-100" not in json.dumps(reviews) and audit_log(served.workspace).verify().ok


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"accepted": ["I10"]}, 422, "undecided"),
        ({"accepted": ["I10", "E11.9"], "added": [{"code": "BAD", "reason": "other"}]}, 422,
         "ICD-10-CM"),
        ({"accepted": ["I10", "E11.9"], "note": "free text"}, 422, "note"),
    ],
)  # fmt: skip
def test_bad_reviews_get_a_clear_422(served: Served, body: dict, status: int, says: str) -> None:
    _suggest(served, "ENC-200")
    response = _review(served, "ENC-200", body)
    assert response.status_code == status and says in str(response.json()["detail"])


def test_unknown_case_is_404(served: Served) -> None:
    response = _review(served, "never-suggested", {"accepted": []})
    assert response.status_code == 404


def test_finalised_case_joins_the_gold_pool_de_identified(served: Served) -> None:
    text = NOTE + " Seen by Dr. Margaret Oyelaran on 03/14/2026, MRN 44829317."
    _suggest(served, "ENC-300", text)
    body = {"accepted": ["I10", "E11.9"], "specialty": "cardiology"}
    wrong = _review(served, "ENC-300", {**body, "text": text + " edited"})
    assert wrong.status_code == 422 and "differs" in wrong.json()["detail"]
    done = _review(served, "ENC-300", {**body, "text": text})
    assert done.status_code == 200 and done.json()["gold_pool"] is True

    (pool_file,) = (served.workspace.data_dir / "gold_pool").glob("*.jsonl")
    raw = pool_file.read_text()
    assert "Oyelaran" not in raw and "44829317" not in raw and "ENC-300" not in raw
    sample = read_gold_sample(pool_file)  # monitoring's own reader accepts the pool
    row = sample[sample["case_id"] == done.json()["case_ref"]].iloc[0]
    assert list(row["codes"]) == ["I10", "E11.9"] and "hypertension" in row["text"].lower()


def test_acceptance_stats_endpoint_is_audited(served: Served) -> None:
    _suggest(served, "ENC-400")
    rejected = [{"code": "E11.9", "reason": "wrong-code"}]
    _review(served, "ENC-400", {"accepted": ["I10"], "rejected": rejected})
    response = served.client.get(
        "/v1/stats/acceptance", headers=bearer(served.tokens["governance-board"])
    )
    stats = response.json()
    assert response.status_code == 200 and stats["per_coder"]["coder-1"]["suggested"] >= 2
    last = audit_log(served.workspace).records()[-1]
    assert last["type"] == "report-access" and last["agent"]["role"] == "governance-board"


def test_trace_tells_the_whole_story(served: Served) -> None:
    _suggest(served, "ENC-500")
    _review(served, "ENC-500", {"accepted": ["I10", "E11.9"]})
    audit = audit_log(served.workspace)
    audit.append("model-training", "C", "pipeline", "ml-engineer",
                 {"model": "serving-test-model", "version": "1", "run_id": "r1",
                  "dataset_digest": "d" * 64})  # fmt: skip
    audit.append("revalidation-gate", "E", "pipeline", "operations",
                 {"model": "serving-test-model", "version": "1", "verdict": "pass",
                  "report": "v.html"})  # fmt: skip
    auditor = bearer(served.tokens["auditor"])
    response = served.client.get("/v1/cases/ENC-500/trace", headers=auditor)
    trace = response.json()
    assert len(trace["predictions"]) == 1 and trace["predictions"][0]["version"] == "1"
    (lineage,) = trace["models"]
    assert lineage["run_id"] == "r1" and lineage["dataset_digest"] == "d" * 64
    assert lineage["gate_verdicts"][0]["verdict"] == "pass"
    assert trace["reviews"][0]["agent"]["who"] == "coder-1"
    assert trace["final_codes"] == ["I10", "E11.9"]


def test_cli_trace_needs_an_auditor_token(served: Served) -> None:
    from clinicode.cli import app

    _suggest(served, "ENC-600")
    home = ["--home", str(served.workspace.root)]
    refused = CliRunner().invoke(app, [*home, "audit", "trace", "ENC-600"])
    assert refused.exit_code == 2 and "refused" in refused.output
    token = ["--token", served.tokens["auditor"]]
    done = CliRunner().invoke(app, [*home, *token, "audit", "trace", "ENC-600"])
    assert done.exit_code == 0, done.output
    assert '"suggested_codes"' in done.output and "ENC-600" not in done.output
