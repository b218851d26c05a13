"""Telegram's text formatting, for the fake Bot API: HTML, MarkdownV2 and legacy Markdown.

Each parser turns the text a bot sends into what Telegram stores: the plain text and its
``MessageEntity`` dicts (offsets and lengths in UTF-16 code units), or raises
:class:`MarkupError` with the message Telegram gives (the fake prefixes it with
``Bad Request: can't parse entities: ``). The rules follow core.telegram.org/bots/api
#formatting-options; the error wording and byte offsets follow TDLib's parser (its
``MessageEntity`` tests quote them: ``Unsupported start tag "abac" at byte offset 13``,
``Can't find end of Italic entity at byte offset 9``, ``Character '.' is reserved and must be
escaped with the preceding '\\'``). :func:`auto_entities` finds what Telegram detects by itself
in any message (bot commands, mentions, hashtags, links).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

#: HTML tags Telegram supports (only these; anything else is "Unsupported start tag").
SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
HTML_TAGS = {*SIMPLE_TAGS, "span", "a", "code", "pre", "blockquote", "tg-emoji"}
#: Named HTML entities Telegram decodes; every numeric one is decoded too.
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
#: MarkdownV2: these must be escaped with a preceding backslash outside markup.
MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
#: TDLib's names for entity types in "Can't find end of X entity" messages.
TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "blockquote": "BlockQuote",
    "custom_emoji": "CustomEmoji",
}


class MarkupError(ValueError):
    """The text cannot be parsed; ``str(error)`` is Telegram's own message."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def _byte_offset(text: str, pos: int) -> int:
    return len(text[:pos].encode())


def normalize_url(url: str) -> str | None:
    """A link target as Telegram stores it, or None when it is not a link Telegram accepts."""
    url = url.strip()
    if not url or any(c.isspace() for c in url):
        return None
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if match is None:
        url = "http://" + url
    elif match.group(1).lower() not in {"http", "https", "tg", "ton", "tonsite", "mailto"}:
        return None
    if re.match(r"^https?://[^/?#]+$", url):
        url += "/"
    return url


# -- HTML ---------------------------------------------------------------------------------------


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the output
    text_start: int  # index into the output pieces, to recover the link text of <a>
    entities: list[Entity] = field(default_factory=list)


def _decode_entity(src: str, i: int) -> tuple[str | None, int]:
    """Decode the HTML entity at ``src[i] == '&'``; (None, i) when it is not one Telegram knows."""
    match = re.match(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z]+);?", src[i:])
    if match is None:
        return None, i
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code == 0:
            return None, i
        return chr(code), i + match.end()
    if name in NAMED_ENTITIES:
        return NAMED_ENTITIES[name], i + match.end()
    return None, i


