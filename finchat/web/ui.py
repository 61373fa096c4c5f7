"""The customer page: the chat, wired to `Services` (the staff console is another app, at /staff: `staff_ui.py`).

Callbacks only translate between components and `Services`; every rule (history bounds, staff sessions, upload
checks, audit) lives there.

Using it from `gradio_client` (endpoint names are fixed with `api_name`):

    from gradio_client import Client
    client = Client("http://127.0.0.1:7860/")
    job = client.submit("What does a replacement debit card cost?", api_name="/chat")
    for chatbot, sources_html, textbox, answer in job:   # one tuple per streamed update
        ...

`/chat` takes the message only; the conversation is kept server-side per client session (gr.State), so a
follow-up sent from the same `Client` is answered in context. Each streamed output is a tuple of
(chatbot messages — `[{"role", "content": [{"type": "text", "text": ...}]}, ...]`, the latest answer growing —,
the sources panel HTML, the textbox value, and `answer`: a dict `{"text", "done", "abstained", "reason", "model",
"citations": [{"n", "file", "page", "section", "effective_date", "label", "score", "text"}]}`). While streaming,
`answer["done"]` is False and `answer["text"]` is the text so far; the last output has done=True and the final text,
which replaces the streamed one when the guard quoted the documents instead. `/feedback` takes
(rating: "up" | "down", comment) and rates the latest answer of the session; `/clear` empties the conversation.
Customers are answered from public documents only (`Services.ask`).

Element ids for browser tests: chat input `#chat-input`, send button `#send`, chatbot `#chatbot`, sources panel
`#sources` (a `.chips` row: one `<details>` per source, its `<summary>` a chip that opens the quoted chunk; the same
chips also follow each answer inside the chatbot), thumbs `#thumbs-up` / `#thumbs-down`, feedback comment
`#feedback-comment`, feedback status `#feedback-status`, clear `#clear`, disclaimer `#disclaimer`, footer
`#footer`, example questions `#examples`, the page's `<h1>` `#title`, the hand-off button `#talk-to-person`.
The chat opens with a welcome message that names the institution and says it is an automated assistant; the
thumbs are disabled until there is an answer to rate.
"""

from __future__ import annotations

import functools
import html
import re
import time
from typing import Any, Sequence

import gradio as gr

from chatbot.assistant import Answer, Citation
from finchat.web.originals import original_url
from finchat.web.services import Services, source_dict

SHOWN_QUESTION_CHARS = 600  # a pasted essay is shortened in the chat bubble; the assistant still sees all of it
CHAT_HEIGHT = 520
TYPING = "\u258c"  # shown after the text while the answer streams
WORD_S = 0.02  # a quoted answer arrives whole; it is shown word by word at about a fast model's pace
WELCOME = ("Hello, I'm {institution}'s virtual assistant, an automated assistant. I answer questions about fees, "
           "rates, cards, accounts and our policies from {institution}'s published documents, and show where each "
           "answer comes from. I can't see or change your accounts. To talk to a person, use \u201cTalk to a "
           "person\u201d below.")
