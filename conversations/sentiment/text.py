"""Text clean-up, sentence splitting and regex tokenisation (no NLTK: punkt is not installed)."""

from __future__ import annotations

import html
import re

# Upper bound on analysed characters: a Telegram message is at most 4,096 characters, and
# the cap keeps the worst case bounded for anything pasted in from elsewhere.
MAX_CHARS = 20_000

_TAG = re.compile(r"<[^<>]{0,300}>")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")

# Emoticons first so ":(" is one token; then words (letters, digits, inner apostrophes),
# runs of "!" / "?", single punctuation marks and any other symbol (emoji).
_EMOTICON = r"(?:[:;=][-o^']?(?:[)(\]\[/\\|*@]|[dDpP3](?!\w))|</?3|\bxD\b)"
_TOKEN = re.compile(
    rf"{_EMOTICON}|[^\W_]+(?:'[^\W_]+)*'?|[!?]+|[.,;:…()\"]|[^\w\s]",
)


def clean(text: object) -> str:
    """Plain text from anything: HTML tags and entities, URLs and @mentions removed."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    s = s[:MAX_CHARS]
    if "<" in s:
        s = _TAG.sub(" ", s)
    if "&" in s:
        s = html.unescape(s)
    if "http" in s or "www." in s:
        s = _URL.sub(" ", s)
    if "@" in s:
        s = _MENTION.sub(" ", s)
    return s.translate(_QUOTES).strip()


def sentences(text: str) -> list[str]:
    """Sentences split on end punctuation and line breaks (regex, good enough for chat)."""
    return [s for s in _SENTENCE.split(text) if s and not s.isspace()]


def raw_tokens(sentence: str) -> list[str]:
    """Tokens in their original case: words, emoticons, emoji, punctuation runs."""
    return _TOKEN.findall(sentence)


def squeeze(word: str) -> str:
    """'sooooo' -> 'soo': three or more repeated letters are emphasis, not spelling."""
    return _ELONGATED.sub(r"\1\1", word) if len(word) > 3 else word
