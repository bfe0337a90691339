from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from matchmaker.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

PASSWORD_HINT = _l(
    "At least %(num)s characters, any kind; not a common password.", num=MIN_PASSWORD_LENGTH
)
REQUIRED = _l("Please fill in this field.")


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(num)s characters.", num=limit))


def _email_field() -> EmailField:
    return EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(message=REQUIRED),
            Email(message=_l("Please enter a valid e-mail address.")),
            _too_long(254),
        ],
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice (registration, change, reset)."""

    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Between %(min)s and %(max)s characters.",
                    min=MIN_PASSWORD_LENGTH,
                    max=MAX_PASSWORD_LENGTH,
                ),
            ),
        ],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(message=REQUIRED), _too_long(254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=REQUIRED), _too_long(MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class RegisterForm(NewPasswordForm):
    email = _email_field()


class PasswordChangeForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=REQUIRED), _too_long(MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ResetForm(NewPasswordForm):
    """The new password, from a reset link."""


class ResetRequestForm(FlaskForm):
    email = _email_field()


class AccountForm(FlaskForm):
    notify_email = BooleanField(
        _l("E-mail me when EDB approves an introduction or a partner writes")
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(message=REQUIRED), _too_long(100)],
        description=_l("What the token is for, e.g. 'ERP export'."),
    )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Colleague's e-mail"),
        validators=[
            DataRequired(message=REQUIRED),
            Email(message=_l("Please enter a valid e-mail address.")),
            _too_long(254),
        ],
        render_kw={"autocomplete": "off"},
    )


class JoinForm(NewPasswordForm):
    """An invited person without an account: the invited address and a new password."""


class EmailChangeForm(FlaskForm):
    email = EmailField(
        _l("New e-mail address"),
        validators=[
            DataRequired(message=REQUIRED),
            Email(message=_l("Please enter a valid e-mail address.")),
            _too_long(254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=REQUIRED), _too_long(MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=REQUIRED), _too_long(MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm_delete = BooleanField(
        _l("I understand that my account is deleted for good"),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )
