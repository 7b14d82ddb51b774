"""Held-out PHI benchmark set G: sixteen new note families, written blind on 2026-12-04.

Sets A to F are, or will be, used to tune the de-identifier. Set G was written on 2026-12-04,
after the sixth tuning round (the token tagger retrained on sets A to E), for the next round.
It was written without reading the detector, its patterns, its training templates, its tests,
the benchmark's results or the READMEs that describe its misses; only the interfaces and
labelling conventions of sets E and F and the module docstrings and family lists of sets A to D
were read. It has not been measured yet: no detector has been run on it.

Its families are document types and layouts that no earlier set has: a neonatal retrieval
transport log, a UK mental health tribunal report, a custody reception health screen, a veteran's
health record, an occupational therapy home assessment, a tele-ICU event log with ISO time
stamps, a home-dialysis machine telemetry dump (key=value lines), a CMS-1500-like claim form in
fixed-width boxes, a pharmacy label printout, an emergency dispatch call transcript, a social
prescribing referral, a complaint letter written by a relative, a ward note in Portuguese,
Italian or Polish, an after-visit summary in HTML or Markdown, a fixed-width cancer registry
extract with no delimiters and a pathology synoptic checklist.

Generic helpers (note assembly, people, places, numbers) are imported from set F
(``benchmarks/phi_heldout_f.py``) rather than copied; everything else, its values and texts,
is new. Every note is generated from a per-note seeded ``random.Random`` and a re-seeded
multi-locale ``Faker``, so note ``i`` depends only on ``(seed, i)``. Gold spans are recorded
while each value is appended to the text, never found by searching.

Labelling decisions (those of set F, plus the cases set F does not meet):

* NAME spans hold the name only; titles and ranks ("Dr.ª", "Dott.", "lek.", "SGT (Ret.)",
  "CPT", "Ofc."), credentials and "Baby Girl" stay outside. Initials-only staff ("JKM",
  "J.K.", "jkm" in an e-signature) are NAME. A name written surname first in capitals ("ZHANG
  Wei"), an Arabic name with its nasab ("Khalid bin Saeed Al-Harbi"), an Icelandic patronymic
  and a Hispanic double surname are each one span. A name inside a tattoo description is
  NAME. Pets' names ("a terrier called Molly") are not PHI. A name written with a Cyrillic
  look-alike letter, non-breaking spaces or an HTML ``&nbsp;`` entity is NAME as written.
* DATE is any day or month more specific than the year, in any format or language: "15/iii/
  2024", "15.III.2024", "2024.03.15", "15th of the third", "15MAR24", "03 15 24" (claim form
  boxes), "15 de março de 2024", "15 marzo 2024", "15 marca 2024", "March 2023". A date-time
  written as one token is DATE as a whole: ISO "2024-03-15T08:30:00Z", a military date-time
  group "151430ZMAR24", a Unix epoch second "1710491400" (it pins the day). Where a space
  separates date and time only the date is DATE. Drug expiry dates (month and year) are DATE
  as in set E. Quarters and fiscal years ("Q3 2024", "FY2025"), years alone, times, durations,
  gestational ages and days of life are not PHI; a quarter is three months, an aggregate as
  coarse as a season, and no note uses it for a person's own event. The NUCC form edition
  ("02/12") is not a date of the person.
* AGE only above 89, in any wording ("93 yrs", "aet. 93", "93/F", "(93y)", "93 anni", "93
  anos", "93 lata", "093" in a fixed-width field, "ninety-three"): the number only. Ages up to
  89 are written the same ways and not labelled; "in her nineties" is an age band.
* Every street address, city and postcode is labelled, whoever it belongs to, in the US, UK,
  Canada, Australia, Portugal, Italy and Poland: rural routes ("RR 2 Box 118", "RMB 1420"),
  highway contract boxes, PO boxes, locked bags, lots and house names are ADDRESS. In "c/o Jane
  Doe, 12 Hill St" the name is NAME, the street ADDRESS, "c/o" outside. Italian province codes,
  states, provinces and countries are not PHI. The GPS fix of a wireless 911 call is ADDRESS
  (it pins the caller's door).
* PHONE covers every phone and fax number, national, international, freephone ("0800", "1800")
  and with letters ("1-855-VET-CARE"); the "tel:" of a link is outside. Public short numbers
  (911, 999, 988) and SMS short codes are not PHI.
* ID covers record numbers that are not the MRN: NHS numbers with spaces, Medicare (AU and the
  US MBI), Canadian health cards with their version code, insurance member, group and claim
  numbers, DoD and VA numbers, booking, prison and police numbers, tribunal and dispatch
  incident numbers, Rx numbers, accessions, session ids, the billing provider's tax id, and
  national numbers other than SSN and SIN (PESEL, codice fiscale, Portuguese SNS number).
* LICENSE covers licence and certificate numbers (NPI, DEA, GMC, NMC, SRA, HCPC, AHPRA, CLIA,
  CTR, pharmacist and Polish NPWZ numbers, Italian and Portuguese medical council numbers),
  driving licences and vehicle plates.
* DEVICE covers serial numbers, UDIs, MAC addresses and IMEIs of devices. Brand and model names,
  firmware versions ("v2.5.1"), lot numbers, alarm codes, NDC, DIN, CPT, HCPCS, LOINC, SNOMED,
  ICD-10 and ICD-O codes, BIN and PCN plan routing numbers and a pharmacy's store number are not
  PHI.
* FACILITY covers named hospitals, clinics, services and teams with a place name (neonatal
  retrieval services, community mental health teams), pharmacies, prisons, jails, courts,
  police departments, VA and military hospitals, community halls and places of worship. Named
  wards ("Willow Ward"), units, rooms, beds, cots, cells and wings are not PHI.
* URL, EMAIL and IP are labelled wherever they occur: a URL with its query string is one span,
  an e-mail with a plus tag ("jo.bloggs+clinic@...") is one span, "mailto:" is outside. The port
  after an IP ("10.2.3.4:8443") is outside the IP span.
* ``keep_spans`` mark named diseases, signs, scales, tests, manoeuvres, devices and brand names
  of drugs that look like given names ("Lyrica"). In about one note in five a person shares
  the surname of an eponym written in the same note; that surname is NAME where it names the
  person and kept where it names the eponym.
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
except ImportError:  # run as ``python benchmarks/deid.py``: the script's folder is on sys.path
    import phi_heldout_f as _f  # type: ignore[no-redef]

logger = logging.getLogger(__name__)

# Set F's generic helpers, reused unchanged (see its module for their contracts).
_Note, _Person, _Place, _Case = _f._Note, _f._Person, _f._Place, _f._Case
_name, _name_text, _kin, _make_person = _f._name, _f._name_text, _f._kin, _f._make_person
_day_text, _suffix, _ordinal_words, _words = _f._day_text, _f._suffix, _f._ordinal_words, _f._words
_fill, _pick, _clock, _ssn = _f._fill, _f._pick, _f._clock, _f._ssn
_nanp, _nanp_digits, _spoken_digits = _f._nanp, _f._nanp_digits, _f._spoken_digits
_email, _domain, _ip = _f._email, _f._domain, _f._ip
_mac, _udi, _serial = _f._mac, _f._udi, _f._serial
_license, _place, _address, _town = _f._license, _f._place, _f._address, _f._town
_facility, _worship = _f._facility, _f._worship
_mrn_label, _sentences = _f._mrn_label, _f._sentences
_birth_for, _age_as = _f._birth_for, _f._age_as
_STAFF, _PATIENT, _MRN_PATTERNS = _f._STAFF, _f._PATIENT, _f._MRN_PATTERNS
_DOB, _UK = _f._DOB, _f._UK
Part = _f.Part

COLLISION_RATE = 0.2  # share of notes in which a person carries an eponym's surname
OLD_AGE_RATE = 0.35  # share of adult patients over 89, so that AGE is well represented
_EURO = {"pt": ("pt_PT", "####-###"), "it": ("it_IT", "#####"), "pl": ("pl_PL", "##-###")}
_LOCALES = sorted({*_f._FAKER_LOCALES, "pt_PT", "it_IT", "pl_PL"})


# People: set F's origins plus Icelandic patronymics and Arabic names with a nasab
_ICELANDIC = (
    ("Gunnar", "Sigurður", "Einar", "Ólafur", "Kristján", "Þórður"),
    ("Guðrún", "Sigríður", "Kristín", "Ragnheiður", "Þórunn", "Hildur"),
    ("Jóns", "Magnús", "Stefáns", "Helga", "Björns", "Páls"),  # fathers' names, genitive
)
_NASAB = (
    ("Khalid", "Omar", "Hamad", "Mansour", "Tariq", "Sultan"),
    ("Fatima", "Noura", "Aisha", "Huda", "Mariam", "Hessa"),
    ("Ahmed", "Saeed", "Abdullah", "Rashid", "Nasser", "Ibrahim"),  # fathers' names
    ("Al-Harbi", "Al-Zahrani", "Al Mansoori", "Al-Shehri", "Al-Ghamdi", "Al Nuaimi"),
)
_G_ORIGINS = (*_f._ORIGINS, "icelandic", "icelandic", "nasab", "nasab", "zh_CN", "es_MX")
_NO_MIDDLE = {"first_mi_last": "first_last", "last_comma_first_mi": "last_comma_first"}


def _make_person_g(
    rng: random.Random,
    fake: Faker,
    female: bool | None = None,
    surname: str | None = None,
    origins: Sequence[str] = _G_ORIGINS,
) -> _Person:
    """A person of set F's origins or of the two hand-written naming systems of set G."""
    origin = rng.choice(list(origins))
    if origin not in ("icelandic", "nasab"):
        return _make_person(rng, fake, female, surname, origins=(origin,))
    female = rng.random() < 0.5 if female is None else female
    if origin == "icelandic":
        males, females, fathers = _ICELANDIC
        given = rng.choice(females if female else males)
        own = rng.choice(fathers) + ("dóttir" if female else "son")
    else:
        males, females, fathers, families = _NASAB
        link = "bint" if female else rng.choice(("bin", "ibn"))
        given = f"{rng.choice(females if female else males)} {link} {rng.choice(fathers)}"
        own = rng.choice(families)
    initial = rng.choice(string.ascii_uppercase)
    return _Person(given, surname or own, initial, female, origin)


def _nm(
    rng: random.Random,
    person: _Person,
    forms: Sequence[str],
    titled: float = 0.0,
    doctor: bool = False,
    title: str | None = None,
) -> list[Part]:
    """``_name`` of set F; names that carry no middle initial are written without one."""
    if person.origin in ("icelandic", "nasab"):
        forms = [_NO_MIDDLE.get(form, form) for form in forms]
    return _name(rng, person, forms, titled, doctor, title)


def _initials(rng: random.Random, person: _Person) -> Part:
    """Initials of a staff member as signed: "JKM", "J.K.M." or "jkm"."""
    letters = [c for c in (person.given[:1], person.initial, person.surname[:1]) if c.isalpha()]
    if rng.random() < 0.4:
        letters = [letters[0], letters[-1]]
    style = rng.randrange(3)
    if style == 0:
        return ("NAME", "".join(letters).upper())
    if style == 1:
        return ("NAME", ".".join(letters).upper() + ".")
    return ("NAME", "".join(letters).lower())


_HOMOGLYPHS = dict(zip("aeopcxAEOMTKHBCP", "аеорсхАЕОМТКНВСР", strict=True))  # Cyrillic


def _disguise(rng: random.Random, value: str, rate: float = 0.5) -> str:
    """The value as pasted from a word processor or chat tool, in some notes.

    Spaces become no-break spaces, hyphens non-breaking hyphens or dashes, apostrophes curly,
    and at times one Latin letter a Cyrillic look-alike. Edges never change, so spans stay
    trimmed.
    """
    if rng.random() > rate:
        return value
    out = value.replace(" ", rng.choice(("\u00a0", "\u202f", "\u00a0")))
    out = out.replace("-", rng.choice(("\u2011", "\u2010", "\u2013"))).replace("'", "\u2019")
    letters = [index for index, char in enumerate(out) if char in _HOMOGLYPHS]
    if letters and rng.random() < 0.5:
        index = rng.choice(letters)
        out = out[:index] + _HOMOGLYPHS[out[index]] + out[index + 1 :]
    return out


def _fullwidth(value: str) -> str:
    """Digits as an East Asian input method types them ("０１２")."""
    return value.translate({ord(d): 0xFF10 + int(d) for d in string.digits})


# Dates and moments
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_MONTHS_PT = (
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"
).split()
_MONTHS_IT = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
).split()
_MONTHS_PL = (  # genitive, as a Polish date writes them
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia"
).split()


