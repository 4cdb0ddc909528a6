"""The window's actions (one QAction each), menus and toolbar.

Built in one place so the menu, toolbar, shortcut list and enabled-state logic all
read the same objects. What each one does is connected by the window
(`main_window.py`), mostly to a command in `ops/`; this module knows no window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QToolBar, QWidget

from .icons import icon


@dataclass
class Actions:
    open_library: QAction
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

    def show_trash(self, trash: bool) -> None:
        """The Trash view trades Move to Trash for Restore and Delete Permanently."""
        self.trash.setVisible(not trash)
        self.restore.setVisible(trash)
        self.delete_forever.setVisible(trash)

    def update(self, *, selected: bool, busy: bool, trash: bool) -> None:
        """Enabled for what is selected, in which view, while a task runs or not."""
        for a in self.selection_actions():
            a.setEnabled(selected and not busy and not trash)
        self.trash.setEnabled(selected and not busy and not trash)
        self.restore.setEnabled(selected and not busy and trash)
        self.delete_forever.setEnabled(selected and not busy and trash)
        self.copy_bibtex.setEnabled(selected)
        for a in (self.import_files, self.import_clipboard):
            a.setEnabled(not busy)
        self.rebuild_index.setEnabled(not busy)
        self.empty_trash.setEnabled(not busy)

    def table_menu(self) -> tuple[list[QAction | None], list[QAction | None]]:
        """The paper list's right-click menu in the library and in the Trash."""
        library: list[QAction | None] = [
            self.toggle_read,
            self.toggle_reading,
            self.mark_unread,
            None,
            self.add_tag,
            self.copy_bibtex,
            self.complete,
            None,
            self.trash,
        ]
        return library, [self.restore, self.delete_forever]


def _action(
    w: QWidget,
    text: str,
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
    w.addAction(a)  # shortcuts work even while the menu bar is hidden
    return a


def build_actions(w: QWidget, undo_stack: QUndoStack) -> Actions:
    undo = undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = undo_stack.createRedoAction(w, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
    for a in (undo, redo):
        w.addAction(a)
    quit_action = _action(w, "&Quit", QKeySequence("Ctrl+Q"))
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    about = _action(w, "&About ReadingList")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    return Actions(
        open_library=_action(
            w,
            "Open &Library…",
            "Ctrl+Shift+O",
            None,
            "Open another library: a folder, or a shared library on a server",
        ),
        import_files=_action(
            w,
            "&Import Files…",
            "Ctrl+O",
            icon("import", "document-open"),
            "Import BibTeX, RIS, CSL-JSON, arXiv or a trending page",
        ),
        import_clipboard=_action(
            w,
            "Import from &Clipboard",
            "Ctrl+Shift+V",
            icon("paste", "edit-paste"),
            "Import what you copied",
        ),
        export=_action(
            w,
            "&Export…",
            "Ctrl+E",
            icon("export", "document-save-as"),
            "Export as BibTeX, biblatex, CSL-JSON or Markdown",
        ),
        copy_bibtex=_action(
            w,
            "&Copy BibTeX",
            "Ctrl+Shift+C",
            None,
            "Copy the BibTeX of the selected papers",
        ),
        rebuild_index=_action(w, "Rebuild Search &Index"),
        quit=quit_action,
        undo=undo,
        redo=redo,
        find=_action(w, "&Find", QKeySequence("Ctrl+F")),
        toggle_read=_action(
            w,
            "Mark &Read / Unread",
            "Ctrl+R",
            icon("mark-read", "mail-mark-read"),
            "Mark the selection read (or unread if it is)",
        ),
        toggle_reading=_action(
            w,
            "Mark Readin&g / Unread",
            "Ctrl+Shift+R",
            icon("mark-reading"),
            "Mark the selection as being read",
        ),
        mark_unread=_action(w, "Mark &Unread", "Ctrl+U"),
        add_tag=_action(w, "Add &Tag…", "Ctrl+T", icon("tag"), "Add a tag to the selection"),
        complete=_action(
            w,
            "Complete from ar&Xiv / DOI",
            "Ctrl+Shift+L",
            icon("complete", "edit-find"),
            "Fill missing authors, year, venue from arXiv or the DOI resolver (asks them)",
        ),
        # F2 as in file managers and spreadsheets (Ctrl+E is export)
        edit_paper=_action(
            w,
            "&Edit Fields…",
            QKeySequence(Qt.Key.Key_F2),
            None,
            "Edit the paper's title, authors, year, venue, type, DOI, arXiv id, URL, key",
        ),
        trash=_action(
            w,
            "Move to &Trash",
            QKeySequence(Qt.Key.Key_Delete),
            icon("trash", "user-trash"),
            "Move the selection to the Trash",
        ),
        restore=_action(
            w,
            "&Restore from Trash",
            "Ctrl+Backspace",
            icon("restore", "edit-undo"),
            "Put the selected papers back in the library",
        ),
        delete_forever=_action(w, "Delete &Permanently…", QKeySequence("Shift+Delete")),
        empty_trash=_action(w, "&Empty Trash…"),
        shortcuts=_action(w, "&Keyboard Shortcuts", QKeySequence("F1")),
        about=about,
    )


def build_menus(w: QMainWindow, a: Actions) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    for act in (
        a.open_library,
        None,
        a.import_files,
        a.import_clipboard,
        None,
        a.export,
        a.copy_bibtex,
        None,
    ):
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


def build_toolbar(w: QMainWindow, a: Actions) -> QToolBar:
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
