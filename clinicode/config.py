"""Typed configuration: one section of ``params.yaml`` per lifecycle stage, plus the workspace.

Every stage reads only its own section. Unknown or mistyped keys are rejected with a message that
names the file and the key, so a typo in ``params.yaml`` never silently falls back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clinicode.errors import ConfigError

PARAMS_ENV = "CLINICODE_PARAMS"
HOME_ENV = "CLINICODE_HOME"
AUDIT_URL_ENV = "CLINICODE_AUDIT_URL"
DEFAULT_REGISTERED_MODEL = "clinicode-icd10"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CorpusParams(_Section):
    """Synthetic corpus generator (the embedded default source)."""

    seed: int = 13
    n_patients: int = 240
    max_notes_per_patient: int = Field(2, ge=1)
    n_codes: int = Field(40, ge=5, description="size of the code pool the corpus draws from")
    codes_per_note: tuple[int, int] = (1, 4)
    start_quarter: str = "2026Q1"
    n_quarters: int = Field(2, ge=1)
    negation_rate: float = Field(0.25, ge=0, le=1)
    drift: bool = False


class AssembleParams(_Section):
    """Dataset assembly: source, de-identification, validation and patient-level splits."""

    source: Literal["synthetic", "codiesp", "jsonl"] = "synthetic"
    input: str | None = None
    codiesp_splits: tuple[str, ...] = ("train", "dev")
    split_fractions: dict[str, float] = {"train": 0.7, "validation": 0.15, "test": 0.15}
    seed: int = 13
    min_text_chars: int = Field(20, ge=1)
    max_text_chars: int = Field(200_000, ge=100)
    max_codes_per_note: int = Field(60, ge=1)
    on_bad_record: Literal["fail", "quarantine"] = "fail"
    invalid_codes: Literal["reject", "drop"] = Field(
        "reject",
        description="codes not in ICD-10-CM: 'reject' the record (per on_bad_record) or 'drop' "
        "the code with a warning (a record left without codes is still rejected)",
    )

    @model_validator(mode="after")
    def _fractions_sum_to_one(self) -> AssembleParams:
        total = sum(self.split_fractions.values())
        if abs(total - 1.0) > 1e-6 or "train" not in self.split_fractions:
            raise ValueError(
                f"assemble.split_fractions must include 'train' and sum to 1.0 (got {total:.3f})"
            )
        return self


class DeidParams(_Section):
    """De-identification: site lists, the token tagger and detection thresholds."""

    staff_names: str | None = Field(
        None, description="text file of staff names (one per line), redacted wherever found"
    )
    facility_names: str | None = Field(
        None, description="text file of facility names of the site (one per line)"
    )
    city_names: str | None = Field(None, description="text file of local place names")
    tagger: str | None = Field(
        "packaged",
        description="'packaged' (the shipped model), a .npz path, or null for rules only",
    )
    tagger_threshold: float = Field(
        0.5, gt=0, lt=1, description="minimum token probability of a PHI label of the tagger"
    )
    score_threshold: float = Field(
        0.5, ge=0, le=1, description="minimum Presidio score of a pattern match"
    )
    cache_dir: str | None = Field(
        None, description="where the blank spaCy pipeline is saved (default: the state dir)"
    )


class BaselineParams(_Section):
    """TF-IDF + logistic regression reference model."""

    max_features: int = 20_000
    ngram_max: int = 2
    C: float = 4.0


class TrainParams(_Section):
    """Fine-tuning of the transformer coding model."""

    encoder: str = Field("packaged", description="'packaged' (bundled MiniLM) or a local HF dir")
    max_length: int = Field(256, ge=16, le=512)
    epochs: int = Field(4, ge=1)
    batch_size: int = Field(16, ge=1)
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-2
    weight_decay: float = 0.01
    min_code_count: int = Field(2, ge=1, description="codes rarer than this in train are dropped")
    seed: int = 13
    threads: int = Field(2, ge=1)
    top_k: int = Field(20, ge=1, description="ranked codes returned per note")
    frozen_layers: int = Field(
        4, ge=0, description="lowest encoder layers (and the embeddings) kept frozen"
    )
    max_train_windows: int = Field(
        8, ge=1, description="token windows per note used in training (inference uses all)"
    )
    max_note_chars: int = Field(
        200_000, ge=100, description="longer notes are truncated, with a warning"
    )
    registered_model: str = DEFAULT_REGISTERED_MODEL
    baseline: BaselineParams = BaselineParams()


class EvaluateParams(_Section):
    """Evaluation on the held-out test split."""

    split: str = "test"
    k: int = 5


class MonitorParams(_Section):
    """Quarterly check: drift and accuracy against a gold-coded sample."""

    reference_quarter: str = "2026Q1"
    current_quarter: str = "2026Q2"
    sample_size: int = Field(120, ge=10)
    drift_share_max: float = Field(0.5, ge=0, le=1, description="share of drifted columns")
    code_drift_max: float = Field(0.3, ge=0, le=1, description="Jensen-Shannon distance cap")
    min_micro_f1: float = 0.3
    max_f1_drop: float = Field(0.15, ge=0, description="vs the reference quarter")
    prediction_drift_max: float = Field(
        0.3, ge=0, le=1, description="Jensen-Shannon distance cap on suggested codes (warns)"
    )
    code_drift_alpha: float = Field(
        0.05, gt=0, le=1, description="code drift counts only if the permutation p is below"
    )
    code_drift_permutations: int = Field(
        200, ge=0, description="shuffles of the code-drift permutation test (0 disables it)"
    )


class RevalidateParams(_Section):
    """Acceptance criteria of the revalidation gate."""

    min_micro_f1: float = 0.3
    min_macro_f1: float = 0.0
    min_map: float = 0.3
    max_drop_vs_champion: float = Field(0.05, ge=0)
    min_test_cases: int = Field(20, ge=1)


class PromoteParams(_Section):
    """Promotion of a gated version to the serving alias."""

    alias: str = "champion"
    candidate_alias: str = "candidate"


class ServeParams(_Section):
    """HTTP serving of the champion model."""

    host: str = "127.0.0.1"
    port: int = Field(8765, ge=1, le=65535)
    max_note_chars: int = Field(100_000, ge=100)
    max_batch: int = Field(64, ge=1)
    alias_poll_s: float = Field(5.0, ge=0, description="how often the alias is re-read")


class DemoParams(_Section):
    """Sizes the demo overrides so the whole lifecycle runs in minutes on 2 cores."""

    approver: str = "demo-governance-board"


class Params(_Section):
    """All of ``params.yaml``."""

    corpus: CorpusParams = CorpusParams()
    assemble: AssembleParams = AssembleParams()
    deid: DeidParams = DeidParams()
    train: TrainParams = TrainParams()
    evaluate: EvaluateParams = EvaluateParams()
    monitor: MonitorParams = MonitorParams()
    revalidate: RevalidateParams = RevalidateParams()
    promote: PromoteParams = PromoteParams()
    serve: ServeParams = ServeParams()
    demo: DemoParams = DemoParams()


def load_params(path: str | Path | None = None) -> Params:
    """Read and validate ``params.yaml``.

    Args:
        path: File to read; defaults to ``$CLINICODE_PARAMS`` or ``./params.yaml``. A missing
            default file yields the built-in defaults.

    Returns:
        The validated parameters.

    Raises:
        ConfigError: The file is unreadable, not YAML, or has unknown or invalid keys.
    """
    explicit = path is not None or PARAMS_ENV in os.environ
    file = Path(path or os.environ.get(PARAMS_ENV, "params.yaml"))
    if not file.exists():
        if explicit:
            raise ConfigError(f"{file}: parameters file not found")
        return Params()
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"{file}: cannot read parameters ({exc.__class__.__name__}: {exc})"
        ) from exc
    try:
        return Params.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{file}: invalid parameters: {problems}") from exc


class Workspace:
    """Where a project's files live: datasets, reports, local tracking and audit state.

    Datasets and reports are DVC outputs under the project root; mutable local state (the MLflow
    SQLite database and artifacts, the audit database, Prefect's home) goes under ``.clinicode/``.
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root or os.environ.get(HOME_ENV) or Path.cwd()).resolve()

    @property
    def data_dir(self) -> Path:
        """Folder of assembled datasets."""
        return self.root / "data"

    @property
    def dataset_dir(self) -> Path:
        """The assembled ``DatasetDict`` of the training corpus."""
        return self.data_dir / "dataset"

    @property
    def models_dir(self) -> Path:
        """Local copies of trained models (before and besides MLflow)."""
        return self.root / "models"

    @property
    def reports_dir(self) -> Path:
        """Human-readable reports (evaluation, monitoring, validation)."""
        return self.root / "reports"

    @property
    def state_dir(self) -> Path:
        """Mutable local state: MLflow, audit log, Prefect home."""
        return self.root / ".clinicode"

    @property
    def mlflow_uri(self) -> str:
        """MLflow tracking URI (env ``MLFLOW_TRACKING_URI`` wins over the local SQLite file)."""
        return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{self.state_dir / 'mlflow.db'}"

    @property
    def mlflow_artifacts(self) -> Path:
        """Artifact root of experiments created by this workspace."""
        return self.state_dir / "mlartifacts"

    @property
    def audit_url(self) -> str:
        """SQLAlchemy URL of the audit log (env ``CLINICODE_AUDIT_URL`` wins)."""
        return os.environ.get(AUDIT_URL_ENV) or f"sqlite:///{self.state_dir / 'audit.db'}"

    def ensure(self) -> Workspace:
        """Create the folders this workspace writes to."""
        for folder in (self.data_dir, self.models_dir, self.reports_dir, self.state_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self
