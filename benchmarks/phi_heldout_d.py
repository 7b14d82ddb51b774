"""Held-out PHI benchmark set D: sixteen note families written blind to the detector.

Sets A, B and C have all been used to tune the de-identifier, so they no longer measure it
honestly. Set D was written without reading the detector, its tests or the earlier sets; its
families are documents that are not discharge summaries (run sheets, fax covers, letters, forms,
portal threads). Every note is generated from a per-note seeded ``random.Random`` and a
re-seeded multi-locale ``Faker``, so note ``i`` depends only on ``(seed, i)``.

Gold spans are recorded while each value is appended to the text, never found by searching.

Labelling decisions of this set:

* NAME spans hold the name only: titles ("Dr.", "Sra.", "Herr", "Mme"), credentials ("RN",
  "MD") and "Baby Girl" stay outside. Initials standing for a person ("J.R.") are NAME.
* DATE is any day or month more specific than the year, weekday included when it is written
  with the date ("Thursday 14 March"); "the" before "fourteenth of March" is outside. Years
  alone, times of day, durations, day of life and gestational ages ("31+4 weeks") are not PHI.
* AGE only above 89; ages up to 89 are written the same ways and are not labelled.
* Every street address, city and postal code is labelled, whoever it belongs to (a clinic's
  too); US states and countries are not PHI. Travel destinations are written as countries.
* PHONE covers every phone and fax number, the extension included. The public short numbers
  911 and 988 are not PHI.
* ID covers record numbers that are not the MRN: accounts, claims, member and beneficiary
  numbers, accessions, registry, case, incident and badge numbers, passports, file numbers.
* LICENSE covers licence and certificate numbers: NPI, DEA, state licences, board
  certificates, bar numbers, driving licences, vaccination certificates and number plates.
* DEVICE covers serial numbers and UDIs of devices. Brand and model names are not PHI, nor are
  vaccine lot numbers (a lot covers thousands of doses), NDC, CPT or ICD-10 codes.
* FACILITY covers named hospitals, clinics, units, laboratories and lodgings; generic unit
  names ("4 West", "Stepdown"), room, bed, bay, chair and station numbers are not PHI.
* URL, EMAIL and IP are labelled wherever they occur.
* ``keep_spans`` mark named diseases, signs, scales, tests, procedures and devices (eponyms
  and place-named scales such as "Glasgow Coma Scale"). Some notes give a patient or clinician
  the surname of an eponym in the same note; that surname is NAME where it names the person.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from training.phi.types import MONTHS, AnnotatedNote, PhiSpan

KEEP = "KEEP"  # marks a keep span (eponym) among the pieces of a note

# A piece of note text: plain text, a labelled value ``(type, value)`` or a list of pieces.
Piece = str | tuple[str, str] | list

# Name locales, en_US more often: the notes come from a US-style health system.
NAME_LOCALES = (
    "en_US",
    "en_US",
    "en_US",
    "en_GB",
    "en_IE",
    "es_MX",
    "de_DE",
    "fr_FR",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "pl_PL",
    "en_IN",
    "vi_VN",
    "fi_FI",
    "ja_JP",
    "yo_NG",
)
_TITLES = {
    "en": (("Mr. ", "Mr "), ("Mrs. ", "Ms. ", "Ms ", "Miss ")),
    "es": (("Sr. ", "Don "), ("Sra. ", "Srta. ", "Doña ")),
    "pt": (("Sr. ",), ("Sra. ",)),
    "de": (("Herr ",), ("Frau ",)),
    "fr": (("M. ",), ("Mme ", "Mlle ")),
    "it": (("Sig. ",), ("Sig.ra ",)),
    "nl": (("dhr. ",), ("mevr. ",)),
    "pl": (("Pan ",), ("Pani ",)),
}
_DOCTOR_TITLES = (
    ("Dr. ", "Dr ", "Dr. ", "Prof. ", "Dott. ", "Prof. Dr. ", "Doctor "),
    ("Dr. ", "Dr ", "Dr. ", "Prof. ", "Dra. ", "Dott.ssa ", "Prof. Dr. ", "Doctor "),
)
# Surname particles by name locale, so that "van der" goes with Dutch names.
_PARTICLES = {
    "nl_NL": ("van ", "van der ", "de ", "ter ", "van den "),
    "de_DE": ("von ", "von der "),
    "es_MX": ("de la ", "del ", "de "),
    "pt_BR": ("da ", "dos ", "de "),
    "it_IT": ("di ", "De ", "Lo "),
    "fr_FR": ("de ", "Le ", "du "),
}
_APOSTROPHE_SURNAMES = ("O'Connor", "O'Hara", "D'Angelo", "O'Neill", "D'Souza", "McAllister")
# Surnames that are also the first word of an eponym used below (the collision cases).
_EPONYM_SURNAMES = frozenset(
    "Foley Bell Graves Addison Wilson Parkinson Hodgkin Weber Barlow Turner Still Holter Baker "
    "Hamilton Beck Morse Norton Braden Lynch Huntington Cushing Kennedy Moro Ballard Romberg "
    "Rinne Barthel Apgar Snellen Goldmann Amsler Fuchs Horner Jerger Guthrie Ewing Karnofsky "
    "Clark Whipple Lachman Phalen Finkelstein Mantoux Thomas Marfan".split()
)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split()
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL_ONES = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
)
_ORDINAL_TENS = {20: "twentieth", 30: "thirtieth"}

_DOB_STYLES = ("mdy", "mdy0", "iso", "dmy_dot", "long", "dmy_long", "upper", "mdy2", "dmy_slash")
_ANY_STYLES = (
    "mdy",
    "mdy0",
    "mdy2",
    "iso",
    "ymd_slash",
    "dmy_dot",
    "dmy_slash",
    "long",
    "long_ord",
    "dmy_long",
    "ord_short",
    "mon_dash",
    "upper",
    "roman",
    "md_dash",
    "dm_slash",
    "weekday",
    "weekday_us",
    "rfc",
    "compact",
    "mon_day",
    "dmy_compact",
    "ord_of",
    "words",
    "month_year",
)
_PROSE_STYLES = ("long", "long_ord", "dmy_long", "ord_short", "weekday", "words", "mon_day")


# Note assembly
class _Note:
    """A note being written: text chunks plus the spans recorded as they are appended."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._length = 0
        self.spans: list[PhiSpan] = []
        self.keep_spans: list[tuple[int, int]] = []

    def put(self, *pieces: Piece) -> None:
        """Append pieces: text, ``(phi_type, value)``, ``(KEEP, value)`` or nested lists."""
        for piece in pieces:
            if isinstance(piece, list):
                self.put(*piece)
            elif isinstance(piece, tuple):
                kind, value = piece
                start = self._append(value)
                if kind == KEEP:
                    self.keep_spans.append((start, self._length))
                else:
                    self.spans.append(PhiSpan(start, self._length, kind))
            else:
                self._append(piece)

    def line(self, *pieces: Piece) -> None:
        """Append pieces and a newline."""
        self.put(*pieces, "\n")

    def eponym(self, template: str) -> None:
        """Append a sentence whose ``{braced}`` parts are keep spans."""
        for position, part in enumerate(re.split(r"\{([^}]*)\}", template)):
            self.put((KEEP, part) if position % 2 else part)

    def _append(self, value: str) -> int:
        start = self._length
        self._chunks.append(value)
        self._length += len(value)
        return start

    @property
    def text(self) -> str:
        """The text written so far."""
        return "".join(self._chunks)


# People and the case
@dataclass(frozen=True)
class _Person:
    given: str
    surname: str
    middle: str
    female: bool
    locale: str


@dataclass
class _Case:
    """One patient's record and the random sources the family templates draw from."""

    rng: random.Random
    fake: Faker
    patient: _Person
    age: int
    birth: date
    visit: date
    mrn: str
    street: str
    city: str
    state: str
    zip_code: str
    phone: str
    email: str
    forced_eponym: str | None = None
    clinician_surname: str | None = None

    def person(self, female: bool | None = None, surname: str | None = None) -> _Person:
        """A relative, carer or other named person."""
        return _person(self.rng, self.fake, female, surname)

    def clinician(self) -> _Person:
        """A clinician; the first one takes the colliding eponym surname, if any."""
        surname, self.clinician_surname = self.clinician_surname, None
        return _person(self.rng, self.fake, surname=surname)

    def eponyms(self, table: Sequence[str], k: int) -> list[str]:
        """``k`` eponym sentences of ``table``, the forced (colliding) one first."""
        chosen = self.rng.sample(list(table), min(k, len(table)))
        if self.forced_eponym is not None:
            chosen = [self.forced_eponym, *(t for t in chosen if t != self.forced_eponym)][:k]
        return chosen

    def identifiers(self) -> dict[str, str]:
        """The identifiers a source record would carry, in the record's own formats."""
        p = self.patient
        return {
            "name": f"{p.given} {p.surname}",
            "mrn": re.sub(r"[^0-9A-Za-z]", "", self.mrn),
            "birth_date": self.birth.isoformat(),
            "address": f"{self.street}, {self.city}, {self.state} {self.zip_code}",
            "phone": f"({self.phone[:3]}) {self.phone[3:6]}-{self.phone[6:]}",
        }


