"""Names vulture cannot see used: `./run test` runs
`vulture readinglist tests --min-confidence 60 --exclude tests/formats/junk_files`
and reads this file with them (never imported; pytest collects test_*.py only).

Each `_.name` counts as a use of every definition called `name`, so keep the list
short and say who calls it. A name that is really dead is deleted, not listed here,
except in the last section (dead today, in files another stream is changing).
"""

# ruff: noqa: B018
from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Qt calls these overrides itself
_.contextMenuEvent  # ui/sidebar.py
_.dragEnterEvent  # ui/main_window.py
_.dropEvent  # ui/main_window.py
_.expandingDirections  # ui/tag_editor.py (QLayout)
_.hasHeightForWidth  # ui/tag_editor.py
_.heightForWidth  # ui/tag_editor.py
_.headerData  # ui/paper_table.py (QAbstractTableModel)
_.toolbar  # ui/main_window.py: the window keeps its toolbar object by name

# held, never read: the object must live as long as its holder
_._temp_index  # library.py: a read-only library's temporary index folder (removed when freed)

# SQLAlchemy, SQLite, Alembic, Markdown and Whoosh read these by name
_.impl  # db/models.py UTCDateTime (TypeDecorator)
_.inherit_cache  # db/dialect.py: SQLAlchemy's statement cache asks each construct
# db/dialect.py: SQLAlchemy's compiler calls these per dialect (@compiles)
_._ids_in_sqlite
_._ids_in_pg
_._tag_fold_sqlite
_._tag_fold_pg
_._id_list_sqlite
_._id_list_pg
_.cache_ok
_.process_bind_param
_.process_result_value
_._on_connect  # db/engine.py: @event.listens_for
_._on_begin
_.isolation_level  # db/engine.py: pysqlite's own transaction handling off
_.note_changed_at  # db/models.py column (Reading): stored for the record, shown by nothing yet
_.down_revision  # db/migrations/versions/*: Alembic's revision chain
_.branch_labels
_.depends_on
_.downgrade
_.extendMarkdown  # notes.py: Python-Markdown's extension hook
_.matcher_type  # search/query.py: Whoosh's Or reads it
_.is_real  # search/whoosh_private.py: Whoosh's StructFile attributes
_.maxfiles  # search/pool.py: Whoosh's pool.items() signature

# the standard library calls these
_.formatter_class  # cli.py: argparse
_.signum  # cli.py: a signal handler's signature
_.do_GET  # tests/lookup/server.py: http.server
_.log_message
_.daemon_threads
_.handle_starttag  # tests/test_hostile_exports.py: html.parser

# pytest finds these by name
_.pytestmark
_.pytest_collection_modifyitems
_.restore_hooks  # fixtures asked for as arguments (tests/ui/test_crash.py)
_.impatient  # tests/ui/test_note_save_faults.py
_.runtime_dir  # tests/ui/test_single_instance.py (autouse)

# Dead today, left to the stream that owns the file (issue 11): delete the
# definition, then its line here.
_.is_write_error  # search/folder.py: nothing calls it
_.of  # db/store.py _TagNames.of: nothing calls it (combo is used directly)
_.created  # db/engine.py OpenedDatabase.created: set, never read
_._text_of  # tests/test_notes.py: a helper no test uses
