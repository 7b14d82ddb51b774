"""Token-level PHI tagger: a logistic regression on hashed features of capitalised tokens.

Rules catch structured identifiers; free-text ones (names, facilities, cities, streets) need
context. The tagger scores every capitalised token, and every lower-case one that is a known name
or outside the safe vocabulary (dictated notes write "spoke with maria"), from its shape, case,
affixes, two neighbours on each side and lexicon flags: whether it is a medical or common English
word (the *safe vocabulary*: ICD-10-CM description words, Faker's English word lists and a
built-in list of clinical and administrative words), a first name or a last name (Faker's lists
of several locales, looked up in lower case). A token outside the safe vocabulary is suspicious;
the model learns how suspicious from context. A weak NAME token next to a confident one is taken
too (initials, rare surnames beside common first names).

Features are hashed with CRC-32 (stable across processes, unlike ``hash``) into 2**18 buckets.
The artifact is an ``.npz`` of float16 weights plus the safe vocabulary (no pickle), shipped as
``training/phi/tagger_model.npz``. The packaged model is rebuilt with ``scripts/train_tagger.py``
(synthetic families plus held-out sets A-E); ``python -m training.phi.tagger`` trains on the
synthetic families alone.
"""

from __future__ import annotations

import argparse
import logging
import re
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from training.phi.types import AnnotatedNote, PhiSpan

logger = logging.getLogger(__name__)

TAGGED_TYPES = ("NAME", "FACILITY", "CITY", "ADDRESS")
LABELS = ("O", *TAGGED_TYPES)
N_BUCKETS = 2**18
DEFAULT_MODEL = Path(__file__).with_name("tagger_model.npz")
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’])*|\d+|[^\s\w]|_")
_POSSESSIVE = re.compile(r"['’]s?$")
# A NAME token this likely is kept when a neighbour is a confident NAME (sequence smoothing).
SOFT_NAME_PROBABILITY = 0.25
_SENTENCE_END = frozenset(".!?:;-*•|")
_SHAPE = (re.compile(r"[A-Z]+"), re.compile(r"[a-z]+"), re.compile(r"\d+"))
# Words of notes that are neither ICD terms nor in Faker's word list; months and days too.
_CLINICAL_WORDS = """patient pt history exam assessment plan discharge summary vitals impression
findings diagnosis clinical follow up report reports telephone encounter caller nurse nursing note
progress consult consultation requested reason social home meds medication reconciliation pharmacy
prescriber completed triage arrival emergency contact visit account accession exam date dob mrn
ssn fax phone email dear sincerely thank you regards electronically signed attending admission
hospital course family dictated ordering comparison images department radiology pathology surgical
case name collected received submitting physician facility block ids held verified pathologist
license insurance member prior records please office care unit room bed pump serial advised
spoke message routed resting vitals report given call light fall precautions stable discussed
negative positive continue held started daily bid tid prn mg ml hr bp spo gcs cc hx yo yrs old
rn md np do pa pharmd dea npi ct mri xr us ekg ecg icu ed er or pacu pcp s o a p requested
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
mr mrs ms miss dr st the and of with for to in on at by from bedside pt's
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred""".split()
# Capitalised words of forms and letters that are no names, and role or credential abbreviations.
_ADMIN_WORDS = """specimen consent subscriber glucometer spanish english french german italian
portuguese chinese mandarin cantonese vietnamese korean russian arabic hindi tagalog polish
haitian creole somali interpreter language preferred registration insurance primary secondary
guarantor signature signed witness relationship emergency contact provider referring referral
rendering billing claim summary diagnosis procedure service services dates dosage route frequency
allergies allergy medications medication vitals temperature pulse respirations oxygen saturation
glucose insulin glucometer nebulizer inhaler walker wheelchair cane commode hoyer lift catheter
foley dressing wound stable unstable improved improving worse worsening resolved pending
reviewed verified confirmed enclosed attached confidential transmittal pages cover sheet
regarding subject reply forwarded message portal questions thanks thank hello hi dear yours
truly respectfully cordially handoff shift overnight report sbar situation background
recommendation assessment hospice palliative comfort chaplain caregiver guardian poa hcp proxy
medicaid medicare commercial payer plan group member subscriber policy holder employer employee
badge requisition collected ordering results copy fax phone cell home work mobile email address
city state zip county country mom dad son daughter wife husband sister brother aunt uncle niece
nephew cousin grandson granddaughter grandmother grandfather friend neighbor partner spouse
rn lpn lvn cna lcsw lmsw msw lpc lmft pa pac np fnp aprn crna md do dds dpm od pharmd rph pt ot
slp rt rrt rd ccm chpn cns phd psyd mph mba facp facs bsn msn dnp ems emt medic tech
scribe""".split()


