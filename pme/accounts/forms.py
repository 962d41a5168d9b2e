from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from pme.accounts.models import DelegationPermission, Language, StaffKind
from pme.accounts.passwords import MAX_PASSWORD_LENGTH


class LoginForm(forms.Form):
    """Only parses: the credentials are checked by the login door (services/authentication.py)."""

    INVALID = _("The username or the password is wrong. Both are case-sensitive.")

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    # Neither stripped nor truncated: a long passphrase is checked whole.
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH * 4,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _password_rules() -> str:
    return " ".join(str(t) for t in password_validators_help_texts())


# Evaluated when the form is rendered, in the language of that request (not once at import time).
password_rules = lazy(_password_rules, str)


def _password_field(label: Any, *, hint: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_PASSWORD_LENGTH * 4,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_rules() if hint else "",
    )


class NewPasswordForm(forms.Form):
    """A new password, twice. The rules are checked by the service (Django's validators and ours)."""

    new_password1 = _password_field(_("New password"), hint=True)
    new_password2 = _password_field(_("New password, again"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        one, two = cleaned.get("new_password1"), cleaned.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("The two passwords differ."))
        return cleaned


class ResetPasswordForm(NewPasswordForm):
    """The reset link's form; an account with a second factor gives a code too."""

    second_factor_code = forms.CharField(
        label=_("Code of your second factor"),
        max_length=32,
        required=False,
        help_text=_("The 6-digit code your authentication app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def __init__(self, *args: Any, second_factor: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if second_factor:
            self.fields["second_factor_code"].required = True
        else:
            del self.fields["second_factor_code"]


class ChangePasswordForm(NewPasswordForm):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "new_password1", "new_password2"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        value = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("This is not your current password."))
        return str(value)


class AccessRequestForm(forms.Form):
    """Form 4313, the *Autorisation* part, filled by the prescriber."""

    first_name = forms.CharField(label=_("The person's first name"), max_length=150)
    last_name = forms.CharField(label=_("The person's last name"), max_length=150)
    email = forms.EmailField(
        label=_("The person's own e-mail address"),
        help_text=_("Their personal work address, not yours: the one-time link and the password go there."),
    )
    language = forms.ChoiceField(
        label=_("Language of the person's e-mails"), choices=Language.choices, widget=forms.RadioSelect
    )
    staff_kind = forms.ChoiceField(label=_("Role"), choices=StaffKind.choices, widget=forms.RadioSelect)
    clinic = forms.CharField(label=_("Clinic or establishment"), max_length=200)
    permission = forms.ChoiceField(
        label=_("Permission asked for"), choices=DelegationPermission.choices, widget=forms.RadioSelect
    )
    attests_direction = forms.BooleanField(
        label=_("I attest that this person works under my direction, in my clinic or establishment.")
    )
    attests_no_sharing = forms.BooleanField(
        label=_("I attest that the person will not share their credentials and that I will not use them.")
    )

    def __init__(self, *args: Any, prescriber: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prescriber = prescriber
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if email.lower() == (self.prescriber.email or "").lower():
            raise forms.ValidationError(_("Give the person's own e-mail address: it must differ from yours."))
        return email


class AccessRequestCompletionForm(forms.Form):
    """Form 4313, the *Utilisateur* part, filled by the person through the one-time link."""

    first_name = forms.CharField(label=_("Your first name"), max_length=150)
    last_name = forms.CharField(label=_("Your last name"), max_length=150)
    job_title = forms.CharField(label=_("Your job title"), max_length=150)
    accepts_commitment = forms.BooleanField(
        label=_("I have read the confidentiality commitment and I accept it.")
    )


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The prescriber reads this reason."),
    )


class DeactivationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the deactivation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: credentials shared. Kept in the audit trail."),
    )


class InvitationForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the assistant"),
        max_length=150,
        help_text=_("The assistant must already have an account. They accept the link when they log in."),
    )
    permission = forms.ChoiceField(
        label=_("Permission"), choices=DelegationPermission.choices, widget=forms.RadioSelect
    )
    ends_on = forms.DateField(
        label=_("End date"),
        required=False,
        help_text=_("Leave empty for no end date. Format: 2026-12-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code your authentication app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class EnrolmentForm(forms.Form):
    token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        help_text=_("6 digits."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordResetRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Username, last name or e-mail address"), max_length=254, required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("What will use it, for example: Clinic records software."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[
            (30, _("30 days")),
            (90, _("90 days")),
            (180, _("180 days")),
            (365, _("365 days")),
        ],
        initial=90,
    )
