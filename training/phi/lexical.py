"""Rules that need the safe vocabulary: facility names by structure, initials and lower-case names.

A regex alone cannot tell "Bayfront Hospice" (a facility) from "Inpatient Hospice" (a service),
nor "-- K. Peters" (a sign-off) from "hepatitis B. Patient..." (two sentences): the word before
the suffix, or after the initial, must be outside the safe vocabulary (medical and common English
words) for the match to count. These rules run beside the tagger and use its vocabulary.
"""

from __future__ import annotations

import regex

from training.phi.patterns import CASE_SENSITIVE

# Suffixes that end a facility name; the words before them must include a proper name.
FACILITY_SUFFIXES = (
    "Hospital|Clinic|Center|Centre|Hospice|Infirmary|Institute|Regional|Family Practice|Practice|"
    "Pediatrics|Urgent Care|Nursing Home|Care Home|Senior Living|Assisted Living|Medical Group|"
    "Surgical Associates|Associates|Dialysis|Rehab|Rehabilitation|Health|Healthcare|Health System|"
    "Medical|Care|Home|Manor|Pharmacy|Sanatorium|Surgery Center|Imaging|Laboratories|Lab"
)
_WORD = r"\p{Lu}[\p{L}'’.-]*\p{L}"
_FACILITY = regex.compile(
    rf"\b(?P<head>{_WORD}(?:[ \t]+(?:of[ \t]+)?{_WORD}){{0,3}})"
    rf"[ \t]+(?i:{FACILITY_SUFFIXES})\b(?![ \t]+(?i:{FACILITY_SUFFIXES})\b)"
    rf"(?:[ \t]+of[ \t]+{_WORD}(?:[ \t]+{_WORD})?)?",
    CASE_SENSITIVE,
)
_SAINT = regex.compile(
    rf"\b(?:St\.?|Saint|ST\.?|SAINT)[ \t]+{_WORD}(?!(?:'s|’s|'S)?[ \t]+(?i:wort)\b)"
    rf"(?:'s|’s|'S)?(?:[ \t]+(?:{FACILITY_SUFFIXES}))*\b",
    CASE_SENSITIVE,
)
_INITIAL_NAME = regex.compile(r"\b\p{Lu}\.[ \t]?(?P<last>\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)\b")
_UPPER_PAIR = regex.compile(
    r"\b(\p{Lu}{2,}(?:[-'’]\p{Lu}+)?),[ \t]*(\p{Lu}{2,}(?:[-'’]\p{Lu}+)?)\b"
)
_LOWER_TITLED = regex.compile(r"\b(?:dr|mr|mrs|ms|miss)\.?[ \t]+(?P<name>\p{Ll}[\p{Ll}'’-]+)")
# Words after a lower-case title that are not names ("dr will call", "ms and HTN").
_NOT_NAMES = frozenset(
    """will may and or the to of in on at for with said office visit note appt appointment
    orders order is was has had note notes called call aware notified ok states""".split()
)


def _outside(words: str, vocab: frozenset[str]) -> bool:
    """True when some word of ``words`` is neither in the vocabulary nor a generic word."""
    tokens = regex.findall(r"\p{L}+", words.lower())
    return any(t not in vocab and len(t) > 2 for t in tokens)


def lexical_spans(
    text: str, vocab: frozenset[str], names: frozenset[str]
) -> list[tuple[int, int, str]]:
    """Facility and name spans found by structure, checked against the safe vocabulary.

    Args:
        text: A note.
        vocab: The safe vocabulary (lower case).
        names: First and last names (lower case).

    Returns:
        ``(start, end, phi_type)`` with types FACILITY and NAME.
    """
    spans = []
    for match in _FACILITY.finditer(text):
        if _outside(match.group("head"), vocab):
            spans.append((match.start(), match.end(), "FACILITY"))
    spans += [(m.start(), m.end(), "FACILITY") for m in _SAINT.finditer(text)]
    for match in _INITIAL_NAME.finditer(text):
        last = match.group("last").lower()
        if last not in vocab or last in names:
            spans.append((match.start(), match.end(), "NAME"))
    for match in _UPPER_PAIR.finditer(text):  # "SMITH, JOHN": no ordinary word on either side
        words = [w.lower() for w in match.groups()]
        if all(w not in vocab or w in names for w in words) and any(w not in vocab for w in words):
            spans.append((match.start(), match.end(), "NAME"))
    for match in _LOWER_TITLED.finditer(text):
        word = match.group("name")
        if word not in _NOT_NAMES and (word not in vocab or word in names):
            spans.append((match.start("name"), match.end("name"), "NAME"))
    return spans
