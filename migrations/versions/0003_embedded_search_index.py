"""embedded search index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# On SQLite an FTS5 table with the trigram tokenizer indexes the text keys of search_entry
# (external content: it stores only the index) for substring matching; triggers keep it in step
# with search_entry. PostgreSQL reads search_entry with LIKE and needs nothing more.
_FTS_COLUMNS = "names, pinyin, initials"


def upgrade() -> None:
    op.create_table('search_counter',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_search_counter'))
    )
    op.create_table('search_entry',
    sa.Column('object_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('doc_hash', sa.String(length=40), nullable=False),
    sa.Column('names', sa.Text(), nullable=False),
    sa.Column('pinyin', sa.Text(), nullable=False),
    sa.Column('initials', sa.Text(), nullable=False),
    sa.Column('name_sort', sa.String(length=400), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['object_id'], ['heritage_object.id'], name=op.f('fk_search_entry_object_id_heritage_object'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('object_id', name=op.f('pk_search_entry'))
    )
    op.execute("INSERT INTO search_counter (name, value) VALUES ('documents', 0)")
    if op.get_context().dialect.name == 'sqlite':
        op.execute(
            f"CREATE VIRTUAL TABLE search_fts USING fts5({_FTS_COLUMNS}, "
            "content='search_entry', content_rowid='object_id', tokenize='trigram')"
        )
        new = "new.object_id, new.names, new.pinyin, new.initials"
        old = "'delete', old.object_id, old.names, old.pinyin, old.initials"
        insert_new = f"INSERT INTO search_fts (rowid, {_FTS_COLUMNS}) VALUES ({new});"
        delete_old = (
            f"INSERT INTO search_fts (search_fts, rowid, {_FTS_COLUMNS}) VALUES ({old});"
        )
        op.execute(
            f"CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN {insert_new} END"
        )
        op.execute(
            f"CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN {delete_old} END"
        )
        op.execute(
            "CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_entry "
            f"BEGIN {delete_old} {insert_new} END"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS search_entry_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_entry')
    op.drop_table('search_counter')
