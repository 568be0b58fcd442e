"""External preceptors: registered per site, asked by nurses, signing through a one-time
emailed link without an account."""

from __future__ import annotations

import smtplib

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from certprep.auth.authz import public, role_required
from certprep.extensions import db, limiter
from certprep.forms import EmptyForm
from certprep.hours import entries, preceptors
from certprep.hours.forms import PreceptorForm, PreceptorRequestForm, signoff_form
from certprep.hours.models import Entry, Preceptor, PreceptorLink
from certprep.hours.policy import can_manage_site, link_status
from certprep.mail import mail_configured, send_mail
from certprep.org.models import Site
from certprep.timeutil import utcnow
from certprep.urls import external_url

bp = Blueprint("preceptors", __name__)


def me():
    return current_user._get_current_object()


def _managed_sites(user) -> list[Site]:
    if user.has_role("admin"):
        return list(db.session.scalars(select(Site).order_by(Site.name)))
    return entries.sites_of(user)


def _mail_link(link: PreceptorLink, token: str) -> bool:
    """Email the preceptor their link; False when it could not be sent."""
    preceptor = link.preceptor
    url = external_url("preceptors.sign", token=token)
    body = (f"{link.nurse.display_name} asks you, as their preceptor at {preceptor.site.name}, "
            f"to review and sign {len(link.entries)} entr"
            f"{'y' if len(link.entries) == 1 else 'ies'} of supervised practice hours.\n\n"
            f"Open this link (it works once and expires on "
            f"{link.expires_at:%Y-%m-%d}); no account is needed:\n\n{url}\n")
    try:
        send_mail(preceptor.email, "Sign-off of practice hours on certprep", body)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("could not mail preceptor %s: %s", preceptor.id, error)
        return False
    return True


@bp.route("/hours/preceptors", methods=["GET", "POST"])
@role_required("supervisor", "admin")
def manage():
    """Register a site's external preceptors; pass on links when there is no mail."""
    user = me()
    sites = _managed_sites(user)
    form = PreceptorForm()
    form.site.choices = [SelectChoice(s.id, s.name) for s in sites]
    if form.validate_on_submit():
        if not can_manage_site(user, form.site.data, entries.site_ids_of(user)):
            form.site.errors.append("Choose one of the sites you supervise.")
        else:
            try:
                preceptor = preceptors.register(user, form.site.data, form.full_name.data,
                                                form.credentials.data or "", form.email.data,
                                                now=utcnow())
            except preceptors.PreceptorRefused as error:
                form.email.errors.append(str(error))
            else:
                db.session.commit()
                flash(f"{preceptor.display_name} is registered as a preceptor of "
                      f"{preceptor.site.name}.", "success")
                return redirect(url_for("preceptors.manage"))
    site_ids = [s.id for s in sites]
    listed = db.session.scalars(select(Preceptor).where(Preceptor.site_id.in_(site_ids))
                                .order_by(Preceptor.full_name)).all()
    waiting = db.session.scalars(
        select(PreceptorLink).join(Preceptor).where(Preceptor.site_id.in_(site_ids),
                                                    PreceptorLink.used_at.is_(None))
        .order_by(PreceptorLink.created_at)).all()
    return render_template("hours/preceptors.html", form=form, sites=sites,
                           preceptors=listed, waiting=waiting, button=EmptyForm(),
                           now=utcnow(), mail=mail_configured())


@bp.route("/hours/preceptors/links/<int:link_id>/issue", methods=["POST"])
@role_required("supervisor", "admin")
def issue_link(link_id):
    """A new one-time link for a request: mailed, or shown here once to pass on."""
    user = me()
    link = db.get_or_404(PreceptorLink, link_id)
    if not can_manage_site(user, link.preceptor.site_id, entries.site_ids_of(user)):
        return render_template("hours/preceptor_closed.html", message=(
            "This request is not at a site you supervise.")), 404
    if not EmptyForm().validate_on_submit() or link.used_at is not None:
        flash("This link was already used: the nurse can ask again.", "error")
        return redirect(url_for("preceptors.manage"))
    token = preceptors.issue(link, user, now=utcnow(),
                             days=current_app.config["PRECEPTOR_LINK_DAYS"])
    db.session.commit()
    if mail_configured():
        if _mail_link(link, token):
            flash(f"The link was emailed to {link.preceptor.email}.", "success")
            return redirect(url_for("preceptors.manage"))
        flash("The email could not be sent; pass this link on yourself.", "warning")
    return render_template("hours/preceptor_link.html", link=link,
                           url=external_url("preceptors.sign", token=token))