CSS = """
/* Sources are chips: a row of pills under the answer; an open one takes the row's width to show its passage. */
.chips { display: flex; flex-wrap: wrap; gap: .4em; align-items: flex-start; margin: .4em 0; }
.chips details { margin: 0; }
.chips details[open] { flex-basis: 100%; }
.chips summary { display: inline-block; list-style: none; cursor: pointer; font-weight: 600; font-size: .9em;
                 padding: .2em .8em; border: 1px solid BRAND; border-radius: 999px; color: BRAND; background: #fff;
                 user-select: none; -webkit-tap-highlight-color: transparent; }  /* a tap is not a selection */
.chips summary::-webkit-details-marker { display: none; }
.chips details[open] > summary { background: BRAND; color: #fff; }
.chips blockquote { font-size: .9em; margin: .4em 0 .4em .6em; }
a.cite { font-weight: 600; text-decoration: none; color: BRAND !important; }
#chatbot .prose { opacity: 1 !important; }  /* Gradio fades answers to 0.8: BRAND on them fell to 3.6:1 */
#footer { font-size: .8em; }
/* WCAG AA (4.5:1) for white text on the coloured buttons, and for the upload box's "- or -" (axe-core checks) */
button.primary { background: BRAND !important; border-color: BRAND !important; color: #fff !important; }
button.primary:hover { filter: brightness(.85); }
button.stop { background: #b91c1c !important; border-color: #b91c1c !important; color: #fff !important; }
.or { color: #4b5563 !important; }
#staff-user, #staff-user * { overflow: visible !important; }
/* A phone: one page scroll (the chat grows with the page, no box scrolling inside it), the question box pinned to
   the bottom, and the sources under each answer (the side panel repeats them, so it goes). */
@media (max-width: 640px) {
  #chatbot { height: auto !important; max-height: none !important; }
  #chatbot > div, #chatbot .bubble-wrap { height: auto !important; max-height: none !important;
                                          overflow: visible !important; }
  #sources { display: none; }
  #chat-row { position: fixed; left: 0; right: 0; bottom: 0; z-index: 10; padding: 6px 8px; margin: 0;
              flex-wrap: wrap; gap: 4px 8px;
              background: var(--background-fill-primary); box-shadow: 0 -1px 4px rgba(0, 0, 0, .15); }
  #talk-to-person { flex: 1 1 100% !important; padding: 2px 8px; min-height: 0; }
  .chips details { scroll-margin-bottom: 124px; }  /* scrolled into view above the pinned row */
  .gradio-container { padding-bottom: 136px !important; }
}
#disclaimer { font-size: .9em; }
"""


# An inline citation [n] opens its source. Gradio's upload box names itself "Click to upload or drop files" while
# it shows other words; a screen reader's user and voice control need the visible words in the name (WCAG 2.5.3),
# so the box takes them.
HEAD = """<script>
document.addEventListener('click', e => {  // an inline [n] opens its source under the answer
  const a = e.target.closest && e.target.closest('a.cite');
  const target = a && document.getElementById(a.getAttribute('href').slice(1));
  if (!target) return;
  e.preventDefault();
  target.closest('details').open = true;
  target.scrollIntoView({block: 'nearest'});
  target.focus && target.focus();
});
document.addEventListener('toggle', e => {  // an opened source scrolls into view (above a phone's pinned row)
  if (e.target.open && e.target.closest && e.target.closest('.chips')) e.target.scrollIntoView({block: 'nearest'});
}, true);
new MutationObserver(() => document.querySelectorAll('.boundedheight[aria-label]').forEach(e => {
  const shown = e.innerText.replace(/\\s+/g, ' ').trim();
  if (shown && e.getAttribute('aria-label') !== shown) e.setAttribute('aria-label', shown);
})).observe(document.documentElement, {childList: true, subtree: true});
</script>"""


def page_css(settings) -> str:
    """The page's CSS, in the institution's colour (`web.brand_colour`, checked for AA contrast by the settings)."""
    return CSS.replace("BRAND", settings.web.brand_colour)


def welcome_text(settings) -> str:
    """The chat's first message: `web.welcome`, or one that names the institution and says it is automated."""
    return (settings.web.welcome or WELCOME).replace("{institution}", settings.assistant.institution)


def header_html(settings) -> str:
    """The <h1>: the institution's logo (`web.logo`, inlined, so no file route is needed) and its name."""
    import base64
    import mimetypes

    name = html.escape(settings.assistant.institution)
    logo = ""
    if settings.web.logo:
        kind = mimetypes.guess_type(str(settings.web.logo))[0] or "image/png"
        data = base64.b64encode(settings.web.logo.read_bytes()).decode()
        logo = f'<img src="data:{kind};base64,{data}" alt="" height="40" style="vertical-align:middle"> '
    return f'<h1 id="title">{logo}{name} virtual assistant</h1>'


