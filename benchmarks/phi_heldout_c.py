"""Held-out de-identification set C: synthetic annotated notes written blind on 2026-12-03.

Twelve note families that a hospital, a GP practice, a payer or a registry office would produce,
each different in form from a discharge summary: a UK GP referral letter, a nursing SBAR
handover, a radiology report, a surgical pathology report, an ED triage sheet, a home-health
visit note, a telehealth transcript, a payer's benefits letter, tumour-board minutes, a pharmacy
medication reconciliation, an operating-room implant log and a death-certificate worksheet.

The families were written from general knowledge of such documents, without reading the
detector, its patterns, its training templates or the earlier held-out sets, so that the
benchmark measures the detector on text it was never tuned on. Every PHI value is annotated
with its exact character span (the value only, never its label); ages are PHI only over 89.
Eponyms, named scales and brand names are marked in ``keep_spans``; about one patient or
relative in eight carries an eponym surname ("Mrs. Graves"), which is annotated as a NAME.

Usage::

    from benchmarks.phi_heldout_c import generate_heldout_c
    notes = generate_heldout_c(200, seed=7)
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import TypeVar

from faker import Faker

from training.phi.types import MONTHS, AnnotatedNote, PhiSpan

_T = TypeVar("_T")
KEEP = "KEEP"  # marker type of a value that must survive de-identification (not PHI)
EPONYM_SURNAME_RATE = 0.13  # share of patients and relatives given an eponym surname
OLD_AGE_RATE = 0.35  # share of patients over 89 (their age is PHI)

# Patients of a US hospital are drawn mostly from en_US names, with a mixed minority.
_LOCALES = ("en_US", "en_GB", "es_ES", "de_DE", "fr_FR", "it_IT", "pl_PL", "nl_NL")
_LOCALE_WEIGHTS = (40, 12, 10, 8, 8, 8, 7, 7)
_EPONYM_SURNAMES = (
    "Graves", "Wilson", "Addison", "Parkinson", "Bell", "Barrett", "Baker", "Cushing",
    "Hodgkin", "Foley", "Bishop", "Clark", "Hartmann", "Nissen", "Crohn", "Colles", "Down",
)  # fmt: skip
_FACILITY_BASES = (
    "St. Brigid's", "Mercy", "Riverside", "Lakeview", "Northgate", "Good Samaritan",
    "Sacred Heart", "Harborview", "Pinecrest", "Holy Cross", "Fairmont", "Westbrook",
    "Ashford", "Kingsbridge", "St. Columba's", "Elmwood", "Queen Eleanor", "Bayside",
)  # fmt: skip
_STATES = ("MA", "NY", "OH", "PA", "IL", "TX", "CA", "WA", "MN", "GA", "NC", "AZ")
_MON = tuple(month[:3] for month in MONTHS)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ONES = (
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_RELATIVES = {
    "F": ("daughter", "niece", "granddaughter", "sister", "wife"),
    "M": ("son", "nephew", "grandson", "brother", "husband"),
}
_PLACEHOLDER = re.compile(r"\{\}|\[\[(.+?)\]\]")


# ---------------------------------------------------------------------------------------------
# People, numbers and their written forms


@dataclass(frozen=True)
class _Person:
    """A patient, relative or clinician."""

    first: str
    last: str
    sex: str  # "F" or "M"

    @property
    def full(self) -> str:
        """First and last name."""
        return f"{self.first} {self.last}"

    @property
    def title(self) -> str:
        """Courtesy title as notes write it."""
        return "Mrs." if self.sex == "F" else "Mr."


@dataclass(frozen=True)
class _Patient:
    """The patient of a note with the identifiers a record system holds for them."""

    person: _Person
    age: int
    dob: date
    mrn: str
    phone: str
    ssn: str
    street: str
    city: str
    state: str
    zip: str
    email: str


@cache
def _faker(locale: str) -> Faker:
    """One Faker per locale, created on first use (reseeded before every use)."""
    return Faker(locale)


def _seeded_faker(rng: random.Random, locale: str) -> Faker:
    """The locale's Faker reseeded from ``rng``, so notes depend only on (n, seed)."""
    fake = _faker(locale)
    fake.seed_instance(rng.getrandbits(32))
    return fake


def _person(
    rng: random.Random, eponym_rate: float = 0.0, locale: str | None = None, sex: str = ""
) -> _Person:
    """A person with a name of a weighted-random locale; sometimes hyphenated or eponymous."""
    locale = locale or rng.choices(_LOCALES, weights=_LOCALE_WEIGHTS)[0]
    fake = _seeded_faker(rng, locale)
    sex = sex or rng.choice("FM")
    first = fake.first_name_female() if sex == "F" else fake.first_name_male()
    last = fake.last_name()
    if ", " in last:  # some Dutch surnames come as "Berg, van den": write "van den Berg"
        surname, prefix = last.split(", ", 1)
        last = f"{prefix} {surname}"
    if rng.random() < eponym_rate:
        last = rng.choice(_EPONYM_SURNAMES)
    elif rng.random() < 0.08:
        last = f"{last}-{fake.last_name()}"
    return _Person(first, last, sex)


def _relation(rng: random.Random, person: _Person) -> str:
    """A family relation word that fits the relative's sex ("daughter", "son", ...)."""
    return rng.choice(_RELATIVES[person.sex])


def _digits(rng: random.Random, count: int) -> str:
    """``count`` random decimal digits."""
    return "".join(rng.choice("0123456789") for _ in range(count))


def _us_phone(rng: random.Random) -> str:
    """A US phone number in canonical ``ddd-ddd-dddd`` form."""
    return f"{rng.randint(201, 989)}-{rng.randint(200, 989)}-{_digits(rng, 4)}"


def _phone_style(rng: random.Random, canonical: str) -> str:
    """A canonical US phone number as one of the ways notes write it."""
    area, exchange, line = canonical.split("-")
    styles = (
        canonical,
        f"({area}) {exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"+1 {area} {exchange} {line}",
        f"1-{area}-{exchange}-{line}",
        f"({area}){exchange}-{line}",
        f"{area} {exchange} {line}",
    )
    return rng.choice(styles)


def _extension(rng: random.Random) -> str:
    """An office extension written after a number (not annotated: it is not a number alone)."""
    return rng.choice(("", "", f" ext. {_digits(rng, 4)}", f" x{_digits(rng, 3)}", " ext 2"))


def _uk_phone(rng: random.Random) -> str:
    """A UK landline or mobile number, national or international form."""
    styles = (
        f"01632 {_digits(rng, 6)}",
        f"020 7946 {_digits(rng, 4)}",
        f"+44 20 7946 {_digits(rng, 4)}",
        f"07700 900{_digits(rng, 3)}",
        f"+44 (0)113 496 {_digits(rng, 4)}",
    )
    return rng.choice(styles)


def _ssn(rng: random.Random) -> str:
    """An SSN in canonical ``ddd-dd-dddd`` form (area never 000, 666 or 9xx)."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def _mrn(rng: random.Random) -> str:
    """A medical record number in one of several hospital formats."""
    styles = (
        _digits(rng, 8),
        f"E{_digits(rng, 7)}",
        f"{_digits(rng, 3)}-{_digits(rng, 3)}-{_digits(rng, 2)}",
        f"MR{_digits(rng, 6)}",
        f"K{_digits(rng, 6)}",
        f"00{_digits(rng, 7)}",
    )
    return rng.choice(styles)


def _npi(rng: random.Random) -> str:
    """A 10-digit NPI-like provider number."""
    return rng.choice("12") + _digits(rng, 9)


def _dea(rng: random.Random, last: str) -> str:
    """A DEA registration number with a valid check digit."""
    body = [rng.randint(0, 9) for _ in range(6)]
    check = (body[0] + body[2] + body[4] + 2 * (body[1] + body[3] + body[5])) % 10
    initial = _ascii(last)[:1].upper() or "X"
    return rng.choice("ABFM") + initial + "".join(map(str, body)) + str(check)


def _state_licence(rng: random.Random) -> str:
    """A state medical or nursing licence number."""
    styles = (
        f"{rng.choice(_STATES)}{_digits(rng, 6)}",
        f"MD.{_digits(rng, 7)}",
        f"A{_digits(rng, 5)}",
        f"RN{_digits(rng, 7)}",
        f"{_digits(rng, 2)}-{_digits(rng, 6)}",
    )
    return rng.choice(styles)


def _ascii(text: str) -> str:
    """Letters of ``text`` without accents, for e-mail addresses and domains."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z]", "", folded)


