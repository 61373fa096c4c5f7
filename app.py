"""FinChat web app: `python app.py` (this is also what a Hugging Face Space runs).

Claims the port (a busy one fails at once), builds the services once (models loaded, samples ingested when the
store is empty) and the Gradio `demo`, and serves them with the staff console and the OpenAI-compatible API
beside it; the URL is printed. Configuration: FINCHAT_* variables.
"""

from finchat.settings import load_settings
from finchat.web import claim_port, samples_dir, serve
from finchat.web.services import Services
from finchat.web.ui import build_demo

settings = load_settings()
sock = claim_port(settings) if __name__ == "__main__" else None
services = Services.from_settings(settings, samples=samples_dir())
demo = build_demo(services)

if __name__ == "__main__":
    serve(demo, services, sock)
