"""Practice exams: the test builder, taking a test, submitting, review, study settings."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from flask import (
    Blueprint,
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
from itsdangerous import BadSignature, Signer
from markupsafe import Markup
from sqlalchemy import String, bindparam, case, cast, func, select
from sqlalchemy.orm import aliased, selectinload
from wtforms import SelectChoice

from certprep.auth.authz import role_required
from certprep.auth.models import User
from certprep.bank import outline
from certprep.bank.models import Question, QuestionSet, QuestionVersion
from certprep.bank.reports import REPORT_REASON_LABELS, QuestionReport
from certprep.bank.versions import to_record
from certprep.database import commit_autosave
from certprep.exams import assemble, attempts, results, rules, scheduling, stats
from certprep.exams.cli import estimate_for
from certprep.exams.forms import (
    LETTERS,
    BuilderForm,
    CountForm,
    NoteForm,
    ReportForm,
    ResolveForm,
    StudySettingsForm,
    TimeFactorForm,
    answer_form_class,
    blueprint_form_class,
)
from certprep.exams.models import (
    MODE_LABELS,
    POOL_LABELS,
    Attempt,
    AttemptItem,
    ExamBlueprint,
    ExamSettings,
    QuestionNote,
    ReviewCard,
)
from certprep.exams.readiness import MINIMUM_PER_DOMAIN
from certprep.exams.scoring import Response
from certprep.extensions import db
from certprep.forms import EmptyForm
from certprep.timeutil import utcnow

bp = Blueprint("exams", __name__, url_prefix="/exams")

TAKERS = ("nurse",)
EDITORS = ("educator", "admin")


def seconds_per_question() -> int:
    """The exam's pace (CERTPREP_SECONDS_PER_QUESTION; config.py has the default)."""
    return current_app.config["SECONDS_PER_QUESTION"]


def now() -> datetime:
    """The request's time. Tests move it with the EXAMS_NOW setting (a datetime, or ISO
    text from CERTPREP_EXAMS_NOW for a browser test's server); never set in production."""
    fixed = current_app.config.get("EXAMS_NOW")
    if isinstance(fixed, str):
        fixed = datetime.fromisoformat(fixed)
    return fixed or utcnow()


def own_attempt_or_404(attempt_id: int, *, items: bool = True) -> Attempt:
    statement = select(Attempt).where(Attempt.id == attempt_id)
    if items:
        statement = statement.options(selectinload(Attempt.items))
    attempt = db.session.scalar(statement)
    if attempt is None or not rules.can_take_attempt(current_user, attempt):
        abort(404)
    return attempt


# Home and builder --------------------------------------------------------------------


@bp.route("/")
@role_required(*TAKERS)
def index():
    history = db.session.scalars(
        select(Attempt).where(Attempt.user_id == current_user.id)
        .order_by(Attempt.started_at.desc()).limit(50)).all()
    moment = now()
    for attempt in history:
        if not attempt.submitted and attempt.deadline and moment >= attempt.deadline:
            attempts.submit(attempt, attempt.deadline, expired=True)
    blueprint = attempts.default_blueprint()
    estimate = estimate_for(current_user.id, blueprint)
    db.session.commit()
    return render_template(
        "exams/index.html", history=history, due=attempts.due_count(current_user.id, moment),
        modes=MODE_LABELS, readiness=estimate, blueprint=blueprint, labels=outline,
        minimum=MINIMUM_PER_DOMAIN)


def _sets() -> list[SelectChoice]:
    return [SelectChoice(s.id, s.title) for s in db.session.scalars(
        select(QuestionSet).where(QuestionSet.status == "published").order_by(QuestionSet.title))]


def _filters(form: BuilderForm) -> attempts.Filters:
    return attempts.Filters(
        set_ids=tuple(form.set.data or ()), domains=tuple(form.domain.data or ()),
        subdomains=tuple(form.subdomain.data or ()), tags=form.tag_list(),
        difficulties=tuple(form.difficulty.data or ()))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*TAKERS)
def new():
    """GET: the builder (its fields may come in the query string, e.g. from "Review them");
    POST with action=count: how many questions match; POST: start the test."""
    form = BuilderForm() if request.method == "POST" else CountForm(request.args)
    form.set.choices = _sets()
    matching = None
    if request.method == "GET":
        if request.args and form.validate():
            matching = _matching(form)
    elif form.validate_on_submit():
        if request.form.get("action") == "count":
            matching = _matching(form)
        else:
            attempt = _start(form)
            if attempt is not None:
                db.session.commit()
                for note in attempt.notes:
                    flash(note, "warning")
                return redirect(url_for("exams.resume", attempt_id=attempt.id))
    return render_template("exams/new.html", form=form, matching=matching,
                           blueprint=attempts.default_blueprint(), pools=POOL_LABELS)


