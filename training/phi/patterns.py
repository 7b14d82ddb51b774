"""Regular expressions of PHI in notes, as Presidio pattern recognizers and for date parsing.

Written for the ``regex`` module (Presidio's engine): labels are variable-length lookbehinds so
that a match is the value only ("MRN: 00481516" -> "00481516"). Name and month patterns are
case-sensitive on purpose: under IGNORECASE ``\\p{Lu}`` matches lower case too, and "may" is a
verb far more often than a month.
"""

from __future__ import annotations

import regex

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE
IGNORE_CASE = CASE_SENSITIVE | regex.IGNORECASE

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _month_alternatives() -> str:
    forms = {"Sept", "SEPT"}
    for month in MONTHS:
        forms |= {month, month[:3], month.upper(), month[:3].upper()}
    return "|".join(sorted(forms, key=len, reverse=True))


_MON = rf"(?P<mon>{_month_alternatives()})\.?"
_DAY = r"(?P<d>(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?)"
_DAY_ORD = r"(?P<d>(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th))"
_AGE = r"(?:9\d|1[01]\d)"  # over 89; 120+ is taken for something else
_NAME = r"\p{Lu}[\p{Ll}'’-]*\p{L}"
_UPPER_NAME = r"\p{Lu}[\p{L}'’-]*\p{L}"
_ID_VALUE = r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9]\b"
_STREET_SUFFIXES = (
    "Street St Avenue Ave Road Rd Boulevard Blvd Drive Dr Lane Ln Court Ct Way Place Pl Terrace "
    "Circle Cir Parkway Pkwy Highway Hwy Square Trail Alley Bridge Brook Brooks Bypass Camp Canyon "
    "Cape Causeway Center Club Common Corner Corners Course Courts Cove Creek Crescent Crest "
    "Crossing Curve Dale Dam Divide Estate Estates Expressway Extension Falls Ferry Field Fields "
    "Flat Flats Ford Forest Forge Fork Forks Fort Freeway Garden Gardens Gateway Glen Glens Green "
    "Grove Harbor Haven Heights Hill Hills Hollow Island Islands Isle Junction Key Knoll Knolls "
    "Lake Lakes Landing Light Lights Loaf Lock Locks Lodge Loop Mall Manor Manors Meadow Meadows "
    "Mews Mill Mills Mission Motorway Mount Mountain Mountains Neck Orchard Oval Overpass Park "
    "Parks Pass Passage Path Pike Pine Pines Plain Plains Plaza Point Points Port Ports Prairie "
    "Radial Ramp Ranch Rapid Rapids Rest Ridge Ridges River Roads Route Row Rue Run Shoal Shoals "
    "Shore Shores Skyway Spring Springs Spur Spurs Station Stravenue Stream Streets Summit "
    "Throughway Trace Track Trafficway Tunnel Turnpike Underpass Union Unions Valley Valleys Via "
    "Viaduct View Views Village Villages Ville Vista Walk Walks Wall Ways Well Wells"
).split()

# Date patterns; named groups m/d/y/mon are read back to shift the date in its own format.
DATE_PATTERNS = (
    r"(?<![\d/])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d{2})(?![\d/])",
    r"(?<![\d-])(?P<m>1[0-2]|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])-(?P<y>\d{4})(?![\d-])",
    r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>1[0-2]|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])(?![\d-])",
    r"(?<![\d.])(?P<d>3[01]|[12]\d|0?[1-9])\.(?P<m>1[0-2]|0?[1-9])\.(?P<y>\d{4})(?!\d)",
    rf"\b{_MON}\s+{_DAY},?\s+(?P<y>\d{{4}})\b",
    rf"\b{_DAY}[\s-]+{_MON}[\s,-]+(?P<y>\d{{4}}|\d{{2}})\b(?![:/])",
    rf"\b(?:the\s+)?{_DAY_ORD}\s+of\s+{_MON}(?:,?\s+(?P<y>\d{{4}}))?\b",
    rf"\b{_MON}\s+{_DAY}\b(?![:/.]\d)",
    r"(?<=\b(?:on|since|from|until|dated|of|DOS:?)\s+)(?P<m>1[0-2]|0?[1-9])/"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/])",
)
DATE_REGEXES = tuple(regex.compile(p, CASE_SENSITIVE) for p in DATE_PATTERNS)

