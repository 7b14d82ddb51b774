"""Held-out PHI benchmark set H: sixteen new note families, written blind on 2026-12-04.

Sets A to F have been used to tune the de-identifier. Set H was written on 2026-12-04, after set
G had been measured once and before the seventh tuning round (tuned on G), so that the round
after it can be measured on text nobody tuned on. It was written without reading or running the
detector, its patterns, its training templates, its tests, the benchmark's results or the
READMEs that describe its misses. What was read: ``training/phi/types.py``; sets F and G
(``benchmarks/phi_heldout_f.py``, ``benchmarks/phi_heldout_g.py``) and their contract tests, for
their interfaces, helpers and labelling conventions; the module docstrings and family lists of
sets A to E; and, in ``benchmarks/deid.py``, only what registers a set. It was measured once,
after round 7 (``benchmarks/README.md``).

Its families are document kinds and layouts that no earlier set has: a hospice bereavement
follow-up call record, an organ-donor referral call log, a sterile compounding worksheet, a
dental charting note, a hospital birth register entry, an IVF embryology worksheet, a medical
report on fitness to drive, a JSON-lines webhook stream, a registry export in YAML or INI, a
(non-CDA) XML lab result message, a box-drawn medication administration chart, a voice-assistant
booking transcript, a discharge letter in German, French, Dutch or Swedish, a medical-tourism
intake form, an iCalendar invitation with a vCard and a label-printer (ZPL) job. Its places are
new too: Ireland (Eircodes), New Zealand, South Africa, India, Singapore and Japan (romanised),
Germany, France, the Netherlands and Sweden, besides the four countries of sets F and G.

Generic helpers (note assembly, people, numbers, dates, places of the US, UK, Canada and
Australia) are imported from sets F and G rather than copied; everything else, its values and
texts, is new. Every note is generated from a per-note seeded ``random.Random`` and a re-seeded
multi-locale ``Faker`` (offline locales only), so note ``i`` depends only on ``(seed, i)``. Gold
spans are recorded while each value is appended to the text, never found by searching.

Labelling decisions (those of set G, plus the cases set G does not meet):

* NAME spans hold the name only; titles ("Prof. Dr. med.", "Dr", "Frau", "Mme", "mevrouw",
  "leg. läkare"), credentials and "Baby" stay outside. A name written with the initial of the
  father's name before the given name ("K. Lakshmi"), a Singapore Chinese name surname first
  ("TAN Wei Ming"), a Malay name with "bin" or "binte" and a romanised Japanese name surname
  first ("SATO Yuki") are each one span. Initials of staff in witness boxes and chart cells are
  NAME. Where a field holds the whole name ("SURNAME, GIVEN" in a label) it is one span; where
  each part has its own field (vCard ``N:``, JSON ``given``/``family``) each part is its own.
* DATE is any day or month more specific than the year, in any format or language: "3. März
  2024", "3. Jan. 2024", "Montag, 3. März 2024", "3 mars 2024" and "le 3 mars 2024" (the "le"
  outside), "3 maart 2024", "3-3-2024", "3 mars 2024" (Swedish), "2024年3月15日", a Japanese era
  date ("R6.3.15", "S6.5.2"), a Korean-style "2024. 3. 15.", an ISO ordinal date ("2024-075"),
  "15-Mar" and "15/03" in chart headings, "March 2024" and "2024-03" (a month of a year). A
  date-time written as one token is DATE as a whole: iCalendar "20240315T083000" with or without
  "Z", ISO with milliseconds, Unix epoch milliseconds ("1710491400123"). Drug expiry and
  beyond-use dates are DATE. A range is two spans, one a date. Spoken dates ("the fifth of
  March nineteen thirty-one", "March fifteen") are DATE, the "the" outside. Durations in
  clinical shorthand ("recall 6/12", "review 3/52"), visual acuities ("6/9", "20/40"),
  gestations ("39+2"), times, years alone and ``TRIGGER:-PT24H`` are not PHI.
* AGE only above 89, in any wording ("93 Jahre", "93-jährige", "93 ans", "93 jaar", "93 år",
  "93歳", "93Y", "age_years": 93, "ninety three"): the number only. Ages up to 89 are written the
  same ways and not labelled.
* Every street address, city and postcode is labelled, whoever it belongs to. A suburb,
  locality or townland written between the street and the town, an Indian landmark ("Opp.
  Canara Bank"), a Singapore block and unit ("Blk 412 Tampines Street 21, #08-114") and a
  South African stand or erf are part of the ADDRESS span. Eircodes, PIN codes (with or without
  the inner space), Japanese postcodes (the "〒" outside) and the postcodes of the new countries
  are ZIP. Counties ("Co. Kerry"), states, provinces, prefectures and countries are not PHI;
  Singapore is a city-state, so "Singapore" is never CITY, in prose or in a city field. The GPS
  fix of a vCard or iCalendar ``GEO`` is ADDRESS.
* PHONE covers every phone and fax number, in every national format and read aloud ("oh
  double seven, treble two ..."); WhatsApp numbers too. Public short numbers (111, 112, 999,
  995, 119, 108, 10177, 116117, 1177, 15, 3624) are not PHI.
* EMAIL includes an address read aloud ("jo dot bloggs at gmail dot com"); "mailto:" is outside.
* ID covers record numbers that are not the MRN: national numbers (Irish PPSN, NZ NHI, South
  African ID number, Aadhaar and ABHA numbers, Singapore NRIC, German KVNR, French NIR, Dutch
  BSN, Swedish personnummer, Japanese My Number), passports, medical-aid and insurance member
  numbers, donor codes, referral, cycle, case, registry and accession numbers, message and
  session ids and the ``UID`` of an iCalendar event (its domain included). A national number
  that embeds the birth date (personnummer, SA ID number, NIR) is ID as a whole, not DATE.
  A partner's or mother's own clinic number is MRN, as the patient's is.
* LICENSE covers licence, registration and certificate numbers of people (IMC, MCNZ, HPCSA,
  SANC, NMBI, NCNZ, state medical council, SMC, LANR, RPPS, BIG, Swedish prescriber codes, HFEA
  centre numbers, PTCB certificates, pharmacy licences, NRCME numbers), driving licences in each
  country's format and vehicle plates.
* DEVICE covers serial numbers, UDIs, MAC addresses and IMEIs. Analyser, printer and scanner
  models, app and firmware versions, ZPL commands, lot numbers, LOINC, ORPHA, HGVS variants,
  flight numbers, tank, canister and cane positions and embryo grades are not PHI.
* FACILITY covers named hospitals, hospices, practices (one named after its doctor, "Praxis
  Dr. Weber", is FACILITY as a whole, not NAME), dental surgeries, fertility centres, pharmacies,
  organ procurement organisations, funeral directors, medical examiners' offices, sperm banks
  and hotels. Named wards ("Kōwhai Ward"), beds, rooms, incubators and delivery rooms are not.
* URL, EMAIL and IP are labelled wherever they occur; a port after an IP is outside.
* ``keep_spans`` mark named diseases, signs, scales, tests, solutions, instruments and grading
  systems, in every language ("Morbus Bechterew", "maladie de Horton", "ziekte van Kahler",
  "Crohns sjukdom"). In about one note in five a person shares the surname of an eponym written
  in the same note; that surname is NAME where it names the person and kept where it names the
  eponym.
"""

from __future__ import annotations

import logging
import random
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker

from training.phi.types import MONTHS, AnnotatedNote

try:
    from benchmarks import phi_heldout_f as _f
    from benchmarks import phi_heldout_g as _g
except ImportError:  # run as ``python benchmarks/deid.py``: the script's folder is on sys.path
    import phi_heldout_f as _f  # type: ignore[no-redef]
    import phi_heldout_g as _g  # type: ignore[no-redef]

logger = logging.getLogger(__name__)

# Helpers of sets F and G, reused unchanged (see their modules for their contracts).
_Note, _Person, _Place, _Case, Part = _f._Note, _f._Person, _f._Place, _f._Case, _f.Part
_name_text, _kin, _suffix, _words = _f._name_text, _f._kin, _f._suffix, _f._words
_ordinal_words, _spoken_year, _fill, _pick = _f._ordinal_words, _f._spoken_year, _f._fill, _f._pick
_clock, _ssn, _sin, _uuid = _f._clock, _f._ssn, _f._sin, _f._uuid
_nanp, _nanp_digits, _email, _domain = _f._nanp, _f._nanp_digits, _f._email, _f._domain
_ip, _mac, _udi, _serial, _license = _f._ip, _f._mac, _f._udi, _f._serial, _f._license
_facility, _mrn_label, _sentences, _birth_for = (
    _f._facility,
    _f._mrn_label,
    _f._sentences,
    _f._birth_for,
)
_DOB, _STAFF, _PATIENT, _MRN_PATTERNS = _f._DOB, _f._STAFF, _f._PATIENT, _f._MRN_PATTERNS
_nm, _initials, _disguise, _day_g = _g._nm, _g._initials, _g._disguise, _g._day_g
_iso_z, _moment, _age_g, _old = _g._iso_z, _g._moment, _g._age_g, _g._old
_phone_g, _imei, _tagged_email, _query_url = _g._phone_g, _g._imei, _g._tagged_email, _g._query_url
_ip_port, _place_g, _address_g, _facility_g = (
    _g._ip_port,
    _g._place_g,
    _g._address_g,
    _g._facility_g,
)
_make_person_g, _IDS, _PLATES = _g._make_person_g, _g._IDS, _g._PLATES

COLLISION_RATE = 0.2  # share of notes in which a person carries an eponym's surname
OLD_AGE_RATE = 0.35  # share of adult patients over 89, so that AGE is well represented
_OLD_WORLD = ("us", "uk", "ca", "au")  # countries whose places sets F and G already write
_LOCALE_H = {
    "ie": "en_IE",
    "nz": "en_NZ",
    "za": "zu_ZA",
    "in": "en_IN",
    "de": "de_DE",
    "fr": "fr_FR",
    "nl": "nl_NL",
    "se": "sv_SE",
}
_LOCALES = sorted({*_g._LOCALES, *_LOCALE_H.values(), "ga_IE", "ja_JP"})


# People: set G's origins plus naming systems of set H's countries
_HAND_NAMES = {  # male given names, female given names, surnames (or fathers' names)
    "maori": (
        ("Wiremu", "Hemi", "Tamati", "Rawiri", "Nikau", "Manaaki", "Tane"),
        ("Aroha", "Mere", "Ngaio", "Hine", "Kahurangi", "Anahera", "Moana"),
        ("Ngata", "Parata", "Tipene", "Te Whata", "Horomona", "Rangihuna", "Te Rangi", "Tautahi"),
    ),
    "afrikaans": (
        ("Pieter", "Johannes", "Hendrik", "Gerrit", "Francois", "Willem", "Jaco"),
        ("Annelie", "Marietjie", "Elsabe", "Riana", "Liezl", "Karin", "Ilse"),
        ("van der Merwe", "du Plessis", "Janse van Rensburg", "Botha", "le Roux", "Nel", "van Wyk"),
    ),
    "sg_chinese": (
        ("Wei Ming", "Jun Jie", "Kok Leong", "Boon Huat", "Zhi Hao", "Chee Keong"),
        ("Hui Min", "Mei Ling", "Xin Yi", "Siew Lan", "Li Ting", "Pei Shan"),
        ("Tan", "Lim", "Ng", "Goh", "Teo", "Ong", "Koh", "Chua", "Sim"),
    ),
    "tamil": (
        ("Saravanan", "Murugan", "Senthil", "Karthik", "Balaji", "Ramesh"),
        ("Lakshmi", "Kavitha", "Meenakshi", "Priya", "Revathi", "Selvi"),
        ("Karthikeyan", "Subramanian", "Venkatesan", "Rajendran", "Natarajan", "Palanisamy"),
    ),
    "malay": (
        ("Muhammad Hafiz", "Ahmad Faizal", "Mohamed Irwan", "Mohd Zulkifli"),
        ("Nur Aisyah", "Siti Nurhaliza", "Nurul Huda", "Farah Diana"),
        ("Rahman", "Ismail", "Yusof", "Hassan", "Osman", "Salleh"),
    ),
}
_ORIGINS_H = {
    "ie": ("en_IE", "en_IE", "ga_IE", "en_GB", "pl_PL"),
    "nz": ("en_NZ", "en_NZ", "maori", "maori", "zh_CN", "en_IN"),
    "za": ("zu_ZA", "zu_ZA", "afrikaans", "afrikaans", "en_GB", "en_IN"),
    "in": ("en_IN", "en_IN", "tamil", "tamil"),
    "sg": ("sg_chinese", "sg_chinese", "malay", "tamil", "en_IN"),
    "jp": ("japanese",),
    "de": ("de_DE", "de_DE", "de_DE", "pl_PL"),
    "fr": ("fr_FR", "fr_FR", "fr_FR", "arabic"),
    "nl": ("nl_NL", "nl_NL", "nl_NL", "arabic"),
    "se": ("sv_SE", "sv_SE", "sv_SE", "slavic"),
}
_NO_MIDDLE_H = frozenset(("japanese", "sg_chinese", "malay", "tamil", "maori", "afrikaans"))


def _make_person_h(
    rng: random.Random,
    fake: Faker,
    female: bool | None = None,
    surname: str | None = None,
    origins: Sequence[str] = _g._G_ORIGINS,
) -> _Person:
    """A person of set G's origins or of one of set H's naming systems."""
    origin = rng.choice(list(origins))
    if origin == "malay" and surname is not None:
        origin = "en_GB"  # a Malay name carries no family name to lend
    if origin not in _HAND_NAMES and origin != "japanese":
        return _make_person_g(rng, fake, female, surname, origins=(origin,))
    female = rng.random() < 0.5 if female is None else female
    initial = rng.choice(string.ascii_uppercase)
    if origin == "japanese":
        gen = fake["ja_JP"]
        given = gen.first_romanized_name_female() if female else gen.first_romanized_name_male()
        own = gen.last_romanized_name()
        return _Person(given, surname or own, initial, female, origin, surname_first=True)
    males, females, families = _HAND_NAMES[origin]
    given = rng.choice(females if female else males)
    if origin == "malay":  # known by the whole name, written as one
        link = "binte" if female else "bin"
        return _Person("", f"{given} {link} {rng.choice(families)}", initial, female, origin)
    own = rng.choice(families)
    first = origin == "sg_chinese"
    return _Person(given, surname or own, initial, female, origin, surname_first=first)


def _nm_h(
    rng: random.Random,
    person: _Person,
    forms: Sequence[str],
    titled: float = 0.0,
    doctor: bool = False,
    title: str | None = None,
) -> list[Part]:
    """A name as set G writes it, or with the father's initial first for Tamil names."""
    if person.origin == "tamil" and person.given and rng.random() < 0.4:
        lead = [title] if title and rng.random() < titled else []
        return [*lead, ("NAME", f"{person.surname[0]}. {person.given}")]
    if person.origin in _NO_MIDDLE_H:
        forms = [_g._NO_MIDDLE.get(form, form) for form in forms]
    return _nm(rng, person, forms, titled, doctor, title)


# Dates and moments in set H's languages and layouts
_MONTHS_DE = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
).split()
_MONTHS_FR = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
_MONTHS_NL = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
_MONTHS_SV = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
_WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_ERAS = (  # first day and letter of the Reiwa, Heisei, Showa and Taisho eras
    (date(2019, 5, 1), "R"),
    (date(1989, 1, 8), "H"),
    (date(1926, 12, 25), "S"),
    (date(1912, 7, 30), "T"),
)


def _de_abbr(month: int) -> str:
    """A German month abbreviation as letters print it ("Jan.", "Mai", "Sept.")."""
    name = _MONTHS_DE[month - 1]
    if len(name) <= 4:
        return name
    return ("Sept" if month == 9 else name[:3]) + "."


def _era(day: date) -> str:
    """A Japanese era date, "R6.3.15" (Reiwa 6 is 2024)."""
    start, letter = next((start, letter) for start, letter in _ERAS if day >= start)
    return f"{letter}{day.year - start.year + 1}.{day.month}.{day.day}"


def _day_h(day: date, style: str) -> str:
    """The date in one of set H's styles, or in one of sets G's and F's."""
    y, m, d = day.year, day.month, day.day
    weekday = _f._WEEKDAYS[day.weekday()]
    styles = {
        "de_long": f"{d}. {_MONTHS_DE[m - 1]} {y}",
        "de_abbr": f"{d}. {_de_abbr(m)} {y}",
        "de_wd": f"{_WEEKDAYS_DE[day.weekday()]}, {d}. {_MONTHS_DE[m - 1]} {y}",
        "de_num": f"{d:02d}.{m:02d}.{y}",
        "fr_long": f"{('1er' if d == 1 else d)} {_MONTHS_FR[m - 1]} {y}",
        "fr_wd": f"{_WEEKDAYS_FR[day.weekday()]} {d} {_MONTHS_FR[m - 1]} {y}",
        "nl_long": f"{d} {_MONTHS_NL[m - 1]} {y}",
        "nl_dash": f"{d}-{m}-{y}",
        "sv_long": f"{d} {_MONTHS_SV[m - 1]} {y}",
        "jp": f"{y}年{m}月{d}日",
        "jp_era": _era(day),
        "kr": f"{y}. {m}. {d}.",
        "ordinal": f"{y}-{day.timetuple().tm_yday:03d}",
        "d_Mon": f"{d}-{MONTHS[m - 1][:3]}",
        "dm0": f"{d:02d}/{m:02d}",
        "dmy_dash": f"{d:02d}-{m:02d}-{y}",
        "ym": f"{y}-{m:02d}",
        "spoken_dm": f"{_ordinal_words(d, ' ')} of {MONTHS[m - 1]} {_spoken_year(y)}",
        "spoken_card": f"{MONTHS[m - 1]} {_words(d, ' ')}",
        "spoken_wd": f"{weekday} the {_ordinal_words(d, ' ')} of {MONTHS[m - 1]}",
    }
    return styles[style] if style in styles else _day_g(day, style)


