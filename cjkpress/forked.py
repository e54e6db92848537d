"""Run a task in a forked process beside this one: the machine has two cores and the
PDF and the EPUB, once laid out, are written independently.

The child shares the parent's memory as it was (the layout is not copied or
pickled); its result or its exception comes back through a pipe.
"""

import os
import pickle
import sys
from collections.abc import Callable


def forked(task: Callable[[], object]) -> Callable[[], object]:
    """Start `task()` in a child process; the function returned waits for it and returns or raises what it did."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            outcome = (True, task())
        except BaseException as err:  # noqa: BLE001 - every failure goes back to the parent
            outcome = (False, err)
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(outcome, pipe)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.close(write)

    def wait() -> object:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if not data:
            raise OSError(f"the process writing beside this one stopped (status {status})")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    return wait
