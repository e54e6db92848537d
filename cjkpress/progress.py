"""What a build says while it works: a status line on a terminal, nothing more in a log.

`status()` names the stage (and, while typesetting, the pages laid out) on
one line of the terminal, rewritten in place once the work has taken a
second; `result()` says what was made, one line each. Off a terminal (a CI
log) a build prints only its warnings and errors, unless asked (-v) to say
its stages and results too; -q leaves errors only.
"""

import logging
import shutil
import sys
import time

STATUS = logging.getLogger("cjkpress.status")
SHOW_AFTER = 1.0  # s: work quicker than this shows no status line


def status(message: str, *args, count: bool = False) -> None:
    """The stage the work is at; `count`: a count within it (pages laid out), shown on a terminal only."""
    STATUS.info(message, *args, extra={"transient": True, "count": count})


def result(message: str, *args) -> None:
    """What was made: a lasting line on a terminal, and in a log with -v."""
    STATUS.info(message, *args, extra={"transient": False})


class Console(logging.Handler):
    """Writes the status line and the messages to `stream`; `verbosity` -1 (-q), 0 or 1 (-v)."""

    def __init__(self, stream=sys.stderr, verbosity: int = 0):
        super().__init__(logging.INFO)  # the status records are INFO: each message's level is weighed in handle()
        self.least = logging.INFO if verbosity > 0 else logging.WARNING if verbosity == 0 else logging.ERROR
        self.stream, self.verbosity = stream, verbosity
        self.tty = stream.isatty()
        self.started: float | None = None
        self.shown = False  # a status line is on the terminal

    def handle(self, record: logging.LogRecord) -> bool:
        if record.name == STATUS.name:
            if self.verbosity >= 0:
                self.show(record)
            return True
        if record.levelno < self.least or (record.levelno < logging.WARNING and not record.name.startswith("cjkpress")):
            return False  # not asked for, or the libraries' own chatter (WeasyPrint's steps)
        return super().handle(record)

    def show(self, record: logging.LogRecord) -> None:
        text = f"cjkpress: {record.getMessage()}"
        if not self.tty:
            if self.verbosity > 0 and not getattr(record, "count", False):
                self.stream.write(text + "\n")
            return
        if getattr(record, "transient", False):
            self.started = self.started or time.monotonic()
            if time.monotonic() - self.started >= SHOW_AFTER:
                width = shutil.get_terminal_size().columns - 1
                self.stream.write("\r\x1b[K" + text[:width])
                self.shown = True
        else:
            self.clear()
            self.stream.write(text + "\n")
        self.stream.flush()

    def emit(self, record: logging.LogRecord) -> None:
        self.clear()
        prefix = "cjkpress" if record.levelno == logging.INFO else record.levelname
        self.stream.write(f"{prefix}: {record.getMessage()}\n")
        self.stream.flush()

    def clear(self) -> None:
        """Take the status line off the terminal (before a message, and when the work is done)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def console(verbosity: int = 0) -> Console:
    """Route cjkpress's messages to a Console on stderr (and nothing else): the CLI's set-up."""
    handler = Console(sys.stderr, verbosity)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    return handler
