"""Hostile inputs as a class, in every format the library imports.

TEX holds one value per dangerous TeX primitive and per way of reaching one (math,
`^^` notation, \\csname, \\catcode, \\def/\\let, double backslashes), plus what breaks a
.bib (unbalanced braces, `%` comments, `#`, `@` at a line start, very long values).
HTML holds what would run or load in a rendered Markdown file. CONTROL holds
terminal escapes, C0/C1 controls and bidi overrides. The writers below put them into
the fields each reader takes (title, abstract, names, venue, note, publisher,
keywords, comment ...), so a test can import them through the real readers.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape as xml_escape

TEX: tuple[str, ...] = (
    r"\input{/etc/hostname}",
    r"\input /etc/hostname ",
    r"\include{/etc/hostname}",
    r"\InputIfFileExists{/etc/hostname}{}{}",
    r"\openin5=/etc/hostname \read5 to\x \x",
    r"\newread\r \openin\r=/etc/hostname \readline\r to\y",
    r"\immediate\openout3=pwned.tex \immediate\write3{\relax}\closeout3",
    r"\write18{touch /tmp/readinglist-pwned}",
    r"\immediate\write18{id > /tmp/readinglist-pwned}",
    r"\ShellEscape{id}",
    r"\special{ps: (x) run}",
    r"\catcode`\@=0 @input{/etc/hostname}",
    r"\catcode`\^=7 ^^5cinput{/etc/hostname}",
    r"^^5cinput{/etc/hostname}",
    r"\^^5cinput{/etc/hostname}",
    r"\csname input\endcsname{/etc/hostname}",
    r"\expandafter\input\csname relax\endcsname /etc/hostname",
    r"\def\x{\input}\x{/etc/hostname}",
    r"\let\x=\input \x{/etc/hostname}",
    r"\makeatletter\@@input /etc/hostname \makeatother",
    r"\lowercase{\INPUT{/etc/hostname}}",
    r"\string\input{/etc/hostname}",
    r"$\input{/etc/hostname}$",
    r"$x^^5cinput{/etc/hostname}$",
    r"\(\input{/etc/hostname}\)",
    r"\\input{/etc/hostname}",
    r"\\\input{/etc/hostname}",
    r"\verb|\input{/etc/hostname}|",
    r"\url{\input{/etc/hostname}}",
    r"\href{file:///etc/hostname}{here}",
    r"\end{document}",
    r"\end{thebibliography}\input{/etc/hostname}\begin{thebibliography}{9}",
    r"\begin{document}\bibitem{x}",
    r"\batchmode\errmessage{boom}\errorstopmode",
    r"\ifeof\x\fi\else\fi",
    r"\textbf{bold} \emph{fine} $\alpha$ \'e and then \input{/etc/hostname}",
    r"}\input{/etc/hostname}{",
    r"{{{ unbalanced open",
    r"unbalanced close }}}",
    r"100% sure % the rest is a comment \input{/etc/hostname}",
    r"hash # and ## and \# and & and \&",
    "@misc{injected,\n title = {injected}}",
    "line one\n@string{evil = {\\input{/etc/hostname}}}\nline three",
    r"trailing backslash \ ",
    r"ends with a backslash \\",
    r"\input",
    "~ ^ _ $ $$ \\$ tilde caret underscore dollars",
    "long " * 400 + r"\input{/etc/hostname}",
)

HTML: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=https://evil.example/track.png>",
    '<img src="x" onerror="alert(1)">',
    '<iframe src="https://evil.example/"></iframe>',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](<javascript:alert(1)>)",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#97;script:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](java\\script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    "![tracker](https://evil.example/pixel.gif)",
    '![x](https://evil.example/a.png "title")',
    "![ref image][img]\n\n[img]: https://evil.example/b.png",
    "[ref link][js]\n\n[js]: javascript:alert(1)",
    "> [q]: javascript:alert(1)\n\n[quoted ref][q]",
    "[multi][m]\n\n[m]:\n  javascript:alert(1)",
    "<javascript:alert(1)>",
    "<https://ok.example/>",
    "<!-- hidden --><style>body{display:none}</style>",
    "<object data=https://evil.example/x.swf></object><embed src=x>",
    "<details open ontoggle=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "`<script>alert(1)</script>` in code",
    "```\n<script>alert(1)</script>\n```",
    "    <script>indented code</script>",
    'Hello {: onclick="alert(1)" }',
    '[x](https://ok.example/){: onmouseover="alert(1)"}',
    '# Heading {: onclick="alert(1)"}',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=https://evil.example><button formaction=javascript:alert(1)>",
    '<a href="https://ok.example" style="position:fixed">x</a>',
    "<base href=https://evil.example/>",
    "<meta http-equiv=refresh content='0;url=https://evil.example'>",
    "<video><source onerror=alert(1)></video>",
)

CONTROL: tuple[str, ...] = (
    "\x1b[2J\x1b[Hscreen cleared",
    "\x1b]0;window title\x07",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "bell\x07 backspace\x08\x08 vertical\x0b feed\x0c",
    "nul\x00byte",
    "carriage\rreturn overwrite",
    "c1 \x9b31m csi \x90dcs\x9c \x85nel",
    "bidi \u202eevil\u202c and \u202dlro\u202c \u202aemb\u202c",
    "isolates \u2066a\u2069 \u2067b\u2069 \u2068c\u2069",
    "marks \u200e\u200f\u061c",
    "line\u2028separator paragraph\u2029separator",
    "del\x7fete",
)


def _parts(payloads: tuple[str, ...], n: int) -> tuple[str, str]:
    """Two payloads for record n (so each record carries more than one)."""
    return payloads[n % len(payloads)], payloads[(n * 7 + 3) % len(payloads)]


def bibtex(payloads: tuple[str, ...], *, biblatex: bool = False) -> str:
    entries = []
    for n, p in enumerate(payloads):
        q, _ = _parts(payloads, n + 1)
        if biblatex:
            entries.append(
                f"@online{{bl{n},\n  title = {{Biblatex hostile {n} {p}}},\n"
                f"  author = {{Hostile, Ann and {q}}},\n  date = {{2021-03}},\n"
                f"  journaltitle = {{{p}}},\n  annotation = {{{p}}},\n"
                f"  addendum = {{{q}}},\n  eventtitle = {{{p}}},\n  file = {{{p}}},\n"
                f"  keywords = {{{q}}},\n  abstract = {{{p}}}\n}}\n"
            )
        else:
            entries.append(
                f"@article{{bt{n},\n  title = {{Bibtex hostile {n} {p}}},\n"
                f"  author = {{Hostile, Bob and {q}}},\n  year = {{2020}},\n"
                f"  journal = {{{p}}},\n  note = {{{p}}},\n  publisher = {{{q}}},\n"
                f"  keywords = {{{p}}},\n  comment = {{{q}}},\n  howpublished = {{{p}}},\n"
                f"  abstract = {{{p}}}\n}}\n"
            )
    return "\n".join(entries)


def ris(payloads: tuple[str, ...]) -> str:
    out = []
    for n, p in enumerate(payloads):
        q, _ = _parts(payloads, n + 1)
        one = p.replace("\n", " ")  # RIS is line based: a newline would start a new tag
        two = q.replace("\n", " ")
        out.append(
            f"TY  - JOUR\nTI  - RIS hostile {n} {one}\nAU  - Hostile, Cy\nAU  - {two}\n"
            f"PY  - 2019\nJO  - {one}\nPB  - {two}\nN1  - {one}\nKW  - {two}\n"
            f"AB  - {one}\nER  - \n"
        )
    return "\n".join(out)


def csljson(payloads: tuple[str, ...]) -> str:
    items = []
    for n, p in enumerate(payloads):
        q, _ = _parts(payloads, n + 1)
        items.append(
            {
                "id": f"csl{n}",
                "type": "article-journal",
                "title": f"CSL hostile {n} {p}",
                "author": [{"family": "Hostile", "given": "Di"}, {"family": q, "given": p}],
                "issued": {"date-parts": [[2018]]},
                "container-title": p,
                "publisher": q,
                "note": p,
                "keyword": q,
                "abstract": p,
                "collection-title": q,
                "event": p,
                "volume": q,
            }
        )
    return json.dumps(items, ensure_ascii=False, indent=1)


def arxiv_atom(payloads: tuple[str, ...]) -> str:
    entries = []
    for n, p in enumerate(payloads):
        q, _ = _parts(payloads, n + 1)
        x, y = xml_escape(p), xml_escape(q)
        entries.append(
            f"""  <entry>
    <id>http://arxiv.org/abs/2101.{10000 + n}v1</id>
    <title>arXiv hostile {n} {x}</title>
    <updated>2021-01-01T00:00:00Z</updated>
    <published>2021-01-01T00:00:00Z</published>
    <summary>{x}</summary>
    <author><name>Hostile Eve</name><arxiv:affiliation>{y}</arxiv:affiliation></author>
    <author><name>{y}</name></author>
    <arxiv:comment>{x}</arxiv:comment>
    <arxiv:journal_ref>{y}</arxiv:journal_ref>
    <link href="https://arxiv.org/abs/2101.{10000 + n}v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.LG"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>"""
        )
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/hostile</id>
  <title>arXiv Query: hostile</title>
  <updated>2021-01-01T00:00:00Z</updated>
{body}
</feed>
"""


_PROSE = (
    "We study how generative transformers can be trained on very large corpora with "
    "modest compute budgets. Our method combines masked modelling with a small "
    "decoder, and we report results on three standard benchmarks. The approach keeps "
    "quality while cutting the number of parameters by half, and we release the code."
)


def trending(payloads: tuple[str, ...]) -> str:
    """A copied trending page: a title line, then a prose abstract carrying a payload."""
    lines = ["Trending Papers", ""]
    for n, p in enumerate(payloads):
        one = " ".join(p.split())[:300]  # a title or abstract line is one line
        # the payload sits in the prose: a title line of markup is not a trending page
        lines.append(f"Trending hostile {n}: generative models at scale")
        lines.append(f"{_PROSE} In the appendix we note {one}. {_PROSE}")
    return "\n".join(lines) + "\n"
