"""Account, site and settings management for administrators."""


from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from certprep.admin.forms import (
    AccountStateForm,
    AuditFilterForm,
    InviteForm,
    MembershipForm,
    RolesForm,
    SettingsForm,
    SiteForm,
)
from certprep.admin.rules import check_keeps_an_admin
from certprep.auth import accounts
from certprep.auth.authz import role_required
from certprep.auth.models import User
from certprep.auth.sessions import sign_out_everywhere
from certprep.extensions import db
from certprep.forms import EmptyForm, flash_errors
from certprep.mail import deliver_link
from certprep.org.audit import AuditEntry, record
from certprep.org.models import Setting, Site, SiteMember
from certprep.org.sites import SiteError, create_site
from certprep.startup import limits_in_one_worker

bp = Blueprint("admin", __name__, url_prefix="/admin")


def site_choices(blank: str | None = None) -> list[SelectChoice]:
    sites = db.session.execute(select(Site.id, Site.name).order_by(Site.name)).all()
    return ([SelectChoice(0, blank)] if blank else []) + [
        SelectChoice(site.id, site.name) for site in sites
    ]


@bp.route("/users")
@role_required("admin")
def users():
    query = request.args.get("q", "").strip()
    statement = select(User).order_by(User.full_name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(User.email.like(pattern), User.full_name.ilike(pattern))
        )
    return render_template(
        "admin/users.html", users=db.session.scalars(statement).all(), query=query
    )


@bp.route("/users/invite", methods=["GET", "POST"])
@role_required("admin")
def invite():
    form = InviteForm()
    form.site_id.choices = site_choices(blank="No site")
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.full_name.data, set(form.roles.data))
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            if form.site_id.data:
                db.session.add(SiteMember(site_id=form.site_id.data, user=user))
            token = accounts.issue_link(
                user, "invite", hours=current_app.config["INVITE_TTL_HOURS"],
                created_by=current_user,
            )
            record(current_user, "user.invited", "user", user.id, after={
                "email": user.email, "roles": sorted(user.role_names),
                "site_id": form.site_id.data or None,
            })
            db.session.commit()
            link = deliver_link(user, "auth.accept_invite", token, "Your certprep invitation")
            return render_template("admin/link.html", user=user, link=link, purpose="invite")
    return render_template("admin/invite.html", form=form)


@bp.route("/users/<int:user_id>")
@role_required("admin")
def user(user_id):
    person = db.get_or_404(User, user_id)
    roles_form = RolesForm(roles=sorted(person.role_names))
    membership_form = MembershipForm()
    sites = db.session.scalars(
        select(Site).join(SiteMember).where(SiteMember.user_id == person.id).order_by(Site.name)
    ).all()
    member_of = {site.id for site in sites}
    membership_form.site_id.choices = [
        c for c in site_choices() if c.value not in member_of
    ]
    return render_template(
        "admin/user.html", person=person, roles_form=roles_form,
        membership_form=membership_form, sites=sites, state_form=AccountStateForm(),
    )


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@role_required("admin")
def set_roles(user_id):
    person = db.get_or_404(User, user_id)
    form = RolesForm()
    if form.validate_on_submit():
        roles = set(form.roles.data)
        try:
            check_keeps_an_admin(person, roles=roles)
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            before = sorted(person.role_names)
            person.set_roles(roles)
            record(current_user, "user.roles_changed", "user", person.id,
                   before={"roles": before}, after={"roles": sorted(roles)})
            db.session.commit()
            flash(f"Roles of {person.full_name} saved.", "success")
    else:
        flash_errors(form)
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def set_active(user_id):
    person = db.get_or_404(User, user_id)
    form = AccountStateForm()
    if form.validate_on_submit():
        activate = form.active.data == "1"
        try:
            check_keeps_an_admin(person, active=activate)
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            action = "user.reactivated" if activate else "user.deactivated"
            record(current_user, action, "user", person.id,
                   before={"active": person.active}, after={"active": activate})
            person.active = activate
            if not activate:
                sign_out_everywhere(person)
            db.session.commit()
            state = "reactivated" if activate else "deactivated and signed out everywhere"
            flash(f"{person.full_name} is {state}.", "success")
    else:
        flash_errors(form)
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
@role_required("admin")
def reset_link(user_id):
    person = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.user", user_id=person.id))
    purpose = "invite" if person.password_hash is None else "reset"
    token = accounts.issue_link(
        person, purpose, hours=current_app.config[f"{purpose.upper()}_TTL_HOURS"],
        created_by=current_user,
    )
    record(current_user, "user.link_issued", "user", person.id, after={"purpose": purpose})
    db.session.commit()
    endpoint = "auth.accept_invite" if purpose == "invite" else "auth.reset_password"
    link = deliver_link(person, endpoint, token, "Set your certprep password")
    return render_template("admin/link.html", user=person, link=link, purpose=purpose)


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@role_required("admin")
def sign_out_user(user_id):
    person = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        sign_out_everywhere(person)
        record(current_user, "user.signed_out_everywhere", "user", person.id)
        db.session.commit()
        flash(f"{person.full_name} is signed out on every device.", "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/sites", methods=["POST"])
