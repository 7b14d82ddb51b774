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
# Month names of other languages, lower case, with their month number.
FOREIGN_MONTHS: dict[str, tuple[str, ...]] = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "dezember"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
           "września", "października", "listopada", "grudnia"),
    "es_abbr": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
                "dic"),
}  # fmt: skip
_FOREIGN_FORMS = sorted(
    {m for months in FOREIGN_MONTHS.values() for m in months}
    | {"fevrier", "aout", "decembre", "setiembre", "marco", "maerz", "jänner"},
    key=len,
    reverse=True,
)
_FMON = "(?P<fmon>(?i:" + "|".join(_FOREIGN_FORMS) + "))"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday_alternatives() -> str:
    forms = {"Tues", "Thur", "Thurs", "TUES", "THUR", "THURS"}
    for day in WEEKDAYS:
        forms |= {day, day[:3], day.upper(), day[:3].upper()}
    return "|".join(sorted(forms, key=len, reverse=True))


# An optional weekday before a date ("Thursday 5 September 2024", "Wed 01/10"); re-rendered
# for the shifted date, so it never contradicts it.
_WD = rf"(?:(?P<wd>{_weekday_alternatives()})\.?,?[ \t]+)?"
# A date that may open with a weekday opens with one of their capitals or with a digit: checked
# first, this lookahead spares the weekday alternation at nearly every position.
_WD_OR_DIGIT = r"(?=[MTWFS\d])"
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ROMAN = "|".join(sorted(ROMAN_MONTHS, key=len, reverse=True))
DAY_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth "
    "twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first"
).split()
_DAY_WORD = "(?P<dw>" + "|".join(sorted(DAY_WORDS, key=len, reverse=True)) + ")"
_MON3 = "|".join(f"{m[:3]}|{m[:3].upper()}|{m[:3].lower()}" for m in MONTHS)
# A month as an ordinal word ("the 8th of the fifth"), read back by ``mw``.
MONTH_WORDS = DAY_WORDS[:12]
_MONTH_WORD = "(?P<mw>" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + ")"
_ORD = r"(?:st|nd|rd|th|ST|ND|RD|TH)"  # upper case in scanned faxes ("3RD OF MAY")
_DAY = rf"(?P<d>(?:3[01]|[12]\d|0?[1-9]){_ORD}?)"
_DAY_ORD = rf"(?P<d>(?:3[01]|[12]\d|0?[1-9]){_ORD})"
# Words before a bare month/day ("seen 3/10"); "pain 3/10" is a score, so those are left out.
_SHORT_DATE_CUES = (
    "on|since|from|until|dated|of|DOS:?|seen|admitted|discharged|started|stopped|through|thru|"
    "faxed|returned|collected|effective|due|scheduled|visit|appt|appointment|last|next|before|"
    "after|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun|departs|departing|departed|returns|"
    "returning|leaves|leaving|arrives|arriving|flies|flying|booked|rebooked|come in|by|til|till|"
    "DOB:?|D\\.O\\.B\\.:?|born|birth date:?|date of birth:?|released|renewed|died|arrested|"
    "booked for|planned for|scheduled for|expected on|reviewed on|el|le|dal|del|am|vom|"
    "allocated|informed|notified"
)
_SCORE_CUES = r"(?i:pain|score|scored|rated|rates|scale|severity|level|strength|intensity)"
_AGE = r"(?:9\d|1[01]\d)"  # over 89; 120+ is taken for something else
_NAME = r"\p{Lu}[\p{Ll}'’-]*\p{L}"
_UPPER_NAME = r"\p{Lu}[\p{L}'’-]*\p{L}"
# Titles in several languages; a name after one is a person, whatever follows it.
_TITLES = (
    r"(?:Doctor|Dott\.ssa|Dr|DR(?=\.)|PROF(?=\.)|Mr|Mrs|Ms|Miss|Mx|Prof|Nurse|Sr|Sra|Srta|Herr|"
    r"Frau|Mme|Mlle|Dott|Dra|Sig|Sig\.ra|"
    r"Pan|Pani|Shri|Smt|Bay|Bayan|Mevr|Dhr|Fr(?=\.)|Ofc(?=\.)|PC(?=[ \t]\p{Lu})|Sister|Matron|"
    r"Officer|Deputy|Sgt|Sergeant|"
    r"Constable|Detective|Chaplain|Rev|Reverend|Pastor|Rabbi|Imam|Judge|Attorney|Counsel)\.?"
)
# Surname particles written in lower case ("van de Kooij", "da Silva", "Ó Duibhghiolla").
_PARTICLE = (
    r"(?:van|von|de|der|den|del|della|di|da|dos|das|du|le|la|ten|ter|Ó|Ní|Mac|bin|bint|ibn|al)"
)
_NAME_WORD = r"\p{Lu}[\p{L}'’-]*\p{L}"
# What a name can open with, tested before a pattern's label lookbehind, which is far dearer.
_PERSON_START = rf"(?=\p{{Lu}}|{_PARTICLE}[ \t])"
_PERSON = (
    rf"(?:\p{{Lu}}\.[ \t]?){{0,2}}(?:{_PARTICLE}[ \t]+){{0,2}}{_NAME_WORD}"
    rf"(?:[ \t]\p{{Lu}}\.)?(?:[ \t](?:{_PARTICLE}[ \t]){{0,2}}{_NAME_WORD}){{0,3}}"
)
_CREDENTIALS = (
    r"(?:MD|DO|RN|NP|PA-C|PA|PharmD|PhD|LPN|LVN|CNA|APRN|FNP|CRNA|DNP|PsyD|LCSW|LMSW|MSW|LPC|"
    r"DDS|DMD|BDS|MB[ \t]?BS|MBChB|MRCP|FRCS|FRCP|DPT|PT|OT|OTR|SLP|RD|RRT|RT|RPh|CLS|MLS|MT|"
    r"EMT-[BPI]|EMT|Paramedic|CWON|CNM|IBCLC|BSN|MSN|CCRP|CCRC|CCRA|CCM|CDE|CWOCN|Au\.?D|"
    r"CCC-A|CCC-SLP|NNP|CGC|RPSGT|CCHT|FRCOphth|FRCOG|FRCPath|FRACP|Esq|OD|DPM|LCPC|LMFT|CNS|"
    r"ACNP|AGNP|PMHNP|RDN|ATC|CRNP|FNP-BC|ANP|MBBS|MRCGP|FRCPC|FACS|FACP|SCPHN|RGN|RMN|RSCN|"
    r"LDN|MS(?=,[ \t]*(?:CCC|CGC|RD|LDN|CNS|ATC|SLP)))"
)
# The word after the comma is a given name, not a first credential: "Krishnan, RN, CWON".
_SURNAME_FIRST = (
    rf"(?:{_PARTICLE}[ \t]){{0,2}}(?:{_NAME_WORD}[ \t])?{_NAME_WORD},[ \t]?"
    rf"(?!{_CREDENTIALS}\b){_NAME_WORD}"
    rf"(?:[ \t]{_NAME_WORD})?(?:[ \t]\p{{Lu}}\b\.?)?"
)
# Abbreviations that are not a person's initials (roles, units, routes, common words).
_NOT_INITIALS = (
    r"(?:(?-i:ED|ER|OR|MD|RN|NP|PA|PT|OT|GP|IR|CT|HR|OB|ID|IT|US|UK|SW|CM|RT|ST|SLP|PCP|ICU|CCU|"
    r"NICU|EMS|GI|ENT|IV|IM|PO|SC|SL|PR|NG|MRI|ECG|EKG|EEG|CXR|BP|NNP|ALS|BLS|HEMS|CPR|DNR|RX|TX|"
    r"DX|HX|SX|FX|GMC|NMC|SRA|NPI|DEA|SN)|"
    # Words, in any case: a lower-case "cm" or "pa" after "by" is someone's initials.
    r"(?i:AND|THE|FOR|YES|NO|NA|N/A|NIL|ALL|ANY|HIM|HER|ME|YOU|US|WE|OUT|OFF|AM|PM|ON|AT|TO|IN|"
    r"OF|UP|VIA|PER|PHONE|FAX|TEL|MOM|DAD|SON|WIFE|TEAM|STAFF|NURSE|MR|MRS|MS|MX|DR|MISS|PROF|"
    r"SIR|REV|ICU|EMS|MRI|ECG|EKG|EEG|CXR))"
)
_ID_VALUE = r"(?=[A-Z0-9.-]*\d)[A-Z0-9][A-Z0-9.-]{3,}[A-Z0-9]\b"
# Shorter values pass where the label leaves no doubt ("State lic. 8659").
_SHORT_ID_VALUE = r"(?=[A-Z0-9.-]*\d)[A-Z0-9][A-Z0-9.-]{2,}[A-Z0-9]\b"
# The same values as lookaheads, put before a label lookbehind: a lookbehind of many label
# words tried backwards at every position of a note cost a fifth of detection, and a lookahead
# that fails at most positions skips it. Lookarounds at one position commute: same matches.
_ID_AHEAD = r"\b(?=[A-Z0-9][A-Z0-9.-]{3,}[A-Z0-9]\b)(?=[A-Z0-9.-]*\d)"
_SHORT_ID_AHEAD = r"\b(?=[A-Z0-9][A-Z0-9.-]{2,}[A-Z0-9]\b)(?=[A-Z0-9.-]*\d)"
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
    "Viaduct View Views Village Villages Ville Vista Walk Walks Wall Ways Well Wells Branch Burg "
    "Burgs Centers Circles Cliff Cliffs Coves Crossroad Crossroads Drives Extensions Fall Fords "
    "Forges Greens Groves Harbors Inlet Junctions Keys Land Parkways Squares "
    # Australian, Canadian, British, Irish and New Zealand street types.
    "Access Alleyway Amble Anchorage Approach Arcade Artery Basin Beach Bend Brace Brae Broadway "
    "Brow Byway Centre Centreway Chase Circlet Circuit Circus Close Colonnade Concourse Copse "
    "Corso Courtyard Crossway Cruiseway Cutting Dell Deviation Distributor Driveway Edge "
    "Entrance Esplanade Fairway Firetrail Footway Foreshore Frontage Gate Gates Glade Grange "
    "Gully Highroad Interchange Intersection Laneway Lees Link Lookout Meander Mew Nook Outlook "
    "Parade Parklands Pathway Piazza Plateau Pocket Promenade Quad Quadrangle Quadrant Quay "
    "Quays Ramble Reach Reserve Retreat Ride Ridgeway Rise Riverway Riviera Roadside Roadway "
    "Ronde Rosebowl Rotary Siding Slope Stairs Steps Strand Strip Subway Tarn Thoroughfare "
    "Tollway Tor Towers Trailer Triangle Trunkway Vale Villas Wade Walkway Wynd"
).split()