def _email(rng: random.Random, person: _Person, domain: str | None = None) -> str:
    """A personal or work e-mail address derived from a person's name."""
    first, last = _ascii(person.first).lower() or "pt", _ascii(person.last).lower() or "x"
    if domain is not None:
        return rng.choice((f"{first}.{last}@{domain}", f"{first[0]}{last}@{domain}"))
    provider = rng.choice(("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"))
    user = rng.choice((f"{first}.{last}", f"{first[0]}{last}{rng.randint(40, 99)}", last))
    return f"{user}@{provider}"


def _facility(rng: random.Random, kind: str) -> str:
    """A facility name of the given kind ("Hospital", "Surgery", ...)."""
    return f"{rng.choice(_FACILITY_BASES)} {kind}"


def _domain(facility: str) -> str:
    """A web domain derived from a facility name."""
    words = _ascii(facility.split()[0] + facility.split()[1]).lower()
    return f"{words}health.org"


def _ip(rng: random.Random) -> str:
    """An IPv4 address (private or public) or, rarely, an IPv6 address."""
    if rng.random() < 0.15:
        return "2001:db8:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(3)) + "::1"
    first = rng.choice((10, 172, 192, 73, 98, 24, 108))
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _shift_years(day: date, years: int) -> date:
    """``day`` moved by whole years (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _birth_date(rng: random.Random, today: date, age: int) -> date:
    """A birth date that makes the person exactly ``age`` on ``today``."""
    start = _shift_years(today, -(age + 1)) + timedelta(days=1)
    end = _shift_years(today, -age)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _patient(rng: random.Random, today: date) -> _Patient:
    """A patient with age, birth date, record number and a US home address."""
    person = _person(rng, EPONYM_SURNAME_RATE)
    age = rng.randint(90, 104) if rng.random() < OLD_AGE_RATE else rng.randint(19, 89)
    fake = _seeded_faker(rng, "en_US")
    zip_code = fake.zipcode_plus4() if rng.random() < 0.3 else fake.zipcode()
    return _Patient(
        person=person,
        age=age,
        dob=_birth_date(rng, today, age),
        mrn=_mrn(rng),
        phone=_us_phone(rng),
        ssn=_ssn(rng),
        street=fake.street_address(),
        city=fake.city(),
        state=rng.choice(_STATES),
        zip=zip_code,
        email=_email(rng, person),
    )


def _ordinal(number: int) -> str:
    """``3`` -> ``"3rd"``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def _words(number: int) -> str:
    """An age in words: ``91`` -> ``"ninety-one"``, ``102`` -> ``"one hundred and two"``."""
    if number >= 100:
        rest = number - 100
        return "one hundred" + (f" and {_words(rest)}" if rest else "")
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


_DATE_STYLES: dict[str, Callable[[date], str]] = {
    "us": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "us_short": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "eu_dot": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "uk_slash": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "iso": lambda d: d.isoformat(),
    "long": lambda d: f"{MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year}",
    "long_plain": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "uk_long": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "dmy_abbr": lambda d: f"{d.day:02d}-{_MON[d.month - 1]}-{d.year % 100:02d}",
    "upper_abbr": lambda d: f"{d.day:02d}{_MON[d.month - 1].upper()}{d.year}",
    "of_month": lambda d: f"{_ordinal(d.day)} of {MONTHS[d.month - 1]}",
    "mon_day": lambda d: f"{_MON[d.month - 1]} {d.day}",
    "day_mon": lambda d: f"{d.day} {_MON[d.month - 1]}",
    "month_day": lambda d: f"{MONTHS[d.month - 1]} {_ordinal(d.day)}",
}


def _date(day: date, style: str) -> str:
    """``day`` written in the named style of ``_DATE_STYLES``."""
    return _DATE_STYLES[style](day)


def _clock(rng: random.Random, colon: bool = True) -> str:
    """A time of day, ``14:32`` or military ``1432``."""
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    return f"{hour:02d}:{minute:02d}" if colon else f"{hour:02d}{minute:02d}"


# ---------------------------------------------------------------------------------------------
# Note builder


class _Note:
    """Builds a note's text while recording the spans of PHI and keep values."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[PhiSpan] = []
        self.keep_spans: list[tuple[int, int]] = []

    def _append(self, text: str, kind: str | None = None) -> None:
        """Append ``text``, recording its span when ``kind`` is a PHI type or ``KEEP``."""
        if kind is not None:
            if not text or text != text.strip():
                raise ValueError(f"a {kind} value must be non-empty and stripped")
            end = self.length + len(text)
            if kind == KEEP:
                self.keep_spans.append((self.length, end))
            else:
                self.spans.append(PhiSpan(self.length, end, kind))
        self.parts.append(text)
        self.length += len(text)

    def add(self, template: str, *values: tuple[str | None, str] | str | int) -> _Note:
        """Append ``template``: each ``{}`` takes the next value, ``[[term]]`` is a keep span.

        A value is ``(phi_type, text)`` (``phi_type`` None for plain text) or plain text.
        """
        queue = list(values)
        position = 0
        for match in _PLACEHOLDER.finditer(template):
            self._append(template[position : match.start()])
            if match.group(1) is not None:
                self._append(match.group(1), KEEP)
            else:
                value = queue.pop(0)
                kind, text = value if isinstance(value, tuple) else (None, str(value))
                self._append(text, kind)
            position = match.end()
        self._append(template[position:])
        if queue:
            raise ValueError(f"{len(queue)} values left over for template {template[:30]!r}")
        return self

    def name(self, person: _Person, style: str) -> _Note:
        """Append a person's name in a style; titles and separators stay outside the spans."""
        first, last = person.first, person.last
        if style == "last_first":
            return self.add("{}, {}", ("NAME", last), ("NAME", first))
        if style == "upper_last_first":
            return self.add("{}, {}", ("NAME", last.upper()), ("NAME", first.upper()))
        forms = {
            "full": person.full,
            "upper": person.full.upper(),
            "initial": f"{first[0]}. {last}",
            "last": last,
            "first": first,
        }
        if style == "title":
            return self.add(f"{person.title} {{}}", ("NAME", last))
        return self.add("{}", ("NAME", forms[style]))

    def age(self, age: int, style: str) -> _Note:
        """Append an age; annotated as AGE only when over 89."""
        value = _words(age) if style.startswith("words") else str(age)
        template = {
            "hyphen": "{}-year-old",
            "aged": "aged {}",
            "yo": "{} y/o",
            "yo_tight": "{}yo",
            "form": "{}y",
            "years": "{} years",
            "words": "{}-year-old",
            "words_plain": "{} years old",
        }[style]
        return self.add(template, ("AGE" if age > 89 else None, value))

    def build(self, identifiers: dict[str, str], patient_id: str, family: str) -> AnnotatedNote:
        """The finished annotated note."""
        return AnnotatedNote(
            text="".join(self.parts),
            spans=sorted(self.spans, key=lambda span: span.start),
            keep_spans=sorted(self.keep_spans),
            identifiers=identifiers,
            patient_id=patient_id,
            family=family,
        )


