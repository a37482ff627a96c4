"""Loaders: each format keeps offsets into the text it produced; each bad input names the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.loaders import find_documents, load_document
from rag.errors import DocumentError

ROOT = Path(__file__).resolve().parents[2]


def make_pdf(path: Path, lines: list[str], info: str = "") -> None:
    """Write a minimal valid one-page PDF with the given text lines (Helvetica) and optional /Info dictionary."""
    content = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ] + ([info] if info else [])
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    info_ref = f" /Info {len(objects)} 0 R" if info else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info_ref} >>\nstartxref\n{xref}\n%%EOF\n".encode()
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


BOILERPLATE_PAGE = """<!doctype html><html><head><title>Kling adds lip sync - Home | Reviews</title>
<meta name="date" content="2025-03-04"><meta name="author" content="Jane Roe">
</head><body>
<header><div class="logo">Home | Reviews</div><nav><a href="/">Home</a> <a href="/r">Reviews</a> <a>About</a></nav></header>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies?</div>
<aside class="sidebar"><h3>Trending now</h3><ul><li>Top ten phones of the year</li><li>Best laptops for students</li></ul></aside>
<main><article><h1>Kling adds lip sync</h1><p class="byline">By Jane Roe</p>
<p>Kuaishou added a lip-sync feature to its video model in March, letting creators match speech to generated faces.</p>
<h2>Pricing</h2>
<p>The feature costs 10 credits per clip on the standard plan, and it is free during the first week of launch.</p>
<p>可灵的付费用户超过了两百万。它还在增长！</p>
</article></main>
<div class="newsletter">Subscribe to our newsletter for weekly updates on every new model!</div>
<footer><p>© 2025 Reviews Inc. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def test_html_main_text_title_date_and_byline_without_boilerplate(tmp_path):
    (tmp_path / "page.html").write_text(BOILERPLATE_PAGE, encoding="utf-8")
    doc = load_document(tmp_path / "page.html", tmp_path)
    assert doc.meta.title == "Kling adds lip sync"
    assert doc.meta.date == "2025-03-04" and doc.meta.authors == ["Jane Roe"]
    assert "letting creators match speech to generated faces." in doc.text
    assert "可灵的付费用户超过了两百万。" in doc.text
    for boilerplate in ("Home | Reviews", "cookies", "Trending", "Top ten phones", "newsletter", "All rights reserved",
                        "Privacy policy", "About"):
        assert boilerplate not in doc.text, boilerplate
    lines = doc.text.split("\n")
    assert lines[0] == "# Kling adds lip sync" and "By Jane Roe" in lines and "## Pricing" in lines


@pytest.mark.parametrize("head, expected", [
    ('<meta property="article:published_time" content="2024-11-20T09:30:00+08:00">', "2024-11-20"),
    (('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
      '"headline": "Kling adds lip sync", "datePublished": "2025-01-15T08:00:00Z"}</script>'), "2025-01-15"),
])
def test_html_dates_from_open_graph_and_json_ld(tmp_path, head, expected):
    page = BOILERPLATE_PAGE.replace('<meta name="date" content="2025-03-04">', head)
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    assert load_document(tmp_path / "page.html", tmp_path).meta.date == expected


def test_html_visible_dateline_and_written_by_byline(tmp_path):
    page = ("<html><head><title>Revenue doubles - TechDaily</title></head><body><nav>Home | Reviews</nav>"
            "<div class='content'><h2 class='headline'>Revenue doubles</h2>"
            "<div class='meta'>Written by Li Hua · March 3, 2025</div>"
            "<p>The company said on Monday that paying users doubled from a year earlier, to more than two million.</p>"
            "<p>It did not disclose revenue for the quarter, but analysts expect strong growth this year.</p>"
            "</div><footer>Copyright 2026 TechDaily</footer></body></html>")
    (tmp_path / "news.html").write_text(page, encoding="utf-8")
    doc = load_document(tmp_path / "news.html", tmp_path)
    assert (doc.meta.title, doc.meta.date, doc.meta.authors) == ("Revenue doubles", "2025-03-03", ["Li Hua"])
    assert "Written by Li Hua · March 3, 2025" in doc.text and "TechDaily" not in doc.text


