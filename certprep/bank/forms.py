"""Forms for uploading question files, editing questions and changing a set's state.

Every field that is stored has the length of its column; every state change is a form whose
choices come from the one list of allowed values.
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from certprep.bank import outline
from certprep.bank.formats import FORMATS
from certprep.bank.models import SET_STATUSES

FORMAT_LABELS = {
    "auto": "Detect from the file",
    "native": "certprep native (YAML)",
    "gift": "Moodle GIFT",
    "aiken": "Aiken",
    "moodle-xml": "Moodle XML",
    "qti": "Canvas QTI 1.2",
    "csv": "CSV (certprep template)",
}
# Lengths of what is stored inside a version's content (JSON, no column to set a limit),
# generous for real questions and small enough that a page can always show them.
MAX_SOURCE = 20_000
MAX_SCENARIO = 10_000
MAX_LIST_TEXT = 5_000
LARGEST_ID = 2**31 - 1


def format_label(key: str) -> str:
    return FORMAT_LABELS.get(key, key)


def domain_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(key, outline.label(key)) for key in outline.DOMAINS
    ]


class UploadForm(FlaskForm):
    file = FileField("Question file", validators=[FileRequired("Choose a file to upload.")])
    title = StringField(
        "Set title", validators=[Optional(), Length(max=200)],
        description="Leave empty to use the title in the file, or the file name.",
    )
    format = SelectField(
        "Format",
        choices=[SelectChoice(key, FORMAT_LABELS[key]) for key in ("auto", *FORMATS)],
        default="auto",
    )


class ConfirmUploadForm(FlaskForm):
    """Where an upload goes: an explicit choice when it matches a set that exists."""

    target = RadioField(
        "Where should these questions go?",
        choices=[SelectChoice("update", "Update the existing set"),
                 SelectChoice("new", "Import as a new set")],
        validators=[InputRequired("Choose whether to update the existing set or to import "
                                  "the file as a new set.")],
    )
    title = StringField("Title of the new set", validators=[Optional(), Length(max=200)])


class QuestionForm(FlaskForm):
    """One question: its content in GIFT (what Moodle users know), its metadata in fields.

    The GIFT text goes through the same parser as an uploaded GIFT file.
    """

    source = TextAreaField(
        "Question in GIFT",
        validators=[DataRequired(), Length(max=MAX_SOURCE)],
        render_kw={"rows": 14, "spellcheck": "true"},
        description="Options: = marks the correct one, ~ a wrong one, # its feedback; "
        "#### starts the rationale. Numerical: {#42:0.5}. Matching: {=prompt -> answer}.",
    )
    scenario = TextAreaField(
        "Case scenario (shown above the stem)",
        validators=[Optional(), Length(max=MAX_SCENARIO)], render_kw={"rows": 3},
    )
    domain = SelectField("Blueprint domain", choices=domain_choices("No domain"),
                         validators=[Optional()])
    subdomain = StringField("Subdomain", validators=[Optional(), Length(max=120)])
    difficulty = SelectField(
        "Difficulty",
        choices=[SelectChoice("", "Not set")]
        + [SelectChoice(d, d.capitalize()) for d in outline.DIFFICULTIES],
        validators=[Optional()],
    )
    tags = StringField("Tags", validators=[Optional(), Length(max=MAX_LIST_TEXT)],
                       description="Separated by commas.")
    references = TextAreaField("References", validators=[Optional(), Length(max=MAX_LIST_TEXT)],
                               description="One per line.", render_kw={"rows": 3})
    note = StringField("What changed (kept in the version history)",
                       validators=[Optional(), Length(max=200)])


class SetStatusForm(FlaskForm):
    """Publish, unpublish or retire a set; the allowed states are the model's one list."""

    status = SelectField(choices=[SelectChoice(s, s.capitalize()) for s in SET_STATUSES],
                         validators=[InputRequired()])


class RetireQuestionForm(FlaskForm):
    """Retire or restore one question: the choice must be made, never assumed."""

    retired = SelectField(
        choices=[SelectChoice("1", "Retire"), SelectChoice("0", "Restore")],
        validators=[InputRequired("Say whether to retire or restore the question.")],
    )


class AddEditorForm(FlaskForm):
    email = StringField(
        "Educator's email", validators=[DataRequired(), Email(), Length(max=254)],
        description="They may then edit, publish and update this set as you can.",
    )


class RemoveEditorForm(FlaskForm):
    user_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=LARGEST_ID)])


class SetSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=200)])
    domain = SelectField("Domain", choices=domain_choices("All domains"), validators=[Optional()])
