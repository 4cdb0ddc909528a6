"""The window's actions (one QAction each), menus and toolbar.

Built in one place so the menu, toolbar, shortcut list and enabled-state logic all
read the same objects. Slots live on the window (`main_window.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QToolBar

from .icons import icon

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass
class Actions:
    import_files: QAction
    import_clipboard: QAction
    export: QAction
    copy_bibtex: QAction
    rebuild_index: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    find: QAction
    toggle_read: QAction
    toggle_reading: QAction
    mark_unread: QAction
    add_tag: QAction
    complete: QAction
    edit_paper: QAction
    trash: QAction
    restore: QAction
    delete_forever: QAction
    empty_trash: QAction
    shortcuts: QAction
    about: QAction

    def selection_actions(self) -> list[QAction]:
        return [
            self.toggle_read,
            self.toggle_reading,
            self.mark_unread,
            self.add_tag,
            self.complete,
            self.edit_paper,
        ]


def _action(
    w: MainWindow,
    text: str,
    slot: object,
    shortcut: QKeySequence | str | None = None,
    qicon: QIcon | None = None,
    tip: str = "",
) -> QAction:
    a = QAction(text, w)
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if qicon is not None:
        a.setIcon(qicon)
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(f"{tip} ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
    a.triggered.connect(slot)
    w.addAction(a)  # shortcuts work even while the menu bar is hidden
    return a


def build_actions(w: MainWindow) -> Actions:
    undo = w.undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = w.undo_stack.createRedoAction(w, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
    for a in (undo, redo):
        w.addAction(a)
    quit_action = _action(w, "&Quit", w.close, QKeySequence("Ctrl+Q"))
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    about = _action(w, "&About ReadingList", w.show_about)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    return Actions(
        import_files=_action(
            w,
            "&Import Files…",
            w.choose_import_files,
            "Ctrl+O",
            icon("import", "document-open"),
            "Import BibTeX, RIS, CSL-JSON, arXiv or a trending page",
        ),
        import_clipboard=_action(
            w,
            "Import from &Clipboard",
            w.import_clipboard,
            "Ctrl+Shift+V",
            icon("paste", "edit-paste"),
            "Import what you copied",
        ),
        export=_action(
            w,
            "&Export…",
            w.choose_export,
            "Ctrl+E",
            icon("export", "document-save-as"),
            "Export as BibTeX, biblatex, CSL-JSON or Markdown",
        ),
        copy_bibtex=_action(
            w,
            "&Copy BibTeX",
            w.copy_bibtex,
            "Ctrl+Shift+C",
            None,
            "Copy the BibTeX of the selected papers",
        ),
        rebuild_index=_action(w, "Rebuild Search &Index", w.rebuild_index),
        quit=quit_action,
        undo=undo,
        redo=redo,
        find=_action(w, "&Find", w.focus_search, QKeySequence("Ctrl+F")),
        toggle_read=_action(
            w,
            "Mark &Read / Unread",
            w.toggle_read,
            "Ctrl+R",
            icon("mark-read", "mail-mark-read"),
            "Mark the selection read (or unread if it is)",
        ),
        toggle_reading=_action(
            w,
            "Mark Readin&g / Unread",
            w.toggle_reading,
            "Ctrl+Shift+R",
            icon("mark-reading"),
            "Mark the selection as being read",
        ),
        mark_unread=_action(w, "Mark &Unread", w.mark_unread, "Ctrl+U"),
        add_tag=_action(
            w, "Add &Tag…", w.choose_tag, "Ctrl+T", icon("tag"), "Add a tag to the selection"
        ),
        complete=_action(
            w,
            "Complete from ar&Xiv / DOI",
            w.complete_selection,
            "Ctrl+Shift+L",
            icon("complete", "edit-find"),
            "Fill missing authors, year, venue from arXiv or the DOI resolver (asks them)",
        ),
        # F2 as in file managers and spreadsheets (Ctrl+E is export)
        edit_paper=_action(
            w,
            "&Edit Fields…",
            w.edit_shown_paper,
            QKeySequence(Qt.Key.Key_F2),
            None,
            "Edit the paper's title, authors, year, venue, type, DOI, arXiv id, URL, key",
        ),
        trash=_action(
            w,
            "Move to &Trash",
            w.trash_selection,
            QKeySequence(Qt.Key.Key_Delete),
            icon("trash", "user-trash"),
            "Move the selection to the Trash",
        ),
        restore=_action(
            w,
            "&Restore from Trash",
            w.restore_selection,
            "Ctrl+Backspace",
            icon("restore", "edit-undo"),
            "Put the selected papers back in the library",
        ),
        delete_forever=_action(
            w, "Delete &Permanently…", w.purge_selection, QKeySequence("Shift+Delete")
        ),
        empty_trash=_action(w, "&Empty Trash…", w.empty_trash),
        shortcuts=_action(w, "&Keyboard Shortcuts", w.show_shortcuts, QKeySequence("F1")),
        about=about,
    )


def build_menus(w: MainWindow, a: Actions) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    for act in (a.import_files, a.import_clipboard, None, a.export, a.copy_bibtex, None):
        file_menu.addSeparator() if act is None else file_menu.addAction(act)
    file_menu.addAction(a.rebuild_index)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    edit = bar.addMenu("&Edit")
    for act in (a.undo, a.redo, None, a.find):
        edit.addSeparator() if act is None else edit.addAction(act)
    paper = bar.addMenu("&Paper")
    for act in (
        a.toggle_read,
        a.toggle_reading,
        a.mark_unread,
        None,
        a.add_tag,
        a.complete,
        a.edit_paper,
        None,
        a.trash,
        a.restore,
        a.delete_forever,
        a.empty_trash,
    ):
        paper.addSeparator() if act is None else paper.addAction(act)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a.shortcuts)
    help_menu.addAction(a.about)


def build_toolbar(w: MainWindow, a: Actions) -> QToolBar:
    tb = QToolBar("Main", w)
    tb.setObjectName("main-toolbar")
    tb.setMovable(False)
    tb.setIconSize(QSize(20, 20))
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for act in (
        a.import_files,
        a.import_clipboard,
        a.export,
        None,
        a.toggle_read,
        a.toggle_reading,
        a.add_tag,
        a.trash,
        a.restore,
    ):
        tb.addSeparator() if act is None else tb.addAction(act)
    w.addToolBar(tb)
    return tb
