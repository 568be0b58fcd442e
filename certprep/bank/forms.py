"""Forms for uploading question files and editing questions."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from certprep.bank import outline
from certprep.bank.formats import FORMATS

FORMAT_LABELS = {
    "auto": "Detect from the file",
    "native": "certprep native (YAML)",
    "gift": "Moodle GIFT",
    "aiken": "Aiken",
    "moodle-xml": "Moodle XML",
    "qti": "Canvas QTI 1.2",
    "csv": "CSV (certprep template)",
}


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


class QuestionForm(FlaskForm):
    """One question: its content in GIFT (what Moodle users know), its metadata in fields.

    The GIFT text goes through the same parser as an uploaded GIFT file.
    """

    source = TextAreaField(
        "Question in GIFT",
        validators=[DataRequired()],
        render_kw={"rows": 14, "spellcheck": "true"},
        description="Options: = marks the correct one, ~ a wrong one, # its feedback; "
        "#### starts the rationale. Numerical: {#42:0.5}. Matching: {=prompt -> answer}.",
    )
    scenario = TextAreaField(
        "Case scenario (shown above the stem)", validators=[Optional()], render_kw={"rows": 3}
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
    tags = StringField("Tags", validators=[Optional()], description="Separated by commas.")
    references = TextAreaField("References", validators=[Optional()],
                               description="One per line.", render_kw={"rows": 3})
    note = StringField("What changed (kept in the version history)",
                       validators=[Optional(), Length(max=200)])


class SetSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional()])
    domain = SelectField("Domain", choices=domain_choices("All domains"), validators=[Optional()])