@lru_cache(maxsize=1)
def _name_lexicons() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-case first and last names of Faker's en_US and ``synth.NAME_LOCALES`` lists."""
    import importlib

    from training.phi.synth import NAME_LOCALES

    firsts, lasts = set(), set()
    for locale in ("en_US", *NAME_LOCALES):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        firsts.update(n.lower() for n in getattr(provider, "first_names", ()))
        lasts.update(n.lower() for n in getattr(provider, "last_names", ()))
    return frozenset(firsts), frozenset(lasts)


def first_names() -> frozenset[str]:
    """Every first name of the lexicons, in lower case."""
    return _name_lexicons()[0]


def name_lexicon() -> frozenset[str]:
    """Every first and last name of the lexicons, in lower case."""
    firsts, lasts = _name_lexicons()
    return firsts | lasts


def _faker_words() -> set[str]:
    """English words of Faker's providers: lorem (with parts of speech), company, job, colour."""
    from faker.providers.color.en_US import Provider as Color
    from faker.providers.company.en_US import Provider as Company
    from faker.providers.job.en_US import Provider as Job
    from faker.providers.lorem.en_US import Provider as Lorem

    texts = list(Lorem.word_list) + list(Job.jobs) + list(Color.all_colors)
    for words in getattr(Lorem, "parts_of_speech", {}).values():
        texts += list(words)
    for group in (*Company.catch_phrase_words, *Company.bsWords):
        texts += list(group)
    return {w.lower() for text in texts for w in re.findall(r"[A-Za-z]{2,}", text)}


def build_safe_vocabulary() -> list[str]:
    """Medical and common English words: ICD-10-CM descriptions, Faker's words, built-in lists.

    Returns:
        Sorted lower-case words (about 10k). Imports simple-icd-10-cm (about 2 s).
    """
    import simple_icd_10_cm as cm

    words = set(_CLINICAL_WORDS) | set(_ADMIN_WORDS) | _faker_words()
    for code in cm.get_all_codes(True):
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{2,}", cm.get_description(code)))
    return sorted(words)


# Token-string caches: a note repeats its words, and notes share most of them, so the shape,
# case and lexicon flags of a word and the bucket of a feature string are computed once per
# process (bounded: an unbounded cache would grow with every new surname).
_WORD_CACHE = 2**13
_WINDOW_CACHE = 2**14  # token windows of the feature cache: about 7 MB when full


@lru_cache(maxsize=_WORD_CACHE)
def _shape(token: str) -> str:
    out = _SHAPE[0].sub("X", token)
    out = _SHAPE[1].sub("x", out)
    return _SHAPE[2].sub("d", out)


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Tokens of ``text`` as ``(start, end, token)``: words, digit runs, single symbols."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _is_candidate(token: str, vocab: frozenset[str], names: frozenset[str]) -> bool:
    """Capitalised words, and lower-case ones that are names or outside the safe vocabulary."""
    if token[0].isupper():
        return True
    if len(token) < 2 or not token[0].isalpha():
        return False
    low = token.lower()
    return low in names or low not in vocab


@lru_cache(maxsize=_WORD_CACHE)
def _case(token: str) -> str:
    if len(token) == 1:
        return "I" if token.isupper() else "l"
    if token.isupper():
        return "U"
    if token.islower():
        return "L"
    return "T" if token[1:].islower() else "M"


@lru_cache(maxsize=_WORD_CACHE)
def _lex(word: str, vocab: frozenset[str]) -> str:
    """Lexicon flags of a lower-case word: safe vocabulary, first name, last name."""
    if not word[:1].isalpha():
        return "p"
    firsts, lasts = _name_lexicons()
    return f"{word in vocab:d}{word in firsts:d}{word in lasts:d}"


def _token_features(
    text: str, tokens: list[tuple[int, int, str]], i: int, vocab: frozenset[str]
) -> list[str]:
    """Feature strings of token ``i`` (a candidate word)."""
    start, _, tok = tokens[i]
    low = _POSSESSIVE.sub("", tok.lower()) or tok.lower()

    def near(j: int) -> str:
        return tokens[j][2].lower() if 0 <= j < len(tokens) else "<pad>"

    def near_shape(j: int) -> str:
        return _shape(tokens[j][2]) if 0 <= j < len(tokens) else "<pad>"

    line_start = i == 0 or "\n" in text[tokens[i - 1][1] : start]
    lex, case = _lex(low, vocab), _case(tok)
    prev, nxt = near(i - 1), near(i + 1)
    sentence_start = line_start or prev in _SENTENCE_END
    return _context_features(tokens, i, vocab, case, lex, sentence_start) + [
        "bias",
        f"w={low}",
        f"sh={_shape(tok)}",
        f"p3={low[:3]}",
        f"s3={low[-3:]}",
        f"s2={low[-2:]}",
        f"lex={lex}",
        f"voc={low in vocab}",
        f"bol={line_start}",
        f"w-1={prev}",
        f"w+1={nxt}",
        f"w-2={near(i - 2)}",
        f"w+2={near(i + 2)}",
        f"sh-1={near_shape(i - 1)}",
        f"sh+1={near_shape(i + 1)}",
        f"w-1|w+1={prev}|{nxt}",
        f"lex|w-1={lex}|{prev}",
        f"lex|w+1={lex}|{nxt}",
        f"bol|lex={line_start}|{lex}",
        f"voc-1={prev in vocab}",
        f"voc+1={nxt in vocab}",
        f"len={min(len(tok), 12)}",
    ]


