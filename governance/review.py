"""Coder review of suggested codes: cases, decisions, finalisation, amendments and statistics.

A case is opened when the API suggests codes for a note that carries a case reference. The coder
then decides on every suggested code (accept, or reject with a reason code) and may add codes the
model missed (with a reason code). Those decisions finalise the case with its final code set. A
final case changes only through an explicit amendment, which keeps the earlier revision and
records its own reason.

The store keeps the case pseudonym, the note hash, the model version and the decisions: never
note text, never the caller's case id. Reasons come from a fixed vocabulary
(``validation.gold.OVERRIDE_REASON_CODES``) so that free text cannot carry patient details.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, insert, select, update

from clinicode.errors import GovernanceError, InputError
from governance.audit import create_tables, make_engine
from validation.gold import OVERRIDE_REASON_CODES

logger = logging.getLogger(__name__)

ACCEPTED, REJECTED, ADDED = "accepted", "rejected", "added"
OPEN, FINAL = "open", "final"
REVIEW_SOURCE = "review request"

_metadata = MetaData()
_cases = Table(
    "review_case",
    _metadata,
    Column("case_ref", String(64), primary_key=True),
    Column("note_sha256", String(64), nullable=False),
    Column("note_type", String(100), nullable=True),
    Column("model", String(200), nullable=False),
    Column("version", String(40), nullable=False),
    Column("suggestions", Text, nullable=False),  # JSON [[code, confidence], ...]
    Column("status", String(10), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("final_codes", Text, nullable=True),  # JSON list
    Column("coder", String(100), nullable=True),
    Column("updated", String(40), nullable=False),
)
_decisions = Table(
    "review_decision",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_ref", String(64), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("code", String(20), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("reason", String(40), nullable=True),
    Column("confidence", Float, nullable=True),
    Column("coder", String(100), nullable=False),
    Column("recorded", String(40), nullable=False),
)


class CaseNotFound(GovernanceError):
    """No suggestions were ever made for this case."""


class ReviewConflict(GovernanceError):
    """The case is already final and the request is not an amendment."""


@dataclass
class Review:
    """A coder's decisions on one case.

    Attributes:
        accepted: Suggested codes the coder keeps.
        rejected: Suggested code -> reason code.
        added: Codes the coder adds -> reason code.
        amend: True to change a case that is already final.
        amend_reason: Reason code of the amendment (required when ``amend``).
    """

    accepted: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    added: dict[str, str] = field(default_factory=dict)
    amend: bool = False
    amend_reason: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _reason(value: str | None, where: str) -> str:
    if value not in OVERRIDE_REASON_CODES:
        raise InputError(
            REVIEW_SOURCE, f"reason must be one of {', '.join(OVERRIDE_REASON_CODES)}", field=where
        )
    return value


def _valid_code(code: str, where: str) -> str:
    import simple_icd_10_cm as cm

    if not isinstance(code, str) or not cm.is_valid_item(code):
        raise InputError(REVIEW_SOURCE, "not an ICD-10-CM code", field=where)
    return code


def check_review(review: Review, suggested: list[str]) -> list[str]:
    """Check a review against the suggestions and return the final codes.

    Every suggestion must be decided exactly once (accepted or rejected); added codes must be
    valid ICD-10-CM codes that were not suggested.

    Raises:
        InputError: A suggestion is undecided or decided twice, a code was never suggested, an
            added code is invalid or duplicated, or a reason is not in the vocabulary.
    """
    accepted, rejected = list(review.accepted), dict(review.rejected)
    both = sorted(set(accepted) & set(rejected))
    if both or len(set(accepted)) != len(accepted):
        raise InputError(REVIEW_SOURCE, "a code is decided more than once", field="accepted")
    for code in [*accepted, *rejected]:
        if code not in suggested:
            raise InputError(REVIEW_SOURCE, f"code {code} was not suggested", field="accepted")
    undecided = [code for code in suggested if code not in accepted and code not in rejected]
    if undecided:
        raise InputError(
            REVIEW_SOURCE,
            f"every suggestion needs a decision; undecided: {', '.join(undecided)}",
            field="accepted",
        )
    for code, reason in rejected.items():
        _reason(reason, f"rejected.{code}")
    for code, reason in review.added.items():
        _valid_code(code, f"added.{code}")
        _reason(reason, f"added.{code}")
        if code in suggested:
            raise InputError(REVIEW_SOURCE, f"code {code} was suggested; accept it", field="added")
    if review.amend:
        _reason(review.amend_reason, "amend_reason")
    return [*accepted, *review.added]


class ReviewStore:
    """Cases and coder decisions in the governance database.

    Args:
        url: SQLAlchemy URL (e.g. ``Workspace.audit_url``); tables are created on first use.
    """

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        create_tables(_metadata, self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def open_case(
        self,
        case_ref: str,
        note_sha256: str,
        model: str,
        version: str,
        suggestions: list[tuple[str, float]],
        note_type: str | None = None,
    ) -> None:
        """Record the suggestions made for a case (replacing earlier ones while it is open).

        A final case keeps the suggestions it was reviewed on; a later suggestion for it is
        ignored here (the audit log still records the prediction).
        """
        row = {
            "note_sha256": note_sha256,
            "note_type": note_type,
            "model": model,
            "version": str(version),
            "suggestions": json.dumps([[c, float(s)] for c, s in suggestions]),
            "updated": _now(),
        }
        with self.engine.begin() as conn:
            found = conn.execute(select(_cases.c.status).where(_cases.c.case_ref == case_ref))
            status = found.scalar_one_or_none()
            if status is None:
                conn.execute(
                    insert(_cases).values(case_ref=case_ref, status=OPEN, revision=0, **row)
                )
            elif status == OPEN:
                conn.execute(update(_cases).where(_cases.c.case_ref == case_ref).values(**row))
            else:
                logger.info("case already final; new suggestions not attached to it")

    def case(self, case_ref: str) -> dict:
        """The case: status, revision, model version, suggestions and final codes.

        Raises:
            CaseNotFound: No suggestions were made for this case.
        """
        with self.engine.connect() as conn:
            row = conn.execute(select(_cases).where(_cases.c.case_ref == case_ref)).first()
        if row is None:
            raise CaseNotFound("no suggestions were made for this case")
        return {
            "case_ref": row.case_ref,
            "note_sha256": row.note_sha256,
            "note_type": row.note_type,
            "model": row.model,
            "version": row.version,
            "suggestions": [tuple(pair) for pair in json.loads(row.suggestions)],
            "status": row.status,
            "revision": row.revision,
            "final_codes": json.loads(row.final_codes) if row.final_codes else None,
            "coder": row.coder,
            "updated": row.updated,
        }

    def finalise(self, case_ref: str, coder: str, review: Review) -> dict:
        """Apply a coder's review and finalise the case (or amend a final one).

        Returns:
            The case after the review, with ``amended`` telling whether it was an amendment.

        Raises:
            CaseNotFound: Unknown case.
            ReviewConflict: The case is final and ``review.amend`` is false, or ``amend`` is
                asked for a case that is not final yet.
            InputError: The review does not fit the suggestions (see :func:`check_review`).
        """
        case = self.case(case_ref)
        if case["status"] == FINAL and not review.amend:
            raise ReviewConflict(
                f"case already finalised (revision {case['revision']}); send an amendment "
                "(amend: true with amend_reason) to change it"
            )
        if case["status"] == OPEN and review.amend:
            raise ReviewConflict("case is not final yet; nothing to amend")
        confidence = dict(case["suggestions"])
        final_codes = check_review(review, list(confidence))
        revision = case["revision"] + 1
        final = {"status": FINAL, "revision": revision, "final_codes": json.dumps(final_codes),
                 "coder": coder, "updated": _now()}  # fmt: skip
        rows = _decision_rows(case_ref, revision, coder, review, confidence, final["updated"])
        with self.engine.begin() as conn:
            # Two reviews of one case racing: only the first moves the revision on.
            moved = conn.execute(
                update(_cases)
                .where(_cases.c.case_ref == case_ref, _cases.c.revision == case["revision"])
                .values(**final)
            )
            if moved.rowcount != 1:
                raise ReviewConflict("the case changed while this review was applied; reload it")
            if rows:
                conn.execute(insert(_decisions), rows)
        return {**self.case(case_ref), "amended": review.amend}

    def acceptance_stats(self) -> dict:
        """Acceptance, rejection and addition rates per code and per coder.

        Only the latest revision of each case counts. For a code or coder, the acceptance and
        rejection rates are shares of its suggestions; the addition rate is the share of its
        final codes that the coder had to add.

        Returns:
            ``{"cases", "per_code": {code: {...}}, "per_coder": {coder: {...}}, "overall"}``.
        """
        with self.engine.connect() as conn:
            latest = dict(conn.execute(select(_cases.c.case_ref, _cases.c.revision)).all())
            rows = conn.execute(
                select(_decisions.c.case_ref, _decisions.c.revision, _decisions.c.code,
                       _decisions.c.decision, _decisions.c.coder)
            ).all()  # fmt: skip
        current = [r for r in rows if latest.get(r.case_ref) == r.revision]
        per_code: dict[str, Counter] = defaultdict(Counter)
        per_coder: dict[str, Counter] = defaultdict(Counter)
        overall: Counter = Counter()
        for row in current:
            for counter in (per_code[row.code], per_coder[row.coder], overall):
                counter[row.decision] += 1
        return {
            "cases": len({r.case_ref for r in current}),
            "per_code": {code: _rates(c) for code, c in sorted(per_code.items())},
            "per_coder": {coder: _rates(c) for coder, c in sorted(per_coder.items())},
            "overall": _rates(overall),
        }


def _decision_rows(
    case_ref: str,
    revision: int,
    coder: str,
    review: Review,
    confidence: dict[str, float],
    recorded: str,
) -> list[dict]:
    decided = [(code, ACCEPTED, None) for code in review.accepted]
    decided += [(code, REJECTED, reason) for code, reason in review.rejected.items()]
    decided += [(code, ADDED, reason) for code, reason in review.added.items()]
    return [
        {"case_ref": case_ref, "revision": revision, "code": code, "decision": decision,
         "reason": reason, "confidence": confidence.get(code), "coder": coder,
         "recorded": recorded}
        for code, decision, reason in decided
    ]  # fmt: skip


def _rates(counts: Counter) -> dict:
    suggested = counts[ACCEPTED] + counts[REJECTED]
    final = counts[ACCEPTED] + counts[ADDED]
    return {
        "suggested": suggested,
        ACCEPTED: counts[ACCEPTED],
        REJECTED: counts[REJECTED],
        ADDED: counts[ADDED],
        "acceptance_rate": round(counts[ACCEPTED] / suggested, 4) if suggested else None,
        "rejection_rate": round(counts[REJECTED] / suggested, 4) if suggested else None,
        "addition_rate": round(counts[ADDED] / final, 4) if final else None,
    }
