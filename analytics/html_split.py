"""Telegram HTML cut into messages Telegram accepts: at most 4096 characters, tags whole.

One splitter for every long answer (reports, /open, /whois, command replies): it cuts
between blocks, then lines, then words, never inside a tag or an entity, and closes and
reopens the tags open at a cut, so each part is valid HTML on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["LIMIT", "split_html"]

LIMIT = 4096  # Telegram's limit for one message's text

_TOKENS = re.compile(r"<[^>]*>|&#?\w+;|\s+|[^<&\s]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def _hard_split(line: str, limit: int) -> list[str]:
    """Split one over-long line between tokens, closing and reopening open tags."""
    chunks: list[str] = []
    current = ""
    stack: list[tuple[str, str]] = []  # (name, opening tag)
    for token in _TOKENS.findall(line):
        pieces = [token]
        if len(token) > limit // 2 and not token.startswith("<"):
            pieces = [token[i : i + limit // 2] for i in range(0, len(token), limit // 2)]
        for piece in pieces:
            closing = "".join(f"</{name}>" for name, _ in reversed(stack))
            if current and len(current) + len(piece) + len(closing) > limit:
                chunks.append(current + closing)
                current = "".join(tag for _, tag in stack)
            current += piece
            if match := _TAG.fullmatch(piece):
                name = match.group(2).lower()
                if match.group(1):
                    if stack and stack[-1][0] == name:
                        stack.pop()
                else:
                    stack.append((name, piece))
    if current:
        chunks.append(current)
    return chunks


def split_html(text: str, limit: int = LIMIT) -> list[str]:
    """Split Telegram HTML into messages of at most `limit` characters.

    Cuts fall between blocks (blank lines) where possible, else between lines; a line
    longer than the limit is cut between words, never inside a tag or an entity, with
    its open tags closed and reopened around the cut.
    """
    if limit < 64:
        raise ValueError("limit is too small to hold a tag and some text")
    text = text.strip("\n")
    if not text:
        return []
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(_hard_split(line, limit) if len(line) > limit else [line])
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        extra = len(line) + (1 if current else 0)
        if current and size + extra > limit:
            # Prefer to cut at the last blank line of the chunk, when it is not too early.
            cut = _last_blank(current)
            if cut is not None and cut > len(current) // 2:
                chunks.append("\n".join(current[:cut]).strip("\n"))
                current = current[cut + 1 :]
            else:
                chunks.append("\n".join(current).strip("\n"))
                current = []
            size = len("\n".join(current))
            extra = len(line) + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current).strip("\n"))
                current, size, extra = [], 0, len(line)
        current.append(line)
        size += extra
    if current:
        chunks.append("\n".join(current).strip("\n"))
    return [c for c in chunks if c.strip()]


def _last_blank(lines: Sequence[str]) -> int | None:
    for i in range(len(lines) - 1, 0, -1):
        if lines[i] == "":
            return i
    return None
