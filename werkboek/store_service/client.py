"""What a resident kernel uses instead of a Store: the same methods, sent to the store service.

Imports only the standard library and plain records (no SQLAlchemy), so a kernel stays small.

Failures the resident can do something about come back as :class:`BallotRejected`
(the store service's own refusal, e.g. "Deze code kennen we niet"). When the store service cannot be
reached, :class:`StoreServiceUnavailable` (a ``BallotRejected`` with reason ``"unavailable"``)
asks the resident to try again in a moment. A request that never reached the store service
(no socket, connection refused: it is restarting) is retried for a few seconds; a
submission that may have been sent is never sent twice by us, because re-sending a ballot
would replace it.
"""

from __future__ import annotations

import http.client
import json
import socket
import time

from werkboek.errors import BallotRejected
from werkboek.model.ballot import BallotSubmission
from werkboek.store_service import protocol

CONNECT_RETRY_SECONDS = 5.0


class StoreServiceUnavailable(BallotRejected):
    def __init__(self, detail: str = ""):
        super().__init__("unavailable")
        self.detail = detail


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("store-service", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class StoreServiceClient:
    """Stands in for :class:`werkboek.store.Store` in a resident kernel (the methods the ballot uses)."""

    def __init__(self, socket_path: str, *, timeout: float = 35.0):
        self.socket_path = socket_path
        self.timeout = timeout  # > the store's 30 s busy timeout: a slow commit is waited for, not abandoned

    # -- the operations -------------------------------------------------------------------

    def check_code(self, typed: str, *, clients=()):
        answer = self._call("check_code", {"code": typed, "clients": [str(c) for c in clients]})
        return protocol.code_from_json(answer["code"]), protocol.workshop_from_json(answer["workshop"])

    def load_draft(self, code: str) -> dict | None:
        return self._call("load_draft", {"code": code}, timeout=10.0)["payload"]

    def save_draft(self, code: str, payload: dict) -> None:
        self._call("save_draft", {"code": code, "payload": payload}, timeout=10.0)

    def has_ballot(self, code: str) -> bool:
        return bool(self._call("has_ballot", {"code": code}, timeout=10.0)["has_ballot"])

    def workshop(self, workshop_id: int):
        return protocol.workshop_from_json(self._call("workshop", {"workshop_id": workshop_id}, timeout=10.0)["workshop"])

    def submit(self, submission: BallotSubmission):
        answer = self._call("submit", {"submission": protocol.submission_to_json(submission)})
        return protocol.receipt_from_json(answer["receipt"])

    def health(self, timeout: float = 2.0) -> dict:
        return self._request("GET", "/health", None, timeout)

    # -- transport ------------------------------------------------------------------------

    def _call(self, operation: str, body: dict, timeout: float | None = None) -> dict:
        return self._request("POST", "/" + operation, body, timeout or self.timeout)

    def _request(self, method: str, path: str, body: dict | None, timeout: float) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        deadline = time.monotonic() + CONNECT_RETRY_SECONDS
        delay = 0.05
        while True:
            conn = _UnixConnection(self.socket_path, timeout)
            try:
                conn.connect()
            except OSError as exc:  # not sent: safe to try again while the store service (re)starts
                conn.close()
                if time.monotonic() + delay > deadline:
                    raise StoreServiceUnavailable(f"cannot connect to {self.socket_path}: {exc}") from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            try:
                headers = {"Content-Type": "application/json"} if data is not None else {}
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                status, raw = response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                raise StoreServiceUnavailable(f"{path}: {exc!r}") from None
            finally:
                conn.close()
            break
        try:
            answer = json.loads(raw)
        except ValueError:
            raise StoreServiceUnavailable(f"{path}: answer is not JSON (HTTP {status})") from None
        if status == 200:
            return answer
        if status == 422 and isinstance(answer.get("rejected"), dict):
            rejected = answer["rejected"]
            values = rejected.get("values") if isinstance(rejected.get("values"), dict) else {}
            raise BallotRejected(str(rejected.get("reason", "rejected")), str(rejected.get("message", "")),
                                 **{str(k): v for k, v in values.items()})
        raise StoreServiceUnavailable(f"{path}: HTTP {status} {answer.get('error', '')}")


def store_for_kernel():
    """The store a resident kernel uses: the store service when the residents' server runs one, else the database.

    Under ``werkboek workshop`` (``WERKBOEK_STORE_SERVICE`` set) the kernel never imports
    SQLAlchemy; opened elsewhere (JupyterLab, a test) the notebook uses the store itself.
    """
    from werkboek import settings

    socket_path = settings.get(settings.STORE_SERVICE_ENV)
    if socket_path:
        return StoreServiceClient(socket_path)
    from werkboek.store import Store

    return Store(upgrade=False)  # the schema is brought up to date by whoever starts the server
