"""Loaders: each format keeps offsets into the text it produced; each bad input names the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.loaders import find_documents, load_document
from rag.errors import DocumentError

ROOT = Path(__file__).resolve().parents[2]


def make_pdf(path: Path, lines: list[str]) -> None:
    """Write a minimal valid one-page PDF with the given text lines (Helvetica)."""
    content = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)


def test_txt_is_the_files_own_text_with_sidecar_metadata():
    doc = load_document(ROOT / "corpus" / "keling-next-target-for-jimeng.txt", ROOT / "corpus")
    assert doc.text == (ROOT / "corpus" / "keling-next-target-for-jimeng.txt").read_text(encoding="utf-8")
    assert doc.meta.title.startswith("Kuaishou's Keling is merely the next target")
    assert doc.meta.date == "2024-12-27"
    assert doc.meta.authors == ["Lan Dong Business", "Zhao Weiwei"]
    assert doc.meta.doc_id == "keling-next-target-for-jimeng"


def test_markdown_front_matter_is_metadata_and_offsets_stay_in_file_text(tmp_path):
    text = "---\ntitle: Kling notes\ndate: 2025-01-02\nauthors: A, B\n---\nKling is Keling.\r\nSecond line.\n"
    (tmp_path / "notes.md").write_bytes(text.encode())
    doc = load_document(tmp_path / "notes.md", tmp_path)
    assert doc.meta.title == "Kling notes" and doc.meta.date == "2025-01-02" and doc.meta.authors == ["A", "B"]
    assert doc.text == (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert doc.text[doc.body_start:].startswith("Kling is Keling.")


def test_html_keeps_visible_text_only(tmp_path):
    (tmp_path / "page.html").write_text("<html><head><title>T</title><script>var x=1;</script></head>"
                                        "<body><h1>Jimeng</h1><p>Dreamina &amp; Kling compete.</p></body></html>")
    doc = load_document(tmp_path / "page.html", tmp_path)
    assert "Dreamina & Kling compete." in doc.text and "var x" not in doc.text


def test_pdf_text_is_extracted(tmp_path):
    make_pdf(tmp_path / "report.pdf", ["Keling serves five million users.", "Jimeng is catching up."])
    doc = load_document(tmp_path / "report.pdf", tmp_path)
    assert "Keling serves five million users." in doc.text


@pytest.mark.parametrize("name, data, problem", [
    ("empty.txt", b"", "is empty"),
    ("blank.md", b"  \n\n ", "is empty"),
    ("binary.txt", b"\x00\x01\x02PNG\x00" * 20, "binary"),
    ("latin1.txt", "caf\xe9 Jimeng".encode("latin-1"), "not valid UTF-8"),
    ("broken.pdf", b"%PDF-1.4 this is not a pdf", "not a readable PDF"),
    ("yaml.md", b"---\ntitle: [unclosed\n---\nbody text\n", "front matter is not valid YAML"),
    ("open.md", b"---\ntitle: x\nbody with no closing line\n", "front matter is not closed"),
    ("list.md", b"---\n- a\n- b\n---\nbody text\n", "not a mapping"),
    ("only-front.md", b"---\ntitle: x\n---\n\n", "has no text"),
])
def test_bad_inputs_raise_one_line_naming_the_file(tmp_path, name, data, problem):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DocumentError) as err:
        load_document(tmp_path / name, tmp_path)
    message = str(err.value)
    assert message.startswith(name + ":") and problem in message and "\n" not in message


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DocumentError, match="corpus folder not found"):
        find_documents(tmp_path / "nope")


def test_find_documents_skips_sidecars_glossary_and_hidden_files(tmp_path):
    for name in ("a.txt", "b.md", "c.html", "d.pdf", "a.meta.yaml", "aliases.yaml", ".hidden.txt", "e.docx"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in find_documents(tmp_path)] == ["a.txt", "b.md", "c.html", "d.pdf"]