def _context_features(
    tokens: list[tuple[int, int, str]],
    i: int,
    vocab: frozenset[str],
    case: str,
    lex: str,
    sentence_start: bool,
) -> list[str]:
    """Case, sentence position and the neighbours' case and lexicon flags."""

    def word(j: int) -> str:
        return tokens[j][2] if 0 <= j < len(tokens) else "<pad>"

    prev, nxt, prev2 = word(i - 1).lower(), word(i + 1), word(i - 2).lower()
    lex_prev, lex_next = _lex(prev, vocab), _lex(nxt.lower(), vocab)
    return [
        f"case={case}",
        f"case|lex={case}|{lex}",
        f"case|w-1={case}|{prev}",
        f"case|w+1={case}|{nxt.lower()}",
        f"sent={sentence_start}",
        f"sent|lex={sentence_start}|{lex}",
        f"w-2|w-1={prev2}|{prev}",
        f"lex-1={lex_prev}",
        f"lex+1={lex_next}",
        f"lex-1|lex|lex+1={lex_prev}|{lex}|{lex_next}",
        f"case-1|case|case+1={_case(word(i - 1))}|{case}|{_case(nxt)}",
        f"init={case == 'I' and nxt == '.'}",
        f"lex+2={_lex(word(i + 2).lower(), vocab)}",
        f"lex-2={_lex(prev2, vocab)}",
    ]


@lru_cache(maxsize=2**15)
def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_BUCKETS - 1)


def _hash(features: list[str]) -> list[int]:
    return [_bucket(f) for f in features]


def _gold_label(spans: list[PhiSpan], start: int) -> str:
    for span in spans:
        if span.start <= start < span.end:
            return span.phi_type if span.phi_type in TAGGED_TYPES else "O"
    return "O"


def train_tagger(
    notes: list[AnnotatedNote], out_path: str | Path, vocabulary: list[str] | None = None
) -> Path:
    """Train the tagger on annotated notes and save it as an ``.npz``.

    Args:
        notes: Annotated notes (e.g. ``training.phi.synth.generate_annotated``).
        out_path: Where to write the model.
        vocabulary: Safe vocabulary; built from ICD-10-CM and Faker when None.

    Returns:
        The path written.
    """
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocab_list = vocabulary if vocabulary is not None else build_safe_vocabulary()
    vocab, names = frozenset(vocab_list), name_lexicon()
    rows, cols, labels = [], [], []
    for note in notes:
        tokens = tokenize(note.text)
        for i, (start, _, tok) in enumerate(tokens):
            if not _is_candidate(tok, vocab, names):
                continue
            hashed = _hash(_token_features(note.text, tokens, i, vocab))
            rows += [len(labels)] * len(hashed)
            cols += hashed
            labels.append(LABELS.index(_gold_label(note.spans, start)))
    x = csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(labels), N_BUCKETS))
    model = LogisticRegression(C=2.0, max_iter=400).fit(x, labels)
    weights = np.zeros((N_BUCKETS, len(LABELS)), np.float16)
    weights[:, model.classes_] = model.coef_.T.astype(np.float16)
    bias = np.zeros(len(LABELS), np.float32)
    bias[model.classes_] = model.intercept_
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out, weights=weights, bias=bias, labels=np.array(LABELS), vocab=np.array(vocab_list)
    )
    logger.info("tagger trained on %d tokens of %d notes -> %s", len(labels), len(notes), out)
    return out


