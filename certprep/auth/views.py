"""Signing in and out, first-run setup, self-registration, invites and password resets."""

import smtplib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from certprep.auth import accounts, throttle
from certprep.auth.authz import public, signed_in
from certprep.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    NurseRegisterForm,
    ProfileForm,
    RegisterForm,
    SetupForm,
)
from certprep.auth.models import User, normalise_email
from certprep.auth.passwords import hash_password, password_matches
from certprep.auth.sessions import end_session, sign_out_everywhere, start_session
from certprep.extensions import db, limiter
from certprep.forms import EmptyForm
from certprep.mail import mail_configured, send_mail
from certprep.org.audit import record
from certprep.org.models import Setting, Site, SiteMember
from certprep.timeutil import utcnow
from certprep.urls import external_url

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target


def _failed(response) -> bool:
    # A successful login redirects; only failures count against the limits.
    return response.status_code != 302


def _config_value(setting: str):
    return lambda: current_app.config[setting]


def create_and_sign_in(form: RegisterForm, role: str, site_ids=()) -> bool:
    """Create the account a setup or registration form describes and sign it in.

    False, with the reason on the email field, when the account cannot be created.
    """
    try:
        user = accounts.create_user(
            form.email.data, form.full_name.data, {role},
            password=form.password.data, credentials=form.credentials.data,
        )
    except accounts.AccountError as error:
        form.email.errors.append(str(error))
        return False
    db.session.flush()
    for site_id in site_ids:
        db.session.add(SiteMember(site_id=site_id, user_id=user.id))
        record(user, "site.member_added", "user", user.id, after={"site_id": site_id})
    start_session(user)
    db.session.commit()
    return True


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _config_value("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"], deduct_when=_failed,
    scope="login-address",
)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = normalise_email(form.email.data), get_remote_address()
        if throttle.refused(email, address):
            abort(429)
        user = User.by_email(email)
        # The same hashing work whether or not the account exists: time tells nothing.
        if not password_matches(user.password_hash if user else None, form.password.data):
            throttle.count_failure(email, address)
            flash("The email or password is not right. Check both and try again.", "error")
        elif not user.active:
            flash("This account is deactivated. Ask your administrator to reactivate it.", "error")
        else:
            start_session(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    if EmptyForm().validate_on_submit():
        end_session()
        db.session.commit()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@signed_in
def account():
    return render_template("auth/account.html")


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_all_devices():
    if EmptyForm().validate_on_submit():
        sign_out_everywhere(current_user._get_current_object())
        end_session()
        db.session.commit()
        flash("You are signed out on every device, this one included.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup():
    if accounts.admin_exists():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit() and create_and_sign_in(form, "admin"):
        flash("Your administrator account is ready. Next, invite your team.", "success")
        return redirect(url_for("admin.users"))
    return render_template("auth/setup.html", form=form)


# Said when the email already has an account, whether or not it was ever used: registration
# must not tell a stranger which addresses are known here.
NOT_CREATED = (
    "No new account was created for that email. If you already have one, sign in; if you "
    "forgot your password, ask your administrator for a reset link."
)


def tell_owner_of_registration(user: User) -> None:
    """Mail the owner of an email that someone tried to register again (when mail is set up)."""
    if not mail_configured():
        return
    body = (
        "Someone tried to create a certprep account with this email address, which already "
        f"has one. If it was you, sign in at {external_url('auth.login')}; if you forgot "
        "your password, ask your administrator for a reset link. If it was not you, you can "
        "ignore this message: nothing was changed.\n"
    )
    try:
        send_mail(user.email, "Your certprep account", body)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("could not send mail to user %s: %s", user.id, error)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_config_value("REGISTER_LIMIT_PER_ADDRESS"), methods=["POST"], scope="register")
@public
def register():
    if Setting.get("self_registration") != "on":
        return render_template("auth/registration_closed.html"), 403
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = NurseRegisterForm()
    form.sites.choices = [SelectChoice(site.id, site.name) for site in db.session.scalars(
        select(Site).where(Site.open_for_registration).order_by(Site.name))]
    if form.validate_on_submit():
        existing = User.by_email(form.email.data)
        if existing is not None:
            hash_password(form.password.data)  # the work a new account costs: time tells nothing
            tell_owner_of_registration(existing)
            flash(NOT_CREATED, "info")
            return redirect(url_for("auth.login"))
        if create_and_sign_in(form, "nurse", site_ids=form.sites.data or ()):
            flash("Welcome to certprep. Your nurse account is ready.", "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(
    _config_value("PASSWORD_CHANGE_LIMIT"), methods=["POST"], deduct_when=_failed,
    key_func=lambda: f"account:{getattr(current_user, 'id', '')}", scope="password-change",
)
@signed_in
def change_password():
    form = ChangePasswordForm()
    form.known_email, form.known_name = current_user.email, current_user.full_name
    if form.validate_on_submit():
        if not password_matches(current_user.password_hash, form.current.data):
            form.current.errors.append("This is not your current password.")
        else:
            user = current_user._get_current_object()
            accounts.set_password(user, form.password.data)
            start_session(user)  # other devices are signed out; this one stays in
            db.session.commit()
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/change_password.html", form=form)


def _link_refused(response) -> bool:
    return response.status_code == 404


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.shared_limit(
    _config_value("LINK_LIMIT_PER_ADDRESS"), scope="links", deduct_when=_link_refused,
)
@public
def accept_invite(token):
    link = accounts.find_link(token, "invite")
    if link is None:
        return render_template("auth/link_invalid.html", purpose="invite"), 404
    user = link.user
    form = ProfileForm(obj=user if request.method == "GET" else None)
    form.known_email, form.known_name = user.email, user.full_name
    if form.validate_on_submit():
        user.full_name = form.full_name.data.strip()
        user.credentials = (form.credentials.data or "").strip()
        accounts.set_password(user, form.password.data)
        link.used_at = utcnow()
        start_session(user)
        db.session.commit()
        flash("Your account is ready.", "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/accept_invite.html", form=form, user=user)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.shared_limit(
    _config_value("LINK_LIMIT_PER_ADDRESS"), scope="links", deduct_when=_link_refused,
)
@public
def reset_password(token):
    link = accounts.find_link(token, "reset")
    if link is None:
        return render_template("auth/link_invalid.html", purpose="reset"), 404
    form = NewPasswordForm()
    form.known_email, form.known_name = link.user.email, link.user.full_name
    if form.validate_on_submit():
        accounts.set_password(link.user, form.password.data)
        link.used_at = utcnow()
        db.session.commit()
        flash("Your password is set. Sign in with it now.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=link.user)
