"""A same-length view of a note in which look-alike characters read as their plain forms.

Text pasted from word processors, chat tools and East Asian input methods carries no-break
spaces, non-breaking hyphens, curly apostrophes, full-width digits and, at times, a Cyrillic
letter that looks Latin ("Jоnes" with a Cyrillic "о"). The detection rules are written for plain
spaces, hyphens and Latin letters, so each of these characters is replaced by its plain form
before detection. HTML formatting tags ("<b>MRN:</b>", "<td>Age</td>") and Markdown emphasis
("**DOB:**", "`2-325-432`") become spaces of the same width, so a label and its value read as
they would in plain text. Every replacement is one character for one character: offsets found in the
view are offsets in the original note, and the original text is what gets spliced.
"""

from __future__ import annotations

import html

import regex

# One character -> one character, so the view has the original's offsets.
_PLAIN = {
    **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006", " "),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"),
    **dict.fromkeys("\u2018\u2019\u02bc\u2032", "'"),
    **{chr(0xFF10 + digit): str(digit) for digit in range(10)},  # full-width digits
    "\uff0b": "+",
    "\uff08": "(",
    "\uff09": ")",
    "\uff0f": "/",
    "\uff0e": ".",
    "\uff1a": ":",
    "\uff20": "@",
}
_TABLE = str.maketrans(_PLAIN)
_PLAIN_TRIGGER = regex.compile("[" + "".join(sorted(_PLAIN)) + "]")
# Cyrillic letters that look like Latin ones, folded only inside words that also hold Latin
# letters (a word written wholly in Cyrillic is left as it is).
_CYRILLIC = str.maketrans("аеорсхуіјѕԁԛԝАЕОРСХУІЈЅВНКМТ", "aeopcxyijsdqwAEOPCXYIJSBHKMT")
_MIXED_WORD = regex.compile(r"\w*(?:\p{Latin}\w*\p{Cyrillic}|\p{Cyrillic}\w*\p{Latin})\w*")
# Presentational HTML tags only: XML elements that name their content ("<family>") are read by
# the markup rules and stay as they are.
_HTML_TAG = regex.compile(
    r"</?(?i:b|i|u|em|strong|span|font|td|th|tr|p|br|div|h[1-6]|li|ul|ol|small|sup|sub|table|"
    r"tbody|thead|tfoot|caption|label|center|code|pre|blockquote|hr|mark|dt|dd|dl)\b[^<>\n]{0,120}>"
)
_MARKDOWN = regex.compile(r"\*\*|__|`")


# Letters that OCR puts for digits inside a number ("44l 366", "6/l2", "+l 258", "85O60").
_OCR_TRIGGER = regex.compile(r"\d[ ./-]?[lIO][ ./-]?\d|\+[lI][ -]?\d|(?<!\w)[lI]-\d{3}")
_OCR_DIGIT = regex.compile(
    r"(?<=\d[ ./-]?)[lIO](?=[ ./-]?\d)|(?<=\+)[lI](?=[ -]?\d)|(?<![\w])[lI](?=-\d{3})"
)


def _digit_of(match: regex.Match[str]) -> str:
    return "0" if match.group() == "O" else "1"


def _blank(match: regex.Match[str]) -> str:
    return " " * len(match.group())


def fold_lookalikes(text: str) -> str:
    """``text`` with look-alike characters replaced by plain ones, offsets unchanged.

    Args:
        text: A note.

    Returns:
        A string of the same length: letters that OCR read for digits inside a number as
        digits, no-break and thin spaces as spaces, dashes and
        non-breaking hyphens as "-", curly apostrophes as "'", full-width digits and signs as
        ASCII, Cyrillic look-alike letters inside Latin words as Latin letters, HTML formatting
        tags and Markdown emphasis as spaces.
    """
    out = text
    if _OCR_TRIGGER.search(out):
        out = _OCR_DIGIT.sub(_digit_of, out)
    if "<" in out:
        out = _HTML_TAG.sub(_blank, out)
    if "**" in out or "`" in out or "__" in out:
        out = _MARKDOWN.sub(_blank, out)
    if out.isascii():
        return out
    out = out.translate(_TABLE) if _PLAIN_TRIGGER.search(out) else out
    if regex.search(r"\p{Cyrillic}", out):
        out = _MIXED_WORD.sub(lambda m: m.group().translate(_CYRILLIC), out)
    return out


# Character references of HTML exports ("Perla&nbsp;Peres", "O&#39;Neil", "Smith &amp; Sons").
_ENTITY = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,9});")


def decode_entities(text: str) -> tuple[str, list[int], list[int]] | None:
    """``text`` with HTML character references decoded, and where each character came from.

    Args:
        text: A note.

    Returns:
        None when the note has no character reference; else ``(view, starts, ends)``: the
        decoded text and, for each of its characters, the start and end offsets in ``text`` of
        what it was decoded from, so that a span ``(a, b)`` of the view is
        ``(starts[a], ends[b - 1])`` in the note.
    """
    if "&" not in text or ";" not in text:
        return None
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _ENTITY.finditer(text):
        decoded = html.unescape(match.group())
        if decoded == match.group():
            continue  # not a reference html knows: left as written
        pieces.append(text[position : match.start()])
        starts.extend(range(position, match.start()))
        ends.extend(range(position + 1, match.start() + 1))
        pieces.append(decoded)
        starts.extend([match.start()] * len(decoded))
        ends.extend([match.end()] * len(decoded))
        position = match.end()
    if not pieces:
        return None
    pieces.append(text[position:])
    starts.extend(range(position, len(text)))
    ends.extend(range(position + 1, len(text) + 1))
    return "".join(pieces), starts, ends


def outside_tags(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of ``text[start:end]`` between HTML formatting tags (the whole span if none).

    Tags read as spaces for detection, so a span can run across one ("Olawale</i> O'Neil"); the
    tag itself must stay in the note.
    """
    if "<" not in text[start:end]:
        return [(start, end)]
    parts, position = [], start
    for match in _HTML_TAG.finditer(text, start, end):
        parts.append((position, match.start()))
        position = match.end()
    parts.append((position, end))
    return [(a, b) for a, b in parts if any(c.isalnum() for c in text[a:b])]
