"""Educators' pages for question sets: upload with preview, browse, edit, publish, export.

Each view declares its roles once (`role_required`); what a person may do with a particular
set or upload is decided by the pure rules in `bank/rules.py`, which the views call.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil
from pathlib import PurePath

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import case, delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import (
    aliased,
    contains_eager,
    defer,
    load_only,
    selectinload,
    with_expression,
)

from certprep.auth.authz import role_required, signed_in
from certprep.auth.models import User
from certprep.bank import editing, importer, outline, rules
from certprep.bank.exporter import EXPORT_FORMATS, export_set
from certprep.bank.formats import csv_format
from certprep.bank.formats.records import KINDS, NotUtf8
from certprep.bank.forms import (
    FORMAT_LABELS,
    LARGEST_ID,
    AddEditorForm,
    ConfirmUploadForm,
    QuestionForm,
    RemoveEditorForm,
    RetireQuestionForm,
    SetSearchForm,
    SetStatusForm,
    UploadForm,
    format_label,
)
from certprep.bank.models import (
    PUBLISHED,
    Media,
    PendingUpload,
    Question,
    QuestionSet,
    QuestionVersion,
    SetEditor,
    live_question_conditions,
    version_media,
)
from certprep.bank.packages import BadPackage, parse_upload, readable_texts
from certprep.bank.reports import REPORT_REASON_LABELS, QuestionReport
from certprep.bank.versions import change_status, revision_counts, set_retired, to_record
from certprep.extensions import db
from certprep.forms import EmptyForm
from certprep.org.audit import record
from certprep.timeutil import utcnow

bp = Blueprint("bank", __name__, url_prefix="/bank")

EDITORS = rules.BANK_ROLES
PER_PAGE = 25
PENDING_LIFETIME = timedelta(hours=24)
DOMAIN_LABELS = {key: outline.label(key) for key in outline.DOMAINS}
KIND_LABELS = {kind: kind.replace("_", " ") for kind in KINDS}
EXPORT_LABELS = {"native": "certprep YAML", "gift": "GIFT", "moodle-xml": "Moodle XML"}


def whole_number(name: str, default: int | None = None) -> int | None:
    """A positive whole number from the query string; 404 for one no list could have
    (the database would refuse it as an integer)."""
    value = request.args.get(name, default, type=int) if name in request.args else default
    if value is not None and not 1 <= value <= LARGEST_ID:
        abort(404)
    return value


def page_labels() -> dict:
    """Lookups the bank's templates use per row: plain dicts, no filter calls."""
    return {"domain_labels": DOMAIN_LABELS, "kind_labels": KIND_LABELS,
            "format_label": format_label, "labels": outline}


# Object rules: the relation is looked up once, the rule decides ------------------------


def relation_to(question_set: QuestionSet) -> str:
    """The signed-in person's tie to the set: "own", "co-editor" or "other"."""
    if question_set.owner_id is not None and question_set.owner_id == current_user.id:
        return "own"
    editor = db.session.scalar(select(SetEditor.user_id).where(
        SetEditor.set_id == question_set.id, SetEditor.user_id == current_user.id
    ))
    return "co-editor" if editor is not None else "other"


def set_or_404(set_id: int, rule=rules.can_view_set) -> tuple[QuestionSet, str]:
    """The set and the relation, when `rule` allows: 404 for a set the person may not even
    see (its existence is not told), 403 for one they see but may not change this way."""
    question_set = db.get_or_404(QuestionSet, set_id)
    relation = relation_to(question_set)
    if not rules.can_view_set(current_user, question_set, relation):
        abort(404)
    if not rule(current_user, question_set, relation):
        abort(403)
    return question_set, relation


def question_or_404(question_id: int, rule=rules.can_view_set) -> tuple[Question, str]:
    question = db.get_or_404(Question, question_id)
    _, relation = set_or_404(question.set_id, rule)
    return question, relation


def pending_or_404(token: str) -> PendingUpload:
    pending = db.session.scalar(select(PendingUpload).where(PendingUpload.token == token))
    if pending is None or not rules.can_use_upload(current_user, pending):
        abort(404)
    return pending


# The list of sets ------------------------------------------------------------------


