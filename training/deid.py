"""De-identification: Presidio patterns, a token tagger, site lists and known identifiers.

Detection combines four signals, because rules alone catch about half the identifiers of notes
phrased differently from those they were written for:
  * the record's known identifiers (``NoteRecord.identifiers``: names and each name part,
    address and its parts, MRN, phone, SSN, email, dates), searched anywhere, case-insensitive;
  * Presidio pattern recognizers (``training.phi.patterns``): dates in every format, phones,
    emails, SSNs, MRNs and other labelled record, device and licence numbers, URLs, IPs, streets,
    ZIP codes, ages over 89, titled and credentialed names;
  * site lists (staff and facility names, one per line; ``deid`` section of params.yaml);
  * a token tagger (``training.phi.tagger``) for names, facilities, cities and streets in free text.

Replacements are realistic and keyed: names, addresses, cities and facilities get surrogates
consistent within a patient (seeded by an HMAC of the key and the patient id); dates move by a
per-patient offset (never zero) in their own format, so intervals hold; ages over 89 become
"90+" (the Safe Harbor class "90 or older", whatever the real age and however it was written);
structured
identifiers get look-alikes drawn from ranges that are never assigned to people: phones
555-0100..0199 (reserved for fiction), e-mail and URLs at example.com/.org/.net (RFC 2606), IPs
in the documentation ranges (RFC 5737), SSNs in area 9xx (never issued), and MRNs prefixed with
"S" plus digits. ``PHI_REGEXES`` (the residual gate and the validation suite) skip exactly those
ranges, so a surrogate never trips them while any real value still does. Patient, case and note
ids become HMAC-SHA256 pseudonyms: a plain hash of an 8-digit MRN can be brute-forced in
minutes.

Medical eponyms survive: a name followed by a disease word ("Wilson disease", "Babinski sign")
is kept unless titled ("Mr. Graves" is replaced). Nothing here logs or raises with an identifier
value or note text.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import os
import random
import re
import string
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex
from faker import Faker

from clinicode.errors import ConfigError, DataValidationError, InputError
from clinicode.schema import NoteRecord
from training.phi import patterns
from training.phi.normalise import decode_entities, fold_lookalikes, outside_tags
from training.phi.types import PhiSpan

if TYPE_CHECKING:
    from clinicode.config import DeidParams

logger = logging.getLogger(__name__)

KEY_ENV = "CLINICODE_DEID_KEY"
KEY_FILE_ENV = "CLINICODE_DEID_KEY_FILE"
DEMO_KEY = b"clinicode-demo-deid-key--NOT-A-SECRET"
MIN_KEY_BYTES = 16
MAX_SHIFT_DAYS = 180

# Patterns a de-identified text must not match (also used by the validation suite). Plain
# ``re`` syntax so pandas/GX can evaluate them; no capturing groups. Each skips the reserved
# range its surrogates are drawn from (see the module docstring), and nothing else.
_MRN_LABEL = r"(?i)\b(?:MRN|MR#|MR No\.?|medical record (?:number|no\.?))\s*[:#]?\s*"
_PHONE_BODY = r"(?:\+?1[-. ])?(?:\(\d{3}\) ?|\d{3}[-. ])"
PHI_REGEXES: dict[str, str] = {
    "ssn": r"\b(?!9)\d{3}-\d{2}-\d{4}\b",
    "phone": r"(?<![\w/.-])(?!"
    + _PHONE_BODY
    + r"555[-. ]01\d\d(?![\w/-]))"
    + _PHONE_BODY
    + r"\d{3}[-. ]\d{4}(?![\w/-])",
    "email": r"\b(?![\w.+-]+@example\.(?:com|org|net)\b)[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    "mrn": _MRN_LABEL + r"(?!S\d)[A-Z]{0,3}\d{5,10}\b",
}
_PHI = {name: re.compile(regex) for name, regex in PHI_REGEXES.items()}
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*")
_KIND2TYPE = {
    "name": "NAME", "date": "DATE", "address": "ADDRESS", "email": "EMAIL", "phone": "PHONE",
    "ssn": "SSN", "mrn": "MRN", "other": "ID",
}  # fmt: skip
# Overlaps: the lower priority wins, then the longer span.
_PRIORITY = {
    "EMAIL": 0, "URL": 0, "SSN": 2, "PHONE": 2, "MRN": 2, "ID": 2, "DEVICE": 2, "LICENSE": 2,
    "IP": 2, "DATE": 3, "AGE": 3, "ADDRESS": 3, "NAME": 4, "FACILITY": 5, "ZIP": 5, "CITY": 5,
}  # fmt: skip
# ADDRESS before NAME: a street rule needs a house number and a street word, while a
# "Surname, First" rule read "Mountain, West David" (street end, city) as a name and, being
# longer, cut the street's number and first word out of the replaced text.
_TAGGER_PRIORITY = 6
_REDRAWS = 20  # draws of a surrogate before one that reveals no known identifier is taken

_MONTHS = tuple(m.lower() for m in patterns.MONTHS)

# Faker names that are also ordinary or clinical words; neither patients nor surrogates use them.
_NAME_STOPWORDS = frozenset(
    """will may mark hope grace rose bill rich frank guy chase brown white green black young long
    hill wood stone lane hall king page love cross price short small little rice bush gray case
    major best church day walker street wells banks bird bass bean berry bond booth brooks burns
    butler cannon carter clay cole cook cooper dean duke english fields fisher ford fox frost gates
    glass golden grant hale hardy heart high hood horn house hunt key knight lamb lord mann marsh
    mason miles moon moss nash noble north park person pierce pope porter potter power pride rivers
    salt sharp sims singer snow stark steel strong summers swift todd tower turner wade wall walls
    ward waters watts weaver west wise wolf woods wright joy faith dawn summer autumn april june
    august ruby iris crystal amber destiny heather holly ivy lily sky star river candy cherry honey
    max drew sage hunter archer barber bishop baker miller taylor norman austin chance trinity
    jordan kidney""".split()
)


@lru_cache(maxsize=4)
def usable_names(sex: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names safe to use for people: not eponyms, months or common words.

    Args:
        sex: ``"F"`` or ``"M"`` for first names of that sex; ``None`` for all first names.

    Returns:
        ``(first_names, last_names)`` from Faker's en_US lists, in a stable order.
    """
    from faker.providers.person.en_US import Provider

    from training.codepool import EPONYMS

    banned = EPONYMS | _NAME_STOPWORDS | set(_MONTHS)

    def keep(names: Iterable[str]) -> tuple[str, ...]:
        return tuple(n for n in names if n.isalpha() and len(n) > 2 and n.lower() not in banned)

    firsts = {"F": Provider.first_names_female, "M": Provider.first_names_male}.get(
        sex or "", Provider.first_names
    )
    return keep(firsts), keep(Provider.last_names)


