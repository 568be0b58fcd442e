"""Supervised practice hours: logging, sign-off, programs and eligibility."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from certprep.auth import accounts
from certprep.auth.authz import public, role_required, signed_in
from certprep.auth.models import User
from certprep.extensions import db, limiter
from certprep.forms import EmptyForm, flash_errors
from certprep.hours import (
    certificates,
    checks,
    cli,
    entries,
    exports,
    importer,
    programs,
    report,
    summary,
)
from certprep.hours.forms import (
    CEForm,
    CodeForm,
    EnrolForm,
    EntryForm,
    ImportForm,
    InviteNurseForm,
    LateLimitForm,
    ProfileForm,
    ProgramForm,
    ReassignForm,
    ReportForm,
    ReviewForm,
    SiteSettingsForm,
    WeekForm,
)
from certprep.hours.models import (
    CEActivity,
    Enrolment,
    Entry,
    NurseProfile,
    Program,
    SiteProgram,
    VerifiedReport,
)
from certprep.hours.policy import (
    can_amend,
    can_edit,
    can_invite_nurse,
    can_reassign,
    can_view,
    relation,
)
from certprep.hours.vocab import CATEGORIES
from certprep.mail import deliver_link
from certprep.org.audit import AuditEntry, record
from certprep.org.models import Setting, Site, SiteMember
from certprep.timeutil import utcnow

bp = Blueprint("hours", __name__, url_prefix="/hours")
# The public check of a report's code: no account, outside /hours.
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")
cli.register(bp)

FIELD_OF = {"day": "day", "start": "start", "end": "end", "hours": "hours", "site": "site",
            "supervisor": "supervisor", "category": "category", "encounters": "encounters",
            "late_reason": "late_reason"}


def today() -> date:
    return utcnow().date()


def me() -> User:
    return current_user._get_current_object()


# ---- the nurse's hours ----------------------------------------------------------------

@bp.route("/")
@role_required("nurse")
def index():
    nurse = me()
    rows = summary.entries_of(nurse.id)
    panels = summary.panels(nurse, on=today())
    return render_template("hours/index.html", entries=rows, panels=panels,
                           sites=entries.sites_of(nurse), button=EmptyForm())


def _choose(form: EntryForm, nurse: User) -> dict[int, list[User]]:
    sites = entries.sites_of(nurse)
    form.site.choices = [SelectChoice(s.id, s.name) for s in sites]
    by_site = entries.supervisors_by_site([s.id for s in sites])
    form.supervisor.choices = [
        SelectChoice(u.id, f"{u.display_name} ({site.name})")
        for site in sites for u in by_site[site.id] if u.id != nurse.id]
    return by_site


def _draft(form: EntryForm) -> entries.Draft:
    return entries.Draft(checks.Values(
        day=form.day.data, start=form.start.data, end=form.end.data, hours=form.hours.data,
        site_id=form.site.data, supervisor_id=form.supervisor.data,
        category=form.category.data, encounters=form.encounters.data,
        late_reason=form.late_reason.data or ""), notes=form.notes.data or "")


def _checked(form: EntryForm, nurse: User, **kwargs) -> entries.Draft | None:
    """The draft when the form and the rules accept it; errors put on the fields."""
    if not form.validate_on_submit():
        return None
    draft = _draft(form)
    errors = entries.validate(nurse, draft, today=today(), **kwargs)
    for name, message in errors.items():
        getattr(form, FIELD_OF[name]).errors.append(message)
    warnings = checks.identifier_warnings(draft.notes)
    if warnings and not form.confirm_notes.data:
        form.notes.errors.append(
            f"These notes seem to contain {', '.join(warnings)}. Notes must not identify a "
            "patient: the log is shown to supervisors and auditors, and may leave this "
            "clinic. Edit them, or tick the box below if nothing here identifies anyone.")
        form.show_confirm = True
    return None if errors or (warnings and not form.confirm_notes.data) else draft


def _last_entry(nurse_id: int) -> Entry | None:
    return db.session.scalar(select(Entry).where(Entry.nurse_id == nurse_id)
                             .order_by(Entry.created_at.desc(), Entry.id.desc()).limit(1))


@bp.route("/new", methods=["GET", "POST"])
@role_required("nurse")
def new_entry():
    nurse = me()
    form = EntryForm()
    _choose(form, nurse)
    last = _last_entry(nurse.id)
    if request.method == "GET":
        form.day.data = today()
        if last is not None:  # quick capture: the last site, supervisor and category
            form.site.data, form.supervisor.data = last.site_id, last.supervisor_id
            form.category.data = last.category
            if request.args.get("same") == "last":
                form.start.data, form.end.data = last.start, last.end
                form.hours.data = None if last.start else last.minutes / 60
                form.encounters.data = last.encounters
    draft = _checked(form, nurse)
    if draft is not None:
        entry = entries.create(nurse, draft, now=utcnow(), submit=form.submit_now.data)
        db.session.commit()
        flash(f"Logged {entry.hours:g} hours on {entry.day.isoformat()}"
              + (", submitted for sign-off." if entry.state == "submitted" else " as a draft."),
              "success")
        return redirect(url_for("hours.index"))
    return render_template("hours/entry_form.html", form=form, title="Log hours",
                           last=last, has_sites=bool(form.site.choices))


@bp.route("/week", methods=["GET", "POST"])
@role_required("nurse")
def week():
    """Several days at once: one row per day of the week, one site, supervisor and activity."""
    nurse = me()
    first = _date_arg("start") or today()
    first -= timedelta(days=first.weekday())  # the Monday
    days = [first + timedelta(days=n) for n in range(7)]
    form = WeekForm()
    _choose(form, nurse)
    last = _last_entry(nurse.id)
    if request.method == "GET" and last is not None:
        form.site.data, form.supervisor.data = last.site_id, last.supervisor_id
        form.category.data = last.category
    for day, field in zip(days, form.days, strict=True):
        field.label.text = f"{day:%A} {day.isoformat()}"
    if form.validate_on_submit():
        drafts, failed = [], False
        for day, field in zip(days, form.days, strict=True):
            if field.data is None:
                continue
            draft = entries.Draft(checks.Values(
                day=day, start=None, end=None, hours=field.data, site_id=form.site.data,
                supervisor_id=form.supervisor.data, category=form.category.data,
                encounters=0, late_reason=form.late_reason.data or ""))
            errors = entries.validate(nurse, draft, today=today())
            for name, message in errors.items():
                target = field if name in ("day", "hours", "late_reason") else getattr(
                    form, FIELD_OF[name])
                if message not in target.errors:
                    target.errors.append(message)
            failed = failed or bool(errors)
            drafts.append(draft)
        if not drafts and not failed:
            form.days[0].errors.append("Give the hours of at least one day.")
        elif not failed:
            for draft in drafts:
                entries.create(nurse, draft, now=utcnow(), submit=form.submit_now.data)
            db.session.commit()
            total = sum(d.values.hours for d in drafts)
            flash(f"Logged {total:g} hours on {len(drafts)} day"
                  f"{'' if len(drafts) == 1 else 's'}.", "success")
            return redirect(url_for("hours.index"))
    return render_template("hours/week.html", form=form, days=days, sites=entries.sites_of(nurse),
                           previous=days[0] - timedelta(days=7),
                           following=days[0] + timedelta(days=7))


def _own_entry(entry_id: int) -> Entry:
    entry = db.get_or_404(Entry, entry_id)
    if not can_view(me(), entry, entries.site_ids_of(me())):
        abort(404)
    return entry


@bp.route("/<int:entry_id>")
@signed_in
def entry(entry_id):
    item = _own_entry(entry_id)
    trail = db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_type == "entry",
                                 AuditEntry.subject_id == item.id)
        .order_by(AuditEntry.at, AuditEntry.id)).all()
    reassign = None
    if can_reassign(me(), item):
        reassign = ReassignForm()
        reassign.supervisor.choices = [
            SelectChoice(u.id, u.display_name)
            for u in entries.supervisors_by_site([item.site_id])[item.site_id]
            if u.id != item.nurse_id]
    return render_template("hours/entry.html", entry=item, trail=trail, button=EmptyForm(),
                           rel=relation(me(), item, entries.site_ids_of(me())),
                           reassign=reassign)


def _entry_form(entry: Entry, nurse) -> EntryForm:
    """The entry form, filled from `entry` on GET: for an edit or an amendment of it."""
    form = EntryForm(obj=entry if request.method == "GET" else None)
    _choose(form, nurse)
    if request.method == "GET":
        form.site.data, form.supervisor.data = entry.site_id, entry.supervisor_id
        form.hours.data = None if entry.start else entry.minutes / 60
    return form


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required("nurse")
def edit_entry(entry_id):
    nurse, item = me(), _own_entry(entry_id)
    if not can_edit(nurse, item):
        flash("This entry cannot be edited now: only drafts, returned and withdrawn entries "
              "can. To correct an approved entry, create an amendment.", "error")
        return redirect(url_for("hours.entry", entry_id=item.id))
    form = _entry_form(item, nurse)
    draft = _checked(form, nurse, entry=item)
    if draft is not None:
        entries.edit(item, draft, nurse, now=utcnow(), submit=form.submit_now.data)
        db.session.commit()
        flash("Entry saved.", "success")
        return redirect(url_for("hours.entry", entry_id=item.id))
    return render_template("hours/entry_form.html", form=form, title="Edit entry", entry=item,
                           has_sites=True)


@bp.route("/<int:entry_id>/amend", methods=["GET", "POST"])
@role_required("nurse")
def amend_entry(entry_id):
    nurse, original = me(), _own_entry(entry_id)
    if not can_amend(nurse, original):
        flash("Only your own approved entries can be amended.", "error")
        return redirect(url_for("hours.entry", entry_id=original.id))
    form = _entry_form(original, nurse)
    draft = _checked(form, nurse, amends=original)
    if draft is not None:
        entries.create(nurse, draft, now=utcnow(), submit=True, amends=original)
        db.session.commit()
        flash("Amendment submitted for sign-off. The approved entry counts until the "
              "amendment is approved.", "success")
        return redirect(url_for("hours.index"))
    return render_template("hours/entry_form.html", form=form, title="Amend approved entry",
                           entry=original, has_sites=True)


def _state_change(entry_id: int, action: str, done: str):
    item = _own_entry(entry_id)
    if EmptyForm().validate_on_submit():
        try:
            entries.change_state(item, action, me(), now=utcnow())
        except entries.EntryRefused as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for("hours.entry", entry_id=item.id))


@bp.route("/<int:entry_id>/submit", methods=["POST"])
@role_required("nurse")
def submit_entry(entry_id):
    return _state_change(entry_id, "submit", "Submitted for sign-off.")


@bp.route("/<int:entry_id>/withdraw", methods=["POST"])
@role_required("nurse")
def withdraw_entry(entry_id):
    return _state_change(entry_id, "withdraw", "Withdrawn. You can edit it and submit again.")


@bp.route("/<int:entry_id>/reassign", methods=["POST"])
@role_required("admin")
def reassign_entry(entry_id):
    item = db.get_or_404(Entry, entry_id)
    form = ReassignForm()
    supervisors = entries.supervisors_by_site([item.site_id])[item.site_id]
    form.supervisor.choices = [SelectChoice(u.id, u.display_name) for u in supervisors]
    if form.validate_on_submit():
        new = db.session.get(User, form.supervisor.data) if form.supervisor.data else None
        try:
            if new is None:
                raise entries.EntryRefused("Choose a supervisor of this entry's site.")
            entries.reassign(item, new, me(), site_supervisor_ids={u.id for u in supervisors})
        except entries.EntryRefused as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Reassigned to {new.full_name}.", "success")
    else:
        flash_errors(form)
    return redirect(url_for("hours.entry", entry_id=item.id))


@bp.route("/import", methods=["GET", "POST"])
@role_required("nurse")
def import_entries():
    nurse = me()
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        report = importer.check_rows(nurse, form.file.data.read(), today=today())
        if not report.errors:
            importer.store(nurse, report, now=utcnow())
            db.session.commit()
            flash(f"Imported {report.imported} entries ({report.as_json()['hours']:g} hours), "
                  "submitted for sign-off.", "success")
            return redirect(url_for("hours.index"))
    return render_template("hours/import.html", form=form, report=report,
                           sites=entries.sites_of(nurse), header=",".join(importer.HEADER))


@bp.route("/import/template.csv")
@role_required("nurse")
def import_template():
    return Response(importer.TEMPLATE, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=certprep-hours-template.csv"})


@bp.route("/profile", methods=["GET", "POST"])
@role_required("nurse")
def profile():
    """The non-hour requirements: RN licence and RN practice."""
    nurse = me()
    found = db.session.get(NurseProfile, nurse.id)
    form = ProfileForm(obj=found if request.method == "GET" else None)
    if form.validate_on_submit():
        found = found or NurseProfile(user_id=nurse.id)
        form.populate_obj(found)
        found.licence_number = (found.licence_number or "").strip()
        found.licence_region = (found.licence_region or "").strip()
        db.session.add(found)
        db.session.commit()
        flash("Your RN details are saved.", "success")
        return redirect(url_for("hours.index"))
    return render_template("hours/profile.html", form=form)


@bp.route("/ce", methods=["GET", "POST"])
@role_required("nurse")
def ce():
    nurse = me()
    form = CEForm()
    if form.validate_on_submit():
        data = form.certificate.data.read() if form.certificate.data else b""
        refused = certificates.problem(data) if data else None
        if refused:
            form.certificate.errors.append(refused)
        else:
            activity = CEActivity(
                user_id=nurse.id, title=form.title.data.strip(),
                provider=form.provider.data.strip(), day=form.day.data,
                contact_hours=form.contact_hours.data,
                accreditation=(form.accreditation.data or "").strip(),
                certificate=data or None,
                certificate_type=certificates.content_type(data) or "" if data else "",
                certificate_name=(form.certificate.data.filename or "")[:200] if data else "")
            db.session.add(activity)
            db.session.commit()
            flash(f"Added {activity.title} ({activity.contact_hours:g} contact hours).",
                  "success")
            return redirect(url_for("hours.ce"))
    activities = db.session.scalars(select(CEActivity).where(CEActivity.user_id == nurse.id)
                                    .order_by(CEActivity.day.desc())).all()
    return render_template("hours/ce.html", form=form, activities=activities)


@bp.route("/ce/<int:activity_id>/certificate")
@role_required("nurse")
def ce_certificate(activity_id):
    activity = db.get_or_404(CEActivity, activity_id)
    if activity.user_id != me().id or activity.certificate is None:
        abort(404)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
    return Response(activity.certificate, mimetype=activity.certificate_type, headers={
        "Content-Disposition": f"attachment; filename=certificate-{activity.id}."
                               f"{extension[activity.certificate_type]}",
        "X-Content-Type-Options": "nosniff"})


# ---- exports and the verified report --------------------------------------------------

def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/export/entries.csv")
@role_required("nurse")
def export_entries():
    rows = summary.entries_of(me().id, limit=None)
    return _download(exports.entries_csv(rows), "text/csv", "certprep-hours.csv")


@bp.route("/export/ce.csv")
@role_required("nurse")
def export_ce():
    rows = db.session.scalars(select(CEActivity).where(CEActivity.user_id == me().id)
                              .order_by(CEActivity.day)).all()
    return _download(exports.ce_csv(rows), "text/csv", "certprep-ce.csv")


@bp.route("/export.json")
@role_required("nurse")
def export_json():
    """Everything certprep holds about the nurse's hours, for portability."""
    return _download(jsonify(summary.portable(me())).get_data(), "application/json",
                     "certprep-my-data.json")