@bp.route("/")
@role_required(*EDITORS)
def sets():
    counts = (
        select(
            Question.set_id,
            func.count().filter(Question.retired.is_(False)).label("questions"),
            func.count().filter(or_(Question.draft_version_id.is_not(None),
                                    Question.pending_retired.is_not(None))).label("waiting"),
        )
        .group_by(Question.set_id)
        .subquery()
    )
    page = db.paginate(
        select(QuestionSet)
        .outerjoin(counts, counts.c.set_id == QuestionSet.id)
        .where(rules.viewable_sets(current_user))
        .options(
            with_expression(QuestionSet.question_count, func.coalesce(counts.c.questions, 0)),
            with_expression(QuestionSet.waiting_count, func.coalesce(counts.c.waiting, 0)),
            selectinload(QuestionSet.owner).load_only(User.full_name).lazyload(User.roles),
        )
        .order_by(QuestionSet.status, QuestionSet.title, QuestionSet.id),
        page=whole_number("page", 1), per_page=PER_PAGE,
    )
    return render_template("bank/sets.html", page=page, set_prefix=url_for("bank.sets"),
                           **page_labels())


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


def parse_pending(pending: PendingUpload):
    """The upload parsed, with every reason it cannot be imported among its errors."""
    result = parse_upload(pending.data, pending.filename, pending.format)
    limit = current_app.config.get("MAX_QUESTIONS_PER_FILE", importer.MAX_QUESTIONS_PER_FILE)
    return importer.check_importable(result, limit)


@dataclass
class Target:
    """Where an upload would go: the set it names, and whether this person may update it."""

    title: str
    existing: QuestionSet | None
    may_update: bool
    may_view: bool  # whether the page may even say that the set exists


def upload_target(pending: PendingUpload, result) -> Target:
    info = result.set_info
    title = (pending.title or info.get("title") or PurePath(pending.filename).stem)[:200]
    slug = (None if pending.title else info.get("id")) or importer.slugify(title)
    existing = db.session.scalar(select(QuestionSet).where(QuestionSet.slug == slug))
    if existing is None:
        return Target(title, None, False, False)
    relation = relation_to(existing)
    return Target(title, existing, rules.can_edit_set(current_user, existing, relation),
                  rules.can_view_set(current_user, existing, relation))


@dataclass
class ListPage:
    """One page of a list held in memory (the questions of a parsed file)."""

    items: list
    page: int
    pages: int
    total: int
    per_page: int

    @classmethod
    def of(cls, items: list, per_page: int) -> ListPage:
        pages = max(1, ceil(len(items) / per_page))
        page = whole_number("page", 1)
        if page > pages:
            abort(404)
        start = (page - 1) * per_page
        return cls(items[start:start + per_page], page, pages, len(items), per_page)

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)
    first = property(lambda self: (self.page - 1) * self.per_page + 1 if self.items else 0)

    def iter_pages(self):
        yield from range(1, self.pages + 1)


@bp.route("/upload/<token>")
@role_required(*EDITORS)
def preview(token):
    pending = pending_or_404(token)
    result = parse_pending(pending)
    report = importer.summary(result, pending.filename)
    target = upload_target(pending, result)
    outcome = None if result.errors else importer.plan(
        result, target.existing if target.may_update else None
    )
    form = ConfirmUploadForm(title=target.title if target.existing is None
                             else f"{target.title} (new)")
    questions = ListPage.of([q for q in result.questions if q.importable], PER_PAGE)
    return render_template(
        "bank/preview.html", pending=pending, report=report, target=target,
        outcome=outcome, form=form, cancel=EmptyForm(), questions=questions,
        format_labels=FORMAT_LABELS, **page_labels(),
    )


@bp.route("/upload/<token>/confirm", methods=["POST"])
@role_required(*EDITORS)
def confirm_upload(token):
    """Everything the preview showed is checked again here: the file, the limits, the
    target set and the person's right to change it."""
    pending = pending_or_404(token)
    form = ConfirmUploadForm()
    back = redirect(url_for("bank.preview", token=token))
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        for message in [*form.target.errors, *form.title.errors]:
            flash(message, "error")
        return back
    result = parse_pending(pending)
    if result.errors:
        flash(f"Nothing was imported: {result.errors[0].message}" if len(result.errors) == 1
              else f"Nothing was imported: the file has {len(result.errors)} errors; fix "
                   "them and upload it again.", "error")
        return back
    target = upload_target(pending, result)
    if form.target.data == "update" and not target.may_update:
        flash("This file cannot update that set: it no longer exists or you may not change "
              "it. Import it as a new set instead.", "error")
        return back
    prepared = importer.prepare(result)  # all the work before the first write
    description = result.set_info.get("description", "")
    try:
        if form.target.data == "update":
            report = importer.import_into(target.existing, prepared, user_id=current_user.id,
                                          description=description, source_format=result.format)
        else:
            title = (form.title.data or "").strip() or target.title
            question_set = importer.create_set(
                result, title=title, slug=importer.slugify(title), description=description,
                owner_id=current_user.id,
            )
            report = importer.import_into(question_set, prepared, user_id=current_user.id,
                                          new=True, source_format=result.format)
        db.session.delete(pending)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("import of upload %s failed", pending.id)
        flash("The import could not finish, so nothing was imported (the database may be "
              "busy). Try again in a moment.", "error")
        return back
    flash(import_message(report), "success")
    for warning in report.warnings:
        flash(warning, "warning")
    return redirect(url_for("bank.show_set", set_id=report.question_set.id))


def import_message(report: importer.ImportReport) -> str:
    parts = [f"{report.added} new", f"{report.changed} changed",
             f"{report.unchanged} unchanged"]
    if report.restored:
        parts.append(f"{report.restored} restored")
    parts += [f"{report.retired} retired", f"{report.skipped} skipped"]
    message = f"Imported into {report.question_set.title}: {', '.join(parts)}."
    if report.waiting:
        return message + (" The changes wait as a revision: nurses see the published "
                          "questions until you publish it.")
    if report.question_set.status == PUBLISHED:
        return message
    return message + f" The set is {report.question_set.status} until you publish it."


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

LIST_COLUMNS = ("id", "number", "kind", "domain", "title", "preview")


def overdue_questions(set_id: int, today: date) -> set[int]:
    """Live questions whose review-by date (native files carry one) has passed: content to
    check against current guidelines."""
    review_by = QuestionVersion.content["review_by"].as_string()
    return set(db.session.scalars(
        select(Question.id)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.set_id == set_id, Question.retired.is_(False),
               review_by.is_not(None), review_by < today.isoformat())))


def set_questions(set_id: int, form: SetSearchForm):
    """The set's questions with the versions a row shows, in one query (no JSON loaded)."""
    current = aliased(QuestionVersion, name="current_version")
    draft = aliased(QuestionVersion, name="draft_version")
    statement = (
        select(Question)
        .outerjoin(current, Question.current_version_id == current.id)
        .outerjoin(draft, Question.draft_version_id == draft.id)
        .where(Question.set_id == set_id)
        .options(
            load_only(Question.id, Question.external_id, Question.retired,
                      Question.pending_retired, Question.current_version_id,
                      Question.draft_version_id),
            contains_eager(Question.current.of_type(current)).load_only(
                *(getattr(current, c) for c in LIST_COLUMNS)),
            contains_eager(Question.draft.of_type(draft)).load_only(
                *(getattr(draft, c) for c in LIST_COLUMNS)),
        )
        .order_by(Question.retired, Question.position, Question.id)
    )
    if form.domain.data:
        shown_domain = case((Question.draft_version_id.is_not(None), draft.domain),
                            else_=current.domain)
        statement = statement.where(shown_domain == form.domain.data)
    if form.q.data and form.q.data.strip():
        words = form.q.data.strip().lower()
        statement = statement.where(or_(*(
            func.lower(column).contains(words, autoescape=True)
            for column in (Question.external_id, current.title, draft.title,
                           func.cast(current.content, db.Text),
                           func.cast(draft.content, db.Text))
        )))
    return statement


@bp.route("/sets/<int:set_id>")
@role_required(*EDITORS)
def show_set(set_id):
    question_set, relation = set_or_404(set_id)
    form = SetSearchForm(request.args)
    form.validate()
    if form.errors:  # an over-long search: say so and show the whole set
        form.q.data = ""
    page = db.paginate(set_questions(set_id, form), page=whole_number("page", 1),
                       per_page=PER_PAGE)
    may_edit = rules.can_edit_set(current_user, question_set, relation)
    may_manage = rules.can_manage_editors(current_user, question_set, relation)
    editors = db.session.scalars(
        select(SetEditor).where(SetEditor.set_id == set_id)
        .options(selectinload(SetEditor.user).load_only(User.full_name, User.email))
    ).all() if may_edit else []
    owner = db.session.get(User, question_set.owner_id) if question_set.owner_id else None
    return render_template(
        "bank/set.html", question_set=question_set, page=page, form=form,
        overdue=overdue_questions(set_id, date.today()),
        may_edit=may_edit, may_manage=may_manage, editors=editors, owner=owner,
        counts=revision_counts(set_id), status_form=SetStatusForm(),
        add_editor=AddEditorForm(), export_formats=EXPORT_LABELS,
        question_prefix=url_for("bank.sets") + "questions/", **page_labels(),
    )


@bp.route("/sets/<int:set_id>/publish")
@role_required(*EDITORS)
def confirm_publish(set_id):
    """The step before publishing: what nurses will see, and one button to do it."""
    question_set, _ = set_or_404(set_id, rules.can_edit_set)
    counts = revision_counts(set_id)
    if question_set.status == PUBLISHED and not counts["waiting"]:
        flash("Nothing waits to be published: nurses already see this set as it is.", "info")
        return redirect(url_for("bank.show_set", set_id=set_id))
    return render_template("bank/publish.html", question_set=question_set, counts=counts,
                           form=SetStatusForm(status=PUBLISHED))


# What the audit log calls each change of a set's state.
STATUS_ACTIONS = {"published": "set.published", "retired": "set.retired",
                  "draft": "set.unpublished"}


@bp.route("/sets/<int:set_id>/status", methods=["POST"])
@role_required(*EDITORS)
def set_status(set_id):
    question_set, _ = set_or_404(set_id, rules.can_edit_set)
    form = SetStatusForm()
    if not form.validate_on_submit():
        flash("That change of state was not understood; nothing changed.", "error")
        return redirect(url_for("bank.show_set", set_id=set_id))
    counts = revision_counts(set_id)
    before = question_set.status
    change_status(question_set, form.status.data)
    after = {"status": question_set.status}
    if question_set.status == PUBLISHED:
        after["questions_visible"] = counts["after"]
    record(current_user, STATUS_ACTIONS[form.status.data], "question_set", question_set.id,
           before={"status": before}, after=after)
    db.session.commit()
    if form.status.data == PUBLISHED:
        flash(f"{question_set.title} is now published: nurses see {counts['after']} "
              f"question{'' if counts['after'] == 1 else 's'}.", "success")
    else:
        flash(f"{question_set.title} is now {form.status.data}: nurses no longer see it.",
              "success")
    return redirect(url_for("bank.show_set", set_id=set_id))


@bp.route("/sets/<int:set_id>/editors", methods=["POST"])
@role_required(*EDITORS)
def add_editor(set_id):
    question_set, _ = set_or_404(set_id, rules.can_manage_editors)
    form = AddEditorForm()
    if not form.validate_on_submit():
        for message in form.email.errors:
            flash(f"Co-editor not added: {message}", "error")
        return redirect(url_for("bank.show_set", set_id=set_id))
    user = User.by_email(form.email.data)
    if user is None or not user.active or not user.has_role(*EDITORS):
        flash(f"No active educator has the email {form.email.data}; ask an administrator to "
              "give them the educator role first.", "error")
    elif user.id == question_set.owner_id or db.session.get(SetEditor, (set_id, user.id)):
        flash(f"{user.full_name} can already edit this set.", "info")
    else:
        db.session.add(SetEditor(set_id=set_id, user_id=user.id))
        db.session.commit()
        flash(f"{user.full_name} may now edit, publish and update this set.", "success")
    return redirect(url_for("bank.show_set", set_id=set_id))


@bp.route("/sets/<int:set_id>/editors/remove", methods=["POST"])
@role_required(*EDITORS)
def remove_editor(set_id):
    set_or_404(set_id, rules.can_manage_editors)
    form = RemoveEditorForm()
    editor = db.session.get(SetEditor, (set_id, form.user_id.data)) \
        if form.validate_on_submit() else None
    if editor is None:
        flash("That person is not a co-editor of this set; nothing changed.", "error")
    else:
        name = editor.user.full_name
        db.session.delete(editor)
        db.session.commit()
        flash(f"{name} is no longer a co-editor of this set.", "success")
    return redirect(url_for("bank.show_set", set_id=set_id))


@bp.route("/sets/<int:set_id>/export/<export_format>")
@role_required(*EDITORS)
def export(set_id, export_format):
    question_set, _ = set_or_404(set_id, rules.can_export_set)
    if export_format not in EXPORT_FORMATS:
        abort(404)
    extension, mimetype = EXPORT_FORMATS[export_format]
    return Response(
        export_set(question_set, export_format),
        mimetype=mimetype,
        headers={"Content-Disposition":
                 f"attachment; filename={question_set.slug}.{extension}"},
    )


@bp.route("/questions/<int:question_id>")
@role_required(*EDITORS)
def show_question(question_id):
    question, relation = question_or_404(question_id)
    number = whole_number("version")
    # The version shown, in full; then the list, only what a line of it says.
    version = db.session.scalar(
        select(QuestionVersion).where(QuestionVersion.question_id == question.id,
                                      QuestionVersion.number == number)
    ) if number else None
    version = version or (question.working and db.session.get(QuestionVersion,
                                                              question.working.id))
    if version is None:
        abort(404)
    versions = db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.question_id == question.id)
        .options(load_only(QuestionVersion.number, QuestionVersion.created_at,
                           QuestionVersion.note))
        .order_by(QuestionVersion.number.desc())
    ).all()
    reports = db.session.scalars(
        select(QuestionReport).where(QuestionReport.question_id == question.id,
                                     QuestionReport.state == "open")
        .order_by(QuestionReport.created_at)).all()
    return render_template(
        "bank/question.html", question=question, version=version, versions=versions,
        record=to_record(version), retire_form=RetireQuestionForm(), reports=reports,
        reasons=REPORT_REASON_LABELS,
        may_edit=rules.can_edit_set(current_user, question.question_set, relation),
        **page_labels(),
    )


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_question(question_id):
    question, _ = question_or_404(question_id, rules.can_edit_set)
    form = QuestionForm()
    if request.method == "GET":
        editing.fill_form(form, to_record(question.working), question.working.content)
    if form.validate_on_submit():
        parsed, errors = editing.from_form(form)
        if errors:
            form.source.errors.extend(errors)
        else:
            changed = editing.save_edit(question, parsed, current_user.id, form.note.data or "")
            try:
                db.session.commit()
            except IntegrityError:  # another save took the same version number first
                db.session.rollback()
                form.source.errors.append("Someone saved this question at the same moment, "
                                          "so yours was not saved. Save it again.")
                return render_template("bank/edit.html", question=question, form=form,
                                       live=question.question_set.status == PUBLISHED)
            flash(edit_message(question, changed), "success" if changed else "info")
            return redirect(url_for("bank.show_question", question_id=question.id))
    return render_template("bank/edit.html", question=question, form=form,
                           live=question.question_set.status == PUBLISHED)


def edit_message(question: Question, changed: bool) -> str:
    if not changed:
        return "Nothing changed, so no new version was made."
    if question.draft is not None:
        return (f"Saved as version {question.draft.number}. It waits with the set's other "
                "changes: nurses see the published version until you publish them.")
    return f"Saved as version {question.current.number}."


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@role_required(*EDITORS)
def retire_question(question_id):
    question, _ = question_or_404(question_id, rules.can_edit_set)
    form = RetireQuestionForm()
    if not form.validate_on_submit():
        flash(" ".join(form.retired.errors) or "Nothing changed.", "error")
        return redirect(url_for("bank.show_question", question_id=question_id))
    retire = form.retired.data == "1"
    # An explicit choice on the question itself takes effect at once, also in a live set.
    set_retired(question, retire, live=False)
    db.session.commit()
    title = question.working.title if question.working else question.external_id
    state = "retired: nurses no longer see it" if retire else "restored"
    flash(f"Question “{title}” {state}.", "success")
    return redirect(url_for("bank.show_question", question_id=question_id))


@bp.route("/media/<int:set_id>/<path:name>")
@signed_in
def media(set_id, name):
    """An image: for everyone when a live question shows it, else for those who may view
    its set, and then never cached (it may change or go before nurses ever see it)."""
    item = db.session.scalar(
        select(Media).where(Media.set_id == set_id, Media.name == name)
        .options(defer(Media.data))
    )
    if item is None:
        abort(404)
    question_set = db.session.get(QuestionSet, set_id)
    live = db.session.scalar(select(exists().where(
        version_media.c.media_id == item.id,
        version_media.c.version_id == Question.current_version_id,
        QuestionSet.id == Question.set_id,
        Question.set_id == set_id,
        *live_question_conditions(),
    )))
    relation = relation_to(question_set) if current_user.has_role(*EDITORS) else "other"
    if not rules.can_see_media(current_user, question_set, relation, live=live):
        abort(404)
    response = Response(item.data, mimetype=item.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=3600" if live else "no-store"
    return response
