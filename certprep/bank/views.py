"""Educators' pages for question sets: upload with preview, browse, edit, export."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import PurePath

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import selectinload

from certprep.auth.authz import role_required, signed_in
from certprep.bank import editing, outline
from certprep.bank.exporter import EXPORT_FORMATS, export_set
from certprep.bank.formats import csv_format
from certprep.bank.formats.records import NotUtf8
from certprep.bank.forms import QuestionForm, SetSearchForm, UploadForm
from certprep.bank.importer import import_result, summary
from certprep.bank.models import (
    Media,
    PendingUpload,
    Question,
    QuestionSet,
    QuestionVersion,
)
from certprep.bank.packages import BadPackage, parse_upload, readable_texts
from certprep.bank.versions import to_record
from certprep.extensions import db
from certprep.forms import EmptyForm
from certprep.timeutil import utcnow

bp = Blueprint("bank", __name__, url_prefix="/bank")

EDITORS = ("educator", "admin")
PREVIEW_QUESTIONS = 5
PENDING_LIFETIME = timedelta(hours=24)


@bp.route("/")
@role_required(*EDITORS)
def sets():
    counts = (
        select(Question.set_id, func.count().label("questions"))
        .where(Question.retired.is_(False))
        .group_by(Question.set_id)
        .subquery()
    )
    rows = db.session.execute(
        select(QuestionSet, func.coalesce(counts.c.questions, 0))
        .outerjoin(counts, counts.c.set_id == QuestionSet.id)
        .order_by(QuestionSet.status, QuestionSet.title)
    ).all()
    return render_template("bank/sets.html", sets=rows)


# Upload, preview, confirm or cancel ------------------------------------------------


@bp.route("/upload", methods=["GET", "POST"])
@role_required(*EDITORS)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        filename = PurePath(form.file.data.filename or "upload").name[:255]
        try:
            readable_texts(data, filename)  # parsed for the preview, not twice here
        except (NotUtf8, BadPackage) as error:
            form.file.errors.append(str(error))
        else:
            db.session.execute(delete(PendingUpload).where(
                PendingUpload.created_at < utcnow() - PENDING_LIFETIME
            ))
            pending = PendingUpload(
                token=secrets.token_urlsafe(24), owner_id=current_user.id, filename=filename,
                format=form.format.data, title=(form.title.data or "").strip(), data=data,
            )
            db.session.add(pending)
            db.session.commit()
            return redirect(url_for("bank.preview", token=pending.token))
    return render_template("bank/upload.html", form=form)


def pending_or_404(token: str) -> PendingUpload:
    pending = db.session.scalar(select(PendingUpload).where(
        PendingUpload.token == token, PendingUpload.owner_id == current_user.id
    ))
    if pending is None:
        abort(404)
    return pending


def parse_pending(pending: PendingUpload):
    return parse_upload(pending.data, pending.filename, pending.format)


@bp.route("/upload/<token>")
@role_required(*EDITORS)
def preview(token):
    pending = pending_or_404(token)
    result = parse_pending(pending)
    report = summary(result, pending.filename)
    title = pending.title or result.set_info.get("title") or PurePath(pending.filename).stem
    sample = [q for q in result.questions if q.importable][:PREVIEW_QUESTIONS]
    return render_template(
        "bank/preview.html", pending=pending, report=report, sample=sample, title=title,
        button=EmptyForm(), labels=outline,
    )


@bp.route("/upload/<token>/confirm", methods=["POST"])
@role_required(*EDITORS)
def confirm_upload(token):
    pending = pending_or_404(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    result = parse_pending(pending)
    if result.errors:
        flash("This file still has errors; fix them and upload it again.", "error")
        return redirect(url_for("bank.preview", token=token))
    info = result.set_info
    title = pending.title or info.get("title") or PurePath(pending.filename).stem
    report = import_result(
        result, title=title, slug=None if pending.title else info.get("id"),
        description=info.get("description", ""), owner_id=current_user.id,
    )
    db.session.delete(pending)
    db.session.commit()
    flash(
        f"Imported into {report.question_set.title}: {report.added} new, {report.changed} "
        f"changed, {report.unchanged} unchanged, {report.retired} retired, "
        f"{report.skipped} skipped. The set is a draft until you publish it.",
        "success",
    )
    for warning in report.warnings:
        flash(warning, "warning")
    return redirect(url_for("bank.show_set", set_id=report.question_set.id))


@bp.route("/upload/<token>/cancel", methods=["POST"])
@role_required(*EDITORS)
def cancel_upload(token):
    pending = pending_or_404(token)
    if EmptyForm().validate_on_submit():
        db.session.delete(pending)
        db.session.commit()
        flash("Upload cancelled; nothing was imported.", "info")
    return redirect(url_for("bank.upload"))


@bp.route("/template.csv")
@role_required(*EDITORS)
def csv_template():
    return Response(
        csv_format.TEMPLATE,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=certprep-questions-template.csv"},
    )


# Sets and questions -----------------------------------------------------------------


@bp.route("/sets/<int:set_id>")
@role_required(*EDITORS)
def show_set(set_id):
    question_set = db.get_or_404(QuestionSet, set_id)
    form = SetSearchForm(request.args)
    statement = (
        select(Question)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.set_id == set_id)
        .options(selectinload(Question.current))
        .order_by(Question.retired, Question.position, Question.id)
    )
    if form.domain.data:
        statement = statement.where(QuestionVersion.domain == form.domain.data)
    if form.q.data:
        pattern = f"%{form.q.data.strip()}%"
        statement = statement.where(or_(
            Question.external_id.ilike(pattern),
            func.cast(QuestionVersion.content, db.Text).ilike(pattern),
        ))
    questions = db.session.scalars(statement).all()
    return render_template(
        "bank/set.html", question_set=question_set, questions=questions, form=form,
        button=EmptyForm(), export_formats=EXPORT_FORMATS, labels=outline,
    )


@bp.route("/sets/<int:set_id>/status", methods=["POST"])
@role_required(*EDITORS)
def set_status(set_id):
    question_set = db.get_or_404(QuestionSet, set_id)
    status = request.form.get("status")
    if EmptyForm().validate_on_submit() and status in ("draft", "published", "retired"):
        question_set.status = status
        db.session.commit()
        flash(f"{question_set.title} is now {status}.", "success")
    return redirect(url_for("bank.show_set", set_id=set_id))


@bp.route("/sets/<int:set_id>/export/<export_format>")
@role_required(*EDITORS)
def export(set_id, export_format):
    question_set = db.get_or_404(QuestionSet, set_id)
    if export_format not in EXPORT_FORMATS:
        abort(404)
    extension, mimetype = EXPORT_FORMATS[export_format]
    return Response(
        export_set(question_set, export_format),
        mimetype=mimetype,
        headers={"Content-Disposition":
                 f"attachment; filename={question_set.slug}.{extension}"},
    )


def question_or_404(question_id: int) -> Question:
    return db.get_or_404(Question, question_id)


@bp.route("/questions/<int:question_id>")
@role_required(*EDITORS)
def show_question(question_id):
    question = question_or_404(question_id)
    version_number = request.args.get("version", type=int)
    version = next((v for v in question.versions if v.number == version_number),
                   question.current)
    return render_template(
        "bank/question.html", question=question, version=version,
        record=to_record(version), button=EmptyForm(), labels=outline,
    )


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_question(question_id):
    question = question_or_404(question_id)
    form = QuestionForm()
    if request.method == "GET":
        editing.fill_form(form, to_record(question.current))
    if form.validate_on_submit():
        parsed, errors = editing.from_form(form)
        if errors:
            form.source.errors.extend(errors)
        else:
            changed = editing.save_edit(question, parsed, current_user.id, form.note.data or "")
            db.session.commit()
            if changed:
                flash(f"Saved as version {question.current.number}.", "success")
            else:
                flash("Nothing changed, so no new version was made.", "info")
            return redirect(url_for("bank.show_question", question_id=question.id))
    return render_template("bank/edit.html", question=question, form=form)


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@role_required(*EDITORS)
def retire_question(question_id):
    question = question_or_404(question_id)
    if EmptyForm().validate_on_submit():
        question.retired = request.form.get("retired") == "1"
        db.session.commit()
        state = "retired: nurses no longer see it" if question.retired else "restored"
        flash(f"Question {question.external_id} {state}.", "success")
    return redirect(url_for("bank.show_question", question_id=question_id))


@bp.route("/media/<int:set_id>/<path:name>")
@signed_in
def media(set_id, name):
    item = db.session.scalar(select(Media).where(Media.set_id == set_id, Media.name == name))
    if item is None:
        abort(404)
    question_set = db.session.get(QuestionSet, set_id)
    if question_set.status != "published" and not current_user.has_role(*EDITORS):
        abort(404)
    response = Response(item.data, mimetype=item.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
