"""Seeded synthetic corpus: realistic clinical notes with gold ICD-10-CM codes and injected PHI.

Every note is built from one patient (a Faker identity), a note type (discharge summary, ED note,
operative note, pathology report) and gold codes drawn from a Zipf-like distribution over the
curated pool of ``training.codepool``. Notes also carry mentions that must NOT be coded: negated
findings ("no evidence of pneumonia", "denies chest pain") and family history. Identifiers are
written into the text in several formats and listed in ``NoteRecord.identifiers`` so that
de-identification can be measured.

``drift=True`` changes the case mix (more ED notes and pathology), the popular codes, and the style
(shorter headings, more abbreviations, longer notes), so a drift monitor has something to find.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from clinicode.config import CorpusParams
from clinicode.errors import ConfigError
from clinicode.schema import NoteRecord
from training.codepool import (
    DISCHARGE,
    ED_NOTE,
    OPERATIVE,
    PATHOLOGY,
    POOL,
    CodeSpec,
    spec_of,
    surface_forms,
)
from training.deid import usable_names
from training.phi.types import MONTHS as _MONTHS

logger = logging.getLogger(__name__)

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_ZIPF_EXPONENT = 1.1
_BASE_MIX = {DISCHARGE: 0.45, ED_NOTE: 0.25, OPERATIVE: 0.15, PATHOLOGY: 0.15}
_DRIFT_MIX = {DISCHARGE: 0.2, ED_NOTE: 0.45, OPERATIVE: 0.1, PATHOLOGY: 0.25}
_RELATIONS = ("spouse", "partner", "sibling", "adult child", "cousin")
_FAMILY = ("mother", "father", "brother", "sister")


@dataclass(frozen=True)
class _Style:
    """How notes are written: undrifted (full headings) or drifted (terse, longer, abbreviated)."""

    abbrev_rate: float
    terse: bool
    mix: dict[str, float]


_BASE_STYLE = _Style(abbrev_rate=0.25, terse=False, mix=_BASE_MIX)
_DRIFT_STYLE = _Style(abbrev_rate=0.8, terse=True, mix=_DRIFT_MIX)

_HEADINGS = {  # full heading, terse heading
    "hpi": ("HISTORY OF PRESENT ILLNESS", "HPI"),
    "pmh": ("PAST MEDICAL HISTORY", "PMH"),
    "meds": ("MEDICATIONS", "Meds"),
    "social": ("SOCIAL HISTORY", "SH"),
    "family": ("FAMILY HISTORY", "FH"),
    "exam": ("PHYSICAL EXAMINATION", "PE"),
    "labs": ("LABORATORY DATA", "Labs"),
    "course": ("HOSPITAL COURSE", "Course"),
    "plan": ("ASSESSMENT AND PLAN", "A/P"),
}


@dataclass
class SyntheticNote:
    """A generated note with what the generator knows about it.

    Attributes:
        record: The raw record (with identifiers), as a source yields it.
        negated_codes: Pool codes mentioned only as negated findings (never gold).
        family_codes: Pool codes mentioned only as family history (never gold).
    """

    record: NoteRecord
    negated_codes: list[str] = field(default_factory=list)
    family_codes: list[str] = field(default_factory=list)


@dataclass
class _Patient:
    patient_id: str
    first: str
    last: str
    sex: str
    birth: date
    mrn: str
    address: str
    phone: str
    relative: tuple[str, str]
    clinicians: tuple[str, str, str]
    email: str | None
    ssn: str | None


@dataclass
class _Ctx:
    """Everything one note's sections need."""

    patient: _Patient
    note_type: str
    note_date: date
    codes: list[str]
    negated: list[str]
    family: list[str]
    style: _Style
    rng: random.Random
    dates: dict[str, date] = field(default_factory=dict)


def parse_quarter(quarter: str) -> tuple[int, int]:
    """Split ``"2026Q1"`` into ``(2026, 1)``; ConfigError when the form is not ``YYYYQn``."""
    match = _QUARTER.match(quarter)
    if not match:
        raise ConfigError(f"corpus quarter '{quarter}': expected the form YYYYQn, e.g. 2026Q1")
    return int(match.group(1)), int(match.group(2))


def quarter_range(start: str, n_quarters: int) -> list[str]:
    """The ``n_quarters`` consecutive quarters from ``start`` (``2026Q4`` is followed by 2027Q1)."""
    year, q = parse_quarter(start)
    out = []
    for step in range(n_quarters):
        index = (q - 1) + step
        out.append(f"{year + index // 4}Q{index % 4 + 1}")
    return out