def _day_g(day: date, style: str) -> str:
    """The date in one of set G's styles, or in one of set F's."""
    y, m, d = day.year, day.month, day.day
    mon = MONTHS[m - 1][:3].upper()
    styles = {
        "roman": f"{d}/{_ROMAN[m - 1].lower()}/{y}",
        "roman_dots": f"{d}.{_ROMAN[m - 1]}.{y}",
        "roman_sp": f"{d} {_ROMAN[m - 1]} {y}",
        "nth_of_the": f"{d}{_suffix(d)} of the {_ordinal_words(m)}",
        "mil": f"{d:02d}{mon}{y % 100:02d}",
        "mil4": f"{d:02d}{mon}{y}",
        "d_MON_y": f"{d:02d}-{mon}-{y}",
        "month_ord": f"{MONTHS[m - 1]} {d}{_suffix(d)}",
        "us_dash": f"{m:02d}-{d:02d}-{y}",
        "dmy_short": f"{d}.{m}.{y % 100:02d}",
        "box": f"{m:02d} {d:02d} {y % 100:02d}",
        "box4": f"{m:02d} {d:02d} {y}",
        "ymd_slash": f"{y}/{m:02d}/{d:02d}",
        "month_year": f"{MONTHS[m - 1]} {y}",
        "pt": f"{d} de {_MONTHS_PT[m - 1]} de {y}",
        "it": f"{d} {_MONTHS_IT[m - 1]} {y}",
        "pl": f"{d} {_MONTHS_PL[m - 1]} {y}",
    }
    return styles[style] if style in styles else _day_text(day, style)


def _date_g(rng: random.Random, day: date, styles: Sequence[str]) -> Part:
    return ("DATE", _day_g(day, rng.choice(list(styles))))


def _iso_z(rng: random.Random, moment: datetime) -> str:
    """An ISO 8601 UTC time stamp, one token: DATE as a whole."""
    millis = f".{rng.randrange(1000):03d}" if rng.random() < 0.3 else ""
    return f"{moment:%Y-%m-%dT%H:%M:%S}{millis}Z"


def _dtg(moment: datetime) -> str:
    """A military date-time group ("151430ZMAR24"): DATE as a whole."""
    mon = MONTHS[moment.month - 1][:3].upper()
    return f"{moment:%d%H%M}Z{mon}{moment.year % 100:02d}"


def _epoch(moment: datetime) -> str:
    return str(int(moment.replace(tzinfo=UTC).timestamp()))


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randrange(24), rng.randrange(60), rng.randrange(60)))


def _quarter(day: date) -> str:
    """A quarter of a year: not PHI (see the module docstring)."""
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


# Ages
def _age_g(years: int, form: str, female: bool = True) -> list[Part]:
    """An age in one of set G's forms (or set F's); the number is AGE only above 89."""
    if form not in _AGE_WRAPS:
        return _age_as(years, form, female)
    number = _words(years) if form == "words" and years < 100 else str(years)
    value: Part = ("AGE", number) if years > 89 else number
    before, after = _AGE_WRAPS[form]
    if form == "age_sex":
        after = "/F" if female else "/M"
    if form == "pl":  # 92 lata, 95 lat
        few = years % 10 in (2, 3, 4) and years % 100 not in (12, 13, 14)
        after = " lata" if few else " lat"
    return [before, value, after]


_AGE_WRAPS = {
    "yrs": ("", " yrs"),
    "aet": ("aet. ", ""),
    "age_sex": ("", ""),
    "paren_y": ("(", "y)"),
    "it": ("", " anni"),
    "pt": ("", " anos"),
    "pl": ("", ""),
    "words": ("", ""),
    "plain": ("", ""),
    "years": ("", " years"),
    "yo_dots": ("", " y.o."),
}


def _old(rng: random.Random, rate: float = OLD_AGE_RATE) -> int:
    return rng.randint(90, 104) if rng.random() < rate else rng.randint(19, 89)


# Numbers, contacts and devices
_PHONES_G = {
    "uk": ("0113 ### ####", "020 7### ####", "07### ######", "0800 ### ####", "+44 7### ######"),
    "au": ("(02) 9### ####", "(03) 9### ####", "04## ### ###", "+61 4## ### ###", "1800 ### ###"),
    "pt": ("+351 9## ### ###", "2## ### ###", "9## ### ###", "(+351) 21# ### ###"),
    "it": ("+39 3## ### ####", "02 #### ####", "06 #### ####", "3##-#######", "+39 0## ### ####"),
    "pl": ("+48 ### ### ###", "### ### ###", "(22) ### ## ##", "+48 (12) ### ## ##"),
}
_VANITY_G = ("VET-CARE", "RX-REFIL", "HOME-DIA", "CARE-4RX", "MED-HELP", "KIDNEY1")


def _phone_g(rng: random.Random, country: str, extension: float = 0.0) -> str:
    """A phone number as written in ``country``."""
    if country in ("us", "ca"):
        return _nanp(rng, extension=extension, country=country)
    return _pick(rng, _PHONES_G[country])


def _vanity_g(rng: random.Random) -> str:
    head = rng.choice(("800", "855", "866", "877", "888"))
    return f"1-{head}-{rng.choice(_VANITY_G)}"


_IDS = {
    "nhs": ("### ### ####",),
    "medicare_au": ("#### ##### #", "#### ##### #/#", "#### ##### #-#"),
    "ohip": ("####-###-###-@@", "#### ### ### @@"),
    "ramq": ("@@@@ #### ####",),
    "bc_phn": ("9### ### ###",),
    "mbi": ("#@*#-@*#-@@##", "#@*#@*#@@##"),
    "member": ("@@@-###-#####-##", "@@@#########-##", "###-##-####-@", "W##-###-####"),
    "group": ("GRP-#####", "######-###", "@#####"),
}


def _imei(rng: random.Random) -> str:
    return _fill(rng, rng.choice(("35#############", "86#############", "35-######-######-#")))


def _tagged_email(rng: random.Random, fake: Faker, person: _Person, domain: str | None) -> str:
    """An e-mail address, in some notes with a plus tag ("jo.bloggs+clinic@...")."""
    address = _email(rng, fake, person, domain, sub=0.2)
    local, host = address.split("@", 1)
    if "+" in local or rng.random() < 0.4:
        return address
    tag = rng.choice(("clinic", "health", "mum", "dad", "appts", "va", "rx", "2024", "nhs"))
    return f"{local}+{tag}@{host}"


def _query_url(rng: random.Random, domain: str, path: str, params: Sequence[str]) -> str:
    """A URL with a query string (an HTML note escapes its ``&`` as ``&amp;``)."""
    host = rng.choice((domain, f"portal.{domain}", f"apps.{domain}", f"www.{domain}"))
    scheme = rng.choice(("https://", "https://", "http://", ""))
    token = _fill(rng, "%%%%%%%%%%")
    query = "&".join([*params, f"t={token}"])
    return f"{scheme}{host}/{path}?{query}"


def _ip_port(rng: random.Random) -> list[Part]:
    """An IP address with a port; the port (and the brackets of IPv6) stay outside."""
    ip = _ip(rng)
    port = f":{rng.choice((443, 8443, 8080, 5060, 3389, 10443, 9000))}"
    return ["[", ("IP", ip), "]", port] if ":" in ip else [("IP", ip), port]


# Places
_HOUSES = ("Rose Cottage", "The Old Forge", "Hillview", "Orchard House", "Ivy Cottage")
_LANES = ("Mill Lane", "Church Road", "Back Lane", "Chapel Street", "Moor Road")


def _rural_street(rng: random.Random, fake: Faker, country: str) -> str:
    """A rural, box or house-name street line."""
    box, route = rng.randint(1, 999), rng.randint(1, 12)
    surname = fake[_f._LOCALE_OF[country]].last_name()
    forms = {
        "us": (
            f"RR {route} Box {box}",
            f"Rural Route {route}, Box {box}",
            f"HC {rng.randint(60, 89)} Box {box}",
            f"PO Box {rng.randint(10, 9999)}",
            f"{rng.randint(100, 99999)} County Road {rng.randint(1, 900)}",
        ),
        "ca": (
            f"RR #{route}",
            f"R.R. {route}, Site {rng.randint(1, 40)}, Comp {box}",
            f"{rng.randint(100, 9999)} Concession Road {route}",
            f"PO Box {box}, Stn Main",
        ),
        "au": (
            f"RMB {rng.randint(100, 9999)}",
            f"Lot {rng.randint(1, 300)} {surname} Road",
            f"Locked Bag {rng.randint(1, 99)}",
            f"PO Box {box}",
        ),
        "uk": tuple(f"{house}, {lane}" for house in _HOUSES for lane in _LANES[:2]),
    }
    return rng.choice(forms[country])


_IT_PROVINCES = ("MI", "RM", "TO", "NA", "BO", "FI", "GE", "BA", "PA", "VR")


def _place_g(rng: random.Random, fake: Faker, country: str, rural: float = 0.0) -> _Place:
    """A place in one of set G's countries; rural street lines at rate ``rural``."""
    if country in _EURO:
        locale, pattern = _EURO[country]
        gen = fake[locale]
        street = " ".join(gen.street_address().split())
        region = rng.choice(_IT_PROVINCES) if country == "it" else ""
        return _Place(street, gen.city().strip(), region, _fill(rng, pattern), country)
    place = _place(rng, fake, country)
    if rng.random() < rural:
        place = replace(place, street=_rural_street(rng, fake, country))
    return place


def _address_g(rng: random.Random, place: _Place, lines: bool = False) -> list[Part]:
    """Address parts; European addresses write the postcode before the town."""
    if place.country not in _EURO:
        return _address(rng, place, lines=lines)
    sep = "\n" if lines else ", "
    tail = [f" ({place.region})"] if place.region else []
    return [
        ("ADDRESS", place.street),
        sep,
        ("ZIP", place.postcode),
        " ",
        ("CITY", place.city),
        *tail,
    ]


def _one_line(place: _Place) -> str:
    if place.country in _EURO:
        return f"{place.street}, {place.postcode} {place.city}"
    return place.one_line()


# Facilities of kinds set F has no tails for
_SAINTS = ("Agnes", "Barnabas", "Cecilia", "Dominic", "Hedwig", "Monica", "Clare", "Luke")
_LANDSCAPES = ("Cedar Ridge", "Willow Creek", "Silver Lake", "Maple Grove", "Harbor View")
_QUARTERS = ("North Shore", "Westgate", "Eastside", "South Valley", "Tri-County", "Lakes Region")


def _facility_g(rng: random.Random, fake: Faker, kind: str, country: str = "us") -> str:
    """A named facility of one of set G's kinds (others from set F)."""
    town = _town(rng, fake, country)
    surname = fake[_f._LOCALE_OF[country]].last_name()
    landscape, quarter = rng.choice(_LANDSCAPES), rng.choice(_QUARTERS)
    kinds = {
        "transport": (f"{town} Neonatal Retrieval Service", f"{quarter} Newborn Transport Team"),
        "prison": (f"HMP {town}", f"HMP & YOI {town}", f"HMP {landscape}"),
        "jail": (f"{surname} County Detention Center", f"{town} Regional Correctional Facility"),
        "court": (f"{town} Magistrates' Court", f"{town} Crown Court", f"{town} Municipal Court"),
        "police": (f"{town} Police Department", f"{surname} County Sheriff's Office"),
        "va": (f"{town} VA Medical Center", f"{surname} VA Medical Center", f"{town} VA Clinic"),
        "military": (f"{town} Army Community Hospital", f"Naval Hospital {town}"),
        "cmht": (f"{town} Community Mental Health Team", f"{quarter} CMHT"),
        "pharmacy": (f"{town} Apothecary", f"{surname} Pharmacy", f"{landscape} Drug"),
        "rehab": (f"{town} Community Rehabilitation Team", f"{quarter} Reablement Service"),
        "hall": (f"{town} Community Centre", f"St {rng.choice(_SAINTS)} Church Hall"),
        "dialysis": (f"{town} Home Dialysis Program", f"{landscape} Kidney Center"),
        "ward_unit": (f"{town} Psychiatric Unit", f"{landscape} Hospital"),
    }
    if kind not in kinds:
        return _facility(rng, fake, kind, country)
    return rng.choice(kinds[kind])