@bp.route("/hours/preceptors/ask", methods=["GET", "POST"])
@role_required("nurse")
def ask():
    """A nurse asks a registered preceptor of their site to sign chosen submitted entries.
    The link goes to the preceptor; the nurse never sees it."""
    nurse = me()
    site_ids = entries.site_ids_of(nurse)
    available = db.session.scalars(select(Preceptor).where(Preceptor.site_id.in_(site_ids))
                                   .order_by(Preceptor.full_name)).all()
    waiting = db.session.scalars(select(Entry).where(
        Entry.nurse_id == nurse.id, Entry.state == "submitted").order_by(Entry.day)).all()
    form = PreceptorRequestForm()
    form.preceptor.choices = [SelectChoice(p.id, f"{p.display_name} ({p.site.name})")
                              for p in available]
    form.entries.choices = [SelectChoice(e.id, f"{e.day.isoformat()}: {e.hours:g} h, "
                                         f"{e.category_label} ({e.site.name})")
                            for e in waiting]
    if form.validate_on_submit():
        preceptor = next((p for p in available if p.id == form.preceptor.data), None)
        chosen = [e for e in waiting if e.id in set(form.entries.data)]
        if preceptor is None:
            form.preceptor.errors.append("Choose one of the preceptors listed.")
        elif len(chosen) != len(set(form.entries.data)):
            form.entries.errors.append("Choose entries from the list: only your submitted "
                                       "entries can be signed.")
        else:
            try:
                link = preceptors.request_signoff(nurse, preceptor, chosen, now=utcnow())
            except preceptors.PreceptorRefused as error:
                form.entries.errors.append(str(error))
            else:
                _send_or_wait(link, nurse)
                return redirect(url_for("hours.index"))
    return render_template("hours/preceptor_ask.html", form=form, preceptors=available,
                           entries=waiting)


def _send_or_wait(link: PreceptorLink, nurse) -> None:
    """Commit the request; mail the link when mail is set up, else a supervisor passes it."""
    preceptor = link.preceptor
    if mail_configured():
        token = preceptors.issue(link, nurse, now=utcnow(),
                                 days=current_app.config["PRECEPTOR_LINK_DAYS"])
        db.session.commit()
        sent = _mail_link(link, token)
        if sent:
            flash(f"{preceptor.display_name} was emailed a link to sign "
                  f"{len(link.entries)} entr{'y' if len(link.entries) == 1 else 'ies'}.",
                  "success")
            return
        preceptors.withhold(link)  # nobody received it, and the nurse must not see it
        db.session.commit()
        flash(f"The email to {preceptor.full_name} could not be sent. A supervisor of "
              f"{preceptor.site.name} can pass the link on from the Preceptors page.", "warning")
        return
    db.session.commit()
    flash(f"Your request is saved. Email is not set up here, so a supervisor of "
          f"{preceptor.site.name} will pass the link on to {preceptor.full_name}: ask them.",
          "success")


def _sign_limit():
    return current_app.config["PRECEPTOR_LIMIT_PER_ADDRESS"]


@bp.route("/preceptor/<token>", methods=["GET", "POST"])
@limiter.limit(_sign_limit, scope="preceptor")
@public
def sign(token):
    """The preceptor, without an account, reviews the entries the link is bound to, types
    their name, confirms the attestation and approves or returns each."""
    now = utcnow()
    link = preceptors.find(token)
    status = link_status(link, now)
    if status != "open":
        return render_template("hours/preceptor_closed.html",
                               message=preceptors.link_message(link, now)), (
            404 if status == "unknown" else 410)
    bound = preceptors.entries_of(link)
    form = signoff_form(bound)
    if form.validate_on_submit():
        decisions = {e.id: preceptors.Decision(form[f"decision_{e.id}"].data,
                                               form[f"note_{e.id}"].data or "")
                     for e in bound}
        try:
            outcome = preceptors.sign(link, decisions, form.typed_name.data, now=now)
        except preceptors.PreceptorRefused as error:
            db.session.rollback()
            return render_template("hours/preceptor_closed.html", message=str(error)), 410
        db.session.commit()
        return render_template("hours/preceptor_done.html", outcome=outcome, link=link)
    return render_template("hours/preceptor_sign.html", form=form, link=link, entries=bound,
                           attestation=preceptors.ATTESTATION)
