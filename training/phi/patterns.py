"""Regular expressions of PHI in notes, as Presidio pattern recognizers and for date parsing.

Written for the ``regex`` module (Presidio's engine): labels are variable-length lookbehinds so
that a match is the value only ("MRN: 00481516" -> "00481516"). Name and month patterns are
case-sensitive on purpose: under IGNORECASE ``\\p{Lu}`` matches lower case too, and "may" is a
verb far more often than a month.
"""

from __future__ import annotations

import regex

from training.phi.types import MONTHS

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE
IGNORE_CASE = CASE_SENSITIVE | regex.IGNORECASE


def _month_alternatives() -> str:
    forms = {"Sept", "SEPT", "sept"}
    for month in MONTHS:
        forms |= {month, month[:3], month.upper(), month[:3].upper()}
        if month != "May":  # dictation writes months in lower case; "may" is mostly a verb
            forms |= {month.lower(), month[:3].lower()}
    return "|".join(sorted(forms, key=len, reverse=True))


_MON = rf"(?P<mon>{_month_alternatives()})\.?"
_MON3 = "|".join(f"{m[:3]}|{m[:3].upper()}|{m[:3].lower()}" for m in MONTHS)
_ORD = r"(?:st|nd|rd|th|ST|ND|RD|TH)"  # upper case in scanned faxes ("3RD OF MAY")
_DAY = rf"(?P<d>(?:3[01]|[12]\d|0?[1-9]){_ORD}?)"
_DAY_ORD = rf"(?P<d>(?:3[01]|[12]\d|0?[1-9]){_ORD})"
# Words before a bare month/day ("seen 3/10"); "pain 3/10" is a score, so those are left out.
_SHORT_DATE_CUES = (
    "on|since|from|until|dated|of|DOS:?|seen|admitted|discharged|started|stopped|through|thru|"
    "faxed|returned|collected|effective|due|scheduled|visit|appt|appointment|last|next|before|"
    "after|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun"
)
_SCORE_CUES = r"(?i:pain|score|scored|rated|rates|scale|severity|level|strength|intensity)"
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
    rf"\b(?:(?:the|The|THE)\s+)?{_DAY_ORD}\s+(?:of|OF)\s+"
    rf"(?:{_MON}|(?P<mon>may))(?:,?\s+(?P<y>\d{{4}}))?\b",
    rf"\b{_MON}\s+{_DAY}\b(?![:/.]\d)",
    rf"(?<!{_SCORE_CUES}\s+(?:\w+\s+)?)(?<=\b(?i:{_SHORT_DATE_CUES})\s+)"
    r"(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/])",
    # No cue: only where it cannot be a grade or score ("5/5 strength", "2/6 murmur", "4/10").
    rf"(?<![\w/.+-])(?<!{_SCORE_CUES}[^\n\d]{{0,12}})"
    r"(?P<m>1[0-2]|0?[1-9])/(?P<d>(?!10(?!\d))(?:3[01]|[12]\d|[7-9]|(?<=(?:[7-9]|1[0-2])/)[1-6]))"
    r"(?![\d/+]|\s*(?i:nodes?|lymph|positive|cores?|murmur|strength|reflex|grade|of\b))",
    rf"(?<![\w])(?P<d>3[01]|[12]\d|0?[1-9])(?P<mon>{_MON3})(?P<y>(?:19|20)\d\d|\d\d)(?![\w])",
)
DATE_REGEXES = tuple(regex.compile(p, CASE_SENSITIVE) for p in DATE_PATTERNS)

