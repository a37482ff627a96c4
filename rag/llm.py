"""LangChain chat models behind one small client: a deadline, faults classified, outcomes counted, one log line."""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from rag.errors import ConfigError
from rag.settings import Settings

log = logging.getLogger("reelqa.llm")

OUTCOMES = ("ok", "timeout", "connection_error", "auth_error", "rate_limited", "server_error", "http_error",
            "bad_output", "empty_output", "error")
_PACKAGES = {"openai": ("langchain_openai", "langchain-openai"), "ollama": ("langchain_ollama", "langchain-ollama")}


class LlmFault(Exception):
    """A chat-model request that gave no usable text; `outcome` is one of OUTCOMES."""

    def __init__(self, outcome: str, detail: str):
        super().__init__(f"{outcome}: {detail}")
        self.outcome, self.detail = outcome, detail


class OutcomeCounts:
    """Thread-safe tally of chat-model requests by outcome (exported as reelqa_llm_requests_total)."""

    def __init__(self) -> None:
        self._counts = dict.fromkeys(OUTCOMES, 0)
        self._lock = threading.Lock()

    def add(self, outcome: str) -> None:
        """Count one request."""
        with self._lock:
            self._counts[outcome] = self._counts.get(outcome, 0) + 1

    def snapshot(self) -> dict[str, int]:
        """Every outcome and its count so far."""
        with self._lock:
            return dict(self._counts)


def classify(exc: BaseException) -> str:
    """The outcome a client exception stands for (checked by HTTP status, then by kind, across providers)."""
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int) and status >= 400:
        if status in (401, 403):
            return "auth_error"
        return "rate_limited" if status == 429 else "server_error" if status >= 500 else "http_error"
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    if isinstance(exc, TimeoutError) or any("Timeout" in kind for kind in kinds):
        return "timeout"
    if isinstance(exc, ConnectionError) or kinds & {"APIConnectionError", "ConnectError", "NetworkError",
                                                     "RemoteProtocolError", "TransportError"}:
        return "connection_error"
    if isinstance(exc, (ValueError, KeyError, TypeError, IndexError, json.JSONDecodeError)):
        return "bad_output"
    return "error"


def _text(content: Any) -> str:
    """The text of a message's content (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content if isinstance(b, (str, dict)))
    raise LlmFault("bad_output", f"message content of type {type(content).__name__}")


class LlmClient:
    """A LangChain chat model with an overall deadline; every request is counted by outcome."""

    def __init__(self, chat: Any, timeout: float, counts: OutcomeCounts | None = None, name: str = "llm"):
        self.chat, self.timeout, self.name = chat, timeout, name
        self.counts = counts or OutcomeCounts()

    def complete(self, messages: list, purpose: str) -> str:
        """The whole reply as one string, or LlmFault."""
        return "".join(self.stream(messages, purpose, chunked=False))

    def stream(self, messages: list, purpose: str, chunked: bool = True) -> Iterator[str]:
        """The reply's text pieces as they arrive, or LlmFault (also mid-stream); empty output is a fault."""
        started, produced = time.monotonic(), False
        try:
            if chunked:
                replies: Iterator = self.chat.stream(messages)
            else:
                replies = iter([self.chat.invoke(messages)])
            for reply in replies:
                piece = _text(reply.content)
                if time.monotonic() - started > self.timeout:
                    raise LlmFault("timeout", f"no complete reply within {self.timeout:g} s")
                if piece:
                    produced = produced or bool(piece.strip())
                    yield piece
            if not produced:
                raise LlmFault("empty_output", "the model returned no text")
        except LlmFault as fault:
            self._fail(fault, purpose)
            raise
        except GeneratorExit:
            raise
        except Exception as exc:  # noqa: BLE001 - any client failure falls back to the extractive path
            wrapped = LlmFault(classify(exc), f"{type(exc).__name__}: {_short(exc)}")
            self._fail(wrapped, purpose)
            raise wrapped from None
        self.counts.add("ok")

    def _fail(self, fault: LlmFault, purpose: str) -> None:
        self.counts.add(fault.outcome)
        log.warning("%s %s request failed (%s); using the fallback", self.name, purpose, fault)


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chat_model(settings: Settings) -> Any:
    """The configured LangChain chat model (the provider package is imported only here, only when configured)."""
    provider = settings.llm_provider
    if provider is None:
        raise ConfigError("REELQA_LLM_PROVIDER is not set")
    if not settings.llm_model:
        raise ConfigError(f"REELQA_LLM_PROVIDER={provider} needs REELQA_LLM_MODEL (the chat model's name)")
    module_name, package = _PACKAGES[provider]
    try:
        module = __import__(module_name)
    except ImportError:
        raise ConfigError(f"REELQA_LLM_PROVIDER={provider} needs the {package} package: "
                          "pip install 'reelqa[llm]' (or unset REELQA_LLM_PROVIDER for extractive answers)") from None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if provider == "openai":
        return _openai(module, settings, key)
    return _ollama(module, settings, key)


def _openai(module: Any, settings: Settings, key: str | None) -> Any:
    import os

    if key is None and not os.environ.get("OPENAI_API_KEY"):
        if not settings.llm_base_url:
            raise ConfigError("REELQA_LLM_PROVIDER=openai needs REELQA_LLM_API_KEY (or OPENAI_API_KEY), "
                              "or REELQA_LLM_BASE_URL for a local OpenAI-compatible server")
        key = "unused"  # local servers accept any key, but the client insists on one
    return module.ChatOpenAI(model=settings.llm_model, api_key=key, base_url=settings.llm_base_url,
                             temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens,
                             timeout=settings.llm_timeout_seconds, max_retries=0)


def _ollama(module: Any, settings: Settings, key: str | None) -> Any:
    client_kwargs: dict[str, Any] = {"timeout": settings.llm_timeout_seconds}
    if key:
        client_kwargs["headers"] = {"Authorization": f"Bearer {key}"}
    return module.ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url,
                             temperature=settings.llm_temperature, num_predict=settings.llm_max_tokens,
                             client_kwargs=client_kwargs)
