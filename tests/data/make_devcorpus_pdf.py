"""Write the development corpus's PDF report (tests/data/devcorpus/docs/ai-video-market-review-2025.pdf).

Run with the dev extra installed: `.venv/bin/python tests/data/make_devcorpus_pdf.py`. The output is committed;
rerun only when the text below changes. Text is ASCII so the core Helvetica font renders it and pypdf extracts it.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parent / "devcorpus" / "docs" / "ai-video-market-review-2025.pdf"
TITLE = "The AI Video Generation Market at Mid-2025"
AUTHORS = "Lena Fischer and Arjun Mehta"
PUBLISHED = datetime(2025, 7, 15, 9, 0, tzinfo=UTC)

# (kind, text): "h" is a heading, "p" a paragraph.
BODY: list[tuple[str, str]] = [
    ("p", "Northbridge Research | Sector note | Published 15 July 2025"),
    ("p", "By Lena Fischer and Arjun Mehta"),
    ("h", "Summary"),
    ("p", ("Eighteen months after OpenAI previewed Sora, AI video generation has become a crowded, fast-moving "
          "market with at least a dozen credible models. Chinese companies have been the most aggressive at "
          "putting models in the hands of the public, while American labs still lead on brand recognition with "
          "professional buyers. Prices per clip have fallen sharply in the first half of 2025, and we expect "
          "them to keep falling as inference gets cheaper and competition intensifies.")),
    ("h", "1. How we got here"),
    ("p", ("OpenAI showed Sora in February 2024 but did not open it to the public until December 2024. That gap "
          "gave others room. Kuaishou's Kling was released on June 10, 2024, and within weeks it was the most "
          "talked-about video model on social media outside the United States. Shengshu's Vidu followed in July, "
          "MiniMax's Hailuo video-01 at the end of August, and ByteDance's first video models in September.")),
    ("p", ("The second wave arrived in 2025. Google announced Veo 3 at its I/O conference on May 20, 2025, the "
          "first major model to generate synchronised sound, dialogue and music together with the picture. "
          "Runway released Gen-4 on March 31, 2025, focused on keeping characters and objects consistent across "
          "shots. MiniMax followed with Hailuo 02 in June, which raised its output to 1080p and clips of up to "
          "ten seconds. Pika released version 2.2 in February with longer clips and keyframe transitions.")),
    ("h", "2. Open models change the floor"),
    ("p", ("A notable development is the rise of open-weight video models. Tencent open-sourced HunyuanVideo in "
          "December 2024, and Alibaba released the weights of Wan 2.1 on February 25, 2025. These models trail "
          "the best closed systems, but they let studios and start-ups run generation on their own hardware and "
          "fine-tune for their own styles. In our view they put a ceiling on what closed providers can charge "
          "for ordinary clips.")),
    ("h", "3. The Chinese leaders"),
    ("p", ("Kling remains the best-monetised product in the category that discloses figures. Kuaishou reported "
          "Kling revenue of more than RMB 150 million in the first quarter of 2025, and Kling said it had more "
          "than 22 million users when it launched version 2.0 in April. We estimate that roughly 60 percent of "
          "Kling's subscription revenue comes from professional and semi-professional creators.")),
    ("p", ("ByteDance's response is Seedance 1.0, released on June 11, 2025, which topped the Artificial Analysis "
          "Video Arena in text-to-video and image-to-video shortly before launch. ByteDance does not disclose "
          "revenue for its consumer app Jimeng, known internationally as Dreamina, so we cannot compare "
          "monetisation directly. On distribution, however, ByteDance is ahead: Jimeng can draw users from "
          "the CapCut and Douyin ecosystems.")),
    ("p", ("Among the start-ups, Shengshu released Vidu Q1 in April 2025, and MiniMax continues to price Hailuo "
          "aggressively. Both are well funded but face a cost disadvantage against platforms that own their "
          "own distribution and advertising revenue.")),
    ("h", "4. Pricing"),
    ("p", ("List prices for a five-second 1080p clip through an API now range from under 4 yuan for the cheapest "
          "Chinese models to more than 1 US dollar for premium Western models. Seedance 1.0 Pro, at 3.67 yuan "
          "for a five-second 1080p video, sets the low end among leading models. Consumer subscriptions cluster "
          "between 10 and 30 US dollars a month for entry tiers, with professional tiers at 100 dollars or more.")),
    ("p", ("We expect entry prices to fall by a further 30 to 50 percent over the next twelve months. Providers "
          "will compete on features that are hard to copy: consistency across shots, editing of existing video, "
          "native audio, and integration into editing tools that people already use.")),
    ("h", "5. Risks"),
    ("p", ("The main risks for the sector are regulation, copyright and cost. China requires generated content "
          "to be labelled, and similar rules are coming in Europe. Lawsuits over training data could change "
          "the economics for all providers. Finally, serving video remains expensive, and companies that "
          "subsidise free generation to gain users may struggle to convert them into payers.")),
    ("h", "6. Conclusion"),
    ("p", ("We see the market consolidating around a few platforms with distribution and a long tail of "
          "specialised tools. Our base case is that Kuaishou and ByteDance remain the two leading Chinese "
          "players through 2026, with Google and OpenAI leading in the West. This note is not a recommendation "
          "to buy or sell any security.")),
]


def build(out: Path = OUT) -> Path:
    """Render the report to `out` and return the path."""
    pdf = FPDF(format="A4")
    pdf.set_title(TITLE)
    pdf.set_author(AUTHORS)
    pdf.set_creator("Northbridge Research")
    pdf.set_creation_date(PUBLISHED)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for kind, text in BODY:
        if kind == "h":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", 10.5)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


if __name__ == "__main__":
    print(build())
