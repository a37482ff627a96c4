"""Settings read from REELQA_* environment variables (and `.env`); the composition roots read them once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Every knob of reelqa; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="REELQA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="folder of documents to index")
    data_dir: Path = Field(Path("data"), description="index versions, feedback database, pointer file")
    glossary: Path | None = Field(None, description="alias glossary (default: <corpus_dir>/aliases.yaml)")
    embedding_model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or path")
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx",
        description="runtime for the embedding model: onnx (exported locally once, same vectors), torch, onnx-int8",
    )
    torch_threads: int = Field(1, ge=1, le=64, description="torch intra-op threads for the embedding model")
    multilingual_model: str = Field(
        "use-v3", description="'use-v3' (packaged multilingual USE), a sentence-transformers path, or 'off'"
    )
    query_cache_size: int = Field(
        1024, ge=0, description="question embeddings kept in an LRU cache (0 = off)"
    )
    chroma_url: str | None = Field(
        None, description="http://host:port of a `chroma run` server; embedded if unset"
    )
    chunk_tokens: int = Field(200, ge=32, le=256, description="max tokens per chunk (model limit 256)")
    top_k: int = Field(5, ge=1, le=20, description="citations/passages returned by default")
    abstain_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="minimum answer probability to answer (unset: the fitted threshold)"
    )
    abstain_threshold_chinese: float | None = Field(
        None, ge=0.0, le=1.0, description="the same for questions in Chinese (unset: the fitted one)")
    max_question_chars: int = Field(1000, ge=10, description="longest question accepted")
    host: str = Field("127.0.0.1", description="address `reelqa serve` binds")
    port: int = Field(8000, ge=1, le=65535, description="port `reelqa serve` listens on")
    public_url: str | None = Field(
        None, description="public base URL of the server (e.g. https://qa.example.org); Discord links documents"
    )
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="comma-separated keys; open if empty"
    )
    admin_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="keys allowed to trigger re-indexing"
    )
    rate_limit_per_minute: int = Field(60, ge=0, description="requests per client per minute (0 = off)")
    max_body_bytes: int = Field(16_384, ge=256, description="largest HTTP request body (413 above)")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated origins allowed by CORS"
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated proxy addresses/networks whose X-Forwarded-For is trusted; none if empty",
    )
    header_timeout_seconds: float = Field(
        10.0, gt=0, description="a client must send a request's headers within this time (then idle keep-alive)"
    )
    body_timeout_seconds: float = Field(
        10.0, gt=0, description="longest wait for the next piece of a request body (408 after)"
    )
    worker_threads: int = Field(
        4, ge=1, le=256, description="requests `reelqa serve` computes at once; the others wait their turn in order"
    )
    max_document_bytes: int = Field(
        2_000_000, ge=0, description="larger corpus files are skipped with a warning (0 = no limit)"
    )
    conversation_turns: int = Field(6, ge=1, description="turns remembered per conversation")
    conversation_ttl_seconds: int = Field(
        1800, ge=10, description="a conversation is forgotten after this idle time"
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    discord_token: SecretStr | None = Field(
        None, validation_alias="DISCORD_TOKEN", description="the bot's token"
    )
    discord_guild: int | None = Field(
        None, description="sync slash commands to this guild only (development)"
    )
    discord_channels: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="allow-list of channel ids; all if empty"
    )
    discord_admin_role: str | None = Field(
        None, description="role allowed to run admin commands (besides Manage Server)"
    )
    discord_user_cooldown_seconds: float = Field(
        10.0, ge=0, description="seconds between one member's questions"
    )
    discord_channel_cooldown_seconds: float = Field(
        2.0, ge=0, description="seconds between questions in a channel"
    )

    llm_provider: Literal["openai", "ollama"] | None = Field(
        None, description="'openai' (any OpenAI-compatible server) or 'ollama'; unset = extractive answers only"
    )
    llm_base_url: str | None = Field(
        None, description="the provider's URL, e.g. http://127.0.0.1:8080/v1 or http://127.0.0.1:11434"
    )
    llm_model: str | None = Field(None, description="the chat model's name (required with a provider)")
    llm_api_key: SecretStr | None = Field(None, description="the provider's API key (OpenAI: else OPENAI_API_KEY)")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="sampling temperature of generated answers")
    llm_timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="longest wait for the model; then the extractive answer is given"
    )
    llm_max_tokens: int = Field(400, ge=16, le=8192, description="most tokens the model may generate per answer")

    @field_validator("llm_provider", "llm_base_url", "llm_model", "llm_api_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value, info):
        if isinstance(value, str):
            value = value.strip()
            if not value or (info.field_name == "llm_provider" and value.lower() in ("off", "none")):
                return None
            return value.lower() if info.field_name == "llm_provider" else value
        return value

    @field_validator("api_keys", "admin_keys", "cors_origins", "discord_channels", "trusted_proxies",
                     mode="before")
    @classmethod
    def _split_commas(cls, value):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def glossary_path(self) -> Path:
        """Where the alias glossary lives."""
        return self.glossary or self.corpus_dir / "aliases.yaml"


def load_settings(**overrides) -> Settings:
    """Read settings once, failing fast with one clear line on a bad value."""
    from pydantic import ValidationError

    from rag.errors import ConfigError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "REELQA_" + "_".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"setting {name} is invalid: {first['msg']}") from None
