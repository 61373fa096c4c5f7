"""The repository is a Hugging Face Space as it stands: front matter, app file, pinned requirements."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_requirements_txt_is_generated_from_the_pyproject_pins():
    from finchat.requirements import render

    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert text == render(), "requirements.txt is stale: run `python -m finchat.requirements`"
    pins = [line for line in text.splitlines() if line and not line.startswith(("#", "--"))]
    assert all("==" in p for p in pins), [p for p in pins if "==" not in p]
    assert "torch==2.13.0" in pins and "download.pytorch.org/whl/cpu" in text  # never the multi-GB CUDA build


def test_readme_front_matter_names_what_a_space_needs():
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("---")[1]
    fields = dict(re.findall(r"^(\w+):\s*(.+)$", head, re.M))
    for name in ("title", "sdk", "sdk_version", "app_file", "python_version", "short_description"):
        assert fields.get(name), name
    assert fields["sdk"] == "gradio" and (ROOT / fields["app_file"]).is_file()
    import gradio

    assert fields["sdk_version"] == gradio.__version__
    assert len(fields["short_description"]) <= 60  # the Hub refuses longer ones
