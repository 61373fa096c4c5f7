"""The institution's own look: welcome text, logo and colour come from settings, and the colour must stay readable."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from finchat.settings import load_settings
from finchat.web.ui import header_html, page_css, welcome_text


def test_a_colour_white_text_cannot_be_read_on_is_refused_with_its_ratio(monkeypatch, tmp_path):
    monkeypatch.setenv("FINCHAT_WEB__BRAND_COLOUR", "#f97316")  # Gradio's default orange: 2.8:1
    with pytest.raises(ValidationError, match=r"contrast of 2\.8:1; WCAG AA needs 4\.5:1"):
        load_settings(data_dir=tmp_path)
    monkeypatch.setenv("FINCHAT_WEB__BRAND_COLOUR", "orange")
    with pytest.raises(ValidationError, match="#rrggbb"):
        load_settings(data_dir=tmp_path)


def test_the_colour_logo_and_name_reach_the_page(monkeypatch, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n fake image bytes")
    monkeypatch.setenv("FINCHAT_WEB__BRAND_COLOUR", "#1d4ed8")
    monkeypatch.setenv("FINCHAT_WEB__LOGO", str(logo))
    monkeypatch.setenv("FINCHAT_ASSISTANT__INSTITUTION", "Riverbend <Credit> Union")
    settings = load_settings(data_dir=tmp_path)
    assert "button.primary { background: #1d4ed8 !important" in page_css(settings) and "BRAND" not in page_css(
        settings)
    header = header_html(settings)
    assert header.startswith('<h1 id="title"><img src="data:image/png;base64,')
    assert base64.b64encode(logo.read_bytes()).decode() in header
    assert "Riverbend &lt;Credit&gt; Union virtual assistant</h1>" in header  # escaped


def test_the_welcome_names_the_institution_by_default_or_is_the_banks_own(monkeypatch, tmp_path):
    monkeypatch.setenv("FINCHAT_ASSISTANT__INSTITUTION", "Riverbend CU")
    default = welcome_text(load_settings(data_dir=tmp_path))
    assert default.startswith("Hello, I'm Riverbend CU's virtual assistant, an automated assistant.")
    monkeypatch.setenv("FINCHAT_WEB__WELCOME", "Welcome to {institution}! Ask me about fees and rates.")
    assert welcome_text(load_settings(data_dir=tmp_path)) == "Welcome to Riverbend CU! Ask me about fees and rates."