def _read_attributes(src: str, j: int, tag: str, tag_byte: int) -> tuple[dict[str, str], int]:
    """Parse a start tag's ``name=value`` pairs; returns (attrs, index of its '>')."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while j < n and src[j].isspace():
            j += 1
        if j >= n:
            raise MarkupError(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
        if src[j] == ">":
            return attrs, j
        begin = j
        while j < n and not src[j].isspace() and src[j] not in "=>/\"'":
            j += 1
        name = src[begin:j].lower()
        if not name:
            raise MarkupError(f'Empty attribute name in the tag "{tag}" at byte offset {tag_byte}')
        while j < n and src[j].isspace():
            j += 1
        if j >= n:
            raise MarkupError(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
        if src[j] != "=":
            attrs[name] = ""  # a bare attribute, like <blockquote expandable>
            continue
        j += 1
        while j < n and src[j].isspace():
            j += 1
        if j >= n:
            raise MarkupError(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
        if src[j] in "\"'":
            quote, j, value = src[j], j + 1, []
            while j < n and src[j] != quote:
                if src[j] == "&":
                    decoded, k = _decode_entity(src, j)
                    if decoded is not None:
                        value.append(decoded)
                        j = k
                        continue
                value.append(src[j])
                j += 1
            if j >= n:
                raise MarkupError(f"Unclosed start tag at byte offset {tag_byte}")
            attrs[name] = "".join(value)
            j += 1
        else:
            begin = j
            while j < n and (src[j].isalnum() or src[j] in ".-"):
                j += 1
            if j >= n or not (src[j].isspace() or src[j] == ">"):
                raise MarkupError(
                    f"Unexpected end of name token at byte offset {_byte_offset(src, j)}"
                )
            attrs[name] = src[begin:j].lower()


def _html_entity(top: _Open, out: list[str], end: int) -> Entity | None:
    """The entity a closed tag makes (None for an empty one or a link Telegram drops)."""
    length = end - top.start
    if length <= 0:
        return None
    base: Entity = {"offset": top.start, "length": length}
    if top.tag in SIMPLE_TAGS:
        return {"type": SIMPLE_TAGS[top.tag], **base}
    if top.tag == "span":
        return {"type": "spoiler", **base}
    if top.tag == "a":
        href = top.attrs.get("href")
        url = normalize_url(href if href is not None else "".join(out[top.text_start :]))
        return {"type": "text_link", **base, "url": url} if url else None
    if top.tag == "code":
        language = top.attrs.get("class", "")
        entity = {"type": "code", **base}
        if language.startswith("language-") and len(language) > len("language-"):
            entity["language"] = language.removeprefix("language-")
        return entity
    if top.tag == "pre":
        return {"type": "pre", **base}
    if top.tag == "blockquote":
        kind = "expandable_blockquote" if "expandable" in top.attrs else "blockquote"
        return {"type": kind, **base}
    emoji_id = top.attrs.get("emoji-id", "")
    if not emoji_id.isdigit():
        raise MarkupError("Invalid custom emoji identifier specified")
    return {"type": "custom_emoji", **base, "custom_emoji_id": emoji_id}


def _merge_pre_code(entities: list[Entity]) -> list[Entity]:
    """<pre><code class="language-x"> makes one pre entity with its language, as Telegram does."""
    merged: list[Entity] = []
    for entity in entities:
        twin = next(
            (
                e
                for e in merged
                if {e["type"], entity["type"]} == {"pre", "code"}
                and (e["offset"], e["length"]) == (entity["offset"], entity["length"])
            ),
            None,
        )
        if twin is None:
            merged.append(dict(entity))
            continue
        language = twin.get("language") or entity.get("language")
        twin.clear()
        twin.update({"type": "pre", "offset": entity["offset"], "length": entity["length"]})
        if language:
            twin["language"] = language
    for entity in merged:
        if entity["type"] == "code":
            entity.pop("language", None)  # "Programming language can't be specified for code"
    return merged


def parse_html(src: str) -> tuple[str, list[Entity]]:
    """Telegram's HTML style: its tags only; entities ``&lt; &gt; &amp; &quot;`` and numeric."""
    out: list[str] = []
    offset = 0  # UTF-16 length of out
    stack: list[_Open] = []
    entities: list[Entity] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "&":
            decoded, j = _decode_entity(src, i)
            if decoded is not None:
                out.append(decoded)
                offset += utf16_len(decoded)
                i = j
                continue
        if c != "<":
            out.append(c)
            offset += utf16_len(c)
            i += 1
            continue
        tag_byte = _byte_offset(src, i)
        if i + 1 < n and src[i + 1] == "/":
            if not stack:
                raise MarkupError(f"Unexpected end tag at byte offset {tag_byte}")
            j = i + 2
            while j < n and not src[j].isspace() and src[j] != ">":
                j += 1
            name = src[i + 2 : j].lower()
            while j < n and src[j].isspace():
                j += 1
            if j >= n or src[j] != ">":
                raise MarkupError(f"Unclosed end tag at byte offset {tag_byte}")
            top = stack.pop()
            if name and name != top.tag:
                raise MarkupError(
                    f"Unmatched end tag at byte offset {tag_byte}, "
                    f'expected "</{top.tag}>", found "</{name}>"'
                )
            entity = _html_entity(top, out, offset)
            if entity is not None:
                entities.append(entity)
            i = j + 1
            continue
        j = i + 1
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        if j >= n:
            raise MarkupError(f"Unclosed start tag at byte offset {tag_byte}")
        tag = src[i + 1 : j].lower()
        if tag not in HTML_TAGS:
            raise MarkupError(f'Unsupported start tag "{tag}" at byte offset {tag_byte}')
        attrs, j = _read_attributes(src, j, tag, tag_byte)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise MarkupError(f'Tag "span" must have class "tg-spoiler" at byte offset {tag_byte}')
        stack.append(_Open(tag, attrs, offset, len(out)))
        i = j + 1
    if stack:
        raise MarkupError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return "".join(out), _merge_pre_code(entities)


# -- MarkdownV2 ---------------------------------------------------------------------------------


@dataclass
class _MdOpen:
    kind: str
    start: int  # UTF-16 offset in the output
    byte: int  # byte offset of the marker in the source
    piece: int = 0  # index into the output pieces, to recover a link's text
    language: str | None = None


def _md_closes(kind: str, src: str, i: int) -> bool:
    c, nxt = src[i], src[i + 1 : i + 2]
    return {
        "bold": c == "*",
        "italic": c == "_" and nxt != "_",
        "underline": src.startswith("__", i),
        "strikethrough": c == "~",
        "spoiler": src.startswith("||", i),
        "code": c == "`",
        "pre": src.startswith("```", i),
        "text_link": c == "]",
    }.get(kind, False)


def _md_link_target(src: str, i: int) -> tuple[str | None, int]:
    """After the ']' at ``i``: the ``(url)`` part, if any, and the index past it."""
    if src[i + 1 : i + 2] != "(":
        return None, i + 1
    j, url = i + 2, []
    while j < len(src) and src[j] != ")":
        if src[j] == "\\" and j + 1 < len(src):
            j += 1
        url.append(src[j])
        j += 1
    if j >= len(src):
        raise MarkupError(f"Can't find end of a URL at byte offset {_byte_offset(src, i + 2)}")
    return "".join(url), j + 1


def parse_markdown_v2(src: str) -> tuple[str, list[Entity]]:
    """MarkdownV2: bold, italic, underline, strikethrough, spoiler, code, pre, links, quotes."""
    out: list[str] = []
    offset = 0
    stack: list[_MdOpen] = []
    entities: list[Entity] = []
    quote: _MdOpen | None = None
    line_start = True
    i, n = 0, len(src)

    def emit(text: str) -> None:
        nonlocal offset
        out.append(text)
        offset += utf16_len(text)

    while i < n:
        c = src[i]
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")
        if c == "\\" and i + 1 < n and 0 < ord(src[i + 1]) <= 126:
            emit(src[i + 1])
            line_start = src[i + 1] == "\n"
            i += 2
            continue
        if c == "\n":
            if quote is not None and not src.startswith(">", i + 1) and not in_code:
                entities.append(
                    {"type": "blockquote", "offset": quote.start, "length": offset - quote.start}
                )
                quote = None
            emit(c)
            line_start = True
            i += 1
            if quote is not None and i < n and src[i] == ">":
                i += 1  # the quote goes on
            continue
        if in_code and c != "`":
            emit(c)
            i += 1
            line_start = False
            continue
        if c not in MDV2_RESERVED:
            emit(c)
            i += 1
            line_start = False
            continue
        if stack and _md_closes(stack[-1].kind, src, i):
            top = stack.pop()
            width = {"underline": 2, "spoiler": 2, "pre": 3}.get(top.kind, 1)
            entity: Entity | None = {
                "type": top.kind,
                "offset": top.start,
                "length": offset - top.start,
            }
            if top.kind == "text_link":
                url, i = _md_link_target(src, i)
                target = normalize_url(url if url is not None else "".join(out[top.piece :]))
                entity = {**entity, "url": target} if target else None
            else:
                i += width
            if top.language:
                entity = {**entity, "language": top.language}
            if entity is not None and entity["length"] > 0:
                entities.append(entity)
            line_start = False
            continue
        start = _MdOpen("", offset, _byte_offset(src, i), len(out))
        if c == ">" and line_start and quote is None:
            quote = start
            i += 1
            continue
        if src.startswith("```", i):
            start.kind, i = "pre", i + 3
            match = re.match(r"([^\s`]+)\n", src[i:])
            if match:
                start.language, i = match.group(1), i + match.end()
        elif src.startswith("__", i):
            start.kind, i = "underline", i + 2
        elif src.startswith("||", i):
            start.kind, i = "spoiler", i + 2
        elif c in "*_~`[":
            kinds = {
                "*": "bold",
                "_": "italic",
                "~": "strikethrough",
                "`": "code",
                "[": "text_link",
            }
            start.kind, i = kinds[c], i + 1
        else:
            raise MarkupError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append(start)
        line_start = False
    if stack:
        top = stack[-1]
        name = "PreCode" if top.kind == "pre" and top.language else TYPE_NAMES[top.kind]
        raise MarkupError(f"Can't find end of {name} entity at byte offset {top.byte}")
    if quote is not None:
        entities.append(
            {"type": "blockquote", "offset": quote.start, "length": offset - quote.start}
        )
    return "".join(out), entities


