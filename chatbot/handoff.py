"""Urgent requests go to a person at once: a lost or stolen card, fraud, a locked-out customer, a complaint, a
bereavement, or a customer who asks for a human. They are answered with the institution's configured routes
before any retrieval or model call, because quoting a fee schedule to someone whose card was just stolen is the
wrong answer however well it is cited.

The intent is the nearest of a few example requests per intent, by the bundled sentence embedding (the one that
embeds the documents); ordinary questions that share the words ("what does a replacement card cost?", "how do I
dispute a charge?") are examples too, of "no hand-off", so a fee question about a lost card still gets the fee.
`tests/test_handoff.py` checks the examples on paraphrases written apart from them.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

NONE = "none"
EXAMPLES: dict[str, list[str]] = {
    "lost_card": ["I lost my card", "my debit card was stolen", "I can't find my credit card anywhere",
                  "someone took my wallet with my cards", "my card is missing", "I left my card somewhere"],
    "fraud": ["there are charges on my account I didn't make", "I think my account has been hacked",
              "someone is using my card without permission", "I got a text asking for my PIN, is it a scam",
              "report fraud on my account", "money disappeared from my account"],
    "locked_out": ["I'm locked out of online banking", "I forgot my password and can't log in",
                   "my account is locked after too many attempts", "the app won't let me sign in"],
    "complaint": ["I want to make a complaint", "I'm very unhappy with the service I received",
                  "how do I file a formal complaint", "this is unacceptable, I want to escalate"],
    "bereavement": ["my husband passed away, what do I do with his account", "a family member died",
                    "I need to close my late mother's account", "bereavement support"],
    "person": ["can I talk to a real person", "I want to speak to a human", "connect me to an agent",
               "call me back please", "is there someone I can talk to"],
    NONE: ["how much does a replacement card cost", "what is the fee for a new debit card",
           "how do I dispute a transaction", "what is the overdraft fee", "what are your branch hours",
           "what is the interest rate on savings", "how do I order checks", "what is the wire transfer fee",
           "how do I reset my PIN at an ATM", "what does the privacy notice say about sharing my data",
           "how do I set up direct deposit", "what is the monthly fee for checking"],
}


class Handoff:
    """Which urgent intent a message is (or None), from the nearest example by cosine similarity."""

    def __init__(self, embed: Callable[[list[str]], Sequence[Sequence[float]]], min_similarity: float = 0.55):
        self.embed = embed
        self.min_similarity = min_similarity
        self._labels = [label for label, texts in EXAMPLES.items() for _ in texts]
        self._vectors: np.ndarray | None = None

    def intent(self, message: str) -> str | None:
        if self._vectors is None:
            self._vectors = _unit(np.asarray(self.embed([t for texts in EXAMPLES.values() for t in texts])))
        similarity = self._vectors @ _unit(np.asarray(self.embed([message])))[0]
        best = int(np.argmax(similarity))
        label = self._labels[best]
        return label if label != NONE and similarity[best] >= self.min_similarity else None


def _unit(m: np.ndarray) -> np.ndarray:
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def reply(intent: str, institution: str, contact) -> str:
    """The hand-off message for an intent, with the configured routes (`settings.contact`)."""
    phone = f"{contact.phone} ({contact.hours})" if contact.hours else contact.phone
    card = f"{contact.card_phone} ({contact.card_hours})" if contact.card_hours else contact.card_phone
    secure = f", or send a secure message: {contact.secure_message}" if contact.secure_message else ""
    opening = {
        "lost_card": f"Please call our Lost or Stolen Card line now at {card}, so the card can be blocked. You can "
                     f"also lock it in the mobile app.",
        "fraud": f"If you think someone is using your account or card, please call us now at {card}. Never share "
                 f"your PIN, password or a one-time code with anyone, including someone who says they are "
                 f"from {institution}.",
        "locked_out": f"For sign-in or a locked account, please call Customer Service at {phone}{secure}.",
        "complaint": f"I'm sorry to hear that. A member of our team will listen and help: please call Customer "
                     f"Service at {phone}{secure}.",
        "bereavement": f"I'm very sorry for your loss. Our team will guide you through the next steps: please call "
                       f"Customer Service at {phone}{secure}.",
        "person": f"You can talk to a person at Customer Service: {phone}{secure}.",
    }[intent]
    return f"{opening} I'm an automated assistant and can't act on your accounts."
