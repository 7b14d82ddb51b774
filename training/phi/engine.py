"""Presidio, offline: a blank spaCy pipeline on disk, our pattern recognizers and the tagger.

Presidio's default engine downloads ``en_core_web_lg`` and fails without network; given the path
of a saved blank pipeline it skips the download. Pitfalls avoided here (see the team's notes):
``UsLicenseRecognizer`` is never loaded (it tags ICD-10 codes such as K50), libphonenumber's
``PhoneRecognizer`` is replaced by a separator-bound regex (it took blood pressures such as
168/94 for phones, and half of Presidio's time), context words match whole words only
("lic" must not match "complications") and name patterns are case-sensitive.

Engines are built on first use, never at import.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import regex

from training.phi import patterns

logger = logging.getLogger(__name__)

LANGUAGE = "en"
# Presidio's default entity names, mapped to ours (for the baseline's scores).
PRESIDIO_TO_PHI = {
    "PERSON": "NAME",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "US_SSN": "SSN",
    "URL": "URL",
    "IP_ADDRESS": "IP",
    "LOCATION": "CITY",
    "US_DRIVER_LICENSE": "LICENSE",
    "US_BANK_NUMBER": "ID",
    "US_PASSPORT": "ID",
    "US_ITIN": "ID",
    "MEDICAL_LICENSE": "LICENSE",
    "CREDIT_CARD": "ID",
    "IBAN_CODE": "ID",
    "CRYPTO": "ID",
    "MRN": "MRN",
}


def default_cache_dir() -> Path:
    """``$CLINICODE_HOME/.clinicode`` (or ``./.clinicode``): where the blank pipeline is saved."""
    from clinicode.config import Workspace

    return Workspace().state_dir


def blank_pipeline(cache_dir: str | Path | None = None) -> Path:
    """Path of a blank English spaCy pipeline with lower-case lemmas, saved on first use.

    Presidio matches context words on lemmas, and a blank pipeline has none: the component
    copies each token's lower-case form into its lemma.

    Args:
        cache_dir: Folder to keep it in (``spacy-blank`` below it); ``default_cache_dir()``
            when None.

    Returns:
        The pipeline folder (about 1 MB: tokenizer and vocabulary, no weights).
    """
    import spacy

    _register_lemma_component()
    target = Path(cache_dir or default_cache_dir()) / "spacy-blank"
    if (target / "config.cfg").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".spacy-blank-", dir=target.parent))
    nlp = spacy.blank(LANGUAGE)
    nlp.add_pipe("clinicode_lower_lemma")
    nlp.to_disk(staging)
    try:
        os.replace(staging, target)  # atomic: a concurrent build leaves one complete copy
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("saved a blank spaCy pipeline for Presidio under %s", target)
    return target


def _register_lemma_component() -> None:
    from spacy.language import Language

    if Language.has_factory("clinicode_lower_lemma"):
        return

    @Language.component("clinicode_lower_lemma")
    def lower_lemma(doc):
        for token in doc:
            token.lemma_ = token.lower_
        return doc


def _nlp_engine(cache_dir: str | Path | None):
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    model = str(blank_pipeline(cache_dir))
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": LANGUAGE, "model_name": model}]}
    return NlpEngineProvider(nlp_configuration=config).create_engine()


def presidio_default_analyzer(cache_dir: str | Path | None = None):
    """Presidio's predefined recognizers on the blank pipeline: the baseline to beat.

    Args:
        cache_dir: Folder of the blank pipeline (see ``blank_pipeline``).

    Returns:
        An ``AnalyzerEngine`` with Presidio's defaults (``load_predefined_recognizers``, default
        context matching). Its entity names map to ours through ``PRESIDIO_TO_PHI``.
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    nlp_engine = _nlp_engine(cache_dir)
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


def _pattern_recognizers(site_lists: dict[str, Iterable[str]]) -> list:
    from presidio_analyzer import Pattern, PatternRecognizer

    recognizers = []
    for entity, flags, items, context in patterns.RECOGNIZERS:
        recognizers.append(
            PatternRecognizer(
                supported_entity=entity,
                name=f"clinicode_{entity.lower()}_{len(recognizers)}",
                patterns=[Pattern(name, regex, score) for name, regex, score in items],
                context=list(context) or None,
                global_regex_flags=flags,
                supported_language=LANGUAGE,
            )
        )
    for entity, entries in site_lists.items():
        entries = sorted({e.strip() for e in entries if e.strip()}, key=len, reverse=True)
        if entries:
            recognizers.append(
                PatternRecognizer(
                    supported_entity=entity,
                    name=f"clinicode_site_{entity.lower()}",
                    deny_list=entries,
                    deny_list_score=0.95,
                    global_regex_flags=patterns.CASE_SENSITIVE,
                    supported_language=LANGUAGE,
                )
            )
    return recognizers


