"""Lexical match of a note against each code's ICD-10-CM text: how much of the text it covers.

The embedding match compares a clause with a description as a whole; this one counts words.
A code's score is the IDF-weighted share of its description's content words (stop words and
ICD filler such as "unspecified" dropped, words cut to a 6-letter stem) that occur in the
affirmed part of the note. Negated words carry the ``neg_`` prefix of
``training.evidence.mark_negations`` and never match. It is a re-ranker feature, and a source
of candidates among codes never seen in training.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z][a-z0-9_]+")
# Words of ICD-10-CM titles that say nothing about the condition itself.
_FILLER = frozenset(
    "unspecified other specified elsewhere classified nos site sites part parts type due "
    "without with mention condition conditions stated".split()
)
STEM_CHARS = 6


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _FILLER


def content_stems(text: str, stop: frozenset[str]) -> list[str]:
    """Lower-cased content words of ``text`` cut to ``STEM_CHARS`` letters."""
    words = _WORD.findall(text.lower())
    return [w[:STEM_CHARS] for w in words if len(w) > 2 and w not in stop]


class DescriptionLexicon:
    """Stems of every code text, IDF-weighted, each code's weights summing to one.

    Args:
        stems: The vocabulary, one stem per column of ``weights``.
        weights: ``(labels, stems)`` sparse weights.
    """

    def __init__(self, stems: Sequence[str], weights: sp.csr_matrix) -> None:
        self.stems = list(stems)
        self.stem2index = {stem: i for i, stem in enumerate(self.stems)}
        self.weights = sp.csr_matrix(weights, dtype=np.float32)
        self._stop = _stop_words()

    @classmethod
    def build(cls, code_texts: Sequence[str]) -> DescriptionLexicon:
        """The lexicon of ``code_texts`` (one text per label, in label order)."""
        stop = _stop_words()
        per_code = [sorted(set(content_stems(text, stop))) for text in code_texts]
        stems = sorted({stem for code in per_code for stem in code})
        index = {stem: i for i, stem in enumerate(stems)}
        rows = np.repeat(np.arange(len(per_code)), [len(code) for code in per_code])
        columns = np.asarray([index[s] for code in per_code for s in code], dtype=np.int64)
        present = sp.csr_matrix((np.ones(len(columns), np.float32), (rows, columns)),
                                shape=(len(per_code), len(stems)))  # fmt: skip
        frequency = np.asarray(present.sum(axis=0)).ravel()
        idf = np.log((len(per_code) + 1.0) / (frequency + 1.0)) + 1.0
        weighted = sp.csr_matrix(present.multiply(idf[None, :]))
        totals = np.maximum(np.asarray(weighted.sum(axis=1)).ravel(), 1e-12)
        return cls(stems, sp.diags(1.0 / totals) @ weighted)

    def coverage(self, marked_notes: Sequence[str]) -> np.ndarray:
        """``(notes, labels)`` share of each code's weighted stems present in each note.

        Args:
            marked_notes: Notes passed through ``mark_negations``.
        """
        rows, columns = [], []
        for row, note in enumerate(marked_notes):
            found = {self.stem2index.get(s) for s in content_stems(note, self._stop)}
            found.discard(None)
            rows += [row] * len(found)
            columns += sorted(found)
        present = sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, columns)),
            shape=(len(marked_notes), len(self.stems)),
        )
        return np.asarray((present @ self.weights.T).todense(), dtype=np.float32)
