"""What a chat message asks: mentions removed, chatty lead-ins and hedges dropped, small talk recognised.

People write to a bot the way they write to a channel ("Hey all, quick question: how many … roughly?").
The service answers best from the question itself, so the bot removes general English chat filler
(greetings, addressees, "does anyone know", trailing "roughly", "thanks") and never a content word.
"""
from __future__ import annotations

import re

from rag.errors import InputError

MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

# Words that carry no content in a chat lead-in ("Hi all, quick question for the group:").
_FILLER = frozenset([
    "hi", "hey", "heya", "hiya", "hello", "yo", "howdy", "greetings", "morning", "afternoon", "evening",
    "good", "gm", "ok", "okay", "so", "well", "um", "uh", "er", "hmm", "all", "everyone", "everybody",
    "anyone", "anybody", "folks", "guys", "gang", "team", "people", "peeps", "friends", "yall", "y'all",
    "y’all", "bot", "there", "quick", "quickie", "small", "simple", "short", "random", "silly", "dumb",
    "stupid", "newbie", "noob", "basic", "real", "genuine", "honest", "another", "one", "more", "follow",
    "up", "followup", "question", "questions", "query", "for", "the", "group", "channel", "room", "crowd",
    "here", "you", "sorry", "to", "bother", "bothering", "interrupt", "interrupting", "btw", "also", "just",
    "curious", "wondering", "please", "pls", "plz", "thanks", "thank"
])

# "does anyone know …", "can you tell me …", "I was wondering …" — dropped when a wh-question follows.
_WRAPPER = re.compile(
    r"^(?:(?:does|do) (?:anyone|anybody|someone|somebody|you|y'?all|everyone)(?: here)? (?:happen to )?know"
    r"|(?:can|could|would|will) (?:you|someone|anyone|somebody|anybody)(?: please)?"
    r" (?:tell|remind|let) (?:me|us)(?: know)?"
    r"|i(?: was|'m| am)? (?:wondering|curious)(?: about)?"
    r"|i(?:'d| would) (?:like|love) to know|i (?:want|wanted|need) to know|any (?:idea|ideas|clue)"
    r"|(?:please )?tell me|(?:please )?remind me)\b[\s,:]*"
    r"(?=(?:what|who|whom|whose|which|where|when|why|how)\b)",
    re.IGNORECASE,
)
_WH_ORDER = re.compile(  # "how many paying users X has" → "how many paying users does X have"
    r"^(?P<wh>(?:how (?:many|much)(?: \w+){0,3}|what(?: \w+){0,2}|which(?: \w+){0,2}))"
    r" (?P<subject>(?:\w+ ){0,3}?\w+) (?P<verb>has|have|had)(?P<tail>\W*)$", re.IGNORECASE)
_SURE_HEDGES = (r"roughly|approximately|approx\.?|more or less|give or take|by any chance"
                r"|if (?:you|anyone|anybody|someone) knows?|if possible|please|pls|plz|thanks|thank you|thx")
_COMMA_HEDGES = r"about|around|ish|ty|anyone|anybody|everyone|folks|guys|all|y'?all|team"
_HEDGE = re.compile(rf"(?:\s*[,;:—–-]\s*(?:{_SURE_HEDGES}|{_COMMA_HEDGES})|\s+(?:{_SURE_HEDGES}))+"
                    r"(?=[\s?!.]*$)", re.IGNORECASE)
