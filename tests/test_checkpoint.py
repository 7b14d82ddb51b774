"""Training tests: per-epoch checkpoints resume an interrupted fine-tuning exactly, and
``torchrun`` with two CPU ranks (Gloo) trains one model on both ranks.

Real MiniLM on tiny notes, as in ``test_model.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from coding_data import make_rows

from clinicode.config import TrainParams
from training import model as model_module
from training.checkpoint import CHECKPOINT_FILE, fingerprint, load_checkpoint, save_checkpoint
from training.distributed import Context
from training.model import fit_transformer

TINY = TrainParams(
    max_length=64, epochs=3, batch_size=8, threads=1, top_k=4, head_learning_rate=2e-2
)
KEYS = ("train_loss", "val_micro_f1")


def _split(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    return [r["text"] for r in rows], [r["codes"] for r in rows]


@pytest.fixture(scope="module")
def notes() -> dict[str, tuple[list[str], list[list[str]]]]:
    return {
        "train": _split(make_rows(24, 1, "train")),
        "validation": _split(make_rows(8, 2, "validation")),
        "test": _split(make_rows(8, 3, "test")),
    }


class Crash(RuntimeError):
    """The interruption the test injects."""


@pytest.mark.slow
def test_interrupted_run_resumes_to_the_same_model(notes, tmp_path, monkeypatch) -> None:
    reference, history = fit_transformer(TINY, *notes["train"], *notes["validation"])

    # The run dies in epoch 3, after the checkpoint of epoch 2 was written.
    folder = tmp_path / "checkpoints"
    real_epoch = model_module._TrainingState.run_epoch

    def dies_in_epoch_3(self, epoch: int) -> dict:
        if epoch == 3:
            raise Crash("killed")
        return real_epoch(self, epoch)

    monkeypatch.setattr(model_module._TrainingState, "run_epoch", dies_in_epoch_3)
    with pytest.raises(Crash):
        fit_transformer(TINY, *notes["train"], *notes["validation"], checkpoint_dir=folder)
    saved = load_checkpoint(folder, _key(notes))
    assert saved is not None and saved["epoch"] == 2

    # The rerun starts at epoch 3 and ends where the uninterrupted run ended.
    ran: list[int] = []

    def counts(self, epoch: int) -> dict:
        ran.append(epoch)
        return real_epoch(self, epoch)

    monkeypatch.setattr(model_module._TrainingState, "run_epoch", counts)
    resumed, resumed_history = fit_transformer(
        TINY, *notes["train"], *notes["validation"], checkpoint_dir=folder
    )
    assert ran == [3]
    assert [[h[k] for k in KEYS] for h in resumed_history] == [
        [h[k] for k in KEYS] for h in history
    ]
    texts = notes["test"][0]
    np.testing.assert_allclose(
        resumed.predict_scores(texts), reference.predict_scores(texts), rtol=0, atol=1e-6
    )
    assert resumed.threshold == reference.threshold
    assert not (folder / CHECKPOINT_FILE).exists()  # a finished run removes its checkpoint


def _key(notes) -> str:
    from training.model import build_label_space

    labels = build_label_space(notes["train"][1], TINY.min_code_count)
    return fingerprint(TINY.model_dump(), labels, *notes["train"])


def test_checkpoint_of_other_settings_or_data_is_ignored(notes, tmp_path, caplog) -> None:
    key = _key(notes)
    save_checkpoint(tmp_path, {"fingerprint": key, "epoch": 1, "history": []})
    assert load_checkpoint(tmp_path, key)["epoch"] == 1
    other = fingerprint(TINY.model_dump(), ["I10"], *notes["train"])
    assert load_checkpoint(tmp_path, other) is None
    assert "other settings or data" in caplog.text
    # Thread count changes speed only: same fingerprint.
    faster = TINY.model_copy(update={"threads": 2}).model_dump()
    labels = ["E11.9"]
    assert fingerprint(faster, labels, *notes["train"]) == fingerprint(
        TINY.model_dump(), labels, *notes["train"]
    )


def test_half_written_checkpoint_is_ignored(tmp_path, caplog) -> None:
    (tmp_path / CHECKPOINT_FILE).write_bytes(b"\x80\x02 not a checkpoint")
    assert load_checkpoint(tmp_path, "any") is None
    assert "unreadable" in caplog.text


@pytest.mark.parametrize(
    ("n_batches", "world", "shares"),
    [
        (5, 1, [[0, 1, 2, 3, 4]]),
        (4, 2, [[0, 2], [1, 3]]),
        (5, 2, [[0, 2, 4], [1, 3, 0]]),  # padded by repeating the first batch
        (1, 3, [[0], [0], [0]]),
    ],
)
def test_batches_are_shared_evenly_over_ranks(n_batches, world, shares) -> None:
    batches = list(range(n_batches))
    got = [Context(rank, world).shard(batches) for rank in range(world)]
    assert got == shares
    assert {len(s) for s in got} == {Context(0, world).steps_per_epoch(n_batches)}


WORKER = """
import json, sys
sys.path.insert(0, {tests!r})
from coding_data import make_rows
from clinicode.config import TrainParams
from training.distributed import context
from training.model import fit_transformer

rows = lambda n, seed, split: [(r["text"], r["codes"]) for r in make_rows(n, seed, split)]
train, val = rows(24, 1, "train"), rows(8, 2, "validation")
params = TrainParams.model_validate_json({params!r})
model, history = fit_transformer(params, *zip(*train), *zip(*val))
ranks = context()
scores = model.predict_scores([t for t, _ in rows(8, 3, "test")])
out = {{"rank": ranks.rank, "world": ranks.world_size, "history": history,
        "scores": scores.round(6).tolist(), "threshold": model.threshold}}
open({out!r} + f"/rank{{ranks.rank}}.json", "w").write(json.dumps(out))
"""


@pytest.mark.slow
def test_torchrun_with_two_cpu_ranks_trains_one_model(tmp_path) -> None:
    script = tmp_path / "worker.py"
    tests = str(Path(__file__).parent)
    script.write_text(WORKER.format(tests=tests, params=TINY.model_dump_json(), out=str(tmp_path)))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CLINICODE_TORCH_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node", "2", str(script)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]

    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["world"] for r in ranks] == [2, 2]
    # Averaged gradients keep the ranks in step: the same model on both.
    assert ranks[0]["scores"] == ranks[1]["scores"]
    assert ranks[0]["threshold"] == ranks[1]["threshold"]
    history = ranks[0]["history"]
    assert len(history) == TINY.epochs
    assert history[-1]["train_loss"] < history[0]["train_loss"]