def _quarter_dates(quarter: str) -> tuple[date, int]:
    """First day of a quarter and its length in days."""
    year, q = parse_quarter(quarter)
    first = date(year, 3 * (q - 1) + 1, 1)
    after = date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return first, (after - first).days


def code_pool(params: CorpusParams) -> list[str]:
    """Codes the corpus draws from, most frequent first.

    The pool is the ``n_codes`` first codes of the curated list; with ``drift`` the same codes are
    ranked in a different (seeded) order, so other codes become the popular ones.

    Args:
        params: Corpus parameters (``n_codes``, ``seed``, ``drift``).

    Returns:
        ICD-10-CM codes with dots, ranked.
    """
    if params.n_codes > len(POOL):
        logger.warning(
            "corpus.n_codes=%d exceeds the curated pool; using %d codes", params.n_codes, len(POOL)
        )
    codes = [spec.code for spec in POOL[: params.n_codes]]
    if params.drift:
        # Reverse then shuffle within blocks of five: the old tail becomes the new head.
        ranked = codes[::-1]
        rng = random.Random(f"drift-rank:{params.seed}")
        codes = []
        for start in range(0, len(ranked), 5):
            block = ranked[start : start + 5]
            rng.shuffle(block)
            codes.extend(block)
    return codes


def _weighted(rng: random.Random, items: list[str], ranks: dict[str, int]) -> str:
    weights = [1.0 / (ranks[item] + 1) ** _ZIPF_EXPONENT for item in items]
    return rng.choices(items, weights=weights, k=1)[0]


def _fmt_date(day: date, rng: random.Random) -> str:
    """A date in one of the formats notes use (US numeric, ISO, European, spelled months)."""
    month = _MONTHS[day.month - 1]
    styles = (
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        day.isoformat(),
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month[:3]} {day.year}",
        f"{month[:3]} {day.day}, {day.year}",
    )
    return rng.choice(styles)


def _make_patient(idx: int, params: CorpusParams, fake: Faker, rng: random.Random) -> _Patient:
    firsts, lasts = usable_names()
    sex = rng.choice("FM")
    own_firsts = usable_names(sex)[0]
    street, city = fake.street_address(), fake.city()
    address = f"{street}, {city}, {fake.state_abbr(include_territories=False)} {fake.zipcode()}"
    first, last = rng.choice(own_firsts), rng.choice(lasts)
    phone_digits = (rng.randrange(201, 990), rng.randrange(200, 999), rng.randrange(0, 10_000))
    phone = rng.choice(("({}) {}-{:04d}", "{}-{}-{:04d}", "{}.{}.{:04d}")).format(*phone_digits)
    clinicians = tuple(f"{rng.choice(firsts)} {rng.choice(lasts)}" for _ in range(3))
    return _Patient(
        patient_id=f"PT{params.seed % 1000:03d}{idx:06d}",
        first=first,
        last=last,
        sex=sex,
        birth=date(1936, 1, 1) + timedelta(days=rng.randrange(0, 365 * 66)),
        mrn=str(rng.randrange(10_000_000, 100_000_000)),
        address=address,
        phone=phone,
        relative=(rng.choice(firsts), rng.choice((last, rng.choice(lasts)))),
        clinicians=clinicians,  # type: ignore[arg-type]
        email=(
            f"{first}.{last}{rng.randrange(1, 99)}@{fake.free_email_domain()}".lower()
            if rng.random() < 0.3
            else None
        ),
        ssn=(
            f"{rng.randrange(100, 900):03d}-{rng.randrange(10, 99):02d}-"
            f"{rng.randrange(1000, 9999):04d}"
            if rng.random() < 0.2
            else None
        ),
    )


def _eligible(spec: CodeSpec, note_type: str, sex: str) -> bool:
    if spec.sex and spec.sex != sex:
        return False
    if note_type == OPERATIVE:
        return spec.procedure is not None
    if note_type == PATHOLOGY:
        return spec.specimen is not None
    return True


