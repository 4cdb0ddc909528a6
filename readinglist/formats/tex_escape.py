"""Plain text -> LaTeX for BibTeX/biblatex field values.

Library text is plain Unicode, but text copied from web pages sometimes still holds
bits of LaTeX (`na\\"ive`, `65.8\\%`, `\\url{...}`). `to_latex` first decodes the few
sequences whose meaning is unambiguous (escaped specials, accents, `\\url`), then
escapes everything that LaTeX or BibTeX would misread. Other backslashes (`\\method`,
`$O(n \\log n)$`) are printed as written: guessing at macros is how exports break.

Two rules make every value safe whatever it holds:
- input braces never reach the file as braces (`{\\textbraceleft}`), because BibTeX
  counts `\\{` as a brace too; so the only braces are ours and always balance;
- for BibTeX (8-bit, pdflatex) non-ASCII characters become LaTeX macros when
  pylatexenc knows one that compiles with T1 + textcomp (checked against pdflatex);
  the rest stay UTF-8 (lossless; xelatex/lualatex print them).
"""

from __future__ import annotations

import re
import unicodedata


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------- decoding

_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    '"': "\u0308",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "r": "\u030a",
    "c": "\u0327",
    "k": "\u0328",
}
_LETTER_MACROS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
_SYMBOL_ACCENT = r"[`'^~=.\"]"
_LETTER_ACCENT = r"[uvHrck]"
_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
# {\"i}, \"{i}, \"i, \c{c}, \c c -- with or without a group around the whole thing
_ACCENT_SEQ = re.compile(
    rf"\{{\\({_SYMBOL_ACCENT}|{_LETTER_ACCENT})\s*(?:\{{({_BASE})\}}|({_BASE}))\}}"
    rf"|\\({_SYMBOL_ACCENT})\s*(?:\{{({_BASE})\}}|({_BASE}))"
    rf"|\\({_LETTER_ACCENT})(?:\{{({_BASE})\}}|\s+({_BASE}))"
)
# only braced forms ({\o}, \o{}): a bare "\o/" in a note is a smiley, not a letter
_LETTERS = "ss|aa|AA|ae|AE|oe|OE|o|O|l|L"
_LETTER_SEQ = re.compile(rf"\{{\\({_LETTERS})\}}|\\({_LETTERS})\{{\}}")
_ESCAPED = re.compile(r"\\([%&#$_{}])")
_URL_MACRO = re.compile(r"\\url\{([^{}\\\s]*)\}")


def _accent(m: re.Match[str]) -> str:
    g = m.groups()
    mark, base = next((g[i], g[i + 1] or g[i + 2]) for i in (0, 3, 6) if g[i] is not None)
    letter = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", letter + _ACCENTS[mark])


def _letter(m: re.Match[str]) -> str:
    return _LETTER_MACROS[m.group(1) or m.group(2)]


def decode_light(text: str) -> str:
    """Decode only unambiguous LaTeX left in plain text: `\\%`, `na\\"ive`, `\\url{x}`."""
    if "\\" not in text:
        return text
    text = _URL_MACRO.sub(r"\1", text)
    text = _ACCENT_SEQ.sub(_accent, text)
    text = _LETTER_SEQ.sub(_letter, text)
    text = _ESCAPED.sub(r"\1", text)
    return _URL_MACRO.sub(r"\1", text) if "\\url{" in text else text  # \url{a\_b}


# --------------------------------------------------------------------------- escaping

_SPECIALS = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_ASCII_TABLE: dict[int, str] = {i: chr(i) for i in range(128)}
_ASCII_TABLE.update({ord(k): v for k, v in _SPECIALS.items()})
for _c in (*range(32), 127):
    _ASCII_TABLE[_c] = " "