def _surname(rng: random.Random, gen: Faker, locale: str) -> str:
    last = gen.last_romanized_name() if locale == "ja_JP" else gen.last_name()
    roll = rng.random()
    if roll < 0.12:
        other = gen.last_romanized_name() if locale == "ja_JP" else gen.last_name()
        return f"{last}-{other}" if other != last else last
    if roll < 0.4 and locale in _PARTICLES:
        return rng.choice(_PARTICLES[locale]) + last
    if roll < 0.2 and locale.startswith("en_"):
        return rng.choice(_APOSTROPHE_SURNAMES)
    return last


def _person(
    rng: random.Random, fake: Faker, female: bool | None = None, surname: str | None = None
) -> _Person:
    locale = rng.choice(NAME_LOCALES)
    gen = fake[locale]
    female = rng.random() < 0.5 if female is None else female
    if locale == "ja_JP":
        given = gen.first_romanized_name_female() if female else gen.first_romanized_name_male()
    else:
        given = gen.first_name_female() if female else gen.first_name_male()
    surname = surname or _surname(rng, gen, locale)
    return _Person(given, surname, rng.choice(string.ascii_uppercase), female, locale)


def _name_text(person: _Person, style: str) -> str:
    given, surname = person.given, person.surname
    forms = {
        "full": f"{given} {surname}",
        "full_middle": f"{given} {person.middle}. {surname}",
        "last_first": f"{surname}, {given}",
        "caps_last_first": f"{surname}, {given}".upper(),
        "caps_full": f"{given} {surname}".upper(),
        "lower_full": f"{given} {surname}".lower(),
        "lower_given": given.lower(),
        "initial_last": f"{given[0]}. {surname}",
        "initials": f"{given[0]}.{surname[0].upper()}.",
        "given": given,
        "surname": surname,
        "caps_surname": surname.upper(),
    }
    return forms[style]


def _title(rng: random.Random, person: _Person, doctor: bool) -> str:
    if doctor:
        return rng.choice(_DOCTOR_TITLES[person.female])
    language = person.locale[:2] if person.locale[:2] in _TITLES else "en"
    if rng.random() < 0.3:  # English titles are used for everyone in most US notes
        language = "en"
    return rng.choice(_TITLES[language][person.female])


def _name(
    rng: random.Random,
    person: _Person,
    styles: Sequence[str],
    titled: float = 0.3,
    doctor: bool = False,
) -> list[Piece]:
    """A name in one of ``styles``; a title (outside the span) when the style needs one."""
    style = rng.choice(list(styles))
    needs_title = style in ("surname", "caps_surname")
    title = _title(rng, person, doctor) if needs_title or rng.random() < titled else ""
    if title and style in ("last_first", "caps_last_first", "initials", "lower_given", "given"):
        title = ""
    return [title, ("NAME", _name_text(person, style))]


# Values
def _code(rng: random.Random, pattern: str) -> str:
    """Fill a pattern: ``#`` a digit, ``@`` a capital letter, ``%`` either; others literal."""
    out = []
    for char in pattern:
        if char == "#":
            out.append(rng.choice(string.digits))
        elif char == "@":
            out.append(rng.choice(string.ascii_uppercase))
        elif char == "%":
            out.append(rng.choice(string.digits + string.ascii_uppercase))
        else:
            out.append(char)
    return "".join(out)


def _number_words(number: int) -> str:
    if number >= 100:
        rest = number - 100
        return "one hundred" + (f" and {_number_words(rest)}" if rest else "")
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _ordinal_words(day: int) -> str:
    if day < 20:
        return _ORDINAL_ONES[day]
    if day in _ORDINAL_TENS:
        return _ORDINAL_TENS[day]
    tens, ones = divmod(day, 10)
    return f"{_TENS[tens]}-{_ORDINAL_ONES[ones]}"


def _date_value(d: date, style: str) -> str:
    month, day, year = d.month, d.day, d.year
    name = MONTHS[month - 1]
    short = name[:3]
    weekday = _WEEKDAYS[d.weekday()]
    values = {
        "mdy": f"{month}/{day}/{year}",
        "mdy0": f"{month:02d}/{day:02d}/{year}",
        "mdy2": f"{month:02d}/{day:02d}/{year % 100:02d}",
        "iso": d.isoformat(),
        "ymd_slash": f"{year}/{month:02d}/{day:02d}",
        "dmy_dot": f"{day:02d}.{month:02d}.{year}",
        "dmy_slash": f"{day}/{month}/{year}",
        "long": f"{name} {day}, {year}",
        "long_ord": f"{name} {_ordinal(day)}",
        "dmy_long": f"{day} {name} {year}",
        "ord_short": f"{_ordinal(day)} {short}",
        "mon_dash": f"{short}-{day:02d}-{year}",
        "upper": f"{day:02d}-{short.upper()}-{year}",
        "roman": f"{day} {_ROMAN[month - 1]} {year}",
        "md_dash": f"{month:02d}-{day:02d}",
        "dm_slash": f"{day}/{month}",
        "weekday": f"{weekday} {day} {name}",
        "weekday_us": f"{weekday[:3]}, {short} {day}, {year}",
        "rfc": f"{weekday[:3]}, {day} {short} {year}",
        "compact": f"{year}{month:02d}{day:02d}",
        "mon_day": f"{short} {day}",
        "dmy_compact": f"{day:02d}{short.upper()}{year % 100:02d}",
        "ord_of": f"{_ordinal(day)} of {name}",
        "words": f"{_ordinal_words(day)} of {name}",
        "month_year": f"{name} {year}",
    }
    return values[style]


def _date(rng: random.Random, d: date, styles: Sequence[str] = _ANY_STYLES) -> list[Piece]:
    """A date in one of ``styles``; "the" before a spelled-out date is not part of the span."""
    style = rng.choice(list(styles))
    lead = "the " if style in ("words", "ord_of") else ""
    return [lead, ("DATE", _date_value(d, style))]


def _age(rng: random.Random, age: int, styles: Sequence[str] | None = None) -> list[Piece]:
    """An age phrase; the number is AGE only when over 89 (Safe Harbor)."""
    style = rng.choice(list(styles or ("hyphen", "yo", "aged", "words", "years", "y")))
    value = _number_words(age) if style in ("words", "word") else str(age)
    piece: Piece = ("AGE", value) if age > 89 else value
    forms = {
        "hyphen": [piece, "-year-old"],
        "yo": [piece, " yo"],
        "aged": ["aged ", piece],
        "words": [piece, "-year-old"],
        "years": [piece, " years"],
        "y": [piece, "y"],
        "word": [piece],
        "bare": [piece],
    }
    return forms[style]


def _phone_digits(rng: random.Random) -> str:
    area = rng.choice([a for a in range(201, 990) if a % 100 != 11])
    return f"{area}{rng.randint(201, 989)}{rng.randrange(10000):04d}"


def _phone_text(rng: random.Random, digits: str, extension: float = 0.1) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    text = rng.choice(
        (
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"+1 {a} {b} {c}",
            f"1-{a}-{b}-{c}",
            f"({a}){b}-{c}",
            f"{a} {b} {c}",
            f"+1-{a}-{b}-{c}",
        )
    )
    if rng.random() < extension:
        text += rng.choice((" ext. ", " x", " ext ", ", ext. ")) + str(rng.randint(2, 4999))
    return text


def _intl_phone(rng: random.Random) -> str:
    return _code(
        rng,
        rng.choice(
            (
                "+44 20 #### ####",
                "+44 (0)161 ### ####",
                "+49 30 ########",
                "+52 55 #### ####",
                "+33 1 ## ## ## ##",
                "+91 ##### #####",
                "+353 1 ### ####",
                "+31 20 ### ####",
                "+39 06 #### ####",
            )
        ),
    )


def _phone(rng: random.Random, extension: float = 0.1, foreign: float = 0.08) -> Piece:
    if rng.random() < foreign:
        return ("PHONE", _intl_phone(rng))
    return ("PHONE", _phone_text(rng, _phone_digits(rng), extension))