def _date_h(rng: random.Random, day: date, styles: Sequence[str]) -> Part:
    return ("DATE", _day_h(day, rng.choice(list(styles))))


def _ics(moment: datetime, utc: bool) -> str:
    """An iCalendar date-time ("20240315T083000", "...Z" in UTC): DATE as a whole."""
    return f"{moment:%Y%m%dT%H%M%S}" + ("Z" if utc else "")


def _epoch_ms(rng: random.Random, moment: datetime, zone: str = "Z") -> str:
    """Unix epoch milliseconds of a local moment, one token that pins the day: DATE as a whole."""
    offset = timedelta(0) if zone == "Z" else datetime.strptime(zone, "%z").utcoffset()
    instant = moment.replace(tzinfo=UTC) - (offset or timedelta(0))
    return str(int(instant.timestamp()) * 1000 + rng.randrange(1000))


_OFFSETS = {"us": "-05:00", "ca": "-04:00", "in": "+05:30", "sg": "+08:00", "nz": "+12:00"}


def _zone(rng: random.Random, country: str) -> str:
    """The offset a system writes its time stamps with: the country's own, or UTC ("Z")."""
    return _OFFSETS.get(country, "Z") if rng.random() < 0.7 else "Z"


def _iso_ms(rng: random.Random, moment: datetime, zone: str) -> str:
    """An ISO time stamp with milliseconds and an offset: DATE as a whole."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{rng.randrange(1000):03d}{zone}"


# Ages
_AGE_WRAPS_H = {
    "de": ("", " Jahre"),
    "fr": ("", " ans"),
    "nl": ("", " jaar"),
    "sv": ("", " år"),
    "jp": ("", "歳"),
    "Y": ("", "Y"),
    "yrs_h": ("", " yrs"),
    "spoken_h": ("", ""),
}


def _age_h(years: int, form: str, female: bool = True) -> list[Part]:
    """An age in one of set H's forms (or set G's); the number is AGE only above 89."""
    if form == "de_adj":  # accusative after "eine"/"einen": "93-jährige", "93-jährigen"
        value: Part = ("AGE", str(years)) if years > 89 else str(years)
        return [value, "-jährige" if female else "-jährigen"]
    if form not in _AGE_WRAPS_H:
        return _age_g(years, form, female)
    number = _words(years, " ") if form == "spoken_h" and years < 100 else str(years)
    before, after = _AGE_WRAPS_H[form]
    return [before, ("AGE", number) if years > 89 else number, after]


# Numbers, contacts and national identifiers
_PHONES_H = {
    "ie": (
        "087 ### ####",
        "+353 86 ### ####",
        "(01) ### ####",
        "091 ######",
        "+353 (0)21 ### ####",
    ),
    "nz": ("021 ### ####", "(09) ### ####", "+64 21 ### ###", "03-### ####", "027 ### ####"),
    "za": ("082 ### ####", "+27 (0)11 ### ####", "011 ### ####", "+27 83 ### ####", "021 ### ####"),
    "in": ("+91 98### #####", "98### #####", "080-2### ####", "+91-44-2### ####", "094## ######"),
    "sg": ("+65 9### ####", "6### ####", "8### ####", "+65 6### ####"),
    "jp": ("090-####-####", "03-####-####", "+81 3-####-####", "+81 90-####-####", "06-####-####"),
    "de": ("+49 30 #######", "030 ########", "0171 #######", "+49 (0)89 ######-0", "0221 ######"),
    "fr": ("01 ## ## ## ##", "06 ## ## ## ##", "+33 6 ## ## ## ##", "04.##.##.##.##"),
    "nl": ("020-### ####", "06-########", "+31 6 ########", "010 ### ####", "+31 (0)30 ### ####"),
    "se": (
        "08-### ### ##",
        "070-### ## ##",
        "+46 70 ### ## ##",
        "031-## ## ##",
        "+46 8 ### ### ##",
    ),
}
# Public numbers a note may give (emergency, out-of-hours lines): never PHI.
_PUBLIC_LINES = {
    "ie": "999 or 112",
    "nz": "111",
    "za": "10177",
    "in": "108",
    "sg": "995",
    "jp": "119",
    "de": "116117",
    "fr": "15 or SOS Médecins 3624",
    "nl": "112",
    "se": "1177",
    "uk": "999",
    "au": "000",
    "us": "911",
    "ca": "911",
}


def _phone_h(rng: random.Random, country: str, extension: float = 0.0) -> str:
    """A phone number as written in ``country``."""
    if country in _OLD_WORLD:
        return _phone_g(rng, country, extension)
    return _pick(rng, _PHONES_H[country])


_WORD_RUNS = {2: "double", 3: "treble"}
_PHONES_VOICE = {"uk": _g._PHONES_G["uk"], **_PHONES_H}


def _spoken_phone(rng: random.Random, digits: str) -> str:
    """Digits read aloud the British way: "oh double seven, treble two ..."."""
    words, index = [], 0
    while index < len(digits):
        run = 1
        while index + run < len(digits) and digits[index + run] == digits[index] and run < 3:
            run += 1
        word = (
            rng.choice(("oh", "zero")) if digits[index] == "0" else _f._DIGIT_WORDS[digits[index]]
        )
        if run > 1 and rng.random() < 0.8:
            words.append(f"{_WORD_RUNS[run]} {word}")
        else:
            words.extend([word] * run)
        index += run
    return " ".join(words)


def _spoken_email(address: str) -> str:
    """An e-mail address read aloud: "jo dot bloggs at gmail dot com"."""
    local, host = address.lower().split("@", 1)
    spoken = " at ".join((local, host)).replace(".", " dot ").replace("_", " underscore ")
    return spoken.replace("+", " plus ").replace("-", " dash ")


_EIRCODE_KEYS = ("A65", "D02", "D08", "D6W", "H91", "T12", "V94", "X91", "F92", "R95", "V92")
_EIRCODE_KEYS += ("P31", "N37", "K78", "F94", "W23", "Y35", "E91")
_EIRCODE_CHARS = "0123456789ACDEFHKNPRTVWXY"  # the letters Eircodes use


def _eircode(rng: random.Random) -> str:
    return f"{rng.choice(_EIRCODE_KEYS)} " + "".join(rng.choices(_EIRCODE_CHARS, k=4))


def _luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def _za_id(rng: random.Random, birth: date, female: bool) -> str:
    """A South African ID number: birth date, sex digits, citizenship, 8, Luhn check."""
    sex = rng.randint(0, 4999) if female else rng.randint(5000, 9999)
    body = f"{birth:%y%m%d}{sex:04d}08"
    return body + _luhn_digit(body)


def _personnummer(rng: random.Random, birth: date) -> str:
    body = f"{birth:%y%m%d}{rng.randrange(1000):03d}"
    century = f"{birth.year // 100}" if rng.random() < 0.5 else ""
    sep = "+" if birth.year < 1925 and not century else "-"  # over 100: "+" instead of "-"
    return f"{century}{body[:6]}{sep}{body[6:]}{_luhn_digit(body)}"


def _nir(rng: random.Random, birth: date, female: bool) -> str:
    """A French social security number (NIR): sex, year, month, place, order, key."""
    place = f"{rng.randint(1, 95):02d} {rng.randint(1, 999):03d}"
    return f"{2 if female else 1} {birth:%y} {birth:%m} {place} {rng.randint(1, 999):03d} " + (
        f"{rng.randint(1, 97):02d}"
    )


_IDS_H = {
    "ppsn": ("#######@", "#######@A", "#######@W"),
    "nhi": ("@@@####", "@@@##@@"),
    "aadhaar": ("#### #### ####",),
    "abha": ("##-####-####-####",),
    "kvnr": ("@#########",),
    "bsn": ("#########", "####.##.###"),
    "my_number": ("#### #### ####",),
    "passport": ("@@#######", "@########", "P@######", "##@@#####"),
    "member": ("####-###-##", "@@#########", "MA-######-##"),
}
_LICENSES_H = {
    "ie": ("IMC ######", "IMC no. #####"),
    "nz": ("MCNZ #####",),
    "za": ("HPCSA MP #######", "MP #######"),
    "in": ("KMC ######", "TNMC #####", "MMC ######", "NMC/@@/#####"),
    "sg": ("SMC M#####@",),
    "jp": ("#######",),
    "de": ("LANR #########",),
    "fr": ("RPPS 10#########",),
    "nl": ("BIG ###########",),
    "se": ("förskrivarkod #######",),
    "uk": ("GMC #######",),
    "au": ("MED000#######",),
    "us": ("NPI 1#########",),
    "ca": ("CPSO #####",),
}


def _licence_h(rng: random.Random, country: str) -> tuple[str, str]:
    """A doctor's registration as written: the label (outside the span) and the number."""
    label, _, pattern = rng.choice(_LICENSES_H[country]).rpartition(" ")
    return (f"{label} " if label else "reg. "), _fill(rng, pattern)


def _dvla(person: _Person, birth: date, rng: random.Random) -> str:
    """A UK driving licence number built from the surname, birth date and initials."""
    letters = re.sub(r"[^A-Z]", "", person.surname.upper())[:5].ljust(5, "9")
    month = birth.month + (50 if person.female else 0)
    initials = ((person.given[:1] or "9") + (person.initial or "9")).upper()
    born = f"{birth.year % 100 // 10}{month:02d}{birth.day:02d}{birth.year % 10}"
    return f"{letters}{born}{initials}{_fill(rng, '9@@')}"


_DRIVING_H = {
    "nz": ("@@######",),
    "ie": ("#########", "### ### ###"),
    "za": ("####0000####", "#########@@#"),
    "in": ("@@## ###########", "@@-##-####-#######"),
    "us": ("@###-####-####", "D#######", "S###-###-##-###-#"),
}
_PLATES_H = {
    "ie": ("##1-D-#####", "##2-G-####", "##1-C-####", "##2-KY-###"),
    "nz": ("@@@###", "@@@##"),
    "za": ("@@ ###-###", "@@@ ### GP", "@@ ## @@ GP", "ND ###-###"),
    "in": ("KA 0# @@ ####", "TN ## @ ####", "MH 1# @@ ####"),
    "sg": ("S@@ ####@",),
    "jp": ("Shinagawa 3## @ ##-##",),
    "de": ("B-@@ ####", "M-@ ####", "HH-@@ ###"),
    "fr": ("@@-###-@@",),
    "nl": ("##-@@@-#", "@-###-@@"),
    "se": ("@@@ ###", "@@@ ##@"),
}


def _plate(rng: random.Random, country: str) -> str:
    if country in _PLATES:
        return _license(rng, _PLATES[country])
    return _pick(rng, _PLATES_H[country])


# Places of set H's countries
_TOWNS_H = {
    "ie": ("Galway", "Tralee", "Ennis", "Athlone", "Sligo", "Navan", "Carlow", "Dundalk"),
    "nz": ("Hamilton", "Tauranga", "Dunedin", "Napier", "Nelson", "Whangārei", "Invercargill"),
    "za": ("Pretoria", "Durban", "Gqeberha", "Bloemfontein", "Polokwane", "Mbombela", "Soweto"),
    "in": ("Bengaluru", "Chennai", "Pune", "Kochi", "Lucknow", "Jaipur", "Indore", "Coimbatore"),
    "sg": ("Tampines", "Bedok", "Jurong West", "Yishun", "Toa Payoh", "Ang Mo Kio", "Woodlands"),
    "de": ("Bielefeld", "Freiburg im Breisgau", "Rostock", "Kassel", "Würzburg", "Göttingen"),
    "fr": ("Angers", "Brest", "Limoges", "Nancy", "Perpignan", "Poitiers", "Saint-Malo"),
    "nl": ("Utrecht", "Zwolle", "Leeuwarden", "Tilburg", "Nijmegen", "Delft", "Den Bosch"),
    "se": ("Uppsala", "Umeå", "Linköping", "Örebro", "Lund", "Västerås", "Gävle"),
}
_IE_COUNTIES = ("Galway", "Kerry", "Clare", "Westmeath", "Sligo", "Meath", "Carlow", "Louth")
_IE_COUNTY_OF = dict(zip(_TOWNS_H["ie"], _IE_COUNTIES, strict=True))  # in the order of the towns
_IE_HOUSES = ("Ard na Gréine", "Teach Bán", "Hillcrest House", "The Haven", "Cnoc Álainn")
_IE_TOWNLANDS = ("Carrowmore", "Drumkeeran", "Ballyglass", "Kilmore", "Lisnagry", "Gortnahoe")
_NZ_SUBURBS = ("Ponsonby", "Riccarton", "Karori", "Frankton", "Hillcrest", "Papanui", "Roslyn")
_NZ_SUBURBS += ("Mount Eden", "Te Atatū South", "Havelock North")
_ZA_STREETS = ("Protea", "Jacaranda", "Voortrekker", "Church", "Jan Smuts", "Beyers Naudé")
_ZA_STREETS += ("Oxford", "Kerk", "Marula", "Vilakazi")
_ZA_KINDS = ("Street", "Avenue", "Road", "Drive", "Crescent", "Laan", "Straat")
_ZA_SUBURBS = ("Lynnwood", "Umhlanga", "Rondebosch", "Sandton", "Brooklyn", "Walmer", "Westville")
_ZA_SUBURBS += ("Arcadia", "Orlando East", "Bayswater")
_ZA_PROVINCES = ("Gauteng", "Western Cape", "KwaZulu-Natal", "Eastern Cape", "Limpopo")
_IN_AREAS = ("Indiranagar", "Koramangala", "Anna Nagar", "Kothrud", "Kakkanad", "Gomti Nagar")
_IN_AREAS += ("Malviya Nagar", "Vijay Nagar", "RS Puram", "Jayanagar")
_IN_BUILDINGS = ("Sai Residency", "Lakshmi Apartments", "Green Park Enclave", "Prestige Towers")
_IN_LANDMARKS = ("Near Hanuman Temple", "Opp. Canara Bank", "Behind Railway Station")
_IN_LANDMARKS += ("Near Bus Stand", "Opp. Govt. Girls School")
_IN_STATES = ("Karnataka", "Tamil Nadu", "Maharashtra", "Kerala", "Uttar Pradesh", "Rajasthan")
_SG_ROADS = ("Tampines Street 21", "Bedok North Avenue 3", "Jurong West Street 42")
_SG_ROADS += (
    "Yishun Ring Road",
    "Toa Payoh Lorong 4",
    "Ang Mo Kio Avenue 10",
    "Woodlands Drive 16",
)
_SG_CONDOS = ("The Sail", "Parc Vista", "Eight Riversuites", "Lakeview Residences")
_JP_PLACES = (  # district, city or ward (CITY), prefecture (not PHI)
    ("Jingumae", "Shibuya-ku", "Tokyo"),
    ("Sangenjaya", "Setagaya-ku", "Tokyo"),
    ("Kichijoji Honcho", "Musashino", "Tokyo"),
    ("Ichibancho", "Sendai", "Miyagi"),
    ("Kita 3-jo Nishi", "Sapporo", "Hokkaido"),
    ("Korinbo", "Kanazawa", "Ishikawa"),
    ("Tenjin", "Fukuoka", "Fukuoka"),
    ("Makishi", "Naha", "Okinawa"),
    ("Sannomiya-cho", "Kobe", "Hyogo"),
)


def _town_h(rng: random.Random, fake: Faker, country: str) -> str:
    """A town of ``country``: a real one or, where Faker has the country, an invented one."""
    if country in _OLD_WORLD:
        return _f._town(rng, fake, country)
    if country in _LOCALE_H and country not in ("za", "in") and rng.random() < 0.4:
        return fake[_LOCALE_H[country]].city().strip()
    return rng.choice(_TOWNS_H[country] if country != "jp" else [p[1] for p in _JP_PLACES])


def _faker_street(fake: Faker, country: str) -> str:
    return ", ".join(p.strip() for p in fake[_LOCALE_H[country]].street_address().splitlines())


