"""Shared by the generative-answer tests (service, HTTP, CLI, and later the bot): scripted replies and set-ups."""
from __future__ import annotations

from pathlib import Path

from tests.llm_fakes import Reply, passage_number

QUESTION = "How many paying users does Keling have?"
FACT = "2 million cumulative paying users"  # what the passage the answer needs says


def cite(request: dict, needle: str = FACT) -> int:
    """The prompt's number of the passage holding `needle` (a test fails loudly if retrieval lost it)."""
    n = passage_number(request, needle)
    assert n is not None, f"no prompt passage contains {needle!r}"
    return n


def correct(request: dict) -> Reply:
    """A faithful answer citing the right passage."""
    return Reply(f"Keling has over 2 million cumulative paying users [{cite(request)}].")


def streamed(request: dict) -> Reply:
    """A faithful two-sentence answer, sent in small pieces."""
    n = cite(request)
    return Reply(pieces=["Keling ", "has over ", "2 million ", "cumulative paying ", f"users [{n}]. ",
                         "Its cumulative payments were ", f"approximately ten million yuan [{n}]."])


def missing_citation(request: dict) -> Reply:
    """A supported sentence that also cites a passage that doesn't exist, and a sentence citing only that one."""
    return Reply(f"Keling has over 2 million cumulative paying users [{cite(request)}][42]. "
                 "Keling will double its paying users next year [42].")


def unsupported_figure(request: dict) -> Reply:
    """A supported sentence and one with a figure the cited passage doesn't state."""
    n = cite(request)
    return Reply(f"Keling has over 2 million cumulative paying users [{n}]. "
                 f"Keling expects 9 million paying users [{n}].")


def chinese(request: dict) -> Reply:
    """The faithful answer in Chinese (the question was asked in Chinese)."""
    return Reply(f"可灵的累计付费用户超过200万[{cite(request)}]。")


def nothing_supported(request: dict) -> Reply:
    """Only sentences no passage supports."""
    return Reply(f"Keling has 7 million paying users [{cite(request)}]. The documents say nothing else [3].")


def llm_env(base_url: str, provider: str = "openai", timeout: float = 10.0) -> dict[str, str]:
    """Environment variables that point reelqa at a fake server."""
    return {"REELQA_LLM_PROVIDER": provider, "REELQA_LLM_BASE_URL": base_url, "REELQA_LLM_MODEL": "m",
            "REELQA_LLM_API_KEY": "x", "REELQA_LLM_TIMEOUT_SECONDS": str(timeout)}


def components_for(settings, embedder, multilingual, glossary):
    """The composition root's Components for these settings, reusing the session's loaded models."""
    from cli.compose import Components

    parts = Components(settings)
    parts.__dict__.update(embedder=embedder, query_embedder=embedder, multilingual=multilingual, glossary=glossary)
    return parts


def llm_settings(settings_for, fake, provider: str = "openai", data_dir: Path | None = None, **overrides):
    """Settings for a service whose chat model is the fake server."""
    overrides.setdefault("llm_timeout_seconds", 10.0)
    return settings_for(data_dir, llm_provider=provider, llm_base_url=fake.base_url, llm_model="m",
                        llm_api_key="x", **overrides)
