"""LaTeX -> plain Unicode for display fields read from BibTeX (titles, names, abstracts).

pylatexenc does the real work; this module adds what BibTeX values need on top of it:
`%` and `&` are literal text in a field (not a comment / an alignment tab), math stays
readable as written (`$O(n^2)$`), unknown macros keep their name instead of vanishing,
whitespace is tidied, and huge or pathological values fall back to a small regex
decoder so that one odd record can neither hang nor crash an import.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from typing import Any

# Above this size pylatexenc (pure Python, ~0.5 s per 150 KB) is too slow to be worth it.
MAX_PARSED_CHARS = 20_000

# Only these characters/sequences need LaTeX processing; everything else is plain text.
_NEEDS_LATEX = re.compile(r"[\\{}$~%&]|--|``|''")
_UNESCAPED_SPECIAL = re.compile(r"(?<!\\)([%&])")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"\s+")
_HTML_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")


def _unknown_macro(node: Any) -> str:
    r"""`\foo{bar}` -> `\foo bar`: an unknown macro stays visible rather than vanishing."""
    name = f"\\{node.macroname}"
    if not node.macroname.isalpha():
        return name
    source: str = node.parsing_state.s
    end = node.pos + node.len
    follows_group = end < len(source) and source[end] == "{"
    return name + (" " if follows_group or node.macro_post_space else "")


def _text_context() -> Any:
    """pylatexenc's text rules plus ours. pylatexenc is imported here, when a value
    first needs it: a CLI command that decodes nothing never loads it."""
    from pylatexenc.latex2text import MacroTextSpec
    from pylatexenc.latex2text import get_default_latex_context_db as _text_db

    db = _text_db()
    # Macros that bibliographies use and pylatexenc drops or renders oddly (`<url>`).
    db.add_context_category(
        "readinglist",
        prepend=True,
        macros=[
            MacroTextSpec("url", "%s"),
            MacroTextSpec("href", "%(2)s"),
            MacroTextSpec("mbox", "%s"),
            MacroTextSpec("hbox", "%s"),
            MacroTextSpec("textsc", "%s"),
            MacroTextSpec("textnormal", "%s"),
            MacroTextSpec("TeX", "TeX"),
            MacroTextSpec("LaTeX", "LaTeX"),
            MacroTextSpec("BibTeX", "BibTeX"),
            MacroTextSpec("copyright", "©"),
            MacroTextSpec("textcopyright", "©"),
            MacroTextSpec("S", "§"),
            MacroTextSpec("P", "¶"),
            MacroTextSpec("textdegree", "°"),
            MacroTextSpec("textsuperscript", "%s"),
            MacroTextSpec("textsubscript", "%s"),
            MacroTextSpec("noopsort", ""),  # BibTeX sort trick: its argument is not text
            # what our own BibTeX writer emits for literal specials: they must round-trip
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("textbackslash", "\\"),
            MacroTextSpec("textunderscore", "_"),
            MacroTextSpec("textperiodcentered", "\u00b7"),  # pylatexenc: a dot accent
            MacroTextSpec("par", "\n\n"),  # how our writer keeps paragraphs on one line
            # font switches like {\em word}: pylatexenc knows some, not all
            *(MacroTextSpec(name, "") for name in ("em", "sc", "sl", "up", "sf", "tt", "rm")),
        ],
        environments=[],
        specials=[],
    )
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
    return db


@functools.cache
def walker_context() -> Any:
    """The parser's macro rules (how many arguments each takes), shared with display.py."""
    from pylatexenc import macrospec
    from pylatexenc.latexwalker import get_default_latex_context_db as _walker_db

    db = _walker_db()
    db.add_context_category(
        "readinglist",
        prepend=True,
        macros=[
            macrospec.MacroSpec("url", "{"),
            macrospec.MacroSpec("href", "{{"),
            macrospec.MacroSpec("noopsort", "{"),
            macrospec.MacroSpec("textsuperscript", "{"),  # DBLP: 9\textsuperscript th
            macrospec.MacroSpec("textsubscript", "{"),
        ],
        environments=[],
        specials=[],
    )
    return db