@bp.route("/reports", methods=["GET", "POST"])
@role_required("nurse")
def reports():
    nurse = me()
    form = ReportForm()
    form.program.choices = [SelectChoice(p.id, p.name)
                            for p in db.session.scalars(select(Program).order_by(Program.name))]
    if request.method == "GET" and programs.programs_for(nurse):
        form.program.data = programs.programs_for(nurse)[0].id
    if form.validate_on_submit():
        program = db.session.get(Program, form.program.data)
        if program is None:
            form.program.errors.append("Choose one of the programs listed.")
        else:
            issued = utcnow()
            figures = summary.eligibility_for(nurse, program, issued.date())
            approved = summary.approved_in(nurse.id, program, figures.window_start,
                                           figures.window_end)
            contents = report.contents(nurse, program, figures, approved, issued=issued)
            code = report.code_for(contents, current_app.config["SECRET_KEY"])
            db.session.add(VerifiedReport(code=code, nurse_id=nurse.id, summary=contents,
                                          issued_at=issued))
            db.session.commit()
            body = report.pdf(contents, code, url_for("verify.check", code=code,
                                                       _external=True))
            return _download(body, "application/pdf", f"certprep-hours-{code}.pdf")
    issued = db.session.scalars(select(VerifiedReport).where(VerifiedReport.nurse_id ==
                                                             nurse.id)
                                .order_by(VerifiedReport.issued_at.desc())).all()
    return render_template("hours/reports.html", form=form, issued=issued, button=EmptyForm())