def _matching(form: BuilderForm) -> int:
    return len(attempts.candidates(current_user.id, _filters(form), form.pool.data, now()))


def _start(form: BuilderForm) -> Attempt | None:
    moment, rng = now(), random.Random()
    found = attempts.candidates(current_user.id, _filters(form), form.pool.data, moment)
    if not found:
        form.pool.errors.append(
            "No question matches these choices. Widen the filters or choose another pool.")
        return None
    settings = {"pool": form.pool.data, "filters": {
        "set": form.set.data, "domain": form.domain.data, "subdomain": form.subdomain.data,
        "difficulty": form.difficulty.data, "tags": list(form.tag_list())},
        "count": form.count.data}
    if form.mode.data == "simulation":
        blueprint = attempts.default_blueprint()
        plan = assemble.plan_simulation(
            found, blueprint.domain_items, blueprint.pretest_items, rng,
            recent=attempts.recent_simulation_questions(current_user.id))
    else:
        blueprint = None
        plan = assemble.plan_practice(found, form.count.data, rng)
    return attempts.start(
        current_user.id, form.mode.data, plan, now=moment, settings=settings, rng=rng,
        seconds_per_question=seconds_per_question(), blueprint=blueprint)


# Taking a test -------------------------------------------------------------------------


@bp.route("/attempts/<int:attempt_id>")
@role_required(*TAKERS)
def resume(attempt_id):
    attempt = own_attempt_or_404(attempt_id)
    if attempt.submitted:
        return redirect(url_for("exams.review", attempt_id=attempt.id))
    return redirect(url_for("exams.question", attempt_id=attempt.id,
                            n=attempts.resume_position(attempt.items)))


def _closed(attempt: Attempt, message: str, wants_json: bool):
    db.session.commit()
    if wants_json:
        return jsonify({"saved": False, "message": message,
                        "review": url_for("exams.review", attempt_id=attempt.id)}), 409
    flash(message, "warning")
    return redirect(url_for("exams.review", attempt_id=attempt.id))


def _shown(item: AttemptItem, record) -> dict:
    """What the page shows, in the order shown: letters map to stored indexes."""
    if record.kind == "matching":
        answers = attempts.answer_texts([{"answer": p.answer} for p in record.pairs])
        shown = [answers[i] for i in item.order] if item.order else answers
        prompts = [(i, p.prompt) for i, p in enumerate(record.pairs) if p.prompt]
        return {"answers": shown, "prompts": prompts}
    if record.kind in ("numerical", "short_answer"):
        return {}  # a text box: the accepted answers stay on the server
    return {"options": [(LETTERS[pos], index, record.choices[index])
                        for pos, index in enumerate(item.order)]}


def _form_for(item: AttemptItem, record, shown: dict):
    answers = shown.get("answers", [])
    form_class = answer_form_class(record.kind, len(item.order), len(shown.get("prompts", [])),
                                   tuple(answers))
    return form_class


def _response_from(form, item: AttemptItem, record, shown: dict) -> Response:
    """The submitted form as a Response in stored indexes."""
    index_of = {LETTERS[pos]: index for pos, index in enumerate(item.order)}
    if hasattr(form, "response"):
        picked = form.response.data or []
        picked = [picked] if isinstance(picked, str) else picked
        return Response(choices=frozenset(index_of[p] for p in picked if p in index_of))
    if hasattr(form, "text"):
        return Response(text=(form.text.data or "").strip())
    answers = shown["answers"]
    matches = []
    for entry, (index, _) in zip(form.match.entries, shown["prompts"], strict=True):
        if entry.data not in (None, "") and entry.data.isdigit() and int(entry.data) < len(answers):
            matches.append((index, answers[int(entry.data)]))
    return Response(matches=tuple(matches))


