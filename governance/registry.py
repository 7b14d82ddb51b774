"""Governance of the MLflow model registry: gate verdicts, promotion and rollback.

The serving alias (``promote.alias``, "champion") only moves through :func:`promote` and
:func:`rollback`, which refuse unless the rules hold: a passing revalidation gate recorded on the
version, a named approver and a reason. Each move leaves tags on the versions, so the registry
alone says who promoted what, when and why.

These functions write no audit events: the calling stage does, once per action, with the outcome
(including refusals). Keeping audit out of here avoids double entries.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from clinicode.config import PromoteParams
from clinicode.errors import GovernanceError

logger = logging.getLogger(__name__)

GATE_STATUS = "gate.status"
GATE_DATE = "gate.date"
GATE_REPORT = "gate.report"
GATE_REASONS = "gate.reasons"
GATE_LAST_PASS = "gate.last_pass_date"
GATE_SAMPLE = "gate.sample"
MONITORING_QUARTER = "monitoring.last_quarter"
MONITORING_VERDICT = "monitoring.last_verdict"
MONITORING_REPORT = "monitoring.last_report"
REVALIDATION_MAX_AGE_DAYS = 365
PREVIOUS_CHAMPION = "previous_champion"
PROMOTION_APPROVER = "promotion.approver"
PROMOTION_REASON = "promotion.reason"
PROMOTION_DATE = "promotion.date"
ROLLBACK_APPROVER = "rollback.approver"
ROLLBACK_REASON = "rollback.reason"
ROLLBACK_DATE = "rollback.date"
# Tag values are kept short: they are shown in the MLflow UI, the full text is in the report.
MAX_TAG_CHARS = 500


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _truncate(text: str, limit: int = MAX_TAG_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _version(client: MlflowClient, model_name: str, version: str) -> ModelVersion:
    try:
        return client.get_model_version(model_name, str(version))
    except MlflowException as exc:
        raise GovernanceError(f"model '{model_name}' has no version {version}") from exc


def _require(approver: str, reason: str, action: str) -> None:
    if not approver or not approver.strip():
        raise GovernanceError(f"{action} refused: an approver must be named")
    if not reason or not reason.strip():
        raise GovernanceError(f"{action} refused: a reason must be given")


def _gated_version(client: MlflowClient, model_name: str, version: str) -> ModelVersion:
    target = _version(client, model_name, version)
    status = target.tags.get(GATE_STATUS)
    if status != "pass":
        raise GovernanceError(
            f"promotion refused: {model_name} version {version} has no passing revalidation "
            f"gate ({GATE_STATUS}={status or 'missing'}); run the revalidation gate first"
        )
    return target


def _set_tags(client: MlflowClient, model_name: str, version: str, tags: dict[str, str]) -> None:
    for key, value in tags.items():
        client.set_model_version_tag(model_name, version, key, value)


def champion_version(client: MlflowClient, model_name: str, alias: str) -> str | None:
    """The version an alias points to.

    Args:
        client: MLflow client bound to the registry.
        model_name: Registered model name.
        alias: Alias to resolve, e.g. ``"champion"``.

    Returns:
        The version number as a string, or None when the model or the alias does not exist.
    """
    try:
        return str(client.get_model_version_by_alias(model_name, alias).version)
    except MlflowException:
        return None


def record_gate_verdict(
    client: MlflowClient,
    model_name: str,
    version: str,
    verdict: dict,
    report_path: str,
    sample: str | None = None,
    now: datetime | None = None,
) -> None:
    """Tag a version with the result of its revalidation gate.

    ``gate.status``, ``gate.date``, ``gate.report`` and ``gate.reasons`` describe the latest
    gate; ``gate.last_pass_date`` keeps the date of the latest *passing* one, which is what the
    annual revalidation rule counts from.

    Args:
        client: MLflow client bound to the registry.
        model_name: Registered model name.
        version: The gated version.
        verdict: The result of ``validation.gate.evaluate_gate``.
        report_path: Where the validation report was written.
        sample: Which sample the gate judged (e.g. ``test``, ``synthetic``, a file name).
        now: Time of the verdict (default: now, UTC).

    Raises:
        GovernanceError: The version does not exist.
    """
    _version(client, model_name, version)
    date = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    tags = {
        GATE_STATUS: "pass" if verdict["passed"] else "fail",
        GATE_DATE: date,
        GATE_REPORT: str(report_path),
        GATE_REASONS: _truncate("; ".join(verdict.get("reasons", []))),
    }
    if verdict["passed"]:
        tags[GATE_LAST_PASS] = date
    if sample:
        tags[GATE_SAMPLE] = _truncate(sample, 200)
    for key, value in tags.items():
        client.set_model_version_tag(model_name, str(version), key, value)
    logger.info("gate %s recorded on %s version %s", tags[GATE_STATUS], model_name, version)


def revalidation_status(
    client: MlflowClient,
    model_name: str,
    version: str,
    now: datetime | None = None,
    max_age_days: int = REVALIDATION_MAX_AGE_DAYS,
) -> dict:
    """Whether a version's revalidation is current.

    Returns:
        ``{"status", "last_date", "last_pass_date", "age_days", "report"}``. ``status`` is
        ``failed`` when the latest gate failed, ``overdue`` when the latest passing gate is older
        than ``max_age_days``, ``never`` when no gate was recorded, else ``ok``.

    Raises:
        GovernanceError: The version does not exist.
    """
    tags = _version(client, model_name, version).tags
    now = now or datetime.now(UTC)
    last, last_pass = tags.get(GATE_DATE), tags.get(GATE_LAST_PASS)
    if last_pass is None and tags.get(GATE_STATUS) == "pass":
        last_pass = last  # recorded before gate.last_pass_date existed
    age = None
    if last_pass:
        age = (now - _parse_date(last_pass)).total_seconds() / 86400
    if tags.get(GATE_STATUS) is None:
        status = "never"
    elif tags[GATE_STATUS] != "pass":
        status = "failed"
    elif age is None or age > max_age_days:
        status = "overdue"
    else:
        status = "ok"
    return {
        "status": status,
        "last_date": last,
        "last_pass_date": last_pass,
        "age_days": None if age is None else round(age, 1),
        "max_age_days": max_age_days,
        "report": tags.get(GATE_REPORT),
    }


def _parse_date(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def record_monitoring(
    client: MlflowClient, model_name: str, version: str, quarter: str, verdict: str, report: str
) -> None:
    """Tag a version with its latest quarterly check (quarter, verdict, report location)."""
    _set_tags(
        client,
        model_name,
        str(version),
        {MONITORING_QUARTER: quarter, MONITORING_VERDICT: verdict, MONITORING_REPORT: report},
    )


def promote(
    client: MlflowClient,
    model_name: str,
    version: str,
    approver: str,
    reason: str,
    params: PromoteParams,
) -> dict:
    """Point the serving alias at a version that passed its gate.

    Tags are written before the alias moves, so an interrupted promotion never leaves a
    champion without its approval record. Promoting the current champion again changes nothing.

    Args:
        client: MLflow client bound to the registry.
        model_name: Registered model name.
        version: The version to promote.
        approver: Who approves (named person or board; not empty).
        reason: Why (not empty).
        params: The ``promote`` section (``alias``).

    Returns:
        ``{"model", "version", "previous"}``; ``previous`` is the former champion or None.

    Raises:
        GovernanceError: Approver or reason missing, version unknown, or no passing gate.
    """
    _require(approver, reason, "promotion")
    version = str(version)
    target = _gated_version(client, model_name, version)
    previous = champion_version(client, model_name, params.alias)
    if previous == version:
        logger.info(
            "%s version %s is already '%s'; nothing to do", model_name, version, params.alias
        )
        return {
            "model": model_name,
            "version": version,
            "previous": target.tags.get(PREVIOUS_CHAMPION),
        }
    tags = {
        PROMOTION_APPROVER: approver.strip(),
        PROMOTION_REASON: _truncate(reason.strip()),
        PROMOTION_DATE: _now(),
    }
    if previous is not None:
        tags[PREVIOUS_CHAMPION] = previous
    elif PREVIOUS_CHAMPION in target.tags:
        # A stale tag from an earlier promotion must not steer a later rollback.
        client.delete_model_version_tag(model_name, version, PREVIOUS_CHAMPION)
    _set_tags(client, model_name, version, tags)
    client.set_registered_model_alias(model_name, params.alias, version)
    logger.info(
        "%s version %s is now '%s' (previous: %s)", model_name, version, params.alias, previous
    )
    return {"model": model_name, "version": str(version), "previous": previous}


def rollback(
    client: MlflowClient, model_name: str, approver: str, reason: str, params: PromoteParams
) -> dict:
    """Return the serving alias to the champion before the current one.

    The version to go back to is read from the current champion's ``previous_champion`` tag;
    rolling back again follows that version's own tag, one promotion further back.

    Args:
        client: MLflow client bound to the registry.
        model_name: Registered model name.
        approver: Who approves (not empty).
        reason: Why (not empty).
        params: The ``promote`` section (``alias``).

    Returns:
        ``{"model", "version", "previous"}``: the restored version and the one it replaces.

    Raises:
        GovernanceError: Approver or reason missing, no champion, or no previous champion.
    """
    _require(approver, reason, "rollback")
    current = champion_version(client, model_name, params.alias)
    if current is None:
        raise GovernanceError(f"rollback refused: {model_name} has no '{params.alias}' alias")
    restored = _version(client, model_name, current).tags.get(PREVIOUS_CHAMPION)
    if not restored:
        raise GovernanceError(
            f"rollback refused: {model_name} version {current} records no previous champion"
        )
    _version(client, model_name, restored)
    tags = {
        ROLLBACK_APPROVER: approver.strip(),
        ROLLBACK_REASON: _truncate(reason.strip()),
        ROLLBACK_DATE: _now(),
    }
    _set_tags(client, model_name, current, tags)
    client.set_registered_model_alias(model_name, params.alias, restored)
    logger.info(
        "%s '%s' rolled back from version %s to %s", model_name, params.alias, current, restored
    )
    return {"model": model_name, "version": restored, "previous": current}
