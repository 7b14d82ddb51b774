"""Held-out annotated notes for measuring de-identification on unfamiliar phrasing.

The template families here are deliberately unlike discharge summaries: a GP referral letter, a
social-work note, a home-health visit, a telephone message log, surgical scheduling and consent,
a pathology requisition, an interpreter/discharge-planning note and a transfer or death summary.
They were written without looking at the templates the de-identifier is tuned on
(``training/phi/synth.py``), so recall measured on them estimates recall on notes phrased
differently: the failure the project's de-identification notes warn about.

Notes are built by concatenation: each PHI value is appended while its offsets are recorded, so
``text[span.start:span.end]`` is exactly the injected value. Medical eponyms that must survive
("Wilson disease") go to ``keep_spans``; a titled surname such as "Mr. Graves" is a NAME. The
output depends only on ``(n, seed)``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from training.phi.types import AnnotatedNote, PhiSpan

KEEP = "KEEP"  # segment kind of text that must survive (eponyms)
Segment = tuple[str, str | None]  # (text, PHI type | KEEP | None for plain text)

_SLOT = re.compile(r"\{(\w+)\}")

# Faker names that are also English or clinical words; the benchmark avoids them so a miss
# means a missed name, not an ambiguous word. Eponym surnames are added on purpose below.
_NOT_NAMES = frozenset(
    """will may june april august bill mark rose hope grace joy faith dawn summer king hill love
    long rich young brown white green black gray grey wood stone day case page price major park
    lane hall ford best cross little small short frank chase guy bush rice wells banks ward west
    walker baker cook carter miller mason hunter parker porter grant dean hardy strong sharp swift
    addison alzheimer barrett bell crohn cushing down graves hodgkin huntington parkinson wilson
    paget marfan raynaud kaposi""".split()
)
# Surnames that are also eponyms: a patient called Graves may have Graves disease.
_EPONYM_SURNAMES = {
    "Graves": "Graves disease",
    "Wilson": "Wilson disease",
    "Bell": "Bell's palsy",
    "Parkinson": "Parkinson disease",
    "Cushing": "Cushing syndrome",
}
EPONYM_PHRASES = (
    "Parkinson disease",
    "Parkinson's disease",
    "Crohn's disease",
    "Hodgkin lymphoma",
    "Babinski sign",
    "Graves disease",
    "Graves' disease",
    "Alzheimer's",
    "Alzheimer's dementia",
    "Down syndrome",
    "Bell's palsy",
    "Wilson disease",
    "Cushing syndrome",
    "Cushing's syndrome",
)
_AREA_CODES = (
    "212 312 415 617 713 206 303 404 503 602 614 704 720 801 919 860 502 414 612 816 913 972 210 "
    "512 305 407 813 904 702 775 316 405 505 608 651 717 804 843 901 985"
).split()
_FACILITY_HEADS = (
    "St. Mary's",
    "St. Luke's",
    "Mercy",
    "Good Samaritan",
    "Oakridge",
    "Riverbend",
    "Lakeside",
    "Cedar Valley",
    "Pine Hollow",
    "Northgate",
    "Harbor View",
    "Willow Creek",
    "Sacred Heart",
    "Providence",
    "Bayfront",
    "Summit Ridge",
)
_FACILITY_TAILS = (
    "Regional",
    "Regional Medical Center",
    "Family Practice",
    "Community Hospital",
    "Medical Group",
    "Rehabilitation Center",
    "Hospice",
    "Skilled Nursing Facility",
    "Health Clinic",
    "Memorial Hospital",
    "Pathology Associates",
    "Home Health Services",
)
_MAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "comcast.net", "icloud.com", "aol.com")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_UNITS = "one two three four five six seven eight nine".split()


@dataclass(frozen=True)
class _Person:
    first: str
    last: str
    sex: str  # "F" or "M"


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# Date renderings: (plain prefix, PHI text). Styles with a year first; the last five omit it.
_DATE_STYLES: tuple[Callable[[date], tuple[str, str]], ...] = (
    lambda d: ("", f"{d.month:02d}/{d.day:02d}/{d.year}"),
    lambda d: ("", f"{d.month}/{d.day}/{d.year}"),
    lambda d: ("", f"{d.month}/{d.day}/{d.year % 100:02d}"),
    lambda d: ("", f"{d.day:02d}.{d.month:02d}.{d.year}"),
    lambda d: ("", d.isoformat()),
    lambda d: ("", f"{d.month:02d}-{d.day:02d}-{d.year}"),
    lambda d: ("", f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"),
    lambda d: ("", f"{_MONTHS[d.month - 1][:3]} {d.day}, {d.year}"),
    lambda d: ("", f"{d.day} {_MONTHS[d.month - 1]} {d.year}"),
    lambda d: ("", f"{d.day:02d}-{_MONTHS[d.month - 1][:3]}-{d.year % 100:02d}"),
    lambda d: ("", f"{d.day:02d}{_MONTHS[d.month - 1][:3].upper()}{d.year}"),
    lambda d: ("", f"{_MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year}"),
    lambda d: ("the ", f"{_ordinal(d.day)} of {_MONTHS[d.month - 1]} {d.year}"),
    lambda d: ("", f"{_MONTHS[d.month - 1]} {_ordinal(d.day)}"),
    lambda d: ("", f"{_MONTHS[d.month - 1]} {d.day}"),
    lambda d: ("", f"{d.month}/{d.day}"),
    lambda d: ("the ", f"{_ordinal(d.day)} of {_MONTHS[d.month - 1]}"),
    lambda d: ("", f"{_MONTHS[d.month - 1][:3]} {d.day}"),
)
_YEARLESS = 5  # the last five styles have no year


class _NoteBuilder:
    """Appends text and records the offsets of PHI and keep segments."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[PhiSpan] = []
        self.keep: list[tuple[int, int]] = []

    def add(self, text: str, kind: str | None = None) -> None:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        if kind == KEEP:
            self.keep.append((start, self.length))
        elif kind is not None:
            self.spans.append(PhiSpan(start, self.length, kind))

    def render(self, template: str, context: _Context) -> None:
        """Append ``template``, expanding each ``{slot}`` through ``context``."""
        for index, piece in enumerate(_SLOT.split(template)):
            if index % 2 == 0:
                if piece:
                    self.add(piece)
            else:
                for text, kind in context.slot(piece):
                    self.add(text, kind)

    def text(self) -> str:
        return "".join(self.parts)