# The navigator's state of every item in one text column, "position*4 + answered*2 +
# flagged" per item: the page then needs one query instead of two, whatever the length.
_others = aliased(AttemptItem)
NAVIGATOR_STATES = (
    select(func.aggregate_strings(cast(
        _others.position * 4
        + case((_others.response.is_not(None), 2), else_=0)
        + case((_others.flagged, 1), else_=0), String), ","))
    .where(_others.attempt_id == Attempt.id)
    .scalar_subquery()
)
# Built once (building costs more than running it): the attempt and the item at a
# position with the version it shows; the page adds the nurse's note on the question and
# the navigator's states, which saving an answer does not need.
ANSWERED_ITEM = (
    select(Attempt, AttemptItem, QuestionVersion)
    .join(AttemptItem, (AttemptItem.attempt_id == Attempt.id)
          & (AttemptItem.position == bindparam("position")))
    .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
    .where(Attempt.id == bindparam("attempt_id"))
)
QUESTION_PAGE = (
    ANSWERED_ITEM.add_columns(QuestionNote, NAVIGATOR_STATES)
    .outerjoin(QuestionNote, (QuestionNote.question_id == AttemptItem.question_id)
               & (QuestionNote.user_id == bindparam("user_id")))
)


def navigator_states(aggregated: str | None) -> list[tuple[int, bool, bool]]:
    """(position, answered, flagged) for each item, in order, from NAVIGATOR_STATES."""
    codes = sorted(int(code) for code in (aggregated or "").split(",") if code)
    return [(code // 4, bool(code & 2), bool(code & 1)) for code in codes]


@bp.route("/attempts/<int:attempt_id>/<int:n>", methods=["GET", "POST"])
@role_required(*TAKERS)
def question(attempt_id, n):
    """One question. Its cost is fixed whatever the test's length or the nurse's history:
    one query after the signed-in user's. Showing it writes nothing."""
    showing = request.method != "POST"  # GET, or HEAD
    row = db.session.execute(
        QUESTION_PAGE if showing else ANSWERED_ITEM,
        {"attempt_id": attempt_id, "position": n, "user_id": current_user.id},
    ).one_or_none()
    if row is None or not rules.can_take_attempt(current_user, row[0]):
        abort(404)
    attempt, item, version, *page_only = row
    wants_json = request.accept_mimetypes.best == "application/json"
    moment = now()
    try:
        attempts.check_open(attempt, moment)
    except attempts.AttemptClosed as closed:
        return _closed(attempt, str(closed), wants_json)
    record = to_record(version)
    shown = _shown(item, record)
    if not showing:
        form = _form_for(item, record, shown)()
        if not form.validate_on_submit():
            if wants_json:
                return jsonify({"saved": False, "message": "The answer could not be read; "
                                "reload the page and answer again."}), 400
            flash("The answer could not be read; choose it again.", "error")
            return redirect(url_for("exams.question", attempt_id=attempt.id, n=n))
        index_of = {LETTERS[pos]: index for pos, index in enumerate(item.order)}
        attempts.record(item, _response_from(form, item, record, shown), moment,
                        version=version, flagged=form.flag.data, guessed=form.guessed.data,
                        struck=[index_of[s] for s in form.strike.data or [] if s in index_of],
                        opened_at=opened_at(form.opened.data, item.id))
        # Everything the response needs is read before the commit.
        if wants_json:
            reply = jsonify({"saved": True, "answered": item.answered,
                             "flagged": item.flagged})
        else:
            reply = redirect(_after_answer(attempt, item, form.go.data))
        commit_autosave()
        return reply
    note, navigator = page_only
    saved = attempts.response_from_json(item.response)
    tutor_feedback = attempt.mode == "tutor" and item.correct is not None
    base = url_for("exams.question", attempt_id=attempt.id, n=0)[:-1]
    page = render_template(
        "exams/question.html", attempt=attempt, item=item, record=record, shown=shown,
        note=note, reasons=REPORT_REASON_LABELS, reveal=tutor_feedback, moment=moment,
        typed=saved.text, matched=dict(saved.matches),
        picked=_picked(item), base=base, opened=opened_token(item.id, moment),
        navigator=navigator_html(base, navigator_states(navigator), item.position),
        seconds_left=_seconds_left(attempt, moment), modes=MODE_LABELS,
        labels=outline, letters=LETTERS,
    )
    return page  # showing a question writes nothing: its time is counted when it is saved


def _opened_signer() -> Signer:
    """One signer per app, kept: every question page and every save uses it."""
    signer = current_app.extensions.get("exams.opened_signer")
    if signer is None:
        signer = Signer(current_app.secret_key, salt="exams.question-opened")
        current_app.extensions["exams.opened_signer"] = signer
    return signer


def opened_token(item_id: int, moment: datetime) -> str:
    """When the server showed this item, signed, so that a save can count the time spent
    without a write each time a question is shown."""
    return _opened_signer().sign(f"{item_id}:{moment.timestamp()}").decode()


def opened_at(token: str | None, item_id: int) -> datetime | None:
    """The time in a token this server signed for this item; None for anything else."""
    try:
        signed_item, stamp = _opened_signer().unsign(token or "").decode().split(":")
        if int(signed_item) != item_id:
            return None
        return datetime.fromtimestamp(float(stamp), tz=UTC)
    except (BadSignature, ValueError, OverflowError):
        return None


def navigator_html(base: str, rows, current: int) -> Markup:
    """The navigator's links, built in one pass: a simulation has 175 of them, and eight
    template expressions each cost more than the page's queries. `base` is our own URL and
    every other value an integer or a fixed word, so nothing here needs escaping."""
    links = []
    for position, answered, flagged in rows:
        state = "answered" if answered else "unanswered"
        flag = " flagged" if flagged else ""
        here = ' aria-current="page"' if position == current else ""
        said = f"Question {position}, {'answered' if answered else 'not answered'}"
        said += ", flagged" if flagged else ""
        links.append(f'<li><a href="{base}{position}" class="{state}{flag}"{here} '
                     f'aria-label="{said}">{position}</a></li>')
    return Markup("".join(links))  # noqa: S704 - integers and fixed words only


def _picked(item: AttemptItem) -> set[str]:
    """The letters of the options the nurse chose, as shown."""
    chosen = attempts.response_from_json(item.response).choices
    return {LETTERS[pos] for pos, index in enumerate(item.order) if index in chosen}


def _seconds_left(attempt: Attempt, moment: datetime) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - moment).total_seconds()))


