"""Say the rule engine's messages (answer errors and the like) in the request's language.

The engine (webapp/rulebook/) writes each message in English as a `Message` that keeps its message
id and values; here gettext says it in this request's language, wherever it is shown: a form's
error, a notice, the JSON API's errors. English stays exactly the engine's text.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext

from .rulebook.messages import Message


def translate(message: str) -> str:
    """An engine message in this request's language; any other text is returned as it is."""
    if not isinstance(message, Message):
        return message
    values = {
        key: translate(value) if isinstance(value, Message) else value
        for key, value in message.values.items()
    }
    return gettext(message.msgid, **values) if values else gettext(message.msgid)


def translate_all(messages: Iterable[str]) -> list[str]:
    """Each message in this request's language, in order."""
    return [translate(message) for message in messages]