class _Context:
    """One patient's record and the people, places and numbers around it; renders slots.

    Each ``s_<name>`` method returns the segments of slot ``{name}``; most draw a fresh
    phrasing on every call, so one template yields many surface forms.
    """

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng, self.fake = rng, fake
        self.sex = rng.choice("FM")
        last = rng.choice(sorted(_EPONYM_SURNAMES)) if rng.random() < 0.15 else None
        self.patient = self._person(self.sex, last)
        self.age = rng.randint(90, 104) if rng.random() < 0.4 else rng.randint(19, 88)
        self.encounter = date(2019, 1, 1) + timedelta(days=rng.randint(0, 7 * 365))
        self.dob = self.encounter - timedelta(days=self.age * 365 + rng.randint(10, 350))
        self.mrn = self._mrn()
        self.phone = self._phone_digits()
        self.street, self.city = fake.street_address(), fake.city()
        self.state, self.zip = (
            self._state(),
            fake.zipcode(),
        )
        self.relation, relative_sex = self._relation()
        shared = last if rng.random() < 0.5 else None
        self.relative = self._person(relative_sex, shared or self.patient.last)
        self.clinicians = [self._person(rng.choice("FM")) for _ in range(3)]
        self.facilities = self._facilities(3)

    # Record-level values
    def _person(self, sex: str, last: str | None = None) -> _Person:
        first_of = self.fake.first_name_female if sex == "F" else self.fake.first_name_male
        return _Person(self._name(first_of), last or self._name(self.fake.last_name), sex)

    def _name(self, draw: Callable[[], str]) -> str:
        while True:
            name = draw()
            if name.isalpha() and len(name) > 2 and name.lower() not in _NOT_NAMES:
                return name

    def _state(self) -> str:
        return self.fake.state_abbr(
            include_territories=False, include_freely_associated_states=False
        )

    def _mrn(self) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return f"{self.rng.randint(0, 99_999_999):08d}"
        if roll < 0.8:
            return str(self.rng.randint(1_000_000, 9_999_999))
        return self.rng.choice("ABEHKM") + str(self.rng.randint(1_000_000, 9_999_999))

    def _phone_digits(self) -> tuple[str, str, str]:
        exchange = self.rng.choice([e for e in range(201, 990) if e != 555 and e % 100 != 11])
        return self.rng.choice(_AREA_CODES), str(exchange), f"{self.rng.randint(0, 9999):04d}"

    def _relation(self) -> tuple[str, str]:
        spouse = ("husband", "M") if self.sex == "F" else ("wife", "F")
        options = [spouse, ("daughter", "F"), ("son", "M"), ("sister", "F"), ("brother", "M")]
        options += [("niece", "F"), ("grandson", "M"), ("granddaughter", "F")]
        return self.rng.choice(options)

    def _facilities(self, count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            head = self.rng.choice(_FACILITY_HEADS)
            if self.rng.random() < 0.2:
                head = self.fake.city()
            name = f"{head} {self.rng.choice(_FACILITY_TAILS)}"
            if name not in names:
                names.append(name)
        return names

    def identifiers(self) -> dict[str, str]:
        """The structured identifiers of the record, as a source system would send them."""
        area, exchange, line = self.phone
        return {
            "patient_name": f"{self.patient.first} {self.patient.last}",
            "mrn": self.mrn,
            "birth_date": self.dob.isoformat(),
            "address": f"{self.street}, {self.city}, {self.state} {self.zip}",
            "phone": f"{area}-{exchange}-{line}",
        }

    def slot(self, name: str) -> list[Segment]:
        method = getattr(self, f"s_{name}", None)
        if method is None:
            raise ValueError(f"unknown template slot {{{name}}}")
        return method()

    def pick(self, *options: list[Segment]) -> list[Segment]:
        return self.rng.choice(options)

    # Names
    def _full(self, person: _Person) -> str:
        return f"{person.first} {person.last}"

    def _title(self, person: _Person) -> str:
        return (
            "Mrs. "
            if person.sex == "F" and self.rng.random() < 0.5
            else ("Ms. " if person.sex == "F" else "Mr. ")
        )

    def s_pt(self) -> list[Segment]:
        form = self.rng.choice(
            [self.s_pt_full, self.s_pt_first, self.s_pt_title, self.s_pt_comma, self.s_pt_lower]
        )
        return form()

    def s_pt_full(self) -> list[Segment]:
        return [(self._full(self.patient), "NAME")]

    def s_pt_first(self) -> list[Segment]:
        return [(self.patient.first, "NAME")]

    def s_pt_title(self) -> list[Segment]:
        return [(self._title(self.patient), None), (self.patient.last, "NAME")]

    def s_pt_comma(self) -> list[Segment]:
        return [(f"{self.patient.last}, {self.patient.first}", "NAME")]

    def s_pt_caps(self) -> list[Segment]:
        return [(f"{self.patient.last.upper()}, {self.patient.first.upper()}", "NAME")]

    def s_pt_lower(self) -> list[Segment]:
        return [(self._full(self.patient).lower(), "NAME")]

    def s_pt_initials(self) -> list[Segment]:
        first, last = self.patient.first[0], self.patient.last[0]
        return [(self.rng.choice([f"{first}.{last}.", f"{first}{last}"]), "NAME")]

    def s_subj(self) -> list[Segment]:
        return [("she" if self.sex == "F" else "he", None)]

    def s_Subj(self) -> list[Segment]:  # capitalised slot name, as written in templates
        return [("She" if self.sex == "F" else "He", None)]

    def s_poss(self) -> list[Segment]:
        return [("her" if self.sex == "F" else "his", None)]

    def s_Poss(self) -> list[Segment]:
        return [("Her" if self.sex == "F" else "His", None)]

    def s_obj(self) -> list[Segment]:
        return [("her" if self.sex == "F" else "him", None)]

    def s_sex(self) -> list[Segment]:
        return [(self.sex, None)]

    def s_gender(self) -> list[Segment]:
        return [("woman" if self.sex == "F" else "man", None)]

    def s_relation(self) -> list[Segment]:
        return [(self.relation, None)]

    def s_rel(self) -> list[Segment]:
        """The relative in a sentence: "her daughter Maria Lopez", "son (Kevin)"..."""
        full, first, rel = self._full(self.relative), self.relative.first, self.relation
        poss = "her" if self.sex == "F" else "his"
        return self.pick(
            [(f"{poss} {rel} ", None), (full, "NAME")],
            [(f"{rel} (", None), (first, "NAME"), (")", None)],
            [(f"{rel} ", None), (full.lower(), "NAME")],
            [(full, "NAME"), (f" ({rel})", None)],
            [(f"{poss} {rel} ", None), (first, "NAME")],
        )

    def s_rel_full(self) -> list[Segment]:
        return [(self._full(self.relative), "NAME")]

    def s_rel_first(self) -> list[Segment]:
        return [(self.relative.first, "NAME")]

    def s_clin(self) -> list[Segment]:
        """A clinician mentioned in text: titled, with credentials, initial, or dictated."""
        person = self.rng.choice(self.clinicians)
        return self.pick(
            [("Dr. ", None), (self._full(person), "NAME")],
            [("Dr ", None), (person.last, "NAME")],
            [(self._full(person), "NAME"), (", MD", None)],
            [(f"{person.first[0]}. {person.last}", "NAME"), (", NP", None)],
            [("dr ", None), (person.last.lower(), "NAME")],
            [(person.last, "NAME"), (" (attending)", None)],
        )

    def s_clin_sign(self) -> list[Segment]:
        """A sign-off line naming the author, with a date in half of them."""
        person = self.clinicians[0]
        credential = self.rng.choice(["MD", "DO", "RN", "LCSW", "PA-C", "NP", "MSW"])
        segments = self.pick(
            [("Electronically signed: ", None), (self._full(person), "NAME")],
            [("-- ", None), (f"{person.first[0]}. {person.last}", "NAME")],
            [(self._full(person).upper(), "NAME")],
            [("Signed ", None), (f"{person.last}, {person.first}", "NAME")],
        )
        segments = [*segments, (f", {credential}", None)]
        if self.rng.random() < 0.5:
            segments += [(" ", None), *self.s_date_full()]
        return segments

    def s_clin2(self) -> list[Segment]:
        return [(self._full(self.clinicians[1]), "NAME")]

    def s_nurse(self) -> list[Segment]:
        person = self.clinicians[2]
        return self.pick(
            [(self._full(person), "NAME"), (", RN", None)],
            [(person.first, "NAME"), (" (RN)", None)],
            [(f"{person.first} {person.last[0]}.", "NAME")],
        )

    # Dates and ages
    def _date(self, day: date, yearless: bool) -> list[Segment]:
        count = len(_DATE_STYLES) if yearless else len(_DATE_STYLES) - _YEARLESS
        prefix, text = _DATE_STYLES[self.rng.randrange(count)](day)
        return [(prefix, None), (text, "DATE")] if prefix else [(text, "DATE")]

    def _event_day(self) -> date:
        return self.encounter + timedelta(days=self.rng.randint(-400, 60))

    def s_date(self) -> list[Segment]:
        return self._date(self._event_day(), yearless=True)

    def s_date_full(self) -> list[Segment]:
        return self._date(self._event_day(), yearless=False)

    def s_dob(self) -> list[Segment]:
        return self._date(self.dob, yearless=False)

    def s_age(self) -> list[Segment]:
        """An age phrase; only ages over 89 are PHI."""
        kind = "AGE" if self.age > 89 else None
        number = str(self.age)
        if kind and self.age < 100 and self.rng.random() < 0.15:
            number = "ninety" + (f"-{_UNITS[self.age - 91]}" if self.age > 90 else "")
        return self.pick(
            [(number, kind), ("-year-old", None)],
            [("aged ", None), (number, kind)],
            [(number, kind), (" yo", None)],
            [(number, kind), (" y/o", None)],
            [("age ", None), (number, kind)],
        )

    def s_age_adj(self) -> list[Segment]:
        """An age before a noun ("this 92-year-old woman"); only ages over 89 are PHI."""
        kind = "AGE" if self.age > 89 else None
        suffix = self.rng.choice(["-year-old", " y/o", " yo", "-yr-old"])
        return [(str(self.age), kind), (suffix, None)]

    # Contact numbers and addresses
    def _phone(self, digits: tuple[str, str, str]) -> str:
        area, exchange, line = digits
        return self.rng.choice(
            [
                f"({area}) {exchange}-{line}",
                f"{area}-{exchange}-{line}",
                f"{area}.{exchange}.{line}",
                f"+1 {area} {exchange} {line}",
                f"{area}{exchange}{line}",
                f"{area} {exchange} {line}",
                f"1-{area}-{exchange}-{line}",
            ]
        )

    def s_phone(self) -> list[Segment]:
        return [(self._phone(self.phone), "PHONE")]

    def s_other_phone(self) -> list[Segment]:
        """A phone number that is not the patient's (relative, clinic, fax)."""
        return [(self._phone(self._phone_digits()), "PHONE")]

    def s_ext_phone(self) -> list[Segment]:
        ext = str(self.rng.randint(100, 9999))
        return [(self._phone(self._phone_digits()), "PHONE"), (f" ext. {ext}", None)]

    def _email(self, person: _Person, domain: str | None = None) -> str:
        first, last = person.first.lower(), person.last.lower()
        local = self.rng.choice(
            [f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}{self.rng.randint(1, 99)}"]
        )
        return f"{local}@{domain or self.rng.choice(_MAIL_DOMAINS)}"

    def s_email(self) -> list[Segment]:
        return [(self._email(self.patient), "EMAIL")]

    def s_rel_email(self) -> list[Segment]:
        return [(self._email(self.relative), "EMAIL")]

    def s_clin_email(self) -> list[Segment]:
        return [(self._email(self.clinicians[0], self._domain(self.facilities[0])), "EMAIL")]

    def s_address(self) -> list[Segment]:
        """The patient's address on one or two lines; street, city and ZIP are separate spans."""
        sep = self.rng.choice([", ", "\n", " "])
        plus4 = f"-{self.rng.randint(0, 9999):04d}" if self.rng.random() < 0.2 else ""
        zipcode = self.zip + plus4
        return [
            (self.street, "ADDRESS"),
            (sep, None),
            (self.city, "CITY"),
            (f", {self.state} ", None),
            (zipcode, "ZIP"),
        ]

    def s_street(self) -> list[Segment]:
        return [(self.street if self.rng.random() < 0.8 else self.street.lower(), "ADDRESS")]

    def s_city(self) -> list[Segment]:
        return [(self.city, "CITY")]

    def s_fac_address(self) -> list[Segment]:
        fake = self.fake
        return [
            (fake.street_address(), "ADDRESS"),
            (", ", None),
            (fake.city(), "CITY"),
            (f", {self._state()} ", None),
            (fake.zipcode(), "ZIP"),
        ]

    def s_fac_city(self) -> list[Segment]:
        return [(self.fake.city(), "CITY")]

    # Facilities and web
    def _domain(self, facility: str) -> str:
        words = re.findall(r"[A-Za-z]+", facility)
        return words[0].lower() + "".join(w[0].lower() for w in words[1:]) + ".org"

    def s_fac(self) -> list[Segment]:
        return [(self.facilities[0], "FACILITY")]

    def s_fac2(self) -> list[Segment]:
        return [(self.facilities[1], "FACILITY")]

    def s_fac3(self) -> list[Segment]:
        return [(self.facilities[2], "FACILITY")]

    def s_url(self) -> list[Segment]:
        domain = self._domain(self.rng.choice(self.facilities))
        number = self.rng.randint(100_000, 9_999_999)
        return [
            (
                self.rng.choice(
                    [
                        f"https://portal.{domain}/patient/{number}",
                        f"www.{domain}/referrals/{number}",
                        f"http://{domain}/msg?id={number}",
                        f"https://mychart.{domain}",
                    ]
                ),
                "URL",
            )
        ]

    def s_ip(self) -> list[Segment]:
        octets = [self.rng.choice([10, 66, 73, 98, 172, 192])] + [
            self.rng.randint(0, 255) for _ in range(3)
        ]
        return [(".".join(map(str, octets)), "IP")]

    # Record numbers, devices and licences
    def _digits(self, count: int) -> str:
        return "".join(str(self.rng.randint(0, 9)) for _ in range(count))

    def s_mrn(self) -> list[Segment]:
        label = self.rng.choice(
            ["MRN ", "MRN: ", "MR# ", "Med Rec #", "Medical record no. ", "Hosp. No. ", "Chart #"]
        )
        return [(label, None), (self.mrn, "MRN")]

    def s_mrn_bare(self) -> list[Segment]:
        return [(self.mrn, "MRN")]

    def s_ssn(self) -> list[Segment]:
        area = self.rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = self.rng.randint(1, 99), self.rng.randint(1, 9999)
        sep = self.rng.choices(["-", " ", ""], weights=[70, 15, 15])[0]
        label = self.rng.choice(["SSN ", "SSN: ", "Social Security # ", "SS#"])
        return [(label, None), (f"{area:03d}{sep}{group:02d}{sep}{serial:04d}", "SSN")]

    def s_acct(self) -> list[Segment]:
        label = self.rng.choice(["Acct# ", "Account no. ", "Billing acct ", "FIN "])
        return [(label, None), (self._digits(self.rng.randint(9, 12)), "ID")]

    def s_visit(self) -> list[Segment]:
        label = self.rng.choice(["Visit ID: ", "Encounter #", "CSN "])
        return [(label, None), (self.rng.choice(["V", "E", ""]) + self._digits(9), "ID")]

    def s_accession(self) -> list[Segment]:
        year = self.encounter.year % 100
        value = self.rng.choice([f"S{year}-{self._digits(5)}", f"SP-{year}-{self._digits(6)}"])
        return [(value, "ID")]

    def s_plan(self) -> list[Segment]:
        label = self.rng.choice(["Member ID ", "Medicaid ID ", "Policy no. ", "Subscriber # "])
        letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        return [(label, None), (letters + self._digits(9), "ID")]

    def s_case_no(self) -> list[Segment]:
        return [(f"ME-{self.encounter.year}-{self._digits(4)}", "ID")]

    def s_badge(self) -> list[Segment]:
        return [(self._digits(5), "ID")]

    def s_device(self) -> list[Segment]:
        letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(3))
        label = self.rng.choice(["serial no. ", "SN ", "S/N: ", "serial # "])
        value = self.rng.choice(
            [
                f"{letters}{self._digits(6)}{self.rng.choice('HRSV')}",
                f"GL-{self._digits(4)}-{self._digits(4)}",
                self._digits(10),
            ]
        )
        return [(label, None), (value, "DEVICE")]

    def s_dea(self) -> list[Segment]:
        letters = self.rng.choice("ABFM") + self.rng.choice("ABCDEFGHJKLMNPRSTWZ")
        return [(self.rng.choice(["DEA# ", "DEA "]), None), (letters + self._digits(7), "LICENSE")]

    def s_npi(self) -> list[Segment]:
        return [("NPI ", None), ("1" + self._digits(9), "LICENSE")]

    def s_dl(self) -> list[Segment]:
        value = self.rng.choice([self.rng.choice("ABDFGKMSW") + self._digits(7), self._digits(9)])
        label = self.rng.choice(["driver licence ", "driver's license #", "DL# "])
        return [(label, None), (value, "LICENSE")]

    def s_lic(self) -> list[Segment]:
        value = self.rng.choice(["RN", "MD", "G", "LCSW"]) + self._digits(6)
        return [(self.rng.choice(["state licence #", "Lic. No. "]), None), (value, "LICENSE")]

    # Text that must survive, and clinical numbers that look like PHI
    def s_epo(self) -> list[Segment]:
        """An eponym phrase; for a patient named Graves, often Graves disease itself."""
        own = _EPONYM_SURNAMES.get(self.patient.last)
        phrase = own if own and self.rng.random() < 0.6 else self.rng.choice(EPONYM_PHRASES)
        return [(phrase.lower() if self.rng.random() < 0.1 else phrase, KEEP)]

    def s_vitals(self) -> list[Segment]:
        systolic, diastolic = self.rng.randint(96, 178), self.rng.randint(52, 98)
        return self.pick(
            [(f"BP {systolic}/{diastolic}, HR {self.rng.randint(55, 110)}", None)],
            [(f"pain {self.rng.randint(0, 10)}/10, SpO2 {self.rng.randint(88, 99)}%", None)],
            [(f"wt {self.rng.randint(41, 120)} kg, T 36.{self.rng.randint(1, 9)} C", None)],
            [(f"A&O x{self.rng.randint(1, 4)}, BP {systolic}/{diastolic}", None)],
        )


