"""The model behind the serving alias, switched without failing requests in flight."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clinicode.config import Params, Workspace
from clinicode.errors import ModelError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    """One loaded registered version."""

    name: str
    version: str
    model: Any
    runtime: str


def _load(uri: str, runtime: str) -> tuple[Any, str]:
    """The pyfunc of ``uri`` and the runtime its encoder actually runs on.

    ``serve.runtime: auto`` gives ONNX Runtime for a model saved with an ONNX graph and torch
    otherwise; a pyfunc that is not a clinicode coding model reports ``pyfunc``.
    """
    from training.predict import load_model

    model = load_model(uri, runtime=runtime)
    coder = getattr(model.unwrap_python_model(), "model", None)
    if coder is None:
        return model, "pyfunc"
    return model, getattr(getattr(coder, "encoder", None), "runtime", "torch")


class ModelHolder:
    """Holds the version the alias points to and swaps it when the alias moves.

    The registry is asked at most every ``serve.alias_poll_s`` seconds. A new version is loaded
    in a background thread while requests keep using the loaded one; the swap then replaces one
    reference, so a request in flight finishes on the model it started with and no request
    waits for a load. With ``alias_poll_s`` 0 the check runs in the request (tests).

    Args:
        params: All parameters (model name, alias, serve settings).
        workspace: Project folder (MLflow registry).
        on_swap: Called after each switch to a new version.
    """

    def __init__(
        self, params: Params, workspace: Workspace, on_swap: Callable[[], None] | None = None
    ) -> None:
        self.params, self.workspace, self.on_swap = params, workspace, on_swap
        self._lock = threading.Lock()
        self._checked = 0.0
        self._loading = False
        self.current: LoadedModel | None = None

    def get(self) -> LoadedModel:
        """The model to answer with; the first call loads it, later calls never wait for one."""
        if self.current is None:
            with self._lock:
                if self.current is None:
                    self._refresh()
        elif time.monotonic() - self._checked >= self.params.serve.alias_poll_s:
            if self.params.serve.alias_poll_s == 0:
                self._refresh()
            else:
                self._refresh_in_background()
        if self.current is None:
            raise ModelError("no model loaded")
        return self.current

    def _refresh_in_background(self) -> None:
        with self._lock:
            if self._loading:
                return
            self._loading = True
            self._checked = time.monotonic()

        def work() -> None:
            try:
                self._refresh()
            except Exception as exc:  # noqa: BLE001 - keep serving the loaded version
                logger.error("alias check failed (%s); keeping the loaded version", type(exc))
            finally:
                self._loading = False

        threading.Thread(target=work, name="clinicode-alias-poll", daemon=True).start()

    def _refresh(self) -> None:
        from clinicode.stages import resolve_version

        self._checked = time.monotonic()
        name, alias = self.params.train.registered_model, self.params.promote.alias
        version = resolve_version(self.params, self.workspace, alias)
        if version is None:
            raise ModelError(f"no version of '{name}' carries the alias '{alias}'")
        if self.current is not None and self.current.version == version:
            return
        model, runtime = _load(f"models:/{name}/{version}", self.params.serve.runtime)
        previous, self.current = self.current, LoadedModel(name, version, model, runtime)
        logger.info("serving %s version %s (%s runtime)", name, version, runtime)
        if previous is not None and self.on_swap is not None:
            self.on_swap()