def test_pdf_metadata_gives_title_author_and_iso_date(tmp_path):
    info = "<< /Title (Market note) /Author (A. Writer) /CreationDate (D:20250715093000+08'00') >>"
    make_pdf(tmp_path / "note.pdf", ["Keling serves five million users.", "Jimeng is catching up."], info=info)
    doc = load_document(tmp_path / "note.pdf", tmp_path)
    assert (doc.meta.title, doc.meta.authors, doc.meta.date) == ("Market note", ["A. Writer"], "2025-07-15")


def test_pdf_hard_wrapped_lines_are_joined_into_sentences(tmp_path):
    make_pdf(tmp_path / "wrapped.pdf", ["Summary", "MiniMax followed with its second model in June, which raised its output to",
                                        "1080p and clips of up to ten seconds.", "Pika released version 2.2 in February."])
    doc = load_document(tmp_path / "wrapped.pdf", tmp_path)
    assert "raised its output to 1080p and clips of up to ten seconds." in doc.text
    assert "Summary\n" in doc.text


@pytest.mark.parametrize("written, iso", [
    ("2025-03-04", "2025-03-04"), ("March 4, 2025", "2025-03-04"), ("4 March 2025", "2025-03-04"),
    ("2025年3月4日", "2025-03-04"), ("2025/3/4", "2025-03-04"), ("2025-03-04T10:00:00Z", "2025-03-04"),
    ("Mar 2025", "2025-03"), ("2025", "2025"), ("sometime soon", "sometime soon"),
])
def test_front_matter_dates_are_normalized_to_iso(tmp_path, written, iso):
    (tmp_path / "d.md").write_text(f"---\ntitle: T\ndate: '{written}'\n---\nBody sentence here.\n", encoding="utf-8")
    assert load_document(tmp_path / "d.md", tmp_path).meta.date == iso


def test_yaml_dates_and_sidecar_dates_are_iso(tmp_path):
    (tmp_path / "a.md").write_text("---\ndate: 2025-03-04 10:30:00\n---\nBody sentence here.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Body sentence here.\n", encoding="utf-8")
    (tmp_path / "b.meta.yaml").write_text("date: 4 March 2025\nauthors: Li Hua and Jane Roe\n", encoding="utf-8")
    assert load_document(tmp_path / "a.md", tmp_path).meta.date == "2025-03-04"
    b = load_document(tmp_path / "b.txt", tmp_path)
    assert b.meta.date == "2025-03-04" and b.meta.authors == ["Li Hua", "Jane Roe"]


def test_a_dateline_dates_a_document_without_date_metadata(tmp_path):
    (tmp_path / "note.txt").write_text("Market note\nPublished 15 July 2025\nKling grew fast. It was 2024.\n",
                                       encoding="utf-8")
    (tmp_path / "zh.txt").write_text("快手业绩\n2025年3月26日\n快手发布了业绩。\n", encoding="utf-8")
    (tmp_path / "none.txt").write_text("Kling was launched in June 2024 by Kuaishou.\n", encoding="utf-8")
    assert load_document(tmp_path / "note.txt", tmp_path).meta.date == "2025-07-15"
    assert load_document(tmp_path / "zh.txt", tmp_path).meta.date == "2025-03-26"
    assert load_document(tmp_path / "none.txt", tmp_path).meta.date == ""