# Template families. Each returns the lines of one note; slots are ``{name}`` (see _Context).
def _gp_referral(c: _Context) -> list[str]:
    body = [
        "{Subj} has a background of {epo} and hypertension; {vitals} at {poss} last visit.",
        "{Poss} {relation} reports more falls since {date}.",
        "{Subj} lives at {street} with {rel}, who is keen to attend.",
        "I saw {obj} on {date} and again on {date_full}; examination today: {vitals}.",
    ]
    c.rng.shuffle(body)
    return [
        "{fac}",
        "{fac_address}",
        c.rng.choice(["Tel {other_phone}  Fax {other_phone}", "Phone: {ext_phone}"]),
        "{date_full}",
        "",
        c.rng.choice(["Dear Dr {clin2},", "Dear colleague,", "Dear {clin2},"]),
        c.rng.choice(
            ["Re: {pt_full}, DOB {dob}, {mrn}", "RE: {pt_caps}  d.o.b. {dob}  ({mrn_bare})"]
        ),
        "Thank you for seeing this {age_adj} {gender}, referred for review of {epo}. " + body[0],
        " ".join(body[1:]),
        "Please contact {obj} on {phone} or by email at {email}.",
        "",
        c.rng.choice(["Yours sincerely,", "Kind regards,", "Best wishes,"]),
        "{clin_sign}",
        "cc: {clin}, {fac2}",
    ]


