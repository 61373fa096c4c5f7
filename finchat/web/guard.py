"""What the Gradio routes themselves do not check: who may put files into the upload cache, and which files those are.

- The customer app has no file inputs, so its upload and file routes answer 403 for everyone: nobody can park
  files on the server through it, and nothing is ever downloaded from it.
- The staff app's routes require the session cookie already (its `auth_dependency`). Its upload route's answer,
  the cache paths of the files just stored, is recorded against that session before the client sees it. Any other
  call into the staff app whose JSON body names a file (`{"path": ...}`) that this session did not upload is
  refused here with 403 and audited, before Gradio would copy that path into its cache: a mounted Gradio app
  skips its own "was this uploaded?" check. `Services.upload` checks the same again before it reads a file.
- A browser that opens /staff/ without a session is sent to the login form instead of a bare 401.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from finchat.web.services import Services
from finchat.web.staff_routes import STAFF_PATH, staff_token

log = logging.getLogger(__name__)

GRADIO_API = "/gradio_api"
_FILE_ROUTES = (f"{GRADIO_API}/upload", f"{GRADIO_API}/file")  # also upload_progress, file=…, file/…


class UploadGuard:
    """ASGI middleware around the whole app (both Gradio apps and /v1)."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(_FILE_ROUTES):
            await PlainTextResponse("Uploads and downloads are for staff, at /staff/.", status_code=403)(
                scope, receive, send)
            return
        token = staff_token(Request(scope))
        if path in (STAFF_PATH, f"{STAFF_PATH}/") and scope["method"] == "GET" and not self.services.auth.user(token):
            await RedirectResponse(f"{scope.get('root_path', '')}{STAFF_PATH}/login", status_code=303)(
                scope, receive, send)
            return
        user = self.services.auth.user(token)
        if path == f"{STAFF_PATH}{GRADIO_API}/upload" and user:
            # Uncompressed, so that the reply's paths can be read here.
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
            await self.app({**scope, "headers": headers}, receive, self._recording(send, token))
            return
        if path.startswith(f"{STAFF_PATH}{GRADIO_API}/") and scope["method"] == "POST" and user:
            body = await _read_body(receive)
            foreign = [p for p in _named_files(body) if not self.services.from_this_session(token, Path(p))]
            if foreign:
                log.warning("refused a staff call naming files it did not upload: %s", foreign)
                for named in foreign:
                    self.services.audit.append("upload_refused", user, client=_client(scope), path=named)
                await PlainTextResponse("refused: a file named in this call was not uploaded in this session",
                                        status_code=403)(scope, receive, send)
                return
            await self.app(scope, _replay(body), send)
            return
        await self.app(scope, receive, send)

    def _recording(self, send: Send, token: str | None) -> Send:
        """A `send` that holds the upload route's reply until its paths are recorded for the session."""
        held: list[Message] = []

        async def record_then_send(message: Message) -> None:
            held.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                start = held[0]
                if start.get("status") == 200:
                    body = b"".join(m.get("body", b"") for m in held[1:])
                    try:
                        paths = json.loads(body)
                    except ValueError:
                        paths = []
                    if isinstance(paths, list):
                        self.services.remember_uploads(token, [p for p in paths if isinstance(p, str)])
                for m in held:
                    await send(m)

        return record_then_send


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A `receive` that hands the already-read body on, then waits like the real one (for a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _named_files(body: bytes) -> list[str]:
    """Every `"path"` of a file object (Gradio's FileData) anywhere in a JSON body."""
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return []
    found: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("path"), str) and ("meta" in item or "orig_name" in item):
                found.append(item["path"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"
