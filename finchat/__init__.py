"""FinChat: the command line, settings, web app and staff tools that wire ingest, vectorstore, chatbot and finetune.

A bank's server reports nothing to a vendor. huggingface_hub reads HF_HUB_DISABLE_TELEMETRY once, when it is first
imported, and TRL's trainers and gradio_client ping through it otherwise (a fine-tuning run reports its device and
trainer). It is set here, first, since every entry point (`finchat`, `app.py`) imports this package before them;
a deployment that wants to send it sets the variable itself. (Gradio's and Chroma's own analytics are off where
their objects are made: `finchat/web/ui.py`, `vectorstore/store.py`.)
"""

import os

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