def _social_work(c: _Context) -> list[str]:
    body = [
        "Met with pt at bedside, seen with {rel}. Pt is {age} and {poss} {epo} is progressing.",
        "pt states {subj} lives alone in {city}, at {street}; the building has no elevator.",
        "Discussed options incl. {fac2}; family to tour on {date}.",
        "Benefits: {plan}. Pt reports ssi income only, {ssn} verified with the county office.",
        "{Poss} {relation} can be reached at {other_phone} or {rel_email}.",
    ]
    c.rng.shuffle(body)
    return [
        c.rng.choice(["SOCIAL WORK PROGRESS NOTE", "Social Work - Psychosocial Assessment"]),
        "Date of service: {date_full}   Unit 5W",
        c.rng.choice(["Client: {pt_comma}   {mrn}", "Pt: {pt_full} / {mrn}"]),
        *body,
        "Plan: f/u {date}; SW will call {pt_first} at {phone}.",
        "{clin_sign}",
    ]


def _home_health(c: _Context) -> list[str]:
    body = [
        "Pt's {relation} {rel_first} present and assisting with medications.",
        "Glucometer {device} checked against control solution.",
        "Hx {epo}; gait unsteady, uses a walker.",
        "{vitals}. Wound to L heel healing.",
    ]
    c.rng.shuffle(body)
    return [
        "HOME HEALTH SKILLED NURSING VISIT - {fac3}",
        "Visit {date_full} 09:40-10:25   {visit}",
        "Patient {pt} ({age}) seen at home, {address}.",
        *body,
        c.rng.choice(["Next visit {date}.", "Next visit scheduled the following week."]),
        "Agency line {other_phone}.  RN: {nurse}",
    ]