# Date patterns; named groups m/d/y/mon are read back to shift the date in its own format.
DATE_PATTERNS = (
    # Numeric m/d/y; a first field over 12 is read day-first (26/08/1938).
    rf"{_WD_OR_DIGIT}{_WD}(?<![\d/])(?P<m>3[01]|[12]\d|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/"
    r"(?P<y>\d{4}|\d{2})"
    r"(?![\d/])",
    r"(?<![\d-])(?P<m>3[01]|[12]\d|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])-(?P<y>\d{4})(?![\d-])",
    # ISO 8601, with the time of an ISO date-time kept inside the span ("2024-03-15T08:30Z").
    r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>1[0-2]|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])"
    r"(?:T[0-2]\d:?[0-5]\d(?::?[0-5]\d(?:[.,]\d{1,9})?)?(?:Z|[+-][0-2]\d(?::?[0-5]\d)?)?)?"
    r"(?![\d-])",
    # Month, day and year in boxes split by spaces, as forms print them ("06 15 2023").
    r"(?<![\d.:/-])(?<!\d[ ])(?P<m>0[1-9]|1[0-2])[ ](?P<d>0[1-9]|[12]\d|3[01])[ ]"
    r"(?P<y>(?:19|20)\d\d|\d\d)(?![ ]?\d|[.:/-]\d)",
    # Year and month after an expiry label ("Exp: 2026-06").
    r"(?<=\b(?i:exp|expiry|expires|expiration|use by|best before)\.?[ \t]*:?[ \t]*)"
    r"(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])(?![\d-])",
    r"(?<![\d.])(?P<d>3[01]|[12]\d|0?[1-9])\.(?P<m>1[0-2]|0?[1-9])\.(?P<y>\d{4}|\d{2})(?![\d.]*\d)",
    rf"\b{_WD}{_MON}\s+{_DAY},?\s+(?P<y>\d{{4}})\b",
    # Month, day and year joined by hyphens or slashes ("Feb-20-2021", "Mar/3/24").
    rf"\b{_MON}(?P<sep>[-/])(?P<d>3[01]|[12]\d|0?[1-9])(?P=sep)(?P<y>\d{{4}}|\d{{2}})\b(?![-/]\d)",
    rf"\b{_WD_OR_DIGIT}{_WD}{_DAY}[\s-]+{_MON}[\s,-]+(?P<y>\d{{4}}\b|\d{{2}}\b(?![:/]\d))",
    rf"\b(?:(?:the|The|THE)\s+)?{_DAY_ORD}\s+(?:of|OF)\s+"
    rf"(?:{_MON}|(?P<mon>may))(?:,?\s+(?P<y>\d{{4}}))?\b",
    rf"\b{_WD}{_MON}\s+{_DAY}\b(?![:/.]\d)",
    rf"(?=\d\d?[/-]\d)(?<!{_SCORE_CUES}\s+(?:\w+\s+)?)(?<=\b(?i:{_SHORT_DATE_CUES})\s+)"
    r"(?P<m>1[0-2]|0?[1-9])[/-](?P<d>3[01]|[12]\d|0?[1-9])(?![\d/-])",
    # After the same cues, a first field over 12 is a day ("departs 18/7", "returns 19/12").
    rf"(?=\d\d[/.-]\d)(?<!{_SCORE_CUES}\s+(?:\w+\s+)?)(?<=\b(?i:{_SHORT_DATE_CUES})\s+)"
    r"(?P<d>1[3-9]|2\d|3[01])[/.-](?P<m>1[0-2]|0?[1-9])(?![\d/-]|\.\d)",
    # The cue before a place: "seen at Downs Pediatrics 4/10" (a date, not a pain score).
    r"(?<=\b(?i:seen|admitted|discharged|treated|transferred)[ \t]+(?:at|in|to|from)[ \t]+"
    r"(?:\p{Lu}[\p{L}'’.-]*[ \t]+){1,4})"
    r"(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/])",
    # No cue: only where it cannot be a grade or score ("5/5 strength", "2/6 murmur", "4/10").
    rf"(?<![\w/.+-])(?<!{_SCORE_CUES}[^\n\d]{{0,12}})"
    r"(?P<m>1[0-2]|0?[1-9])/(?P<d>(?!10(?!\d))(?:3[01]|[12]\d|[7-9]|(?<=(?:[7-9]|1[0-2])/)[1-6]))"
    r"(?![\d/+]|\s*(?i:nodes?|lymph|positive|cores?|murmur|strength|reflex|grade|of\b))",
    rf"(?<![\w])(?P<d>3[01]|[12]\d|0?[1-9])(?P<mon>{_MON3})(?P<y>(?:19|20)\d\d|\d\d)(?![\w])",
    # Year first with slashes, and compact yyyymmdd.
    r"(?<![\d/])(?P<y>(?:19|20)\d\d)/(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/])",
    r"(?<![\p{L}\d-])(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
    r"(?![\p{L}\d-])",
    # "September the 25th", "Jun. 14, '24", "2023.04.10", "6-may-2026", "28 de junio".
    rf"(?=[JFMASONDjfmasond])\b{_MON}[ \t]+the[ \t]+{_DAY_ORD}\b"
    r"(?:,?[ \t]+(?P<y>(?:19|20)\d\d)\b)?",
    rf"(?=[JFMASONDjfmasond])\b{_MON}[ \t]+{_DAY},?[ \t]+['’](?P<y>\d\d)\b",
    r"(?<![\d.])(?P<y>(?:19|20)\d\d)\.(?P<m>1[0-2]|0[1-9])\.(?P<d>3[01]|[12]\d|0[1-9])(?![\d.]*\d)",
    rf"\b{_DAY}-{_FMON}-(?P<y>(?:19|20)\d\d|\d\d)\b",
    rf"(?=[LMJVSDlmjvsd\d])\b(?:(?i:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|"
    rf"sabado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)[ \t]+)?"
    rf"{_DAY}[ \t]+de[ \t]+{_FMON}\b",
    # A range of days in one month ("16th-27th October", "10-12 Apr 2026"): both days shift.
    rf"\b{_DAY}[ \t]?[-–][ \t]?(?P<d2>(?:3[01]|[12]\d|0?[1-9]){_ORD}?)[ \t]+{_MON}"
    r"(?:[ \t,]+(?P<y>(?:19|20)\d\d))?\b",
    # A range in words ("between the 8th and the 22nd of February"): both days shift.
    r"(?=(?:[Tt]he[ \t]+)?\d\d?[a-zA-Z]{2}[ \t]+[atu])"
    rf"\b(?:(?:the|The)[ \t]+)?{_DAY_ORD}[ \t]+(?:and|to|until|till|through)[ \t]+"
    rf"(?:the[ \t]+)?(?P<d2>(?:3[01]|[12]\d|0?[1-9]){_ORD}?)[ \t]+(?:of[ \t]+)?"
    rf"(?:{_MON}|the[ \t]+{_MONTH_WORD})(?:,?[ \t]+(?P<y>(?:19|20)\d\d))?\b",
    # The month as an ordinal word ("the 11th of the seventh").
    r"(?=(?:[Tt]he[ \t]+)?\d\d?[a-zA-Z]{2}[ \t]+of[ \t]+the[ \t])"
    rf"\b(?:(?:the|The)[ \t]+)?{_DAY_ORD}[ \t]+of[ \t]+the[ \t]+{_MONTH_WORD}\b"
    r"(?:,?[ \t]+(?P<y>(?:19|20)\d\d)\b)?",
    # Military date-time groups: day, time, zone letter, month, year ("250358ZAUG24").
    rf"(?<![\w])(?P<d>0[1-9]|[12]\d|3[01])(?P<t>[0-2]\d[0-5]\d)[A-Z]?(?P<mon>{_MON3})"
    r"(?P<y>\d\d)(?!\w)",
    # Compact timestamps with a UTC offset (CDA "20260321222541-0600").
    r"(?<![\p{L}\d-])(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
    r"(?P<t>\d{4,6})(?P<tz>[+-]\d{4})?(?![\p{L}\d])",
    # Deeds and directives: "this 30th day of June, 2026".
    rf"\b{_DAY_ORD}[ \t]+day[ \t]+of[ \t]+{_MON},?[ \t]+(?P<y>(?:19|20)\d\d)\b",
    # Dates written in French, Spanish, Italian, Portuguese, German or Dutch ("25 mars 2025",
    # "12 de julio de 2023", "4. Juli 2025"); the month name is read back in its own language.
    rf"(?=\d\d?(?:[a-zA-Z]{{2}})?\.?[ \t]+\p{{L}})"
    rf"\b{_DAY}\.?[ \t]+(?:de[ \t]+)?{_FMON}[ \t]+(?:de[ \t]+|del[ \t]+)?(?P<y>(?:19|20)\d\d)\b",
    # A weekday makes a bare month/day a date ("Wed 01/10", "Tue 3-4").
    rf"\b(?P<wd>{_weekday_alternatives()})\.?,?[ \t]+(?P<m>1[0-2]|0?[1-9])[/-]"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/-])",
    # Day and month without a year ("5 Dec", "28 October"), month and year ("Dec 2025").
    rf"\b{_WD_OR_DIGIT}{_WD}{_DAY}[ \t]+{_MON}\b",
    rf"\b{_MON}[ \t,]+(?P<y>(?:19|20)\d\d)\b",
    r"(?<![\d/.-])(?P<m>1[0-2]|0?[1-9])/(?P<y>(?:19|20)\d\d)(?![\d/])",
    # Roman-numeral months (12.IV.2023, 3-XI-1990).
    r"(?=\d\d?[./ -][IVXivx])"
    rf"(?<![\w.])(?P<d>3[01]|[12]\d|0?[1-9])(?P<sep>[./ -])(?P<rm>{_ROMAN}|{_ROMAN.lower()})"
    r"(?P=sep)"
    r"(?P<y>(?:19|20)\d\d)\b",
    # Days in words ("the fifth of March", "March the twenty-first").
    rf"\b(?:(?:the|The)[ \t]+)?{_DAY_WORD}[ \t]+(?:of|OF)[ \t]+(?:{_MON}|(?P<mon>may))"
    r"(?:,?[ \t]+(?P<y>(?:19|20)\d\d))?\b",
    rf"\b{_MON}[ \t]+(?:the[ \t]+)?{_DAY_WORD}\b(?:,?[ \t]+(?P<y>(?:19|20)\d\d)\b)?",
)
DATE_REGEXES = tuple(regex.compile(p, CASE_SENSITIVE) for p in DATE_PATTERNS)

# A date read aloud with its year in words, as dictation software writes it: "april twenty
# second twenty twenty five", "the thirteenth of march two thousand three". Not parsed back:
# its surrogate is a "[DATE]" tag.
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|oh)"
)
_SPOKEN_ORDINAL = (
    r"(?:(?:twenty|thirty)[ -](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"thirtieth)"
)
_SPOKEN_YEAR = (
    rf"(?:(?:nineteen|twenty)(?:[ -]{_NUMBER_WORD}){{1,2}}|"
    rf"two[ -]thousand(?:[ -](?:and[ -])?{_NUMBER_WORD}){{0,2}})"
)
_MONTH_NAME = "(?:" + "|".join(MONTHS) + ")"
SPOKEN_DATE = (
    rf"(?=[a-z])\b(?:{_MONTH_NAME}[ ]{_SPOKEN_ORDINAL}|(?:the[ ])?{_SPOKEN_ORDINAL}[ ]of[ ]"
    rf"{_MONTH_NAME})[ ,]+{_SPOKEN_YEAR}\b"
)

