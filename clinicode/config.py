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

    source: Literal["synthetic", "codiesp", "mimic", "jsonl", "csv", "parquet"] = "synthetic"
    input: str | None = None
    codiesp_splits: tuple[str, ...] = ("train", "dev")
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="record field -> source column for jsonl/csv/parquet (note_id, text, codes, "
        "patient_id, case_id, note_type, specialty, note_date, quarter, identifiers.<key>)",
    )
    codes_separator: str = Field(";", min_length=1, description="between codes in a CSV cell")
    batch_size: int = Field(1000, ge=1, description="records per streamed batch and partition")
    workers: int = Field(0, ge=0, description="0: de-identify in process; N: local Dask cluster")
    dask_address: str | None = Field(None, description="existing Dask scheduler (wins on workers)")
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
    def _known_columns(self) -> AssembleParams:
        fields = {"note_id", "text", "codes", "patient_id", "case_id", "note_type", "specialty"}
        fields |= {"note_date", "quarter"}
        unknown = [k for k in self.columns if k not in fields and not k.startswith("identifiers.")]
        if unknown:
            raise ValueError(
                f"assemble.columns: unknown field(s) {sorted(unknown)}; expected "
                f"{sorted(fields)} or identifiers.<key>"
            )
        return self

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


class HybridParams(_Section):
    """The hybrid coder: TF-IDF, note embeddings, neighbours and code descriptions mixed."""

    segment_max_length: int = Field(128, ge=16, le=512, description="tokens per note segment")
    max_segments: int = Field(256, ge=1, description="affirmed segments embedded per note")
    knn_k: int = Field(20, ge=1, description="training notes consulted by the neighbour score")
    C: float = Field(
        256.0, gt=0, description="inverse L2 strength of the TF-IDF regression (tuned on CodiEsp)"
    )
    max_candidates: int = Field(
        20_000, ge=1, description="codes scored per note (seen codes plus unseen neighbours)"
    )
    refit: bool = Field(True, description="refit the classifiers on train + validation")
    per_code_min_positives: int = Field(
        5, ge=1, description="validation notes a code needs to get its own threshold"
    )
    evidence_top_n: int = Field(2, ge=1, description="evidence spans returned per code")
    onnx: Literal["none", "fp32", "int8", "both"] = Field(
        "int8", description="ONNX graph(s) of the encoder saved with the model"
    )


class TrainParams(_Section):
    """Training of the coding model (``kind``) and of the TF-IDF reference."""

    kind: Literal["transformer", "hybrid"] = Field(
        "transformer", description="model trained and registered by the train stage"
    )
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
    checkpoints: bool = Field(
        True, description="checkpoint every epoch; an interrupted run resumes where it stopped"
    )
    registered_model: str = DEFAULT_REGISTERED_MODEL
    baseline: BaselineParams = BaselineParams()
    hybrid: HybridParams = HybridParams()


class EvaluateParams(_Section):
    """Evaluation on the held-out test split."""

    split: str = "test"
    k: int = 5


class MonitorParams(_Section):
    """Quarterly check: drift and accuracy against a gold-coded sample."""

    reference_quarter: str = "2026Q1"
    current_quarter: str = "2026Q2"
    cron: str = Field(
        "0 6 1 1,4,7,10 *", description="schedule of the quarterly check (06:00 on quarter start)"
    )
    sample_size: int = Field(
        120, ge=10, description="cases the synthetic source yields per quarter (the sampling pool)"
    )
    gold_dir: str | None = Field(
        None,
        description="folder of imported gold samples named <quarter>.jsonl or <quarter>.csv; "
        "null uses the synthetic source",
    )
    ci_width: float = Field(
        0.15, gt=0, lt=1, description="target width of the micro-F1 confidence interval"
    )
    confidence: float = Field(0.95, gt=0, lt=1, description="coverage of every interval")
    assumed_f1: float = Field(0.8, gt=0, lt=1, description="micro-F1 assumed by the sample size")
    assumed_variance: float | None = Field(
        None, gt=0, description="per-case variance of F1; null uses assumed_f1 * (1 - assumed_f1)"
    )
    sample_min: int = Field(30, ge=1, description="smallest sample the plan asks for")
    sample_max: int = Field(2000, ge=1, description="largest sample the plan asks for")
    sampling_seed: int = 2026
    bootstrap_samples: int = Field(500, ge=0, description="bootstrap replicates per interval")
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
    text_drift_auc_max: float = Field(
        0.7, gt=0.5, le=1, description="domain-classifier ROC AUC above which notes drifted"
    )
    text_drift_max_notes: int = Field(
        5000, ge=20, description="notes per quarter the domain classifier sees (random subset)"
    )
    per_class_codes: int = Field(
        10, ge=0, description="most frequent codes checked one by one (Evidently per class)"
    )
    class_min_support: int = Field(
        10, ge=1, description="gold cases a code or case type needs before it can fail"
    )
    max_code_f1_drop: float = Field(
        0.25, ge=0, description="per-class F1 drop vs reference that warns"
    )
    frequent_share: float = Field(
        0.05, gt=0, lt=1, description="codes on at least this share of cases are 'frequent'"
    )
    rare_share: float = Field(
        0.01, gt=0, lt=1, description="codes on less than this share of cases are 'rare'"
    )
    notify_url: str | None = Field(
        None, description="Apprise URL told about a failing check (e.g. mailto://, json://)"
    )
    auto_revalidate: bool = Field(False, description="a failing check runs the revalidation gate")

    @model_validator(mode="after")
    def _consistent(self) -> MonitorParams:
        if self.rare_share >= self.frequent_share:
            raise ValueError("monitor.rare_share must be below monitor.frequent_share")
        if self.sample_min > self.sample_max:
            raise ValueError("monitor.sample_min must not exceed monitor.sample_max")
        return self