def load_key(allow_demo_key: bool) -> bytes:
    """The de-identification key, from ``$CLINICODE_DEID_KEY`` or ``$CLINICODE_DEID_KEY_FILE``.

    Args:
        allow_demo_key: Fall back to the public demo key when no key is configured (synthetic
            data only). When False, the demo key is refused even if configured.

    Returns:
        The key bytes.

    Raises:
        ConfigError: No key is configured (and the demo key is not allowed), the key file cannot
            be read, the key is shorter than 16 bytes, or it is the demo key where not allowed.
    """
    key: bytes | None = None
    if os.environ.get(KEY_ENV):
        key = os.environ[KEY_ENV].strip().encode("utf-8")
    elif os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV])
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise ConfigError(
                f"{KEY_FILE_ENV}={path}: cannot read the key file ({exc.__class__.__name__})"
            ) from exc
    if key is None:
        if not allow_demo_key:
            raise ConfigError(
                f"no de-identification key: set {KEY_ENV} or {KEY_FILE_ENV} "
                "(the demo key is allowed for synthetic data only)"
            )
        logger.warning("using the public demo de-identification key: synthetic data only")
        return DEMO_KEY
    if key == DEMO_KEY and not allow_demo_key:
        raise ConfigError(f"{KEY_ENV}/{KEY_FILE_ENV} holds the public demo key; use a secret key")
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"de-identification key too short: need at least {MIN_KEY_BYTES} bytes")
    return key


def _kind_of(key: str) -> str:
    """PHI type of an identifier from its key name (``patient_name`` -> name...)."""
    lowered = key.lower()
    for kind, markers in (
        ("name", ("name",)),
        ("date", ("date", "birth", "dob")),
        ("address", ("address",)),
        ("email", ("email",)),
        ("phone", ("phone", "fax", "tel")),
        ("ssn", ("ssn", "social")),
        ("mrn", ("mrn", "record")),
    ):
        if any(marker in lowered for marker in markers):
            return kind
    return "other"


def _parse_iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _date_styles() -> tuple[Callable[[date], str], ...]:
    """Renderings of a date searched for when the date is a known identifier."""

    def month(d: date) -> str:
        return _MONTHS[d.month - 1].capitalize()

    return (
        lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
        lambda d: f"{d.month}/{d.day}/{d.year}",
        lambda d: d.isoformat(),
        lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
        lambda d: f"{d.day}.{d.month}.{d.year}",
        lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}",
        lambda d: f"{month(d)} {d.day}, {d.year}",
        lambda d: f"{month(d)[:3]} {d.day}, {d.year}",
        lambda d: f"{d.day} {month(d)[:3]} {d.year}",
        lambda d: f"{d.day} {month(d)} {d.year}",
        lambda d: f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
    )


def _literal(value: str) -> re.Pattern[str]:
    """Case-insensitive whole-word search for a known identifier value."""
    return re.compile(rf"(?<!\w){re.escape(value.strip())}(?!\w)", re.IGNORECASE)


def _find_literal(lowered: str, needle: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``needle`` in ``lowered`` (both lower case), as spans.

    A plain ``str.find`` loop: compiling one regex per identifier value and note cost more
    than the search itself (the ``re`` cache holds 512 patterns, far fewer than the values).
    Lower-casing can change a string's length (rare letters such as "İ"); callers then fall
    back to ``_literal``.
    """
    found, size, start = [], len(needle), lowered.find(needle)
    while start >= 0 and size:
        end = start + size
        before = lowered[start - 1] if start else " "
        after = lowered[end] if end < len(lowered) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            found.append((start, end))
        start = lowered.find(needle, start + 1)
    return found


def _eponym_use(text: str, end: int) -> bool:
    return patterns.EPONYM_CONTEXT.match(text, end) is not None


def _address_parts(value: str) -> list[str]:
    """Street, city and ZIP of a one-line address ("street, city, ST 12345")."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    out = [p for p in parts[:-1] if len(p) > 2]
    zip_match = re.search(r"\b\d{5}\b", value)
    if zip_match:
        out.append(zip_match.group())
    return out


def _count_known(key: str, value: str, text: str) -> int:
    """Occurrences of one known identifier (all its forms) in ``text``."""
    kind = _kind_of(key)
    if kind == "date":
        if not _is_birth_date(key):
            # A shifted encounter date can equal another real encounter date of the same patient
            # (an offset of exactly their interval): from the text alone that is not a leak we
            # can tell apart, so only the birth date is checked; encounter dates are covered by
            # the date patterns, all of which are shifted.
            return 0
        day = _parse_iso(value)
        needles = {style(day) for style in _date_styles()} if day else {value}
    elif kind == "name":
        needles = {value, *(tok for tok in _WORD.findall(value) if len(tok) > 1)}
    elif kind == "address":
        needles = {value, *_address_parts(value)}
    else:
        needles = {value}
    count = 0
    for needle in needles:
        for match in _literal(needle).finditer(text):
            count += not (kind == "name" and _eponym_use(text, match.end()))
    return count


def _is_birth_date(key: str) -> bool:
    return any(marker in key.lower() for marker in ("birth", "dob"))


def residual_phi(record_before: NoteRecord, text_after: str) -> Counter[str]:
    """Count PHI left in a de-identified text: known identifiers of the record and PHI patterns.

    Args:
        record_before: The raw record, with its ``identifiers``.
        text_after: Its de-identified text.

    Returns:
        Counts per identifier key (``patient_name``, ``mrn``...) and per pattern (``ssn_pattern``,
        ``phone_pattern``, ``email_pattern``, ``mrn_pattern``); empty when nothing is left. Never
        the values themselves.
    """
    found: Counter[str] = Counter()
    for key, value in record_before.identifiers.items():
        if value and value.strip():
            found[key] += _count_known(key, value, text_after)
    for name, pattern in _PHI.items():
        found[f"{name}_pattern"] += len(pattern.findall(text_after))
    return +found  # drop zero counts


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    priority: int  # lower wins an overlap; then the longer span
    kind: str  # a PHI type (NAME, DATE...)
    replacement: str
    score: float = 1.0  # recognizer score: breaks ties of priority and length


def _resolve(
    spans: list[_Span],
    text: str = "",
    redo: Callable[[str, str], str] | None = None,
) -> list[_Span]:
    """Keep non-overlapping spans, best priority first, then longest.

    A span that contains every chosen span it overlaps replaces them when they are of its own
    PHI type or it comes from a rule: a known phone "212-813-7783" must not cut
    "+1-212-813-7783" short, nor "Nurse Association" (a titled name) cut a facility name.
    A span that loses an overlap at one of its ends keeps the part outside it when ``text`` and
    ``redo`` (PHI type and value -> surrogate) are given: "Ama Boateng, Ivy Cottage" read as a
    surname-first name loses "Ivy Cottage" to the address and keeps "Ama Boateng".
    """
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.priority, s.start - s.end, -s.score, s.start)):
        hit = [c for c in chosen if span.start < c.end and c.start < span.end]
        if not hit:
            chosen.append(span)
        elif all(_absorbs(span, c) for c in hit):
            if span.end - span.start > max(c.end - c.start for c in hit):
                chosen = [c for c in chosen if c not in hit] + [span]
        elif redo is not None:
            rest = _uncovered_end(text, span, hit)
            if rest is not None:
                start, end = rest
                value = text[start:end]
                surrogate = redo(span.kind, value)
                chosen.append(replace(span, start=start, end=end, replacement=surrogate))
    return sorted(chosen, key=lambda s: s.start)