def _street_h(rng: random.Random, fake: Faker, country: str) -> str:
    """A street line, suburbs, townlands, landmarks, blocks and units included."""
    n, k = rng.randint(1, 240), rng.randint(1, 18)
    if country == "ie":
        if rng.random() < 0.35:
            return f"{rng.choice(_IE_HOUSES)}, {rng.choice(_IE_TOWNLANDS)}"
        return _faker_street(fake, country)
    if country == "nz":
        street = _faker_street(fake, country)
        return f"{street}, {rng.choice(_NZ_SUBURBS)}" if rng.random() < 0.5 else street
    if country == "za":
        if rng.random() < 0.2:
            return rng.choice((f"Stand {n * 7}, Zone {k}", f"Erf {n * 11}"))
        name, kind = rng.choice(_ZA_STREETS), rng.choice(_ZA_KINDS)
        glued = kind in ("Laan", "Straat")  # Afrikaans: "Kerkstraat", "Jan Smutslaan"
        street = f"{n} {name}{kind.lower()}" if glued else f"{n} {name} {kind}"
        return f"{street}, {rng.choice(_ZA_SUBURBS)}" if rng.random() < 0.7 else street
    if country == "in":
        street = rng.choice(
            (
                f"Flat {k}0{rng.randint(1, 9)}, {rng.choice(_IN_BUILDINGS)}, {k}th Cross",
                f"No. {n}, {k}th Main Road",
                f"H.No. {k}-{n}/{rng.randint(1, 40)}",
                _faker_street(fake, country),
            )
        )
        landmark = f", {rng.choice(_IN_LANDMARKS)}" if rng.random() < 0.4 else ""
        return f"{street}, {rng.choice(_IN_AREAS)}{landmark}"
    if country == "sg":
        unit = f"#{rng.randint(2, 25):02d}-{rng.randint(1, 450):02d}"
        if rng.random() < 0.7:
            return f"Blk {n + 100} {rng.choice(_SG_ROADS)}, {unit}"
        return f"{n} {rng.choice(_SG_ROADS)}, {unit}, {rng.choice(_SG_CONDOS)}"
    return _faker_street(fake, country)


def _postcode_h(rng: random.Random, fake: Faker, country: str) -> str:
    forms = {
        "ie": _eircode,
        "nz": lambda r: _fill(r, "####"),
        "za": lambda r: _fill(r, rng.choice(("0###", "2###", "4###", "7###"))),
        "in": lambda r: _fill(r, rng.choice(("5#####", "6#####", "4#####", "560 0##"))),
        "sg": lambda r: f"{r.randint(1, 82):02d}{_fill(r, '####')}",
        "jp": lambda r: _fill(r, "###-####"),
        "nl": lambda r: f"{r.randint(1000, 9999)}{r.choice(('', ' '))}{_fill(r, '@@')}",
        "se": lambda r: _fill(r, rng.choice(("1## ##", "4## ##", "9## ##"))),
    }
    if country in forms:
        return forms[country](rng)
    return fake[_LOCALE_H[country]].postcode().strip()


def _place_h(rng: random.Random, fake: Faker, country: str, rural: float = 0.0) -> _Place:
    """A place in one of sets F, G or H's countries."""
    if country in _OLD_WORLD:
        return _place_g(rng, fake, country, rural=rural)
    postcode = _postcode_h(rng, fake, country)
    if country == "jp":
        district, city, prefecture = rng.choice(_JP_PLACES)
        block = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        return _Place(f"{block} {district}", city, prefecture, postcode, country)
    city = "Singapore" if country == "sg" else _town_h(rng, fake, country)
    region = {
        "ie": "Co. " + _IE_COUNTY_OF.get(city, rng.choice(_IE_COUNTIES)),
        "za": rng.choice(_ZA_PROVINCES),
        "in": rng.choice(_IN_STATES),
    }.get(country, "")
    return _Place(_street_h(rng, fake, country), city, region, postcode, country)


_CONTINENTAL = ("de", "fr", "nl", "se")


def _address_h(rng: random.Random, place: _Place, lines: bool = False) -> list[Part]:
    """Address parts in the order and punctuation of the place's country."""
    country, sep = place.country, "\n" if lines else ", "
    street: Part = ("ADDRESS", place.street)
    if country in _OLD_WORLD:
        return _address_g(rng, place, lines=lines)
    if country in _CONTINENTAL:
        return [street, sep, ("ZIP", place.postcode), " ", ("CITY", place.city)]
    if country == "ie":
        return [
            street,
            sep,
            ("CITY", place.city),
            f"{sep}{place.region}{sep}",
            ("ZIP", place.postcode),
        ]
    if country in ("nz", "za"):
        return [
            street,
            sep,
            ("CITY", place.city),
            " " if country == "nz" else sep,
            ("ZIP", place.postcode),
        ]
    if country == "in":
        dash = rng.choice((" - ", " ", "-"))
        return [
            street,
            sep,
            ("CITY", place.city),
            dash,
            ("ZIP", place.postcode),
            f", {place.region}",
        ]
    if country == "sg":
        if rng.random() < 0.3:
            return [street, sep, "S(", ("ZIP", place.postcode), ")"]
        return [street, sep, "Singapore ", ("ZIP", place.postcode)]
    mark = "〒" if rng.random() < 0.5 else ""  # Japan, romanised in the Western order
    return [street, sep, ("CITY", place.city), f", {place.region} {mark}", ("ZIP", place.postcode)]


def _one_line_h(place: _Place) -> str:
    """The address as the record stores it."""
    if place.country in _OLD_WORLD:
        return _g._one_line(place)
    if place.country in _CONTINENTAL:
        return f"{place.street}, {place.postcode} {place.city}"
    region = f", {place.region}" if place.region else ""
    return f"{place.street}, {place.city}{region} {place.postcode}"


# Facilities of set H's kinds and countries
_SAINTS_H = ("Brigid", "Columba", "Finbarr", "Vincent", "Elisabeth", "Joseph", "Luke", "Anne")
_LANDSCAPES_H = ("Harbourside", "Riverbend", "Fernhill", "Clearwater", "Seaview", "Lakeshore")
_LANDSCAPES_H += ("Greenacres", "Summit")
_LOCAL_LANDSCAPES = {  # names a facility takes only in its own country
    "nz": ("Kōwhai", "Tōtara", "Rimutaka"),
    "za": ("Highveld", "Protea", "Drakensberg"),
    "in": ("Lotus", "Sahyadri", "Kaveri"),
    "sg": ("Changi", "Mount Faber"),
    "ie": ("Shannon", "Slieve Bloom"),
}


def _landscape(rng: random.Random, country: str) -> str:
    """A landscape word for a facility name, local to the country at times."""
    return rng.choice(_LANDSCAPES_H + _LOCAL_LANDSCAPES.get(country, ()))


def _de_fr(town: str) -> str:
    """French "de" before a town, elided before a vowel ("CHU d'Angers")."""
    return f"d'{town}" if town[:1] in "AEIOUÉÈÎ" else f"de {town}"


def _hospital_h(rng: random.Random, fake: Faker, country: str) -> str:
    """A named hospital of ``country``."""
    if country in _OLD_WORLD:
        return _facility(rng, fake, "hospital", country)
    town, saint = _town_h(rng, fake, country), rng.choice(_SAINTS_H)
    land = _landscape(rng, country)
    clinique = f"Clinique Saint-{saint}"
    forms = {
        "ie": (f"University Hospital {town}", f"{town} General Hospital", f"St {saint}'s Hospital"),
        "nz": (f"{town} Hospital", f"Te Whatu Ora {town}", f"{land} Private Hospital"),
        "za": (f"{town} Provincial Hospital", f"{land} Netcare Hospital", f"Mediclinic {town}"),
        "in": (f"{town} Institute of Medical Sciences", f"{land} Multispeciality Hospital"),
        "sg": (f"{land} General Hospital", f"{town} Community Hospital", f"Mount {land} Hospital"),
        "jp": (f"{town} Municipal Hospital", f"{town} Red Cross Hospital", f"{land} Clinic"),
        "de": (f"Klinikum {town}", f"St.-{saint}-Krankenhaus", f"Universitätsklinikum {town}"),
        "fr": (f"Centre Hospitalier {_de_fr(town)}", f"CHU {_de_fr(town)}", clinique),
        "nl": (f"Ziekenhuis {town}", f"UMC {town}", f"{saint} Gasthuis"),
        "se": (f"Universitetssjukhuset i {town}", f"{town} lasarett", f"Centralsjukhuset {town}"),
    }
    return rng.choice(forms[country])


def _facility_h(rng: random.Random, fake: Faker, kind: str, country: str = "us") -> str:
    """A named facility of one of set H's kinds (hospitals and set G's kinds otherwise)."""
    town, land = _town_h(rng, fake, country), _landscape(rng, country)
    surname = _make_person_h(rng, fake, origins=_ORIGINS_H.get(country, ("en_US",))).surname
    kinds = {
        "hospice": (f"{town} Hospice", f"St {rng.choice(_SAINTS_H)}'s Hospice", f"{land} Hospice"),
        "funeral": (f"{surname} Funeral Directors", f"{surname} & Daughters Funeral Services"),
        "dental": (f"{town} Dental Studio", f"{surname} Family Dentistry", f"{land} Dental"),
        "fertility": (f"{town} Fertility Centre", f"{land} Reproductive Medicine"),
        "sperm_bank": (f"{land} Cryobank", f"{town} Sperm Bank"),
        "opo": (f"{land} Donor Network", f"{town} Organ Procurement Organization"),
        "examiner": (f"{town} County Medical Examiner's Office", f"{surname} County Coroner"),
        "compounding": (f"{town} Compounding Pharmacy", f"{land} Infusion Pharmacy"),
        "gp": (f"{town} Medical Centre", f"{land} Family Practice", f"{surname} Medical Practice"),
        "lab": (f"{land} Pathology", f"{town} Diagnostic Laboratory", f"{surname} Labs"),
        "hotel": (f"Hotel {land} {town}", f"{land} Serviced Apartments", f"The {town} Grand"),
        "assessment": (f"{town} Driver Assessment Centre", f"{land} Occupational Health"),
        "pharmacy": (f"{surname}'s Pharmacy", f"{town} Chemist", f"{land} Pharmacy"),
    }
    if kind == "hospital":
        return _hospital_h(rng, fake, country)
    if kind == "gp" and country in _CONTINENTAL:
        practice = {"de": "Praxis Dr. ", "fr": "Cabinet du Dr ", "nl": "Huisartsenpraktijk "}
        return practice.get(country, "Vårdcentralen ") + (surname if country != "se" else town)
    if kind not in kinds:  # set G's kinds, in its countries only
        return _facility_g(rng, fake, kind, country if country in _OLD_WORLD else "uk")
    return rng.choice(kinds[kind])


# Eponym sentences per family (per language for the letter); braced parts are keep spans.
_EPONYMS: dict[str, list[str]] = {
    "bereavement_followup_call": [
        "Talked through the {Kübler-Ross} stages; feels 'stuck at angry'.",
        "{Kessler Psychological Distress Scale} (K10) 28 today.",
        "The {McKinley} syringe driver alarm at night still replays in the bereaved's mind.",
        "Was frightened by the {Cheyne-Stokes breathing} in the last hours.",
        "The death was from {Creutzfeldt-Jakob disease}; worried it runs in families.",
        "The deceased had {Pick disease} for six years.",
        "Asked whether the {Lewy body dementia} could have been found sooner.",
        "{Texas Revised Inventory of Grief} 61.",
        "Remembers the {Liverpool Care Pathway} being mentioned years ago, with distress.",
    ],
    "organ_donation_referral_log": [
        "{Glasgow Coma Scale} 3T off sedation for 24 h.",
        "{Maastricht category} III: controlled donation after circulatory death.",
        "{Wisconsin DCD tool} score 19.",
        "Kidneys to be flushed with {Belzer UW} solution.",
        "No risk factor for {Creutzfeldt-Jakob disease} (no dura graft, no hGH).",
        "{Epstein-Barr virus} VCA IgG positive.",
        "{Chagas disease} serology negative.",
        "{Cushing reflex} before the second CT.",
        "Burns 12% by the {Lund and Browder chart}: skin not retrievable.",
    ],
    "compounding_worksheet": [
        "Diluent: {Lactated Ringer's} 250 mL.",
        "{Hartmann's solution} 500 mL bag used as the vehicle.",
        "Drawn up with a 60 mL {Luer-Lok} syringe.",
        "Prepared {Lugol's iodine} 5% for the pre-operative course.",
        "{Whitfield's ointment} 2 x 30 g jars, non-sterile.",
        "For the {Hickman line}: heparin lock 10 units/mL.",
        "{Dakin's solution} quarter strength, 1 L.",
        "{Duke's magic mouthwash}: lidocaine, diphenhydramine, antacid 1:1:1.",
    ],
    "dental_charting_note": [
        "36 MOD caries, {Black's classification} class II.",
        "{Miller} grade I mobility of 31 and 41.",
        "Partially dentate maxilla, {Kennedy} class III.",
        "{Angle class} II division 1 malocclusion, overjet 7 mm.",
        "{Fordyce spots} on both buccal mucosae, reassured.",
        "Floor of mouth soft, no sign of {Ludwig angina}.",
        "Incidental {Stafne bone cavity} on the OPG, left angle.",
        "Root surfaces debrided with {Gracey curettes} 11/12 and 13/14.",
        "{Mallampati} class III on review of the airway for sedation.",
    ],
    "birth_register_entry": [
        "{Apgar} 8 at 1 minute and 9 at 5 minutes.",
        "{Ortolani} and {Barlow} tests negative.",
        "Left arm weak: {Klumpke palsy} query, physio referral.",
        "{Brushfield spots} and a single palmar crease; {Down syndrome} suspected.",
        "Antenatal scan suggested {Edwards syndrome}; karyotype normal at birth.",
        "{Patau syndrome} excluded on the newborn examination.",
        "Rotational delivery with {Kielland forceps} in theatre.",
        "Lift-out delivery with {Wrigley's forceps}.",
    ],
    "ivf_embryology_worksheet": [
        "Embryo 3 expanded blastocyst, {Gardner grade} 4AA.",
        "Thin endometrium after {Asherman syndrome} treated in 2019.",
        "Male partner has {Kallmann syndrome}; sperm from donor.",
        "Male partner: {Klinefelter syndrome}, micro-TESE sperm used.",
        "PGT-A: embryo 2 mosaic for {Turner syndrome}, not for transfer.",
        "Transfer with a {Wallace} soft catheter, easy.",
        "Count on a {Makler chamber}: 42 million/mL, progressive motility 38%.",
        "PCOS by the {Rotterdam criteria}; freeze-all to avoid OHSS.",
    ],
    "driver_medical_report": [
        "{Epworth Sleepiness Scale} 14; sleep study requested.",
        "{Snellen} 6/9 binocular with glasses.",
        "Binocular {Esterman} visual field test: no defect.",
        "{Ishihara} plates 15/17, red-green deficiency.",
        "{Romberg test} negative.",
        "{Dix-Hallpike} test negative both sides.",
        "{Wolff-Parkinson-White} pattern on an old ECG, ablated.",
        "Left {Bell palsy} has resolved fully.",
        "Early {Parkinson disease}; reaction times to be assessed on the road.",
    ],
    "jsonl_event_stream": [
        "{Behçet disease}: oral ulcers flaring",
        "{Still disease} on anakinra",
        "history of {Kawasaki disease} in childhood, coronary aneurysm",
        "{Takayasu arteritis}: arm BP differs by 25 mmHg",
        "{Hughes syndrome} on warfarin, INR target 3",
        "{Gilbert syndrome}, bilirubin 38 umol/L",
        "{Conn syndrome} post adrenalectomy",
        "{Bristol Stool Chart} type 6 x3 today",
    ],
    "registry_yaml_export": [
        "{Ehlers-Danlos syndrome}, hypermobile type",
        "{Loeys-Dietz syndrome}",
        "{von Willebrand disease} type 1",
        "{Gaucher disease} type 1",
        "{Niemann-Pick disease} type C",
        "{Pompe disease}, late onset",
        "{Wilson disease}",
        "{Prader-Willi syndrome}",
        "{Beighton score} 7/9",
    ],
    "xml_lab_message": [
        "Direct antiglobulin ({Coombs}) test positive, IgG.",
        "{Kleihauer-Betke test}: fetal cells 0.4%.",
        "ESR by {Westergren} method 88 mm/h.",
        "{Ziehl-Neelsen stain}: no acid-fast bacilli seen.",
        "{Howell-Jolly bodies} on the film, consistent with hyposplenism.",
        "{Döhle bodies} and toxic granulation.",
        "{Paul-Bunnell test} positive.",
        "{Mantoux test} 14 mm induration at 72 h.",
        "{Pappenheimer bodies} present.",
    ],
    "box_drawn_mar_chart": [
        "{Braden Scale} 13",
        "{Abbey Pain Scale} 9",
        "{Norton scale} 12",
        "{Wong-Baker FACES} 6",
        "{Cockcroft-Gault} CrCl 28 mL/min",
        "{Glasgow-Blatchford score} 7",
        "{Waterlow} 21",
        "{Parkinson's} meds time-critical",
    ],
    "voice_assistant_transcript": [
        "USER: can you tell me how to do the {Brandt-Daroff exercises}",
        "USER: the physio said to keep doing my {Kegel exercises}",
        "USER: my grandson's got {Sever's disease} in his heel",
        "USER: they think it's {Ramsay Hunt syndrome}, my ear's all blistered",
        "USER: it's my {Bell's palsy} again I think, my face has dropped",
        "USER: I had {Perthes disease} as a boy, that's the bad hip",
        "USER: my back's been bad since the {Scheuermann's} they found",
        "ASSISTANT: the {Epworth} questionnaire will be sent to you before the visit",
    ],
    "discharge_letter:de": [
        "{Morbus Bechterew} seit 2009",
        "{Hashimoto-Thyreoiditis}, substituiert",
        "{Guillain-Barré-Syndrom} 2015, folgenlos ausgeheilt",
        "{Lasègue-Zeichen} links bei 40 Grad positiv",
        "{Barthel-Index} 60 Punkte",
        "{Morbus Parkinson} ({Hoehn und Yahr} 2)",
        "Leberzirrhose {Child-Pugh}-Stadium B",
        "{Glasgow Coma Scale} 14 bei Aufnahme",
    ],
    "discharge_letter:fr": [
        "{maladie de Horton} sous corticoïdes",
        "{syndrome de Guillain-Barré} en 2015, sans séquelle",
        "{signe de Lasègue} positif à gauche",
        "{maladie de Basedow} traitée par iode radioactif",
        "{score de Glasgow} 14 à l'admission",
        "cirrhose {Child-Pugh} B",
        "{maladie de Parkinson} évoluée",
        "{indice de Barthel} à 55",
    ],
    "discharge_letter:nl": [
        "{ziekte van Kahler}, in remissie",
        "{syndroom van Guillain-Barré} in 2015",
        "{teken van Lasègue} links positief",
        "{ziekte van Crohn} met ileocoecale resectie",
        "{Glasgow Coma Schaal} E4M6V4",
        "{Barthel-index} 12/20",
        "{ziekte van Bechterew}",
        "{ziekte van Parkinson}",
    ],
    "discharge_letter:se": [
        "{Bechterews sjukdom} sedan 2009",
        "{Guillain-Barrés syndrom} 2015, utan kvarstående besvär",
        "{Crohns sjukdom}, opererad 2018",
        "{Lasègues test} positivt vänster",
        "{Hashimotos tyreoidit}",
        "{Glasgow Coma Scale} 14",
        "{Parkinsons sjukdom}",
        "{Barthels index} 60",
    ],
    "medical_tourism_intake": [
        "{Tetralogy of Fallot} repaired at age 4.",
        "{Kikuchi disease} diagnosed on node biopsy in 2016.",
        "{Kimura disease} of the left parotid, treated.",
        "{Hashimoto thyroiditis} on levothyroxine 75 mcg.",
        "{Nevus of Ota} over the right cheek (cosmetic only).",
        "Airway: {Mallampati} class III, neck extension limited.",
        "Old {Charnley} hip prosthesis on the left, now loose.",
        "{Paget disease} of the pelvis, on risedronate since 2015.",
        "{Kawasaki disease} in childhood, echo normal since.",
    ],
    "calendar_ics_invite": [
        "Wear loose clothing for the {Holter monitor} fitting.",
        "A {Pap smear} will be taken at this visit.",
        "{Doppler} ultrasound of both legs: no fasting needed.",
        "Treadmill test by the {Bruce protocol}; wear trainers.",
        "{Mantoux test} reading 48-72 h after placement.",
        "An {Allen test} will be done before the arterial sample.",
        "{Schirmer test} strips: do not wear contact lenses.",
        "{Tzanck smear} of the blisters.",
    ],
    "wristband_zpl_print": [
        "{Addisonian} crisis risk - steroid card",
        "{von Willebrand} disease - no IM injections",
        "{Parkinson's} - time-critical meds",
        "{Christmas disease} - factor IX",
        "{Hunter syndrome} - difficult airway",
        "{Down syndrome} - communication passport",
        "{Morse Fall Scale} 65 - high falls risk",
        "{Osler-Weber-Rendu} - epistaxis risk",
    ],
}
# Eponym words that are also surnames, for the collision notes.
_EPONYM_SURNAMES = frozenset(
    "Kessler McKinley Cheyne Stokes Creutzfeldt Jakob Pick Lewy Epstein Barr Chagas Hoehn Yahr "
    "Cushing Belzer Lund Browder Ringer Hartmann Luer Lugol Whitfield Hickman Dakin Duke Black "
    "Miller Kennedy Angle Fordyce Ludwig Stafne Gracey Mallampati Apgar Ortolani Barlow Klumpke "
    "Brushfield Down Edwards Patau Kielland Wrigley Gardner Asherman Kallmann Klinefelter Turner "
    "Wallace Makler Snellen Esterman Ishihara Romberg Hallpike Wolff Parkinson White "
    "Bell Behçet Still Kawasaki Takayasu Hughes Gilbert Conn Ehlers Danlos Loeys Dietz Gaucher "
    "Niemann Pompe Wilson Prader Willi Beighton Coombs Kleihauer Betke Westergren Ziehl Neelsen "
    "Howell Jolly Döhle Paul Bunnell Mantoux Pappenheimer Braden Abbey Norton Wong Baker "
    "Cockcroft Gault Blatchford Waterlow Brandt Daroff Kegel Sever Ramsay Hunt Perthes "
    "Scheuermann Bechterew Hashimoto Guillain Barré Lasègue Barthel Child Pugh Horton Basedow "
    "Kahler Crohn Fallot Kikuchi Kimura Ota Charnley Paget Holter Doppler Bruce Allen Schirmer "
    "Tzanck Addison Willebrand Christmas Hunter Morse Osler Weber Rendu".split()
)
_SURNAME_BY_LOWER = {word.lower(): word for word in _EPONYM_SURNAMES}


