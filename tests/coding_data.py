"""Tiny synthetic coded notes for model, training and evaluation tests.

Each code is signalled by one of its phrases; some notes also carry a negated mention of a code
that is not gold ("denies ...", "no evidence of ..."), so that a model must read context.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from clinicode import schema

CODE_PHRASES = {
    "E11.9": ("type 2 diabetes", "diabetes mellitus type 2", "T2DM on metformin"),
    "I10": ("hypertension", "high blood pressure", "essential hypertension"),
    "J18.9": ("pneumonia", "community acquired pneumonia", "lobar infiltrate, pneumonia"),
    "N39.0": ("urinary tract infection", "UTI", "cystitis with positive urine culture"),
    "J45.909": ("asthma", "reactive airway disease", "asthma with wheeze"),
    "F32.9": ("depression", "major depressive disorder", "depressed mood, depression"),
}
FILLER = (
    "Patient seen in clinic today.",
    "Vital signs reviewed and stable.",
    "Medication list reconciled with the patient.",
    "Follow up in four weeks was arranged.",
    "Labs were drawn this morning.",
    "The plan was discussed and questions answered.",
    "Physical examination otherwise unremarkable.",
)
NEGATIONS = ("denies {}", "no evidence of {}", "negative for {}")
SPLIT_SIZES = {"train": 36, "validation": 12, "test": 12}
FAKE_DIGEST = "f" * 64


def make_note(rng: random.Random, codes: list[str], n_filler: int = 4) -> str:
    """One note mentioning each gold code and, sometimes, negating another code."""
    sentences = rng.sample(FILLER, k=min(n_filler, len(FILLER)))
    sentences += [f"Assessment: {rng.choice(CODE_PHRASES[code])}." for code in codes]
    others = [code for code in CODE_PHRASES if code not in codes]
    if others and rng.random() < 0.3:
        negated = rng.choice(CODE_PHRASES[rng.choice(others)])
        sentences.append(rng.choice(NEGATIONS).format(negated).capitalize() + ".")
    rng.shuffle(sentences)
    return " ".join(sentences)


def make_rows(n: int, seed: int, split: str) -> list[dict]:
    """``n`` dataset rows with 1-3 gold codes each."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        codes = sorted(rng.sample(sorted(CODE_PHRASES), k=rng.randint(1, 3)))
        rows.append(
            {
                schema.NOTE_ID: f"{split}-{i}",
                schema.PATIENT_ID: f"p-{split}-{i // 2}",
                schema.CASE_ID: f"c-{split}-{i}",
                schema.NOTE_TYPE: "progress note",
                schema.SPECIALTY: rng.choice(["internal medicine", "family medicine"]),
                schema.NOTE_DATE: "2026-02-01",
                schema.QUARTER: rng.choice(["2026Q1", "2026Q2"]),
                schema.TEXT: make_note(rng, codes),
                schema.GOLD_CODES: codes,
            }
        )
    return rows


def write_dataset(folder: Path, sizes: dict[str, int] | None = None, seed: int = 7) -> Path:
    """Save a ``DatasetDict`` with train/validation/test splits and its ``manifest.json``."""
    import pandas as pd
    from datasets import Dataset, DatasetDict

    splits = {}
    for offset, (split, n) in enumerate((sizes or SPLIT_SIZES).items()):
        frame = pd.DataFrame(make_rows(n, seed + offset, split))
        splits[split] = Dataset.from_pandas(frame, preserve_index=False)
    DatasetDict(splits).save_to_disk(str(folder))
    manifest = {"digest": FAKE_DIGEST, "source": "synthetic-test"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder
