"""Forms an administrator fills in."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from certprep.auth.models import ROLE_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(name, label) for name, label in ROLE_LABELS.items()]


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    roles = CheckboxesField(
        "Roles",
        choices=role_choices(),
        validators=[InputRequired(message="Choose at least one role.")],
    )
    site_id = SelectField("Site", coerce=int, choices=[])


class RolesForm(FlaskForm):
    roles = CheckboxesField("Roles", choices=role_choices())


class SiteForm(FlaskForm):
    name = StringField("Site name", validators=[DataRequired(), Length(max=120)])


class MembershipForm(FlaskForm):
    site_id = SelectField("Add to site", coerce=int, choices=[])


class SettingsForm(FlaskForm):
    self_registration = BooleanField("Nurses may create their own accounts")
