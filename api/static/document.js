// reelqa document view: the full text from /v1/documents/{id}, every cited span (?spans=s-e,...) highlighted.
"use strict";

const { $, el } = reelqa;
let marks = [];
let current = -1;

function docId() { return decodeURIComponent(location.pathname.replace(/^\/documents\//, "")); }

function spansFromUrl(length) {
  const raw = new URLSearchParams(location.search).get("spans") || "";
  const spans = raw.split(",").map((s) => s.split("-").map(Number))
    .filter(([s, e]) => Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s < e && e <= length)
    .sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else merged.push(s.slice());
  }
  return merged;
}

function show(i) {
  if (!marks.length) return;
  current = (i + marks.length) % marks.length;
  marks.forEach((m, k) => m.classList.toggle("current", k === current));
  marks[current].scrollIntoView({ block: "center" });
  $("span-count").textContent = "Quote " + (current + 1) + " of " + marks.length;
}

async function load() {
  $("error").hidden = true;
  try {
    const doc = await reelqa.getJson("/v1/documents/" + encodeURIComponent(docId()));
    const meta = doc.meta || {};
    document.title = (meta.title || doc.doc_id) + " — reelqa";
    $("title").textContent = meta.title || doc.doc_id;
    const publisher = meta.url && !/^https?:/.test(meta.url) ? meta.url : "";
    const bits = [(meta.authors || []).join(", "), publisher, reelqa.formatDate(String(meta.date || ""))].filter(Boolean);
    $("meta").replaceChildren(bits.join(" · "));
    if (/^https?:\/\//.test(meta.url || "")) {
      const a = el("a", null, "Original");
      a.href = meta.url;
      a.rel = "noopener noreferrer";
      $("meta").append(" · ", a);
    }
    const text = doc.text;
    const spans = spansFromUrl(text.length);
    const article = $("text");
    article.replaceChildren();
    let at = 0;
    for (const [s, e] of spans) {
      article.append(text.slice(at, s));
      const m = el("mark", null, text.slice(s, e));
      m.tabIndex = -1;
      article.append(m);
      at = e;
    }
    article.append(text.slice(at));
    article.hidden = false;
    marks = [...article.querySelectorAll("mark")];
    $("span-nav").hidden = marks.length === 0;
    $("prev-span").hidden = $("next-span").hidden = marks.length < 2;
    if (marks.length) show(0);
  } catch (err) {
    $("title").textContent = "Document not available";
    $("error-text").textContent = err.message;
    $("error").hidden = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("retry").addEventListener("click", load);
  $("prev-span").addEventListener("click", () => show(current - 1));
  $("next-span").addEventListener("click", () => show(current + 1));
  load();
});
