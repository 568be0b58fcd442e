"""Forms for logging hours, reviewing them and editing programs."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput

from certprep.auth.models import User
from certprep.forms import fits
from certprep.hours.models import Entry, Preceptor, PreceptorLink, Program
from certprep.hours.preceptors import DECISIONS
from certprep.hours.vocab import CATEGORIES


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in CATEGORIES.items()]


class EntryForm(FlaskForm):
    day = DateField("Date", validators=[Optional()])
    start = TimeField("Start time", validators=[Optional()],
                      description="Start and end, or leave both empty and give the hours.")
    end = TimeField("End time", validators=[Optional()])
    hours = DecimalField("Hours", places=2, validators=[Optional()],
                         description="In quarter hours: 1, 1.25, 1.5, 1.75.")
    site = SelectField("Site", coerce=int, validate_choice=False, validators=[Optional()])
    supervisor = SelectField("Supervisor who will sign", coerce=int, validate_choice=False,
                             validators=[Optional()])
    category = SelectField("Activity", choices=category_choices(),
                           validate_choice=False)
    encounters = IntegerField("Patient encounters", default=0, validators=[Optional()],
                              description="A count only, never who they were.")
    notes = TextAreaField("Notes", validators=[Optional()],
                          description="No patient names, record numbers or dates of birth.")
    late_reason = StringField("Late-entry reason", validators=[fits(Entry.late_reason)],
                              description="Needed when the date is past the late limit.")
    confirm_notes = BooleanField("My notes identify no patient: save them as they are")
    submit_now = BooleanField("Submit for sign-off now", default=True)

    @property
    def days(self) -> list:
        return [self[f"day{number}"] for number in range(7)]


class ReviewForm(FlaskForm):
    """POST /hours/review: entry (repeatable), action, note, attest."""

    entry = SelectMultipleField("Entries", coerce=int, validate_choice=False,
                                validators=[DataRequired("Choose at least one entry.")])
    action = SelectField("Action", choices=[SelectChoice("approve", "Approve"),
                                  SelectChoice("return", "Return"),
                                  SelectChoice("reject", "Reject")],
                         validators=[InputRequired("Choose approve, return or reject.")])
    note = TextAreaField("Note to the nurse", validators=[fits(Entry.review_note)],
                         description="Required to return or reject: say what to change.")
    attest = BooleanField("I confirm the attestation above")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if any(not 0 < number < 2**31 for number in self.entry.data):
            self.entry.errors.append("Choose entries from the list.")
            return False
        if self.action.data in ("return", "reject") and not (self.note.data or "").strip():
            self.note.errors.append("Write a note saying why: it is required to return or "
                                    "reject.")
            return False
        if self.action.data == "approve" and not self.attest.data:
            self.attest.errors.append("Tick the attestation to approve.")
            return False
        return True


class ReassignForm(FlaskForm):
    supervisor = SelectField("New supervisor", coerce=int, validate_choice=False)


class ProgramForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), fits(Program.name)])
    certifying_body = StringField("Certifying body",
                                  validators=[DataRequired(), fits(Program.certifying_body)])
    practice_hours = IntegerField("Practice hours required",
                                  validators=[InputRequired(), NumberRange(min=0, max=100000)])
    window_years = IntegerField("Practice window (years)",
                                validators=[InputRequired(), NumberRange(min=1, max=20)])
    ce_hours = IntegerField("CE contact hours required",
                            validators=[InputRequired(), NumberRange(min=0, max=10000)])
    ce_window_years = IntegerField("CE window (years)",
                                   validators=[InputRequired(), NumberRange(min=1, max=20)])
    categories = SelectMultipleField("Categories that count (none ticked: all count)",
                                     choices=category_choices(),
                                     option_widget=CheckboxInput())
    target_score = IntegerField("Target exam score", validators=[Optional(),
                                                                 NumberRange(min=0, max=1000)])
    requires_rn_licence = BooleanField("Requires an active RN licence")
    rn_practice_years = IntegerField("Years of full-time RN practice",
                                     validators=[InputRequired(), NumberRange(min=0, max=40)])
    note = StringField("Note shown with the program", validators=[fits(Program.note)])
    is_default = BooleanField("Default program for nurses who enrolled in none")


class EnrolForm(FlaskForm):
    program = SelectField("Program", coerce=int, validate_choice=False)
    target_date = DateField("Target application date (optional)", validators=[Optional()])


class InviteNurseForm(FlaskForm):
    email = StringField("Nurse's email", validators=[DataRequired(), fits(User.email)])
    full_name = StringField("Full name (for a nurse without an account: they are invited)",
                            validators=[fits(User.full_name)])


class PreceptorForm(FlaskForm):
    """An admin or a site supervisor registers an external preceptor (no certprep account)."""

    site = SelectField("Site", coerce=int, validate_choice=False)
    full_name = StringField("Preceptor's full name",
                            validators=[DataRequired("Give the preceptor's name."),
                                        fits(Preceptor.full_name)])
    credentials = StringField("Credentials (for example RN, MSN)",
                              validators=[fits(Preceptor.credentials)])
    email = EmailField("Preceptor's email", validators=[
        DataRequired("Give the preceptor's email."), Email("Give a valid email address."),
        fits(Preceptor.email)])


class PreceptorRequestForm(FlaskForm):
    """A nurse asks a registered preceptor to sign chosen submitted entries."""

    preceptor = SelectField("Preceptor", coerce=int, validate_choice=False,
                            validators=[DataRequired("Choose a preceptor.")])
    entries = SelectMultipleField("Submitted entries to sign", coerce=int,
                                  validate_choice=False, option_widget=CheckboxInput(),
                                  validators=[DataRequired("Choose at least one entry.")])


def signoff_form(entries, formdata=None):
    """The preceptor's form: their typed name, the attestation, and for each entry the link
    is bound to a decision and a note. Built per link, so it has fields for those entries
    only."""

    class SignOffForm(FlaskForm):
        typed_name = StringField("Type your full name", validators=[
            DataRequired("Type your full name to sign."), fits(PreceptorLink.typed_name)])
        attest = BooleanField("I confirm the attestation above", validators=[
            DataRequired("Tick the box to confirm the attestation.")])

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            for entry in entries:
                if (self[f"decision_{entry.id}"].data == "return"
                        and not (self[f"note_{entry.id}"].data or "").strip()):
                    self[f"note_{entry.id}"].errors.append(
                        "Say what the nurse should change to return this entry.")
                    valid = False
            return valid

    for entry in entries:
        setattr(SignOffForm, f"decision_{entry.id}", SelectField(
            f"Entry of {entry.day.isoformat()}", choices=[
                SelectChoice(key, label) for key, label in DECISIONS.items()],
            validators=[InputRequired("Choose approve or return.")]))
        setattr(SignOffForm, f"note_{entry.id}", TextAreaField(
            "Note to the nurse", validators=[fits(Entry.review_note)],
            description="Required to return the entry."))
    return SignOffForm(formdata=formdata) if formdata is not None else SignOffForm()


class SiteSettingsForm(FlaskForm):
    open_for_registration = BooleanField("Open to self-registration")
    default_program = SelectField("Default program", coerce=int, validate_choice=False)


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")],
                     description="UTF-8 CSV with the template's header; at most 5,000 rows.")


class ProfileForm(FlaskForm):
    licence_number = StringField("RN licence number", validators=[Optional(), Length(max=60)])
    licence_region = StringField("Issuing state, province or region",
                                 validators=[Optional(), Length(max=60)])
    licence_expires = DateField("Licence expiry date", validators=[Optional()])
    practice_start = DateField("Started RN practice on", validators=[Optional()])
    full_time = BooleanField("Full-time (part-time practice counts half)", default=True)


class CEForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    provider = StringField("Provider", validators=[DataRequired(), Length(max=200)])
    day = DateField("Date completed", validators=[InputRequired("Give the date, YYYY-MM-DD.")])
    contact_hours = DecimalField("Contact hours", places=2, validators=[
        InputRequired("Give the contact hours, e.g. 1.5."),
        NumberRange(min=0.25, max=1000, message="Between 0.25 and 1000 hours.")])
    accreditation = StringField("Accreditation number (optional)",
                                validators=[Optional(), Length(max=100)])
    certificate = FileField("Certificate (PDF, PNG or JPEG, at most 2 MB)")


class ReportForm(FlaskForm):
    program = SelectField("Program", coerce=int, validate_choice=False)


class CodeForm(FlaskForm):
    """The public verification form: a GET, so no CSRF (it changes nothing)."""

    code = StringField("Verification code", validators=[DataRequired("Type the code from "
                                                                     "the report."),
                                                        Length(max=60)])


class WeekForm(FlaskForm):
    """Quick capture: the hours of each day of one week, with one site, supervisor and
    activity for all of them."""

    site = SelectField("Site", coerce=int, validate_choice=False, validators=[Optional()])
    supervisor = SelectField("Supervisor who will sign", coerce=int, validate_choice=False,
                             validators=[Optional()])
    category = SelectField("Activity", choices=category_choices(), validate_choice=False)
    late_reason = StringField("Late-entry reason", validators=[fits(Entry.late_reason)],
                              description="Needed for days past the late limit.")
    submit_now = BooleanField("Submit for sign-off now", default=True)

    @property
    def days(self) -> list:
        return [self[f"day{number}"] for number in range(7)]



class LateLimitForm(FlaskForm):
    days = IntegerField("Late-entry limit (days)", validators=[
        InputRequired("Give a number of days."),
        NumberRange(min=0, max=3650, message="Between 0 and 3650 days.")],
        description="Entries dated further back need a late-entry reason.")


# One named field per weekday (day0 is Monday): a FieldList would shift the days up when
# a request leaves one out.
for _number in range(7):
    setattr(WeekForm, f"day{_number}", DecimalField(places=2, validators=[Optional()]))
