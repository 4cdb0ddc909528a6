"""LaTeX -> Unicode decoding of BibTeX field values."""

from __future__ import annotations

import pytest

from readinglist.formats.latex import (
    MAX_PARSED_CHARS,
    latex_to_text,
    simple_latex_to_text,
    verbatim_to_text,
)


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\'e}t{\'e}", "été"),
        (r"Sch\"onberger", "Schönberger"),
        (r"Fran\c{c}ois", "François"),
        (r"{\c{c}}a", "ça"),
        (r"Stra{\ss}e", "Straße"),
        (r"\L{}\'od\'z", "Łódź"),
        (r"{\v S}imon", "Šimon"),
        (r"Mart\'{\i}n", "Martín"),
        (r"pages 12--23", "pages 12–23"),
        (r"a---b", "a—b"),
        (r"n.s.~2", "n.s. 2"),
        (r"{GAN}s for {3D}", "GANs for 3D"),
        (r"\emph{deep} {\em learning} \textbf{now}", "deep learning now"),
        (r"\& \$ \# \_ \{x\}", "& $ # _ {x}"),
        (r"``quoted''", "“quoted”"),
        (r"\url{https://example.org/a_b}", "https://example.org/a_b"),
        (r"\href{https://example.org}{the site}", "the site"),
        (
            r"the 9\textsuperscript th and 3\textsuperscript{rd}, H\textsubscript{2}O",
            "the 9th and 3rd, H2O",
        ),
        (r"$\Sigma$$\Delta$ modulator", "$Σ$$Δ$ modulator"),
    ],
)
def test_decodes_accents_commands_and_punctuation(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_math_stays_readable() -> None:
    assert latex_to_text(r"runs in $O(n^2)$ time") == "runs in $O(n^2)$ time"


def test_unknown_macros_keep_their_name() -> None:
    out = latex_to_text(r"the \foo{bar} and \mystery x")
    assert r"\foo" in out
    assert "bar" in out
    assert r"\mystery" in out


def test_percent_and_ampersand_are_literal_text() -> None:
    # To LaTeX `%` starts a comment and `&` is a table column; in a .bib value they are text.
    assert latex_to_text("50% of {R&D} budgets\nare spent") == "50% of R&D budgets are spent"


def test_html_entities_from_web_exports_are_decoded() -> None:
    assert latex_to_text("Nutrition &amp; Metabolism") == "Nutrition & Metabolism"
    assert latex_to_text("AT&T") == "AT&T"


def test_whitespace_collapsed_but_paragraphs_kept() -> None:
    text = "First   line\n\t continues.\n\n   Second paragraph."
    assert latex_to_text(text) == "First line continues.\n\nSecond paragraph."


def test_malformed_latex_does_not_raise() -> None:
    for value in ["unbalanced { brace", "closing } only", "\\", "$unclosed", r"\href{x}"]:
        assert isinstance(latex_to_text(value), str)


def test_huge_value_uses_fallback_and_still_decodes() -> None:
    value = r"caf{\'e} " * (MAX_PARSED_CHARS // 4)
    out = latex_to_text(value)
    assert out.startswith("café café")
    assert out.count("café") == MAX_PARSED_CHARS // 4


def test_fallback_decoder_handles_common_forms() -> None:
    assert (
        simple_latex_to_text(r"Laid{\'e} P\'eter Fran\c{c}ois {\ss} \o")
        == "Laidé Péter François ß ø"
    )
    assert simple_latex_to_text(r"a--b {GAN} \{x\}") == "a–b GAN {x}"
    assert r"\foo" in simple_latex_to_text(r"\foo{bar}")


def test_verbatim_keeps_dashes_and_case() -> None:
    assert verbatim_to_text(r"10.1000/ABC--x\_y") == "10.1000/ABC--x_y"
    assert verbatim_to_text(r"\url{http://x.org/~a\%20}") == "http://x.org/~a%20"
    assert verbatim_to_text("{http://x.org/a\n  b}") == "http://x.org/ab"
