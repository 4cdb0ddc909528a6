"""A Markdown note as the words a reader sees: what the search index takes in.

Whoosh's tokenizer already drops `*`, `#`, `>` and `|`, but `_` is a word character
(`_idea_` was one term, so `idea` did not find it), a link's or image's address, a
fence's language, HTML tags and entities added words nobody reads, and `\\_`
escapes glued a backslash-less underscore to the word. So before indexing, a note
loses its markup here:

- emphasis `**x**`, `__x__`, `*x*`, `_x_` (CommonMark's flanking rules, so
  `snake_case` and `2 * 3` stay as written), escapes `\\*`;
- code spans and fenced code keep their text verbatim (a fence's info string goes);
- `![alt](src)` keeps the alt text only; `[x](url)` keeps x **and the URL**: a bare
  URL in a note is indexed too, and a note that cites `[the repo](https://github.com
  /a/b)` should be found by `github` as the same note with the URL pasted in would;
- headings, list markers, block quotes, table pipes and rules, horizontal rules;
- HTML tags and comments go (the window shows raw HTML as text, but tag names are
  not what a note is about), entities become their character.

Pure and linear: one pass per line with regular expressions whose repeats stop at
the next bracket, parenthesis or angle bracket (no nested quantifiers), and a stack
per emphasis character; text without any markup character is returned as is.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right

# Any character or line start that can make a note's visible text differ from its
# source. Without one, the note is returned unchanged (most notes: a few sentences).
_ANY_MARKUP = re.compile(r"[*_`\[\]<>&\\#|~]|^[ \t]*(?:[-+=]|\d{1,9}[.)])", re.M)

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)")
_HEADING_END = re.compile(r"[ \t]+#+[ \t]*$")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
_LIST = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")
_RULE = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_TABLE_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$")
_REF_DEF = re.compile(r" {0,3}\[[^\[\]]{1,999}\]:[ \t]*<?([^\s<>]*)>?(.*)$")

_CODE_RUN = re.compile(r"`+")
# \ before ASCII punctuation: the character itself, never markup
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^\s<>]*)>", re.I)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s[^()]*)?\)")
_REF_LINK = re.compile(r"\[([^\[\]]*)\]\[[^\[\]]*\]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DELIMS = re.compile(r"\*+|_+")
_PIPE = re.compile(r"[ \t]*\|[ \t]*")

# Tags that style a word in place (`bi<b>dir</b>` reads "bidir"); others end a word.
_INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "u",
        "var",
    ]
)

# Escaped punctuation and code spans are parked on private-use characters while the
# markup around them is removed, then put back.
_PARK = 0xF0000  # supplementary private use area A: escaped ASCII punctuation
_CODE = "\U00100000"  # one code span (plane 16), restored in order
_PRIVATE = re.compile("[\U000f0000-\U0010ffff]")


def note_text(markdown: str) -> str:
    """The text a reader of the rendered note sees (see the module docstring)."""
    if not _ANY_MARKUP.search(markdown):
        return markdown
    markdown = _PRIVATE.sub("", markdown)  # ours while parsing; never words anyway
    out: list[str] = []
    fence = ""
    for line in markdown.splitlines():
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                fence = ""
            else:
                out.append(line)  # code is shown as written
            continue
        m = _FENCE.match(line)
        if m and not (m.group(1)[0] == "`" and "`" in line[m.end() :]):
            fence = m.group(1)  # the info string (a language name) is not shown
            continue
        out.append(_line_text(line))
    return "\n".join(out)


def _line_text(line: str) -> str:
    if _RULE.match(line) or _TABLE_RULE.match(line):
        return ""
    ref = _REF_DEF.match(line)
    if ref:  # `[1]: https://x.org "Title"`: the label is not shown, the target is kept
        return f"{ref.group(1)} {_inline(ref.group(2))}".strip()
    start = 0
    while True:  # `> - # x`: quote, list and heading markers nest
        m = _QUOTE.match(line, start) or _LIST.match(line, start)
        if m is None or m.end() == start:
            break
        start = m.end()
    m = _HEADING.match(line, start)
    if m:
        start = m.end()
        line = _HEADING_END.sub("", line)
    return _inline(line[start:])


def _inline(text: str) -> str:
    spans: list[str] = []
    if "`" in text:
        text = _park_code(text, spans)
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: chr(_PARK + ord(m.group(1))), text)
    if "<" in text:
        text = _drop_comments(text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _TAG.sub(_tag_text, text)
    if "[" in text:
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}".rstrip(), text)
        text = _REF_LINK.sub(r"\1", text)
    if "*" in text or "_" in text:
        text = _strip_emphasis(text)
    if "|" in text:
        text = _PIPE.sub(" ", text).strip()
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if spans:
        parts = text.split(_CODE)
        text = parts[0] + "".join(s + p for s, p in zip(spans, parts[1:], strict=True))
    if _PRIVATE.search(text):
        text = _PRIVATE.sub(lambda m: chr(ord(m.group(0)) - _PARK), text)
    return text


def _park_code(text: str, spans: list[str]) -> str:
    """Replace each code span (a run of n backticks up to the next run of exactly n)
    by _CODE, its content appended to `spans`. Linear: each run length's positions
    are looked up by bisection."""
    runs = [(m.start(), m.end()) for m in _CODE_RUN.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for i, (a, b) in enumerate(runs):
        by_length.setdefault(b - a, []).append(i)
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(runs):
        a, b = runs[i]
        same = by_length[b - a]
        k = bisect_right(same, i)
        if k == len(same):  # no closing run: the backticks are literal
            i += 1
            continue
        j = same[k]
        c, d = runs[j]
        out.append(text[pos:a])
        out.append(_CODE)
        spans.append(text[b:c].strip(" ") or text[b:c])
        pos = d
        i = j + 1
    out.append(text[pos:])
    return "".join(out)


def _drop_comments(text: str) -> str:
    """`<!-- ... -->` removed; one that is never closed stays (a regex would look for
    the end again from every later `<!--`)."""
    out: list[str] = []
    pos = 0
    while (a := text.find("<!--", pos)) >= 0:
        b = text.find("-->", a + 4)
        if b < 0:
            break
        out.append(text[pos:a])
        out.append(" ")
        pos = b + 3
    out.append(text[pos:])
    return "".join(out)


def _tag_text(m: re.Match[str]) -> str:
    return "" if m.group(1).lower() in _INLINE_TAGS else " "


def _is_punct(c: str) -> bool:
    """CommonMark's punctuation, as far as flanking goes (a code span is a word)."""
    return not (c.isalnum() or c.isspace() or c == _CODE)


def _strip_emphasis(text: str) -> str:
    """Remove the `*`/`_` runs that open or close emphasis (CommonMark's flanking
    rules, a stack per character: linear); unmatched runs stay as written."""
    runs = list(_DELIMS.finditer(text))
    stacks: dict[str, list[int]] = {"*": [], "_": []}
    drop = [False] * len(runs)
    for i, m in enumerate(runs):
        a, b = m.span()
        before = text[a - 1] if a else " "
        after = text[b] if b < len(text) else " "
        left = not after.isspace() and (
            not _is_punct(after) or before.isspace() or _is_punct(before)
        )
        right = not before.isspace() and (
            not _is_punct(before) or after.isspace() or _is_punct(after)
        )
        char = text[a]
        if char == "*":
            can_open, can_close = left, right
        else:  # `_` inside a word (snake_case) is a letter
            can_open = left and (not right or _is_punct(before))
            can_close = right and (not left or _is_punct(after))
        stack = stacks[char]
        if can_close and stack:
            drop[stack.pop()] = True
            drop[i] = True
        elif can_open:
            stack.append(i)
    if not any(drop):
        return text
    out: list[str] = []
    pos = 0
    for i, m in enumerate(runs):
        if drop[i]:
            out.append(text[pos : m.start()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)