def _draw_codes(
    ctx_rng: random.Random, pool: list[str], params: CorpusParams, note_type: str, sex: str
) -> tuple[list[str], list[str], list[str]]:
    """Gold codes (primary first), negated codes and family-history codes of one note."""
    ranks = {code: rank for rank, code in enumerate(pool)}
    allowed = [c for c in pool if not spec_of(c).sex or spec_of(c).sex == sex]
    primary_pool = [c for c in allowed if _eligible(spec_of(c), note_type, sex)] or allowed
    low, high = params.codes_per_note
    n_gold = ctx_rng.randint(low, high) if note_type != PATHOLOGY else min(high, 2)
    codes = [_weighted(ctx_rng, primary_pool, ranks)]
    secondary = [c for c in allowed if note_type != PATHOLOGY or spec_of(c).chronic]
    while len(codes) < n_gold and len(codes) < len(secondary):
        code = _weighted(ctx_rng, secondary, ranks)
        if code[:3] not in {c[:3] for c in codes}:
            codes.append(code)
    # Unrelated categories only: "no pneumonia" next to coded sepsis stays unambiguous.
    others = [c for c in allowed if c[:3] not in {g[:3] for g in codes}]
    negated = [ctx_rng.choice(others)] if others and ctx_rng.random() < params.negation_rate else []
    rest = [c for c in others if c not in negated and not spec_of(c).symptom]
    family = [ctx_rng.choice(rest)] if rest and ctx_rng.random() < params.negation_rate else []
    return codes, negated, family


def _say(ctx: _Ctx, code: str) -> str:
    """One mention of ``code``: its abbreviation (more often in drifted notes) or a synonym."""
    spec = spec_of(code)
    if spec.abbrev and ctx.rng.random() < ctx.style.abbrev_rate:
        return spec.abbrev
    forms = surface_forms(code)
    return forms[0] if ctx.rng.random() < 0.6 or len(forms) == 1 else ctx.rng.choice(forms[1:])


def _heading(ctx: _Ctx, key: str) -> str:
    return _HEADINGS[key][1 if ctx.style.terse else 0] + ":"


def _title(p: _Patient) -> str:
    return ("Ms." if p.sex == "F" else "Mr.") + f" {p.last}"


def _age(p: _Patient, on: date) -> int:
    return on.year - p.birth.year - ((on.month, on.day) < (p.birth.month, p.birth.day))


def _header(ctx: _Ctx) -> list[str]:
    """Title block: patient name, MRN, date of birth, dates of the encounter, clinician."""
    p, rng = ctx.patient, ctx.rng
    name = f"{p.last}, {p.first}" if ctx.note_type == PATHOLOGY else f"{p.first} {p.last}"
    mrn_label = rng.choice(("MRN:", "MR#", "MRN"))
    lines = [
        ctx.note_type.upper(),
        f"Patient: {name}   {mrn_label} {p.mrn}   DOB: {_fmt_date(p.birth, rng)}",
    ]
    if "admission_date" in ctx.dates:
        lines.append(
            f"Admitted: {_fmt_date(ctx.dates['admission_date'], rng)}   "
            f"Discharged: {_fmt_date(ctx.note_date, rng)}"
        )
    else:
        lines.append(f"Date of service: {_fmt_date(ctx.note_date, rng)}")
    role = {OPERATIVE: "Surgeon", PATHOLOGY: "Pathologist"}.get(ctx.note_type, "Attending")
    lines.append(f"{role}: Dr. {p.clinicians[0]}")
    if p.ssn and rng.random() < 0.5:
        lines.append(f"SSN: {p.ssn}")
    return lines


def _hpi(ctx: _Ctx) -> list[str]:
    p, rng, primary = ctx.patient, ctx.rng, ctx.codes[0]
    chronic = [c for c in ctx.codes[1:] if spec_of(c).chronic]
    history = ", ".join(_say(ctx, c) for c in chronic)
    woman_or_man = "woman" if p.sex == "F" else "man"
    verb = {
        ED_NOTE: "presents to the emergency department with",
        OPERATIVE: "was taken to the operating room for",
        DISCHARGE: "was admitted for management of",
    }.get(ctx.note_type, "is evaluated for")
    if ctx.style.terse:
        age = _age(p, ctx.note_date)
        past = f"w/ h/o {history}" if history else "w/ no significant PMH"
        text = f"{age} y/o {p.sex} {past}, {verb} {_say(ctx, primary)}."
    else:
        past = f"with a history of {history}" if history else "with no significant past history"
        text = (
            f"{_title(p)} is a {_age(p, ctx.note_date)}-year-old {woman_or_man} {past} "
            f"who {verb} {_say(ctx, primary)}."
        )
    onset = rng.choice(("two days", "one week", "several days", "three weeks"))
    text += f" Symptoms began {onset} ago and were {rng.choice(('gradual', 'sudden'))} in onset."
    return [_heading(ctx, "hpi"), text]