def build_demo(services: Services) -> gr.Blocks:
    """The whole page; `demo.queue(...)` is already applied with the settings' concurrency bounds."""
    settings = services.settings
    institution = settings.assistant.institution
    welcome = welcome_text(settings)
    with gr.Blocks(title=f"{institution} virtual assistant", analytics_enabled=False) as demo:
        turns = gr.State([])  # [{"question", "shown", "answer": Answer | None}] of this browser session
        gr.HTML(header_html(settings))
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(_messages([], welcome), elem_id="chatbot", height=CHAT_HEIGHT,
                                     label="Conversation",
                                     feedback_options=None, buttons=["copy"],
                                     placeholder="Ask about fees, rates, cards and accounts. "
                                                 "Every answer cites the documents it comes from.")
                with gr.Row(elem_id="chat-row"):
                    msg = gr.Textbox(label="Your question", elem_id="chat-input", show_label=False, scale=6,
                                     lines=1, max_lines=6, placeholder="Type your question")
                    send = gr.Button("Send", elem_id="send", variant="primary", scale=1, min_width=80)
                    # in the question row, so that it is on screen wherever a phone's page is scrolled
                    person = gr.Button("\U0001f4de Talk to a person", elem_id="talk-to-person", scale=1,
                                       min_width=190)
                if services.examples:
                    gr.Examples([[q] for q in services.examples], inputs=[msg], label="Example questions",
                                elem_id="examples")
                with gr.Row():
                    up = gr.Button("\U0001f44d Helpful", elem_id="thumbs-up", size="sm", min_width=60,
                                   interactive=False)
                    down = gr.Button("\U0001f44e Not helpful", elem_id="thumbs-down", size="sm",
                                     min_width=60, interactive=False)
                    comment = gr.Textbox(label="Comment", elem_id="feedback-comment", show_label=False,
                                         scale=4, placeholder="Optional comment on the last answer")
                    clear = gr.Button("Clear chat", elem_id="clear", size="sm", min_width=60)
                feedback_status = gr.Markdown(elem_id="feedback-status")
            with gr.Column(scale=2):
                sources = gr.HTML(_sources_html(), elem_id="sources", label="Sources")
        answer = gr.JSON(visible=False)
        rating = gr.Textbox(visible=False)  # "up" | "down": the /feedback API's input; the buttons pass theirs
        gr.Markdown(f"\u2139\ufe0f {html.escape(settings.assistant.disclaimer)}", elem_id="disclaimer")
        gr.Markdown(_footer(services), elem_id="footer")

        def chat(message: str, turns: list[dict]):
            """Stream the answer to `message` (see the module docstring for the outputs)."""
            if not message.strip():  # Enter on an empty box: nothing to answer, nothing to clear
                yield (gr.skip(),) * 5
                return
            history = _history(turns)
            turn = {"question": message, "shown": "", "answer": None}
            turns = [*turns, turn]
            yield _messages(turns, welcome), gr.skip(), "", _answer_json(turn), turns
            for item in services.ask(message, history):
                if isinstance(item, Answer):
                    turn["answer"] = item
                    break
                for word in re.findall(r"\s*\S+\s*", item) if len(item) > 40 else [item]:
                    turn["shown"] += word
                    yield _messages(turns, welcome), gr.skip(), gr.skip(), _answer_json(turn), turns
                    if word is not item:
                        time.sleep(WORD_S)
            turn["links"] = {c.file: original_url(c.file, c.page) for c in turn["answer"].citations
                             if services.public_original(c.file)}
            cited = _sources_html(turn["answer"], turn["links"])
            yield _messages(turns, welcome), cited, gr.skip(), _answer_json(turn), turns

        def rateable(turns: list[dict]):
            """The thumbs work once there is an answer to rate, and show the latest answer's rating as pressed."""
            answered = [t for t in turns if t["answer"] is not None]
            rated = answered[-1].get("rating") if answered else None
            return tuple(gr.update(interactive=bool(answered), variant="primary" if rated == r else "secondary")
                         for r in (1, -1))

        def talk_to_person(turns: list[dict]):
            answer = services.talk_to_person()
            turns = [*turns, {"question": answer.question, "shown": answer.text, "answer": answer}]
            return _messages(turns, welcome), _sources_html(), _answer_json(turns[-1]), turns

        def feedback(rating: str, comment: str, turns: list[dict]):
            """Rate the latest answer: rating "up"/"down" (the buttons' labels work too) plus an optional comment."""
            answered = [t for t in turns if t["answer"] is not None]
            if not answered:
                raise gr.Error("Ask a question first; feedback is about an answer.")
            turn = answered[-1]  # rated once: a second press changes the same row
            turn["rating"] = _rating(rating)
            turn["feedback_id"] = services.rate(turn["answer"], turn["rating"], comment or "", turn.get("feedback_id"))
            return "Thank you \u2013 your feedback was recorded.", "", turns

        def clear_chat():
            return _messages([], welcome), _sources_html(), None, [], ""

        # A message sent while an answer streams is answered next ("always_last"); the box is cleared only
        # when a message is taken, so text typed meanwhile stays in it.
        events = [
            gr.on([msg.submit, send.click], chat, [msg, turns], [chatbot, sources, msg, answer, turns],
                  api_name="chat", trigger_mode="always_last", show_progress="minimal"),
            person.click(talk_to_person, [turns], [chatbot, sources, answer, turns], api_name="talk_to_person"),
        ]
        rating.submit(feedback, [rating, comment, turns], [feedback_status, comment, turns], api_name="feedback")
        events += [button.click(functools.partial(feedback, value), [comment, turns],
                                [feedback_status, comment, turns], api_visibility="private")
                   for button, value in ((up, "up"), (down, "down"))]
        cleared = [chatbot, sources, answer, turns, feedback_status]
        # Starting over starts at the top of the page (the browser runs `js` before the call).
        events.append(clear.click(clear_chat, None, cleared, api_name="clear", js="() => { window.scrollTo(0, 0); }"))
        # The chatbot's own trash button empties the display; the conversation behind it goes too.
        events.append(chatbot.clear(clear_chat, None, cleared, api_visibility="private"))
        for event in events:  # after each, the thumbs show whether there is an answer to rate, and its rating
            event.then(rateable, [turns], [up, down], api_visibility="private")
    return demo.queue(default_concurrency_limit=settings.web.concurrency_limit, max_size=settings.web.max_queue)


