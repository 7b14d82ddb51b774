"""Data-parallel fine-tuning across processes (several GPUs, or CPU processes for tests).

Launch any training entry point with ``torchrun`` and each process becomes one rank::

    torchrun --standalone --nproc_per_node 4 -m clinicode.cli stage train

``torchrun`` sets ``WORLD_SIZE``, ``RANK`` and ``LOCAL_RANK``; ``context()`` then joins the
process group (NCCL when CUDA is present, Gloo on CPU), and the training loop shards each
epoch's length-bucketed batches over the ranks and averages the gradients after every backward
pass, so every rank holds the same weights after every step. Rank 0 alone writes checkpoints,
logs to MLflow and registers the model. Without ``WORLD_SIZE`` (the default) nothing here does
anything and training stays the single-process CPU loop.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import torch

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """This process's place in the run: rank, number of ranks, and its torch device."""

    rank: int = 0
    world_size: int = 1
    device: str = "cpu"

    @property
    def is_main(self) -> bool:
        """True for the rank that writes checkpoints, logs and registers (rank 0)."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """True when more than one rank trains."""
        return self.world_size > 1

    def shard(self, batches: Sequence[T]) -> list[T]:
        """This rank's share of an epoch's batches, every rank getting the same number.

        The list is padded by repeating its first batches (as ``DistributedSampler`` pads its
        indices), since a rank with one step fewer would leave the others waiting in the
        gradient all-reduce.
        """
        if not self.distributed or not batches:
            return list(batches)
        per_rank = -(-len(batches) // self.world_size)  # ceil
        padded = [batches[i % len(batches)] for i in range(per_rank * self.world_size)]
        return padded[self.rank :: self.world_size]

    def steps_per_epoch(self, n_batches: int) -> int:
        """Optimizer steps each rank takes per epoch (for the learning-rate schedule)."""
        return -(-n_batches // self.world_size)

    def average_gradients(self, parameters: Iterable[torch.nn.Parameter]) -> None:
        """Replace each gradient by its mean over the ranks (no-op in one process)."""
        if not self.distributed:
            return
        import torch.distributed as dist

        for parameter in parameters:
            if parameter.grad is not None:
                dist.all_reduce(parameter.grad, op=dist.ReduceOp.SUM)
                parameter.grad.div_(self.world_size)

    def total(self, value: float) -> float:
        """Sum of ``value`` over the ranks (loss and note counts for the epoch log)."""
        if not self.distributed:
            return value
        import torch.distributed as dist

        tensor = torch.tensor([value], dtype=torch.float64, device=self.device)
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return float(tensor.item())

    def barrier(self) -> None:
        """Wait for every rank (no-op in one process)."""
        if self.distributed:
            import torch.distributed as dist

            dist.barrier()


@lru_cache(maxsize=1)
def context() -> Context:
    """This process's context; joins the process group once when ``WORLD_SIZE`` > 1.

    Raises:
        RuntimeError: ``WORLD_SIZE`` is set but ``RANK`` or ``LOCAL_RANK`` is not (a launcher
            other than ``torchrun`` must set all three, plus ``MASTER_ADDR``/``MASTER_PORT``).
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return Context(device=default_device())
    try:
        rank, local_rank = int(os.environ["RANK"]), int(os.environ["LOCAL_RANK"])
    except KeyError as exc:
        raise RuntimeError(f"WORLD_SIZE={world_size} but {exc.args[0]} is not set") from exc
    import torch.distributed as dist

    if torch.cuda.is_available():
        torch.cuda.set_device(local_rank)
        device, backend = f"cuda:{local_rank}", "nccl"
    else:
        device, backend = "cpu", "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend=backend)
    logger.info("rank %d of %d on %s (%s)", rank, world_size, device, backend)
    return Context(rank, world_size, device)


def default_device() -> str:
    """The device of a single-process run: the first GPU when there is one, else the CPU."""
    return "cuda:0" if torch.cuda.is_available() else "cpu"