@bp.route("/reports/<int:report_id>/revoke", methods=["POST"])
@role_required("nurse")
def revoke_report(report_id):
    issued = db.get_or_404(VerifiedReport, report_id)
    if issued.nurse_id != me().id:
        abort(404)
    if EmptyForm().validate_on_submit() and issued.revoked_at is None:
        issued.revoked_at = utcnow()
        db.session.commit()
        flash("The report is revoked: its code now says so.", "success")
    return redirect(url_for("hours.reports"))


def _verify_limit():
    return current_app.config.get("VERIFY_LIMIT", "30 per minute")


@verify_bp.route("")
@limiter.limit(_verify_limit, scope="verify")
@public
def form():
    code_form = CodeForm(request.args, meta={"csrf": False})
    if request.args.get("code") and code_form.validate():
        return redirect(url_for("verify.check", code=report.normalise_code(code_form.code.data)))
    return render_template("hours/verify_form.html", form=code_form)


@verify_bp.route("/<code>")
@limiter.limit(_verify_limit, scope="verify")
@public
def check(code):
    code = report.normalise_code(code)
    stored = db.session.scalar(select(VerifiedReport).where(VerifiedReport.code == code))
    result = report.verdict(stored, code, current_app.config["SECRET_KEY"])
    status = 200 if result == "genuine" else 404 if result == "unknown" else 409
    return render_template("hours/verify.html", result=result, stored=stored,
                           summary=stored.summary if result == "genuine" else None,
                           code=code), status


