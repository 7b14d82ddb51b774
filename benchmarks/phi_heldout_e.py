"""Held-out PHI benchmark set E: sixteen new note families, written blind on 2026-12-04.

Sets A to D have all been used to tune the de-identifier by now, so their scores flatter it.
Set E was written after the fourth tuning round without reading the detector, its patterns, its
training templates, its tests or the bodies of sets A to C (only their family names); set D was
read for its interface and labelling conventions, which set E keeps. Its families are document
types none of the earlier sets has: an anaesthesia pre-op assessment, a dietitian assessment, a
swallow evaluation, a transfusion record, an interpreter-services log, a school nurse referral,
an HL7 v2 ADT feed, a CSV lab export, a cardiac device clinic check, an adverse drug reaction
report, a UK health visitor record, an advance directive, a patient-messaging log, a biobank
manifest, a repatriation letter from a hospital abroad and a poison centre case record.

Every note is generated from a per-note seeded ``random.Random`` and a re-seeded multi-locale
``Faker``, so note ``i`` depends only on ``(seed, i)``. Gold spans are recorded while each value
is appended to the text, never found by searching.

Labelling decisions (those of set D, plus the cases set D does not meet):

* NAME spans hold the name only: titles ("Dr", "Frau", "Sister"), credentials ("RN", "PharmD")
  and "Baby" stay outside. Initials standing for a person ("J.R.") are NAME. In HL7 name fields
  ("SURNAME^GIVEN") each component is its own NAME span; the ``^`` is outside.
* DATE is any day or month more specific than the year, in any language ("3. Januar 2024"),
  weekday included when written with the date; "the" before "third of January" and "this"
  before "4th day of March, 2024" are outside. A date-time written as one token (HL7
  "202401031432") is DATE as a whole, since the time cannot be cut from it; where a space
  separates them ("2024-01-03 14:32") only the date is DATE. Expiry dates of blood units and
  drugs are dates too. Years alone, times, durations and ages of infants are not PHI.
* AGE only above 89, in any wording ("ninety-two-year-old", "92 y/o", "93yo"): the number or
  number words only. Ages up to 89 are written the same ways and are not labelled.
* Every street address, city and postal code is labelled, in any country and whoever it belongs
  to: ADDRESS is the street part, CITY the town, ZIP the postcode (UK, Irish, German and Dutch
  postcodes included). US states, counties and countries are not PHI.
* PHONE covers every phone and fax number, national and international, extension included.
* ID covers record numbers that are not the MRN: accounts, visits, claims, member and policy
  numbers, NHS numbers, student, participant and case numbers, accessions, sample barcodes,
  blood donation numbers, report numbers, passports and HL7 message control IDs.
* LICENSE covers licence, registration and certificate numbers (NPI, DEA, GMC, NMC, state
  licences, interpreter and specialist certificates, notary commissions, driving licences).
* DEVICE covers serial numbers, UDIs, MAC addresses and IMEIs of devices. Brand and model
  names are not PHI, nor are lot numbers, NDC, LOINC, ISBT product, HCPCS or ICD-10 codes.
* FACILITY covers named hospitals, clinics, practices, laboratories, care homes, schools and
  school districts; generic unit names ("PACU", "Ward 6"), rooms, bays, beds, freezer and rack
  positions are not PHI.
* URL, EMAIL and IP are labelled wherever they occur (IPv6 included); a port after an IP is not.
* ``keep_spans`` mark named diseases, signs, scales, tests, procedures, equations and devices.
  In about one note in five a person shares the surname of an eponym written in the same note;
  that surname is NAME where it names the person and kept where it names the eponym.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from faker import Faker

from training.phi.types import MONTHS, AnnotatedNote, PhiSpan

KEEP = "KEEP"  # kind of a keep span (eponym) among the pieces of a note

# Text, a labelled value ``(kind, value)`` or a list of pieces.
Piece = str | tuple[str, str] | list

COLLISION_RATE = 0.2  # share of notes where a person carries an eponym's surname
OLD_AGE_RATE = 0.3  # share of adult patients over 89, so AGE is well represented


# Note assembly
class _Draft:
    """A note being written; spans are recorded as values are appended."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0
        self.spans: list[PhiSpan] = []
        self.keep_spans: list[tuple[int, int]] = []

    def add(self, *pieces: Piece) -> None:
        """Append text, ``(phi_type, value)``, ``(KEEP, value)`` or nested lists of them."""
        for piece in pieces:
            if isinstance(piece, list):
                self.add(*piece)
            elif isinstance(piece, tuple):
                kind, value = piece
                start = self._write(value)
                if kind == KEEP:
                    self.keep_spans.append((start, self._size))
                else:
                    self.spans.append(PhiSpan(start, self._size, kind))
            else:
                self._write(piece)

    def ln(self, *pieces: Piece) -> None:
        """Append pieces and end the line."""
        self.add(*pieces, "\n")

    def eponym(self, template: str) -> None:
        """Append a sentence whose ``{braced}`` parts are keep spans."""
        for index, part in enumerate(re.split(r"\{([^}]*)\}", template)):
            self.add((KEEP, part) if index % 2 else part)

    def _write(self, value: str) -> int:
        start = self._size
        self._parts.append(value)
        self._size += len(value)
        return start

    @property
    def text(self) -> str:
        """The note so far."""
        return "".join(self._parts)


# People
@dataclass(frozen=True)
class _Person:
    given: str
    surname: str
    middle: str  # middle initial, a capital letter
    female: bool
    origin: str  # Faker locale or transliteration group


# Faker locales for names, en_US weighted: the records come from a US health system with
# patients and staff of many origins. Groups without a locale are transliterated by hand below.
_ORIGINS = (
    *("en_US",) * 6,
    "en_GB",
    "en_IE",
    "ga_IE",
    "de_AT",
    "de_CH",
    "es_ES",
    "pt_PT",
    "it_IT",
    "nl_NL",
    "sv_SE",
    "da_DK",
    "cs_CZ",
    "hu_HU",
    "tr_TR",
    "zh_CN",
    "en_IN",
    "zu_ZA",
    "tw_GH",
    "pl_PL",
    "arabic",
    "russian",
    "korean",
    "greek",
    "ukrainian",
)
_FAKER_LOCALES = sorted({o for o in _ORIGINS if "_" in o} | {"de_DE", "fr_FR", "nl_NL"})

# Hand transliterations: (male given names, female given names, surnames).
_TRANSLITERATED: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "arabic": (
        ("Mohammed", "Omar", "Youssef", "Khalid", "Tariq", "Hamza", "Ibrahim"),
        ("Fatima", "Aisha", "Layla", "Noor", "Mariam", "Huda", "Rania"),
        ("Al-Hassan", "El-Sayed", "Haddad", "Al-Rashid", "Khoury", "Mansour", "bin Saleh"),
    ),
    "russian": (
        ("Dmitri", "Sergei", "Aleksandr", "Mikhail", "Yuri", "Vladislav"),
        ("Olga", "Svetlana", "Natalya", "Yekaterina", "Irina", "Lyudmila"),
        ("Kuznetsov", "Sokolov", "Petrov", "Volkov", "Morozov", "Lebedev", "Fedorov"),
    ),
    "korean": (
        ("Ji-hoon", "Min-jun", "Seung-woo", "Dong-hyun"),
        ("Seo-yeon", "Ha-eun", "Ji-woo", "Soo-ah"),
        ("Park", "Kim", "Choi", "Jung", "Kang", "Yoon", "Lim"),
    ),
    "greek": (
        ("Georgios", "Konstantinos", "Dimitrios", "Ioannis", "Nikolaos"),
        ("Eleni", "Vasiliki", "Katerina", "Sofia", "Angeliki"),
        ("Papadopoulos", "Georgiou", "Nikolaidis", "Karagiannis", "Oikonomou"),
    ),
    "ukrainian": (
        ("Oleksandr", "Mykola", "Taras", "Bohdan"),
        ("Oksana", "Yuliia", "Halyna", "Iryna"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Hrytsenko"),
    ),
}
# Surname particles and prefixes, by origin.
_PARTICLES = {
    "nl_NL": ("van der ", "van ", "de ", "van 't ", "ten "),
    "de_AT": ("von ",),
    "de_CH": ("von ", "de "),
    "es_ES": ("de la ", "del "),
    "pt_PT": ("da ", "dos ", "de "),
    "it_IT": ("Di ", "De ", "Lo ", "D'"),
}
_IRISH_SURNAMES = ("O'Neill", "O'Sullivan", "MacCarthy", "McGrath", "O'Donoghue", "Ó Briain")


def _plain_person(rng: random.Random, fake: Faker, origin: str, female: bool) -> tuple[str, str]:
    if origin in _TRANSLITERATED:
        males, females, surnames = _TRANSLITERATED[origin]
        surname = rng.choice(surnames)
        if origin == "russian" and female:
            surname += "a"  # Kuznetsova, Sokolova
        return rng.choice(females if female else males), surname
    gen = fake[origin]
    if origin == "zh_CN":
        return gen.first_romanized_name(), gen.last_romanized_name()
    given = gen.first_name_female() if female else gen.first_name_male()
    return given.strip(), gen.last_name().strip()


def _decorate_surname(rng: random.Random, fake: Faker, origin: str, surname: str) -> str:
    roll = rng.random()
    if roll < 0.08 and origin not in _TRANSLITERATED and origin != "zh_CN":
        other = fake[origin].last_name().strip()
        return surname if other == surname else f"{surname}-{other}"
    if roll < 0.15 and origin == "es_ES":  # two surnames, no hyphen
        return f"{surname} {fake[origin].last_name().strip()}"
    if roll < 0.4 and origin in _PARTICLES:
        return rng.choice(_PARTICLES[origin]) + surname
    if roll < 0.35 and origin == "en_IE":
        return rng.choice(_IRISH_SURNAMES)
    return surname


def _make_person(
    rng: random.Random, fake: Faker, female: bool | None = None, surname: str | None = None
) -> _Person:
    origin = rng.choice(_ORIGINS)
    female = rng.random() < 0.5 if female is None else female
    given, own_surname = _plain_person(rng, fake, origin, female)
    if surname is None:
        surname = _decorate_surname(rng, fake, origin, own_surname)
    return _Person(given, surname, rng.choice(string.ascii_uppercase), female, origin)


_KIN_MALE = {
    "daughter": "son",
    "wife": "husband",
    "sister": "brother",
    "mother": "father",
    "niece": "nephew",
    "granddaughter": "grandson",
    "aunt": "uncle",
    "grandmother": "grandfather",
    "great-grandmother": "great-grandfather",
}


def _kin(rng: random.Random, person: _Person, words: Sequence[str]) -> str:
    """A kinship word (given in its female form) that agrees with the person's sex."""
    word = rng.choice(list(words))
    return word if person.female else _KIN_MALE.get(word, word)


# Names
_NO_TITLE_FORMS = frozenset(
    ("last_first", "last_first_mi", "LAST_first", "LAST_FIRST", "initials", "given", "given_lower")
)
_STAFF_FORMS = ("full", "init_last", "surname", "full_mi", "inits_last")
_PATIENT_FORMS = ("full", "full_mi", "last_first", "last_first_mi", "LAST_first", "FULL")
_LAY_TITLES = {
    "en": (("Mr ", "Mr. ", "Mx "), ("Mrs ", "Ms ", "Miss ", "Mrs. ", "Ms. ")),
    "de": (("Herr ",), ("Frau ",)),
    "es": (("Sr. ", "Don "), ("Sra. ", "Doña ")),
    "pt": (("Sr. ",), ("Sra. ", "D. ")),
    "it": (("Sig. ",), ("Sig.ra ",)),
    "nl": (("de heer ", "Dhr. "), ("mevrouw ", "Mevr. ")),
}
_DOCTOR_TITLES = ("Dr ", "Dr. ", "Doctor ", "Prof. ", "Prof. Dr. ")


