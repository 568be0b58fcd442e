"""cleared answers are SQL NULL

An answer a nurse cleared was stored as the JSON value null, which queries counted as
answered (response IS NOT NULL) while pages did not. The column now stores SQL NULL for
"no answer"; this turns the JSON nulls already stored into SQL NULL. Nothing to undo.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # PostgreSQL's json type has no equality operator: compare its text.
    op.execute("UPDATE attempt_item SET response = NULL WHERE CAST(response AS TEXT) = 'null'")


def downgrade():
    pass  # SQL NULL is also what the old code read as "no answer"