@dataclass
class _Ctx:
    """What a family writer needs: the note's random source, date and patient."""

    rng: random.Random
    today: date
    patient: _Patient

    def day(self, back_min: int = 0, back_max: int = 30) -> date:
        """A date between ``back_max`` and ``back_min`` days before the note's date."""
        return self.today - timedelta(days=self.rng.randint(back_min, back_max))

    def pick(self, options: Sequence[_T]) -> _T:
        """One of ``options`` chosen at random."""
        return self.rng.choice(options)


def _identifiers(pt: _Patient, fields: tuple[str, ...]) -> dict[str, str]:
    """The patient's structured identifiers of the given fields, in canonical form."""
    person = pt.person
    known = {
        "patient_name": person.full,
        "patient_first_name": person.first,
        "patient_last_name": person.last,
        "mrn": pt.mrn,
        "birth_date": pt.dob.isoformat(),
        "address": pt.street,
        "phone": pt.phone,
        "ssn": pt.ssn,
    }
    return {key: known[key] for key in fields}


_ALL_FIELDS = ("patient_name", "patient_first_name", "patient_last_name", "mrn", "birth_date")


# ---------------------------------------------------------------------------------------------
# Family 1: UK GP referral letter

_GP_HISTORY = (
    "Describes episodic rotatory vertigo with aural fullness and tinnitus on the left; I "
    "wonder about [[Meniere disease]]. A [[Dix-Hallpike test]] in surgery was negative and the "
    "[[Epley manoeuvre]] gave no relief.",
    "Six-month history of a resting tremor of the right hand with micrographia, and I "
    "am concerned this may be early [[Parkinson disease]]. [[Romberg sign]] was negative.",
    "Thyroid function shows a suppressed TSH with raised free T4, and she has lid lag; I "
    "suspect [[Graves disease]] and have started propranolol pending your review.",
    "Bilateral finger flexion deformities, worse on the right ring finger, consistent with "
    "[[Dupuytren contracture]]. He also has a tender popliteal swelling, probably a "
    "[[Baker cyst]].",
)
_GP_PMH = (
    "[[Colles fracture]] left wrist (2015), hypertension, type 2 diabetes on [[Januvia]].",
    "[[Barrett oesophagus]] under surveillance, osteoarthritis, on [[Nexium]] 20 mg OD.",
    "[[Bell palsy]] (2019, recovered), asthma on [[Symbicort]], previous [[Nissen "
    "fundoplication]].",
)


def _gp_letterhead(note: _Note, ctx: _Ctx, practice: str) -> None:
    """Practice name, line-wrapped address, telephone and letter date."""
    fake = _seeded_faker(ctx.rng, "en_GB")
    note.add("{}\n", ("FACILITY", practice))
    note.add(
        "{}\n{}\n{}\n",
        ("ADDRESS", fake.street_address()),
        ("CITY", fake.city()),
        ("ZIP", fake.postcode()),
    )
    note.add("Tel: {}   Fax: {}\n", ("PHONE", _uk_phone(ctx.rng)), ("PHONE", _uk_phone(ctx.rng)))
    note.add("\n{}\n\n", ("DATE", _date(ctx.today, ctx.pick(("uk_long", "uk_slash")))))


def _uk_patient(ctx: _Ctx) -> _Patient:
    """The note's patient moved to a UK home address and phone (a UK practice's patient)."""
    home = _seeded_faker(ctx.rng, "en_GB")
    return replace(
        ctx.patient,
        street=home.street_address(),
        city=home.city(),
        zip=home.postcode(),
        phone=_uk_phone(ctx.rng),
    )


def _gp_patient_line(note: _Note, ctx: _Ctx, pt: _Patient) -> None:
    """The letter's "Re:" block: name, birth date, NHS and hospital numbers, address, phone."""
    note.name(pt.person, "upper")
    note.add(
        "   DOB {}   NHS No: {}   Hosp No: {}\n",
        ("DATE", _date(pt.dob, "uk_slash")),
        ("ID", f"{_digits(ctx.rng, 3)} {_digits(ctx.rng, 3)} {_digits(ctx.rng, 4)}"),
        ("MRN", pt.mrn),
    )
    note.add(
        "{}, {} {}   Tel {}\n\n",
        ("ADDRESS", pt.street),
        ("CITY", pt.city),
        ("ZIP", pt.zip),
        ("PHONE", pt.phone),
    )


