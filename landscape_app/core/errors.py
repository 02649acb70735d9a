"""Errors whose message is meant for the user, in the window and on the command line."""


class LandscapeError(Exception):
    """Base of every error the app reports to a user as a plain message (no traceback)."""


class HyperparameterError(LandscapeError, ValueError):
    """A hyperparameter is unknown, of the wrong type or out of its range.

    ``name`` is the hyperparameter at fault, when known.
    """

    def __init__(self, message: str, name: str | None = None):
        super().__init__(message)
        self.name = name


class ExpressionError(LandscapeError, ValueError):
    """A custom expression does not parse or uses something outside the allowed math.

    ``position`` is the 0-based character offset of the problem, when known.
    """

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


class UnknownIdError(LandscapeError, KeyError):
    """A registry id (function, optimizer, scene, model) that does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CancelledError(LandscapeError):
    """A long computation was cancelled by the user."""
