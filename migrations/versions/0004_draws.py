"""draws: seed commitments made at launch, draws with their frozen list, winners and alternates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_ELIGIBILITY = sa.Enum('approved', 'not_rejected', name='eligibility', native_enum=False, length=16)
_PICK_STATE = sa.Enum(
    'waiting', 'checking', 'notified', 'claimed', 'shipped', 'forfeited', 'excluded',
    name='pickstate', native_enum=False, length=16,
)


def upgrade():
    op.create_table('draw_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('seed_sealed', sa.Text(), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('beacon_source', sa.String(length=500), nullable=False),
    sa.Column('eligibility', _ELIGIBILITY, nullable=False),
    sa.Column('alternates_per_winner', sa.Integer(), nullable=False),
    sa.Column('claim_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_draw_plans_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_draw_plans_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_plans')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_draw_plans_campaign_id')),
    )
    op.create_index(op.f('ix_draw_plans_org_id'), 'draw_plans', ['org_id'], unique=False)

    op.create_table('draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('algorithm', sa.String(length=32), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('seed_hex', sa.String(length=64), nullable=False),
    sa.Column('beacon_source', sa.String(length=500), nullable=False),
    sa.Column('beacon', sa.String(length=500), nullable=False),
    sa.Column('eligibility', _ELIGIBILITY, nullable=False),
    sa.Column('frozen_list', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('prizes', sa.JSON(), nullable=False),
    sa.Column('exclusions', sa.JSON(), nullable=False),
    sa.Column('terms_version', sa.String(length=32), nullable=False),
    sa.Column('drawn_by_user_id', sa.Integer(), nullable=True),
    sa.Column('drawn_by_label', sa.String(length=254), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_draws_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drawn_by_user_id'], ['users.id'], name=op.f('fk_draws_drawn_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_draws_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draws')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_draws_campaign_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_draws_public_id')),
    )
    op.create_index(op.f('ix_draws_org_id'), 'draws', ['org_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # the frozen list is random ids: compressing tens of megabytes would only cost time at the draw
        op.execute('ALTER TABLE draws ALTER COLUMN frozen_list SET STORAGE EXTERNAL')

    op.create_table('draw_picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('prize_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('participant', sa.String(length=64), nullable=False),
    sa.Column('score', sa.String(length=64), nullable=False),
    sa.Column('state', _PICK_STATE, nullable=False),
    sa.Column('check_note', sa.Text(), nullable=False),
    sa.Column('excluded_reason', sa.String(length=32), nullable=False),
    sa.Column('notice_code', sa.String(length=16), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('claim_deadline', sa.DateTime(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('address_sealed', sa.Text(), nullable=False),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('address_purged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['draw_id'], ['draws.id'], name=op.f('fk_draw_picks_draw_id_draws'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_draw_picks_entry_id_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_draw_picks_org_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prize_id'], ['prizes.id'], name=op.f('fk_draw_picks_prize_id_prizes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_picks')),
    sa.UniqueConstraint('draw_id', 'entry_id', name=op.f('uq_draw_picks_draw_id_entry_id')),
    sa.UniqueConstraint('notice_code', name=op.f('uq_draw_picks_notice_code')),
    sa.UniqueConstraint('public_id', name=op.f('uq_draw_picks_public_id')),
    )
    op.create_index(op.f('ix_draw_picks_draw_id'), 'draw_picks', ['draw_id'], unique=False)
    op.create_index(op.f('ix_draw_picks_org_id'), 'draw_picks', ['org_id'], unique=False)

    op.create_table('connector_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('network', sa.String(length=16), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('token_sealed', sa.Text(), nullable=False),
    sa.Column('base_url', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_connector_accounts_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_accounts')),
    sa.UniqueConstraint('org_id', 'network', name=op.f('uq_connector_accounts_org_id_network')),
    )
    op.create_index(op.f('ix_connector_accounts_org_id'), 'connector_accounts', ['org_id'], unique=False)

    # 景品表示法 campaign type and figures
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.add_column(sa.Column('premium_type', sa.String(length=16), nullable=False, server_default='open'))
        batch_op.add_column(sa.Column('transaction_value_jpy', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('projected_sales_jpy', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.drop_column('projected_sales_jpy')
        batch_op.drop_column('transaction_value_jpy')
        batch_op.drop_column('premium_type')
    op.drop_table('connector_accounts')
    op.drop_table('draw_picks')
    op.drop_table('draws')
    op.drop_table('draw_plans')