_LEAD_IN = re.compile(r"^(?P<lead>[^:;,!?.—–]{1,80}?)\s*(?:[:;,!.—–]|\s-\s)\s*(?P<rest>.+)$", re.DOTALL)
_INTERJECTIONS = frozenset([
    "so", "ok", "okay", "well", "um", "uh", "er", "hmm", "hey", "hi", "hello", "yo", "btw", "also",
    "please", "pls", "plz", "just"
])
_ADDRESSEES = frozenset([
    "all", "everyone", "everybody", "folks", "guys", "gang", "team", "people", "friends", "yall", "y'all",
    "there", "bot"
])
_SMALL_TALK = frozenset([
    "thanks", "thank", "you", "thx", "ty", "tysm", "tyvm", "cheers", "ok", "okay", "k", "kk", "cool",
    "great", "nice", "awesome", "perfect", "got", "it", "gotcha", "lol", "haha", "hah", "good", "bot",
    "appreciated", "appreciate", "much", "so", "very", "a", "lot", "wow", "neat", "sweet", "brilliant",
    "helpful", "that's", "thats", "makes", "sense", "alright", "right", "sure", "yes", "yep", "yeah", "no",
    "nope", "np", "noted", "understood", "amazing", "love", "excellent", "super", "fine", "merci"
])
_GREETING = frozenset([
    "hi", "hey", "heya", "hiya", "hello", "yo", "howdy", "greetings", "gm", "good", "morning", "afternoon",
    "evening", "there"
])


def strip_mentions(text: str) -> str:
    """`text` without Discord mention syntax (users, roles, channels, @everyone, @here), spaces collapsed."""
    return " ".join(MENTION.sub(" ", text).split())


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _is_filler(text: str) -> bool:
    words = _words(text)
    return bool(words) and all(w in _FILLER for w in words)


def drop_lead_ins(text: str) -> str:
    """`text` without leading chat filler such as "Hey all," or "Quick question for the group:"."""
    while (m := _LEAD_IN.match(text)) and _is_filler(m["lead"]) and len(_words(m["rest"])) >= 2:
        text = m["rest"].strip()
    words = text.split()
    greeted = False
    while len(words) > 2:
        first = words[0].lower().strip(",!.:;")
        if first in _INTERJECTIONS or (greeted and first in _ADDRESSEES):
            greeted = greeted or first in _GREETING
            words = words[1:]
            continue
        break
    return " ".join(words)


def tidy_question(text: str) -> str:
    """The question in a chat message: mentions, greetings, filler lead-ins and trailing hedges removed."""
    plain = strip_mentions(text)
    tidy = drop_lead_ins(plain)
    unwrapped = _WRAPPER.sub("", tidy).strip()
    if unwrapped != tidy and (m := _WH_ORDER.match(unwrapped)):  # "… how many X Y has" → "… does Y have"
        verb = "did" if m["verb"].lower() == "had" else "does"
        unwrapped = f"{m['wh']} {verb} {m['subject']} have{m['tail']}"
    tidy = unwrapped
    for _ in range(3):  # "…, please? Thanks": each pass removes the hedges at the (new) end
        tidy, count = _HEDGE.subn("", tidy)
        tidy = tidy.strip()
        if not count:
            break
    if len(_words(tidy)) < 2:
        return plain
    if tidy.endswith((".", "!")) and "?" in plain:
        tidy = tidy[:-1] + "?"
    return tidy[0].upper() + tidy[1:]


def is_small_talk(text: str) -> bool:
    """True for thanks, acknowledgements and emoji-only messages ("thanks!", "ok cool 👍"), not questions."""
    if "?" in text:
        return False
    words = _words(strip_mentions(text))
    return not words or all(w in _SMALL_TALK for w in words)


def is_greeting(text: str) -> bool:
    """True when a message only says hello ("hi", "hey there")."""
    words = _words(strip_mentions(text))
    return bool(words) and all(w in _GREETING | {"all", "everyone", "bot", "folks"} for w in words)


def check_question(question: str, max_chars: int) -> str:
    """The question, or an InputError worded for a member (no setting names) when it is empty or too long."""
    if not question.strip():
        raise InputError("I couldn't find a question there; type what you want to know about the documents")
    if len(question) > max_chars:
        raise InputError(f"that question is {len(question):,} characters long; please keep it under "
                         f"{max_chars:,} characters")
    return question
