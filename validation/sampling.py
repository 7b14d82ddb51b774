"""How many gold-coded cases to review, which ones, and how uncertain the figures from them are.

Three pieces, each small enough to check by hand:

* :func:`sample_size`: cases needed so that a two-sided interval on micro-F1 is no wider than
  ``ci_width``, from the normal approximation ``n = z² σ² / (w / 2)²``.
* :func:`draw_sample`: a stratified draw (note type x specialty, proportional allocation) of that
  many cases from a quarter's pool, with the plan and its seed returned for the record.
* :func:`bootstrap_f1`: percentile bootstrap intervals of F1, precision and recall for any
  grouping of code decisions (per code, chapter, frequency bucket or case type). Cases are
  resampled, not code decisions, because the codes of one note are not independent.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy import sparse

from clinicode.schema import NOTE_TYPE, SPECIALTY

logger = logging.getLogger(__name__)

STRATA = (NOTE_TYPE, SPECIALTY)
# Bootstrap replicates are drawn in blocks so that memory stays near
# block x n_cases x 4 bytes (about 20 MB at 100,000 cases) whatever the number of replicates.
_BLOCK_CELLS = 5_000_000


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile, e.g. 1.96 for 0.95."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def sample_size(
    ci_width: float,
    confidence: float,
    assumed_f1: float,
    variance: float | None = None,
    minimum: int = 1,
    maximum: int | None = None,
) -> dict:
    """Cases needed for a ``confidence`` interval of micro-F1 no wider than ``ci_width``.

    The per-case variance defaults to the binomial ``f1 (1 - f1)``: conservative, since a note
    carries several code decisions whose average varies less than a single one.

    Returns:
        ``{"n", "unclamped", "z", "variance"}``; ``n`` is clamped to ``[minimum, maximum]``.
    """
    if not 0 < ci_width < 1:
        raise ValueError(f"ci_width must be in (0, 1), got {ci_width}")
    var = assumed_f1 * (1 - assumed_f1) if variance is None else variance
    z = z_value(confidence)
    unclamped = math.ceil(z * z * var / (ci_width / 2) ** 2)
    n = max(minimum, unclamped)
    if maximum is not None:
        n = min(maximum, n)
    return {"n": int(n), "unclamped": int(unclamped), "z": z, "variance": var}


def _strata_keys(frame: pd.DataFrame) -> pd.Series:
    parts = [frame[c].astype(str) if c in frame.columns else "unknown" for c in STRATA]
    return pd.Series([" | ".join(p) for p in zip(*parts, strict=True)], index=frame.index)


def _allocate(sizes: pd.Series, n: int) -> pd.Series:
    """Proportional allocation with largest remainders; every stratum keeps at least one case
    when ``n`` allows, so rare case types are never left out of the sample entirely."""
    quota = sizes / sizes.sum() * n
    alloc = np.floor(quota).astype(int).clip(upper=sizes)
    if n >= len(sizes):
        alloc = alloc.clip(lower=1)
    short = n - int(alloc.sum())
    order = (quota - np.floor(quota)).sort_values(ascending=False).index
    while short > 0:
        moved = False
        for key in order:
            if short and alloc[key] < sizes[key]:
                alloc[key] += 1
                short -= 1
                moved = True
        if not moved:
            break
    while short < 0:  # the at-least-one rule overshot: trim the largest strata
        key = alloc.idxmax()
        alloc[key] -= 1
        short += 1
    return alloc


def draw_sample(frame: pd.DataFrame, n: int, seed: int) -> tuple[pd.DataFrame, dict]:
    """Draw ``n`` cases stratified by note type and specialty.

    Args:
        frame: The quarter's pool of gold-coded cases.
        n: Planned sample size (see :func:`sample_size`).
        seed: Seed of the draw; recorded in the plan so the draw can be repeated.

    Returns:
        The sampled cases (original order kept) and the plan: ``seed``, ``planned``,
        ``available``, ``selected`` and ``strata`` (``{stratum: {"pool", "sample"}}``).
    """
    keys = _strata_keys(frame)
    sizes = keys.value_counts().sort_index()
    take = min(n, len(frame))
    if take < n:
        logger.warning("sampling plan wants %d cases but the pool holds %d; taking all", n, take)
    alloc = _allocate(sizes, take)
    rng = np.random.default_rng(seed)
    chosen: list = []
    for key in sizes.index:
        members = keys.index[keys == key].to_numpy()
        chosen.extend(rng.choice(members, int(alloc[key]), replace=False).tolist())
    sample = frame.loc[sorted(chosen)]
    plan = {
        "seed": int(seed),
        "planned": int(n),
        "available": int(len(frame)),
        "selected": int(len(sample)),
        "stratified_by": list(STRATA),
        "strata": {k: {"pool": int(sizes[k]), "sample": int(alloc[k])} for k in sizes.index},
    }
    return sample, plan


def decision_counts(
    gold: Sequence[Iterable[str]],
    suggested: Sequence[Iterable[str]],
    group_of: dict[str, str] | None = None,
    case_group: Sequence[str] | None = None,
) -> tuple[list[str], sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]:
    """True positives, false positives and false negatives per case and group.

    Exactly one of ``group_of`` (code -> group; codes missing from it are skipped) and
    ``case_group`` (one group per case, for case types) must be given.

    Returns:
        ``(groups, tp, fp, fn)``; the matrices are ``n_cases x n_groups`` counts.
    """
    if (group_of is None) == (case_group is None):
        raise ValueError("give exactly one of group_of and case_group")
    rows, cols, kinds = [], [], []
    for case, (g_codes, s_codes) in enumerate(zip(gold, suggested, strict=True)):
        g, s = set(g_codes), set(s_codes)
        for code in g | s:
            group = case_group[case] if case_group is not None else group_of.get(code)
            if group is None:
                continue
            rows.append(case)
            cols.append(group)
            kinds.append(0 if code in g and code in s else 1 if code in s else 2)
    groups = sorted(set(cols) | (set(case_group) if case_group is not None else set()))
    group2index = {name: i for i, name in enumerate(groups)}
    col_idx = np.fromiter((group2index[c] for c in cols), dtype=np.int64, count=len(cols))
    rows_arr, kinds_arr = np.asarray(rows, dtype=np.int64), np.asarray(kinds)
    shape = (len(gold), len(groups))
    mats = [
        sparse.csr_matrix(
            (
                np.ones(int((kinds_arr == k).sum()), dtype=np.float32),
                (rows_arr[kinds_arr == k], col_idx[kinds_arr == k]),
            ),
            shape=shape,
        )
        for k in range(3)
    ]
    return groups, mats[0], mats[1], mats[2]


def _ratios(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> dict[str, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    return {"precision": precision, "recall": recall, "f1": f1}


def bootstrap_f1(
    tp: sparse.spmatrix | np.ndarray,
    fp: sparse.spmatrix | np.ndarray,
    fn: sparse.spmatrix | np.ndarray,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, dict[str, np.ndarray]]:
    """Point estimates and percentile bootstrap intervals of F1, precision and recall per group.

    Each replicate draws ``n_cases`` cases with replacement; a case's weight is how often it
    was drawn, and every group's counts are the weighted sums (one sparse product per block of
    replicates, no Python loop over cases).

    Args:
        tp, fp, fn: ``n_cases x n_groups`` counts (see :func:`decision_counts`).
        n_boot: Replicates (0 gives point estimates with NaN bounds).
        confidence: Interval coverage.
        seed: Seed of the resampling (same seed and inputs, same interval).

    Returns:
        ``{"f1"|"precision"|"recall": {"point", "low", "high"}}``, arrays of length n_groups.
    """
    stacked = sparse.hstack([sparse.csr_matrix(m) for m in (tp, fp, fn)]).tocsc()
    n_cases, n_groups = stacked.shape[0], stacked.shape[1] // 3
    totals = np.asarray(stacked.sum(axis=0)).ravel()
    point = _ratios(*np.split(totals, 3))
    out = {
        k: {"point": v, "low": np.full(n_groups, np.nan), "high": np.full(n_groups, np.nan)}
        for k, v in point.items()
    }
    if n_boot <= 0 or n_cases == 0:
        return out
    rng = np.random.default_rng(seed)
    block = max(1, min(n_boot, _BLOCK_CELLS // max(n_cases, 1)))
    reps: dict[str, list[np.ndarray]] = {k: [] for k in point}
    for start in range(0, n_boot, block):
        b = min(block, n_boot - start)
        draws = rng.integers(0, n_cases, size=(b, n_cases))
        offsets = (np.arange(b) * n_cases)[:, None]
        weights = np.bincount((draws + offsets).ravel(), minlength=b * n_cases)
        weights = weights.reshape(b, n_cases).astype(np.float32)  # (b, n_cases)
        sums = np.asarray((stacked.T @ weights.T).T)  # (b, 3 * n_groups)
        for name, values in _ratios(*np.split(sums, 3, axis=1)).items():
            reps[name].append(values)
    alpha = (1 - confidence) / 2
    for name, parts in reps.items():
        values = np.vstack(parts)
        out[name]["low"] = np.quantile(values, alpha, axis=0)
        out[name]["high"] = np.quantile(values, 1 - alpha, axis=0)
    return out


def interval_table(
    groups: Sequence[str],
    tp: sparse.spmatrix,
    fp: sparse.spmatrix,
    fn: sparse.spmatrix,
    n_boot: int,
    confidence: float,
    seed: int,
) -> dict[str, dict]:
    """``group -> {f1, f1_low, f1_high, precision, recall, recall_low, recall_high, tp, fp,
    fn, support, n_cases}`` with bootstrap intervals."""
    stats = bootstrap_f1(tp, fp, fn, n_boot, confidence, seed)
    counts = {
        name: np.asarray(m.sum(axis=0)).ravel() for name, m in (("tp", tp), ("fp", fp), ("fn", fn))
    }
    touched = np.asarray(((tp + fp + fn) > 0).sum(axis=0)).ravel()
    table = {}
    for i, group in enumerate(groups):
        row = {
            "tp": int(counts["tp"][i]),
            "fp": int(counts["fp"][i]),
            "fn": int(counts["fn"][i]),
            "support": int(counts["tp"][i] + counts["fn"][i]),
            "n_cases": int(touched[i]),
        }
        for metric in ("f1", "precision", "recall"):
            row[metric] = float(stats[metric]["point"][i])
            if metric != "precision":
                row[f"{metric}_low"] = float(stats[metric]["low"][i])
                row[f"{metric}_high"] = float(stats[metric]["high"][i])
        table[str(group)] = row
    return table