def _gp_referral(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A UK GP's referral letter to a hospital consultant."""
    rng, note = ctx.rng, _Note()
    pt = _uk_patient(ctx)
    consultant, gp = _person(rng, locale="en_GB"), _person(rng, locale="en_GB")
    carer = _person(rng, EPONYM_SURNAME_RATE, locale="en_GB")
    practice = _facility(rng, ctx.pick(("Surgery", "Medical Practice", "Health Centre")))
    _gp_letterhead(note, ctx, practice)
    note.add("Dr ").name(consultant, "full").add("\nConsultant Physician\n")
    note.add("{}\n\nDear Dr ", ("FACILITY", _facility(rng, "Hospital NHS Trust")))
    note.name(consultant, "last").add(",\n\nRe: ")
    _gp_patient_line(note, ctx, pt)
    note.add("Thank you for seeing this ").age(pt.age, ctx.pick(("hyphen", "words")))
    note.add(
        " {} whom I saw on the {}. ",
        "woman" if pt.person.sex == "F" else "man",
        ("DATE", _date(ctx.day(3, 40), "of_month")),
    )
    note.add(ctx.pick(_GP_HISTORY) + "\n\nPast history: " + ctx.pick(_GP_PMH) + "\n\n")
    pronoun = "her" if pt.person.sex == "F" else "his"
    note.add(f"Social: lives with {pronoun} {_relation(rng, carer)}, ").name(carer, "full")
    note.add(", who is the main carer and can be reached on {}.\n\n", ("PHONE", _uk_phone(rng)))
    note.add("Yours sincerely,\n\nDr ").name(gp, ctx.pick(("full", "initial")))
    note.add(
        "\nGMC No. {}\n{}\n", ("LICENSE", _digits(rng, 7)), ("EMAIL", _email(rng, gp, "nhs.net"))
    )
    return note, _identifiers(pt, (*_ALL_FIELDS, "address", "phone"))


# ---------------------------------------------------------------------------------------------
# Family 2: nursing shift handover (SBAR)

_SBAR_ASSESSMENT = (
    "[[Glasgow Coma Scale]] 14/15 (E4 V4 M6), intermittently confused overnight. "
    "[[Foley catheter]] in situ, draining clear urine ~40 mL/h.",
    "GCS 15. Obs stable, NEWS 3. Pressure areas intact, [[Braden scale]] 13 - on 2-hourly "
    "turns. Tolerating soft diet.",
    "Alert, oriented x2. Bowels open x1. [[Foley catheter]] removed at 06:00, awaiting void. "
    "[[Morse Fall Scale]] 55, high falls risk, bed alarm on.",
)
_SBAR_BACKGROUND = (
    "PMH [[Parkinson disease]] - Sinemet times are critical (06/10/14/18).",
    "PMH [[Alzheimer disease]], AF on [[Eliquis]], CKD 3.",
    "PMH [[Crohn disease]] with previous [[Hartmann procedure]], on [[Humira]].",
    "PMH [[Addison disease]] on hydrocortisone - do not miss doses; [[Cushing syndrome]] "
    "excluded last admission.",
)


def _sbar_handover(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A nurse-to-nurse shift handover in SBAR form."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    off_rn, on_rn = _person(rng), _person(rng)
    kin = _person(rng, EPONYM_SURNAME_RATE)
    admitted = ctx.day(1, 9)
    note.add("SHIFT HANDOVER - WARD 6 WEST - {} ", ("DATE", _date(ctx.today, "mon_day")))
    note.add("{}\nOff-going RN: ".format(ctx.pick(("0700", "1900", "19:00"))))
    note.name(off_rn, "initial").add("   On-coming RN: ").name(on_rn, ctx.pick(("full", "first")))
    note.add(f"\n\nS: Bed {rng.randint(1, 28)}, ").name(pt.person, "title")
    note.add(" (").age(pt.age, ctx.pick(("yo_tight", "yo", "years")))
    note.add(
        ", {}), MRN {}. Admitted {} with ",
        pt.person.sex,
        ("MRN", pt.mrn),
        ("DATE", _date(admitted, ctx.pick(("mon_day", "us_short", "day_mon")))),
    )
    note.add(ctx.pick(("community-acquired pneumonia", "a fall at home", "urosepsis")) + ".\n")
    note.add(
        "B: " + ctx.pick(_SBAR_BACKGROUND) + " Lives at {}, {}.\n",
        ("ADDRESS", pt.street),
        ("CITY", pt.city),
    )
    note.add(f"   NOK: {_relation(rng, kin)} ").name(kin, ctx.pick(("full", "title")))
    note.add(" - {} (mobile).\n", ("PHONE", _phone_style(rng, _us_phone(rng))))
    note.add("A: " + ctx.pick(_SBAR_ASSESSMENT) + "\n")
    note.add(
        "R: Repeat bloods in AM. Family meeting {} at 14:00 with Dr. ",
        ("DATE", _date(ctx.today + timedelta(days=rng.randint(1, 4)), "mon_day")),
    )
    note.name(_person(rng), "last").add(
        ". Page {} with any change.\n", ("PHONE", f"{rng.randint(200, 999)}-{_digits(rng, 4)}")
    )
    return note, _identifiers(pt, ("patient_last_name", "mrn", "address"))


# ---------------------------------------------------------------------------------------------
# Family 3: radiology report

_RAD_EXAMS = (
    (
        "MRI KNEE RIGHT WITHOUT CONTRAST",
        "Posterior knee swelling.",
        "Complex fluid collection between the medial head of gastrocnemius and semimembranosus, "
        "consistent with a [[Baker cyst]] measuring 4.1 x 2.3 cm. Intact ACL; clinical "
        "[[Lachman test]] reported as equivocal.",
        "Ruptured-appearing [[Baker cyst]]. No meniscal tear.",
    ),
    (
        "XR WRIST LEFT 3 VIEWS",
        "Fall onto outstretched hand.",
        "Transverse fracture of the distal radial metaphysis with dorsal angulation and impaction, "
        "a [[Colles fracture]]. Ulnar styloid intact.",
        "[[Colles fracture]] of the left distal radius.",
    ),
    (
        "CT ABDOMEN PELVIS WITH IV CONTRAST",
        "Known [[Crohn disease]], right lower quadrant pain.",
        "Mural thickening and hyperenhancement of the terminal ileum over 12 cm with comb sign. "
        "Post-surgical change of prior [[Roux-en-Y]] gastric bypass.",
        "Active terminal ileitis in keeping with [[Crohn disease]].",
    ),
    (
        "CHEST PA AND LATERAL",
        "Line position.",
        "Right internal jugular [[Swan-Ganz catheter]] with tip in the right main pulmonary "
        "artery. Left chest wall pacemaker, leads intact.",
        "[[Swan-Ganz catheter]] tip in right main pulmonary artery.",
    ),
)


def _rad_header(note: _Note, ctx: _Ctx, facility: str) -> None:
    """Department header and the patient demographics block."""
    pt, rng = ctx.patient, ctx.rng
    note.add("{} - DEPARTMENT OF DIAGNOSTIC IMAGING\n", ("FACILITY", facility.upper()))
    fake = _seeded_faker(rng, "en_US")
    note.add(
        "{}, {}, {} {}\n\n",
        ("ADDRESS", fake.street_address()),
        ("CITY", fake.city()),
        ctx.pick(_STATES),
        ("ZIP", fake.zipcode()),
    )
    note.add("PATIENT: ").name(pt.person, "upper_last_first")
    note.add("        MRN: {}\nDOB: {}   AGE: ", ("MRN", pt.mrn), ("DATE", _date(pt.dob, "us")))
    note.age(pt.age, "form").add(f"   SEX: {pt.person.sex}\n")


def _radiology(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A dictated imaging report with accession number and signatures."""
    rng, note = ctx.rng, _Note()
    exam, history, findings, impression = ctx.pick(_RAD_EXAMS)
    orderer, reader = _person(rng), _person(rng)
    _rad_header(note, ctx, _facility(rng, ctx.pick(("Medical Center", "Imaging Center"))))
    accession = ctx.pick((f"RAD{_digits(rng, 8)}", f"A{_digits(rng, 9)}", f"CT-{_digits(rng, 7)}"))
    note.add(
        "ACCESSION #: {}   EXAM DATE: {} {}\n",
        ("ID", accession),
        ("DATE", _date(ctx.today, ctx.pick(("us", "iso")))),
        _clock(rng),
    )
    note.add("ORDERING PROVIDER: ").name(orderer, "last_first")
    note.add(", MD (NPI {})\n\nEXAM: {}\nCLINICAL HISTORY: ", ("LICENSE", _npi(rng)), exam)
    note.add(history + "\nCOMPARISON: ")
    if rng.random() < 0.6:
        note.add("{}.\n", ("DATE", _date(ctx.day(60, 900), ctx.pick(("iso", "us", "dmy_abbr")))))
    else:
        note.add("None.\n")
    if "pacemaker" in findings:
        note.add(
            "Pacemaker serial number {} per device clinic record.\n",
            ("DEVICE", f"PJN{_digits(rng, 6)}H"),
        )
    note.add("\nFINDINGS:\n" + findings + "\n\nIMPRESSION:\n1. " + impression + "\n\n")
    note.add("Dictated by: ").name(reader, "full")
    note.add(", MD\nElectronically signed {} {}\n", ("DATE", _date(ctx.today, "us")), _clock(rng))
    return note, _identifiers(ctx.patient, _ALL_FIELDS)


# ---------------------------------------------------------------------------------------------
# Family 4: surgical pathology report

_PATH_CASES = (
    (
        "Prostate, left and right, needle core biopsies (12 cores)",
        "Prostatic adenocarcinoma, acinar type, [[Gleason score 7]] (3+4), Grade Group 2, in 4 of "
        "12 cores, up to 45% of core length. Perineural invasion present.",
    ),
    (
        "Skin, left upper back, wide local excision",
        "Invasive malignant melanoma, superficial spreading type. [[Breslow thickness]] 1.4 mm, "
        "[[Clark level]] IV. No ulceration. Margins clear (closest 6 mm).",
    ),
    (
        "Pancreas head and duodenum, [[Whipple procedure]]",
        "Pancreatic ductal adenocarcinoma, moderately differentiated, 2.8 cm, pT2 N1 (2/17 nodes).",
    ),
    (
        "Oesophagus, distal, endoscopic biopsies",
        "Columnar mucosa with intestinal metaplasia consistent with [[Barrett oesophagus]]; "
        "negative for dysplasia.",
    ),
    (
        "Lymph node, left cervical, excision",
        "Classic [[Hodgkin lymphoma]], nodular sclerosis type. Reed-Sternberg cells CD15+, CD30+.",
    ),
)


def _path_numbers(note: _Note, ctx: _Ctx, year: int) -> None:
    """Laboratory header with CLIA number, then accession, specimen and requisition ids."""
    rng = ctx.rng
    note.add(
        "SURGICAL PATHOLOGY REPORT\n{} | Department of Laboratory Medicine | CLIA {}\n",
        ("FACILITY", _facility(rng, "Hospital")),
        ("LICENSE", f"{_digits(rng, 2)}D{_digits(rng, 7)}"),
    )
    note.add(
        "Accession: {}   Specimen ID: {}   Req #: {}\n",
        ("ID", f"S{year:02d}-{_digits(rng, 5)}"),
        ("ID", f"SP-{year:02d}-{_digits(rng, 6)}"),
        ("ID", _digits(rng, 9)),
    )


def _pathology(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A surgical pathology report with accession, specimen and CLIA numbers."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    specimen, diagnosis = ctx.pick(_PATH_CASES)
    surgeon, pathologist = _person(rng), _person(rng)
    collected = ctx.day(3, 10)
    _path_numbers(note, ctx, collected.year % 100)
    note.add("Patient: ").name(pt.person, "last_first").add(
        "   MRN: {}   DOB: {}   Age: ", ("MRN", pt.mrn), ("DATE", _date(pt.dob, "eu_dot"))
    )
    note.age(pt.age, "years")
    style = ctx.pick(("us", "iso", "dmy_abbr"))
    note.add(
        "\nCollected: {} {}   Received: {}   Reported: {}\n",
        ("DATE", _date(collected, style)),
        _clock(rng),
        ("DATE", _date(collected + timedelta(days=1), style)),
        ("DATE", _date(ctx.today, style)),
    )
    note.add("Submitting physician: ").name(surgeon, "full")
    note.add(
        ", MD | Tel {}{} | Fax {}\n\n",
        ("PHONE", _phone_style(rng, _us_phone(rng))),
        _extension(rng),
        ("PHONE", _phone_style(rng, _us_phone(rng))),
    )
    note.add("SPECIMEN:\nA. " + specimen + "\n\nFINAL DIAGNOSIS:\nA. " + diagnosis + "\n\n")
    note.add('GROSS DESCRIPTION:\nReceived in formalin labelled "').name(pt.person, "upper")
    note.add(' - {}" and consisting of the specimen as listed.\n\n', ("MRN", pt.mrn))
    note.add("Pathologist: ").name(pathologist, "initial")
    note.add(", MD, FCAP  (electronically signed {})\n", ("DATE", _date(ctx.today, "us")))
    return note, _identifiers(pt, _ALL_FIELDS)


# ---------------------------------------------------------------------------------------------
# Family 5: emergency department triage sheet

_TRIAGE_COMPLAINTS = (
    "Pleuritic chest pain and dyspnoea since this morning. Right calf swollen. [[Wells score]] "
    "for PE 4.5. On [[Xarelto]]? - pt unsure, pharmacy to confirm.",
    "Found on floor by carer, down ~6 h. [[Glasgow Coma Scale]] 13 (E3 V4 M6). Hx "
    "[[Alzheimer disease]]. [[Kernig sign]] negative.",
    "Headache, neck stiffness, photophobia. [[Kernig sign]] positive, [[Brudzinski sign]] "
    "equivocal. GCS 15.",
    "Vertigo and vomiting, known [[Meniere disease]]. Nystagmus L-beating. [[Romberg sign]] "
    "not tested (unsteady).",
)
_TRIAGE_OBSTETRIC = (
    "G2P1 at 39+2 weeks, regular contractions q4min since 01:00, membranes intact. Cervix 4 cm, "
    "[[Bishop score]] 9. To L&D.",
    "Precipitous delivery in ambulance 10 min PTA; infant [[Apgar score]] 8 and 9 per EMS. "
    "Mother: PPH ~600 mL, fundus firm after massage.",
)


def _triage_complaint(ctx: _Ctx) -> str:
    """The presenting complaint; obstetric ones only for women of child-bearing age."""
    patient = ctx.patient
    if patient.person.sex == "F" and patient.age < 45 and ctx.rng.random() < 0.5:
        return ctx.pick(_TRIAGE_OBSTETRIC)
    return ctx.pick(_TRIAGE_COMPLAINTS)


def _triage_row(note: _Note, label: str, value: tuple[str | None, str] | str) -> None:
    """One ``| label | value |`` row of the triage form."""
    note.add(f"| {label:<10} | {{}} |\n", value)


def _ed_triage(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """An emergency department triage form with | tables."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    companion = _person(rng, EPONYM_SURNAME_RATE)
    note.add(
        "EMERGENCY DEPARTMENT - TRIAGE RECORD\n{}\n\n",
        ("FACILITY", _facility(rng, ctx.pick(("Hospital", "Medical Center")))),
    )
    note.add(
        "| Arrival    | {} {} | Mode: EMS (Medic {}) |\n",
        ("DATE", _date(ctx.today, ctx.pick(("dmy_abbr", "upper_abbr", "us")))),
        _clock(rng),
        rng.randint(2, 40),
    )
    note.add("| Name       | ").name(pt.person, "upper_last_first").add(" |\n")
    _triage_row(note, "MRN", ("MRN", pt.mrn))
    _triage_row(note, "DOB", ("DATE", _date(pt.dob, ctx.pick(("us", "upper_abbr", "iso")))))
    note.add("| Age        | age: ").age(pt.age, ctx.pick(("form", "years"))).add(" |\n")
    _triage_row(note, "Visit #", ("ID", f"{ctx.pick(('V', 'ED', 'FIN '))}{_digits(rng, 9)}"))
    note.add(
        "| Address    | {}, {} {} |\n", ("ADDRESS", pt.street), ("CITY", pt.city), ("ZIP", pt.zip)
    )
    _triage_row(note, "Home ph", ("PHONE", _phone_style(rng, pt.phone)))
    note.add(f"| Companion  | {_relation(rng, companion)} ").name(companion, "full")
    note.add(" | {} |\n\nCHIEF COMPLAINT / HPI:\n", ("PHONE", _phone_style(rng, _us_phone(rng))))
    note.add(_triage_complaint(ctx) + "\n\n")
    vitals = (95, 190), (50, 105), (55, 130), (12, 30), (86, 100), (0, 9), (0, 10)
    template = "VITALS: BP {}/{}  HR {}  RR {}  SpO2 {}% RA  T 37.{} C  Pain {}/10\n"
    note.add(template, *(rng.randint(low, high) for low, high in vitals))
    note.add(f"ESI: {rng.randint(1, 4)}   Isolation: none   Allergies: NKDA\n")
    note.add("Triage RN: ").name(_person(rng), "initial").add(", RN\n")
    fields = (*_ALL_FIELDS, "address", "phone")
    return note, _identifiers(pt, fields)


# ---------------------------------------------------------------------------------------------
# Family 6: home-health skilled nursing visit

_HOME_FINDINGS = (
    "Indwelling [[Foley catheter]] changed per order (16 Fr, 10 mL balloon), clear yellow urine. "
    "Pt tolerated well.",
    "Stage 2 sacral pressure injury 2.0 x 1.5 cm, pink base, cleansed and Mepilex applied. "
    "[[Braden scale]] 14.",
    "Weight up 1.6 kg since last visit, 2+ pitting oedema to mid-shin. [[Lasix]] taken as "
    "prescribed per pill organiser. Lungs fine crackles bases.",
    "Pt with [[Alzheimer disease]], pleasant, oriented to self only. Medications set up in "
    "weekly organiser incl. [[Aricept]] and [[Eliquis]].",
)


def _home_header(note: _Note, ctx: _Ctx) -> None:
    """Agency name, visit date and the time in and out of the home."""
    rng = ctx.rng
    agency = _facility(rng, ctx.pick(("Home Health Services", "Visiting Nurse Association")))
    start = rng.randint(8 * 60, 16 * 60)  # minutes after midnight; visits last 35-75 min
    end = start + rng.randint(35, 75)
    note.add(
        "{}\nSKILLED NURSING VISIT NOTE\n\nVisit date: {}   Time in: {}   Time out: {}\n",
        ("FACILITY", agency),
        ("DATE", _date(ctx.today, ctx.pick(("long", "long_plain")))),
        f"{start // 60:02d}:{start % 60:02d}",
        f"{end // 60:02d}:{end % 60:02d}",
    )


def _home_health(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A home-health nurse's skilled visit note with a line-wrapped visit address."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    nurse, caregiver, doctor = _person(rng), _person(rng, EPONYM_SURNAME_RATE), _person(rng)
    _home_header(note, ctx)
    note.add("Patient: ").name(pt.person, ctx.pick(("full", "last_first")))
    note.add("   DOB: {}   Agency ID: {}\n", ("DATE", _date(pt.dob, "us")), ("MRN", pt.mrn))
    note.add(
        "Visit location (home):\n{}\n{}, {} {}\n\n",
        ("ADDRESS", pt.street),
        ("CITY", pt.city),
        pt.state,
        ("ZIP", pt.zip),
    )
    note.add("S: Pt is a ").age(pt.age, ctx.pick(("hyphen", "words", "yo")))
    sex_word = "woman" if pt.person.sex == "F" else "man"
    note.add(f" homebound {sex_word} seen for skilled nursing. Caregiver ")
    note.name(caregiver, ctx.pick(("full", "title"))).add(
        " ({}) present, cell {}.\n",
        _relation(rng, caregiver),
        ("PHONE", _phone_style(rng, _us_phone(rng))),
    )
    note.add("O: " + ctx.pick(_HOME_FINDINGS) + "\n")
    note.add(
        "A/P: Continue plan of care. Next visit {}. Notify Dr. ",
        ("DATE", _date(ctx.today + timedelta(days=rng.randint(2, 7)), "mon_day")),
    )
    note.name(doctor, "last").add(
        " at {}{} if weight gain > 1 kg/day.\n\n",
        ("PHONE", _phone_style(rng, _us_phone(rng))),
        _extension(rng),
    )
    note.add("Clinician: ").name(nurse, "full").add(
        ", RN   Lic. {}\n", ("LICENSE", _state_licence(rng))
    )
    return note, _identifiers(pt, (*_ALL_FIELDS, "address"))


# ---------------------------------------------------------------------------------------------
# Family 7: telehealth visit transcript

_TELE_EXCHANGES = (
    (
        "How has your mood been since we increased the [[Zoloft]]?",
        "Better, I'm sleeping a bit more. Still no energy in the mornings.",
        "Your [[Hamilton Depression Rating Scale]] score today is 14, down from 21.",
    ),
    (
        "Any more tics at school or at work?",
        "Fewer, the vocal ones mostly went away on the new dose.",
        "That fits with [[Tourette syndrome]] improving on treatment; we'll keep the dose.",
    ),
    (
        "How is the dry mouth and dry eyes?",
        "Still bad, I use the drops six times a day.",
        "With the positive antibodies this is consistent with [[Sjogren syndrome]].",
    ),
)


def _tele_header(note: _Note, ctx: _Ctx, clinic: str) -> None:
    """Session metadata: platform URL, session id, IP address and consent date."""
    rng, pt = ctx.rng, ctx.patient
    domain = _domain(clinic)
    note.add(
        "TELEHEALTH VISIT - VIDEO\n{}\nPlatform link: {}\n",
        ("FACILITY", clinic),
        ("URL", f"https://meet.{domain}/j/{_digits(rng, 10)}"),
    )
    note.add(
        "Session ID: {}   MRN: {}   Patient IP: {}   Start: {} {}\n",
        ("ID", f"TH-{_digits(rng, 4)}-{_digits(rng, 6)}"),
        ("MRN", pt.mrn),
        ("IP", _ip(rng)),
        ("DATE", _date(ctx.today, "iso")),
        _clock(rng),
    )
    note.add(
        "Patient location: home, {}, {}. Verbal consent to telehealth obtained on {}.\n\n",
        ("CITY", pt.city),
        pt.state,
        ("DATE", _date(ctx.day(30, 400), "us")),
    )


def _telehealth(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A timestamped telehealth transcript with e-mail, URL and IP address."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    spouse_sex = "F" if pt.person.sex == "M" else "M"
    doctor, spouse = _person(rng), _person(rng, EPONYM_SURNAME_RATE, sex=spouse_sex)
    clinic = _facility(rng, ctx.pick(("Behavioral Health", "Neurology Clinic", "Family Medicine")))
    _tele_header(note, ctx, clinic)
    ask, answer, remark = ctx.pick(_TELE_EXCHANGES)
    minute = rng.randint(0, 50)
    note.add(f"[{minute:02d}:01] Dr. ").name(doctor, "last")
    note.add(": Hi, can you confirm your full name and date of birth for me?\n")
    note.add(f"[{minute:02d}:09] Patient: Sure, ").name(pt.person, "full")
    note.add(", {}.\n", ("DATE", _date(pt.dob, ctx.pick(("long_plain", "long", "us")))))
    note.add(f"[{minute:02d}:20] Dr. ").name(doctor, "last").add(": And a number if we drop?\n")
    note.add(
        f"[{minute:02d}:26] Patient: {{}}, or e-mail me at {{}}.\n",
        ("PHONE", _phone_style(rng, pt.phone)),
        ("EMAIL", pt.email),
    )
    note.add(f"[{minute + 1:02d}:02] Dr. ").name(doctor, "last").add(": " + ask + "\n")
    note.add(f"[{minute + 1:02d}:15] Patient: " + answer + " My ")
    note.add("wife " if pt.person.sex == "M" else "husband ").name(spouse, "first")
    note.add(" is here with me.\n")
    note.add(f"[{minute + 2:02d}:40] Dr. ").name(doctor, "last").add(": " + remark + "\n\n")
    note.add(
        "Follow-up booked for {}; after-visit summary at {}\n",
        ("DATE", _date(ctx.today + timedelta(days=rng.randint(14, 60)), "month_day")),
        ("URL", f"https://portal.{_domain(clinic)}/avs?visit={_digits(rng, 8)}"),
    )
    note.add("Recorded by ").name(doctor, "full").add(", MD (NPI {})\n", ("LICENSE", _npi(rng)))
    return note, _identifiers(pt, (*_ALL_FIELDS, "phone"))


# ---------------------------------------------------------------------------------------------
# Family 8: payer's benefits correspondence

_PAYERS = ("Keystone Mutual Health Plan", "Summit Care Alliance", "Prairie Benefit Trust")
_BILL_REASONS = (
    "The claim for infliximab infusion (HCPCS J1745) with diagnosis K50.90 ([[Crohn disease]]) "
    "was denied: prior authorisation was not on file for the date of service.",
    "The claim for laparoscopic [[Nissen fundoplication]] (CPT 43280) was paid at the "
    "out-of-network rate; your share is shown below.",
    "The claim for [[Humira]] was reprocessed after your physician's appeal and is now approved.",
)


def _eob_numbers(note: _Note, ctx: _Ctx, served: date) -> None:
    """Member, group, claim and account numbers, subscriber SSN and date of service."""
    rng = ctx.rng
    note.add(
        "Member ID: {}    Group No.: {}\n",
        ("ID", f"{ctx.pick(('XGH', 'KMH', 'W'))}{_digits(rng, 9)}"),
        ("ID", f"{_digits(rng, 6)}-{_digits(rng, 3)}"),
    )
    note.add(
        "Claim #: {}    Patient Account: {}\n",
        ("ID", f"{served.year}{_digits(rng, 4)}-{_digits(rng, 5)}-0{rng.randint(1, 4)}"),
        ("ID", _digits(rng, 10)),
    )
    note.add(
        "Subscriber SSN: {}    Date of service: {}\n",
        ("SSN", ctx.patient.ssn),
        ("DATE", _date(served, ctx.pick(("us", "us_short")))),
    )


def _billing_letter(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A health plan's explanation-of-benefits letter with member, claim and account numbers."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    served = ctx.day(30, 120)
    note.add(
        ctx.pick(_PAYERS) + "\nMember Services\n\n{}\n\n",
        ("DATE", _date(ctx.today, ctx.pick(("long_plain", "us")))),
    )
    note.name(pt.person, "upper").add(
        "\n{}\n{}, {} {}\n\n",
        ("ADDRESS", pt.street.upper()),
        ("CITY", pt.city.upper()),
        pt.state,
        ("ZIP", pt.zip),
    )
    note.add("RE: EXPLANATION OF BENEFITS - THIS IS NOT A BILL\n")
    _eob_numbers(note, ctx, served)
    note.add(
        "Provider: {} (NPI {})\n\nDear ",
        ("FACILITY", _facility(rng, "Medical Center")),
        ("LICENSE", _npi(rng)),
    )
    note.name(pt.person, ctx.pick(("title", "full"))).add(",\n\n" + ctx.pick(_BILL_REASONS))
    billed = rng.randint(200, 9000)
    allowed = billed * rng.randint(40, 90) // 100
    paid = allowed * rng.randint(60, 100) // 100
    note.add("\n\n| Billed | Allowed | Plan paid | You owe |\n")
    note.add(f"| ${billed}.00 | ${allowed}.00 | ${paid}.00 | ${allowed - paid}.00 |\n\n")
    note.add(
        "You may appeal within 180 days, i.e. by {}. Call us at {} (TTY 711), "
        "Monday-Friday 8am-8pm.\n",
        ("DATE", _date(served + timedelta(days=180), "long_plain")),
        ("PHONE", f"1-800-{rng.randint(200, 999)}-{_digits(rng, 4)}"),
    )
    return note, _identifiers(pt, ("patient_name", "address", "ssn"))


# ---------------------------------------------------------------------------------------------
# Family 9: oncology tumour-board minutes

_BOARD_CASES = (
    "Stage IIB classic [[Hodgkin lymphoma]], post 2 cycles ABVD, interim PET Deauville 2.",
    "Pancreatic head adenocarcinoma after [[Whipple procedure]], R0, 2/17 nodes positive.",
    "Adenocarcinoma arising in long-segment [[Barrett oesophagus]], cT3 N1, ECOG 1.",
    "Melanoma, [[Breslow thickness]] 2.1 mm, [[Clark level]] IV, sentinel node positive.",
)
_SPECIALTIES = ("Medical Oncology", "Radiation Oncology", "Surgery", "Pathology", "Radiology")


def _tumour_board(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """Minutes of a multidisciplinary tumour board listing several clinicians."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    members = [_person(rng) for _ in range(len(_SPECIALTIES))]
    chair, nurse = _person(rng), _person(rng)
    note.add(
        "MULTIDISCIPLINARY TUMOUR BOARD - MINUTES\n{} Cancer Centre\nMeeting date: {}\n\n",
        ("FACILITY", _facility(rng, "Hospital")),
        ("DATE", _date(ctx.today, "iso")),
    )
    note.add("Chair: Dr ").name(chair, "full").add("\nPresent: ")
    for member, specialty in zip(members, _SPECIALTIES, strict=True):
        note.add("Dr ").name(member, ctx.pick(("full", "initial"))).add(f" ({specialty}); ")
    note.add("").name(nurse, "full").add(" (CNS)\nApologies: ").name(_person(rng), "last_first")
    note.add(f"\n\nCase {rng.randint(1, 4)} of {rng.randint(5, 9)}\nPatient: ")
    note.name(pt.person, "last_first").add(
        " | Hosp No {} | DOB {} | ", ("MRN", pt.mrn), ("DATE", _date(pt.dob, "uk_slash"))
    )
    note.age(pt.age, ctx.pick(("hyphen", "years", "aged")))
    note.add("\nPresented by: Dr ").name(members[0], "last")
    note.add(
        "\nSummary: " + ctx.pick(_BOARD_CASES) + "\nDiscussion: reviewed imaging from {}"
        " and pathology; patient's performance status discussed.\n",
        ("DATE", _date(ctx.day(5, 40), ctx.pick(("day_mon", "mon_day")))),
    )
    note.add("Outcome: for adjuvant treatment. ").name(pt.person, "title")
    note.add(" to be seen in clinic on {} by Dr ", ("DATE", _date(ctx.day(-21, -5), "uk_long")))
    note.name(members[0], "last").add(
        ".\nNext meeting: {}\n", ("DATE", _date(ctx.today + timedelta(days=7), "iso"))
    )
    return note, _identifiers(pt, _ALL_FIELDS)


# ---------------------------------------------------------------------------------------------
# Family 10: pharmacy medication reconciliation

_MEDS = (
    ("[[Eliquis]] (apixaban)", "5 mg", "PO BID"),
    ("[[Synthroid]] (levothyroxine)", "75 mcg", "PO daily"),
    ("[[Lasix]] (furosemide)", "40 mg", "PO daily"),
    ("[[Keppra]] (levetiracetam)", "500 mg", "PO BID"),
    ("[[Lipitor]] (atorvastatin)", "40 mg", "PO qHS"),
    ("[[Norco]] (hydrocodone/APAP)", "5/325 mg", "PO q6h PRN"),
    ("[[Januvia]] (sitagliptin)", "100 mg", "PO daily"),
    ("[[Plavix]] (clopidogrel)", "75 mg", "PO daily"),
)


def _med_row(
    note: _Note, ctx: _Ctx, med: tuple[str, str, str], prescriber: _Person, dea: str
) -> None:
    """One table row: drug, dose, frequency, prescriber, DEA number, last fill, Rx number."""
    drug, dose, freq = med
    note.add(f"| {drug} | {dose} | {freq} | ").name(prescriber, "initial")
    note.add(
        " | {} | {} | {} |\n",
        ("LICENSE", dea),
        ("DATE", _date(ctx.day(5, 80), "us_short")),
        ("ID", f"Rx{_digits(ctx.rng, 7)}"),
    )


def _med_rec(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """An admission medication reconciliation with prescriber DEA and licence numbers."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    prescribers = [_person(rng) for _ in range(2)]
    pharmacist = _person(rng)
    note.add("MEDICATION RECONCILIATION - ADMISSION\nPatient: ").name(pt.person, "full")
    note.add(
        " | MRN {} | DOB {} | Allergies: penicillin (rash)\n",
        ("MRN", pt.mrn),
        ("DATE", _date(pt.dob, ctx.pick(("iso", "us")))),
    )
    note.add(
        "Source: outpatient pharmacy {}, ph {} fax {}; fill history reviewed {}.\n\n",
        ("FACILITY", _facility(rng, "Pharmacy")),
        ("PHONE", _phone_style(rng, _us_phone(rng))),
        ("PHONE", _phone_style(rng, _us_phone(rng))),
        ("DATE", _date(ctx.today, "us")),
    )
    note.add("| Medication | Dose | Freq | Prescriber | DEA | Last fill | Rx # |\n")
    note.add("|---|---|---|---|---|---|---|\n")
    deas = [_dea(rng, prescriber.last) for prescriber in prescribers]
    meds = rng.sample(_MEDS, rng.randint(3, 5))
    for med in meds:
        which = rng.randrange(len(prescribers))
        _med_row(note, ctx, med, prescribers[which], deas[which])
    note.add("\nPrescriber NPI: ").name(prescribers[0], "last").add(" {}; ", ("LICENSE", _npi(rng)))
    note.name(prescribers[1], "last").add(" {}\n", ("LICENSE", _npi(rng)))
    note.add(
        f"Pt confirms taking all as listed except {meds[0][0]} (not since {{}}). ",
        ("DATE", _date(ctx.day(20, 90), "mon_day")),
    )
    note.add(f"Continue home meds except hold {meds[-1][0]} pending procedure.\n\n")
    note.add("Reconciled by: ").name(pharmacist, "full")
    note.add(", PharmD  Lic # {}\n", ("LICENSE", f"RPH{_digits(rng, 6)}"))
    return note, _identifiers(pt, _ALL_FIELDS)


# ---------------------------------------------------------------------------------------------
# Family 11: operating-room implant and device log

_IMPLANTS = (
    ("Dual-chamber pacemaker", "Medtronic", "W1DR01"),
    ("Atrial lead", "Medtronic", "5076-52"),
    ("Total knee femoral component", "Zimmer Biomet", "42-5012-07"),
    ("Cochlear implant", "Cochlear", "CI632"),
    ("Hernia mesh 15 x 15 cm", "Bard", "0117315"),
)


def _udi(rng: random.Random, expiry: date) -> str:
    """A GS1-style unique device identifier: GTIN, expiry, lot and serial."""
    return (
        f"(01){_digits(rng, 14)}(17){expiry:%y%m%d}"
        f"(10){rng.choice('ABCDEFGH')}{_digits(rng, 5)}(21){_digits(rng, 8)}"
    )


def _device_log(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """An operating-room implant log with serial numbers and UDIs."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    surgeon, circulator = _person(rng), _person(rng)
    note.add(
        "IMPLANT / EXPLANT LOG\n{}  -  OR {}   Case date: {}\n",
        ("FACILITY", _facility(rng, ctx.pick(("Hospital", "Surgery Center")))),
        rng.randint(1, 14),
        ("DATE", _date(ctx.today, ctx.pick(("us", "upper_abbr")))),
    )
    note.add("Patient: ").name(pt.person, "upper_last_first")
    note.add("   MRN {}   Encounter {}\n", ("MRN", pt.mrn), ("ID", f"ENC{_digits(rng, 9)}"))
    note.add("Surgeon: Dr. ").name(surgeon, "full").add("   Circulator: ")
    note.name(circulator, "initial").add(", RN\n\n| Item | Manufacturer | Model | Serial | UDI |\n")
    for item, maker, model in rng.sample(_IMPLANTS, rng.randint(1, 3)):
        serial = ctx.pick((f"SN{_digits(rng, 8)}", f"PJN{_digits(rng, 6)}H", _digits(rng, 10)))
        udi = _udi(rng, ctx.today + timedelta(days=rng.randint(300, 1500)))
        note.add(
            f"| {item} | {maker} | {model} | {{}} | {{}} |\n", ("DEVICE", serial), ("DEVICE", udi)
        )
    note.add(
        "\nAlso placed: [[Foley catheter]] 16 Fr (not implant), [[Swan-Ganz catheter]] via "
        "R IJ, removed end of case.\nImplant card given to patient; registry submission due {}.\n",
        ("DATE", _date(ctx.today + timedelta(days=30), "mon_day")),
    )
    return note, _identifiers(pt, _ALL_FIELDS)


# ---------------------------------------------------------------------------------------------
# Family 12: death certificate worksheet

_CAUSES = (
    ("Aspiration pneumonia", "[[Parkinson disease]]", "[[Alzheimer disease]]"),
    (
        "Septic shock",
        "Perforated sigmoid diverticulitis after [[Hartmann procedure]]",
        "[[Down syndrome]]",
    ),
    ("Adrenal crisis", "[[Addison disease]]", "[[Sjogren syndrome]]"),
    ("Cardiogenic shock", "Coronary artery vasculitis", "[[Kawasaki disease]] in childhood"),
)


def _death_parties(note: _Note, ctx: _Ctx) -> None:
    """The informant and certifier blocks of the worksheet."""
    rng = ctx.rng
    informant = _person(rng, EPONYM_SURNAME_RATE)
    fake = _seeded_faker(rng, "en_US")
    note.add("\nInformant: ").name(informant, "full").add(f" ({_relation(rng, informant)})\n")
    note.add(
        "Mailing address:\n{}\n{}, {} {}\nTel: {}\n",
        ("ADDRESS", fake.street_address()),
        ("CITY", fake.city()),
        ctx.pick(_STATES),
        ("ZIP", fake.zipcode()),
        ("PHONE", _phone_style(rng, _us_phone(rng))),
    )
    note.add("\nCertifier: ").name(_person(rng), ctx.pick(("full", "last_first")))
    note.add(
        ", MD   License No. {}   Date certified: {}\n",
        ("LICENSE", _state_licence(rng)),
        ("DATE", _date(ctx.today + timedelta(days=1), ctx.pick(("us", "long_plain")))),
    )


def _death_certificate(ctx: _Ctx) -> tuple[_Note, dict[str, str]]:
    """A death-certificate worksheet: decedent, place of death, causes, informant, certifier."""
    pt, rng, note = ctx.patient, ctx.rng, _Note()
    immediate, underlying, other = ctx.pick(_CAUSES)
    note.add("CERTIFICATE OF DEATH - PHYSICIAN WORKSHEET (not the legal record)\n\n")
    note.add("1. Decedent: ").name(pt.person, ctx.pick(("upper", "full")))
    note.add(
        "   Sex: {}   SSN: {}\n",
        pt.person.sex,
        ("SSN", ctx.pick((pt.ssn, pt.ssn.replace("-", " "), pt.ssn.replace("-", "")))),
    )
    note.add("2. Date of birth: {}   Age at death: ", ("DATE", _date(pt.dob, "long_plain")))
    note.age(pt.age, ctx.pick(("years", "words_plain")))
    note.add(
        "\n3. Date of death: {}   Time: {}\n",
        ("DATE", _date(ctx.today, "us")),
        _clock(rng, colon=False),
    )
    note.add("4. Place of death: {} (inpatient)\n", ("FACILITY", _facility(rng, "Hospice")))
    note.add(
        "5. Residence: {}, {}, {} {}\n",
        ("ADDRESS", pt.street),
        ("CITY", pt.city),
        pt.state,
        ("ZIP", pt.zip),
    )
    note.add(f"6. Cause of death, Part I: (a) {immediate}  (b) {underlying}\n")
    note.add(f"   Part II (contributing): {other}\n   Manner: Natural. Autopsy: No.\n")
    _death_parties(note, ctx)
    return note, _identifiers(
        pt,
        ("patient_name", "patient_first_name", "patient_last_name", "birth_date", "address", "ssn"),
    )


# ---------------------------------------------------------------------------------------------
# Set C

_Writer = Callable[[_Ctx], tuple[_Note, dict[str, str]]]

FAMILIES_C: dict[str, _Writer] = {
    "gp_referral_uk": _gp_referral,
    "sbar_handover": _sbar_handover,
    "radiology_report": _radiology,
    "surgical_pathology": _pathology,
    "ed_triage_sheet": _ed_triage,
    "home_health_visit": _home_health,
    "telehealth_transcript": _telehealth,
    "payer_eob_letter": _billing_letter,
    "tumour_board_minutes": _tumour_board,
    "medication_reconciliation": _med_rec,
    "implant_device_log": _device_log,
    "death_certificate_worksheet": _death_certificate,
}


def _note_context(seed: int, index: int) -> _Ctx:
    """The random source, date and patient of note ``index`` (independent of ``n``)."""
    # A string seed hashes the same in every process (unlike hash() of a tuple).
    rng = random.Random(f"heldout-c:{seed}:{index}")
    today = date(2023, 1, 1) + timedelta(days=rng.randint(0, 1000))
    return _Ctx(rng=rng, today=today, patient=_patient(rng, today))


def generate_heldout_c(n: int, seed: int) -> list[AnnotatedNote]:
    """Generate ``n`` annotated notes of set C, round-robin over ``FAMILIES_C``.

    Args:
        n: Number of notes (0 gives an empty list).
        seed: Seed; the same ``(n, seed)`` always gives the same notes.

    Returns:
        The notes, each with gold PHI spans, keep spans and structured identifiers.

    Raises:
        ValueError: ``n`` is negative.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    families = list(FAMILIES_C.items())
    notes = []
    for index in range(n):
        family, writer = families[index % len(families)]
        ctx = _note_context(seed, index)
        note, identifiers = writer(ctx)
        patient_id = f"C{seed}-{index:05d}-{ctx.rng.randint(100000, 999999)}"
        notes.append(note.build(identifiers, patient_id, family))
    return notes
