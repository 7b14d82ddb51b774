"""HTTP API that returns code suggestions from the champion model for coder review.

The API suggests ICD-10-CM codes for administrative coding; a human coder reviews every
suggestion. It never diagnoses, never suggests treatment and keeps no note text: only a hash of
the note reaches the audit log, and nothing of the note reaches the server log. Access logs are
off, because request paths carry case references.
"""

# No "from __future__ import annotations": FastAPI must see the route dependencies, which are
# closures, as objects rather than strings.

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from clinicode.config import Params, Workspace
from clinicode.errors import ClinicodeError, InputError, ModelError
from governance.access import AccessStore, Principal
from governance.audit import AuditLog, case_pseudonym
from governance.review import CaseNotFound, ReviewConflict, ReviewStore
from serving import auth
from serving.api import (
    INTENDED_PURPOSE,
    BatchIn,
    BatchOut,
    NoteIn,
    SuggestionsOut,
    prediction_event,
    score_notes,
)
from serving.holder import ModelHolder
from serving.metrics import Metrics
from serving.review import GoldPool, ReviewIn

logger = logging.getLogger(__name__)

__all__ = ["INTENDED_PURPOSE", "create_app", "running_server"]
STATIC = Path(__file__).parent / "static"


@dataclass
class Services:
    """What the routes share: model, stores, key, metrics and settings."""

    params: Params
    workspace: Workspace
    holder: ModelHolder
    audit: AuditLog
    access: AccessStore
    reviews: ReviewStore
    gold: GoldPool
    key: bytes
    metrics: Metrics


def _services(params: Params, workspace: Workspace, allow_demo_key: bool) -> Services:
    from training.deid import Deidentifier, load_key

    metrics = Metrics()
    url = workspace.audit_url
    gold_dir = Path(params.monitor.gold_dir or workspace.data_dir / "gold_pool")
    if not gold_dir.is_absolute():
        gold_dir = workspace.root / gold_dir
    key = load_key(allow_demo_key=allow_demo_key)
    return Services(
        params=params,
        workspace=workspace,
        holder=ModelHolder(params, workspace, on_swap=metrics.count_swap),
        audit=AuditLog(url),
        access=AccessStore(url),
        reviews=ReviewStore(url),
        gold=GoldPool(gold_dir, lambda: Deidentifier(key, params.deid)),
        key=key,
        metrics=metrics,
    )


def create_app(params: Params, workspace: Workspace, allow_demo_key: bool = False) -> FastAPI:
    """Build the API serving the champion of ``params.train.registered_model``.

    Args:
        params: All parameters (``serve`` section, model name, alias).
        workspace: Project folder (registry, governance database, gold pool).
        allow_demo_key: Accept the built-in demo de-identification key (synthetic data only).

    Returns:
        The FastAPI application; the champion is loaded before it returns.
    """
    services = _services(params, workspace, allow_demo_key)
    app = FastAPI(title="clinicode coding suggestions", version="1", description=INTENDED_PURPOSE)
    app.state.services = services
    _add_guards(app, services)
    _add_status_routes(app, services)
    _add_suggestion_routes(app, services)
    _add_review_routes(app, services)
    services.holder.get()
    return app


def _add_guards(app: FastAPI, s: Services) -> None:
    """Input limits, uniform error bodies and request metrics."""
    limits = s.params.serve

    @app.middleware("http")
    async def _limits_and_metrics(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response = _refuse_body(request, limits.max_body_bytes)
        if response is None and request.method in ("POST", "PUT", "PATCH"):
            response = _refuse_encoding(await request.body())
        if response is None:
            try:
                response = await call_next(request)
            except Exception as exc:  # noqa: BLE001 - the client gets a reason, not a traceback
                # Only the exception's class is logged: its message could quote the note.
                logger.error("internal error on %s: %s", request.url.path, type(exc).__name__)
                response = JSONResponse(status_code=500, content={"detail": "internal error"})
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        s.metrics.observe(request.method, template, response.status_code, _since(started))
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Where the request is wrong, without echoing the submitted note back.
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.exception_handler(ClinicodeError)
    async def _refused(_: Request, exc: ClinicodeError) -> JSONResponse:
        status = 422 if isinstance(exc, InputError) else 409
        if isinstance(exc, CaseNotFound):
            status = 404
        elif isinstance(exc, ModelError):
            status = 503
        return JSONResponse(status_code=status, content={"detail": str(exc)})


def _since(started: float) -> float:
    return time.perf_counter() - started


def _refuse_body(request: Request, max_bytes: int) -> Response | None:
    """A 413/415 answer for a body that is too large or not UTF-8 JSON, else None."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    content_type = request.headers.get("content-type", "")
    media, _, options = content_type.partition(";")
    charset = options.strip().lower().removeprefix("charset=") if options else "utf-8"
    if media.strip().lower() != "application/json" or charset not in ("utf-8", "utf8"):
        return JSONResponse(
            status_code=415,
            content={"detail": "content type must be application/json (UTF-8)"},
        )
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return JSONResponse(status_code=411, content={"detail": "Content-Length is required"})
    if int(length) > max_bytes:
        return JSONResponse(
            status_code=413,
            content={"detail": f"request body over {max_bytes} bytes (serve.max_body_bytes)"},
        )
    return None


def _refuse_encoding(body: bytes) -> Response | None:
    """A 400 answer for a body that is not UTF-8 (checked before JSON parsing), else None."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return JSONResponse(
            status_code=400,
            content={"detail": f"request body is not valid UTF-8 (byte {exc.start})"},
        )
    return None


