"""Held-out set B: annotated notes written blind, after set A had been used for tuning.

Set A (``benchmarks/phi_heldout.py``) was written without reading the de-identifier's training
templates, but its miss categories were later used to improve the detector, so it no longer
measures unseen phrasing. Set B was written the same way, without reading the detector's
templates, patterns or tagger, and without reading set A's templates beyond their family names,
so that it is blind again. Its ten families are documents that neither set A nor a discharge
summary resembles: an insurance prior-authorization form, a wound-care photo log, a
physiotherapy progress note, a school or work fitness note, an antenatal record, a psychiatric
intake, an ambulance run sheet, a lab critical-value call log, a dental referral and a clinical
trial screening note.

Names come from twelve Faker locales. Dates, phones, record numbers and ages are written in
several formats each, and form rows, prose, capitals and abbreviations are mixed. Eponyms that
must survive de-identification ("Addison disease", "Glasgow Coma Scale") are recorded as
``keep_spans``; some patients carry an eponym's surname ("Mr. Addison"), which is a NAME.

Notes are built piece by piece: every PHI value is appended while its offsets are recorded, so
``text[span.start:span.end]`` is exactly the value. The output depends only on ``(n, seed)``.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from training.phi.types import AnnotatedNote, PhiSpan

# Name cultures; the address stays US because ZIP codes and states are US concepts.
NAME_LOCALES = (
    "en_US", "es_ES", "de_DE", "fr_FR", "en_GB", "it_IT",
    "pt_BR", "pl_PL", "tr_TR", "nl_NL", "en_IN", "ga_IE",
)  # fmt: skip
ADDRESS_LOCALE = "en_US"

# Surname -> the eponym that must survive in a note about a patient of that name.
EPONYM_BY_SURNAME = {
    "Addison": "Addison disease",
    "Graves": "Graves disease",
    "Parkinson": "Parkinson disease",
    "Wilson": "Wilson disease",
    "Bell": "Bell's palsy",
    "Cushing": "Cushing syndrome",
    "Hodgkin": "Hodgkin lymphoma",
    "Barrett": "Barrett esophagus",
    "Hashimoto": "Hashimoto thyroiditis",
    "Down": "Down syndrome",
    "Crohn": "Crohn's disease",
    "Raynaud": "Raynaud phenomenon",
    "Babinski": "Babinski sign",
    "Alzheimer": "Alzheimer's disease",
}
# Eponyms and named scales of the family domains; ``Glasgow`` and ``Hamilton`` are also cities.
DOMAIN_EPONYMS = (
    "Glasgow Coma Scale", "Braden score", "Doppler", "Wagner grade", "McMurray test",
    "Lachman test", "Trendelenburg gait", "Naegele's rule", "Braxton Hicks contractions",
    "Beck Depression Inventory", "Hamilton Anxiety Rating Scale", "Foley catheter",
    "Holter monitor", "Romberg test", "Gram stain", "Apgar score",
)  # fmt: skip
EPONYM_PHRASES_B = (*EPONYM_BY_SURNAME.values(), *DOMAIN_EPONYMS)
# Eponyms that can stand in a problem list; a sign cannot.
_CONDITIONS = tuple(p for p in EPONYM_BY_SURNAME.values() if not p.endswith(" sign"))

EPONYM_PATIENT_SHARE = 0.15  # notes whose patient bears an eponym surname
OLD_PATIENT_SHARE = 0.3  # notes whose patient is over 89 (an AGE identifier), where ages allow

# Record-number shapes for ``_pattern``: one per simulated hospital system.
_MRN_SHAPES = ("99999999", "A9999999", "MR9999999", "9999999", "E99999999", "99-999-99", "H99999-9")
_MAIL_DOMAINS = (
    "gmx.de", "hotmail.co.uk", "libero.it", "orange.fr", "uol.com.br", "proton.me",
    "yahoo.es", "wp.pl", "fastmail.com", "ziggo.nl", "rediffmail.com", "eircom.net",
)  # fmt: skip
_PLACE_WORDS = (
    "Harbourside", "Juniper Ridge", "Old Mill", "Saint Brigid", "Kingsford", "Alder Creek",
    "Marisol", "Copper Valley", "Linden Park", "Westmarch", "Bellwether", "Sycamore Hill",
)  # fmt: skip
_FACILITY_KINDS = {
    "hospital": ("Regional Hospital", "Medical Center", "Women's & Infants Hospital"),
    "rehab": ("Physical Therapy", "Sports Physiotherapy", "Rehab Partners"),
    "wound": ("Wound & Hyperbaric Center", "Limb Preservation Clinic"),
    "dental": ("Family Dentistry", "Oral Surgery Associates", "Dental Group"),
    "lab": ("Reference Laboratory", "Clinical Labs"),
    "clinic": ("Health Centre", "Primary Care", "Urgent Care", "Behavioral Health"),
    "ems": ("Ambulance District", "Fire-Rescue", "EMS Authority"),
    "research": ("Clinical Research Unit", "Trial Site"),
}
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_TENS_WORDS = {90: "ninety", 100: "one hundred"}
_UNIT_WORDS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


# Building notes
class _Builder:
    """Appends text and records the offsets of PHI values and keep phrases."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.spans: list[PhiSpan] = []
        self.keep: list[tuple[int, int]] = []

    def add(self, text: str) -> _Builder:
        self._parts.append(text)
        self._length += len(text)
        return self

    def phi(self, value: str, phi_type: str) -> _Builder:
        if not value or value != value.strip():
            raise ValueError(f"phi_heldout_b: a {phi_type} value is empty or padded")
        self.spans.append(PhiSpan(self._length, self._length + len(value), phi_type))
        return self.add(value)

    def eponym(self, phrase: str) -> _Builder:
        self.keep.append((self._length, self._length + len(phrase)))
        return self.add(phrase)

    def row(self, label: str, value: str, phi_type: str | None, sep: str = ": ") -> _Builder:
        """A form row ``label<sep>value`` and a newline."""
        self.add(label + sep)
        if phi_type is None:
            self.add(value)
        else:
            self.phi(value, phi_type)
        return self.add("\n")

    def text(self) -> str:
        return "".join(self._parts)


