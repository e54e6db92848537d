"""`cjkpress serve`: the book built again each time one of its files is saved, its pages shown in the
browser at http://127.0.0.1:PORT/, scrolled to the first page that changed (session.py builds,
watch.py sees the changes, server.py serves)."""

import signal
import sys
import threading
import time
from pathlib import Path

from .server import HOST, start
from .session import Session
from .watch import changes, roots, snapshot

LOOK_EVERY = 0.1  # s between looks at the files
SETTLE = 0.05  # s a change is left to settle: an editor may write a file in steps


def stop(signum, frame):
    raise KeyboardInterrupt


def serve(path: Path, out: Path, formats: list[str], encoding: str | None, port: int) -> None:
    """Build the book at `path`, serve its preview, and build it again on every change until Ctrl-C."""
    session = Session(path, out, ["pdf"] + [f for f in formats if f != "pdf"], encoding)
    server = start(session, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"cjkpress: previewing {path} at http://{HOST}:{server.server_address[1]}/ "
          f"(outputs in {out}/; Ctrl-C stops)", file=sys.stderr, flush=True)
    watched = roots(path)
    signal.signal(signal.SIGTERM, stop)  # a service manager's stop is a Ctrl-C
    try:
        seen = snapshot(watched, out)
        session.rebuild()
        while True:
            time.sleep(LOOK_EVERY)
            now = snapshot(watched, out)
            if changes(seen, now):
                started = time.monotonic()
                time.sleep(SETTLE)
                seen = snapshot(watched, out)
                session.rebuild(started)
    except KeyboardInterrupt:
        print(f"\ncjkpress: stopped; the last good outputs are in {out}/", file=sys.stderr)
    finally:
        server.shutdown()
        server.server_close()