def _add_status_routes(app: FastAPI, s: Services) -> None:
    @app.get("/health")
    def health() -> dict:
        """Liveness, the served version and its revalidation status."""
        loaded = s.holder.current
        return {
            "status": "ok" if loaded else "loading",
            "model_name": s.params.train.registered_model,
            "model_version": loaded.version if loaded else None,
            "runtime": loaded.runtime if loaded else None,
            # ok / overdue / failed / never: a champion past its annual revalidation still
            # serves, but operations and the board see it here.
            "revalidation": _revalidation(s, loaded.version) if loaded else None,
        }

    @app.get("/ready")
    def ready() -> JSONResponse:
        """200 once a model is loaded and the governance database answers, else 503."""
        loaded = s.holder.current
        problems = [] if loaded else ["no model loaded"]
        try:
            s.audit.head()
        except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
            problems.append(f"governance database unavailable ({type(exc).__name__})")
        body = {"ready": not problems, "problems": problems,
                "model_version": loaded.version if loaded else None}  # fmt: skip
        return JSONResponse(status_code=200 if not problems else 503, content=body)

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> str:
        """Request counts, errors and latency in the Prometheus text format."""
        loaded = s.holder.current
        return s.metrics.render(loaded.version if loaded else None)

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page() -> str:
        """The coders' review page (it asks for the coder's token)."""
        return (STATIC / "review.html").read_text(encoding="utf-8")


def _revalidation(s: Services, version: str) -> dict:
    from mlflow.exceptions import MlflowException

    from clinicode.errors import GovernanceError
    from clinicode.tracking import mlflow_client
    from governance.registry import revalidation_status

    try:
        return revalidation_status(
            mlflow_client(s.workspace), s.params.train.registered_model, version,
            max_age_days=s.params.revalidate.max_age_days,
        )  # fmt: skip
    except (MlflowException, GovernanceError):
        logger.warning("revalidation status of version %s unavailable", version)
        return {"status": "unknown"}


def _check_notes(s: Services, notes: list[NoteIn]) -> None:
    limit = s.params.serve.max_note_chars
    for index, note in enumerate(notes):
        where = "text" if len(notes) == 1 else f"notes.{index}.text"
        if not note.text.strip():
            raise HTTPException(status_code=422, detail=f"field '{where}': the note is empty")
        if len(note.text) > limit:
            raise HTTPException(
                status_code=413,
                detail=f"field '{where}': note longer than {limit} characters "
                "(serve.max_note_chars)",
            )


def _suggest(s: Services, notes: list[NoteIn], who: Principal) -> list[SuggestionsOut]:
    _check_notes(s, notes)
    loaded = s.holder.get()  # held for the whole request, whatever the alias does meanwhile
    answers = score_notes(loaded, notes, s.key)
    for note, answer in zip(notes, answers, strict=True):
        s.audit.append("prediction", "E", who.user, who.role, prediction_event(note, answer))
        if answer.case_ref:
            pairs = [(x.code, x.confidence) for x in answer.suggestions]
            s.reviews.open_case(
                answer.case_ref, prediction_event(note, answer)["note_sha256"], loaded.name,
                loaded.version, pairs, note.note_type,
            )  # fmt: skip
        s.metrics.count_suggestions(len(answer.suggestions))
    return answers


