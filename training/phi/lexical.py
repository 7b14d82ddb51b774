"""Rules that need the safe vocabulary: facility names by structure, initials and lower-case names.

A regex alone cannot tell "Bayfront Hospice" (a facility) from "Inpatient Hospice" (a service),
nor "-- K. Peters" (a sign-off) from "hepatitis B. Patient..." (two sentences). A facility head
needs a word that is not a generic service word ("Copper Valley Regional Hospital", not "Intensive
Care Unit"); the word after an initial must be outside the safe vocabulary (medical and common
English words) or a known name. These rules run beside the tagger and use its vocabulary.
"""

from __future__ import annotations

import regex

from training.phi.patterns import CASE_SENSITIVE, PARTICLE

# Suffixes that end a facility name; the words before them must include a proper name.
FACILITY_SUFFIXES = (
    "Hospital|Clinic|Center|Centre|Hospice|Infirmary|Institute|Regional|Family Practice|Practice|"
    "Association|Trust|NHS Trust|Foundation Trust|Unit|Site|District|Authority|Fire-Rescue|"
    "Rescue|EMS|Dentistry|Dental|Group|Partners|Labs|Laboratory|Physiotherapy|Therapy|Surgery|"
    "Medical Practice|Health Centre|Primary Care|Behavioral Health|Behavioural Health|Services|"
    "Pediatrics|Urgent Care|Nursing Home|Care Home|Senior Living|Assisted Living|Medical Group|"
    "Surgical Associates|Associates|Dialysis|Rehab|Rehabilitation|Health|Healthcare|Health System|"
    "Medical|Care|Home|Manor|Pharmacy|Sanatorium|Surgery Center|Imaging|Laboratories|Lab|"
    "Facility|Family Medicine|Medicine|Audiology & Hearing|Audiology|Hearing Center|Hearing|"
    "Hospitality House|Transplant House|Guest House|Family House|Lodge|Infusion Suite|"
    "Infusion Center|Cancer Genetics Service|Genetics Service|Genetics|Gastroenterology|"
    "Cardiology|Oncology|Neurology|Dermatology|Orthopaedics|Orthopedics|Urology|Nephrology|"
    "Pulmonology|Endocrinology|Rheumatology|Ophthalmology|Optometry|Eye Center|Eye Clinic|"
    "Skilled Nursing Facility|Skilled Nursing|Nursing Center|Sleep Center|Sleep Lab|"
    "Wellness Center|Wellness|Counseling|Counselling|Psychiatry|Psychology|Podiatry|Chiropractic|"
    "Elementary School|Middle School|High School|Primary School|Secondary School|School|Academy|"
    "ISD|School District|College|University|Drug Store|Drugstore|Chemist|Biorepository|Biobank|"
    "Genomics|Blood Bank|Blood Centre|Blood Center|Medical Center|Medical Centre|"
    "Heart Rhythm Service|Service|Apothecary|Dispensary|Optician|Opticians|Hearing Aid Center|"
    "Funeral Directors|Funeral Home|Funeral Services|Mortuary|Health Department|Family Health Team|"
    "Health Team|Church|Mosque|Temple|Synagogue|Parish|Congregation|Chapel|Cathedral|"
    "Church Hall|Village Hall|Community Hall|Memorial Hall|Parish Hall|Gurdwara Sahib|Gurdwara|"
    "Mental Health Team|CMHT|Transport Team|Retrieval Service|Team|Medical Supply|Supply|"
    "Supplies|Drug|Drugs"
)
# Suffixes that also end ordinary phrases ("ICU team", "Oxygen Supply"): their head needs a
# word that is neither an acronym nor a common word.
_WEAK_SUFFIXES = frozenset({"team", "supply", "supplies", "drug", "drugs"})
# Longest first, so that "Church Hall" is taken whole rather than "Church" alone.
_SUFFIXES = "|".join(sorted(set(FACILITY_SUFFIXES.split("|")), key=len, reverse=True))
_WORD = r"\p{Lu}[\p{L}'’.-]*\p{L}"
_FACILITY = regex.compile(
    rf"\b(?P<head>{_WORD}(?:[ \t](?:of[ \t](?:the[ \t])?|&[ \t]|and[ \t])?{_WORD}){{0,5}})"
    rf"[ \t](?P<suffix>(?i:{_SUFFIXES}))\b(?![ \t](?i:{_SUFFIXES})\b)"
    rf"(?:[ \t]+of[ \t]+{_WORD}(?:[ \t]+{_WORD})?)?",
    CASE_SENSITIVE,
)
_SAINT = regex.compile(
    rf"\b(?:St\.?|Saint|ST\.?|SAINT)[ \t]+{_WORD}(?!(?:'s|’s|'S)?[ \t]+(?i:wort)\b)"
    rf"(?:'s|’s|'S)?(?:(?:[ \t]+{_WORD}){{0,3}}[ \t]+(?:{_SUFFIXES}))?"
    rf"(?:[ \t]+(?:{_SUFFIXES}))*\b",
    CASE_SENSITIVE,
)
# Facility names with the kind of place first ("Hôpital Martin-la-Forêt", "University
# Hospital Myles Ville", "Klinikum Luckenwalde").
_FACILITY_PREFIX = regex.compile(
    rf"\b(?:{_WORD}[ \t]+)?(?:Hôpital|Hopital|Clinique|Clínica|Clinica|Klinikum|Krankenhaus|"
    r"Ospedale|Ziekenhuis|Centre Hospitalier|Hospital Universitario|Hospital General|"
    r"Coroners Court of|Coroner's Court of|Coroners’ Court of|Masjid|Church of|Parish of|"
    r"University Hospital|General Hospital|Hospital|Universitätsklinikum|Policlinico|"
    r"Medisch Centrum|Kliniken|HMP[ \t]&[ \t]YOI|HMP|HMYOI|Szpital|Centro Hospitalar|"
    r"Azienda Ospedaliera|Casa di Cura|Unidade de Saúde)"
    rf"(?:[ \t]+(?:(?:de|del|de la|du|des|di|do|da|van|der|St\.?|w|im\.)[ \t]+)?{_WORD}"
    rf"(?:-{_WORD})*){{1,4}}"
)
# A surname-first name opening a line and followed by a column gap ("Bell, David   Chart #"):
# kept when the given name is a known name, so "Asthma, Copd   stable" is not taken.
_LINE_SURNAME_FIRST = regex.compile(
    rf"^[ \t]*(?P<name>{_WORD},[ \t]?(?P<given>\p{{Lu}}\p{{Ll}}+)(?:[ \t]\p{{Lu}}\.?)?)"
    r"(?=[ \t]{2,}|\t|[ \t]*$)",
    regex.MULTILINE,
)
_INITIAL_NAME = regex.compile(
    rf"\b\p{{Lu}}\.[ \t]?(?:{PARTICLE}[ \t]+){{0,2}}"
    r"(?P<last>\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)\b"
)
_UPPER_PAIR = regex.compile(
    r"\b(\p{Lu}{2,}(?:[-'’]\p{Lu}+)?),[ \t]*(\p{Lu}{2,}(?:[-'’]\p{Lu}+)?)\b"
    r"(?![ \t]+\d{5})"  # "BRYANBERG, AR 35108" is a city and a state
)
# Head words that do not make a facility name by themselves ("Intensive Care Unit", "Primary
# Care"): a facility head needs one word outside this list (a place or a person's name).
GENERIC_FACILITY_WORDS = frozenset(
    """the a an our your this that their his her its of and new old general regional memorial
    community university county state national veterans medical clinical health healthcare care
    intensive coronary cardiac neonatal pediatric paediatric surgical surgery emergency
    outpatient inpatient primary urgent physical occupational speech sports research behavioral
    behavioural mental family oral dental wound limb preservation reference trial cancer heart
    rehab rehabilitation hospital clinic center centre unit department services service home
    nursing skilled women's womens infants children's childrens maternity day night ambulance
    fire ems nhs trust foundation district authority group practice partners associates
    laboratory labs lab imaging radiology pathology dialysis hospice palliative therapy
    physiotherapy hyperbaric visiting nurse association mobile crisis psychiatric addiction
    recovery sleep pain spine orthopedic orthopaedic eye vision hearing cardiology oncology
    neurology transplant stroke trauma burn critical acute long term senior assisted living
    residential private public central main north south east west upper lower st saint patient
    patients report note visit discharge admission study support social protective child adult
    blood bank donor transfusion respiratory step-down observation medicine internal infusion
    case management quality safety admitting billing records information customer member
    provider network plan insurance benefits pharmacy medication nuclear pulmonary geriatric
    tropical travel preventive integrative functional lifestyle regenerative aerospace
    veterinary precision academic submitting receiving referring sending transferring accepting
    treating outside other previous current facility continue resume return discharged
    sent department dept division section office diagnostic diagnostics interventional
    explanation benefits benefit public schools school health district pre-admission
    pre-operative preoperative interpreter interpreting escort""".split()
)
_LOWER_TITLED = regex.compile(r"\b(?:dr|mr|mrs|ms|miss)\.?[ \t]+(?P<name>\p{Ll}[\p{Ll}'’-]+)")
_CREDENTIAL_WORDS = frozenset(
    "md do rn np pa lpn cna emt mt cls mls bds dds dmd pt ot rd rt dpt phd msw lcsw emt-b emt-p "
    "emt-i ccrp ccrc cwon cnm".split()
)
# Words after a lower-case title that are not names ("dr will call", "ms and HTN").
_NOT_NAMES = frozenset(
    """will may and or the to of in on at for with said office visit note appt appointment
    orders order is was has had note notes called call aware notified ok states""".split()
)