def _history(turns: list[dict]) -> list[dict[str, str]]:
    """The conversation so far as plain chat messages, for follow-up questions."""
    out: list[dict[str, str]] = []
    for t in turns:
        if t["answer"] is not None:
            out += [{"role": "user", "content": t["question"]}, {"role": "assistant", "content": t["answer"].text}]
    return out


def _messages(turns: list[dict], welcome: str = "") -> list[dict[str, str]]:
    """Chatbot messages: the welcome, then each question and its answer (streaming, or final with its numbered
    sources)."""
    out: list[dict[str, str]] = [{"role": "assistant", "content": welcome}] if welcome else []
    for i, t in enumerate(turns):
        q = t["question"]
        shown_q = q if len(q) <= SHOWN_QUESTION_CHARS else q[:SHOWN_QUESTION_CHARS] + f"\u2026 ({len(q):,} characters)"
        out.append({"role": "user", "content": shown_q})
        a: Answer | None = t["answer"]
        if a is None:
            out.append({"role": "assistant", "content": t["shown"] + TYPING})
        else:
            # each inline [n] is a link that opens its source below the answer (HEAD's script opens it)
            text = re.sub(r"\[(\d+)\]", lambda m: f'<a href="#src-{i}-{m[1]}" class="cite">[{m[1]}]</a>'
                          if any(c.n == int(m[1]) for c in a.citations) else m[0], html.escape(a.text, quote=False))
            out.append({"role": "assistant", "content": text + _sources_in_message(a, t.get("links", {}), i)})
    return out


