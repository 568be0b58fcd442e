"""A health check for load balancers: it answers only after a real database round trip."""

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from certprep.auth.authz import public
from certprep.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@limiter.exempt
@public
def healthz():
    try:
        database_round_trip()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.error("health check: database unreachable: %s", type(error).__name__)
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok"}


def database_round_trip() -> None:
    """SELECT 1; once more if the first failure only found a connection the database closed.

    Without pool_pre_ping, the first use of a pooled connection after a database restart
    fails and the pool discards it; the database itself may be up again.
    """
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        db.session.rollback()
        db.session.execute(text("SELECT 1")).scalar_one()