_LABELLED = r"\.?[ \t]*(?:number|no\.?|num|nbr|ID|#)?[ \t]*(?:is[ \t]+)?(?:[:#|]|-(?=[ \t]))?[ \t]*"
_EXTENSION = r"(?:[ \t]*,?[ \t]*(?:(?i:extn\.?|ext\.?|x|extension)[ \t]*:?|\#)[ \t]*\d{1,5}\b)?"
# "<any label> No./Number/#/ID <value>": record numbers of every kind in any label style.
_GENERIC_ID_LABEL = (
    r"\b\p{L}{2,}[ \t]+(?:No\.?|Number|Num|Nbr|ID|\#)[ \t]*(?:[:#.|]|-(?=[ \t]))?[ \t]*"
)
# Digits allowed between an SSN label and its value: "(last 4)", "(W-9)", "4 digits".
_SSN_GAP = r"(?<=last[ \t]?|W-)\d|\d(?=[ \t]?digits)"
_AGE_UNITS = (
    r"ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one[- ]hundred(?:(?:[- ]and)?[- ](?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?"
)
_NOT_AGE_AFTER = (
    r"(?![- ]?(?:percent|%|minutes?|mins?|seconds?|hours?|hrs?|days?|weeks?|months?|mg|mcg|"
    r"milligrams?|ml|units?|times|beats|degrees|pounds|lbs?|kg|cc|mmhg|meters?|feet|ft)\b)"
)
# European countries named after a postcode and town ("53817 Luckenwalde, Germany").
_EUROPE = (
    r"(?:Germany|Spain|France|Italy|Netherlands|Belgium|Austria|Switzerland|Portugal|Ireland|"
    r"Denmark|Sweden|Norway|Finland|Poland|Greece|Luxembourg)"
)
# (entity, flags, [(pattern name, regex, score)], context words)
RECOGNIZERS: tuple[tuple[str, int, list[tuple[str, str, float]], tuple[str, ...]], ...] = (
    ("EMAIL", IGNORE_CASE, [("email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", 0.95)], ()),
    (
        "URL",
        IGNORE_CASE,
        [
            ("url", r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:)]", 0.9),
            # A bare host with a path ("portal.example.org/p/123"): the path makes it a link.
            (
                "host and path",
                r"(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|health|care|io|us|uk|ca|"
                r"de|fr|nl|it|es|pl|br|in|ie|info|biz|co|me|app|cloud)/[^\s<>\"']*"
                r"[^\s<>\"'.,;:)]",
                0.85,
            ),
        ],
        (),
    ),
    (
        "IP",
        CASE_SENSITIVE,
        [
            (
                "ipv4",
                r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
                r"(?![\d.]*\d)",
                0.85,
            ),
            (
                "ipv6",
                r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|"
                r"(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}|"
                r"(?:[0-9A-Fa-f]{1,4}:){1,7}:)(?![\w:])",
                0.85,
            ),
            # A full address followed by its port ("...:6b55:443").
            (
                "ipv6 and port",
                r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?=:\d{1,5}(?!\w))",
                0.85,
            ),
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
                r"(?=\d{4}\b)(?<=\b(?:SSN|social security(?: number| no\.?)?)\b(?:[^\n\d]|"
                + _SSN_GAP
                + "){0,20})"
                r"\d{4}\b",
                0.85,
            ),
            (
                "ssn labelled",
                r"(?=\d)(?<=\b(?:SSN|SS\#|social security)\b(?:[^\n\d]|" + _SSN_GAP + "){0,40})"
                r"(?<!\d)\d{3}[ .-]?\d{2}[ .-]?\d{4}\b",
                0.9,
            ),
            (
                "canadian sin",
                r"(?=\d)(?<=\b(?:SIN|S\.I\.N\.|social insurance(?: number| no\.?)?)"
                r"[ \t]*[:#]?[ \t]*)"
                r"\d{3}[ -]?\d{3}[ -]?\d{3}\b",
                0.85,
            ),
            ("ssn dotted", r"(?<![\d.])\d{3}\.\d{2}\.\d{4}(?![\d.]*\d)", 0.7),
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
                r"(?<![\w/.-])(?:\+?1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. /])\d{3}[-. ]\d{4}(?![\w/-])"
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
                "phone cued groups",
                r"(?<![\d.])(?=\(?0?\d{2,4}\)?[ \t]?[/.-]?[ \t]?\d\d|\d{3}[ -]\d{6})"
                r"(?<=\b(?i:phone|tel|telephone|fax|cell|mobile|pager|ph|call|callback|contact|"
                r"alternate|home|work|office|reach|text|ring|rang|phoned|dial|number|recapito|"
                r"telefono|cellulare|telefone|telem[oó]vel|telefon|tél|portable|contacto|"
                r"kontakt|contatto|recapito)\b"
                r"[^\n\d]{0,20})"
                r"(?<![\d.])(?:\(?0?\d{2,4}\)?(?:[ \t]?[/.-]?[ \t]?\d{2,4}){2,4}|"
                r"\d{3}[ -]\d{6,7})(?![\w/-]|[.,]\d)" + _EXTENSION,
                0.7,
            ),
            (
                "ten digits before an extension",
                r"(?<![\w/.-])1?\d{10}(?=[ \t]*,?[ \t]*(?i:extn?\.?|extension|x)[ \t]*:?[ \t]*\d)"
                + _EXTENSION,
                0.75,
            ),
            ("phone au spaced", r"(?<![\w(+])0\d[ ]\d{4}[ ]\d{4}(?![\w-])", 0.7),
            ("phone vanity", r"(?-i:\b(?:1-)?8[0-9]{2}-[A-Z0-9]{3}-[A-Z0-9]{4}\b)", 0.7),
            # Toll-free words of any length ("1-800-KIDNEY1", "1-866-RX-REFIL").
            (
                "phone vanity words",
                r"(?-i:\b1-8(?:00|33|44|55|66|77|88)-(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{2,8}"
                r"(?:-[A-Z0-9]{2,8})?\b)",
                0.7,
            ),
            # A number read aloud ("seven seven eight ... oh"): seven or more digit words.
            (
                "phone spoken",
                r"(?i:\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|"
                r"triple)[ ,-]+){6,}(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b)",
                0.7,
            ),
            # Australian 1800/1300 numbers.
            ("phone au freephone", r"(?<![\w+-])1[38]00[ ]?\d{3}[ ]?\d{3}(?![\w-])", 0.75),
            ("phone au", r"(?<![\w(])\(0\d\)[ ]?\d{4}[ ]?\d{4}(?![\w-])", 0.8),
            (
                "phone with a slash",
                r"(?<![\w/.])0\d{2,4}[ ]?/[ ]?\d{2,4}(?:[ -]\d{2,4}){1,3}(?![\w/]|[.,]\d)",
                0.7,
            ),
            (
                "phone international",
                r"(?<![\w+])(?:\+(?!1\b)[1-9]\d{0,2}|00[ ]?[1-9]\d{0,2}(?=[ ]))(?=[\d ().-]{8,}\d)"
                r"(?:[ .-]?(?:\(0\)[ ]?)?\(?\d{1,5}\)?){2,6}(?![\w-]|[.,]\d)" + _EXTENSION,
                0.75,
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
            # A banner's number cell right before its birth date: "Patient: X | C5567-7356 | DOB".
            (
                "mrn before a birth date",
                r"(?-i:(?=[A-Z]?\d)(?<=\|[ \t]*)[A-Z]?\d[\d.-]{4,14}\d)"
                r"(?=[ \t]*\|[ \t]*(?:DOB|D\.O\.B|born)\b)",
                0.75,
            ),
            (
                "mrn any shape",
                r"(?-i:(?=[A-Z0-9])(?=[A-Z0-9./-]*\d{3}))"
                r"(?<=\b(?:MRN|MR\#|MR No\.?|EMR\#?|EHR\#|(?-i:UR|URN|UMRN)|hosp(?:ital)?\.? no\.?|"
                r"medical record(?: number| no\.?)?|unit no\.?|record no\.?|pt\.? id|"
                r"patient id|nr cartella|cartella(?: clinica)?|processo(?: n[º°o]\.?)?|"
                r"historii choroby|med rec|hosp(?:ital)? \#|NHC|historia cl[ií]nica|"
                r"dossier|Fallnummer|pati[eë]ntnummer)\s*[:#]?\s*)"
                r"(?-i:(?=[A-Z0-9./-]*\d{3})[A-Z0-9][A-Z0-9./-]{3,18}[A-Z0-9])\b(?![./-]\d)",
                0.9,
            ),
            (
                "mrn",
                r"(?=[A-Z]{0,3}\d)(?<=\b(?:MRN|MR#|MR No\.?|(?-i:UR|URN|UR No\.?|UMRN)|"
                r"medical record(?: number| no\.?)?|hospital (?:number|no\.?))"
                r"(?:[ \t]+(?:on|in|from|per|of|at)[ \t]+[^\n\d:]{1,30}?[ \t]+(?:is|was|reads))?"
                r"\s*[:#]?\s*)"
                r"[A-Z]{0,3}(?=(?:\d[ -]?){5,12}\b)\d{1,10}(?:[ -]\d{2,6}){0,3}\b(?![ -]\d)",
                0.95,
            ),
        ],
        (),
    ),
    (
        "ID",
        IGNORE_CASE,
        [
            (
                "record number",
                _ID_AHEAD + r"(?<=\b(?:account|acct|accession|acc|visit|encounter|FIN|CSN|HAR|case|"
                r"member|policy|subscriber|claim|specimen|plan|badge|group|medicaid|medicare|MBI|"
                r"HICN|auth|authorization|req|requisition|order|confirmation|chart|beneficiary|"
                r"employee|insurance|invoice|ticket|referral|ref|reference|incident|screening|"
                r"subject|randomi[sz]ation|kit|student|passport|plate|registration|tracking|"
                r"NHS|hosp|hospital|patient|participant|enrol+ment|study|voucher|"
                r"prescription|rx|transaction|booking|file|record|pager|ICN|EDIPI|PNC|RAMQ|OHIP|"
                r"PHN|CHI|SNS|utente|PESEL|NIF|DNI|NIE|tessera|fiscale|prison|custody|"
                r"police|crime|court)" + _LABELLED + ")" + _ID_VALUE,
                0.85,
            ),
            (
                "short staff number",
                _SHORT_ID_AHEAD
                + r"(?<=\b(?:badge|shield|employee|staff|officer|payroll|locker)"
                + _LABELLED
                + ")"
                + _SHORT_ID_VALUE,
                0.75,
            ),
            (
                "session token",
                r"(?-i:(?=[A-Za-z0-9]{8}))"
                r"(?<=\b(?:session|login|token|device id|cookie)[ \t]*[:#]?[ \t]*)"
                r"(?-i:(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{8,40})\b",
                0.75,
            ),
            ("labelled number", _ID_AHEAD + r"(?<=" + _GENERIC_ID_LABEL + ")" + _ID_VALUE, 0.75),
            # Seven or more bare digits are an identifier in a note, whatever the label says.
            (
                "long number",
                r"(?<![\w.,/-])(?!(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                r"(?:\d{2}|\d{4}|\d{6})?(?!\d))"  # a compact date or HL7 timestamp is a DATE
                r"\d{7,}(?![\w/-]|[.,]\d|\s*(?i:units?|IU|mg|mcg|ml|copies|cells)\b)",
                0.6,
            ),
            ("prefixed number", r"(?-i:\b[A-Z][A-Za-z]{0,3}-?\d{6,}[A-Z]?\b)", 0.6),
            ("isbt donation number", r"(?-i:\b[A-Z]\d{4}[ ]?\d{2}[ ]?\d{6}\b)", 0.7),
            ("letter-number code", r"(?-i:\b[A-Z]{3,5}-\d{3,6}-\d{2,6}\b)", 0.6),
            (
                "medicare spaced",
                r"(?=\d)(?<=\bmedicare(?: card)?(?: no\.?| number| \#)?[ \t]*[:#]?[ \t]*)"
                r"\d{4}[ ]?\d{5}[ ]?\d(?:[ ]?\d|[/-]\d)?\b",
                0.8,
            ),
            (
                "id in brackets",
                r"(?<=\((?-i:ID)[ \t]+)(?-i:[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9])(?=\))",
                0.7,
            ),
            (
                "bare id label",
                r"(?-i:(?=[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9])(?=[A-Z0-9-]*\d))"
                r"(?<=(?<![\w.])(?-i:ID|Id|I\.D\.)(?:[ \t]+(?-i:NUMBER|Number|NO\.?|No\.?))?"
                r"[ \t]*[:#]?[ \t]*)"
                r"(?-i:(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9])\b",
                0.7,
            ),
            # A UUID: a resource or message id of an export.
            (
                "uuid",
                r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
                0.6,
            ),
            # Case references with a year ("MP/2025/99350"), police numbers ("54/726490P").
            ("case reference", r"(?-i:\b[A-Z]{1,4}/(?:19|20)\d\d/\d{3,8}\b)", 0.7),
            ("police number", r"(?-i:\b\d{2}/\d{5,7}[A-Z]\b)", 0.7),
            # Italian tax code, Quebec health card (shapes no other text has).
            ("codice fiscale", r"(?-i:\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b)", 0.8),
            ("quebec health card", r"(?-i:\b[A-Z]{4}[ ]?\d{4}[ ]?\d{4}\b)", 0.7),
            (
                "national number spaced",
                r"(?=\d{3}[ ]\d{3}[ ]\d)"
                r"(?<=\b(?:SNS|utente|NIF|PESEL|CHI|PHN|health card|NHS|OHIP|RAMQ|"
                r"BSN|AHV|personnummer)(?:[ \t]+(?:no\.?|number|n\.?[º°o]\.?))?[ \t]*[:#]?[ \t]*)"
                r"\d{3}[ ]\d{3}[ ]\d{3,4}\b",
                0.8,
            ),
            # Accession-like codes: letters, a two-digit year, a serial ("S24-37215").
            ("accession shape", r"(?-i:\b[A-Z]{1,3}-?\d{2}-\d{4,7}\b)", 0.6),
            # "#" right before a code ("#EMT-P 963817", "#A12345").
            (
                "hash cued",
                r"(?<=\#[ \t]?)(?-i:(?=[A-Z0-9 -]*\d)[A-Z][A-Z0-9-]{1,8}(?:[ \t]\d{4,})?\b)",
                0.7,
            ),
        ],
        (),
    ),
    (
        "DEVICE",
        IGNORE_CASE,
        [
            (
                "device",
                _ID_AHEAD
                + r"(?<=\b(?:serial|SN|S/N|UDI|IMEI|device)"
                + _LABELLED
                + ")"
                + _ID_VALUE,
                0.85,
            ),
            ("gs1 udi", r"\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9-]+)*", 0.9),
            ("serial prefixed", r"\b(?:SN|S/N)[-#]?\d[A-Z0-9]{5,}\b", 0.85),
            (
                "serial prefixed spaced",
                r"(?-i:\b(?:SN|S/N|SER|Ser\.)[ \t]?[-#:]?[ \t]?(?=[A-Z0-9]*\d)[A-Z0-9][A-Z0-9-]{4,}"
                r"[A-Z0-9]\b)",
                0.85,
            ),
            ("hibc udi", r"\+[A-Z][A-Z0-9]{3,}(?:/\$?\$?\+?[A-Z0-9]{3,})+", 0.9),
            ("dotted mac", r"(?-i:\b[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}\b)", 0.8),
            # IMEI written in its 2-6-6-1 groups ("35-080049-672290-1").
            ("imei dashed", r"\b\d{2}-\d{6}-\d{6}-\d\b", 0.8),
            ("mac address", r"(?<![\w:-])(?:[0-9A-F]{2}[:-]){5}[0-9A-F]{2}(?![\w:-])", 0.85),
            (
                "after a device word",
                _ID_AHEAD
                + r"(?<=\b(?:monitor|pump|implant|generator|transmitter|sensor|pacemaker|ICD|"
                r"security tag|RTLS tags?|asset tag|"
                r"defibrillator|warmer|stimulator|hearing aid|CGM|ventilator|concentrator|"
                r"CPAP|BiPAP|handset|tablet|glucometer|meter)"
                + _LABELLED
                + ")"
                + r"(?-i:(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])\b",
                0.75,
            ),
        ],
        (),
    ),
    (
        "LICENSE",
        IGNORE_CASE,
        [
            (
                "license",
                _SHORT_ID_AHEAD
                + r"(?<=\b(?:license|licence|lic|DEA|NPI|certificate|(?-i:DL|CDL)|permit|"
                r"registration|reg)" + _LABELLED + ")" + _SHORT_ID_VALUE,
                0.85,
            ),
            (
                "license spaced",
                r"(?-i:(?=[A-Z]{1,4}(?:/[A-Z])?[ \t-][A-Z]?\d))"
                r"(?<=\b(?:license|licence|lic|certificate|permit|reg)" + _LABELLED + ")"
                r"(?-i:[A-Z]{1,4}(?:/[A-Z])?[ \t-][A-Z]?\d{4,10})\b",
                0.85,
            ),
            (
                "number plate",
                r"(?-i:(?=[A-Z0-9]{2,4}[ -]?[A-Z0-9]{3,4}\b))"
                r"(?<=\b(?:plate|tag|registration|reg|vehicle|car|van)" + _LABELLED + "|"
                r"\bdriving[ \t]*\()"
                r"(?-i:(?=[A-Z0-9 -]*\d)(?=[A-Z0-9 -]*[A-Z])[A-Z0-9]{2,4}[ -]?[A-Z0-9]{3,4})\b",
                0.85,
            ),
            (
                "number after a credential",
                r"(?-i:(?=[A-Z0-9-]*\d)(?=[A-Z0-9]))"
                rf"(?<=,[ \t]*(?-i:{_CREDENTIALS}|LDN|LD|RDN|SCPHN(?:[ \t]\([A-Z]+\))?)"
                r"[ \t]+(?:\#[ \t]?)?)(?-i:(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,11})\b",
                0.75,
            ),
            (
                "credential number in brackets",
                rf"(?<=(?-i:{_CREDENTIALS}|LDN|LD|RDN|CNM|LMFT|LCSW),?[ \t]*\()"
                r"(?-i:[A-Z]{0,5}[ .-]?\d{4,10})(?=\))",
                0.75,
            ),
            (
                "registration body number",
                r"(?-i:(?=[A-Z0-9-]*\d)(?=[A-Z0-9]))"
                r"(?<=\b(?:PIN|cert|certified|certification|ASHA|NMC|GMC|HCPC|AHPRA|IMC|RCN|"
                r"board cert(?:ified)?|registration|c[ée]dula(?:[ \t]+OM)?|iscr\.?[ \t]+albo|"
                r"albo|NPWZ|PWZ|OMC|CRM|colegiado)"
                r"(?:[ \t]+(?:PIN|no\.?|number|\#|n\.?[º°o]?\.?))?\.?"
                r"[ \t]*[:#]?[ \t]*)"
                r"(?-i:(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,11})\b",
                0.75,
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
            (
                "zip labelled",
                r"(?<=\b(?:ZIP|Zip|zip)(?:[ ](?:code|CODE|Code))?:?\s*)\d{5}(?:-\d{4})?\b",
                0.85,
            ),
            ("uk postcode", r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[ABD-HJLNP-UW-Z]{2}\b", 0.8),
            (
                "canadian postal code",
                r"(?-i:\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ ]?\d[ABCEGHJ-NPRSTV-Z]\d\b)",
                0.8,
            ),
            (
                "australian postcode",
                r"(?<=\b(?:NSW|VIC|QLD|TAS|SA|WA|NT|ACT)[ \t]+)\d{4}\b(?![-/]\d)",
                0.75,
            ),
            (
                "dutch postcode",
                r"\b[1-9]\d{3}[ ]?(?!SS|SA|SD)[A-Z]{2}\b(?=[ \t]+\p{Lu}\p{L}+)",
                0.75,
            ),
            ("irish eircode", r"\b[AC-FHKNPRTV-Y]\d[\dW][ ]?[0-9AC-FHKNPRTV-Y]{4}\b", 0.7),
            (
                "postcode before a town",
                r"(?=\d)"
                r"(?<=(?:,|^|\n)[ \t]*)\d{4,5}(?![ \t]+[A-Z]{2}\b)"
                r"(?=[ \t]+\p{Lu}[\p{L}'’.-]+(?:[ \t-]+\p{L}[\p{L}'’.-]*){0,4},[ \t]*"
                + _EUROPE
                + r"\b)",
                0.8,
            ),
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
                r"(?=[FUASL\d])\b(?:(?:Flat|Unit|Apt\.?|Suite|Level)[ \t]+\d{1,4}[A-Z]?"
                r"(?:[ \t]+|/(?=\d)))?"
                r"\d{1,6}(?:[-/]\d{1,6})?[ \t]+(?:\p{Lu}\p{Ll}+\.?[ \t]+){1,3}(?:"
                + "|".join(_STREET_SUFFIXES)
                + r")s?\b\.?(?:,?[ \t]+(?:Apt\.|Suite|Unit|#)"
                r"[ \t]*\w+)?",
                0.85,
            ),
            # Dispatch and fax forms write the whole address in capitals.
            (
                "street in capitals",
                r"\b\d{1,6}[ \t]+(?:\p{Lu}{2,}\.?[ \t]+){1,3}(?:"
                + "|".join(s.upper() for s in _STREET_SUFFIXES)
                + r")S?\b\.?(?:,?[ \t]+(?:APT\.?|SUITE|UNIT|\#)[ \t]*\w+)?",
                0.85,
            ),
            # UK style: the flat on a line of its own, the street on the next ("Flat 7" /
            # "Lorraine Court"); the street line is any one to four capitalised words.
            (
                "flat then street line",
                r"^[ \t]*(?:Flat|FLAT|Studio|Apartment|Apt\.?|Unit|Suite|Room)[ \t]+"
                r"\d{1,4}[A-Za-z]?[ \t]*,?[ \t]*\n[ \t]*\d{0,4}[ \t]*"
                r"\p{Lu}[\p{L}'’.-]+(?:[ \t]+\p{Lu}[\p{L}'’.-]+){0,3}[ \t]*$",
                0.85,
            ),
            (
                "po box",
                r"\b(?:P\.?O\.?[ \t]+Box|Post Office Box|GPO Box|Locked Bag|Private Bag|RMB|RSD|"
                r"CMB|(?:HC|RR)[ \t]\d{1,3}[ \t]Box)[ \t]+\d+"
                # Canadian rural routes: "R.R. 3, Site 40, Comp 471".
                r"|\bR\.?R\.?[ \t]\d{1,3},[ \t]Site[ \t]\d{1,4},[ \t]Comp(?:artment)?[ \t]\d{1,4}",
                0.85,
            ),
            # A GPS fix ("XY: 47.75761, -95.92952"): it pins a door as closely as a street.
            (
                "coordinates",
                r"(?<![\d.-])-?\d{1,2}\.\d{4,7},[ \t]*-?1?\d{1,2}\.\d{4,7}(?![\d.])",
                0.7,
            ),
            # A flat before a street without a house number ("Flat 39w, Denise Prairie").
            (
                "flat then street",
                r"\b(?:Flat|Studio|Apartment|Apt\.?|Unit|Suite)[ \t]+\d{1,4}[A-Za-z]?,[ \t]+"
                r"(?:(?:Flat|Studio|Unit)[ \t]+\d{1,4}[A-Za-z]?,[ \t]+)?(?:\d{1,6}[ \t]+)?"
                r"(?:\p{Lu}[\p{L}'’-]+[ \t]+){1,3}(?:" + "|".join(_STREET_SUFFIXES) + r")s?\b",
                0.8,
            ),
            # A named house before its road, after a comma or a label: "c/o S. Young, The Old
            # Forge, Church Road", "Address: Hillview, Mill Lane".
            (
                "named house",
                r"(?=\p{Lu})(?<=(?:,|:|^)[ \t]*)(?:The[ \t]+)?\p{Lu}\p{Ll}+(?:[ \t]\p{Lu}\p{Ll}+)?,"
                r"[ \t]+(?:\p{Lu}\p{Ll}+[ \t]+){1,2}(?:Lane|Road|Street|Close|Way|Drive|Avenue|Row|"
                r"Hill|Green|Walk|Place|Gardens|Crescent|Terrace|Court)\b",
                0.7,
            ),
            # A house name before its lane ("Rose Cottage, Mill Lane").
            (
                "house name",
                r"\b(?:\p{Lu}\p{Ll}+[ \t]+){0,2}(?:Cottage|Cottages|House|Farm|Farmhouse|Barn|"
                r"Lodge|Villa|Croft|Bungalow|Grange)\b,[ \t]+(?:\p{Lu}\p{Ll}+[ \t]+){1,2}"
                r"(?:Lane|Road|Street|Close|Way|Drive|Avenue|Row|Hill|Green|Walk|Place|Gardens|"
                r"Crescent|Terrace|Court)\b",
                0.75,
            ),
            (
                "street type first",
                r"(?:\b\d{1,4}(?:[ \t]?bis)?,?[ \t]+)?\b(?i:rue|avenue|boulevard|bd|allée|chemin|"
                r"impasse|place|quai|route|calle|avenida|av\.|plaza|paseo|camino|cuesta|rambla|"
                r"glorieta|cañada|alameda|carrera|ronda|travesía|via|viale|piazza|corso|strada|"
                r"largo|rua|praça|travessa|ulica|ul\.)[ \t]+(?:(?:de|del|de la|des|du|di|da|do|"
                r"dos|das|la|le|les)[ \t]+)*\p{Lu}[\p{L}'’.-]+(?:[ \t]+(?:(?:de|del|la|le|y|i)"
                r"[ \t]+)?\p{Lu}[\p{L}'’.-]+){0,3}(?:,?[ \t]+\d{1,4}[A-Za-z]?(?!\d)"
                r"(?:[ \t]+(?:Apt\.?|Piso|Puerta|Esc\.|Bajos|Portal)[ \t]*\d+)*)?",
                0.8,
            ),
            (
                "street joined to its type",
                r"\b\p{Lu}[\p{L}'’-]*(?i:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|"
                r"ufer|laan|straat|weg|hof|plein|gracht|kade|dijk|singel|steeg|pad|baan|dreef|"
                r"markt|gata|gatan|vej|veien)[ \t]+\d{1,4}(?:[-/]\d{1,4})?[a-z]?\b",
                0.8,
            ),
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
                "city in capitals before state",
                r"\b[A-Z]{2,}(?:[ \t][A-Z]{2,})?(?=,[ \t]*[A-Z]{2}[ \t]+\d{5})",
                0.8,
            ),
            (
                "town line above uk postcode",
                r"^[ \t]*\p{Lu}[\p{L}'’-]+(?:[ \t]+\p{Lu}[\p{L}'’-]+){0,2}[ \t]*,?"
                r"(?=[ \t]*\n[ \t]*[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}[ \t]*$)",
                0.75,
            ),
            (
                "town after a postcode",
                r"(?=\p{Lu})"
                r"(?<=\b\d{4,5}[ \t]+|\b[1-9]\d{3}[ ]?[A-Z]{2}[ \t]+)(?![A-Z]{2}\b)"
                r"\p{Lu}[\p{L}'’.-]+(?:[ \t-]+\p{L}[\p{L}'’.-]*){0,4}"
                r"(?=,[ \t]*" + _EUROPE + r"\b)",
                0.8,
            ),
            # Canadian and Australian towns before the province or state and the postcode.
            (
                "city before a province",
                rf"(?=\p{{Lu}}){_NAME}(?:[ \t]{_NAME}){{0,2}}(?=[ \t]+(?:AB|BC|MB|NB|NL|NS|NT|NU|"
                r"ON|PE|QC|SK|YT|NSW|VIC|QLD|SA|WA|TAS|ACT)[ \t]+"
                r"(?:[A-Z]\d[A-Z][ ]?\d[A-Z]\d|\d{4})\b)",
                0.75,
            ),
            # A town between the street and a UK postcode: "516 Davidson Route, Reading, RH66 0SS".
            (
                "town before a uk postcode",
                rf"(?=\p{{Lu}})(?<=,[ \t]*)(?![A-Z]{{2}}\b){_NAME}(?:[ \t]{_NAME}){{0,2}}"
                r"(?=,[ \t]*[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}\b)",
                0.75,
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
            (
                "age years",
                rf"\b{_AGE}(?=[- ]?(?:years?|yrs?|y/o|yo|y\.o\.|y|años|anos|ans|jahre|jaar|anni|"
                r"anos|lat)\b)",
                0.85,
            ),
            ("age and sex", rf"\b{_AGE}(?=[ \t]?/?[ \t]?[MFmf]\b(?![./]\w))", 0.7),
            (
                "age after he's",
                rf"(?<=\b(?i:he|she|they)(?:'s|[ \t]+is|[ \t]+was)[ \t]+){_AGE}\b"
                rf"(?![./,]\d){_NOT_AGE_AFTER}",
                0.75,
            ),
            (
                "age in brackets after a birth date",
                rf"(?<=\b(?i:DOB|D\.O\.B\.|born)\b[^\n()]{{4,24}}\([ \t]*(?i:aged?[ \t]+)?)"
                rf"{_AGE}(?=[ \t]*(?i:y|yrs?|years?)?\))",
                0.75,
            ),
            (
                "age labelled",
                rf"(?<=\b(?:aged?(?:[ \t]+of)?|AGE:|aet\.?|aetat\.?)\s*){_AGE}(?=\b|y\b)",
                0.85,
            ),
            (
                "age in brackets after a name",
                rf"(?<=\b\p{{Lu}}\p{{Ll}}+[ \t]*,?[ \t]*\()(?:aged?[ \t]+)?{_AGE}(?=\))",
                0.7,
            ),
            (
                "age at an event",
                rf"(?<=\b(?i:age)[ \t]+(?i:at|on)[ \t]+\p{{L}}+[ \t]*:?[ \t]*){_AGE}\b",
                0.8,
            ),
            ("age observation", rf"(?<=\^Age\^[A-Z]+\|\|){_AGE}(?=\|)", 0.8),
            (
                "age after a relative",
                r"(?=(?:aged?[ \t]+)?(?:9\d|1[01]\d))"
                rf"(?<=\b(?:spouse|wife|husband|partner|mother|father|sister|brother|aunt|uncle|"
                rf"grandmother|grandfather|grandma|grandpa|widow|widower|neighbou?r|friend)"
                rf"(?:[ \t]*\([^)\n]{{1,20}}\))?,[ \t]*(?:aged?[ \t]+)?)"
                rf"{_AGE}(?=[ \t]*(?:,|;|\)|\.))",
                0.75,
            ),
            ("age is", rf"(?<=\b(?:is|was|turned)\s+){_AGE}(?=\s*(?:,|\.|and\b|years))", 0.7),
            ("age in words", rf"\b(?:{_AGE_UNITS})\b{_NOT_AGE_AFTER}", 0.75),
        ],
        (),
    ),
    (
        "NAME",
        CASE_SENSITIVE,
        [
            ("titled", rf"{_PERSON_START}(?<=\b{_TITLES}[ \t]+){_PERSON}", 0.9),
            # "routed to Dickerson (attending)": a role in brackets names the person before it.
            (
                "role in brackets",
                rf"\b{_PERSON}(?=[ \t]+\((?i:attending|resident|fellow|consultant|registrar|"
                r"surgeon|covering|on[ -]call|PCP|GP|intern|locum|sister|brother|daughter|son|"
                r"wife|husband|mother|father|spouse|partner|niece|nephew|friend|neighbou?r|"
                r"guardian|aunt|uncle|cousin|grandson|granddaughter|grandmother|grandfather|"
                r"(?-i:NNP|RN|RT|NP|PA|MD|RM|HCA|EMT|CPN|RMN|RGN|ANNP))\))",
                0.8,
            ),
            # "spoke w/ S.R.", "discussed with JT": initials of the person spoken to, not a
            # department or role abbreviation.
            (
                "initials after a conversation",
                r"(?<=\b(?i:spoke|spoken|talked|met|discussed|speaking)[ \t]+(?:w/|with|to)[ \t]+)"
                r"(?:(?:[A-Z]\.){2,3}|(?!(?:ED|ER|OR|MD|RN|NP|PA|PT|OT|GP|IR|CT|HR|OB|ID|IT|US|UK|"
                r"SW|CM|RT|ST|SLP|PCP|ICU|CCU|NICU|EMS|OB|GI|ENT)\b)[A-Z]{2,3}\b)",
                0.75,
            ),
            # An initial may open it ("U. Krishnan, RN").
            (
                "credentialed",
                # A credential is no name ("RN" in "RN, CWON").
                rf"{_PERSON_START}\b(?!{_CREDENTIALS}\b)(?:\p{{Lu}}\.[ \t]?)?{_PERSON}"
                rf"(?=,?[ \t]+{_CREDENTIALS}\b)",
                0.8,
            ),
            ("credentialed surname first", rf"\b{_SURNAME_FIRST}(?=,[ \t]*{_CREDENTIALS}\b)", 0.8),
            (
                "labelled",
                rf"{_PERSON_START}"
                rf"(?<=\b(?:Patient|PATIENT|Name|NAME|Pt|PT|Caller|Requested by|By|by|Subject|"
                rf"Subscriber|Member|Resident|Client|subscriber|member|witness|Witness|guardian|"
                rf"Guardian):?[ \t]+)(?!(?:OF|FOR|THE|AND|AT|IN)\b)(?:{_PARTICLE}[ \t]+){{0,2}}"
                rf"{_UPPER_NAME}(?:[ \t]\p{{Lu}}\.)?,?[ \t]+{_UPPER_NAME}\b",
                0.8,
            ),
            # A list of prescribers after an NPI label: "NPI: Gelabert 2211057200; Cameron
            # 2771219762" (a surname right before each ten-digit NPI).
            (
                "name before an npi",
                rf"(?<=\b(?i:NPI)s?\b[^\n]{{0,160}}[:;,/][ \t]*){_PERSON}(?=[ \t]+\d{{10}}\b)",
                0.8,
            ),
            ("initials labelled", r"(?<=\b(?i:initials):?[ \t]+)[A-Z]{2,3}\b", 0.8),
            # Initials of staff in logs ("closed by ta", "bedside RN KM", "user=JQO", "EMD jps",
            # "ob (RT)"); a role or unit abbreviation is not a person's initials.
            (
                "initials after a log cue",
                rf"(?<=(?:\b(?i:(?:closed|signed|co-?signed|grossed|entered|checked|verified|"
                rf"reviewed|witnessed|completed|logged|abstracted|dictated|transcribed|scanned|"
                rf"counted|prepared|dispensed)(?:[ \t]+[^\n]{{1,24}}?)?[ \t]+by:?)|"
                rf"(?<!,[ \t]?)\b(?:RN|EMD|user=|by:|RPh:?))"
                rf"[ \t]*)(?!{_NOT_INITIALS}\b)"
                rf"(?:\p{{Lu}}{{2,3}}|\p{{Ll}}{{2,3}}|(?:\p{{Lu}}\.){{2,3}})"
                r"(?=[ \t]*(?:$|[,;)\n]|\.(?:\s|$)|[ \t]\(|[ \t]+\d|[ \t]+text=))",
                0.75,
            ),
            (
                "initials before a role",
                rf"(?<=(?:^|[,;:(][ \t]*|[ \t]))(?!{_NOT_INITIALS}\b)"
                rf"(?:\p{{Lu}}{{2,3}}|\p{{Ll}}{{2,3}}|(?:\p{{Lu}}\.){{2,3}})"
                rf"(?=[ \t]+\((?:RT|RN|NNP|NP|PA|MD|OT|PT|RM|HCA|EMT|CPN|RMN|RGN|SW)\))",
                0.75,
            ),
            # A name field with its order in brackets: "PATIENT'S NAME (Last, First, MI)".
            (
                "name field with its order",
                r"(?<=\b(?i:name)[ \t]*\([^)\n]{1,30}\)[ \t]*:?[ \t]*)"
                rf"{_UPPER_NAME}(?:[ \t]{_UPPER_NAME})?,[ \t]*{_UPPER_NAME}(?:,?[ \t]+\p{{Lu}}\b)?",
                0.8,
            ),
            # Form labels of people other than the patient ("SUPERVISOR: NGOC TRAN",
            # "Interpreted by Rika E. Nakagawa, MD", "Law Office of Elzbieta Kryk").
            (
                "role labelled",
                r"(?=\p{Lu})"
                rf"(?<=\b(?i:supervisor|employee|petitioner|caregiver|carer|interpreter|"
                rf"interpreted by|reported by|reviewed by|signed by|referred by|seen by|"
                rf"referring|attending|evaluator|counsell?or|coordinator|contact|next of kin|"
                rf"emergency contact|from|attn|attention|c/o|law office of|office of|"
                rf"prescriber|provider|physician|clinician|therapist|witnessed by|"
                rf"approved by|verified by|checked by|completed by|dictated by|transcribed by|"
                rf"parent|guardian|tech|technician|nephrologist|surgeon|anaesthetist|"
                rf"anesthetist|nurse|midwife|resident|fellow|consultant|pharmacist|dietitian|"
                rf"audiologist|optometrist|social worker|case manager|scribe|author|candidate|"
                rf"travell?er|donor|recipient|aka|a\.k\.a\.|alias|preferred name|nickname|"
                rf"person detained|detainee|claimant|insured|policyholder|requester|requestor|"
                rf"applicant|decedent|informant|driver|passenger|owner|notary|alternate|"
                rf"recipient|agent|proxy|surrogate|health care agent|interpret for|"
                rf"interpreting for|on behalf of|reviewed|signed|approved|verified|checked|"
                rf"completed|packed by|performed by|collected by|drawn by|given by|"
                rf"administered by|entered by|edited by|scanned by|facilitators?|sponsor|"
                rf"mentor|advocate|co-facilitator|caller|handed over to|paramedic|IMHA|"
                rf"solicitor|care coordinator|key worker|link worker|care manager|screened by|"
                rf"escort|referring provider(?:[ \t]+D[NKQ])?)"
                rf"(?:[ \t]*\([^)\n]{{1,20}}\))?:?[ \t]+)"
                rf"(?!{_TITLES}[ \t])(?!(?i:physician|surgeon|nurse|consultant|doctor|registrar|"
                rf"team|on[- ]call|services?|department|unit|ward|clinic|office|pharmacy|"
                rf"laboratory|lab|staff|attending|resident|fellow)\b)"
                rf"(?!(?:NOTE|NOTES|REPORT|FORM|LOG|RECORD|SUMMARY|LETTER|REQUEST|SERVICES?|"
                rf"PROVIDER|PHYSICIAN|NAME|OF|D[NKQ])\b)"
                r"(?!\p{Lu}{2,4}\.(?:[ \t]|$))"  # "reported by EMS.": a service, not a person
                rf"(?:{_SURNAME_FIRST}|{_PERSON})(?=[ \t]*(?:[,;(\n\t]|$|[ \t]{{2}}|[ \t]+\d|"
                rf"\.(?:[ \t]|$)|[ \t]+(?:on|at|to|for|and|via|MD|RN)\b))",
                0.75,
            ),
            # A nickname quoted between a given name and a surname: Jeffrey "Chip" Wheeler.
            (
                "nickname in quotes",
                r"(?<=\b\p{Lu}\p{Ll}+[ \t]+[\"“])\p{Lu}\p{Ll}+(?=[\"”][ \t]+\p{Lu}\p{Ll}+)",
                0.75,
            ),
            # A relative named after the relation ("daughter Karina Buszko", "your sister
            # Nanami", "son Julio Cesar Quezada").
            (
                "relative named",
                r"(?=\p{Lu})"
                rf"(?<=\b(?i:daughter|son|sister|brother|wife|husband|spouse|partner|stepson|"
                rf"stepdaughter|neighbou?r|friend|niece|nephew|aunt|uncle|cousin|grandson|"
                rf"mother|father|mum|mom|dad|stepmother|stepfather|grandmother|grandfather|"
                rf"granddaughter|fianc[eé]e?|boyfriend|girlfriend|sibling|twin)[ \t]+)"
                rf"(?!(?-i:Has|Had|Is|Was|Were|Deceased|Alive|Died|With|And|The|Denies|Reports|"
                rf"Lives|Present|At|In|On)\b)(?!{_TITLES}[ \t])(?:{_SURNAME_FIRST}|{_PERSON})",
                0.7,
            ),
            # A family member after a colon ("Mother: Luo, Guiying"), not a family history
            # entry ("Mother: Alive and well", "Father: MI at 60").
            (
                "family member labelled",
                r"(?=\p{Lu})"
                rf"(?<=\b(?:Mother|Father|Mum|Mom|Dad|Parent|Guardian|Spouse|Wife|Husband|Partner|"
                rf"Son|Daughter|Sister|Brother|NOK|Next of kin|Carer|Caregiver)[ \t]*:[ \t]*)"
                rf"(?![A-Z]{{2,5}}\b(?!(?:[ \t][A-Z]{{2,}})*,[ \t]*\p{{Lu}}\p{{Ll}}))"
                rf"(?!(?i:alive|deceased|died|living|unknown|none|healthy|well|"
                rf"not|no|yes|history|cancer|diabetes|stroke|asthma|hypertension|heart|breast|"
                rf"lung|colon|prostate|dementia|adopted|estranged|present|absent|aware)\b)"
                rf"(?:{_SURNAME_FIRST}|{_PERSON})(?=[ \t]*(?:[,;(\n\t]|$|[ \t]{{2}}))",
                0.75,
            ),
            # A name that opens a line and is followed by a street address ("Nhlanhla
            # Maphindela, 93495 Edwards Junction"): a list of people and their addresses.
            (
                "name before an address",
                rf"(?<=^[ \t]*)(?:{_SURNAME_FIRST}|{_PERSON})(?=,[ \t]*\d{{1,6}}[ \t]+\p{{Lu}})",
                0.75,
            ),
            # E-mail headers: "To: Abdulrahman Nasser <abdul@example.org>".
            (
                "mail header",
                rf"(?<=^[> \t]*(?:To|From|Cc|CC|Bcc|Reply-To):[ \t]*){_PERSON}(?=[ \t]*<)",
                0.8,
            ),
            # The signature under a letter's closing ("Yours sincerely,\n\nMiki Murakami").
            (
                "signature",
                r"(?=\p{Lu})"
                rf"(?<=(?i:sincerely|regards|best wishes|yours truly|yours faithfully|"
                rf"respectfully|cordially|kind regards|warm regards|thanks|thank you|cheers|"
                rf"best),?[ \t]*\n(?:[> \t]*\n){{0,2}}"
                rf"[> \t]*)(?!(?i:electronically|digitally|dictated|signed|sent|typed)\b)"
                rf"(?:{_TITLES}[ \t]+)?{_PERSON}",
                0.75,
            ),
            # "admitted under Myrcha, Nataniel": a surname-first name after a cue word.
            (
                "surname first after a cue",
                r"(?=\p{Lu})"
                rf"(?<=\b(?:under|by|per|with|from|to|c/o|for)[ \t]+){_SURNAME_FIRST}"
                rf"(?=[ \t]*(?:[,;.(\n]|$|[ \t]+(?:for|on|at|to|and|via|with)\b))",
                0.7,
            ),
        ],
        (),
    ),
    *(("DATE", CASE_SENSITIVE, [(f"date {i}", p, 0.85)], ()) for i, p in enumerate(DATE_PATTERNS)),
    ("DATE", IGNORE_CASE, [("spoken date", SPOKEN_DATE, 0.8)], ()),
)