def _after_answer(attempt: Attempt, item: AttemptItem, go: str | None) -> str:
    """Where a plain form POST leads: stay (tutor feedback), next, previous, a number, or
    the submit screen."""
    last = attempt.item_count
    if go == "submit":
        return url_for("exams.submit", attempt_id=attempt.id)
    if go == "prev":
        target = max(1, item.position - 1)
    elif go and go.isdigit():
        target = min(max(1, int(go)), last)
    elif attempt.mode == "tutor" and go != "next":
        target = item.position  # show the rationale for what was just answered
    else:
        target = item.position + 1
        if target > last:
            return url_for("exams.submit", attempt_id=attempt.id)
    return url_for("exams.question", attempt_id=attempt.id, n=target)


@bp.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
@role_required(*TAKERS)
def submit(attempt_id):
    attempt = own_attempt_or_404(attempt_id)
    moment = now()
    try:
        attempts.check_open(attempt, moment)
    except attempts.AttemptClosed as closed:
        return _closed(attempt, str(closed), wants_json=False)
    form = EmptyForm()
    if form.validate_on_submit():
        attempts.submit(attempt, moment)
        db.session.commit()
        flash("Submitted. Here is how you did.", "success")
        return redirect(url_for("exams.review", attempt_id=attempt.id))
    unanswered = [i for i in attempt.items if not i.answered]
    flagged = [i for i in attempt.items if i.flagged]
    return render_template("exams/submit.html", attempt=attempt, unanswered=unanswered,
                           flagged=flagged, form=form,
                           seconds_left=_seconds_left(attempt, moment))


# After the test ------------------------------------------------------------------------

REVIEW_FILTERS = {"all": "All", "incorrect": "Incorrect", "flagged": "Flagged",
                  "omitted": "Omitted"}


def _keep(item: AttemptItem, show: str) -> bool:
    return (show == "all" or (show == "incorrect" and item.answered and not item.correct)
            or (show == "flagged" and item.flagged) or (show == "omitted" and not item.answered))