# Macros pylatexenc emits that pdflatex (T1 fontenc + textcomp) accepts: found by
# typesetting every mapped character once. Math-only names are accepted only inside
# \ensuremath{...}; anything else (\CYRA, \mathbb, ...) keeps the UTF-8 character.
_TEXT_MACROS = _words("""AE DH DJ H IJ L NG O OE Omega TH ae c dh dj enskip ensuremath guillemotleft
    guillemotright guilsinglleft guilsinglright i ij k l ng o oe quad quotedblbase
    quotesinglbase r ss textacutedbl textasciiacute textasciibreve textasciicaron
    textasciicircum textasciidieresis textasciimacron textasciitilde textasteriskcentered
    textbaht textbigcircle textblank textbrokenbar textbullet textcelsius textcent
    textcircledP textcolonmonetary textcopyright textcurrency textdagger textdaggerdbl
    textdegree textdiscount textdiv textdong textdownarrow textellipsis textemdash
    textendash textestimated texteuro textexclamdown textflorin textfractionsolidus
    textinterrobang textleftarrow textlira textlnot textmho textmu textmusicalnote
    textnaira textnumero textonehalf textonequarter textonesuperior textopenbullet
    textordfeminine textordmasculine textparagraph textperiodcentered textpertenthousand
    textperthousand textpeso textquestiondown textquotedblleft textquotedblright
    textquoteleft textquoteright textrecipe textreferencemark textregistered
    textrightarrow textsterling textthreequarters textthreesuperior texttimes
    texttrademark texttwosuperior textuparrow textvisiblespace textwon textyen th u v""")
_MATH_MACROS = _words("""Delta Downarrow Gamma Lambda Leftarrow Leftrightarrow Longleftarrow
    Longleftrightarrow Longrightarrow Omega Phi Pi Psi Rightarrow Sigma Theta Uparrow
    Updownarrow Upsilon Vert Xi aleph alpha amalg angle approx asymp beta bigcap
    bigcirc bigcup bigtriangledown bigtriangleup bigvee bigwedge bowtie bullet cap cdot
    cdots chi circ cong coprod cup dashv ddots delta diamond doteq ell ensuremath
    epsilon equiv eta exists forall frown gamma geq gg hbar hookleftarrow hookrightarrow
    in infty int iota kappa lambda langle lceil leftharpoondown leftharpoonup
    leftrightarrow leq lfloor ll lmoustache longleftarrow longleftrightarrow longmapsto
    longrightarrow mapsto mid mp mu nabla nearrow neq ni not notin nu nwarrow odot oint
    omega ominus oplus oslash otimes parallel partial perp phi pi pm prec preceq prod
    propto psi rangle rceil rfloor rho rightharpoondown rightharpoonup rightleftharpoons
    rmoustache searrow sigma sim simeq smile sqcap sqcup sqsubseteq sqsupseteq star
    subset subseteq succ succeq sum supset supseteq swarrow tau theta times top
    triangleleft triangleright updownarrow uplus upsilon varepsilon varphi varpi varrho
    varsigma vartheta vdash vdots vee wedge wp wr xi zeta""")
_MACRO_NAME = re.compile(r"\\([A-Za-z]+|.)")
_DOTLESS = re.compile(r"(?<=[`'^\"~=.])\\([ij])(?![A-Za-z])")
_CONTROL_SYMBOLS = frozenset("'\"^`~=.,;!")


def _char_to_latex(char: str) -> str:
    """One non-ASCII character for pdflatex + bibtex; UTF-8 itself when no safe macro."""
    if unicodedata.category(char) in ("Cc", "Cf", "Cs"):
        return ""  # zero-width and control characters carry nothing printable
    from pylatexenc.latexencode import unicode_to_latex  # loaded by the first non-ASCII

    latex: str = unicode_to_latex(
        char, non_ascii_only=True, unknown_char_policy="keep", unknown_char_warning=False
    )
    if latex == char or not latex.isascii():
        return char
    allowed = _MATH_MACROS if latex.startswith("\\ensuremath{") else _TEXT_MACROS
    for name in _MACRO_NAME.findall(latex):
        if name not in allowed and name not in _CONTROL_SYMBOLS:
            return char
    # \"\i is how pylatexenc spells ï; \"i is equivalent in LaTeX and biber decodes it
    latex = _DOTLESS.sub(r"\1", latex)
    if latex.startswith("\\"):
        # braced: BibTeX treats {\'e} as one "special character" (sorting, case changes)
        return "{" + latex + "}"
    return latex


