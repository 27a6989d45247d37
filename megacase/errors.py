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


class RegisterBusy(MegaCaseError):
    """Another MegaCase held the register's write lock for longer than we wait."""


class BadEnvironment(MegaCaseError):
    """The computer's side is wrong: a folder that is a file, a read-only or full disk, a broken keyring."""


class MissingRegister(UnlockError):
    """The recovery file is there but the database is missing, empty or cut short."""


class NewerRegister(UnlockError):
    """The register's schema is newer than this version knows."""


class RegisterLocked(MegaCaseError):
    """The window is locked: its key was dropped until the officer unlocks it again."""