def _phone_log(c: _Context) -> list[str]:
    lines = [
        "{date} 14:12  Caller: {rel} re: {pt_lower}",
        "CB# {phone}",
        "msg: pt has been confused since {date}, took {obj} to {fac2} on {date}.",
        "spoke w/ {pt_initials} directly, confirms dob {dob}. hx of {epo}.",
        "routed to {clin}.",
        "{date} 16:40 returned call, LM on VM at {other_phone}.",
        "Portal msg sent via {url}",
    ]
    head = c.rng.choice(["TELEPHONE ENCOUNTER", "Phone Note", "TEL MSG LOG"])
    return [head, *lines[:2], *c.rng.sample(lines[2:5], 3), *lines[5:], "-- {nurse}"]


def _consent_scheduling(c: _Context) -> list[str]:
    body = [
        "Consent signed by {pt_title} on {date}; witness {clin2}.",
        "Patient identity verified with {dl}.",
        "Pre-op call to {phone}; instructions emailed to {email}.",
        "Hx: {epo}. Pacemaker {device} to be interrogated pre-op.",
        "Insurance {plan} authorised; {acct}.",
    ]
    c.rng.shuffle(body)
    return [
        c.rng.choice(["SURGICAL SCHEDULING / CONSENT", "OR Booking and Informed Consent"]),
        "Procedure: laparoscopic cholecystectomy   Surgeon: {clin} ({npi})",
        "Patient: {pt_full}   DOB: {dob}   {mrn}",
        "Scheduled {date_full} at {fac}, OR 4, arrive 06:30.",
        *body,
        "Booked by {nurse}",
    ]


