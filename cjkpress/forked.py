"""Run a task in a forked process beside this one: chapters drawn while the next is laid out, the
outputs written side by side once the book is.

The child shares the parent's memory as it was (the layout is not copied or
pickled); its result or its exception comes back through a pipe. Ctrl-C
reaches the parent alone, which stops its children as an interrupted build
stops: nothing half-written is left.
"""

import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable


class Forked:
    """A task running in a child process (`forked`)."""

    def __init__(self, pid: int, read: int):
        self.pid, self.pipe = pid, os.fdopen(read, "rb")

    def wait(self) -> object:
        """What the task returned; or raise what it raised."""
        with self.pipe:
            data = self.pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if not data:
            raise OSError(f"the process working beside this one stopped (status {status})")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """End the task unfinished, if it is still running (this process was interrupted, or failed)."""
        if self.pid is None:
            return
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        self.pid = None
        self.pipe.close()


def interrupted(signum, frame):
    raise KeyboardInterrupt


def forked(task: Callable[[], object]) -> Forked:
    """Start `task()` in a child process."""
    read, write = os.pipe()
    # Ctrl-C while forking would be lost in the fork's handlers: it is taken after it, by the parent.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, interrupted)  # the parent's stop()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if pid == 0:  # the child, which never returns to the parent's code, stopped or not
        # What it was forked with is not collected: the collector would walk it all and write to each
        # page of it, which the fork shares with the parent till then.
        gc.freeze()
        try:
            os.close(read)
            try:
                outcome = (True, task())
            except BaseException as err:  # noqa: BLE001 - every failure goes back to the parent
                outcome = (False, err)
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(outcome, pipe)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(0)
    os.close(write)
    return Forked(pid, read)


def stop_all(tasks: list[Forked]) -> None:
    """Stop every task of `tasks` still running."""
    for task in tasks:
        task.stop()
