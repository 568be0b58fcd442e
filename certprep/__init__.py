"""certprep: exam practice and supervised-hours logging for pain-management nurses."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from certprep import (
    auth,
    cli,
    config,
    database,
    errors,
    health,
    inputs,
    security,
    startup,
    templating,
)
from certprep.admin.views import bp as admin_bp
from certprep.auth.views import bp as auth_bp
from certprep.bank.views import bp as bank_bp
from certprep.dashboard.views import bp as dashboard_bp
from certprep.exams.views import bp as exams_bp
from certprep.extensions import csrf, db, limiter, login_manager, migrate
from certprep.hours.preceptor_views import bp as preceptors_bp
from certprep.hours.views import bp as hours_bp
from certprep.hours.views import verify_bp

BLUEPRINTS = (
    health.bp, auth_bp, dashboard_bp, admin_bp, bank_bp, exams_bp, hours_bp, verify_bp,
    preceptors_bp,
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, instance/config.py, CERTPREP_* variables, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    inputs.init_app(app)

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    cli.init_app(app)
    startup.check_settings(app)
    return app
