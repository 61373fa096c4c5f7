"""The web app: Gradio page (customer chat + staff console) and the OpenAI-compatible API on one server.

    settings = load_settings()
    services = Services.from_settings(settings, samples=Path("samples"))   # models loaded once, here
    demo = build_demo(services)
    serve(demo, services)                                                  # prints the URL, blocks
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gradio as gr
    from fastapi import FastAPI

    from finchat.settings import Settings
    from finchat.web.services import Services

# Gradio's own per-file upload bound is a backstop against huge bodies; the real limit (max_upload_mb) is checked
# per file by Services.upload, so an oversized file gets its own error line while the others of the upload go in.
UPLOAD_BACKSTOP_FACTOR = 4


def create_app(demo: gr.Blocks, services: Services) -> FastAPI:
    """One FastAPI app: /v1 (OpenAI-compatible) beside the Gradio page mounted at /."""
    import gradio as gr
    from fastapi import FastAPI

    from finchat.web.api import make_router
    from finchat.web.ui import CSS

    settings = services.settings
    app = FastAPI(title="FinChat", docs_url="/v1/docs", openapi_url="/v1/openapi.json", redoc_url=None)
    app.include_router(make_router(services))
    backstop_mb = settings.ingest.max_upload_mb * UPLOAD_BACKSTOP_FACTOR
    return gr.mount_gradio_app(
        app, demo, path="/", css=CSS, ssr_mode=False, footer_links=["api"], mcp_server=False,
        # The store, feedback, audit log and kept uploads are never served as files.
        blocked_paths=[str(settings.data_dir.resolve())], max_file_size=f"{backstop_mb:.0f}mb",
        server_name=host(settings), server_port=settings.web.port,
    )


def host(settings: Settings) -> str:
    """settings.web.host, unless only a Hugging Face Space's GRADIO_SERVER_NAME (0.0.0.0) names one."""
    if "host" not in settings.web.model_fields_set and os.environ.get("GRADIO_SERVER_NAME"):
        return os.environ["GRADIO_SERVER_NAME"]
    return settings.web.host


def serve(demo: gr.Blocks, services: Services) -> None:
    """Bind the port, print the URL, serve until interrupted."""
    import uvicorn

    settings = services.settings
    bind = host(settings)
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((bind, settings.web.port))  # port 0 = any free port; the real one is printed below
    port = sock.getsockname()[1]
    app = create_app(demo, services)
    shown = "127.0.0.1" if bind in ("0.0.0.0", "::") else bind
    staff = "on" if services.staff_enabled else "off (set FINCHAT_STAFF_PASSWORD to turn it on)"
    print(f"FinChat is running at http://{shown}:{port}/  (staff console: {staff}; "
          f"API: http://{shown}:{port}/v1/chat/completions)", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5)).run(sockets=[sock])


def samples_dir() -> Path:
    """The sample documents shipped beside the code (ingested when the store is empty)."""
    return Path(__file__).resolve().parents[2] / "samples"
