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


def _blank(match: regex.Match[str]) -> str:
    return " " * len(match.group())


def fold_lookalikes(text: str) -> str:
    """``text`` with look-alike characters replaced by plain ones, offsets unchanged.

    Args:
        text: A note.

    Returns:
        A string of the same length: no-break and thin spaces as spaces, dashes and
        non-breaking hyphens as "-", curly apostrophes as "'", full-width digits and signs as
        ASCII, Cyrillic look-alike letters inside Latin words as Latin letters, HTML formatting
        tags and Markdown emphasis as spaces.
    """
    out = text
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