# Eponym sentences per family (per language for the ward note); braced parts are keep spans.
_EPONYMS: dict[str, list[str]] = {
    "neonatal_transport_log": [
        "{Silverman-Andersen} score 5 on arrival.",
        "{Moro reflex} present and symmetrical.",
        "Micrognathia and cleft palate: {Pierre Robin sequence}.",
        "Right arm in the waiter's-tip posture of an {Erb palsy}.",
        "Maturity by {Ballard score} fits 34 weeks.",
        "Features suggest {Down syndrome}; karyotype to follow.",
        "No meconium at 48 h; {Hirschsprung disease} to be excluded.",
        "{Guthrie card} not yet taken.",
    ],
    "mental_health_tribunal_report": [
        "The belief that her husband is an impostor is a {Capgras delusion}.",
        "He holds that a television presenter loves him ({de Clérambault syndrome}).",
        "{Ganser syndrome} was considered at the last admission and not supported.",
        "Nihilistic beliefs amounting to a {Cotard delusion} have resolved.",
        "A childhood diagnosis of {Asperger syndrome} is recorded.",
        "{Addenbrooke's Cognitive Examination} scored 81/100.",
        "Consent to treatment was discussed to the {Montgomery} standard.",
        "{Positive and Negative Syndrome Scale} total 72.",
    ],
    "custody_health_screen": [
        "{Wernicke encephalopathy} risk: Pabrinex given.",
        "{Glasgow Coma Scale} 15/15 on arrival.",
        "Past {Mallory-Weiss tear} after a binge in 2019.",
        "Known {Tourette syndrome}; tics worse when anxious.",
        "{Crohn disease}, on azathioprine 100 mg.",
        "{Hodgkin lymphoma} treated in 2016, in remission.",
        "Old {Bell palsy} on the left; no new weakness.",
        "Healed {Colles fracture} of the right wrist.",
    ],
    "veteran_service_record": [
        "{Parkinson disease}, presumptive for herbicide exposure.",
        "Tinnitus and vertigo attributed to {Meniere disease}.",
        "Cold toes; {Buerger disease} ruled out, non-smoker since 1990.",
        "{Barrett esophagus} on the last EGD; surveillance due.",
        "Family asks about {Lou Gehrig disease}, presumptive for service.",
        "{Osgood-Schlatter disease} in the service treatment records.",
        "{Kienböck disease} of the right lunate after a fall aboard ship.",
        "{Pancoast tumor} excluded on CT.",
    ],
    "ot_home_assessment": [
        "{Berg Balance Scale} 38/56: high falls risk.",
        "{Barthel Index} 70/100.",
        "{Tinetti} gait score 8/12.",
        "Freezing at doorways from {Parkinson disease}.",
        "{Charcot-Marie-Tooth disease} with bilateral foot drop; AFOs worn.",
        "Uses a {Zimmer frame} indoors.",
        "{Alzheimer disease}: prompts and a whiteboard calendar in the kitchen.",
        "{Morse Fall Scale} 55.",
        "Goals set with the {Canadian Occupational Performance Measure}: bathing, cooking.",
    ],
    "tele_icu_event_log": [
        "{Kussmaul breathing} with pH 7.12.",
        "{Cushing triad}: HR 48, BP 196/88, irregular respirations.",
        "{Richmond Agitation-Sedation Scale} -2.",
        "Reverse {Trendelenburg position} for the bleed.",
        "Rash concerning for {Stevens-Johnson syndrome}; allopurinol stopped.",
        "Ascending weakness, {Guillain-Barré syndrome} on the list; NIF -18.",
        "Echo: apical ballooning, {Takotsubo cardiomyopathy}.",
        "{Glasgow Coma Scale} 8T.",
    ],
    "dialysis_telemetry_dump": [
        "access {Brescia-Cimino fistula} L forearm, thrill good",
        "{Tenckhoff catheter} exit site clean",
        "underlying {Alport syndrome}",
        "hx {Goodpasture syndrome} 2012",
        "{Berger disease} (IgA nephropathy) on biopsy",
        "{Fabry disease} on agalsidase",
        "{Henoch-Schönlein purpura} as a child",
        "{Quinton catheter} removed last month",
    ],
    "claim_form_cms1500": [
        "E06.3|{Hashimoto thyroiditis}",
        "E05.00|{Graves disease}",
        "E27.1|{Addison disease}",
        "E24.9|{Cushing syndrome}",
        "G51.0|{Bell palsy}",
        "K50.90|{Crohn disease}",
        "C81.90|{Hodgkin lymphoma}",
        "M88.9|{Paget disease} of bone",
        "G20.A1|{Parkinson disease}",
    ],
    "pharmacy_label": [
        "STOP AND CALL IF A BLISTERING RASH APPEARS ({Stevens-Johnson syndrome}).",
        "Do not give aspirin products to children ({Reye syndrome}).",
        "For {Parkinson disease}: take at the same times each day.",
        "For {Alzheimer disease}: take at bedtime.",
        "Long-term use may cause {Cushing syndrome}-like effects.",
        "Tell your doctor if you have {Crohn disease}.",
        "Carry your steroid card if you have {Addison disease}.",
        "May worsen {Raynaud phenomenon}.",
    ],
    "dispatch_call_transcript": [
        "CT: I'm going to tell you how to do the {Heimlich maneuver}.",
        "CT: ({Cincinnati Prehospital Stroke Scale}) droop yes, drift yes, speech slurred.",
        "CT: {Los Angeles Motor Scale} 4 relayed to the stroke centre.",
        "CALLER: he has {Addison disease}, there's an injection kit in the fridge",
        "CALLER: she's got {Parkinson}'s so she shakes anyway",
        "CT: premise history of {Stokes-Adams attacks}, has a pacemaker.",
        "CALLER: she has {Huntington disease}, she can't swallow well",
    ],
    "social_prescribing_referral": [
        "{Warwick-Edinburgh Mental Wellbeing Scale} 38 (low).",
        "{Parkinson disease} diagnosed last year; gave up driving.",
        "Early {Alzheimer disease}; the late wife was the organiser.",
        "{Ménière disease}, so avoids buses on bad days.",
        "{Crohn disease} flares keep him close to a toilet.",
        "Diagnosed with {Asperger syndrome} as an adult; prefers small groups.",
        "{Raynaud phenomenon}: outdoor groups in winter are hard.",
    ],
    "relative_complaint_letter": [
        "She has {Alzheimer's} and gets muddled in new places.",
        "She has {Parkinson's} and needs her tablets on time.",
        "Her {Zimmer frame} was left out of reach all night.",
        "Nobody did her {Waterlow score} until the third day.",
        "She broke her wrist (a {Colles fracture}) back in 2019.",
        "The {Bell palsy} she had makes her face droop, it is not a new stroke.",
        "She has {Paget's disease} in her hip.",
    ],
    "multilingual_ward_note:pt": [
        "Tremor de repouso compatível com {doença de Parkinson}.",
        "{Sinal de Murphy} positivo.",
        "{Escala de Glasgow} 14 (O4 V4 M6).",
        "Antecedentes de {tiroidite de Hashimoto}.",
        "Sopro sem alteração com a {manobra de Valsalva}.",
        "{Síndrome de Down} com cardiopatia corrigida.",
    ],
    "multilingual_ward_note:it": [
        "{Morbo di Parkinson} in terapia con levodopa.",
        "{Segno di Murphy} negativo.",
        "{Scala di Glasgow} 15.",
        "{Tiroidite di Hashimoto} in terapia sostitutiva.",
        "{Manovra di Valsalva}: soffio invariato.",
        "{Indice di Barthel} 45/100.",
    ],
    "multilingual_ward_note:pl": [
        "{Choroba Hashimoto} od 2015 roku.",
        "{Skala Glasgow} 13 pkt.",
        "{Indeks Barthel} 40 pkt.",
        "{Objaw Murphy'ego} ujemny.",
        "{Objaw Babińskiego} obecny po stronie prawej.",
        "{Zespół Downa} w wywiadzie rodzinnym.",
    ],
    "html_visit_summary": [
        "M15.1|{Heberden nodes} of the fingers",
        "M15.2|{Bouchard nodes}",
        "M71.21|{Baker cyst}, right knee",
        "G57.61|{Morton neuroma}, right foot",
        "M76.61|{Achilles tendinitis}, right leg",
        "M92.521|{Osgood-Schlatter disease}, right",
        "M72.0|{Dupuytren contracture}",
        "H81.10|Positional vertigo; {Epley maneuver} done",
        "E06.3|{Hashimoto thyroiditis}",
    ],
    "registry_fixed_width": [
        "{Hodgkin lymphoma}, nodular sclerosis",
        "{Wilms tumor} in childhood, treated",
        "{Burkitt lymphoma}",
        "{Merkel cell carcinoma} of the cheek",
        "{Paget disease of the breast}",
        "{Waldenström macroglobulinemia}",
        "{Krukenberg tumor} of both ovaries",
        "{Gleason score} 4+3=7",
    ],
    "pathology_synoptic": [
        "Histologic grade by the {Nottingham} system: 2.",
        "ER positive, {Allred score} 8.",
        "{Gleason score} 3+4=7 (Grade Group 2).",
        "{Breslow thickness} 1.4 mm; {Clark level} IV.",
        "{Fuhrman grade} 2 (superseded by ISUP).",
        "Prominent {Crohn-like lymphoid reaction}.",
        "Mismatch repair loss; screen for {Lynch syndrome}.",
        "No {Paget disease of the nipple}.",
        "{Bloom-Richardson} score 6/9.",
    ],
}
# Eponym words that are also surnames, for the collision notes.
_EPONYM_SURNAMES = frozenset(
    "Silverman Andersen Moro Robin Erb Ballard Down Hirschsprung Guthrie Capgras Clérambault "
    "Ganser Cotard Asperger Addenbrooke Montgomery Wernicke Mallory Weiss Tourette Crohn Hodgkin "
    "Bell Colles Parkinson Meniere Buerger Barrett Gehrig Osgood Schlatter Pancoast Berg Barthel "
    "Tinetti Charcot Marie Tooth Zimmer Alzheimer Morse Kussmaul Cushing Richmond Trendelenburg "
    "Stevens Johnson Guillain Brescia Cimino Tenckhoff Alport Goodpasture Berger Fabry Henoch "
    "Quinton Hashimoto Graves Addison Paget Reye Raynaud Heimlich Stokes Adams Huntington Warwick "
    "Ménière Waterlow Murphy Valsalva Heberden Bouchard Baker Morton Dupuytren Epley Wilms "
    "Burkitt Merkel Krukenberg Gleason Allred Breslow Clark Fuhrman Lynch Bloom Richardson".split()
)
_SURNAME_BY_LOWER = {word.lower(): word for word in _EPONYM_SURNAMES}


def _eponym_surname(template: str) -> str | None:
    """The first word of the template's keep spans that is also a surname, if any."""
    for phrase in re.findall(r"\{([^}]*)\}", template):
        for word in re.split(r"[\s\-'(),/]+", phrase):
            if word.lower() in _SURNAME_BY_LOWER:
                return _SURNAME_BY_LOWER[word.lower()]
    return None


# The case
@dataclass
class _CaseG(_Case):
    """Set F's case with set G's eponyms, name origins and European addresses."""

    def pool(self) -> list[str]:
        """The eponym sentences of this note's family (and language)."""
        return _EPONYMS.get(self.family) or _EPONYMS[f"{self.family}:{self.country}"]

    def person(self, female: bool | None = None, surname: str | None = None) -> _Person:
        """A relative, clinician or other named person; the first takes a lent surname."""
        if self.lent_surname is not None and surname is None:
            surname, self.lent_surname = self.lent_surname, None
        return _make_person_g(self.rng, self.fake, female, surname)

    def local(self, female: bool | None = None) -> _Person:
        """A person named in the note's own European language; the first takes a lent surname."""
        origin = {"pt": "pt_PT", "it": "it_IT", "pl": "pl_PL"}[self.country]
        surname, self.lent_surname = self.lent_surname, None
        return _make_person_g(self.rng, self.fake, female, surname, origins=(origin,))

    def eponyms(self, k: int) -> list[str]:
        """``k`` eponym sentences, the one whose surname was lent first."""
        chosen = self.rng.sample(self.pool(), k)
        if self.forced_eponym is None:
            return chosen
        return [self.forced_eponym, *(t for t in chosen if t != self.forced_eponym)][:k]

    def identifiers(self) -> dict[str, str]:
        """The structured identifiers the source record carries."""
        return super().identifiers() | {"address": _one_line(self.home)}


# Family: neonatal transport log
_NEO_DATES = {
    "us": ("us", "us0", "iso", "mil4"),
    "ca": ("iso", "d_mon_y", "mil4", "ymd_slash"),
    "uk": ("dmy", "d_MON_y", "roman", "d_month_y"),
    "au": ("dmy", "roman", "d_mon_y", "dmy_short"),
}
_PLATES = {"us": "plate_us", "ca": "plate_ca", "uk": "plate_uk", "au": "plate_au"}