def test_front_matter_wins_over_a_sidecar_and_a_sidecar_over_html_metadata(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: From front matter\n---\nBody sentence here.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("title: From sidecar\ndate: 2025-01-02\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(BOILERPLATE_PAGE, encoding="utf-8")
    (tmp_path / "page.meta.yaml").write_text("title: Corrected title\n", encoding="utf-8")
    a = load_document(tmp_path / "a.md", tmp_path)
    assert (a.meta.title, a.meta.date) == ("From front matter", "2025-01-02")
    page = load_document(tmp_path / "page.html", tmp_path)
    assert (page.meta.title, page.meta.date) == ("Corrected title", "2025-03-04")


@pytest.mark.parametrize("extra, expected", [
    ('<meta property="og:site_name" content="Frame Notes">', "Frame Notes"),  # the page says who published it
    ("", "Reviews"),  # else what the title tag adds after the headline ("Kling adds lip sync - Home | Reviews")
])
def test_html_publisher_from_site_name(tmp_path, extra, expected):
    page = BOILERPLATE_PAGE.replace('<meta name="date" content="2025-03-04">',
                                    f'<meta name="date" content="2025-03-04">{extra}')
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    assert load_document(tmp_path / "page.html", tmp_path).meta.publisher == expected


@pytest.mark.parametrize("title, headline, paragraphs, expected", [
    ("Revenue doubles | Ledger Weekly", "Revenue doubles",
     ["The company said on Monday that paying users doubled from a year earlier.",
      "It did not disclose revenue for the quarter, but analysts expect strong growth this year."], "Ledger Weekly"),
    ("云图用户翻倍_科技频道_织锦网", "云图用户翻倍",  # a Chinese title tag separates its channel and site with "_"
     ["云图团队周一表示，付费用户比去年同期增长了一倍。", "公司没有披露本季度收入，但分析师预计今年仍将保持较快增长。"], "织锦网"),
])
def test_html_publisher_from_what_the_title_tag_adds(tmp_path, title, headline, paragraphs, expected):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = f"<html><head><title>{title}</title></head><body><article><h1>{headline}</h1>{body}</article></body></html>"
    (tmp_path / "news.html").write_text(page, encoding="utf-8")
    assert load_document(tmp_path / "news.html", tmp_path).meta.publisher == expected


def test_front_matter_publisher(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: T\npublisher: Ledger Weekly\n---\nSome text here.\n", encoding="utf-8")
    assert load_document(tmp_path / "a.md", tmp_path).meta.publisher == "Ledger Weekly"


def test_html_disclaimers_editor_credits_and_copyright_lines_are_dropped(tmp_path):
    page = ("<html><head><title>云图用户翻倍</title></head><body><div class='article'>"
            "<h1>云图用户翻倍</h1><p>云图团队周一表示，付费用户比去年同期增长了一倍。<br/>"
            "公司没有披露本季度收入，但分析师预计今年仍将保持较快增长。<br/>责任编辑：李四<br/>"
            "免责声明：本文仅代表作者个人观点，与本网无关，请读者仅作参考，并请自行核实相关内容。<br/>"
            "Copyright © 2025 织锦网 All rights reserved.</p></div></body></html>")
    (tmp_path / "news.html").write_text(page, encoding="utf-8")
    text = load_document(tmp_path / "news.html", tmp_path).text
    assert "付费用户比去年同期增长了一倍" in text and "分析师预计" in text
    assert "免责声明" not in text and "责任编辑" not in text and "Copyright" not in text


def test_pdf_running_headers_footers_and_page_breaks(tmp_path):
    from fpdf import FPDF

    class Report(FPDF):
        def header(self):
            self.set_font("Helvetica", "", 9)
            self.cell(0, 6, "Northwind Review | Market notes", new_x="LMARGIN", new_y="NEXT")

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", "", 9)
            self.cell(0, 6, f"Page {self.page_no()} of 3")

    pdf = Report(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    filler = "Tessel kept shipping small updates to its video model through the spring and summer months. "
    for _ in range(9):
        pdf.multi_cell(0, 6, filler * 4, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.multi_cell(0, 6, "The quarterly report says that " + "paying users of the Tessel app grew steadily, " * 12
                   + "reaching 2 million by June.", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 6, "Loomly, its rival, did not disclose user numbers.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "report.pdf"))
    text = load_document(tmp_path / "report.pdf", tmp_path).text
    assert "Northwind Review" not in text and "Page 1 of 3" not in text and "Page 2" not in text
    sentence = "The quarterly report says that " + "paying users of the Tessel app grew steadily, " * 12
    assert sentence + "reaching 2 million by June." in text  # one sentence, though it ran over a page break
    assert "Loomly, its rival, did not disclose user numbers." in text


def test_a_chinese_byline_gives_the_name_without_its_label(tmp_path):
    page = ("<html lang='zh'><head><meta charset='utf-8'><title>星河发布新模型_云帆网</title>"
            "<meta name='date' content='2026-02-10'></head><body><nav>首页 | 资讯</nav><article>"
            "<h1>星河发布新模型</h1><p class='byline'>作者：周明远</p>"
            "<p>2月10日，星河科技正式上线新一代视频生成模型，单条视频最长可达15秒，并支持多镜头切换。</p>"
            "<p>该公司表示，新模型在人物一致性和动作的物理合理性上有明显改善，API定价将在测试结束后公布。</p>"
            "</article><footer>© 2026 云帆网</footer></body></html>")
    (tmp_path / "news.html").write_text(page, encoding="utf-8")
    doc = load_document(tmp_path / "news.html", tmp_path)
    assert doc.meta.authors == ["周明远"]
    assert "作者：周明远" in doc.text  # the byline line stays quotable as written