def _proper(head: str, vocab: frozenset[str]) -> bool:
    """True when a head reads as a name: a word that is neither an acronym nor a common word
    ("Kestrel"), or two capitalised words ("Silver Lake Drug"; "Study Drug" has one)."""
    words = regex.findall(r"\p{L}+", head)
    capitalised = [t for t in words if t[:1].isupper() and not t.isupper()]
    return len(capitalised) >= 2 or any(not t.isupper() and t.lower() not in vocab for t in words)


def _distinctive(head: str) -> bool:
    """True when a facility head has a word that is not generic ("Copper Valley", not "Acute")."""
    tokens = regex.findall(r"\p{L}[\p{L}'’]*", head.lower())
    return any(t not in GENERIC_FACILITY_WORDS and len(t) > 2 for t in tokens)


def _merge_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping facility spans as one: "St. Mary's" and "Mary's Pathology Associates".

    Apart, the longer one wins the overlap and the saint's "St." is left out of the name.
    """
    merged: list[tuple[int, int, str]] = []
    for start, end, phi_type in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), phi_type)
        else:
            merged.append((start, end, phi_type))
    return merged


def lexical_spans(
    text: str, vocab: frozenset[str], names: frozenset[str]
) -> list[tuple[int, int, str]]:
    """Facility and name spans found by structure, checked against the safe vocabulary.

    Args:
        text: A note.
        vocab: The safe vocabulary (lower case).
        names: First and last names (lower case).

    Returns:
        ``(start, end, phi_type)`` with types FACILITY and NAME.
    """
    spans = []
    for match in _FACILITY.finditer(text):
        head = match.group("head")
        suffix = match.group("suffix")
        if suffix.islower() and regex.fullmatch(r"\p{Lu}{2,4}", head):
            continue  # "ICU care", "ED team": a unit and what it does, not a place's name
        if _distinctive(head) and (suffix.lower() not in _WEAK_SUFFIXES or _proper(head, vocab)):
            spans.append((match.start(), match.end(), "FACILITY"))
    spans += [(m.start(), m.end(), "FACILITY") for m in _SAINT.finditer(text)]
    spans += [(m.start(), m.end(), "FACILITY") for m in _FACILITY_PREFIX.finditer(text)]
    spans = _merge_overlaps(spans)
    for match in _LINE_SURNAME_FIRST.finditer(text):
        if match.group("given").lower() in names:
            spans.append((match.start("name"), match.end("name"), "NAME"))
    for match in _INITIAL_NAME.finditer(text):
        last = match.group("last").lower()
        if last not in vocab or last in names:
            spans.append((match.start(), match.end(), "NAME"))
    for match in _UPPER_PAIR.finditer(text):  # "SMITH, JOHN": no ordinary word on either side
        words = [w.lower() for w in match.groups()]
        if words[1] in _CREDENTIAL_WORDS:  # "LEONE, EMT-B": the name is before the comma
            continue
        if all(w not in vocab or w in names for w in words) and any(w not in vocab for w in words):
            spans.append((match.start(), match.end(), "NAME"))
    for match in _LOWER_TITLED.finditer(text):
        word = match.group("name")
        if word not in _NOT_NAMES and (word not in vocab or word in names):
            spans.append((match.start("name"), match.end("name"), "NAME"))
    return spans