def _eponym_surname(template: str) -> str | None:
    """The first word of the template's keep spans that is a surname (a genitive "s" dropped)."""
    for phrase in re.findall(r"\{([^}]*)\}", template):
        for word in re.split(r"[\s\-'’(),/]+", phrase):
            lower = word.lower()
            for candidate in (lower, lower.removesuffix("s"), lower.removesuffix("ian")):
                if candidate in _SURNAME_BY_LOWER:
                    return _SURNAME_BY_LOWER[candidate]
    return None


# The case
@dataclass
class _CaseH(_Case):
    """Set F's case with set H's eponyms, naming systems and places."""

    def pool(self) -> list[str]:
        """The eponym sentences of this note's family (and language)."""
        return _EPONYMS.get(self.family) or _EPONYMS[f"{self.family}:{self.country}"]

    def origins(self) -> Sequence[str]:
        return _ORIGINS_H.get(self.country, _g._G_ORIGINS)

    def person(
        self, female: bool | None = None, surname: str | None = None, local: bool = True
    ) -> _Person:
        """A relative, clinician or other named person; the first takes a lent surname.

        Args:
            female: The person's sex, or None for either.
            surname: A surname to give the person.
            local: Name the person as the note's country does (else as set G's origins).
        """
        if self.lent_surname is not None and surname is None:
            surname, self.lent_surname = self.lent_surname, None
        origins = self.origins() if local else _g._G_ORIGINS
        return _make_person_h(self.rng, self.fake, female, surname, origins)

    def eponyms(self, k: int) -> list[str]:
        """``k`` eponym sentences, the one whose surname was lent first."""
        chosen = self.rng.sample(self.pool(), k)
        if self.forced_eponym is None:
            return chosen
        return [self.forced_eponym, *(t for t in chosen if t != self.forced_eponym)][:k]

    def phone_as(self, form: str | None = None) -> str:
        """The patient's phone, rewritten in a North American form when it is one."""
        if not self.phone_digits:
            return self.phone
        return _nanp(self.rng, self.phone_digits, form=form)

    def identifiers(self) -> dict[str, str]:
        """The structured identifiers the source record carries."""
        return super().identifiers() | {"address": _one_line_h(self.home)}

    def facility(self, kind: str, country: str | None = None) -> Part:
        return ("FACILITY", _facility_h(self.rng, self.fake, kind, country or self.country))

    def name(
        self,
        person: _Person,
        forms: Sequence[str],
        titled: float = 0.0,
        doctor: bool = False,
        title: str | None = None,
    ) -> list[Part]:
        return _nm_h(self.rng, person, forms, titled, doctor, title)

    def date(self, day: date, styles: Sequence[str]) -> Part:
        return _date_h(self.rng, day, styles)

    def tel(self, country: str | None = None) -> Part:
        """A phone number of the note's country (or another's)."""
        return ("PHONE", _phone_h(self.rng, country or self.country))

    def mail(self, person: _Person, work: bool = False) -> Part:
        """The person's e-mail address, at a free mail host or at a work domain."""
        domain = _domain(self.rng, self.fake, self.country) if work else None
        return ("EMAIL", _tagged_email(self.rng, self.fake, person, domain))

    def url(self, path: str, *params: str) -> Part:
        """A link with a query string on a new domain."""
        return ("URL", _query_url(self.rng, _domain(self.rng, self.fake), path, params))


def _national_id(case: _CaseH) -> tuple[str, Part]:
    """The patient's national number in the note's country: its label and value."""
    rng, pt, birth = case.rng, case.patient, case.birth
    country = case.country
    if country == "us":
        return "SSN", ("SSN", _ssn(rng, "-"))
    if country == "ca":
        return "SIN", ("SSN", _sin(rng))
    if country == "in" and rng.random() < 0.35:  # the digital health account, not Aadhaar
        return "ABHA no.", ("ID", _pick(rng, _IDS_H["abha"]))
    values = {
        "ie": ("PPSN", lambda: _pick(rng, _IDS_H["ppsn"])),
        "nz": ("NHI", lambda: _pick(rng, _IDS_H["nhi"])),
        "za": ("ID no.", lambda: _za_id(rng, birth, pt.female)),
        "in": ("Aadhaar", lambda: _pick(rng, _IDS_H["aadhaar"])),
        # NRIC: an "S" series before 2000, a "T" series for births from 2000
        "sg": ("NRIC", lambda: _fill(rng, ("S" if birth.year < 2000 else "T") + "#######@")),
        "jp": ("My Number", lambda: _pick(rng, _IDS_H["my_number"])),
        "uk": ("NHS no.", lambda: _pick(rng, _IDS["nhs"])),
        "au": ("Medicare", lambda: _pick(rng, _IDS["medicare_au"])),
        "de": ("KVNR", lambda: _pick(rng, _IDS_H["kvnr"])),
        "fr": ("NIR", lambda: _nir(rng, birth, pt.female)),
        "nl": ("BSN", lambda: _pick(rng, _IDS_H["bsn"])),
        "se": ("Personnummer", lambda: _personnummer(rng, birth)),
    }
    label, make = values[country]
    return label, ("ID", make())


# Family: hospice bereavement follow-up call record
_BEREAVEMENT_DATES = {
    "ie": ("dmy", "d_month_y", "wd_d_month"),
    "nz": ("dmy", "d_month_y", "d_mon_y"),
    "uk": ("dmy", "d_month_y", "ord_of_month"),
    "au": ("dmy", "d_mon_y", "dmy_short"),
}
_NURSE_BOARDS = {
    "ie": "NMBI ######",
    "nz": "NCNZ ######",
    "uk": "NMC ##@####@",
    "au": "AHPRA NMW000#######",
}


