"""The tenancy rule for needs exists twice, as SQL (scoping.needs) and for an owner already read
(scoping.may_see_need, the matches hot path): the two must agree for every role and need."""
import sqlalchemy as sa

from matchmaker import scoping
from models import FinancingNeed, User, db


def test_may_see_need_agrees_with_the_needs_query(ctx, make_user):
    firms = [make_user("enterprise"), make_user("enterprise")]
    actors = [*firms, make_user("institution"), make_user("admin")]
    for firm in firms:
        db.session.add(FinancingNeed(enterprise_id=firm.enterprise_id, amount_cny=1_000_000, term_months=12))
    db.session.commit()
    needs = db.session.scalars(sa.select(FinancingNeed)).all()
    assert len(needs) == 2
    seen = 0
    for actor in (db.session.get(User, a.id) for a in actors):
        visible = set(db.session.scalars(scoping.needs(actor).with_only_columns(FinancingNeed.id)))
        for need in needs:
            assert scoping.may_see_need(actor, enterprise_id=need.enterprise_id) == (need.id in visible), \
                (actor.role, need.id)
            seen += need.id in visible
    assert seen == 4  # each firm its own need, the administrator both, the officer none
