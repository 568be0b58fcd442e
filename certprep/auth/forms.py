"""Forms for signing in and managing one's own password."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput

from certprep.auth.models import User
from certprep.auth.passwords import password_problem
from certprep.forms import PASSWORD_MAX_LENGTH, fits


def password_length() -> Length:
    return Length(
        max=PASSWORD_MAX_LENGTH, message=f"Use at most {PASSWORD_MAX_LENGTH} characters."
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), fits(User.email)])
    password = PasswordField("Password", validators=[DataRequired(), password_length()])
    remember = BooleanField("Keep me signed in on this device")


def strong_password(form, field):
    email = getattr(form, "email", None)
    name = getattr(form, "full_name", None)
    problem = password_problem(
        field.data or "",
        email=email.data if email is not None and email.data else form.known_email,
        full_name=name.data if name is not None and name.data else form.known_name,
    )
    if problem:
        raise ValidationError(problem)


class NewPasswordForm(FlaskForm):
    """Choose a password twice; known_email/known_name let the rule refuse personal words."""

    known_email = ""
    known_name = ""
    password = PasswordField(
        "New password",
        validators=[DataRequired(), password_length(), strong_password],
        description="At least 10 characters; not a common password.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class ProfileForm(NewPasswordForm):
    """An account's own details, as an invitee or a newly registering nurse gives them."""

    full_name = StringField("Full name", validators=[DataRequired(), fits(User.full_name)])
    credentials = StringField(
        "Professional credentials",
        validators=[fits(User.credentials)],
        description='For example "RN, BSN".',
    )


class RegisterForm(ProfileForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), fits(User.email)])


class NurseRegisterForm(RegisterForm):
    """Self-registration: a nurse may join the sites an admin opened to it."""

    sites = SelectMultipleField("Sites to join (optional)", coerce=int,
                                option_widget=CheckboxInput())


class SetupForm(RegisterForm):
    """The first administrator's account, created on the one-time setup page."""


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired(), password_length()])