def _name_text(person: _Person, form: str) -> str:
    given, surname, middle = person.given, person.surname, person.middle
    if form == "full":
        return f"{given} {surname}"
    if form == "full_mi":
        return f"{given} {middle}. {surname}"
    if form == "last_first":
        return f"{surname}, {given}"
    if form == "last_first_mi":
        return f"{surname}, {given} {middle}."
    if form == "LAST_first":
        return f"{surname.upper()}, {given}"
    if form == "LAST_FIRST":
        return f"{surname}, {given} {middle}".upper()
    if form == "FULL":
        return f"{given} {surname}".upper()
    if form == "init_last":
        return f"{given[0]}. {surname}"
    if form == "inits_last":
        return f"{given[0]}.{middle}. {surname}"
    if form == "initials":
        return f"{given[0]}.{surname[0].upper()}."
    if form == "SURNAME":
        return surname.upper()
    if form == "given_lower":
        return given.lower()
    return {"surname": surname, "given": given}[form]


def _title(rng: random.Random, person: _Person, doctor: bool = False) -> str:
    if doctor:
        return rng.choice(_DOCTOR_TITLES)
    language = person.origin[:2] if rng.random() < 0.6 else "en"
    return rng.choice(_LAY_TITLES.get(language, _LAY_TITLES["en"])[person.female])


def _name(
    rng: random.Random,
    person: _Person,
    forms: Sequence[str],
    titled: float = 0.25,
    doctor: bool = False,
) -> list[Piece]:
    """A name in one of ``forms``, with a title outside the span when the form allows one."""
    form = rng.choice(list(forms))
    bare_surname = form in ("surname", "SURNAME")
    wants_title = bare_surname or rng.random() < titled
    title = "" if form in _NO_TITLE_FORMS or not wants_title else _title(rng, person, doctor)
    return [title, ("NAME", _name_text(person, form))]


# Numbers and dates
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_GERMAN_MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
_SPANISH_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()
_FRENCH_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_DECADES = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SMALL_ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()


def _words(number: int) -> str:
    """Number words below 100 ("ninety-two")."""
    if number < 20:
        return _SMALL[number]
    tens, ones = divmod(number, 10)
    return _DECADES[tens] + (f"-{_SMALL[ones]}" if ones else "")


def _ordinal(number: int) -> str:
    suffix = "th"
    if not 11 <= number % 100 <= 13:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _ordinal_words(number: int) -> str:
    if number < 20:
        return _SMALL_ORDINALS[number]
    tens, ones = divmod(number, 10)
    if not ones:
        return _DECADES[tens][:-1] + "ieth"  # twentieth, thirtieth
    return f"{_DECADES[tens]}-{_SMALL_ORDINALS[ones]}"


def _date_text(d: date, style: str) -> str:
    y, m, day = d.year, d.month, d.day
    month = MONTHS[m - 1]
    mon = month[:3]
    weekday = _WEEKDAYS[d.weekday()]
    forms = {
        "iso": f"{y}-{m:02d}-{day:02d}",
        "us": f"{m}/{day}/{y}",
        "us0": f"{m:02d}/{day:02d}/{y}",
        "us_short": f"{m}/{day}/{y % 100:02d}",
        "eu_slash": f"{day:02d}/{m:02d}/{y}",
        "eu_dot": f"{day:02d}.{m:02d}.{y}",
        "eu_dot_short": f"{day:02d}.{m:02d}.{y % 100:02d}",
        "eu_dash": f"{day:02d}-{m:02d}-{y}",
        "d_mon_y": f"{day}-{mon}-{y}",
        "dd_MON_y": f"{day:02d}-{mon.upper()}-{y}",
        "ddMONy": f"{day:02d}{mon.upper()}{y}",
        "ymd_slash": f"{y}/{m:02d}/{day:02d}",
        "compact": f"{y}{m:02d}{day:02d}",
        "mon_ord": f"{mon} {_ordinal(day)}",
        "month_ord_y": f"{month} {_ordinal(day)}, {y}",
        "ord_month_y": f"{_ordinal(day)} {month} {y}",
        "d_month_y": f"{day} {month} {y}",
        "month_d_y": f"{month} {day}, {y}",
        "mon_dot_d_y": f"{mon}{'.' if len(month) > 3 else ''} {day}, {y}",
        "words": f"{_ordinal_words(day)} of {month}",
        "wd_d_month": f"{weekday} {day} {month}",
        "wd_full": f"{weekday}, {month} {day}, {y}",
        "wd_short": f"{weekday[:3]} {day} {mon}",
        "wd_us": f"{weekday[:3]} {m}/{day}",
        "md": f"{m}/{day}",
        "month_d": f"{month} {day}",
        "d_mon": f"{day} {mon}",
        "month_y": f"{month} {y}",
        "legal": f"{_ordinal(day)} day of {month}, {y}",
        "de_long": f"{day}. {_GERMAN_MONTHS[m - 1]} {y}",
        "es_long": f"{day} de {_SPANISH_MONTHS[m - 1]} de {y}",
        "fr_long": f"{day} {_FRENCH_MONTHS[m - 1]} {y}",
    }
    return forms[style]


_DOB = ("iso", "us", "us0", "eu_slash", "eu_dot", "d_mon_y", "dd_MON_y", "month_d_y", "ddMONy")
_FORM = ("iso", "us", "us0", "us_short", "eu_dot", "eu_dot_short", "d_mon_y", "ymd_slash")
_PROSE = ("month_d_y", "d_month_y", "month_ord_y", "ord_month_y", "wd_full", "mon_dot_d_y")
_NO_YEAR = ("mon_ord", "words", "wd_d_month", "wd_short", "wd_us", "md", "month_d", "d_mon")
_ANY = _DOB + _FORM + _PROSE + _NO_YEAR + ("compact", "month_y")


def _date(rng: random.Random, d: date, styles: Sequence[str] = _ANY) -> list[Piece]:
    """A date in one of ``styles``; a leading "the" or "this" stays outside the span."""
    style = rng.choice(list(styles))
    lead = {"words": "the ", "legal": "this "}.get(style, "")
    return [lead, ("DATE", _date_text(d, style))]


_AGE_FORMS = ("hyphen", "words", "y/o", "yo", "aged", "yrs", "y.o.", "of_age", "bare")


def _age(rng: random.Random, years: int, forms: Sequence[str] = _AGE_FORMS) -> list[Piece]:
    """An age phrase; its number is AGE only above 89 (Safe Harbor)."""
    form = rng.choice(list(forms))
    number = _words(years) if form == "words" and years < 100 else str(years)
    value: Piece = ("AGE", number) if years > 89 else number
    before, after = {
        "hyphen": ("", "-year-old"),
        "words": ("", "-year-old"),
        "y/o": ("", " y/o"),
        "yo": ("", "yo"),
        "aged": ("aged ", ""),
        "yrs": ("", " yrs"),
        "y.o.": ("", " y.o."),
        "of_age": ("", " years of age"),
        "bare": ("", ""),
    }[form]
    return [before, value, after]


def _clock(rng: random.Random) -> str:
    """A time of day; never PHI."""
    hour, minute = rng.randrange(24), 5 * rng.randrange(12)
    style = rng.randrange(4)
    if style == 0:
        return f"{hour:02d}:{minute:02d}"
    if style == 1:
        return f"{hour:02d}{minute:02d}h"
    if style == 2:
        return f"{(hour - 1) % 12 + 1}:{minute:02d} {'pm' if hour >= 12 else 'am'}"
    return f"{hour:02d}{minute:02d}"


# Codes, numbers and contacts
def _fill(rng: random.Random, pattern: str) -> str:
    """``#`` becomes a digit, ``@`` a capital letter, ``*`` either; other characters stay."""
    pools = {
        "#": string.digits,
        "@": string.ascii_uppercase,
        "*": string.digits + "ABCDEFGHJKLMNPRSTUVWXYZ",
    }
    return "".join(rng.choice(pools[c]) if c in pools else c for c in pattern)


def _pick_fill(rng: random.Random, patterns: Sequence[str]) -> str:
    return _fill(rng, rng.choice(list(patterns)))


_MRN_PATTERNS = (
    "E-####-####",
    "##-##-##-##",
    "RX#######",
    "K#######",
    "H/######",
    "0########",
    "####.###.##",
    "@@######",
    "#######-#",
)
_MRN_LABELS = ("MRN", "MRN:", "Hosp no:", "Hospital No.", "MR#", "Record no.", "Unit no", "Pt ID")


def _mrn_label(rng: random.Random) -> str:
    return rng.choice(_MRN_LABELS)


def _us_digits(rng: random.Random) -> str:
    area = rng.choice([a for a in range(201, 990) if a % 100 != 11 and a != 555])
    return f"{area}{rng.randint(202, 989)}{rng.randrange(10000):04d}"


_US_PHONE_FORMS = (
    "({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "{a}.{b}.{c}",
    "{a} {b} {c}",
    "+1 ({a}) {b}-{c}",
    "1 ({a}) {b}-{c}",
    "+1.{a}.{b}.{c}",
    "{a}/{b}-{c}",
)


def _us_phone(
    rng: random.Random,
    digits: str | None = None,
    extension: float = 0.0,
    form: str | None = None,
) -> str:
    digits = digits or _us_digits(rng)
    form = form or rng.choice(_US_PHONE_FORMS)
    text = form.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    if rng.random() < extension:
        text += rng.choice((" ext. ", " x", " ext ", " extn ")) + str(rng.randint(10, 9999))
    return text


_FOREIGN_PHONES = {
    "uk": (
        "+44 20 #### ####",
        "+44 (0)20 #### ####",
        "020 #### ####",
        "0161 ### ####",
        "07### ######",
        "+44 7### ######",
        "00 44 113 ### ####",
        "01632 ######",
    ),
    "de": (
        "+49 (0)89 #######",
        "0049 30 ########",
        "+49 171 #######",
        "089 / ### ## ##",
        "+49-221-#######",
    ),
    "ie": ("+353 (0)1 ### ####", "+353 87 ### ####", "(01) ### ####", "091 ######"),
    "nl": ("+31 (0)20 ### ####", "+31 6 ## ## ## ##", "0031 30 ### ####"),
    "es": ("+34 9## ### ###", "0034 6## ## ## ##"),
    "fr": ("+33 (0)1 ## ## ## ##", "01 ## ## ## ##", "+33 6 ## ## ## ##"),
    "other": (
        "+61 2 #### ####",
        "+91 98### #####",
        "+971 4 ### ####",
        "+81 3-####-####",
        "+27 21 ### ####",
        "+52 55 #### ####",
    ),
}


def _foreign_phone(rng: random.Random, country: str | None = None) -> str:
    country = country or rng.choice(list(_FOREIGN_PHONES))
    return _pick_fill(rng, _FOREIGN_PHONES[country])


def _phone(rng: random.Random, extension: float = 0.1, foreign: float = 0.1) -> Piece:
    if rng.random() < foreign:
        return ("PHONE", _foreign_phone(rng))
    return ("PHONE", _us_phone(rng, extension=extension))


def _ssn(rng: random.Random, separator: str | None = None) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    sep = rng.choice(("-", "-", "-", " ", "")) if separator is None else separator
    return f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"