@bp.route("/attempts/<int:attempt_id>/review")
@role_required(*TAKERS)
def review(attempt_id):
    attempt = own_attempt_or_404(attempt_id)
    if not attempt.submitted:
        moment = now()
        try:
            attempts.check_open(attempt, moment)
        except attempts.AttemptClosed:
            db.session.commit()
        else:
            flash("Submit the test to see answers and rationales.", "info")
            return redirect(url_for("exams.submit", attempt_id=attempt.id))
    show = request.args.get("show", "all")
    if show not in REVIEW_FILTERS:
        show = "all"
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_([i.version_id for i in attempt.items])))}
    notes = {n.question_id: n for n in db.session.scalars(select(QuestionNote).where(
        QuestionNote.user_id == current_user.id,
        QuestionNote.question_id.in_([i.question_id for i in attempt.items])))}
    summary = results.summarise(
        results.ItemOutcome(i.domain, i.subdomain, i.scored, i.answered, bool(i.correct),
                            i.seconds) for i in attempt.items)
    earlier = db.session.scalars(
        select(Attempt).where(Attempt.user_id == current_user.id, Attempt.state == "submitted",
                              Attempt.id != attempt.id, Attempt.started_at < attempt.started_at)
        .order_by(Attempt.started_at.desc()).limit(5)).all()
    shares = stats.option_shares([i.question_id for i in attempt.items])
    shown = [(item, to_record(versions[item.version_id])) for item in attempt.items
             if _keep(item, show)]
    return render_template(
        "exams/review.html", attempt=attempt, shown=shown, summary=summary, earlier=earlier,
        notes=notes, shares=shares, show=show, filters=REVIEW_FILTERS, labels=outline,
        modes=MODE_LABELS, letters=LETTERS, pace=seconds_per_question(),
        retry=EmptyForm(), answer_texts=attempts.answer_texts,
        response_of=attempts.response_from_json,
    )


@bp.route("/attempts/<int:attempt_id>/retry", methods=["POST"])
@role_required(*TAKERS)
def retry(attempt_id):
    """A new tutor test from the questions this attempt got wrong or left."""
    attempt = own_attempt_or_404(attempt_id)
    if not attempt.submitted or not EmptyForm().validate_on_submit():
        abort(400)
    missed = {i.question_id for i in attempt.items if not i.correct}
    found = [c for c in attempts.candidates(current_user.id, attempts.Filters(), "all", now())
             if c.question_id in missed]
    if not found:
        flash("Nothing to retry: every question was right, or none is still published.", "info")
        return redirect(url_for("exams.review", attempt_id=attempt.id))
    rng = random.Random()
    plan = assemble.plan_practice(found, len(found), rng)
    new_attempt = attempts.start(
        current_user.id, "tutor", plan, now=now(), rng=rng,
        settings={"retry_of": attempt.id, "pool": "incorrect"},
        seconds_per_question=seconds_per_question())
    db.session.commit()
    return redirect(url_for("exams.resume", attempt_id=new_attempt.id))


# Notes and reports -------------------------------------------------------------------


def _visible_question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    seen = db.session.scalar(
        select(AttemptItem.id).join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == current_user.id, AttemptItem.question_id == question_id)
        .limit(1))
    if question is None or seen is None:  # only questions the nurse has been shown
        abort(404)
    return question


@bp.route("/questions/<int:question_id>/note", methods=["POST"])
@role_required(*TAKERS)
def note(question_id):
    _visible_question_or_404(question_id)
    form = NoteForm()
    if form.validate_on_submit():
        text = (form.text.data or "").strip()
        existing = db.session.get(QuestionNote, (current_user.id, question_id))
        if text and existing:
            existing.text = text
        elif text:
            db.session.add(QuestionNote(user_id=current_user.id, question_id=question_id,
                                        text=text))
        elif existing:
            db.session.delete(existing)
        db.session.commit()
        flash("Note saved." if text else "Note removed.", "success")
    else:
        flash(" ".join(form.text.errors) or "The note could not be saved.", "error")
    return redirect(_back())


@bp.route("/questions/<int:question_id>/report", methods=["POST"])
@role_required(*TAKERS)
def report(question_id):
    question = _visible_question_or_404(question_id)
    form = ReportForm()
    if form.validate_on_submit():
        db.session.add(QuestionReport(
            question_id=question.id, version_id=question.current_version_id,
            user_id=current_user.id, reason=form.reason.data, note=form.note.data or "",
            state="open"))
        db.session.commit()
        flash("Thank you: an educator will look at this question.", "success")
    else:
        flash(" ".join(form.reason.errors) or "The report could not be sent.", "error")
    return redirect(_back())


def _back() -> str:
    """Back to the page the form was on (a local path only)."""
    target = request.form.get("back", "")
    return target if target.startswith("/exams/") and "//" not in target else url_for(
        "exams.index")


@bp.route("/reports")
@role_required(*EDITORS)
def reports():
    state = "resolved" if request.args.get("state") == "resolved" else "open"
    rows = db.session.execute(
        select(QuestionReport, Question, User)
        .join(Question, Question.id == QuestionReport.question_id)
        .join(User, User.id == QuestionReport.user_id)
        .where(QuestionReport.state == state)
        .order_by(QuestionReport.created_at)).all()
    return render_template("exams/reports.html", rows=rows, state=state,
                           reasons=REPORT_REASON_LABELS, form=ResolveForm())


