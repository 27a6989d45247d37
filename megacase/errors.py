"""One exception tree; every message is fit to show to a user as it is."""


class MegaCaseError(Exception):
    """Base of every error the application reports to a user."""


class InputError(MegaCaseError):
    """The user gave something the application cannot accept."""


class NotFound(InputError):
    """A case, subject or other record does not exist."""


class RuleViolation(MegaCaseError):
    """A legal or business rule forbids the action."""


class IllegalTransition(RuleViolation):
    """The case is not in a state that allows this action."""


class PermissionDenied(RuleViolation):
    """The user's role does not allow this action."""


class UnlockError(MegaCaseError):
    """The database could not be opened."""


class WrongPassphrase(UnlockError):
    pass


class CorruptFile(UnlockError):
    pass


class NeedPassphrase(UnlockError):
    """The key is not in the keyring: the recovery passphrase is needed."""


class ProfileExists(InputError):
    pass


class NoProfile(InputError):
    pass
