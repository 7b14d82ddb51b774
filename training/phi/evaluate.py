"""Detection scores per PHI type and throughput, of our de-identifier and of Presidio's defaults.

A gold span counts as found when every letter and digit of it lies inside some detected span (of
any type: for de-identification, replaced is what matters). A detected span counts as correct
when it overlaps a gold span. Eponyms (``keep_spans``) are retained when no detected span touches
them. ``python -m training.phi.evaluate --notes 500`` scores every synthetic family;
``--held-out`` scores only ``synth.SELF_HELD_OUT`` (train the tagger with ``--hold-out`` first, or
the figures are tuning figures).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable

from training.phi.types import AnnotatedNote, PhiSpan

Detector = Callable[[str], list[PhiSpan]]


def score_spans(notes: list[AnnotatedNote], detected: list[list[PhiSpan]]) -> dict[str, dict]:
    """Recall per gold type, precision per detected type and eponym retention.

    Args:
        notes: Annotated notes.
        detected: Detected spans of each note, in the same order.

    Returns:
        ``{"recall": {type: r}, "precision": {type: p}, "eponyms_kept": share, "counts": ...}``.
    """
    found, gold, correct, predicted = Counter(), Counter(), Counter(), Counter()
    kept = keep_total = 0
    for note, spans in zip(notes, detected, strict=True):
        covered = bytearray(len(note.text))
        for span in spans:
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
            predicted[span.phi_type] += 1
            correct[span.phi_type] += any(
                g.start < span.end and span.start < g.end for g in note.spans
            )
        for span in note.spans:
            gold[span.phi_type] += 1
            found[span.phi_type] += all(
                covered[i] for i in range(span.start, span.end) if note.text[i].isalnum()
            )
        for start, end in note.keep_spans:
            keep_total += 1
            kept += not any(covered[start:end])
    return {
        "recall": {t: found[t] / gold[t] for t in sorted(gold)},
        "precision": {t: correct[t] / predicted[t] for t in sorted(predicted)},
        "eponyms_kept": kept / keep_total if keep_total else 1.0,
        "counts": {"gold": dict(gold), "predicted": dict(predicted)},
    }


def timed(detector: Detector, notes: list[AnnotatedNote]) -> tuple[list[list[PhiSpan]], float]:
    """Detected spans of every note and the seconds it took."""
    started = time.perf_counter()
    spans = [detector(note.text) for note in notes]
    return spans, time.perf_counter() - started


def presidio_detector(analyzer) -> Detector:
    """Presidio results mapped to our types (``engine.PRESIDIO_TO_PHI``; others dropped)."""
    from training.phi.engine import PRESIDIO_TO_PHI

    def detect(text: str) -> list[PhiSpan]:
        results = analyzer.analyze(text, language="en")
        return [
            PhiSpan(r.start, r.end, PRESIDIO_TO_PHI[r.entity_type])
            for r in results
            if r.entity_type in PRESIDIO_TO_PHI
        ]

    return detect


def _print(name: str, scores: dict, seconds: float, notes: list[AnnotatedNote]) -> None:
    chars = sum(len(n.text) for n in notes)
    print(f"\n== {name}: {len(notes) / seconds:.0f} notes/s, {chars / seconds:,.0f} chars/s")
    print(f"eponyms kept: {scores['eponyms_kept']:.3f}")
    types = sorted(set(scores["recall"]) | set(scores["precision"]))
    print(f"{'type':10} {'recall':>7} {'precision':>9} {'gold':>6} {'detected':>8}")
    for t in types:
        recall, precision = scores["recall"].get(t), scores["precision"].get(t)
        print(
            f"{t:10} {'-' if recall is None else f'{recall:.3f}':>7} "
            f"{'-' if precision is None else f'{precision:.3f}':>9} "
            f"{scores['counts']['gold'].get(t, 0):>6} {scores['counts']['predicted'].get(t, 0):>8}"
        )


def main(argv: list[str] | None = None) -> None:
    """Score our de-identifier and Presidio's defaults on the same synthetic notes."""
    from training.deid import Deidentifier
    from training.phi.engine import presidio_default_analyzer
    from training.phi.synth import SELF_HELD_OUT, generate_annotated

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7, help="not the tagger's training seed")
    parser.add_argument("--cache-dir", default=None, help="blank spaCy pipeline folder")
    parser.add_argument("--tagger", default="packaged", help="'packaged' or a tagger .npz path")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--held-out", action="store_true", help="only synth.SELF_HELD_OUT")
    group.add_argument("--families", nargs="+", default=None, help="names of synth.FAMILIES")
    args = parser.parse_args(argv)
    families = list(SELF_HELD_OUT) if args.held_out else args.families
    notes = generate_annotated(args.notes, seed=args.seed, families=families)
    from clinicode.config import DeidParams

    params = DeidParams(cache_dir=args.cache_dir, tagger=args.tagger)
    ours = Deidentifier(b"evaluation-only-key-0123456789", params)
    baseline = presidio_detector(presidio_default_analyzer(args.cache_dir))
    ours.detect(notes[0].text), baseline(notes[0].text)  # warm up both engines
    for name, detector in (("clinicode Deidentifier", ours.detect), ("Presidio default", baseline)):
        spans, seconds = timed(detector, notes)
        _print(name, score_spans(notes, spans), seconds, notes)


if __name__ == "__main__":
    main()
