"""The store service process: a small HTTP server on a Unix socket in front of one Store.

Run by :mod:`.process` (``python -m werkboek.store_service --socket PATH``), with the database
from ``WERKBOEK_DATABASE_URL``. One thread per request (the standard library's
``ThreadingMixIn``): requests are tiny and a resident kernel sends one at a time, so a
full room means at most a few hundred short-lived threads, and the store's connection
pool and ``BEGIN IMMEDIATE`` serialise what must be serialised.

Why the standard library's ``http.server`` and not tornado or an ASGI framework: the
protocol is five JSON operations on a local socket, the server needs no event loop of its
own, and the kernels' side (``http.client``) is in the standard library too
(``benchmarks/bench_store_service.py`` measures the round trip).

On SIGTERM it stops accepting, lets requests in flight finish (a ballot being committed
is answered), then exits.

Its clients are our own kernels, but a kernel serves a page anyone on the wifi can open,
so the server trusts no request either: a request that stops half-way is dropped after
:data:`READ_TIMEOUT_SECONDS` (one thread is not held forever), and JSON nested deeper
than :data:`MAX_JSON_DEPTH` is refused before anything looks at it (deeply nested JSON
raised an uncaught ``RecursionError``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler

from werkboek.errors import BallotRejected, NotFound
from werkboek.store_service import protocol

log = logging.getLogger("werkboek.store_service")

READ_TIMEOUT_SECONDS = 10.0  # a request is a few kB sent at once by a kernel on this machine
MAX_JSON_DEPTH = 32  # a ballot is 4 levels deep, a draft ~6


def json_depth(value, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply ``value`` nests (iteratively: never recurses), stopping once past ``limit``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


class StoreServiceHandler(BaseHTTPRequestHandler):
    server: "StoreServiceServer"
    protocol_version = "HTTP/1.0"  # one request per connection: nothing to keep alive or time out
    server_version = "werkboek-store-service"
    timeout = READ_TIMEOUT_SECONDS  # socketserver: a socket timeout on every read

    def address_string(self) -> str:  # a Unix socket has no client address
        return "kernel"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the signature of the base class
        log.debug(format, *args)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path != "/health":
            self._answer(404, {"error": "unknown path"})
            return
        self._answer(200, {"ok": True, "database": self.server.store.engine.dialect.name,
                           "requests": self.server.requests, "failures": self.server.failures,
                           "last_failure": self.server.last_failure})

    def do_POST(self) -> None:  # noqa: N802
        operation = self.path.strip("/")
        if operation not in protocol.OPERATIONS:
            self._answer(404, {"error": f"unknown operation {operation!r}"})
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._answer(411, {"error": "Content-Length required"})
            return
        if not 0 <= length <= protocol.MAX_REQUEST_BYTES:
            self._answer(413, {"error": "request too large"})
            return
        try:
            raw = self.rfile.read(length)
        except OSError:  # half a request, then silence: drop it (the timeout above)
            log.warning("store_service: a request stopped half-way; dropped")
            self.close_connection = True
            return
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the request must be a JSON object")
            if json_depth(body) > MAX_JSON_DEPTH:
                raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
        except (ValueError, RecursionError) as exc:
            self._answer(400, {"error": f"malformed request: {exc}"})
            return
        self.server.count()
        try:
            result = getattr(self, "op_" + operation)(body)
        except BallotRejected as exc:
            self._answer(422, {"rejected": {"reason": exc.reason, "message": str(exc), "values": _plain(exc.values)}})
        except (KeyError, TypeError, ValueError) as exc:
            self._answer(400, {"error": f"malformed request: {exc!r}"})
        except Exception as exc:  # noqa: BLE001 - logged here, answered as a plain failure
            log.exception("store_service: %s failed", operation)
            self.server.failed(exc)
            self._answer(500, {"error": "internal error"})
        else:
            self._answer(200, result)

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # -- the operations -------------------------------------------------------------------

    def op_check_code(self, body: dict) -> dict:
        clients = body.get("clients") or []
        if not isinstance(clients, list) or not all(isinstance(c, str) for c in clients):
            clients = []
        code, workshop = self.server.store.check_code(_text(body, "code"), clients=clients)
        return {"code": protocol.code_to_json(code), "workshop": protocol.workshop_to_json(workshop)}

    def op_load_draft(self, body: dict) -> dict:
        return {"payload": self.server.store.load_draft(_text(body, "code"))}

    def op_save_draft(self, body: dict) -> dict:
        self.server.store.save_draft(_text(body, "code"), body.get("payload"))
        return {}

    def op_has_ballot(self, body: dict) -> dict:
        return {"has_ballot": self.server.store.has_ballot(_text(body, "code"))}

    def op_workshop(self, body: dict) -> dict:
        """A workshop's settings as residents may see them (for "het stemmen sluit over 2 minuten")."""
        wid = body.get("workshop_id")
        if not isinstance(wid, int) or isinstance(wid, bool):
            raise ValueError("workshop_id must be a number")
        try:
            workshop = self.server.store.workshop(wid)
        except NotFound:
            raise BallotRejected("code_not_usable") from None
        return {"workshop": protocol.workshop_to_json(workshop)}

    def op_submit(self, body: dict) -> dict:
        receipt = self.server.store.submit(protocol.submission_from_json(body.get("submission")))
        return {"receipt": protocol.receipt_to_json(receipt)}


def _text(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise BallotRejected("code_not_usable")
    return value


def _plain(values: dict) -> dict:
    return {k: v for k, v in values.items() if isinstance(v, str | int | float | bool) or v is None}


class StoreServiceServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = False
    block_on_close = True  # server_close() waits for requests in flight: an answered ballot is committed
    request_queue_size = 256  # a room arriving at once

    def __init__(self, socket_path: str, store):
        self.store = store
        self.requests = 0
        self.failures = 0  # operations that failed for a reason of ours (the disk, the database)
        self.last_failure = ""
        self._lock = threading.Lock()
        if os.path.exists(socket_path):
            os.unlink(socket_path)  # left behind by a store service that was killed
        old_umask = os.umask(0o177)  # the socket is for this user's kernels only (mode 0600)
        try:
            super().__init__(socket_path, StoreServiceHandler)
        finally:
            os.umask(old_umask)

    def count(self) -> None:
        with self._lock:
            self.requests += 1

    def failed(self, exc: Exception) -> None:
        """Counted for the supervisor, which tells the facilitator (``werkboek workshop`` prints it)."""
        with self._lock:
            self.failures += 1
            self.last_failure = (str(getattr(exc, "orig", None) or exc) or type(exc).__name__)[:200]


def serve(socket_path: str, database_url: str | None = None) -> None:
    from werkboek.store import Store

    store = Store(database_url, upgrade=False)  # whoever started us brought the schema up to date
    server = StoreServiceServer(socket_path, store)

    def _stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("store service listening on %s (%s)", socket_path, store.engine.dialect.name)
    print(f"opslagdienst: klaar op {socket_path}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        store.close()
        if os.path.exists(socket_path):
            os.unlink(socket_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m werkboek.store_service", description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True, help="path of the Unix socket to listen on")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: WERKBOEK_DATABASE_URL or SQLite in var/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    serve(args.socket, args.database_url)
    return 0
