"""external keys of imported records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:17:23.499910
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# recreate="never": on SQLite these are plain ALTER TABLE statements (ADD/DROP COLUMN, CREATE
# INDEX). Recreating heritage_object would drop the triggers that refuse deleting its rows.


def upgrade() -> None:
    with op.batch_alter_table('heritage_object', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('external_source', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('external_key', sa.String(length=200), nullable=True))
        batch_op.create_index('ix_heritage_object_external', ['external_source', 'external_key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('heritage_object', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_heritage_object_external')
        batch_op.drop_column('external_key')
        batch_op.drop_column('external_source')
