"""OpenAI-compatible HTTP API beside the Gradio app: how a bank's chat widget or the `openai` client talks to FinChat.

    POST /v1/chat/completions   {"model": "finchat", "messages": [...], "stream": false}
    GET  /v1/models

The last user message is the question and the messages before it are the conversation. Answers come from the same
`Assistant` as the web chat. Every response carries the numbered sources in an extra field `citations`; a streamed
response sends them, with `answer` (the final text, which replaces the streamed one when the guard quoted the
documents instead), in its last chunk before `data: [DONE]`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from chatbot.assistant import Answer
from finchat.web.services import Services, source_dict

MODEL_ID = "finchat"
OWNER = "finchat"


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = ""

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: only the text ones mean anything here
            return "".join(p.get("text", "") for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """The fields FinChat reads; other OpenAI parameters (temperature, max_tokens…) are accepted and ignored."""

    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False

    model_config = {"extra": "allow"}


def make_router(services: Services) -> APIRouter:
    """The /v1 routes, answering through `services` (one model, shared with the web chat)."""
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])
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
