"""The stock LangChain tutorial pipeline: split 1000/200, HuggingFaceEmbeddings, Chroma.from_documents, k=4."""
from __future__ import annotations

from pathlib import Path

from rag.embedder import resolve_model_path
from rag.settings import DEFAULT_MODEL

CHUNK_SIZE, CHUNK_OVERLAP, K = 1000, 200, 4


def load_texts(corpus_dir: Path) -> list[tuple[str, str]]:
    """(source, text) of every document, extracted by reelqa's loaders so both pipelines read the same text."""
    from index.loaders import find_documents, load_document

    out = []
    for path in find_documents(corpus_dir):
        doc = load_document(path, corpus_dir)
        out.append((doc.meta.source, doc.text))
    return out


def embeddings():
    """HuggingFaceEmbeddings over the bundled all-MiniLM-L6-v2 (a local path: nothing is downloaded)."""
    import os

    from langchain_huggingface import HuggingFaceEmbeddings

    if os.environ.get("BENCH_STOCK_THREADS"):  # stock as written uses torch's default (one thread per core)
        import torch

        torch.set_num_threads(int(os.environ["BENCH_STOCK_THREADS"]))
    return HuggingFaceEmbeddings(model_name=resolve_model_path(DEFAULT_MODEL), model_kwargs={"device": "cpu"})


def split(texts: list[tuple[str, str]]):
    """The tutorial's RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    docs = [Document(page_content=text, metadata={"source": source}) for source, text in texts]
    return splitter.split_documents(docs)


def build(texts: list[tuple[str, str]], model, persist_dir: Path):
    """Split, embed and store with Chroma.from_documents; returns (vector store, number of chunks)."""
    from langchain_chroma import Chroma

    chunks = split(texts)
    store = Chroma.from_documents(chunks, embedding=model, persist_directory=str(persist_dir),
                                  collection_name="stock")
    return store, len(chunks)


def open_retriever(model, persist_dir: Path):
    """The persisted store as the tutorial's retriever (top 4 chunks)."""
    from langchain_chroma import Chroma

    store = Chroma(collection_name="stock", embedding_function=model, persist_directory=str(persist_dir))
    return store.as_retriever(search_kwargs={"k": K})