_TRIM = " \t,;:/-"


def _uncovered_end(text: str, span: _Span, hit: list[_Span]) -> tuple[int, int] | None:
    """The part of ``span`` before or after the spans that beat it, if it is a name's worth.

    Only a rule's NAME or ADDRESS keeps a part, and only a part that opens with a capital and
    has a lower-case letter: "Ama Boateng" is kept, the tagger's stray "Medicina", a label's
    "VIA FAX" and an acronym's "DOB" are not.
    """
    if span.kind not in ("NAME", "ADDRESS") or span.priority >= _TAGGER_PRIORITY:
        return None
    first, last = min(c.start for c in hit), max(c.end for c in hit)
    if span.start < first and last >= span.end:
        start, end = span.start, first
    elif span.end > last and first <= span.start:
        start, end = last, span.end
    else:
        return None
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    part = text[start:end]
    if sum(c.isalnum() for c in part) < 3 or not part[:1].isupper() or part.isupper():
        return None
    return start, end


def _absorbs(outer: _Span, inner: _Span) -> bool:
    contains = outer.start <= inner.start and inner.end <= outer.end
    return contains and (outer.kind == inner.kind or outer.priority < _TAGGER_PRIORITY)


# The "+4" of a ZIP code cut off by a detector that stopped at five digits.
_ZIP4_TAIL = re.compile(r"-\d{4}(?![\w-])")
# Between two parts of one name: "FLORES, Joseph", "van Nus, Maurits".
_NAME_GAP = re.compile(r"[ \t]{0,2},?[ \t]{0,2}")
_INITIAL_END = re.compile(r"(?<![A-Za-z])[A-Z]$")


def _join_names(text: str, spans: list[_Span], original: str | None = None) -> list[_Span]:
    """Adjacent NAME spans on one line joined into one; an initial keeps its period ("Ellen W.").

    Detectors split "FLORES, Joseph" into two names; one span of the whole name is what a
    reader (and the benchmark) counts, and the gap between the parts stays as written in
    ``original`` (the note before look-alike folding, when ``text`` is its folded view).
    """
    original = text if original is None else original
    out: list[_Span] = []
    for span in spans:
        if (
            span.kind == "NAME"
            and text[span.end : span.end + 1] == "."
            and _INITIAL_END.search(text, span.start, span.end)
        ):
            span = replace(span, end=span.end + 1, replacement=span.replacement + ".")
        last = out[-1] if out else None
        gap = text[last.end : span.start] if last else ""
        if last and last.kind == span.kind == "NAME" and _NAME_GAP.fullmatch(gap):
            joined = last.replacement + original[last.end : span.start] + span.replacement
            out[-1] = replace(last, end=span.end, replacement=joined)
            continue
        out.append(span)
    return out


def _splice(text: str, spans: list[_Span]) -> str:
    pieces, cursor = [], 0
    for span in spans:
        pieces += [text[cursor : span.start], span.replacement]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _parse_date_match(match: Any) -> tuple[date, bool] | None:
    """The date of a match, and whether a numeric date was written day-first (14/03/2024).

    A date without a year is read in 2000 (a leap year, so 29 February parses); one without a
    day ("Dec 2025") is read on the 1st.
    """
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else 2000
    if groups.get("y") and len(groups["y"]) == 2:
        year += 2000 if year <= 40 else 1900  # two-digit years: 00-40 -> 2000s
    day = _day_of(groups)
    swapped = False
    if groups.get("mon"):
        month = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(groups["mon"][:3].lower()))
    elif groups.get("rm"):
        month = patterns.ROMAN_MONTHS.index(groups["rm"].upper()) + 1
    elif groups.get("fmon"):
        month = _foreign_month(groups["fmon"])[1]
    elif groups.get("mw"):
        month = patterns.MONTH_WORDS.index(groups["mw"].lower()) + 1
    else:
        month = int(groups["m"])
        if month > 12 and day <= 12:
            month, day, swapped = day, month, True
    try:
        return date(year, month, day), swapped
    except ValueError:
        return None


# Spellings without accents, read as their month.
_FOREIGN_ALIASES = {
    "fevrier": ("fr", 2), "aout": ("fr", 8), "decembre": ("fr", 12), "setiembre": ("es", 9),
    "marco": ("pt", 3), "maerz": ("de", 3), "jänner": ("de", 1),
}  # fmt: skip


def _foreign_month(word: str) -> tuple[str, int]:
    """The language and month number of a foreign month name ("julio" -> ("es", 7))."""
    low = word.lower()
    if low in _FOREIGN_ALIASES:
        return _FOREIGN_ALIASES[low]
    for language, months in patterns.FOREIGN_MONTHS.items():
        if low in months:
            return language, months.index(low) + 1
    raise ValueError(f"not a month name: {word!r}")


def _day_of(groups: dict[str, str | None]) -> int:
    if groups.get("dw"):
        return patterns.DAY_WORDS.index(groups["dw"].lower()) + 1
    if groups.get("d"):
        return int(re.sub(r"\D", "", groups["d"]))
    return 1