def _medications(ctx: _Ctx) -> list[str]:
    meds = [spec_of(c).med for c in ctx.codes if spec_of(c).med]
    meds += ctx.rng.sample(
        [
            "acetaminophen 650 mg as needed",
            "docusate 100 mg twice daily",
            "pantoprazole 40 mg daily",
            "enoxaparin 40 mg daily",
        ],
        2,
    )
    return [_heading(ctx, "meds"), *(f"- {m}" for m in meds), "Allergies: no known drug allergies."]


def _social(ctx: _Ctx) -> list[str]:
    p, rng = ctx.patient, ctx.rng
    relation = rng.choice(_RELATIONS)
    text = (
        f"Lives at {p.address} with {relation} {p.relative[0]} {p.relative[1]}, "
        f"who can be reached at {p.phone}."
    )
    if p.email:
        text += f" Prefers contact by email at {p.email}."
    text += rng.choice((" Former smoker.", " Drinks alcohol socially.", " Works as a teacher."))
    return [_heading(ctx, "social"), text]


def _family(ctx: _Ctx) -> list[str]:
    if not ctx.family:
        return [_heading(ctx, "family"), "Noncontributory."]
    relative = ctx.rng.choice(_FAMILY)
    return [_heading(ctx, "family"), f"Family history of {_say(ctx, ctx.family[0])} in {relative}."]


def _exam(ctx: _Ctx) -> list[str]:
    rng = ctx.rng
    vitals = (
        f"BP {rng.randrange(105, 165)}/{rng.randrange(60, 95)}, HR {rng.randrange(58, 110)}, "
        f"RR {rng.randrange(12, 22)}, T {rng.uniform(36.2, 38.4):.1f} C, "
        f"SpO2 {rng.randrange(91, 100)}% on room air."
    )
    exam = rng.choice(
        (
            "Alert and oriented x3, in no acute distress.",
            "Lungs clear to auscultation bilaterally. Heart regular rate and rhythm.",
            "Abdomen soft, nontender, nondistended. No peripheral edema.",
        )
    )
    return [_heading(ctx, "exam"), vitals, exam]


def _negation(ctx: _Ctx) -> list[str]:
    if not ctx.negated:
        return []
    code = ctx.negated[0]
    mention = _say(ctx, code)
    if spec_of(code).symptom:
        return [ctx.rng.choice((f"Denies {mention}.", f"Patient denies {mention}."))]
    capital = mention[0].upper() + mention[1:]
    return [
        ctx.rng.choice(
            (
                f"No evidence of {mention}.",
                f"{capital} was ruled out.",
                f"Workup negative for {mention}.",
            )
        )
    ]


def _review(ctx: _Ctx) -> list[str]:
    """Review of systems (drifted template only: longer notes)."""
    return [
        "ROS:",
        "Constitutional: no weight loss, no night sweats. Eyes: no visual change. ENT: no sore "
        "throat. Resp: no hemoptysis. GI: no melena or hematochezia. GU: no dysuria. MSK: no "
        "joint swelling. Neuro: no focal weakness, no numbness. Psych: mood stable. All other "
        "systems reviewed and otherwise negative.",
    ]


def _labs(ctx: _Ctx) -> list[str]:
    rng = ctx.rng
    return [
        _heading(ctx, "labs"),
        f"WBC {rng.uniform(4, 16):.1f}, Hgb {rng.uniform(8.5, 15.5):.1f}, "
        f"Plt {rng.randrange(120, 420)}, Na {rng.randrange(128, 145)}, "
        f"K {rng.uniform(3.2, 5.3):.1f}, Cr {rng.uniform(0.6, 2.4):.2f}, "
        f"glucose {rng.randrange(80, 260)}.",
    ]


def _course(ctx: _Ctx) -> list[str]:
    rng = ctx.rng
    text = (
        f"Pt was admitted to the {spec_of(ctx.codes[0]).specialty} service and treated "
        f"for {_say(ctx, ctx.codes[0])}. Clinical status improved over the stay with "
        f"supportive care. {rng.choice(('PT/OT evaluated', 'Case management consulted'))} "
        "and discharge planning was completed without complication."
    )
    return [_heading(ctx, "course"), text]


