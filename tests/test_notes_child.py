"""The note render child (python -m readinglist.notes_child), as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

from readinglist.notes import RENDER_LIMIT


def _run(lines: list[bytes]) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "readinglist.notes_child"],
        input=b"".join(lines),
        capture_output=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def _req(key: str, gen: int, text: str, length: int | None = None) -> bytes:
    body = {"key": key, "gen": gen, "text": text, "length": len(text) if length is None else length}
    return json.dumps(body).encode() + b"\n"


def test_the_child_renders_safely_and_says_what_it_cut() -> None:
    big = "*x* " * (RENDER_LIMIT // 4 + 10)
    answers = _run(
        [
            _req("a", 1, "# Title\n\n<script>alert(1)</script> **b**"),
            b"not json at all\n",
            _req("b", 7, big[: RENDER_LIMIT + 1], length=5_000_000),
        ]
    )
    by_key = {a["key"]: a for a in answers}
    html = "".join(by_key["a"]["chunks"])  # type: ignore[arg-type]
    assert "<h1>Title</h1>" in html and "<strong>b</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert by_key["b"]["gen"] == 7
    assert "Only the first" in str(by_key["b"]["notice"]) and "4.8 MB" in str(by_key["b"]["notice"])


def test_hostile_notes_come_back_bounded_in_chunks() -> None:
    answers = _run([_req("k", 1, "[" * 20_000), _req("k2", 1, "`a" * 30_000)])
    assert len(answers) == 2
    for answer in answers:
        chunks = answer["chunks"]
        assert isinstance(chunks, list) and len(chunks) > 1
        assert all(len(c) < 3 * 4096 + 2000 for c in chunks)


def test_requests_queued_for_one_editor_collapse_to_the_newest() -> None:
    answers = _run([_req("e", 1, "old"), _req("e", 2, "older"), _req("e", 3, "**new**")])
    assert [a["gen"] for a in answers] == [3]
    assert "<strong>new</strong>" in "".join(answers[0]["chunks"])  # type: ignore[arg-type]
