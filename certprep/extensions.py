"""Flask extensions, created unbound so that models and views can import them."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class CookieSafeLoginManager(LoginManager):
    """Flask-Login, ignoring a remember cookie it cannot decode instead of raising.

    Flask-Login 0.6.3 compares digests with hmac.compare_digest, which raises TypeError on
    text that is not ASCII (`Cookie: remember_token=é|é`): every URL, /healthz included,
    then answered a bare 500. A cookie that is not ASCII cannot be one we signed.
    """

    def _load_user_from_remember_cookie(self, cookie: str):
        if not cookie.isascii():
            return None
        return super()._load_user_from_remember_cookie(cookie)


class Base(DeclarativeBase):
    # Named constraints let Alembic alter and drop them, on SQLite too.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Objects stay readable after commit: a view that commits, then renders or redirects,
# would otherwise reload every object it touches (the user on every response).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# Batch mode: SQLite can only alter a table by copying it.
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = CookieSafeLoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