@role_required("admin")
def add_membership(user_id):
    person = db.get_or_404(User, user_id)
    form = MembershipForm()
    form.site_id.choices = site_choices()
    if form.validate_on_submit():
        if db.session.get(SiteMember, (form.site_id.data, person.id)) is None:
            db.session.add(SiteMember(site_id=form.site_id.data, user_id=person.id))
            record(current_user, "site.member_added", "user", person.id,
                   after={"site_id": form.site_id.data})
            db.session.commit()
        flash("Site membership saved.", "success")
    else:
        flash_errors(form)
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/sites/<int:site_id>/remove", methods=["POST"])
@role_required("admin")
def remove_membership(user_id, site_id):
    membership = db.get_or_404(SiteMember, (site_id, user_id))
    if EmptyForm().validate_on_submit():
        db.session.delete(membership)
        record(current_user, "site.member_removed", "user", user_id, before={"site_id": site_id})
        db.session.commit()
        flash("Removed from the site.", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/sites", methods=["GET", "POST"])
@role_required("admin")
def sites():
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = create_site(form.name.data)
        except SiteError as error:
            form.name.errors.append(str(error))
        else:
            record(current_user, "site.created", "site", site.id, after={"name": site.name})
            db.session.commit()
            flash(f"Site {site.name} added.", "success")
            return redirect(url_for("admin.sites"))
    rows = db.session.execute(
        select(Site, func.count(SiteMember.user_id))
        .outerjoin(SiteMember)
        .group_by(Site.id)
        .order_by(Site.name)
    ).all()
    return render_template("admin/sites.html", form=form, sites=rows)


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def settings():
    before = Setting.get("self_registration")
    form = SettingsForm(self_registration=before == "on")
    if form.validate_on_submit():
        after = "on" if form.self_registration.data else "off"
        if after != before:
            Setting.put("self_registration", after)
            record(current_user, "settings.changed", "setting", None,
                   before={"self_registration": before}, after={"self_registration": after})
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    shared = not limits_in_one_worker(current_app) or current_app.debug or current_app.testing
    return render_template("admin/settings.html", form=form, limits_shared=shared)


AUDIT_PAGE_SIZE = 50


@bp.route("/audit")
@role_required("admin")
def audit():
    form = AuditFilterForm(request.args)
    if not form.validate():
        flash_errors(form)
        form = AuditFilterForm()
    statement = (
        select(AuditEntry).options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if form.actor.data:
        actor_ids = select(User.id).where(User.email.like(f"%{form.actor.data.lower()}%"))
        statement = statement.where(AuditEntry.actor_id.in_(actor_ids))
    if form.action.data:
        statement = statement.where(AuditEntry.action == form.action.data)
    if form.subject_id.data:
        statement = statement.where(
            AuditEntry.subject_type == "user", AuditEntry.subject_id == form.subject_id.data
        )
    entries = db.paginate(
        statement, page=form.page.data or 1, per_page=AUDIT_PAGE_SIZE, error_out=False
    )
    filters = {
        name: form[name].data for name in ("actor", "action", "subject_id") if form[name].data
    }
    return render_template("admin/audit.html", form=form, entries=entries, filters=filters)
