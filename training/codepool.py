"""Curated ICD-10-CM code pool of the synthetic corpus, with the words notes use for each code.

The pool holds common, billable (leaf) ICD-10-CM codes across many chapters. Surface forms of a
code come from the ``simple-icd-10-cm`` tables (description, inclusion terms, includes) plus a
few hand-written synonyms and abbreviations that real notes use (HTN, T2DM, CHF...). Order matters:
earlier codes are the more frequent ones in the undrifted corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

DISCHARGE = "discharge summary"
ED_NOTE = "ED note"
OPERATIVE = "operative note"
PATHOLOGY = "pathology report"
NOTE_TYPES = (DISCHARGE, ED_NOTE, OPERATIVE, PATHOLOGY)

# Surnames of medical eponyms: a patient never gets one (so "Parkinson disease" stays unambiguous)
# and de-identification keeps them when a disease word follows.
EPONYMS = frozenset(
    "addison alzheimer barrett bell crohn cushing down graves guillain hashimoto hodgkin "
    "huntington kaposi marfan paget parkinson raynaud tourette wilson baker".split()
)


@dataclass(frozen=True)
class CodeSpec:
    """One pool code and how notes talk about it.

    Attributes:
        code: ICD-10-CM code with dot.
        specialty: Clinical service that usually owns the condition.
        abbrev: Abbreviation used by clinicians, if any.
        terms: Hand-written synonyms (added to those of the ICD-10-CM tables).
        sex: ``"F"`` or ``"M"`` for sex-specific conditions.
        procedure: Operation an operative note reports for this diagnosis.
        specimen: Specimen a pathology report examines for this diagnosis.
        chronic: Listed among past history when present.
        med: A usual medication line.
        symptom: A symptom a patient can "deny" (negation phrased with "denies").
    """

    code: str
    specialty: str
    abbrev: str | None = None
    terms: tuple[str, ...] = ()
    sex: str | None = None
    procedure: str | None = None
    specimen: str | None = None
    chronic: bool = False
    med: str | None = None
    symptom: bool = False


def _c(code: str, specialty: str, **kwargs: object) -> CodeSpec:
    return CodeSpec(code, specialty, **kwargs)  # type: ignore[arg-type]


POOL: tuple[CodeSpec, ...] = (
    _c(
        "I10",
        "cardiology",
        abbrev="HTN",
        terms=("hypertension",),
        chronic=True,
        med="lisinopril 10 mg daily",
    ),
    _c(
        "E11.9",
        "endocrinology",
        abbrev="T2DM",
        terms=("type 2 diabetes",),
        chronic=True,
        med="metformin 500 mg twice daily",
    ),
    _c("E78.5", "cardiology", abbrev="HLD", chronic=True, med="atorvastatin 40 mg nightly"),
    _c("J44.9", "pulmonology", abbrev="COPD", chronic=True, med="tiotropium inhaler daily"),
    _c(
        "I50.9",
        "cardiology",
        abbrev="CHF",
        terms=("congestive heart failure",),
        chronic=True,
        med="furosemide 40 mg daily",
    ),
    _c(
        "I48.91",
        "cardiology",
        abbrev="AFib",
        terms=("atrial fibrillation",),
        chronic=True,
        med="apixaban 5 mg twice daily",
    ),
    _c(
        "N18.30",
        "nephrology",
        abbrev="CKD 3",
        terms=("chronic kidney disease stage 3",),
        chronic=True,
    ),
    _c("J18.9", "pulmonology", abbrev="CAP", terms=("pneumonia", "community-acquired pneumonia")),
    _c(
        "I25.10",
        "cardiology",
        abbrev="CAD",
        terms=("coronary artery disease",),
        chronic=True,
        med="aspirin 81 mg daily",
    ),
    _c("N39.0", "internal medicine", abbrev="UTI", terms=("urinary tract infection",)),
    _c(
        "K21.9",
        "gastroenterology",
        abbrev="GERD",
        terms=("acid reflux",),
        chronic=True,
        med="omeprazole 20 mg daily",
    ),
    _c("R07.9", "cardiology", terms=("chest pain",), symptom=True),
    _c(
        "K35.80",
        "general surgery",
        terms=("acute appendicitis",),
        procedure="laparoscopic appendectomy",
        specimen="appendix",
    ),
    _c(
        "E03.9",
        "endocrinology",
        terms=("hypothyroidism",),
        chronic=True,
        med="levothyroxine 75 mcg daily",
    ),
    _c("F32.A", "psychiatry", terms=("depression",), chronic=True, med="sertraline 50 mg daily"),
    _c("N17.9", "nephrology", abbrev="AKI", terms=("acute kidney injury",)),
    _c(
        "K80.20",
        "general surgery",
        terms=("cholelithiasis", "gallstones"),
        procedure="laparoscopic cholecystectomy",
        specimen="gallbladder",
    ),
    _c(
        "C50.911",
        "oncology",
        terms=("right breast cancer",),
        sex="F",
        procedure="right breast lumpectomy with sentinel node biopsy",
        specimen="right breast lumpectomy",
    ),
    _c("D64.9", "hematology", terms=("anemia",)),
    _c(
        "S72.001A",
        "orthopedic surgery",
        terms=("right femoral neck fracture",),
        procedure="open reduction and internal fixation of the right hip",
    ),
    _c(
        "M17.11",
        "orthopedic surgery",
        terms=("right knee osteoarthritis",),
        chronic=True,
        procedure="right total knee arthroplasty",
    ),
    _c("C34.90", "oncology", terms=("lung cancer",), specimen="lung wedge resection"),
    _c("A41.9", "infectious disease", terms=("sepsis",)),
    _c(
        "G47.33",
        "pulmonology",
        abbrev="OSA",
        terms=("obstructive sleep apnea",),
        chronic=True,
        med="CPAP nightly",
    ),
    _c(
        "C18.9",
        "oncology",
        terms=("colon cancer",),
        procedure="laparoscopic right hemicolectomy",
        specimen="right hemicolectomy",
    ),
    _c("I21.4", "cardiology", abbrev="NSTEMI"),
    _c("R55", "internal medicine", terms=("syncope",), symptom=True),
    _c("J45.909", "pulmonology", terms=("asthma",), chronic=True, med="albuterol as needed"),
    _c("E66.9", "endocrinology", terms=("obesity",), chronic=True),
    _c("I63.9", "neurology", abbrev="CVA", terms=("stroke", "acute ischemic stroke")),
    _c(
        "C61",
        "oncology",
        terms=("prostate cancer", "prostate adenocarcinoma"),
        sex="M",
        procedure="robotic radical prostatectomy",
        specimen="radical prostatectomy",
    ),
    _c(
        "G20.A1",
        "neurology",
        terms=("Parkinson's disease", "Parkinson disease"),
        chronic=True,
        med="carbidopa-levodopa 25/100 mg three times daily",
    ),
    _c(
        "K50.90",
        "gastroenterology",
        terms=("Crohn's disease", "Crohn disease"),
        chronic=True,
        med="mesalamine 1.2 g daily",
        specimen="terminal ileum biopsy",
    ),
    _c("U07.1", "infectious disease", terms=("COVID-19",)),
    _c("I26.99", "pulmonology", abbrev="PE", terms=("pulmonary embolism",)),
    _c(
        "F41.1",
        "psychiatry",
        abbrev="GAD",
        terms=("generalized anxiety disorder",),
        chronic=True,
        med="escitalopram 10 mg daily",
    ),
    _c("M54.50", "orthopedic surgery", abbrev="LBP", terms=("low back pain",), symptom=True),
    _c("L03.115", "dermatology", terms=("cellulitis of the right lower leg",)),
    _c(
        "D50.9",
        "hematology",
        abbrev="IDA",
        terms=("iron deficiency anemia",),
        med="ferrous sulfate 325 mg daily",
    ),
    _c("K57.30", "gastroenterology", terms=("diverticulosis",)),
    _c("C81.90", "oncology", terms=("Hodgkin lymphoma",), specimen="cervical lymph node excision"),
    _c(
        "E05.00",
        "endocrinology",
        terms=("Graves disease", "Graves' disease"),
        chronic=True,
        med="methimazole 10 mg daily",
    ),
    _c("G51.0", "neurology", terms=("Bell's palsy",)),
    _c(
        "N40.0",
        "urology",
        abbrev="BPH",
        terms=("benign prostatic hyperplasia",),
        sex="M",
        chronic=True,
        med="tamsulosin 0.4 mg nightly",
    ),
    _c(
        "M81.0",
        "rheumatology",
        terms=("osteoporosis",),
        chronic=True,
        med="alendronate 70 mg weekly",
    ),
    _c(
        "G43.909", "neurology", terms=("migraine",), chronic=True, med="sumatriptan 50 mg as needed"
    ),
    _c("F10.20", "psychiatry", abbrev="AUD", terms=("alcohol use disorder",), chronic=True),
    _c("E87.1", "internal medicine", terms=("hyponatremia",)),
    _c("K85.90", "gastroenterology", terms=("acute pancreatitis",)),
    _c("R50.9", "internal medicine", terms=("fever",), symptom=True),
    _c("R10.9", "general surgery", terms=("abdominal pain",), symptom=True),
    _c(
        "B20",
        "infectious disease",
        abbrev="HIV",
        terms=("HIV disease",),
        chronic=True,
        med="bictegravir/emtricitabine/tenofovir alafenamide daily",
    ),
    _c(
        "M06.9",
        "rheumatology",
        abbrev="RA",
        terms=("rheumatoid arthritis",),
        chronic=True,
        med="methotrexate 15 mg weekly",
    ),
    _c("C43.9", "dermatology", terms=("melanoma",), specimen="skin excision"),
    _c(
        "L40.0",
        "dermatology",
        terms=("plaque psoriasis", "psoriasis"),
        chronic=True,
        specimen="skin punch biopsy",
    ),
    _c("K29.70", "gastroenterology", terms=("gastritis",), specimen="gastric antrum biopsy"),
    _c("E55.9", "endocrinology", terms=("vitamin D deficiency",), med="vitamin D3 2000 IU daily"),
    _c(
        "H40.9",
        "ophthalmology",
        terms=("glaucoma",),
        chronic=True,
        med="latanoprost eye drops nightly",
    ),
    _c("J06.9", "internal medicine", abbrev="URI", terms=("upper respiratory infection",)),
    _c("S06.0X0A", "emergency medicine", terms=("concussion",)),
    _c("E86.0", "internal medicine", terms=("dehydration",)),
    _c(
        "G40.909",
        "neurology",
        terms=("epilepsy", "seizure disorder"),
        chronic=True,
        med="levetiracetam 500 mg twice daily",
    ),
    _c(
        "G30.9",
        "neurology",
        terms=("Alzheimer's disease",),
        chronic=True,
        med="donepezil 10 mg nightly",
    ),
    _c("K74.60", "gastroenterology", terms=("cirrhosis", "liver cirrhosis"), chronic=True),
    _c("K92.2", "gastroenterology", abbrev="GI bleed", terms=("gastrointestinal bleeding",)),
    _c(
        "N20.0",
        "urology",
        terms=("kidney stone", "nephrolithiasis"),
        procedure="ureteroscopy with laser lithotripsy",
    ),
    _c("M10.9", "rheumatology", terms=("gout",), chronic=True, med="allopurinol 100 mg daily"),
    _c(
        "F17.210",
        "internal medicine",
        terms=("nicotine dependence", "tobacco use disorder"),
        chronic=True,
    ),
    _c(
        "I73.9",
        "vascular surgery",
        abbrev="PVD",
        terms=("peripheral vascular disease",),
        chronic=True,
    ),
    _c(
        "K81.0",
        "general surgery",
        terms=("acute cholecystitis",),
        procedure="laparoscopic cholecystectomy",
        specimen="gallbladder",
    ),
    _c(
        "D12.6",
        "gastroenterology",
        terms=("colon polyp", "tubular adenoma of the colon"),
        specimen="colon polyp",
    ),
    _c("I35.0", "cardiology", abbrev="AS", terms=("aortic stenosis",), chronic=True),
    _c("J96.01", "pulmonology", terms=("acute hypoxic respiratory failure",)),
    _c("D69.6", "hematology", terms=("thrombocytopenia",)),
    _c("R06.02", "pulmonology", abbrev="SOB", terms=("shortness of breath",), symptom=True),
    _c("B02.9", "infectious disease", terms=("shingles", "herpes zoster")),
    _c("A09", "infectious disease", terms=("infectious gastroenteritis",)),
    _c("I82.409", "vascular surgery", abbrev="DVT", terms=("deep vein thrombosis",)),
    _c(
        "K51.90",
        "gastroenterology",
        abbrev="UC",
        terms=("ulcerative colitis",),
        chronic=True,
        specimen="sigmoid colon biopsy",
    ),
    _c("E83.01", "gastroenterology", terms=("Wilson disease", "Wilson's disease"), chronic=True),
    _c(
        "H25.9",
        "ophthalmology",
        terms=("cataract",),
        procedure="phacoemulsification with intraocular lens implantation",
    ),
)

_PAREN = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_UNSPEC = re.compile(r",\s*unspecified\b.*$|\s+NOS$", re.IGNORECASE)
_MAX_TERM_WORDS = 8


def _clean_term(term: str) -> str | None:
    """Turn a tabular phrase into note wording: drop parentheses, NOS and trailing 'unspecified'."""
    text = _UNSPEC.sub("", _PAREN.sub("", term)).strip(" ,;")
    text = re.sub(r"\s+", " ", text)
    # Tabular leftovers ("Other ...", "..., moderate") read unlike a clinician's wording.
    if not text or len(text.split()) > _MAX_TERM_WORDS or "," in text:
        return None
    if text.lower().startswith(("unspecified", "other ")):
        return None
    first = text.split()[0].strip("'s").lower()
    keep_case = text[:2].isupper() or first in EPONYMS
    return text if keep_case else text[0].lower() + text[1:]


@cache
def surface_forms(code: str) -> tuple[str, ...]:
    """Non-abbreviated phrases that mention ``code`` (hand synonyms first, then ICD-10-CM terms).

    Args:
        code: A pool code.

    Returns:
        Distinct phrases, in a stable order.
    """
    import simple_icd_10_cm as cm  # slow import (about 2 s): only when a corpus is generated

    spec = spec_of(code)
    library = [cm.get_description(code), *cm.get_inclusion_term(code), *cm.get_includes(code)]
    forms: list[str] = list(spec.terms)
    for raw in library:
        cleaned = _clean_term(raw)
        if cleaned and cleaned.lower() not in {f.lower() for f in forms}:
            forms.append(cleaned)
    return tuple(forms)


@cache
def _spec_index() -> dict[str, CodeSpec]:
    return {spec.code: spec for spec in POOL}


def spec_of(code: str) -> CodeSpec:
    """The pool entry of ``code`` (KeyError when it is not a pool code)."""
    return _spec_index()[code]
