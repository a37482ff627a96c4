"""The LangChain retriever adapter returns the hybrid passages as Documents with offsets."""
from rag.langchain import ReelqaRetriever
from tests.conftest import CORPUS


def test_retriever_returns_documents_with_exact_offsets(service):
    docs = ReelqaRetriever(service=service, k=3).invoke("How many paying users does Kling have?")
    assert len(docs) == 3
    assert any("2 million cumulative paying users" in d.page_content for d in docs)
    for doc in docs:
        text = (CORPUS / doc.metadata["source"]).read_text(encoding="utf-8")
        assert text[doc.metadata["start"]:doc.metadata["end"]] == doc.page_content
