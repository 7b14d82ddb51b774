"""ICD-10-CM label knowledge: code descriptions, inclusion terms and candidate codes.

The hybrid coder scores codes it never saw in training by matching note segments against the
text of each code (its description plus the inclusion terms of ``simple-icd-10-cm``). Scoring all
74,736 leaf codes of the classification per note would be slow and noisy, so candidates are
restricted to codes near the training codes: the codes themselves and the descendants of their
3-character categories, without the 7th-character extensions (injury encounters, laterality
variants), which multiply the list without adding new wording.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)

# Inclusion terms kept per code: the first few carry the usual synonyms; long lists of
# variants would dilute the description embedding.
MAX_INCLUSION_TERMS = 6
# Bare codes longer than this carry a 7th character (encounter or extension) and are not
# proposed as unseen candidates.
MAX_CANDIDATE_CHARS = 6


@cache
def _icd() -> Any:
    """The ``simple_icd_10_cm`` module (2 s import, loaded only when label text is needed)."""
    import simple_icd_10_cm as cm

    return cm


def is_known_code(code: str) -> bool:
    """Whether ``code`` is a code (not a chapter or block) of ICD-10-CM."""
    cm = _icd()
    return bool(cm.is_valid_item(code)) and not (cm.is_chapter(code) or cm.is_block(code))


@cache
def code_text(code: str) -> str:
    """Description and inclusion terms of a code, as one text to embed.

    Codes unknown to ``simple-icd-10-cm`` (CodiEsp uses a few Spanish-edition codes) fall back
    to their category's text, then to the bare code.

    Args:
        code: ICD-10-CM code with dot, e.g. ``"E11.9"``.

    Returns:
        e.g. ``"Type 2 diabetes mellitus without complications; diabetes NOS"``.
    """
    cm = _icd()
    if not is_known_code(code):
        category = code.replace(".", "")[:3]
        return code_text(category) if is_known_code(category) else code
    terms = [cm.get_description(code)]
    extra = list(cm.get_inclusion_term(code)) + list(cm.get_includes(code))
    terms += [term for term in extra[:MAX_INCLUSION_TERMS] if term not in terms]
    return "; ".join(terms)


def candidate_codes(seen_codes: Iterable[str], max_candidates: int) -> list[str]:
    """Codes the hybrid coder may suggest: the seen codes plus their unseen neighbours.

    Unseen neighbours are the descendants of the seen codes' 3-character categories, at most
    ``MAX_CANDIDATE_CHARS`` characters long (without the dot), nearest categories first until
    ``max_candidates`` is reached.

    Args:
        seen_codes: Codes that occur in the training notes.
        max_candidates: Upper bound on the size of the returned list (seen codes included).

    Returns:
        Sorted candidate codes; every seen code is kept even past the bound.
    """
    cm = _icd()
    seen = sorted(set(seen_codes))
    seen_set, extra = set(seen), set[str]()
    categories = sorted({code.replace(".", "")[:3] for code in seen})
    for category in categories:
        if not is_known_code(category):
            continue
        family = [category, *cm.get_descendants(category)]
        new = [
            code
            for code in family
            if code not in seen_set
            and code not in extra
            and len(code.replace(".", "")) <= MAX_CANDIDATE_CHARS
        ]
        if len(seen) + len(extra) + len(new) > max_candidates:
            logger.warning(
                "unseen candidate codes capped at %d (train.hybrid.max_candidates); "
                "categories after %s not expanded",
                max_candidates,
                category,
            )
            break
        extra.update(new)
    candidates = sorted(set(seen) | extra)
    logger.info(
        "candidate codes: %d seen in training, %d unseen from %d categories",
        len(seen),
        len(candidates) - len(seen),
        len(categories),
    )
    return candidates


def code_texts(codes: Sequence[str]) -> list[str]:
    """``code_text`` of each code, in order."""
    return [code_text(code) for code in codes]
