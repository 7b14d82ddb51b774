"""Assembly benchmark: notes per second and peak memory at several corpus sizes.

Usage::

    python benchmarks/assemble.py --notes 10000 100000 [--batch-size 1000] [--workers 0]
    python benchmarks/assemble.py --notes 10000 100000 --without-deid
    python benchmarks/assemble.py --notes 10000 100000 --bookkeeping

Each size runs in a fresh child process (so one size's memory never inflates the next), which
generates a synthetic corpus (``CorpusParams.n_patients`` sized to the wanted note count) and
runs ``assemble_from_source`` end to end: pass 1 (codes per patient, split), pass 2 (generate,
de-identify, check, GX per batch, Arrow writes), the dataset metadata and the reports.
Generation is part of the timing (it streams, as a real source would), so notes/s is a lower
bound.

Memory is the **RSS high-water mark** of the child (``resource.getrusage(...).ru_maxrss``),
reported whole and minus the RSS measured after the imports (the libraries' own footprint).
The figure to watch is the ratio of the largest to the smallest size: flat memory means ~1.
Only counts and timings are printed, never note text.

``--without-deid`` runs the same assembly with a stand-in de-identifier that pseudonymises the
ids and masks every letter, digit and "@" of the text (so the residual-PHI gate passes): everything
but the detector and its caches, at about 1,000 notes/s instead of 30, so 100k notes take
minutes. ``--bookkeeping`` measures with ``tracemalloc``, in one process per size, what the
per-patient and per-note structures of both passes take: the layout assembly used before
(a set of code strings per patient, a dense patients x codes matrix for ``iterstrat``, sets and
dicts of pseudonyms) against the compact one of ``training.splitting``, on the same notes.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinicode.schema import NoteRecord
from training.deid import Deidentifier

if TYPE_CHECKING:
    from clinicode.config import AssembleParams

logger = logging.getLogger("benchmarks.assemble")
# Mean notes per patient of the generator with max_notes_per_patient=2 (1 or 2, uniform).
NOTES_PER_PATIENT = 1.5
_WORD = re.compile(r"[\w@]")  # "@" too: masked e-mail addresses would still match
_MB = 1024 * 1024


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


class MaskingDeidentifier(Deidentifier):
    """Stand-in for memory runs: keyed pseudonyms for the ids, word characters and "@" masked.

    The texts keep their length and layout, so checks, GX, Arrow writes and the residual-PHI
    gate run on realistic rows; only the detector (and its caches) is left out.
    """

    def deidentify(self, record: NoteRecord) -> NoteRecord:
        return replace(
            record,
            note_id=self.pseudonym("note", record.note_id),
            patient_id=self.pseudonym("patient", record.patient_id),
            case_id=self.pseudonym("case", record.case_id),
            text=_WORD.sub("x", record.text),
            identifiers={},
        )


def _child(n_notes: int, batch_size: int, workers: int, without_deid: bool) -> dict:
    """Assemble ``n_notes`` synthetic notes in this process; figures as a dict."""
    from clinicode.config import AssembleParams, CorpusParams
    from training.assemble import assemble_from_source
    from training.deid import DEMO_KEY
    from validation.expectations import is_valid_code

    is_valid_code("I10")  # load the code tables before the baseline is taken
    baseline = _rss_mb()
    corpus = CorpusParams(n_patients=max(1, round(n_notes / NOTES_PER_PATIENT)), seed=5)
    params = AssembleParams(batch_size=batch_size, workers=workers)
    deidentifier = (MaskingDeidentifier if without_deid else Deidentifier)(DEMO_KEY)
    with tempfile.TemporaryDirectory(prefix="clinicode-bench-") as tmp:
        start = time.perf_counter()
        manifest = assemble_from_source(
            params, corpus, deidentifier, Path(tmp) / "dataset", Path(tmp) / "reports"
        )
        seconds = time.perf_counter() - start
    peak = _rss_mb()
    return {
        "notes": manifest["rows"],
        "patients": manifest["patients"],
        "seconds": round(seconds, 1),
        "notes_per_s": round(manifest["rows"] / seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_above_imports_mb": round(peak - baseline, 1),
    }


# --- Bookkeeping: the layout before (reference) and the compact one, on the same notes --------


def plain_split(
    patient_codes: dict[str, set[str]], fractions: dict[str, float], seed: int
) -> dict[str, str]:
    """The patient split as assembly computed it before the compact layout: the reference.

    A copy of the code sets, a dense bool matrix patients x codes and ``iterstrat``'s
    ``IterativeStratification``; an empty split takes the donor patient with fewest codes.
    ``training.splitting`` must give the same assignment (``tests/test_splitting.py``).
    """
    import numpy as np
    from iterstrat.ml_stratifiers import IterativeStratification

    splits = [name for name, share in fractions.items() if share > 0]
    codes_of = {patient: set(codes) for patient, codes in patient_codes.items()}
    patients = sorted(codes_of)
    code2index = {code: i for i, code in enumerate(sorted(set().union(*codes_of.values())))}
    labels = np.zeros((len(patients), max(len(code2index), 1)), dtype=bool)
    for row, patient in enumerate(patients):
        labels[row, [code2index[c] for c in codes_of[patient]]] = True
    shares = np.array([fractions[name] for name in splits], dtype=float)
    folds = IterativeStratification(labels, shares, np.random.RandomState(seed))
    assignment = {patient: splits[fold] for patient, fold in zip(patients, folds, strict=True)}
    if len(assignment) < len(splits):
        return assignment
    for name in splits:
        members = Counter(assignment.values())
        if members[name]:
            continue
        donor = max(splits, key=lambda split: members[split])
        in_donor = [patient for patient, split in assignment.items() if split == donor]
        assignment[min(in_donor, key=lambda p: (len(codes_of[p]), p))] = name
    return assignment


def _note_keys(n_notes: int) -> list[tuple[str, str, list[str]]]:
    """(note id, patient id, codes) of the synthetic notes; generated before tracing starts."""
    from clinicode.config import CorpusParams
    from training.corpus import generate_corpus

    corpus = CorpusParams(n_patients=max(1, round(n_notes / NOTES_PER_PATIENT)), seed=5)
    return [(r.note_id, r.patient_id, r.codes) for r in generate_corpus(corpus)]


def _fresh(notes: list[tuple[str, str, list[str]]]) -> Iterator[NoteRecord]:
    """Records built anew for each pass, as a streaming source yields them (new strings)."""
    for note_id, patient_id, codes in notes:
        yield NoteRecord(
            note_id=note_id.encode().decode(),
            patient_id=patient_id.encode().decode(),
            case_id="",
            text="",
            codes=[code.encode().decode() for code in codes],
        )


def _pseudonyms(record: NoteRecord, deid: Deidentifier) -> tuple[str, str]:
    """The note and patient pseudonyms pass 2 checks, as de-identification makes them."""
    return deid.pseudonym("note", record.note_id), deid.pseudonym("patient", record.patient_id)


def _before(
    records: Callable[[], Iterable[NoteRecord]], params: AssembleParams, deid: Deidentifier
) -> Iterator[str]:
    """The structures of the earlier layout: code sets, dense split, sets and dicts of strings."""
    from training.sources import normalise_code
    from validation.expectations import is_valid_code

    codes: dict[str, set[str]] = {}
    for record in records():
        found = codes.setdefault(record.patient_id, set())
        found.update(c for c in map(normalise_code, record.codes) if is_valid_code(c))
    assignment = plain_split(codes, params.split_fractions, params.seed)
    del codes
    yield "pass 1 and split"
    seen: set[str] = set()
    patient_split: dict[str, str] = {}
    per_split: dict[str, set[str]] = {name: set() for name in params.split_fractions}
    for record in records():
        note, patient = _pseudonyms(record, deid)
        if note in seen:
            raise ValueError("duplicate note")
        seen.add(note)
        split = assignment[record.patient_id]
        patient_split.setdefault(patient, split)
        per_split[split].add(patient)
    yield "pass 2 checks"


def _after(
    records: Callable[[], Iterable[NoteRecord]], params: AssembleParams, deid: Deidentifier
) -> Iterator[str]:
    """The compact structures, built by the functions assembly itself calls."""
    from training.assemble import _split_assignment
    from training.splitting import DigestIndex

    assignment = _split_assignment(lambda on_bad: records(), params)
    yield "pass 1 and split"
    seen, patient_split = DigestIndex(), DigestIndex()
    for record in records():
        note, patient = _pseudonyms(record, deid)
        if note in seen:
            raise ValueError("duplicate note")
        seen.setdefault(note, 0)
        split = assignment.names.index(assignment.get(record.patient_id))
        patient_split.setdefault(patient, split)
    yield "pass 2 checks"


def _traced(
    layout: Callable, notes: list, params: AssembleParams, deid: Deidentifier
) -> dict[str, float]:
    """Peak and kept traced memory (MB) of each stage of one layout."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    figures = {}
    for stage in layout(lambda: _fresh(notes), params, deid):
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        figures[f"{stage}: peak MB"] = round((peak - base) / _MB, 2)
        figures[f"{stage}: kept MB"] = round((current - base) / _MB, 2)
        tracemalloc.reset_peak()
    tracemalloc.stop()
    return figures


