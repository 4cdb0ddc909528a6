"""Undoable library edits: status, tags on papers, trash/restore, tag rename and delete.

Each command remembers what it needs to go back (the previous status of every paper,
which papers already had a tag) and reports the library's `Changes` to the
`on_changes` it is bound to, so each pane refreshes only what changed. Commands are
made by `ops/` with the library and what to act on; the window binds them to its
change route, runs `first()` itself (so a LibraryError can be shown before anything
lands on the stack) and then pushes them; QUndoStack's initial redo() is then
skipped. `done` (if set) runs once the first run went through.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence

from PySide6.QtGui import QUndoCommand

from readinglist.domain import (
    EDIT_FIELD_LABELS,
    Changes,
    Filter,
    LibraryError,
    PaperDetail,
    PaperEdit,
    Status,
)
from readinglist.library import Library

OnChanges = Callable[[Changes], None]
# A user error during undo/redo (e.g. a paper deleted by another process): shown, not raised.
OnError = Callable[[LibraryError], None]


def _ignore_changes(_: Changes) -> None:
    pass


def _raise(exc: LibraryError) -> None:
    raise exc


class LibraryCommand(QUndoCommand):
    def __init__(self, library: Library, text: str):
        super().__init__(text)
        self.library = library
        self._on_changes: OnChanges = _ignore_changes
        self._on_error: OnError = _raise
        self._skip_redo = False
        self.done: Callable[[], None] | None = None  # after the first run went through

    def bind(self, on_changes: OnChanges, on_error: OnError) -> None:
        """Where its `Changes` and its undo/redo errors go (the window's route)."""
        self._on_changes = on_changes
        self._on_error = on_error

    def first(self) -> Changes:
        """Do it now (raises LibraryError); the push that follows does not repeat it."""
        changes = self.do()
        self._skip_redo = True
        self._on_changes(changes)
        return changes

    def do(self) -> Changes:
        raise NotImplementedError

    def undo_it(self) -> Changes:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._run(self.do)

    def undo(self) -> None:
        self._run(self.undo_it)

    def _run(self, fn: Callable[[], Changes]) -> None:
        try:
            changes = fn()
        except LibraryError as exc:
            self._on_error(exc)
            return
        self._on_changes(changes)


class SetStatus(LibraryCommand):
    def __init__(
        self,
        library: Library,
        before: Mapping[int, Status],
        status: Status,
    ) -> None:
        n = len(before)
        label = {Status.READ: "read", Status.UNREAD: "unread", Status.READING: "reading"}[status]
        super().__init__(library, f"Mark {n} paper{'s' * (n != 1)} {label}")
        self.before = dict(before)
        self.status = status

    def do(self) -> Changes:
        return self.library.set_status(list(self.before), self.status)

    def undo_it(self) -> Changes:
        groups: dict[Status, list[int]] = defaultdict(list)
        for pid, st in self.before.items():
            groups[st].append(pid)
        changes = Changes()
        for st, ids in groups.items():
            changes = changes | self.library.set_status(ids, st)
        return changes


class AddTags(LibraryCommand):
    def __init__(
        self,
        library: Library,
        had: Mapping[int, Collection[str]],
        tags: Sequence[str],
    ) -> None:
        """`had`: for each paper, the (case-folded) tags it carried before."""
        super().__init__(library, f"Add tag {', '.join(tags)}")
        self.ids = list(had)
        self.tags = list(tags)
        # per tag, the papers that did not have it: undo removes it from those only
        self.new_on = {
            t: [pid for pid, old in had.items() if t.casefold() not in old] for t in tags
        }

    def do(self) -> Changes:
        return self.library.add_tags(self.ids, self.tags)

    def undo_it(self) -> Changes:
        changes = Changes()
        for tag, ids in self.new_on.items():
            if ids:
                changes = changes | self.library.remove_tags(ids, [tag])
        return changes


class RemoveTag(LibraryCommand):
    def __init__(
        self,
        library: Library,
        ids: Sequence[int],
        tag: str,
    ) -> None:
        """`ids`: the papers that carry `tag` (undo puts it back on those)."""
        super().__init__(library, f"Remove tag {tag}")
        self.ids = list(ids)
        self.tag = tag

    def do(self) -> Changes:
        return self.library.remove_tags(self.ids, [self.tag])

    def undo_it(self) -> Changes:
        return self.library.add_tags(self.ids, [self.tag])


class RenameTag(LibraryCommand):
    """Rename a tag, or merge it into an existing one; undo splits them again."""

    def __init__(self, library: Library, old: str, new: str):
        super().__init__(library, f"Rename tag {old} to {new}")
        self.old, self.new = old, new
        self.had_old = _tagged(library, old)
        # a merge: the papers that carried `new` before keep it on undo
        self.had_new = set() if old.casefold() == new.casefold() else set(_tagged(library, new))

    def do(self) -> Changes:
        return self.library.rename_tag(self.old, self.new)

    def undo_it(self) -> Changes:
        if not self.had_new:
            return self.library.rename_tag(self.new, self.old)
        gained = [i for i in self.had_old if i not in self.had_new]
        changes = self.library.add_tags(self.had_old, [self.old])
        if gained:
            changes = changes | self.library.remove_tags(gained, [self.new])
        return changes


def _tagged(library: Library, tag: str) -> list[int]:
    """Every paper carrying `tag`, the trash included."""
    return [
        *library.ids(Filter(tags=(tag,))),
        *library.ids(Filter(tags=(tag,), trashed=True)),
    ]


class DeleteTag(LibraryCommand):
    """Delete a tag from every paper (trash included); undo puts it back."""

    def __init__(self, library: Library, tag: str):
        super().__init__(library, f"Delete tag {tag}")
        self.tag = tag
        self.ids: list[int] = _tagged(library, tag)

    def do(self) -> Changes:
        return self.library.delete_tag(self.tag)

    def undo_it(self) -> Changes:
        return self.library.add_tags(self.ids, [self.tag]) if self.ids else Changes(tags=True)


class Trash(LibraryCommand):
    def __init__(
        self,
        library: Library,
        ids: Sequence[int],
        *,
        restore: bool = False,
    ) -> None:
        n = len(ids)
        what = f"{n} paper{'s' * (n != 1)}"
        text = f"Restore {what}" if restore else f"Move {what} to the Trash"
        super().__init__(library, text)
        self.ids = list(ids)
        self.restore = restore

    def do(self) -> Changes:
        return self.library.restore(self.ids) if self.restore else self.library.trash(self.ids)

    def undo_it(self) -> Changes:
        return self.library.trash(self.ids) if self.restore else self.library.restore(self.ids)


class EditPaper(LibraryCommand):
    """Fields typed in the paper pane's Edit mode: one step, whatever it changed;
    undo puts every one back as it was (with the key's origin and import notes)."""

    def __init__(
        self,
        library: Library,
        before: PaperDetail,
        edit: PaperEdit,
    ) -> None:
        labels = ", ".join(EDIT_FIELD_LABELS[f] for f in edit.given())
        super().__init__(library, f"Edit {labels}")
        self.before = before
        self.edit = edit

    def do(self) -> Changes:
        return self.library.edit_paper(self.before.id, self.edit)

    def undo_it(self) -> Changes:
        return self.library.revert_edit(self.before, self.edit)
