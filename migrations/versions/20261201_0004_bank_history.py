"""bank history: versions, questions and sets are kept; owners, co-editors and revisions

- question_version: unique (question_id, number); question_id RESTRICT; plain-text
  title and preview filled from the stored content.
- question: set_id RESTRICT; draft_version_id and pending_retired, the revision that
  waits in a published set.
- media: set_id RESTRICT; unique (set_id, name); version_media records which images each
  version shows (filled from the stored text of existing versions).
- set_editor: co-editors of a set.

On SQLite, batch mode copies a table and drops the old one; with foreign keys on, that drop
would run the old ON DELETE actions (CASCADE, SET NULL) on every row that points at it, so
foreign keys are off while the tables are rebuilt and checked before they are on again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 08:31:04.840035

"""
import html
from urllib.parse import quote

import nh3
import sqlalchemy as sa
from alembic import op
from markdown_it import MarkdownIt

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

version_table = sa.table(
    'question_version',
    sa.column('id', sa.Integer), sa.column('question_id', sa.Integer),
    sa.column('number', sa.Integer), sa.column('content', sa.JSON),
    sa.column('title', sa.String), sa.column('preview', sa.String),
)
question_table = sa.table('question', sa.column('id', sa.Integer),
                          sa.column('set_id', sa.Integer))
media_table = sa.table('media', sa.column('id', sa.Integer), sa.column('set_id', sa.Integer),
                       sa.column('name', sa.String))
version_media_table = sa.table('version_media', sa.column('version_id', sa.Integer),
                               sa.column('media_id', sa.Integer))


def plain(text, text_format):
    """The stem as plain text, as certprep.bank.richtext.plain_text made it in 2026-12."""
    if not text:
        return ''
    if text_format == 'markdown':
        text = MarkdownIt('commonmark', {'html': True}).render(text)
    elif text_format not in ('html', 'moodle'):
        text = str(html.escape(text))
    return ' '.join(html.unescape(nh3.clean(text, tags=set())).split())


def excerpt(text, limit):
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    cut = head.rsplit(' ', 1)[0] if ' ' in head else head
    return cut.rstrip(' ,;:.') + '…'


def fill_titles_and_renumber(bind):
    rows = bind.execute(sa.select(version_table.c.id, version_table.c.question_id,
                                  version_table.c.number, version_table.c.content)
                        .order_by(version_table.c.question_id, version_table.c.id)).all()
    numbers = {}
    for row in rows:
        content = row.content or {}
        stem = plain(content.get('text') or '', content.get('text_format') or 'plain')
        name = ' '.join((content.get('name') or '').split())
        values = {'title': excerpt(name or stem, 80) or '(no text)',
                  'preview': excerpt(stem, 110)}
        # Two versions of one question with the same number would break the new unique
        # constraint: number them in the order they were written.
        taken = numbers.setdefault(row.question_id, set())
        if row.number in taken:
            values['number'] = max(taken) + 1
        taken.add(values.get('number', row.number))
        bind.execute(version_table.update().where(version_table.c.id == row.id)
                     .values(**values))


def link_media(bind):
    """Record which images each existing version shows, from the URLs in its content."""
    media = bind.execute(sa.select(media_table.c.id, media_table.c.set_id,
                                   media_table.c.name)).all()
    for item in media:
        url = f'/bank/media/{item.set_id}/{quote(item.name)}'
        versions = bind.execute(
            sa.select(version_table.c.id, version_table.c.content)
            .join(question_table, question_table.c.id == version_table.c.question_id)
            .where(question_table.c.set_id == item.set_id)
        ).all()
        for version in versions:
            if url in str(version.content):
                bind.execute(version_media_table.insert().values(
                    version_id=version.id, media_id=item.id))


def foreign_keys(enabled):
    if op.get_bind().dialect.name != 'sqlite':
        return
    if enabled:
        problems = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if problems:
            raise RuntimeError(f'rows point at rows that do not exist: {problems[:5]}')
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys = {'ON' if enabled else 'OFF'}")


def upgrade():
    foreign_keys(False)
    op.create_table('set_editor',
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_id'], ['question_set.id'], name=op.f('fk_set_editor_set_id_question_set'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_set_editor_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('set_id', 'user_id', name=op.f('pk_set_editor'))
    )
    with op.batch_alter_table('set_editor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_set_editor_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('preview', sa.String(length=200), nullable=False, server_default=''))
    fill_titles_and_renumber(op.get_bind())
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.alter_column('title', server_default=None)
        batch_op.alter_column('preview', server_default=None)
        batch_op.drop_index(batch_op.f('ix_question_version_question_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_question_version_question_id'), ['question_id', 'number'])
        batch_op.drop_constraint(batch_op.f('fk_question_version_question_id_question'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_question_version_question_id_question'), 'question', ['question_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pending_retired', sa.Boolean(), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_question_set_id_question_set'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_question_set_id_question_set'), 'question_set', ['set_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_question_draft_version_id_question_version'), 'question_version', ['draft_version_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_set_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_media_set_id'), ['set_id', 'name'])
        batch_op.drop_constraint(batch_op.f('fk_media_set_id_question_set'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_media_set_id_question_set'), 'question_set', ['set_id'], ['id'], ondelete='RESTRICT')

    op.create_table('version_media',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_version_media_media_id_media'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['question_version.id'], name=op.f('fk_version_media_version_id_question_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'media_id', name=op.f('pk_version_media'))
    )
    with op.batch_alter_table('version_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_media_media_id'), ['media_id'], unique=False)
    link_media(op.get_bind())
    foreign_keys(True)


def downgrade():
    foreign_keys(False)
    with op.batch_alter_table('version_media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_media_media_id'))
    op.drop_table('version_media')

    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_media_set_id_question_set'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_media_set_id_question_set'), 'question_set', ['set_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(batch_op.f('uq_media_set_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_media_set_id'), ['set_id'], unique=False)

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_draft_version_id_question_version'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_question_set_id_question_set'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_question_set_id_question_set'), 'question_set', ['set_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('pending_retired')
        batch_op.drop_column('draft_version_id')

    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_version_question_id_question'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_question_version_question_id_question'), 'question', ['question_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(batch_op.f('uq_question_version_question_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_question_version_question_id'), ['question_id'], unique=False)
        batch_op.drop_column('preview')
        batch_op.drop_column('title')

    with op.batch_alter_table('set_editor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_set_editor_user_id'))
    op.drop_table('set_editor')
    foreign_keys(True)