class _Table(dict[int, str]):
    """str.translate table: ASCII precomputed, other characters computed once."""

    def __init__(self, ascii_only: bool) -> None:
        super().__init__(_ASCII_TABLE)
        self.ascii_only = ascii_only

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            value = ""
        elif self.ascii_only:
            value = _char_to_latex(char)
        else:
            value = char
        self[code] = value
        return value


_BIBTEX_TABLE = _Table(ascii_only=True)
_UTF8_TABLE = _Table(ascii_only=False)
_RAW_BIBTEX_TABLE = _Table(ascii_only=True)
_RAW_BIBTEX_TABLE.update({ord(k): k for k in _SPECIALS})
_RAW_UTF8_TABLE = _Table(ascii_only=False)
_RAW_UTF8_TABLE.update({ord(k): k for k in _SPECIALS})


def tidy_space(text: str) -> str:
    """One line: BibTeX folds whitespace anyway, and a blank line would be a \\par."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())  # other control characters become spaces in escape()


# Only these need replacing; re.sub finds them at C speed and calls back per hit.
_ESCAPE_ASCII = re.compile(r"[\\{}$&%#_~^\x00-\x1f\x7f]|[^\x00-\x7f]")
_ESCAPE_UTF8 = re.compile(r"[\\{}$&%#_~^\x00-\x1f\x7f\x80-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_RAW_ASCII = re.compile(r"[\x00-\x1f\x7f]|[^\x00-\x7f]")
_RAW_UTF8 = re.compile(r"[\x00-\x1f\x7f\x80-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def _replace(pattern: re.Pattern[str], table: dict[int, str], text: str) -> str:
    return pattern.sub(lambda m: table[ord(m.group())], text)


# TeX ligatures that would print other characters than the plain text holds: "--"
# (en dash), "---", "``" and "''" (curly quotes), "?`" and "!`" (inverted marks).
# An empty group between the two stops the ligature and reads back as nothing.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")


def escape(text: str, *, ascii_only: bool) -> str:
    """Escape already-decoded plain text (no decoding, no whitespace tidying)."""
    if ascii_only:
        text = _replace(_ESCAPE_ASCII, _BIBTEX_TABLE, text)
    else:
        text = _replace(_ESCAPE_UTF8, _UTF8_TABLE, text)
    return _LIGATURE.sub("{}", text) if ("-" in text or "`" in text or "'" in text) else text


# Maths in plain text ("$O(n \log n)$ sorting", arXiv titles and abstracts) stays
# maths: pandoc's rule for a span (no space just inside the dollars, no digit just
# after the closing one), and only what typesets without an error in inline maths --
# ASCII, balanced braces, no `^^`, no `\\`, no dangling `_`/`^` -- with every control
# word outside SAFE_MACROS neutralised like any other LaTeX value.
_MATH_SPAN = re.compile(r"(?<![\\$])\$(?=[^\s$])([^$\n]{0,400}?[^\s$\\])\$(?![\d$])")
_MATH_BAD = re.compile(r"\^\^|\\\\|[_^]\s*(?:$|[}])|\\$|[^\x20-\x7e]")


def _greek_macros() -> dict[str, str]:
    from .latex import GREEK  # what the reader makes of \\alpha in maths, read backwards

    table: dict[str, str] = {}
    for name, char in GREEK.items():
        table.setdefault(char, "\\" + name)
    return table


_GREEK_MACROS = _greek_macros()
_GREEK_CHAR = re.compile("([" + "".join(_GREEK_MACROS) + "])([A-Za-z]?)")


def _math_ok(body: str) -> bool:
    if _GREEK_CHAR.search(body):
        body = _GREEK_CHAR.sub("g", body)
    return not _MATH_BAD.search(body) and _balanced(body)


def _greek(m: re.Match[str]) -> str:
    return _GREEK_MACROS[m.group(1)] + (" " + m.group(2) if m.group(2) else "")


def _math_latex(body: str) -> str:
    body = _UNESCAPED.sub(r"\\\g<0>", body)
    if _GREEK_CHAR.search(body):
        body = _GREEK_CHAR.sub(_greek, body)
    return neutralise("$" + body + "$", _IN_MATH)


def _escape_keeping_math(text: str, ascii_only: bool) -> str:
    if "$" not in text:
        return escape(text, ascii_only=ascii_only)
    out: list[str] = []
    pos = 0
    for m in _MATH_SPAN.finditer(text):
        if not _math_ok(m.group(1)):
            continue
        out.append(escape(text[pos : m.start()], ascii_only=ascii_only))
        out.append(_math_latex(m.group(1)))
        pos = m.end()
    out.append(escape(text[pos:], ascii_only=ascii_only))
    return "".join(out)


def to_latex(text: str, *, ascii_only: bool) -> str:
    """Plain text (maybe with a little LaTeX in it) -> a safe LaTeX field value."""
    return _escape_keeping_math(tidy_space(decode_light(text)), ascii_only)


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def to_latex_paragraphs(text: str, *, ascii_only: bool) -> str:
    """Like `to_latex`, but paragraphs (blank lines) stay paragraphs, as `\\par`: the
    field stays one line (a line of its own could start like an entry, `@misc{`) and
    our reader reads `\\par` back as a blank line."""
    paragraphs = (to_latex(p, ascii_only=ascii_only) for p in _BLANK_LINES.split(text))
    return " \\par ".join(p for p in paragraphs if p)


# --------------------------------------------------------------------------- titles

_WORD = re.compile(r"[^\W_]+")
_STOP = _words("a an and as at by for from in into of on or the to via vs with")


def _needs_protection(word: str) -> bool:
    """Acronyms and odd casing (MaskGIT, GANs, BERT, 3D, T5) must survive lower-casing."""
    if word == word.lower():
        return False  # no capital at all (the common case)
    rest = word[1:]
    return rest != rest.lower() or not word.isalpha()  # a later capital, or a digit


def latex_title(text: str, *, ascii_only: bool) -> str:
    """Like `to_latex`, with words whose case matters wrapped in braces.

    Protected: words with a capital after the first letter or with a digit
    ({MaskGIT}, {GANs}, {T5}); and, when the title is in sentence case (most words
    lower case), capitalised words after the first (proper names: {Wikipedia}).
    In a Title Case title a capital says nothing, so those words are left alone.
    """
    plain = tidy_space(decode_light(text))
    maths = [m.span() for m in _MATH_SPAN.finditer(plain) if _math_ok(m.group(1))]
    words = [m for m in _WORD.finditer(plain) if not any(a < m.start() < b for a, b in maths)]
    rest = [m.group(0) for m in words[1:] if m.group(0).lower() not in _STOP]
    capitalised = sum(1 for w in rest if w[0].isupper())
    sentence_case = bool(rest) and capitalised * 2 < len(rest)
    out: list[str] = []
    pos = 0
    for i, m in enumerate(words):
        word = m.group(0)
        protect = _needs_protection(word) or (sentence_case and i > 0 and word[0].isupper())
        if not protect:
            continue
        out.append(_escape_keeping_math(plain[pos : m.start()], ascii_only))
        out.append("{" + escape(word, ascii_only=ascii_only) + "}")
        pos = m.end()
    out.append(_escape_keeping_math(plain[pos:], ascii_only))
    return "".join(out)


# --------------------------------------------------------------------------- raw values

_RAW_TRIGGER = re.compile(r"[\\{}$&%#_^\x00-\x1f\x7f]")
_UNESCAPED = re.compile(r"(?<!\\)[%&#]")
_SCRIPT = re.compile(r"(?<!\\)[_^]")  # sub/superscripts are only safe in math
_MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$")
_DOLLAR = re.compile(r"(?<!\\)\$")


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _special(m: re.Match[str]) -> str:
    return _SPECIALS[m.group(0)]


# --------------------------------------------------------------------------- safety

# Control words a LaTeX value may keep: macros that only print something. Any other
# `\name` -- \input, \include, \openin, \read, \write18, \immediate, \catcode,
# \csname, \def, \end{document}, and every macro nobody listed -- gets its backslash
# printed instead, so what TeX does is never decided by a field (a .bib from the web
# is as untrusted as any file). A class, not a list of known attacks.
SAFE_MACROS = (
    _TEXT_MACROS
    | _MATH_MACROS
    | _words("""emph textit textbf textsc textrm textsf texttt textsl textup textnormal
    textmd textsuperscript textsubscript mbox url em it bf sc rm sf tt sl up
    mathrm mathit mathbf mathsf mathtt mathcal ldots dots cdots vdots
    LaTeX TeX textbackslash textbraceleft textbraceright textunderscore
    textless textgreater textbar textquotedbl textquotesingle nobreakspace
    S P dag ddag copyright pounds aa AA b d t backslash""")
)
_TOKEN = re.compile(r"\\(?:([A-Za-z]+)|(.))|\$", re.DOTALL)


# Maths-only commands LaTeX itself defines (no package needed): allowed inside a
# `$...$` span of plain text (`_math_latex`), never in running text.
MATH_ONLY_MACROS = _words("""log ln lg exp sin cos tan cot sec csc arcsin arccos arctan sinh
    cosh tanh max min sup inf lim liminf limsup arg det dim gcd hom ker deg Pr frac sqrt
    le ge ne to gets leftarrow rightarrow prime hat tilde bar vec dot ddot check breve
    acute grave widehat widetilde overline underline overbrace underbrace mathnormal
    ldots cdots left right big Big bigg Bigg lvert rvert lVert rVert quad qquad""")


_IN_MATH = SAFE_MACROS | MATH_ONLY_MACROS


def neutralise(latex: str, allowed: frozenset[str] = SAFE_MACROS) -> str:
    r"""`latex` with every control word not in SAFE_MACROS made printable text.

    Tokens are read the way TeX reads them (`\\input` is a line break then the word
    "input"), and `$...$`, `\(...\)`, `\[...\]` are tracked so that inside maths the
    backslash is printed with `\backslash`, outside with `\textbackslash`.
    """
    if "\\" not in latex:
        return latex
    out: list[str] = []
    pos = 0
    math = False
    for m in _TOKEN.finditer(latex):
        word, symbol = m.group(1), m.group(2)
        if word is not None:
            if word not in allowed:
                out += [latex[pos : m.start()], "{\\backslash}" if math else "{\\textbackslash}"]
                pos = m.start() + 1
        elif symbol is not None:
            if not symbol.isascii():
                # "\é" is a control symbol of é's first byte under pdflatex: undefined
                out += [latex[pos : m.start()], "{\\backslash}" if math else "{\\textbackslash}"]
                pos = m.start() + 1
            elif symbol in "([":
                math = True
            elif symbol in ")]":
                math = False
            elif symbol == "\\" and latex[m.end() : m.end() + 1].isalpha():
                # no "\\input" in the file, even though TeX reads it harmlessly
                out += [latex[pos : m.end()], "{}"]
                pos = m.end()
        else:
            math = not math
    out.append(latex[pos:])
    return "".join(out)


# TeX reads ^^5c as a backslash (and ^^69 as "i") before it sees any command: a value
# holding ^^ is never passed through as LaTeX.
_CARETS = "^^"


def raw_value(text: str, *, ascii_only: bool) -> str:
    """A value that may already be LaTeX (extra fields from a .bib) or plain text (RIS).

    Braces that do not balance, a trailing backslash or a `^^` make the whole value
    plain text (escaped). Otherwise it passes through as LaTeX with only the slips
    fixed: an unescaped `% & #` gets its backslash, `_ ^` outside `$...$` are escaped,
    an odd `$` is escaped, and control words outside SAFE_MACROS are neutralised.
    """
    text = tidy_space(text)
    if not _RAW_TRIGGER.search(text):
        return (
            text
            if text.isascii() or not ascii_only
            else _replace(_RAW_ASCII, _RAW_BIBTEX_TABLE, text)
        )
    if (
        (("{" in text or "}" in text) and not _balanced(text))
        or text.endswith("\\")
        or _CARETS in text
    ):
        return to_latex(text, ascii_only=ascii_only)
    if len(_DOLLAR.findall(text)) % 2:
        text = _DOLLAR.sub(r"\\$", text)
    text = _UNESCAPED.sub(r"\\\g<0>", text)
    if _SCRIPT.search(text):
        maths = [*_MATH.findall(text), ""]
        pieces = _MATH.split(text)
        text = "".join(_SCRIPT.sub(_special, p) + m for p, m in zip(pieces, maths, strict=True))
    if ascii_only:
        text = _replace(_RAW_ASCII, _RAW_BIBTEX_TABLE, text)
    else:
        text = _replace(_RAW_UTF8, _RAW_UTF8_TABLE, text)
    # last: dropping an invisible character can join "\r" and "a" into a new word
    return neutralise(text)


# --------------------------------------------------------------------------- verbatim

_URI_BAD = re.compile(r"[{}\\\s]|[^\x00-\x7f]+")
_PATH_BAD = re.compile(r"[{}]|\\+$|\^\^")  # ^^: see _CARETS
_PATH_TOKEN = re.compile(r"\\(?:([A-Za-z]+)|.)", re.DOTALL)


def _path_backslashes(path: str) -> str:
    """A path keeps the backslashes JabRef, Zotero and Mendeley write (`C\\:\\\\Users`,
    `$\\backslash$`), but a control word outside SAFE_MACROS has its backslash
    percent-encoded: verbatim fields are never run by TeX, yet no file we write holds
    an \\input, whatever reads it."""
    if "\\" not in path:
        return path
    return _PATH_TOKEN.sub(_path_token, path)


# "\\input" is a backslash then a word for TeX, but still reads as \input to a scan
_FILE_WORD = re.compile(
    r"\\\\(?=(?:input|include|openin|openout|read|write|immediate)(?![a-zA-Z]))"
)


def _path_token(m: re.Match[str]) -> str:
    word = m.group(1)
    if word and word not in SAFE_MACROS:
        return "%5C" + word
    if not m.group(0).isascii():  # "\é": a control symbol too, under pdflatex
        return "%5C" + m.group(0)[1:]
    if m.group(0) == "\\\\" and _FILE_WORD.match(m.string, m.start()):
        return "%5C%5C"
    return m.group(0)


_LINE_BREAKS = re.compile(r"\s*[\r\n]\s*")


def _percent(m: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8"))


def verbatim(text: str, *, uri: bool = True) -> str:
    """A URL/DOI (or, uri=False, a file path) as written, except what would break the
    file: braces and a trailing backslash are percent-encoded; in a URI also every
    backslash, whitespace and non-ASCII character (none of them valid there anyway)."""
    if not uri:
        # one line: a line break in a path is junk, and a line starting with "@" (or
        # "%") is read as a new entry (or a comment) by tools that scan .bib lines
        text = _path_backslashes(_LINE_BREAKS.sub(" ", text))
    return (_URI_BAD if uri else _PATH_BAD).sub(_percent, text.strip())