def _ascii(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def _email(rng: random.Random, fake: Faker, person: _Person, domain: str | None = None) -> str:
    given, surname = _ascii(person.given) or "pt", _ascii(person.surname) or "x"
    local = rng.choice(
        (
            f"{given}.{surname}",
            f"{given[0]}{surname}",
            f"{given}{surname}{rng.randint(1, 99)}",
            f"{surname}.{given[0]}",
            f"{given}_{rng.randint(1950, 2005)}",
        )
    )
    return f"{local}@{domain or fake['en_US'].free_email_domain()}"


def _domain(rng: random.Random, fake: Faker) -> str:
    word = fake["en_US"].domain_word()
    suffix = rng.choice(("health", "med", "clinic", "care", ""))
    return f"{word}{suffix}.{rng.choice(('org', 'com', 'net'))}"


def _url(rng: random.Random, domain: str, kind: str) -> str:
    token = _code(rng, "%%%%%%%%").lower()
    paths = {
        "portal": (f"https://mychart.{domain}/app/messages/{token}", f"https://portal.{domain}/m"),
        "upload": (f"https://secure.{domain}/upload/{token}", f"https://{domain}/records/drop"),
        "data": (f"https://sleepcloud.{domain}/d/{token}", f"http://cpap.{domain}/pt/{token}"),
        "info": (f"www.{domain}/travel", f"https://{domain}/patients/forms"),
    }
    return rng.choice(paths[kind])


def _ip(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return ":".join(f"{rng.randrange(65536):x}" for _ in range(8))
    if roll < 0.4:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(1, 254)}"
    first = rng.choice([n for n in range(11, 224) if n not in (10, 127, 172, 192)])
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(1, 254)}"


def _device(rng: random.Random, issued: date) -> str:
    expiry = issued + timedelta(days=rng.randint(200, 1400))
    return rng.choice(
        (
            _code(rng, "SN ##@@#####"),
            _code(rng, "@@@#######"),
            _code(rng, "##-####-@@"),
            _code(rng, "(01)0#############(17)")
            + expiry.strftime("%y%m%d")
            + _code(rng, "(21)@@####"),
            _code(rng, "+H###@@@#/$$3") + expiry.strftime("%y%m%d") + _code(rng, "@@#"),
            _code(rng, "@#########"),
        )
    )


def _license(rng: random.Random, kind: str) -> str:
    patterns = {
        "npi": ("1#########", "2#########"),
        "dea": ("@@#######",),
        "state": ("@@ ######", "MD.#######", "RN######", "###-#####", "LP@#####"),
        "plate": ("#@@@###", "@@@-####", "@@# ####", "###-@@@"),
        "driver": ("@###-####-####", "D#######", "S###-###-##-###-#"),
        "cert": ("#######", "C-######", "##-####"),
    }
    return _code(rng, rng.choice(patterns[kind]))


def _mrn_text(rng: random.Random) -> str:
    return _code(rng, rng.choice(("########", "@#######", "##-###-###", "M00######", "####-####")))


def _mrn_label(rng: random.Random) -> str:
    return rng.choice(("MRN", "MRN:", "Med Rec #", "MR#", "Hosp No", "Unit No.", "Chart #", "UR"))


def _time(rng: random.Random) -> str:
    return _clock(rng, 1)[0]


