"""Coding metrics on sets of codes and on ranked code lists.

Set metrics (precision, recall, F1) judge the codes a coder is shown; ranking metrics (P@k, MAP)
judge the order of the whole list. MAP follows the CodiEsp-D definition: per case, the average of
precision@i over the ranks i that hold a gold code, divided by the number of gold codes; then the
mean over cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def code_counts(
    gold: Sequence[Iterable[str]], suggested: Sequence[Iterable[str]]
) -> dict[str, dict[str, int]]:
    """True positives, false positives and false negatives per code.

    Args:
        gold: Gold code sets, one per case.
        suggested: Suggested code sets, aligned with ``gold``.

    Returns:
        ``code -> {"tp", "fp", "fn", "support"}`` for every code in gold or suggestions.
    """
    if len(gold) != len(suggested):
        raise ValueError(f"gold has {len(gold)} cases but suggestions have {len(suggested)}")
    counts: dict[str, Counter] = {}
    for gold_codes, suggested_codes in zip(gold, suggested, strict=True):
        g, s = set(gold_codes), set(suggested_codes)
        for code in g | s:
            c = counts.setdefault(code, Counter())
            c["tp"] += code in g and code in s
            c["fp"] += code in s and code not in g
            c["fn"] += code in g and code not in s
            c["support"] += code in g
    return {
        code: {k: int(c[k]) for k in ("tp", "fp", "fn", "support")} for code, c in counts.items()
    }


def set_metrics(
    gold: Sequence[Iterable[str]], suggested: Sequence[Iterable[str]]
) -> dict[str, float]:
    """Micro and macro precision, recall and F1 of suggested code sets.

    Macro averages run over the codes that occur in the gold standard, so a code that is never
    gold and never suggested does not inflate the average.
    """
    counts = code_counts(gold, suggested)
    tp = sum(c["tp"] for c in counts.values())
    fp = sum(c["fp"] for c in counts.values())
    fn = sum(c["fn"] for c in counts.values())
    micro = _prf(tp, fp, fn)
    gold_codes = [c for c in counts.values() if c["support"] > 0]
    per = [_prf(c["tp"], c["fp"], c["fn"]) for c in gold_codes]
    n = len(per) or 1
    return {
        "micro_precision": micro["precision"],
        "micro_recall": micro["recall"],
        "micro_f1": micro["f1"],
        "macro_precision": sum(p["precision"] for p in per) / n,
        "macro_recall": sum(p["recall"] for p in per) / n,
        "macro_f1": sum(p["f1"] for p in per) / n,
    }


def precision_at_k(gold: Iterable[str], ranked: Sequence[str], k: int) -> float:
    """Share of the top ``k`` ranked codes that are gold (denominator ``k``)."""
    g = set(gold)
    return sum(code in g for code in ranked[:k]) / k


def average_precision(gold: Iterable[str], ranked: Sequence[str]) -> float:
    """CodiEsp-D average precision of one case's ranking (0 when the case has no gold code)."""
    g = set(gold)
    if not g:
        return 0.0
    hits, total = 0, 0.0
    for rank, code in enumerate(ranked, start=1):
        if code in g:
            hits += 1
            total += hits / rank
    return total / len(g)


def ranking_metrics(
    gold: Sequence[Iterable[str]], ranked: Sequence[Sequence[str]], k: int = 5
) -> dict[str, float]:
    """Mean P@k and MAP over cases."""
    if len(gold) != len(ranked):
        raise ValueError(f"gold has {len(gold)} cases but rankings have {len(ranked)}")
    n = len(gold) or 1
    return {
        f"p_at_{k}": sum(precision_at_k(g, r, k) for g, r in zip(gold, ranked, strict=True)) / n,
        "map": sum(average_precision(g, r) for g, r in zip(gold, ranked, strict=True)) / n,
    }


@cache
def chapter_of(code: str) -> str:
    """ICD-10-CM chapter of a code, e.g. ``'E11.9' -> 'Chapter 4'``; ``'unknown'`` if invalid."""
    import simple_icd_10_cm as cm  # heavy import (2 s): only when a chapter is needed

    if not cm.is_valid_item(code):
        return "unknown"
    for ancestor in [code, *cm.get_ancestors(code)]:
        if cm.is_chapter(ancestor):
            return f"Chapter {ancestor}"
    return "unknown"


def category_of(code: str) -> str:
    """Three-character category of a code (``'E11.9' -> 'E11'``)."""
    return code.replace(".", "")[:3]


def per_code_metrics(
    gold: Sequence[Iterable[str]], suggested: Sequence[Iterable[str]]
) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and counts per code, sorted by descending support."""
    counts = code_counts(gold, suggested)
    rows = {code: {**c, **_prf(c["tp"], c["fp"], c["fn"])} for code, c in counts.items()}
    return dict(sorted(rows.items(), key=lambda kv: (-kv[1]["support"], kv[0])))


def per_chapter_metrics(
    gold: Sequence[Iterable[str]], suggested: Sequence[Iterable[str]]
) -> dict[str, dict[str, float]]:
    """Micro precision, recall and F1 of the code decisions within each ICD-10-CM chapter."""
    grouped: dict[str, Counter] = {}
    for code, c in code_counts(gold, suggested).items():
        agg = grouped.setdefault(chapter_of(code), Counter())
        for key in ("tp", "fp", "fn", "support"):
            agg[key] += c[key]
    return {
        chapter: {**{k: int(v) for k, v in agg.items()}, **_prf(agg["tp"], agg["fp"], agg["fn"])}
        for chapter, agg in sorted(grouped.items())
    }


def to_categories(code_lists: Sequence[Iterable[str]]) -> list[list[str]]:
    """Map code lists to 3-character categories, keeping rank order and dropping repeats."""
    return [list(dict.fromkeys(category_of(c) for c in codes)) for codes in code_lists]


def evaluate_codes(
    gold: Sequence[Iterable[str]],
    suggested: Sequence[Iterable[str]],
    ranked: Sequence[Sequence[str]],
    k: int = 5,
) -> dict[str, float]:
    """All summary metrics: set metrics of the suggestions plus ranking metrics."""
    gold_lists = [list(g) for g in gold]
    return {
        **set_metrics(gold_lists, suggested),
        **ranking_metrics(gold_lists, ranked, k),
        "n_cases": float(len(gold_lists)),
    }


def unseen_recall(
    gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], seen: Iterable[str]
) -> float:
    """Share of gold occurrences of codes absent from ``seen`` (training) that were predicted.

    Args:
        gold: Gold codes per case.
        predicted: Suggested (or ranked) codes per case, aligned with ``gold``.
        seen: Codes of the training notes.

    Returns:
        Recall over the unseen occurrences; 0.0 when there is none.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} cases but predictions have {len(predicted)}")
    known = set(seen)
    hits = total = 0
    for gold_codes, predicted_codes in zip(gold, predicted, strict=True):
        found = set(predicted_codes)
        for code in set(gold_codes) - known:
            total += 1
            hits += code in found
    return hits / total if total else 0.0
