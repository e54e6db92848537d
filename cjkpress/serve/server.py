"""The preview's web server: on 127.0.0.1 only; the preview page, its events, its page images and the
book's outputs, and nothing else (no other file of the build folder, no listing, no path out of it).

The page learns of each new generation of pages from server-sent events
(/events) and loads itself again, scrolled to the first page that changed;
it never polls.
"""

import json
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..errors import InputError
from ..writers.markup import TEMPLATES
from .session import Session, State

HOST = "127.0.0.1"  # never another interface: the preview is the author's, not the network's
KEEPALIVE = 10  # s between comments on an idle event stream, which find a browser gone
TEMPLATE = Environment(loader=FileSystemLoader(TEMPLATES / "serve"), autoescape=select_autoescape()).get_template(
    "preview.html")


def event(state: State) -> bytes:
    data = {"generation": state.generation, "first": state.first_changed, "building": state.building,
            "seconds": state.seconds, "error": state.error}
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def handler(session: Session) -> type[BaseHTTPRequestHandler]:
    class Preview(BaseHTTPRequestHandler):
        server_version = "cjkpress"
        sys_version = ""

        def log_message(self, format, *args):  # noqa: A002 - the requests are not the author's news
            pass

        def do_GET(self):  # noqa: N802 - http.server's name
            path = urlsplit(self.path).path
            if path == "/":
                state = session.state
                self.send(TEMPLATE.render(state=state).encode(), "text/html; charset=utf-8", cache=False)
            elif path == "/events":
                self.events()
            elif path.startswith("/page/") and path.endswith(".png"):
                png = session.images.png.get(path[len("/page/"):-len(".png")])
                self.send(png, "image/png", cache=True) if png else self.missing()
            elif path.startswith("/out/"):
                self.output(unquote(path[len("/out/"):]))
            else:
                self.missing()

        def output(self, name: str) -> None:
            """An output of the book, by its name: nothing else of the build folder, nothing outside it."""
            if name not in session.state.outputs or "/" in name or "\\" in name:
                return self.missing()
            target = session.out / name
            if not target.is_file() or target.resolve().parent != session.out.resolve():
                return self.missing()
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self.send(target.read_bytes(), kind, cache=False)

        def events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            sent = None
            try:
                while True:
                    with session.changed:
                        if session.state == sent:
                            session.changed.wait(KEEPALIVE)
                        state = session.state
                    self.wfile.write(event(state) if state != sent else b": still here\n\n")
                    self.wfile.flush()
                    sent = state
            except (BrokenPipeError, ConnectionResetError):
                return  # the browser went away

        def send(self, body: bytes, kind: str, cache: bool) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            # A page image is named by its content: it never changes.
            self.send_header("Cache-Control", "max-age=31536000, immutable" if cache else "no-store")
            self.end_headers()
            self.wfile.write(body)

        def missing(self) -> None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not here: the preview serves its page and the book's outputs")

    return Preview


def start(session: Session, port: int) -> ThreadingHTTPServer:
    """The preview's server on 127.0.0.1:`port` (0: a free port), not yet serving."""
    try:
        server = ThreadingHTTPServer((HOST, port), handler(session))
    except OSError as err:
        raise InputError(f"port {port} on {HOST} cannot be listened on ({err.strerror}); choose another with "
                         "--port, or --port 0 for any free one") from None
    server.daemon_threads = True  # an open event stream does not keep the process alive
    return server

