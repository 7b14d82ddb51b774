"""Synthetic notes with gold PHI spans, in many template families, to tune and test detection.

Each family is written differently on purpose (a telephone encounter reads nothing like a pathology
report): a detector tuned on one phrasing catches about half the identifiers of another. Every
family mixes names with and without titles (patients, relatives, clinicians), facility names,
dates in many formats (with and without a year), ages over 89 and the structured identifiers,
plus medical eponyms ("Hodgkin lymphoma", "Babinski sign") marked as ``keep_spans``. A patient's
surname is sometimes an eponym ("Mr. Graves"), so that only the context tells the two apart.

Families in ``SELF_HELD_OUT`` are ours to hold out: train the tagger without them
(``python -m training.phi.tagger --hold-out``) and score on them (``python -m
training.phi.evaluate --held-out``) to see how detection carries over to unseen phrasing. Some
families are rendered wholly in upper case (scanned faxes) or lower case (dictation), and names
are drawn from several Faker locales. The benchmark's held-out families live elsewhere.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker

from training.phi.types import MONTHS as _MONTHS
from training.phi.types import AnnotatedNote, PhiSpan

_SLOT = re.compile(r"\{(\w+)\}")
KEEP = "KEEP"  # slot kind of text that must survive (eponyms)

EPONYM_PHRASES = (
    "Parkinson disease",
    "Parkinson's disease",
    "Crohn's disease",
    "Crohn's",
    "Hodgkin lymphoma",
    "Babinski sign",
    "Graves disease",
    "Graves' disease",
    "Wilson disease",
    "Bell's palsy",
    "Barrett esophagus",
    "Cushing syndrome",
    "Down syndrome",
    "Alzheimer disease",
    "Paget disease",
    "Raynaud phenomenon",
    "Hashimoto thyroiditis",
    "Huntington disease",
    "Marfan syndrome",
    "Kaposi sarcoma",
    "Guillain-Barre syndrome",
    "Tourette syndrome",
    "Addison disease",
    "Baker cyst",
    "Homans sign",
    "Murphy sign",
    "Apgar score",
    "Glasgow coma scale",
)
# Surnames that are also eponyms: as a titled patient they are names ("Mr. Graves").
EPONYM_SURNAMES = ("Graves", "Wilson", "Parkinson", "Bell", "Addison", "Baker", "Murphy", "Down")
DRUGS = (
    "Lasix",
    "Eliquis",
    "Tylenol",
    "Norco",
    "Zofran",
    "Keflex",
    "Coumadin",
    "Lipitor",
    "Xarelto",
    "Synthroid",
    "Protonix",
    "Flomax",
    "Januvia",
    "Plavix",
    "Metformin",
    "Lisinopril",
)
_FACILITY_FORMS = (
    "{last} Memorial Hospital",
    "St. {first} Medical Center",
    "{city} General Hospital",
    "{last} Family Clinic",
    "{city} Regional Medical Center",
    "{last} Rehabilitation Center",
    "Mercy {city} Hospital",
    "{city} Community Health Center",
    "{last} Cancer Institute",
    "{last}-{last2} Orthopedic Associates",
    "Good Samaritan Hospital of {city}",
)
# Facility names without the usual "Hospital"/"Medical Center" suffix, or a saint's name alone.
_FACILITY_BARE_FORMS = (
    "{place} Hospice",
    "{place} Regional",
    "{last} Family Practice",
    "St. {saint}'s",
    "Saint {saint}'s",
    "{place} Care Center",
    "{city} Infirmary",
    "{place} Rehab",
    "{last} Pediatrics",
    "{place} Nursing Home",
    "{place} Medical Group",
    "{last} Urgent Care",
    "{place} Senior Living",
    "{place} Dialysis",
    "{place} Health",
    "{city} Surgical Associates",
)
_PLACE_HEADS = "Bay River Oak Pine Cedar Maple Lake Sun North Willow Stone Elm Fair Silver Clear"
_PLACE_TAILS = "front bend ridge crest view wood field haven dale brook side gate vale hurst mont"
_SAINTS = ("Luke", "Jude", "Mary", "Anne", "Vincent", "Joseph", "Francis", "Agnes", "Catherine")
# Locales of the extra name pool (Latin script): patients are not all named as in en_US.
NAME_LOCALES = (
    "de_DE", "es_MX", "fr_FR", "it_IT", "pl_PL", "pt_BR", "nl_NL", "en_IN", "yo_NG", "tr_TR",
    "ga_IE", "es_ES", "cs_CZ", "sv_SE", "fi_FI", "ro_RO", "hu_HU", "pt_PT", "en_GB", "en_IE",
    "hr_HR", "sk_SK", "da_DK", "nl_BE",
)  # fmt: skip
_CITIES = (
    "Springfield",
    "Riverside",
    "Fairview",
    "Madison",
    "Georgetown",
    "Salem",
    "Clinton",
    "Greenville",
    "Bristol",
    "Dover",
    "Oakland",
    "Tacoma",
    "Fresno",
    "Toledo",
    "Durham",
)
_RELATIONS = ("daughter", "son", "wife", "husband", "sister", "brother", "niece", "mother")
_TITLES_F, _TITLES_M = ("Ms.", "Mrs.", "Miss"), ("Mr.",)


def _ordinal(day: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10 * (day // 10 != 1), "th")
    return f"{day}{suffix}"


DATE_FORMATS: tuple[Callable[[date], str], ...] = (
    lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    lambda d: d.isoformat(),
    lambda d: f"{_MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{_MONTHS[d.month - 1]} {_ordinal(d.day)}",
    lambda d: f"{d.day:02d}-{_MONTHS[d.month - 1][:3]}-{d.year % 100:02d}",
    lambda d: f"the {_ordinal(d.day)} of {_MONTHS[d.month - 1]}",
    lambda d: f"the {_ordinal(d.day)} of {_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{_MONTHS[d.month - 1][:3]} {d.day}",
    lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{_MONTHS[d.month - 1][:3]}. {d.day}, {d.year}",
    lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}",
)

# Families: lines of text with {slots}. A line starting with "?" is optional (kept 60% of the time).
FAMILIES: dict[str, tuple[str, ...]] = {
    "discharge_summary": (
        "DISCHARGE SUMMARY - {facility}",
        "Patient: {pt_upper}    MRN: {mrn}    DOB: {dob}",
        "Admission date: {date1}    Discharge date: {date2}",
        "Attending: {dr_full}, MD",
        "?Account: {acct}",
        "HISTORY: {pt_first} {pt_last} is a {age}-year-old admitted for {epo} and {drug} toxicity.",
        "HOSPITAL COURSE: {title} {pt_last} improved. {drug} was held. Known {epo2}.",
        "?Family: {title2} {rel_full} ({rel}) at bedside, reachable at {phone}.",
        "FOLLOW-UP: see Dr. {dr2_last} at {facility2} on {date3}. Fax summary to {fax}.",
        "Electronically signed by {dr_full} on {date2}.",
    ),
    "telephone_encounter": (
        "Telephone encounter {date1}",
        "Caller: {rel_first} ({rel} of {pt_first}) called back at {phone} regarding {pt_first}.",
        "{pt_first} reports dizziness since {date2}; takes {drug}. History of {epo}.",
        "?Patient lives at {street}, {city}, {state} {zip}.",
        "Advised to call {facility} or email {email} with questions.",
        "Spoke with {pt_full}; verified DOB {dob} and SSN ending {ssn}.",
        "?Message routed to Nurse {nurse_full}.",
        "-- {dr_first} {dr_last}, {cred}",
    ),
    "referral_letter": (
        "{facility}",
        "{street}, {city}, {state} {zip}",
        "{date1}",
        "Dear Dr. {dr2_last},",
        "Thank you for seeing {title} {pt_full} (DOB {dob}, MRN {mrn}) who was referred for "
        "evaluation of {epo}.",
        "{title} {pt_last} is {age} and lives with her {rel} {rel_full} in {city2}.",
        "?Insurance member ID {plan}. Prior records at {url}.",
        "Please contact my office at {phone} or {email}.",
        "Sincerely,",
        "{dr_full}, MD",
        "{facility2}",
    ),
    "nursing_note": (
        "NURSING NOTE {date1} 0700",
        "Pt {pt_last}, {pt_first} resting in bed. Vitals BP {bp}, HR 88. Pain 4/10.",
        "?Pt's {rel} {rel_first} visited and asked about {epo}.",
        "{drug} given as ordered. Fall precautions. {epo2} noted in chart.",
        "Report given to {nurse_first} {nurse_last}, RN. Call light within reach.",
        "?Pt states she was born the {dob_words} and is {age} yrs old.",
        "Pump serial {device}. Room phone {phone}.",
    ),
    "radiology_report": (
        "{facility} Department of Radiology",
        "EXAM: CT chest with contrast    ACCESSION: {accession}    DATE: {date1}",
        "PATIENT: {pt_full}    MRN: {mrn}    AGE: {age}",
        "?ORDERING: {dr_full}, MD    VISIT: {visit}",
        "COMPARISON: Prior study of {date2} at {facility2}.",
        "FINDINGS: No acute abnormality. Findings compatible with {epo}.",
        "?Images available at {url} from workstation {ip}.",
        "IMPRESSION: Stable. Discussed with Dr. {dr2_last} by phone {phone} on {date3}.",
        "Dictated by: {dr_first} {dr_last}, MD",
    ),
    "pathology_report": (
        "SURGICAL PATHOLOGY REPORT  Case: {accession}",
        "Name: {pt_upper}  MRN: {mrn}  Collected: {date1}  Received: {date2}",
        "Submitting physician: {dr_full}   Facility: {facility}",
        "CLINICAL HISTORY: {age} year old with suspected {epo}.",
        "DIAGNOSIS: Lymph node, excision: {epo2}.",
        "?Block IDs held at {facility2}. Verified by {dr2_first} {dr2_last}, MD on {date3}.",
        "Pathologist license {license}. Reports: {email}.",
    ),
    "ed_triage": (
        "ED TRIAGE  {date1}  Arrival 14:32",
        "{pt_full}, {age} y/o, brought by {rel} ({rel_full}) from {facility}.",
        "CC: fall at home, {street}, {city}.",
        "?Pt states last seen by Dr. {dr2_last} on {date2}.",
        "Vitals: BP {bp}, HR 102, SpO2 94%. GCS 15. Hx of {epo}.",
        "Home meds: {drug}. Emergency contact {phone}. Visit #{visit}.",
        "Triage RN: {nurse_first} {nurse_last}",
    ),
    "medication_reconciliation": (
        "Medication reconciliation - {pt_last}, {pt_first} - {date1}",
        "Pharmacy: {facility} Pharmacy, {city}, ph {phone}, fax {fax}.",
        "{drug} 40 mg daily - started {date2} by Dr. {dr_last}.",
        "?{drug2} held since {date3} for {epo}.",
        "Reviewed with patient and {rel} {rel_first} {rel_last}.",
        "Prescriber DEA {license}. Account {acct}.",
        "Completed by {nurse_full}, PharmD",
    ),
    "progress_note": (
        "Progress Note  Hospital day 3  {date1}",
        "S: {pt_first} feels better. {rel_first} asks about discharge to {facility2}.",
        "O: BP {bp}. {epo} stable. Negative {epo2}.",
        "A/P: {age} yo with {epo}. Continue {drug}. Dr. {dr2_last} (cardiology) to see today.",
        "?Next visit {date2}. Portal {url}.",
        "{dr_first} {dr_last}, MD  pager {phone}",
    ),
    "consult_note": (
        "{specialty} CONSULTATION",
        "Requested by: Dr. {dr2_first} {dr2_last}    Date: {date1}",
        "Reason: {title} {pt_last} is a {age} year old with {epo}.",
        "Social: lives in {city} with {rel} {rel_full}; retired from {facility2}.",
        "?Previously treated at {facility} ({date2}); records faxed to {fax}.",
        "Impression: {epo2}. Will follow. SSN on file {ssn}.",
        "Thank you, {dr_full}",
    ),
    "fax_cover": (
        "{facility} - FAX TRANSMITTAL",
        "TO: Dr. {dr2_last}    FAX: {phone_bare}",
        "FROM: {dr_full}, {cred}    PHONE: {phone_1800}",
        "DATE: {date_compact}    PAGES: 4",
        "RE: {pt_upper}    DOB: {dob}    MR#: {mrn}",
        "?Member ID: {plan}    Group No: {group}",
        "Records of the {epo} workup enclosed. Questions: {phone_ext}.",
        "Confidential: for {facility_bare} only. If received in error call {phone}.",
    ),
    "dictation_transcript": (
        "this is dr {dr_last} dictating a clinic note on {pt_full} date of service {date1}",
        "{pt_first} is a {age_words} year old seen today for {epo}",
        "?her {rel} {rel_first} is here and gives most of the history",
        "spoke with {rel_first} by phone at {phone_bare} after the visit",
        "last seen at {facility_bare} on {date_short} by dr {dr2_last} for {epo2}",
        "plan continue {drug} and recheck in two weeks",
        "cc {dr2_first} {dr2_last} at {facility}",
        "end of dictation {dr_init}",
    ),
    "intake_form": (
        "NEW PATIENT REGISTRATION",
        "Last Name: {pt_last}",
        "First Name: {pt_first}",
        "Date of Birth: {dob_compact}",
        "Age: {age}",
        "SSN: {ssn_spaced}",
        "Driver's License #: {dl}",
        "Home Phone: {phone_bare}",
        "Cell: {phone}",
        "Address: {street}",
        "City/State/Zip: {city}, {state} {zip}",
        "?Email: {email}",
        "Primary Insurance: Blue Cross   Member No: {plan}   Group #: {group}",
        "Subscriber: {rel_full} ({rel})",
        "Emergency Contact: {rel_first} {rel_last}, {phone_1800}",
        "Referring Provider: {dr_init}, {facility_bare}",
        "Reason for visit: {epo}",
        "Signature on file: {pt_full}    Date: {date1}",
    ),
    "portal_message": (
        "Patient portal message  {date1}",
        "From: {rel_full}",
        "Hi, this is {rel_first}, {pt_first}'s {rel}. {pt_first} has been more confused since "
        "{date_short}.",
        "Mom is {age_words} now and her {epo} is getting worse.",
        "Can Dr. {dr_last} call me back at {phone_bare}? My work number is {phone_ext}.",
        "?Her health plan ID is {plan} if that helps.",
        "Thanks, {rel_first}",
        "Reply ({nurse_first} {nurse_last}, RN, {date2}): forwarded to {dr_init}.",
    ),
    "care_coordination": (
        "CARE COORDINATION - {pt_upper} - {date1}",
        "- Spoke with {rel} {rel_first} re: discharge plan",
        "- PCP: {dr_init}, {facility_bare}, tel {phone}",
        "- Home health referral to {facility_bare2} faxed {date_short}",
        "- Medicaid ID {medicaid}; auth # {auth}",
        "- {rel_first} prefers calls to cell {phone_bare}",
        "- Hx {epo}; lives at {street}, {city}",
        "* Next appt {date_compact} with {dr2_first} {dr2_last}",
        "{nurse_first} {nurse_last}, LCSW",
    ),
    "letter_to_patient": (
        "{facility}",
        "{street}",
        "{city}, {state} {zip}",
        "{date1}",
        "{pt_full}",
        "Dear {title} {pt_last},",
        "Your results from {date_compact} are ready and show no progression of {epo}.",
        "Questions? Call our nurse line at {phone_1800} or {phone_ext}.",
        "Account number {acct}; record number {record}.",
        "Sincerely,",
        "-- {dr_init}",
    ),
    "billing_claim": (
        "CLAIM SUMMARY",
        "Claim Number | {claim}",
        "Patient | {pt_upper}",
        "Date of Birth | {dob}",
        "Subscriber ID | {plan}",
        "Rendering NPI | {npi}",
        "Provider | {dr_full}, {cred}",
        "Facility | {facility_bare}",
        "Dates of service | {date1} - {date2}",
        "Diagnosis | {epo}",
        "Entered by badge no. {badge} on {date3}.",
    ),
    "sbar_handoff": (
        "SBAR handoff {date1} 1900",
        "S: {pt_first} {pt_last}, {age_words}-year-old in bed 12, here for {epo}.",
        "B: Admitted from {facility_bare} on {date_short}. {rel_cap} {rel_first} is the HCP.",
        "A: Stable overnight. {drug} given at 2100.",
        "R: Call Dr. {dr_last} if SBP above 180. Family phone {phone_bare}.",
        "{rel_first} asked about {epo2}.",
        "Handoff from {nurse_init} to {nurse2_first} {nurse2_last}, RN",
    ),
    "hospice_admission": (
        "HOSPICE ADMISSION - {facility_bare}",
        "{pt_upper}  (DOB {dob_compact})  Medicare MBI: {mbi}",
        "{pt_first} is a {age_words}-year-old with end-stage {epo}, admitted {date_short} from "
        "{facility}.",
        "{rel_cap} {rel_first} {rel_last} is the primary caregiver; reach at {phone_1800}.",
        "?Chaplain {nurse2_first} visited. Social security no. {ssn_spaced} on file.",
        "Attending: {dr_init}    NPI {npi}",
        "Family meeting held with {rel_first} and her husband {rel2_first}.",
        "Signed {nurse_first} {nurse_last}, RN {date1}",
    ),
    "lab_requisition": (
        "LAB REQUISITION    Req No: {req}",
        "PT NAME: {pt_upper}   DOB: {dob}",
        "Specimen: blood   Collected {date_compact} 07:45 by {nurse_init}",
        "Ordering: {dr_full}, MD ({facility_bare})  Ph {phone_bare}",
        "Insurance: Medicaid  ID# {medicaid}",
        "Clinical info: r/o {epo}. Pt {age}.",
        "Results to {email}; copy to Dr. {dr2_last}",
        "DL {dl} verified at collection.",
    ),
    "social_work_note": (
        "Social work note {date1}",
        "met with pt and her {rel} {rel_first_lc} at bedside",
        "Pt {pt_first} {pt_last} ({age_words}) lives alone at {street}, {city} {zip}.",
        "{rel_first} reports pt was seen at {facility_bare} {date_short}; ref no. {ref}.",
        "Called {facility} intake at {phone_ext}; spoke with {nurse2_first} re: {epo}.",
        "SSN {ssn_bare} and driver license {dl} copied for the Medicaid application.",
        "{nurse_first} {nurse_last}, MSW",
    ),
}
# Layouts beyond prose: "Field: value" forms, pipe and tab tables, ALL-CAPS headers, sign-offs,
# message threads, letters with multi-line addresses, meeting lists. Their slots {nm1}..{nm6} are
# names in a random written form (see ``styled_name``); {hdr*}, {cap*}, {unit} and {brand} are
# capitalised words that are no PHI, so that the tagger learns them as negatives.
LAYOUT_FAMILIES: dict[str, tuple[str, ...]] = {
    "field_form": (
        "{hdr1}",
        "Patient Name:\t{nm1}",
        "DOB:\t{dob}\tSex: {sex}",
        "Home address:\t{street2}, {city}, {state} {zip4}",
        "Primary contact:\t{nm2} ({rel})\tTel: {phone}",
        "Responsible clinician:\t{nm3}, {cred}",
        "Location:\t{unit}",
        "Dx:\t{epo}",
        "?Current meds:\t{brand}, {drug}",
        "{cap1}: {cap2}. Denies chest pain.",
        "Completed by:\t{nm4}\tDate: {date1}",
    ),
    "pipe_table": (
        "{hdr2}",
        "| Drug | Dose | Prescriber | Last fill |",
        "| {brand} | 20 mg | {nm1} | {date1} |",
        "| {drug} | 5 mg | {nm_init} | {date2} |",
        "?| {drug2} | 1 tab | {sur1} | {date3} |",
        "Prescribers (NPI): {sur2} - {npi}, {sur3} - {npi}",
        "Reviewed with {rel} {nm2}; {cap1} no changes.",
        "{cap3} {unit} pharmacist {nm3}",
    ),
    "tab_roster": (
        "{hdr1}\t{date1}",
        "Role\tName\tContact",
        "Nurse\t{nm1}\text {ext}",
        "Physician\t{nm2}\tpager {phone_bare}",
        "Next of kin\t{nm3} ({rel})\t{phone}",
        "?Interpreter\t{nm4}\tID #{badge}",
        "Bed {bed}, {unit}. {cap1} {epo}.",
    ),
    "caps_report": (
        "{facility_caps} - {hdr_caps}",
        "PATIENT: {nm_caps}    MRN: {mrn}    DOB: {dob}",
        "REFERRING: DR {sur_caps}    UNIT: {unit_caps}",
        "{hdr_caps2}",
        "FINDINGS CONSISTENT WITH {epo_caps}. {cap_caps} ACUTE CHANGE.",
        "?CALLED TO {nm2_caps} AT {phone} ON {date2}.",
        "DICTATED BY: {nm3_caps}, {cred}",
    ),
    "message_thread": (
        "From: {nm1} <{email}>",
        "To: {unit} front desk",
        "Sent: {date1}",
        "Subject: RE: {rel}'s appointment",
        "{greeting} {first2},",
        "{nm3} asked me to pass on that the {brand} dose changed. Please call {phone}.",
        "{signoff}",
        "{nm2}",
        "> On {date2}, {nm1} wrote:",
        "> Can {title} {sur1} come in earlier? {cap1} since {date_short}.",
        "> {signoff}",
        "> {first1}",
    ),
    "uk_letter": (
        "{facility_bare}",
        "{uk_address}",
        "{uk_town}",
        "{uk_postcode}",
        "Tel: {phone}",
        "{date1}",
        "Dear Dr {sur1},",
        "Re: {nm1}, DOB {dob}, NHS No. {nhs}",
        "Thank you for seeing this {age}-year-old with {epo}. {cap1} {brand}.",
        "?Lives with her {rel}, {nm2}, who is the main carer.",
        "{signoff}",
        "Dr {nm3}",
        "{hdr_title}",
        "{facility2}",
    ),
    "signoff_note": (
        "{hdr_title} note {date1}",
        "Seen on {unit} with {rel} {nm1}. {cap1} {epo}; {cap2} {brand}.",
        "?Plan discussed with {nm2} ({cred}) by phone {phone}.",
        "{signoff}",
        "Signed {sur_first}, {cred}",
        "cc: {sur1} (attending), {facility_bare}",
    ),
    "meeting_list": (
        "{hdr_caps} - {date1}",
        "Present: Dr {nm1} ({hdr_title}); Dr {nm_init} ({hdr_title2}); {nm2}, {cred}",
        "Apologies: {nm3}",
        "Case 1: {nm4} | {mrn} | {age} y | {epo}",
        "Outcome: {cap1} {brand}; to be seen in clinic on {date2} by {sur1}.",
        "Minutes taken by {nm_lower}",
    ),
    "nursing_chat": (
        "{date1} {hhmm} K+ 6.2 called to {nm_lower} rn, {unit_lower}; read back ok",
        "{hhmm2} spoke w/ {rel} {first_lower} re: {epo}",
        "?{hhmm2} left vm for {sur_lower} at {phone_bare}",
        "{cap1} pain. {brand} given. {nm2} aware.",
    ),
}
_HEADERS = (
    "PROGRESS NOTE", "HISTORY AND PHYSICAL", "REVIEW OF SYSTEMS", "ASSESSMENT AND PLAN",
    "DISCHARGE INSTRUCTIONS", "PATIENT CARE REPORT", "DEPARTMENT OF DIAGNOSTIC IMAGING",
    "PRIOR AUTHORIZATION REQUEST", "SKILLED NURSING VISIT", "TELEHEALTH VISIT", "CHIEF COMPLAINT",
    "PAST MEDICAL HISTORY", "MULTIDISCIPLINARY MEETING", "INFORMED CONSENT", "OPERATIVE REPORT",
    "CARE PLAN", "MEDICATION LIST", "INCIDENT REPORT", "INTERFACILITY TRANSFER", "CONTACT LOG",
)  # fmt: skip
_TITLE_HEADERS = (
    "Case Management", "Social Work", "Physiotherapy", "Occupational Therapy", "Medical Oncology",
    "Radiation Oncology", "Member Services", "Wound Care", "Infection Control", "Palliative Care",
    "Consultant Physician", "Clinical Nurse Specialist", "Speech and Language Therapy",
    "Health Information Management", "Utilization Review", "Patient Safety", "Cardiology",
    "Diabetes Education", "Internal Medicine", "General Surgery",
)  # fmt: skip
_WARD_UNITS = (
    "Intensive Care Unit", "Medical Intensive Care Unit", "Step-Down Unit", "4 West", "Ward 6",
    "Emergency Department", "Labor and Delivery", "Cardiac Cath Lab", "Operating Room", "PACU",
    "Oncology Day Unit", "Acute Medical Unit", "Neonatal ICU", "Burns Unit", "Endoscopy Suite",
)  # fmt: skip
_CLINICAL_CAPS = (
    "Dx", "Denies", "Reports", "Continue", "Hold", "Resume", "Tolerating", "Afebrile", "Alert",
    "Oriented", "Ambulating", "Pending", "Noted", "Impression", "Rx", "Sx", "Tx", "Hx", "PMH",
    "NKDA", "Neuro", "Resp", "Abd", "Labs", "Echo", "Bilateral", "Left", "Right", "Grade",
    "Stage", "Nil", "Tablet", "Camera", "Specimen", "Bill", "Best", "Reviewed", "Attested",
    "Cosigned", "Worsening", "Improved", "Unchanged", "Advised", "Counselled", "Escalated",
)  # fmt: skip
_SIGNOFFS = (
    "Kind regards,", "Best wishes,", "Many thanks,", "Yours sincerely,", "Yours faithfully,",
    "Regards,", "Thanks,", "Warm regards,", "With best wishes,", "Cheers,",
)  # fmt: skip
_GREETINGS = ("Hi", "Hello", "Dear", "Good morning")
_PARTICLES = (
    "van", "van der", "van den", "de", "de la", "del", "da", "dos", "von", "le", "di", "Mac",
    "Ó", "Ní", "O'", "bin", "al-",
)  # fmt: skip


def styled_name(p: _People, surname_only: bool = False) -> str:
    """A name as records write it: surname first, initials, particles, hyphens, either case.

    Args:
        p: The note's people (random source and name pools).
        surname_only: Only the (possibly compound) surname.

    Returns:
        "Ana van der Berg", "KOWALSKI, Jan", "J. Ó Briain", "maria lopez-vidal" and the like.
    """
    rng = p.rng
    last = p.last()
    roll = rng.random()
    if roll < 0.18:
        particle = rng.choice(_PARTICLES)
        joiner = "" if particle.endswith(("'", "-")) else " "
        last = f"{particle}{joiner}{last}"
    elif roll < 0.3:
        last = f"{last}-{p.last()}"
    elif roll < 0.38:
        last = f"{last} {p.last()}"
    if surname_only:
        return last
    first = p.first()
    form = rng.random()
    if form < 0.35:
        name = f"{first} {last}"
    elif form < 0.55:
        name = f"{last}, {first}"
    elif form < 0.65:
        name = f"{last.upper()}, {first}"
    elif form < 0.8:
        name = f"{first[0]}. {last}"
    else:
        name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
    case = rng.random()
    return name.upper() if case < 0.1 else name.lower() if case < 0.16 else name


def _uk_address(p: _People) -> str:
    """A UK address's first lines: flat or house, then the street, on separate lines."""
    rng = p.rng
    street = f"{p.last()} {rng.choice(('Court', 'Road', 'Lane', 'Close', 'Mews', 'Gardens'))}"
    if rng.random() < 0.5:
        kind = rng.choice(("Flat", "Studio", "Apartment", "Unit"))
        number = f"{rng.randint(1, 99)}{rng.choice(('', '', 'a', 'B', 'c'))}"
        return f"{kind} {number}\n{street}"
    return f"{rng.randint(1, 250)} {street}"