def _plan(ctx: _Ctx) -> list[str]:
    plans = (
        "continue current management",
        "monitor closely and reassess",
        "follow up as an outpatient",
        "adjust therapy as tolerated",
    )
    lines = [_heading(ctx, "plan")]
    for number, code in enumerate(ctx.codes, start=1):
        lines.append(f"{number}. {_say(ctx, code)}: {ctx.rng.choice(plans)}.")
    disposition = ctx.rng.choice(
        (
            "Discharged home in stable condition with return precautions reviewed.",
            "Patient and family agree with the plan; questions answered at the bedside.",
        )
    )
    return lines + _negation(ctx) + [disposition]


def _signature(ctx: _Ctx) -> list[str]:
    p, rng = ctx.patient, ctx.rng
    followup = ctx.dates["followup_date"]
    return [
        f"Follow up with Dr. {p.clinicians[1].split()[-1]} on {_fmt_date(followup, rng)}.",
        f"Electronically signed by Dr. {p.clinicians[0]} on {_fmt_date(ctx.note_date, rng)}.",
    ]


def _operative(ctx: _Ctx) -> list[str]:
    primary = spec_of(ctx.codes[0])
    procedure = primary.procedure or "diagnostic laparoscopy"
    comorbid = ", ".join(_say(ctx, c) for c in ctx.codes[1:]) or "none"
    return [
        f"PREOPERATIVE DIAGNOSIS: {_say(ctx, ctx.codes[0])}.",
        "POSTOPERATIVE DIAGNOSIS: Same.",
        f"PROCEDURE: {procedure}.",
        f"ASSISTANT: Dr. {ctx.patient.clinicians[2]}. ANESTHESIA: General endotracheal.",
        f"Comorbidities: {comorbid}.",
        "FINDINGS: Findings consistent with the preoperative diagnosis. "
        f"Estimated blood loss {ctx.rng.choice((25, 50, 100, 150))} mL. No complications.",
        "The patient was brought to the operating room, positioned supine and prepped and draped "
        "in the usual sterile fashion. A time-out was performed. The procedure was completed "
        "without difficulty and the patient was taken to recovery in stable condition.",
    ]


def _pathology(ctx: _Ctx) -> list[str]:
    primary = spec_of(ctx.codes[0])
    specimen = primary.specimen or "tissue biopsy"
    history = ", ".join(_say(ctx, c) for c in ctx.codes[1:]) or "none given"
    size = ctx.rng.uniform(0.8, 9.5)
    return [
        f"SPECIMEN: {specimen}.",
        f"CLINICAL HISTORY: Rule out {_say(ctx, ctx.codes[0])}. Other history: {history}.",
        f"GROSS DESCRIPTION: Received in formalin is a tan-pink tissue fragment measuring "
        f"{size:.1f} cm in greatest dimension, serially sectioned and entirely submitted.",
        "MICROSCOPIC DESCRIPTION: Sections show the features summarized below. Margins were "
        "evaluated and immunohistochemical stains were reviewed with appropriate controls.",
        f"DIAGNOSIS: {specimen.capitalize()}: {_say(ctx, ctx.codes[0])}.",
        *_negation(ctx),
        f"COMMENT: Results discussed by telephone with Dr. {ctx.patient.clinicians[1]}, who "
        "agrees with the interpretation. Intradepartmental consultation obtained.",
    ]


def _sections(ctx: _Ctx) -> list[list[str]]:
    """Section order per note type; drifted notes add labs and a hospital course."""
    if ctx.note_type == OPERATIVE:
        body = [_hpi(ctx), _operative(ctx) + _negation(ctx), _exam(ctx)]
    elif ctx.note_type == PATHOLOGY:
        body = [_pathology(ctx)]
    elif ctx.note_type == ED_NOTE:
        chief = ["CC:" if ctx.style.terse else "CHIEF COMPLAINT:", _say(ctx, ctx.codes[0])]
        body = [chief, _hpi(ctx), _social(ctx), _family(ctx), _exam(ctx), _plan(ctx)]
    else:
        body = [_hpi(ctx), _medications(ctx), _social(ctx), _family(ctx), _exam(ctx), _plan(ctx)]
    if ctx.style.terse and ctx.note_type != PATHOLOGY:
        body[-1:-1] = [_review(ctx), _labs(ctx), _course(ctx)]
    if ctx.note_type in (OPERATIVE, PATHOLOGY):
        body += [_family(ctx), _social(ctx)]  # demographics footer: keeps PHI in every note type
    return [_header(ctx), *body, _signature(ctx)]


def _render(ctx: _Ctx) -> str:
    return "\n\n".join("\n".join(section) for section in _sections(ctx) if section)


