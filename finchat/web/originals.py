"""`GET /documents/{name}`: the original file of a cited public document, so a customer can open a source at its page.

Served only when every check passes, otherwise 404 with no detail (a customer learns nothing about other files):
the name is a plain file name that the store holds; the document is public; ingestion found no personal data in
it (the original is the unredacted file, so one with any redaction is shown only as its stored, redacted text);
its kept original exists (uploads, then samples). Never a path from the request, never the data directory.
"""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from finchat.web.services import Services

ROUTE = "/documents"


def original_url(name: str, page: int | None = None) -> str:
    """Where a citation's "open the original" link points; PDF viewers jump to `#page=N`."""
    from urllib.parse import quote

    anchor = f"#page={page}" if page and name.lower().endswith(".pdf") else ""
    return f"{ROUTE}/{quote(name)}{anchor}"


def make_originals_router(services: Services) -> APIRouter:
    router = APIRouter()

    @router.get(ROUTE + "/{name}")
    def original(name: str) -> FileResponse:
        path = services.public_original(name)
        if path is None:
            raise HTTPException(status_code=404, detail="Not Found")  # as for any unknown route
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind = "text/plain; charset=utf-8"  # an HTML or Markdown original is shown as text, never run as a page
        return FileResponse(path, media_type=kind, headers={
            "Content-Disposition": f'inline; filename="{path.name}"', "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store"})

    return router