# -- legacy Markdown ----------------------------------------------------------------------------


def parse_markdown(src: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: bold, italic, code, pre and links, never nested."""
    out: list[str] = []
    entities: list[Entity] = []
    offset, i, n = 0, 0, len(src)
    closers = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}
    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.append(src[i + 1])
            offset += 1
            i += 2
            continue
        if c not in closers:
            out.append(c)
            offset += utf16_len(c)
            i += 1
            continue
        begin = i
        if src.startswith("```", i):
            end = src.find("```", i + 3)
            kind, body, after = "pre", src[i + 3 : end], end + 3
        else:
            end = src.find("]" if c == "[" else c, i + 1)
            kind, body, after = closers[c], src[i + 1 : end], end + 1
        if end < 0:
            raise MarkupError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(src, begin)}"
            )
        entity: Entity | None = {"type": kind, "offset": offset, "length": utf16_len(body)}
        if kind == "text_link":
            url, after = _md_link_target(src, end)
            target = normalize_url(url) if url else None
            entity = {**entity, "url": target} if target else None
        if entity is not None and entity["length"]:
            entities.append(entity)
        out.append(body)
        offset += utf16_len(body)
        i = after
    return "".join(out), entities


# -- what Telegram finds by itself, and trimming ------------------------------------------------

_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[a-zA-Z0-9_]{4,32}(?!\w))"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d]\w*)"
    r"|(?P<url>\bhttps?://[^\s<>\"]+)"
)
#: Entities other entities may not overlap (a command inside a code span is not a command).
_OPAQUE = {"code", "pre", "text_link", "url", "bot_command", "mention", "hashtag"}


def auto_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Add the bot commands, mentions, hashtags and links Telegram detects in any message."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _OPAQUE]
    found = list(entities)
    for match in _AUTO.finditer(text):
        start = utf16_len(text[: match.start()])
        end = start + utf16_len(match.group(0))
        if any(start < b and a < end for a, b in taken):
            continue
        kind = match.lastgroup or "url"
        found.append({"type": kind, "offset": start, "length": end - start})
    return sorted(found, key=lambda e: (e["offset"], -e["length"]))


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram strips leading and trailing whitespace; entities are moved and clipped with it."""
    stripped = text.strip()
    if not stripped:
        return "", []
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def parse(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """What Telegram stores for a text and its ``parse_mode`` (or explicit ``entities``)."""
    mode = (parse_mode or "").lower()
    if mode in ("", "none"):
        parsed = (text, [dict(e) for e in entities or []])
    elif mode == "html":
        parsed = parse_html(text)
    elif mode == "markdownv2":
        parsed = parse_markdown_v2(text)
    elif mode == "markdown":
        parsed = parse_markdown(text)
    else:
        raise ValueError("unsupported parse_mode")
    plain, found = trim(*parsed)
    return plain, auto_entities(plain, found)
