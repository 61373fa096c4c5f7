"""OpenAI-compatible HTTP API beside the Gradio app: how a bank's chat widget or the `openai` client talks to FinChat.

    POST /v1/chat/completions   {"model": "finchat", "messages": [...], "stream": false}
    GET  /v1/models

The last user message is the question and the messages before it are the conversation. Answers come from the same
`Assistant` as the web chat. Every response carries the numbered sources in an extra field `citations`; a streamed
response sends them, with `answer` (the final text, which replaces the streamed one when the guard quoted the
documents instead), in its last chunk before `data: [DONE]`.

A malformed request gets 400 with one line saying what is wrong and where ("message 2: content part 0 is of type
"image_url"; only text content is supported"; messages counted from 0), never a 500 or an apology: content is a
string, null, or a list of {"type": "text", "text": "..."} parts, and no text may hold a lone surrogate (JSON allows
"\\ud800", UTF-8 cannot carry it, and it would break the models and the stores further down).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from chatbot.assistant import Answer
from finchat.web.services import Services, source_dict

MODEL_ID = "finchat"
OWNER = "finchat"
_SURROGATE = re.compile("[\ud800-\udfff]")
_MALFORMED = "malformed_message"  # pydantic error type of the checks below, whose message is already complete
_JSON_KINDS = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "a list", dict: "an object"}


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[TextPart] | None = ""

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text for p in self.content)
        return self.content or ""


class ChatRequest(BaseModel):
    """The fields FinChat reads; other OpenAI parameters (temperature, max_tokens…) are accepted and ignored."""

    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False

    model_config = {"extra": "allow"}

    @field_validator("messages", mode="before")
    @classmethod
    def _well_formed(cls, messages: Any) -> Any:
        """Checked before pydantic's own validation, whose union errors name neither the message nor the fault."""
        if isinstance(messages, list):
            if not messages:
                raise _malformed("messages is empty: send at least the customer's question, with role 'user'")
            for n, message in enumerate(messages):
                if problem := _message_problem(n, message):
                    raise _malformed(problem)
        return messages


def _message_problem(n: int, message: Any) -> str:
    """What is wrong with messages[n] ('' when nothing is): its shape, its content parts, its characters."""
    if not isinstance(message, dict):
        return f"message {n} is {_kind(message)}, not an object with 'role' and 'content'"
    content = message.get("content")
    if content is None or isinstance(content, str):
        texts = [content or ""]
    elif isinstance(content, list):
        texts = []
        for i, part in enumerate(content):
            where = f"message {n}: content part {i}"
            if not isinstance(part, dict):
                return f'{where} is {_kind(part)}, not an object {{"type": "text", "text": "..."}}'
            if part.get("type") != "text":
                return f"{where} is of type {json.dumps(part.get('type'))}; only text content is supported"
            if not isinstance(part.get("text"), str):
                return f"{where}: 'text' must be a string, not {_kind(part.get('text'))}"
            texts.append(part["text"])
    else:
        return f"message {n}: content must be a string, null or a list of text parts, not {_kind(content)}"
    if any(_SURROGATE.search(t) for t in texts):
        return f"message {n} contains an invalid character (lone surrogate)"
    return ""


def _kind(value: Any) -> str:
    return _JSON_KINDS.get(type(value), type(value).__name__)


def _malformed(problem: str) -> PydanticCustomError:
    return PydanticCustomError(_MALFORMED, "{problem}", {"problem": problem})  # the text itself may hold braces


def _explain(errors: Any) -> str:
    """Validation errors as one line ("message 1: role: Input should be …"), not pydantic's location tuples."""
    lines = []
    for error in errors:
        loc = [str(p) for p in error["loc"] if p != "body"]
        if error["type"] == _MALFORMED:
            lines.append(error["msg"])
            continue
        if error["type"] == "json_invalid":  # loc holds the character offset
            lines.append(f"the body is not valid JSON: {error.get('ctx', {}).get('error', error['msg'])} "
                         f"at character {loc[0] if loc else 0}")
            continue
        if loc[:1] == ["messages"] and len(loc) > 1 and loc[1].isdigit():
            loc = [f"message {loc[1]}"] + loc[2:]
        lines.append(": ".join(loc + [error["msg"]]) if loc else f"request body: {error['msg']}")
    return "; ".join(lines)


class _BadRequestRoute(APIRoute):
    """Refuses an invalid body with 400, as OpenAI's API does and its clients expect, instead of FastAPI's 422.

    A router cannot install an app-wide exception handler, so the conversion lives in the route class.
    """

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def handle(request):
            try:
                return await handler(request)
            except RequestValidationError as err:
                return JSONResponse({"detail": _explain(err.errors())}, status_code=400)

        return handle


def make_router(services: Services) -> APIRouter:
    """The /v1 routes, answering through `services` (one model, shared with the web chat)."""
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"], route_class=_BadRequestRoute)
    # The web chat is bounded by Gradio's queue; API callers get the same number of answers at once.
    slots = threading.BoundedSemaphore(services.settings.web.concurrency_limit)

    @router.get("/models")
    def models() -> dict:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": OWNER,
                                            "generator": services.model_name}]}

    @router.post("/chat/completions")
    def chat_completions(request: ChatRequest):
        question, history = _split(request.messages)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if request.stream:
            return StreamingResponse(_sse(services, slots, question, history, completion_id, created),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        with slots:
            *_, answer = services.ask(question, history)
        return JSONResponse({
            "id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text},
                         "finish_reason": "stop"}],
            "usage": _usage(question, answer.text),
            "citations": [source_dict(c) for c in answer.citations],
            "finchat": _meta(answer),
        })

    return router


def _split(messages: list[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """(question, earlier user/assistant turns); the last message must be the user's."""
    if messages[-1].role != "user":
        raise HTTPException(status_code=400, detail="the last message must have role 'user': it is the question")
    history = [{"role": m.role, "content": m.text()} for m in messages[:-1] if m.role in ("user", "assistant")]
    return messages[-1].text(), history


def _sse(services: Services, slots: threading.BoundedSemaphore, question: str, history: list[dict[str, str]],
         completion_id: str, created: int) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format; Starlette runs this generator in a worker thread."""

    def chunk(delta: dict, finish: str | None = None, **extra: Any) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    with slots:
        yield chunk({"role": "assistant", "content": ""})
        shown = ""
        for item in services.ask(question, history):
            if isinstance(item, Answer):
                answer = item
                break
            shown += item
            yield chunk({"content": item})
        # The citation number and "as of" date come after the model's words; a quoted answer replaces them.
        tail = answer.text[len(shown):] if answer.text.startswith(shown) else "\n\n" + answer.text
        yield chunk({"content": tail} if tail else {}, "stop", citations=[source_dict(c) for c in answer.citations],
                    answer=answer.text, finchat=_meta(answer))
    yield "data: [DONE]\n\n"


def _meta(answer: Answer) -> dict:
    return {"abstained": answer.abstained, "reason": answer.reason, "generator": answer.model,
            "timings": {k: round(v, 3) for k, v in answer.timings.items()}}


def _usage(question: str, text: str) -> dict:
    """Word counts stand in for tokens: callers expect the field; FinChat bills nothing."""
    prompt, completion = len(question.split()), len(text.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