def _pathology(c: _Context) -> list[str]:
    return [
        "SURGICAL PATHOLOGY REQUISITION          Accession: {accession}",
        "Submitting facility: {fac}, {fac_address}",
        "Patient: {pt_caps}   Sex: {sex}   DOB: {dob}   {mrn}",
        "Collected: {date_full} 10:15   Received: {date_full}",
        "Ordering: {clin} {dea}   Phone {other_phone}",
        "Clinical history: {age_adj} {gender}; r/o {epo}. Prior bx {accession}.",
        "Specimen A: colon, random biopsies. Specimen B: terminal ileum.",
        c.rng.choice(["Billing: {plan}; {ssn}", "Bill to {plan} ({acct})"]),
        "Results portal {url}; LIS host {ip}",
    ]


def _discharge_planning(c: _Context) -> list[str]:
    body = [
        "Discussed the plan with pt {pt_first} and {rel}; both agree with placement.",
        "Pt is {age}, hx {epo}, needs 24h supervision.",
        "Placement: accepted at {fac2}, {fac_city}. Transport booked for {date}.",
        "Home address for DME delivery: {address}.",
        "Contact {rel_first} at {other_phone} or {rel_email}.",
    ]
    c.rng.shuffle(body)
    return [
        c.rng.choice(["DISCHARGE PLANNING / INTERPRETER NOTE", "Case Management Note"]),
        "Spanish interpreter {nurse} (ID #{badge}) present by video; session from {ip}.",
        "{pt_comma}   {mrn}   {visit}",
        *body,
        "Case manager: {clin_sign}",
    ]


