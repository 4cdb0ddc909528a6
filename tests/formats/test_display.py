"""display_text: LaTeX in stored titles/abstracts shown as a reader expects it."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.formats import display
from readinglist.formats.display import MAX_PARSED_CHARS, display_text, search_text


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (r"a $118\times$ speedup", "a 118× speedup"),
        (r"only 5\% of the cost", "only 5% of the cost"),
        (r"code at \url{https://github.com/a/b_c}.", "code at https://github.com/a/b_c."),
        (r"\emph{Sparse} $\alpha$-nets", "Sparse α-nets"),
        (r"\textbf{Bold} and \textit{it}", "Bold and it"),
        (r"$k$ in 1--10 and~more", "k in 1–10 and more"),
        # addresses are not LaTeX: `~` is no space, `_` no subscript, escapes dropped
        (r"\url{https://x.org/~u/a\_b} and $x_1$", "https://x.org/~u/a_b and x_1"),
        (r"see https://x.org/~me/a_b, $\gamma$", "see https://x.org/~me/a_b, γ"),
        (r"$\leq 3$ and $\beta$", "≤ 3 and β"),
        (r"Schr\"odinger", "Schrödinger"),
        ("Fast $α$-nets", "Fast α-nets"),  # what the BibTeX reader leaves: math as written
        # in an abstract these are text, not a comment, a tab or a lone math shift
        (r"100% & #1 \times", "100% & #1 ×"),
        (r"costs $5 \emph{only}", "costs $5 only"),
        # a page that lost the `$`s: the sign keeps its space, as in maths
        (r"at 118\times lower cost, Stra\ss e", "at 118× lower cost, Straße"),
        (r"\$28,400 and \$\alpha\$", "$28,400 and $α$"),
        ("para one $x$\n\npara two", "para one x\n\npara two"),
    ],
)
def test_latex_is_shown_as_text(written: str, shown: str) -> None:
    assert display_text(written) == shown


@pytest.mark.parametrize(
    "plain", ["", "Attention Is All You Need", "a {braced} word ~ 100% & more\n\nline", "x" * 10**6]
)
def test_text_without_backslash_or_dollar_is_returned_as_it_is(plain: str) -> None:
    assert display_text(plain) is plain  # the fast path: not even copied


def test_an_unknown_macro_stays_visible() -> None:
    assert display_text(r"the \foo{bar} method") == r"the \foo bar method"


def test_values_over_the_parse_limit_take_the_linear_decoder() -> None:
    big = (r"a $\alpha$ b \% c \emph{d} " * (MAX_PARSED_CHARS // 20 + 10)).strip()
    assert len(big) > MAX_PARSED_CHARS
    shown = display_text(big)
    assert shown.startswith("a α b % c d a α b")
    assert "$" not in shown and "\\" not in shown


def test_a_value_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = display._parse

    def counting(value: str) -> str:
        calls.append(value)
        return real(value)

    display._converted.cache_clear()
    monkeypatch.setattr(display, "_parse", counting)
    for _ in range(3):
        assert display_text(r"cached $\gamma$") == "cached γ"
    assert calls == [r"cached $\gamma$"]


_PIECES = [*"\\${}[]()^_%&#~ \nab1", "\\frac", "\\begin{", "\\url{", "https://x.org/~a", "\\alpha"]
_LATEXISH = st.lists(st.sampled_from(_PIECES), max_size=300).map("".join)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.one_of(st.text(max_size=300), _LATEXISH))
def test_any_text_gives_text_without_raising(value: str) -> None:
    shown = display_text(value)
    assert isinstance(shown, str)
    if "\\" not in value and "$" not in value:
        assert shown == value


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["{", "$\\frac{", "\\begin{", "%\\", "\\item ", "\\url{", "x^{", "\\\\["]),
    st.integers(min_value=1000, max_value=200_000),
)
def test_huge_or_hostile_input_comes_back_promptly(unit: str, chars: int) -> None:
    value = unit * (chars // len(unit))
    start = time.monotonic()
    display_text(value)
    # a bound against hanging (seconds, on a loaded machine), not a timing test
    assert time.monotonic() - start < 20


_ABSTRACT = (
    r"Self-attention costs $O(n^2)$. We introduce \emph{sparse $\alpha$-attention}: "
    r"$118\times$ faster, 12\% of the memory, Schr\"odinger bridges with $\beta = 0.5$ "
    r"and na\"{\i}ve routing; code at \url{https://github.com/ex/sparse_alpha~x}."
)


def test_the_index_text_has_the_words_a_reader_sees() -> None:
    def words(text: str) -> set[str]:
        return set(re.findall(r"\w+", text.casefold()))

    shown = display_text(_ABSTRACT)
    indexed = search_text(_ABSTRACT)
    assert {"α", "118", "schrödinger", "naïve", "β", "sparse_alpha"} <= words(indexed)
    assert words(shown) <= words(indexed) | words(_ABSTRACT)
    assert search_text("plain text, 100% & {x}") == "plain text, 100% & {x}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), _LATEXISH))
def test_the_index_text_of_any_value_is_text(value: str) -> None:
    assert isinstance(search_text(value), str)
