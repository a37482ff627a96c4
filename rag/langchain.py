"""LangChain adapters: reelqa's hybrid retrieval as a `BaseRetriever`, and answers as `Document`s."""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from rag.schemas import Passage


def passage_document(passage: Passage) -> Document:
    """A passage as a LangChain Document (offsets and source kept in the metadata)."""
    return Document(page_content=passage.text, metadata=passage.model_dump(exclude={"text"}))


class ReelqaRetriever(BaseRetriever):
    """Hybrid (dense + BM25 + multilingual) sentence retrieval from the live index, for LangChain chains."""

    service: Any
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [passage_document(p) for p in self.service.search(query, self.k)]
