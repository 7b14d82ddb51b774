"""Note segments with character offsets, negation scopes, and evidence spans.

A note is cut into sentences, and each sentence into affirmed and negated clauses. Only affirmed
clauses are matched against code descriptions, so "no evidence of pneumonia" never supports
J18.9; for the TF-IDF features, words inside a negation scope get a ``neg_`` prefix and become
features of their own. The scope rules are a small NegEx-like subset: a trigger ("no", "denies",
"negative for", "ruled out"...) opens a scope that runs to the end of the sentence or to a
contrast word ("but", "however"...). Offsets always index the original note string, so the
evidence spans returned with a prediction can be highlighted in it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

logger = logging.getLogger(__name__)

# Sentence boundaries: white space after ., ! or ?, or a line break ("3.5 mg" is not one).
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
_PRE_TRIGGER = re.compile(
    r"\b(?:no evidence of|no signs? of|negative for|free of|absence of|rules? out|denie[sd]|"
    r"without|not|no)\b",
    re.IGNORECASE,
)
_POST_TRIGGER = re.compile(
    r"\b(?:(?:was|were|is|are|been) (?:ruled out|excluded|negative|absent))\b", re.IGNORECASE
)
_SCOPE_END = re.compile(r"\b(?:but|however|although|though|except|yet)\b|[;:]", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# Clauses longer than this are cut at a space: an embedding of a whole page says little.
MAX_SEGMENT_CHARS = 400
NEGATION_PREFIX = "neg_"


class Segment(NamedTuple):
    """A clause of a note: ``note[start:end]``, affirmed or inside a negation scope."""

    start: int
    end: int
    negated: bool


def _negated_ranges(sentence: str) -> list[tuple[int, int]]:
    """Character ranges of ``sentence`` that lie inside a negation scope."""
    ranges = []
    for match in _PRE_TRIGGER.finditer(sentence):
        end = _SCOPE_END.search(sentence, match.end())
        ranges.append((match.start(), end.start() if end else len(sentence)))
    for match in _POST_TRIGGER.finditer(sentence):
        before = [m.end() for m in _SCOPE_END.finditer(sentence, 0, match.start())]
        ranges.append((before[-1] if before else 0, match.end()))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _cut(start: int, end: int, negated: bool, note: str) -> list[Segment]:
    """Split ``note[start:end]`` at spaces into pieces of at most ``MAX_SEGMENT_CHARS``."""
    pieces = []
    while end - start > MAX_SEGMENT_CHARS:
        space = note.rfind(" ", start, start + MAX_SEGMENT_CHARS)
        cut = space if space > start else start + MAX_SEGMENT_CHARS
        pieces.append(Segment(start, cut, negated))
        start = cut + 1
    pieces.append(Segment(start, end, negated))
    return pieces


def _trimmed(note: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without surrounding white space and punctuation."""
    while start < end and not note[start].isalnum():
        start += 1
    while end > start and not note[end - 1].isalnum():
        end -= 1
    return start, end


def _sentences(note: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of the note."""
    spans, start = [], 0
    for boundary in _BOUNDARY.finditer(note):
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(note)))
    return [(a, b) for a, b in spans if b > a]


def split_segments(note: str) -> list[Segment]:
    """Affirmed and negated clauses of a note, in order, with offsets into ``note``.

    Args:
        note: The note text.

    Returns:
        Non-empty segments; ``note[s.start:s.end]`` is the clause text.
    """
    segments: list[Segment] = []
    for base, stop in _sentences(note):
        text, cursor = note[base:stop], 0
        for neg_start, neg_end in [*_negated_ranges(text), (len(text), len(text))]:
            for a, b, negated in ((cursor, neg_start, False), (neg_start, neg_end, True)):
                start, end = _trimmed(note, base + a, base + b)
                if end > start:
                    segments.extend(_cut(start, end, negated, note))
            cursor = neg_end
    return segments


def mark_negations(note: str, segments: Sequence[Segment] | None = None) -> str:
    """The note with every word inside a negation scope prefixed by ``neg_``.

    Used as the text the TF-IDF features are computed on: "no pneumonia" then yields the
    feature ``neg_pneumonia``, which the classifier can weigh apart from ``pneumonia``.
    """
    parts, cursor = [], 0
    for segment in segments if segments is not None else split_segments(note):
        if not segment.negated:
            continue
        parts.append(note[cursor : segment.start])
        scope = note[segment.start : segment.end]
        parts.append(_WORD.sub(lambda m: NEGATION_PREFIX + m.group(), scope))
        cursor = segment.end
    parts.append(note[cursor:])
    return "".join(parts)


def affirmed(segments: Sequence[Segment]) -> list[Segment]:
    """The segments outside negation scopes."""
    return [segment for segment in segments if not segment.negated]


def evidence_spans(
    similarities: np.ndarray, segments: Sequence[Segment], top_n: int, min_score: float
) -> list[dict[str, float | int]]:
    """The segments that best support one code.

    Args:
        similarities: ``(segments,)`` cosine similarity of each segment to the code's text.
        segments: The segments, aligned with ``similarities``.
        top_n: Most spans returned.
        min_score: Spans below this similarity are left out, except the best one.

    Returns:
        ``[{"start", "end", "score"}]``, best first; empty when there is no segment.
    """
    if len(segments) == 0:
        return []
    order = np.argsort(-similarities, kind="stable")[:top_n]
    spans = []
    for rank, index in enumerate(order):
        score = float(similarities[index])
        if rank and score < min_score:
            break
        segment = segments[index]
        spans.append({"start": int(segment.start), "end": int(segment.end), "score": score})
    return spans
