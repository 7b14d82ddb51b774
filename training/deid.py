"""De-identification, first pass: known identifiers plus regex patterns, keyed and consistent.

What it replaces:
  * the record's known identifiers (``NoteRecord.identifiers``: names and each name part,
    address and its parts, MRN, phone, SSN, email, dates), anywhere in the text, case-insensitive;
  * patterns: dates in common formats, phone numbers, MRNs after an MRN label, SSNs, emails,
    URLs, titled names (Dr./Mr./Mrs./Ms. + capitalised name, case-sensitive) and ZIP codes after
    a state abbreviation.

Names and addresses get realistic surrogates, consistent within a patient (seeded by an HMAC of the
key and the patient id). Dates move by a per-patient offset (never zero) so intervals such as the
length of stay hold. Structured identifiers (MRN, phone, SSN, email, URL) become placeholders
such as ``[PHONE]``: realistic fakes would still match the PHI patterns the validation suite
forbids. Patient, case and note ids become HMAC-SHA256 pseudonyms: a plain hash of an 8-digit MRN
can be brute-forced in minutes.

Medical eponyms survive: only known identifiers and titled names are replaced, and a name part
followed by a disease word ("Wilson disease", "Parkinson's disease") is kept unless titled.
Nothing here logs or raises with an identifier value or note text.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from faker import Faker

from clinicode.errors import ConfigError
from clinicode.schema import NoteRecord

logger = logging.getLogger(__name__)

KEY_ENV = "CLINICODE_DEID_KEY"
KEY_FILE_ENV = "CLINICODE_DEID_KEY_FILE"
DEMO_KEY = b"clinicode-demo-deid-key--NOT-A-SECRET"
MIN_KEY_BYTES = 16
MAX_SHIFT_DAYS = 180

# Patterns a de-identified text must not match (also used by the validation suite). Plain
# ``re`` syntax so pandas/GX can evaluate them; no capturing groups.
_MRN_LABEL = r"(?i)\b(?:MRN|MR#|MR No\.?|medical record (?:number|no\.?))\s*[:#]?\s*"
PHI_REGEXES: dict[str, str] = {
    "ssn": r"\b\d{3}-\d{2}-\d{4}\b",
    "phone": r"(?<![\w/.-])(?:\+?1[-. ])?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w/-])",
    "email": r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    "mrn": _MRN_LABEL + r"[A-Z]{0,3}\d{5,10}\b",
}
_PHI = {name: re.compile(regex) for name, regex in PHI_REGEXES.items()}
_MRN_VALUE = re.compile(_MRN_LABEL + r"(?P<v>[A-Z]{0,3}\d{5,10})\b")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+")
_ZIP = re.compile(r"\b[A-Z]{2}\s+(?P<v>\d{5})(?:-\d{4})?\b")
_NAME_TOKEN = r"[A-Z][a-z'][A-Za-z'-]*"
# Case-sensitive on purpose: "dr" or "ms" in lower case is rarely a title.
_TITLED = re.compile(
    rf"\b(?:Dr|Mr|Mrs|Ms|Miss)\.?[ \t]+(?P<v>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN})?)"
)
_EPONYM_CONTEXT = re.compile(
    r"(?:'s|')?\s+(?:disease|syndrome|sign|palsy|lymphoma|fracture|esophagus|cyst|disorder|"
    r"phenomenon|reflex|test|maneuver|chorea|ulcer|encephalopathy|thyroiditis)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_RE = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY_RE = r"(?P<d>\d{1,2}(?:st|nd|rd|th)?)"
_DATES = (
    re.compile(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"),
    re.compile(r"(?<![\d-])(?P<m>\d{1,2})-(?P<d>\d{1,2})-(?P<y>\d{4})(?![\d-])"),
    re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)"),
    re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE},?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY_RE}[\s-]+{_MONTH_RE}[\s,-]+(?P<y>\d{{4}})\b", re.IGNORECASE),
)

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


def _eponym_use(text: str, end: int) -> bool:
    return _EPONYM_CONTEXT.match(text, end) is not None


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
    kind: str
    replacement: str


def _resolve(spans: list[_Span]) -> list[_Span]:
    """Keep non-overlapping spans, best priority first, then longest."""
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.priority, s.start - s.end, s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _splice(text: str, spans: list[_Span]) -> str:
    pieces, cursor = [], 0
    for span in spans:
        pieces += [text[cursor : span.start], span.replacement]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _parse_date_match(match: re.Match[str]) -> tuple[date, bool] | None:
    """The date of a match, and whether a numeric date was written day-first (14/03/2024)."""
    groups = match.groupdict()
    year = int(groups["y"])
    if len(groups["y"]) == 2:
        year += 2000 if year <= 40 else 1900  # two-digit years: 00-40 -> 2000s
    day = int(re.sub(r"\D", "", groups["d"]))
    swapped = False
    if groups.get("mon"):
        month = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(groups["mon"][:3].lower()))
    else:
        month = int(groups["m"])
        if month > 12 and day <= 12:
            month, day, swapped = day, month, True
    try:
        return date(year, month, day), swapped
    except ValueError:
        return None


def _render_like(match: re.Match[str], new: date, swapped: bool = False) -> str:
    """``new`` written in the format of the matched date (padding, month style, ordinals)."""
    text, base = match.group(), match.start()
    month_value, day_value = (new.day, new.month) if swapped else (new.month, new.day)
    values: dict[str, str] = {}
    for name, original in match.groupdict().items():
        if original is None:
            continue
        if name == "y":
            values[name] = str(new.year) if len(original) == 4 else f"{new.year % 100:02d}"
        elif name == "m":
            values[name] = f"{month_value:02d}" if len(original) == 2 else str(month_value)
        elif name == "d":
            digits = re.sub(r"\D", "", original)
            # Numeric dates keep their width; spelled-month dates pad only if they did ("May 08").
            padded = digits.startswith("0") or (
                len(digits) == 2 and not match.groupdict().get("mon")
            )
            day = f"{day_value:02d}" if padded else str(day_value)
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(new.day % 10 * (new.day // 10 != 1), "th")
            values[name] = day + (suffix if len(original) > len(digits) else "")
        else:
            full = _MONTHS[new.month - 1]
            word = full if original.lower() in _MONTHS else full[:3]
            values[name] = word.upper() if original.isupper() else word.capitalize()
    for name in sorted(values, key=lambda n: match.start(n), reverse=True):
        start, end = match.start(name) - base, match.end(name) - base
        text = text[:start] + values[name] + text[end:]
    return text


class _RecordPlan:
    """Surrogates and spans of one record: consistent per patient through keyed seeds."""

    def __init__(self, deid: Deidentifier, record: NoteRecord) -> None:
        self.deid, self.patient_id = deid, record.patient_id
        self.offset = deid.date_offset(record.patient_id)
        self.items = [(k, v.strip()) for k, v in record.identifiers.items() if v and v.strip()]
        self.roles: dict[str, str] = {}
        for key, value in self.items:
            if _kind_of(key) == "name":
                tokens = _WORD.findall(value)
                for position, token in enumerate(tokens):
                    role = "last" if position == len(tokens) - 1 else "first"
                    self.roles.setdefault(token.lower(), role)
        self.exclude = set(self.roles)

    # Surrogates
    def surrogate_token(self, token: str, role: str) -> str:
        """A surrogate first or last name for ``token``: same patient and token, same answer."""
        if len(token) < 2:
            return token  # initials carry too little to replace
        firsts, lasts = usable_names()
        rng = random.Random(self.deid.digest("name", self.patient_id, role, token.lower()))
        pool = firsts if role == "first" else lasts
        candidate = rng.choice(pool)
        while candidate.lower() in self.exclude or candidate.lower() == token.lower():
            candidate = rng.choice(pool)
        return candidate.upper() if token.isupper() else candidate

    def surrogate_name(self, text: str, positional: bool = False) -> str:
        tokens = _WORD.findall(text)

        def swap(match: re.Match[str]) -> str:
            token = match.group()
            role = self.roles.get(token.lower())
            if role is None or positional:
                role = role or ("last" if token == tokens[-1] else "first")
            return self.surrogate_token(token, role)

        return _WORD.sub(swap, text)

    def surrogate_address(self, value: str) -> dict[str, str]:
        """Surrogate of a whole address and of each of its parts (lower-cased keys)."""
        fake = self.deid.faker
        for attempt in range(20):
            # Faker builds street and city names from person names: skip a draw that reuses a
            # real name of this record (it would read as a residual identifier).
            seed = self.deid.digest("address", self.patient_id, value.lower(), str(attempt))
            fake.seed_instance(int.from_bytes(seed[:8], "big"))
            street, city = fake.street_address(), fake.city()
            words = {w.lower() for w in _WORD.findall(f"{street} {city}")}
            if not words & self.exclude:
                break
        state, zipcode = fake.state_abbr(include_territories=False), fake.zipcode()
        out = {value.lower(): f"{street}, {city}, {state} {zipcode}"}
        for index, part in enumerate(_address_parts(value)):
            if part.isdigit():
                out[part.lower()] = zipcode
            else:
                out[part.lower()] = street if index == 0 else city
        return out

    def surrogate_zip(self, zipcode: str) -> str:
        digest = self.deid.digest("zip", self.patient_id, zipcode)
        return f"{int.from_bytes(digest[:4], 'big') % 100_000:05d}"

    # Spans
    def spans(self, text: str) -> list[_Span]:
        spans = self._pattern_spans(text) + self._date_spans(text) + self._titled_spans(text)
        for key, value in self.items:
            spans += self._known_spans(text, key, value)
        return _resolve(spans)

    def _pattern_spans(self, text: str) -> list[_Span]:
        spans = [
            _Span(m.start(), m.start() + len(m.group().rstrip(".,;:)")), 0, "url", "[URL]")
            for m in _URL.finditer(text)
        ]
        for kind, priority in (("email", 0), ("ssn", 2), ("phone", 2)):
            spans += [
                _Span(m.start(), m.end(), priority, kind, f"[{kind.upper()}]")
                for m in _PHI[kind].finditer(text)
            ]
        spans += [
            _Span(m.start("v"), m.end("v"), 2, "mrn", "[MRN]") for m in _MRN_VALUE.finditer(text)
        ]
        spans += [
            _Span(m.start("v"), m.end("v"), 6, "zip", self.surrogate_zip(m.group("v")))
            for m in _ZIP.finditer(text)
        ]
        return spans

    def _date_spans(self, text: str) -> list[_Span]:
        spans = []
        for pattern in _DATES:
            for match in pattern.finditer(text):
                parsed = _parse_date_match(match)
                if parsed is None:
                    spans.append(_Span(match.start(), match.end(), 3, "date", "[DATE]"))
                    continue
                shifted = parsed[0] + timedelta(days=self.offset)
                replacement = _render_like(match, shifted, parsed[1])
                spans.append(_Span(match.start(), match.end(), 3, "date", replacement))
        return spans

    def _titled_spans(self, text: str) -> list[_Span]:
        return [
            _Span(
                m.start("v"),
                m.end("v"),
                4,
                "name",
                self.surrogate_name(m.group("v"), positional=True),
            )
            for m in _TITLED.finditer(text)
        ]

    def _known_spans(self, text: str, key: str, value: str) -> list[_Span]:
        kind = _kind_of(key)
        if kind == "date":
            return self._known_date_spans(text, value)
        if kind == "name":
            spans = [
                _Span(m.start(), m.end(), 1, "name", self.surrogate_name(m.group()))
                for m in _literal(value).finditer(text)
            ]
            for token in {t for t in _WORD.findall(value) if len(t) > 1}:
                spans += [
                    _Span(m.start(), m.end(), 5, "name", self.surrogate_name(m.group()))
                    for m in _literal(token).finditer(text)
                    if not _eponym_use(text, m.end())
                ]
            return spans
        if kind == "address":
            mapping = self.surrogate_address(value)
            return [
                _Span(
                    m.start(), m.end(), 1 if part == value.lower() else 5, "address", mapping[part]
                )
                for part in mapping
                for m in _literal(part).finditer(text)
            ]
        placeholder = "[" + (kind if kind != "other" else re.sub(r"\W", "_", key)).upper() + "]"
        return [
            _Span(m.start(), m.end(), 1, kind, placeholder) for m in _literal(value).finditer(text)
        ]

    def _known_date_spans(self, text: str, value: str) -> list[_Span]:
        day = _parse_iso(value)
        if day is None:
            return [
                _Span(m.start(), m.end(), 1, "date", "[DATE]")
                for m in _literal(value).finditer(text)
            ]
        shifted = day + timedelta(days=self.offset)
        return [
            _Span(m.start(), m.end(), 3, "date", style(shifted))
            for style in _date_styles()
            for m in _literal(style(day)).finditer(text)
        ]


class Deidentifier:
    """Keyed de-identification of records; counts replacements per PHI type in ``stats``.

    Args:
        key: Secret key of the HMACs behind pseudonyms, surrogates and date offsets. The same key
            gives the same output, so notes of one patient stay linked across runs.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ConfigError(f"de-identification key too short: need {MIN_KEY_BYTES}+ bytes")
        self._key = key
        self.stats: Counter[str] = Counter()
        self.faker = Faker("en_US")  # re-seeded per address: output never depends on call order

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

    def deidentify(self, record: NoteRecord) -> NoteRecord:
        """A de-identified copy of ``record``: text, ids and date replaced, identifiers dropped.

        Args:
            record: A raw record; its ``identifiers`` guide the search.

        Returns:
            A new record with pseudonymous ids, surrogate text, shifted ``note_date`` and empty
            ``identifiers``. The coding ``quarter`` is kept: it is an operational period.
        """
        plan = _RecordPlan(self, record)
        spans = plan.spans(record.text)
        self.stats.update(span.kind for span in spans)
        note_date = record.note_date
        if note_date:
            day = _parse_iso(note_date)
            note_date = (day + timedelta(days=plan.offset)).isoformat() if day else None
            if day is None:
                self.stats["note_date_dropped"] += 1
        return replace(
            record,
            note_id=self.pseudonym("note", record.note_id),
            patient_id=self.pseudonym("patient", record.patient_id),
            case_id=self.pseudonym("case", record.case_id),
            text=_splice(record.text, spans),
            note_date=note_date,
            identifiers={},
        )
