"""The words of a message: placeholders, SMS length, readability, no amounts.

Pure functions, no database: the template editor, the send form and the tests
all use the same ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The GSM 03.38 alphabet (basic set, and the extension table that costs two places).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    characters: int
    segments: int
    unicode: bool  # one character outside GSM-7: every segment holds 70, not 160

    @property
    def per_segment(self) -> int:
        if self.unicode:
            return 70 if self.segments <= 1 else 67
        return 160 if self.segments <= 1 else 153


def sms_length(text: str) -> SmsLength:
    """How many characters and segments a text message takes, as phones count them."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        segments = 1 if units <= 160 else -(-units // 153)
        return SmsLength(units, segments, unicode=False)
    # UCS-2: characters outside the basic plane (emoji) take two units.
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    segments = 1 if units <= 70 else -(-units // 67)
    return SmsLength(units, segments, unicode=True)


PLACEHOLDERS = ("client", "ocmw", "ocmw_phone", "worker", "appointment", "session_date")
ARREARS_PLACEHOLDER = "arrears"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def unknown_placeholders(text: str, *, shows_arrears: bool) -> list[str]:
    allowed = set(PLACEHOLDERS) | ({ARREARS_PLACEHOLDER} if shows_arrears else set())
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in allowed})


def fill(text: str, values: dict[str, str]) -> str:
    """Each ``{name}`` replaced by its value; a value left empty leaves nothing."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# An amount of money as it is written in a message: "€ 412,50", "412,50 euro", "EUR 80".
_AMOUNT = re.compile(r"(€|\beur\b|\beuro)\s*\d|\d[\d.,]*\s*(€|\beur\b|\beuro\b)", re.IGNORECASE)


def mentions_an_amount(text: str) -> bool:
    return bool(_AMOUNT.search(text))


# Readability -----------------------------------------------------------------------

# Dutch vowel sounds written with two letters count as one syllable.
_VOWEL_GROUP = re.compile(
    r"(aai|ooi|oei|eeuw|ieuw|uw|ij|ei|ui|oe|ou|au|ie|eu|aa|ee|oo|uu|[aeiouyàáâäèéêëìíîïòóôöùúûü])",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’-][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n")


def syllables(word: str) -> int:
    return max(1, len(_VOWEL_GROUP.findall(word)))


def flesch_douma(text: str) -> float:
    """Flesch–Douma reading ease of a Dutch text: 206.835 − 0.93 × words per sentence
    − 77 × syllables per word. 60 and above reads easily; placeholders count as one
    short word."""
    text = _PLACEHOLDER.sub("naam", text)
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if s and _WORD.search(s)]))
    per_sentence = len(words) / sentences
    per_word = sum(syllables(w) for w in words) / len(words)
    return round(206.835 - 0.93 * per_sentence - 77 * per_word, 1)