def _cased_like(original: str, word: str) -> str:
    """``word`` in the letter case of ``original`` (upper, lower or capitalised)."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    return word.lower() if original.islower() else word.capitalize()


def _render_like(match: Any, new: date, swapped: bool = False) -> str:
    """``new`` written in the format of the matched date (padding, month style, ordinals)."""
    text, base = match.group(), match.start()
    month_value, day_value = (new.day, new.month) if swapped else (new.month, new.day)
    values: dict[str, str] = {}
    for name, original in match.groupdict().items():
        if original is None or name == "sep":
            continue
        if name == "y":
            values[name] = str(new.year) if len(original) == 4 else f"{new.year % 100:02d}"
        elif name == "m":
            values[name] = f"{month_value:02d}" if len(original) == 2 else str(month_value)
        elif name == "d":
            digits = re.sub(r"\D", "", original)
            # Numeric dates keep their width; spelled-month dates pad only if they did ("May 08").
            glued = text[match.end(name) - base : match.end(name) - base + 1].isdigit()
            padded = (
                digits.startswith("0")
                or glued  # "250358ZAUG24": the time follows the day without a gap
                or (len(digits) == 2 and not match.groupdict().get("mon"))
            )
            day = f"{day_value:02d}" if padded else str(day_value)
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(new.day % 10 * (new.day // 10 != 1), "th")
            values[name] = day + (suffix if len(original) > len(digits) else "")
        elif name == "wd":
            full = patterns.WEEKDAYS[new.weekday()]
            values[name] = _cased_like(original, full if len(original) > 4 else full[:3])
        elif name == "rm":
            roman = patterns.ROMAN_MONTHS[new.month - 1]
            values[name] = roman.lower() if original.islower() else roman
        elif name == "d2":  # the end of a range of days: the same interval after the shift
            first = int(re.sub(r"\D", "", match.group("d")))
            end = new + timedelta(days=int(re.sub(r"\D", "", original)) - first)
            ordinal = {1: "st", 2: "nd", 3: "rd"}.get(end.day % 10 * (end.day // 10 != 1), "th")
            values[name] = str(end.day) + (ordinal if not original.isdigit() else "")
        elif name == "fmon":
            language = _foreign_month(original)[0]
            values[name] = _cased_like(original, patterns.FOREIGN_MONTHS[language][new.month - 1])
        elif name == "mw":
            values[name] = _cased_like(original, patterns.MONTH_WORDS[new.month - 1])
        elif name == "dw":
            values[name] = _cased_like(original, patterns.DAY_WORDS[new.day - 1])
        elif name == "mon":
            full = _MONTHS[new.month - 1]
            word = full if original.lower() in _MONTHS else full[:3]
            if original.lower() == "sept":
                word = "sep"
            if original.isupper():
                values[name] = word.upper()
            else:
                values[name] = word.lower() if original.islower() else word.capitalize()
    for name in sorted(values, key=lambda n: match.start(n), reverse=True):
        start, end = match.start(name) - base, match.end(name) - base
        text = text[:start] + values[name] + text[end:]
    return text


def _age_surrogate(value: str) -> str:
    """An age over 89 as its Safe Harbor class "90+", in digits or words alike.

    "90+" tells a reader only that the age is 90 or more, for a 90-year-old as for a
    103-year-old; it is what the assembly contract asks for (``value`` is unused on purpose).
    """
    del value
    return "90+"


def _digits_like(value: str, digits: str) -> str:
    """``value`` with its digits replaced, left to right, by ``digits`` (format kept)."""
    stream = iter(digits)
    return re.sub(r"\d", lambda _: next(stream), value)


class _RecordPlan:
    """Surrogates and spans of one record: consistent per patient through keyed seeds."""

    def __init__(
        self,
        deid: Deidentifier,
        patient_id: str,
        identifiers: dict[str, str],
        surrogates: bool = True,
    ) -> None:
        self.deid, self.patient_id = deid, patient_id
        # Detection alone needs no surrogates: drawing them is a fifth of its time.
        self.surrogates = surrogates
        self.offset = deid.date_offset(patient_id)
        self.items = [(k, v.strip()) for k, v in identifiers.items() if v and v.strip()]
        self.roles: dict[str, str] = {}
        for key, value in self.items:
            if _kind_of(key) == "name":
                tokens = _WORD.findall(value)
                for position, token in enumerate(tokens):
                    role = "last" if position == len(tokens) - 1 else "first"
                    self.roles.setdefault(token.lower(), role)
        self.exclude = set(self.roles)
        # Known identifier values (and address parts) that no surrogate may contain: at 100k
        # notes a random 5-digit id surrogate or a Faker city will sometimes equal the patient's
        # real ZIP or city, which would put the real value back into the text.
        self.reveal = sorted(
            {
                needle.lower()
                for key, value in self.items
                if _kind_of(key) not in ("name", "date")
                for needle in (value, *_address_parts(value))
                if len(needle) >= 3
            }
        )

    def rng(self, *parts: str) -> random.Random:
        """A generator seeded by the key, the patient and ``parts``: same input, same draws."""
        return random.Random(self.deid.digest(*parts, self.patient_id))

    # Surrogates
    def surrogate_token(self, token: str, role: str) -> str:
        """A surrogate first or last name for ``token``: same patient and token, same answer."""
        if len(token) < 2:
            # An initial is replaced too: a name written as initials only ("G.C.") would
            # otherwise pass through whole. Another letter, the same for the patient.
            rng = self.rng("initial", role, token.lower())
            letters = [c for c in string.ascii_uppercase if c != token.upper()]
            letter = rng.choice(letters)
            return letter if token.isupper() else letter.lower()
        firsts, lasts = usable_names()
        rng = self.rng("name", role, token.lower())
        pool = firsts if role == "first" else lasts
        candidate = rng.choice(pool)
        while candidate.lower() in self.exclude or candidate.lower() == token.lower():
            candidate = rng.choice(pool)
        return candidate.upper() if token.isupper() else candidate

    def surrogate_name(self, text: str, positional: bool = False) -> str:
        if not self.surrogates:
            return ""
        tokens = _WORD.findall(text)

        def swap(match: re.Match[str]) -> str:
            token = match.group()
            role = self.roles.get(token.lower())
            if role is None or positional:
                role = role or ("last" if token == tokens[-1] else "first")
            return self.surrogate_token(token, role)

        return _WORD.sub(swap, text)

    def _seeded_faker(self, *parts: str) -> Faker:
        fake = self.deid.faker
        seed = self.deid.digest(*parts, self.patient_id)
        fake.seed_instance(int.from_bytes(seed[:8], "big"))
        return fake

    def surrogate_address(self, value: str) -> dict[str, str]:
        """Surrogate of a whole address and of each of its parts (lower-cased keys)."""
        if not self.surrogates:
            return {part.lower(): "" for part in (value, *_address_parts(value))}
        for attempt in range(20):
            # Faker builds street and city names from person names: skip a draw that reuses a
            # real name of this record (it would read as a residual identifier).
            fake = self._seeded_faker("address", value.lower(), str(attempt))
            street, city = fake.street_address(), fake.city()
            words = {w.lower() for w in _WORD.findall(f"{street} {city}")}
            # Faker's city space is small ("West" + a first name): a draw can equal the real
            # city, which would leave the real value in the text.
            state, zipcode = fake.state_abbr(include_territories=False), fake.zipcode()
            redrawn = self.reveals(f"{street}, {city}, {state} {zipcode}")
            if not words & self.exclude and not redrawn:
                break
        out = {value.lower(): f"{street}, {city}, {state} {zipcode}"}
        for index, part in enumerate(_address_parts(value)):
            if part.isdigit():
                out[part.lower()] = zipcode
            else:
                out[part.lower()] = street if index == 0 else city
        return out

    def surrogate_zip(self, zipcode: str, *salt: str) -> str:
        digest = self.deid.digest("zip", self.patient_id, zipcode[:5], *salt)
        return _digits_like(zipcode, f"{int.from_bytes(digest[:8], 'big'):020d}")

    def reveals(self, candidate: str) -> bool:
        """Whether ``candidate`` contains a known identifier of this record (whole words)."""
        lowered = candidate.lower()
        return any(_find_literal(lowered, needle) for needle in self.reveal)

    def surrogate(self, phi_type: str, value: str) -> str:
        """A realistic surrogate of ``value`` (a detected span of type ``phi_type``).

        A draw that contains one of the record's known identifiers is drawn again (with a salt,
        so the choice stays the same for the same patient and value). Names already avoid the
        record's names; dates and ages cannot be redrawn (intervals must hold).
        """
        if not self.surrogates:
            return ""
        candidate = self._draw(phi_type, value, ())
        for attempt in range(1, _REDRAWS):
            if phi_type in ("NAME", "DATE", "AGE") or not self.reveals(candidate):
                break
            candidate = self._draw(phi_type, value, (f"redraw-{attempt}",))
        return candidate

    def _draw(self, phi_type: str, value: str, salt: tuple[str, ...]) -> str:
        rng = self.rng(phi_type, value.lower(), *salt)
        digits = "".join(rng.choice("0123456789") for _ in range(24))
        maker = {
            "NAME": lambda: self.surrogate_name(value, positional=True),
            "DATE": lambda: self.shift_date(value),
            "AGE": lambda: _age_surrogate(value),
            "PHONE": lambda: self._phone(value, rng),
            "EMAIL": lambda: self._email(rng),
            "URL": lambda: self._url(value, digits),
            "IP": lambda: (
                rng.choice(("192.0.2", "198.51.100", "203.0.113")) + f".{rng.randint(1, 254)}"
            ),
            "SSN": lambda: _digits_like(value, "9" + digits) if "-" in value else digits[:4],
            "MRN": lambda: "S" + digits[: max(5, sum(c.isdigit() for c in value))],
            "ZIP": lambda: self.surrogate_zip(value, *salt),
            "ADDRESS": lambda: self._seeded_faker("street", value.lower(), *salt).street_address(),
            "CITY": lambda: self._city(value, *salt),
            "FACILITY": lambda: self._facility(rng),
        }.get(phi_type, lambda: self._shape_like(value, rng))
        return maker()

    @staticmethod
    def _phone(value: str, rng: random.Random) -> str:
        # 555-0100..0199 is reserved for fiction: a surrogate can never be someone's number.
        area = f"{rng.choice('23456789')}{rng.randint(0, 8)}{rng.randint(0, 9)}"
        line = f"55501{rng.randint(0, 99):02d}"
        count = sum(c.isdigit() for c in value)
        new = {7: line, 10: area + line, 11: "1" + area + line}.get(count)
        return _digits_like(value, new) if new else f"({area}) 555-01{line[-2:]}"

    def _city(self, value: str, *salt: str) -> str:
        for attempt in range(20):  # Faker cities embed person names ("North David")
            city = self._seeded_faker("city", value.lower(), *salt, str(attempt)).city()
            words = {w.lower() for w in _WORD.findall(city)}
            if not words & self.exclude and city.lower() != value.lower():
                break
        return city

    def _pick(self, rng: random.Random, pool: tuple[str, ...]) -> str:
        """A name of ``pool`` that is no real name of this record (it would read as a leak)."""
        candidate = rng.choice(pool)
        while candidate.lower() in self.exclude:
            candidate = rng.choice(pool)
        return candidate

    def _email(self, rng: random.Random) -> str:
        firsts, lasts = usable_names()
        domain = rng.choice(("example.com", "example.org", "example.net"))
        return f"{self._pick(rng, firsts).lower()}.{self._pick(rng, lasts).lower()}@{domain}"

    @staticmethod
    def _url(value: str, digits: str) -> str:
        host = "www.example.net" if "www." in value.lower() else "records.example.net"
        scheme = "" if value.lower().startswith("www.") else "https://"
        return f"{scheme}{host}/{digits[:6]}"

    def _facility(self, rng: random.Random) -> str:
        _, lasts = usable_names()
        kind = rng.choice(
            ("Memorial Hospital", "Medical Center", "Family Clinic", "Community Hospital")
        )
        return f"{self._pick(rng, lasts)} {kind}"

    @staticmethod
    def _shape_like(value: str, rng: random.Random) -> str:
        """Same length and character classes (letters stay letters, digits stay digits)."""

        def swap(c: str) -> str:
            if c.isdigit():
                return rng.choice("0123456789")
            if c.isalpha():
                letter = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
                return letter if c.isupper() else letter.lower()
            return c

        return "".join(swap(c) for c in value)

    def shift_date(self, value: str) -> str:
        """``value`` (any recognised date format) moved by the patient's offset, format kept."""
        for pattern in patterns.DATE_PARSERS:
            match = pattern.fullmatch(value)
            parsed = _parse_date_match(match) if match else None
            if parsed:
                return _render_like(match, parsed[0] + timedelta(days=self.offset), parsed[1])
        return "[DATE]"  # unparseable (e.g. 30 February): no realistic shift exists

    # Spans
    def spans(self, text: str) -> list[_Span]:
        """Every PHI span of ``text`` with its surrogate, overlaps resolved.

        Spans are found in the look-alike-folded view of ``text`` (same offsets), so a date or
        phone number pasted with no-break spaces is read, and shifted, like a plain one.
        """
        original, text = text, fold_lookalikes(text)
        spans = []
        for start, end, phi_type, from_tagger, score in self.deid.detect_scored(original):
            value = text[start:end]
            if "&" in value:  # an HTML export: the surrogate is drawn for what a reader sees
                value = fold_lookalikes(html.unescape(value))
            priority = _TAGGER_PRIORITY if from_tagger else _PRIORITY.get(phi_type, 5)
            replacement = self.surrogate(phi_type, value)
            spans.append(_Span(start, end, priority, phi_type, replacement, score))
        lowered = text.lower()
        for key, value in self.items:
            spans += self._known_spans(text, key, value, lowered)
        resolved = _resolve(self._extended(text, spans), text, self.surrogate)
        return _join_names(text, resolved, original)

    def _extended(self, text: str, spans: list[_Span]) -> list[_Span]:
        """Names carried over a cut-off particle, addresses and ZIPs over a ZIP+4 suffix."""
        out = []
        for span in spans:
            start, end = span.start, span.end
            if span.kind == "NAME":
                tail = patterns.NAME_PARTICLE_TAIL.match(text, end)
                end = tail.end() if tail else end
                head = patterns.NAME_PARTICLE_HEAD.search(text, max(0, start - 16), start)
                start = head.start() if head else start
            elif span.kind in ("ADDRESS", "ZIP") and text[end - 5 : end].isdigit():
                plus4 = _ZIP4_TAIL.match(text, end)
                end = plus4.end() if plus4 else end
            if (start, end) == (span.start, span.end):
                out.append(span)
                continue
            value = text[start:end]
            replacement = span.replacement
            if self.surrogates and span.kind == "NAME":
                replacement = self.surrogate_name(value)
            elif self.surrogates:
                replacement += self.surrogate_zip(value[-10:])[-5:]
            out.append(replace(span, start=start, end=end, replacement=replacement))
        return out

    @staticmethod
    def _occurrences(text: str, lowered: str, value: str) -> list[tuple[int, int]]:
        if len(lowered) == len(text):
            return _find_literal(lowered, value.strip().lower())
        return [m.span() for m in _literal(value).finditer(text)]

    def _known_spans(self, text: str, key: str, value: str, lowered: str) -> list[_Span]:
        kind = _kind_of(key)
        if kind == "date":
            return self._known_date_spans(text, value, lowered)
        if kind == "name":
            instruments = _named_instruments(text)
            one_word = len(_WORD.findall(value)) == 1
            spans = [
                _Span(a, b, 1, "NAME", self.surrogate_name(text[a:b]))
                for a, b in self._occurrences(text, lowered, value)
                # A surname alone may be an eponym: "Goodpasture syndrome".
                if not (one_word and _used_as_eponym(text, a, b, instruments))
            ]
            for token in {t for t in _WORD.findall(value) if len(t) > 1}:
                spans += [
                    _Span(a, b, 5, "NAME", self.surrogate_name(text[a:b]))
                    for a, b in self._occurrences(text, lowered, token)
                    if not _used_as_eponym(text, a, b, instruments)
                ]
            return spans
        if kind == "address":
            mapping = self.surrogate_address(value)
            return [
                _Span(a, b, 1 if part == value.lower() else 5, "ADDRESS", mapping[part])
                for part in mapping
                for a, b in self._occurrences(text, lowered, part)
            ]
        phi_type = _KIND2TYPE[kind]
        return [
            _Span(a, b, 1, phi_type, self.surrogate(phi_type, text[a:b]))
            for a, b in self._occurrences(text, lowered, value)
        ]

    def _known_date_spans(self, text: str, value: str, lowered: str) -> list[_Span]:
        day = _parse_iso(value)
        if day is None:
            return [
                _Span(a, b, 1, "DATE", "[DATE]") for a, b in self._occurrences(text, lowered, value)
            ]
        shifted = day + timedelta(days=self.offset)
        return [
            _Span(a, b, 3, "DATE", style(shifted) if self.surrogates else "")
            for style in _date_styles()
            for a, b in self._occurrences(text, lowered, style(day))
        ]