@functools.cache
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(
        latex_context=_text_context(), math_mode="verbatim", strict_latex_spaces=True
    )


# Math is kept as written, but Greek letters are the one thing in it a reader cannot skip.
GREEK = {
    name: chr(code)
    for name, code in {
        "alpha": 0x3B1, "beta": 0x3B2, "gamma": 0x3B3, "delta": 0x3B4, "epsilon": 0x3B5,
        "varepsilon": 0x3B5, "zeta": 0x3B6, "eta": 0x3B7, "theta": 0x3B8, "vartheta": 0x3D1,
        "iota": 0x3B9, "kappa": 0x3BA, "lambda": 0x3BB, "mu": 0x3BC, "nu": 0x3BD, "xi": 0x3BE,
        "pi": 0x3C0, "rho": 0x3C1, "sigma": 0x3C3, "tau": 0x3C4, "upsilon": 0x3C5,
        "phi": 0x3C6, "varphi": 0x3C6, "chi": 0x3C7, "psi": 0x3C8, "omega": 0x3C9,
        "Gamma": 0x393, "Delta": 0x394, "Theta": 0x398, "Lambda": 0x39B, "Xi": 0x39E,
        "Pi": 0x3A0, "Sigma": 0x3A3, "Upsilon": 0x3A5, "Phi": 0x3A6, "Psi": 0x3A8,
        "Omega": 0x3A9,
    }.items()
}  # fmt: skip
_GREEK = GREEK  # the name formats/display.py imports
_GREEK_MACRO = re.compile(r"\\(" + "|".join(GREEK) + r")(?![A-Za-z])\s?")