PARTICLE = _PARTICLE

# Words at least one of which a label-cued pattern needs in the note: a pattern whose trigger is
# absent cannot match and is skipped. Label lookbehinds are tried at every position of a note,
# so the cheap search spares most of their cost on notes without the label. Case-insensitive.
TRIGGERS: dict[str, str] = {
    "ssn last four": r"ssn|social",
    "ssn labelled": r"ssn|ss\#|social",
    "canadian sin": r"\bsin\b|s\.i\.n|social insurance",
    "medicare spaced": r"medicare",
    "mrn any shape": r"mrn|mr\#|mr no|emr|ehr\#|\bur|hosp|medical record|unit no|record no|"
    r"pt\.? id|patient id|cartella|processo|historii|med rec|nhc|historia|dossier|fallnummer|"
    r"pati[eë]ntnummer",
    "phone labelled": r"phone|tel|fax|cell|mobile|pager|ph\b|call|contact|home|work|reach|text",
    "phone cued groups": r"phone|tel|fax|cell|mobile|pager|ph\b|call|contact|alternate|home|"
    r"work|office|reach|text|ring|rang|dial|number|recapito|cellulare|telem|t[ée]l|portable|"
    r"contacto|kontakt|contatto",
    "initials after a log cue": r"closed|signed|grossed|entered|checked|verified|reviewed|"
    r"witnessed|completed|logged|abstracted|dictated|transcribed|scanned|counted|prepared|"
    r"dispensed|\brn\b|emd|user=|by:|rph",
    "initials before a role": r"\((?:rt|rn|nnp|np|pa|md|ot|pt|rm|hca|emt|cpn|rmn|rgn|sw)\)",
    "house name": r"cottage|house|farm|barn|lodge|villa|croft|bungalow|grange",
    "named house": r"lane|road|street|close|way|drive|avenue|row|hill|green|walk|place|gardens|"
    r"crescent|terrace|court",
    "mrn before a birth date": r"dob|d\.o\.b|born",
    "phone local cued": r"page|call|phone|tel|bleep|beeper|ext|cell|mobile|reach|dial",
    "mrn": r"mrn|mr\#|mr no|\bur|umrn|medical record|hospital",
    "short staff number": r"badge|shield|employee|staff|officer|payroll|locker",
    "session token": r"session|login|token|device id|cookie",
    "bare id label": r"\bid\b|i\.d\.",
    "national number spaced": r"sns|utente|nif|pesel|chi\b|phn|health card|nhs|ohip|ramq|bsn|"
    r"ahv|personnummer",
    "age after he's": r"\bhe|she|they",
    "age in brackets after a birth date": r"dob|d\.o\.b|born",
    "name field with its order": r"name[ \t]*\(",
    "device": r"serial|\bsn|s/n|udi|imei|device",
    "after a device word": r"monitor|pump|implant|generator|transmitter|sensor|pacemaker|icd|tag|"
    r"defibrillator|warmer|stimulator|hearing aid|cgm|ventilator|concentrator|cpap|bipap|"
    r"handset|tablet|glucometer|meter",
    "license": r"licen|lic\b|lic\.|dea|npi|certificate|\bdl\b|cdl|permit|registration|\breg",
    "license spaced": r"licen|lic\b|lic\.|certificate|permit|\breg",
    "number plate": r"plate|tag|registration|\breg|vehicle|\bcar\b|\bvan\b|driving",
    "registration body number": r"pin|cert|asha|nmc|gmc|hcpc|ahpra|imc|rcn|registration|dula|"
    r"albo|pwz|omc|crm|colegiado",
    "postcode before a town": "|".join(
        "Germany Spain France Italy Netherlands Belgium Austria Switzerland Portugal Ireland "
        "Denmark Sweden Norway Finland Poland Greece Luxembourg".split()
    ),
    "age labelled": r"age|aet",
    "age at an event": r"age",
    "age observation": r"\^age\^",
    "age after a relative": r"spouse|wife|husband|partner|mother|father|sister|brother|aunt|"
    r"uncle|grand|widow|neighbo|friend",
    "age is": r"\bis\b|was|turned",
    "initials after a conversation": r"spoke|spoken|talked|met\b|discussed|speaking",
    "name before an npi": r"npi",
    "initials labelled": r"initials",
    "signature": r"sincerely|regards|best|yours truly|yours faithfully|respectfully|"
    r"cordially|thanks|thank you|cheers",
    "mail header": r"(?m)^[> \t]*(?:to|from|cc|bcc|reply-to):",
    "family member labelled": r"mother|father|mum|mom|dad|parent|guardian|spouse|wife|husband|"
    r"partner|son|daughter|sister|brother|nok|next of kin|carer|caregiver",
    "credentialed": rf"(?-i:[ \t,]{_CREDENTIALS}\b)",
    "credentialed surname first": rf"(?-i:,[ \t]*{_CREDENTIALS}\b)",
    "role in brackets": r"\((?:attending|resident|fellow|consultant|registrar|surgeon|covering|"
    r"on[ -]call|PCP|GP|intern|locum|sister|brother|daughter|son|wife|husband|mother|father|"
    r"spouse|partner|niece|nephew|friend|neighbou?r|guardian|aunt|uncle|cousin|grand|"
    r"(?:nnp|rn|rt|np|pa|md|rm|hca|emt|cpn|rmn|rgn|annp)\))",
    "spoken date": r"nineteen|twenty|thousand",
    "city before a province": r"(?-i:\b(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT|NSW|VIC|QLD|SA|"
    r"WA|TAS|ACT)[ \t]+(?:[A-Z]\d[A-Z]|\d{4}\b))",
    "nickname in quotes": r"[\"“]",
    "name before an address": r",[ \t]*\d{1,6}[ \t]+\p{Lu}",
}
# The rest of a name cut at a particle: a detector stopped at "Micha van der" or "C. Ó"
# ("Micha van der Meulen", "C. Ó Leidhin"); read at the end of a NAME span. A particle must end
# the span or open what follows, so a plain "Ann Lee" is never extended.
NAME_PARTICLE_TAIL = regex.compile(
    rf"(?:(?<=(?<!\p{{L}}){_PARTICLE})|(?:[ \t]+{_PARTICLE})+)[ \t]+{_NAME_WORD}"
    rf"(?:[ \t]+(?!{_PARTICLE}\b){_NAME_WORD}(?=[ \t]*(?:[,;.\n]|$)))?",
    CASE_SENSITIVE,
)
# Particles cut off the front of a name ("van Veen, Selena" found as "Veen, Selena").
NAME_PARTICLE_HEAD = regex.compile(rf"(?<!\p{{L}})(?:{_PARTICLE}[ \t]+){{1,2}}$", CASE_SENSITIVE)
TITLE_BEFORE = regex.compile(rf"\b{_TITLES}[ \t]+(?:{_PARTICLE}[ \t]+)?$")
# A name used as an eponym: followed (after a possessive, a hyphenated second name or one more
# capitalised name, as in "Braxton Hicks contractions") by a medical head noun. One space at
# most before the noun, and no field cue after it: in "Bell, David   Chart #0832" the column gap
# and the "#" show a form label, not "Bell chart" (that reading leaked the name).
EPONYM_CONTEXT = regex.compile(
    r"(?:-\p{Lu}\p{Ll}+)?(?:'s|’s|'|’)?(?-i:[ \t]and[ \t]\p{Lu}\p{Ll}+(?:'s|’s|'|’)?)?"
    r"(?-i:[ \t]\p{Lu}\p{Ll}+(?:'s|’s|'|’)?)?(?:[ \t]|-)"
    # One describing word may stand before the noun ("Fuchs endothelial dystrophy", "Humphrey
    # visual field", "Karnofsky performance status").
    r"(?:(?-i:\p{Ll}+(?:al|ic|ous|ive|ary|ory|oid|ular|eal|ation))[ \t]|"
    r"(?-i:tongue|visual|performance|coma|rating|muscle|nerve|cell|blood|tendon|joint|skin|"
    r"bone|lymph|hip|knee|ankle|wrist|elbow|shoulder|eye|ear|tear|light|pressure|pulse|heart|"
    r"liver|kidney|lung|bowel|bladder)[ \t]|(?-i:[A-Z]|[IVX]{1,4})[ \t]){0,2}"
    r"(?:\p{Ll}{3,}(?:itis|osis|oma|emia|aemia|pathy|plasia|trophy|algia|ectasia|megaly|penia|"
    r"cytosis)|disease|syndrome|sign|palsy|lymphoma|fracture|esophagus|oesophagus|cyst|"
    r"disorder|phenomenon|reflex|test|maneuver|manoeuvre|chorea|ulcer|encephalopathy|"
    r"thyroiditis|sarcoma|tumou?r|score|scale|catheter|criteria|classification|procedure|"
    r"operation|repair|node|contracture|neuroma|anomaly|aneurysm|diverticulum|triad|law|"
    r"position|hernia|disease's|class|level|inventory|questionnaire|index|thickness|"
    r"fundoplication|bypass|stain|staging|grade|rule|formula|en-Y|contractions?|gait|monitor|"
    r"monitoring|chart|pattern|tube|needle|forceps|retractor|incision|block|shunt|valve|"
    r"bodies|gland|duct|canal|pouch|ratio|equation|sequence|frame|examination|measure|"
    r"technique|splint|cast|traction|dementia|anemia|anaemia|ataxia|dystrophy|"
    r"neuralgia|neuropathy|murmur|nodes|nodules?|plot|angle|membrane|"
    r"infarct|lesion|deformity|sclerosis|atrophy|myopathy|paralysis|tremor|lens|stockings?|"
    r"dressing|drain|syndromes|diseases|flap|graft|puncture|angioplasty|respiration|"
    r"breathing|line|field|pupil|card|fistula|status|type|manoeuvres|maneuvers|signs|tests|"
    r"scales|scores|reaction|reflexes|phenomena|effect|curve|cells|spots|loop|lines|"
    r"respirations|nodules|tumours|tumors|fractures|ulcers|cysts|lenses|tubes|catheters|"
    r"shunts|classes|grades|stages?|pupils|incisions|repairs|procedures|operations|tonometry|"
    r"grid|count|glands|bundle|zone|space|point|corpuscles?|granules?|forceps|protocol|"
    r"nomogram|algorithm|waves?|attacks?|variant|proteins?|pearls|thrombasthenia|IgG|IgM|"
    r"antibod(?:y|ies)|antigens?|(?-i:surgery|review|anomaly|reaction)|panel|"
    r"hypothesis|effect|index|spots|bodies|cysts|ring|rings|line|lines|sinus|notch|fossa|"
    r"tubercles?|sulcus|bioprosthesis|prosthesis|aphasia|blade|pulse|cannula|mechanism|"
    r"mask)\b"
    r"(?![ \t]*(?:\#|(?-i:No\.?|NO\.?|Number|number)\b))"
    r"(?:(?<=(?i:disease|syndrome|an?aemia|anemia|thrombasthenia|itis|osis|oma|palsy|fracture|"
    r"dystrophy|ataxia|chorea|encephalopathy|neuralgia|neuropathy|dementia|tumou?r|sign|"
    r"phenomenon|reflex|ulcer|hernia|cyst|pathy|plasia|trophy))|(?![ \t]*:))"
    # A number after a score-like noun is its value ("Braden scale 13"), not a form field.
    r"(?:(?<=(?i:scale|score|class|grade|type|stage|level|status|index|criteria|test|field|"
    r"sign|angle|ratio|inventory|questionnaire|tonometry|count|classification|staging|disease|"
    r"syndrome|palsy|lymphoma|itis|osis|oma|chart))|"
    r"(?![ \t]*\d))",
    regex.IGNORECASE,
)
# Hyphenated and two-word eponyms that are never a person's name as written: a word of a
# detection inside one of these is kept ("Cheyne-Stokes respiration", "BCG (Bacillus
# Calmette-Guerin)", "Osgood-Schlatter").
KNOWN_EPONYMS = regex.compile(
    r"(?=[\p{Lu}fmsepvtdrlocz])"  # what the names below can open with: cheaper than the alternation
    r"\b(?:Bacillus[ \t]+Calmette[- ]Gu[ée]rin|Calmette[- ]Gu[ée]rin|Cheyne[- ]Stokes|"
    r"Guillain[- ]Barr[ée]|Creutzfeldt[- ]Jakob|Wolff[- ]Parkinson[- ]White|Osgood[- ]Schlatter|"
    r"Legg[- ]Calv[ée][- ]Perthes|Charcot[- ]Marie[- ]Tooth|Brown[- ]S[ée]quard|"
    r"Stevens[- ]Johnson|Mallory[- ]Weiss|Zollinger[- ]Ellison|Ehlers[- ]Danlos|Budd[- ]Chiari|"
    r"Arnold[- ]Chiari|Dandy[- ]Walker|Peutz[- ]Jeghers|Klippel[- ]Feil|Klippel[- ]Trenaunay|"
    r"Wernicke[- ]Korsakoff|Kimmelstiel[- ]Wilson|Brescia[- ]Cimino|Swan[- ]Ganz|"
    r"Roux[- ]en[- ]Y|Jarisch[- ]Herxheimer|Sturge[- ]Weber|[Vv]on[ \t]Willebrand|"
    r"[Vv]on[ \t]Hippel[- ]Lindau|Marcus[ \t]Gunn|Argyll[ \t]Robertson|Austin[ \t]Flint|"
    r"Graham[ \t]Steell|Osler[- ]Weber[- ]Rendu|Bernard[- ]Soulier|Chediak[- ]Higashi|"
    r"Lesch[- ]Nyhan|Prader[- ]Willi|Russell[- ]Silver|Beckwith[- ]Wiedemann|"
    r"Kasabach[- ]Merritt|Waterhouse[- ]Friderichsen|Fitz[- ]Hugh[- ]Curtis|Pelger[- ]Hu[ëe]t|"
    r"Hallervorden[- ]Spatz|Ortolani[ \t]and[ \t]Barlow|Barlow[ \t]and[ \t]Ortolani|"
    r"Ramsay[ \t]Hunt|Epstein[- ]Barr|Jod[- ]Basedow|Dubin[- ]Johnson|Crigler[- ]Najjar|"
    r"Henoch[- ]Sch[öo]nlein|Gilles[ \t]de[ \t]la[ \t]Tourette|Dix[- ]Hallpike|"
    r"Stokes[- ]Adams|Rumack[- ]Matthew|Bence[ \t]Jones|Miller[ \t]Fisher|Kleihauer[- ]Betke|"
    r"Lambert[- ]Eaton|Wolf[- ]Hirschhorn|Cornelia[ \t]de[ \t]Lange|Tay[- ]Sachs|Niemann[- ]Pick|"
    r"Sick[ \t]Sinus|Adams[ \t]forward[ \t]bend|"
    # Eponyms in Spanish, French, Italian or German phrasing ("Fenómeno de Raynaud").
    r"(?i:fenómeno|fenomeno|maniobra|monofilamento|síndrome|sindrome|enfermedad|signo|prueba|"
    r"escala|maladie|syndrome|signe|manœuvre|morbus|malattia|sindrome|segno|doença|doenca|"
    r"tiroidite|tireoidite|sinal|manobra|reflexo|teste|sequência|sequencia|linfoma|"
    r"tiroiditis|linfoma)[ \t]+(?:de|del|di|von|du|da|do)[ \t]+\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?|"
    # Polish names the eponym in the genitive after the noun ("Objaw Babińskiego").
    r"(?i:objaw|zespół|zespol|choroba|chorobą|chorobę|odruch|próba|skala|chłoniak)[ \t]+"
    r"\p{Lu}\p{Ll}+(?:['’]\p{Ll}+)?|"
    r"Anti-\p{Lu}\p{Ll}+|Apgar|Mallampati|Karnofsky|Gleason|Breslow|Ranson|Waterlow|Barthel|"
    r"Tinetti|Dubowitz|Mantoux|Impella|Westergren|Lancefield|Linehan|Starr[- ]Edwards|Inogen|"
    # Bacterial genera named after people.
    r"Salmonella|Shigella|Listeria|Escherichia|Klebsiella|Legionella|Neisseria|Borrelia|"
    r"Bordetella|Yersinia|Brucella|Rickettsia|Ehrlichia|Pasteurella|Burkholderia|"
    r"(?:Amplatz|Judkins)(?=[ \t]+(?:Left|Right|L|R|AL|AR)\b)|"
    r"Macintosh(?=[ \t]+\d?[ \t]*blade)|"
    r"Lewy[ \t]bod(?:y|ies)|Broca(?=['’]?s?[ \t]+(?:aphasia|area))|"
    r"Wernicke(?=['’]?s?[ \t]+(?:aphasia|area|encephalopathy)))(?![\p{L}])"
    # A disease's eponym glossed in brackets: "Autoimmune thyroiditis (Hashimoto)".
    r"|(?<=(?i:itis|osis|disease|syndrome|anaemia|anemia|palsy|tumou?r|ESR|method|stain)"
    r"[ \t]*\()"
    r"\p{Lu}\p{Ll}+(?:['’]s)?(?=\))"
)
# A disease eponym used for the disease's care ("are my Hashimoto labs back", "Crohn flare").
EPONYM_CARE = regex.compile(
    r"\b(?:Kawasaki|Kaposi|Hashimoto|Sj[öo]gren|Wilms|Hodgkin|Addison|Alzheimer|Parkinson|"
    r"Huntington|Crohn|Raynaud|Tourette|Asperger|Meni[eè]re|Meckel|Cushing|Graves|Paget|Behçet|"
    r"Behcet|Whipple|Wilson|Lyme)(?:'s|’s|')?[ \t]+(?i:labs?|results?|panel|screen|flares?|"
    r"meds?|medications?|symptoms?|diagnosis|follow-?up|clinic|antibod(?:y|ies)|levels?|"
    r"bloods|workup|work-up)\b"
    # The disease by its eponym alone, after a verb or preposition: "she has Parkinson's and".
    r"|(?<=\b(?i:has|have|had|with|of|for|from)[ \t]+)(?:Hodgkin|Addison|Alzheimer|Parkinson|"
    r"Huntington|Crohn|Raynaud|Tourette|Asperger|Cushing|Graves|Paget|Behçet|Behcet)(?:'s|’s)"
    r"(?=[ \t]*(?:[,.;:)]|$|(?:and|or|but|since|for|which|that)\b))"
)
# Country names: not PHI (Safe Harbor removes places smaller than a state), and never part of a
# detected city or facility.
COUNTRIES = frozenset(
    """Germany Spain France Italy Netherlands Belgium Austria Switzerland Portugal Ireland Denmark
    Sweden Norway Finland Poland Greece Luxembourg Canada Mexico Brazil Argentina Chile Colombia
    Peru Ecuador Bolivia Venezuela Cuba India Pakistan Bangladesh China Japan Korea Vietnam
    Thailand Philippines Indonesia Malaysia Singapore Australia Zealand Nigeria Ghana Kenya
    Tanzania Uganda Ethiopia Egypt Morocco Algeria Tunisia Turkey Iran Iraq Israel Jordan Lebanon
    Syria Russia Ukraine Romania Hungary Czechia Slovakia Croatia Serbia Bulgaria Iceland Nepal
    USA UK Scotland Wales England""".split()
)
# A brand drug name written with its generic name in brackets ("Eliquis (apixaban)"), or one of
# the brands most often written alone; neither is a person or a place.
# The bracketed word must end like a generic drug name: "Dickerson (attending)" and
# "Burns (daughter)" are people with their role, and the brand rule had kept them.
_GENERIC_END = (
    r"(?:pril|olol|statin|sartan|dipine|mab|nib|azole|cillin|mycin|micin|cycline|floxacin|xaban|"
    r"gatran|parin|farin|gliptin|gliflozin|formin|glitazone|tide|ide|ine|one|pam|lam|setron|"
    r"sone|oxin|vir|ase|grel|osin|lukast|terol|tropium|fen|phen|done|zine|pine|triptan|caine|"
    r"bital|dronate|ate|zole|ium|etam|ol|rin|lin|min|xin|pin|cin|tin|il|ex)"
)
DRUG_GENERIC_AFTER = regex.compile(
    rf"[ \t]*\((?-i:[a-z]{{2,}}{_GENERIC_END}(?:[ /-][a-z]{{3,}}|/[A-Z]{{3,5}})?)\)"
)
BRAND_DRUGS = frozenset(
    """Eliquis Plavix Keppra Symbicort Lipitor Norco Lasix Xarelto Coumadin Tylenol Zofran Keflex
    Synthroid Protonix Flomax Januvia Jardiance Farxiga Ozempic Trulicity Lantus Humalog Novolog
    Levemir Entresto Brilinta Pradaxa Zoloft Lexapro Prozac Celexa Wellbutrin Seroquel Abilify
    Zyprexa Risperdal Depakote Lamictal Neurontin Lyrica Ativan Xanax Klonopin Valium Ambien
    Advair Spiriva Ventolin Singulair Prednisone Medrol Augmentin Cipro Levaquin Bactrim Zithromax
    Diflucan Valtrex Tamiflu Humira Enbrel Remicade Stelara Dupixent Motrin Advil Aleve Percocet
    Dilaudid Ultram Oxycontin Suboxone Narcan Aricept Namenda Sinemet Requip Mirapex Toprol
    Lopressor Coreg Norvasc Zestril Cozaar Diovan Aldactone Crestor Zocor Zetia Nexium Prilosec
    Pepcid Reglan Miralax Colace Senokot Dulcolax Imodium Glucophage Amaryl Actos""".split()
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
    r"staging|grade|protocol|nomogram|algorithm|rule|method|technique|manoeuvre|maneuver|"
    r"measure|examination)\b"
)
# Stand-alone letters and roman numerals ("class B", "class II") are never a name on their own.
LONE_LETTER = regex.compile(r"(?:[A-Z]|[IVX]{1,4})")
# For reading a detected date back (the last one has no label lookbehind: "on 3/14" -> "3/14").
DATE_PARSERS = (
    *DATE_REGEXES,
    regex.compile(r"(?P<m>1[0-2]|0?[1-9])[/-](?P<d>3[01]|[12]\d|0?[1-9])", CASE_SENSITIVE),
    regex.compile(r"(?P<d>1[3-9]|2\d|3[01])[/.-](?P<m>1[0-2]|0?[1-9])", CASE_SENSITIVE),
    # HL7 timestamps: the date, then the time of day kept as written.
    regex.compile(
        r"(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?P<t>\d{2,8})"
        r"(?P<tz>[+-]\d{4})?",
        CASE_SENSITIVE,
    ),
)