@lru_cache(maxsize=8)
def _named_instruments(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of named scales, tests and known eponym phrases that no title precedes.

    "Glasgow Coma Scale", "Cheyne-Stokes" and "Hashimoto labs" are kept; "Mr. Cheyne" is not.
    Cached: detection and each known name of the record ask for the same note's spans.
    """
    found = [
        m.span()
        for pattern in (patterns.NAMED_INSTRUMENT, patterns.KNOWN_EPONYMS, patterns.EPONYM_CARE)
        for m in pattern.finditer(text)
    ]
    return tuple((a, b) for a, b in found if not _titled(text, a))


def _used_as_eponym(
    text: str, start: int, end: int, instruments: Sequence[tuple[int, int]]
) -> bool:
    """Whether an occurrence of a known name is an eponym here: untitled, and followed by a
    disease word or inside a named instrument ("Parkinson disease", "Glasgow Coma Scale")."""
    if _titled(text, start):
        return False
    return _eponym_use(text, end) or any(_inside(text, start, end, a, b) for a, b in instruments)


# Types a capitalised word of an eponym or a named instrument can be mistaken for.
_EPONYM_CONFUSABLE = frozenset({"NAME", "FACILITY", "CITY", "ADDRESS"})


def _not_a_person(
    text: str, start: int, end: int, phi_type: str, instruments: Sequence[tuple[int, int]]
) -> bool:
    """Whether a detection is an eponym, part of a named instrument or a lone letter.

    "Wilson disease", "Glasgow Coma Scale" and "class B" are kept; "Mr. Wilson" is not.
    """
    if phi_type == "NAME" and patterns.LONE_LETTER.fullmatch(text, start, end):
        return True
    if phi_type not in _EPONYM_CONFUSABLE or _titled(text, start):
        return False
    if _eponym_use(text, end) or _drug_name(text, start, end):
        return True
    # "Hickman line" found whole: the eponym's noun is inside the detection.
    first_end = text.find(" ", start, end)
    if first_end > 0 and phi_type in ("NAME", "FACILITY") and text[start:first_end].isalpha():
        use = patterns.EPONYM_CONTEXT.match(text, first_end)
        if use is not None and use.end() >= end:
            return True
    if any(_inside(text, start, end, a, b) for a, b in instruments):
        return True
    # "de Hashimoto. Sinal de Murphy": every capitalised word lies in some eponym phrase.
    words = [m.span() for m in _CAPITALISED.finditer(text, start, end)]
    return bool(words) and all(any(a <= c and d <= b for a, b in instruments) for c, d in words)


# Abbreviations the tagger can take for a one-token name.
_ABBREVIATIONS = frozenset({"St", "Dr", "Mr", "Ms", "Mrs", "No", "Nr", "Pt", "Mt", "Ft"})
_CAPITALISED = regex.compile(r"\p{Lu}[\p{L}'’]*")


def _outside_instruments(
    text: str, start: int, end: int, instruments: Sequence[tuple[int, int]]
) -> tuple[int, int]:
    """A detection less an eponym phrase at one of its ends ("de Valsalva. Serología" -> the
    second word), so that a tagger's span that runs into an eponym does not take it along."""
    original = (start, end)
    for a, b in instruments:
        if a <= start < b < end:
            start = b
        elif start < a < end <= b:
            end = a
    if (start, end) == original:
        return start, end
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if sum(c.isalpha() for c in text[start:end]) < 3:
        return start, start  # "St" of "St. John's wort": nothing of a name is left
    return start, end


_LEFTOVER = re.compile(r"[\W_]*(?:(?:A|An|The|[A-Z])\b[\W_]*)?")


def _inside(text: str, start: int, end: int, a: int, b: int) -> bool:
    """Whether ``text[start:end]`` lies in ``text[a:b]`` but for an article or a lone letter.

    A sentence's "A" is sometimes read as an initial: "A Marcus Gunn pupil" found as the name
    "A Marcus Gunn" is still the eponym.
    """
    if not (start < b and a < end):
        return False
    return all(
        _LEFTOVER.fullmatch(piece) is not None
        for piece in (text[start : max(start, a)], text[min(end, b) : end])
    )


_TRAILING_COUNTRY = re.compile(r"(?:,?[ \t]*)(\w+)$")


def _without_country(
    text: str, start: int, end: int, phi_type: str = "CITY", from_tagger: bool = True
) -> int:
    """The end of a place or name detection with a trailing country name cut off.

    "Luckenwalde, Germany" keeps "Luckenwalde"; a detection that is only a country ends at its
    start (dropped). Countries are not PHI. In a NAME the country must follow a comma:
    "Kristen Jordan" is a surname; and a name rule's lone "Jordan" ("granddaughter Jordan") is a
    person, where the tagger's may be the country.
    """
    if phi_type == "NAME" and not from_tagger and text[start:end] in patterns.COUNTRIES:
        return end
    while end > start:
        match = _TRAILING_COUNTRY.search(text, start, end)
        if match is None or match.group(1) not in patterns.COUNTRIES:
            return end
        if phi_type == "NAME" and match.start() > start and "," not in match.group():
            return end
        end = match.start()
    return end


def _union_names(
    hits: list[tuple[int, int, str, bool, float]],
) -> list[tuple[int, int, str, bool, float]]:
    """Overlapping NAME hits joined into one: "Officer Joe" and "Joe O'Hara" make one name.

    Either part alone would leave the other part of the name in the text once overlaps are
    resolved. The union counts as a rule's hit if one part was a rule's.
    """
    names = sorted((h for h in hits if h[2] == "NAME"), key=lambda h: (h[0], -h[1]))
    merged: list[tuple[int, int, str, bool, float]] = []
    for start, end, kind, tagger, score in names:
        if merged and start < merged[-1][1]:
            a, b, _, last_tagger, last_score = merged[-1]
            merged[-1] = (a, max(b, end), kind, last_tagger and tagger, max(score, last_score))
        else:
            merged.append((start, end, kind, tagger, score))
    return [h for h in hits if h[2] != "NAME"] + merged


def _drug_name(text: str, start: int, end: int) -> bool:
    """A brand drug: a known brand, or a word followed by its generic name in brackets."""
    if text[start:end] in patterns.BRAND_DRUGS:
        return True
    return " " not in text[start:end] and patterns.DRUG_GENERIC_AFTER.match(text, end) is not None


def _titled(text: str, start: int) -> bool:
    return patterns.TITLE_BEFORE.search(text, max(0, start - 8), start) is not None


def _read_list(path: str | None, field: str) -> list[str]:
    """Entries of a site list file (one per line; blank lines and ``#`` comments skipped)."""
    if not path:
        return []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"deid.{field}={path}: cannot read the site list ({exc.__class__.__name__})"
        ) from exc
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _site_lists(params: DeidParams) -> dict[str, list[str]]:
    """Site lists by PHI type; each staff name also counts by its surname (2+ letters)."""
    staff = _read_list(params.staff_names, "staff_names")
    surnames = [n.split()[-1] for n in staff if " " in n and len(n.split()[-1]) > 2]
    return {
        "NAME": staff + surnames,
        "FACILITY": _read_list(params.facility_names, "facility_names"),
        "CITY": _read_list(params.city_names, "city_names"),
    }