@dataclass(frozen=True)
class _Person:
    first: str
    last: str
    sex: str  # "F" or "M": chooses titles and family roles


def _ascii(text: str) -> str:
    """Accents dropped and spaces or apostrophes removed, for e-mail local parts and domains."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _pattern(rng: random.Random, pattern: str) -> str:
    """Fill ``A`` with capital letters and ``9`` with digits; other characters stay."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I/O/Q, as many issuers avoid them
    return "".join(
        rng.choice(letters) if ch == "A" else str(rng.randrange(10)) if ch == "9" else ch
        for ch in pattern
    )


def _age_words(age: int) -> str:
    tens = 100 if age >= 100 else 90
    unit = _UNIT_WORDS[age - tens]
    if not unit:
        return _TENS_WORDS[tens]
    return f"{_TENS_WORDS[tens]} and {unit}" if tens == 100 else f"ninety-{unit}"


# Formats
def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _date_styles(d: date) -> tuple[str, ...]:
    """The date in every style of set B; the styles with a year come first."""
    mon = _MONTHS[d.month - 1]
    return (
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year % 100:02d}",
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.year}{d.month:02d}{d.day:02d}",
        f"{d.day} {mon[:3]} {d.year}",
        f"{mon} {d.day}, {d.year}",
        f"{mon[:3]}. {_ordinal(d.day)}, {d.year}",
        f"{d.day:02d}-{mon[:3].upper()}-{d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
        f"{d.year}/{d.month:02d}/{d.day:02d}",
        f"{d.month}-{d.day}-{d.year}",
        f"{_ordinal(d.day)} {mon} {d.year}",
        f"{d.strftime('%A')} {d.day} {mon} {d.year}",
        f"{mon[:3]} {d.year}",  # month and year: still more specific than the year
        # Without a year.
        f"{d.month}/{d.day}",
        f"{d.day} {mon[:3]}",
        f"{mon} {_ordinal(d.day)}",
        f"{d.strftime('%a')} {d.month:02d}/{d.day:02d}",
    )


_YEARLESS_STYLES = 4


def fmt_date(rng: random.Random, d: date, yearless: bool = False) -> str:
    """``d`` in a style drawn from ``_date_styles``; ``yearless`` allows the yearless ones."""
    styles = _date_styles(d)
    return rng.choice(styles if yearless else styles[:-_YEARLESS_STYLES])


def fmt_phone(rng: random.Random, digits: str) -> str:
    """A 10-digit US number written in one of nine styles."""
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return rng.choice(
        (
            f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"{a}{b}{c}",
            f"+1 {a} {b} {c}", f"1-{a}-{b}-{c}", f"+1-{a}-{b}-{c}", f"({a}){b}-{c}",
        )
    )  # fmt: skip


