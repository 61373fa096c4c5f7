"""POST /v1/chat/completions refuses malformed messages with a specific 400 and still answers good ones (real parts)."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chatbot.assistant import Assistant
from chatbot.retriever import Retriever
from finchat.audit import AuditLog
from finchat.feedback import FeedbackStore
from finchat.staff import StaffAuth
from finchat.web.api import make_router
from finchat.web.services import Services
from tests.conftest import SAMPLES

URL = "/v1/chat/completions"
QUESTION = {"role": "user", "content": "How much can I send with Zelle per day?"}


@pytest.fixture
def client(settings, store, ingestor, redactor) -> TestClient:
    """The real router on a bare FastAPI app; generator None = answers quote the evidence, no model load."""
    assistant = Assistant(settings, Retriever(store, settings.retrieval), None, redactor)
    services = Services(settings, store, assistant, ingestor, StaffAuth.from_settings(settings),
                        AuditLog(settings.audit_log), FeedbackStore(settings.feedback_db))
    app = FastAPI()
    app.include_router(make_router(services))
    return TestClient(app)


def post_raw(client: TestClient, body: str):
    """Send JSON text as written: a "\\ud800" escape is valid JSON that httpx's own encoder cannot produce."""
    return client.post(URL, content=body.encode("ascii"), headers={"Content-Type": "application/json"})


def test_valid_requests_with_text_parts_and_null_assistant_content_are_answered(client, ingestor):
    [result] = ingestor.ingest([SAMPLES / "faq.md"])
    assert result.ok, result.error
    messages = [
        {"role": "system", "content": "You are a helpful bank assistant."},
        {"role": "user", "content": [{"type": "text", "text": "Can I use Zelle?"}]},
        {"role": "assistant", "content": None},
        {"role": "user", "content": [{"type": "text", "text": "How much can I send with Zelle "},
                                     {"type": "text", "text": "per day?"}]},
    ]
    reply = client.post(URL, json={"model": "finchat", "messages": messages, "temperature": 0.2})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert "$2,200" in body["choices"][0]["message"]["content"]
    assert body["citations"][0]["file"] == "faq.md"

    with client.stream("POST", URL, json={"messages": [QUESTION], "stream": True}) as streamed:
        assert streamed.status_code == 200
        events = [line[6:] for line in streamed.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]" and json.loads(events[-2])["citations"][0]["file"] == "faq.md"


@pytest.mark.parametrize("messages, detail", [
    pytest.param([{"role": "user", "content": [{"type": "text", "text": 5}]}],
                 "message 0: content part 0: 'text' must be a string, not a number", id="text-is-a-number"),
    pytest.param([{"role": "user", "content": [{"type": "text", "text": ["What", "fee?"]}]}],
                 "message 0: content part 0: 'text' must be a string, not a list", id="text-is-a-list"),
    pytest.param([{"role": "user", "content": "Hello"}, None, QUESTION],
                 "message 1 is null, not an object with 'role' and 'content'", id="null-message"),
    pytest.param([{"role": "user", "content": ["What is the fee?"]}],
                 'message 0: content part 0 is a string, not an object {"type": "text", "text": "..."}',
                 id="part-not-an-object"),
    pytest.param([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}],
                 'message 0: content part 0 is of type "image_url"; only text content is supported', id="image-part"),
    pytest.param([{"role": "user", "content": [{"type": "text", "text": "Hi"},
                                               {"type": "input_audio", "input_audio": {"data": "", "format": "wav"}}]}],
                 'message 0: content part 1 is of type "input_audio"; only text content is supported', id="audio-part"),
    pytest.param([{"role": "user", "content": [{"text": "no type"}]}],
                 "message 0: content part 0 is of type null; only text content is supported", id="part-without-type"),
    pytest.param([{"role": "user", "content": 5}],
                 "message 0: content must be a string, null or a list of text parts, not a number",
                 id="content-number"),
    pytest.param([{"role": "customer", "content": "Hi"}, QUESTION],
                 "message 0: role: Input should be 'system', 'user', 'assistant', 'tool' or 'developer'",
                 id="unknown-role"),
    pytest.param([], "messages is empty: send at least the customer's question, with role 'user'", id="empty"),
    pytest.param([QUESTION, {"role": "assistant", "content": "Hello"}],
                 "the last message must have role 'user': it is the question", id="last-not-user"),
])
def test_malformed_messages_get_400_naming_the_message_and_the_fault(client, messages, detail):
    reply = client.post(URL, json={"model": "finchat", "messages": messages})
    assert reply.status_code == 400, reply.text
    assert reply.json() == {"detail": detail}


@pytest.mark.parametrize("body, detail", [
    pytest.param('{"messages": [{"role": "user", "content": "What is the fee? \\ud800"}]}',
                 "message 0 contains an invalid character (lone surrogate)", id="in-string-content"),
    pytest.param('{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": '
                 '[{"type": "text", "text": "\\udfff"}]}, {"role": "user", "content": "Fee?"}]}',
                 "message 1 contains an invalid character (lone surrogate)", id="in-a-history-text-part"),
    pytest.param('{"messages": [{"role": "user", "content": "Fee?"}', "the body is not valid JSON: Expecting ',' "
                 "delimiter at character 49", id="truncated-json"),
])
def test_lone_surrogates_and_broken_json_get_400(client, body, detail):
    reply = post_raw(client, body)
    assert reply.status_code == 400, reply.text
    assert reply.json() == {"detail": detail}


def test_a_valid_surrogate_pair_is_not_refused(client):
    """"\\ud83d\\ude00" is one emoji, correctly escaped: only unpaired halves are invalid."""
    reply = post_raw(client, '{"messages": [{"role": "user", "content": "Thanks \\ud83d\\ude00 what is the fee?"}]}')
    assert reply.status_code == 200, reply.text