def _transfer_death(c: _Context) -> list[str]:
    death = c.rng.random() < 0.5
    lines = [
        "DEATH SUMMARY" if death else "INTERFACILITY TRANSFER SUMMARY",
        "{pt_full}, {age_adj} {gender}, {mrn}, admitted {date_full} to {fac}.",
        "Course: admitted with urosepsis on a background of {epo} and {epo}. {vitals} on arrival.",
    ]
    if death:
        lines += [
            "Pronounced at 03:12 on {date} by {clin}. Family ({rel}) notified at {other_phone}.",
            "Medical examiner case # {case_no}; released to {fac3}.",
        ]
    else:
        lines += [
            "Transferred on {date} to {fac2} for ICU care; accepting physician {clin2}.",
            "Report called to {nurse}, {ext_phone}. {Poss} {relation} will meet {obj} there.",
        ]
    lines.append("{clin_sign}")
    return lines


FAMILIES: dict[str, Callable[[_Context], list[str]]] = {
    "gp_referral": _gp_referral,
    "social_work": _social_work,
    "home_health": _home_health,
    "phone_log": _phone_log,
    "consent_scheduling": _consent_scheduling,
    "pathology_requisition": _pathology,
    "discharge_planning": _discharge_planning,
    "transfer_death": _transfer_death,
}


