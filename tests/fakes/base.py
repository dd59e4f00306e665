"""A threaded HTTP server on 127.0.0.1 (port 0) that records requests and can inject faults."""

import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    form: dict = field(default_factory=dict)
    json: object = None

    @property
    def params(self):
        """Return query and form fields together, one value each, as the Graph API reads them."""
        return {**{k: v[-1] for k, v in self.query.items()}, **{k: v[-1] for k, v in self.form.items()}}


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)
    drop: bool = False  # close the connection without sending a response
    delay: float = 0.0  # seconds to wait before responding, so that the client times out
    raw: bytes = b""
    content_type: str = "application/json"


@dataclass
class Fault:
    method: str
    pattern: re.Pattern
    reply: Reply
    times: int
    after: bool  # run the real handler first (the request takes effect), then reply with the fault


class FakeServer:
    """Route requests to `handle_<name>` methods by regex; subclasses list their ROUTES."""

    ROUTES = ()  # (method, regex, handler name)

    def __init__(self):
        self.requests = []
        self.faults = deque()
        self.lock = threading.RLock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def fail(
        self,
        method,
        path_regex,
        *,
        status=None,
        body=None,
        headers=None,
        times=1,
        drop=False,
        after=False,
        delay=0.0,
    ):
        """Return this fault for the next `times` matching requests instead of calling the real handler.

        The status defaults to 400 with a body (an API error) and 500 without one.
        """
        status = status or (400 if body else 500)
        reply = Reply(status=status, body=body, headers=headers or {}, drop=drop, delay=delay)
        with self.lock:
            self.faults.append(Fault(method, re.compile(path_regex), reply, times, after))

    def requests_to(self, method, path_regex):
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    def _take_fault(self, request):
        with self.lock:
            for fault in self.faults:
                if fault.method == request.method and fault.pattern.search(request.path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def dispatch(self, request):
        for method, pattern, name in self.ROUTES:
            match = re.fullmatch(pattern, request.path)
            if method == request.method and match:
                with self.lock:
                    return getattr(self, f"handle_{name}")(request, **match.groupdict())
        return Reply(404, {"error": {"message": f"Unknown path {request.path}"}})

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                # Headers and body go out in two writes; without this, Nagle's
                # algorithm holds the body for the client's delayed ACK (40 ms).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _serve(self):
                request = self._read()
                with fake.lock:
                    fake.requests.append(request)
                fault = fake._take_fault(request)
                if fault and fault.after:
                    fake.dispatch(request)
                reply = fault.reply if fault else fake.dispatch(request)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._write(reply)

            def _read(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                content_type = request.headers.get("content-type", "")
                if "application/x-www-form-urlencoded" in content_type:
                    request.form = parse_qs(body.decode())
                elif "json" in content_type and body:
                    request.json = json.loads(body)
                return request

            def _write(self, reply):
                if reply.raw:
                    payload, content_type = reply.raw, reply.content_type
                elif reply.body is None:
                    payload, content_type = b"", reply.content_type
                else:
                    payload, content_type = json.dumps(reply.body).encode(), "application/json"
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve

        return Handler