def _identifiers(ctx: _Ctx) -> dict[str, str]:
    p = ctx.patient
    ids = {
        "patient_name": f"{p.first} {p.last}",
        "mrn": p.mrn,
        "birth_date": p.birth.isoformat(),
        "address": p.address,
        "phone": p.phone,
        "relative_name": " ".join(p.relative),
        "clinician_name": p.clinicians[0],
        "clinician_name_2": p.clinicians[1],
        "clinician_name_3": p.clinicians[2],
    }
    ids.update({key: day.isoformat() for key, day in ctx.dates.items()})
    if p.email:
        ids["email"] = p.email
    if p.ssn:
        ids["ssn"] = p.ssn
    return ids


def _specialty(note_type: str, primary: str) -> str:
    if note_type == ED_NOTE:
        return "emergency medicine"
    if note_type == PATHOLOGY:
        return "pathology"
    return spec_of(primary).specialty


def _patient_notes(
    idx: int, params: CorpusParams, quarters: list[str], pool: list[str], fake: Faker
) -> Iterator[SyntheticNote]:
    """All notes of one patient; seeded by (seed, patient index) so quarter filters stay stable."""
    rng = random.Random(f"clinicode-corpus:{params.seed}:{idx}:{params.drift}")
    fake.seed_instance(int(hashlib.sha256(f"{params.seed}:{idx}".encode()).hexdigest()[:12], 16))
    patient = _make_patient(idx, params, fake, rng)
    style = _DRIFT_STYLE if params.drift else _BASE_STYLE
    plans = []
    for _ in range(rng.randint(1, params.max_notes_per_patient)):
        quarter = rng.choice(quarters)
        first, days = _quarter_dates(quarter)
        plans.append((first + timedelta(days=rng.randrange(days)), quarter))
    for number, (note_date, quarter) in enumerate(sorted(plans)):
        note_type = rng.choices(list(style.mix), weights=list(style.mix.values()), k=1)[0]
        codes, negated, family = _draw_codes(rng, pool, params, note_type, patient.sex)
        ctx = _Ctx(patient, note_type, note_date, codes, negated, family, style, rng)
        if note_type == DISCHARGE:
            ctx.dates["admission_date"] = note_date - timedelta(days=rng.randint(1, 9))
        ctx.dates["followup_date"] = note_date + timedelta(days=rng.randint(7, 42))
        record = NoteRecord(
            note_id=f"N{params.seed % 1000:03d}{'D' if params.drift else 'B'}{idx:06d}{number:02d}",
            patient_id=patient.patient_id,
            case_id=f"ENC{rng.randrange(10**8, 10**9)}",
            text=_render(ctx),
            codes=codes,
            note_type=note_type,
            specialty=_specialty(note_type, codes[0]),
            note_date=note_date.isoformat(),
            quarter=quarter,
            identifiers=_identifiers(ctx),
        )
        yield SyntheticNote(record, negated, family)


def iter_annotated(
    params: CorpusParams, quarters: list[str] | None = None
) -> Iterator[SyntheticNote]:
    """Generate notes with the generator's knowledge (negated and family-history codes).

    Args:
        params: Corpus parameters.
        quarters: Quarters to keep (e.g. ``["2026Q2"]``); ``None`` keeps all ``n_quarters``.
            Filtering never changes the notes of the kept quarters.

    Yields:
        One ``SyntheticNote`` per note, patient by patient.
    """
    all_quarters = quarter_range(params.start_quarter, params.n_quarters)
    wanted = set(all_quarters if quarters is None else quarters)
    for quarter in wanted - set(all_quarters):
        parse_quarter(quarter)
        logger.warning(
            "quarter %s is outside the corpus range %s..%s: no notes for it",
            quarter,
            all_quarters[0],
            all_quarters[-1],
        )
    pool = code_pool(params)
    fake = Faker("en_US")
    for idx in range(params.n_patients):
        for note in _patient_notes(idx, params, all_quarters, pool, fake):
            if note.record.quarter in wanted:
                yield note


def generate_corpus(
    params: CorpusParams, quarters: list[str] | None = None
) -> Iterator[NoteRecord]:
    """Generate the synthetic corpus lazily; the same parameters always give the same records.

    Args:
        params: Corpus parameters (size, seed, quarters, negation rate, drift).
        quarters: Quarters to keep; ``None`` keeps every quarter of the corpus.

    Yields:
        Raw records with identifiers (to be de-identified before they reach a dataset).
    """
    for note in iter_annotated(params, quarters):
        yield note.record
