"""HTTP API that returns code suggestions from the champion model for coder review.

The API suggests ICD-10-CM codes for administrative coding; a human coder reviews every
suggestion. It never diagnoses, never suggests treatment and keeps no note text: only a hash of
the note reaches the audit log, and nothing of the note reaches the server log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from clinicode.config import Params, Workspace

logger = logging.getLogger(__name__)

INTENDED_PURPOSE = (
    "Suggested ICD-10-CM codes for administrative clinical coding only. A qualified coder must "
    "review, accept or change every suggestion before the record is finalised. Not for "
    "diagnosis, treatment decisions or flagging conditions that are not documented."
)


class NoteIn(BaseModel):
    """A note to code."""

    text: str = Field(..., description="The clinical note (kept only for the request).")
    note_type: str | None = Field(None, max_length=100)
    case_id: str | None = Field(None, max_length=200, description="Caller's case reference.")


class Suggestion(BaseModel):
    """One suggested code."""

    code: str
    description: str
    confidence: float


class SuggestionsOut(BaseModel):
    """The suggestions for one note, with the model that made them."""

    model_name: str
    model_version: str
    suggestions: list[Suggestion]
    intended_purpose: str = INTENDED_PURPOSE


@dataclass
class _Loaded:
    name: str
    version: str
    model: Any


def _describe(code: str) -> str:
    import simple_icd_10_cm as cm

    return cm.get_description(code) if cm.is_valid_item(code) else ""


class ModelHolder:
    """Holds the model behind the serving alias and swaps it atomically when the alias moves."""

    def __init__(self, params: Params, workspace: Workspace) -> None:
        self.params, self.workspace = params, workspace
        self._lock = threading.Lock()
        self._checked = 0.0
        self.current: _Loaded | None = None

    def refresh(self) -> _Loaded:
        """Load the version the alias points to if it is not the one already loaded.

        The registry is asked at most every ``serve.alias_poll_s`` seconds; requests in between
        use the loaded model. A swap replaces the reference at once, so a request in flight
        finishes on the model it started with.
        """
        from clinicode.stages import resolve_version
        from training.predict import load_model

        now = time.monotonic()
        if self.current is not None and now - self._checked < self.params.serve.alias_poll_s:
            return self.current
        self._checked = now
        name, alias = self.params.train.registered_model, self.params.promote.alias
        version = resolve_version(self.params, self.workspace, alias)
        if version is None:
            raise RuntimeError(f"no version of '{name}' carries the alias '{alias}'")
        if self.current is None or self.current.version != version:
            loaded = _Loaded(name, version, load_model(f"models:/{name}/{version}"))
            with self._lock:
                self.current = loaded
            logger.info("serving %s version %s", name, version)
        return self.current


def _case_ref(case_id: str | None, key: bytes) -> str | None:
    if not case_id:
        return None
    return "C-" + hmac.new(key, case_id.encode(), hashlib.sha256).hexdigest()[:16]


def create_app(params: Params, workspace: Workspace, allow_demo_key: bool = False) -> FastAPI:
    """Build the FastAPI application serving the champion of ``params.train.registered_model``."""
    from clinicode.stages import audit_log
    from training.deid import load_key

    holder = ModelHolder(params, workspace)
    audit = audit_log(workspace)
    key = load_key(allow_demo_key=allow_demo_key)
    app = FastAPI(title="clinicode coding suggestions", version="1", description=INTENDED_PURPOSE)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Report where the request is wrong without echoing the submitted note back.
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.get("/health")
    def health() -> dict:
        loaded = holder.current
        return {
            "status": "ok" if loaded else "loading",
            "model_name": params.train.registered_model,
            "model_version": loaded.version if loaded else None,
            # ok / overdue / failed / never: a champion past its annual revalidation still
            # serves, but operations and the board see it here.
            "revalidation": _revalidation(loaded.version) if loaded else None,
        }

    def _revalidation(version: str) -> dict:
        from mlflow.exceptions import MlflowException

        from clinicode.errors import GovernanceError
        from clinicode.tracking import mlflow_client
        from governance.registry import revalidation_status

        try:
            return revalidation_status(
                mlflow_client(workspace),
                params.train.registered_model,
                version,
                max_age_days=params.revalidate.max_age_days,
            )
        except (MlflowException, GovernanceError):
            logger.warning("revalidation status of version %s unavailable", version)
            return {"status": "unknown"}

    @app.post("/v1/suggestions", response_model=SuggestionsOut)
    def suggestions(note: NoteIn) -> SuggestionsOut:
        if not note.text.strip():
            raise HTTPException(status_code=422, detail="field 'text': the note is empty")
        if len(note.text) > params.serve.max_note_chars:
            raise HTTPException(
                status_code=413,
                detail=f"field 'text': note longer than {params.serve.max_note_chars} characters",
            )
        return _suggest(holder.refresh(), note, audit, key)

    holder.refresh()
    return app


def _suggest(loaded: _Loaded, note: NoteIn, audit: Any, key: bytes) -> SuggestionsOut:
    import pandas as pd

    started = time.perf_counter()
    row = loaded.model.predict(pd.DataFrame({"text": [note.text]})).iloc[0]
    suggestions = [
        Suggestion(code=code, description=_describe(code), confidence=round(float(conf), 4))
        for code, conf in zip(row["suggested_codes"], row["confidences"], strict=True)
    ]
    audit.append(
        "prediction",
        "E",
        "api-client",
        "coder",
        {
            "note_sha256": hashlib.sha256(note.text.encode()).hexdigest(),
            "case_ref": _case_ref(note.case_id, key),
            "model": loaded.name,
            "version": loaded.version,
            "suggested_codes": [s.code for s in suggestions],
        },
    )
    logger.info(
        "suggested %d codes in %.0f ms (model v%s)",
        len(suggestions),
        1000 * (time.perf_counter() - started),
        loaded.version,
    )
    return SuggestionsOut(
        model_name=loaded.name, model_version=loaded.version, suggestions=suggestions
    )


@contextmanager
def running_server(app: FastAPI, host: str, port: int, timeout_s: float = 60.0):
    """Run ``app`` with uvicorn in a background thread for the duration of the block."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="clinicode-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the API did not start on {host}:{port}")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout_s)