def _tidy(text: str) -> str:
    """Collapse spaces inside paragraphs; keep blank-line paragraph breaks as one "\\n\\n"."""
    text = text.replace("\xa0", " ")  # `~`: a plain space is what search and matching want
    if "\n" not in text:  # one paragraph (most values): the same, without the regexes
        return " ".join(text.split())
    paragraphs = (_SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def latex_to_text(value: str) -> str:
    """Decode one BibTeX field value (raw LaTeX, outer delimiters removed) to Unicode."""
    if not _NEEDS_LATEX.search(value):
        return _tidy(_decode_entities(value))
    text = fast_latex_to_text(value)
    if text is None:  # a construct the fast path does not know: the full parse
        if len(value) <= MAX_PARSED_CHARS:
            try:
                text = _parse(value)
            except Exception:  # pylatexenc raises on some malformed input; never fatal here
                text = simple_latex_to_text(value)
        else:
            text = simple_latex_to_text(value)
    return _tidy(_decode_entities(text))


# --- the fast path: the constructs most field values use, exactly as _parse reads them ---
#
# pylatexenc's full parse costs ~25 ms for an abstract with one `\"a` (a 10k-paper
# import spent 73 s in it). Most values use a handful of constructs: accents, escaped
# specials, dashes, quotes, `~`, braces, \emph and friends, plain inline math. Those
# are read here by one regex, token by token, giving what _parse gives (tested over
# every field of the corpora and by a property test against _parse); at the first
# token it does not know, it answers None and the caller runs the full parse.

_FAST_TOKEN = re.compile(
    r"""
    (?P<text>[^\\{}$~%&`'!?\-]+)
  | (?P<accent>\\(?P<mark>[`'^"~=.])(?:(?P<letter>[A-Za-z])|\{(?P<braced>[A-Za-z])\}))
  | (?P<dotless>\\(?P<dmark>[`'^"~=.])(?:\{\\(?P<bij>[ij])\}
      |\\(?P<ij>[ij])(?:\{\}|[ ]+(?=\S)|(?![A-Za-z\s]))))
  | (?P<named_accent>\\(?P<nmark>[uvHckrdb])(?:\{(?P<nbraced>[A-Za-z])\}|[ ]+(?P<nspaced>[A-Za-z])))
  | (?P<symbol>\\(?P<name>ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i)(?:\{\}|[ ]+(?=\S)|(?![A-Za-z\s])))
  | (?P<escape>\\[&%$\#_{}])
  | (?P<font>\\(?:emph|textbf|textit|textsc|textsl|textrm|textsuperscript|textsubscript|url)\{)
  | (?P<switch>\\(?:em|sc|sl|up|sf|rm)(?:[ ]+(?=\S)|(?![A-Za-z\s])))
  | (?P<math>\$(?!\$)(?:[^$%&\\]|\\[A-Za-z]+|\\[,;:!])+\$
      |\\\((?:[^$%&\\]|\\[A-Za-z]+|\\[,;:!])+\\\))
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<dash>---?)
  | (?P<quotes>``|''|!`|\?`)
  | (?P<plain>[-`'!?%&])
  | (?P<tie>~)
    """,
    re.VERBOSE,
)
_FAST_SYMBOLS = {
    "ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı",
}  # fmt: skip
_FAST_PUNCTUATION = {"--": "–", "---": "—", "``": "“", "''": "”", "!`": "¡", "?`": "¿"}


def fast_latex_to_text(value: str) -> str | None:
    """What _parse(value) gives, for values made of common constructs only; else None."""
    out: list[str] = []
    append = out.append
    depth = 0
    pos = 0
    for m in _FAST_TOKEN.finditer(value):
        if m.start() != pos:
            return None  # a character no token takes (an unknown macro, `\\`, `$$`...)
        pos = m.end()
        kind = m.lastgroup
        if kind == "text" or kind == "plain":
            append(m.group())
        elif kind == "open" or kind == "font":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        elif kind == "accent":
            base = m.group("letter") or m.group("braced")
            append(unicodedata.normalize("NFC", base + _ACCENTS[m.group("mark")]))
        elif kind == "dotless":  # \\'\\i: the accent on a plain i
            base = m.group("ij") or m.group("bij")
            append(unicodedata.normalize("NFC", base + _ACCENTS[m.group("dmark")]))
        elif kind == "named_accent":
            base = m.group("nbraced") or m.group("nspaced")
            append(unicodedata.normalize("NFC", base + _ACCENTS[m.group("nmark")]))
        elif kind == "symbol":
            append(_FAST_SYMBOLS[m.group("name")])
        elif kind == "escape":
            append(m.group()[1])
        elif kind == "math":
            if not _plain_math(m.group()):
                return None
            append(m.group())
        elif kind == "dash" or kind == "quotes":
            append(_FAST_PUNCTUATION[m.group()])
        elif kind == "tie":
            append("\xa0")
        # "switch" (`{\em x}`): a font change, no text of its own
    if pos != len(value) or depth != 0:
        return None
    text = "".join(out)
    return _GREEK_MACRO.sub(lambda m: GREEK[m.group(1)], text) if "\\" in text else text


_MATH_MACRO = re.compile(r"\\([A-Za-z]+)")
_ARGUMENTS: dict[str, str] = {}  # macro name -> pylatexenc's argument spec ("{{", "[{")


def _plain_math(math: str) -> bool:
    """Math the full parse keeps as written, ending where this token ends: balanced
    braces, and each macro that takes arguments followed by them in braces
    (`$\\hat$` would take the closing `$` as its argument)."""
    if _group_end(math, 0, whole=True) < 0:
        return False
    for m in _MATH_MACRO.finditer(math):
        name = m.group(1)
        argspec = _ARGUMENTS.get(name)
        if argspec is None:
            spec = walker_context().get_macro_spec(name)
            argspec = _ARGUMENTS[name] = getattr(getattr(spec, "args_parser", None), "argspec", "")
        if not argspec:
            continue
        if set(argspec) - {"{", "["}:
            return False
        pos = m.end()
        for _ in range(argspec.count("{")):
            if pos >= len(math) or math[pos] != "{":
                return False  # `[` (an optional argument), a space, or no braces
            pos = _group_end(math, pos)
            if pos < 0:
                return False
    return True


def _group_end(text: str, start: int, *, whole: bool = False) -> int:
    """Where the brace group opening at `start` ends (-1: unbalanced); `whole`: the
    braces of all of `text` must balance (then 0 when they do)."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif c == "}" and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return -1
            if depth == 0 and not whole:
                return i + 1
    return 0 if whole and depth == 0 else -1


def _parse(value: str) -> str:
    # In a .bib value `%` and `&` are text; to LaTeX they are a comment and a tab.
    escaped = _UNESCAPED_SPECIAL.sub(r"\\\1", value)
    from pylatexenc.latexwalker import LatexWalker

    walker = LatexWalker(escaped, latex_context=walker_context(), tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    text = str(_converter().nodelist_to_text(nodes))
    return _GREEK_MACRO.sub(lambda m: GREEK[m.group(1)], text) if "\\" in text else text


def _decode_entities(text: str) -> str:
    """`&amp;` and friends, which web exports leave in .bib files."""
    if "&" not in text:
        return text
    return _HTML_ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


# --- fallback decoder: linear-time regexes, used for huge values or parser failures ---

_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_SYMBOLS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ldots": "…",
    "dots": "…",
    "textendash": "–",
    "textemdash": "—",
}
# Macros that only change the look of their argument (or of the rest of the group).
_FONT_MACROS = frozenset(
    {"em", "it", "bf", "sc", "rm", "sf", "tt", "sl", "up", "emph", "mbox", "hbox", "url"}
    | {"textbf", "textit", "textsc", "textrm", "textsf", "texttt", "textsl", "textup"}
    | {"textnormal", "textmd", "ensuremath"}
)
_ACCENT = re.compile(
    r"\\([`'^\"~=.])\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))"
    r"|\\([uvHckrdb])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
_SYMBOL = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])\s?(?:\{\})?")
_ESCAPED = re.compile(r"\\([%&#_${}])")


def _accent(m: re.Match[str]) -> str:
    mark = _ACCENTS[m.group(1) or m.group(4)]
    base = m.group(2) or m.group(3) or m.group(5) or m.group(6)
    if base in ("\\i", "\\j"):
        base = base[1]
    return unicodedata.normalize("NFC", base + mark)


def _symbol(m: re.Match[str]) -> str:
    name = m.group(1)
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    if name in _FONT_MACROS:
        return ""
    return f"\\{name} "  # unknown: keep it visible, apart from the word that follows


# Escaped braces must survive the removal of grouping braces: park them in private-use chars.
_PARKED = {"{": "\ue000", "}": "\ue001"}


def _unescape(value: str, pattern: re.Pattern[str]) -> str:
    value = pattern.sub(lambda m: _PARKED.get(m.group(1), m.group(1)), value)
    value = value.replace("{", "").replace("}", "")
    return value.replace("\ue000", "{").replace("\ue001", "}")


def simple_latex_to_text(value: str) -> str:
    """Accents, a few symbols, escapes, dashes and braces; unknown macros are kept."""
    text = _ACCENT.sub(_accent, value)
    text = _SYMBOL.sub(_symbol, text)
    text = text.replace("---", "—").replace("--", "–").replace("~", " ")
    return _unescape(text, _ESCAPED)


_VERBATIM_ESCAPE = re.compile(r"\\([%&#_${}~])")
_URL_MACRO = re.compile(r"^\s*\\(?:url|href)\s*\{(.*?)\}", re.DOTALL)


def verbatim_to_text(value: str) -> str:
    """For DOIs, URLs and ids: drop braces, `\\url{}` and backslash escapes, nothing else.

    Full LaTeX decoding would corrupt them (`--` in a DOI is not an en dash).
    """
    m = _URL_MACRO.match(value)
    if m:
        value = m.group(1)
    return "".join(_unescape(value, _VERBATIM_ESCAPE).split())