def _uk_postcode(rng: random.Random) -> str:
    area = "".join(rng.choice("ABCDEGHKLMNPRSTWY") for _ in range(rng.randint(1, 2)))
    tail = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    return f"{area}{rng.randint(1, 99)} {rng.randint(1, 9)}{tail}"


def _layout_slots(p: _People, slots: dict) -> dict[str, tuple[str, str | None]]:
    """Slots of ``LAYOUT_FAMILIES``: styled names, negatives and UK addresses."""
    from training.phi.patterns import BRAND_DRUGS

    rng, d = p.rng, p.digits
    names = {f"nm{i}": (styled_name(p), "NAME") for i in range(1, 7)}
    surnames = {f"sur{i}": (styled_name(p, surname_only=True), "NAME") for i in range(1, 4)}
    first = p.first()
    out: dict[str, tuple[str, str | None]] = {**names, **surnames}
    out.update(
        {
            "nm_init": (f"{p.first()[0]}. {styled_name(p, surname_only=True)}", "NAME"),
            "nm_caps": (names["nm1"][0].upper(), "NAME"),
            "nm2_caps": (names["nm2"][0].upper(), "NAME"),
            "nm3_caps": (names["nm3"][0].upper(), "NAME"),
            "sur_caps": (surnames["sur1"][0].upper(), "NAME"),
            "nm_lower": (f"{p.first()} {p.last()}".lower(), "NAME"),
            "sur_lower": (p.last().lower(), "NAME"),
            "first_lower": (first.lower(), "NAME"),
            "first1": (first, "NAME"),
            "first2": (p.first(), "NAME"),
            "sur_first": (f"{p.last()}, {p.first()}", "NAME"),
            "facility_caps": (slots["facility"][0].upper(), "FACILITY"),
            "hdr1": (rng.choice(_HEADERS + _TITLE_HEADERS), None),
            "hdr2": (rng.choice(_HEADERS), None),
            "hdr_caps": (rng.choice(_HEADERS), None),
            "hdr_caps2": (rng.choice(_TITLE_HEADERS).upper(), None),
            "hdr_title": (rng.choice(_TITLE_HEADERS), None),
            "hdr_title2": (rng.choice(_TITLE_HEADERS), None),
            "unit": (rng.choice(_WARD_UNITS), None),
            "unit_caps": (rng.choice(_WARD_UNITS).upper(), None),
            "unit_lower": (rng.choice(_WARD_UNITS).lower(), None),
            "epo_caps": (slots["epo"][0].upper(), "KEEP"),
            "cap_caps": (rng.choice(_CLINICAL_CAPS).upper(), None),
            "brand": (rng.choice(sorted(BRAND_DRUGS)), None),
            "signoff": (rng.choice(_SIGNOFFS), None),
            "greeting": (rng.choice(_GREETINGS), None),
            "sex": (rng.choice(("F", "M")), None),
            "ext": (d(4), None),
            "bed": (str(rng.randint(1, 40)), None),
            "hhmm": (f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", None),
            "hhmm2": (f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}", None),
            "street2": (p.fake.street_address(), "ADDRESS"),
            "zip4": (f"{p.fake.zipcode()}-{d(4)}", "ZIP"),
            "uk_address": (_uk_address(p), "ADDRESS"),
            "uk_town": (p.city(), "CITY"),
            "uk_postcode": (_uk_postcode(rng), "ZIP"),
            "nhs": (f"{d(3)} {d(3)} {d(4)}", "ID"),
        }
    )
    for i in (1, 2, 3):
        out[f"cap{i}"] = (rng.choice(_CLINICAL_CAPS), None)
    return out


FAMILIES.update(LAYOUT_FAMILIES)
# Families rendered wholly in one case (scanned faxes shout; dictation comes out in lower case).
FAMILY_CASE = {"fax_cover": "upper", "dictation_transcript": "lower"}
# Our own held-out families: never in the tagger's training with --hold-out; scored alone.
SELF_HELD_OUT = ("hospice_admission", "lab_requisition", "social_work_note")
_CREDS = ("MD", "RN", "NP", "PA-C", "DO")
_SPECIALTIES = ("NEUROLOGY", "CARDIOLOGY", "GASTROENTEROLOGY", "HEMATOLOGY", "RHEUMATOLOGY")


@lru_cache(maxsize=1)
def _locale_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names of ``NAME_LOCALES``, less eponyms and common words."""
    import importlib

    from faker.providers.lorem.en_US import Provider as Lorem

    from training.deid import usable_names

    en_firsts, en_lasts = usable_names()
    allowed = {n.lower() for n in en_firsts + en_lasts}
    banned = {w.lower() for w in Lorem.word_list} - allowed
    firsts, lasts = set(), set()
    for locale in NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        firsts.update(getattr(provider, "first_names", ()))
        lasts.update(getattr(provider, "last_names", ()))

    def keep(names: set[str]) -> tuple[str, ...]:
        return tuple(
            sorted(n for n in names if n.isalpha() and len(n) > 2 and n.lower() not in banned)
        )

    return keep(firsts), keep(lasts)


class _People:
    """Names and identifiers of one note, drawn from one seeded generator."""

    def __init__(self, rng: random.Random, fake: Faker, locale_rate: float = 0.3) -> None:
        from training.deid import usable_names

        self.rng, self.fake, self.locale_rate = rng, fake, locale_rate
        self.firsts, self.lasts = usable_names()
        self.locale_firsts, self.locale_lasts = _locale_names()

    def first(self) -> str:
        if self.rng.random() < self.locale_rate:
            return self.rng.choice(self.locale_firsts)
        return self.rng.choice(self.firsts)

    def last(self, eponym_rate: float = 0.0) -> str:
        if self.rng.random() < eponym_rate:
            return self.rng.choice(EPONYM_SURNAMES)
        if self.rng.random() < self.locale_rate:
            return self.rng.choice(self.locale_lasts)
        return self.rng.choice(self.lasts)

    def city(self) -> str:
        return self.rng.choice(_CITIES) if self.rng.random() < 0.5 else self.fake.city()

    def place(self) -> str:
        """A made-up place word ("Riverbend") or a city, as facilities are named."""
        if self.rng.random() < 0.3:
            return self.city()
        head = self.rng.choice(_PLACE_HEADS.split())
        return head + self.rng.choice(_PLACE_TAILS.split())

    def facility(self) -> str:
        form = self.rng.choice(_FACILITY_FORMS)
        return form.format(
            last=self.last(), last2=self.last(), first=self.first(), city=self.city()
        )

    def facility_bare(self) -> str:
        form = self.rng.choice(_FACILITY_BARE_FORMS)
        saint = self.rng.choice(_SAINTS) if self.rng.random() < 0.6 else self.first()
        return form.format(place=self.place(), last=self.last(), saint=saint, city=self.city())

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))


def _structured(p: _People) -> dict[str, tuple[str, str]]:
    """Structured identifier slots: value and PHI type."""
    rng, d = p.rng, p.digits
    phone = rng.choice(
        [
            f"({d(3)}) {d(3)}-{d(4)}",
            f"{d(3)}-{d(3)}-{d(4)}",
            f"{d(3)}.{d(3)}.{d(4)}",
            f"+1 {d(3)} {d(3)} {d(4)}",
        ]
    )
    return {
        "phone": (phone, "PHONE"),
        "fax": (f"({d(3)}) {d(3)}-{d(4)}", "PHONE"),
        "email": (f"{p.first().lower()}.{p.last().lower()}@{p.fake.free_email_domain()}", "EMAIL"),
        "ssn": (rng.choice([f"{rng.randint(100, 665)}-{d(2)}-{d(4)}", d(4)]), "SSN"),
        "mrn": (rng.choice([d(8), d(7), f"E{d(7)}", f"MR{d(6)}"]), "MRN"),
        "acct": (rng.choice([d(10), f"A{d(9)}", f"{d(4)}-{d(6)}"]), "ID"),
        "accession": (rng.choice([f"S{d(2)}-{d(5)}", f"CT{d(8)}", f"RAD-{d(7)}"]), "ID"),
        "visit": (rng.choice([d(9), f"V{d(8)}", f"{d(2)}-{d(7)}"]), "ID"),
        "plan": (f"{p.fake.lexify('???').upper()}{d(9)}", "ID"),
        "url": (
            f"https://{rng.choice(['portal', 'mychart', 'records'])}."
            f"{p.last().lower()}health.org/p/{d(6)}",
            "URL",
        ),
        "ip": (f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}", "IP"),
        "device": (
            rng.choice(
                [f"{p.fake.bothify('??#####?').upper()}", f"{p.fake.bothify('???######').upper()}"]
            ),
            "DEVICE",
        ),
        "license": (rng.choice([f"{p.fake.lexify('??').upper()}{d(7)}", f"MD{d(6)}"]), "LICENSE"),
        **_more_structured(p),
    }


def _more_structured(p: _People) -> dict[str, tuple[str, str]]:
    """Phones, SSNs, licences and record numbers in the less common forms."""
    rng, d = p.rng, p.digits
    letters = p.fake.lexify
    ext = rng.choice(["ext. ", "x", "ext ", "extension "]) + d(rng.randint(2, 4))
    return {
        "phone_bare": (d(10), "PHONE"),
        "phone_1800": (rng.choice([f"1-800-{d(3)}-{d(4)}", f"1-{d(3)}-{d(3)}-{d(4)}"]), "PHONE"),
        "phone_ext": (f"{d(3)}-{d(3)}-{d(4)} {ext}", "PHONE"),
        "ssn_spaced": (f"{rng.randint(100, 665)} {d(2)} {d(4)}", "SSN"),
        "ssn_bare": (f"{rng.randint(100, 665)}{d(6)}", "SSN"),
        "dl": (
            rng.choice(
                [
                    f"{letters('?').upper()}{d(7)}",
                    f"{letters('?').upper()}{d(3)}-{d(4)}-{d(4)}",
                    d(9),
                    f"{letters('??').upper()}{d(6)}",
                ]
            ),
            "LICENSE",
        ),
        "npi": (rng.choice("12") + d(9), "LICENSE"),
        "group": (rng.choice([d(6), f"G{d(5)}", f"{d(3)}-{d(4)}"]), "ID"),
        "medicaid": (
            rng.choice([f"{letters('??').upper()}{d(5)}{letters('?').upper()}", d(11)]),
            "ID",
        ),
        "mbi": (
            f"{d(1)}{letters('??').upper()}{d(1)}-{letters('??').upper()}{d(1)}-"
            f"{letters('??').upper()}{d(2)}",
            "ID",
        ),
        "auth": (rng.choice([d(8), f"PA{d(7)}"]), "ID"),
        "claim": (rng.choice([d(12), f"CLM-{d(8)}"]), "ID"),
        "badge": (rng.choice([d(5), f"B{d(6)}"]), "ID"),
        "record": (rng.choice([d(8), f"R{d(7)}"]), "ID"),
        "req": (rng.choice([d(9), f"Q{d(7)}"]), "ID"),
        "ref": (rng.choice([d(7), f"REF{d(6)}"]), "ID"),
    }


def _slots(rng: random.Random, fake: Faker) -> dict[str, tuple[str, str | None]]:
    """Every slot of a note: its text and its PHI type (None for plain text, KEEP for eponyms)."""
    p = _People(rng, fake)
    female = rng.random() < 0.5
    pt_first, pt_last = p.first(), p.last(eponym_rate=0.12)
    rel_first, rel_last = p.first(), rng.choice([pt_last, p.last()])
    dr_first, dr_last, dr2_first, dr2_last = p.first(), p.last(), p.first(), p.last(0.05)
    nurse_first, nurse_last = p.first(), p.last()
    age = rng.choice([rng.randint(91, 104), rng.randint(90, 99), rng.randint(18, 88)])
    day = date(2018, 1, 1) + timedelta(days=rng.randint(0, 2900))
    dob = day - timedelta(days=365 * int(age) + rng.randint(0, 300))
    epos = rng.sample(EPONYM_PHRASES, 2)
    slots: dict[str, tuple[str, str | None]] = {
        "pt_first": (pt_first, "NAME"),
        "pt_last": (pt_last, "NAME"),
        "pt_full": (f"{pt_first} {pt_last}", "NAME"),
        "pt_upper": (f"{pt_last.upper()}, {pt_first.upper()}", "NAME"),
        "rel_first": (rel_first, "NAME"),
        "rel_last": (rel_last, "NAME"),
        "rel_full": (f"{rel_first} {rel_last}", "NAME"),
        "rel": (rng.choice(_RELATIONS), None),
        "dr_first": (dr_first, "NAME"),
        "dr_last": (dr_last, "NAME"),
        "dr_full": (f"{dr_first} {dr_last}", "NAME"),
        "dr2_first": (dr2_first, "NAME"),
        "dr2_last": (dr2_last, "NAME"),
        "nurse_first": (nurse_first, "NAME"),
        "nurse_last": (nurse_last, "NAME"),
        "nurse_full": (f"{nurse_first} {nurse_last}", "NAME"),
        "title": (rng.choice(_TITLES_F if female else _TITLES_M), None),
        "title2": (rng.choice(_TITLES_F + _TITLES_M), None),
        "cred": (rng.choice(_CREDS), None),
        "specialty": (rng.choice(_SPECIALTIES), None),
        "facility": (p.facility(), "FACILITY"),
        "facility2": (p.facility(), "FACILITY"),
        "city": (p.city(), "CITY"),
        "city2": (p.city(), "CITY"),
        "state": (fake.state_abbr(include_territories=False), None),
        "zip": (fake.zipcode(), "ZIP"),
        "street": (fake.street_address(), "ADDRESS"),
        "age": (str(age), "AGE" if age > 89 else None),
        "dob": (rng.choice(DATE_FORMATS)(dob), "DATE"),
        "dob_words": (f"{_ordinal(dob.day)} of {_MONTHS[dob.month - 1]}", "DATE"),
        "epo": (epos[0], KEEP),
        "epo2": (epos[1], KEEP),
        "drug": (rng.choice(DRUGS), None),
        "drug2": (rng.choice(DRUGS), None),
        "bp": (f"{rng.randint(95, 175)}/{rng.randint(55, 105)}", None),
    }
    for index in (1, 2, 3):
        when = day + timedelta(days=rng.randint(0, 20) * (index - 1))
        slots[f"date{index}"] = (rng.choice(DATE_FORMATS)(when), "DATE")
    slots.update(_structured(p))
    slots.update(_more_slots(p, slots, day, dob, age))
    slots.update(_layout_slots(p, slots))
    return slots


_UNITS = "one two three four five six seven eight nine".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def age_in_words(age: int) -> str:
    """An age spelled out as in dictation: 94 -> "ninety-four", 101 -> "one hundred and one"."""
    if age >= 100:
        rest = age - 100
        return "one hundred" + (f" and {age_in_words(rest)}" if rest else "")
    if age < 20:
        teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
        return _UNITS[age - 1] if age < 10 else teens.split()[age - 10]
    tens, unit = divmod(age, 10)
    return _TENS[tens - 2] + (f"-{_UNITS[unit - 1]}" if unit else "")


def _compact_date(d: date, rng: random.Random) -> str:
    month = _MONTHS[d.month - 1][:3]
    return f"{d.day:02d}{rng.choice([month.upper(), month])}{d.year}"


def _more_slots(
    p: _People, slots: dict, day: date, dob: date, age: int
) -> dict[str, tuple[str, str | None]]:
    """Slots of the newer families: spelled ages, compact dates, initials, bare facilities."""
    rng = p.rng
    dr_first, dr_last = slots["dr_first"][0], slots["dr_last"][0]
    nurse_first, nurse_last = slots["nurse_first"][0], slots["nurse_last"][0]
    rel = slots["rel"][0]
    short = day + timedelta(days=-rng.randint(1, 60))
    return {
        "age_words": (age_in_words(age), "AGE" if age > 89 else None),
        "dob_compact": (_compact_date(dob, rng), "DATE"),
        "date_compact": (_compact_date(day, rng), "DATE"),
        "date_short": (f"{short.month}/{short.day}", "DATE"),
        "facility_bare": (p.facility_bare(), "FACILITY"),
        "facility_bare2": (p.facility_bare(), "FACILITY"),
        "dr_init": (f"{dr_first[0]}. {dr_last}", "NAME"),
        "nurse_init": (f"{nurse_first[0]}. {nurse_last}", "NAME"),
        "nurse2_first": (p.first(), "NAME"),
        "nurse2_last": (p.last(), "NAME"),
        "rel2_first": (p.first(), "NAME"),
        "rel_first_lc": (slots["rel_first"][0].lower(), "NAME"),
        "rel_cap": (rel.capitalize(), None),
    }


def _render(lines: tuple[str, ...], slots: dict, rng: random.Random) -> AnnotatedNote:
    text, spans, keep = [], [], []
    length = 0
    for line in lines:
        if line.startswith("?"):
            if rng.random() > 0.6:
                continue
            line = line[1:]
        cursor = 0
        for match in _SLOT.finditer(line):
            literal = line[cursor : match.start()]
            value, kind = slots[match.group(1)]
            text.append(literal)
            length += len(literal)
            if kind == KEEP:
                keep.append((length, length + len(value)))
            elif kind is not None:
                spans.append(PhiSpan(length, length + len(value), kind))
            text.append(value)
            length += len(value)
            cursor = match.end()
        tail = line[cursor:] + "\n"
        text.append(tail)
        length += len(tail)
    return AnnotatedNote(text="".join(text), spans=spans, keep_spans=keep)


def _recase(note: AnnotatedNote, mode: str) -> AnnotatedNote:
    """The note in upper or lower case; characters whose case changes length stay as they are."""
    change = str.upper if mode == "upper" else str.lower
    note.text = "".join(c if len(change(c)) != 1 else change(c) for c in note.text)
    return note


def _identifiers(slots: dict) -> dict[str, str]:
    """The structured fields a source would carry for this note (a subset, as in real feeds)."""
    return {
        "patient_name": slots["pt_full"][0],
        "mrn": slots["mrn"][0],
        "phone": slots["phone"][0],
    }


def generate_annotated(
    n: int, seed: int = 0, families: list[str] | tuple[str, ...] | None = None
) -> list[AnnotatedNote]:
    """Synthetic notes with gold PHI spans, cycling through template families.

    Args:
        n: Number of notes.
        seed: Seed of every random draw (same seed, same notes).
        families: Names of ``FAMILIES`` to use; all of them when None.

    Returns:
        Annotated notes; ``identifiers`` holds the patient name, MRN and phone as structured
        fields, and ``patient_id`` a synthetic id.

    Raises:
        ValueError: An unknown family name.
    """
    chosen = list(families or FAMILIES)
    unknown = sorted(set(chosen) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown note families {unknown}; choose from {sorted(FAMILIES)}")
    rng, fake = random.Random(seed), Faker("en_US")
    fake.seed_instance(seed)
    notes = []
    for index in range(n):
        family = chosen[index % len(chosen)]
        slots = _slots(rng, fake)
        note = _render(FAMILIES[family], slots, rng)
        if family in FAMILY_CASE:
            note = _recase(note, FAMILY_CASE[family])
        note.family, note.patient_id = family, f"SYN{seed}-{index}"
        note.identifiers = _identifiers(slots)
        notes.append(note)
    return notes