def _answer_json(turn: dict) -> dict[str, Any]:
    a: Answer | None = turn["answer"]
    if a is None:
        return {"text": turn["shown"], "done": False, "citations": []}
    return {"text": a.text, "done": True, "abstained": a.abstained, "reason": a.reason, "model": a.model,
            "replaced": not a.text.startswith(turn["shown"].strip()),
            "citations": [source_dict(c) for c in a.citations]}


def _rating(value: str) -> int:
    v = (value or "").lower()
    if "down" in v or "\U0001f44e" in v or "not helpful" in v or v.strip() == "-1":
        return -1
    if "up" in v or "\U0001f44d" in v or "helpful" in v or v.strip() in ("1", "+1"):
        return 1
    raise gr.Error('rating must be "up" or "down"')


def _source_block(c: Citation, records: Sequence[str] = (), link: str | None = None, anchor: str = "") -> str:
    """One source: its label and date, opening onto its passage with the quoted record highlighted, and a link to
    the original (at its page) when it may be served."""
    where = " \u00b7 ".join(([f"Page {c.page}"] if c.page else []) +
                            ([f"as of {html.escape(c.effective_date)}"] if c.effective_date else []))
    opens = (f'<p><a href="{html.escape(link)}" target="_blank" rel="noopener">Open the original'
             f'{f" at page {c.page}" if c.page else ""}</a></p>') if link else ""
    named = f' id="{anchor}"' if anchor else ""
    return (f"<details><summary{named}>[{c.n}] {html.escape(c.label())}</summary>"
            f"{f'<p><small>{where}</small></p>' if where else ''}"
            f"<blockquote>{_lines(c.text, records)}</blockquote>{opens}</details>")


def _lines(text: str, records: Sequence[str] = ()) -> str:
    """Escaped text with <br> line breaks (a blank line would end the HTML block inside the chat's Markdown); the
    lines of the quoted records are marked."""
    def quoted(line: str) -> bool:
        line = " ".join(line.split())
        return len(line) > 3 and any(line in r or r in line for r in records)

    records = [" ".join(r.split()) for r in records if r.strip()]
    return "<br>".join(f"<mark>{html.escape(line)}</mark>" if quoted(line) else html.escape(line)
                       for line in text.splitlines() if line.strip())


def _sources_in_message(a: Answer, links: dict[str, str], turn: int = 0) -> str:
    if not a.citations:
        return ""
    return "\n\n**Sources**\n\n" + _chips(_source_block(c, a.records, links.get(c.file), f"src-{turn}-{c.n}")
                                             for c in a.citations)


def _sources_html(a: Answer | None = None, links: dict[str, str] | None = None) -> str:
    """The sources panel: the latest answer's sources, each expandable to the quoted chunk."""
    if a is None or not a.citations:
        return "<h4>Sources</h4><p><em>The documents behind each answer appear here.</em></p>"
    return "<h4>Sources</h4>" + _chips(_source_block(c, a.records, (links or {}).get(c.file)) for c in a.citations)


def _chips(blocks) -> str:
    return '<div class="chips">' + "".join(blocks) + "</div>"


def _footer(services: Services) -> str:
    """What a customer needs to know about the answers; the model's name is for staff (the staff console)."""
    public = sum(r.audience == "public" for r in services.store.list_files())  # staff-only ones are not counted
    return (f"Automated answers from {public} published documents of "
            f"{html.escape(services.settings.assistant.institution)} \u00b7 FinChat")
