"""Commands as plain functions (Anki `aqt/operations/*.py`).

Each takes an `OpContext` (the library, the panes that hold the selection, the
window as the parent of dialogs, and the window's one change route) plus what to
act on, and returns what to run: an undo command (`undo.LibraryCommand`), a
background task (`tasks.Task`), or None when there is nothing to do (nothing
selected, a dialog cancelled). The window runs it (`MainWindow.run`): a command is
bound to the change route, done once and pushed; a task goes to the TaskRunner.
Nothing here imports the window, and the window's state is never written from here.
"""
