"""Held-out de-identification benchmark: the project's detector against Presidio's defaults.

Usage::

    python benchmarks/deid.py --n 1000 --seed 7 [--set {a,b,c,d,e,f,g,h,both}]
        [--out reports/deid.json]

Both systems see the same held-out notes in the same process. There are eight held-out sets:
set A (``benchmarks/phi_heldout.py``), whose misses have since been used to improve the
detector, and set B (``benchmarks/phi_heldout_b.py``), written blind after that. Each set gets
its own report. Set C (``benchmarks/phi_heldout_c.py``, twelve other note families) was written
blind on 2026-12-03, after A and B had been used for tuning. Set D
(``benchmarks/phi_heldout_d.py``, sixteen further families) was written blind after A, B and C
had all been used for tuning. Set E (``benchmarks/phi_heldout_e.py``, sixteen new families) was
written blind after the fourth tuning round, on 2026-12-04, once D had been used too. Set F
(``benchmarks/phi_heldout_f.py``, sixteen more families) was written blind on 2026-12-04, after the
fifth tuning round, once E had been used too. Set G (``benchmarks/phi_heldout_g.py``, sixteen new
families) was written blind on 2026-12-04, after the sixth tuning round. Set H
(``benchmarks/phi_heldout_h.py``, sixteen new families) was written blind on 2026-12-04, after set
G had been measured once and before the seventh tuning round, and measured once after that round
(see ``benchmarks/README.md``); G is now a tuning set.
Scoring:

* A gold span is **caught** when the union of the detected spans (of any type: a wrong label
  still removes the text) covers at least ``--coverage`` (default 90%) of its characters.
  Recall = caught / gold, per PHI type, over ``STRUCTURED_TYPES`` and overall.
* **Token recall**: gold tokens (``\\w+`` runs) whose characters are all covered.
* **Precision** over detected spans: a detected span that overlaps no gold span is a false
  positive. Per type, detected spans are grouped by the type the system gave them.
* **Eponym retention**: share of ``keep_spans`` ("Wilson disease") overlapped by no detection.
* **Throughput**: wall-clock seconds of detection only, after one warm-up note per system. The
  notes are timed in chunks, alternating which system goes first, so load from other processes
  on a shared machine falls on both systems alike.
* **Residual PHI**: the full ``Deidentifier.deidentify`` path runs on every note, and each gold
  value still present in the output (exact, whole-word) counts as a residual.

No note text or identifier value is logged or written: only counts and rates.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

try:
    from benchmarks.phi_heldout import FAMILIES, generate_heldout
    from benchmarks.phi_heldout_b import FAMILIES_B, generate_heldout_b
    from benchmarks.phi_heldout_c import FAMILIES_C, generate_heldout_c
    from benchmarks.phi_heldout_d import FAMILIES_D, generate_heldout_d
    from benchmarks.phi_heldout_e import FAMILIES_E, generate_heldout_e
    from benchmarks.phi_heldout_f import FAMILIES_F, generate_heldout_f
    from benchmarks.phi_heldout_g import FAMILIES_G, generate_heldout_g
    from benchmarks.phi_heldout_h import FAMILIES_H, generate_heldout_h
except ImportError:  # run as ``python benchmarks/deid.py``: the script's folder is on sys.path
    from phi_heldout import FAMILIES, generate_heldout
    from phi_heldout_b import FAMILIES_B, generate_heldout_b
    from phi_heldout_c import FAMILIES_C, generate_heldout_c
    from phi_heldout_d import FAMILIES_D, generate_heldout_d
    from phi_heldout_e import FAMILIES_E, generate_heldout_e
    from phi_heldout_f import FAMILIES_F, generate_heldout_f
    from phi_heldout_g import FAMILIES_G, generate_heldout_g
    from phi_heldout_h import FAMILIES_H, generate_heldout_h

from clinicode.schema import NoteRecord
from training.phi.types import PHI_TYPES, STRUCTURED_TYPES, AnnotatedNote, PhiSpan

logger = logging.getLogger(__name__)

Detector = Callable[[str, dict[str, str] | None], list[PhiSpan]]

COVERAGE = 0.9  # share of a gold span's characters that detections must cover to catch it
TARGET_RECALL = 0.995
TARGET_STRUCTURED_RECALL = 1.0
TARGET_EPONYM_RETENTION = 1.0
WARMUP_NOTES = 1
TIMING_CHUNKS = 10

_TOKEN = re.compile(r"\w+")
# Held-out set name -> (note generator, family names).
HELDOUT_SETS: dict[str, tuple[Callable[[int, int], list[AnnotatedNote]], list[str]]] = {
    "a": (generate_heldout, sorted(FAMILIES)),
    "b": (generate_heldout_b, sorted(FAMILIES_B)),
    "c": (generate_heldout_c, sorted(FAMILIES_C)),
    "d": (generate_heldout_d, sorted(FAMILIES_D)),
    "e": (generate_heldout_e, sorted(FAMILIES_E)),
    "f": (generate_heldout_f, sorted(FAMILIES_F)),
    "g": (generate_heldout_g, sorted(FAMILIES_G)),
    "h": (generate_heldout_h, sorted(FAMILIES_H)),
}


# Scoring
def merge_intervals(spans: Sequence[PhiSpan]) -> list[tuple[int, int]]:
    """Union of the spans as sorted, disjoint ``(start, end)`` intervals; empty spans dropped."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((s.start, s.end) for s in spans if s.end > s.start):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covered_chars(intervals: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """Number of characters of ``[start, end)`` inside the disjoint ``intervals``."""
    return sum(max(0, min(end, b) - max(start, a)) for a, b in intervals)


def is_caught(
    gold: PhiSpan, intervals: Sequence[tuple[int, int]], coverage: float = COVERAGE
) -> bool:
    """Whether detections cover at least ``coverage`` of the gold span's characters."""
    length = gold.end - gold.start
    return length > 0 and covered_chars(intervals, gold.start, gold.end) >= coverage * length


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass
class Tally:
    """Counts accumulated over notes for one system; ``summary`` turns them into rates."""

    gold: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    tokens: Counter[str] = field(default_factory=Counter)
    tokens_caught: Counter[str] = field(default_factory=Counter)
    detected: Counter[str] = field(default_factory=Counter)
    detected_true: Counter[str] = field(default_factory=Counter)
    family_gold: Counter[str] = field(default_factory=Counter)
    family_caught: Counter[str] = field(default_factory=Counter)
    keep_total: int = 0
    keep_kept: int = 0

    def add(self, note: AnnotatedNote, detected: Sequence[PhiSpan], coverage: float) -> None:
        """Score one note's detected spans against its gold and keep spans."""
        intervals = merge_intervals(detected)
        for gold in note.spans:
            caught = is_caught(gold, intervals, coverage)
            self.gold[gold.phi_type] += 1
            self.caught[gold.phi_type] += caught
            self.family_gold[note.family] += 1
            self.family_caught[note.family] += caught
            for token in _TOKEN.finditer(note.text, gold.start, gold.end):
                self.tokens[gold.phi_type] += 1
                full = covered_chars(intervals, token.start(), token.end()) == len(token.group())
                self.tokens_caught[gold.phi_type] += full
        for span in detected:
            if span.end <= span.start:
                continue
            self.detected[span.phi_type] += 1
            self.detected_true[span.phi_type] += any(
                _overlaps(span.start, span.end, g.start, g.end) for g in note.spans
            )
        self.keep_total += len(note.keep_spans)
        self.keep_kept += sum(
            not any(_overlaps(a, b, s.start, s.end) for s in detected) for a, b in note.keep_spans
        )

    def summary(self) -> dict:
        """Recall, token recall and precision per type and overall; eponym retention."""
        types = [t for t in PHI_TYPES if self.gold[t] or self.detected[t]]
        types += sorted(t for t in self.detected if t not in PHI_TYPES)
        structured_gold = sum(self.gold[t] for t in STRUCTURED_TYPES)
        return {
            "per_type": {
                t: {
                    "gold": self.gold[t],
                    "recall": _rate(self.caught[t], self.gold[t]),
                    "token_recall": _rate(self.tokens_caught[t], self.tokens[t]),
                    "detected": self.detected[t],
                    "precision": _rate(self.detected_true[t], self.detected[t]),
                }
                for t in types
            },
            "recall": _rate(sum(self.caught.values()), sum(self.gold.values())),
            "token_recall": _rate(sum(self.tokens_caught.values()), sum(self.tokens.values())),
            "precision": _rate(sum(self.detected_true.values()), sum(self.detected.values())),
            "structured_recall": _rate(
                sum(self.caught[t] for t in STRUCTURED_TYPES), structured_gold
            ),
            "eponym_retention": _rate(self.keep_kept, self.keep_total),
            "per_family_recall": {
                f: _rate(self.family_caught[f], self.family_gold[f]) for f in self.family_gold
            },
        }