# ---- the supervisor's queue -----------------------------------------------------------

@bp.route("/review", methods=["GET", "POST"])
@role_required("supervisor")
def review():
    supervisor = me()
    form = ReviewForm()
    if form.validate_on_submit():
        outcome = entries.review(form.entry.data, form.action.data, supervisor,
                                 note=form.note.data or "", now=utcnow())
        db.session.commit()
        if outcome.done:
            verb = {"approve": "Approved", "return": "Returned", "reject": "Rejected"}
            flash(f"{verb[form.action.data]} {len(outcome.done)} "
                  f"entr{'y' if len(outcome.done) == 1 else 'ies'}.", "success")
        for message in outcome.refused:
            flash(message, "error")
        return redirect(url_for("hours.review", **request.args))
    if request.method == "POST":
        flash_errors(form)
        return redirect(url_for("hours.review", **request.args))
    nurse_id = request.args.get("nurse", type=int)
    start = _date_arg("from")
    end = _date_arg("to")
    queue = summary.queue(supervisor.id, entries.site_ids_of(supervisor), nurse_id=nurse_id,
                          start=start, end=end)
    nurses = summary.queue_nurses(supervisor.id)
    return render_template("hours/review.html", form=form, queue=queue, nurses=nurses,
                           attestation=entries.ATTESTATION, nurse_id=nurse_id, start=start,
                           end=end)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# ---- programs, enrolment, sites -------------------------------------------------------

@bp.route("/programs", methods=["GET", "POST"])
@role_required("admin")
def program_list():
    form = ProgramForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Program.id).where(Program.name == form.name.data.strip())):
            form.name.errors.append("A program with this name exists: choose another name.")
        else:
            program = Program()
            _fill_program(program, form)
            db.session.add(program)
            db.session.flush()
            record(me(), "program.created", "program", program.id, after={"name": program.name})
            db.session.commit()
            flash(f"Program {program.name} created.", "success")
            return redirect(url_for("hours.program_list"))
    listed = db.session.scalars(select(Program).order_by(Program.name)).all()
    late = LateLimitForm(formdata=None, days=entries.late_limit_days())
    return render_template("hours/programs.html", programs=listed, form=form,
                           button=EmptyForm(), presets=programs.PRESETS, late=late)


@bp.route("/settings/late-limit", methods=["POST"])
@role_required("admin")
def late_limit():
    form = LateLimitForm()
    if form.validate_on_submit():
        before = entries.late_limit_days()
        Setting.put("late_entry_days", str(form.days.data))
        record(me(), "settings.changed", "setting", None, before={"late_entry_days": before},
               after={"late_entry_days": form.days.data})
        db.session.commit()
        flash(f"Entries older than {form.days.data} days now need a late-entry reason.",
              "success")
    else:
        flash_errors(form)
    return redirect(url_for("hours.program_list"))


