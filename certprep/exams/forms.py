"""Forms for the test builder, answering, notes, reports and study settings.

Allowed values come from one place each: modes and pools from `exams/models.py`, domains,
subdomains and difficulties from `bank/outline.py`.
"""

from __future__ import annotations

import string
from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from certprep.bank import outline
from certprep.bank.reports import REPORT_REASON_LABELS, REPORT_REASONS
from certprep.exams import scheduling
from certprep.exams.models import (
    MODE_LABELS,
    MODES,
    POOL_LABELS,
    POOLS,
)

LETTERS = string.ascii_uppercase  # option labels as shown: A, B, C ...
MAX_COUNT = 200


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; `_forms.html` renders it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BuilderForm(FlaskForm):
    mode = RadioField("Mode", choices=[SelectChoice(m, MODE_LABELS[m]) for m in MODES],
                      default="tutor", validators=[InputRequired()])
    pool = RadioField("Questions from",
                      choices=[SelectChoice(p, POOL_LABELS[p]) for p in POOLS],
                      default="all", validators=[InputRequired()])
    set = CheckboxesField("Question sets", coerce=int, validators=[Optional()])
    domain = CheckboxesField(
        "Domains", choices=[SelectChoice(d.key, d.label) for d in outline.DOMAINS.values()],
        validators=[Optional()])
    subdomain = CheckboxesField(
        "Topics", choices=[SelectChoice(s, s) for s in outline.SUBDOMAINS], validators=[Optional()])
    difficulty = CheckboxesField(
        "Difficulty", choices=[SelectChoice(d, d.capitalize()) for d in outline.DIFFICULTIES],
        validators=[Optional()])
    tags = StringField("Tags", validators=[Optional(), Length(max=200)],
                       description="Comma-separated, for example: pca, naloxone")
    count = IntegerField("Number of questions", default=20,
                         validators=[InputRequired(), NumberRange(1, MAX_COUNT)],
                         description=f"1 to {MAX_COUNT}. An exam simulation follows the "
                                     "blueprint's count instead.")

    def tag_list(self) -> tuple[str, ...]:
        return tuple(t.strip().lower() for t in (self.tags.data or "").split(",") if t.strip())


class CountForm(BuilderForm):
    """The builder's fields read from the query string, to count matches before starting."""

    class Meta:
        csrf = False


@lru_cache(maxsize=256)
def answer_form_class(kind: str, options: int, prompts: int, answers: tuple[str, ...]):
    """The answer form for one item: which fields exist depends on the question's kind.
    Classes are kept: building one per request costs more than the page's queries."""
    letters = [SelectChoice(LETTERS[i], LETTERS[i]) for i in range(options)]

    class AnswerForm(FlaskForm):
        flag = BooleanField("Flag for review")
        guessed = BooleanField("I guessed")
        strike = SelectMultipleField("Struck out", choices=letters, validators=[Optional()])
        go = HiddenField(validators=[Optional(), Length(max=12)])
        opened = HiddenField(validators=[Optional(), Length(max=200)])

    if kind in ("single_choice", "true_false"):
        AnswerForm.response = RadioField("Answer", choices=letters, validators=[Optional()])
    elif kind == "multiple_response":
        AnswerForm.response = SelectMultipleField("Answer", choices=letters,
                                                  validators=[Optional()])
    elif kind in ("numerical", "short_answer"):
        AnswerForm.text = StringField("Your answer", validators=[Optional(), Length(max=200)])
    elif kind == "matching":
        choices = [SelectChoice("", "Choose…")] + [SelectChoice(str(i), text)
                                                   for i, text in enumerate(answers)]
        AnswerForm.match = FieldList(
            SelectField(choices=choices, validators=[Optional()]), min_entries=prompts,
            max_entries=prompts)
    return AnswerForm


class NoteForm(FlaskForm):
    text = TextAreaField("My note", validators=[Length(max=2000)],
                         description="Private: only you see it, in review and whenever this "
                                     "question comes back.")


class ReportForm(FlaskForm):
    reason = RadioField("What is wrong?",
                        choices=[SelectChoice(r, REPORT_REASON_LABELS[r]) for r in REPORT_REASONS],
                        validators=[InputRequired(message="Choose what is wrong.")])
    note = TextAreaField("Details", validators=[Length(max=2000)],
                         description="What you noticed, and a source if you have one.")


class ResolveForm(FlaskForm):
    resolution = TextAreaField("What was done", validators=[DataRequired(), Length(max=2000)])


class StudySettingsForm(FlaskForm):
    desired_retention = DecimalField(
        "Desired retention", places=2,
        validators=[InputRequired(), NumberRange(*scheduling.RETENTION_RANGE,
                                                 message="Choose between 0.70 and 0.97.")],
        description="The share of reviewed questions you want to still answer rightly when "
                    "they come back. Higher means more reviews a day.")
    exam_date = DateField("My exam date", validators=[Optional()],
                          description="Reviews are planned to finish before it.")
    hide_timer = BooleanField("Hide the timer during timed tests")


class TimeFactorForm(FlaskForm):
    user = IntegerField(validators=[InputRequired()])
    time_factor = DecimalField(
        "Extra time factor", places=2,
        validators=[InputRequired(), NumberRange(1.0, 3.0, message="Choose 1.0 to 3.0.")],
        description="1.5 gives half as much time again in every timed test.")


class BlueprintForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    pretest_items = IntegerField("Unscored pretest questions",
                                 validators=[InputRequired(), NumberRange(0, 100)])
    minutes = IntegerField("Time in minutes", validators=[InputRequired(), NumberRange(1, 600)])
    target_percent = IntegerField(
        "Target score (percent correct)", validators=[InputRequired(), NumberRange(1, 100)],
        description="A proxy: the real exam reports a scaled score.")


def blueprint_form_class():
    """BlueprintForm with one count per outline domain."""

    class Form(BlueprintForm):
        pass

    for domain in outline.DOMAINS.values():
        setattr(Form, f"items_{domain.key}", IntegerField(
            f"{domain.label}: scored questions", validators=[InputRequired(),
                                                            NumberRange(0, 300)]))
    return Form
