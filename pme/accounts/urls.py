from django.urls import path

from pme.accounts.views import auth, mfa, person, prescriber, regie, tokens

app_name = "accounts"
urlpatterns = [
    # Everyone
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("password/reset/", auth.password_reset, name="password_reset"),
    path(
        "password/reset/<str:uidb64>/<str:token>/", auth.password_reset_confirm, name="password_reset_confirm"
    ),
    path("security/", auth.security_page, name="security"),
    path("security/email/", auth.email_verify_send, name="email_verify_send"),
    path("security/email/<str:token>/", auth.email_verify, name="email_verify"),
    path("security/two-factor/setup/", mfa.otp_setup, name="otp_setup"),
    path("security/two-factor/", mfa.otp_verify, name="otp_verify"),
    path("security/recovery-codes/", mfa.recovery_codes, name="recovery_codes"),
    path("security/api-tokens/", tokens.api_tokens_page, name="api_tokens"),
    path("security/api-tokens/<int:pk>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
    # Prescribers: their assistants and access requests (form 4313)
    path("assistants/", prescriber.collaborators, name="collaborators"),
    path("assistants/add/", prescriber.delegation_invite, name="delegation_invite"),
    path("assistants/<int:pk>/remove/", prescriber.delegation_remove, name="delegation_remove"),
    path("access-requests/new/", prescriber.access_request_new, name="access_request_new"),
    path("access-requests/<int:pk>/", prescriber.access_request_detail, name="access_request_detail"),
    path("access-requests/<int:pk>/cancel/", prescriber.access_request_cancel, name="access_request_cancel"),
    path("access-requests/<int:pk>/resend/", prescriber.access_request_resend, name="access_request_resend"),
    path(
        "access-requests/<int:pk>/letter.pdf", prescriber.access_request_letter, name="access_request_letter"
    ),
    # The person named in an access request, through the one-time link
    path(
        "access-requests/complete/<str:token>/",
        person.access_request_complete,
        name="access_request_complete",
    ),
    # Collaborators
    path("prescribers/", person.my_prescribers, name="my_prescribers"),
    path("prescribers/<int:pk>/accept/", person.delegation_accept, name="delegation_accept"),
    path("prescribers/<int:pk>/decline/", person.delegation_decline, name="delegation_decline"),
    # Régie access administrators
    path("regie/access-requests/", regie.queue, name="regie_queue"),
    path("regie/access-requests/<int:pk>/", regie.access_request, name="regie_access_request"),
    path(
        "regie/access-requests/<int:pk>/approve/",
        regie.access_request_approve,
        name="regie_access_request_approve",
    ),
    path(
        "regie/access-requests/<int:pk>/refuse/",
        regie.access_request_refuse,
        name="regie_access_request_refuse",
    ),
    path("regie/accounts/", regie.accounts, name="regie_accounts"),
    path("regie/accounts/<int:pk>/", regie.account, name="regie_account"),
    path("regie/accounts/<int:pk>/deactivate/", regie.account_deactivate, name="regie_account_deactivate"),
    path("regie/accounts/<int:pk>/reactivate/", regie.account_reactivate, name="regie_account_reactivate"),
    path(
        "regie/accounts/<int:pk>/temporary-password/",
        regie.account_temporary_password,
        name="regie_account_temporary_password",
    ),
]