@bp.route("/programs/presets", methods=["POST"])
@role_required("admin")
def install_presets():
    if EmptyForm().validate_on_submit():
        for program in programs.install_presets():
            record(me(), "program.created", "program", program.id,
                   after={"name": program.name, "preset": True})
        db.session.commit()
        flash("The preset programs are installed.", "success")
    return redirect(url_for("hours.program_list"))


def _fill_program(program: Program, form: ProgramForm) -> None:
    for name in ("certifying_body", "practice_hours", "window_years", "ce_hours",
                 "ce_window_years", "target_score", "requires_rn_licence",
                 "rn_practice_years"):
        setattr(program, name, getattr(form, name).data)
    program.name = form.name.data.strip()
    program.categories = list(form.categories.data or [])
    program.note = (form.note.data or "").strip()
    if form.is_default.data:
        programs.set_default(program)


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_program(program_id):
    program = db.get_or_404(Program, program_id)
    form = ProgramForm(obj=program if request.method == "GET" else None)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Program.id).where(
            Program.name == form.name.data.strip(), Program.id != program.id))
        if clash:
            form.name.errors.append("Another program has this name: choose another.")
        else:
            before = _program_values(program)
            _fill_program(program, form)
            record(me(), "program.changed", "program", program.id, before=before,
                   after=_program_values(program))
            db.session.commit()
            flash("Program saved.", "success")
            return redirect(url_for("hours.program_list"))
    return render_template("hours/program.html", form=form, program=program)


def _program_values(program: Program) -> dict:
    return {name: getattr(program, name) for name in (
        "name", "certifying_body", "practice_hours", "window_years", "ce_hours",
        "ce_window_years", "categories", "target_score", "requires_rn_licence",
        "rn_practice_years", "note", "is_default")}


@bp.route("/programs/mine", methods=["GET", "POST"])
@role_required("nurse")
def enrol():
    nurse = me()
    form = EnrolForm()
    form.program.choices = [SelectChoice(p.id, p.name) for p in
                            db.session.scalars(select(Program).order_by(Program.name))]
    if form.validate_on_submit():
        program = db.session.get(Program, form.program.data)
        if program is None:
            form.program.errors.append("Choose one of the programs listed.")
        else:
            enrolment = db.session.get(Enrolment, (nurse.id, program.id)) or Enrolment(
                user_id=nurse.id, program_id=program.id)
            enrolment.target_date = form.target_date.data
            db.session.add(enrolment)
            record(me(), "program.enrolled", "program", program.id, after={
                "target_date": form.target_date.data and form.target_date.data.isoformat()})
            db.session.commit()
            flash(f"You are enrolled in {program.name}.", "success")
            return redirect(url_for("hours.enrol"))
    mine = db.session.scalars(select(Enrolment).where(Enrolment.user_id == nurse.id)).all()
    return render_template("hours/enrol.html", form=form, enrolments=mine,
                           tracked=programs.programs_for(nurse), button=EmptyForm())


@bp.route("/programs/mine/<int:program_id>/leave", methods=["POST"])
@role_required("nurse")
def leave_program(program_id):
    enrolment = db.get_or_404(Enrolment, (me().id, program_id))
    if EmptyForm().validate_on_submit():
        db.session.delete(enrolment)
        record(me(), "program.unenrolled", "program", program_id)
        db.session.commit()
        flash("You left the program.", "success")
    return redirect(url_for("hours.enrol"))


@bp.route("/sites", methods=["GET", "POST"])
@role_required("supervisor", "admin")
def sites():
    """A supervisor's sites and who joined them; adding a nurse by email."""
    user = me()
    if user.has_role("admin"):
        mine = db.session.scalars(select(Site).order_by(Site.name)).all()
    else:
        mine = entries.sites_of(user)
    form = InviteNurseForm()
    site_id = request.form.get("site_id", type=int)
    if form.validate_on_submit():
        site = next((s for s in mine if s.id == site_id), None)
        nurse = User.by_email(form.email.data)
        if site is None or not can_invite_nurse(user, site.id, entries.site_ids_of(user)):
            flash("Choose one of the sites you supervise.", "error")
        elif nurse is None:
            if not (form.full_name.data or "").strip():
                form.full_name.errors.append("No account has this email: give the nurse's "
                                             "full name to invite them.")
            else:
                return _invite_nurse(user, site, form)
        elif not nurse.has_role("nurse"):
            form.email.errors.append("This account is not a nurse's. Ask an administrator "
                                     "to give it the nurse role.")
        elif db.session.get(SiteMember, (site.id, nurse.id)) is not None:
            flash(f"{nurse.full_name} is already a member of {site.name}.", "info")
        else:
            db.session.add(SiteMember(site_id=site.id, user_id=nurse.id))
            record(user, "site.member_added", "user", nurse.id, after={"site_id": site.id})
            db.session.commit()
            flash(f"{nurse.full_name} joined {site.name}.", "success")
            return redirect(url_for("hours.sites"))
    members = summary.members_of([s.id for s in mine])
    settings = None
    if user.has_role("admin"):
        settings = {}
        choices = [SelectChoice(0, "The installation's default")] + [
            SelectChoice(p.id, p.name)
            for p in db.session.scalars(select(Program).order_by(Program.name))]
        defaults = {sp.site_id: sp.default_program_id for sp in
                    db.session.scalars(select(SiteProgram))}
        for site in mine:
            settings_form = SiteSettingsForm(prefix=f"s{site.id}", formdata=None,
                                             open_for_registration=site.open_for_registration,
                                             default_program=defaults.get(site.id) or 0)
            settings_form.default_program.choices = choices
            settings[site.id] = settings_form
    return render_template("hours/sites.html", sites=mine, members=members, form=form,
                           settings=settings)


def _invite_nurse(supervisor: User, site: Site, form: InviteNurseForm):
    """A new account, an invited nurse and a member of `site`, with the usual invite link:
    mailed, or shown to the supervisor to pass on."""
    try:
        nurse = accounts.create_user(form.email.data, form.full_name.data, {"nurse"})
    except accounts.AccountError as error:
        form.email.errors.append(str(error))
        return render_template("hours/sites.html", sites=[site], members=summary.members_of(
            [site.id]), form=form, settings=None)
    db.session.add(SiteMember(site=site, user=nurse))
    token = accounts.issue_link(nurse, "invite", hours=current_app.config["INVITE_TTL_HOURS"],
                                created_by=supervisor)
    record(supervisor, "user.invited", "user", nurse.id, after={
        "email": nurse.email, "roles": ["nurse"], "site_id": site.id})
    db.session.commit()
    link = deliver_link(nurse, "auth.accept_invite", token, "Your certprep invitation")
    return render_template("hours/invite_link.html", user=nurse, link=link, site=site)


@bp.route("/sites/<int:site_id>/settings", methods=["POST"])
@role_required("admin")
def site_settings(site_id):
    site = db.get_or_404(Site, site_id)
    form = SiteSettingsForm(prefix=f"s{site.id}")
    form.default_program.choices = [SelectChoice(0, "")] + [
        SelectChoice(p.id, p.name) for p in db.session.scalars(select(Program))]
    if form.validate_on_submit():
        chosen = form.default_program.data or None
        if chosen is not None and db.session.get(Program, chosen) is None:
            flash("Choose one of the programs listed.", "error")
            return redirect(url_for("hours.sites"))
        before = {"open_for_registration": site.open_for_registration}
        site.open_for_registration = form.open_for_registration.data
        link = db.session.get(SiteProgram, site.id) or SiteProgram(site_id=site.id)
        before["default_program_id"] = link.default_program_id
        link.default_program_id = chosen
        db.session.add(link)
        record(me(), "site.opened", "site", site.id, before=before, after={
            "open_for_registration": site.open_for_registration,
            "default_program_id": chosen})
        db.session.commit()
        flash(f"{site.name} saved.", "success")
    else:
        flash_errors(form)
    return redirect(url_for("hours.sites"))


@bp.app_template_global()
def category_labels() -> dict[str, str]:
    return CATEGORIES


