"""Forms an administrator fills in; allowed values come from the models' vocabularies."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from certprep.auth.models import ROLE_LABELS, ROLES, User
from certprep.forms import fits
from certprep.org.audit import ACTIONS
from certprep.org.models import Site

# An account is either active or deactivated; the form says which, never its absence.
ACCOUNT_STATES = (SelectChoice("1", "Active"), SelectChoice("0", "Deactivated"))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(name, ROLE_LABELS[name]) for name in ROLES]


def roles_field() -> CheckboxesField:
    return CheckboxesField(
        "Roles", choices=role_choices(),
        validators=[InputRequired(message="Choose at least one role.")],
    )


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), fits(User.email)])
    full_name = StringField("Full name", validators=[DataRequired(), fits(User.full_name)])
    roles = roles_field()
    site_id = SelectField("Site", coerce=int, choices=[])


class RolesForm(FlaskForm):
    roles = roles_field()


class AccountStateForm(FlaskForm):
    active = RadioField(
        "Account", choices=ACCOUNT_STATES,
        validators=[InputRequired(message="Say whether the account is active.")],
    )


class SiteForm(FlaskForm):
    name = StringField("Site name", validators=[DataRequired(), fits(Site.name)])


class MembershipForm(FlaskForm):
    site_id = SelectField("Add to site", coerce=int, choices=[])


class SettingsForm(FlaskForm):
    self_registration = BooleanField("Nurses may create their own accounts")


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string (a GET form: no CSRF needed)."""

    actor = StringField("Who (email)", validators=[Optional(), fits(User.email)])
    action = SelectField(
        "Action", choices=[SelectChoice("", "Any action")]
        + [SelectChoice(key, label) for key, label in ACTIONS.items()],
        default="",
    )
    subject_id = IntegerField("Account id", validators=[Optional(), NumberRange(min=1,
                              max=2**31 - 1)])
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1,
                        max=100_000)])
