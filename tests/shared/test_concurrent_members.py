"""Two members in two processes working on one shared library at once (issue 12).

For a bounded time alice and bob each import (their own papers and papers both
import), mark, tag and write notes as fast as they can. Each tells what it did
last; afterwards every paper is there once, every member's status and note is the
last they wrote, every tag they added is on its paper, and the counts add up.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from readinglist.domain import Filter, Status
from readinglist.library import Library
from tests.pg import PgServer

SECONDS = 3.0

_WORKER = r"""
import json, random, sys, time
from pathlib import Path
from readinglist.domain import PaperDraft, Person, Status
from readinglist.library import Library

url, cache, role, seconds = sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
rng = random.Random(role)
statuses, notes, tags, titles = {}, {}, [], set()
with Library(url, cache_dir=cache) as lib:
    print("ready", flush=True)
    sys.stdin.readline()
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end or i < 5:
        own = f"{role} paper {i}"
        common = f"a paper both import {i % 7}"
        titles.update((own, common))
        drafts = [PaperDraft(title=t, authors=(Person("Doe", "Jo"),)) for t in (own, common)]
        lib.import_drafts(drafts, source=role)
        ids = lib.ids()
        pid = rng.choice(ids)
        st = rng.choice(list(Status))
        lib.set_status([pid], st)
        statuses[pid] = st.value
        pid = rng.choice(ids)
        lib.add_tags([pid], [f"{role}-{i % 3}"])
        tags.append((pid, f"{role}-{i % 3}"))
        pid = rng.choice(ids)
        lib.set_note(pid, f"{role} wrote this at step {i}")
        notes[pid] = f"{role} wrote this at step {i}"
        i += 1
print(json.dumps({"statuses": statuses, "notes": notes, "tags": tags,
                  "titles": sorted(titles), "steps": i}))
"""


def test_two_members_working_at_once_lose_nothing(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    urls = {role: pg_server.url(pg_database, role) for role in ("alice", "bob")}
    Library(urls["alice"], cache_dir=tmp_path / "schema").close()  # the schema first
    procs = {
        role: subprocess.Popen(
            [sys.executable, "-c", _WORKER, url, str(tmp_path / role), role, str(SECONDS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role, url in urls.items()
    }
    for p in procs.values():
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs.values():
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    done = {role: p.communicate(timeout=300) for role, p in procs.items()}
    for role, p in procs.items():
        assert p.returncode == 0, done[role][1]
    said = {role: json.loads(out.strip().splitlines()[-1]) for role, (out, _) in done.items()}

    titles = set(said["alice"]["titles"]) | set(said["bob"]["titles"])
    for role, url in urls.items():
        with Library(url, cache_dir=tmp_path / f"check-{role}") as lib:
            details = {d.id: d for d in lib.details(lib.ids())}
            assert sorted(d.title for d in details.values()) == sorted(titles)  # each once
            mine = said[role]
            for pid, status in mine["statuses"].items():
                assert details[int(pid)].status is Status(status), (role, pid)
            untouched = set(details) - {int(p) for p in mine["statuses"]}
            assert all(details[p].status is Status.UNREAD for p in untouched)
            for pid, note in mine["notes"].items():
                assert details[int(pid)].note == note, (role, pid)
            for pid, tag in said["alice"]["tags"] + said["bob"]["tags"]:
                assert tag in details[pid].tags, (pid, tag)
            counts = lib.counts()
            assert counts.total == len(titles)
            by_status = {st: len(lib.ids(Filter(status=st))) for st in Status}
            assert by_status == dict(counts.by_status)
            assert sum(by_status.values()) == counts.total
            for tag, n in counts.tags.items():
                assert n == sum(tag in d.tags for d in details.values()), tag
            # the member's own index found every paper the other process added
            for title in ("alice paper 0", "bob paper 0"):
                found = lib.search(f'"{title}"')
                assert any(d.title == title for d, _hit in found), title
    assert said["alice"]["steps"] >= 5 and said["bob"]["steps"] >= 5