def _add_suggestion_routes(app: FastAPI, s: Services) -> None:
    suggest_guard = auth.role_guard(s.access, auth.SUGGEST_ROLES, "suggestions", s.audit)

    @app.post("/v1/suggestions", response_model=SuggestionsOut)
    def suggestions(
        note: NoteIn, who: Annotated[Principal, Depends(suggest_guard)]
    ) -> SuggestionsOut:
        """Suggested codes for one note, with evidence spans and the model version."""
        return _suggest(s, [note], who)[0]

    @app.post("/v1/suggestions/batch", response_model=BatchOut)
    def suggestions_batch(
        batch: BatchIn, who: Annotated[Principal, Depends(suggest_guard)]
    ) -> BatchOut:
        """Suggested codes for up to ``serve.max_batch`` notes, in order."""
        if len(batch.notes) > s.params.serve.max_batch:
            raise HTTPException(
                status_code=413,
                detail=f"field 'notes': more than {s.params.serve.max_batch} notes "
                "(serve.max_batch)",
            )
        return BatchOut(results=_suggest(s, batch.notes, who))


def _add_review_routes(app: FastAPI, s: Services) -> None:
    review_guard = auth.role_guard(s.access, auth.REVIEW_ROLES, "case.review", s.audit)
    read_guard = auth.role_guard(s.access, auth.CASE_READ_ROLES, "case.read", s.audit)
    stats_guard = auth.role_guard(s.access, auth.STATS_ROLES, "report.acceptance", s.audit)
    trace_guard = auth.role_guard(s.access, auth.TRACE_ROLES, "audit.trace", s.audit)

    @app.get("/v1/cases/{case_id}")
    def case(case_id: str, who: Annotated[Principal, Depends(read_guard)]) -> dict:
        """The case's suggestions, status and final codes."""
        return s.reviews.case(case_pseudonym(case_id, s.key))

    @app.post("/v1/cases/{case_id}/review")
    def review(
        case_id: str, body: ReviewIn, who: Annotated[Principal, Depends(review_guard)]
    ) -> dict:
        """Accept, reject (with a reason) or add codes (with a reason); finalise the case."""
        return _review(s, case_pseudonym(case_id, s.key), body, who)

    @app.get("/v1/stats/acceptance")
    def acceptance(who: Annotated[Principal, Depends(stats_guard)]) -> dict:
        """Acceptance, rejection and addition rates per code and per coder."""
        s.audit.append("report-access", "R", who.user, who.role, {"report": "acceptance"})
        return s.reviews.acceptance_stats()

    @app.get("/v1/cases/{case_id}/trace")
    def trace(case_id: str, who: Annotated[Principal, Depends(trace_guard)]) -> dict:
        """The case's story from the audit log (suggestions, model lineage, reviews)."""
        from governance.audit import trace_case

        case_ref = case_pseudonym(case_id, s.key)
        s.audit.append("report-access", "R", who.user, who.role,
                       {"report": "case-trace", "case_ref": case_ref})  # fmt: skip
        return trace_case(s.audit, case_ref)


def _review(s: Services, case_ref: str, body: ReviewIn, who: Principal) -> dict:
    review = body.to_review()
    try:
        if body.text is not None:  # checked before anything is written
            s.gold.check_text(s.reviews.case(case_ref), body.text)
        case = s.reviews.finalise(case_ref, who.user, review)
    except (ReviewConflict, InputError):
        refused = {"case_ref": case_ref, "amend": review.amend}
        s.audit.append("review", "U", who.user, who.role, refused, outcome="refused")
        raise
    reasons = sorted({*review.rejected.values(), *review.added.values()})
    entity = {
        "case_ref": case_ref,
        "revision": case["revision"],
        "amendment": review.amend,
        "amend_reason": review.amend_reason,
        "model": case["model"],
        "version": case["version"],
        "accepted": review.accepted,
        "rejected": review.rejected,
        "added": review.added,
        "final_codes": case["final_codes"],
    }
    s.audit.append("review", "U", who.user, who.role, entity)
    gold = None
    if body.text is not None:
        gold = s.gold.add({**case, "reasons": reasons}, body.text, body.specialty)
    return {**case, "gold_pool": gold is not None}


@contextmanager
def running_server(
    app: FastAPI,
    host: str,
    port: int,
    timeout_s: float = 60.0,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
):
    """Run ``app`` with uvicorn in a background thread for the duration of the block."""
    import uvicorn

    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False,
        ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="clinicode-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the API did not start on {host}:{port}")
        time.sleep(0.05)
    scheme = "https" if ssl_certfile else "http"
    try:
        yield f"{scheme}://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout_s)