def _note(context: _Context, family: str, patient_id: str) -> AnnotatedNote:
    builder = _NoteBuilder()
    for index, line in enumerate(FAMILIES[family](context)):
        if index:
            builder.add("\n")
        builder.render(line, context)
    return AnnotatedNote(
        text=builder.text(),
        spans=builder.spans,
        keep_spans=builder.keep,
        identifiers=context.identifiers(),
        patient_id=patient_id,
        family=family,
    )


def generate_heldout(n: int, seed: int) -> list[AnnotatedNote]:
    """Annotated notes from the held-out template families, round-robin over families.

    Args:
        n: Number of notes.
        seed: Seed of the random generator and of the Faker instance; the same ``(n, seed)``
            gives the same notes.

    Returns:
        ``n`` notes with exact gold PHI spans, eponym ``keep_spans``, the record's
        ``identifiers`` and a ``patient_id``.

    Raises:
        ValueError: ``n`` is negative.
    """
    if n < 0:
        raise ValueError(f"generate_heldout: n must be >= 0, got {n}")
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    families = list(FAMILIES)
    notes = []
    for index in range(n):
        context = _Context(rng, fake)
        patient_id = f"HX{seed:03d}-{index:06d}"
        notes.append(_note(context, families[index % len(families)], patient_id))
    return notes