def fmt_ssn(rng: random.Random, digits: str) -> str:
    a, b, c = digits[:3], digits[3:5], digits[5:]
    return rng.choice((f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}{b}{c}", f"{a}-{b}{c}"))


def fmt_age(rng: random.Random, age: int) -> tuple[str, str, str]:
    """``(before, value, after)`` around the age value, in one of seven phrasings."""
    spelled = 90 <= age < 110 and rng.random() < 0.15
    value = _age_words(age) if spelled else str(age)
    return rng.choice(
        (
            ("", value, "-year-old"), ("", value, " y/o"), ("aged ", value, ""),
            ("", value, " yrs"), ("age ", value, ""), ("", value, " y.o."), ("", value, "YO"),
        )
    )  # fmt: skip


def fmt_name(rng: random.Random, person: _Person, style: str | None = None) -> str:
    """The name as one string: given-first, surname-first, capitals, initials or lower case."""
    initial = person.first[0]
    styles = {
        "full": f"{person.first} {person.last}",
        "last_first": f"{person.last.upper()}, {person.first}",
        "last_comma": f"{person.last}, {person.first}",
        "upper": f"{person.first} {person.last}".upper(),
        "initial": f"{initial}. {person.last}",
        "lower": f"{person.first} {person.last}".lower(),
        "first": person.first,
        "last": person.last,
    }
    return styles[style or rng.choice(("full", "full", "last_first", "last_comma", "upper"))]


def _title(rng: random.Random, person: _Person) -> str:
    if person.sex == "M":
        return rng.choice(("Mr. ", "Mr ", "Sr. ", "Herr "))
    return rng.choice(("Ms. ", "Mrs ", "Mrs. ", "Sra. ", "Mme "))


# One synthetic case
class _Case:
    """A patient, the people and places around one encounter, and their identifiers."""

    def __init__(self, rng: random.Random, fakers: dict[str, Faker], ages: tuple[int, int]):
        self.rng, self._fakers = rng, fakers
        self.patient = self.person()
        self.eponym_surname = rng.random() < EPONYM_PATIENT_SHARE
        if self.eponym_surname:
            surname = rng.choice(list(EPONYM_BY_SURNAME))
            self.patient = _Person(self.patient.first, surname, self.patient.sex)
        self.visit = date(2023, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        low, high = ages
        if high > 89 and rng.random() < OLD_PATIENT_SHARE:
            low = 90
        elif high > 89:
            high = 89
        self.age = rng.randint(low, high)
        self.dob = self.visit - timedelta(days=365 * self.age + rng.randrange(1, 360))
        self.mrn = _pattern(rng, rng.choice(_MRN_SHAPES))
        us = fakers[ADDRESS_LOCALE]
        self.street = f"{us.building_number()} {us.street_name()} {us.street_suffix()}"
        if rng.random() < 0.3:
            self.street += f", {us.secondary_address()}"
        self.city, self.state, self.zip = us.city(), us.state_abbr(), us.zipcode()
        if rng.random() < 0.2:
            self.zip += f"-{rng.randrange(10000):04d}"
        self.phone = self.phone_digits()
        self.ssn = f"{rng.randint(1, 665):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        self.conditions = self._conditions()

    def person(self, sex: str | None = None) -> _Person:
        """A person of a random name culture."""
        fake = self._fakers[self.rng.choice(NAME_LOCALES)]
        sex = sex or self.rng.choice("FM")
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        last = fake.last_name()
        if fake is self._fakers["es_ES"] and self.rng.random() < 0.5:
            last = f"{last} {fake.last_name()}"  # two surnames
        return _Person(first.strip(), last.strip(), sex)

    def _conditions(self) -> list[str]:
        conditions = self.rng.sample(_CONDITIONS, self.rng.randint(0, 2))
        linked = EPONYM_BY_SURNAME.get(self.patient.last)
        if self.eponym_surname and linked in _CONDITIONS:
            conditions = [linked, *(c for c in conditions if c != linked)]
        return conditions

    def phone_digits(self) -> str:
        area = self.rng.choice(("212", "305", "415", "503", "617", "702", "773", "804", "919"))
        return f"{area}{self.rng.randint(200, 999)}{self.rng.randrange(10000):04d}"

    def date(self, d: date, yearless: bool = False) -> str:
        return fmt_date(self.rng, d, yearless)

    def near(self, low: int, high: int) -> date:
        """A date ``low`` to ``high`` days from the visit (negative: before it)."""
        return self.visit + timedelta(days=self.rng.randint(low, high))

    def email(self, person: _Person) -> str:
        first, last = _ascii(person.first), _ascii(person.last)
        local = self.rng.choice(
            (f"{first}.{last}", f"{first[0]}{last}{self.rng.randint(1, 99)}", f"{last}_{first}")
        )
        return f"{local}@{self.rng.choice(_MAIL_DOMAINS)}"

    def facility(self, kind: str) -> str:
        return f"{self.rng.choice(_PLACE_WORDS)} {self.rng.choice(_FACILITY_KINDS[kind])}"

    def code(self, *patterns: str) -> str:
        return _pattern(self.rng, self.rng.choice(patterns))

    def url(self, facility: str, path: str) -> str:
        host = _ascii(facility)[:18]
        scheme = self.rng.choice(("https://", "http://", "", "https://www."))
        return f"{scheme}{host}.{self.rng.choice(('org', 'com', 'health'))}/{path}"

    def ip(self) -> str:
        if self.rng.random() < 0.1:
            return "2001:db8::" + ":".join(f"{self.rng.randrange(65536):x}" for _ in range(3))
        first = self.rng.choice((10, 172, 192, 66, 98, 203))
        return ".".join(str(x) for x in (first, *(self.rng.randrange(1, 255) for _ in range(3))))

    def identifiers(self) -> dict[str, str]:
        """The structured identifiers of the record, as a source system would send them."""
        p = self.patient
        return {
            "patient_name": f"{p.first} {p.last}",
            "mrn": self.mrn,
            "birth_date": self.dob.isoformat(),
            "address": f"{self.street}, {self.city}, {self.state} {self.zip}",
            "phone": f"{self.phone[:3]}-{self.phone[3:6]}-{self.phone[6:]}",
        }


# Pieces shared by the families
def _name(b: _Builder, case: _Case, person: _Person, style: str | None = None) -> _Builder:
    return b.phi(fmt_name(case.rng, person, style), "NAME")


def _titled(b: _Builder, case: _Case, person: _Person) -> _Builder:
    """ "Mr. Addison": the title is plain text, the surname a NAME."""
    return b.add(_title(case.rng, person)).phi(person.last, "NAME")


def _address(b: _Builder, case: _Case, upper: bool = False) -> _Builder:
    """Street, city, state and ZIP on one line; the state is not PHI under Safe Harbor."""
    street, city = (case.street.upper(), case.city.upper()) if upper else (case.street, case.city)
    b.phi(street, "ADDRESS").add(case.rng.choice((", ", " ", "; "))).phi(city, "CITY")
    return b.add(f", {case.state} ").phi(case.zip, "ZIP")


def _age(b: _Builder, case: _Case) -> _Builder:
    """The age in some phrasing; a PHI span only when it is over 89."""
    before, value, after = fmt_age(case.rng, case.age)
    b.add(before)
    if case.age > 89:
        b.phi(value, "AGE")
    else:
        b.add(value)
    return b.add(after)


def _phone(b: _Builder, case: _Case, digits: str | None = None) -> _Builder:
    return b.phi(fmt_phone(case.rng, digits or case.phone_digits()), "PHONE")


def _conditions(b: _Builder, case: _Case, lead: str, none: str = "") -> _Builder:
    """The case's eponymous conditions after ``lead``, or ``none`` when it has none."""
    if not case.conditions:
        return b.add(none)
    b.add(lead)
    for index, phrase in enumerate(case.conditions):
        b.add(", " if index else "").eponym(phrase)
    return b


def _signoff(b: _Builder, case: _Case, person: _Person, credentials: str) -> _Builder:
    """A clinician's signature line: name styles vary, the credentials are plain text."""
    style = case.rng.choice(("full", "initial", "upper", "last_comma"))
    return _name(b, case, person, style).add(f", {credentials}")


# The families
def _prior_auth(b: _Builder, c: _Case) -> None:
    """Insurance prior-authorization request: a fax form of labelled rows."""
    rng, sep = c.rng, c.rng.choice((": ", ":  ", " - ", "\t"))
    prescriber, practice = c.person(), c.facility("clinic")
    b.add(rng.choice(("PRIOR AUTHORIZATION REQUEST", "Prior Auth / Pre-Cert Form")))
    b.add(" - page 1 of 2\nTo: Utilization Review  Fax: ")
    _phone(b, c).add("\n")
    b.row("Member name", fmt_name(rng, c.patient, "last_first"), "NAME", sep)
    b.row("Member DOB", c.date(c.dob), "DATE", sep)
    b.row("Member ID", c.code("AAA999999999", "W999999999", "9999999999-01"), "ID", sep)
    b.row("Group #", c.code("GRP-99999", "99999-AA", "999999"), "ID", sep)
    if rng.random() < 0.5:
        b.row("SSN (last 4)", c.ssn[-4:], "SSN", sep)
    else:
        b.row("Subscriber SSN", fmt_ssn(rng, c.ssn), "SSN", sep)
    b.add("Subscriber" + sep)
    subscriber = c.person()
    _name(b, c, subscriber).add(rng.choice((" (spouse)", " - parent", " (self: no)")) + "\n")
    b.add("Home address" + sep)
    _address(b, c).add("\nHome phone" + sep)
    b.phi(fmt_phone(rng, c.phone), "PHONE").add("\n")
    b.add("Requesting provider" + sep + "Dr. ")
    _name(b, c, prescriber, "full").add("  NPI" + sep).phi(c.code("1999999999"), "LICENSE")
    b.add("\nPractice" + sep).phi(practice, "FACILITY").add("  Office fax" + sep)
    _phone(b, c).add("\nContact e-mail" + sep).phi(c.email(prescriber), "EMAIL").add("\n")
    b.add("Diagnosis" + sep)
    _conditions(b, c, "", "Rheumatoid arthritis, seropositive (M05.79)")
    b.add("\nRequested: infliximab 5 mg/kg IV at wk 0, 2, 6 then q8wk; J1745 x 40 units\n")
    b.add("Start date requested" + sep).phi(c.date(c.near(3, 20)), "DATE").add("\n")
    b.add("Prior therapies: methotrexate 20 mg weekly (failed 3/2023 - 9/2023 per chart)\n")
    b.row("PA reference no.", c.code("PA99999999", "AUTH-9999-999999"), "ID", sep)
    b.add("Signed ").phi(c.date(c.visit), "DATE").add(" by ")
    _signoff(b, c, prescriber, rng.choice(("MD", "DO", "NP")))


def _wound_log(b: _Builder, c: _Case) -> None:
    """Wound-care photography log: a header, then one pipe-separated row per photo."""
    rng = c.rng
    clinic, nurse = c.facility("wound"), c.person()
    b.add("WOUND PHOTO LOG - ").phi(clinic, "FACILITY").add("\nPt: ")
    _name(b, c, c.patient, rng.choice(("last_first", "upper", "last_comma"))).add("   MRN ")
    b.phi(c.mrn, "MRN").add("   DOB ").phi(c.date(c.dob), "DATE").add("\n")
    b.add("Camera: ").add(rng.choice(("WoundCam 3", "Tablet iPad Air", "Silhouette Star")))
    b.add(" s/n ").phi(c.code("AA9999-999A", "99999999", "9AA9999999"), "DEVICE").add("\n")
    b.add("Photo | date/time | site | size (cm) | notes\n")
    day = c.near(-60, -20)
    for number in range(rng.randint(2, 4)):
        day += timedelta(days=rng.randint(5, 14))
        b.add(f"IMG_{rng.randint(1000, 9999)} | ").phi(c.date(day, yearless=True), "DATE")
        b.add(f" {rng.randint(7, 16):02d}:{rng.randrange(60):02d} | ")
        b.add(rng.choice(("sacrum", "L heel", "R lat malleolus", "plantar R 1st MTH")))
        size = 4.5 - number * rng.uniform(0.3, 0.9)
        b.add(f" | {size:.1f} x {size * 0.6:.1f} x 0.{rng.randint(1, 6)} | ")
        b.add(rng.choice(("granulating, ", "slough 30%, ", "epibole edges, ")))
        b.eponym("Braden score").add(f" {rng.randint(11, 18)}\n")
    b.add("ABI by ").eponym("Doppler").add(f" {rng.uniform(0.5, 1.1):.2f}; ")
    b.eponym("Wagner grade").add(f" {rng.randint(1, 3)}. ")
    if rng.random() < 0.5:
        b.eponym("Foley catheter").add(" in situ, keep dressing clear of drainage. ")
    _conditions(b, c, "Hx: ", "No vascular hx.").add("\nUploaded to ")
    b.phi(c.url(clinic, f"photos/{c.code('9999999')}"), "URL").add(" from ").phi(c.ip(), "IP")
    b.add("\nPhotographed by ")
    _signoff(b, c, nurse, rng.choice(("RN, CWON", "LPN", "RN")))
    b.add(" (pt consented ").phi(c.date(day), "DATE").add(")")


def _physio(b: _Builder, c: _Case) -> None:
    """Physiotherapy progress note: narrative prose with clinic shorthand."""
    rng, therapist, clinic = c.rng, c.person(), c.facility("rehab")
    b.add(rng.choice(("PT PROGRESS NOTE", "Physiotherapy - progress report", "pt progress")))
    b.add("\n")
    _name(b, c, c.patient, rng.choice(("full", "first", "lower")))
    b.add(f" attended session {rng.randint(4, 12)} of 12 at ").phi(clinic, "FACILITY")
    b.add(" on ").phi(c.date(c.visit), "DATE").add(". ")
    _age(b, c).add(rng.choice((" pt", " patient", " client")))
    b.add(" referred after R knee arthroscopy (partial medial meniscectomy) on ")
    b.phi(c.date(c.near(-70, -30), yearless=True), "DATE").add(". ")
    _conditions(b, c, "Comorbid: ", "").add(" Pain 3/10 (was 7/10). ROM 0-115 deg.\n")
    b.eponym("McMurray test").add(" neg, ").eponym("Lachman test").add(" 1A, mild ")
    b.eponym("Trendelenburg gait").add(" on fatigue. ").eponym("Romberg test").add(" neg.\n")
    helper = c.person()
    b.add("Accompanied by ").add(rng.choice(("her son ", "his wife ", "carer ", "neighbour ")))
    _name(b, c, helper, rng.choice(("full", "first"))).add(", who will drive to sessions (")
    _phone(b, c).add(").\nHEP updated and e-mailed to ").phi(c.email(c.patient), "EMAIL")
    b.add("; video link ").phi(c.url(clinic, f"hep/{c.code('AA9A9A')}"), "URL").add("\n")
    b.add("Plan: 2x/wk x 3 wk, review with Dr. ")
    _name(b, c, c.person(), "last").add(" on ").phi(c.date(c.near(14, 28), True), "DATE")
    b.add(".\n")
    _signoff(b, c, therapist, "PT, DPT").add(" Lic. ")
    b.phi(c.code("PT9999999", "PT-99999", "99999"), "LICENSE")


def _fitness_note(b: _Builder, c: _Case) -> None:
    """School or employer fitness note: a short letter with a period of absence."""
    rng, doctor, clinic = c.rng, c.person(), c.facility("clinic")
    b.phi(clinic, "FACILITY").add("\n")
    b.add(rng.choice(("Phone ", "Tel: ", "T. ")))
    _phone(b, c).add(rng.choice(("  Fax ", " | fax: ")))
    _phone(b, c).add("\n\n")
    b.add(rng.choice(("To whom it may concern,", "TO THE SCHOOL NURSE:", "Dear HR team,")))
    b.add("\n\nThis is to certify that ")
    _name(b, c, c.patient, rng.choice(("full", "upper"))).add(" (DOB ")
    b.phi(c.date(c.dob), "DATE").add(rng.choice((", student no. ", ", employee # ")))
    b.phi(c.code("S99999999", "999999", "EMP-99999"), "ID").add(") was seen in clinic on ")
    b.phi(c.date(c.visit), "DATE").add(" and is unfit for ")
    b.add(rng.choice(("school", "work", "PE and sport", "lifting over 10 kg")))
    b.add(" from ").phi(c.date(c.visit, yearless=True), "DATE").add(" to ")
    b.phi(c.date(c.near(3, 14)), "DATE").add(rng.choice((" inclusive.", ".")))
    b.add(" Cause: ").add(rng.choice(("acute gastroenteritis", "ankle sprain", "influenza A")))
    b.add(". ")
    _conditions(b, c, "Known ", "").add("\nHome address: ")
    _address(b, c, upper=rng.random() < 0.3).add("\nParent/guardian: ")
    _name(b, c, c.person(), rng.choice(("full", "last_comma"))).add(", ")
    _phone(b, c).add("\n\nYours faithfully,\nDr ")
    _signoff(b, c, doctor, rng.choice(("MB BS", "MD", "DO"))).add("\nMedical licence ")
    b.phi(c.code("A99999", "MD.9999999", "G99999"), "LICENSE")


def _antenatal(b: _Builder, c: _Case) -> None:
    """Obstetric antenatal record: booking fields, then a visit entry in shorthand."""
    rng, partner, midwife = c.rng, c.person("M"), c.person("F")
    lmp = c.visit - timedelta(days=rng.randint(60, 250))
    b.add("ANTENATAL RECORD  |  Booked at: ").phi(c.facility("hospital"), "FACILITY").add("\n")
    b.add("Name: ")
    _name(b, c, c.patient, rng.choice(("last_first", "full"))).add("   Hosp no: ")
    b.phi(c.mrn, "MRN").add("\nDOB: ").phi(c.date(c.dob), "DATE").add(f"  (age {c.age})")
    b.add(f"  G{rng.randint(1, 5)}P{rng.randint(0, 3)}  Blood group O Rh(D) neg\n")
    b.add("LMP ").phi(c.date(lmp), "DATE").add("  EDD by ").eponym("Naegele's rule").add(" ")
    b.phi(c.date(lmp + timedelta(days=280)), "DATE").add(", confirmed at dating scan ")
    b.phi(c.date(lmp + timedelta(days=rng.randint(80, 95)), yearless=True), "DATE").add("\n")
    b.add("Address: ")
    _address(b, c).add("\nMobile: ").phi(fmt_phone(rng, c.phone), "PHONE").add("\n")
    b.add("Partner / NOK: ")
    _name(b, c, partner, rng.choice(("full", "first"))).add(", ")
    _phone(b, c).add("\n")
    b.add("Combined screening for ").eponym("Down syndrome").add(": low chance (1 in 4,300).\n")
    if rng.random() < 0.5:
        b.add("Previous baby: SVD at 39/40, ").eponym("Apgar score").add(" 9 at 5 min.\n")
    _conditions(b, c, "PMH: ", "PMH: nil.").add("\n")
    weeks = (c.visit - lmp).days // 7
    b.phi(c.date(c.visit, yearless=True), "DATE")
    b.add(f" - {weeks}+{rng.randint(0, 6)}/40. BP 118/74, urine NAD, SFH {weeks - 1} cm, ")
    b.add(f"FHR {rng.randint(128, 155)}. Occasional ").eponym("Braxton Hicks contractions")
    b.add(". Fetal monitor s/n ").phi(c.code("CTG-99999", "AA99999999"), "DEVICE").add(".\n")
    b.add("Next appt ").phi(c.date(c.near(14, 28), yearless=True), "DATE").add(" with MW ")
    _name(b, c, midwife, rng.choice(("full", "initial", "first")))


def _psych_intake(b: _Builder, c: _Case) -> None:
    """Psychiatric intake: narrative history with social details and rating scales."""
    rng, sister, psychiatrist = c.rng, c.person("F"), c.person()
    b.add(rng.choice(("Psychiatric Intake Assessment", "PSYCH INTAKE", "Behavioral health intake")))
    b.add(" - ").phi(c.date(c.visit), "DATE").add("\nIdentifying data: ")
    _titled(b, c, c.patient).add(rng.choice((" is a ", ", a ")))
    _age(b, c).add(
        rng.choice(
            (
                " retired teacher",
                " widowed man" if c.patient.sex == "M" else " widowed woman",
                " former machinist",
            )
        )
    )
    b.add(', self-referred. CC: "I can\'t sleep and I keep losing things."\n')
    b.add("History: low mood since the death of ")
    b.add(rng.choice(("her husband ", "his wife ", "a close friend ")))
    _name(b, c, c.person(), "full").add(" in ").phi(c.date(c.near(-400, -60)), "DATE")
    b.add(". Mother had ").eponym("Alzheimer's disease").add("; ")
    _conditions(b, c, "own history of ", "no medical history").add(".\n")
    b.add("Prior admission: ").phi(c.facility("clinic"), "FACILITY").add(", ")
    b.phi(c.date(c.near(-2000, -500)), "DATE").add(".\nSocial: lives with sister ")
    _name(b, c, sister, rng.choice(("full", "first", "lower"))).add(" at ")
    _address(b, c).add(". Drives; licence no. ")
    b.phi(c.code("A999-9999-9999", "A9999999", "999999999"), "LICENSE").add(".\n")
    b.eponym("Beck Depression Inventory").add(f" {rng.randint(18, 40)}, ")
    b.eponym("Hamilton Anxiety Rating Scale").add(f" {rng.randint(10, 30)}, ")
    b.add(f"MoCA {rng.randint(18, 29)}/30. Denies SI/HI.\n")
    b.add("Collateral from sister at ").phi(c.email(sister), "EMAIL").add(" and ")
    _phone(b, c).add(".\nSeen by ")
    _signoff(b, c, psychiatrist, rng.choice(("MD", "DNP, PMHNP-BC", "MBBS, MRCPsych")))


def _ems_run(b: _Builder, c: _Case) -> None:
    """Ambulance run sheet: capitalised fields, times and a terse narrative."""
    rng, medic, partner = c.rng, c.person(), c.person()
    service, receiving = c.facility("ems"), c.facility("hospital")
    b.phi(service.upper(), "FACILITY").add(" - PATIENT CARE REPORT\nINCIDENT #: ")
    b.phi(c.code("99-999999", "AA99999999", "9999-99999"), "ID").add("   DATE: ")
    b.phi(c.date(c.visit), "DATE").add(f"   UNIT: M{rng.randint(1, 40)}\n")
    b.add(f"DISP {rng.randint(0, 23):02d}:{rng.randrange(60):02d}  ENRT +2  ONSC +9  TRNS +31\n")
    b.add("PT NAME: ")
    _name(b, c, c.patient, rng.choice(("last_first", "upper"))).add("   AGE: ")
    (b.phi(str(c.age), "AGE") if c.age > 89 else b.add(str(c.age))).add(f"  SEX: {c.patient.sex}")
    b.add("\nPICKUP: ")
    _address(b, c, upper=True).add("\nCALLER: ")
    b.add(rng.choice(("daughter ", "neighbor ", "son ", "home aide ")))
    _name(b, c, c.person(), rng.choice(("full", "upper", "first"))).add("  CB# ")
    _phone(b, c).add("\nNARRATIVE: found on floor, ?syncope. ")
    b.eponym("Glasgow Coma Scale").add(f" {rng.randint(12, 15)}. ")
    b.eponym("Babinski sign").add(rng.choice((" absent b/l. ", " equivocal L. ")))
    b.add(f"BGL {rng.randint(70, 180)} mg/dL. 12-lead sinus {rng.randint(55, 110)}. ")
    _conditions(b, c, "PMHx ", "PMHx unk.").add("\n")
    b.add("AED s/n ").phi(c.code("AA99A99999", "9999999999", "X999-99999"), "DEVICE")
    b.add(" pads applied, no shock advised. ")
    if rng.random() < 0.5:
        b.add("Pt vehicle plate ").phi(c.code("9AAA999", "AAA-9999", "AA9 9AA"), "LICENSE")
        b.add(" left at scene. ")
    b.add("Transported to ").phi(receiving, "FACILITY").add(", report to charge RN ")
    _name(b, c, c.person(), rng.choice(("first", "initial"))).add(".\nCREW: ")
    _signoff(b, c, medic, "Paramedic").add(" #").phi(c.code("P99999", "EMT-P 999999"), "LICENSE")
    b.add(" / ")
    _name(b, c, partner, rng.choice(("upper", "initial"))).add(", EMT-B")


def _critical_call(b: _Builder, c: _Case) -> None:
    """Lab critical-value call log: one timestamped line per call with read-back."""
    rng, lab, tech = c.rng, c.facility("lab"), c.person()
    b.phi(lab, "FACILITY").add(" - critical value notification log\nPatient: ")
    _name(b, c, c.patient, rng.choice(("last_first", "last_comma", "upper"))).add("  MRN: ")
    b.phi(c.mrn, "MRN").add("  DOB: ").phi(c.date(c.dob), "DATE").add("\n")
    b.add("Acc# ").phi(c.code("C99-999999", "99AA999999", "A9999999999"), "ID")
    b.add("  Specimen ").phi(c.code("SP9999999", "99999999-9"), "ID")
    b.add(f"  collected {rng.randint(0, 23):02d}:{rng.randrange(60):02d}\n")
    results = (
        ("K", f"{rng.uniform(6.2, 7.4):.1f} mmol/L (H, not hemolyzed)"),
        ("Na", f"{rng.randint(112, 119)} mmol/L (L)"),
        ("Glucose", f"{rng.randint(32, 45)} mg/dL (L)"),
        ("Blood culture", "positive, GPC in clusters"),
    )
    analyte, value = rng.choice(results)
    calls = rng.randint(1, 3)
    for attempt in range(calls):
        stamp = c.date(c.visit, yearless=attempt > 0)
        b.phi(stamp, "DATE").add(f" {rng.randint(0, 23):02d}:{rng.randrange(60):02d} ")
        if attempt < calls - 1:
            b.add("paged Dr. ")
            _name(b, c, c.person(), "last").add(" at ")
            _phone(b, c).add(" - no answer\n")
            continue
        b.add(f"{analyte} {value} called to ")
        _name(b, c, c.person(), rng.choice(("full", "initial", "lower"))).add(" RN, unit 4W (x")
        b.add(f"{rng.randint(1000, 9999)}); read back and verified.\n")
    if analyte == "Blood culture":
        b.eponym("Gram stain").add(" images: ")
        b.phi(c.url(lab, f"micro/{c.code('AA99999')}"), "URL").add("\n")
    _conditions(b, c, "Clinical info: ", "Clinical info: none given").add(". Results faxed to ")
    _phone(b, c).add(".\nLogged by ")
    _signoff(b, c, tech, rng.choice(("MLS(ASCP)", "MT", "CLS"))).add(" at workstation ")
    b.phi(c.ip(), "IP")


def _dental_referral(b: _Builder, c: _Case) -> None:
    """Dental referral letter to an oral surgeon, with insurance and imaging details."""
    rng, dentist, surgeon = c.rng, c.person(), c.person()
    practice = c.facility("dental")
    b.phi(practice, "FACILITY").add(" | ").phi(c.email(dentist), "EMAIL").add(" | ")
    _phone(b, c).add("\n").phi(c.date(c.visit), "DATE").add("\n\nDear Dr ")
    _name(b, c, surgeon, rng.choice(("last", "full"))).add(",\n\nRe: ")
    _name(b, c, c.patient, rng.choice(("full", "upper", "last_first"))).add(", DOB ")
    b.phi(c.date(c.dob), "DATE").add(", chart ").phi(c.mrn, "MRN").add("\n")
    b.add("Thank you for seeing this ")
    _age(b, c).add(" patient for extraction of #17 and #32 (partially erupted, pericoronitis ")
    b.add(f"x{rng.randint(2, 4)} since ").phi(c.date(c.near(-120, -30), True), "DATE").add("). ")
    _conditions(b, c, "Relevant history: ", "No relevant medical history")
    b.add(rng.choice(("; mantle RT in the past, so please check osteoradionecrosis risk. ", ". ")))
    b.add("Allergic to penicillin (rash). BP today 132/84.\n")
    b.add("Panoramic radiograph: ").phi(c.url(practice, f"xray/{c.code('9999999')}"), "URL")
    b.add(f" (passcode {rng.randint(1000, 9999)}).\n")
    b.add("Insurance: Delta plan, subscriber ")
    holder = c.person()
    _name(b, c, holder, rng.choice(("full", "last_comma"))).add(", ID ")
    b.phi(c.code("999999999", "AA99999999"), "ID").add(". Patient lives at ")
    _address(b, c).add(" and prefers text to ")
    b.phi(fmt_phone(rng, c.phone), "PHONE").add(".\n\nKind regards,\n\n")
    _signoff(b, c, dentist, rng.choice(("DDS", "DMD", "BDS"))).add("  State lic. ")
    b.phi(c.code("DDS-99999", "D99999", "9999"), "LICENSE").add("  DEA ")
    b.phi(c.code("AA9999999"), "LICENSE")


def _trial_screening(b: _Builder, c: _Case) -> None:
    """Clinical trial screening note: eligibility checklist with consent and devices."""
    rng, coordinator, investigator = c.rng, c.person(), c.person()
    site = c.facility("research")
    b.add(f"Protocol CT-{rng.randint(1000, 9999)}-{rng.randint(10, 99)} ")
    b.add("Screening visit  Site: ").phi(site, "FACILITY").add("\n")
    b.add("Screening no. ").phi(c.code("S999-9999", "SCR-99-999", "999-99999"), "ID")
    b.add("   Initials: ")
    initials = f"{c.patient.first[0]}.{c.patient.last[0]}."
    b.phi(initials if rng.random() < 0.5 else initials.replace(".", ""), "NAME").add("\n")
    b.add("Subject ")
    _name(b, c, c.patient, rng.choice(("full", "last_first"))).add(", MRN ").phi(c.mrn, "MRN")
    b.add(" (source chart), DOB ").phi(c.date(c.dob), "DATE").add(".\n")
    b.add("ICF v3.1 signed ").phi(c.date(c.visit), "DATE")
    if rng.random() < 0.5:
        b.add(" by the LAR, ")
        _name(b, c, c.person(), "full").add(" (daughter)")
    else:
        b.add(" by the subject")
    b.add("; witness ")
    _name(b, c, coordinator, rng.choice(("initial", "full"))).add(".\nInclusion: ")
    b.add("biopsy-proven ").eponym("Barrett esophagus")
    b.add(" with LGD on EGD ").phi(c.date(c.near(-90, -10), True), "DATE").add(" - met.\n")
    b.add("Exclusion: ")
    _conditions(b, c, "check ", "none").add("; eGFR 71 - not excluded. ")
    _age(b, c).add(" - within 18-95.\n")
    b.add(f"ECG {rng.randint(380, 450)} ms QTc; ").eponym("Holter monitor")
    b.add(" serial ").phi(c.code("HM99999999", "AA-999999"), "DEVICE").add(" issued.\n")
    b.add("Randomised in IWRS from ").phi(c.ip(), "IP").add(", confirmation sent to ")
    b.phi(c.email(coordinator), "EMAIL").add(".\nSSN collected for stipend (W-9): ")
    b.phi(fmt_ssn(rng, c.ssn), "SSN").add("\nPI: Dr ")
    _name(b, c, investigator, rng.choice(("full", "initial"))).add("; CRC ")
    _signoff(b, c, coordinator, "CCRP")


@dataclass(frozen=True)
class _Family:
    write: Callable[[_Builder, _Case], None]
    ages: tuple[int, int]  # youngest and oldest patient of the family


FAMILIES_B: dict[str, _Family] = {
    "prior_auth": _Family(_prior_auth, (18, 99)),
    "wound_photo_log": _Family(_wound_log, (40, 104)),
    "physio_progress": _Family(_physio, (16, 96)),
    "fitness_note": _Family(_fitness_note, (6, 64)),
    "antenatal_record": _Family(_antenatal, (18, 44)),
    "psych_intake": _Family(_psych_intake, (19, 101)),
    "ems_run_sheet": _Family(_ems_run, (1, 104)),
    "critical_value_log": _Family(_critical_call, (0, 102)),
    "dental_referral": _Family(_dental_referral, (16, 97)),
    "trial_screening": _Family(_trial_screening, (18, 95)),
}


def _fakers(seed: int) -> dict[str, Faker]:
    fakers = {}
    for offset, locale in enumerate(dict.fromkeys((*NAME_LOCALES, ADDRESS_LOCALE))):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed * 100 + offset)
    return fakers


def generate_heldout_b(n: int, seed: int) -> list[AnnotatedNote]:
    """Annotated notes of held-out set B, round-robin over its ten families.

    Args:
        n: Number of notes.
        seed: Seed of the random generator and of the Faker instances; the same ``(n, seed)``
            gives the same notes.

    Returns:
        ``n`` notes with exact gold PHI spans, eponym ``keep_spans``, the record's
        ``identifiers`` and a ``patient_id``.

    Raises:
        ValueError: ``n`` is negative.
    """
    if n < 0:
        raise ValueError(f"generate_heldout_b: n must be >= 0, got {n}")
    rng, fakers = random.Random(seed), _fakers(seed)
    names = list(FAMILIES_B)
    notes = []
    for index in range(n):
        family = FAMILIES_B[names[index % len(names)]]
        case, builder = _Case(rng, fakers, family.ages), _Builder()
        family.write(builder, case)
        notes.append(
            AnnotatedNote(
                text=builder.text(),
                spans=builder.spans,
                keep_spans=builder.keep,
                identifiers=case.identifiers(),
                patient_id=f"HB{seed:03d}-{index:06d}",
                family=names[index % len(names)],
            )
        )
    return notes
