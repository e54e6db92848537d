"""The one error a user is meant to see: bad input, named by file and line."""

from pathlib import Path


class InputError(Exception):
    """Input that cjkpress cannot build from; says where and what to do."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __reduce__(self):
        # Whole across processes (the EPUB may be written in a forked one).
        return InputError, (self.message, self.path, self.line)

    def __str__(self) -> str:
        where = str(self.path) if self.path else "cjkpress"
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}"


class InputErrors(InputError):
    """Several mistakes of one file, reported together so that one run shows them all."""

    def __init__(self, errors: list[InputError]):
        first = errors[0]
        super().__init__(first.message, first.path, first.line)
        self.errors = errors

    def __reduce__(self):
        return InputErrors, (self.errors,)

    def __str__(self) -> str:
        return "\n".join(map(str, self.errors))


def raise_all(errors: list[InputError]) -> None:
    """Raise what `errors` holds, in the order of their lines: one as itself, several together."""
    if errors:
        errors = sorted(errors, key=lambda err: err.line or 0)
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
