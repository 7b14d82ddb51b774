"""Held-out PHI benchmark set F: sixteen new note families, written blind on 2026-12-04.

Sets A to E have all been used to tune the de-identifier, so their scores now flatter it. Set F
was written on 2026-12-04, after the fifth tuning round, without reading the detector, its
patterns, its training templates, its tests, the benchmark's results or the bodies of sets A to
C (only their family names and module docstrings). Sets D and E were read for their interface
and labelling conventions, which set F keeps; none of its text is taken from them.

Its families are document types and layouts that no earlier set has: an emergency physician
note with a free-text history, an operative report, a cardiac catheterisation report, a
delivery summary, a well-child visit, a group-therapy progress note, a home oxygen order, an
independent medical examination, a referral of a death to the coroner (UK, Australia, Canada),
an infection-control contact-tracing log, a chaplaincy visit, a Spanish-English clinic note, an
OCR'd fax with scanning noise, a FHIR JSON or CDA XML export, a clinicians' e-mail thread with
quoted replies and a raw voice-dictation transcript in lower case without punctuation.

Every note is generated from a per-note seeded ``random.Random`` and a re-seeded multi-locale
``Faker``, so note ``i`` depends only on ``(seed, i)``. Gold spans are recorded while each value
is appended to the text, never found by searching.

Labelling decisions (those of set E, plus the cases set E does not meet):

* NAME spans hold the name only; titles ("Dr", "Sra.", "Imam", "PC"), credentials and "Baby
  Girl" stay outside. Initials standing for a person are NAME, with or without dots ("J.S.",
  "JS"). A nickname in quotes is its own NAME span, the quotes outside: ``Robert "Bud" Smith``
  is three spans. Names in FHIR, CDA and HL7-like fields are one span per field. Lower-case
  names in dictation are NAME as well.
* DATE is any day or month more specific than the year, in any language or spelling ("3 de
  enero de 2024", "march third nineteen fifty", "03rd Jan", "Jan. 3, '24", "1.3.2024", "3/1"),
  weekday included when written with the date; "the" before "third of March" is outside. A
  range within one month is one span ("3-5 Jan 2024"); a range across months is two. A
  date-time written as one token ("2024-01-03T14:32:00Z", CDA "20240103143200-0500") is DATE
  as a whole; where a space separates the time, only the date is DATE. Relative dates
  ("Tuesday last", "3 days ago"), weekdays alone, years alone, times and durations are not PHI.
  A birth year is never written alone (for a patient over 89 it would be PHI).
* AGE only above 89, in any wording ("94-year-old", "94yo", "(94)", "age: 94", "94F", "aged
  ninety-four", "ninety four year old", "noventa y cuatro años"): the number or number words
  only. Ages up to 89 are written the same ways and not labelled. Age bands ("in her
  nineties", "over 90") are the aggregate Safe Harbor allows and are not labelled.
* Every street address (PO boxes and unit prefixes included), city and postcode is labelled,
  in the US, UK, Canada and Australia, whoever it belongs to: ADDRESS the street part, CITY the
  town, ZIP the postcode (ZIP+4, UK, Canadian and Australian postcodes). States, provinces,
  counties and countries are not PHI. Spoken addresses in dictation are labelled the same way.
* PHONE covers every phone and fax number, national, international and vanity ("1-888-OXY-
  CARE"), extension included. Public short numbers (911, 988, 000, 999) are not PHI.
* SSN covers US social security numbers and Canadian social insurance numbers.
* ID covers record numbers that are not the MRN: accounts, encounters, claims, Medicare and
  health-card numbers, NHS numbers, case, job, badge, collar and report numbers, accessions,
  FHIR resource ids and CDA document ids.
* LICENSE covers licence, registration and certificate numbers (NPI, DEA, state licences, GMC,
  AHPRA, CPSO, bar numbers, chaplaincy board certificates, driving licences) and vehicle plates.
* DEVICE covers serial numbers, UDIs and MAC addresses of devices. Brand and model names,
  catalogue (REF) numbers and lot numbers are not PHI, nor are NDC, CPT, HCPCS, LOINC, SNOMED or
  ICD-10 codes.
* FACILITY covers named hospitals, clinics, surgery centres, laboratories, care homes, schools
  and day-care centres, suppliers, public-health units, coroners' courts and offices, funeral
  homes and places of worship (each names a place a person can be found). Generic units
  ("PACU", "5 West"), rooms, beds and labs numbered ("Lab 2") are not PHI.
* URL, EMAIL and IP are labelled wherever they identify a system or person (IPv6 included, a
  URL without a scheme too); the fixed code-system URIs of FHIR ("http://loinc.org") and OIDs
  are not PHI, since they are the same in every record.
* ``keep_spans`` mark named diseases, signs, scales, tests, manoeuvres, organisms and devices,
  place-named ones too ("Denver II", "Montreal Cognitive Assessment"). In about one note in
  five a person shares the surname of an eponym written in the same note; that surname is NAME
  where it names the person and kept where it names the eponym.
"""

from __future__ import annotations

import logging
import random
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from faker import Faker

from training.phi.types import MONTHS, AnnotatedNote, PhiSpan

logger = logging.getLogger(__name__)

KEEP = "KEEP"  # kind of a keep span (eponym) among the parts of a note

# Plain text, a labelled value ``(kind, value)`` or a list of parts.
Part = str | tuple[str, str] | list

COLLISION_RATE = 0.2  # share of notes in which a person carries an eponym's surname
OLD_AGE_RATE = 0.35  # share of adult patients over 89, so that AGE is well represented


# Note assembly
class _Note:
    """A note under construction: the span of each labelled value is kept as it is appended."""

    def __init__(self, noise: Callable[[str], str] | None = None) -> None:
        self._chunks: list[str] = []
        self._length = 0
        self.spans: list[PhiSpan] = []
        self.keeps: list[tuple[int, int]] = []
        self.noise = noise  # scanning noise, applied to each part before it is written

    def put(self, *parts: Part) -> None:
        """Append text, ``(phi_type, value)``, ``(KEEP, value)`` or nested lists of them."""
        for part in parts:
            if isinstance(part, list):
                self.put(*part)
                continue
            kind, value = part if isinstance(part, tuple) else ("", part)
            if self.noise is not None:
                value = self.noise(value)
            if kind and not value.strip():
                raise ValueError(f"empty {kind} value")  # a generator bug, never a valid span
            start = self._length
            self._chunks.append(value)
            self._length += len(value)
            if kind == KEEP:
                self.keeps.append((start, self._length))
            elif kind:
                self.spans.append(PhiSpan(start, self._length, kind))

    def line(self, *parts: Part) -> None:
        """Append parts and end the line."""
        self.put(*parts, "\n")

    def keep(self, template: str) -> None:
        """Append a sentence whose ``{braced}`` parts are keep spans."""
        pieces = re.split(r"\{([^}]*)\}", template)
        self.put(*[(KEEP, p) if index % 2 else p for index, p in enumerate(pieces)])

    @property
    def text(self) -> str:
        """The note so far."""
        return "".join(self._chunks)


# People
@dataclass(frozen=True)
class _Person:
    given: str  # empty for a person known by one name
    surname: str
    initial: str  # middle initial
    female: bool
    origin: str  # Faker locale or a hand-written group below
    nickname: str = ""
    surname_first: bool = False  # written surname first in its own culture


# Name origins and their weights: a North American health system with patients and staff from
# many places. Groups without a usable Faker locale are written by hand below.
_ORIGIN_WEIGHTS = {
    "en_US": 9,
    "en_GB": 1,
    "en_CA": 1,
    "en_AU": 1,
    "en_IE": 1,
    "es_MX": 2,
    "es_CO": 1,
    "pt_BR": 1,
    "fr_CA": 1,
    "nl_NL": 1,
    "de_DE": 1,
    "pl_PL": 1,
    "hr_HR": 1,
    "sk_SK": 1,
    "vi_VN": 1,
    "en_IN": 2,
    "en_NG": 1,
    "yo_NG": 1,
    "en_KE": 1,
    "zh_CN": 1,
    "korean": 1,
    "arabic": 2,
    "slavic": 1,
    "akan": 1,
    "ethiopian": 1,
    "mononym": 1,
}
_ORIGINS = tuple(origin for origin, weight in _ORIGIN_WEIGHTS.items() for _ in range(weight))
_FAKER_LOCALES = sorted({o for o in _ORIGIN_WEIGHTS if "_" in o} | {"id_ID"})
_SURNAME_FIRST = frozenset(("zh_CN", "korean", "vi_VN"))

# Hand-written groups: (male given names, female given names, surnames).
_BY_HAND: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "korean": (
        ("Jae-won", "Hyun-woo", "Tae-yang", "Sung-min", "Kyung-ho"),
        ("Eun-ji", "Min-seo", "Yu-na", "Hye-jin", "So-yeon"),
        ("Choi", "Kwon", "Han", "Seo", "Baek", "Shin", "Hwang", "Oh"),
    ),
    "arabic": (
        ("Abdulrahman", "Faisal", "Yousef", "Bilal", "Anas", "Saif", "Karim"),
        ("Maryam", "Reem", "Dalia", "Salma", "Yasmin", "Lina", "Ghada"),
        ("Al-Qahtani", "Abu Khalil", "Al-Amin", "El-Masri", "Nasser", "Abdel-Aziz", "Al Shamsi"),
    ),
    "slavic": (
        ("Vladimir", "Bogdan", "Stanislav", "Nikolai", "Dragan", "Milorad"),
        ("Anastasia", "Zoya", "Milica", "Darya", "Yevgenia", "Snezhana"),
        ("Ivanov", "Novikov", "Petrović", "Jovanović", "Dimitrov", "Zhukov", "Kovalchuk"),
    ),
    "akan": (
        ("Kwame", "Kofi", "Kwabena", "Yaw", "Kwaku"),
        ("Ama", "Akosua", "Abena", "Efua", "Adwoa"),
        ("Asante", "Mensah", "Owusu", "Boateng", "Appiah", "Osei"),
    ),
    "ethiopian": (
        ("Tesfaye", "Dawit", "Yonas", "Bereket", "Girma"),
        ("Selam", "Hiwot", "Meron", "Tigist", "Almaz"),
        ("Haile", "Gebremedhin", "Tadesse", "Bekele", "Alemu", "Wolde"),
    ),
}
_PARTICLES = {
    "nl_NL": ("van den ", "van der ", "ter ", "van "),
    "de_DE": ("von ", "zu "),
    "es_MX": ("de la ", "del "),
    "es_CO": ("de los ",),
    "pt_BR": ("dos ", "da "),
    "fr_CA": ("de ", "St-"),
}
_IRISH = ("O'Brien", "Ní Bhriain", "Mac Giolla", "O'Keeffe", "McAuliffe", "Ó Súilleabháin")
_NICKNAMES = (
    ("Bud", "Sonny", "Red", "Junior", "Chip", "Skip", "Buzz", "Tex"),
    ("Dolly", "Peggy", "Babe", "Bunny", "Mimi", "Lulu", "Dottie", "Sissy"),
)
_NICKNAMED = frozenset(("en_US", "en_GB", "en_CA", "en_AU", "en_IE"))


def _plain_names(rng: random.Random, fake: Faker, origin: str, female: bool) -> tuple[str, str]:
    """A given name and surname of the origin, before any decoration."""
    if origin in _BY_HAND:
        males, females, surnames = _BY_HAND[origin]
        surname = rng.choice(surnames)
        if female and surname.endswith(("ov", "ev")):
            surname += "a"  # Ivanova, Novikova
        return rng.choice(females if female else males), surname
    if origin == "mononym":
        return "", fake["id_ID"].first_name()
    gen = fake[origin]
    if origin == "zh_CN":
        return gen.first_romanized_name(), gen.last_romanized_name()
    given = gen.first_name_female() if female else gen.first_name_male()
    return given.strip(), gen.last_name().strip()


def _decorate(rng: random.Random, fake: Faker, origin: str, surname: str) -> str:
    """Double-barrelled surnames, particles and Irish forms, each in some notes."""
    roll = rng.random()
    if roll < 0.1 and origin in ("en_GB", "en_AU", "en_US"):
        other = fake[origin].last_name().strip()
        return surname if other == surname else f"{surname}-{other}"
    if roll < 0.3 and origin in ("es_MX", "es_CO"):  # paternal and maternal surname, no hyphen
        other = fake[origin].last_name().strip()
        return surname if other == surname else f"{surname} {other}"
    if roll < 0.35 and origin in _PARTICLES:
        return rng.choice(_PARTICLES[origin]) + surname
    if roll < 0.4 and origin == "en_IE":
        return rng.choice(_IRISH)
    return surname


def _make_person(
    rng: random.Random,
    fake: Faker,
    female: bool | None = None,
    surname: str | None = None,
    origins: Sequence[str] = _ORIGINS,
) -> _Person:
    origin = rng.choice(list(origins))
    female = rng.random() < 0.5 if female is None else female
    given, own = _plain_names(rng, fake, origin, female)
    if surname is None:
        surname = _decorate(rng, fake, origin, own)
    nickname = ""
    if origin in _NICKNAMED and rng.random() < 0.2:
        nickname = rng.choice(_NICKNAMES[female])
    return _Person(
        given=given,
        surname=surname,
        initial=rng.choice(string.ascii_uppercase),
        female=female,
        origin=origin,
        nickname=nickname,
        surname_first=origin in _SURNAME_FIRST,
    )


_MALE_KIN = {
    "daughter": "son",
    "wife": "husband",
    "sister": "brother",
    "mother": "father",
    "niece": "nephew",
    "granddaughter": "grandson",
    "grandmother": "grandfather",
    "great-grandmother": "great-grandfather",
    "aunt": "uncle",
    "partner": "partner",
}


def _kin(rng: random.Random, person: _Person, words: Sequence[str]) -> str:
    """A kinship word (given in the female form) that agrees with the person's sex."""
    word = rng.choice(list(words))
    return word if person.female else _MALE_KIN.get(word, word)


# Names
_TITLED_FORMS = frozenset(
    ("first_last", "first_mi_last", "surname", "SURNAME", "CAPS", "initial_last", "native", "nick")
)
_STAFF = ("first_last", "initial_last", "surname", "first_mi_last", "native")
_PATIENT = ("first_last", "first_mi_last", "last_comma_first", "last_comma_first_mi", "CAPS")
_LAY_TITLES = {
    "en": (("Mr ", "Mr. ", "Mx "), ("Mrs ", "Ms ", "Miss ", "Mrs. ", "Ms. ")),
    "es": (("Sr. ", "Don "), ("Sra. ", "Doña ")),
    "pt": (("Sr. ",), ("Sra. ",)),
    "fr": (("M. ",), ("Mme ",)),
}
_DOCTOR_TITLES = ("Dr ", "Dr. ", "Doctor ", "Prof. ", "DR. ")


def _name_text(person: _Person, form: str) -> str:
    """The person's name in one form (not for nicknames, see ``_name_parts``)."""
    given, surname, initial = person.given, person.surname, person.initial
    if not given:  # a person known by one name writes only that name, in the form's case
        if "lower" in form:
            return surname.lower()
        return surname.upper() if form in ("CAPS", "SURNAME", "LAST_comma_FIRST") else surname
    forms = {
        "first_last": f"{given} {surname}",
        "first_mi_last": f"{given} {initial}. {surname}",
        "last_comma_first": f"{surname}, {given}",
        "last_comma_first_mi": f"{surname}, {given} {initial}.",
        "LAST_comma_first": f"{surname.upper()}, {given}",
        "LAST_comma_FIRST": f"{surname}, {given}".upper(),
        "CAPS": f"{given} {surname}".upper(),
        "lower": f"{given} {surname}".lower(),
        "initial_last": f"{given[0]}. {surname}",
        "first_initial": f"{given} {surname[0].upper()}.",
        "initials": f"{given[0]}{surname[0]}".upper(),
        "initials_dots": f"{given[0]}.{surname[0]}.".upper(),
        "given": given,
        "given_lower": given.lower(),
        "surname": surname,
        "SURNAME": surname.upper(),
        "native": f"{surname.upper()} {given}" if person.surname_first else f"{given} {surname}",
    }
    return forms[form]


def _name_parts(person: _Person, form: str) -> list[Part]:
    if form == "nick" and person.nickname and person.given:
        return [
            ("NAME", person.given),
            ' "',
            ("NAME", person.nickname),
            '" ',
            ("NAME", person.surname),
        ]
    return [("NAME", _name_text(person, "first_last" if form == "nick" else form))]


def _title(rng: random.Random, person: _Person, doctor: bool) -> str:
    if doctor:
        return rng.choice(_DOCTOR_TITLES)
    language = person.origin[:2] if rng.random() < 0.7 else "en"
    return rng.choice(_LAY_TITLES.get(language, _LAY_TITLES["en"])[person.female])


def _name(
    rng: random.Random,
    person: _Person,
    forms: Sequence[str],
    titled: float = 0.0,
    doctor: bool = False,
    title: str | None = None,
) -> list[Part]:
    """A name in one of ``forms``; a title, when the form takes one, stays outside the span."""
    form = rng.choice(list(forms))
    needs_title = form in ("surname", "SURNAME") or rng.random() < titled
    if form not in _TITLED_FORMS or not needs_title:
        return _name_parts(person, form)
    return [title or _title(rng, person, doctor), *_name_parts(person, form)]


# Numbers in words
_UNITS_EN = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINALS_EN = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()
_UNITS_ES = "cero uno dos tres cuatro cinco seis siete ocho nueve".split()
_TEENS_ES = "diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve".split()
_TWENTIES_ES = (
    "veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete "
    "veintiocho veintinueve"
).split()
_TENS_ES = ("", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta")
_TENS_ES += ("noventa",)


def _words(number: int, joiner: str = "-") -> str:
    """English number words below 1000 ("ninety-four"; ``joiner=" "`` as dictated)."""
    if number < 20:
        return _UNITS_EN[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS_EN[tens] + (joiner + _UNITS_EN[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    tail = f" and {_words(rest, joiner)}" if rest else ""
    return f"{_UNITS_EN[hundreds]} hundred{tail}"


def _ordinal_words(number: int, joiner: str = "-") -> str:
    if number < 20:
        return _ORDINALS_EN[number]
    tens, ones = divmod(number, 10)
    if not ones:
        return _TENS_EN[tens][:-1] + "ieth"  # twentieth, thirtieth
    return f"{_TENS_EN[tens]}{joiner}{_ORDINALS_EN[ones]}"


def _spanish_words(number: int) -> str:
    """Spanish number words below 100, as used before "años" ("noventa y un años")."""
    if number < 10:
        return "un" if number == 1 else _UNITS_ES[number]
    if number < 20:
        return _TEENS_ES[number - 10]
    if number < 30:
        return "veintiún" if number == 21 else _TWENTIES_ES[number - 20]
    tens, ones = divmod(number, 10)
    if not ones:
        return _TENS_ES[tens]
    return f"{_TENS_ES[tens]} y {'un' if ones == 1 else _UNITS_ES[ones]}"


def _spoken_year(year: int, formal: bool = False) -> str:
    """A year as dictated: "nineteen fifty", "twenty twenty-four" or "two thousand four"."""
    if formal and year >= 2000:
        rest = year - 2000
        return "two thousand" + (f" {_words(rest, ' ')}" if rest else "")
    century, rest = divmod(year, 100)
    head = _words(century, " ")
    if rest == 0:
        return f"{head} hundred"
    if rest < 10:
        return f"{head} oh {_UNITS_EN[rest]}"
    return f"{head} {_words(rest, ' ')}"


_DIGIT_WORDS = dict(zip(string.digits, _UNITS_EN[:10], strict=True))


def _spoken_digits(rng: random.Random, value: str) -> str:
    """Digits read one by one ("four one two oh ..."), letters spelt, separators dropped."""
    words = []
    for char in value:
        if char == "0":
            words.append(rng.choice(("zero", "oh")))
        elif char.isdigit():
            words.append(_DIGIT_WORDS[char])
        elif char.isalpha():
            words.append(char.lower())
    return " ".join(words)


# Dates and times
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_ES = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()
_WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def _suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _day_text(day: date, style: str) -> str:
    """The date in one written or spoken style."""
    y, m, d = day.year, day.month, day.day
    month, weekday, month_es = MONTHS[m - 1], _WEEKDAYS[day.weekday()], _MONTHS_ES[m - 1]
    mon = month[:3]
    styles = {
        "iso": f"{y}-{m:02d}-{d:02d}",
        "us": f"{m}/{d}/{y}",
        "us0": f"{m:02d}/{d:02d}/{y}",
        "us_yy": f"{m}/{d}/{y % 100:02d}",
        "dmy": f"{d:02d}/{m:02d}/{y}",
        "dmy_dots": f"{d}.{m}.{y}",
        "dmy_dots0": f"{d:02d}.{m:02d}.{y}",
        "d_mon_yy": f"{d:02d}-{mon}-{y % 100:02d}",
        "d_mon_y": f"{d} {mon} {y}",
        "d_month_y": f"{d} {month} {y}",
        "ord_mon": f"{d:02d}{_suffix(d)} {mon}",
        "mon_apos": f"{mon}{'.' if len(month) > 3 else ''} {d}, '{y % 100:02d}",
        "month_the": f"{month} the {d}{_suffix(d)}",
        "ord_of_month": f"{d}{_suffix(d)} of {month}",
        "month_d_y": f"{month} {d}, {y}",
        "MON_d_y": f"{mon.upper()} {d:02d} {y}",
        "mail_short": f"{weekday[:3]}, {d} {mon} {y}",
        "mail_long": f"{weekday}, {month} {d}, {y}",
        "md": f"{m}/{d}",
        "dm": f"{d}/{m}",
        "ymd_dots": f"{y}.{m:02d}.{d:02d}",
        "compact": f"{y}{m:02d}{d:02d}",
        "mon_d": f"{mon} {d}",
        "d_month": f"{d} {month}",
        "wd_d_month": f"{weekday} {d} {month}",
        "es_long": f"{d} de {month_es} de {y}",
        "es_short": f"{d}-{month_es[:3]}-{y}",
        "es_wd": f"{_WEEKDAYS_ES[day.weekday()]} {d} de {month_es}",
        "spoken": f"{month.lower()} {_ordinal_words(d, ' ')} {_spoken_year(y)}",
        "spoken_formal": f"{_ordinal_words(d, ' ')} of {month.lower()} {_spoken_year(y, True)}",
        "spoken_md": f"{month.lower()} {_ordinal_words(d, ' ')}",
    }
    return styles[style]


_DOB = ("iso", "us", "us0", "dmy", "d_mon_y", "month_d_y", "MON_d_y", "dmy_dots0", "us_yy")
_NUMERIC = ("iso", "us", "us0", "us_yy", "ymd_dots", "dmy_dots", "d_mon_yy")
_PROSE = ("month_d_y", "d_month_y", "mon_apos", "month_the", "ord_of_month", "mail_long")
_NO_YEAR = ("md", "mon_d", "d_month", "ord_mon", "wd_d_month", "month_the", "ord_of_month")
_UK = ("dmy", "d_month_y", "d_mon_y", "dmy_dots", "ord_of_month", "ord_mon", "dm")
_ANY = _DOB + _NUMERIC + _PROSE + _NO_YEAR


def _date(rng: random.Random, day: date, styles: Sequence[str] = _ANY) -> list[Part]:
    """A date in one of ``styles``; the "the" of a spoken date stays outside the span."""
    style = rng.choice(list(styles))
    lead = "the " if style == "spoken_formal" else ""
    return [lead, ("DATE", _day_text(day, style))]


def _date_range(rng: random.Random, first: date, days: int, uk: bool = False) -> list[Part]:
    """A range of dates: one span within a month ("3-5 Jan 2024"), two spans across months."""
    last = first + timedelta(days=days)
    mon = MONTHS[first.month - 1][:3]
    if (first.year, first.month) == (last.year, last.month):
        ordinals = f"{first.day}{_suffix(first.day)}–{last.day}{_suffix(last.day)}"
        forms = (
            f"{first.day}-{last.day} {mon} {first.year}",
            f"{ordinals} {MONTHS[first.month - 1]}",
        )
        if not uk:
            forms += (
                f"{mon} {first.day}-{last.day}, {first.year}",
                f"{first.month}/{first.day}-{last.day}",
            )
        return [("DATE", rng.choice(forms))]
    styles = _UK if uk else ("md", "mon_d", "us", "iso")
    return [
        ("DATE", _day_text(first, rng.choice(styles))),
        rng.choice((" to ", " - ", " through ")),
        ("DATE", _day_text(last, rng.choice(styles))),
    ]


def _clock(rng: random.Random) -> str:
    """A time of day; never PHI."""
    hour, minute = rng.randrange(24), rng.randrange(60)
    style = rng.randrange(4)
    if style == 0:
        return f"{hour:02d}:{minute:02d}"
    if style == 1:
        return f"{hour:02d}{minute:02d}"
    if style == 2:
        return f"{(hour - 1) % 12 + 1}:{minute:02d} {'PM' if hour >= 12 else 'AM'}"
    return f"{hour:02d}h{minute:02d}"


def _stamp(rng: random.Random, day: date, style: str) -> str:
    """A date-time written as one token: DATE as a whole."""
    hour, minute, second = rng.randrange(24), rng.randrange(60), rng.randrange(60)
    if style == "cda":
        offset = rng.choice(("-0500", "-0400", "-0600", "-0800"))
        return f"{day:%Y%m%d}{hour:02d}{minute:02d}{second:02d}{offset}"
    offset = rng.choice(("Z", "-05:00", "-04:00", "+00:00", ".000Z"))
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{offset}"


# Ages
_AGE_FORMS = ("hyphen", "hyphen_words", "yo", "y_o", "paren", "label", "aged_words", "years_old")
_AGE_FORMS += ("y", "bare")


def _age_as(years: int, form: str, female: bool = True) -> list[Part]:
    """An age phrase; the number (digits or words) is AGE only above 89 (Safe Harbor)."""
    if form in ("hyphen_words", "aged_words") and years < 100:
        number = _words(years)
    elif form == "spoken" and years < 100:
        number = _words(years, " ")
    elif form == "es_words" and years < 100:
        number = _spanish_words(years)
    else:
        number = str(years)
    value: Part = ("AGE", number) if years > 89 else number
    before, after = {
        "hyphen": ("", "-year-old"),
        "hyphen_words": ("", "-year-old"),
        "yo": ("", "yo"),
        "y_o": ("", " y/o"),
        "paren": ("(", ")"),
        "label": ("age: ", ""),
        "aged_words": ("aged ", ""),
        "years_old": ("", " years old"),
        "sex": ("", "F" if female else "M"),
        "y": ("", " y"),
        "spoken": ("", " year old"),
        "es": ("", " años"),
        "es_words": ("", " años"),
        "bare": ("", ""),
    }[form]
    return [before, value, after]


def _age(
    rng: random.Random, years: int, forms: Sequence[str] = _AGE_FORMS, female: bool = True
) -> list[Part]:
    return _age_as(years, rng.choice(list(forms)), female)


def _birth_for(rng: random.Random, visit: date, years: int) -> date:
    """A birth date that makes the person exactly ``years`` old on ``visit``."""
    birthday = date(visit.year - years, visit.month, min(visit.day, 28))
    return birthday - timedelta(days=rng.randint(1, 360))


# Codes, numbers and contacts
def _fill(rng: random.Random, pattern: str) -> str:
    """``#`` a digit, ``@`` a capital, ``*`` a digit or capital, ``%`` a hex digit."""
    pools = {
        "#": string.digits,
        "@": string.ascii_uppercase,
        "*": string.digits + "ABCDEFGHJKLMNPRSTUVWXYZ",
        "%": "0123456789abcdef",
    }
    return "".join(rng.choice(pools[c]) if c in pools else c for c in pattern)


def _pick(rng: random.Random, patterns: Sequence[str]) -> str:
    return _fill(rng, rng.choice(list(patterns)))


def _uuid(rng: random.Random) -> str:
    return _fill(rng, "%%%%%%%%-%%%%-4%%%-a%%%-%%%%%%%%%%%%")


_MRN_PATTERNS = (
    "MR######",
    "000######",
    "#-###-###",
    "Z######",
    "####-####",
    "HN######",
    "##.###.###",
    "C####-####",
    "8########",
)
_MRN_LABELS = ("MRN", "MRN:", "Med Rec #", "MR No.", "Chart #", "Hosp #", "Patient ID", "EMR#")


def _mrn_label(rng: random.Random) -> str:
    return rng.choice(_MRN_LABELS)


_CA_AREAS = (416, 647, 905, 613, 514, 604, 778, 403, 587, 780, 204, 306, 902, 709)


def _nanp_digits(rng: random.Random, country: str = "us") -> str:
    """Ten digits of a North American number (no 555 exchange, no N11 area code)."""
    if country == "ca":
        area = rng.choice(_CA_AREAS)
    else:
        area = rng.choice([a for a in range(201, 990) if a % 100 != 11 and a != 555])
    exchange = rng.choice([e for e in range(201, 990) if e != 555 and e % 100 != 11])
    return f"{area}{exchange}{rng.randrange(10000):04d}"


_NANP_FORMS = (
    "({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "{a}.{b}.{c}",
    "{a} {b} {c}",
    "+1 {a} {b} {c}",
    "1-{a}-{b}-{c}",
    "+1 ({a}) {b}-{c}",
    "{a}{b}{c}",
    "+1-{a}-{b}-{c}",
    "({a}){b}-{c}",
)
_EXTENSIONS = (" ext. ", " x", " X", " Ext: ", " extension ", " #", " ext ")


def _nanp(
    rng: random.Random,
    digits: str | None = None,
    extension: float = 0.0,
    form: str | None = None,
    country: str = "us",
) -> str:
    digits = digits or _nanp_digits(rng, country)
    text = (form or rng.choice(_NANP_FORMS)).format(a=digits[:3], b=digits[3:6], c=digits[6:])
    if rng.random() < extension:
        text += rng.choice(_EXTENSIONS) + str(rng.randint(2, 9999))
    return text


_VANITY_WORDS = ("OXY-CARE", "AIR-HELP", "MED-LINE", "GO2-HOME", "BRE-ATHE", "DME-4YOU", "RX2-CARE")


def _vanity(rng: random.Random) -> str:
    head, word = rng.choice(("800", "888", "877", "866", "855")), rng.choice(_VANITY_WORDS)
    return rng.choice((f"1-{head}-{word}", f"({head}) {word}", f"{head}-{word}"))


_LOCAL_PHONES = {
    "uk": ("0113 ### ####", "0161 ### ####", "020 7### ####", "01632 ######", "07### ######"),
    "au": ("(03) 9### ####", "(02) 9### ####", "(07) 3### ####", "04## ### ###", "08 8### ####"),
}
_FOREIGN_PHONES = (
    "+44 20 7### ####",
    "+44 (0)113 ### ####",
    "+44 7### ######",
    "011 44 161 ### ####",
    "+61 3 9### ####",
    "+61 4## ### ###",
    "+91 98### #####",
    "+91-80-####-####",
    "+234 803 ### ####",
    "+234 (0)802 ### ####",
    "+82 10-####-####",
    "+86 139 #### ####",
    "+52 55 #### ####",
    "+52 1 33 #### ####",
    "+63 917 ### ####",
    "+353 87 ### ####",
    "+49 30 ########",
)


def _phone_text(rng: random.Random, country: str = "us", extension: float = 0.1) -> str:
    """A phone number as written in ``country`` (North American, UK or Australian)."""
    if country in _LOCAL_PHONES:
        return _pick(rng, _LOCAL_PHONES[country])
    return _nanp(rng, extension=extension, country=country)


def _phone(
    rng: random.Random, country: str = "us", extension: float = 0.1, foreign: float = 0.1
) -> Part:
    if rng.random() < foreign:
        return ("PHONE", _pick(rng, _FOREIGN_PHONES))
    return ("PHONE", _phone_text(rng, country, extension))


def _ssn(rng: random.Random, separator: str | None = None) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    sep = rng.choice(("-", "-", "-", " ", "", ".")) if separator is None else separator
    return f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"


def _sin(rng: random.Random) -> str:
    """A Canadian social insurance number."""
    sep = rng.choice((" ", "-", ""))
    first = rng.choice("1234567")
    return _fill(rng, f"{first}##{sep}###{sep}###")


def _ascii_word(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


_TLDS = {
    "us": (".org", ".com", ".net", ".us"),
    "ca": (".ca", ".on.ca", ".org"),
    "uk": (".nhs.uk", ".co.uk", ".org.uk"),
    "au": (".org.au", ".com.au", ".gov.au"),
}
_SUBDOMAINS = ("mail", "staff", "cardio", "ed", "peds", "ipc", "him", "clin", "mx1")


def _domain(rng: random.Random, fake: Faker, country: str = "us") -> str:
    word = fake["en_US"].domain_word()
    tail = rng.choice(("health", "-health", "med", "hospital", "-care", "clinic", ""))
    return f"{word}{tail}{rng.choice(_TLDS.get(country, _TLDS['us']))}"


def _email(
    rng: random.Random, fake: Faker, person: _Person, domain: str | None = None, sub: float = 0.4
) -> str:
    """An e-mail address of the person, at a free mail host or ``domain`` (maybe a subdomain)."""
    given, surname = _ascii_word(person.given) or "pt", _ascii_word(person.surname) or "mail"
    local = rng.choice(
        (
            f"{given}.{surname}",
            f"{given[0]}{surname}",
            f"{surname}.{given[0]}",
            f"{given}{surname}{rng.randint(1, 99)}",
            f"{given}_{surname[0]}",
            f"{surname}{rng.randint(1940, 2012)}",
            f"{given}.{surname}+clinic",
        )
    )
    if domain is None:
        domain = fake["en_US"].free_email_domain()
    elif rng.random() < sub:
        domain = f"{rng.choice(_SUBDOMAINS)}.{domain}"
    address = f"{local}@{domain}"
    return address.upper() if rng.random() < 0.08 else address


def _url(rng: random.Random, domain: str, path: str) -> str:
    """A URL on ``domain``, with or without a scheme."""
    token = _fill(rng, "%%%%%%%%")
    return rng.choice(
        (
            f"https://{domain}/{path}/{token}",
            f"https://portal.{domain}/{path}?id={token}",
            f"www.{domain}/{path}",
            f"{domain}/{path}/{token}",
            f"http://apps.{domain}:8080/{path}",
            f"my.{domain}/{path}",
        )
    )


def _ip(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.12:
        return ":".join(f"{rng.randrange(65536):04x}" for _ in range(8))
    if roll < 0.24:
        head = f"2001:{rng.randrange(0x400, 0xFFF):x}:{rng.randrange(65536):x}"
        return f"{head}::{rng.randrange(1, 65536):x}"
    if roll < 0.32:
        groups = ":".join(f"{rng.randrange(65536):x}" for _ in range(4))
        return f"fe80::{groups}"
    if roll < 0.5:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(2, 254)}"
    if roll < 0.62:
        return f"192.168.{rng.randrange(256)}.{rng.randint(2, 254)}"
    first = rng.choice([n for n in range(11, 224) if n not in (100, 127, 169, 172, 192)])
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(1, 254)}"


def _mac(rng: random.Random) -> str:
    octets = [rng.randrange(256) for _ in range(6)]
    style = rng.randrange(4)
    if style == 0:
        return ":".join(f"{o:02X}" for o in octets)
    if style == 1:
        return "-".join(f"{o:02X}" for o in octets)
    if style == 2:  # Cisco dotted form
        pairs = [f"{octets[i]:02x}{octets[i + 1]:02x}" for i in (0, 2, 4)]
        return ".".join(pairs)
    return ":".join(f"{o:02x}" for o in octets)


def _udi(rng: random.Random, made: date) -> str:
    """A GS1 or HIBCC unique device identifier; its expiry and lot are part of it."""
    expiry = made + timedelta(days=rng.randint(365, 1800))
    lot, serial = _fill(rng, "@####@"), _fill(rng, "*******")
    gtin = _fill(rng, "0#############")
    style = rng.randrange(3)
    if style == 0:
        return f"(01){gtin}(17){expiry:%y%m%d}(10){lot}(21){serial}"
    if style == 1:
        return f"01{gtin}17{expiry:%y%m%d}21{serial}"
    return f"+H{_fill(rng, '@###')}{_fill(rng, '######')}/${lot}/+{expiry:%y%j}{serial}"


def _serial(rng: random.Random) -> str:
    return _pick(rng, ("@@@#######", "##@@#####", "SN######@", "#####-@@-####", "@#@#-####-@@"))


_LICENSES = {
    "npi": ("1#########", "2#########"),
    "dea": ("A@#######", "B@#######", "F@#######", "M@#######"),
    "state": ("MD.######", "ME######", "G######", "A######", "DO-#####", "#####-##"),
    "nurse": ("RN-######", "RN#######", "NP######", "APRN.#####"),
    "crna": ("CRNA-#####", "######"),
    "pa": ("PA######", "PA-#####"),
    "social": ("LCSW-#####", "LPC####", "LMHC.######", "LMFT #####"),
    "cnm": ("CNM.######", "MW#####"),
    "gmc": ("#######",),
    "ahpra": ("MED000#######", "NMW000#######"),
    "cpso": ("#####", "1#####"),
    "bar": ("######", "#####"),
    "lso": ("#####@",),
    "bcc": ("#####", "BCC-####"),
    "driver": ("@###-####-####", "S###-###-##-###-#", "D#######", "@#######", "#########"),
    "plate_us": ("#@@@###", "@@@-####", "@@@ ###", "##@ @##"),
    "plate_ca": ("@@@@ ###", "@@@-###"),
    "plate_uk": ("@@## @@@",),
    "plate_au": ("@@@-###", "#@@-#@@"),
}


def _license(rng: random.Random, kind: str) -> str:
    return _pick(rng, _LICENSES[kind])


# Places
@dataclass(frozen=True)
class _Place:
    street: str
    city: str
    region: str  # state, province or county; not PHI
    postcode: str
    country: str  # "us", "uk", "ca" or "au"

    def one_line(self) -> str:
        """The address as a record stores it."""
        if self.country == "uk":
            return f"{self.street}, {self.city} {self.postcode}"
        if self.country == "au":
            return f"{self.street}, {self.city} {self.region} {self.postcode}"
        return f"{self.street}, {self.city}, {self.region} {self.postcode}"


# Real towns mixed with Faker's invented ones; some are also ordinary words.
_TOWNS = {
    "us": ("Dayton", "Scranton", "Boise", "Peoria", "Lubbock", "Green Bay", "Mobile", "Orange"),
    "uk": ("Harrogate", "Wakefield", "Stockport", "Kendal", "Truro", "Reading", "Bath", "Luton"),
    "ca": ("Kitchener", "Sudbury", "Moncton", "Red Deer", "Kamloops", "Brampton", "Victoria"),
    "au": ("Ballarat", "Toowoomba", "Wollongong", "Geelong", "Bendigo", "Cairns", "Orange"),
}
_LOCALE_OF = {"us": "en_US", "uk": "en_GB", "ca": "en_CA", "au": "en_AU"}
_CA_LETTERS = "ABCEGHJKLMNPRSTVXY"  # letters Canada Post uses in postal codes


def _town(rng: random.Random, fake: Faker, country: str) -> str:
    if rng.random() < 0.45:
        return rng.choice(_TOWNS[country])
    return fake[_LOCALE_OF[country]].city().strip()


def _street(rng: random.Random, fake: Faker, country: str) -> str:
    street = ", ".join(p.strip() for p in fake[_LOCALE_OF[country]].street_address().splitlines())
    roll = rng.random()
    if country == "uk" and roll < 0.25:
        return f"Flat {rng.randint(1, 40)}, {street}"
    if country == "ca" and roll < 0.3:
        return f"{rng.randint(101, 2405)}-{street}"  # suite before the civic number
    if country == "au" and roll < 0.3:
        return f"Unit {rng.randint(1, 30)}/{street}"
    if roll < 0.05:
        return f"PO Box {rng.randint(10, 9999)}"
    return street


def _place(rng: random.Random, fake: Faker, country: str = "us") -> _Place:
    gen = fake[_LOCALE_OF[country]]
    street, city = _street(rng, fake, country), _town(rng, fake, country)
    if country == "us":
        postcode = gen.zipcode_plus4() if rng.random() < 0.2 else gen.zipcode()
        return _Place(street, city, gen.state_abbr(), postcode, country)
    if country == "uk":
        return _Place(street, city, "", gen.postcode().strip(), country)
    if country == "ca":
        code = "".join(
            rng.choice(_CA_LETTERS) if index % 2 == 0 else rng.choice(string.digits)
            for index in range(6)
        )
        return _Place(street, city, gen.province_abbr(), f"{code[:3]} {code[3:]}", country)
    return _Place(street, city, gen.state_abbr(), gen.postcode().strip(), country)


def _address(
    rng: random.Random, place: _Place, caps: bool = False, lines: bool = False
) -> list[Part]:
    """Address parts: street, town and postcode labelled; state, province and country not."""

    def cased(value: str) -> str:
        return value.upper() if caps else value

    sep = "\n" if lines else ", "
    parts: list[Part] = [("ADDRESS", cased(place.street)), sep, ("CITY", cased(place.city))]
    if place.country == "uk":
        return [*parts, sep, ("ZIP", place.postcode)]
    if place.country == "ca":
        return [*parts, f" {place.region}", rng.choice(("  ", " ")), ("ZIP", place.postcode)]
    region = f", {place.region} " if place.country == "us" else f" {place.region} "
    return [*parts, region, ("ZIP", place.postcode)]


# Facilities
_SAINTS = ("Agnes", "Barnabas", "Cecilia", "Dominic", "Hedwig", "Ignatius", "Monica", "Clare")
_LANDSCAPES = (
    "Cedar Ridge",
    "Willow Creek",
    "Silver Lake",
    "Pine Hollow",
    "Maple Grove",
    "Harbor View",
    "Stone Bridge",
    "Quail Run",
    "Ironwood",
    "Bayside",
)
_QUARTERS = ("North Shore", "Westgate", "Eastside", "South Valley", "Tri-County", "Lakes Region")
_TAILS = {
    "hospital": ("Hospital", "Medical Center", "Community Hospital", "University Hospital"),
    "clinic": ("Family Medicine", "Primary Care", "Medical Group", "Health Center", "Clinic"),
    "asc": ("Surgery Center", "Ambulatory Surgery Center", "Day Surgery Centre"),
    "heart": ("Heart & Vascular Institute", "Heart Center", "Cardiovascular Institute"),
    "birth": ("Birth Center", "Women's Hospital", "Maternity Hospital"),
    "peds": ("Pediatrics", "Children's Clinic", "Pediatric Associates", "Kids Care"),
    "school": ("Montessori School", "Child Care Center", "Early Learning Centre", "Preschool"),
    "behavioral": ("Behavioral Health", "Recovery Center", "Counseling Center"),
    "supplier": ("Home Medical", "Respiratory Services", "Oxygen & Medical Supply"),
    "care_home": ("Care Home", "Senior Living", "Manor", "Nursing & Rehab"),
    "lab": ("Laboratories", "Diagnostics", "Imaging"),
    "public_health": ("Public Health Unit", "County Health Department", "Public Health Service"),
}
_COUNTRY_TAILS = {
    ("hospital", "uk"): ("Hospital", "General Hospital", "Royal Infirmary", "NHS Foundation Trust"),
    ("hospital", "au"): ("Hospital", "Base Hospital", "Private Hospital", "Health"),
    ("hospital", "ca"): ("General Hospital", "Health Centre", "Health Sciences Centre"),
    ("clinic", "uk"): ("Surgery", "Medical Practice", "Health Centre"),
    ("clinic", "au"): ("Medical Centre", "Family Practice", "GP Clinic"),
    ("clinic", "ca"): ("Family Health Team", "Medical Clinic", "Community Health Centre"),
}


def _facility(rng: random.Random, fake: Faker, kind: str, country: str = "us") -> str:
    gen = fake[_LOCALE_OF[country]]
    stems = (
        _town(rng, fake, country),
        f"St. {rng.choice(_SAINTS)}",
        f"Saint {rng.choice(_SAINTS)}'s",
        f"{gen.last_name()} Memorial",
        f"{gen.last_name()}-{gen.last_name()}",
        rng.choice(_LANDSCAPES),
        rng.choice(_QUARTERS),
        f"{_town(rng, fake, country)} Regional",
    )
    tails = _COUNTRY_TAILS.get((kind, country), _TAILS[kind])
    if kind == "public_health":  # named after the place they serve
        stems = (_town(rng, fake, country), rng.choice(_QUARTERS))
    return f"{rng.choice(stems)} {rng.choice(tails)}"


def _worship(rng: random.Random, fake: Faker, country: str = "us") -> tuple[str, str]:
    """A named place of worship and the title of its leader."""
    town = _town(rng, fake, country)
    return rng.choice(
        (
            (f"St. {rng.choice(_SAINTS)} Catholic Church", "Father "),
            (f"{rng.choice(('Grace', 'Bethel', 'Calvary', 'New Hope'))} Baptist Church", "Pastor "),
            (f"First Presbyterian Church of {town}", "Rev. "),
            (f"Masjid {rng.choice(('Al-Noor', 'Al-Huda', 'Ar-Rahman', 'Al-Taqwa'))}", "Imam "),
            (f"Islamic Center of {town}", "Imam "),
            (f"Temple {rng.choice(('Beth Shalom', 'Beth El', 'Emanu-El', 'Sinai'))}", "Rabbi "),
            (f"Sri {rng.choice(('Venkateswara', 'Ganesha', 'Murugan'))} Temple", "Pandit "),
            (f"{town} Gurdwara Sahib", "Bhai "),
            (f"{town} Buddhist Vihara", "Venerable "),
        )
    )


def _funeral_home(rng: random.Random, fake: Faker, country: str) -> str:
    surname = fake[_LOCALE_OF[country]].last_name()
    tail = "Funeral Directors" if country in ("uk", "au") else "Funeral Home"
    return rng.choice(
        (f"{surname} & Sons {tail}", f"{surname} {tail}", f"{_town(rng, fake, country)} {tail}")
    )


# The case
@dataclass
class _Case:
    """One patient's record and the random sources the family writers draw from."""

    rng: random.Random
    fake: Faker
    family: str
    patient: _Person
    age: int
    birth: date
    visit: date
    mrn: str
    home: _Place
    phone: str  # as the record stores it
    phone_digits: str  # empty when the phone is not North American
    email: str
    country: str = "us"
    forced_eponym: str | None = None
    lent_surname: str | None = None  # an eponym's surname for the next person made

    def person(self, female: bool | None = None, surname: str | None = None) -> _Person:
        """A relative, clinician or other named person; the first takes a lent surname."""
        if self.lent_surname is not None and surname is None:
            surname, self.lent_surname = self.lent_surname, None
        return _make_person(self.rng, self.fake, female, surname)

    def eponyms(self, k: int) -> list[str]:
        """``k`` eponym sentences of the family, the one whose surname was lent first."""
        chosen = self.rng.sample(_EPONYMS[self.family], k)
        if self.forced_eponym is None:
            return chosen
        return [self.forced_eponym, *(t for t in chosen if t != self.forced_eponym)][:k]

    def phone_as(self, form: str | None = None) -> str:
        """The patient's phone, rewritten in a North American form when it is one."""
        if not self.phone_digits:
            return self.phone
        return _nanp(self.rng, self.phone_digits, form=form)

    def after(self, low: int, high: int) -> date:
        return self.visit + timedelta(days=self.rng.randint(low, high))

    def before(self, low: int, high: int) -> date:
        return self.visit - timedelta(days=self.rng.randint(low, high))

    def set_age(self, years: int, days_old: int | None = None) -> None:
        """Give the patient another age (or an age in days); the birth date follows."""
        self.age = years
        if days_old is None:
            self.birth = _birth_for(self.rng, self.visit, years)
        else:
            self.birth = self.visit - timedelta(days=days_old)

    def identifiers(self) -> dict[str, str]:
        """The structured identifiers the source record carries."""
        name = " ".join(p for p in (self.patient.given, self.patient.surname) if p)
        return {
            "name": name,
            "mrn": re.sub(r"[^0-9A-Za-z]", "", self.mrn),
            "birth_date": self.birth.isoformat(),
            "address": self.home.one_line(),
            "phone": self.phone,
        }


# Eponym sentences per family; braced parts are keep spans.
_EPONYMS: dict[str, list[str]] = {
    "ed_physician_note": [
        "{Murphy sign} positive, with inspiratory arrest under the right costal margin.",
        "{Kernig sign} and {Brudzinski sign} both negative.",
        "{Ottawa ankle rules} not met, so no ankle films.",
        "{Wells score} 1.5 for PE; D-dimer sent.",
        "No {Battle sign} and no periorbital bruising.",
        "Tender at {McBurney point}, with {Rovsing sign}.",
        "{Homans sign} not elicited; calves soft.",
        "Low risk by the {Canadian CT Head Rule}, so no CT.",
        "No {Beck triad}; no effusion on the bedside echo.",
    ],
    "operative_note": [
        "A {Pfannenstiel incision} was made two fingerbreadths above the symphysis.",
        "Access was gained with a {Hasson} trocar at the umbilicus.",
        "The {Calot triangle} was cleared to the critical view of safety.",
        "A {Kocher maneuver} mobilized the duodenum.",
        "Hemostasis was obtained with {Bovie} electrocautery.",
        "A 19 Fr {Jackson-Pratt drain} was left in the pelvis.",
        "A {Foley catheter} was placed under sterile conditions.",
        "The fascia was held with {Allis clamps} and closed with looped PDS.",
        "A {Balfour retractor} was placed for exposure.",
        "The sac was reduced and a {Lichtenstein repair} completed with mesh.",
    ],
    "cath_lab_report": [
        "{Barbeau test} type B at the right wrist before access.",
        "Access by {Seldinger technique} with a 6 Fr sheath.",
        "Left system engaged with a {Judkins} Left 3.5, the right with an {Amplatz} Left 1.",
        "Cardiac output 4.4 L/min by the {Fick} method.",
        "Right heart study with a {Swan-Ganz catheter}.",
        "{Impella} CP on standby, not needed.",
        "A {Kugel artery} fills the distal RCA.",
        "{Prinzmetal angina} considered; no provocation test done.",
    ],
    "delivery_summary": [
        "{Apgar} 8/9 at one and five minutes.",
        "{Bishop score} 9 on admission.",
        "Shoulder dystocia released with the {McRoberts maneuver} and suprapubic pressure.",
        "Head delivered with a modified {Ritgen maneuver}.",
        "Placenta delivered by the {Schultze mechanism}, complete, 3-vessel cord.",
        "Outlet vacuum with a {Kiwi} cup, two pulls, no pop-offs.",
        "Longitudinal lie confirmed by {Leopold maneuvers}.",
        "Dating by {Naegele rule} agreed with the 8-week scan.",
        "{Montgomery tubercles} prominent; latching well.",
    ],
    "well_child_visit": [
        "{Denver II} screen passed in all four domains.",
        "{Galeazzi sign} negative; hips stable.",
        "Red reflex present both eyes; {Hirschberg test} symmetric.",
        "{Babinski sign} upgoing, normal for age.",
        "{Snellen chart} 20/25 each eye.",
        "Parachute and {Landau reflex} present.",
        "Slight {Harrison sulcus}; vitamin D level sent.",
        "Choking first aid and the {Heimlich maneuver} reviewed with the parents.",
    ],
    "group_therapy_note": [
        "{Beck Depression Inventory} 24 (moderate), down from 31.",
        "{Columbia Suicide Severity Rating Scale} screen: no ideation since last contact.",
        "{Hamilton Anxiety Rating Scale} 18.",
        "Client used the phrase {Stockholm syndrome} about the old relationship.",
        "Known {Korsakoff syndrome}; written prompts used in group.",
        "{Yale-Brown Obsessive Compulsive Scale} 21.",
        "Practised {Linehan} distress-tolerance skills (TIPP).",
        "{Socratic questioning} used to test the thought.",
    ],
    "oxygen_dme_order": [
        "Nocturnal {Cheyne-Stokes respiration} on home oximetry.",
        "{Borg scale} dyspnoea 5/10 after 40 m.",
        "{Pickwickian syndrome} (obesity hypoventilation), BMI 46.",
        "Use a {Venturi mask} at 28% if SpO2 < 88% during exacerbations.",
        "Portable unit: {Inogen One} G5, pulse setting 2.",
        "Humidifier bottle and {Salter} cannula, 7 ft.",
        "Positive {Hoover sign} on inspiration.",
    ],
    "independent_medical_exam": [
        "{Spurling test} negative bilaterally.",
        "{Waddell signs} 1 of 5 (overreaction).",
        "{Phalen test} and {Tinel sign} positive at the right wrist.",
        "{Finkelstein test} negative.",
        "{Lasègue sign} positive at 45 degrees on the left.",
        "{McMurray test} painful medially; {Lachman test} firm end point.",
        "{Hawkins-Kennedy test} positive on the right.",
        "Early {Dupuytren contracture} of the ring finger, unrelated to the injury.",
        "{Jamar dynamometer} grip 22 kg right, 34 kg left.",
    ],
    "coroner_referral": [
        "Background of {Lewy body dementia} with recurrent falls.",
        "Known {Paget disease of bone} in the right femur.",
        "Bilateral {Charcot foot} from diabetic neuropathy.",
        "{Virchow node} palpable at the last review.",
        "{Marfan syndrome} in the family; aortic root 4.6 cm.",
        "{Sjögren syndrome} on hydroxychloroquine.",
        "Right hip: {Garden} IV subcapital fracture, hemiarthroplasty.",
        "{Kaposi sarcoma} lesions on both shins.",
    ],
    "contact_tracing_log": [
        "Organism: {Bordetella pertussis} (PCR).",
        "{Neisseria meningitidis} group B from blood culture.",
        "{Salmonella} Enteritidis in stool, 2 of 3 samples.",
        "{Klebsiella pneumoniae} carbapenemase (KPC) on rectal screen.",
        "{Listeria monocytogenes} in CSF.",
        "{Escherichia coli} O157 from the index case.",
        "Suspected {Koplik spots} on arrival.",
        "{Lancefield} group A streptococcus from a throat swab; {Gram stain} GPC in chains.",
    ],
    "chaplaincy_visit": [
        "Talked through the {Kübler-Ross} stages without pressing them.",
        "{Karnofsky} 30 per the palliative team.",
        "A grandson is in treatment for {Ewing sarcoma}, which weighs heavily.",
        "{Ramsay Hunt syndrome} has left one side of the face weak.",
        "Spoke of a sister lost to {Wilson disease} decades ago.",
        "The {Serenity Prayer} was said together, as requested.",
    ],
    "bilingual_clinic_note": [
        "Fenómeno de {Raynaud} en ambas manos / {Raynaud phenomenon} in both hands.",
        "Serología positiva para {enfermedad de Chagas} en 2015.",
        "Soplo sin cambio con la maniobra de {Valsalva}.",
        "{Síndrome de Tietze} como diagnóstico diferencial del dolor torácico.",
        "Riesgo cardiovascular ({Framingham}) 18% a 10 años.",
        "Monofilamento de {Semmes-Weinstein}: 4 de 10 sitios sin sensibilidad.",
    ],
    "ocr_fax_scan": [
        "Possible {Wilson disease}: ceruloplasmin 12 mg/dL.",
        "Likely {Gilbert syndrome}, unconjugated bilirubin only.",
        "{Child-Pugh} class B (8 points).",
        "Doppler US ? {Budd-Chiari syndrome}, hepatic veins poorly seen.",
        "{Dubin-Johnson syndrome} excluded last year.",
        "{Mallory-Denk bodies} on the old biopsy.",
        "No {Kayser-Fleischer rings} on slit lamp.",
        "MRCP queried {Caroli disease}.",
    ],
    "ehr_export": [
        "I78.0|{Osler-Weber-Rendu disease}",
        "N48.6|{Peyronie disease}",
        "K90.81|{Whipple disease}",
        "E88.2|{Dercum disease}",
        "M06.1|Adult-onset {Still disease}",
        "D04.9|{Bowen disease}",
        "M72.2|{Ledderhose disease}",
        "E23.0|{Sheehan syndrome}",
    ],
    "clinician_email_thread": [
        "{Heyde syndrome} is on my list given the GI bleeds.",
        "The murmur radiates to the carotids; no {Austin Flint murmur}.",
        "There is a {Carpentier-Edwards} bioprosthesis in the mitral position.",
        "Not endocarditis by the modified {Duke criteria}.",
        "No {Corrigan pulse}.",
        "{Rockwood Clinical Frailty Scale} 5.",
        "There was a {Bezold-Jarisch reflex} at the last cath, so we will go slowly.",
        "An old {Starr-Edwards} ball valve is still in the aortic position.",
    ],
    "dictation_transcript": [
        "{romberg test} negative",
        "{hoffmann sign} absent on both sides",
        "reports {lhermitte sign} with neck flexion",
        "{epley maneuver} performed in clinic today",
        "{unterberger test} drifts to the left",
        "{montreal cognitive assessment} twenty four out of thirty",
        "episode sounded like a {todd paralysis} after the seizure",
        "{jacksonian march} described from the left hand",
    ],
}
# Eponym words that are also surnames, for the collision notes.
_EPONYM_SURNAMES = frozenset(
    "Murphy Kernig Brudzinski Wells Battle McBurney Rovsing Homans Beck Pfannenstiel Hasson "
    "Calot Kocher Bovie Jackson Pratt Foley Allis Balfour Lichtenstein Barbeau Seldinger Judkins "
    "Amplatz Fick Swan Ganz Kugel Prinzmetal Apgar Bishop McRoberts Ritgen Schultze Leopold "
    "Naegele Montgomery Galeazzi Hirschberg Babinski Snellen Landau Harrison Heimlich Hamilton "
    "Korsakoff Linehan Cheyne Stokes Borg Venturi Salter Hoover Spurling Waddell Phalen Tinel "
    "Finkelstein McMurray Lachman Hawkins Kennedy Dupuytren Lewy Paget Charcot Virchow Marfan "
    "Garden Kaposi Koplik Lancefield Gram Ross Karnofsky Ewing Ramsay Hunt Wilson Raynaud "
    "Valsalva Tietze Semmes Weinstein Gilbert Child Pugh Budd Chiari Dubin Johnson Mallory "
    "Kayser Fleischer Caroli Osler Weber Peyronie Whipple Dercum Still Bowen Ledderhose Sheehan "
    "Heyde Austin Flint Carpentier Edwards Duke Corrigan Rockwood Bezold Starr Romberg Hoffmann "
    "Lhermitte Epley Unterberger Todd".split()
)
_SURNAME_BY_LOWER = {word.lower(): word for word in _EPONYM_SURNAMES}


def _eponym_surname(template: str) -> str | None:
    """The first word of the template's keep spans that is also a surname, if any."""
    for phrase in re.findall(r"\{([^}]*)\}", template):
        for word in re.split(r"[\s\-'(),/]+", phrase):
            if word.lower() in _SURNAME_BY_LOWER:
                return _SURNAME_BY_LOWER[word.lower()]
    return None


# Non-PHI context the families draw from
_ED_COMPLAINTS = (
    ('"I can\'t catch my breath"', "3 days of worsening dyspnea and 3-pillow orthopnea", "I50.33"),
    ('"my belly hurts"', "RLQ pain since last evening, anorexia and one emesis", "R10.31"),
    ('"fell in the bathroom"', "a mechanical fall at 0300, struck L forehead, no LOC", "W18.30XA"),
    ('"worst headache of my life"', "sudden occipital headache at rest 6 h ago", "R51.9"),
    ('"chest tightness"', "40 min of substernal pressure while shoveling, diaphoretic", "R07.89"),
)
_OPERATIONS = (
    (
        "Laparoscopic cholecystectomy",
        "47562",
        "Symptomatic cholelithiasis",
        "K80.20",
        "gallbladder",
    ),
    ("Open right inguinal hernia repair with mesh", "49505", "Right inguinal hernia", "K40.90", ""),
    ("Laparoscopic appendectomy", "44970", "Acute appendicitis", "K35.80", "appendix"),
    ("Total abdominal hysterectomy", "58150", "Uterine leiomyomata", "D25.9", "uterus, cervix"),
    ("Right total hip arthroplasty", "27130", "Primary osteoarthritis, right hip", "M16.11", ""),
    ("Small bowel resection", "44120", "Small bowel obstruction", "K56.609", "ileal segment"),
)
_IMPLANTS = (
    "Polypropylene mesh 6 x 11 cm, REF 0112720",
    "Acetabular shell 54 mm, REF 4355-054",
    "Femoral stem size 12, REF 6021-1230",
    "Absorbable tacks x 8, REF 174006",
)
_CATH_INDICATIONS = (
    "NSTEMI (I21.4), troponin peak 2.3 ng/mL",
    "Stable angina, positive stress test (I20.8)",
    "Pre-TAVR coronary evaluation (I35.0)",
    "New cardiomyopathy, EF 30% (I42.9)",
)
_LESIONS = ("mid LAD 85%", "proximal RCA 90%", "OM1 70%", "ostial LCx 60%", "diagonal 1 75%")
_STENTS = ("Xience Skypoint", "Synergy XD", "Onyx Frontier", "Resolute Onyx")
_VACCINES = (
    "DTaP-IPV-Hib-HepB (Vaxelis)",
    "PCV20 (Prevnar 20)",
    "MMR II",
    "Varicella (Varivax)",
    "Hep A (Havrix)",
    "Influenza (Fluzone Quadrivalent)",
)
_GROUPS = (
    "DBT skills group (IOP)",
    "Senior grief and loss group",
    "Relapse prevention group",
    "CBT for anxiety group",
)


def _vitals(rng: random.Random) -> str:
    """Vital signs: numbers a detector must leave alone."""
    return (
        f"BP {rng.randint(96, 188)}/{rng.randint(50, 104)}, HR {rng.randint(48, 128)}, "
        f"RR {rng.randint(12, 28)}, T {rng.uniform(36.0, 39.2):.1f} C, "
        f"SpO2 {rng.randint(86, 100)}% RA."
    )


def _sentences(n: _Note, case: _Case, k: int, lead: str = "", tail: str = " ") -> None:
    for sentence in case.eponyms(k):
        n.put(lead)
        n.keep(sentence)
        n.put(tail)


# Families
def _ed_physician_note(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    pcp = case.person()
    n.line("ED PHYSICIAN NOTE", rng.choice(("", " - ATTENDING", " (PROVIDER DOCUMENTATION)")))
    n.line(("FACILITY", _facility(rng, case.fake, "hospital")), " Emergency Department")
    forms = ("last_comma_first_mi", "LAST_comma_first", "LAST_comma_FIRST", "last_comma_first")
    n.put("Pt: ", _name(rng, pt, forms), "   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.line("   Acct ", ("ID", _pick(rng, ("E#########", "V-########", "FIN ##########"))))
    n.put("DOB ", _date(rng, case.birth, _DOB), "   Arrival ", _date(rng, case.visit, _NUMERIC))
    bed = f"{rng.choice(('Hall ', 'Rm ', 'Resus ', 'Pod C-'))}{rng.randint(1, 30)}"
    n.line(f" {_clock(rng)} via EMS   {bed}   ESI {rng.randint(1, 3)}")
    if rng.random() < 0.4:
        n.line("SSN (registration): ", ("SSN", _ssn(rng)))
    n.put("PCP: ", _name(rng, pcp, _STAFF, 0.9, doctor=True), ", ")
    n.line(("FACILITY", _facility(rng, case.fake, "clinic")))
    _ed_history(n, case)
    n.line("ROS: + as per HPI, otherwise 10-point negative.")
    strength = f"Strength 5/5 R, {rng.randint(3, 4)}/5 L; pupils 3->2 mm."
    n.line("EXAM: ", _vitals(rng), f" GCS 15. {strength}")
    _sentences(n, case, 2)
    n.line()
    _ed_results(n, case)
    _ed_disposition(n, case)


def _ed_history(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    kin = case.person()
    complaint, story, icd = rng.choice(_ED_COMPLAINTS)
    form = rng.choice(("sex", "hyphen", "yo", "y_o", "years_old"))
    noun = "" if form == "sex" else (" woman" if pt.female else " man")
    n.line(f"CC: {complaint}  ({icd})")
    n.put("HPI: ", _age_as(case.age, form, pt.female), noun, f" with {story}. ")
    n.put("PMH HTN, T2DM, CKD 3b, AF on Eliquis 5 mg BID. Came from ")
    if rng.random() < 0.5:
        n.put(("FACILITY", _facility(rng, case.fake, "care_home")))
    else:
        n.put("home")
    onset = rng.choice(("Tuesday last", "last Friday", "two days ago", "yesterday morning"))
    relation = _kin(rng, kin, ("daughter", "niece", "granddaughter", "wife", "partner"))
    n.put(f"; symptoms began {onset}. {relation.capitalize()} ")
    n.put(_name(rng, kin, ("given", "first_last", "nick")), " says ")
    n.put("she" if pt.female else "he", " was last well ")
    n.put(_date(rng, case.before(1, 3), ("md", "mon_d", "wd_d_month")), ". Seen at ")
    n.put(("FACILITY", _facility(rng, case.fake, "hospital")), " on ")
    n.line(_date(rng, case.before(20, 200), _NUMERIC + _PROSE), " for the same, discharged.")


def _ed_results(n: _Note, case: _Case) -> None:
    rng = case.rng
    n.put(f"RESULTS: trop-I 0.0{rng.randint(1, 9)} ng/mL, BNP {rng.randint(90, 2400)} pg/mL, ")
    n.put(f"K {rng.uniform(3.1, 5.9):.1f}, Cr {rng.uniform(0.8, 2.6):.1f} (baseline ")
    n.put(f"{rng.uniform(0.7, 1.4):.1f} on ", _date(rng, case.before(30, 400), _NUMERIC), "), ")
    n.line(f"lactate {rng.uniform(0.8, 4.0):.1f}. ECG: AF {rng.randint(88, 130)}, no STE.")
    if rng.random() < 0.35:
        n.line("ICD interrogated by the rep (S/N ", ("DEVICE", _serial(rng)), "): no therapies.")


def _ed_disposition(n: _Note, case: _Case) -> None:
    rng = case.rng
    hospitalist, kin, scribe, attending = (case.person() for _ in range(4))
    n.put(f"MDM: furosemide 40 mg IV at {_clock(rng)}, diltiazem 10 mg IV; admit to ")
    n.put(f"{rng.choice(('5 West', 'stepdown', 'tele 4B'))} bed {rng.randint(1, 40)} under ")
    n.line(_name(rng, hospitalist, _STAFF, 1.0, doctor=True), " (hospitalist).")
    relation = _kin(rng, kin, ("daughter", "sister", "wife", "niece"))
    n.put(f"Updated {relation} ", _name(rng, kin, ("first_last", "nick", "first_mi_last")))
    n.line(" on ", _phone(rng, "us", 0.1, 0.15), ".")
    n.line("Home: ", _address(rng, case.home), "; pt cell ", ("PHONE", case.phone_as()))
    if rng.random() < 0.3:
        n.put(f"ID checked: {case.home.region} driver license ")
        n.line(("LICENSE", _license(rng, "driver")))
    n.put("Scribe: ", _name(rng, scribe, ("first_last", "initial_last")), ". ")
    n.line("Attending attestation: I saw and examined the patient.")
    n.put(_name(rng, attending, ("first_mi_last", "first_last")), ", MD  NPI ")
    n.put(("LICENSE", _license(rng, "npi")), "  ", _date(rng, case.visit, _NUMERIC))
    n.line(f" {_clock(rng)}")


def _operative_note(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    surgeon, assistant, anesthetist = (case.person() for _ in range(3))
    procedure, cpt, diagnosis, icd, specimen = rng.choice(_OPERATIONS)
    n.line("OPERATIVE REPORT")
    n.line(("FACILITY", _facility(rng, case.fake, rng.choice(("asc", "hospital")))))
    n.put("PATIENT: ", _name(rng, pt, ("CAPS", "LAST_comma_FIRST")), "     MR#: ")
    n.line(("MRN", case.mrn), "     AGE: ", _age(rng, case.age, ("bare", "y", "years_old")))
    n.put("DATE OF SURGERY: ", _date(rng, case.visit, ("us0", "MON_d_y", "month_d_y")))
    n.line("     DOB: ", _date(rng, case.birth, _DOB))
    n.put("SURGEON: ", _name(rng, surgeon, ("first_mi_last", "first_last")), ", MD, FACS")
    n.line("     ASSISTANT: ", _name(rng, assistant, ("first_last", "initial_last")), ", PA-C")
    n.put("ANESTHESIA: General endotracheal; ", _name(rng, anesthetist, ("first_last",)))
    n.line(", CRNA (lic. ", ("LICENSE", _license(rng, "crna")), ")")
    n.line(f"PREOPERATIVE DIAGNOSIS: {diagnosis} ({icd})\nPOSTOPERATIVE DIAGNOSIS: Same")
    n.line(f"PROCEDURE: {procedure} (CPT {cpt})")
    n.put("DESCRIPTION: The patient was identified in holding and consent confirmed. ")
    n.put(f"Time-out at {_clock(rng)}. Cefazolin 2 g IV given. ")
    _sentences(n, case, 3)
    n.line()
    ebl = rng.choice((10, 25, 50, 150, 300))
    n.line(f"EBL {ebl} mL. IVF {rng.randint(6, 20) * 100} mL LR. Specimens: {specimen or 'none'}.")
    _operative_close(n, case, surgeon)


def _operative_close(n: _Note, case: _Case, surgeon: _Person) -> None:
    rng = case.rng
    if rng.random() < 0.7:
        lot = _fill(rng, "@#####")
        n.put(f"IMPLANTS: {rng.choice(_IMPLANTS)}, LOT {lot}, UDI ")
        n.line(("DEVICE", _udi(rng, case.before(100, 700))))
    if rng.random() < 0.4:
        n.line("Video record uploaded from OR tower ", ("IP", _ip(rng)), ".")
    minutes = rng.randint(35, 190)
    n.line(f"Counts correct x2. Incision to close {minutes} min. To PACU extubated, stable.")
    n.put("Follow-up: ", _name(rng, surgeon, ("surname", "initial_last"), 1.0, doctor=True))
    n.put(" at ", ("FACILITY", _facility(rng, case.fake, "clinic")), ", ")
    n.put(("PHONE", _nanp(rng, extension=0.3)), ", on ")
    n.line(_date(rng, case.after(10, 16), _NO_YEAR + _NUMERIC), ".")
    n.put("Dictated ", _date(rng, case.visit, _NUMERIC), " by ")
    n.put(_name(rng, surgeon, ("first_last", "initial_last")), "; NPI ")
    n.line(("LICENSE", _license(rng, "npi")), "; job ", ("ID", _fill(rng, "D#######")))


def _cath_lab_report(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    operator, referrer = case.person(), case.person()
    n.line("CARDIAC CATHETERIZATION LABORATORY - PROCEDURE REPORT")
    n.put(("FACILITY", _facility(rng, case.fake, "heart")), f"   Lab {rng.randint(1, 4)}   Case ")
    n.line(("ID", _pick(rng, ("CL-######", "CATH#######", "###-####"))))
    n.put("Patient: ", _name(rng, pt, (*_PATIENT, "native")), "   ", _mrn_label(rng), " ")
    n.put(("MRN", case.mrn), "   DOB ", _date(rng, case.birth, _DOB), "   Age ")
    n.line(_age(rng, case.age, ("bare", "y", "yo")))
    height, weight = rng.randint(148, 192), rng.randint(48, 130)
    bsa = ((height * weight) / 3600) ** 0.5
    n.line(f"Ht {height} cm  Wt {weight} kg  BSA {bsa:.2f} m2  Cr {rng.uniform(0.6, 2.2):.2f}")
    n.put("Procedure date: ", _date(rng, case.visit, _NUMERIC + _PROSE), "   Operator: ")
    n.put(_name(rng, operator, _STAFF, 1.0, doctor=True), " (lic. ")
    n.line(("LICENSE", _license(rng, "state")), ")")
    n.put("Referring: ", _name(rng, referrer, _STAFF, 0.8, doctor=True), ", ")
    n.line(("FACILITY", _facility(rng, case.fake, "clinic")), ", fax ", ("PHONE", _nanp(rng)))
    n.line(f"Indication: {rng.choice(_CATH_INDICATIONS)}. CPT 93458, 92928.")
    _sentences(n, case, 3)
    n.line()
    _cath_findings(n, case)
    n.put("Results called to ", _name(rng, referrer, ("surname",), 1.0, doctor=True), " at ")
    n.put(("PHONE", _nanp(rng, extension=0.4)), " on ", _date(rng, case.visit, _NO_YEAR))
    n.line(f" at {_clock(rng)}. Signed ", _date(rng, case.after(0, 1), _NUMERIC), ".")


def _cath_findings(n: _Note, case: _Case) -> None:
    rng = case.rng
    systolic, diastolic = rng.randint(100, 170), rng.randint(50, 90)
    n.put(f"Hemodynamics: Ao {systolic}/{diastolic} (mean {(systolic + 2 * diastolic) // 3}), ")
    n.line(f"LV {systolic + 2}/{rng.randint(6, 28)}, PCWP {rng.randint(8, 30)}, CI 2.4 L/min/m2.")
    lesion, stent = rng.choice(_LESIONS), rng.choice(_STENTS)
    n.line(f"Findings: {lesion}; others mild. SYNTAX 14. LVEF {rng.randint(25, 65)}%.")
    n.put(f"PCI: {stent} 3.0 x {rng.choice((12, 15, 18, 23))} mm, lot {_fill(rng, '#######')}")
    n.line(", UDI ", ("DEVICE", _udi(rng, case.before(60, 500))), "; TIMI 3 flow.")
    n.put(f"Fluoro {rng.uniform(4, 30):.1f} min, air kerma {rng.randint(200, 2400)} mGy, ")
    n.line(f"iohexol {rng.randint(60, 240)} mL. Heparin 70 U/kg, ACT {rng.randint(220, 320)} s.")
    if rng.random() < 0.7:
        domain = _domain(rng, case.fake)
        n.put("Recording system S/N ", ("DEVICE", _serial(rng)), " exported from ")
        n.line(("IP", _ip(rng)), " to ", ("URL", _url(rng, domain, "pacs/study")))


def _delivery_summary(n: _Note, case: _Case) -> None:
    rng, mother = case.rng, case.patient
    case.set_age(rng.randint(16, 45))
    gravida = rng.randint(1, 6)
    n.line("LABOR AND DELIVERY SUMMARY")
    n.line(("FACILITY", _facility(rng, case.fake, "birth")), f" - L&D, LDR {rng.randint(1, 14)}")
    n.put("Mother: ", _name(rng, mother, _PATIENT), "   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.line("   DOB ", _date(rng, case.birth, _DOB))
    blood = rng.choice(("O+", "A+", "B+", "O-", "AB+"))
    n.put(_age_as(case.age, rng.choice(("hyphen", "yo", "y_o"))), f" G{gravida}P{gravida - 1}, ")
    n.line(f"{blood}, GBS {rng.choice(('neg', 'pos', 'unknown'))}, rubella immune.")
    n.put("EDD ", _date(rng, case.after(-6, 12), _NUMERIC + _PROSE), " by 8-week US. Admitted ")
    n.line(_date(rng, case.before(0, 1), _NUMERIC), f" {_clock(rng)}, {rng.randint(3, 8)} cm.")
    chosen = case.eponyms(3)
    for sentence in chosen:
        n.keep(sentence + " ")
    if not any("Apgar" in s for s in chosen):
        n.put(f"Scores {rng.randint(6, 9)} and 9 at 1 and 5 min.")
    n.line()
    _delivery_infant(n, case)
    _delivery_people(n, case)


def _delivery_infant(n: _Note, case: _Case) -> None:
    rng, mother = case.rng, case.patient
    girl = rng.random() < 0.5
    n.put("Delivered ", _date(rng, case.visit, _PROSE + _NUMERIC), f" at {_clock(rng)}: live ")
    n.put(f"{'girl' if girl else 'boy'}, {rng.choice(('SVD', 'VAVD', 'repeat C/S'))}, ")
    n.line(f"BW {rng.randint(2400, 4500)} g, {rng.randint(45, 55)} cm, 40+{rng.randint(0, 6)} wk.")
    n.put(f'Infant: "Baby {"Girl" if girl else "Boy"} ', ("NAME", mother.surname), '"  infant MRN ')
    n.put(("MRN", _pick(rng, _MRN_PATTERNS)), "  security tag ", ("DEVICE", _serial(rng)))
    n.line(f" at {_clock(rng)}")
    ebl = rng.randint(150, 900)
    n.line(f"QBL {ebl} mL. 2nd degree laceration, 3-0 Vicryl. Cord pH 7.2{rng.randint(0, 9)}.")
    if rng.random() < 0.5:
        n.put("Cord blood bank kit ", ("ID", _fill(rng, "CB-#######")), "; courier ")
        n.line(_phone(rng, "us", 0.0, 0.0), ".")


def _delivery_people(n: _Note, case: _Case) -> None:
    rng = case.rng
    partner, midwife, obstetrician = case.person(), case.person(), case.person()
    n.put("Support: partner ", _name(rng, partner, ("first_last", "nick", "given")), " ")
    n.put(_phone(rng, "us", 0.0, 0.2))
    if rng.random() < 0.45:
        elder = case.person(female=True)
        n.put(" and great-grandmother ", _name(rng, elder, ("first_last", "given")), " ")
        n.put(_age(rng, rng.randint(87, 99), ("paren", "label", "years_old", "hyphen")))
    n.line(".")
    n.put("Birth registration: ", _address(rng, case.home), "; e-mail ")
    n.line(("EMAIL", case.email), ".")
    n.put("Midwife: ", _name(rng, midwife, ("first_last", "first_mi_last")), ", CNM (")
    n.put(("LICENSE", _license(rng, "cnm")), ")   OB on call: ")
    n.line(_name(rng, obstetrician, _STAFF, 1.0, doctor=True))
    n.put("Discharge expected ", _date(rng, case.after(1, 3), _NO_YEAR), "; 2-week check at ")
    n.line(("FACILITY", _facility(rng, case.fake, "clinic")), ", ", _phone(rng, "us", 0.2, 0.0))


def _well_child_visit(n: _Note, case: _Case) -> None:
    rng, child = case.rng, case.patient
    months = rng.choice((2, 4, 6, 9, 12, 15, 18, 24, 30, 36, 48, 60))
    case.set_age(months // 12, days_old=months * 30 + rng.randint(0, 20))
    parent = case.person(surname=child.surname if rng.random() < 0.6 else None)
    case.email = _email(rng, case.fake, parent)
    label = f"{months} MONTH" if months < 36 else f"{months // 12} YEAR"
    n.line(f"WELL-CHILD VISIT - {label}")
    n.put(("FACILITY", _facility(rng, case.fake, "peds")), " | ")
    n.line(_address(rng, _place(rng, case.fake)), " | ", ("PHONE", _nanp(rng)))
    n.put(
        "Patient: ", _name(rng, child, ("first_last", "nick", "first_mi_last", "LAST_comma_first"))
    )
    n.put("   DOB ", _date(rng, case.birth, _DOB), f" ({months} mo)   ", _mrn_label(rng), " ")
    n.line(("MRN", case.mrn))
    relation = _kin(rng, parent, ("mother", "aunt", "grandmother"))
    n.put("Visit ", _date(rng, case.visit, _NUMERIC + _PROSE), f". Here with {relation} ")
    n.put(_name(rng, parent, ("first_last", "given", "surname"), 0.3))
    if rng.random() < 0.5:
        elder = case.person()
        n.put(f" and great-{_kin(rng, elder, ('grandmother',))} ")
        n.put(_name(rng, elder, ("first_last", "given")), " ")
        n.put(_age(rng, rng.randint(86, 99), ("paren", "label", "aged_words", "years_old")))
        n.put(", who minds the child on weekdays")
    n.line(".")
    if months >= 12 and rng.random() < 0.7:
        school = ("FACILITY", _facility(rng, case.fake, "school"))
        n.line("Attends ", school, f" {rng.randint(2, 5)} days a week.")
    _well_child_findings(n, case, months)


def _well_child_findings(n: _Note, case: _Case, months: int) -> None:
    rng = case.rng
    provider = case.person()
    weight, percentile = 3 + months * 0.3 + rng.uniform(-1, 1), rng.randint(5, 97)
    n.line(f"Growth: wt {weight:.1f} kg ({percentile}th %ile), HC {rng.randint(38, 52)} cm.")
    _sentences(n, case, 2)
    n.line()
    vaccine, lot = rng.choice(_VACCINES), _fill(rng, "@@###")
    n.line(
        f"Given: {vaccine}, lot {lot}, IM L thigh; VIS given. Hgb {rng.uniform(10, 13):.1f} g/dL."
    )
    n.put("Next well visit ", _date(rng, case.after(60, 180), _NO_YEAR + _NUMERIC), ". Portal: ")
    n.line(("URL", _url(rng, _domain(rng, case.fake), "signup")))
    n.line("Parent contact: ", ("PHONE", case.phone_as()), ", ", ("EMAIL", case.email))
    n.put(_name(rng, provider, ("first_last", "first_mi_last")), f", {rng.choice(('MD', 'DO'))}")
    n.line(", NPI ", ("LICENSE", _license(rng, "npi")))


def _group_therapy_note(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    lead, co_lead = case.person(), case.person()
    members = [case.person() for _ in range(rng.randint(3, 5))]
    n.line("BEHAVIORAL HEALTH - GROUP PSYCHOTHERAPY PROGRESS NOTE")
    n.put(("FACILITY", _facility(rng, case.fake, "behavioral")), f"   {rng.choice(_GROUPS)}")
    n.line(f"   Room B-{rng.randint(100, 330)}")
    start = rng.randint(9, 16)
    n.put("Session: ", _date(rng, case.visit, _NUMERIC + _PROSE), f"  {start}:00-{start + 1}:30")
    n.line(f" (90 min)  CPT 90853  session {rng.randint(1, 12)} of 12")
    n.put("Facilitators: ", _name(rng, lead, ("first_last", "first_mi_last")), ", LCSW (")
    n.put(("LICENSE", _license(rng, "social")), ") and ", _name(rng, co_lead, ("first_last",)))
    n.line(f", {rng.choice(('LPC', 'PsyD', 'LMFT'))}")
    n.put("Client: ", _name(rng, pt, _PATIENT), "   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.put("   DOB ", _date(rng, case.birth, _DOB), "   ")
    n.line(_age(rng, case.age, ("label", "paren", "y", "years_old")))
    n.put(f"Present ({len(members) + 1}): the client, ")
    for index, member in enumerate(members):
        n.put(
            ", " if index else "", _name(rng, member, ("given", "first_initial", "initials_dots"))
        )
    n.line(" (first names or initials only, per group policy).")
    _group_content(n, case, members[0])


def _group_content(n: _Note, case: _Case, peer: _Person) -> None:
    rng, pt = case.rng, case.patient
    own = "her" if pt.female else "his"
    n.put(f"Content: distress-tolerance review. Client shared that {own} ")
    if rng.random() < 0.5:
        n.put("mother, in her nineties, moved into ")
        n.put(("FACILITY", _facility(rng, case.fake, "care_home")), " last month")
    else:
        late = case.person()
        n.put(f"{_kin(rng, late, ('sister', 'partner', 'wife'))} ", _name(rng, late, ("given",)))
        n.put(" died ", _date(rng, case.before(30, 300), _PROSE + _NO_YEAR))
    n.line(". ", _name(rng, peer, ("given",)), " offered support.")
    _sentences(n, case, 2)
    n.line()
    n.put(f"PHQ-9 {rng.randint(3, 24)}, GAD-7 {rng.randint(2, 19)}. No SI/HI. ")
    n.line(f"Sleep {rng.randint(4, 8)} h; abstinent {rng.randint(3, 400)} days.")
    sponsor = case.person()
    n.put("Safety plan reviewed; 988 and 911 given. Sponsor ", _name(rng, sponsor, ("first_last",)))
    n.line(" can be reached on ", _phone(rng, "us", 0.0, 0.1), ".")
    n.put("Next session ", _date(rng, case.after(6, 8), (*_NO_YEAR, "mail_long")), ". Video link ")
    n.line("if absent: ", ("URL", _url(rng, _domain(rng, case.fake), "tele/group")))


def _oxygen_dme_order(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    physician, intake = case.person(), case.person()
    domain = _domain(rng, case.fake)
    n.line("HOME OXYGEN ORDER / CERTIFICATE OF MEDICAL NECESSITY (CMS-484)")
    n.put("SECTION A   [X] Initial  [ ] Revised  [ ] Recertification   Date: ")
    n.line(_date(rng, case.visit, _NUMERIC))
    n.put("Supplier: ", ("FACILITY", _facility(rng, case.fake, "supplier")), "   NSC #: ")
    n.line(("ID", _fill(rng, "##########")))
    n.line("          ", _address(rng, _place(rng, case.fake), caps=rng.random() < 0.3))
    tel = _vanity(rng) if rng.random() < 0.6 else _nanp(rng)
    n.put("          Tel ", ("PHONE", tel), "   Fax ", ("PHONE", _nanp(rng)), "   ")
    n.line(("EMAIL", _email(rng, case.fake, intake, domain)))
    forms = ("LAST_comma_FIRST", "LAST_comma_first", "last_comma_first_mi")
    n.put("Patient: ", _name(rng, pt, forms), "   DOB ", _date(rng, case.birth, _DOB))
    n.line(f"   Sex {'F' if pt.female else 'M'}   MBI: ", ("ID", _pick(rng, ("#@@#-@@#-@@##",))))
    if rng.random() < 0.6:
        n.line("SSN: ", ("SSN", _ssn(rng)), "   Medicaid: ", ("ID", _fill(rng, "@@#####@")))
    n.put("Address: ", _address(rng, case.home, caps=rng.random() < 0.4), "   Phone ")
    n.line(("PHONE", case.phone_as()))
    n.put("Physician: ", _name(rng, physician, ("first_mi_last", "first_last")), ", MD   NPI ")
    n.line(("LICENSE", _license(rng, "npi")), "   Tel ", ("PHONE", _nanp(rng, extension=0.7)))
    _oxygen_need(n, case)
    n.put("SECTION D   Signed: ", _name(rng, physician, ("first_last", "initial_last")))
    n.put("   Date ", _date(rng, case.visit, _NUMERIC), "   Upload: ")
    n.line(("URL", _url(rng, domain, "cmn/upload")))


def _oxygen_need(n: _Note, case: _Case) -> None:
    rng = case.rng
    n.line("SECTION B   Length of need: 99 months (lifetime)   Dx: J44.1, J96.11, G47.33")
    n.put(f"1. PaO2 {rng.randint(44, 55)} mmHg / SpO2 {rng.randint(80, 88)}% on room air at rest, ")
    n.put("tested ", _date(rng, case.before(2, 25), _NUMERIC), " at ")
    n.line(("FACILITY", _facility(rng, case.fake, rng.choice(("lab", "hospital")))))
    flow = rng.choice((1, 2, 3, 4))
    n.line(f"2. {flow} LPM continuous via nasal cannula, 24 h/day. 3. Portable: [X]")
    n.line("HCPCS E1390 concentrator, E0431 portable gaseous, E0443 contents; K0738 home fill.")
    _sentences(n, case, 2)
    n.line()
    n.line("Age at certification: ", _age(rng, case.age, ("bare", "y", "years_old")))
    n.put("SECTION C   Delivered ", _date(rng, case.after(1, 5), _NUMERIC + _NO_YEAR))
    n.put(": concentrator S/N ", ("DEVICE", _serial(rng)), "; portable S/N ")
    n.line(("DEVICE", _serial(rng)), f"; REF 1025-{rng.randint(10, 99)}, lot {_fill(rng, '@####')}")
    if rng.random() < 0.6:
        n.put("Telemetry modem MAC ", ("DEVICE", _mac(rng)), ", last check-in ")
        n.line(_date(rng, case.after(5, 9), _NUMERIC), f" {_clock(rng)} from ", ("IP", _ip(rng)))


def _independent_medical_exam(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    canada = case.country == "ca"
    case.set_age(rng.randint(23, 64))
    adjuster, counsel = case.person(), case.person()
    styles = ("iso", "d_mon_y", "month_d_y", "mon_apos") if canada else _NUMERIC + _PROSE
    injured = case.before(120, 700)
    n.line("INDEPENDENT MEDICAL EXAMINATION", " - WSIB" if canada else " - WORKERS' COMPENSATION")
    n.put(("FACILITY", _facility(rng, case.fake, "clinic", case.country)), ", ")
    n.line(_address(rng, _place(rng, case.fake, case.country)))
    n.put(
        "Examined: ", _date(rng, case.visit, styles), "   Claimant: ", _name(rng, pt, _PATIENT, 0.2)
    )
    n.line("   DOB ", _date(rng, case.birth, _DOB))
    n.put("SIN " if canada else "SSN ", ("SSN", _sin(rng) if canada else _ssn(rng)), "   Claim ")
    n.put(("ID", _pick(rng, ("WC-#######", "#######-##", "C-####-#####"))), "   Date of injury: ")
    n.line(_date(rng, injured, styles))
    insurer = rng.choice(("Northfield Mutual", "Keystone Casualty", "Great Plains Indemnity"))
    n.put(
        "Referral: ",
        _name(rng, adjuster, ("first_last", "first_mi_last")),
        f", adjuster, {insurer}",
    )
    n.put(", ", ("EMAIL", _email(rng, case.fake, adjuster, _domain(rng, case.fake, case.country))))
    n.line(", ", ("PHONE", _nanp(rng, extension=0.8, country=case.country)))
    if rng.random() < 0.7:
        n.put("Claimant's counsel: ", _name(rng, counsel, ("first_mi_last", "first_last")))
        n.put(", LSO no. " if canada else ", Esq., State Bar no. ")
        n.line(("LICENSE", _license(rng, "lso" if canada else "bar")))
    _ime_history(n, case, injured, styles)
    _ime_exam(n, case)


def _ime_history(n: _Note, case: _Case, injured: date, styles: Sequence[str]) -> None:
    rng = case.rng
    family_doctor = case.person()
    n.put("HISTORY: Warehouse associate. On ", _date(rng, injured, styles))
    n.put(f", lifting a {rng.randint(15, 40)} kg carton, felt a pull in the low back. ")
    if rng.random() < 0.6:
        plate = _license(rng, "plate_ca" if case.country == "ca" else "plate_us")
        n.put("The incident report lists the delivery van, plate ", ("LICENSE", plate), ". ")
    n.line(f"Off work {rng.randint(2, 20)} weeks; modified duties since.")
    n.line("RECORDS REVIEWED:")
    n.put("  1. ED record, ", ("FACILITY", _facility(rng, case.fake, "hospital", case.country)))
    n.line(", ", _date(rng, injured, styles), ".")
    mri = injured + timedelta(days=rng.randint(10, 60))
    n.line("  2. MRI lumbar spine ", _date(rng, mri, styles), ": L4-5 protrusion, no stenosis.")
    therapy = injured + timedelta(days=rng.randint(7, 30))
    n.put("  3. Physiotherapy notes ", _date_range(rng, therapy, rng.randint(2, 40)))
    n.line(f" ({rng.randint(6, 24)} visits).")
    n.put("  4. Letter from ", _name(rng, family_doctor, _STAFF, 1.0, doctor=True), " dated ")
    n.line(_date(rng, case.before(10, 90), styles), ".")


def _ime_exam(n: _Note, case: _Case) -> None:
    rng = case.rng
    examiner = case.person()
    canada = case.country == "ca"
    n.put(f"EXAMINATION: {rng.randint(152, 195)} cm, {rng.randint(55, 125)} kg. Flexion ")
    n.line(
        f"{rng.randint(20, 60)} deg (normal 60), SLR {rng.randint(30, 80)} deg L, power 4/5 R EHL."
    )
    _sentences(n, case, 3)
    n.line()
    wpi = rng.randint(0, 13)
    n.line(
        f"OPINION: MMI reached; {wpi}% whole person impairment (AMA Guides 6th ed., Table 17-4)."
    )
    n.put(_name(rng, examiner, ("first_mi_last", "first_last")), ", MD, ")
    n.put(
        "CPSO no. " if canada else "lic. ",
        ("LICENSE", _license(rng, "cpso" if canada else "state")),
    )
    n.put(" | ", ("PHONE", _nanp(rng, country=case.country)), " | ")
    n.line(("EMAIL", _email(rng, case.fake, examiner, _domain(rng, case.fake, case.country))))


@dataclass(frozen=True)
class _Jurisdiction:
    """How a coroner's referral is written in one country."""

    heading: str
    card_label: str
    card_patterns: tuple[str, ...]
    licence_label: str
    licence_kind: str
    constable: str
    badge_label: str
    office: str  # format of the coroner's office or court name in a ``{town}``
    date_styles: tuple[str, ...]


_JURISDICTIONS = {
    "uk": _Jurisdiction(
        "REFERRAL OF A DEATH TO HM CORONER",
        "NHS no.",
        ("### ### ####", "##########"),
        "GMC no.",
        "gmc",
        "PC ",
        "collar no.",
        "{town} Coroner's Court",
        _UK,
    ),
    "au": _Jurisdiction(
        "REPORT OF DEATH TO THE CORONER",
        "Medicare no.",
        ("#### ##### #",),
        "AHPRA reg.",
        "ahpra",
        "Sen. Const. ",
        "reg. no.",
        "Coroners Court of {town}",
        _UK,
    ),
    "ca": _Jurisdiction(
        "NOTIFICATION OF DEATH TO THE CORONER",
        "OHIP no.",
        ("####-###-###-@@", "#### ### ###"),
        "CPSO no.",
        "cpso",
        "Cst. ",
        "badge",
        "{town} Regional Coroner's Office",
        ("iso", "d_mon_y", "month_d_y", "d_month_y"),
    ),
}


def _coroner_referral(n: _Note, case: _Case) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    where = _JURISDICTIONS[country]
    if rng.random() < 0.4:
        case.set_age(rng.randint(90, 104))  # referred deaths are mostly of the very old
    officer = case.person()
    n.line(where.heading)
    town = _town(rng, case.fake, country)
    n.put("To: ", ("FACILITY", where.office.format(town=town)), ", ")
    n.line(_address(rng, _place(rng, case.fake, country)))
    n.put(
        "By secure e-mail to ",
        ("EMAIL", _email(rng, case.fake, officer, _domain(rng, case.fake, country))),
    )
    n.line(" and phone ", ("PHONE", _phone_text(rng, country, 0.0)))
    n.put("Deceased: ", _name(rng, pt, ("CAPS", "first_last", "LAST_comma_first")), "   Born ")
    n.line(_date(rng, case.birth, where.date_styles), "   Age ", _age(rng, case.age, ("bare", "y")))
    n.put(f"{where.card_label} ", ("ID", _pick(rng, where.card_patterns)), "   Hospital no. ")
    n.line(("MRN", case.mrn))
    n.line("Usual address: ", _address(rng, case.home, caps=rng.random() < 0.3))
    n.put(
        "Died ", _date(rng, case.visit, (*where.date_styles, "wd_d_month")), f" at {_clock(rng)}, "
    )
    n.put(("FACILITY", _facility(rng, case.fake, "hospital", country)))
    n.line(f", ward {rng.randint(1, 30)}, bed {rng.randint(1, 28)}.")
    fell = case.before(6, 27)
    n.put("Reason: fall at home on ", _date(rng, fell, where.date_styles))
    n.put(" with a hip fracture; death within 28 days of the injury. ")
    _sentences(n, case, 2)
    n.line()
    n.line("Proposed cause: 1a bronchopneumonia, 1b immobility, 1c fractured neck of femur.")
    if rng.random() < 0.6:
        n.line("Pacemaker in situ, S/N ", ("DEVICE", _serial(rng)), ": remove before cremation.")
    _coroner_people(n, case, where)


def _coroner_people(n: _Note, case: _Case, where: _Jurisdiction) -> None:
    rng, country = case.rng, case.country
    doctor, kin, police = case.person(), case.person(), case.person()
    relation = _kin(rng, kin, ("daughter", "niece", "sister", "granddaughter"))
    n.put(f"Next of kin: {relation} ", _name(rng, kin, ("first_last", "given", "nick")), ", ")
    n.put(("PHONE", _phone_text(rng, country, 0.0)))
    if rng.random() < 0.5:
        n.put(", ", ("EMAIL", _email(rng, case.fake, kin)))
    n.line("; informed ", _date(rng, case.visit, ("dm",) if country != "ca" else ("md",)), ".")
    n.put("Police: ", _name(rng, police, ("surname", "first_last"), 1.0, title=where.constable))
    n.line(f", {where.badge_label} ", ("ID", _fill(rng, "####")), "; nothing suspicious.")
    n.put("Funeral director: ", ("FACILITY", _funeral_home(rng, case.fake, country)), ", ")
    n.line(("PHONE", _phone_text(rng, country, 0.0)))
    n.put("Reporting doctor: ", _name(rng, doctor, _STAFF, 1.0, doctor=True))
    n.put(f", {where.licence_label} ", ("LICENSE", _license(rng, where.licence_kind)), ", ")
    n.line(("PHONE", _phone_text(rng, country, 0.0)))
    n.put("Coroner's reference ", ("ID", _pick(rng, ("####/##", "COR-#####", "##-######"))))
    n.line(", allocated ", _date(rng, case.after(0, 2), where.date_styles), ".")


def _contact_row(n: _Note, case: _Case, number: int, window: date) -> None:
    rng, country = case.rng, case.country
    contact = case.person()
    kind = rng.choice(("patient", "staff", "visitor"))
    n.put(f"{number}  | ", _name(rng, contact, ("LAST_comma_first", "first_last", "CAPS")), " | ")
    if kind == "patient":
        n.put(f"patient, bed {rng.randint(1, 32)} | ", ("MRN", _pick(rng, _MRN_PATTERNS)))
    elif kind == "staff":
        role = rng.choice(("RN", "HCA", "RT", "porter", "registrar"))
        n.put(f"{role}, badge ", ("ID", _fill(rng, "#####")), " | ")
        n.put(("PHONE", _phone_text(rng, country, 0.2)))
    else:
        n.put(f"visitor ({_kin(rng, contact, ('daughter', 'wife', 'sister'))}) | ")
        n.put(("PHONE", _phone_text(rng, country, 0.0)))
        if rng.random() < 0.5:
            n.put(", ", ("EMAIL", _email(rng, case.fake, contact)))
    n.put(" | ")
    exposed = window + timedelta(days=rng.randint(0, 3))
    uk = country != "us"
    if rng.random() < 0.3:
        n.put(_date_range(rng, exposed, rng.randint(1, 3), uk=uk))
    else:
        n.put(_date(rng, exposed, _UK if uk else ("md", "mon_d", "iso")))
    if kind == "staff" and rng.random() < 0.5:
        n.line(" | off work until ", _date(rng, exposed + timedelta(days=rng.randint(5, 10))))
    else:
        n.line(
            " | ", rng.choice(("PEP azithromycin", "symptom watch 21 d", "swab day 5", "letter"))
        )


def _contact_tracing_log(n: _Note, case: _Case) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    icp = case.person()
    styles = _UK if country == "au" else ("iso", "us", "d_mon_y", "month_d_y")
    n.line("INFECTION PREVENTION AND CONTROL - CONTACT TRACING LOG")
    ward = rng.choice(("Ward 4B", "7 North", "ICU 2", "Ward 12"))
    n.line(("FACILITY", _facility(rng, case.fake, "hospital", country)), f"   {ward}")
    n.put(
        "Event ", ("ID", _fill(rng, "IPC-####-###")), "   opened ", _date(rng, case.visit, styles)
    )
    n.line(" by ", _name(rng, icp, ("first_last", "initial_last")), ", ICP")
    _sentences(n, case, 2)
    n.line()
    n.put("Index: ", _name(rng, pt, _PATIENT), "   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.put("   DOB ", _date(rng, case.birth, _DOB), "   ")
    n.line(_age(rng, case.age, ("label", "paren", "sex", "y"), pt.female))
    window = case.before(3, 8)
    n.put(f"Bed {rng.randint(1, 32)}, bay {rng.choice('ABCD')}; infectious window ")
    n.put(_date_range(rng, window, rng.randint(1, 6), uk=country != "us"))
    n.line(f"; incubation {rng.randint(2, 10)}-{rng.randint(11, 21)} days.")
    n.line("#  | Name | Role | Contact | Exposure | Action")
    for number in range(1, rng.randint(4, 7)):
        _contact_row(n, case, number, window)
    n.put("RTLS tags ", ("DEVICE", _mac(rng)), ", ", ("DEVICE", _mac(rng)), " via gateway ")
    n.line(("IP", _ip(rng)), "; dashboard ", ("URL", _url(rng, _domain(rng, case.fake), "ipc")))
    n.put("Notified ", ("FACILITY", _facility(rng, case.fake, "public_health", country)), " (case ")
    n.put(("ID", _fill(rng, "PH-#######")), ") on ", _date(rng, case.after(0, 2), styles), ", ")
    n.line(("PHONE", _phone_text(rng, country, 0.3)), ".")
    n.line("Terminal clean of the bay done Tuesday last; repeat PCR Ct 24.6 (LOINC 43913-3).")


def _chaplaincy_visit(n: _Note, case: _Case) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    nurse, kin, grandchild = case.person(), case.person(), case.person()
    styles = _UK if country == "uk" else _NUMERIC + _PROSE
    n.line("SPIRITUAL CARE - CHAPLAINCY VISIT NOTE")
    n.put(("FACILITY", _facility(rng, case.fake, "hospital", country)), " | Palliative care, ")
    n.line(f"{rng.choice(('6 North', 'Ward 9', 'Oncology 3'))}, room {rng.randint(1, 40)}")
    n.put("Patient: ", _name(rng, pt, (*_PATIENT, "nick"), 0.3), ", ")
    n.put(_age(rng, case.age, ("years_old", "aged_words", "hyphen_words", "paren")), "; ")
    n.line(_mrn_label(rng), " ", ("MRN", case.mrn))
    n.put("Referred by ", _name(rng, nurse, ("first_last", "given")), ", RN, on ")
    n.line(
        _date(rng, case.before(0, 2), styles), f". Visit {_clock(rng)}, {rng.randint(15, 60)} min."
    )
    relation = _kin(rng, kin, ("daughter", "niece", "sister"))
    n.put(f"Present: the patient, {relation} ", _name(rng, kin, ("first_last", "given")), " and ")
    n.put(_kin(rng, grandchild, ("granddaughter",)), " ", _name(rng, grandchild, ("given",)), ". ")
    spouse = case.person(female=not pt.female)
    n.put("Spoke of a late ", "husband " if pt.female else "wife ")
    n.put(_name(rng, spouse, ("given", "first_last")), " (died ")
    n.put(_date(rng, case.before(200, 4000), styles), ") and of the house in ")
    n.put(("CITY", _town(rng, case.fake, country)), " where they raised the children. ")
    if rng.random() < 0.4:
        n.put("An older sister, in her nineties, still phones every day. ")
    n.line()
    _sentences(n, case, 2)
    n.line()
    _chaplaincy_plan(n, case, styles)


def _chaplaincy_plan(n: _Note, case: _Case, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    chaplain, leader = case.person(), case.person()
    worship, leader_title = _worship(rng, case.fake, country)
    n.put("Faith community: ", ("FACILITY", worship), "; ")
    n.put(_name(rng, leader, ("first_last", "surname"), 1.0, title=leader_title), ", ")
    n.line(("PHONE", _phone_text(rng, country, 0.3)), " (consent to contact given).")
    n.put("Prayer and blessing given; anointing requested for ")
    n.line(_date(rng, case.after(1, 3), ("wd_d_month", "mon_d", "d_month")), ".")
    n.put(
        "Plan: follow up ", _date(rng, case.after(2, 7), styles), "; family may call the on-call "
    )
    n.line("chaplain on ", ("PHONE", _phone_text(rng, country, 0.4)), ".")
    n.put(_name(rng, chaplain, ("first_last", "first_mi_last")), ", ")
    n.put(
        "BCC no. " if country == "us" else "UKBHC reg. ", ("LICENSE", _license(rng, "bcc")), " | "
    )
    n.line(("EMAIL", _email(rng, case.fake, chaplain, _domain(rng, case.fake, country))))


def _spanish_clinic(rng: random.Random, fake: Faker) -> str:
    town = _town(rng, fake, "us")
    return rng.choice(
        (
            f"Clínica del {rng.choice(('Valle', 'Sol', 'Pueblo', 'Río'))}",
            f"Centro de Salud {rng.choice(('La Esperanza', 'San Rafael', 'Guadalupe'))}",
            f"Clínica Comunitaria de {town}",
            _facility(rng, fake, "clinic"),
        )
    )


def _bilingual_clinic_note(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    interpreter = case.person()
    n.line("NOTA DE CONSULTA / CLINIC NOTE")
    n.line(("FACILITY", _spanish_clinic(rng, case.fake)), " - Medicina Familiar / Family Medicine")
    n.put("Paciente / Patient: ", _name(rng, pt, ("first_last", "LAST_comma_first", "CAPS")))
    n.line("   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.put(
        "Fecha de nacimiento / DOB: ", _date(rng, case.birth, ("es_long", "us", "dmy", "es_short"))
    )
    n.line("   Edad / Age: ", _age(rng, case.age, ("es", "bare", "y")))
    n.line("Fecha / Visit: ", _date(rng, case.visit, ("es_long", "es_wd", "us", "es_short")))
    n.put("Idioma: español. Intérprete: ", _name(rng, interpreter, ("first_last", "first_initial")))
    n.line(" (ID ", ("ID", _fill(rng, "INT-####")), ")")
    n.line('Motivo / CC: "me duele el pecho cuando camino" - exertional chest pain x 2 semanas.')
    title = "Sra. " if pt.female else "Sr. "
    n.put("HPI: ", _name(rng, pt, ("surname",), 1.0, title=title), " es ")
    n.put("una mujer" if pt.female else "un hombre", " de ")
    n.put(_age(rng, case.age, ("es_words", "es")), " con DM2 (E11.9) desde 2009 e HTA. ")
    n.put("Dolor opresivo al subir escaleras, cede con reposo. Última visita a urgencias el ")
    n.line(_date(rng, case.before(15, 90), ("dm", "es_short")), ".")
    _sentences(n, case, 2)
    n.line()
    bp, glucose = f"{rng.randint(118, 176)}/{rng.randint(68, 99)}", rng.randint(90, 260)
    n.put("Meds: metformina 850 mg c/12h, losartán 50 mg/día, atorvastatina 40 mg. ")
    n.put(f"TA {bp}, FC {rng.randint(58, 104)}, glucosa {glucose} mg/dL, ")
    n.line(f"HbA1c 8.{rng.randint(0, 9)}%.")
    _bilingual_plan(n, case)


def _bilingual_plan(n: _Note, case: _Case) -> None:
    rng = case.rng
    doctor, child = case.person(), case.person()
    n.put("Plan: prueba de esfuerzo en ", ("FACILITY", _facility(rng, case.fake, "hospital")))
    n.line("; cita de control el ", _date(rng, case.after(14, 40), ("dm", "es_wd", "es_long")), ".")
    n.put(
        "Contacto: ",
        "hija " if child.female else "hijo ",
        _name(rng, child, ("first_last", "given")),
    )
    n.line(", tel. ", _phone(rng, "us", 0.0, 0.35), "; correo / e-mail ", ("EMAIL", case.email))
    n.line("Domicilio / Address: ", _address(rng, case.home))
    n.line("Portal del paciente: ", ("URL", _url(rng, _domain(rng, case.fake), "es/portal")))
    title = "Dra. " if doctor.female else "Dr. "
    n.put("Firmado / Signed: ", _name(rng, doctor, ("first_last", "surname"), 1.0, title=title))
    n.line(
        ", MD  NPI ", ("LICENSE", _license(rng, "npi")), "  ", _date(rng, case.visit, ("us", "dmy"))
    )


_OCR_SWAPS = {"O": "0", "0": "O", "l": "1", "1": "l", "I": "l", "S": "5", "5": "S"}


def _ocr_noise(rng: random.Random, rate: float) -> Callable[[str], str]:
    """Character confusions of a scanned fax (O/0, l/1/I, S/5), each at ``rate``."""

    def noise(text: str) -> str:
        return "".join(
            _OCR_SWAPS[c] if c in _OCR_SWAPS and rng.random() < rate else c for c in text
        )

    return noise


def _wrapped(rng: random.Random, value: str) -> str:
    """A value broken across two lines by the scanner, as some faxes print long fields."""
    spaces = [index for index, char in enumerate(value) if char == " "]
    if not spaces or rng.random() > 0.3:
        return value
    cut = rng.choice(spaces)
    return value[:cut] + "\n" + value[cut + 1 :]


def _ocr_fax_scan(n: _Note, case: _Case) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    n.noise = _ocr_noise(rng, rng.uniform(0.03, 0.09))
    n.put(_date(rng, case.visit, ("us0", "MON_d_y", "d_mon_yy")), f" {_clock(rng)}  FROM: ")
    n.put(("PHONE", _nanp(rng)), "  TO: ", ("PHONE", _nanp(rng)), f"  P. 001/00{rng.randint(2, 6)}")
    n.line()
    n.line("Received by fax server ", ("IP", _ip(rng)), "  job ", ("ID", _fill(rng, "FX########")))
    n.line(("FACILITY", _wrapped(rng, _facility(rng, case.fake, "clinic").upper())))
    n.line("REFERRAL - HEPATOLOGY          [X] Routine  [ ] Urgent")
    n.put("Patient Name: ", _name(rng, pt, ("CAPS", "LAST_comma_FIRST")), "    DOB: ")
    n.line(_date(rng, case.birth, ("us0", "us", "MON_d_y")), "    SSN: ", ("SSN", _ssn(rng, "-")))
    n.put("Address: ", ("ADDRESS", _wrapped(rng, home.street.upper())), " ")
    n.line(("CITY", home.city.upper()), f", {home.region} ", ("ZIP", home.postcode))
    n.put("Home ph: ", ("PHONE", case.phone_as()), "   Ins ID: ")
    n.line(("ID", _pick(rng, ("@@@#########", "W#########"))))
    n.put("Reason: abnormal LFTs for 6 months. ")
    _sentences(n, case, 3)
    n.line()
    ast, alt = rng.randint(40, 240), rng.randint(40, 300)
    n.put("Labs ", _date(rng, case.before(3, 30), ("us", "md")), f": AST {ast}, ALT {alt}, ")
    n.put(f"T bili {rng.uniform(0.8, 6):.1f}, INR 1.{rng.randint(0, 9)}, ")
    n.line(f"plt {rng.randint(60, 300)} K.")
    n.line("Meds: ursodiol 300 mg BID, spironolactone 50 mg daily, lactulose 20 g TID.")
    _ocr_fax_sender(n, case)


def _ocr_fax_sender(n: _Note, case: _Case) -> None:
    rng = case.rng
    referrer = case.person()
    n.put("Referring: ", _name(rng, referrer, _STAFF, 0.9, doctor=True), ", MD  NPI ")
    n.put(("LICENSE", _license(rng, "npi")), "  ph ", ("PHONE", _nanp(rng, extension=0.3)))
    n.line("  fx ", ("PHONE", _nanp(rng)))
    n.put("Our MRN: ", ("MRN", case.mrn), "   Please schedule before ")
    n.line(_date(rng, case.after(14, 45), ("md", "us")), ".")
    n.line("CONFIDENTIALITY NOTICE: this fax contains protected health information. If you re-")
    n.line("ceived it in error, call the sender and destroy all copies.")


def _fhir_patient(n: _Note, case: _Case, base: str, gp: _Person) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    n.line('    {"fullUrl": "', ("URL", f"{base}/Patient/{_fill(rng, '%%%%%%%%')}"), '",')
    n.line('     "resource": {"resourceType": "Patient",')
    n.put('      "identifier": [{"system": "urn:oid:2.16.840.1.113883.3.')
    n.line(
        f'{rng.randint(1000, 9999)}.1", "type": {{"text": "MRN"}}, "value": "',
        ("MRN", case.mrn),
        '"},',
    )
    n.line(
        '        {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "',
        ("SSN", _ssn(rng, "-")),
        '"}],',
    )
    given: list[Part] = ['"', ("NAME", pt.given), '"'] if pt.given else []
    n.line(
        '      "name": [{"use": "official", "family": "',
        ("NAME", pt.surname),
        '", "given": [',
        given,
        "]}],",
    )
    n.put('      "telecom": [{"system": "phone", "value": "', ("PHONE", case.phone_as()), '"}, ')
    n.line('{"system": "email", "value": "', ("EMAIL", case.email), '"}],')
    gender = "female" if pt.female else "male"
    n.line(
        f'      "gender": "{gender}", "birthDate": "', ("DATE", _day_text(case.birth, "iso")), '",'
    )
    n.put(
        '      "address": [{"line": ["',
        ("ADDRESS", home.street),
        '"], "city": "',
        ("CITY", home.city),
    )
    n.line(f'", "state": "{home.region}", "postalCode": "', ("ZIP", home.postcode), '"}],')
    n.line(
        '      "generalPractitioner": [{"display": "Dr. ',
        ("NAME", _name_text(gp, "first_last")),
        '"}],',
    )
    org = _facility(rng, case.fake, "hospital")
    n.line('      "managingOrganization": {"display": "', ("FACILITY", org), '"}}},')


def _fhir_json(n: _Note, case: _Case) -> None:
    rng = case.rng
    gp, attending = case.person(), case.person()
    domain = _domain(rng, case.fake)
    base = f"https://fhir.{domain}/r4"
    n.put("// bulk export ", ("ID", _fill(rng, "EXP-########")), " pulled ")
    n.line(("DATE", _stamp(rng, case.visit, "iso")), " from ", ("IP", _ip(rng)))
    n.line('{"resourceType": "Bundle", "id": "', ("ID", _uuid(rng)), '", "type": "collection",')
    n.line(' "meta": {"lastUpdated": "', ("DATE", _stamp(rng, case.visit, "iso")), '"},')
    n.line(' "entry": [')
    _fhir_patient(n, case, base, gp)
    n.line('    {"resource": {"resourceType": "Observation", "code": {"coding": [')
    n.line('      {"system": "http://loinc.org", "code": "30525-0", "display": "Age"}]},')
    n.line('     "valueQuantity": {"value": ', _age_as(case.age, "bare"), ', "unit": "a"}}},')
    for template in case.eponyms(2):
        code, display = template.split("|", 1)
        n.put('    {"resource": {"resourceType": "Condition", "code": {"coding": [{"system": ')
        n.put(f'"http://hl7.org/fhir/sid/icd-10-cm", "code": "{code}", "display": "')
        n.keep(display)
        n.line(
            '"}]}, "onsetDateTime": "', ("DATE", _day_text(case.before(30, 3000), "iso")), '"}},'
        )
    if rng.random() < 0.5:
        n.put(
            '    {"resource": {"resourceType": "Device", "serialNumber": "',
            ("DEVICE", _serial(rng)),
        )
        n.line(
            '", "udiCarrier": [{"carrierHRF": "',
            ("DEVICE", _udi(rng, case.before(90, 900))),
            '"}]}},',
        )
    n.put('    {"resource": {"resourceType": "Encounter", "identifier": [{"value": "')
    n.line(
        ("ID", _fill(rng, "ENC#########")),
        '"}], "period": {"start": "',
        ("DATE", _stamp(rng, case.visit, "iso")),
        '"},',
    )
    n.line(
        '     "participant": [{"individual": {"display": "',
        ("NAME", _name_text(attending, "first_last")),
        '"}}]}}',
    )
    n.line(" ]}")


def _cda_xml(n: _Note, case: _Case) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    author = case.person()
    n.line('<ClinicalDocument xmlns="urn:hl7-org:v3">')
    n.line(
        '  <id root="2.16.840.1.113883.19.5" extension="', ("ID", _fill(rng, "DOC-########")), '"/>'
    )
    n.line('  <effectiveTime value="', ("DATE", _stamp(rng, case.visit, "cda")), '"/>')
    n.line("  <recordTarget><patientRole>")
    n.line('    <id root="2.16.840.1.113883.19.5.99999.2" extension="', ("MRN", case.mrn), '"/>')
    n.put(
        '    <addr use="HP"><streetAddressLine>',
        ("ADDRESS", home.street),
        "</streetAddressLine><city>",
    )
    n.put(("CITY", home.city), f"</city><state>{home.region}</state><postalCode>")
    n.line(("ZIP", home.postcode), "</postalCode></addr>")
    n.line('    <telecom use="HP" value="tel:', ("PHONE", case.phone_as("+1-{a}-{b}-{c}")), '"/>')
    n.line('    <telecom value="mailto:', ("EMAIL", case.email), '"/>')
    given: list[Part] = ["<given>", ("NAME", pt.given), "</given>"] if pt.given else []
    n.line("    <patient><name>", given, "<family>", ("NAME", pt.surname), "</family></name>")
    n.line('      <birthTime value="', ("DATE", _day_text(case.birth, "compact")), '"/>')
    n.line("    </patient></patientRole></recordTarget>")
    n.line(
        '  <author><assignedAuthor><id root="2.16.840.1.113883.4.6" extension="',
        ("LICENSE", _license(rng, "npi")),
        '"/>',
    )
    n.line(
        "    <assignedPerson><name>",
        ("NAME", _name_text(author, "first_last")),
        "</name></assignedPerson>",
    )
    n.line(
        "    <representedOrganization><name>",
        ("FACILITY", _facility(rng, case.fake, "hospital")),
        "</name></representedOrganization>",
    )
    n.line("  </assignedAuthor></author>")
    n.line("  <!-- age at encounter: ", _age_as(case.age, "years_old"), " -->")
    for template in case.eponyms(2):
        code, display = template.split("|", 1)
        n.put(f'  <value xsi:type="CD" code="{code}" codeSystem="2.16.840.1.113883.6.90"')
        n.put(' displayName="')
        n.keep(display)
        n.line('"/>')
    n.line("  <!-- sent from ", ("IP", _ip(rng)), " -->")
    n.line("</ClinicalDocument>")


def _ehr_export(n: _Note, case: _Case) -> None:
    if case.rng.random() < 0.6:
        _fhir_json(n, case)
    else:
        _cda_xml(n, case)


def _mail_header(
    n: _Note, case: _Case, sender: tuple[_Person, str], to: tuple[_Person, str], quoted: bool
) -> None:
    """Header lines of one message; a quoted message has its lines prefixed with "> "."""
    rng = case.rng
    prefix = "> " if quoted else ""
    n.put(
        prefix,
        "From: ",
        _name(rng, sender[0], ("first_last", "CAPS", "last_comma_first"), 0.5, True),
    )
    n.line(" <", ("EMAIL", sender[1]), ">")
    day = case.before(1, 5) if quoted else case.visit
    if rng.random() < 0.5:
        n.line(prefix, "Sent: ", _date(rng, day, ("mail_long",)), f" {_clock(rng)}")
    else:
        stamp = f" {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d} -0500"
        n.line(prefix, "Date: ", _date(rng, day, ("mail_short",)), stamp)
    n.put(
        prefix, "To: ", _name(rng, to[0], ("first_last",), 0.4, True), " <", ("EMAIL", to[1]), ">"
    )
    n.line()


def _clinician_email_thread(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    specialist, referrer, coordinator = case.person(), case.person(), case.person()
    s_domain = _domain(rng, case.fake, case.country)
    r_domain = _domain(rng, case.fake, case.country)
    s_mail = _email(rng, case.fake, specialist, s_domain)
    r_mail = _email(rng, case.fake, referrer, r_domain)
    _mail_header(n, case, (specialist, s_mail), (referrer, r_mail), quoted=False)
    n.line("Cc: ", ("EMAIL", _email(rng, case.fake, coordinator, s_domain)))
    subject = ["Subject: RE: Referral - ", ("NAME", _name_text(pt, "initials")), " "]
    n.line(*subject, _age_as(case.age, "sex", pt.female), " ?severe AS")
    n.line("X-Originating-IP: [", ("IP", _ip(rng)), "]")
    n.line()
    n.put(_name(rng, referrer, ("given",)), ", thanks - happy to see ")
    n.put(_name(rng, pt, ("surname",), 1.0), " in the TAVI clinic on ")
    n.put(_date(rng, case.after(7, 30), _PROSE + _NO_YEAR), ". ")
    _sentences(n, case, 1)
    n.put("Our coordinator ", _name(rng, coordinator, ("first_last", "given")), " (")
    n.put(("PHONE", _nanp(rng, extension=0.6, country=case.country)), ") will call on ")
    n.line(("PHONE", case.phone_as()), ".")
    n.line()
    n.line("--")
    n.line(_name(rng, specialist, ("first_last", "first_mi_last")), ", MD FRCPC | Structural Heart")
    n.line(
        ("FACILITY", _facility(rng, case.fake, "heart", case.country)),
        " | ",
        _address(rng, _place(rng, case.fake, case.country)),
    )
    n.put("t ", ("PHONE", _nanp(rng, extension=0.5, country=case.country)), " | ")
    n.line(("URL", _url(rng, s_domain, "structural-heart")))
    n.line()
    _quoted_referral(n, case, (referrer, r_mail), (specialist, s_mail))


def _quoted_referral(
    n: _Note, case: _Case, sender: tuple[_Person, str], to: tuple[_Person, str]
) -> None:
    rng, pt = case.rng, case.patient
    n.line("-----Original Message-----")
    _mail_header(n, case, sender, to, quoted=True)
    n.line("> ")
    n.line("> Dear ", _name(rng, to[0], ("surname",), 1.0, doctor=True), ",")
    n.put("> Could you see ", _name(rng, pt, ("first_last", "nick", "first_mi_last")), " (DOB ")
    n.put(_date(rng, case.birth, _DOB), ", ", _mrn_label(rng), " ", ("MRN", case.mrn), "), ")
    n.line(_age(rng, case.age, ("hyphen", "yo", "years_old")), ", with exertional syncope?")
    n.put("> Echo at ", ("FACILITY", _facility(rng, case.fake, "hospital", case.country)), " on ")
    n.line(
        _date(rng, case.before(5, 40), _NUMERIC), ": AVA 0.7 cm2, mean gradient 46 mmHg, EF 55%."
    )
    n.put("> ")
    _sentences(n, case, 1, tail="")
    n.line()
    n.line("> Home: ", _address(rng, case.home), "; email ", ("EMAIL", case.email), ".")
    n.line("> Thanks,")
    n.line("> ", _name(rng, sender[0], ("given", "first_last")))
    n.line(
        "> ",
        ("FACILITY", _facility(rng, case.fake, "clinic", case.country)),
        " | fax ",
        ("PHONE", _nanp(rng, country=case.country)),
    )
    n.line("CONFIDENTIALITY: this message may contain personal health information.")


def _spoken(text: str) -> str:
    """Text as a raw transcript writes it: lower case, no punctuation but hyphens."""
    return re.sub(r"[^\w\s'-]", "", text.lower())


def _dictated_address(rng: random.Random, place: _Place) -> list[Part]:
    street = _spoken(place.street)
    spoken = re.sub(r"\d+", lambda m: _spoken_digits(rng, m.group()), street)
    zip_words = _spoken_digits(rng, place.postcode)
    return [("ADDRESS", spoken), " in ", ("CITY", _spoken(place.city)), " ", ("ZIP", zip_words)]


def _dictation_transcript(n: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    author, kin, copy_to = case.person(), case.person(), case.person()
    n.put("[VOICE RECOGNITION TRANSCRIPT - UNEDITED]  job ", ("ID", _fill(rng, "VR-#######")))
    n.line("  received ", _date(rng, case.visit, ("iso", "us0")), f" {_clock(rng)}")
    n.put("this is doctor ", _name(rng, author, ("lower", "given_lower")), " dictating a clinic ")
    n.put("note on ", ("NAME", _name_text(pt, "lower")), " date of birth ")
    n.put(_date(rng, case.birth, ("spoken", "spoken_formal")), " medical record number ")
    n.put(("MRN", _spoken_digits(rng, case.mrn)), " date of service ")
    n.put(_date(rng, case.visit, ("spoken", "spoken_formal", "spoken_md")), " the patient is a ")
    n.put(_age_as(case.age, "spoken"), " ")
    n.put("woman" if pt.female else "man", " seen in the ")
    n.put(("FACILITY", _spoken(_facility(rng, case.fake, "clinic"))), " neurology clinic today ")
    for sentence in case.eponyms(2):
        n.keep(sentence + " ")
    bp = f"{_words(rng.randint(100, 180), ' ')} over {_words(rng.randint(55, 99), ' ')}"
    n.put(f"blood pressure {bp} pulse {_words(rng.randint(52, 99), ' ')} ")
    relation = _kin(rng, kin, ("granddaughter", "daughter", "niece"))
    n.put(
        f"her {relation} " if pt.female else f"his {relation} ", ("NAME", _name_text(kin, "lower"))
    )
    n.put(" was present and can be reached at ", ("PHONE", _spoken_digits(rng, _nanp_digits(rng))))
    n.put(" lives at ", _dictated_address(rng, case.home), " ")
    if rng.random() < 0.4:
        n.put("social security number for the disability form ")
        n.put(("SSN", _spoken_digits(rng, _ssn(rng, ""))), " ")
    n.put("plan follow up in three months sooner if needed copy to doctor ")
    n.put(("NAME", _name_text(copy_to, "lower")), " at ")
    n.line(("FACILITY", _spoken(_facility(rng, case.fake, "hospital"))), " end of dictation")


# Generator
_WRITERS: dict[str, Callable[[_Note, _Case], None]] = {
    "ed_physician_note": _ed_physician_note,
    "operative_note": _operative_note,
    "cath_lab_report": _cath_lab_report,
    "delivery_summary": _delivery_summary,
    "well_child_visit": _well_child_visit,
    "group_therapy_note": _group_therapy_note,
    "oxygen_dme_order": _oxygen_dme_order,
    "independent_medical_exam": _independent_medical_exam,
    "coroner_referral": _coroner_referral,
    "contact_tracing_log": _contact_tracing_log,
    "chaplaincy_visit": _chaplaincy_visit,
    "bilingual_clinic_note": _bilingual_clinic_note,
    "ocr_fax_scan": _ocr_fax_scan,
    "ehr_export": _ehr_export,
    "clinician_email_thread": _clinician_email_thread,
    "dictation_transcript": _dictation_transcript,
}
FAMILIES_F: tuple[str, ...] = tuple(_WRITERS)

# Countries a family's patient may live in (default: the US).
_COUNTRIES = {
    "independent_medical_exam": ("us", "us", "ca"),
    "coroner_referral": ("uk", "au", "ca"),
    "contact_tracing_log": ("au", "ca", "us"),
    "chaplaincy_visit": ("us", "uk"),
    "clinician_email_thread": ("us", "ca"),
}
_PATIENT_ORIGINS = {"bilingual_clinic_note": ("es_MX", "es_MX", "es_CO")}


def _new_case(rng: random.Random, fake: Faker, family: str) -> _Case:
    country = rng.choice(_COUNTRIES.get(family, ("us",)))
    visit = date(2022, 1, 1) + timedelta(days=rng.randrange(5 * 365))
    age = rng.randint(90, 104) if rng.random() < OLD_AGE_RATE else rng.randint(19, 89)
    female = True if family == "delivery_summary" else None
    patient = _make_person(rng, fake, female, origins=_PATIENT_ORIGINS.get(family, _ORIGINS))
    if country in ("us", "ca"):
        digits = _nanp_digits(rng, country)
        phone = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    else:
        digits, phone = "", _pick(rng, _LOCAL_PHONES[country])
    # Dictation reads the MRN aloud digit by digit, so its record numbers are all digits.
    mrn = _fill(rng, "########") if family == "dictation_transcript" else _pick(rng, _MRN_PATTERNS)
    case = _Case(
        rng=rng,
        fake=fake,
        family=family,
        patient=patient,
        age=age,
        birth=_birth_for(rng, visit, age),
        visit=visit,
        mrn=mrn,
        home=_place(rng, fake, country),
        phone=phone,
        phone_digits=digits,
        email="",
        country=country,
    )
    _lend_eponym_surname(case)
    case.email = _email(rng, fake, case.patient)
    return case


def _lend_eponym_surname(case: _Case) -> None:
    """In some notes, give the patient or the next person made an eponym's surname."""
    rng = case.rng
    if rng.random() >= COLLISION_RATE:
        return
    colliding = [t for t in _EPONYMS[case.family] if _eponym_surname(t)]
    case.forced_eponym = rng.choice(colliding)
    surname = _eponym_surname(case.forced_eponym)
    if rng.random() < 0.6:
        case.patient = replace(case.patient, surname=surname)
    else:
        case.lent_surname = surname


def generate_heldout_f(n: int, seed: int) -> list[AnnotatedNote]:
    """Generate ``n`` annotated notes of set F, spread evenly over ``FAMILIES_F``.

    Note ``i`` is of family ``FAMILIES_F[i % len(FAMILIES_F)]`` and depends only on
    ``(seed, i)``, so a longer run extends a shorter one.

    Args:
        n: Number of notes.
        seed: Seed of the generator.

    Returns:
        The notes, with gold spans, keep spans, identifiers, patient id and family.

    Raises:
        ValueError: ``n`` is negative.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    fake = Faker(_FAKER_LOCALES)
    notes = []
    for index in range(n):
        family = FAMILIES_F[index % len(FAMILIES_F)]
        rng = random.Random(f"phi-heldout-f:{seed}:{index}")
        fake.seed_instance(rng.getrandbits(32))
        case = _new_case(rng, fake, family)
        note = _Note()
        _WRITERS[family](note, case)
        notes.append(
            AnnotatedNote(
                text=note.text,
                spans=note.spans,
                keep_spans=note.keeps,
                identifiers=case.identifiers(),
                patient_id=f"HF{seed}-{index}",
                family=family,
            )
        )
    logger.debug("generated %d notes of held-out set F (seed %d)", n, seed)
    return notes