TAGGER_RECOGNIZER = "clinicode_tagger"


def _tagger_recognizer(tagger, threshold: float):
    """The token tagger as a Presidio recognizer (entities NAME, FACILITY, CITY, ADDRESS)."""
    import regex
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    from training.phi.tagger import TAGGED_TYPES, first_names

    firsts = first_names()
    house_number = regex.compile(r"\d{1,6}[ \t]+$")
    lab_value = regex.compile(r"[ \t]*:?[ \t]*\d")
    herb = regex.compile(r"(?:['’]s)?[ \t]+wort\b", regex.IGNORECASE)  # St. John's wort

    class TaggerRecognizer(EntityRecognizer):
        def load(self) -> None:  # the model is loaded by the caller
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            results = []
            for span, score in tagger.predict(text, threshold):
                if span.end - span.start <= 3 and lab_value.match(text, span.end):
                    continue  # a lab abbreviation and its value ("Na 129", "Plt 375")
                if herb.match(text, span.end):
                    continue
                word = text[span.start : span.end]
                if word.islower() and word in tagger.vocab and word not in firsts:
                    continue  # a common word in lower case ("good return", "felt a pop")
                start = span.start
                if span.phi_type == "ADDRESS":  # the house number is not a capitalised token
                    number = house_number.search(text, max(0, start - 8), start)
                    start = number.start() if number else start
                results.append(
                    RecognizerResult(
                        span.phi_type,
                        start,
                        span.end,
                        score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: TAGGER_RECOGNIZER,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
            return results

    return TaggerRecognizer(supported_entities=list(TAGGED_TYPES), name=TAGGER_RECOGNIZER)


LEXICAL_RECOGNIZER = "clinicode_lexical"
TABLE_RECOGNIZER = "clinicode_tables"


def _span_recognizer(name: str, entities: list[str], find, score: float = 0.8):
    """A Presidio recognizer that reports the ``(start, end, type)`` spans of ``find(text)``."""
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    class SpanRecognizer(EntityRecognizer):
        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            return [
                RecognizerResult(
                    phi_type,
                    start,
                    end,
                    score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
                for start, end, phi_type in find(text)
            ]

    return SpanRecognizer(supported_entities=entities, name=name)


def _lexical_recognizer(tagger):
    """Facility and name rules that need the tagger's safe vocabulary (``phi.lexical``)."""
    from training.phi.lexical import lexical_spans
    from training.phi.tagger import name_lexicon

    names = name_lexicon()
    return _span_recognizer(
        LEXICAL_RECOGNIZER,
        ["NAME", "FACILITY"],
        lambda text: lexical_spans(text, tagger.vocab, names),
    )


def _table_recognizer():
    """Cells under a header naming a PHI type, and HL7 fields (``phi.tables``)."""
    from training.phi.tables import table_spans
    from training.phi.types import PHI_TYPES

    return _span_recognizer(TABLE_RECOGNIZER, list(PHI_TYPES), table_spans)


def clinicode_analyzer(
    cache_dir: str | Path | None = None,
    site_lists: dict[str, Iterable[str]] | None = None,
    tagger=None,
    tagger_threshold: float = 0.5,
):
    """The de-identifier's Presidio engine: our pattern recognizers, site lists and tagger.

    Args:
        cache_dir: Folder of the blank pipeline.
        site_lists: Entity type (``NAME``, ``FACILITY``...) to exact strings of the site.
        tagger: A ``TokenTagger``, or None for rules only; its vocabulary also drives the
            structural facility and name rules of ``phi.lexical``.
        tagger_threshold: Minimum token probability of the tagger.

    Returns:
        An ``AnalyzerEngine`` whose entity names are ``PHI_TYPES``.
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    nlp_engine = _nlp_engine(cache_dir)
    recognizers = _pattern_recognizers(site_lists or {})
    recognizers.append(_table_recognizer())
    if tagger is not None:
        recognizers.append(_tagger_recognizer(tagger, tagger_threshold))
        recognizers.append(_lexical_recognizer(tagger))
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE])
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=LemmaContextAwareEnhancer(context_matching_mode="whole_word"),
    )


def run_recognizers(analyzer, text: str, score_threshold: float) -> list:
    """Results of every recognizer of ``analyzer`` on ``text``, at or above the threshold.

    ``AnalyzerEngine.analyze`` first runs spaCy over the text and then boosts scores by context
    words. None of our recognizers reads tokens or has context words, so that pass only cost
    time: about a third of detection. Overlaps, identical spans included, are left to the
    caller (the de-identifier resolves them by PHI type, span length and score).

    Args:
        analyzer: An engine of ``clinicode_analyzer``.
        text: A note.
        score_threshold: Minimum score of a result.

    Returns:
        ``RecognizerResult`` objects with the recognizer name in their metadata.
    """
    from presidio_analyzer import PatternRecognizer, RecognizerResult

    results = []
    lowered = text.lower()
    for recognizer in analyzer.registry.get_recognizers(language=LANGUAGE, all_fields=True):
        if type(recognizer) is PatternRecognizer:
            found = _pattern_results(recognizer, text, lowered)
        else:
            found = recognizer.analyze(
                text=text, entities=recognizer.supported_entities, nlp_artifacts=None
            )
        for result in found or ():
            if result.score < score_threshold:
                continue
            metadata = result.recognition_metadata or {}
            metadata.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, recognizer.name)
            result.recognition_metadata = metadata
            results.append(result)
    return results


_LITERAL = regex.compile(r"[a-z0-9 #.^():/=-]+")


def _literal_options(words: str) -> tuple[str, ...] | None:
    """The words of a trigger that is an alternation of plain words, else None.

    Escaped punctuation is read as itself, and word boundaries are dropped: the substring test
    then finds a superset, so nothing is skipped that the regex would have run. A trigger with a
    bounded word of one or two letters ("\\bur") stays a regex.
    """
    options = []
    for option in words.split("|"):
        plain = option.replace(r"\b", "")
        if len(plain) < 3 and plain != option:
            return None  # "\\bur" without its boundaries is in nearly every note
        for escaped in "#.^()":
            plain = plain.replace("\\" + escaped, escaped)
        plain = plain.lower()
        if not plain or "\\" in plain or not _LITERAL.fullmatch(plain) or "(" in option[:1]:
            return None
        options.append(plain)
    return tuple(options)


def _trigger(words: str) -> Callable[[str, str], bool]:
    """A test of whether a pattern's trigger occurs in a note, given the note and its lower case.

    A trigger made of plain words ("ssn|ss\\#|social") is a substring test of the lower-cased
    note, several times faster than a case-insensitive regex search.
    """
    options = _literal_options(words)
    if options is not None:
        return lambda text, lowered: any(option in lowered for option in options)
    compiled = regex.compile(words, regex.IGNORECASE)
    return lambda text, lowered: compiled.search(text) is not None


_TRIGGERS = {name: _trigger(words) for name, words in patterns.TRIGGERS.items()}


def _pattern_results(recognizer, text: str, lowered: str) -> list:
    """What ``PatternRecognizer.analyze`` returns for a plain recognizer, without its overhead.

    Presidio times each pattern, logs at debug level and builds an explanation object per match;
    for our regexes that took about a third of the pattern stage. A plain ``PatternRecognizer``
    validates and invalidates nothing, so its results are the non-empty matches at the pattern's
    score, with contained duplicates removed as Presidio removes them. Explanations are left out:
    nothing reads them.
    """
    import regex
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    entity, flags = recognizer.supported_entities[0], recognizer.global_regex_flags
    metadata = {
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    }
    results = []
    for pattern in recognizer.patterns:
        if pattern.compiled_regex is None or pattern.compiled_with_flags != flags:
            pattern.compiled_with_flags = flags
            pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)
        if pattern.score <= EntityRecognizer.MIN_SCORE:
            continue
        trigger = _TRIGGERS.get(pattern.name)
        if trigger is not None and not trigger(text, lowered):
            continue  # the pattern's label is nowhere in the note
        for match in pattern.compiled_regex.finditer(text):
            start, end = match.span()
            if start < end:
                results.append(
                    RecognizerResult(
                        entity, start, end, pattern.score, recognition_metadata=dict(metadata)
                    )
                )
    return EntityRecognizer.remove_duplicates(results)