class TokenTagger:
    """A trained tagger: PHI spans of free-text types in a note.

    Args:
        path: The ``.npz`` written by ``train_tagger``.
    """

    def __init__(self, path: str | Path = DEFAULT_MODEL) -> None:
        with np.load(Path(path), allow_pickle=False) as data:
            self.weights = data["weights"].astype(np.float32)  # (buckets, labels)
            self.bias = data["bias"]
            self.labels = tuple(str(label) for label in data["labels"])
            self.vocab = frozenset(str(word) for word in data["vocab"])
        self.names = name_lexicon()
        self._cache: dict[tuple[str | None | bool, ...], tuple[int, ...]] = {}

    def token_probabilities(self, text: str) -> tuple[list[tuple[int, int, str]], np.ndarray]:
        """Candidate tokens of ``text`` and their label probabilities, shape (tokens, labels)."""
        tokens = tokenize(text)
        picked = [
            i for i, (_, _, tok) in enumerate(tokens) if _is_candidate(tok, self.vocab, self.names)
        ]
        if not picked:
            return [], np.zeros((0, len(self.labels)), np.float32)
        index = np.array([self._buckets(text, tokens, i) for i in picked])
        scores = self.weights[index].sum(axis=1) + self.bias  # (tokens, labels)
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        return [tokens[i] for i in picked], probs

    def _buckets(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, ...]:
        """Feature buckets of token ``i``, cached by everything the features read.

        The features see two tokens on each side and whether the token opens a line; a note
        repeats such windows (form labels, headers), so they are hashed once per process.
        """
        window = tuple(tokens[j][2] if 0 <= j < len(tokens) else None for j in range(i - 2, i + 3))
        line_start = i == 0 or "\n" in text[tokens[i - 1][1] : tokens[i][0]]
        key = (*window, line_start)
        found = self._cache.get(key)
        if found is None:
            found = tuple(_hash(_token_features(text, tokens, i, self.vocab)))
            if len(self._cache) >= _WINDOW_CACHE:
                self._cache.clear()  # bounded memory over a long run; refilled as it goes
            self._cache[key] = found
        return found

    def predict(self, text: str, threshold: float = 0.5) -> list[tuple[PhiSpan, float]]:
        """Spans of ``TAGGED_TYPES`` with their mean token probability.

        Args:
            text: A note.
            threshold: Minimum probability of a PHI label for a token to count.

        Returns:
            ``(span, score)`` pairs; adjacent tokens of one type are merged (across spaces,
            "of", "St.", hyphens and apostrophes on one line).
        """
        tokens, probs = self.token_probabilities(text)
        chosen = self._smoothed_labels(text, tokens, probs, threshold)
        merged: list[list] = []
        for (start, end, _), row, best in zip(tokens, probs, chosen, strict=True):
            if not best:
                continue
            label = self.labels[best]
            if merged and merged[-1][2] == label and _joinable(text[merged[-1][1] : start]):
                merged[-1][1] = end
                merged[-1][3].append(float(row[best]))
            else:
                merged.append([start, end, label, [float(row[best])]])
        return [(PhiSpan(s, e, label), sum(p) / len(p)) for s, e, label, p in merged]

    def _smoothed_labels(
        self, text: str, tokens: list[tuple[int, int, str]], probs: np.ndarray, threshold: float
    ) -> list[int]:
        """Label index of each token (0: none); a likely NAME beside a confident NAME counts."""
        chosen = [int(row[1:].argmax()) + 1 if row[1:].max() >= threshold else 0 for row in probs]
        name = self.labels.index("NAME")
        for k, row in enumerate(probs):
            if chosen[k] or row[name] < SOFT_NAME_PROBABILITY:
                continue
            for j in (k - 1, k + 1):
                if 0 <= j < len(tokens) and chosen[j] == name:
                    left, right = sorted((j, k))
                    if _joinable(text[tokens[left][1] : tokens[right][0]]):
                        chosen[k] = name
                        break
        return chosen


_JOIN = re.compile(r"[ \t]*(?:[.,'’&-]?[ \t]*(?:of|the|and|de|van|von)?[ \t]*)?")


def _joinable(gap: str) -> bool:
    return _JOIN.fullmatch(gap) is not None


def main(argv: list[str] | None = None) -> None:
    """Train a tagger on the synthetic families alone: ``python -m training.phi.tagger``."""
    from training.phi.synth import FAMILIES, SELF_HELD_OUT, generate_annotated

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="model file to write")
    parser.add_argument("--notes", type=int, default=3000, help="synthetic notes to train on")
    parser.add_argument("--seed", type=int, default=1000, help="seed of the training notes")
    parser.add_argument(
        "--hold-out", action="store_true", help="leave out synth.SELF_HELD_OUT (for evaluation)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    families = [f for f in FAMILIES if not (args.hold_out and f in SELF_HELD_OUT)]
    notes = generate_annotated(args.notes, seed=args.seed, families=families)
    path = train_tagger(notes, args.out)
    logger.info("wrote %s (%.1f MB)", path, path.stat().st_size / 1e6)


if __name__ == "__main__":
    main()
