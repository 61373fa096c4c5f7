"""The web app: the customer chat at /, the staff console at /staff, the OpenAI-compatible API at /v1, one server.

    settings = load_settings()
    sock = claim_port(settings)                                            # a busy port fails now, not after loading
    services = Services.from_settings(settings, samples=Path("samples"))   # models loaded once, here
    demo = build_demo(services)
    serve(demo, services, sock)                                            # prints the URL, blocks
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gradio as gr
    import uvicorn
    from fastapi import FastAPI

    from finchat.settings import Settings
    from finchat.web.services import Services

# Gradio's own per-file upload bound is a backstop against huge bodies; the real limit (max_upload_mb) is checked
# per file by Services.upload, so an oversized file gets its own error line while the others of the upload go in.
# Only a logged-in staff session can upload at all (finchat/web/guard.py).
UPLOAD_BACKSTOP_FACTOR = 4
CACHE_CLEAN_EVERY_S = 300  # at most this long between deletions of cached uploads older than web.cache_max_age_s


def create_app(demo: gr.Blocks, services: Services) -> FastAPI:
    """One FastAPI app: /v1 beside the customer page at /, and the staff console at /staff when staff can log in."""
    import gradio as gr
    from fastapi import FastAPI

    from finchat.web.api import make_router
    from finchat.web.originals import make_originals_router
    from finchat.web.guard import UploadGuard
    from finchat.web.staff_routes import STAFF_PATH, make_staff_router, staff_user
    from finchat.web.ui import HEAD, page_css

    settings = services.settings
    app = FastAPI(title="FinChat", docs_url="/v1/docs", openapi_url="/v1/openapi.json", redoc_url=None)
    app.include_router(make_router(services))
    app.include_router(make_originals_router(services))
    common = dict(ssr_mode=False, mcp_server=False, blocked_paths=_private_paths(settings),
                  max_file_size=f"{settings.ingest.max_upload_mb * UPLOAD_BACKSTOP_FACTOR:.0f}mb")
    if services.staff_enabled:
        from finchat.web.staff_ui import build_staff_demo

        app.include_router(make_staff_router(services))  # /staff/login… before the mount that would shadow them
        staff_demo = build_staff_demo(services)
        gr.mount_gradio_app(app, staff_demo, path=STAFF_PATH, auth_dependency=staff_user(services),
                            css=page_css(settings), head=HEAD, footer_links=[], **common)
    # No "Use via API" link for customers: the API is documented for developers (README, /v1), not on the chat.
    gr.mount_gradio_app(app, demo, path="/", css=page_css(settings), head=HEAD, footer_links=[], **common)
    app.add_middleware(UploadGuard, services=services)
    return app


def _private_paths(settings: Settings) -> list[str]:
    """What Gradio must never serve or copy into its cache: everything under the data dir but the upload cache."""
    data = settings.data_dir.resolve()
    return [str(p) for p in (data / "chroma", data / "uploads", settings.audit_log.resolve(),
                             settings.feedback_db.resolve())] + [
        str(p) for p in data.glob("*") if p.resolve() != settings.tmp_dir.resolve()]


def host(settings: Settings) -> str:
    """settings.web.host, unless only a Hugging Face Space's GRADIO_SERVER_NAME (0.0.0.0) names one."""
    if "host" not in settings.web.model_fields_set and os.environ.get("GRADIO_SERVER_NAME"):
        return os.environ["GRADIO_SERVER_NAME"]
    return settings.web.host


def claim_port(settings: Settings) -> socket.socket:
    """Bind the listening socket now, so that a busy port is reported in a second, before the models load."""
    bind = host(settings)
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bind, settings.web.port))  # port 0 = any free port; the real one is printed by serve()
    except OSError as err:
        sock.close()
        raise SystemExit(f"FinChat cannot listen on {bind}:{settings.web.port}: {err.strerror or err}. "
                         "Set FINCHAT_PORT (or GRADIO_SERVER_PORT) to a free port.") from None
    return sock


def server_config(app, settings: Settings) -> uvicorn.Config:
    """uvicorn's settings. X-Forwarded-For is believed only from `web.trusted_proxies`: uvicorn's own default
    trusts it from 127.0.0.1, which lets any local caller (or one behind a local tunnel) name its own address."""
    import uvicorn

    trusted = settings.web.trusted_proxies
    return uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5, proxy_headers=bool(trusted),
                          forwarded_allow_ips=",".join(trusted) if trusted else "")


def serve(demo: gr.Blocks, services: Services, sock: socket.socket | None = None) -> None:
    """Serve until interrupted on `sock` (claimed now when not given); prints the URL first."""
    import uvicorn

    settings = services.settings
    sock = sock or claim_port(settings)
    port = sock.getsockname()[1]
    app = create_app(demo, services)
    bind = host(settings)
    shown = "127.0.0.1" if bind in ("0.0.0.0", "::") else bind
    staff = (f"http://{shown}:{port}/staff/" if services.staff_enabled
             else "off (set FINCHAT_STAFF_PASSWORD to turn it on)")
    print(f"FinChat is running at http://{shown}:{port}/  (staff console: {staff}; "
          f"API: http://{shown}:{port}/v1/chat/completions)", flush=True)
    uvicorn.Server(server_config(app, settings)).run(sockets=[sock])


def samples_dir() -> Path:
    """The sample documents shipped beside the code (ingested when the store is empty)."""
    return Path(__file__).resolve().parents[2] / "samples"