class RevalidateParams(_Section):
    """Acceptance criteria of the revalidation gate (before promotion and once a year)."""

    cron: str = Field("0 6 15 1 *", description="schedule of the annual revalidation")
    max_age_days: int = Field(
        365, ge=1, description="a champion whose last passing gate is older is overdue"
    )
    sample: Literal["test", "synthetic", "file"] = Field(
        "test",
        description="'test' (held-out split), 'synthetic' (a fresh synthetic quarter) or "
        "'file' (gold_path)",
    )
    gold_path: str | None = Field(None, description="gold-sample file when sample is 'file'")
    min_micro_f1: float = 0.3
    min_macro_f1: float = 0.0
    min_map: float = 0.3
    max_drop_vs_champion: float = Field(0.05, ge=0)
    max_drop_vs_previous: float = Field(
        0.05, ge=0, description="micro-F1 drop vs the version's previous validation"
    )
    min_test_cases: int = Field(20, ge=1)
    min_chapter_recall: float = Field(0.3, ge=0, le=1, description="recall floor per chapter")
    chapter_min_cases: int = Field(
        20, ge=1, description="gold cases a chapter needs before its recall floor applies"
    )
    max_ece: float = Field(0.2, ge=0, le=1, description="expected calibration error cap")
    ece_min_suggestions: int = Field(
        50, ge=1, description="suggested codes needed before the calibration cap applies"
    )
    min_deid_recall: float = Field(0.95, ge=0, le=1, description="de-identification recall floor")
    deid_blocking: bool = Field(
        False, description="whether a low de-identification recall fails the gate (else warns)"
    )
    deid_report: str | None = Field(
        "reports/deid_heldout.json",
        description="JSON of the de-identification benchmark (relative to the project root)",
    )
    deid_sample_notes: int = Field(
        20, ge=0, description="annotated notes measured when no benchmark JSON exists (0: skip)"
    )
    bootstrap_samples: int = Field(500, ge=0)
    confidence: float = Field(0.95, gt=0, lt=1)
    seed: int = 2026


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
    max_body_bytes: int = Field(
        2_000_000, ge=1000, description="largest request body accepted (413 above)"
    )
    runtime: Literal["auto", "torch", "onnx"] = Field(
        "auto", description="model runtime: ONNX Runtime when the model has an export ('auto')"
    )
    ssl_certfile: str | None = Field(None, description="PEM certificate: serve HTTPS")
    ssl_keyfile: str | None = Field(None, description="PEM private key of ssl_certfile")


class ServersParams(_Section):
    """Addresses of the shared servers; null keeps the embedded, one-machine default.

    Environment variables win over these keys (see ``clinicode/servers.py``).
    """

    prefect_api_url: str | None = Field(
        None, description="Prefect server API, e.g. http://127.0.0.1:4200/api (null: ephemeral)"
    )
    mlflow_tracking_uri: str | None = Field(
        None, description="MLflow tracking server or database URI (null: the workspace SQLite)"
    )
    mlflow_backend_store: str | None = Field(
        None, description="database behind the MLflow server (for backup and restore)"
    )
    artifact_root: str | None = Field(
        None, description="artifact root of new experiments: a folder or s3://bucket/prefix"
    )
    audit_url: str | None = Field(
        None, description="SQLAlchemy URL of the audit log (null: the workspace SQLite)"
    )
    dask_address: str | None = Field(
        None, description="Dask scheduler for partitioned work (null: a local cluster)"
    )


class DeployParams(_Section):
    """Prefect deployments made by ``clinicode deploy`` (schedules of the other sections)."""

    work_pool: str = Field("clinicode", min_length=1, description="work pool the runs go to")
    work_pool_type: str = Field(
        "process", min_length=1, description="type of a pool created by deploy (process, ...)"
    )
    train_cron: str | None = Field(None, description="optional training schedule (null: on demand)")
    approval_timeout_s: int = Field(
        7 * 24 * 3600, ge=60, description="how long a promotion waits for the approval form"
    )


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
    servers: ServersParams = ServersParams()
    deploy: DeployParams = DeployParams()


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