_LABELLED = r"\.?\s*(?:number|no\.?|num|nbr|ID|#)?\s*(?:is\s+)?[:#|]?\s*"
_EXTENSION = r"(?:[ \t]*,?[ \t]*(?i:ext\.?|x|extension)[ \t]*\d{1,5}\b)?"
# "<any label> No./Number/#/ID <value>": record numbers of every kind in any label style.
_GENERIC_ID_LABEL = r"\b\p{L}{2,}[ \t]+(?:No\.?|Number|Num|Nbr|ID|\#)[ \t]*[:#.|]?[ \t]*"
_AGE_UNITS = (
    r"ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one[- ]hundred(?:(?:[- ]and)?[- ](?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?"
)
_NOT_AGE_AFTER = (
    r"(?![- ]?(?:percent|%|minutes?|mins?|seconds?|hours?|hrs?|days?|weeks?|months?|mg|mcg|"
    r"milligrams?|ml|units?|times|beats|degrees|pounds|lbs?|kg|cc|mmhg|meters?|feet|ft)\b)"
)
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
            (
                "ssn labelled",
                r"(?<=\b(?:SSN|SS\#|social security)\b[^\n\d]{0,25})"
                r"(?<!\d)\d{3}(?:[ -]?)\d{2}(?:[ -]?)\d{4}\b",
                0.9,
            ),
            ("ssn spaced", r"(?<!\d)(?<!\d[ -])\d{3} \d{2} \d{4}(?![\d])", 0.6),
        ],
        (),
    ),
    (
        "PHONE",
        CASE_SENSITIVE,
        [
            (
                "phone",
                r"(?<![\w/.-])(?:\+?1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w/-])"
                + _EXTENSION,
                0.85,
            ),
            (
                "phone labelled",
                r"(?<=\b(?i:phone|tel|telephone|fax|cell|mobile|pager|ph|call|callback|contact|"
                r"home|work|reach|text)\b[^\n\d]{0,20})(?<!\d)1?\d{10}\b" + _EXTENSION,
                0.85,
            ),
            (
                "phone uk",
                r"(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?\d{2,4}[ \t]?|\(?0\d{2,4}\)?[ \t])"
                r"\d{3,4}[ \t]?\d{3,4}(?![\w-])" + _EXTENSION,
                0.8,
            ),
            (
                "phone local cued",
                r"(?<=\b(?i:page|paged|pager|call|phone|tel|bleep|beeper|ext|extension|cell|"
                r"mobile|reached on|reach at|dial)\b[^\n\d]{0,6})(?<!\d)\d{3}-\d{4}(?![\w-])",
                0.8,
            ),
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
                r"member|policy|subscriber|claim|specimen|plan|badge|group|medicaid|medicare|MBI|"
                r"HICN|auth|authorization|req|requisition|order|confirmation|chart|beneficiary|"
                r"employee|insurance|invoice|ticket|referral)" + _LABELLED + ")" + _ID_VALUE,
                0.85,
            ),
            ("labelled number", r"(?<=" + _GENERIC_ID_LABEL + ")" + _ID_VALUE, 0.75),
            # Seven or more bare digits are an identifier in a note, whatever the label says.
            (
                "long number",
                r"(?<![\w.,/-])\d{7,}(?![\w/-]|[.,]\d|\s*(?i:units?|IU|mg|mcg|ml|copies|cells)\b)",
                0.6,
            ),
            ("prefixed number", r"(?-i:\b[A-Z][A-Za-z]{0,3}-?\d{6,}\b)", 0.6),
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
            ),
            ("gs1 udi", r"\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9-]+)*", 0.9),
            ("serial prefixed", r"\b(?:SN|S/N)[-#]?\d[A-Z0-9]{5,}\b", 0.85),
        ],
        (),
    ),
    (
        "LICENSE",
        IGNORE_CASE,
        [
            (
                "license",
                r"(?<=\b(?:license|licence|lic|DEA|NPI|certificate|DL|CDL|permit)"
                + _LABELLED
                + ")"
                + _ID_VALUE,
                0.85,
            ),
            ("dea format", r"(?-i:\b[ABCDEFGHJKLMPRSTUX][A-Z]\d{7}\b)", 0.8),
            ("clia format", r"(?-i:\b\d{2}D\d{7}\b)", 0.8),
        ],
        (),
    ),
    (
        "ZIP",
        CASE_SENSITIVE,
        [
            ("zip after state", r"(?<=\b[A-Z]{2}\s+)\d{5}(?:-\d{4})?\b", 0.8),
            ("zip labelled", r"(?<=\b(?:ZIP|Zip|zip)(?: code)?:?\s*)\d{5}(?:-\d{4})?\b", 0.85),
            ("uk postcode", r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[ABD-HJLNP-UW-Z]{2}\b", 0.8),
            (
                "zip after city",
                rf"(?<=,[ \t]*{_NAME}(?:[ \t]{_NAME})?,?[ \t]+)\d{{5}}(?:-\d{{4}})?\b(?![\d-])",
                0.7,
            ),
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
            ),
            (
                "city before zip",
                rf"(?<=,[ \t]*)(?![A-Z]{{2}}\b){_NAME}(?:[ \t]{_NAME})?"
                r"(?=,?[ \t]+\d{5}(?:-\d{4})?\b)",
                0.7,
            ),
        ],
        (),
    ),
    (
        "AGE",
        IGNORE_CASE,
        [
            ("age years", rf"\b{_AGE}(?=[- ]?(?:years?|yrs?|y/o|yo|y\.o\.|y)\b)", 0.85),
            ("age labelled", rf"(?<=\b(?:aged?|AGE:)\s*){_AGE}(?=\b|y\b)", 0.85),
            ("age is", rf"(?<=\b(?:is|was|turned)\s+){_AGE}(?=\s*(?:,|\.|and\b|years))", 0.7),
            ("age in words", rf"\b(?:{_AGE_UNITS})\b{_NOT_AGE_AFTER}", 0.75),
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
    r"contracture|neuroma|anomaly|aneurysm|diverticulum|triad|law|position|hernia|disease's|"
    r"class|level|inventory|questionnaire|index|thickness|manoeuvre|fundoplication|bypass|stain|"
    r"staging|grade|rule|formula|en-Y)\b",
    regex.IGNORECASE,
)
# A named clinical instrument: up to three capitalised words (or the usual lower-case words of
# such names) closed by an instrument word, e.g. "Glasgow Coma Scale", "Richmond
# Agitation-Sedation Scale", "Beck Depression Inventory". Names inside one are not people.
_INSTRUMENT_WORD = (
    r"(?:\p{Lu}[\p{L}'’]*(?:-\p{L}+)*|coma|depression|anxiety|rating|fall|pain|outcome)"
)
NAMED_INSTRUMENT = regex.compile(
    rf"\b\p{{Lu}}[\p{{L}}'’]*(?:-\p{{Lu}}\p{{L}}*)?(?:[ \t]+{_INSTRUMENT_WORD}){{0,3}}[ \t]+"
    r"(?i:scale|score|inventory|questionnaire|index|criteria|class|level|test|classification|"
    r"staging|grade)\b"
)
# Stand-alone letters and roman numerals ("class B", "class II") are never a name on their own.
LONE_LETTER = regex.compile(r"(?:[A-Z]|[IVX]{1,4})")
# For reading a detected date back (the last one has no label lookbehind: "on 3/14" -> "3/14").
DATE_PARSERS = (
    *DATE_REGEXES,
    regex.compile(r"(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])", CASE_SENSITIVE),
)