def _bereavement_followup_call(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    styles = _BEREAVEMENT_DATES[country]
    case.set_age(rng.randint(90, 104) if rng.random() < 0.5 else rng.randint(48, 89))
    kin = case.person(female=not pt.female if rng.random() < 0.6 else None)
    relation = _kin(rng, kin, ("wife", "daughter", "sister", "partner", "granddaughter"))
    died = case.before(35, 70)
    n.line("BEREAVEMENT SUPPORT - FOLLOW-UP CALL RECORD")
    n.line(case.facility("hospice"), " | Family Support Team")
    n.put("Bereaved: ", case.name(kin, ("first_last", "last_comma_first")))
    n.line(f" ({relation} of the deceased)   Contact ID ", ("ID", _fill(rng, "BV-#####")))
    n.line("Phone: ", ("PHONE", case.phone), "   Address: ", _address_h(rng, case.home))
    n.put("Deceased: ", case.name(pt, _PATIENT), "   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.put("   DOB ", case.date(case.birth, styles), "   died ", case.date(died, styles))
    n.line(", aged ", _age_h(case.age, rng.choice(("plain", "yrs_h", "bare"))))
    place = "at home" if rng.random() < 0.4 else ["at ", case.facility("hospital")]
    n.line("Place of death: ", place, f"; bereavement risk screen (PG-13) {rng.randint(18, 44)}")
    _bereavement_call(n, case, kin, styles)
    _bereavement_plan(n, case, kin, styles)


def _bereavement_call(n: _Note, case: _CaseH, kin: _Person, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    volunteer = case.person()
    week = rng.choice((6, 8, 12))
    n.put(f"Call 2 of 3 ({week}-week call): ", case.date(case.visit, styles))
    n.line(f" at {_clock(rng)}, by ", case.name(volunteer, ("first_last", "given")), " (volunteer)")
    n.put("Spoke with ", case.name(kin, ("given", "first_last")), ". ")
    n.put("The funeral at ", case.facility("funeral"), " on ")
    n.put(case.date(case.before(20, 34), ("wd_d_month", "d_month", "ord_of_month")))
    n.put(" was 'a good send-off'. ")
    _sentences(n, case, 2)
    n.line()
    n.put("Sleeping 4-5 hours; appetite poor; back at work part-time. Own GP is ")
    gp = case.person()
    n.put(case.name(gp, _STAFF, 1.0, doctor=True), " at ", case.facility("gp"))
    n.line(", and will ring ", case.tel(), " if low.")
    n.line(f"Out of hours: dial {_PUBLIC_LINES[country]} in an emergency.")


def _bereavement_plan(n: _Note, case: _CaseH, kin: _Person, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    supervisor = case.person()
    anniversary = case.visit + timedelta(days=rng.randint(280, 330))
    n.put("Plan: call 3 at 13 months; anniversary card due ")
    n.line(case.date(anniversary, ("month_year", "ym")), "; Light Up a Life service invitation.")
    if rng.random() < 0.5:
        n.line("Email for the support group: ", case.mail(kin))
    n.put("Reviewed by ", case.name(supervisor, ("first_last", "initial_last")), ", ")
    board, pattern = _NURSE_BOARDS[country].split(" ")
    n.line(f"{board} ", ("LICENSE", _fill(rng, pattern)), ", ", case.date(case.visit, styles))
    n.line("Record kept on ", case.url("bereavement/record", f"c={_fill(rng, '######')}"))


# Family: organ donor referral call log (US organ procurement organisation)
def _organ_donation_referral_log(n: _Note, case: _CaseH) -> None:
    rng, pt = case.rng, case.patient
    tissue_only = rng.random() < 0.4
    case.set_age(_old(rng, 0.8) if tissue_only else rng.randint(19, 70))
    caller = case.person(local=False)
    clock = _moment(rng, case.visit)
    n.line("DONOR REFERRAL LINE - CALL LOG")
    n.put(case.facility("opo"), "   Referral # ", ("ID", _fill(rng, f"{case.visit.year}-######")))
    n.line("   UNOS Donor ID ", ("ID", _fill(rng, "@@@####")))
    n.put("Referral received ", ("DATE", _iso_z(rng, clock)), " from ", case.facility("hospital"))
    n.line(f", MICU bed {rng.randint(1, 24)}")
    n.put("Caller: ", case.name(caller, ("first_last", "initial_last")), " RN, callback ")
    n.line(("PHONE", _nanp(rng, extension=0.5)))
    n.put("Potential donor: ", case.name(pt, ("LAST_comma_first", "last_comma_first", "CAPS")))
    n.put("   ", _age_h(case.age, rng.choice(("age_sex", "yrs_h", "Y")), pt.female))
    n.put("   DOB ", case.date(case.birth, ("us0", "us", "iso")), "   SSN ")
    n.line(("SSN", _ssn(rng, "-")))
    n.put(_mrn_label(rng), " ", ("MRN", case.mrn), "   Admitted ")
    n.line(case.date(case.before(1, 6), ("us0", "md")), f"; ventilated; KDPI {rng.randint(5, 95)}%")
    n.line("Home: ", _address_h(rng, case.home), "   ", ("PHONE", case.phone_as()))
    if tissue_only:
        n.put("Outcome: ventilated criteria not met; ")
        n.line("tissue and eye referral only (no upper age limit).")
    _organ_timeline(n, case, clock)


def _organ_timeline(n: _Note, case: _CaseH, clock: datetime) -> None:
    rng = case.rng
    coordinator, kin, investigator = (
        case.person(local=False),
        case.person(),
        case.person(local=False),
    )

    def at() -> str:
        nonlocal clock
        clock += timedelta(minutes=rng.randint(10, 160))
        return f"{clock:%H%M}  "

    n.put(at(), "On-site coordinator ", case.name(coordinator, ("first_last", "surname"), 0.5))
    n.put(", ETA 90 min. PaO2/FiO2 ")
    n.line(f"{rng.randint(180, 420)}, Na {rng.randint(138, 158)} mmol/L.")
    for sentence in case.eponyms(2):
        n.put(at())
        n.keep(sentence)
        n.line()
    relation = _kin(rng, kin, ("mother", "wife", "daughter", "sister"))
    n.put(at(), f"Family approached: {relation} ", case.name(kin, ("first_last", "given")))
    n.line(" (", ("PHONE", _nanp(rng)), "); first-person registry: yes.")
    office = case.facility("examiner")
    n.put(at(), "ME notified: ", office, ", case ")
    n.put(("ID", _fill(rng, f"ME{case.visit.year % 100}-####")))
    n.put(", investigator ")
    n.line(case.name(investigator, ("first_last", "surname"), 1.0, title="Inv. "))
    n.put(at(), "Ventilator S/N ", ("DEVICE", _serial(rng)), "; records via ")
    params = (f"ref={_fill(rng, '######')}", "view=donor")
    n.line(case.url("referrals", *params), " from ", ("IP", _ip(rng)))
    n.put("Logged by ", _initials(rng, coordinator), " ", case.date(case.visit, ("us0", "iso")))
    n.line(f" {clock:%H:%M}; OR time {rng.randint(1, 23):02d}00 proposed, pending family.")


# Family: sterile compounding worksheet
_CSP_DRUGS = (
    ("Vancomycin", "1 g vial", "5 mg/mL", "Hikma"),
    ("Cefazolin", "2 g vial", "20 mg/mL", "Sandoz"),
    ("Morphine sulfate", "10 mg/mL ampoule", "1 mg/mL", "Fresenius"),
    ("Ketamine", "500 mg/10 mL vial", "2 mg/mL", "Par"),
    ("Ertapenem", "1 g vial", "20 mg/mL", "Merck"),
)


def _compounding_worksheet(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    prescriber = case.person(local=False)
    pharmacy = _place_h(rng, case.fake, country)
    n.line("STERILE COMPOUNDING WORKSHEET - CSP, USP <797> Category 2")
    n.put(case.facility("compounding"), "   ", _address_h(rng, pharmacy), "   Tel ")
    n.line(("PHONE", _nanp(rng, country=country)))
    label, licence = (
        ("Pharmacy permit ", "PHY######") if country == "us" else ("OCP accreditation ", "######")
    )
    n.put(f"{label}", ("LICENSE", _fill(rng, licence)), "   Order # ")
    n.put(("ID", _fill(rng, "CSP-#######")))
    n.line("   Rx ", ("ID", _fill(rng, "#######")))
    n.put("Patient: ", case.name(pt, ("LAST_comma_first", "first_last")), "   DOB ")
    n.put(case.date(case.birth, ("us0", "us", "iso")), "   ", _mrn_label(rng), " ")
    n.put(("MRN", case.mrn))
    n.put(f"   Wt {rng.uniform(40, 95):.1f} kg   Age ")
    n.line(_age_h(case.age, rng.choice(("plain", "Y"))))
    board = "NPI" if country == "us" else "CPSO"
    n.put("Prescriber: ", case.name(prescriber, _STAFF, 1.0, doctor=True), f"   {board} ")
    n.line(("LICENSE", _license(rng, board.lower())))
    _compounding_table(n, case)
    _compounding_release(n, case)


def _compounding_table(n: _Note, case: _CaseH) -> None:
    rng = case.rng
    drug, vial, strength, maker = rng.choice(_CSP_DRUGS)
    n.line("Ingredient".ljust(35), "| Mfr        | Lot        | Exp       | NDC")
    expiry = case.after(120, 700)
    n.put(f"{drug} {vial}".ljust(35), "| ", maker.ljust(11))
    n.put(f"| {_fill(rng, '@#####@')}".ljust(13), "| ")
    shown = rng.choice((f"{expiry:%m/%Y}", f"{expiry:%Y-%m}", f"{expiry:%b %Y}".upper()))
    n.line(("DATE", shown), " " * (10 - len(shown)), f"| {_fill(rng, '0###-####-##')}")
    n.put("Compounding note: ")
    n.keep(case.eponyms(1)[0])
    n.line()
    volume = rng.randint(50, 250)
    n.line(f"Final concentration {strength}; filter 0.22 micron; total volume {volume} mL.")
    made = _moment(rng, case.visit)
    n.put("Prepared ", ("DATE", _day_h(case.visit, "ordinal")))
    n.put(f" (day of year) at {made:%H:%M} in ISO 5 BSC S/N ")
    n.line(("DEVICE", _serial(rng)), "; balance S/N ", ("DEVICE", _serial(rng)))
    bud = case.visit + timedelta(days=rng.choice((4, 9, 14)))
    n.line("BUD: ", case.date(bud, ("us0", "d_MON_y", "iso")), " 23:59 refrigerated (2-8 C)")
    n.line("Gravimetric check: 250.4 g expected, 250.1 g actual (-0.12%). Sterility per USP <71>.")


def _compounding_release(n: _Note, case: _CaseH) -> None:
    rng, country = case.rng, case.country
    technician, pharmacist = case.person(local=False), case.person(local=False)
    n.put("Compounded by ", case.name(technician, ("first_last", "initial_last")), ", CPhT, PTCB ")
    n.line(("LICENSE", _fill(rng, "########")), " | verified ", _initials(rng, pharmacist))
    n.put("Pharmacist ", case.name(pharmacist, ("first_last", "first_mi_last")), ", RPh lic. ")
    n.line(("LICENSE", _fill(rng, "RPH.######" if country == "us" else "OCP-#####")))
    n.put("Deliver to: ", _address_h(rng, case.home), "; home infusion pump S/N ")
    n.put(("DEVICE", _serial(rng)))
    n.line()
    if country == "us":
        n.line("Billing: cardholder SSN ", ("SSN", _ssn(rng)), " (plan requires it on file)")
    else:
        n.line("Billing: provincial plan, SIN ", ("SSN", _sin(rng)), " on file")
    n.line("Questions: ", case.mail(pharmacist, work=True))


# Family: dental charting note
_DENTAL_LICENCES = {
    "za": "HPCSA DP #######",
    "nz": "DCNZ ####",
    "ie": "DCI #####",
    "us": "DDS ######",
}
_CHARTS = {  # upper and lower rows: FDI two-digit notation, or the US universal numbering
    "fdi": (
        "18 17 16 15 14 13 12 11 | 21 22 23 24 25 26 27 28",
        "48 47 46 45 44 43 42 41 | 31 32 33 34 35 36 37 38",
    ),
    "universal": (
        " 1  2  3  4  5  6  7  8 |  9 10 11 12 13 14 15 16",
        "32 31 30 29 28 27 26 25 | 24 23 22 21 20 19 18 17",
    ),
}
_MARKS = (".", ".", ".", ".", "O", "M", "DO", "MO", "X", "C", "RT")  # "RT": root treated


def _chart_row(rng: random.Random, teeth: str) -> str:
    """One row of the tooth chart: a mark under each tooth, aligned to its number."""
    cells = []
    for tooth in teeth.split():
        cells.append("|" if tooth == "|" else rng.choice(_MARKS).ljust(2))
    return " ".join(cells).rstrip()


def _dental_charting_note(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    dentist = case.person()
    surgery = _place_h(rng, case.fake, country)
    styles = ("us0", "month_d_y") if country == "us" else ("dmy", "d_month_y", "dmy_short")
    n.line("DENTAL RECORD - EXAMINATION AND CHARTING")
    n.line(case.facility("dental"), ", ", _address_h(rng, surgery), "   Tel ", case.tel())
    n.put("Patient: ", case.name(pt, (*_PATIENT, "native")), "   DOB ")
    n.put(case.date(case.birth, styles))
    n.put("   Age ", _age_h(case.age, rng.choice(("plain", "yrs_h"))), "   File no. ")
    n.line(("MRN", case.mrn))
    label, value = _national_id(case)
    aid = {"za": "Medical aid no.", "nz": "ACC claim", "ie": "DTSS", "us": "Member ID"}[country]
    n.line(f"{label} ", value, f"   {aid} ", ("ID", _pick(rng, _IDS_H["member"])))
    n.line("Address: ", _address_h(rng, case.home), "   Mobile ", ("PHONE", case.phone_as()))
    n.put("Seen ", case.date(case.visit, styles), " by ")
    n.put(case.name(dentist, _STAFF, 0.7, doctor=True))
    board, number = _fill(rng, _DENTAL_LICENCES[country]).rsplit(" ", 1)
    n.line(f" ({board} ", ("LICENSE", number), ")")
    notation = "universal" if country == "us" else "fdi"
    upper, lower = _CHARTS[notation]
    n.line("Charting (universal numbering):" if country == "us" else "Charting (FDI):")
    n.put("  ", _chart_row(rng, upper), "\n  ", upper, "\n  ", lower, "\n  ")
    n.line(_chart_row(rng, lower))
    _dental_findings(n, case, styles)


def _dental_findings(n: _Note, case: _CaseH, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    nurse = case.person()
    pockets = " ".join(str(rng.randint(2, 6)) for _ in range(6))
    n.line(f"Perio: BPE 2 3 2 / 2 4 2; PPD 46 {pockets}; BOP {rng.randint(8, 40)}%; plaque 35%.")
    _sentences(n, case, 2, tail="\n")
    n.put("Radiographs: OPG and 2 BWs ", case.date(case.visit, styles), ", sensor S/N ")
    n.line(("DEVICE", _serial(rng)))
    n.put("LA: lignocaine 2% with adrenaline 1:80,000, 2.2 mL, 36 IANB; lot ")
    n.line(_fill(rng, "@####"), ".")
    tooth = "#19" if country == "us" else "36"
    n.line(f"Plan: 1. composite {tooth} MOD; 2. scale and polish; review 3/52; recall 6/12.")
    short = "md" if country == "us" else "dm"
    n.put("Next: ", case.date(case.after(14, 30), ("wd_d_month", short)))
    n.put(f" at {rng.randint(8, 16)}:{rng.choice(('00', '15', '30', '45'))}")
    n.line("; reminder to ", ("EMAIL", case.email))
    n.put("Booking: ", case.url("book", "svc=hyg"))
    n.line("   Nurse: ", _initials(rng, nurse))


# Family: hospital birth register entry
_MIDWIFE_BOARDS = {"nz": "NCNZ", "ie": "NMBI", "za": "SANC", "sg": "SNB"}
_BABY_NAMES = {  # boys, girls
    "nz": (("Nikau", "Oliver", "Manaia", "Leo"), ("Aria", "Isla", "Mihi", "Amelia")),
    "ie": (("Cian", "Jack", "Oisín", "Tadhg"), ("Aoife", "Fiadh", "Saoirse", "Grace")),
    "za": (("Thabo", "Lwazi", "Liam", "Junior"), ("Naledi", "Zara", "Lesedi", "Amahle")),
    "sg": (("Jun Hao", "Ethan", "Ryan", "Yi Xuan"), ("Xin Hui", "Chloe", "Zi Xuan", "Sophia")),
}
_BIRTH_DATES = {
    "nz": ("dmy", "d_month_y", "d_mon_y"),
    "ie": ("dmy", "d_month_y", "dmy_dots0"),
    "za": ("iso", "dmy", "ymd_slash"),
    "sg": ("dmy", "d_MON_y", "d_mon_y"),
}


def _birth_register_entry(n: _Note, case: _CaseH) -> None:
    rng, mother, country = case.rng, case.patient, case.country
    case.set_age(rng.randint(17, 44))
    styles = _BIRTH_DATES[country]
    born = _moment(rng, case.visit)
    n.line(f"BIRTH REGISTER - ENTRY No. {born.year}/", ("ID", _fill(rng, "####")))
    n.line(case.facility("hospital"), f" - Delivery Suite, room {rng.randint(1, 12)}")
    n.put("Mother: ", case.name(mother, (*_PATIENT, "native")), "   DOB ")
    n.line(case.date(case.birth, styles), "   Age ", _age_h(case.age, "plain"), "   G2P1")
    label, value = _national_id(case)
    n.line(f"{label} ", value, "   Hosp. no. ", ("MRN", case.mrn))
    n.line("Address: ", _address_h(rng, case.home), "   Ph ", ("PHONE", case.phone))
    partner = case.person(female=rng.random() < 0.15)
    n.put("Other parent: ", case.name(partner, ("first_last", "last_comma_first")), ", ")
    n.line(rng.choice(("electrician", "teacher", "farmer", "nurse", "driver")), ", ", case.tel())
    families = [p.surname for p in (mother, partner) if p.given]  # a Malay name has none
    female = rng.random() < 0.5
    n.put(f"Baby: {'female' if female else 'male'}   Born ", case.date(born.date(), styles))
    n.put(f" at {born:%H:%M}   Gest 39+{rng.randint(0, 6)}   Wt {rng.randint(2400, 4300)} g   ")
    n.line(f"HC 34.5 cm   Length {rng.randint(46, 55)} cm")
    if families and rng.random() < 0.6:
        given = rng.choice(_BABY_NAMES[country][female])
        n.put("Name given: ", ("NAME", f"{given} {rng.choice(families)}"), "   ")
    else:
        n.put("Name: Baby of ", ("NAME", mother.surname), "   ")
    baby_id = ("ID", _baby_id(rng, country, born.date(), female))
    n.line("Baby ", _national_id(case)[0], " ", baby_id)
    _sentences(n, case, 2, tail="\n")
    _birth_people(n, case, born.date(), styles)


def _baby_id(rng: random.Random, country: str, born: date, female: bool) -> str:
    if country == "za":
        return _za_id(rng, born, female)
    if country == "sg":  # born after 2000: a "T" series NRIC
        return _fill(rng, "T#######@")
    return _pick(rng, _IDS_H[{"nz": "nhi", "ie": "ppsn"}[country]])


def _birth_people(n: _Note, case: _CaseH, born: date, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    midwife, doctor, second = case.person(), case.person(local=False), case.person()
    n.line(
        f"EBL {rng.randint(150, 900)} mL; cord pH 7.{rng.randint(18, 35)}; vitamin K 1 mg IM given."
    )
    n.put("Midwife: ", case.name(midwife, ("first_last", "initial_last")))
    n.put(f" ({_MIDWIFE_BOARDS[country]} ")
    n.line(("LICENSE", _fill(rng, "######")), "); second: ", _initials(rng, second))
    n.put("Obstetrician: ", case.name(doctor, _STAFF, 1.0, doctor=True), "; fetal monitor S/N ")
    n.line(("DEVICE", _serial(rng)))
    n.put("Notified to the registrar ", case.date(born + timedelta(days=rng.randint(0, 3)), styles))
    n.line(", notification ", ("ID", _fill(rng, "BN#########")), ". Hearing screen booked.")
    n.line(f"Parents told to call {_PUBLIC_LINES[country]} for an ambulance if the baby is unwell.")


# Family: IVF embryology laboratory worksheet
_CENTRE_LICENCES = {
    "uk": "HFEA centre ####",
    "us": "CLIA ##D#######",
    "in": "ART reg. @@/###/####",
    "sg": "MOH AR/####",
}


def _ivf_embryology_worksheet(n: _Note, case: _CaseH) -> None:
    rng, country = case.rng, case.country
    case.set_age(rng.randint(29, 44))
    pt = case.patient
    styles = ("us0", "iso") if country == "us" else ("dmy", "d_mon_y", "dmy_dash")
    n.line("EMBRYOLOGY LABORATORY WORKSHEET")
    board, number = _fill(rng, _CENTRE_LICENCES[country]).rsplit(" ", 1)
    n.put(case.facility("fertility"), f"   {board} ", ("LICENSE", number), "   Cycle ")
    n.line(("ID", _fill(rng, "C##-#####")))
    n.put("Patient: ", case.name(pt, (*_PATIENT, "native")), "   DOB ")
    n.put(case.date(case.birth, styles))
    n.line("   ID ", ("MRN", case.mrn), "   AMH 2.1 pmol/L")
    if rng.random() < 0.5:
        partner = case.person(female=False)
        n.put("Partner: ", case.name(partner, ("first_last", "last_comma_first")), "   DOB ")
        n.put(case.date(case.birth + timedelta(days=rng.randint(-3000, 3000)), styles), "   ID ")
        n.line(("MRN", _pick(rng, _MRN_PATTERNS)))
    else:
        n.put("Donor sperm: donor code ", ("ID", _fill(rng, "D-####@")), " from ")
        n.put(case.facility("sperm_bank"))
        n.line(", straws 2 (blue), tank 4 canister B cane 12")
    n.line("Contact: ", ("PHONE", case.phone), "   ", ("EMAIL", case.email))
    opu = datetime.combine(case.visit, time(rng.randint(7, 11), rng.randrange(60)))
    icsi = opu + timedelta(minutes=rng.randint(180, 300))  # ICSI some hours after retrieval
    n.put("OPU ", case.date(case.visit, styles))
    n.put(f" {opu:%H:%M}: 12 oocytes, MII 10; ICSI at {icsi:%H:%M}; ")
    n.line("witnesses ", _initials(rng, case.person()), " / ", _initials(rng, case.person()))
    for day, note in (
        (1, "2PN 8, 1PN 1"),
        (3, "8-cell x4, 6-cell x3"),
        (5, "blastocysts 4AA, 3BB, 4BC"),
    ):
        n.put(f"Day {day}  ", case.date(case.visit + timedelta(days=day), ("dm", "d_Mon", "dm0")))
        n.line(f"  {note}")
    _sentences(n, case, 2, tail="\n")
    _ivf_transfer(n, case, styles)


def _ivf_transfer(n: _Note, case: _CaseH, styles: Sequence[str]) -> None:
    rng = case.rng
    clinician, embryologist = case.person(local=False), case.person()
    n.put("Transfer ", case.date(case.visit + timedelta(days=5), styles), ": 1 blastocyst by ")
    n.put(case.name(clinician, _STAFF, 1.0, doctor=True))
    n.line("; 2 vitrified (straw pink, tank 2 cane 7).")
    n.put("Time-lapse incubator S/N ", ("DEVICE", _serial(rng)), ", slide ")
    n.put(("ID", _fill(rng, "SL#######")))
    n.line("; witness tag ", ("DEVICE", _fill(rng, "E0##%%%%%%%%").upper()))
    n.put("Embryologist ", case.name(embryologist, ("first_last", "first_mi_last")), ", ")
    n.line(case.tel(), "; pregnancy test due ", case.date(case.visit + timedelta(days=16), styles))


# Family: medical report on fitness to drive
_DRIVE_FORMS = {
    "uk": "DVLA D4 - MEDICAL EXAMINATION REPORT",
    "nz": "NZTA MEDICAL CERTIFICATE FOR DRIVER LICENCE",
    "ie": "MEDICAL REPORT FOR DRIVING LICENCE (D501)",
    "us": "DRIVER MEDICAL EVALUATION - COMMERCIAL (FMCSA)",
}


def _driver_medical_report(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    case.set_age(_old(rng, 0.55) if country != "us" else rng.randint(24, 92))
    styles = ("us0", "us") if country == "us" else ("dmy", "d_month_y", "dmy_dots")
    n.line(_DRIVE_FORMS[country])
    n.put("Applicant: ", case.name(pt, (*_PATIENT, "native")), "   DOB ")
    n.put(case.date(case.birth, styles))
    n.line("   Age ", _age_h(case.age, rng.choice(("plain", "yrs_h", "paren"))))
    if country == "uk":
        licence = _dvla(pt, case.birth, rng)
    else:
        licence = _pick(rng, _DRIVING_H[country])
    n.put("Driving licence no. ", ("LICENSE", licence))
    n.line("   Classes: B" if country != "us" else "   Class A CDL")
    n.line("Address: ", _address_h(rng, case.home), "   Tel ", ("PHONE", case.phone_as()))
    n.put(_mrn_label(rng), " ", ("MRN", case.mrn), "   vehicle ")
    n.line(("LICENSE", _plate(rng, country)), " (hand controls fitted)")
    right, left = ("20/40", "20/25") if country == "us" else ("6/9", "6/12")  # not dates
    n.line(f"Vision: acuity {right} right, {left} left, with glasses.")
    _sentences(n, case, 3, tail="\n")
    n.put(f"BP {rng.randint(120, 170)}/{rng.randint(70, 98)}; ")
    n.line(f"HbA1c {rng.randint(42, 75)} mmol/mol; no hypos in 12 months.")
    n.put("Glucose meter S/N ", ("DEVICE", _serial(rng)), " downloaded ")
    n.line(case.date(case.before(0, 10), styles), ": 3 readings under 4.0 mmol/L in 90 days.")
    _driver_examiner(n, case, styles)


def _driver_examiner(n: _Note, case: _CaseH, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    doctor = case.person()
    label, number = _licence_h(rng, country)
    if country == "us":
        label, number = "NRCME ", _fill(rng, "##########")
    n.put("Examined ", case.date(case.visit, styles), " by ")
    n.put(case.name(doctor, _STAFF, 1.0, doctor=True))
    n.line(f", {label}", ("LICENSE", number))
    n.line(case.facility("assessment"), ", ", _address_h(rng, _place_h(rng, case.fake, country)))
    n.put("Tel ", case.tel(), "; certificate valid until ")
    n.line(case.date(case.after(300, 730), styles), " (review in 12 months).")


# Family: JSON-lines webhook stream (remote patient monitoring)
def _jsonl_event_stream(n: _Note, case: _CaseH) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    zone = _zone(rng, case.country)  # one hub writes every line of the stream
    moments = iter(_ticks(rng, _moment(rng, case.visit)))
    given = ['"', ("NAME", pt.given), '"'] if pt.given else []
    n.line("# rpm-webhooks.jsonl - one delivery per line (schema 3.1.0)")
    n.put('{"ts":"', ("DATE", _iso_ms(rng, next(moments), zone)))
    n.put('","event":"enrolment.created","id":"')
    n.put(("ID", _uuid(rng)), '","patient":{"mrn":"', ("MRN", case.mrn), '","name":{"given":[')
    n.put(given)
    n.put('],"family":"', ("NAME", pt.surname), '"},"dob":"', ("DATE", case.birth.isoformat()))
    n.put('","age_years":', _age_h(case.age, "bare"), ',"phone":"')
    n.put(("PHONE", case.phone_as("+1{a}{b}{c}")))
    n.line('","email":"', ("EMAIL", case.email), '"}}')
    n.put('{"ts":', ("DATE", _epoch_ms(rng, next(moments), zone)))
    n.put(',"event":"address.verified","address":{"line1":"')
    n.put(("ADDRESS", home.street), '","city":"', ("CITY", home.city))
    n.put(f'","region":"{home.region}",')
    n.line('"postal_code":"', ("ZIP", home.postcode), '"}}')
    label, value = _national_id(case)
    n.put('{"ts":', ("DATE", _epoch_ms(rng, next(moments), zone)))
    n.line(f',"event":"coverage.added","{label.lower().split()[0]}":"', value, '"}')
    n.put('{"ts":"', ("DATE", _iso_ms(rng, next(moments), zone)))
    n.put('","event":"device.paired","device":{"serial":"')
    n.put(("DEVICE", _serial(rng)), '","imei":"', ("DEVICE", _imei(rng)))
    n.put('","fw":"4.2.0"},"client_ip":"')
    n.line(("IP", _ip(rng)), '","ua":"RPMHub/4.2.0 (Android 14)"}')
    _jsonl_readings(n, case, next(moments), zone)


def _ticks(rng: random.Random, moment: datetime) -> list[datetime]:
    """Moments a few seconds apart, as the events of one enrolment follow each other."""
    ticks = [moment]
    for _ in range(4):
        ticks.append(ticks[-1] + timedelta(seconds=rng.randint(1, 90)))
    return ticks


def _jsonl_readings(n: _Note, case: _CaseH, moment: datetime, zone: str) -> None:
    rng = case.rng
    nurse, doctor = case.person(local=False), case.person(local=False)
    for sentence in case.eponyms(2):
        moment += timedelta(hours=rng.randint(1, 30))
        bp = f'{{"sys":{rng.randint(110, 180)},"dia":{rng.randint(60, 100)}'
        n.put('{"ts":', ("DATE", _epoch_ms(rng, moment, zone)))
        n.line(f',"event":"reading.bp","value":{bp},"hr":{rng.randint(50, 110)}}},"unit":"mmHg"}}')
        moment += timedelta(minutes=rng.randint(2, 40))
        n.put('{"ts":"', ("DATE", _iso_ms(rng, moment, zone)))
        n.put('","event":"note.added","author":"')
        n.put(_initials(rng, nurse), '","text":"')
        n.keep(sentence)
        n.line('"}')
    params = (f"patient={_fill(rng, '########')}", "tab=alerts")
    url = _query_url(rng, _domain(rng, case.fake), "rpm/review", params)
    board, number = _licence_h(rng, case.country)
    key = board.strip().split(" ")[0].lower() if board != "reg. " else "registration"
    moment += timedelta(minutes=rng.randint(1, 20))
    n.put('{"ts":"', ("DATE", _iso_ms(rng, moment, zone)))
    n.put('","event":"alert.escalated","to":{"name":"')
    n.put(("NAME", _name_text(doctor, "first_last")), f'","{key}":"', ("LICENSE", number))
    callback = case.tel()
    n.line('"},"callback":"', callback, '","url":"', ("URL", url), '","retry":3}')


# Family: rare-disease registry export in YAML or INI
_GENES = (
    ("FBN1", "c.4082G>A", "p.Cys1361Tyr", "ORPHA:558"),
    ("GBA1", "c.1226A>G", "p.Asn409Ser", "ORPHA:355"),
)
_GENES += (
    ("ATP7B", "c.3207C>A", "p.His1069Gln", "ORPHA:905"),
    ("VWF", "c.2561G>A", "p.Arg854Gln", "ORPHA:903"),
)


def _registry_yaml_export(n: _Note, case: _CaseH) -> None:
    if case.rng.random() < 0.65:
        _registry_yaml(n, case)
    else:
        _registry_ini(n, case)


def _registry_yaml(n: _Note, case: _CaseH) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    contact, witness = case.person(local=False), case.person()
    gene, cdna, protein, orpha = rng.choice(_GENES)
    stamp = _moment(rng, case.visit)
    n.put("# registry export (YAML 1.2), schema v3.2.0, generated ", ("DATE", _iso_z(rng, stamp)))
    n.line(" on ", ("IP", _ip(rng)))
    n.line("case:")
    n.line("  id: ", ("ID", _fill(rng, f"RD-{case.visit.year}-#####")))
    n.line("  enrolled: ", ("DATE", case.visit.isoformat()))
    n.line("  site:")
    n.line('    name: "', case.facility("hospital"), '"')
    n.put("    contact: ", ("NAME", _name_text(contact, "first_last")), " <")
    n.line(case.mail(contact, work=True), ">")
    n.line("  patient:")
    n.line("    family_name: ", ("NAME", pt.surname))
    if pt.given:
        n.line("    given_names: [", ("NAME", pt.given), "]")
    n.line("    date_of_birth: ", ("DATE", case.birth.isoformat()))
    n.line("    age_at_enrolment: ", _age_h(case.age, "bare"), "   # years")
    n.line(f"    sex: {'F' if pt.female else 'M'}")
    n.line('    mrn: "', ("MRN", case.mrn), '"')
    label, value = _national_id(case)
    n.line(f"    {label.lower().split()[0]}: ", value)
    n.line("    address: |")
    n.line("      ", ("ADDRESS", home.street))
    n.line("      ", _address_h(rng, home)[2:])  # the town line
    n.line('    phone: "', ("PHONE", case.phone_as()), '"')
    n.line(f"  primary_code: {orpha}")  # the registry's condition; others are listed below
    n.line("  diagnoses:")
    for sentence in case.eponyms(2):
        n.put("    - label: ")
        n.keep(sentence)
        n.line()
        n.line('      onset: "', case.date(case.before(400, 6000), ("ym", "month_year")), '"')
    n.put(f'  genetics: {{gene: {gene}, variant: "{cdna} ({protein})", lab_accession: ')
    n.line(("ID", _fill(rng, "GX##-######")), "}")
    n.put("  consent: {version: 2.1, signed: ", ("DATE", case.visit.isoformat()), ", witness: ")
    n.line(("NAME", _name_text(witness, "first_last")), "}")


def _registry_ini(n: _Note, case: _CaseH) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    clinician = case.person(local=False)
    gene, cdna, _, orpha = rng.choice(_GENES)
    n.line("; registry export (INI), tool version 7.4.2")
    n.line("[export]")
    n.line("host = ", ("IP", _ip(rng)))
    n.line("when = ", ("DATE", _iso_z(rng, _moment(rng, case.visit))))
    n.line("url = ", case.url("registry/case", f"id={_fill(rng, '######')}"))
    n.line("[patient]")
    n.line("surname = ", ("NAME", pt.surname))
    if pt.given:
        n.line("forename = ", ("NAME", pt.given))
    n.line("dob = ", case.date(case.birth, ("iso", "compact", "dmy")))
    n.line("age = ", _age_h(case.age, "bare"))
    n.line("hospital_number = ", ("MRN", case.mrn))
    label, value = _national_id(case)
    n.line(f"{label.lower().split()[0]} = ", value)
    n.line("street = ", ("ADDRESS", home.street))
    n.line("town = ", ("CITY", home.city) if home.city != "Singapore" else home.city)
    n.line("postcode = ", ("ZIP", home.postcode))
    n.line("telephone = ", ("PHONE", case.phone_as()))
    n.line("[diagnosis]")
    n.put(f"orpha = {orpha}\nsummary = ")
    first, second = case.eponyms(2)
    n.keep(first)
    n.put("; ")
    n.keep(second)
    n.line()
    n.line(f"gene = {gene}\nvariant = {cdna}")
    n.line("[clinician]")
    n.line("name = ", ("NAME", _name_text(clinician, "first_last")))
    n.line("email = ", case.mail(clinician, work=True))


# Family: XML lab result message (a vendor schema, not CDA)
_XML_RESULTS = (
    ("718-7", "Haemoglobin", "g/dL", "10.4", "12.0-15.5", "L"),
    ("6690-2", "WBC", "10*9/L", "13.8", "4.0-11.0", "H"),
    ("777-3", "Platelets", "10*9/L", "148", "150-400", "L"),
    ("4537-7", "ESR", "mm/h", "88", "0-20", "H"),
    ("2160-0", "Creatinine", "umol/L", "131", "45-90", "H"),
)


def _xml_lab_message(n: _Note, case: _CaseH) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    lab_place = _place_h(rng, case.fake, case.country)
    sent = _moment(rng, case.visit)
    n.line('<?xml version="1.0" encoding="UTF-8"?>')
    n.put('<LabResultMessage schemaVersion="2.4.1" msgId="', ("ID", _fill(rng, "MSG##########")))
    n.line('">')
    stamp = _iso_ms(rng, sent, _zone(rng, case.country))
    n.put('  <Header sent="', ("DATE", stamp), '" senderIp="')
    n.put(("IP", _ip(rng)))
    n.line('" analyser="Sysmex XN-1000" analyserSerial="', ("DEVICE", _serial(rng)), '"/>')
    n.put('  <Laboratory name="', case.facility("lab"), '" accreditation="')
    n.line(("LICENSE", _fill(rng, "##D#######" if case.country == "us" else "MT-####")), '">')
    n.line("    <Address>", _address_h(rng, lab_place), "</Address><Phone>", case.tel(), "</Phone>")
    n.line("  </Laboratory>")
    label, value = _national_id(case)
    n.line('  <Patient mrn="', ("MRN", case.mrn), f'" idType="{label}" id="', value, '">')
    given = [' given="', ("NAME", pt.given), '"'] if pt.given else []
    n.line('    <Name family="', ("NAME", pt.surname), '"', given, "/>")
    n.put("    <BirthDate>", ("DATE", case.birth.isoformat()), '</BirthDate><Age unit="a">')
    n.line(_age_h(case.age, "bare"), "</Age>")
    n.put("    <Address><Line>", ("ADDRESS", home.street), "</Line><City>")
    n.put(("CITY", home.city) if home.city != "Singapore" else home.city, "</City><Postcode>")
    n.line(("ZIP", home.postcode), "</Postcode></Address>")
    n.line("    <Phone>", ("PHONE", case.phone_as()), "</Phone>")
    n.line("  </Patient>")
    _xml_order(n, case, sent)


def _xml_order(n: _Note, case: _CaseH, sent: datetime) -> None:
    rng = case.rng
    doctor, scientist = case.person(local=False), case.person()
    label, number = _licence_h(rng, case.country)
    collected = sent - timedelta(hours=rng.randint(2, 30))
    n.put('  <Order accession="', ("ID", _fill(rng, "A##-#######")), '" collected="')
    n.line(("DATE", f"{collected:%Y-%m-%dT%H:%M}"), '">')
    n.put('    <OrderingProvider registration="', label.strip(), '" number="')
    n.put(("LICENSE", number), '">', ("NAME", _name_text(doctor, "first_last")))
    n.line("</OrderingProvider>")
    for code, name, unit, value, ref, flag in rng.sample(_XML_RESULTS, 3):
        n.put(f'    <Result loinc="{code}" name="{name}" value="{value}" unit="{unit}"')
        n.line(f' ref="{ref}" flag="{flag}"/>')
    for sentence in case.eponyms(2):
        n.put("    <Comment>")
        n.keep(sentence)
        n.line("</Comment>")
    n.put('    <Verified by="', _initials(rng, scientist), '" at="', ("DATE", _iso_z(rng, sent)))
    n.line('"/>')
    url = _query_url(
        rng, _domain(rng, case.fake), "results/view", (f"acc={_fill(rng, '#######')}",)
    )
    n.line('    <Link href="', ("URL", url.replace("&", "&amp;")), '"/>')
    n.line("  </Order>")
    n.line("</LabResultMessage>")


# Family: box-drawn medication administration chart
_MAR_DRUGS = (
    "Paracetamol 1 g QDS PO",
    "Co-amoxiclav 1.2 g TDS IV",
    "Enoxaparin 40 mg OD SC",
    "Levodopa/carbidopa 100/25 mg 06 10 14 18",
    "Furosemide 40 mg OM PO",
    "Morphine 2.5 mg PRN SC",
)
_BOXES = {
    "unicode": ("┌", "┬", "┐", "├", "┼", "┤", "└", "┴", "┘", "─", "│"),
    "ascii": ("+", "+", "+", "+", "+", "+", "+", "+", "+", "-", "|"),
}
_WIDTHS = (42, 11, 11, 11, 11)
_WARDS_H = (
    "Kōwhai Ward",
    "Rimu Ward",
    "St Brigid's Ward",
    "Ward 7B",
    "Jacaranda Ward",
    "Heron Ward",
)


def _rule(box: tuple[str, ...], row: str) -> str:
    left, middle, right = {"top": box[0:3], "mid": box[3:6], "end": box[6:9]}[row]
    return left + middle.join(box[9] * width for width in _WIDTHS) + right


def _box_cell(n: _Note, bar: str, parts: Sequence[Part], width: int) -> None:
    """A chart cell: its parts, then spaces to the width (outside any span)."""
    length = sum(len(p if isinstance(p, str) else p[1]) for p in parts)
    n.put(f"{bar} ", *parts, " " * max(1, width - 1 - length))


def _box_drawn_mar_chart(n: _Note, case: _CaseH) -> None:
    rng, pt = case.rng, case.patient
    box = _BOXES["unicode" if rng.random() < 0.6 else "ascii"]
    bar = box[10]
    consultant = case.person()
    name = _name_text(pt, rng.choice(("LAST_comma_first", "first_last", "native")))
    n.line(_rule(box, "top"))
    n.line(f"{bar} MEDICATION ADMINISTRATION RECORD   Chart 2 of 3   (sheet {rng.randint(1, 9)})")
    n.put(f"{bar} Name: ", ("NAME", name), "   Hosp no: ", ("MRN", case.mrn), "   DOB: ")
    n.line(case.date(case.birth, ("dmy", "d_mon_y", "d_MON_y")))
    n.put(f"{bar} Age: ", _age_h(case.age, "plain"), f"   {rng.choice(_WARDS_H)}, bed ")
    n.put(f"{rng.randint(1, 28)}   Cons: ")
    n.line(case.name(consultant, ("surname", "initial_last"), 1.0, doctor=True))
    n.put(f"{bar} Allergies: penicillin (rash)   Weight {rng.uniform(38, 90):.1f} kg   ")
    n.line(f"NEWS2 {rng.randint(0, 7)}")
    n.line(_rule(box, "mid"))
    days = [case.visit + timedelta(days=k) for k in range(4)]
    style = rng.choice(("dm0", "d_Mon", "dm"))
    n.put(f"{bar} Drug / dose / route".ljust(_WIDTHS[0] + 1))
    for day in days:
        _box_cell(n, bar, [("DATE", _day_h(day, style))], _WIDTHS[1])
    n.line(bar)
    nurses = [case.person() for _ in range(3)]
    for drug in rng.sample(_MAR_DRUGS, 3):
        n.put(f"{bar} {drug}".ljust(_WIDTHS[0] + 1))
        for _ in days:
            given = [f"{rng.choice(('08', '12', '18', '22'))} ", _initials(rng, rng.choice(nurses))]
            _box_cell(n, bar, given, _WIDTHS[1])
        n.line(bar)
    n.line(_rule(box, "end"))
    _mar_footer(n, case)


def _mar_footer(n: _Note, case: _CaseH) -> None:
    rng, country = case.rng, case.country
    pharmacist = case.person()
    first, second = case.eponyms(2)
    n.put("Notes: ")
    n.keep(first)
    n.put("; ")
    n.keep(second)
    n.line()
    n.put("Pump S/N ", ("DEVICE", _serial(rng)), " (PCA). Reviewed by pharmacist ")
    n.line(case.name(pharmacist, ("first_last", "initial_last")), ", bleep 4417, ext 2231.")
    mail = _tagged_email(rng, case.fake, pharmacist, _domain(rng, case.fake, country))
    n.line("Pharmacy: ", case.tel(), " | ", ("EMAIL", mail))
    n.put("Printed from ", case.url("emar/print", "chart=2"), " at ")
    n.line(case.date(case.visit, ("dmy",)), f" {_clock(rng)}")


# Family: voice-assistant booking transcript
def _voice_assistant_transcript(n: _Note, case: _CaseH) -> None:
    rng, pt, home, country = case.rng, case.patient, case.home, case.country
    case.set_age(_old(rng, 0.5))
    if not case.phone_digits:  # a number read aloud is read in its national form
        case.phone = _pick(rng, [p for p in _PHONES_VOICE[country] if not p.startswith("+")])
    clinic = _facility_h(rng, case.fake, "gp", country)
    clock = 0

    def say(who: str) -> str:
        nonlocal clock
        clock += rng.randint(3, 14)
        return f"{clock // 60:02d}:{clock % 60:02d} " + (f"{who}: " if who else "")

    n.put("[voice skill transcript] session ", ("ID", _uuid(rng)), " device ")
    n.put(("DEVICE", _serial(rng)))
    n.line(f" locale en-{country.upper() if country != 'uk' else 'GB'} ip ", ("IP", _ip(rng)))
    n.put(say("ASSISTANT"), "Hello, this is the ", ("FACILITY", clinic))
    n.line(" booking line. Who am I speaking to?")
    n.line(say("USER"), "it's ", ("NAME", _name_text(pt, rng.choice(("first_last", "lower")))))
    n.line(say("ASSISTANT"), "Thanks. What's your date of birth?")
    style = rng.choice(("spoken_dm", "spoken", "spoken_formal"))
    lead = "" if style == "spoken" else "the "  # "march fifth nineteen ..." takes no article
    spoken_birth = ("DATE", _day_h(case.birth, style))
    n.line(say("USER"), lead, spoken_birth, " so I'm ", _age_h(case.age, "spoken_h"), " now")
    n.line(say("ASSISTANT"), "And the best number to reach you?")
    digits = case.phone_digits or re.sub(r"\D", "", case.phone)
    n.line(say("USER"), ("PHONE", _spoken_phone(rng, digits)))
    n.put(say("ASSISTANT"), "Is your address still ", ("ADDRESS", home.street), ", ")
    n.line(("CITY", home.city), "?")
    n.line(say("USER"), "yes and the code is ", ("ZIP", home.postcode))
    for sentence in case.eponyms(2):
        n.put(say(""))
        n.keep(sentence)
        n.line()
    _voice_booking(n, case, say)


def _voice_booking(n: _Note, case: _CaseH, say: Callable[[str], str]) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    doctor, daughter = case.person(), case.person(female=True)
    slot = case.after(2, 20)
    spoken_slot = _day_h(slot, rng.choice(("spoken_wd", "spoken_card", "wd_d_month")))
    n.put(say("ASSISTANT"), "I can book you with Doctor ", ("NAME", doctor.surname), " on ")
    n.line(("DATE", spoken_slot), " at ten past nine. Shall I?")
    n.put(say("USER"), "yes please, and send it to my daughter ")
    n.line(("NAME", daughter.given or daughter.surname), " too")
    address = _email(rng, case.fake, daughter, None, sub=0.0).lower()
    n.line(say("USER"), "her email is ", ("EMAIL", _spoken_email(address)))
    n.put(say("ASSISTANT"), "Done. A text will go to ", case.tel())
    n.line(f". If it's an emergency, call {_PUBLIC_LINES[country]}.")
    label, value = _national_id(case)
    n.line(say("ASSISTANT"), f"For the record, your {label} is ", value, ", is that right?")
    n.line(say("USER"), "that's right")
    n.put("[end of session; intent BookAppointment confidence 0.93; ", _mrn_label(rng), " ")
    n.line(("MRN", case.mrn), " matched]")
    if pt.surname:
        n.line("[portal link sent: ", case.url("appt/confirm", f"b={_fill(rng, '########')}"), "]")


# Family: discharge letter in German, French, Dutch or Swedish
@dataclass(frozen=True)
class _Letter:
    """How a discharge letter is written in one language."""

    heading: str
    dear: str
    titles: tuple[str, str]  # male, female
    intro: str  # before the name
    born: str  # before the birth date
    age_form: str
    living: str
    stay: tuple[str, str, str]  # before the first date, between the dates, after the second
    date_styles: tuple[str, ...]
    diagnoses: str
    findings: str
    regards: str
    doctor_titles: tuple[str, ...]
    contact: str  # the next of kin's label
    hotline: str  # a public line: never PHI


_LETTERS = {
    "de": _Letter(
        "ENTLASSUNGSBRIEF",
        "Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,",
        ("Herrn ", "Frau "),
        "wir berichten über ",
        ", geb. ",
        "de",
        ", wohnhaft ",
        (", die/der sich vom ", " bis zum ", " in unserer stationären Behandlung befand."),
        ("de_long", "de_num", "de_abbr"),
        "Diagnosen:",
        "Befunde: RR 135/80 mmHg, HF 72/min, Hb 11,2 g/dl, CRP 3,4 mg/dl, eGFR 48 ml/min.",
        "Mit freundlichen kollegialen Grüßen",
        ("Prof. Dr. med. ", "Dr. med. ", "OA Dr. "),
        "Angehörige/r",
        "Ärztlicher Bereitschaftsdienst 116117",
    ),
    "fr": _Letter(
        "COMPTE RENDU D'HOSPITALISATION",
        "Cher confrère, chère consœur,",
        ("M. ", "Mme "),
        "je vous adresse le compte rendu concernant ",
        ", né(e) le ",
        "fr",
        ", demeurant ",
        (", hospitalisé(e) du ", " au ", " dans notre service."),
        ("fr_long", "dmy", "fr_long"),
        "Diagnostics :",
        "Examens : PA 135/80 mmHg, FC 72/min, Hb 11,2 g/dL, CRP 34 mg/L, DFG 48 mL/min.",
        "Bien confraternellement,",
        ("Dr ", "Pr ", "Docteur "),
        "Personne à prévenir",
        "En cas d'urgence : SAMU 15, SOS Médecins 3624",
    ),
    "nl": _Letter(
        "ONTSLAGBRIEF",
        "Geachte collega,",
        ("de heer ", "mevrouw "),
        "Hierbij bericht ik u over ",
        ", geboren ",
        "nl",
        ", wonende ",
        (", die van ", " tot ", " op onze afdeling was opgenomen."),
        ("nl_long", "nl_dash", "de_num"),
        "Diagnosen:",
        "Onderzoek: RR 135/80 mmHg, pols 72/min, Hb 7,0 mmol/l, CRP 34 mg/l, eGFR 48.",
        "Met collegiale groet,",
        ("dr. ", "Dr. ", "prof. dr. "),
        "Contactpersoon",
        "Spoed: bel 112",
    ),
    "se": _Letter(
        "EPIKRIS",
        "Bästa kollega,",
        ("", ""),
        "Patienten ",
        ", född ",
        "sv",
        ", bosatt ",
        (", vårdades på vår avdelning ", "–", "."),
        ("sv_long", "iso"),
        "Diagnoser:",
        "Status: BT 135/80 mmHg, puls 72/min, Hb 112 g/l, CRP 34 mg/l, eGFR 48.",
        "Med vänlig hälsning,",
        ("leg. läkare ", "överläkare ", "med. dr "),
        "Anhörig",
        "Sjukvårdsrådgivning: ring 1177",
    ),
}


_HEADING_DATES = {"de": ("de_wd", "de_long"), "fr": ("fr_wd", "fr_long")}  # weekday written


def _discharge_letter(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    lang = _LETTERS[country]
    hospital = _place_h(rng, case.fake, country)
    admitted, left = case.before(6, 20), case.visit
    n.line(("FACILITY", _hospital_h(rng, case.fake, country)), " · ", _address_h(rng, hospital))
    n.line("Tel. ", case.tel(), " · ", ("URL", f"www.{_domain(rng, case.fake)}"))
    gp = case.person()
    n.line()
    n.line(("FACILITY", _facility_h(rng, case.fake, "gp", country)))
    n.line(_address_h(rng, _place_h(rng, case.fake, country), lines=True))
    n.line()
    n.line(lang.heading, "   ", case.date(left, _HEADING_DATES.get(country, lang.date_styles)))
    n.line(lang.dear)
    age = _age_h(case.age, lang.age_form, pt.female)
    n.put(lang.intro, lang.titles[pt.female], _continental_name(rng, pt))
    n.put(_agree(lang.born, pt.female), case.date(case.birth, lang.date_styles), " (", age, ")")
    n.put(lang.living, _address_h(rng, case.home), _agree(lang.stay[0], pt.female))
    n.put(case.date(admitted, lang.date_styles), lang.stay[1])
    n.line(case.date(left, lang.date_styles), lang.stay[2])
    label, value = _national_id(case)
    n.line(f"{label}: ", value, "   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.line(lang.diagnoses)
    _sentences(n, case, 3, lead="- ", tail="\n")
    n.line(lang.findings)
    if country == "de":  # the adjective agrees: "eine 93-jährige Patientin", "einen 93-jährigen"
        article, noun = ("eine ", " Patientin") if pt.female else ("einen ", " Patienten")
        n.put("Wir entlassen ", article, _age_h(case.age, "de_adj", pt.female), noun)
        n.line(" nach Hause.")
    _letter_close(n, case, lang, gp)


def _letter_close(n: _Note, case: _CaseH, lang: _Letter, gp: _Person) -> None:
    rng, country = case.rng, case.country
    doctor, kin = case.person(), case.person()
    n.line(lang.hotline)
    n.put(f"{lang.contact}: ", case.name(kin, ("first_last",)), ", ")
    n.line(case.tel(), ", ", case.mail(kin))
    n.put("cc: ")
    n.line(
        case.name(
            gp, ("first_last", "surname"), 1.0, doctor=True, title=rng.choice(lang.doctor_titles)
        )
    )
    n.line(lang.regards)
    n.put(rng.choice(lang.doctor_titles), case.name(doctor, ("first_last",)))
    label, number = _licence_h(rng, country)
    n.line(f" ({label}", ("LICENSE", number), ")")


def _continental_name(rng: random.Random, person: _Person) -> Part:
    """A name as a continental letter writes it: "Marc BERTRAND", "Marc Bertrand"."""
    if person.given and rng.random() < 0.5:
        return ("NAME", f"{person.given} {person.surname.upper()}")
    return ("NAME", _name_text(person, "first_last"))


def _agree(text: str, female: bool) -> str:
    """A letter's phrase in the patient's gender: "die/der", "né(e)", "hospitalisé(e)"."""
    return text.replace("die/der", "die" if female else "der").replace("(e)", "e" if female else "")


# Family: medical-tourism intake form (international patient centre)
_HOSTS = {"jp": "sg", "za": "in", "ie": "in", "nz": "sg", "in": "sg"}
_NATIONALITY = {
    "jp": "Japanese",
    "za": "South African",
    "ie": "Irish",
    "nz": "New Zealander",
    "in": "Indian",
}
_FLIGHTS = {  # flight numbers (not PHI) into the host country
    "sg": ("SQ 637", "SQ 479", "NZ 282", "SQ 231", "EK 354"),
    "in": ("AI 176", "EK 511", "6E 1402", "SQ 502", "AI 101"),
}


def _medical_tourism_intake(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    host = _HOSTS[country]
    coordinator = _make_person_h(rng, case.fake, origins=_ORIGINS_H[host])
    n.line("INTERNATIONAL PATIENT SERVICES - PRE-ARRIVAL INTAKE")
    n.line(("FACILITY", _hospital_h(rng, case.fake, host)), ", International Patient Centre")
    n.line(_address_h(rng, _place_h(rng, case.fake, host)), "   WhatsApp ", case.tel(host))
    n.put("Case no. ", ("ID", _fill(rng, "IPS-######")), "   Coordinator ")
    n.put(case.name(coordinator, ("first_last", "native")))
    n.line(" (", case.mail(coordinator, work=True), ")")
    styles = ("jp", "jp_era", "iso") if country == "jp" else ("dmy", "d_MON_y", "dmy_dash")
    n.put("Patient: ", case.name(pt, ("native", "CAPS", "first_last")))
    n.put(f"   Nationality: {_NATIONALITY[country]}")
    n.line("   Passport ", ("ID", _pick(rng, _IDS_H["passport"])))
    age_form = "jp" if country == "jp" else rng.choice(("yrs_h", "plain"))
    born: list[Part] = [case.date(case.birth, styles)]
    if country == "jp":  # a Japanese form gives the era date beside the Western one
        born = [case.date(case.birth, ("jp", "iso")), " (", ("DATE", _era(case.birth)), ")"]
    n.line("Date of birth ", born, "   Age ", _age_h(case.age, age_form))
    label, value = _national_id(case)
    n.line("Home address: ", _address_h(rng, case.home), f"   {label} ", value)
    n.put("Tel ", ("PHONE", case.phone), "   Email ", ("EMAIL", case.email))
    n.line("   Pre-registered MRN ", ("MRN", case.mrn))
    _tourism_travel(n, case, host, styles)
    _tourism_clinical(n, case, host)


def _tourism_travel(n: _Note, case: _CaseH, host: str, styles: Sequence[str]) -> None:
    rng = case.rng
    companion = case.person()
    relation = _kin(rng, companion, ("daughter", "wife", "sister", "niece"))
    n.put(f"Companion: {relation} ", case.name(companion, ("native", "first_last")), ", passport ")
    n.line(("ID", _pick(rng, _IDS_H["passport"])), ", mobile ", case.tel())
    arrive = case.after(10, 40)
    flight = rng.choice(_FLIGHTS[host])
    n.put(f"Arrival: flight {flight} on ", case.date(arrive, (*styles, "d_mon_y")))
    n.put(f", {_clock(rng)}; airport pick-up booked; emergencies {_PUBLIC_LINES[host]}; stay at ")
    n.line(("FACILITY", _facility_h(rng, case.fake, "hotel", host)), ".")
    n.put("Visa invitation letter issued ", case.date(case.visit, ("dmy", "iso")))
    n.line("; insurer guarantee ", ("ID", _fill(rng, "GOP-########")))
    params = (f"case={_fill(rng, '######')}", "lang=en")
    n.put("Pre-visit video consult: ", case.url("tele/join", *params), " (form sent from ")
    n.line(("IP", _ip(rng)), ")")


def _tourism_clinical(n: _Note, case: _CaseH, host: str) -> None:
    rng, country = case.rng, case.country
    referrer, surgeon = case.person(), _make_person_h(rng, case.fake, origins=_ORIGINS_H[host])
    primary = case.before(2000, 6000)
    n.line("Requested: revision total hip replacement (left); BMI 27; no MRSA; ASA II.")
    n.put("Primary left THR in Seoul on ", ("DATE", _day_h(primary, "kr")))
    n.line(" (date as on the translated operation note).")
    _sentences(n, case, 2, tail="\n")
    label, number = _licence_h(rng, country)
    n.put("Referring doctor: ", case.name(referrer, ("native", "first_last"), 1.0, doctor=True))
    n.put(f" ({label}")
    n.line(("LICENSE", number), "), ", ("FACILITY", _hospital_h(rng, case.fake, country)))
    host_label, host_number = _licence_h(rng, host)
    n.put("Accepting surgeon: ", case.name(surgeon, ("first_last", "native"), 1.0, doctor=True))
    n.line(f", {host_label}", ("LICENSE", host_number))
    if rng.random() < 0.5:
        n.line("Implant record: cup UDI ", ("DEVICE", _udi(rng, primary)))


# Family: iCalendar invitation with a vCard of the next of kin
_CENTRES = {"us": (39.0, -95.0), "ca": (45.5, -76.0), "nz": (-40.5, 174.5), "sg": (1.35, 103.82)}
_TZIDS = {
    "us": "America/Chicago",
    "ca": "America/Toronto",
    "nz": "Pacific/Auckland",
    "sg": "Asia/Singapore",
}


def _ics_escape(parts: Sequence[Part]) -> list[Part]:
    """Address parts as iCalendar writes them: each comma escaped, outside the spans."""
    return [
        p.replace(",", "\\,") if isinstance(p, str) else (p[0], p[1].replace(",", "\\,"))
        for p in parts
    ]


def _calendar_ics_invite(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    doctor = case.person(local=False)
    domain = _domain(rng, case.fake)
    start = datetime.combine(
        case.after(3, 40), time(rng.randint(7, 16), rng.choice((0, 15, 30, 45)))
    )
    n.line("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//ClinicScheduler//Appointments 5.3.1//EN")
    n.line("METHOD:REQUEST\nBEGIN:VEVENT")
    n.line("UID:", ("ID", f"{_uuid(rng)}@{domain}"))
    n.line("DTSTAMP:", ("DATE", _ics(_moment(rng, case.visit), True)))
    n.line(f"DTSTART;TZID={_TZIDS[country]}:", ("DATE", _ics(start, False)))
    n.line(f"DTEND;TZID={_TZIDS[country]}:", ("DATE", _ics(start + timedelta(minutes=40), False)))
    n.line("SUMMARY:Cardiology clinic - ", ("NAME", _name_text(pt, "initials")))
    site = _place_h(rng, case.fake, country)
    n.line("LOCATION:", case.facility("hospital"), "\\, ", _ics_escape(_address_h(rng, site)))
    (lat, lon), spread = _CENTRES[country], 0.1 if country == "sg" else 4.0
    fix = f"{lat + rng.uniform(-spread, spread):.6f};{lon + rng.uniform(-spread, spread):.6f}"
    n.line("GEO:", ("ADDRESS", fix))
    n.put("ORGANIZER;CN=", ("NAME", _name_text(doctor, "first_last")), ":mailto:")
    n.line(("EMAIL", _email(rng, case.fake, doctor, domain)))
    n.put("ATTENDEE;CN=", ("NAME", _name_text(pt, "first_last")))
    n.put(";ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:")
    n.line(("EMAIL", case.email))
    n.put("DESCRIPTION:Please arrive 15 minutes early.\\n", _mrn_label(rng).rstrip(":"), ": ")
    n.put(("MRN", case.mrn), "\\n")
    n.keep(case.eponyms(1)[0])
    n.put("\\nTo reschedule call ", case.tel(), "\\n\n Join online: ")
    n.line(("URL", _query_url(rng, domain, "visit/join", (f"appt={_fill(rng, '#########')}",))))
    n.line("X-PATIENT-DOB:", ("DATE", f"{case.birth:%Y%m%d}"))
    n.line("X-PATIENT-AGE:", _age_h(case.age, "bare"))
    n.line("BEGIN:VALARM\nTRIGGER:-PT24H\nACTION:DISPLAY\nDESCRIPTION:Reminder\nEND:VALARM")
    n.line("END:VEVENT\nEND:VCALENDAR")
    _vcard(n, case)


def _vcard(n: _Note, case: _CaseH) -> None:
    rng, country = case.rng, case.country
    kin = case.person()
    home = _place_h(rng, case.fake, country)
    word = rng.choice(("daughter", "wife", "sister") if case.age >= 45 else ("mother", "wife"))
    relation = _kin(rng, kin, (word,))
    n.line("BEGIN:VCARD\nVERSION:4.0")
    n.line("FN:", ("NAME", _name_text(kin, "first_last")))
    given: list[Part] = [("NAME", kin.given)] if kin.given else []
    n.line("N:", ("NAME", kin.surname), ";", given, ";;;")
    n.line("TEL;TYPE=cell:", case.tel())
    city: Part = home.city if home.city == "Singapore" else ("CITY", home.city)
    n.put("ADR;TYPE=home:;;", ("ADDRESS", home.street.replace(",", "\\,")), ";", city)
    n.line(f";{home.region};", ("ZIP", home.postcode), ";")
    n.line("BDAY:", ("DATE", f"{_kin_birth(rng, case, word):%Y%m%d}"))
    n.line(f"RELATED;TYPE=emergency:{relation} of the patient")
    n.line("EMAIL:", case.mail(kin))
    n.line("END:VCARD")


def _kin_birth(rng: random.Random, case: _CaseH, word: str) -> date:
    """A relative's birth date that fits the kinship: a child 22-38 years younger, an adult."""
    gap = timedelta(days=rng.randint(22 * 365, 38 * 365))
    if word == "daughter":
        adult = case.visit - timedelta(days=18 * 366)
        return min(case.birth + gap, adult)
    if word == "mother":
        return case.birth - gap
    return case.birth + timedelta(days=rng.randint(-3000, 3000))  # a spouse or sibling


# Family: label-printer (ZPL) job for a wristband, specimen labels and an addressograph label
def _fd(n: _Note, origin: str, font: str, parts: Sequence[Part]) -> None:
    """One ZPL text field: position, font, ``^FD`` data (the value) and ``^FS``."""
    n.line(f"^FO{origin}{font}^FD", *parts, "^FS")


def _wristband_zpl_print(n: _Note, case: _CaseH) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    clerk = case.person()
    n.line("^XA")
    n.put("^FX job ", ("ID", _fill(rng, "PJ######")), " from ", _ip_port(rng), " printer S/N ")
    n.put(("DEVICE", _serial(rng)), " MAC ", ("DEVICE", _mac(rng)), " user ")
    n.line(_initials(rng, clerk), "^FS")
    n.line("^CI28^PW812^LL300^LH0,0")
    name = _name_text(pt, rng.choice(("LAST_comma_FIRST", "LAST_comma_first", "CAPS")))
    _fd(n, "40,30", "^A0N,34,34", [("NAME", name)])
    styles = ("us0", "mil4", "MON_d_y") if country == "us" else ("dmy", "d_MON_y", "mil4")
    birth = _day_h(case.birth, rng.choice(styles))
    _fd(
        n,
        "40,70",
        "^A0N,26,26",
        [
            "DOB: ",
            ("DATE", birth),
            "  (",
            _age_h(case.age, "Y"),
            f") {('F' if pt.female else 'M')}",
        ],
    )
    _fd(n, "40,100", "^A0N,26,26", [_mrn_label(rng), " ", ("MRN", case.mrn)])
    label, value = _national_id(case)
    if country == "us":  # a band carries the visit account, not the SSN
        label, value = "Acct", ("ID", _fill(rng, "V#########"))
    _fd(n, "40,130", "^A0N,22,22", [f"{label}: ", value])
    admitted = _day_h(case.visit, rng.choice(styles))
    ward = rng.choice(_WARDS_H)
    _fd(
        n,
        "40,160",
        "^A0N,22,22",
        ["Adm: ", ("DATE", admitted), f"  {ward} Bed {rng.randint(1, 30)}"],
    )
    consultant = case.person()
    _fd(n, "40,190", "^A0N,22,22", ["Cons: DR ", ("NAME", consultant.surname.upper())])
    n.put("^FO520,30^BQN,2,4^FDQA,", ("MRN", case.mrn), "|", ("NAME", name), "|")
    n.line(("DATE", f"{case.birth:%Y%m%d}"), "^FS")
    n.put("^FO40,225^GB700,40,40^FS^FO50,232^FR^A0N,26,26^FDALERT: ")
    n.keep(case.eponyms(1)[0])
    n.line("^FS")
    n.line("^BY2^FO40,270^BCN,60,Y,N,N^FD>:", ("MRN", case.mrn), "^FS")
    n.line("^PQ1^XZ")
    _zpl_specimen(n, case, name)
    _zpl_addressograph(n, case, name)


_SPECIMEN_TESTS = (
    "{Kleihauer} test  Tube: lavender 4 mL",
    "Direct {Coombs} test  Tube: pink 6 mL",
    "{Paul-Bunnell} screen  Tube: gold 5 mL",
    "ESR ({Westergren})  Tube: black 2 mL",
)


def _zpl_specimen(n: _Note, case: _CaseH, name: str) -> None:
    rng = case.rng
    collector = case.person()
    taken = _moment(rng, case.visit)
    n.line("^XA^PW400^LL200")
    _fd(n, "10,10", "^A0N,24,24", [("NAME", name)])
    stamp = f"{taken:%m/%d/%y}" if case.country == "us" else f"{taken:%d/%m/%y}"
    accession = ("ID", _fill(rng, f"{taken.year % 100}-###-#####"))
    _fd(n, "10,40", "^A0N,20,20", ["Acc ", accession, "  ", ("DATE", stamp), f" {taken:%H:%M}"])
    n.put("^FO10,70^A0N,20,20^FDTest: ")
    n.keep(rng.choice(_SPECIMEN_TESTS))
    n.line("^FS")
    _fd(n, "10,100", "^A0N,20,20", ["Coll: ", _initials(rng, collector)])
    n.line("^XZ")


def _zpl_addressograph(n: _Note, case: _CaseH, name: str) -> None:
    rng, home, country = case.rng, case.home, case.country
    gp = case.person()
    n.line("^XA^PW600^LL240^FX addressograph sheet, 21 labels^FS")
    _fd(n, "20,10", "^A0N,24,24", [("NAME", name)])
    _fd(n, "20,40", "^A0N,20,20", [("ADDRESS", home.street.upper())])
    city: Part = home.city.upper() if home.city == "Singapore" else ("CITY", home.city.upper())
    _fd(n, "20,65", "^A0N,20,20", [city, "  ", ("ZIP", home.postcode)])
    _fd(n, "20,90", "^A0N,20,20", ["Tel ", ("PHONE", case.phone_as())])
    _fd(
        n,
        "20,115",
        "^A0N,20,20",
        [
            "GP: ",
            case.name(gp, ("surname", "initial_last"), 1.0, doctor=True),
            ", ",
            ("FACILITY", _facility_h(rng, case.fake, "gp", country)),
        ],
    )
    n.line("^PQ21^XZ")


# Generator
_WRITERS: dict[str, Callable[[_Note, _CaseH], None]] = {
    "bereavement_followup_call": _bereavement_followup_call,
    "organ_donation_referral_log": _organ_donation_referral_log,
    "compounding_worksheet": _compounding_worksheet,
    "dental_charting_note": _dental_charting_note,
    "birth_register_entry": _birth_register_entry,
    "ivf_embryology_worksheet": _ivf_embryology_worksheet,
    "driver_medical_report": _driver_medical_report,
    "jsonl_event_stream": _jsonl_event_stream,
    "registry_yaml_export": _registry_yaml_export,
    "xml_lab_message": _xml_lab_message,
    "box_drawn_mar_chart": _box_drawn_mar_chart,
    "voice_assistant_transcript": _voice_assistant_transcript,
    "discharge_letter": _discharge_letter,
    "medical_tourism_intake": _medical_tourism_intake,
    "calendar_ics_invite": _calendar_ics_invite,
    "wristband_zpl_print": _wristband_zpl_print,
}
FAMILIES_H: tuple[str, ...] = tuple(_WRITERS)

# Countries a family's patient may live in.
_COUNTRIES = {
    "bereavement_followup_call": ("ie", "nz", "uk", "au"),
    "organ_donation_referral_log": ("us",),
    "compounding_worksheet": ("us", "us", "ca"),
    "dental_charting_note": ("za", "nz", "ie", "us"),
    "birth_register_entry": ("nz", "ie", "za", "sg"),
    "ivf_embryology_worksheet": ("us", "uk", "in", "sg"),
    "driver_medical_report": ("uk", "nz", "ie", "us"),
    "jsonl_event_stream": ("us", "us", "in", "ca"),
    "registry_yaml_export": ("us", "ca", "za"),
    "xml_lab_message": ("us", "us", "sg", "in"),
    "box_drawn_mar_chart": ("uk", "au", "nz", "ie"),
    "voice_assistant_transcript": ("uk", "ie", "us", "nz"),
    "discharge_letter": ("de", "fr", "nl", "se"),
    "medical_tourism_intake": ("jp", "za", "ie", "nz", "in"),
    "calendar_ics_invite": ("us", "ca", "nz", "sg"),
    "wristband_zpl_print": ("us", "uk", "ie", "za"),
}


_MOTHERS = frozenset(("birth_register_entry", "ivf_embryology_worksheet"))  # female patients


def _home_phone(rng: random.Random, country: str) -> tuple[str, str]:
    """The patient's phone as the record stores it, and its ten digits if North American."""
    if country not in ("us", "ca"):
        return _phone_h(rng, country), ""
    digits = _nanp_digits(rng, country)
    return _nanp(rng, digits, form="{a}-{b}-{c}"), digits


def _open_case(rng: random.Random, fake: Faker, family: str) -> _CaseH:
    """A patient of the family's countries, seen on a day between 2022 and 2026."""
    country = rng.choice(_COUNTRIES[family])
    visit = date(2022, 1, 3) + timedelta(days=rng.randrange(1820))
    years = _old(rng, OLD_AGE_RATE)
    female = True if family in _MOTHERS else None
    phone, digits = _home_phone(rng, country)
    case = _CaseH(
        rng=rng,
        fake=fake,
        family=family,
        patient=_make_person_h(rng, fake, female, origins=_ORIGINS_H.get(country, _g._G_ORIGINS)),
        age=years,
        birth=_birth_for(rng, visit, years),
        visit=visit,
        mrn=_pick(rng, _MRN_PATTERNS),
        home=_place_h(rng, fake, country, rural=0.2),
        phone=phone,
        phone_digits=digits,
        email="",
        country=country,
    )
    if rng.random() < COLLISION_RATE:
        _share_surname(case)
    case.email = _tagged_email(rng, fake, case.patient, None)
    return case


def _share_surname(case: _CaseH) -> None:
    """Give the patient, or the next person the note names, the surname of one of its eponyms."""
    candidates = [template for template in case.pool() if _eponym_surname(template)]
    case.forced_eponym = case.rng.choice(candidates)
    surname = _eponym_surname(case.forced_eponym)
    if case.rng.random() >= 0.6 or case.patient.origin == "malay":
        case.lent_surname = surname
        return
    case.patient = replace(case.patient, surname=surname)


def _annotated(note: _Note, case: _CaseH, seed: int, index: int) -> AnnotatedNote:
    return AnnotatedNote(
        text=note.text,
        spans=note.spans,
        keep_spans=note.keeps,
        identifiers=case.identifiers(),
        patient_id=f"HH{seed}-{index}",
        family=case.family,
    )


def generate_heldout_h(n: int, seed: int) -> list[AnnotatedNote]:
    """Generate ``n`` annotated notes of set H, the families taken in turn.

    Note ``i`` is of family ``FAMILIES_H[i % 16]`` and depends only on ``(seed, i)``: its own
    ``random.Random`` and a re-seeded ``Faker``, so a longer run extends a shorter one.

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
    fake = Faker(_LOCALES)
    notes: list[AnnotatedNote] = []
    for index in range(n):
        rng = random.Random(f"phi-heldout-h:{seed}:{index}")
        fake.seed_instance(rng.getrandbits(32))
        case = _open_case(rng, fake, FAMILIES_H[index % len(FAMILIES_H)])
        note = _Note()
        _WRITERS[case.family](note, case)
        notes.append(_annotated(note, case, seed, index))
    logger.debug("generated %d notes of held-out set H (seed %d)", n, seed)
    return notes