def _ascii_word(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def _email(rng: random.Random, fake: Faker, person: _Person, domain: str | None = None) -> str:
    given, surname = _ascii_word(person.given) or "pt", _ascii_word(person.surname) or "mail"
    local = rng.choice(
        (
            f"{given}.{surname}",
            f"{given[0]}.{surname}",
            f"{surname}{given[0]}{rng.randint(1, 99)}",
            f"{given}_{surname}",
            f"{given}{rng.randint(1940, 2010)}",
            f"{surname}.{given}",
            f"{given}+appts",
        )
    )
    return f"{local}@{domain or fake['en_US'].free_email_domain()}"


def _domain(rng: random.Random, fake: Faker) -> str:
    word = fake["en_US"].domain_word()
    tail = rng.choice(("health", "hospital", "med", "-care", "clinic", ""))
    return f"{word}{tail}.{rng.choice(('org', 'com', 'net', 'us'))}"


def _url(rng: random.Random, domain: str, path: str) -> str:
    token = _fill(rng, "********").lower()
    return rng.choice(
        (
            f"https://{domain}/{path}/{token}",
            f"https://portal.{domain}/{path}?ref={token}",
            f"www.{domain}/{path}",
            f"http://{domain}/{path}/{token}/",
        )
    )


def _short_url(rng: random.Random) -> str:
    host = rng.choice(("bit.ly", "tinyurl.com", "go.pt-msg.com", "t.ly"))
    return f"https://{host}/{_fill(rng, '*******')}"


def _ip(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return ":".join(f"{rng.randrange(65536):x}" for _ in range(8))
    if roll < 0.3:
        head = f"2001:{rng.randrange(0x400, 0xFFF):x}:{rng.randrange(65536):x}"
        return f"{head}::{rng.randrange(65536):x}:{rng.randrange(1, 65536):x}"
    if roll < 0.45:
        return f"192.168.{rng.randrange(256)}.{rng.randint(2, 254)}"
    if roll < 0.55:
        return f"172.{rng.randint(16, 31)}.{rng.randrange(256)}.{rng.randint(2, 254)}"
    first = rng.choice([n for n in range(12, 224) if n not in (127, 169, 172, 192)])
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(1, 254)}"


def _serial(rng: random.Random, made: date) -> str:
    """A device serial number, UDI, MAC address or IMEI."""
    expiry = made + timedelta(days=rng.randint(300, 2000))
    kind = rng.randrange(8)
    if kind == 0:
        return (
            _fill(rng, "(01)0#############(17)")
            + expiry.strftime("%y%m%d")
            + _fill(rng, "(21)*****#")
        )
    if kind == 1:
        return _fill(rng, "+M###@@###/$$+") + expiry.strftime("%y%j") + _fill(rng, "@@####@")
    if kind == 2:
        return ":".join(f"{rng.randrange(256):02X}" for _ in range(6))  # MAC address
    if kind == 3:
        return _fill(rng, "35#############")  # IMEI of a cellular transmitter
    patterns = ("@@@#######", "##@-####-##@", "SN@@######", "#######@@")
    return _pick_fill(rng, patterns)


_LICENSE_PATTERNS = {
    "npi": ("1#########", "2#########"),
    "dea": ("@@#######",),
    "state": ("RN#######", "MD-##-######", "@#####", "###.######", "LPN-#####"),
    "gmc": ("#######",),
    "nmc": ("##@####@",),
    "cert": ("#####", "CHI-#####", "CMI-####", "##-####-##"),
    "notary": ("#######", "COMM-######"),
    "driver": ("@###-###-##-###-#", "D########", "#########"),
}


def _license(rng: random.Random, kind: str) -> str:
    return _pick_fill(rng, _LICENSE_PATTERNS[kind])


# Places
@dataclass(frozen=True)
class _Address:
    street: str
    city: str
    region: str  # US state, county or nothing
    postcode: str
    country: str  # empty for the US
    postcode_first: bool = False  # "80331 München"

    def one_line(self) -> str:
        """The address as a record stores it."""
        if self.postcode_first:
            return f"{self.street}, {self.postcode} {self.city}, {self.country}"
        region = f", {self.region}" if self.region else ""
        tail = f", {self.country}" if self.country else ""
        return f"{self.street}, {self.city}{region} {self.postcode}{tail}"


def _flat(value: str) -> str:
    return ", ".join(part.strip() for part in value.splitlines() if part.strip())


def _us_address(fake: Faker) -> _Address:
    gen = fake["en_US"]
    return _Address(_flat(gen.street_address()), gen.city(), gen.state_abbr(), gen.zipcode(), "")


@dataclass(frozen=True)
class _Abroad:
    """How a country abroad writes its addresses, dates and hospital names."""

    locale: str
    country: str
    date_styles: tuple[str, ...]
    postcode_first: bool
    hospitals: tuple[str, ...]  # formats of a hospital name in the ``{city}``


_ABROAD = {
    "uk": _Abroad(
        "en_GB",
        "UK",
        ("d_month_y", "eu_slash", "ord_month_y", "eu_dot"),
        False,
        ("{city} Royal Infirmary", "{city} NHS Foundation Trust", "Royal {city} Hospital"),
    ),
    "ie": _Abroad(
        "en_IE",
        "Ireland",
        ("d_month_y", "eu_slash", "ord_month_y"),
        False,
        ("University Hospital {city}", "Mercy University Hospital {city}"),
    ),
    "de": _Abroad(
        "de_DE",
        "Germany",
        ("eu_dot", "de_long", "eu_dot_short"),
        True,
        ("Klinikum {city}", "Universitätsklinikum {city}", "St.-Marien-Hospital {city}"),
    ),
    "nl": _Abroad(
        "nl_NL",
        "Netherlands",
        ("eu_dash", "eu_dot", "d_month_y"),
        True,
        ("Ziekenhuis {city}", "Medisch Centrum {city}"),
    ),
    "es": _Abroad(
        "es_ES",
        "Spain",
        ("es_long", "eu_slash"),
        True,
        ("Hospital Universitario {city}", "Clínica {city}"),
    ),
    "fr": _Abroad(
        "fr_FR",
        "France",
        ("fr_long", "eu_slash"),
        True,
        ("Centre Hospitalier de {city}", "Hôpital {city}"),
    ),
}


def _foreign_address(fake: Faker, country: str) -> _Address:
    abroad = _ABROAD[country]
    gen = fake[abroad.locale]
    street, city, postcode = _flat(gen.street_address()), gen.city().strip(), gen.postcode()
    return _Address(street, city, "", postcode.strip(), abroad.country, abroad.postcode_first)


def _address(rng: random.Random, place: _Address, caps: bool = False, lines: bool = False) -> list:
    """Address pieces: street, city and postcode labelled; state and country not."""

    def cased(value: str) -> str:
        return value.upper() if caps else value

    sep = "\n" if lines else ", "
    street = ("ADDRESS", cased(place.street))
    if place.postcode_first:
        pieces = [street, sep, ("ZIP", place.postcode), " ", ("CITY", cased(place.city))]
    else:
        pieces = [street, sep, ("CITY", cased(place.city)), ", " if place.region else " "]
        pieces += [
            place.region,
            rng.choice((" ", "  ")) if place.region else "",
            ("ZIP", place.postcode),
        ]
    if place.country:
        pieces += [sep, cased(place.country)]
    return pieces


_FACILITY_TAILS = {
    "hospital": ("Hospital", "Medical Center", "Regional Medical Center", "General Hospital"),
    "clinic": ("Family Practice", "Medical Group", "Health Centre", "Clinic", "Surgery"),
    "lab": ("Reference Laboratory", "Biorepository", "Genomics Core", "Pathology Services"),
    "home": ("Care Home", "Nursing Home", "Assisted Living", "Hospice"),
    "heart": ("Heart Rhythm Service", "Cardiology Associates", "Heart Institute"),
    "school": ("Elementary School", "Middle School", "High School", "Academy"),
    "pharmacy": ("Pharmacy", "Apothecary", "Drug Store"),
    "poison": ("Poison Center", "Poison and Drug Information Center"),
}
_SAINTS = ("Brigid", "Anselm", "Catherine", "Jude", "Elizabeth", "Columba", "Gabriel", "Raphael")
_NATURE = ("The Elms", "The Willows", "Birchwood", "Three Rivers", "Blue Heron", "Red Cedar")


def _facility(rng: random.Random, fake: Faker, kind: str) -> str:
    gen = fake["en_US"]
    stems = (
        gen.city(),
        f"St {rng.choice(_SAINTS)}'s",
        f"Saint {rng.choice(_SAINTS)}",
        f"{gen.last_name()} Memorial",
        f"{gen.last_name()} & {gen.last_name()}",
        rng.choice(_NATURE),
        f"Royal {fake['en_GB'].city()}",
        f"Mount {gen.last_name()}",
        f"Our Lady of {rng.choice(('Lourdes', 'Mercy', 'the Lake', 'Fatima'))}",
        f"{rng.choice(('Upper', 'Lower', 'Greater'))} {gen.city()}",
    )
    return f"{rng.choice(stems)} {rng.choice(_FACILITY_TAILS[kind])}"


def _foreign_hospital(rng: random.Random, place: _Address, country: str) -> str:
    return rng.choice(_ABROAD[country].hospitals).format(city=place.city)


# The case
@dataclass
class _Case:
    """One patient's record and the random sources the family writers draw from."""

    rng: random.Random
    fake: Faker
    patient: _Person
    age: int
    birth: date
    visit: date
    mrn: str
    home: _Address
    phone: str  # as the record stores it
    phone_digits: str  # empty when the phone is not a US number
    email: str
    forced_eponym: str | None = None
    lent_surname: str | None = None  # eponym surname for the next person made

    def someone(self, female: bool | None = None, surname: str | None = None) -> _Person:
        """A relative, clinician or other named person; the first takes a lent surname."""
        if self.lent_surname is not None and surname is None:
            surname, self.lent_surname = self.lent_surname, None
        return _make_person(self.rng, self.fake, female, surname)

    def eponyms(self, family: str, k: int) -> list[str]:
        """``k`` eponym sentences of the family, the forced (colliding) one first."""
        chosen = self.rng.sample(_EPONYMS[family], k)
        if self.forced_eponym is None:
            return chosen
        return [self.forced_eponym, *(t for t in chosen if t != self.forced_eponym)][:k]

    def phone_text(self, form: str | None = None) -> str:
        """The patient's phone, written in one of the US forms when it is a US number."""
        if not self.phone_digits:
            return self.phone
        return _us_phone(self.rng, self.phone_digits, form=form)

    def later(self, low: int, high: int) -> date:
        return self.visit + timedelta(days=self.rng.randint(low, high))

    def earlier(self, low: int, high: int) -> date:
        return self.visit - timedelta(days=self.rng.randint(low, high))

    def set_age(self, age: int, days_old: int | None = None) -> None:
        """Give the patient another age (or an age in days); the birth date follows."""
        self.age = age
        if days_old is not None:
            self.birth = self.visit - timedelta(days=days_old)
        else:
            self.birth = _birth_for(self.rng, self.visit, age)

    def identifiers(self) -> dict[str, str]:
        """The structured identifiers the source record carries."""
        return {
            "name": f"{self.patient.given} {self.patient.surname}",
            "mrn": re.sub(r"[^0-9A-Za-z]", "", self.mrn),
            "birth_date": self.birth.isoformat(),
            "address": self.home.one_line(),
            "phone": self.phone,
        }


def _birth_for(rng: random.Random, visit: date, age: int) -> date:
    """A birth date that makes the patient exactly ``age`` on ``visit``."""
    birthday = date(visit.year - age, visit.month, min(visit.day, 28))
    return birthday - timedelta(days=rng.randint(1, 360))


# Eponym sentences per family; braced parts are keep spans.
_EPONYMS: dict[str, list[str]] = {
    "anaesthesia_preop": [
        "{Allen test} normal on the left before the arterial line.",
        "{Lee Revised Cardiac Risk Index} 2 (IHD, creatinine > 177).",
        "{Cormack-Lehane grade} 2a documented at the last GA.",
        "Known {von Willebrand disease} type 1; DDAVP plan from haematology.",
        "{Wolff-Parkinson-White pattern} on the ECG, no palpitations.",
        "{Ehlers-Danlos syndrome} (hypermobile type): pad pressure points.",
        "Steep {Trendelenburg position} planned; reflux is controlled.",
        "Grade 1 view with a {Macintosh} 3 blade last time.",
        "{Caprini score} 6: mechanical and chemical prophylaxis.",
        "A cousin had {Duchenne muscular dystrophy}; no symptoms here.",
    ],
    "dietitian_assessment": [
        "Energy from the {Harris-Benedict equation} with a stress factor of 1.3.",
        "Cross-checked with the {Mifflin-St Jeor equation}.",
        "Past {Whipple procedure}: on pancreatic enzymes with meals.",
        "Thiamine first to avoid {Wernicke encephalopathy}.",
        "{Crohn's disease} in remission on ustekinumab.",
        "{Roux-en-Y gastric bypass} in 2016: check B12 and iron.",
        "{Waterlow score} 18, high risk.",
        "{Zollinger-Ellison syndrome}: PPI dose doubled.",
        "{Prader-Willi syndrome}: food is kept locked at home.",
    ],
    "swallow_evaluation": [
        "Background {Parkinson's disease} with hypophonia.",
        "{Zenker diverticulum} repaired in 2018.",
        "Failed the {Yale Swallow Protocol} at the bedside.",
        "{Rosenbek Penetration-Aspiration Scale} 6 on thin liquid last time.",
        "{Passy-Muir valve} tolerated for 20 min.",
        "{Frazier Free Water Protocol} started.",
        "{Broca aphasia}: yes/no answers are reliable.",
        "{Guillain-Barré syndrome} with bulbar weakness, improving.",
        "{Wallenberg syndrome} suspected by neurology.",
    ],
    "transfusion_record": [
        "Antibody identified: anti-{Kell} (anti-K); K-negative units only.",
        "Anti-{Duffy} (Fy a) detected; antigen-negative units issued.",
        "Anti-{Kidd} (Jk a): watch for delayed haemolysis.",
        "{Direct Coombs test} positive (IgG).",
        "Diagnosis: {Waldenström macroglobulinaemia}.",
        "{Glanzmann thrombasthenia}: HLA-matched platelets on request.",
        "{Diamond-Blackfan anaemia}, chronic transfusion programme.",
        "{Fanconi anaemia}: irradiated products only.",
    ],
    "interpreter_log": [
        "Consent for IVIG in {Kawasaki disease} read back in full.",
        "Explained {Down syndrome} screening results to both parents.",
        "Family asked about {Tourette syndrome} medicine side effects.",
        "Teach-back done for {Lyme disease} antibiotics.",
        "{Bell's palsy} eye care explained with pictures.",
        "The family prefers the term {Hansen's disease}.",
        "{Hirschsprung disease} surgery consent, two sessions.",
    ],
    "school_nurse_referral": [
        "{Adams forward bend test}: right thoracic prominence, scoliometer 8 degrees.",
        "Breast and pubic hair at {Tanner stage} 4; please assess growth.",
        "Heel pain after running, ?{Sever disease}.",
        "Tender tibial tubercles (?{Osgood-Schlatter disease}).",
        "Limp and hip pain; past {Perthes disease} on the left.",
        "Palpable purpura on both shins (?{Henoch-Schönlein purpura}).",
        "Motor and vocal tics most days, ?{Tourette syndrome}.",
        "Failed the colour plates ({Ishihara}) in both eyes.",
    ],
    "hl7_adt_feed": [
        "G61.0^{Guillain-Barre syndrome}",
        "E27.1^Primary adrenocortical insufficiency ({Addison disease})",
        "K50.90^{Crohn's disease}, unspecified, without complications",
        "C81.90^{Hodgkin lymphoma}, unspecified, unspecified site",
        "E24.9^{Cushing's syndrome}, unspecified",
        "K22.70^{Barrett's esophagus} without dysplasia",
        "H81.09^{Meniere's disease}, unspecified ear",
        "G51.0^{Bell's palsy}",
        "E06.3^Autoimmune thyroiditis ({Hashimoto})",
    ],
    "lab_csv_export": [
        "{Direct Coombs} IgG,1007-4,Positive,,Negative,A",
        "ESR ({Westergren}),4537-7,58,mm/h,0-20,H",
        "{Gram stain} blood culture,664-3,GPC in clusters,,,A",
        "{Kleihauer-Betke} fetal cells,4635-9,0.4,%,<0.1,H",
        "{Bence Jones protein} urine,27179-7,Detected,,Not detected,A",
        "{Epstein-Barr} VCA IgG,5157-3,Positive,,Negative,A",
        "{Ziehl-Neelsen} stain AFB,11545-1,No AFB seen,,,",
        "LDL ({Friedewald}),13457-7,3.9,mmol/L,<3.0,H",
        "{Lyme disease} Ab screen,20449-1,Negative,,Negative,",
    ],
    "device_clinic_check": [
        "Intermittent {Wenckebach} block during sleep, asymptomatic.",
        "{Mobitz type II} block was the indication.",
        "Presented with {Stokes-Adams attacks} before implant.",
        "No sign of {Twiddler syndrome} on the chest film.",
        "{Brugada pattern} type 2 on the surface ECG.",
        "Underlying {Chagas cardiomyopathy}, EF 35%.",
        "{Ebstein anomaly} repaired in childhood.",
        "{Fontan circulation}; epicardial leads.",
        "{Lev-Lenègre disease} per EP review.",
    ],
    "adverse_reaction_report": [
        "Target lesions and mucosal erosions: {Stevens-Johnson syndrome}, 8% BSA detached.",
        "{Nikolsky sign} positive on the back.",
        "{Naranjo} algorithm score 7 (probable).",
        "Rigors within 4 h of the first dose ({Jarisch-Herxheimer reaction}).",
        "Chest pain with urticaria; {Kounis syndrome} considered.",
        "Painful induration at the injection site ({Arthus reaction}).",
        "Progression to {Lyell syndrome} feared; moved to the burns unit.",
        "{Quincke oedema} of the lips and tongue.",
    ],
    "health_visitor_record": [
        "{Edinburgh Postnatal Depression Scale} score 9, discussed with mother.",
        "Small {Epstein pearls} on the palate, reassured.",
        "{Erb palsy} of the left arm, physio referral made.",
        "NIPE day 1: {Ortolani} and {Barlow} negative.",
        "{Moro reflex} brisk and symmetrical.",
        "{Bohn nodules} on the gums.",
        "{Guthrie} heel-prick card sent on day 5.",
        "{Apgar} 9 and 10 per the red book.",
    ],
    "advance_directive": [
        "If I have {Lou Gehrig's disease} (ALS) and cannot swallow, no feeding tube.",
        "If I have advanced {Alzheimer's disease}, comfort care only.",
        "If I have {Creutzfeldt-Jakob disease}, no life-sustaining treatment.",
        "If I develop late {Huntington's disease}, do not attempt CPR.",
        "If {Pick disease} leaves me unable to know my family, no antibiotics for pneumonia.",
        "If my {Glasgow Coma Scale} stays at 8 or less for 14 days, stop ventilation.",
        "If {Binswanger disease} leaves me bedbound, hospice care at home.",
    ],
    "reminder_sms_log": [
        "{Doppler scan}",
        "{Mohs surgery}",
        "{Holter monitor} fitting",
        "{Mantoux} reading",
        "{Dix-Hallpike} review",
        "{Papanicolaou} smear",
    ],
    "biobank_manifest": [
        "{Hashimoto thyroiditis}",
        "{Behçet disease}",
        "{Castleman disease} (unicentric)",
        "{Takayasu arteritis}",
        "{Gaucher disease} type 1",
        "{Niemann-Pick disease} type C",
        "{Erdheim-Chester disease}",
        "{Graves disease}",
        "{Kikuchi disease}",
    ],
    "repatriation_letter": [
        "A {Weber B} fracture of the right ankle was fixed with a plate.",
        "A {Maisonneuve fracture} was excluded on imaging.",
        "Gastroscopy showed a {Mallory-Weiss tear}, not bleeding.",
        "CT ruled out {Boerhaave syndrome}.",
        "Ophthalmoplegia and ataxia suggested the {Miller Fisher variant}.",
        "Echo showed {Takotsubo cardiomyopathy} with apical ballooning.",
        "A bimalleolar {Pott fracture} was reduced under sedation.",
        "A {Schatzki ring} was dilated.",
        "Initial {Glasgow Coma Scale} 13, now 15.",
    ],
    "poison_centre_call": [
        "4-h level on the {Rumack-Matthew nomogram} is above the treatment line.",
        "Aspirin in a teenager: {Reye syndrome} risk discussed.",
        "White transverse {Mees lines} on the nails suggest chronic arsenic.",
        "Blue-grey {Burton line} on the gums (lead).",
        "Deep, rapid {Kussmaul breathing} reported by EMS.",
        "Thiamine given to prevent {Wernicke encephalopathy}.",
        "{Prussian blue} sourced for possible thallium.",
        "{Osborn waves} on the ECG (hypothermia).",
    ],
}
# Eponym words that are also surnames, for the collision notes.
_EPONYM_SURNAMES = frozenset(
    "Allen Lee Cormack Wolff Macintosh Trendelenburg Caprini Duchenne Harris Mifflin Whipple "
    "Wernicke Crohn Waterlow Prader Parkinson Zenker Rosenbek Passy Frazier Broca Guillain "
    "Wallenberg Kell Duffy Kidd Coombs Glanzmann Diamond Fanconi Kawasaki Down Tourette Bell "
    "Hansen Adams Tanner Sever Osgood Perthes Henoch Addison Hodgkin Cushing Barrett Meniere "
    "Hashimoto Westergren Gram Jones Epstein Friedewald Stokes Brugada Ebstein Fontan Lev "
    "Stevens Nikolsky Naranjo Kounis Arthus Lyell Quincke Erb Ortolani Barlow Moro Bohn "
    "Guthrie Apgar Gehrig Alzheimer Huntington Pick Binswanger Doppler Mohs Holter Mantoux Dix "
    "Castleman Gaucher Takayasu Graves Kikuchi Weber Mallory Boerhaave Miller Pott Reye Mees "
    "Burton Osborn Kussmaul".split()
)


def _eponym_surname(template: str) -> str | None:
    """The first word of the template's keep spans that is also a surname, if any."""
    for phrase in re.findall(r"\{([^}]*)\}", template):
        for word in re.split(r"[\s'\-^(),]+", phrase):
            if word in _EPONYM_SURNAMES:
                return word
    return None


# Non-PHI context the families draw from
_OPERATIONS = (
    "laparoscopic cholecystectomy",
    "right total knee replacement",
    "TURP",
    "left hemicolectomy",
    "cystoscopy and stent change",
    "ORIF left distal radius",
    "elective AAA repair (EVAR)",
)
_PACER_MODELS = ("Azure XT DR MRI", "Accolade DR", "Assurity MRI", "Edora 8 DR-T", "Micra AV")
_SUSPECT_DRUGS = (
    ("lamotrigine 25 mg tablets", "0173-0633-02"),
    ("vancomycin 1 g vial", "0409-6510-01"),
    ("amoxicillin 500 mg capsules", "0093-3109-01"),
    ("allopurinol 100 mg tablets", "0591-5543-01"),
    ("ceftriaxone 1 g vial", "0143-9858-10"),
)
_EXPOSURES = (
    "Took ~{n} x acetaminophen 500 mg tablets (NDC 50580-488-10) at about {t}; nausea.",
    "Took a second dose of metoprolol 50 mg by mistake at {t}; HR 52, BP 104/60.",
    "Drank about 30 mL of windshield washer fluid (methanol) at {t}; no symptoms yet.",
    "Swallowed {n} button batteries? No - one 20 mm lithium coin cell, X-ray advised.",
    "Chewed a fentanyl 25 mcg/h patch found on the floor at {t}; drowsy, RR 10.",
)
_PLAIN_TESTS = (
    ("Sodium", "2951-2", 128, 146, "mmol/L", "135-145"),
    ("Potassium", "2823-3", 3, 6, "mmol/L", "3.5-5.1"),
    ("Creatinine", "2160-0", 50, 260, "umol/L", "45-90"),
    ("Glucose", "2345-7", 3, 19, "mmol/L", "3.9-7.8"),
    ("Hemoglobin", "718-7", 70, 160, "g/L", "120-160"),
    ("Platelets", "777-3", 40, 450, "10*9/L", "150-400"),
    ("CRP", "1988-5", 1, 240, "mg/L", "<5"),
    ("TSH", "3016-3", 0, 12, "mIU/L", "0.4-4.0"),
)
_LANGUAGES = (
    "Spanish",
    "Mandarin",
    "Cantonese",
    "Vietnamese",
    "Arabic",
    "Haitian Creole",
    "Somali",
    "Russian",
    "Portuguese",
    "Tigrinya",
    "Hmong",
    "ASL",
    "Korean",
    "Dari",
    "Karen",
)
_DEPARTMENTS = ("Peds 2", "L&D", "Onc infusion", "ED", "Ortho clinic", "4 West", "Endo", "Renal")
_SAMPLE_TYPES = (
    ("EDTA plasma", "0.5 mL"),
    ("Serum", "1.0 mL"),
    ("Buffy coat", "0.3 mL"),
    ("PAXgene RNA", "2.5 mL"),
    ("Urine", "4.0 mL"),
    ("DNA (ext.)", "50 ug"),
)
_INSURERS = ("GlobeAssist Travel", "Meridian Travel Cover", "Atlas Assistance", "Nomad Health")


def _obs(rng: random.Random) -> str:
    """A line of observations: numbers that must not be mistaken for PHI."""
    return (
        f"BP {rng.randint(100, 175)}/{rng.randint(55, 98)} mmHg, HR {rng.randint(52, 108)}, "
        f"SpO2 {rng.randint(91, 99)}% on air, T {rng.uniform(36.0, 37.9):.1f} C, "
        f"wt {rng.uniform(45, 120):.1f} kg, BMI {rng.uniform(18, 41):.1f}."
    )


# Families
def _anaesthesia_preop(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    surgeon, anaesthetist, kin = case.someone(), case.someone(), case.someone()
    d.ln("PRE-ANAESTHETIC ASSESSMENT", rng.choice(("", " - PRE-ADMISSION CLINIC")))
    d.ln(("FACILITY", _facility(rng, case.fake, "hospital")), ", Department of Anaesthesia")
    d.add("Patient: ", _name(rng, pt, _PATIENT_FORMS, 0.0), f"   {_mrn_label(rng)} ")
    d.ln(("MRN", case.mrn))
    d.add("DOB: ", _date(rng, case.birth, _DOB), "   Age: ")
    d.ln(_age(rng, case.age, ("bare", "yrs", "yo")), "   Sex: ", "F" if pt.female else "M")
    d.add(f"Procedure: {rng.choice(_OPERATIONS)} with ")
    d.add(_name(rng, surgeon, _STAFF_FORMS, 0.9, doctor=True), ", listed for ")
    d.ln(_date(rng, case.later(2, 40), _PROSE + _NO_YEAR), ".")
    d.ln(f"Previous GA {rng.randint(1988, 2019)} uneventful; allergy: penicillin (rash).")
    for sentence in case.eponyms("anaesthesia_preop", 3):
        d.eponym(sentence + " ")
    d.ln()
    d.ln(_obs(rng), f" ASA {rng.choice(('II', 'III', 'IV'))}, METs > 4.")
    d.ln(
        f"Hb {rng.randint(95, 160)} g/L, K {rng.uniform(3.4, 5.3):.1f}, eGFR {rng.randint(25, 90)},"
        f" INR 1.{rng.randint(0, 4)}, HbA1c {rng.randint(38, 80)} mmol/mol."
    )
    if rng.random() < 0.5:
        d.add("Insulin pump in situ (serial ", ("DEVICE", _serial(rng, case.earlier(90, 900))))
        d.ln("): keep running, basal rate 0.8 U/h.")
    relation = _kin(rng, kin, ("daughter", "wife", "sister", "niece", "partner"))
    d.add(f"Escort home / NOK: {relation} ", _name(rng, kin, ("full", "given", "last_first"), 0.1))
    d.ln(", ", _phone(rng, 0.0, 0.2))
    d.add("Assessed by ", _name(rng, anaesthetist, ("full", "init_last", "full_mi"), 0.7, True))
    kind = rng.choice(("gmc", "state"))
    d.add(", GMC no. " if kind == "gmc" else ", lic. ", ("LICENSE", _license(rng, kind)), ", ")
    d.ln(_date(rng, case.visit, _FORM), " ", _clock(rng))


def _dietitian_assessment(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    referrer, dietitian, kin = case.someone(), case.someone(), case.someone()
    d.ln(rng.choice(("Nutrition and Dietetics - Initial Assessment", "DIETITIAN NOTE (INITIAL)")))
    d.add("Client: ", _name(rng, pt, (*_PATIENT_FORMS, "surname"), 0.3), " | ")
    d.add(_mrn_label(rng), " ", ("MRN", case.mrn), " | DOB ", _date(rng, case.birth, _DOB), " | ")
    d.ln(_age(rng, case.age, ("hyphen", "y/o", "yo", "words")))
    d.add("Referred ", _date(rng, case.earlier(1, 6), _NO_YEAR + _FORM), " by ")
    d.add(_name(rng, referrer, _STAFF_FORMS, 0.5, doctor=rng.random() < 0.5))
    d.ln(f" (ward 6, bay {rng.randint(1, 6)}): MUST score {rng.randint(2, 4)}, eating little.")
    height, now = rng.uniform(1.45, 1.9), rng.uniform(40, 90)
    d.ln(
        f"Weight {now:.1f} kg (usual {now * 1.12:.0f} kg in {case.visit.year - 1}), height "
        f"{height:.2f} m, BMI {now / height**2:.1f}, MUAC {rng.randint(19, 30)} cm."
    )
    for sentence in case.eponyms("dietitian_assessment", 3):
        d.eponym(sentence + " ")
    d.ln()
    d.ln(f"Needs {rng.randint(14, 22) * 100} kcal/day, protein 1.2 g/kg. PO4 0.62, Mg 0.68 mmol/L.")
    relation = _kin(rng, kin, ("daughter", "wife", "granddaughter", "sister"))
    d.add(f"Diet history from {relation} ", _name(rng, kin, ("given", "full"), 0.1), " (")
    d.ln(_phone(rng, 0.0, 0.15), "), who does the weekly shop.")
    if rng.random() < 0.6:
        d.add("Goes to the lunch club at ", ("FACILITY", _facility(rng, case.fake, "home")))
        d.ln(" near home, ", _address(rng, case.home), ".")
    d.add("Plan: ONS 2 x 200 mL daily, thiamine 100 mg tds; review ")
    d.ln(_date(rng, case.later(3, 14), _NO_YEAR + _PROSE), ".")
    d.add(_name(rng, dietitian, ("full", "full_mi", "init_last"), 0.0), ", RD, ")
    d.ln(
        *rng.choice(
            (
                ("HCPC ", ("LICENSE", _fill(rng, "DT0#####"))),
                ("LDN ", ("LICENSE", _fill(rng, "#####"))),
            )
        )
    )


def _swallow_evaluation(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    physician, therapist, kin = case.someone(), case.someone(), case.someone()
    d.ln("SPEECH-LANGUAGE PATHOLOGY - CLINICAL SWALLOW EVALUATION")
    d.add("Pt: ", _name(rng, pt, _PATIENT_FORMS, 0.0))
    d.add(
        f"   Rm {rng.randint(201, 940)}-{rng.choice('AB')}   {_mrn_label(rng)} ", ("MRN", case.mrn)
    )
    d.ln("   DOB ", _date(rng, case.birth, _DOB))
    d.add("Eval ", _date(rng, case.visit, _FORM + _PROSE), f", {_clock(rng)}. Ordered by ")
    d.ln(_name(rng, physician, _STAFF_FORMS, 1.0, doctor=True), ".")
    d.add("Hx: ", _age(rng, case.age, ("hyphen", "words", "y/o", "yo", "aged")), " ")
    d.add("woman" if pt.female else "man", " admitted ", _date(rng, case.earlier(1, 9), _NO_YEAR))
    d.add(" with a left MCA stroke (I63.512). ")
    for sentence in case.eponyms("swallow_evaluation", 2):
        d.eponym(sentence + " ")
    d.ln()
    d.ln(
        "Oral motor: reduced R labial seal, weak tongue lateralisation; wet voice after 3 oz water."
    )
    d.ln("Trials: IDDSI 0 by cup - cough x2; IDDSI 2 - clear; IDDSI 5 - slow oral phase.")
    d.ln(
        f"SpO2 {rng.randint(93, 98)}% before, {rng.randint(88, 96)}% after. Meds crushed in puree."
    )
    relation = _kin(rng, kin, ("daughter", "wife", "sister", "granddaughter"))
    d.add(f"{relation.capitalize()} ", _name(rng, kin, ("given", "full"), 0.2), " present. ")
    d.add(
        'Pt asked: "coffee again by ', _date(rng, case.later(5, 40), ("month_d", "mon_ord", "md"))
    )
    d.ln('?"')
    d.add("VFSS booked at ", ("FACILITY", _facility(rng, case.fake, "hospital")), " ")
    d.ln(_date(rng, case.later(1, 6), _NO_YEAR + _FORM), " ", _clock(rng), ".")
    d.add(_name(rng, therapist, ("full", "full_mi"), 0.0), ", MS, CCC-SLP, ASHA #")
    d.ln(("LICENSE", _fill(rng, "########")))


def _transfusion_units(d: _Draft, case: _Case, group: str) -> None:
    rng = case.rng
    d.ln("Donation no.      | Product       | Code     | Group  | Expires     | Vol")
    styles = [rng.choice(("iso", "us0", "dd_MON_y", "ymd_slash"))]
    for _ in range(rng.randint(1, 3)):
        # ISBT 128 donation number: collection facility, year, sequence.
        din = _fill(rng, "@####") + f" {case.visit.year % 100:02d} " + _fill(rng, "######")
        d.add(("ID", din), " | Red cells, LR | ", _fill(rng, "E0###V00"), f" | {group:<6} | ")
        d.ln(_date(rng, case.later(3, 35), styles), f" | {rng.randint(250, 330)} mL")


def _transfusion_record(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    doctor, nurse_a, nurse_b = case.someone(), case.someone(), case.someone()
    d.ln("TRANSFUSION ADMINISTRATION RECORD")
    d.ln(("FACILITY", _facility(rng, case.fake, "hospital")), " - Transfusion Service")
    d.add("Recipient: ", _name(rng, pt, ("LAST_FIRST", "LAST_first", "last_first_mi"), 0.0))
    d.ln("   ", _mrn_label(rng), " ", ("MRN", case.mrn), "   DOB ", _date(rng, case.birth, _DOB))
    group = rng.choice(("O NEG", "O POS", "A POS", "A NEG", "B POS", "AB POS"))
    d.ln(f"ABO/Rh: {group}   Antibody screen: POS   Sample {_clock(rng)}, valid 72 h")
    for sentence in case.eponyms("transfusion_record", 2):
        d.eponym(sentence)
        d.ln()
    d.add("Ordered by ", _name(rng, doctor, _STAFF_FORMS, 0.9, doctor=True))
    d.ln(f" for Hb {rng.randint(58, 75)} g/L; consent signed ", _date(rng, case.visit, _FORM), ".")
    _transfusion_units(d, case, group)
    d.add("Blood warmer S/N ", ("DEVICE", _serial(rng, case.earlier(200, 1500))))
    d.ln("; 18G L forearm; 120 mL/h for 15 min, then 250 mL/h.")
    d.ln(
        f"Pre: T 36.{rng.randint(4, 9)} BP {rng.randint(100, 150)}/{rng.randint(55, 90)} | 15 min:"
    )
    d.ln(f"T 36.{rng.randint(5, 9)} HR {rng.randint(70, 110)} | post: no reaction, Hb check 06:00.")
    d.add("Bedside check: ", _name(rng, nurse_a, ("full", "init_last", "initials"), 0.0), ", RN + ")
    d.ln(_name(rng, nurse_b, ("full", "init_last", "initials"), 0.0), ", RN")
    d.ln("Blood bank: ", _phone(rng, 0.5, 0.0))


def _interpreter_rows(d: _Draft, case: _Case, people: list[_Person]) -> None:
    rng = case.rng
    d.ln("Job       | Start  | Min | Language       | Mode      | Patient | MRN | Dept")
    for person in people:
        mrn = case.mrn if person is case.patient else _pick_fill(rng, _MRN_PATTERNS)
        d.add(("ID", _fill(rng, "J-######")), f" | {_clock(rng):<6} | {rng.randint(8, 75):>3} | ")
        d.add(f"{rng.choice(_LANGUAGES):<14} | {rng.choice(('in person', 'VRI', 'OPI')):<9} | ")
        d.add(_name(rng, person, ("LAST_first", "last_first", "LAST_FIRST"), 0.0), " | ")
        d.ln(("MRN", mrn), f" | {rng.choice(_DEPARTMENTS)}")


def _interpreter_log(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    interpreter = case.someone()
    others = [case.someone() for _ in range(rng.randint(2, 4))]
    d.ln("INTERPRETER SERVICES - ENCOUNTER LOG")
    d.add(("FACILITY", _facility(rng, case.fake, "hospital")), "   Log date: ")
    d.ln(_date(rng, case.visit, _FORM + _PROSE))
    d.add("Interpreter: ", _name(rng, interpreter, ("full", "init_last", "LAST_first"), 0.0))
    d.ln(", cert. ", ("LICENSE", _license(rng, "cert")), ", badge ", ("ID", _fill(rng, "#####")))
    _interpreter_rows(d, case, [pt, *others])
    d.ln("Notes:")
    son = case.someone(female=False)
    pronoun = "her" if pt.female else "his"
    d.add("- ", _name(rng, pt, ("given", "full", "surname"), 0.3), f" asked me to ring {pronoun} ")
    d.ln("son ", _name(rng, son, ("given", "full"), 0.0), " on ", _phone(rng, 0.0, 0.3), ".")
    for sentence in case.eponyms("interpreter_log", 2):
        d.add("- ")
        d.eponym(sentence)
        d.ln()
    d.add("- A relative offered to interpret for ", _name(rng, others[0], ("full", "surname"), 0.5))
    d.ln("; declined per policy, VRI used.")
    d.add("- Next: ", _date(rng, case.later(1, 14), _NO_YEAR + _FORM), f" {_clock(rng)}, in person")
    d.ln(" (pt is ", _age(rng, case.age, ("y/o", "yo", "hyphen")), ", hard of hearing).")


def _school_nurse_referral(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    case.set_age(rng.randint(5, 17))
    parent = case.someone(surname=pt.surname if rng.random() < 0.7 else None)
    elder, nurse = case.someone(), case.someone()
    district = rng.choice(("Unified School District", "Public Schools", "ISD"))
    d.ln(("FACILITY", f"{case.fake['en_US'].city()} {district}"), " - School Health Services")
    d.ln("REFERRAL TO HEALTH CARE PROVIDER          Date: ", _date(rng, case.visit, _FORM))
    d.add("Student: ", _name(rng, pt, ("full", "LAST_first", "last_first"), 0.0))
    d.add("   DOB: ", _date(rng, case.birth, _DOB), f"   Grade: {case.age - 5 or 'K'}   ID: ")
    d.ln(("ID", _pick_fill(rng, ("#########", "S#######", "##-#####"))))
    d.add("School: ", ("FACILITY", _facility(rng, case.fake, "school")), "   Health office: ")
    d.ln(("PHONE", _us_phone(rng, extension=0.6)))
    relation = _kin(rng, parent, ("mother", "grandmother", "aunt"))
    d.add(f"Parent/guardian ({relation}): ", _name(rng, parent, ("full", "last_first"), 0.3))
    parent_email = _email(rng, case.fake, parent)
    d.ln("   Cell: ", ("PHONE", case.phone_text()), "   Email: ", ("EMAIL", parent_email))
    d.ln("Reason for referral:")
    d.add("  Vision screen ", _date(rng, case.earlier(2, 20), _NO_YEAR))
    d.ln(f": R 20/{rng.choice((40, 50, 70))}, L 20/{rng.choice((30, 40, 50))} - did not pass.")
    for sentence in case.eponyms("school_nurse_referral", 2):
        d.add("  ")
        d.eponym(sentence)
        d.ln()
    bp = f"{rng.randint(118, 135)}/{rng.randint(76, 88)}"
    d.ln(f"  BP {bp} twice; BMI {rng.uniform(17, 31):.1f} ({rng.randint(50, 99)}th %ile).")
    elder_kin = _kin(rng, elder, ("great-grandmother", "grandmother"))
    d.add(f"Lives with family and {elder_kin} ", _name(rng, elder, ("given", "full"), 0.2), " (")
    d.ln(_age(rng, rng.randint(84, 99), ("bare", "aged", "yrs")), ") at ", _address(rng, case.home))
    domain = _domain(rng, case.fake)
    d.add("Please return by fax ", ("PHONE", _us_phone(rng)), " or to ")
    d.ln(("EMAIL", _email(rng, case.fake, nurse, domain)), ".")
    d.add(_name(rng, nurse, ("full", "full_mi"), 0.0), ", BSN, RN, NCSN   License ")
    d.ln(("LICENSE", _license(rng, "state")))


_NK1_RELATIONS = {"SPO": ("Spouse", None), "DAU": ("Daughter", True), "SON": ("Son", False)}


def _hl7_name(person: _Person) -> list[Piece]:
    return [("NAME", person.surname.upper()), "^", ("NAME", person.given.upper())]


def _hl7_pid(d: _Draft, case: _Case) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    d.add("PID|1||", ("MRN", case.mrn), "^^^HOSP^MR||", _hl7_name(pt), "||")
    d.add(("DATE", _date_text(case.birth, "compact")), f"|{'F' if pt.female else 'M'}|||")
    d.add(("ADDRESS", home.street.upper()), "^^", ("CITY", home.city.upper()), f"^{home.region}^")
    d.add(("ZIP", home.postcode), "^USA^H||", ("PHONE", case.phone_text("({a}){b}-{c}")), "^PRN^PH")
    if rng.random() < 0.6:
        email = case.email.upper() if rng.random() < 0.5 else case.email
        d.add("~^NET^Internet^", ("EMAIL", email))
    d.ln("|||||", ("ID", _fill(rng, "A#########")), "|", ("SSN", _ssn(rng, rng.choice(("-", "")))))


def _hl7_adt_feed(d: _Draft, case: _Case) -> None:
    rng = case.rng
    doctor = case.someone()
    code = rng.choice(list(_NK1_RELATIONS))
    relation, female = _NK1_RELATIONS[code]
    kin = case.someone(female=female)
    seconds = f"{rng.randrange(60):02d}" if rng.random() < 0.5 else ""
    stamp = _date_text(case.visit, "compact") + f"{rng.randrange(24):02d}{rng.randrange(60):02d}"
    stamp += seconds
    d.ln("# MLLP inbound from ", ("IP", _ip(rng)), f" port {rng.choice((2575, 6661, 7001))}")
    d.add("MSH|^~\\&|ADT|", ("FACILITY", _facility(rng, case.fake, "hospital").upper()))
    d.add("|CLINICODE|CODING|", ("DATE", stamp), f"||ADT^A0{rng.choice('148')}|")
    d.ln(("ID", _pick_fill(rng, ("MSG#########", "#########"))), "|P|2.5.1")
    d.ln("EVN|A01|", ("DATE", stamp))
    _hl7_pid(d, case)
    d.ln("NK1|1|", _hl7_name(kin), f"|{code}^{relation}|||", ("PHONE", _us_phone(rng)))
    d.add(
        f"PV1|1|I|4W^{rng.randint(401, 440)}^{rng.choice('AB')}||||",
        ("LICENSE", _license(rng, "npi")),
    )
    d.add("^", _hl7_name(doctor), "^^^DR|||MED|||||||||", ("ID", _fill(rng, "V########")))
    d.ln("||||||||||||||||||||", ("DATE", stamp))
    for index, sentence in enumerate(case.eponyms("hl7_adt_feed", 2), 1):
        d.eponym(f"DG1|{index}||{sentence}^I10|||A")
        d.ln()
    d.ln(f"OBX|1|NM|8480-6^Systolic BP^LN||{rng.randint(96, 182)}|mm[Hg]|||||F")
    d.ln(f"OBX|2|NM|2345-7^Glucose^LN||{rng.randint(70, 310)}|mg/dL|70-99|H|||F")
    d.ln("OBX|3|NM|30525-0^Age^LN||", _age(rng, case.age, ("bare",)), "|a|||||F")
    d.add(f"NTE|1||{relation} ", ("NAME", kin.given), " at bedside, prefers a call on ")
    d.ln(("PHONE", _us_phone(rng, extension=0.2)))
    d.ln("AL1|1|DA|^Penicillin|MO|Rash")


def _lab_csv_row(d: _Draft, case: _Case, fixed: dict[str, str], test: str) -> None:
    d.add('"', ("NAME", fixed["name"]), '",', ("MRN", case.mrn), ",", ("DATE", fixed["dob"]), ",")
    d.add(("SSN", fixed["ssn"]), ",", ("DATE", fixed["collected"]), f" {fixed['clock']},")
    d.add(("ID", fixed["accession"]), ",")
    d.eponym(test)
    d.ln(",", ("LICENSE", fixed["npi"]))


def _plain_test(rng: random.Random) -> str:
    name, loinc, low, high, unit, reference = rng.choice(_PLAIN_TESTS)
    value = rng.uniform(low, high)
    shown = f"{value:.1f}" if high < 20 else str(round(value))
    return f"{name},{loinc},{shown},{unit},{reference},{rng.choice(('', 'H', 'L'))}"


def _lab_csv_export(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    requester = case.someone()
    fixed = {
        "name": _name_text(pt, rng.choice(("LAST_FIRST", "last_first", "LAST_first"))),
        "dob": _date_text(case.birth, rng.choice(("iso", "us0", "compact"))),
        "ssn": _ssn(rng, "-"),
        "collected": _date_text(case.earlier(0, 3), rng.choice(("iso", "us0", "ymd_slash"))),
        "clock": f"{rng.randint(5, 23):02d}:{rng.randrange(60):02d}",
        "accession": _fill(rng, rng.choice(("##-CH-######", "@##-#####"))),
        "npi": _license(rng, "npi"),
    }
    domain = _domain(rng, case.fake)
    d.add("# LIS export lab_results_", ("DATE", _date_text(case.visit, "compact")), ".csv for ")
    d.ln(("EMAIL", _email(rng, case.fake, requester, domain)), " from ", ("IP", _ip(rng)))
    d.ln("PATIENT_NAME,MRN,DOB,SSN,COLLECTED,ACCESSION,TEST,LOINC,RESULT,UNITS,REF_RANGE,FLAG,NPI")
    tests = case.eponyms("lab_csv_export", rng.randint(1, 2))
    tests += [_plain_test(rng) for _ in range(rng.randint(2, 4))]
    rng.shuffle(tests)
    for test in tests:
        _lab_csv_row(d, case, fixed, test)
    d.ln(f"# {len(tests)} rows; units SI; generated {fixed['clock']} by job lis_export_v3")


def _device_clinic_check(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    implanter, reviewer = case.someone(), case.someone()
    implanted = case.earlier(200, 3000)
    d.ln("CARDIAC DEVICE CLINIC - ", rng.choice(("REMOTE TRANSMISSION", "IN-CLINIC INTERROGATION")))
    d.ln(("FACILITY", _facility(rng, case.fake, "heart")))
    d.add("Patient: ", _name(rng, pt, _PATIENT_FORMS, 0.1), "   DOB ", _date(rng, case.birth, _DOB))
    d.ln("   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    d.ln(f"Device: {rng.choice(_PACER_MODELS)}   Serial: ", ("DEVICE", _serial(rng, implanted)))
    d.add("Implanted ", _date(rng, implanted, _FORM + _PROSE), " at ")
    d.add(("FACILITY", _facility(rng, case.fake, "hospital")), " by ")
    d.ln(_name(rng, implanter, _STAFF_FORMS, 1.0, doctor=True))
    d.add(
        "RA lead 5076-52 cm SN ", ("DEVICE", _fill(rng, "PJN#######")), "; RV lead 5076-58 cm SN "
    )
    d.ln(("DEVICE", _fill(rng, "PJN#######")))
    d.add("Home monitor ", ("DEVICE", _serial(rng, implanted)), ", last upload ")
    d.ln(
        _date(rng, case.earlier(0, 3), _FORM + _NO_YEAR), f" {_clock(rng)} from ", ("IP", _ip(rng))
    )
    d.ln(
        f"Battery {rng.uniform(2, 11):.1f} y | RA sense {rng.uniform(1, 4):.1f} mV | RV thr "
        f"0.{rng.randint(5, 9)} V @ 0.4 ms | imp {rng.randint(380, 900)} ohm | AF burden "
        f"{rng.uniform(0, 12):.1f}%"
    )
    for sentence in case.eponyms("device_clinic_check", 2):
        d.eponym(sentence + " ")
    d.ln()
    d.add("Phoned patient (", _age(rng, case.age, ("y/o", "yo", "yrs", "hyphen")), ") on ")
    d.ln(("PHONE", case.phone_text()), "; no symptoms.")
    d.ln("Next remote ", _date(rng, case.later(80, 100), _PROSE + _FORM), ".")
    domain = _domain(rng, case.fake)
    d.ln("Report: ", ("URL", _url(rng, domain, "device/reports")))
    d.add("Reviewed: ", _name(rng, reviewer, ("full", "init_last"), 0.0), ", CCDS #")
    d.ln(("LICENSE", _license(rng, "cert")))


def _adverse_reaction_report(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    reporter = case.someone()
    drug, ndc = rng.choice(_SUSPECT_DRUGS)
    onset = case.earlier(1, 9)
    domain = _domain(rng, case.fake)
    d.ln("SUSPECTED ADVERSE DRUG REACTION REPORT (voluntary)")
    d.add("Report no. ", ("ID", _pick_fill(rng, ("ADR-####-#####", "#######-#"))), "   Received ")
    d.ln(_date(rng, case.visit, _FORM + _PROSE))
    d.add("A. PATIENT  initials ", ("NAME", _name_text(pt, "initials")), "   age at event ")
    d.add(_age(rng, case.age, ("bare", "yrs", "y.o.")), f"   sex {'F' if pt.female else 'M'}")
    d.ln(f"   wt {rng.randint(45, 110)} kg   {_mrn_label(rng)} ", ("MRN", case.mrn))
    d.add("B. REACTION  onset ", _date(rng, onset, _ANY), ": ")
    for sentence in case.eponyms("adverse_reaction_report", 2):
        d.eponym(sentence + " ")
    d.ln()
    eosinophils, alt = rng.uniform(0.5, 3), rng.randint(30, 400)
    d.ln(f"   Hospitalised, recovering. Eos {eosinophils:.1f} x10^9/L, ALT {alt} U/L.")
    d.add(f"C. PRODUCT  {drug}, NDC {ndc}, lot {_fill(rng, '@@####@')}, exp ")
    d.ln(_date(rng, case.later(100, 700), ("us0", "iso", "month_y", "dd_MON_y")))
    d.add("   started ", _date(rng, case.earlier(10, 40), _FORM), ", stopped ")
    d.ln(_date(rng, onset, _FORM), "; dechallenge positive.")
    d.add("D. REPORTER  ", _name(rng, reporter, ("full", "full_mi"), 0.0))
    d.ln(
        rng.choice((", PharmD, ", ", RPh, ", ", MD, ")),
        ("FACILITY", _facility(rng, case.fake, "pharmacy")),
    )
    d.ln("   ", _address(rng, _us_address(case.fake)))
    d.add(
        "   tel ",
        _phone(rng, 0.3, 0.0),
        "   e-mail ",
        ("EMAIL", _email(rng, case.fake, reporter, domain)),
    )
    d.ln("   NPI ", ("LICENSE", _license(rng, "npi")))
    d.ln("Submitted via ", ("URL", _url(rng, domain, "safety/report")), " from ", ("IP", _ip(rng)))


def _health_visitor_record(d: _Draft, case: _Case) -> None:
    rng, baby = case.rng, case.patient
    days = rng.randint(10, 14)
    case.set_age(0, days_old=days)
    case.home = _foreign_address(case.fake, "uk")
    case.phone, case.phone_digits = _fill(rng, "07### ######"), ""
    mother = case.someone(female=True, surname=baby.surname if rng.random() < 0.6 else None)
    gp, visitor, elder = case.someone(), case.someone(), case.someone(female=True)
    case.email = _email(rng, case.fake, mother)
    uk_dates = ("d_month_y", "eu_slash", "ord_month_y", "eu_dot")
    d.ln("HEALTH VISITING SERVICE - NEW BIRTH VISIT")
    d.add("Baby: ", _name(rng, baby, ("full", "LAST_first"), 0.0), "   NHS no. ")
    d.ln(("ID", _fill(rng, "### ### ####")), "   Hosp no. ", ("MRN", case.mrn))
    d.add(
        "Born ", _date(rng, case.birth, uk_dates), f" at {rng.randint(36, 41)}+{rng.randint(0, 6)}"
    )
    d.ln(
        f" weeks, BW {rng.uniform(2.5, 4.3):.2f} kg, at ",
        ("FACILITY", _foreign_hospital(rng, _foreign_address(case.fake, "uk"), "uk")),
    )
    d.add("Mother: ", _name(rng, mother, ("full", "full_mi", "last_first"), 0.4), ", DOB ")
    mother_birth = _birth_for(rng, case.visit, rng.randint(17, 44))
    d.ln(_date(rng, mother_birth, uk_dates), ", mobile ", ("PHONE", case.phone))
    d.ln("Address: ", _address(rng, case.home))
    d.add("GP: ", _name(rng, gp, _STAFF_FORMS, 1.0, doctor=True), ", ")
    d.ln(
        ("FACILITY", _facility(rng, case.fake, "clinic")),
        ", tel ",
        ("PHONE", _foreign_phone(rng, "uk")),
    )
    d.add("Visit ", _date(rng, case.visit, ("wd_d_month", *uk_dates)), f" {_clock(rng)}, at home. ")
    d.ln(f"Weight {rng.uniform(2.6, 4.6):.2f} kg on day {days}; breast fed 8-10 times a day.")
    for sentence in case.eponyms("health_visitor_record", 3):
        d.eponym(sentence + " ")
    d.ln()
    d.add("Also at home: great-grandmother ", _name(rng, elder, ("given", "full", "surname"), 0.3))
    d.ln(" (", _age(rng, rng.randint(86, 99), ("bare", "aged", "yrs")), "), housebound.")
    d.add("6-8 week review ", _date(rng, case.later(30, 45), (*_NO_YEAR, "d_month_y")), ". ")
    d.ln("Mother's e-mail for the app: ", ("EMAIL", case.email))
    d.add(_name(rng, visitor, ("full", "init_last"), 0.0), ", SCPHN (HV), NMC PIN ")
    d.ln(("LICENSE", _license(rng, "nmc")))


def _advance_directive(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    agent, alternate, witness_a, witness_b, notary = (case.someone() for _ in range(5))
    d.ln("ADVANCE HEALTH CARE DIRECTIVE\nPart 1 - Power of attorney for health care")
    d.add("I, ", _name(rng, pt, ("FULL", "full_mi", "full"), 0.0), ", born ")
    d.add(_date(rng, case.birth, ("month_d_y", "us", "us0", "d_month_y")), ", of ")
    d.add(_address(rng, case.home, caps=rng.random() < 0.3), ", being ")
    d.ln(_age(rng, case.age, ("of_age",)), " and of sound mind, appoint:")
    relation = _kin(rng, agent, ("daughter", "niece", "wife", "sister"))
    d.add("  Agent: ", _name(rng, agent, ("full", "full_mi"), 0.0), f" ({relation}), ")
    d.add(_address(rng, _us_address(case.fake)), ", ", _phone(rng, 0.0, 0.0), ", ")
    d.ln(("EMAIL", _email(rng, case.fake, agent)))
    d.ln("  Alternate: ", _name(rng, alternate, ("full",), 0.0), ", ", _phone(rng, 0.0, 0.5))
    d.ln("Part 2 - Instructions")
    for sentence in case.eponyms("advance_directive", 2):
        d.add("  [x] ")
        d.eponym(sentence)
        d.ln()
    d.ln("  [x] I wish to donate any needed organs and tissues.")
    d.add("Signed ", _date(rng, case.earlier(0, 30), ("legal",)), " at ", ("CITY", case.home.city))
    d.ln(f", {case.home.region}.\nWitnesses (neither is my agent nor my health care provider):")
    for witness in (witness_a, witness_b):
        d.ln(
            "  ",
            _name(rng, witness, ("full", "FULL"), 0.0),
            ", ",
            _address(rng, _us_address(case.fake)),
        )
    d.add("Notary: ", _name(rng, notary, ("full", "full_mi"), 0.0), ", commission no. ")
    d.add(("LICENSE", _license(rng, "notary")), ", expires ")
    d.ln(_date(rng, case.later(200, 1400), ("us", "us0", "month_d_y")))
    d.add("Scanned at ", ("FACILITY", _facility(rng, case.fake, "hospital")), " on ")
    d.ln(_date(rng, case.visit, _FORM), " (", _mrn_label(rng), " ", ("MRN", case.mrn), ").")


def _sms_stamp(rng: random.Random, day: date, style: str) -> list[Piece]:
    clock = f"{rng.randint(7, 20):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    return [("DATE", _date_text(day, style)), f" {clock} "]


def _reminder_sms_log(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    doctor = case.someone()
    clinic = _facility(rng, case.fake, rng.choice(("clinic", "heart", "hospital")))
    domain, style, phone = (
        _domain(rng, case.fake),
        rng.choice(("iso", "us0", "ymd_slash")),
        case.phone_text(),
    )
    first, second = case.eponyms("reminder_sms_log", 2)
    d.ln(
        "PATIENT MESSAGING - DELIVERY LOG   gateway ",
        ("IP", _ip(rng)),
        f":{rng.choice((443, 8443))}",
    )
    d.add("Recipient: ", _name(rng, pt, ("LAST_first", "last_first", "full"), 0.0), "   ")
    d.add(_mrn_label(rng), " ", ("MRN", case.mrn), "   profile: ")
    d.ln(_age(rng, case.age, ("y/o", "yo", "yrs")), ", SMS preferred")
    d.ln(_sms_stamp(rng, case.visit, style), "OUT to ", ("PHONE", phone), " DELIVERED")
    d.add('  "Hi ', ("NAME", pt.given), ", this is ", ("FACILITY", clinic), ". Your ")
    d.eponym(first)
    d.add(" is on ", _date(rng, case.later(2, 9), ("wd_full", "wd_short", "wd_us", "mon_ord")))
    d.add(
        f" at {rng.randint(8, 16)}:{rng.choice(('00', '20', '40'))} with Dr ",
        ("NAME", doctor.surname),
    )
    d.ln(
        ". Reply C to confirm or call ",
        _phone(rng, 0.0, 0.0),
        ". Map: ",
        ("URL", _short_url(rng)),
        '"',
    )
    d.add(_sms_stamp(rng, case.visit, style), "IN from ", ("PHONE", phone), ' "C thanks - ')
    d.ln(("NAME", pt.given.lower()), '"')
    d.add(_sms_stamp(rng, case.later(10, 20), style), 'OUT "Your ')
    d.eponym(second)
    d.ln(" results are ready: ", ("URL", _url(rng, domain, "mychart")), ' - do not reply"')
    if rng.random() < 0.6:
        d.ln(
            _sms_stamp(rng, case.later(10, 20), style),
            "EMAIL to ",
            ("EMAIL", case.email),
            " BOUNCED 550",
        )
    d.ln(_sms_stamp(rng, case.later(21, 30), style), "OUT FAILED (carrier 30007), retry queued")
    d.ln("Totals: 4 out, 1 in, 1 failed; opt-out none; cost 0.0075 USD/segment.")


def _biobank_manifest(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    coordinator = case.someone()
    domain = _domain(rng, case.fake)
    cohort, comorbidity = case.eponyms("biobank_manifest", 2)
    d.ln("BIOREPOSITORY SAMPLE MANIFEST")
    d.add(
        "Shipment ",
        ("ID", _fill(rng, "SHP-####-###")),
        " to ",
        ("FACILITY", _facility(rng, case.fake, "lab")),
    )
    d.ln(", shipped ", _date(rng, case.visit, _FORM), " on dry ice, 2 boxes")
    d.add("Participant ", ("ID", _pick_fill(rng, ("BB-####-###", "P######", "@@@-#####"))))
    d.add("   site MRN ", ("MRN", case.mrn), "   (name, site copy only: ")
    d.ln(_name(rng, pt, ("LAST_first", "full"), 0.0), ")")
    d.add(
        "DOB ",
        _date(rng, case.birth, _DOB),
        "   age at draw ",
        _age(rng, case.age, ("bare", "yrs")),
    )
    d.add(f"   sex {'F' if pt.female else 'M'}   cohort: ")
    d.eponym(cohort)
    d.add("   comorbidity: ")
    d.eponym(comorbidity)
    d.ln()
    d.add("Consent v4.2 signed ", _date(rng, case.earlier(100, 900), _FORM), "; withdrawals to ")
    d.ln(("EMAIL", _email(rng, case.fake, coordinator, domain)))
    d.ln("Barcode     | Type        | Vol    | Drawn      | Freezer | Position")
    drawn, style = case.earlier(1, 60), rng.choice(("iso", "us0", "dd_MON_y"))
    for kind, volume in rng.sample(_SAMPLE_TYPES, rng.randint(3, 5)):
        d.add(("ID", _fill(rng, "BBX########")), f" | {kind:<11} | {volume:<6} | ")
        d.add(("DATE", _date_text(drawn, style)), f" | -80 F{rng.randint(1, 12):02d} | ")
        rack, box = rng.randint(1, 6), rng.randint(1, 20)
        d.ln(f"R{rack}-B{box}-{rng.choice('ABCDEFGHI')}{rng.randint(1, 9)}")
    d.add(
        "Packed by ",
        _name(rng, coordinator, ("full", "init_last"), 0.0),
        ", ",
        _phone(rng, 0.5, 0.1),
    )
    d.ln("; uploaded from ", ("IP", _ip(rng)), " to ", ("URL", _url(rng, domain, "lims/manifest")))


def _repatriation_head(d: _Draft, case: _Case, country: str) -> None:
    rng = case.rng
    place = _foreign_address(case.fake, country)
    d.ln(("FACILITY", _foreign_hospital(rng, place, country)))
    d.ln(rng.choice(("Department of Internal Medicine", "Trauma Surgery", "Intensive Care")))
    d.ln(_address(rng, place))
    d.add("Tel. ", ("PHONE", _foreign_phone(rng, country)), "   Fax ")
    d.ln(("PHONE", _foreign_phone(rng, country)))
    d.ln(_date(rng, case.visit, _ABROAD[country].date_styles))


def _repatriation_letter(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    country = rng.choice(("de", "es", "nl", "ie", "fr"))
    styles = _ABROAD[country].date_styles
    chief, resident, receiving = case.someone(), case.someone(), case.someone()
    _repatriation_head(d, case, country)
    d.add("To: ", _name(rng, receiving, _STAFF_FORMS, 1.0, doctor=True), ", ")
    d.ln(("FACILITY", _facility(rng, case.fake, "hospital")), ", USA")
    d.ln("\nMEDICAL REPORT FOR REPATRIATION")
    d.add("Re: ", _name(rng, pt, ("full", "LAST_first", "last_first"), 0.5), ", born ")
    d.add(_date(rng, case.birth, (*styles, "iso")), ", case no. ", ("ID", _fill(rng, "#########")))
    d.ln(", passport ", ("ID", _pick_fill(rng, ("#########", "@########"))))
    d.add("Dear colleague,\nwe report on the above ")
    d.add(_age(rng, case.age, ("hyphen", "words", "yo")), " patient, on holiday in ")
    d.add("the " if country == "nl" else "", _ABROAD[country].country, ", treated here from ")
    d.add(_date(rng, case.earlier(4, 20), styles), " to ", _date(rng, case.visit, styles), ". ")
    for sentence in case.eponyms("repatriation_letter", 2):
        d.eponym(sentence + " ")
    d.ln()
    d.ln("On transfer: enoxaparin 40 mg s.c. daily, paracetamol 1 g q6h; Hb 10.9 g/dL, CRP 38.")
    d.add("Home address: ", _address(rng, case.home), f". Insurer {rng.choice(_INSURERS)}, policy ")
    d.add(("ID", _fill(rng, "@@-#######")), ", 24 h line ", ("PHONE", _foreign_phone(rng, "other")))
    d.ln(". Fit to fly ", _date(rng, case.later(1, 5), (*styles, "d_mon")), " with escort.")
    d.ln("Kind regards,")
    d.ln(_name(rng, chief, ("full", "surname"), 1.0, doctor=True), ", Chief Physician")
    domain = f"{case.fake['en_US'].domain_word()}-hospital.{country}"
    d.add(_name(rng, resident, ("full", "init_last"), 1.0, doctor=True), ", Resident, ")
    d.ln(("EMAIL", _email(rng, case.fake, resident, domain)))


def _poison_centre_call(d: _Draft, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    caller, specialist, ed_doctor = case.someone(), case.someone(), case.someone()
    d.add(("FACILITY", _facility(rng, case.fake, "poison")), " - CASE RECORD   Case # ")
    d.ln(("ID", _pick_fill(rng, ("##-#######", "PC#########"))))
    d.add("Call ", _date(rng, case.visit, _FORM + ("wd_full",)), f" {_clock(rng)}; caller: ")
    relation = _kin(rng, caller, ("daughter", "granddaughter", "wife", "niece"))
    d.add(f"{relation} ", _name(rng, caller, ("full", "given"), 0.2), ", callback ")
    d.ln(_phone(rng, 0.0, 0.05))
    d.add("Patient: ", _name(rng, pt, ("full", "full_mi", "last_first"), 0.2), ", ")
    d.add(_age(rng, case.age, _AGE_FORMS), f", {rng.randint(40, 95)} kg, at home: ")
    d.ln(_address(rng, case.home), ".")
    d.ln(rng.choice(_EXPOSURES).format(n=rng.randint(8, 40), t=_clock(rng)))
    for sentence in case.eponyms("poison_centre_call", 2):
        d.eponym(sentence + " ")
    d.ln()
    d.add("Referred to ", ("FACILITY", _facility(rng, case.fake, "hospital")), " ED; spoke to ")
    d.ln(_name(rng, ed_doctor, _STAFF_FORMS, 1.0, doctor=True), " on ", _phone(rng, 0.6, 0.0), ".")
    d.add("Follow-up ", _date(rng, case.later(0, 2), _NO_YEAR + _FORM), f" {_clock(rng)}: ")
    d.ln(f"level {rng.randint(20, 240)} mcg/mL at 4 h, NAC started; outcome minor effect.")
    d.add("SPI: ", _name(rng, specialist, ("full", "init_last", "initials"), 0.0), ", RN, CSPI #")
    d.ln(("LICENSE", _license(rng, "cert")))


# Generator
_WRITERS: dict[str, Callable[[_Draft, _Case], None]] = {
    "anaesthesia_preop": _anaesthesia_preop,
    "dietitian_assessment": _dietitian_assessment,
    "swallow_evaluation": _swallow_evaluation,
    "transfusion_record": _transfusion_record,
    "interpreter_log": _interpreter_log,
    "school_nurse_referral": _school_nurse_referral,
    "hl7_adt_feed": _hl7_adt_feed,
    "lab_csv_export": _lab_csv_export,
    "device_clinic_check": _device_clinic_check,
    "adverse_reaction_report": _adverse_reaction_report,
    "health_visitor_record": _health_visitor_record,
    "advance_directive": _advance_directive,
    "reminder_sms_log": _reminder_sms_log,
    "biobank_manifest": _biobank_manifest,
    "repatriation_letter": _repatriation_letter,
    "poison_centre_call": _poison_centre_call,
}
FAMILIES_E: tuple[str, ...] = tuple(_WRITERS)


def _new_case(rng: random.Random, fake: Faker, family: str) -> _Case:
    visit = date(2022, 1, 1) + timedelta(days=rng.randrange(5 * 365))
    age = rng.randint(90, 105) if rng.random() < OLD_AGE_RATE else rng.randint(18, 89)
    digits = _us_digits(rng)
    case = _Case(
        rng=rng,
        fake=fake,
        patient=_make_person(rng, fake),
        age=age,
        birth=_birth_for(rng, visit, age),
        visit=visit,
        mrn=_pick_fill(rng, _MRN_PATTERNS),
        home=_us_address(fake),
        phone=f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        phone_digits=digits,
        email="",
    )
    _lend_eponym_surname(case, family)
    case.email = _email(rng, fake, case.patient)
    return case


def _lend_eponym_surname(case: _Case, family: str) -> None:
    """In some notes, give the patient or another person an eponym's surname."""
    rng = case.rng
    if rng.random() >= COLLISION_RATE:
        return
    colliding = [t for t in _EPONYMS[family] if _eponym_surname(t)]
    case.forced_eponym = rng.choice(colliding)
    surname = _eponym_surname(case.forced_eponym)
    if rng.random() < 0.6:
        case.patient = replace(case.patient, surname=surname)
    else:
        case.lent_surname = surname


def generate_heldout_e(n: int, seed: int) -> list[AnnotatedNote]:
    """Generate ``n`` annotated notes of set E, spread evenly over ``FAMILIES_E``.

    Note ``i`` is of family ``FAMILIES_E[i % len(FAMILIES_E)]`` and depends only on
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
        family = FAMILIES_E[index % len(FAMILIES_E)]
        rng = random.Random(f"phi-heldout-e:{seed}:{index}")
        fake.seed_instance(rng.getrandbits(32))
        case = _new_case(rng, fake, family)
        draft = _Draft()
        _WRITERS[family](draft, case)
        notes.append(
            AnnotatedNote(
                text=draft.text,
                spans=draft.spans,
                keep_spans=draft.keep_spans,
                identifiers=case.identifiers(),
                patient_id=f"HE{seed}-{index}",
                family=family,
            )
        )
    return notes
