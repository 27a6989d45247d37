"""Mail: the settings, the transports (SMTP with a password, SMTP with an Office 365 token, Microsoft Graph)
and the privacy mailbox that feeds the register.

The transport is chosen once, from the settings, by ``transport_from_settings``.
"""

from megacase.services.mail.config import (KEYRING_SERVICE, MAIL_TRANSPORT, PASSWORD_ENV, PRIVACY_CONTACT,
                                           SECURITY_MODES, SIGNATORY, SMTP_HOST, SMTP_PORT, SMTP_SECURITY,
                                           SMTP_SENDER, SMTP_USER, TRANSPORTS, MailboxSettings, MailSettings, SmtpSettings,
                                           configure, configure_mailbox, request_configuration, load_mailbox, load_settings,
                                           load_settings_in, mailbox_password_for, password_for,
                                           store_mailbox_password, store_password)
from megacase.services.mail.errors import DeliveryError, SignInRequired, scrub
from megacase.services.mail.smtp import SmtpTransport
from megacase.services.mail.transports import (TestResult, Transport, send_test_message, sign_in_for,
                                               transport_for, transport_from_settings)

__all__ = ["KEYRING_SERVICE", "MAIL_TRANSPORT", "PASSWORD_ENV", "PRIVACY_CONTACT", "SECURITY_MODES", "SIGNATORY",
           "SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_SENDER", "SMTP_USER", "TRANSPORTS", "MailSettings",
           "SmtpSettings", "MailboxSettings", "configure", "request_configuration", "configure_mailbox", "load_mailbox",
           "mailbox_password_for", "store_mailbox_password", "load_settings", "load_settings_in", "password_for", "store_password",
           "DeliveryError", "SignInRequired", "scrub", "SmtpTransport", "TestResult", "Transport",
           "send_test_message", "sign_in_for", "transport_for", "transport_from_settings"]
