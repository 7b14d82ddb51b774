"""MLflow ``pyfunc`` wrapper of a saved coding model (either kind).

The wrapper holds no weights itself: MLflow copies the saved model folder as the artifact
``model_dir`` and ``load_context`` reads it with ``CodingModel.load``, which dispatches on the
kind stored in ``config.json``. The ``clinicode`` package must be importable where the model is
loaded (serving installs the project).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from mlflow.pyfunc import PythonModel, PythonModelContext

from clinicode.errors import ModelError
from clinicode.schema import TEXT

MODEL_DIR_ARTIFACT = "model_dir"
OUTPUT_COLUMNS = ("suggested_codes", "confidences", "ranked_codes", "ranked_scores", "evidence")


class CodingPyfunc(PythonModel):
    """Suggests ICD-10-CM codes for a DataFrame of notes (column ``text``).

    ``predict`` returns one row per note with ``suggested_codes`` and aligned ``confidences``
    (codes above the tuned threshold, most confident first) and ``ranked_codes`` /
    ``ranked_scores`` (the top ``top_k`` codes; ``params={"top_k": n}`` overrides the model's
    default), and ``evidence``: for each suggested code, a list of ``{"start", "end", "score"}``
    character spans of the note that support it (empty for kinds that do not locate evidence).
    """

    def __init__(self) -> None:
        self.model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # MLflow runs the wrapper on the input example before pickling it; without this the
        # loaded encoder (about 90 MB) would be pickled beside the model folder.
        return {**self.__dict__, "model": None}

    def load_context(self, context: PythonModelContext) -> None:
        """Load the saved model folder that MLflow put in ``context.artifacts``."""
        from training.model import CodingModel

        self.model = CodingModel.load(context.artifacts[MODEL_DIR_ARTIFACT])

    def set_runtime(self, runtime: str) -> str:
        """Run the loaded model with ``"torch"``, ``"onnx"`` or ``"auto"`` (see ``CodingModel``).

        Raises:
            ModelError: Called before ``load_context``, or the runtime is unavailable.
        """
        if self.model is None:
            raise ModelError("pyfunc model used before load_context")
        return self.model.set_runtime(runtime)

    def predict(
        self,
        context: PythonModelContext,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Suggestions for each row of ``model_input``.

        Args:
            context: MLflow context (unused once loaded).
            model_input: Notes, one per row, in column ``text``.
            params: Optional ``{"top_k": int}``.

        Returns:
            A DataFrame with the columns of ``OUTPUT_COLUMNS``, aligned with the input rows.

        Raises:
            ModelError: The ``text`` column is missing or a note is not a non-empty string.
        """
        if self.model is None:
            raise ModelError("pyfunc model used before load_context")
        if TEXT not in model_input.columns:
            raise ModelError(
                f"input has columns {list(model_input.columns)}; expected a '{TEXT}' column"
            )
        top_k = int((params or {}).get("top_k") or self.model.top_k)
        records = self.model.predict(model_input[TEXT].tolist(), top_k=top_k)
        return pd.DataFrame(records, columns=list(OUTPUT_COLUMNS), index=model_input.index)
