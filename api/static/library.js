// reelqa library page: the indexed documents (searchable), the index version, and knowledge gaps for admins.
"use strict";

const { $, el } = reelqa;
const ADMIN_STORAGE = "reelqa.adminKey";
let documents = [];

function row(doc) {
  const li = el("li", "doc-row");
  const h = el("h2");
  const link = el("a", null, doc.title);
  link.href = "/documents/" + encodeURIComponent(doc.doc_id);
  h.append(link);
  li.append(h);
  const dl = el("dl");
  const facts = [["Date", reelqa.formatDate(doc.date) || "unknown"], ["Source", doc.source || doc.file],
    ["Language", doc.language], ["Passages indexed", String(doc.chunks)], ["File", doc.file]];
  for (const [k, v] of facts) { if (v) dl.append(el("dt", null, k), el("dd", null, v)); }
  li.append(dl);
  return li;
}

function haystack(doc) {
  return [doc.title, doc.source, doc.file, doc.language, doc.date, reelqa.formatDate(doc.date), ...(doc.authors || [])]
    .join(" ").toLowerCase();
}

function applyFilter() {
  const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = documents.filter((d) => words.every((w) => haystack(d).includes(w)));
  $("documents").replaceChildren(...shown.map(row));
  $("shown").textContent = words.length
    ? shown.length + " of " + documents.length + " documents match."
    : documents.length + (documents.length === 1 ? " document." : " documents.");
}

async function load() {
  $("error").hidden = true;
  try {
    const library = await reelqa.getJson("/v1/library");
    documents = library.documents;
    $("facts").replaceChildren(
      el("span", null, "Index version "), el("strong", null, library.version),
      el("span", null, " · built "), el("strong", null, reelqa.formatTime(library.built_at)),
      el("span", null, " · "), el("strong", null, String(documents.length)),
      el("span", null, documents.length === 1 ? " document" : " documents"));
    applyFilter();
  } catch (err) {
    $("facts").textContent = "";
    $("error-text").textContent = err.message;
    $("error").hidden = false;
  }
}

async function loadGaps(key) {
  $("gaps-status").textContent = "Loading…";
  try {
    const rows = await reelqa.getJson("/v1/admin/gaps?limit=50", key);
    sessionStorage.setItem(ADMIN_STORAGE, key);
    const body = $("gaps").querySelector("tbody");
    body.replaceChildren(...rows.map((r) => {
      const tr = el("tr");
      tr.append(el("td", null, r.question), el("td", "num", String(r.asked)), el("td", "num", String(r.unanswered)),
        el("td", "num", String(r.unhelpful)), el("td", null, (r.channels || "").replace(/,/g, ", ")));
      return tr;
    }));
    $("gaps").hidden = rows.length === 0;
    $("gaps-status").textContent = rows.length ? rows.length + (rows.length === 1 ? " question." : " questions.") : "No gaps recorded yet: every question so far was answered and nobody marked an answer unhelpful.";
  } catch (err) {
    $("gaps").hidden = true;
    $("gaps-status").textContent = err.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("filter").addEventListener("input", applyFilter);
  $("retry").addEventListener("click", load);
  $("gaps-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("admin-key").value.trim();
    if (!key) { $("gaps-status").textContent = "Enter the admin key first."; return; }
    loadGaps(key);
  });
  const saved = sessionStorage.getItem(ADMIN_STORAGE);
  if (saved) { $("admin-key").value = saved; loadGaps(saved); }
  load();
});