_LABELLED = r"\s*(?:number|no\.?|num|ID|#)?\s*[:#]?\s*"
# (entity, flags, [(pattern name, regex, score)], context words)
RECOGNIZERS: tuple[tuple[str, int, list[tuple[str, str, float]], tuple[str, ...]], ...] = (
    ("EMAIL", IGNORE_CASE, [("email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", 0.95)], ()),
    ("URL", IGNORE_CASE, [("url", r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:)]", 0.9)], ()),
    (
        "IP",
        CASE_SENSITIVE,
        [
            (
                "ipv4",
                r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
                r"(?![\d.]*\d)",
                0.85,
            )
        ],
        (),
    ),
    (
        "SSN",
        IGNORE_CASE,
        [
            ("ssn", r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])", 0.9),
            (
                "ssn last four",
                r"(?<=\b(?:SSN|social security(?: number| no\.?)?)\b[^\n\d]{0,20})"
                r"\d{4}\b",
                0.85,
            ),
            ("ssn labelled", r"(?<=\bSSN\s*[:#]?\s*)\d{9}\b", 0.9),
        ],
        (),
    ),
    (
        "PHONE",
        CASE_SENSITIVE,
        [
            (
                "phone",
                r"(?<![\w/.-])(?:\+?1[-. ])?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w/-])",
                0.85,
            ),
            ("phone labelled", r"(?<=\b(?:phone|tel|fax|cell|pager|ph)\.?:?\s*)\d{10}\b", 0.85),
        ],
        (),
    ),
    (
        "MRN",
        IGNORE_CASE,
        [
            (
                "mrn",
                r"(?<=\b(?:MRN|MR#|MR No\.?|medical record(?: number| no\.?)?)\s*[:#]?\s*)"
                r"[A-Z]{0,3}\d{5,10}\b",
                0.95,
            )
        ],
        (),
    ),
    (
        "ID",
        IGNORE_CASE,
        [
            (
                "record number",
                r"(?<=\b(?:account|acct|accession|visit|encounter|FIN|CSN|HAR|case|"
                r"member|policy|subscriber|claim|specimen|plan)" + _LABELLED + ")" + _ID_VALUE,
                0.85,
            )
        ],
        (),
    ),
    (
        "DEVICE",
        IGNORE_CASE,
        [
            (
                "device",
                r"(?<=\b(?:serial|SN|S/N|UDI|IMEI|device)" + _LABELLED + ")" + _ID_VALUE,
                0.85,
            )
        ],
        (),
    ),
    (
        "LICENSE",
        IGNORE_CASE,
        [
            (
                "license",
                r"(?<=\b(?:license|licence|DEA|NPI|certificate)" + _LABELLED + ")" + _ID_VALUE,
                0.85,
            )
        ],
        (),
    ),
    (
        "ZIP",
        CASE_SENSITIVE,
        [
            ("zip after state", r"(?<=\b[A-Z]{2}\s+)\d{5}(?:-\d{4})?\b", 0.8),
            ("zip labelled", r"(?<=\b(?:ZIP|Zip|zip)(?: code)?:?\s*)\d{5}(?:-\d{4})?\b", 0.85),
        ],
        (),
    ),
    (
        "ADDRESS",
        CASE_SENSITIVE,
        [
            (
                "street",
                r"\b\d{1,6}[ \t]+(?:\p{Lu}\p{Ll}+\.?[ \t]+){1,3}(?:"
                + "|".join(_STREET_SUFFIXES)
                + r")\b\.?(?:,?[ \t]+(?:Apt\.|Suite|Unit|#)"
                r"[ \t]*\w+)?",
                0.85,
            ),
            ("po box", r"\bP\.?O\.?[ \t]+Box[ \t]+\d+", 0.85),
        ],
        (),
    ),
    (
        "CITY",
        CASE_SENSITIVE,
        [
            (
                "city before state",
                rf"\b{_NAME}(?:[ \t]{_NAME})?(?=,[ \t]*[A-Z]{{2}}[ \t]+\d{{5}})",
                0.85,
            )
        ],
        (),
    ),
    (
        "AGE",
        IGNORE_CASE,
        [
            ("age years", rf"\b{_AGE}(?=[- ]?(?:years?|yrs?|y/o|yo|y\.o\.)\b)", 0.85),
            ("age labelled", rf"(?<=\b(?:aged?|AGE:)\s*){_AGE}\b", 0.85),
            ("age is", rf"(?<=\b(?:is|was|turned)\s+){_AGE}(?=\s*(?:,|\.|and\b|years))", 0.7),
        ],
        (),
    ),
    (
        "NAME",
        CASE_SENSITIVE,
        [
            (
                "titled",
                rf"(?<=\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Nurse)\.?[ \t]+){_NAME}"
                rf"(?:[ \t]+{_NAME})?",
                0.9,
            ),
            (
                "credentialed",
                rf"\b{_NAME}[ \t]+{_NAME}(?=,?[ \t]+(?:MD|DO|RN|NP|PA-C|PharmD|PhD)\b)",
                0.8,
            ),
            (
                "labelled",
                rf"(?<=\b(?:Patient|PATIENT|Name|NAME|Pt|Caller|Requested by|By|by):?"
                rf"[ \t]+){_UPPER_NAME},?[ \t]+{_UPPER_NAME}\b",
                0.8,
            ),
        ],
        (),
    ),
    *(("DATE", CASE_SENSITIVE, [(f"date {i}", p, 0.85)], ()) for i, p in enumerate(DATE_PATTERNS)),
)

TITLE_BEFORE = regex.compile(r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Nurse)\.?[ \t]+$")
EPONYM_CONTEXT = regex.compile(
    r"(?:-\p{Lu}\p{Ll}+)?(?:'s|’s|'|’)?(?:[ \t]+|-)(?:disease|syndrome|sign|palsy|lymphoma|"
    r"fracture|esophagus|cyst|"
    r"disorder|phenomenon|reflex|test|maneuver|chorea|ulcer|encephalopathy|thyroiditis|sarcoma|"
    r"tumou?r|score|scale|catheter|criteria|classification|procedure|operation|repair|node|"
    r"contracture|neuroma|anomaly|aneurysm|diverticulum|triad|law|position|hernia|disease's)\b",
    regex.IGNORECASE,
)
# For reading a detected date back (the last one has no label lookbehind: "on 3/14" -> "3/14").
DATE_PARSERS = (
    *DATE_REGEXES,
    regex.compile(r"(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])", CASE_SENSITIVE),
)
