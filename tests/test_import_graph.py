"""The package's import graph, read from the source with ast (imports inside functions
and under TYPE_CHECKING too): no cycles between modules, and the layers of
ARCHITECTURE.md — domain <- formats, db, search <- library <- ui, cli."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import readinglist

ROOT = Path(readinglist.__file__).parent
PKG = "readinglist"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, typing_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node with whether it sits under `if TYPE_CHECKING:` (not run, so no cycle)."""
    for child in ast.iter_child_nodes(node):
        under = typing_only or (
            isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body
        )
        yield child, under
        yield from _walk(child, under)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of `from <level dots><name> import ...` written in `module`."""
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _ours(name: str) -> str | None:
    """The package module an import names (the longest known prefix), or None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def imports_of(module: str) -> list[tuple[str, bool]]:
    """(imported package module, only under TYPE_CHECKING) for each import in `module`."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: list[tuple[str, bool]] = []
    for node, typing_only in _walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            # `from . import x` / `from .db import store` name submodules
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            hit = _ours(target)
            if hit is not None and hit != module and hit != PKG:
                found.append((hit, typing_only))
    # `from .db import store` also yields "readinglist.db": keep the most precise only
    names = {n for n, _ in found}
    return [
        (n, t)
        for n, t in dict.fromkeys(found)
        if not any(other.startswith(n + ".") for other in names) or MODULES[n].name != "__init__.py"
    ]


def _graph(runtime_only: bool) -> dict[str, set[str]]:
    return {
        m: {n for n, typing_only in imports_of(m) if not (runtime_only and typing_only)}
        for m in MODULES
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# Cycles other streams are breaking right now (issue 11); remove an entry when its
# cycle is gone — the test then keeps it gone.
# None left: library -> indexer -> index_worker imported library back until the
# catch-up child's side moved to app.catch_up_child. Add one here only with a reason.
KNOWN_CYCLES: list[set[str]] = []


def test_the_reader_finds_imports_of_every_kind() -> None:
    """The parser itself: relative, absolute, in functions, under TYPE_CHECKING."""
    lib = dict(imports_of("readinglist.library"))
    assert "readinglist.db.store" in lib  # from .db import store
    assert "readinglist.domain" in lib  # from .domain import (...)
    assert "readinglist.formats.reader" in lib  # imported inside a method
    cli = dict(imports_of("readinglist.cli"))
    assert cli["readinglist.library"] is False  # in functions as well as under TYPE_CHECKING
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    cycles = [c for c in _cycles(_graph(runtime_only=True)) if set(c) not in KNOWN_CYCLES]
    assert cycles == [], "modules importing each other (break the cycle, see ARCHITECTURE.md)"


def _layer_violations(rules: dict[str, tuple[str, ...]]) -> list[str]:
    bad = []
    for module in MODULES:
        for prefix, forbidden in rules.items():
            if module == prefix or module.startswith(prefix + "."):
                for imported, _ in imports_of(module):
                    if any(imported == f or imported.startswith(f + ".") for f in forbidden):
                        bad.append(f"{module} imports {imported}")
    return bad


UPPER = ("readinglist.library", "readinglist.ui", "readinglist.cli", "readinglist.app")
LAYERS: dict[str, tuple[str, ...]] = {
    # values shared by every layer: nothing of ours
    "readinglist.domain": tuple(m for m in MODULES if m != "readinglist.domain"),
    # readers and writers: pure text work on domain values, no storage, search or lookups
    "readinglist.formats": (
        "readinglist.db",
        "readinglist.search",
        "readinglist.lookup",
        "readinglist.indexer",
        "readinglist.index_worker",
        "readinglist.notes",
        *UPPER,
    ),
    # the layers under the facade never reach up to it
    "readinglist.db": ("readinglist.search", "readinglist.lookup", *UPPER),
    "readinglist.search": ("readinglist.db", "readinglist.lookup", *UPPER),
    "readinglist.lookup": ("readinglist.db", "readinglist.search", *UPPER),
    # the facade's helpers (issue 11) sit under it: never the facade, window or CLI
    "readinglist.library_folder": ("readinglist.lookup", *UPPER),
    "readinglist.library_opening": ("readinglist.lookup", *UPPER),
    "readinglist.library_server": ("readinglist.lookup", *UPPER),
    "readinglist.library_copy": ("readinglist.lookup", "readinglist.ui", "readinglist.cli"),
    "readinglist.pending_matches": ("readinglist.lookup", *UPPER),
    # pure file and memory work: no storage, search or lookups either
    "readinglist.import_files": (
        "readinglist.db",
        "readinglist.search",
        "readinglist.lookup",
        *UPPER,
    ),
    "readinglist.import_pause": tuple(
        m for m in MODULES if m not in (PKG, "readinglist.import_pause", "readinglist.domain")
    ),
    # the window and the command line use the library and domain only
    "readinglist.ui": (
        "readinglist.db",
        "readinglist.search",
        "readinglist.formats",
        "readinglist.lookup",
    ),
    "readinglist.cli": (
        "readinglist.db",
        "readinglist.search",
        "readinglist.formats",
        "readinglist.lookup",
        "readinglist.ui",
    ),
}


def test_layers() -> None:
    assert _layer_violations(LAYERS) == []


def test_a_layer_violation_is_seen() -> None:
    """The check can fail: library does import db, which a rule forbidding it catches."""
    assert _layer_violations({"readinglist.library": ("readinglist.db",)})