@bp.route("/reports/<int:problem_id>/resolve", methods=["POST"])
@role_required(*EDITORS)
def resolve_report(problem_id):
    item = db.get_or_404(QuestionReport, problem_id)
    if not rules.can_resolve_report(current_user, item):
        abort(403)
    form = ResolveForm()
    if form.validate_on_submit() and item.state == "open":
        item.state, item.resolution = "resolved", form.resolution.data.strip()
        item.resolved_by_id, item.resolved_at = current_user.id, utcnow()
        db.session.commit()
        flash("Report resolved.", "success")
    elif item.state != "open":
        flash("This report was already resolved.", "info")
    else:
        flash("Say what was done before resolving the report.", "error")
    return redirect(url_for("exams.reports"))


# Study settings and accommodations ---------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@role_required(*TAKERS)
def settings():
    current = attempts.settings_for(current_user.id)
    form = StudySettingsForm(obj=current)
    moment = now()
    cards = [c.state for c in db.session.scalars(
        select(ReviewCard).where(ReviewCard.user_id == current_user.id))]
    if form.validate_on_submit():
        current.desired_retention = float(form.desired_retention.data)
        current.exam_date, current.hide_timer = form.exam_date.data, form.hide_timer.data
        db.session.commit()
        flash("Study settings saved.", "success")
        return redirect(url_for("exams.settings"))
    wanted = request.args.get("retention", type=float)
    if wanted is None or not scheduling.RETENTION_RANGE[0] <= wanted <= \
            scheduling.RETENTION_RANGE[1]:
        wanted = current.desired_retention
    forecasts = {
        retention: scheduling.forecast(cards, moment, desired_retention=retention,
                                       exam_date=current.exam_date)
        for retention in sorted({0.80, 0.90, 0.95, round(wanted, 2),
                                 round(current.desired_retention, 2)})
    }
    db.session.commit()
    return render_template("exams/settings.html", form=form, forecasts=forecasts,
                           current=current, cards=len(cards), wanted=round(wanted, 2))


@bp.route("/accommodations", methods=["GET", "POST"])
@role_required(*EDITORS)
def accommodations():
    form = TimeFactorForm()
    if form.validate_on_submit():
        nurse = db.session.get(User, form.user.data)
        if nurse is None or not nurse.has_role("nurse"):
            abort(404)
        if not rules.can_set_time_factor(current_user, nurse):
            abort(403)
        attempts.settings_for(nurse.id).time_factor = float(form.time_factor.data)
        db.session.commit()
        flash(f"{nurse.full_name} now has {float(form.time_factor.data):g}x the time in "
              "every timed test.", "success")
        return redirect(url_for("exams.accommodations"))
    nurses = db.session.scalars(
        select(User).join(User.roles).where(User.active.is_(True))
        .where(User.roles.any(name="nurse")).order_by(User.full_name).distinct()).all()
    factors = {s.user_id: s.time_factor for s in db.session.scalars(
        select(ExamSettings))}
    return render_template("exams/accommodations.html", nurses=nurses, factors=factors,
                           form=form)


@bp.route("/blueprints")
@role_required(*EDITORS)
def blueprints():
    attempts.default_blueprint()
    db.session.commit()
    return render_template("exams/blueprints.html", blueprints=db.session.scalars(
        select(ExamBlueprint).order_by(ExamBlueprint.id)).all(), labels=outline)


@bp.route("/blueprints/<int:blueprint_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_blueprint(blueprint_id):
    blueprint = db.get_or_404(ExamBlueprint, blueprint_id)
    form = blueprint_form_class()(obj=blueprint)
    if request.method == "GET":
        for key in outline.DOMAINS:
            getattr(form, f"items_{key}").data = blueprint.domain_items.get(key, 0)
    if form.validate_on_submit():
        blueprint.name = form.name.data.strip()
        blueprint.pretest_items, blueprint.minutes = form.pretest_items.data, form.minutes.data
        blueprint.target_percent = form.target_percent.data
        blueprint.domain_items = {key: getattr(form, f"items_{key}").data
                                  for key in outline.DOMAINS}
        db.session.commit()
        flash(f"Blueprint saved: {blueprint.scored_items} scored and "
              f"{blueprint.pretest_items} pretest questions in {blueprint.minutes} minutes.",
              "success")
        return redirect(url_for("exams.blueprints"))
    return render_template("exams/blueprint.html", blueprint=blueprint, form=form,
                           labels=outline)