@lru_cache(maxsize=4)
def _build_analyzer(params: DeidParams):
    """The engine of one ``deid`` section, shared by de-identifiers (about 2 s to build)."""
    from training.phi.engine import clinicode_analyzer
    from training.phi.tagger import DEFAULT_MODEL, TokenTagger

    tagger = None
    if params.tagger:
        path = DEFAULT_MODEL if params.tagger == "packaged" else Path(params.tagger)
        if not path.exists():
            raise ConfigError(f"deid.tagger={params.tagger}: model file not found")
        tagger = TokenTagger(path)
    return clinicode_analyzer(
        params.cache_dir, _site_lists(params), tagger, params.tagger_threshold
    )


class Deidentifier:
    """Keyed de-identification of records; counts replacements per PHI type in ``stats``.

    Args:
        key: Secret key of the HMACs behind pseudonyms, surrogates and date offsets. The same key
            gives the same output, so notes of one patient stay linked across runs.
        params: The ``deid`` section (site lists, tagger, thresholds); defaults when None.
    """

    def __init__(self, key: bytes, params: DeidParams | None = None) -> None:
        from clinicode.config import DeidParams

        if len(key) < MIN_KEY_BYTES:
            raise ConfigError(f"de-identification key too short: need {MIN_KEY_BYTES}+ bytes")
        self._key = key
        self.params = params or DeidParams()
        self.stats: Counter[str] = Counter()
        self.faker = Faker("en_US")  # re-seeded per surrogate: output never depends on call order
        self._analyzer = None  # built on first use (loads spaCy, the tagger and the site lists)

    def digest(self, *parts: str) -> bytes:
        """HMAC-SHA256 of the parts (joined with a separator that cannot occur in them)."""
        return hmac.new(self._key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()

    def pseudonym(self, kind: str, value: str) -> str:
        """Keyed pseudonym of an id: ``P-``/``C-``/``N-`` plus 16 hex chars of the HMAC."""
        prefix = {"patient": "P", "case": "C", "note": "N"}[kind]
        return f"{prefix}-{self.digest(kind, value).hex()[:16]}"

    def date_offset(self, patient_id: str) -> int:
        """Days every date of this patient moves: in -180..-1 or 1..180, never 0."""
        digest = self.digest("date-shift", patient_id)
        value = int.from_bytes(digest[:4], "big") % (2 * MAX_SHIFT_DAYS)
        return value - MAX_SHIFT_DAYS if value < MAX_SHIFT_DAYS else value - MAX_SHIFT_DAYS + 1

    @property
    def analyzer(self):
        """The Presidio engine (patterns, site lists, tagger), built on first use."""
        if self._analyzer is None:
            self._analyzer = _build_analyzer(self.params)
        return self._analyzer

    def detect_raw(self, text: str) -> list[tuple[int, int, str, bool]]:
        """Pattern, site-list and tagger hits: ``(start, end, phi_type, from_tagger)``.

        Names followed by a disease word ("Wilson disease") are dropped unless titled.
        """
        return [hit[:4] for hit in self.detect_scored(text)]

    def detect_scored(self, text: str) -> list[tuple[int, int, str, bool, float]]:
        """``detect_raw`` hits with their recognizer scores (the last element)."""
        decoded = decode_entities(text)
        if decoded is not None:
            # Read an HTML export as its browser shows it ("Perla&nbsp;Peres" is two words),
            # then report each span at the offsets of what it was decoded from.
            view, starts, ends = decoded
            hits = [(starts[a], ends[b - 1], *rest) for a, b, *rest in self._detect_scored(view)]
        else:
            hits = self._detect_scored(text)
        return [
            (start, end, *rest)
            for a, b, *rest in hits
            if b > a
            for start, end in outside_tags(text, a, b)
        ]

    def _detect_scored(self, text: str) -> list[tuple[int, int, str, bool, float]]:
        from training.phi.engine import TAGGER_RECOGNIZER, run_recognizers

        text = fold_lookalikes(text)
        results = run_recognizers(self.analyzer, text, self.params.score_threshold)
        instruments = _named_instruments(text)
        hits = []
        for result in results:
            start, end, phi_type = result.start, result.end, result.entity_type
            by_tagger = (result.recognition_metadata or {}).get("recognizer_name")
            from_tagger = by_tagger == TAGGER_RECOGNIZER
            if phi_type in _EPONYM_CONFUSABLE:
                end = _without_country(text, start, end, phi_type, from_tagger)
                start, end = _outside_instruments(text, start, end, instruments)
                if end <= start:
                    continue
            if _not_a_person(text, start, end, phi_type, instruments):
                continue
            if from_tagger and text[start:end] in _ABBREVIATIONS:
                continue  # "St. John's wort": the tagger read "St" as a name
            hits.append((start, end, phi_type, from_tagger, result.score))
        return _union_names(hits)

    def detect(self, text: str, identifiers: dict[str, str] | None = None) -> list[PhiSpan]:
        """PHI spans of ``text`` as de-identification would replace them (before replacement).

        Args:
            text: A note.
            identifiers: Known identifiers of its record (``NoteRecord.identifiers``), if any.

        Returns:
            Non-overlapping spans sorted by start, typed with ``PHI_TYPES``.
        """
        plan = _RecordPlan(self, "", identifiers or {}, surrogates=False)
        return [PhiSpan(s.start, s.end, s.kind) for s in plan.spans(text)]

    def deidentify_text(
        self, text: str, patient_id: str, identifiers: dict[str, str] | None = None
    ) -> str:
        """``text`` with every detected identifier replaced by its surrogate.

        Args:
            text: A note.
            patient_id: Source patient id: surrogates and the date shift are consistent per id.
            identifiers: Known identifiers of the record, searched for anywhere.

        Returns:
            The de-identified text; ``stats`` counts the replacements per type.
        """
        plan = _RecordPlan(self, patient_id, identifiers or {})
        spans = plan.spans(text)
        self.stats.update(span.kind.lower() for span in spans)
        return _splice(text, spans)

    def deidentify(self, record: NoteRecord) -> NoteRecord:
        """A de-identified copy of ``record``: text, ids and date replaced, identifiers dropped.

        Args:
            record: A raw record; its ``identifiers`` guide the search.

        Returns:
            A new record with pseudonymous ids, surrogate text, shifted ``note_date`` and empty
            ``identifiers``. The coding ``quarter`` is kept: it is an operational period.
        """
        text = self.deidentify_text(record.text, record.patient_id, record.identifiers)
        note_date = record.note_date
        if note_date:
            day = _parse_iso(note_date)
            offset = self.date_offset(record.patient_id)
            note_date = (day + timedelta(days=offset)).isoformat() if day else None
            if day is None:
                self.stats["note_date_dropped"] += 1
        return replace(
            record,
            note_id=self.pseudonym("note", record.note_id),
            patient_id=self.pseudonym("patient", record.patient_id),
            case_id=self.pseudonym("case", record.case_id),
            text=text,
            note_date=note_date,
            identifiers={},
        )


# Fields of a JSONL record that identify the person (besides the ``_kind_of`` keys).
_ID_FIELD_MARKERS = ("patient_id", "encounter", "account", "accession", "member", "ssn")


def is_identifier_field(name: str) -> bool:
    """True for a structured identifier field of a JSONL record (dropped from the output)."""
    lowered = name.lower()
    if lowered in ("id", "text"):
        return False
    return _kind_of(name) != "other" or any(m in lowered for m in _ID_FIELD_MARKERS)


def _jsonl_record(line: str, file: str, number: int) -> tuple[dict, NoteRecord]:
    """Parse one JSONL line into the passthrough dict and a raw record (errors name the field)."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(file, f"not valid JSON ({exc.msg})", record=f"line {number}") from None
    if not isinstance(raw, dict):
        raise InputError(file, "expected a JSON object", record=f"line {number}")
    if not isinstance(raw.get("id"), str | int) or isinstance(raw.get("id"), bool):
        raise InputError(file, "missing or not a string/integer", f"line {number}", "id")
    if not isinstance(raw.get("text"), str):
        raise InputError(file, "missing or not a string", f"line {number}", "text")
    identifiers = {}
    for name, value in raw.items():
        if is_identifier_field(name) and value is not None:
            if not isinstance(value, str | int):
                raise InputError(file, "identifier must be a string", f"line {number}", name)
            identifiers[name] = str(value)
    patient = identifiers.get("patient_id") or identifiers.get("mrn") or str(raw["id"])
    record = NoteRecord(
        note_id=str(raw["id"]), patient_id=patient, case_id=str(raw["id"]), text=raw["text"],
        codes=[], identifiers={k: v for k, v in identifiers.items() if k != "patient_id"},
    )  # fmt: skip
    return raw, record


def deidentify_jsonl(
    in_path: str | Path, out_path: str | Path, deidentifier: Deidentifier, progress: bool = True
) -> Counter[str]:
    """De-identify a JSONL file of notes: ``text`` replaced, identifier fields dropped.

    Each line is an object with ``id`` and ``text`` and optional structured identifier fields
    (``patient_name``, ``mrn``, ``birth_date``, ``address``, ``phone``, ``patient_id``...): those
    are searched for in the text, then dropped. Other fields pass through; ``id`` stays as given.
    The output is written to a temporary file and renamed, and only if no record fails the
    residual-PHI gate.

    Args:
        in_path: Input JSONL.
        out_path: Output JSONL (replaced atomically).
        deidentifier: The keyed de-identifier.
        progress: Show a progress bar (on a terminal).

    Returns:
        Replacements per PHI type (counts only).

    Raises:
        InputError: A line is not JSON, not an object, or has a bad ``id``/``text``/identifier
            field (the message names the file, the line and the field, never a value).
        DataValidationError: Known identifiers or PHI patterns remain after de-identification.
    """
    from tqdm import tqdm

    source, target = Path(in_path), Path(out_path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(source), f"cannot read ({exc.__class__.__name__})") from exc
    before, residual, rows = Counter(deidentifier.stats), Counter(), []
    for number, line in enumerate(tqdm(lines, unit="note", disable=not progress or None), 1):
        if not line.strip():
            continue
        raw, record = _jsonl_record(line, str(source), number)
        text = deidentifier.deidentify_text(record.text, record.patient_id, record.identifiers)
        residual.update(residual_phi(record, text))
        rows.append({k: v for k, v in raw.items() if not is_identifier_field(k)} | {"text": text})
    if residual:
        raise DataValidationError(
            f"{source}: residual PHI after de-identification, nothing written: {dict(residual)}"
        )
    _write_jsonl_atomic(target, rows)
    counts = deidentifier.stats - before
    logger.info("de-identified %d notes: %s", len(rows), dict(sorted(counts.items())))
    return counts


def _write_jsonl_atomic(target: Path, rows: list[dict]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