def _bookkeeping(n_notes: int) -> dict:
    """Traced memory of both layouts on the same synthetic notes."""
    # Modules imported before tracing starts: their import is not counted.
    import iterstrat.ml_stratifiers  # noqa: F401

    import training.assemble  # noqa: F401
    from clinicode.config import AssembleParams
    from training.deid import DEMO_KEY
    from validation.expectations import is_valid_code

    is_valid_code("I10")
    notes = _note_keys(n_notes)
    params, deid = AssembleParams(), Deidentifier(DEMO_KEY)
    logging.getLogger("training").setLevel(logging.WARNING)
    out: dict[str, Any] = {"notes": len(notes), "patients": len({n[1] for n in notes})}
    for name, layout in (("before", _before), ("after", _after)):
        out[name] = _traced(layout, notes, params, deid)
    return out


# --- Driver ------------------------------------------------------------------------------------


def _run_size(n_notes: int, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--child", str(n_notes), "--batch-size"]
    command += [str(args.batch_size), "--workers", str(args.workers)]
    command += ["--without-deid"] * args.without_deid + ["--bookkeeping"] * args.bookkeeping
    # stderr passes through: progress bars and errors stay visible.
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print_assembly(results: list[dict]) -> None:
    print(f"{'notes':>8} {'seconds':>8} {'notes/s':>8} {'peak RSS MB':>12} {'above imports':>14}")
    for r in results:
        print(
            f"{r['notes']:>8} {r['seconds']:>8} {r['notes_per_s']:>8} {r['peak_rss_mb']:>12} "
            f"{r['peak_rss_above_imports_mb']:>14}"
        )
    if len(results) > 1:
        ratio = results[-1]["peak_rss_mb"] / results[0]["peak_rss_mb"]
        above = results[-1]["peak_rss_above_imports_mb"] / max(
            results[0]["peak_rss_above_imports_mb"], 1
        )
        print(
            f"peak RSS ratio {results[-1]['notes']} / {results[0]['notes']} notes: {ratio:.2f} "
            f"(above imports: {above:.2f})"
        )


def _print_bookkeeping(results: list[dict]) -> None:
    stages = list(results[0]["before"])
    print(f"{'notes':>8} {'patients':>8} {'layout':>7} " + " ".join(f"{s:>28}" for s in stages))
    for r in results:
        for name in ("before", "after"):
            figures = " ".join(f"{r[name][s]:>28}" for s in stages)
            print(f"{r['notes']:>8} {r['patients']:>8} {name:>7} {figures}")
    for r in results:
        kept = r["after"][stages[-1]] / max(r["before"][stages[-1]], 1e-9)
        print(f"{r['notes']} notes: after / before, memory kept through pass 2: {kept:.3f}")
    if len(results) > 1:
        first, last = results[0], results[-1]
        for name in ("before", "after"):
            growth = last[name][stages[-1]] - first[name][stages[-1]]
            per_note = growth * _MB / max(last["notes"] - first["notes"], 1)
            print(
                f"{name}: kept through pass 2 grows {growth:.2f} MB from {first['notes']} to "
                f"{last['notes']} notes ({per_note:.1f} bytes a note)"
            )


def main() -> None:
    """Parse flags, run each size in a child process, print the figures and the memory ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument(
        "--without-deid",
        action="store_true",
        help="stand-in de-identifier (ids pseudonymised, text masked): everything but the detector",
    )
    parser.add_argument(
        "--bookkeeping",
        action="store_true",
        help="tracemalloc of the per-patient and per-note structures, before and after layouts",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.bookkeeping:
            print(json.dumps(_bookkeeping(args.child)))
        else:
            figures = _child(args.child, args.batch_size, args.workers, args.without_deid)
            print(json.dumps(figures))
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = []
    for n_notes in args.notes:
        logger.info("about %d synthetic notes...", n_notes)
        results.append(_run_size(n_notes, args))
        logger.info("%s", json.dumps(results[-1]))
    (_print_bookkeeping if args.bookkeeping else _print_assembly)(results)


if __name__ == "__main__":
    main()