def _rate(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator``, or None when there is nothing to divide (no gold, no hits)."""
    return numerator / denominator if denominator else None


# Running detectors
def run_detectors(
    detectors: dict[str, Detector], notes: Sequence[AnnotatedNote], chunks: int = TIMING_CHUNKS
) -> tuple[dict[str, list[list[PhiSpan]]], dict[str, float]]:
    """Detected spans per system and note, and detection seconds per system.

    Each system first runs on ``WARMUP_NOTES`` untimed note(s) (lazy loading, caches). The notes
    are then timed chunk by chunk, the systems taking turns to go first, so that background load
    on a shared machine is spread over both.

    Args:
        detectors: System name -> ``detect(text, identifiers)``.
        notes: The notes.
        chunks: Number of timing chunks.

    Returns:
        ``(spans, seconds)``: ``spans[name][i]`` are the spans of note ``i``; ``seconds[name]``
        the wall-clock detection time over all notes.
    """
    names = list(detectors)
    for name in names:
        for note in notes[:WARMUP_NOTES]:
            detectors[name](note.text, dict(note.identifiers))
    spans: dict[str, list[list[PhiSpan]]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    size = max(1, -(-len(notes) // max(1, chunks)))
    for index, begin in enumerate(range(0, len(notes), size)):
        chunk = notes[begin : begin + size]
        order = names if index % 2 == 0 else names[::-1]
        for name in order:
            started = time.perf_counter()
            found = [detectors[name](note.text, dict(note.identifiers)) for note in chunk]
            seconds[name] += time.perf_counter() - started
            spans[name].extend(found)
    return spans, seconds


def _whole_word(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(value)}(?!\w)")


_AGE_CLASS = re.compile(r"(?<!\w)90\+")


def residual_counts(note: AnnotatedNote, output_text: str) -> Counter[str]:
    """Gold PHI values still present in a de-identified text, counted per PHI type.

    A value may also occur in the note as non-PHI ("92" as a blood pressure and as an age); such
    occurrences are assumed to survive, so only occurrences beyond them count as residual.

    Args:
        note: The annotated input note.
        output_text: Its de-identified text.

    Returns:
        Residual count per PHI type (zero counts dropped). Never the values themselves.
    """
    by_value: dict[str, list[str]] = defaultdict(list)
    for span in note.spans:
        by_value[note.text[span.start : span.end]].append(span.phi_type)
    residual: Counter[str] = Counter()
    # "90+" is the Safe Harbor class every age over 89 becomes: it does not leak an age of 90.
    without_age_class = _AGE_CLASS.sub(" ", output_text)
    for value, types in by_value.items():
        pattern = _whole_word(value)
        non_phi = len(pattern.findall(note.text)) - len(types)
        output = without_age_class if "AGE" in types else output_text
        left = min(len(types), max(0, len(pattern.findall(output)) - max(0, non_phi)))
        residual.update(types[:left])
    return +residual


def deidentify_residuals(deid: object, notes: Sequence[AnnotatedNote]) -> dict:
    """Run ``deid.deidentify`` on every note and measure residual gold PHI per type."""
    gold: Counter[str] = Counter(s.phi_type for note in notes for s in note.spans)
    residual: Counter[str] = Counter()
    for index, note in enumerate(notes):
        record = NoteRecord(
            note_id=f"heldout-{index}",
            patient_id=note.patient_id,
            case_id=f"case-{index}",
            text=note.text,
            codes=[],
            identifiers=dict(note.identifiers),
        )
        residual += residual_counts(note, deid.deidentify(record).text)
    return {
        "per_type": {t: _rate(residual[t], gold[t]) for t in PHI_TYPES if gold[t]},
        "residual_spans": sum(residual.values()),
        "rate": _rate(sum(residual.values()), sum(gold.values())),
    }


# The two systems
def ours_detector(deid: object) -> tuple[str, Detector]:
    """The project's detector, ``Deidentifier.detect``, with its label.

    Args:
        deid: A ``training.deid.Deidentifier``.

    Returns:
        ``(label, detect)``.
    """
    return "Deidentifier.detect", lambda text, ids: list(deid.detect(text, identifiers=ids))


def build_presidio_analyzer(workdir: Path) -> tuple[object, str]:
    """Presidio's predefined recognizers over a blank spaCy pipeline saved under ``workdir``.

    Returns:
        ``(analyzer, source)``.
    """
    from training.phi.engine import presidio_default_analyzer

    return presidio_default_analyzer(cache_dir=workdir), "project presidio_default_analyzer()"


def presidio_detector(analyzer: object, threshold: float) -> Detector:
    """``detect`` over a Presidio analyzer; the record's identifiers are not used."""
    from training.phi.engine import PRESIDIO_TO_PHI

    def detect(text: str, identifiers: dict[str, str] | None) -> list[PhiSpan]:
        results = analyzer.analyze(text=text, language="en", score_threshold=threshold)
        return [
            PhiSpan(r.start, r.end, PRESIDIO_TO_PHI.get(r.entity_type, "OTHER")) for r in results
        ]

    return detect


# Report
def _throughput(seconds: float, notes: Sequence[AnnotatedNote]) -> dict:
    chars = sum(len(note.text) for note in notes)
    return {
        "seconds": seconds,
        "notes_per_s": len(notes) / seconds if seconds else None,
        "chars_per_s": chars / seconds if seconds else None,
    }


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours is not None and theirs else None


def evaluate_targets(ours: dict, presidio: dict, residual: dict | None) -> dict[str, bool]:
    """Which benchmark targets the project's detector meets."""
    targets = {
        f"recall >= {TARGET_RECALL:.1%}": (ours["recall"] or 0.0) >= TARGET_RECALL,
        "structured recall = 100%": (ours["structured_recall"] or 0.0) >= TARGET_STRUCTURED_RECALL,
        "eponym retention = 100%": (ours["eponym_retention"] or 0.0) >= TARGET_EPONYM_RETENTION,
        "throughput >= Presidio": (ours["throughput"]["notes_per_s"] or 0.0)
        >= (presidio["throughput"]["notes_per_s"] or 0.0),
    }
    if residual is not None:
        targets["no residual PHI after deidentify"] = residual["residual_spans"] == 0
    return targets


def build_report(
    notes: Sequence[AnnotatedNote],
    systems: dict[str, dict],
    residual: dict | None,
    config: dict,
    families: Sequence[str] | None = None,
) -> dict:
    """The JSON report: corpus counts, per-system scores, ratios ours/presidio and targets.

    ``families`` are the held-out set's family names (default: set A's).
    """
    ours, presidio = systems["ours"], systems["presidio"]
    gold = Counter(s.phi_type for note in notes for s in note.spans)
    return {
        "config": config,
        "corpus": {
            "notes": len(notes),
            "chars": sum(len(note.text) for note in notes),
            "families": sorted(FAMILIES) if families is None else list(families),
            "gold_spans": dict(gold),
            "keep_spans": sum(len(note.keep_spans) for note in notes),
        },
        "systems": systems,
        "ratio_ours_over_presidio": {
            metric: _ratio(ours[metric], presidio[metric])
            for metric in ("recall", "token_recall", "precision", "structured_recall")
        }
        | {
            "notes_per_s": _ratio(
                ours["throughput"]["notes_per_s"], presidio["throughput"]["notes_per_s"]
            )
        },
        "residual_after_deidentify": residual,
        "targets": evaluate_targets(ours, presidio, residual),
    }


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def format_table(report: dict) -> str:
    """A plain-text table of the report for the terminal."""
    ours, presidio = report["systems"]["ours"], report["systems"]["presidio"]
    residual = report["residual_after_deidentify"] or {"per_type": {}}
    lines = [
        f"ours = {ours['label']}; presidio = {presidio['label']}",
        f"{'type':<9}{'gold':>6} | {'ours R':>7}{'tokR':>7}{'P':>7} | "
        f"{'pres R':>7}{'tokR':>7}{'P':>7} | {'residual':>8}",
    ]
    types = list(dict.fromkeys([*ours["per_type"], *presidio["per_type"]]))
    for phi_type in types:
        row_ours = ours["per_type"].get(phi_type, {})
        row_pres = presidio["per_type"].get(phi_type, {})
        gold = row_ours.get("gold", row_pres.get("gold", 0))
        lines.append(
            f"{phi_type:<9}{gold:>6} | {_pct(row_ours.get('recall')):>7}"
            f"{_pct(row_ours.get('token_recall')):>7}{_pct(row_ours.get('precision')):>7} | "
            f"{_pct(row_pres.get('recall')):>7}{_pct(row_pres.get('token_recall')):>7}"
            f"{_pct(row_pres.get('precision')):>7} | {_pct(residual['per_type'].get(phi_type)):>8}"
        )
    for metric in ("recall", "token_recall", "precision", "structured_recall", "eponym_retention"):
        lines.append(f"{metric:<18} ours {_pct(ours[metric])}   presidio {_pct(presidio[metric])}")
    for system in (ours, presidio):
        speed = system["throughput"]
        lines.append(
            f"throughput {system['label']}: {speed['notes_per_s'] or 0:.1f} notes/s, "
            f"{speed['chars_per_s'] or 0:,.0f} chars/s"
        )
    families = ours["per_family_recall"]
    lines.append(
        "recall per family (ours / presidio): "
        + ", ".join(
            f"{f} {_pct(families[f]).strip()}/{_pct(presidio['per_family_recall'][f]).strip()}"
            for f in families
        )
    )
    for target, met in report["targets"].items():
        lines.append(f"target {target}: {'MET' if met else 'NOT MET'}")
    return "\n".join(lines)


def _score_system(
    label: str,
    notes: Sequence[AnnotatedNote],
    found: Sequence[Sequence[PhiSpan]],
    seconds: float,
    coverage: float,
) -> dict:
    """One system's summary (rates per type, eponyms, families) and throughput."""
    tally = Tally()
    for note, detected in zip(notes, found, strict=True):
        tally.add(note, detected, coverage)
    logger.info("%s: %.1f s of detection over %d notes", label, seconds, len(notes))
    return {"label": label, **tally.summary(), "throughput": _throughput(seconds, notes)}


def run_benchmark(
    n: int,
    seed: int,
    coverage: float = COVERAGE,
    presidio_threshold: float = 0.35,
    heldout_set: str = "a",
) -> dict:
    """Generate held-out notes, score both systems and the deidentify path; the JSON report.

    Args:
        n: Number of held-out notes.
        seed: Seed of the note generator.
        coverage: Share of a gold span's characters that must be covered to count it caught.
        presidio_threshold: Presidio's ``score_threshold``.
        heldout_set: Which held-out set, a key of ``HELDOUT_SETS``.

    Returns:
        The report (see ``build_report``).

    Raises:
        ValueError: ``heldout_set`` is not a key of ``HELDOUT_SETS``.
    """
    if heldout_set not in HELDOUT_SETS:
        raise ValueError(f"heldout_set must be one of {sorted(HELDOUT_SETS)}, got {heldout_set!r}")
    # tldextract (Presidio's email recognizer) fetches a suffix list over the network unless
    # told not to; set before anything imports it. Its cache goes to a folder of this run.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    os.environ.setdefault("TLDEXTRACT_CACHE", tempfile.mkdtemp(prefix="deid-bench-tldextract-"))
    from training.deid import Deidentifier, load_key

    generate, families = HELDOUT_SETS[heldout_set]
    notes = generate(n, seed)
    gold = sum(len(x.spans) for x in notes)
    logger.info("set %s: %d held-out notes (%d gold spans)", heldout_set.upper(), n, gold)
    deid = Deidentifier(load_key(allow_demo_key=True))
    label, ours = ours_detector(deid)
    with tempfile.TemporaryDirectory(prefix="deid-bench-") as workdir:
        analyzer, source = build_presidio_analyzer(Path(workdir))
        presidio = presidio_detector(analyzer, presidio_threshold)
        spans, seconds = run_detectors({"ours": ours, "presidio": presidio}, notes)
    labels = {
        "ours": label,
        "presidio": f"Presidio defaults, {source}, threshold {presidio_threshold}",
    }
    systems = {
        name: _score_system(labels[name], notes, found, seconds[name], coverage)
        for name, found in spans.items()
    }
    residual = deidentify_residuals(deid, notes)
    config = {
        "heldout_set": heldout_set,
        "n": n,
        "seed": seed,
        "coverage": coverage,
        "presidio_threshold": presidio_threshold,
    }
    return build_report(notes, systems, residual, config, families)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of held-out notes")
    parser.add_argument("--seed", type=int, default=7, help="seed of the note generator")
    parser.add_argument(
        "--set",
        dest="heldout_set",
        choices=(*HELDOUT_SETS, "both"),
        default="both",
        help="held-out set: a to g (each used for tuning since), h (written blind last), or both "
        "(every set), reported separately",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="also write the JSON report here (with --set both: an object keyed by set)",
    )
    parser.add_argument(
        "--coverage", type=float, default=COVERAGE, help="share of a gold span to cover (0-1]"
    )
    parser.add_argument(
        "--presidio-threshold", type=float, default=0.35, help="Presidio score_threshold"
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"--n must be at least 1, got {args.n}")
    if not 0.0 < args.coverage <= 1.0:
        parser.error(f"--coverage must be in (0, 1], got {args.coverage}")
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, dict]:
    """Command-line entry point: print each set's JSON report and table; the reports by set."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)  # per-call warnings
    names = list(HELDOUT_SETS) if args.heldout_set == "both" else [args.heldout_set]
    reports = {}
    for name in names:
        report = run_benchmark(args.n, args.seed, args.coverage, args.presidio_threshold, name)
        print(f"=== held-out set {name.upper()} ===")
        print(json.dumps(report, indent=2))
        print(format_table(report))
        reports[name] = report
    if args.out is not None:
        # One set: its report, in the format it always had; both: the reports keyed by set.
        written = reports[names[0]] if len(names) == 1 else reports
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
        logger.info("wrote %s", args.out)
    return reports


if __name__ == "__main__":
    main(sys.argv[1:])