def _neonatal_transport_log(n: _Note, case: _CaseG) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    case.set_age(0, days_old=rng.randint(0, 2))
    styles = _NEO_DATES[country]
    mother = case.person(female=True, surname=pt.surname)
    n.line("NEONATAL RETRIEVAL - TRANSPORT LOG")
    n.put(("FACILITY", _facility_g(rng, case.fake, "transport", country)), "   Job ")
    n.line(("ID", _fill(rng, "NR-##-#####")), "   Priority: time-critical")
    if rng.random() < 0.5:
        n.put(f"Patient: Baby {'Girl' if pt.female else 'Boy'} ", ("NAME", pt.surname))
    else:
        n.put("Patient: ", _nm(rng, pt, ("first_last", "LAST_comma_first", "CAPS")))
    n.line("   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.put("DOB ", _date_g(rng, case.birth, styles), f" at {_clock(rng)}   ")
    n.put(f"GA {rng.randint(24, 40)}+{rng.randint(0, 6)} wk   BW {rng.randint(600, 4200)} g   ")
    n.line("Day 1 of life")
    n.put("Mother: ", _nm(rng, mother, ("first_last", "first_mi_last", "LAST_comma_first")))
    n.put(", ", _age_g(rng.randint(17, 44), rng.choice(("yrs", "paren_y", "years"))))
    n.line(", G2P1, GBS negative, ROM 19 h. Hospital no. ", ("MRN", _pick(rng, _MRN_PATTERNS)))
    n.line("Family home: ", _address_g(rng, case.home), "   ph ", ("PHONE", case.phone_as()))
    _neonatal_timeline(n, case, mother)


def _neonatal_timeline(n: _Note, case: _CaseG, mother: _Person) -> None:
    rng, country = case.rng, case.country
    caller, consultant, nurse, therapist, receiver = (case.person() for _ in range(5))
    clock = datetime.combine(case.visit, time(rng.randrange(24), rng.randrange(60)))

    def stamp() -> str:
        nonlocal clock
        clock += timedelta(minutes=rng.randint(4, 55))
        return f"{clock:%H:%M}  "

    n.put(stamp(), "Referral from ", _nm(rng, caller, _STAFF, 0.6, doctor=True), " (registrar), ")
    n.put(("FACILITY", _facility(rng, case.fake, "hospital", country)), ", on ")
    n.line(("PHONE", _phone_g(rng, country, 0.3)))
    n.put(stamp(), "Accepted by ", _nm(rng, consultant, _STAFF, 1.0, doctor=True), "; cot at ")
    n.line(
        ("FACILITY", _facility(rng, case.fake, "hospital", country)),
        f" NICU, cot {rng.randint(1, 30)}.",
    )
    n.put(stamp(), "Team out: ", _nm(rng, nurse, ("first_last", "initial_last")), " (NNP), ")
    n.put(
        _initials(rng, therapist), " (RT); vehicle ", ("LICENSE", _license(rng, _PLATES[country]))
    )
    n.line()
    n.put(stamp(), "At bedside. HR 162, SpO2 91% in FiO2 0.40, T 36.1 C, BGL 2.4 mmol/L. ")
    _sentences(n, case, 2)
    n.line()
    n.line(stamp(), "Stabilised: ETT 3.5 at 9 cm at the lip, UVC 5 Fr, surfactant 200 mg/kg.")
    n.put(stamp(), "Departed in incubator S/N ", ("DEVICE", _serial(rng)), ", ventilator S/N ")
    n.line(("DEVICE", _serial(rng)))
    n.put(stamp(), "Handed over to ", _nm(rng, receiver, ("first_last", "given")), ". Mother ")
    n.put(_nm(rng, mother, ("given", "surname"), 0.5), " updated by phone")
    if rng.random() < 0.5:
        father = case.person(female=False)
        n.put("; father ", _nm(rng, father, ("first_last", "given")), " driving (")
        n.put(("LICENSE", _license(rng, _PLATES[country])), ")")
    n.line(".")
    n.line(
        "Log closed ", _date_g(rng, case.visit, _NEO_DATES[country]), " by ", _initials(rng, nurse)
    )


# Family: mental health tribunal report (England and Wales)
def _mental_health_tribunal_report(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    rc = case.person()
    n.line("FIRST-TIER TRIBUNAL (MENTAL HEALTH)")
    n.line("RESPONSIBLE CLINICIAN'S REPORT")
    n.line("Tribunal ref: ", ("ID", _fill(rng, f"MP/{case.visit.year}/#####")))
    n.put("Patient: ", _nm(rng, pt, (*_PATIENT, "native")), "   DOB: ")
    n.line(_date_g(rng, case.birth, _UK + ("roman",)))
    n.put("NHS no: ", ("ID", _pick(rng, _IDS["nhs"])), "   Hospital no: ", ("MRN", case.mrn))
    n.line()
    n.put("Detained at: ", ("FACILITY", _facility_g(rng, case.fake, "ward_unit", "uk")), ", ")
    n.line(rng.choice(("Willow Ward", "Ash Ward", "Rowan Ward", "Larch Ward")), " (16 beds)")
    admitted = case.before(60, 400)
    n.put("Section 3 MHA 1983 from ", _date_g(rng, admitted, ("d_month_y", "dmy", "roman")))
    n.line("; renewed ", _date_g(rng, case.before(5, 50), ("roman", "roman_dots", "nth_of_the")))
    n.put("Hearing: ", _date_g(rng, case.after(7, 28), ("wd_d_month", "d_month_y")), " by video, ")
    params = (f"conf={_fill(rng, '#######')}", f"pin={_fill(rng, '####')}")
    n.line(("URL", _query_url(rng, "video.hearings.example-tribunal.org.uk", "join", params)))
    n.put("1. Author: ", _nm(rng, rc, ("first_last", "first_mi_last"), 1.0, doctor=True))
    n.put(", Consultant Psychiatrist, GMC ", ("LICENSE", _license(rng, "gmc")), ". I have been ")
    n.line(
        "the responsible clinician since ", _date_g(rng, case.before(90, 700), ("month_year",)), "."
    )
    _tribunal_history(n, case, admitted)
    _tribunal_people(n, case)
    n.put("6. Risk: HoNOS 18; levels 2 observations; clozapine 350 mg nocte, level 0.42 mg/L. ")
    n.line(f"The ward's quality review is due {_quarter(case.after(60, 200))}.")
    n.put("Signed ", _nm(rng, rc, ("first_last", "initial_last"), 0.5, doctor=True), "  ")
    n.line(_date_g(rng, case.visit, _UK))


def _tribunal_history(n: _Note, case: _CaseG, admitted: date) -> None:
    rng, pt = case.rng, case.patient
    title = "Ms " if pt.female else "Mr "
    n.put("2. History: ", _nm(rng, pt, ("surname",), 1.0, title=title), " is a ")
    n.put(_age_g(case.age, rng.choice(("hyphen", "hyphen_words"))))
    n.put(" woman" if pt.female else " man", " first admitted to ")
    n.put(("FACILITY", _facility(rng, case.fake, "hospital", "uk")), f" in {admitted.year - 9}. ")
    n.put(
        "This admission followed an arrest on ", _date_g(rng, admitted, ("nth_of_the", "d_month"))
    )
    n.put(". ")
    _sentences(n, case, 2)
    n.line()


def _tribunal_people(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    relative, host, coordinator, advocate, solicitor = (case.person() for _ in range(5))
    relation = _kin(rng, relative, ("mother", "sister", "daughter", "wife"))
    n.put(f"3. Nearest relative: {relation} ", _nm(rng, relative, ("first_last", "nick")), ", c/o ")
    n.put(
        _nm(rng, host, ("first_last",)), ", ", _address_g(rng, _place_g(rng, case.fake, "uk", 0.3))
    )
    n.line("; tel ", ("PHONE", _phone_g(rng, "uk")), ".")
    n.put("4. Care coordinator ", _nm(rng, coordinator, ("first_last", "initial_last")), " (CPN), ")
    n.put(("FACILITY", _facility_g(rng, case.fake, "cmht", "uk")), ", ")
    n.line(
        ("PHONE", _phone_g(rng, "uk")),
        "; e-mail ",
        ("EMAIL", _tagged_email(rng, case.fake, coordinator, "nhs.net")),
    )
    n.put("5. IMHA ", _nm(rng, advocate, ("first_last", "given")), "; solicitor ")
    n.line(
        _nm(rng, solicitor, ("first_last", "surname"), 0.5),
        ", SRA no. ",
        ("LICENSE", _fill(rng, "######")),
        ".",
    )


# Family: custody reception health screen
def _custody_health_screen(n: _Note, case: _CaseG) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    uk = country == "uk"
    styles = _UK if uk else ("us", "us0", "mil4")
    n.line("RECEPTION HEALTH SCREEN (FIRST NIGHT)" if uk else "INTAKE MEDICAL SCREENING")
    n.put(("FACILITY", _facility_g(rng, case.fake, "prison" if uk else "jail", country)))
    n.line(
        f"   Healthcare, wing {rng.choice('ABCDE')}, cell {rng.randint(1, 4)}-{rng.randint(1, 40)}"
    )
    n.put("Name: ", _nm(rng, pt, ("LAST_comma_first", "CAPS", "native")), "   ")
    if uk:
        n.put("Prison no. ", ("ID", _fill(rng, "@####@@")), "   PNC ")
        n.line(("ID", _fill(rng, "##/######@")), "   NHS ", ("ID", _pick(rng, _IDS["nhs"])))
    else:
        n.put(
            "Booking # ", ("ID", _fill(rng, "##-######")), "   SO# ", ("ID", _fill(rng, "SO######"))
        )
        n.line("   SSN ", ("SSN", _ssn(rng)))
    born = ("dmy", "d_month_y", "d_MON_y", "roman") if uk else ("us", "us0", "mil4")
    n.put(
        "DOB ",
        _date_g(rng, case.birth, born),
        "   Age ",
        _age_g(case.age, rng.choice(("yrs", "plain"))),
    )
    n.line("   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    _custody_arrival(n, case, styles)
    _custody_screen(n, case)


def _custody_arrival(n: _Note, case: _CaseG, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    officer = case.person()
    uk = country == "uk"
    n.put("Received ", _date_g(rng, case.visit, styles), f" {_clock(rng)} from ")
    n.put(("FACILITY", _facility_g(rng, case.fake, "court" if uk else "police", country)))
    n.put(
        "; escort ",
        _nm(rng, officer, ("surname", "first_last"), 1.0, title="PC " if uk else "Ofc. "),
    )
    n.line(", badge ", ("ID", _fill(rng, "####")), ".")
    if rng.random() < 0.5:
        n.put("Arrest after a collision: vehicle ", ("LICENSE", _license(rng, _PLATES[country])))
        n.line(", driving licence ", ("LICENSE", _license(rng, "driver")), " seized.")
    if rng.random() < 0.6:
        n.line("Last address: ", _address_g(rng, case.home))
    else:
        hostel = _facility_g(rng, case.fake, "hall", country)
        n.line(
            "Last address: NFA; post c/o ",
            ("FACILITY", hostel),
            ", ",
            _address_g(rng, _place_g(rng, case.fake, country)),
        )
    n.line(
        "Previous custody: ",
        ("FACILITY", _facility_g(rng, case.fake, "prison" if uk else "jail", country)),
        ", released ",
        _date_g(rng, case.before(100, 900), styles),
        ".",
    )


def _custody_screen(n: _Note, case: _CaseG) -> None:
    rng, country = case.rng, case.country
    kin, tattoo, gp, nurse = case.person(), case.person(), case.person(), case.person()
    relation = _kin(rng, kin, ("mother", "partner", "sister", "grandmother"))
    n.put(f"Next of kin: {relation} ", _nm(rng, kin, ("first_last", "given")), ", ")
    n.line(("PHONE", _phone_g(rng, country)), " (consent to contact: yes)")
    n.put('Marks: tattoo "', ("NAME", _name_text(tattoo, "given" if tattoo.given else "surname")))
    n.line('" with a heart, left forearm; scar R hand.')
    n.put("CIWA-Ar 14, COWS 9, AUDIT-C 10. Methadone 60 mg confirmed with ")
    n.line(("FACILITY", _facility(rng, case.fake, "clinic", country)), ". ")
    _sentences(n, case, 2)
    n.line()
    n.put("GP: ", _nm(rng, gp, _STAFF, 0.8, doctor=True), ", ", ("PHONE", _phone_g(rng, country)))
    n.line(". Self-harm history: ACCT not opened; PHQ-9 13.")
    label = "NMC PIN " if country == "uk" else "RN lic. "
    pattern = "##@####@" if country == "uk" else "RN#######"
    n.put("Screened by ", _nm(rng, nurse, ("first_last", "initial_last")), f", {label}")
    n.line(("LICENSE", _fill(rng, pattern)))


# Family: veteran health record (VA)
_RANKS = ("SGT (Ret.) ", "CPT ", "SFC ", "SPC ", "1SG ", "COL (Ret.) ", "SSG ")  # Army


def _veteran_service_record(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    case.set_age(rng.randint(88, 101) if rng.random() < 0.6 else rng.randint(60, 85))
    n.line("DEPARTMENT OF VETERANS AFFAIRS")
    n.line(("FACILITY", _facility_g(rng, case.fake, "va")), " - PRIMARY CARE (PACT) NOTE")
    n.put(
        "Veteran: ",
        _nm(rng, pt, ("first_last", "CAPS", "first_mi_last"), 1.0, title=rng.choice(_RANKS)),
    )
    n.line("   SSN ", ("SSN", _ssn(rng, "-")), "   ", _mrn_label(rng), " ", ("MRN", case.mrn))
    n.put("DOB ", _date_g(rng, case.birth, ("mil", "mil4", "us", "iso")), "   Age ")
    n.line(_age_g(case.age, rng.choice(("plain", "yrs", "paren_y"))))
    n.put("DoD ID (EDIPI) ", ("ID", _fill(rng, "##########")), "   VA claim no. ")
    n.put(("ID", _fill(rng, rng.choice(("C-########", "########")))), "   ICN ")
    n.line(("ID", _fill(rng, "##########V######")))
    enlisted = date(case.birth.year + 18, rng.randint(1, 12), rng.randint(1, 28))
    n.put("Service: U.S. Army, entered ", _date_g(rng, enlisted, ("mil", "mil4", "month_d_y")))
    n.put(", service no. ", ("ID", _fill(rng, rng.choice(("RA########", "US########")))))
    n.line(f", MOS 11B, paygrade E-5; overseas {enlisted.year + 1}-{enlisted.year + 2}.")
    _veteran_visit(n, case)
    _veteran_team(n, case)


def _veteran_visit(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    officer = case.person()
    n.put("Seen ", _date_g(rng, case.visit, ("us", "us0", "month_d_y")), ". ")
    n.put(_age_g(case.age, rng.choice(("hyphen", "hyphen_words", "yrs"))), " ")
    n.put("veteran, service-connected 70% (PTSD, tinnitus). ")
    n.line(f"PCL-5 {rng.randint(20, 70)}; BP {rng.randint(110, 170)}/{rng.randint(60, 95)}.")
    _sentences(n, case, 2)
    n.line()
    moved = _moment(case.rng, case.before(200, 900))
    n.put("Transfer record from ", ("FACILITY", _facility_g(rng, case.fake, "military")))
    n.put(" dated ", ("DATE", _dtg(moved)), ", signed by ")
    n.line(
        _nm(rng, officer, ("surname", "first_last"), 1.0, title="CPT "), ". E/M billed CPT 99214."
    )


def _veteran_team(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    pcp, care_manager, spouse = case.person(), case.person(), case.person()
    n.put("Caregiver: spouse ", _nm(rng, spouse, ("first_last", "nick", "given")), ", ")
    n.line(_address_g(rng, case.home), "; home ", ("PHONE", case.phone_as()))
    n.put("RN care manager ", _nm(rng, care_manager, ("first_last", "initial_last")), ", ")
    n.line(("PHONE", _nanp(rng, extension=0.6)), "; after hours ", ("PHONE", _vanity_g(rng)))
    n.line("Veterans Crisis Line: dial 988, then press 1.")
    if rng.random() < 0.5:
        n.line("My HealtheVet secure message from ", ("EMAIL", case.email), ".")
    n.put("/es/ ", _nm(rng, pcp, ("CAPS", "first_last")), ", MD  NPI ")
    n.line(
        ("LICENSE", _license(rng, "npi")),
        "  Signed: ",
        _date_g(rng, case.visit, ("us", "us0")),
        f" {_clock(rng)}",
    )


# Family: occupational therapy home assessment
_PETS = ("Biscuit", "Molly", "Charlie", "Bella", "Max", "Poppy", "Rosie", "Alfie")
_OT_LICENSES = {"us": "OTR/L ######", "ca": "COTO G####", "au": "OCC000#######", "uk": "OT#####"}


def _ot_home_assessment(n: _Note, case: _CaseG) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    case.home = _place_g(rng, case.fake, country, rural=0.6)
    styles = _UK if country in ("uk", "au") else ("us", "month_d_y", "iso")
    n.line("OCCUPATIONAL THERAPY - HOME ASSESSMENT REPORT")
    n.line(("FACILITY", _facility_g(rng, case.fake, "rehab", country)))
    n.put(
        "Client: ", _nm(rng, pt, (*_PATIENT, "native")), "   DOB ", _date_g(rng, case.birth, _DOB)
    )
    n.line("   ", _age_g(case.age, rng.choice(("paren", "age_sex", "yrs")), pt.female))
    n.put(_mrn_label(rng), " ", ("MRN", case.mrn))
    if country == "au":
        n.put("   Medicare ", ("ID", _pick(rng, _IDS["medicare_au"])))
    elif country == "ca":
        card = rng.choice((("OHIP", "ohip"), ("RAMQ", "ramq"), ("PHN", "bc_phn")))
        n.put(f"   {card[0]} ", ("ID", _pick(rng, _IDS[card[1]])))
    n.line()
    n.put("Visit ", _date_g(rng, case.visit, styles), f", {_clock(rng)}-{_clock(rng)}. Address: ")
    if rng.random() < 0.3:
        host = case.person()
        n.put("c/o ", _nm(rng, host, ("first_last", "initial_last")), ", ")
    n.line(_address_g(rng, case.home))
    n.line(
        "Access: gravel drive, 3 steps of 17 cm, rail on the left; door 76 cm. Bedroom 2 upstairs."
    )
    n.line(f"Toilet 38 cm, bath rim 52 cm. Lives with a terrier called {rng.choice(_PETS)}.")
    _sentences(n, case, 3)
    n.line()
    _ot_plan(n, case, styles)


def _ot_plan(n: _Note, case: _CaseG, styles: Sequence[str]) -> None:
    rng, country = case.rng, case.country
    kin, therapist = case.person(), case.person()
    relation = _kin(rng, kin, ("daughter", "niece", "granddaughter", "wife"))
    n.put(f"Present: {relation} ", _nm(rng, kin, ("first_last", "given")), ", ")
    n.line(("PHONE", _phone_g(rng, country)), ".")
    n.put(
        "Pendant alarm unit ", ("DEVICE", _imei(rng)), "; rollator S/N ", ("DEVICE", _serial(rng))
    )
    n.line(".")
    supplier = _facility(rng, case.fake, "supplier", country)
    n.put("Ordered: perching stool, raised toilet seat (4 in), 2 grab rails from ")
    n.put(("FACILITY", supplier), ", order ", ("ID", _fill(rng, "EQ-######")), ", due ")
    n.line(_date_g(rng, case.after(3, 20), styles), ".")
    n.put(_nm(rng, therapist, ("first_last", "first_mi_last")), ", OT, reg. ")
    n.put(("LICENSE", _fill(rng, _OT_LICENSES[country])), " | ")
    n.line(("EMAIL", _tagged_email(rng, case.fake, therapist, _domain(rng, case.fake, country))))


# Family: tele-ICU event log
def _tele_icu_event_log(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    case.set_age(_old(rng, 0.45))
    hub = _facility(rng, case.fake, "hospital")
    n.line("eICU VIRTUAL CARE - EVENT LOG")
    n.put(
        "Hub: ",
        ("FACILITY", hub),
        "   Spoke: ",
        ("FACILITY", _facility(rng, case.fake, "hospital")),
    )
    n.line(f"   ICU bed {rng.randint(1, 24)}")
    n.put("Patient: ", _nm(rng, pt, ("LAST_comma_first", "first_last", "native")), " | ")
    n.put(("MRN", case.mrn), " | DOB ", _date_g(rng, case.birth, ("us", "iso")), " | ")
    n.line(_age_g(case.age, rng.choice(("sex", "age_sex", "yo_dots")), pt.female))
    params = (f"room={_fill(rng, 'ICU-##')}", f"enc={_fill(rng, '########')}")
    n.line("Session: ", ("URL", _query_url(rng, _domain(rng, case.fake), "ecare/session", params)))
    n.put("Cart camera ", _ip_port(rng), " MAC ", ("DEVICE", _mac(rng)), "; monitor S/N ")
    n.line(("DEVICE", _serial(rng)), "; client v2.5.1")
    if rng.random() < 0.5:
        n.line("Ventilator UDI ", ("DEVICE", _udi(rng, case.before(200, 900))), ", lot on file")
    n.line(f"APACHE IV {rng.randint(40, 120)}, predicted LOS {rng.uniform(2, 9):.1f} d.")
    _tele_icu_events(n, case)


def _tele_icu_events(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    intensivist, kin = case.person(), case.person()
    moment = _moment(rng, case.visit)
    sentences = case.eponyms(2)

    def stamp() -> Part:
        nonlocal moment
        moment += timedelta(minutes=rng.randint(3, 140), seconds=rng.randint(0, 59))
        if rng.random() < 0.8:
            return ("DATE", _iso_z(rng, moment))
        return [("DATE", f"{moment:%Y-%m-%d}"), f" {moment:%H:%M:%S}"]

    n.line(stamp(), "  ALERT  MAP 58 for 10 min (threshold 65)")
    n.put(stamp(), "  VIDEO  ", _nm(rng, intensivist, _STAFF, 1.0, doctor=True), " assessed; ")
    n.line("bedside RN ", _initials(rng, case.person()))
    n.line(stamp(), "  ORDER  norepinephrine 0.08 mcg/kg/min; lactate 3.1 mmol/L")
    for sentence in sentences:
        n.put(stamp(), "  NOTE   ")
        n.keep(sentence)
        n.line()
    relation = _kin(rng, kin, ("daughter", "wife", "niece", "sister"))
    n.put(stamp(), f"  CALL   {relation} ", _nm(rng, kin, ("first_last", "given")), " at ")
    n.line(("PHONE", _nanp(rng)), ": updated; RASS -2, CAM-ICU positive")
    n.line(stamp(), "  SYS    reconnect from ", _ip_port(rng), " (v2.5.1)")


# Family: home dialysis machine telemetry dump
def _dialysis_telemetry_dump(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    nurse = case.person()
    domain = _domain(rng, case.fake, case.country)
    start = case.before(7, 14)
    n.line(
        "# ",
        ("FACILITY", _facility_g(rng, case.fake, "dialysis", case.country)),
        " home therapies - telemetry export",
    )
    params = (f"user={_fill(rng, 'u#####')}", f"from={start.isoformat()}", "fmt=kv")
    n.line("# portal: ", ("URL", _query_url(rng, domain, "hhd/export", params)))
    moment = _moment(rng, case.visit)
    n.line(
        "# exported ",
        ("DATE", _iso_z(rng, moment)),
        " by ",
        ("EMAIL", _tagged_email(rng, case.fake, nurse, domain)),
    )
    n.put(
        '# patient="', _nm(rng, pt, ("last_comma_first", "first_last")), '" mrn=', ("MRN", case.mrn)
    )
    n.line(
        " dob=", ("DATE", case.birth.isoformat()), " phone=", ("PHONE", case.phone_as("{a}{b}{c}"))
    )
    n.put("device_sn=", ("DEVICE", _serial(rng)), ' model="System One" fw=v2.5.1 modem_imei=')
    n.line(("DEVICE", _imei(rng)), " ip=", _ip_port(rng))
    n.line(f"dialyzer=CAR-505 lot {_fill(rng, '##@##-@')} bath=RFP-401")
    _telemetry_lines(n, case, moment - timedelta(days=rng.randint(2, 6)))
    partner = case.person()
    n.put('care_partner="', _nm(rng, partner, ("first_last", "given")), '" cp_phone=')
    n.line(("PHONE", _nanp(rng, country=case.country)), " support=", ("PHONE", _vanity_g(rng)))


def _telemetry_lines(n: _Note, case: _CaseG, moment: datetime) -> None:
    rng = case.rng
    sentences = iter(case.eponyms(2))
    events = ("TX_START", "READING", "ALARM", "NOTE", "READING", "NOTE", "TX_END")
    for event in events:
        moment += timedelta(minutes=rng.randint(5, 70))
        stamp = _epoch(moment) if rng.random() < 0.3 else _iso_z(rng, moment)
        n.put("ts=", ("DATE", stamp), " sess=", ("ID", _fill(rng, "S#######")), f" evt={event}")
        if event == "ALARM":
            n.put(' code=E-1043 msg="venous pressure high" vp=260')
        elif event == "NOTE":
            n.put(" user=", _initials(rng, case.person()), ' text="')
            n.keep(next(sentences))
            n.put('"')
        else:
            n.put(f" bfr={rng.choice((300, 350, 400))} dfr=500 uf_goal={rng.uniform(0.5, 3):.1f}")
            n.put(f" ap=-{rng.randint(120, 220)} vp={rng.randint(100, 200)} tmp=60")
        n.line()


# Family: CMS-1500-like claim form in fixed-width boxes
def _cell(n: _Note, label: str, parts: Sequence[Part], width: int, value_len: int) -> None:
    """A labelled box: the value is padded to ``width`` with spaces outside its span."""
    n.put(label, *parts, " " * max(1, width - value_len))


def _claim_form_cms1500(n: _Note, case: _CaseG) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    n.line(
        "HEALTH INSURANCE CLAIM FORM    APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12"
    )
    member = _pick(rng, _IDS["mbi"] + _IDS["member"])
    n.line(
        "1. MEDICARE [X]  MEDICAID [ ]  GROUP [ ]    1a. INSURED'S I.D. NUMBER  ", ("ID", member)
    )
    name = _name_text(pt, "LAST_comma_FIRST") + (f", {pt.initial}" if pt.given else "")
    birth = _day_g(case.birth, rng.choice(("box", "box4")))
    n.put("2. PATIENT'S NAME (Last, First, MI)  ")
    _cell(n, "", [("NAME", name)], 34, len(name))
    n.line("3. BIRTH DATE MM DD YY  ", ("DATE", birth), f"  SEX {'F' if pt.female else 'M'} [X]")
    n.put("5. PATIENT'S ADDRESS (No., Street)  ")
    _cell(n, "", [("ADDRESS", home.street.upper())], 32, len(home.street))
    n.line("TELEPHONE  ", ("PHONE", case.phone_as("({a}) {b}{c}")))
    n.put("   CITY  ")
    _cell(n, "", [("CITY", home.city.upper())], 24, len(home.city))
    n.line(f"STATE {home.region}   ZIP CODE  ", ("ZIP", home.postcode))
    n.line("11. INSURED'S POLICY GROUP OR FECA NUMBER  ", ("ID", _pick(rng, _IDS["group"])))
    _claim_provider_boxes(n, case)
    _claim_service_lines(n, case)
    _claim_billing(n, case)


def _claim_provider_boxes(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    referrer = case.person()
    n.put("17. NAME OF REFERRING PROVIDER  DN  ", _nm(rng, referrer, ("CAPS", "first_mi_last")))
    n.line("   17b. NPI  ", ("LICENSE", _license(rng, "npi")))
    n.line("19. ADDITIONAL CLAIM INFORMATION  MRN ", ("MRN", case.mrn))
    n.put("21. DIAGNOSIS  ICD Ind. 0  ")
    for letter, template in zip("AB", case.eponyms(2), strict=True):
        code, display = template.split("|", 1)
        n.put(f"{letter}. {code} (")
        n.keep(display)
        n.put(")  ")
    n.line("C. I10")
    n.line("22. RESUBMISSION CODE  ORIGINAL REF. NO.  ", ("ID", _fill(rng, "##############")))
    n.line("23. PRIOR AUTHORIZATION NUMBER  ", ("ID", _fill(rng, "PA@########")))


def _claim_service_lines(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    n.line(
        "24. A. DATE(S) OF SERVICE   B.POS  D. CPT/HCPCS MOD  E.PTR  F.$ CHARGES  G.UNITS  J.NPI"
    )
    day = case.visit
    for cpt, charge in rng.sample(((99214, 185), (93000, 45), (36415, 12), (85025, 28)), 2):
        style = rng.choice(("box", "box4"))
        n.put("    ", ("DATE", _day_g(day, style)), "  ", ("DATE", _day_g(day, style)))
        n.put(f"   11    CPT {cpt} 25   A      {charge} 00      1    ")
        n.line(("LICENSE", _license(rng, "npi")))
        day += timedelta(days=rng.randint(0, 3))


def _claim_billing(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    signer = case.person()
    site = _place_g(rng, case.fake, "us")
    n.put("25. FEDERAL TAX I.D. NUMBER  ", ("ID", _fill(rng, "##-#######")), " [X] EIN   ")
    n.line("26. PATIENT'S ACCOUNT NO.  ", ("ID", _fill(rng, "A#########")), "   28. TOTAL $ 310 00")
    n.put("31. SIGNATURE OF PHYSICIAN  ", _nm(rng, signer, ("CAPS", "first_last", "initials")))
    n.line("  DATE  ", ("DATE", _day_g(case.after(0, 9), rng.choice(("box", "box4", "us0")))))
    n.put("32. SERVICE FACILITY  ", ("FACILITY", _facility(rng, case.fake, "clinic").upper()), "  ")
    n.line(_address_g(rng, site), "   32a. NPI ", ("LICENSE", _license(rng, "npi")))
    n.put("33. BILLING PROVIDER INFO & PH #  ", ("PHONE", _nanp(rng, form="({a}) {b}{c}")), "  ")
    n.line(("FACILITY", _facility(rng, case.fake, "clinic")))


# Family: pharmacy label printout
_DRUGS = (
    ("Eliquis", "5 MG TABLET", "apixaban"),
    ("Lyrica", "75 MG CAPSULE", "pregabalin"),
    ("Ativan", "0.5 MG TABLET", "lorazepam"),
    ("Celexa", "20 MG TABLET", "citalopram"),
    ("Keppra", "500 MG TABLET", "levetiracetam"),
    ("Boniva", "150 MG TABLET", "ibandronate"),
    ("Aricept", "10 MG TABLET", "donepezil"),
    ("Xarelto", "15 MG TABLET", "rivaroxaban"),
)


def _pharmacy_label(n: _Note, case: _CaseG) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    pharmacist, prescriber = case.person(), case.person()
    store = _place_g(rng, case.fake, country)
    n.put(
        ("FACILITY", _facility_g(rng, case.fake, "pharmacy", country)),
        f"   Store #{_fill(rng, '0###')}",
    )
    n.line("   ", ("PHONE", _phone_g(rng, country)))
    n.line(_address_g(rng, store))
    n.put(
        "Rx# ",
        ("ID", _fill(rng, "#######")),
        "   Filled: ",
        _date_g(rng, case.visit, ("us0", "us", "iso")),
    )
    n.line(
        "   RPh: ",
        _initials(rng, pharmacist) if rng.random() < 0.5 else _nm(rng, pharmacist, ("first_last",)),
    )
    n.line(
        _nm(rng, pt, ("CAPS", "LAST_comma_FIRST")),
        "   DOB ",
        _date_g(rng, case.birth, ("us0", "us", "d_MON_y")),
    )
    n.line(_address_g(rng, case.home))
    brand, strength, generic = rng.choice(_DRUGS)
    n.keep(f"{{{brand}}} ({generic}) {strength}")
    code = ("DIN", "0#######") if country == "ca" else ("NDC", "0093-####-##")
    n.line(f"   {code[0]} {_fill(rng, code[1])}")
    n.line("TAKE 1 TABLET BY MOUTH TWICE DAILY WITH FOOD")
    n.put(
        f"Qty: {rng.choice((30, 60, 90))}   Refills: 2 before ",
        _date_g(rng, case.after(300, 365), ("us0", "us")),
    )
    n.line(
        "   Dr. ",
        ("NAME", _name_text(prescriber, rng.choice(("surname", "first_last", "initial_last")))),
    )
    expiry = case.after(200, 900)
    n.put(f"Mfr: Teva   Lot: {_fill(rng, '#@@###@')}   Exp: ")
    n.line(("DATE", rng.choice((f"{expiry:%m/%Y}", f"{expiry:%Y-%m}", f"{expiry:%b %Y}".upper()))))
    _pharmacy_extras(n, case, prescriber)


def _pharmacy_extras(n: _Note, case: _CaseG, prescriber: _Person) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    if country == "us" and rng.random() < 0.6:
        n.line("DEA ", ("LICENSE", _license(rng, "dea")), " (controlled substance)")
    _sentences(n, case, 2, tail="\n")
    domain = _domain(rng, case.fake, country)
    params = (f"rx={_fill(rng, '#######')}", f"store={_fill(rng, '0###')}")
    n.put("Refill: ", ("URL", _query_url(rng, domain, "refill", params)), " or ")
    n.line(("PHONE", _vanity_g(rng)), f"; text RX to {_fill(rng, '#####')}.")
    n.put("--- PATIENT INFO --- Age ", _age_g(case.age, "plain"), "Y   ")
    n.line(_mrn_label(rng), " ", ("MRN", case.mrn), "   Allergies: PCN (hives)")
    n.put(f"Plan: BIN {_fill(rng, '6#####')} PCN {_fill(rng, '@@##')} Group ")
    n.line(("ID", _pick(rng, _IDS["group"])), "   ID ", ("ID", _pick(rng, _IDS["member"])))
    if rng.random() < 0.4:
        n.line("Email receipts to ", ("EMAIL", _tagged_email(rng, case.fake, pt, None)))
    n.put(
        "Pharmacist: lic. ",
        ("LICENSE", _fill(rng, "RPH.######" if country == "us" else "OCP ######")),
    )
    n.line(
        ". Federal law prohibits the transfer of this drug to any person other than the patient."
    )


# Family: emergency dispatch call transcript
def _dispatch_call_transcript(n: _Note, case: _CaseG) -> None:
    rng, pt, home, country = case.rng, case.patient, case.home, case.country
    case.set_age(_old(rng, 0.4))
    call_taker = case.person()
    moment = _moment(rng, case.visit)
    n.put("CAD INCIDENT ", ("ID", _fill(rng, "##-######")), " | ", ("DATE", f"{moment:%Y-%m-%d}"))
    n.line(f" {moment:%H:%M:%S} | Console {rng.randint(1, 9)} | EMD ", _initials(rng, call_taker))
    n.put("ANI: ", ("PHONE", case.phone_as("{a}{b}{c}")), "  ALI: ", _address_g(rng, home))
    lat, lon = rng.uniform(25, 49), -rng.uniform(70, 123)
    n.line("  XY: ", ("ADDRESS", f"{lat:.5f}, {lon:.5f}"), f" +/- {rng.randint(5, 60)} m")
    n.line("[00:00] CT: 911, what is the address of your emergency?")
    n.put("[00:03] CALLER: it's, um, ", ("ADDRESS", home.street), ", in ", ("CITY", home.city))
    n.line(", near the school")
    n.line("[00:09] CT: and the phone number you're calling from?")
    digits = case.phone_digits or _nanp_digits(rng, country)
    n.line("[00:11] CALLER: ", ("PHONE", _spoken_digits(rng, digits)))
    relation = _kin(rng, pt, ("mother", "wife", "grandmother", "sister"))
    n.put(f"[00:17] CALLER: my {relation}, ", _nm(rng, pt, ("given", "first_last")), ", ")
    n.put("she" if pt.female else "he", "'s ", _age_g(case.age, "plain"), ", ")
    pronoun = "she" if pt.female else "he"
    n.line(f"{pronoun} just went down and {pronoun}'s breathing funny")
    _dispatch_protocol(n, case)


def _dispatch_protocol(n: _Note, case: _CaseG) -> None:
    rng, country = case.rng, case.country
    caller, medic = case.person(), case.person()
    n.line("[00:25] CT: okay, stay on the line. Is the person awake?")
    for index, sentence in enumerate(case.eponyms(2)):
        n.put(f"[00:{31 + 14 * index}] ")
        n.keep(sentence)
        n.line()
    n.put("[01:02] CT: what's your name? CALLER: ", _nm(rng, caller, ("first_last", "given")))
    n.line(f"; Determinant 09-E-01; Units M{rng.randint(1, 40)}, E{rng.randint(1, 20)}; ETA 6 min")
    if rng.random() < 0.5:
        n.put("[01:20] CALLER: the car in the drive is mine, plate ")
        n.line(("LICENSE", _license(rng, _PLATES[country])), ", they can block it")
    n.put("[08:41] ", _nm(rng, medic, ("surname", "first_last"), 1.0, title="Paramedic "))
    n.line(" on scene; transport to ", ("FACILITY", _facility(rng, case.fake, "hospital", country)))


# Family: social prescribing referral (England)
def _social_prescribing_referral(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    gp, link_worker = case.person(), case.person()
    practice = _facility(rng, case.fake, "clinic", "uk")
    n.line("SOCIAL PRESCRIBING REFERRAL")
    n.put("From: ", ("FACILITY", practice), " (", _nm(rng, gp, _STAFF, 1.0, doctor=True), "), ")
    n.line(_address_g(rng, _place_g(rng, case.fake, "uk")))
    team_mail = f"socialprescribing+{_fill(rng, '@@@').lower()}pcn@nhs.net"
    n.line("To: link worker team, ", ("EMAIL", team_mail))
    n.put("Patient: ", _nm(rng, pt, (*_PATIENT, "native", "nick")), "   NHS no. ")
    n.line(("ID", _pick(rng, _IDS["nhs"])), "   Practice no. ", ("MRN", case.mrn))
    n.put("DOB ", _date_g(rng, case.birth, _UK + ("roman",)), "   Age ")
    n.line(_age_g(case.age, rng.choice(("plain", "yrs", "paren_y"))))
    n.put("Mobile ", ("PHONE", case.phone_as()), "   Email ")
    n.line(("EMAIL", _tagged_email(rng, case.fake, pt, None)))
    n.line("Address: ", _address_g(rng, case.home))
    _social_story(n, case)
    _social_plan(n, case, link_worker)


def _social_story(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    spouse = case.person(female=not pt.female)
    n.put("Reason: lonely since ", "his wife " if not pt.female else "her husband ")
    n.put(_nm(rng, spouse, ("given", "first_last")), " died on the ")
    n.put(_date_g(rng, case.before(100, 900), ("nth_of_the",)), "; ")
    n.line('"I miss the allotment and having someone to talk to."')
    n.line("ONS4 3/4/5/6; UCLA-3 loneliness 7. ")
    _sentences(n, case, 2)
    n.line()


def _social_plan(n: _Note, case: _CaseG, link_worker: _Person) -> None:
    rng = case.rng
    worship, title = _worship(rng, case.fake, "uk")
    hall = _facility_g(rng, case.fake, "hall", "uk")
    n.put("Ideas: Men's Shed at ", ("FACILITY", hall), "; lunch club at ", ("FACILITY", worship))
    n.line("; walking football on Thursdays.")
    n.put(
        "Consent to share given ",
        _date_g(rng, case.visit, ("dmy", "d_month_y", "roman_dots")),
        ". ",
    )
    n.line(
        f"Pathway funded to {_quarter(case.after(90, 300))}; FY{case.visit.year + 1} bid pending."
    )
    n.put("Link worker: ", _nm(rng, link_worker, ("first_last", "given")), ", ")
    n.put(("PHONE", _phone_g(rng, "uk")), ", ")
    n.line(("EMAIL", _tagged_email(rng, case.fake, link_worker, "nhs.net")))
    n.line(
        "First chat booked for ",
        _date_g(rng, case.after(3, 20), ("wd_d_month", "dm", "nth_of_the")),
        ".",
    )


# Family: complaint letter written by a relative
def _relative_complaint_letter(n: _Note, case: _CaseG) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    case.set_age(_old(rng, 0.55))
    writer = case.person(surname=pt.surname if rng.random() < 0.5 else None)
    writer_home = _place_g(rng, case.fake, country, rural=0.2)
    n.line(_address_g(rng, writer_home, lines=True))
    n.line()
    n.line(_date_g(rng, case.after(10, 40), ("month_ord", "nth_of_the", "d_month_y", "dmy")))
    n.line()
    hospital = _facility(rng, case.fake, "hospital", country)
    n.line(
        "To the Patient Advice and Liaison Service, ", ("FACILITY", _disguise(rng, hospital, 0.3))
    )
    parent = "mum" if pt.female else "dad"
    n.put(f"Re: my {parent}, ", ("NAME", _disguise(rng, _name_text(pt, "first_last"))), ", DOB ")
    n.line(
        _date_g(rng, case.birth, ("dmy", "d_month_y", "us")),
        ", hospital number ",
        ("MRN", case.mrn),
    )
    n.line()
    n.line("Dear Sir or Madam,")
    n.line()
    _complaint_body(n, case, parent)
    _complaint_close(n, case, writer)


def _complaint_body(n: _Note, case: _CaseG, parent: str) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    nurse, doctor = case.person(female=True), case.person()
    she = "she" if pt.female else "he"
    n.put(f"I'm writing to complain about how my {parent} was treated on ward 7B between the ")
    first = case.before(20, 40)
    n.put(("DATE", f"{first.day}{_suffix(first.day)}"), " and the ")
    n.put(_date_g(rng, case.before(2, 15), ("nth_of_the", "ord_of_month", "d_month")), ". ")
    n.put(f"{she.capitalize()} is ", _age_g(case.age, rng.choice(("words", "plain", "years_old"))))
    n.put(" and deserves better. ")
    _sentences(n, case, 2)
    n.put("A nurse called ", ("NAME", _disguise(rng, nurse.given or nurse.surname, 0.2)))
    n.put(' (I think that was her name) told us it was "just old age". ')
    n.put("Dr ", ("NAME", _disguise(rng, doctor.surname, 0.3)), " promised to ring me on ")
    n.put(("PHONE", _disguise(rng, _phone_g(rng, country), 0.4)), " and never did. ")
    n.line(f"{she.capitalize()} is in {'her' if pt.female else 'his'} nineties, not daft.")
    n.line()
    n.put(f"{'Her' if pt.female else 'His'} hearing aid (the left one, serial ")
    n.put(
        ("DEVICE", _serial(rng)), ") went missing. I paid for parking four days running, car reg "
    )
    n.line(("LICENSE", _license(rng, _PLATES[country])), ", waiting about 2 hours each time.")
    n.line()


def _complaint_close(n: _Note, case: _CaseG, writer: _Person) -> None:
    rng, country = case.rng, case.country
    n.put("My PALS reference is ", ("ID", _fill(rng, "PALS-#####")), ". You can reach me on ")
    n.put(("PHONE", _phone_g(rng, country)), " or ")
    n.line(("EMAIL", _tagged_email(rng, case.fake, writer, None)), ".")
    n.line()
    n.line("Yours faithfully,")
    n.line(("NAME", _disguise(rng, _name_text(writer, "first_last"), 0.3)))
    n.line("(daughter)" if writer.female else "(son)")


# Family: ward note in Portuguese, Italian or Polish
@dataclass(frozen=True)
class _Language:
    """How a ward note is written in one language."""

    title: str
    patient: str
    born: str
    age_form: str
    national: tuple[str, str]  # label, pattern
    record: str
    admitted: str
    date_styles: tuple[str, ...]
    doctor_titles: tuple[str, str]  # male, female
    licence: tuple[str, str]
    contact: str
    vitals: str


_LANGUAGES = {
    "pt": _Language(
        "NOTA DE ENTRADA - INTERNAMENTO",
        "Doente",
        "Data de nascimento",
        "pt",
        ("Nº utente SNS", "### ### ###"),
        "Processo nº",
        "Data de admissão",
        ("pt", "dmy", "roman", "ymd_dots"),
        ("Dr. ", "Dr.ª "),
        ("Cédula OM nº", "#####"),
        "Contacto",
        "TA 142/86 mmHg, FC 88 bpm, Hb 10,2 g/dL, PCR 4,1 mg/dL.",
    ),
    "it": _Language(
        "DIARIO CLINICO - RICOVERO",
        "Paziente",
        "Nato/a il",
        "it",
        ("Codice fiscale", "@@@@@@##@##@###@"),
        "Nr cartella",
        "Data di ricovero",
        ("it", "dmy", "dmy_short", "roman"),
        ("Dott. ", "Dott.ssa "),
        ("Iscr. Albo n.", "#####"),
        "Recapito",
        "PA 138/84 mmHg, FC 76 bpm, Hb 11,4 g/dL, PCR 2,3 mg/dL.",
    ),
    "pl": _Language(
        "KARTA INFORMACYJNA - ODDZIAŁ WEWNĘTRZNY",
        "Pacjent",
        "Data urodzenia",
        "pl",
        ("PESEL", "###########"),
        "Nr historii choroby",
        "Data przyjęcia",
        ("pl", "dmy_dots0", "roman_sp", "roman_dots"),
        ("lek. ", "lek. "),
        ("NPWZ", "#######"),
        "Kontakt",
        "RR 150/90 mmHg, tętno 92/min, Hb 9,8 g/dl, CRP 12,5 mg/l.",
    ),
}
_PATRONS_PL = ("im. Mikołaja Kopernika", "im. Ludwika Rydygiera", "im. Stefana Żeromskiego")


def _euro_hospital(rng: random.Random, fake: Faker, country: str) -> str:
    town = fake[_EURO[country][0]].city().strip()
    saints = ("Santa Maria", "São João", "Santo António") if country == "pt" else ("San Raffaele",)
    saint = rng.choice((*saints, "Sant'Anna", "San Camillo") if country == "it" else saints)
    forms = {
        "pt": (
            f"Hospital de {saint}",
            f"Centro Hospitalar de {town}",
            f"Hospital Distrital de {town}",
        ),
        "it": (f"Ospedale {saint}", f"Azienda Ospedaliera di {town}", f"Policlinico {saint}"),
        "pl": (
            f"Szpital Specjalistyczny {rng.choice(_PATRONS_PL)}",
            f"Wojewódzki Szpital Zespolony w {town}",
        ),
    }
    return rng.choice(forms[country])


def _multilingual_ward_note(n: _Note, case: _CaseG) -> None:
    rng, country = case.rng, case.country
    lang = _LANGUAGES[country]
    pt = case.patient
    n.line(lang.title)
    n.line(("FACILITY", _euro_hospital(rng, case.fake, country)))
    n.put(f"{lang.patient}: ", _nm(rng, pt, ("first_last", "CAPS", "LAST_comma_first")))
    n.line("   ", f"{lang.record} ", ("MRN", case.mrn))
    n.put(f"{lang.born}: ", _date_g(rng, case.birth, lang.date_styles), "   ")
    n.line(_age_g(case.age, lang.age_form))
    label, pattern = lang.national
    n.line(f"{label}: ", ("ID", _fill(rng, pattern)))
    n.line(_address_g(rng, case.home), "   tel. ", ("PHONE", case.phone))
    # The admission date is always in the language's long form; "r." (roku) stays outside.
    year_word = " r." if country == "pl" else ""
    admitted = ("DATE", _day_g(case.visit, country))
    n.line(f"{lang.admitted}: ", admitted, f"{year_word}, {_clock(rng)}")
    n.line(lang.vitals)
    _sentences(n, case, 3)
    n.line()
    _multilingual_people(n, case, lang)


def _multilingual_people(n: _Note, case: _CaseG, lang: _Language) -> None:
    rng, country = case.rng, case.country
    kin, doctor = case.local(), case.local()
    n.put(f"{lang.contact}: ", _nm(rng, kin, ("first_last", "given")), ", ")
    n.put(("PHONE", _phone_g(rng, country)))
    if rng.random() < 0.5:
        n.put(", ", ("EMAIL", _tagged_email(rng, case.fake, kin, None)))
    n.line()
    n.put("Controllo: " if country == "it" else "Controlo: " if country == "pt" else "Kontrola: ")
    n.line(_date_g(rng, case.after(7, 30), lang.date_styles))
    title = lang.doctor_titles[doctor.female]
    n.put(_nm(rng, doctor, ("first_last", "surname"), 1.0, title=title), f", {lang.licence[0]} ")
    n.line(("LICENSE", _fill(rng, lang.licence[1])))


# Family: after-visit summary in HTML or Markdown
def _html_visit_summary(n: _Note, case: _CaseG) -> None:
    if case.rng.random() < 0.6:
        _html_summary(n, case)
    else:
        _markdown_summary(n, case)


def _html_name(rng: random.Random, person: _Person) -> Part:
    """A name as an HTML export writes it: at times ``&nbsp;`` or look-alike letters."""
    text = _name_text(person, "first_last")
    if rng.random() < 0.3:
        return ("NAME", text.replace(" ", "&nbsp;"))
    return ("NAME", _disguise(rng, text, 0.4))


def _html_summary(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    doctor = case.person()
    phone = case.phone_as()
    shown = _fullwidth(phone) if rng.random() < 0.15 else _disguise(rng, phone, 0.3)
    n.line("<html><head><title>After Visit Summary</title></head><body>")
    n.line("<h1>", ("FACILITY", _facility(rng, case.fake, "clinic")), "</h1>")
    n.put("<p><b>Name:</b> ", _html_name(rng, pt), " &nbsp; <b>DOB:</b> ")
    n.put(("DATE", _disguise(rng, _day_g(case.birth, rng.choice(_DOB)), 0.3)))
    n.line(" &nbsp; <b>MRN:</b> ", ("MRN", case.mrn), "</p>")
    n.put("<p><b>Visit:</b> ", _date_g(rng, case.visit, ("month_d_y", "us", "d_MON_y")))
    n.line(" with <i>Dr.&nbsp;", _html_name(rng, doctor), "</i></p>")
    n.put("<table><tr><td>Age</td><td>", _age_g(case.age, rng.choice(("plain", "yrs", "years"))))
    n.line("</td></tr>")
    n.line(
        '<tr><td>Phone</td><td><a href="tel:',
        ("PHONE", phone),
        '">',
        ("PHONE", shown),
        "</a></td></tr>",
    )
    n.line("<tr><td>Address</td><td>", _address_g(rng, case.home), "</td></tr></table>")
    n.line("<h2>Diagnoses</h2><ul>")
    for template in case.eponyms(2):
        code, display = template.split("|", 1)
        n.put("<li>")
        n.keep(display)
        n.line(f" (ICD-10 {code})</li>")
    n.line("</ul><p>Vitals: BP 138/82 &middot; Pulse 72 &middot; Wt 61.2 kg</p>")
    _html_footer(n, case)


def _html_footer(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    email = _tagged_email(rng, case.fake, pt, None)
    domain = _domain(rng, case.fake)
    url = _query_url(rng, domain, "avs", (f"visit={_fill(rng, 'ENC#######')}", "lang=en"))
    n.line('<p>Message us: <a href="mailto:', ("EMAIL", email), '">', ("EMAIL", email), "</a> or ")
    n.line('<a href="', ("URL", url.replace("&", "&amp;")), '">open the portal</a></p>')
    n.put("<p>Next appointment: ", _date_g(rng, case.after(14, 90), ("wd_d_month", "month_d_y")))
    n.line(" at 10:40 AM, room 4</p>")
    n.line("<!-- generated by AVS builder v3.2.1 on ", ("IP", _ip(rng)), " -->")
    n.line("</body></html>")


def _markdown_summary(n: _Note, case: _CaseG) -> None:
    rng, pt = case.rng, case.patient
    doctor = case.person()
    n.line("# After Visit Summary - ", ("FACILITY", _facility(rng, case.fake, "clinic")))
    n.line(
        "**Patient:** ",
        ("NAME", _disguise(rng, _name_text(pt, rng.choice(("first_last", "native"))))),
        "  ",
    )
    n.line("**DOB:** ", _date_g(rng, case.birth, _DOB), " | **MRN:** `", ("MRN", case.mrn), "`")
    n.line()
    n.line("| Field | Value |\n|---|---|")
    n.line("| Age | ", _age_g(case.age, rng.choice(("plain", "yrs"))), " |")
    n.line("| Phone | ", ("PHONE", _disguise(rng, case.phone_as(), 0.4)), " |")
    n.line("| Email | ", ("EMAIL", _tagged_email(rng, case.fake, pt, None)), " |")
    n.line("| Address | ", _address_g(rng, case.home), " |")
    n.line()
    for template in case.eponyms(2):
        code, display = template.split("|", 1)
        n.put("- [x] ")
        n.keep(display)
        n.line(f" `{code}`")
    n.line()
    n.put(
        "> Message from Dr ", ("NAME", _disguise(rng, doctor.surname, 0.4)), ": BP 134/80 is fine. "
    )
    n.line("Next visit ", _date_g(rng, case.after(14, 90), ("month_ord", "us")), ".")
    url = _query_url(rng, _domain(rng, case.fake), "mychart/avs", (f"id={_fill(rng, '########')}",))
    n.line("[Open the portal](", ("URL", url), ") - built with avs-md v1.4.0")


# Family: fixed-width cancer registry extract, no delimiters
_REGISTRY_FIELDS = (("LAST", 16), ("FIRST", 12), ("M", 1), ("DOB", 8), ("SSN", 9), ("SEX", 1))
_REGISTRY_FIELDS += (("ZIP", 5), ("CITY", 14), ("AGE", 3), ("MRN", 10), ("SITE", 4), ("HIST", 5))
_REGISTRY_FIELDS += (("DXDATE", 8), ("NPI", 10))
_SITES = (("C504", "85003"), ("C619", "81403"), ("C443", "87203"), ("C187", "81403"))


def _fixed(value: str, width: int) -> tuple[str, str]:
    """A value cut to ``width`` and trimmed, and the padding after it."""
    cut = value[:width].rstrip()
    return cut, " " * (width - len(cut))


def _registry_record(n: _Note, case: _CaseG, ssn: str, npi: str, dx: date) -> None:
    rng, pt, home = case.rng, case.patient, case.home
    site, histology = rng.choice(_SITES)
    age_at_dx = case.age - (case.visit - dx).days // 365
    values: list[tuple[str, str]] = [
        ("NAME", pt.surname.upper()),
        ("NAME", pt.given.upper()),
        ("NAME", pt.initial if pt.given and rng.random() < 0.7 else ""),
        ("DATE", f"{case.birth:%Y%m%d}"),
        ("SSN", ssn),
        ("", "2" if pt.female else "1"),
        ("ZIP", home.postcode[:5]),
        ("CITY", home.city.upper()),
        ("AGE" if age_at_dx > 89 else "", f"{age_at_dx:03d}"),  # zero-padded, "093"
        ("MRN", case.mrn),
        ("", site),
        ("", histology),
        ("DATE", f"{dx:%Y%m%d}"),
        ("LICENSE", npi),
    ]
    for (kind, value), (_, width) in zip(values, _REGISTRY_FIELDS, strict=True):
        cut, pad = _fixed(value, width)
        n.put((kind, cut) if kind and cut else cut, pad)
    n.line()


def _registry_fixed_width(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    abstractor, physician = case.person(), case.person()
    n.line("CANCER REGISTRY EXTRACT - FIXED WIDTH, NO DELIMITERS (layout 24.1.0)")
    n.put("Reporting facility: ", ("FACILITY", _facility(rng, case.fake, "hospital")))
    n.line("   Accession ", ("ID", _fill(rng, f"{case.visit.year}######")))
    header = "".join(name.ljust(width) for name, width in _REGISTRY_FIELDS)
    n.line(header.rstrip())
    ssn, npi = _ssn(rng, ""), _license(rng, "npi")
    for _ in range(rng.randint(1, 3)):
        _registry_record(n, case, ssn, npi, case.before(30, 3000))
    n.put("Remarks: AJCC 8th ed. cT2 cN1 cM0, stage IIB; ICD-O-3 C50.4 8500/3; ")
    _sentences(n, case, 2, tail="; ")
    n.line()
    n.put(
        "Last contact ", _date_g(rng, case.visit, ("compact", "iso", "us0")), ", vital status 1. "
    )
    n.put(
        "Managing physician ",
        _nm(rng, physician, ("LAST_comma_first", "first_last"), 0.5, doctor=True),
    )
    n.line(
        ". Abstracted by ", _initials(rng, abstractor), ", CTR #", ("LICENSE", _fill(rng, "#####"))
    )


# Family: pathology synoptic checklist
_PROTOCOLS = (
    ("Breast - Invasive Carcinoma, Resection", "Lumpectomy", "pT2 pN1a", "4.8.1.0"),
    ("Prostate - Radical Prostatectomy", "Radical prostatectomy", "pT3a pN0", "4.3.0.0"),
    ("Skin - Melanoma, Excision", "Wide local excision", "pT2a pN0", "4.3.0.1"),
    ("Colon and Rectum - Resection", "Right hemicolectomy", "pT3 pN1b", "4.2.0.2"),
)


def _pathology_synoptic(n: _Note, case: _CaseG) -> None:
    rng, pt, country = case.rng, case.patient, case.country
    lab = _facility(rng, case.fake, "lab", country)
    n.line("SURGICAL PATHOLOGY - SYNOPTIC REPORT")
    n.put(("FACILITY", lab), "   ", _address_g(rng, _place_g(rng, case.fake, country)))
    n.line(
        "   CLIA ",
        ("LICENSE", _fill(rng, "##D#######")),
        "   Tel ",
        ("PHONE", _phone_g(rng, country)),
    )
    n.put("Accession: ", ("ID", _fill(rng, f"S{case.visit.year % 100}-#####")), "   Patient: ")
    n.put(
        _nm(rng, pt, ("LAST_comma_FIRST", "last_comma_first_mi", "native")),
        "   MRN ",
        ("MRN", case.mrn),
    )
    n.put("   DOB ", _date_g(rng, case.birth, _DOB), " (Age: ")
    n.line(_age_g(case.age, rng.choice(("plain", "aet", "age_sex")), pt.female), ")")
    collected = _moment(rng, case.visit)
    n.put(
        "Collected: ", _date_g(rng, case.visit, ("us0", "iso", "d_MON_y")), f" {collected:%H:%M}   "
    )
    n.put("Received: ", _date_g(rng, case.visit, ("us0", "iso")), f" {_clock(rng)}   Reported: ")
    n.line(("DATE", _iso_z(rng, collected + timedelta(days=rng.randint(2, 6)))))
    _synoptic_body(n, case)
    _synoptic_people(n, case)


def _synoptic_body(n: _Note, case: _CaseG) -> None:
    rng = case.rng
    name, procedure, stage, version = rng.choice(_PROTOCOLS)
    n.line(f"CAP Protocol: {name} (v{version})")
    n.line(f"+ Procedure: {procedure}")
    n.line(f"+ Tumor Size: {rng.randint(4, 60)} mm")
    n.line(f"+ Margins: negative; closest {rng.randint(1, 9)} mm")
    n.line(f"+ Regional Lymph Nodes: {rng.randint(0, 3)}/{rng.randint(8, 24)} positive")
    n.line(f"+ pTNM (AJCC 8th): {stage}")
    n.line(f"+ Ki-67: {rng.randint(5, 60)}%   Blocks: A1-A{rng.randint(3, 12)}")
    for sentence in case.eponyms(2):
        n.put("+ Comment: ")
        n.keep(sentence)
        n.line()


def _synoptic_people(n: _Note, case: _CaseG) -> None:
    rng, country = case.rng, case.country
    surgeon, grosser, pathologist = case.person(), case.person(), case.person()
    n.put("Submitting: ", _nm(rng, surgeon, _STAFF, 1.0, doctor=True), " (")
    n.line(("FACILITY", _facility(rng, case.fake, "clinic", country)), ")")
    n.put("Intra-operative consult phoned to ", _nm(rng, surgeon, ("surname",), 1.0, doctor=True))
    n.line(f" at {_clock(rng)}. Grossed by: ", _initials(rng, grosser))
    n.put(
        "Electronically signed: ", _nm(rng, pathologist, ("first_mi_last", "first_last")), ", MD "
    )
    n.line(_date_g(rng, case.after(2, 6), ("us0", "iso")), f" {_clock(rng)}")


# Generator
_WRITERS: dict[str, Callable[[_Note, _CaseG], None]] = {
    "neonatal_transport_log": _neonatal_transport_log,
    "mental_health_tribunal_report": _mental_health_tribunal_report,
    "custody_health_screen": _custody_health_screen,
    "veteran_service_record": _veteran_service_record,
    "ot_home_assessment": _ot_home_assessment,
    "tele_icu_event_log": _tele_icu_event_log,
    "dialysis_telemetry_dump": _dialysis_telemetry_dump,
    "claim_form_cms1500": _claim_form_cms1500,
    "pharmacy_label": _pharmacy_label,
    "dispatch_call_transcript": _dispatch_call_transcript,
    "social_prescribing_referral": _social_prescribing_referral,
    "relative_complaint_letter": _relative_complaint_letter,
    "multilingual_ward_note": _multilingual_ward_note,
    "html_visit_summary": _html_visit_summary,
    "registry_fixed_width": _registry_fixed_width,
    "pathology_synoptic": _pathology_synoptic,
}
FAMILIES_G: tuple[str, ...] = tuple(_WRITERS)

# Countries a family's patient may live in (default: the US).
_COUNTRIES = {
    "neonatal_transport_log": ("au", "uk", "us", "ca"),
    "mental_health_tribunal_report": ("uk",),
    "custody_health_screen": ("uk", "us"),
    "ot_home_assessment": ("us", "ca", "au", "uk"),
    "dialysis_telemetry_dump": ("us", "ca"),
    "pharmacy_label": ("us", "ca"),
    "dispatch_call_transcript": ("us", "ca"),
    "social_prescribing_referral": ("uk",),
    "relative_complaint_letter": ("uk", "au", "us"),
    "multilingual_ward_note": ("pt", "it", "pl"),
    "pathology_synoptic": ("us", "ca"),
}
_PATIENT_ORIGINS = {"pt": ("pt_PT", "pt_BR"), "it": ("it_IT",), "pl": ("pl_PL",)}


def _new_case(rng: random.Random, fake: Faker, family: str) -> _CaseG:
    country = rng.choice(_COUNTRIES.get(family, ("us",)))
    visit = date(2022, 1, 1) + timedelta(days=rng.randrange(5 * 365))
    age = _old(rng)
    patient = _make_person_g(rng, fake, origins=_PATIENT_ORIGINS.get(country, _G_ORIGINS))
    if country in ("us", "ca"):
        digits = _nanp_digits(rng, country)
        phone = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    else:
        digits, phone = "", _phone_g(rng, country)
    case = _CaseG(
        rng=rng,
        fake=fake,
        family=family,
        patient=patient,
        age=age,
        birth=_birth_for(rng, visit, age),
        visit=visit,
        mrn=_pick(rng, _MRN_PATTERNS),
        home=_place_g(rng, fake, country, rural=0.15),
        phone=phone,
        phone_digits=digits,
        email="",
        country=country,
    )
    _lend_eponym_surname(case)
    case.email = _tagged_email(rng, fake, case.patient, None)
    return case


def _lend_eponym_surname(case: _CaseG) -> None:
    """In some notes, give the patient or the next person made an eponym's surname."""
    rng = case.rng
    if rng.random() >= COLLISION_RATE:
        return
    colliding = [t for t in case.pool() if _eponym_surname(t)]
    case.forced_eponym = rng.choice(colliding)
    surname = _eponym_surname(case.forced_eponym)
    if rng.random() < 0.6:
        case.patient = replace(case.patient, surname=surname)
    else:
        case.lent_surname = surname


def generate_heldout_g(n: int, seed: int) -> list[AnnotatedNote]:
    """Generate ``n`` annotated notes of set G, spread evenly over ``FAMILIES_G``.

    Note ``i`` is of family ``FAMILIES_G[i % len(FAMILIES_G)]`` and depends only on
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
    fake = Faker(_LOCALES)
    notes = []
    for index in range(n):
        family = FAMILIES_G[index % len(FAMILIES_G)]
        rng = random.Random(f"phi-heldout-g:{seed}:{index}")
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
                patient_id=f"HG{seed}-{index}",
                family=family,
            )
        )
    logger.debug("generated %d notes of held-out set G (seed %d)", n, seed)
    return notes