def _clock(rng: random.Random, k: int) -> list[str]:
    """``k`` times of day within one session, ascending, in one format."""
    start = rng.randrange(6 * 60, 16 * 60) if k > 1 else rng.randrange(24 * 60)
    minutes = sorted(start + 5 * rng.randrange(60) for _ in range(k))
    style = rng.choice(("{h:02d}:{m:02d}", "{h:02d}{m:02d}h", "{h:02d}{m:02d}"))
    return [style.format(h=t // 60 % 24, m=t % 60) for t in minutes]


def _relation(rng: random.Random, person: _Person, female_words: Sequence[str]) -> str:
    """A relation word that agrees with the person's sex."""
    word = rng.choice(list(female_words))
    return word if person.female else _MALE_RELATIONS.get(word, word)


_MALE_RELATIONS = {
    "daughter": "son",
    "niece": "nephew",
    "wife": "husband",
    "sister": "brother",
    "mother": "father",
    "stepdaughter": "stepson",
    "granddaughter": "grandson",
}


def _set_age(case: _Case, low: int, high: int) -> None:
    """Redraw the patient's age for a family with its own age range; the birth date follows."""
    case.age = case.rng.randint(90, high) if case.rng.random() < 0.5 else case.rng.randint(low, 89)
    birthday = date(case.visit.year - case.age, case.visit.month, min(case.visit.day, 28))
    case.birth = birthday - timedelta(days=case.rng.randint(1, 360))


def _facility(rng: random.Random, fake: Faker, suffixes: Sequence[str]) -> str:
    gen = fake["en_US"]
    stem = rng.choice(
        (
            gen.city(),
            f"St. {rng.choice(('Mary', 'Joseph', 'Luke', 'Vincent', 'Anne', 'Francis'))}'s",
            f"{gen.last_name()} Memorial",
            rng.choice(
                ("Lakeview", "Riverside", "Cedar Ridge", "Northgate", "Harbor", "Pinecrest")
            ),
            f"{rng.choice(('North', 'South', 'East', 'West'))} {gen.city()}",
        )
    )
    return f"{stem} {rng.choice(list(suffixes))}"


def _address(rng: random.Random, case: _Case, caps: bool = False, lines: bool = False) -> list:
    def cased(value: str) -> str:
        return value.upper() if caps else value

    joiner = "\n" if lines else ", "
    return [
        ("ADDRESS", cased(case.street)),
        joiner,
        ("CITY", cased(case.city)),
        ", ",
        case.state,
        rng.choice(("  ", " ")),
        ("ZIP", case.zip_code),
    ]


def _other_address(rng: random.Random, fake: Faker) -> list[Piece]:
    gen = fake["en_US"]
    return [
        ("ADDRESS", gen.street_address()),
        ", ",
        ("CITY", gen.city()),
        ", ",
        gen.state_abbr(),
        " ",
        ("ZIP", gen.zipcode()),
    ]


def _later(case: _Case, low: int, high: int) -> date:
    return case.visit + timedelta(days=case.rng.randint(low, high))


def _earlier(case: _Case, low: int, high: int) -> date:
    return case.visit - timedelta(days=case.rng.randint(low, high))


# Eponym sentences per family; the braced part is the keep span.
_EPONYMS: dict[str, tuple[str, ...]] = {
    "nursing_handover": (
        "{Foley catheter} draining clear, 1.2 L out since 19:00.",
        "{Morse Fall Scale} 55, bed alarm on.",
        "{Braden scale} 13, turning every 2 h.",
        "{Glasgow Coma Scale} 14 (E3 V5 M6), unchanged.",
        "Hx of {Parkinson's disease}, meds due strictly on time.",
        "{Norton scale} done, heels offloaded.",
        "{Barthel index} 45 on admission, OT aware.",
    ),
    "infusion_chair_log": (
        "Dx: classical {Hodgkin lymphoma}, stage IIB.",
        "{Karnofsky performance status} 80%.",
        "Access: right {Hickman line}, flushed, good return.",
        "{Groshong catheter} dressing changed.",
        "History of {Kaposi sarcoma} of the left shin.",
        "{Ewing sarcoma} of the left femur, cycle 4.",
        "{Breslow thickness} 2.4 mm, {Clark level} IV on the original excision.",
        "{Gleason score} 4+4=8 at diagnosis.",
    ),
    "dialysis_run_sheet": (
        "Access: left {Brescia-Cimino fistula}, thrill +, bruit +.",
        "Cause of ESKD: {Alport syndrome}.",
        "Cause of ESKD: {Goodpasture syndrome} (anti-GBM).",
        "No {Kussmaul breathing}; chest clear.",
        "{Berger disease} (IgA nephropathy), biopsy-proven.",
        "Hx {Fabry disease}, on agalsidase.",
    ),
    "genetic_counselling_letter": (
        "The family history meets the {Amsterdam II criteria} for {Lynch syndrome}.",
        "We also considered {Li-Fraumeni syndrome}, which seems unlikely.",
        "Features of {Marfan syndrome} were not present on examination.",
        "The revised {Bethesda guidelines} were met for tumour testing.",
        "{Huntington disease} testing was discussed but you chose to defer it.",
        "Your cousin's diagnosis of {Peutz-Jeghers syndrome} has not been confirmed.",
        "{Cowden syndrome} was included in the panel because of the thyroid history.",
    ),
    "occupational_injury_report": (
        "{Tinel sign} positive over the right carpal tunnel.",
        "{Phalen test} positive at 40 s.",
        "{Finkelstein test} negative bilaterally.",
        "{Lachman test} 2+ with soft end point, left knee.",
        "X-ray: undisplaced {Colles fracture} of the distal radius.",
        "{McMurray test} equivocal.",
        "Base of 5th metatarsal: {Jones fracture} suspected.",
        "{Spurling test} reproduces arm pain on the left.",
    ),
    "hospice_intake": (
        "Terminal dx: {Alzheimer disease}, FAST 7c.",
        "Comorbid {Parkinson disease} with rigidity.",
        "{Cheyne-Stokes respiration} noted overnight by family.",
        "{Kennedy terminal ulcer} over sacrum, new today.",
        "{Braden scale} 10; air mattress ordered.",
        "{Karnofsky score} 30.",
        "{Lewy body dementia} per neurology.",
        "{Foley catheter} placed for comfort.",
    ),
    "sleep_study_report": (
        "{Epworth Sleepiness Scale} 16/24.",
        "{Mallampati class} IV, {Friedman tongue position} III.",
        "{Cheyne-Stokes breathing} seen during NREM sleep.",
        "History suggestive of {Kleine-Levin syndrome} was not confirmed.",
        "{Willis-Ekbom disease} (restless legs) symptoms reported.",
        "{Stanford Sleepiness Scale} 5 at lights out.",
    ),
    "ophthalmology_letter": (
        "Visual acuity on the {Snellen chart} was 6/9 right and 6/18 left.",
        "IOP by {Goldmann applanation tonometry} 21 and 19 mmHg.",
        "Metamorphopsia on the {Amsler grid}, left eye.",
        "Guttae in keeping with {Fuchs endothelial dystrophy}.",
        "Partial ptosis and miosis raise {Horner syndrome}.",
        "{Ishihara plates} 17/17 each eye.",
        "{Humphrey visual field} 24-2 shows an arcuate defect.",
        "A {Marcus Gunn pupil} was not present.",
    ),
    "prior_auth_fax": (
        "Diagnosis: {Crohn disease} of small and large intestine (K50.80).",
        "Diagnosis: {Hashimoto thyroiditis} (E06.3) with secondary hypothyroidism.",
        "Diagnosis: {Graves disease} (E05.00), failed methimazole.",
        "Diagnosis: {Cushing syndrome} (E24.9), pending surgery.",
        "Diagnosis: {Paget disease of bone} (M88.9).",
        "Diagnosis: {Sjogren syndrome} (M35.00).",
        "Diagnosis: adult-onset {Still disease} (M06.1).",
    ),
    "psychiatric_hold_form": (
        "{Columbia Suicide Severity Rating Scale}: positive for intent with plan.",
        "{Beck Depression Inventory} 34.",
        "{Hamilton Anxiety Rating Scale} 27.",
        "{Wernicke encephalopathy} considered; thiamine given.",
        "Hx {Korsakoff syndrome} per outside records.",
        "{Glasgow Coma Scale} 15 on arrival.",
    ),
    "nicu_parent_note": (
        "{Apgar scores} were 5 and 8.",
        "{Ballard score} fits the dates.",
        "{Moro reflex} present and symmetric.",
        "Rectal biopsy to rule out {Hirschsprung disease}.",
        "{Ortolani} and {Barlow} manoeuvres negative.",
        "Newborn screen ({Guthrie card}) repeated at 48 h.",
        "{Silverman-Andersen score} 3 on CPAP.",
    ),
    "records_release_request": (
        "including all records of treatment for {Guillain-Barre syndrome}",
        "including all records relating to the {Bell palsy}",
        "including neuropsychological testing ({Wechsler Adult Intelligence Scale})",
        "including the {Holter monitor} report",
        "including records of treatment for {Graves disease}",
    ),
    "transplant_coordinator_note": (
        "Etiology: {Wilson disease}.",
        "Etiology: {Budd-Chiari syndrome}.",
        "{Child-Pugh score} C (11).",
        "History of {Kasai portoenterostomy} in infancy.",
        "Prior {Roux-en-Y} hepaticojejunostomy.",
        "{Swan-Ganz catheter} numbers from last right heart cath reviewed.",
        "{Epstein-Barr virus} IgG positive, CMV negative.",
        "{Gilbert syndrome} noted; indirect bilirubin high.",
    ),
    "audiology_report": (
        "{Rinne test} positive bilaterally.",
        "{Weber test} lateralises to the left.",
        "Tympanometry: {Jerger type A} bilaterally.",
        "Episodic vertigo history suggests {Meniere disease}.",
        "{Eustachian tube} dysfunction on the right.",
        "Previous {Bell palsy}, right, resolved.",
        "{Romberg test} negative.",
    ),
    "portal_message_thread": (
        "i wore the {Holter monitor} like you said but i am still dizzy.",
        "my {Raynaud phenomenon} fingers went white again in the cold.",
        "the {Baker cyst} behind my knee is bigger and sore.",
        "are my {Hashimoto} labs back yet?",
        "i tried the {Epley manoeuvre} video twice and the spinning is better.",
        "my son's {Osgood-Schlatter} knee flared after soccer.",
    ),
    "travel_vaccine_record": (
        "Prior {BCG} ({Bacillus Calmette-Guerin}) in childhood; {Mantoux test} 4 mm.",
        "Discussed {Chagas disease} and triatomine bugs.",
        "Rare {Guillain-Barre syndrome} after vaccination explained.",
        "Leptospirosis ({Weil disease}) risk with rafting explained.",
        "Altitude illness: {Lake Louise score} explained.",
        "{Marfan syndrome} noted; no contraindication to travel.",
    ),
}


def _eponym_surname(template: str) -> str | None:
    phrases = re.findall(r"\{([^}]*)\}", template)
    first = re.split(r"[\s'-]", phrases[0])[0] if phrases else ""
    return first if first in _EPONYM_SURNAMES else None


# Families
_CLINICIAN_STYLES = ("full", "initial_last", "surname", "full_middle", "last_first")


def _nursing_handover(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    doctor, nurse, relative = case.clinician(), case.clinician(), case.person()
    relation = _relation(rng, relative, ("daughter", "niece", "wife", "granddaughter", "partner"))
    ward = rng.choice(("4 West", "Ward 7B", "the acute medical unit", "Ortho 3", "stepdown"))
    note.line(
        rng.choice(("Handover", "NIGHT TO DAY HANDOVER", "Shift report")),
        f" - {ward}, bed {rng.randint(1, 32)}, {_time(rng)}",
    )
    note.put("Handing over ", _name(rng, pt, ("full", "surname", "initials", "given"), 0.5))
    note.put(", ", _age(rng, case.age), " (DOB ", _date(rng, case.birth, _DOB_STYLES), "), ")
    note.put("admitted ", _date(rng, _earlier(case, 1, 9), _PROSE_STYLES), " under ")
    note.put(_name(rng, doctor, _CLINICIAN_STYLES, 1.0, doctor=True))
    note.line(rng.choice((" with a UTI and delirium.", " after a fall at home.", " for CAP.")))
    for sentence in case.eponyms(_EPONYMS["nursing_handover"], 3):
        note.eponym(sentence + " ")
    bp = f"{rng.randint(100, 165)}/{rng.randint(55, 95)}"
    note.line(f"Obs stable overnight, BP {bp}, HR {rng.randint(58, 110)}, SpO2 95% on 2 L.")
    note.put("Her " if pt.female else "His ", relation, " ")
    note.put(_name(rng, relative, ("given", "full"), 0.1))
    note.put(" rang at ", _time(rng), " and would like a call back on ", _phone(rng), ". ")
    if rng.random() < 0.5:
        note.put("Plan is discharge to ", ("FACILITY", _facility(rng, case.fake, _REHAB)))
        note.put(" on ", _date(rng, _later(case, 1, 6), ("weekday", "ord_short", "mon_day")), ". ")
    note.line(f"Bloods due {_time(rng)}; MRN on request form is ", ("MRN", case.mrn), ".")
    note.put("- ", _name(rng, nurse, ("initials", "full", "given"), 0.0), ", RN")
    note.line()


_REHAB = ("Rehabilitation Center", "Skilled Nursing", "Care Home", "Transitional Care Unit")


def _infusion_chair_log(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    nurse = case.clinician()
    note.line("ONCOLOGY INFUSION - CHAIR LOG")
    unit = _facility(rng, case.fake, ("Cancer Center", "Infusion Suite", "Oncology Day Unit"))
    note.put("Unit: ", ("FACILITY", unit), f"   Chair: {rng.randint(1, 24)}   Date: ")
    note.line(_date(rng, case.visit, ("iso", "mdy0", "upper", "dmy_dot")))
    note.put("Patient: ", _name(rng, pt, ("caps_last_first", "last_first", "caps_full"), 0.0))
    note.put(f"   {_mrn_label(rng)} ", ("MRN", case.mrn), "   DOB: ")
    note.line(_date(rng, case.birth, _DOB_STYLES))
    for sentence in case.eponyms(_EPONYMS["infusion_chair_log"], 3):
        note.eponym(sentence)
        note.line()
    note.line(
        f"Pre-check: Hb {rng.uniform(9, 14):.1f} g/dL | ANC {rng.uniform(1, 5):.1f} | "
        f"plt {rng.randint(90, 400)} | wt {rng.uniform(45, 110):.1f} kg"
    )
    note.line("Time  | Agent            | Dose    | Route | Pump S/N        | RN")
    initials = _name_text(nurse, "initials")
    for clock, (agent, dose) in zip(_clock(rng, 4), rng.sample(_INFUSION_AGENTS, 4), strict=True):
        note.put(f"{clock:<5} | {agent:<16} | {dose:<8} | IV    | ")
        note.line(("DEVICE", _device(rng, case.visit)), " | ", ("NAME", initials))
    if rng.random() < 0.6:
        carer = case.person(female=not pt.female)
        note.put("Comment: ", _name(rng, carer, ("given", "full"), 0.0), " waiting in the lobby,")
        note.line(" mobile ", _phone(rng, 0.0), ".")
    note.put("Next cycle: ", _date(rng, _later(case, 14, 21), ("weekday", "mdy", "ord_short")))
    note.line(". Verified by ", _name(rng, nurse, ("full", "initial_last"), 0.0), ", RN,")
    note.line("licence ", ("LICENSE", _license(rng, "state")))


_INFUSION_AGENTS = [
    ("ondansetron", "8 mg"),
    ("dexamethasone", "12 mg"),
    ("doxorubicin", "25 mg/m2"),
    ("bleomycin", "10 U/m2"),
    ("vinblastine", "6 mg/m2"),
    ("dacarbazine", "375 mg/m2"),
    ("pembrolizumab", "200 mg"),
    ("NS flush", "250 mL"),
]


def _dialysis_run_sheet(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    nephrologist, tech = case.clinician(), case.clinician()
    unit = _facility(rng, case.fake, ("Dialysis Center", "Kidney Center", "Renal Unit"))
    note.line("HAEMODIALYSIS RUN SHEET\t", ("FACILITY", unit))
    note.put("Name:\t", _name(rng, pt, ("caps_last_first", "full", "last_first"), 0.2), "\t")
    note.line(f"{_mrn_label(rng)}\t", ("MRN", case.mrn))
    note.put("Date:\t", _date(rng, case.visit, ("roman", "dmy_dot", "compact", "iso", "upper")))
    note.line(f"\tShift:\t{rng.randint(1, 3)}\tStation:\t{rng.randint(1, 18)}")
    note.line("Machine:\t5008S\tSerial:\t", ("DEVICE", _device(rng, case.visit)))
    for sentence in case.eponyms(_EPONYMS["dialysis_run_sheet"], 2):
        note.eponym(sentence)
        note.line()
    pre = rng.uniform(55, 110)
    note.line(f"Pre wt\t{pre:.1f} kg\tPost wt\t{pre - rng.uniform(1, 3.5):.1f} kg\tUF goal\t2.5 L")
    note.line("Time\tBP\tHR\tQb\tVP\tTMP")
    for clock in _clock(rng, rng.randint(3, 5)):
        bp = f"{rng.randint(95, 170)}/{rng.randint(50, 95)}"
        note.line(
            f"{clock}\t{bp}\t{rng.randint(60, 105)}\t{rng.choice((350, 400))}\t"
            f"{rng.randint(120, 220)}\t{rng.randint(20, 80)}"
        )
    note.line(f"Kt/V {rng.uniform(1.1, 1.7):.2f}\tURR {rng.randint(62, 78)}%")
    note.put("Nephrologist:\t", _name(rng, nephrologist, _CLINICIAN_STYLES, 0.7, doctor=True))
    note.line("\tOn call:\t", _phone(rng, 0.3))
    if rng.random() < 0.5:
        note.line("Drives self; parking permit plate ", ("LICENSE", _license(rng, "plate")), ".")
    note.line("Tech:\t", _name(rng, tech, ("initial_last", "full", "initials"), 0.0), "\tCCHT")


def _genetic_letter_head(note: _Note, case: _Case) -> str:
    rng = case.rng
    clinic = _facility(rng, case.fake, ("Cancer Genetics Service", "Medical Genetics Clinic"))
    domain = _domain(rng, case.fake)
    note.line(("FACILITY", clinic))
    note.line(_other_address(rng, case.fake))
    note.line(_date(rng, case.visit, ("long", "dmy_long", "mdy")))
    note.line()
    note.line(_name(rng, case.patient, ("full", "full_middle"), 0.6))
    note.line(_address(rng, case, lines=True))
    note.line()
    return domain


def _genetic_counselling_letter(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    counsellor, gp = case.clinician(), case.clinician()
    domain = _genetic_letter_head(note, case)
    note.line("Dear ", _title(rng, pt, False), ("NAME", pt.surname), ",")
    note.put("Re: ", _name(rng, pt, ("full", "last_first"), 0.0), ", DOB ")
    note.line(_date(rng, case.birth, _DOB_STYLES), ", our ref ", ("ID", _code(rng, "GEN-##-####")))
    sibling = case.person(female=True, surname=pt.surname if rng.random() < 0.5 else None)
    note.put("Thank you for coming to see us with your sister ", ("NAME", sibling.given))
    note.put(" on ", _date(rng, _earlier(case, 7, 40), _PROSE_STYLES), ". ")
    mother_age = rng.randint(38, 60)
    grand_age = rng.randint(78, 101)
    note.put(f"Your mother was diagnosed with bowel cancer at {mother_age}, and your maternal ")
    note.line("grandmother died at the age of ", _age(rng, grand_age, ("bare", "word")), ".")
    for sentence in case.eponyms(_EPONYMS["genetic_counselling_letter"], 3):
        note.eponym(sentence + " ")
    lab = _facility(rng, case.fake, ("Genomics Laboratory", "Molecular Diagnostics Lab"))
    note.put("\nYour sample was sent to ", ("FACILITY", lab), " (accession ")
    note.line(("ID", _code(rng, "@@##-######")), "). The result was a variant in MSH2 c.942+3A>T.")
    note.put("Please call us on ", _phone(rng), " or e-mail ")
    note.line(("EMAIL", _email(rng, case.fake, counsellor, domain)), ".")
    note.line("\nYours sincerely,\n")
    note.line(("NAME", _name_text(counsellor, rng.choice(("full", "full_middle")))), ", MS, CGC")
    note.line("Certified Genetic Counselor, ABGC #", ("LICENSE", _license(rng, "cert")))
    note.line("cc: ", _name(rng, gp, ("full", "initial_last"), 1.0, doctor=True), ", ")
    note.line(("FACILITY", _facility(rng, case.fake, ("Family Practice", "Primary Care"))))


def _occupational_injury_report(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    supervisor, provider = case.person(), case.clinician()
    injured = _earlier(case, 0, 3)
    note.line("EMPLOYER'S FIRST REPORT OF INJURY - OCCUPATIONAL HEALTH")
    note.put("CLAIM NO: ", ("ID", _code(rng, rng.choice(("WC-####-######", "@@########")))))
    note.line("     OSHA CASE: ", ("ID", _code(rng, "##-###")))
    note.put("EMPLOYEE: ", _name(rng, pt, ("caps_last_first", "caps_full"), 0.0))
    note.put("     SSN: ", ("SSN", _ssn(rng)))
    note.line("     DOB: ", _date(rng, case.birth, ("mdy0", "mdy", "mdy2")))
    note.line("HOME ADDRESS: ", _address(rng, case, caps=rng.random() < 0.5))
    note.line("HOME PHONE: ", ("PHONE", _phone_text(rng, case.phone, 0.0)))
    if rng.random() < 0.5:
        note.line("DRIVER LICENSE: ", ("LICENSE", _license(rng, "driver")))
    note.put("DATE OF INJURY: ", _date(rng, injured, ("mdy0", "mdy", "upper", "mon_dash")))
    note.line(f"   TIME: {_time(rng)}   DEPT: {rng.choice(('Receiving', 'Dock 4', 'Line 2'))}")
    note.put("SUPERVISOR: ", _name(rng, supervisor, ("caps_full", "full", "caps_last_first"), 0))
    note.line("   PH: ", _phone(rng, 0.4))
    note.line("DESCRIPTION: ", rng.choice(_INJURY_STORIES))
    if rng.random() < 0.4:
        note.line("VEHICLE INVOLVED: Y   PLATE: ", ("LICENSE", _license(rng, "plate")))
    note.line("EXAM:")
    for sentence in case.eponyms(_EPONYMS["occupational_injury_report"], 3):
        note.eponym("  " + sentence)
        note.line()
    note.put("WORK STATUS: modified duty, no lifting > 10 lb until ")
    note.line(_date(rng, _later(case, 7, 30), ("mdy", "mon_day", "ord_short")))
    note.put("EXAMINING PROVIDER: ", _name(rng, provider, ("caps_full", "full"), 0.0), ", DO")
    note.line("   NPI ", ("LICENSE", _license(rng, "npi")))
    note.line("CLINIC: ", ("FACILITY", _facility(rng, case.fake, ("Occupational Health",))))


_INJURY_STORIES = (
    '"I was lifting a case of water onto the shelf and felt a pop in my wrist."',
    "Slipped on wet floor near loading bay, landed on outstretched hand.",
    "Twisted left knee stepping down from trailer, heard a pop.",
    "Repetitive scanning for 6 h, numbness and tingling of fingers 1-3.",
)


def _ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    sep = rng.choice(("-", "-", " ", "", "."))
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


def _hospice_intake(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    carer, attending, chaplain = case.person(), case.clinician(), case.person()
    note.line("Hospice Admission - Intake")
    note.put("Patient: ", _name(rng, pt, ("full", "last_first", "full_middle"), 0.3))
    _set_age(case, 58, 104)
    note.line(
        "   Age: ", _age(rng, case.age, ("bare",)), "   DOB: ", _date(rng, case.birth, _DOB_STYLES)
    )
    if rng.random() < 0.4:
        note.line("SSN: ", ("SSN", _ssn(rng)), "   Medicare primary")
    referrer = _facility(rng, case.fake, ("Medical Center", "Hospital", "Skilled Nursing"))
    note.put("Referred by: ", ("FACILITY", referrer), " on ")
    note.line(_date(rng, _earlier(case, 1, 5), ("mdy", "long", "ord_short")))
    for sentence in case.eponyms(_EPONYMS["hospice_intake"], 3):
        note.eponym(sentence)
        note.line()
    note.line("Lives at: ", _address(rng, case))
    relation = _relation(rng, carer, ("daughter", "niece", "neighbor", "stepdaughter"))
    note.put(f"Caregiver / HCPOA: {relation} ", _name(rng, carer, ("full", "last_first"), 0.2))
    note.line(", ", _phone(rng), ", ", ("EMAIL", _email(rng, case.fake, carer)))
    spouse_age = rng.randint(80, 99)
    note.put("Spouse, ", _age(rng, spouse_age, ("bare", "word")), ", lives at home; ")
    note.line("caregiver is the main support.")
    if rng.random() < 0.6:
        note.put("Pacemaker in situ, serial ", ("DEVICE", _device(rng, case.visit)), "; ")
        note.line("deactivation discussed with family.")
    note.put("Medicare beneficiary ID: ", ("ID", _code(rng, "#@@#-@%#-@@##")), "   POLST signed ")
    note.line(_date(rng, _earlier(case, 20, 400), ("mdy", "month_year", "long")))
    note.put("Chaplain ", _name(rng, chaplain, ("full", "given", "surname"), 0.3), " to visit ")
    note.line(_date(rng, _later(case, 1, 3), ("weekday", "mon_day")), ".")
    note.line("Attending: ", _name(rng, attending, _CLINICIAN_STYLES, 0.3, doctor=True), ", MD")


def _sleep_study_report(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    referrer, tech, reader = case.clinician(), case.clinician(), case.clinician()
    domain = _domain(rng, case.fake)
    note.line("POLYSOMNOGRAPHY REPORT")
    note.line(("FACILITY", _facility(rng, case.fake, ("Sleep Center", "Sleep Disorders Lab"))))
    note.put("Patient: ", _name(rng, pt, ("last_first", "caps_last_first", "full"), 0.0))
    note.put("   DOB: ", _date(rng, case.birth, _DOB_STYLES), f"   {_mrn_label(rng)} ")
    note.line(("MRN", case.mrn))
    study = _date(rng, case.visit, ("mon_dash", "compact", "mdy0", "weekday_us"))
    note.line("Study date: ", study, "   Type: diagnostic PSG, CPT 95810")
    note.put("Referring: ", _name(rng, referrer, _CLINICIAN_STYLES, 1.0, doctor=True))
    note.line(" (NPI ", ("LICENSE", _license(rng, "npi")), ")")
    note.line(f"Indication: loud snoring, witnessed apnoeas, BMI {rng.uniform(27, 44):.1f}.")
    for sentence in case.eponyms(_EPONYMS["sleep_study_report"], 3):
        note.eponym(sentence + " ")
    ahi, nadir = rng.uniform(5, 70), rng.randint(70, 90)
    note.line(f"\nFINDINGS: TST {rng.randint(280, 420)} min, AHI {ahi:.1f}/h, SpO2 nadir {nadir}%.")
    note.line("IMPRESSION: obstructive sleep apnoea (G47.33).")
    note.put("PLAN: APAP 5-15 cmH2O. Device S/N ", ("DEVICE", _device(rng, case.visit)))
    note.line("; nightly data at ", ("URL", _url(rng, domain, "data")))
    note.put("Scored by ", _name(rng, tech, ("full", "initial_last"), 0.0), ", RPSGT #")
    note.line(("LICENSE", _license(rng, "cert")))
    note.put("Interpreted by ", _name(rng, reader, ("full", "full_middle"), 0.0), ", MD, on ")
    note.line(_date(rng, _later(case, 1, 10), ("mdy", "mon_dash", "dmy_long")))


def _ophthalmology_letter(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    consultant, gp = case.clinician(), case.clinician()
    clinic = _facility(rng, case.fake, ("Eye Clinic", "Eye Institute", "Eye Associates"))
    note.line(("FACILITY", clinic))
    note.line("Tel ", _phone(rng, 0.0), "   Fax ", _phone(rng, 0.0))
    note.line()
    note.line(_name(rng, gp, ("full", "initial_last"), 1.0, doctor=True))
    note.line(("FACILITY", _facility(rng, case.fake, ("Medical Practice", "Family Medicine"))))
    note.line(_other_address(rng, case.fake))
    note.line(_date(rng, case.visit, ("dmy_dot", "dmy_long", "long", "dmy_slash")))
    note.line()
    note.line("Dear ", rng.choice(("Dr ", "Dr. ", "Doctor ")), ("NAME", gp.surname), ",")
    note.put("Re: ", _name(rng, pt, ("full", "surname", "full_middle"), 0.6), ", DOB ")
    note.line(
        _date(rng, case.birth, ("dmy_dot", "dmy_slash", "dmy_long")),
        ", Hosp No ",
        ("MRN", case.mrn),
    )
    note.put("I reviewed this ", _age(rng, case.age, ("hyphen", "words")), " ")
    note.line(
        rng.choice(("woman", "lady")) if pt.female else rng.choice(("man", "gentleman")),
        " in clinic today.",
    )
    for sentence in case.eponyms(_EPONYMS["ophthalmology_letter"], 3):
        note.eponym(sentence + " ")
    note.line()
    surgery = _earlier(case, 30, 900)
    note.put("Cataract surgery was done on ", _date(rng, surgery, _PROSE_STYLES + ("mdy",)))
    note.line(" (IOL UDI ", ("DEVICE", _device(rng, surgery)), ").")
    note.line("I will see ", _title(rng, pt, False), ("NAME", pt.surname), " again in 4 months.")
    note.line("\nYours sincerely,\n")
    note.line(_name(rng, consultant, ("full", "full_middle"), 0.0), " FRCOphth, Consultant")


def _prior_auth_fax(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    prescriber, sender = case.clinician(), case.person()
    practice = _facility(rng, case.fake, ("Gastroenterology", "Endocrine Associates", "Clinic"))
    note.line("F A X   C O V E R   S H E E T" if rng.random() < 0.5 else "FAX")
    note.line("To: Prior Authorization Dept.        Fax: ", _phone(rng, 0.0, 0.0))
    note.put("From: ", _name(rng, sender, ("full", "initial_last"), 0.0), ", ")
    note.line(("FACILITY", practice))
    note.line("Phone: ", _phone(rng, 0.5), "   Fax: ", _phone(rng, 0.0, 0.0))
    note.line("Date: ", _date(rng, case.visit, ("mdy", "mdy0", "rfc")), "   Pages: 4")
    note.line("Re: PA request, member ", _name(rng, pt, ("caps_full", "full", "last_first"), 0))
    note.put("Member ID: ", ("ID", _code(rng, rng.choice(("@@@#########", "W#########")))))
    note.line("   DOB: ", _date(rng, case.birth, _DOB_STYLES))
    note.line("Drug: adalimumab 40 mg/0.4 mL pen, NDC 0074-0554-02, qty 2 per 28 days")
    note.eponym(rng.choice(case.eponyms(_EPONYMS["prior_auth_fax"], 1)))
    note.line()
    note.line("Tried and failed: mesalamine 4.8 g/day x 12 wk (2022), azathioprine 2 mg/kg.")
    note.put("Prescriber: ", _name(rng, prescriber, ("full", "caps_full"), 0.5, doctor=True))
    note.put("   NPI ", ("LICENSE", _license(rng, "npi")), "   DEA ")
    note.line(("LICENSE", _license(rng, "dea")))
    note.line("Reference #: ", ("ID", _code(rng, "PA-####-####")))
    note.line("CONFIDENTIALITY NOTICE: this fax contains protected health information.")
    note.put("Sent by gateway ", ("IP", _ip(rng)), " at ", _time(rng), " on ")
    note.line(_date(rng, case.visit, ("iso", "compact", "ymd_slash")))


def _psychiatric_hold_form(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    officer, petitioner, clinician = case.person(), case.person(), case.clinician()
    note.line("APPLICATION FOR EMERGENCY ADMISSION (72-HOUR HOLD)")
    note.put("PERSON DETAINED: ", _name(rng, pt, ("caps_last_first", "caps_full"), 0.0))
    note.line("   AKA: ", ("NAME", pt.given.split()[0]))
    note.put("DOB: ", _date(rng, case.birth, _DOB_STYLES), "   AGE: ")
    note.line(_age(rng, case.age, ("bare",)), "   SEX: ", "F" if pt.female else "M")
    note.line("ADDRESS: ", _address(rng, case, caps=True))
    note.put("Detained on ", _date(rng, case.visit, ("mdy", "weekday", "long")), " at ")
    note.put(_time(rng), " by Officer ", _name(rng, officer, ("full", "initial_last"), 0.0))
    note.put(", badge #", ("ID", _code(rng, "####")), ", incident no. ")
    note.line(("ID", _code(rng, "##-######")), ".")
    if rng.random() < 0.4:
        note.line("Vehicle towed, plate ", ("LICENSE", _license(rng, "plate")), ".")
    relation = _relation(rng, petitioner, ("mother", "sister", "roommate", "wife", "daughter"))
    note.put(f"Petitioner ({relation}): ", _name(rng, petitioner, ("full", "last_first"), 0.0))
    note.line(", ", _phone(rng, 0.0))
    note.put('Statement: "', ("NAME", pt.given), " texted me a photo of pills and said goodbye.")
    note.line(' He has not slept in days."' if not pt.female else ' She has not slept in days."')
    for sentence in case.eponyms(_EPONYMS["psychiatric_hold_form"], 3):
        note.eponym(sentence + " ")
    note.line("\nPatient given 988 crisis line; security and 911 not needed on the unit.")
    unit = _facility(rng, case.fake, ("Behavioral Health", "Psychiatric Hospital"))
    note.line("Transferred to: ", ("FACILITY", unit))
    note.put("Evaluator: ", _name(rng, clinician, ("full", "caps_full"), 0.0), ", LCSW, lic. ")
    note.line(("LICENSE", _license(rng, "state")))


def _nicu_parent_note(note: _Note, case: _Case) -> None:
    rng, baby = case.rng, case.patient
    mother, nnp = case.person(female=True, surname=baby.surname), case.clinician()
    father = case.person(female=False, surname=baby.surname if rng.random() < 0.6 else None)
    days = rng.randint(2, 60)
    case.birth, case.age = case.visit - timedelta(days=days), 0
    note.line("NICU - PARENT COMMUNICATION NOTE")
    note.put("Infant: Baby ", "Girl " if baby.female else "Boy ")
    note.put(("NAME", rng.choice((baby.surname, baby.surname.upper()))), " (now named ")
    note.line(("NAME", baby.given), f"), {_mrn_label(rng)} ", ("MRN", case.mrn))
    note.put("Born ", _date(rng, case.birth, ("mdy", "dmy_long", "iso", "long")))
    weeks = rng.randint(24, 36)
    weight = 650 + (weeks - 24) * 170 + rng.randint(-150, 150)  # rough growth curve, grams
    note.line(
        f" at {_time(rng)}, {weeks}+{rng.randint(0, 6)} weeks, BW {weight} g; day of life {days}."
    )
    note.put("Met with mother ", ("NAME", mother.given), " and father ")
    note.put(_name(rng, father, ("full", "given"), 0.2), " at the bedside")
    if rng.random() < 0.4:
        note.put(" (Spanish interpreter ID ", ("ID", _code(rng, "#####")), ")")
    note.line(".")
    for sentence in case.eponyms(_EPONYMS["nicu_parent_note"], 3):
        note.eponym(sentence + " ")
    note.line()
    note.put('Mother asked: "Can ', ("NAME", baby.given.lower()), " come home before ")
    note.line(_date(rng, _later(case, 10, 40), ("long_ord", "words", "mon_day")), '?"')
    note.put("Parents' contact: ", _phone(rng, 0.0), " / ")
    note.line(("EMAIL", _email(rng, case.fake, mother)))
    note.put("Family meeting planned ", _date(rng, _later(case, 2, 9), ("weekday", "ord_of")))
    note.line(".\n", _name(rng, nnp, ("full", "initial_last"), 0.0), ", NNP")


def _records_release_request(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    attorney = case.clinician()
    domain = _domain(rng, case.fake)
    note.line("Law Office of ", ("NAME", _name_text(attorney, "full")))
    note.line(_other_address(rng, case.fake))
    note.line("Tel ", _phone(rng, 0.0), " | ", ("EMAIL", _email(rng, case.fake, attorney, domain)))
    note.line(_date(rng, case.visit, ("long", "mdy")))
    note.line("VIA FAX ", _phone(rng, 0.0, 0.0))
    note.line("Custodian of Records")
    note.line(("FACILITY", _facility(rng, case.fake, ("Hospital", "Medical Center", "Clinic"))))
    note.line("RE:  Request for medical and billing records")
    note.line("     Client: ", _name(rng, pt, ("full", "full_middle", "caps_full"), 0.0))
    note.put("     DOB: ", _date(rng, case.birth, _DOB_STYLES), "   SSN: ", ("SSN", _ssn(rng)))
    note.line()
    start = _earlier(case, 200, 700)
    note.put("     Dates of service: ", _date(rng, start, ("mdy", "mdy0")), " through ")
    note.line(_date(rng, _earlier(case, 10, 190), ("mdy", "mdy0", "long")))
    note.put("     Our file no.: ", ("ID", _code(rng, "####-###")), "   Case no.: ")
    note.line(("ID", _code(rng, rng.choice(("##-CV-#####", "CV-####-######")))))
    note.put("Pursuant to the enclosed authorization, please produce the complete chart, ")
    note.eponym(rng.choice(case.eponyms(_EPONYMS["records_release_request"], 1)))
    note.line(", and itemized billing for account ", ("ID", _code(rng, "#########")), ".")
    note.line("Records may be uploaded at ", ("URL", _url(rng, domain, "upload")))
    note.line("(portal access is logged from ", ("IP", _ip(rng)), ").")
    note.line("\nSincerely,\n", ("NAME", _name_text(attorney, "full")), ", Esq.")
    note.line("Bar No. ", ("LICENSE", _license(rng, "cert")))
    note.put("Authorization signed by ", _name(rng, pt, ("full", "caps_full"), 0.0), " on ")
    note.line(_date(rng, _earlier(case, 1, 20), ("mdy0", "mdy")))


def _transplant_coordinator_note(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    coordinator, support = case.clinician(), case.person()
    note.put("Transplant Coordinator Note - ", _date(rng, case.visit, ("mdy", "iso", "long")))
    note.line(" ", _time(rng))
    note.put("Candidate: ", _name(rng, pt, ("full", "last_first", "caps_last_first"), 0.2))
    note.line(
        f"   {_mrn_label(rng)} ", ("MRN", case.mrn), "   UNOS ID ", ("ID", _code(rng, "@@@####"))
    )
    listed = _earlier(case, 60, 700)
    note.put("Listed ", _date(rng, listed, ("month_year", "mdy", "long")), " for liver; ")
    note.line(f"MELD-Na {rng.randint(15, 38)}.")
    for sentence in case.eponyms(_EPONYMS["transplant_coordinator_note"], 3):
        note.eponym(sentence + " ")
    note.put("\nOffer call from OPO at ", _time(rng), "; donor ID ")
    note.line(("ID", _code(rng, "@@@@###")), ", DCD, 34 y, cold ischaemia est 6 h.")
    note.put("Reached patient at ", ("PHONE", _phone_text(rng, case.phone, 0.0)), "; ")
    relation = _relation(rng, support, ("wife", "sister", "friend", "daughter", "mother"))
    note.put(f"support person is {relation} ", _name(rng, support, ("full", "given"), 0.1), " (")
    note.line(_phone(rng, 0.0), ").")
    lodging = _facility(rng, case.fake, ("Transplant House", "Hospitality House"))
    note.line("Family to stay at ", ("FACILITY", lodging), ", ", _other_address(rng, case.fake))
    note.put("Pre-op labs sent; accession ", ("ID", _code(rng, "@##-#####")))
    note.line(". OR tentatively ", _time(rng), ".")
    note.line("- ", _name(rng, coordinator, ("full", "initial_last", "initials"), 0.0), ", RN")


def _audiology_report(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    audiologist, referrer = case.clinician(), case.clinician()
    note.line("AUDIOLOGY EVALUATION")
    note.line(("FACILITY", _facility(rng, case.fake, ("Audiology & Hearing", "Hearing Center"))))
    note.put("Name: ", _name(rng, pt, ("full", "last_first", "caps_full"), 0.0))
    note.put("   DOB: ", _date(rng, case.birth, _DOB_STYLES), "   Age: ")
    note.line(_age(rng, case.age, ("bare", "y")))
    note.put("Test date: ", _date(rng, case.visit, ("mdy", "dmy_dot", "iso")), "   Referred by ")
    note.line(_name(rng, referrer, _CLINICIAN_STYLES, 1.0, doctor=True))
    for sentence in case.eponyms(_EPONYMS["audiology_report"], 3):
        note.eponym(sentence)
        note.line()
    note.line("Pure-tone thresholds (dB HL)")
    note.line("Hz    | 250 | 500 | 1000 | 2000 | 4000 | 8000")
    for ear in ("Right", "Left "):
        values = sorted(rng.randint(10, 80) for _ in range(6))
        note.line(f"{ear} | " + " | ".join(f"{v:>3}" for v in values))
    note.line(f"WRS: R {rng.randint(60, 100)}% @ 70 dB, L {rng.randint(60, 100)}% @ 75 dB")
    if rng.random() < 0.7:
        note.put("Hearing aids fitted: L serial ", ("DEVICE", _device(rng, case.visit)))
        note.line(", R serial ", ("DEVICE", _device(rng, case.visit)))
    note.put(_name(rng, audiologist, ("full", "full_middle"), 0.0), ", Au.D., CCC-A, License ")
    note.line(("LICENSE", _license(rng, "state")))


def _portal_message_thread(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    doctor, nurse = case.clinician(), case.clinician()
    domain = _domain(rng, case.fake)
    email = case.email
    note.line("Subject: Re: question about ", rng.choice(("my results", "my monitor", "refill")))
    note.put("From: ", _name(rng, pt, ("full", "lower_full", "caps_full"), 0.0))
    note.line(" <", ("EMAIL", email), ">")
    sent = _date(rng, case.visit, ("weekday_us", "rfc", "mdy"))
    note.line("Sent: ", sent, " ", _time(rng), "   IP: ", ("IP", _ip(rng)))
    note.put("\nhi dr ", ("NAME", doctor.surname.lower()), ", this is ")
    note.put(("NAME", pt.given.lower()), ". ")
    note.eponym(case.eponyms(_EPONYMS["portal_message_thread"], 1)[0])
    note.put(" my mom is ", _age(rng, rng.randint(84, 99), ("bare", "word")))
    note.put(" and i look after her so ")
    note.put("can i come in ", _date(rng, _later(case, 1, 8), ("weekday", "mon_day", "md_dash")))
    note.line("? thanks")
    note.put("\n> On ", _date(rng, _earlier(case, 2, 14), ("rfc", "mdy", "long")), ", ")
    note.put(_name(rng, nurse, ("full", "initial_last"), 0.0), ", RN <")
    note.line(("EMAIL", _email(rng, case.fake, nurse, domain)), "> wrote:")
    note.line("> Your lab results are ready. Sign in at ", ("URL", _url(rng, domain, "portal")))
    clinic = _facility(rng, case.fake, ("Cardiology", "Internal Medicine", "Heart Clinic"))
    note.line("> ", ("FACILITY", clinic), " | ", _phone(rng, 0.3))
    note.put("\n[portal audit] session ", ("ID", _code(rng, "%%%%%%%%%%")), " from ")
    note.line(("IP", _ip(rng)))


def _travel_vaccine_record(note: _Note, case: _Case) -> None:
    rng, pt = case.rng, case.patient
    nurse, doctor = case.clinician(), case.clinician()
    domain = _domain(rng, case.fake)
    note.line("TRAVEL HEALTH CLINIC - IMMUNIZATION RECORD")
    note.line(("FACILITY", _facility(rng, case.fake, ("Travel Clinic", "Travel Medicine"))))
    note.put("Traveller: ", _name(rng, pt, ("full", "caps_last_first", "last_first"), 0.3))
    note.line("   DOB: ", _date(rng, case.birth, _DOB_STYLES))
    note.line("Passport: ", ("ID", _code(rng, rng.choice(("@########", "#########", "@@#######")))))
    countries = ", ".join(rng.sample(_COUNTRIES, 3))
    note.put(f"Itinerary: {countries}; departs ", _date(rng, _later(case, 10, 60), _ANY_STYLES))
    note.line(", returns ", _date(rng, _later(case, 61, 120), _ANY_STYLES))
    note.line("Vaccine\tLot\tDate\tSite\tGiven by")
    initials = _name_text(nurse, "initials")
    styles = [rng.choice(("mdy0", "dmy_compact", "iso", "ymd_slash"))]
    for vaccine in rng.sample(_VACCINES, 3):
        note.put(f"{vaccine}\t{_code(rng, '@@###@@')}\t")
        note.put(_date(rng, _earlier(case, 0, 40), styles))
        site = "oral" if "oral" in vaccine else rng.choice(("L deltoid", "R deltoid"))
        note.line(f"\t{site}\t", ("NAME", initials))
    note.line("ICVP certificate no. ", ("LICENSE", _code(rng, "YF-####-######")))
    for sentence in case.eponyms(_EPONYMS["travel_vaccine_record"], 2):
        note.eponym(sentence + " ")
    note.put("\nContact: ", ("PHONE", _phone_text(rng, case.phone, 0.0)), " / ")
    note.line(("EMAIL", case.email), "; leaflets at ", ("URL", _url(rng, domain, "info")))
    note.line("Reviewed by ", _name(rng, doctor, _CLINICIAN_STYLES, 1.0, doctor=True))


_COUNTRIES = [
    "Peru",
    "Bolivia",
    "Brazil",
    "Kenya",
    "Tanzania",
    "India",
    "Nepal",
    "Vietnam",
    "Ghana",
    "Colombia",
    "Thailand",
    "Ecuador",
]
_VACCINES = [
    "Yellow fever",
    "Typhoid Vi",
    "Hepatitis A",
    "Rabies (IM)",
    "Tdap",
    "Cholera (oral)",
    "Japanese encephalitis",
]


# Generator
_FAMILY_WRITERS: dict[str, Callable[[_Note, _Case], None]] = {
    "nursing_handover": _nursing_handover,
    "infusion_chair_log": _infusion_chair_log,
    "dialysis_run_sheet": _dialysis_run_sheet,
    "genetic_counselling_letter": _genetic_counselling_letter,
    "occupational_injury_report": _occupational_injury_report,
    "hospice_intake": _hospice_intake,
    "sleep_study_report": _sleep_study_report,
    "ophthalmology_letter": _ophthalmology_letter,
    "prior_auth_fax": _prior_auth_fax,
    "psychiatric_hold_form": _psychiatric_hold_form,
    "nicu_parent_note": _nicu_parent_note,
    "records_release_request": _records_release_request,
    "transplant_coordinator_note": _transplant_coordinator_note,
    "audiology_report": _audiology_report,
    "portal_message_thread": _portal_message_thread,
    "travel_vaccine_record": _travel_vaccine_record,
}
FAMILIES_D: tuple[str, ...] = tuple(_FAMILY_WRITERS)

COLLISION_RATE = 0.2  # share of notes where a person shares the surname of an eponym in them
OLD_AGE_RATE = 0.3  # share of patients over 89, so AGE is well represented


def _new_case(rng: random.Random, fake: Faker, family: str) -> _Case:
    age = rng.randint(90, 104) if rng.random() < OLD_AGE_RATE else rng.randint(19, 89)
    visit = date(2021, 1, 1) + timedelta(days=rng.randrange(6 * 365))
    birthday = date(visit.year - age, visit.month, min(visit.day, 28))
    birth = birthday - timedelta(days=rng.randint(1, 360))
    patient = _person(rng, fake)
    gen = fake["en_US"]
    case = _Case(
        rng=rng,
        fake=fake,
        patient=patient,
        age=age,
        birth=birth,
        visit=visit,
        mrn=_mrn_text(rng),
        street=gen.street_address(),
        city=gen.city(),
        state=gen.state_abbr(),
        zip_code=gen.zipcode() if rng.random() < 0.85 else gen.zipcode_plus4(),
        phone=_phone_digits(rng),
        email="",
    )
    case.email = _email(rng, fake, patient)
    colliding = [t for t in _EPONYMS[family] if _eponym_surname(t)]
    if colliding and rng.random() < COLLISION_RATE:
        case.forced_eponym = rng.choice(colliding)
        surname = _eponym_surname(case.forced_eponym)
        if rng.random() < 0.6:
            case.patient = _Person(
                patient.given, surname, patient.middle, patient.female, patient.locale
            )
            case.email = _email(rng, fake, case.patient)
        else:
            case.clinician_surname = surname
    return case


def generate_heldout_d(n: int, seed: int) -> list[AnnotatedNote]:
    """Generate ``n`` annotated notes of set D, spread evenly over ``FAMILIES_D``.

    Note ``i`` is of family ``FAMILIES_D[i % len(FAMILIES_D)]`` and depends only on
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
    fake = Faker(sorted(set(NAME_LOCALES)))
    notes = []
    for index in range(n):
        family = FAMILIES_D[index % len(FAMILIES_D)]
        rng = random.Random(f"heldout-d/{seed}/{index}")
        fake.seed_instance(rng.randrange(2**32))
        case = _new_case(rng, fake, family)
        note = _Note()
        _FAMILY_WRITERS[family](note, case)
        notes.append(
            AnnotatedNote(
                text=note.text,
                spans=note.spans,
                keep_spans=note.keep_spans,
                identifiers=case.identifiers(),
                patient_id=f"HD{seed}-{index}",
                family=family,
            )
        )
    return notes
