"""Messages a person reads (answer errors and the like), kept sayable in any language.

The engine stays free of Flask and Babel, so it writes its messages in English; each is a
`Message`: the English text (what `str` gives, so tests, logs and the API see exactly that), plus
the message id and values the web layer hands to gettext to say it in the request's language
(webapp/messages.py). `N_` marks a message id for the extractor and does nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:
    """Mark a message id for translation; the web layer translates it where it is shown."""
    return message


class Message(str):
    """An English message (the str itself) with the id and values to say it in another language.

    `values` may hold other Messages (said in the same language in turn) and plain values
    (numbers, ids, texts already in the request's language such as a question's short name).
    """

    msgid: str
    values: Mapping[str, object]

    def __new__(cls, msgid: str, **values: object) -> Message:
        """Write the message in English now: `msgid` with its `%(name)s` placeholders filled in."""
        text = msgid % values if values else msgid
        message = super().__new__(cls, text)
        message.msgid = msgid
        message.values = values
        return message
