// reelqa question page: a conversation thread over /v1/ask/stream, compact source cards, feedback, empty state.
"use strict";

const { $, el } = reelqa;
const THREAD_STORAGE = "reelqa.thread";

let state = loadThread();
let maxChars = 1000;
let lastQuestion = null;
let busy = false;
const documentsById = {};  // doc_id -> library row (publisher, authors), filled from /v1/library

function newConversationId() {
  return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : "c-" + Date.now().toString(36) + Math.random().toString(36).slice(2);
}

function loadThread() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(THREAD_STORAGE) || "null");
    if (saved && saved.conversationId && Array.isArray(saved.turns)) return saved;
  } catch (_) { /* start fresh */ }
  return { conversationId: newConversationId(), turns: [] };
}

function saveThread() {
  try { sessionStorage.setItem(THREAD_STORAGE, JSON.stringify(state)); } catch (_) { /* storage full or off */ }
}

function announce(text) { $("status").textContent = text || ""; }

function showError(text, canRetry) {
  $("error-text").textContent = text || "";
  $("error").hidden = !text;
  $("retry").hidden = !canRetry;
}

function updateIntro() { $("intro").hidden = state.turns.length > 0; }

// ---------- rendering one turn ----------

function isNotice(data) {
  return data.notice === "no_earlier_turn" ||
    (!data.answered && !(data.related || []).length && /^Ask a full question/.test(data.answer || ""));
}

function turnElement(index, question) {
  const li = el("li", "turn");
  li.id = "turn-" + index;
  const q = el("div", "q");
  q.append(el("span", "visually-hidden", "You asked: "), el("p", null, question));
  li.append(q);
  const a = el("div", "a");
  a.setAttribute("aria-busy", "true");
  li.append(a);
  return li;
}

function skeleton(container) {
  const box = el("div", "skeleton");
  box.setAttribute("aria-hidden", "true");
  box.append(el("span", "spinner"), el("span", "bar"), el("span", "bar short"));
  container.replaceChildren(box, el("p", "muted waiting", "Searching the documents…"));
}

function renderTurn(li, index, turn) {
  const a = li.querySelector(".a");
  a.removeAttribute("aria-busy");
  a.replaceChildren();
  const data = turn.data;
  li.querySelectorAll(".resolved").forEach((n) => n.remove());
  if (data.resolved_question && data.resolved_question !== turn.question) {
    li.querySelector(".q").after(el("p", "resolved", "Understood as: " + data.resolved_question));
  }
  if (isNotice(data)) {
    a.classList.add("notice");
    a.append(el("p", "notice-title", "Ask a full question: this conversation has no earlier turn."),
      el("p", "muted", "The earlier questions were forgotten (a new conversation, a long pause, or a server restart)."
        + " Say what the follow-up is about, for example by naming it."));
    return;
  }
  if (!data.answered) {
    a.classList.add("abstained");
    a.append(el("p", "abstain-title", "The documents don't say."));
    a.append(el("p", "muted", (data.related || []).length
      ? "The closest passages are below; they do not answer it."
      : "Nothing in the documents comes close to this question."));
  } else {
    a.append(answerParagraph(index, data));
  }
  const groups = reelqaSources.groupSources(data.citations || []);
  if (groups.length) a.append(reelqaSources.section(index, groups, "Sources", documentsById));
  if (!data.answered && (data.related || []).length) {
    a.append(reelqaSources.section(index, reelqaSources.groupRelated(data.related), "Closest passages (not an answer)",
      documentsById));
  }
  if (data.answer_id) a.append(reelqaFeedback.row(turn, saveThread));
}

// Answer text with each [n] a link to the card that holds citation n.
function answerParagraph(index, data) {
  const p = el("p", "answer-text");
  (data.answer || "").split(/\[(\d+)\]/).forEach((part, i) => {
    if (i % 2 === 0) { if (part) p.append(part); return; }
    const link = el("a", "cite-ref", "[" + part + "]");
    link.href = "#src-" + index + "-" + part;
    link.setAttribute("aria-label", "source " + part);
    link.addEventListener("click", (e) => { e.preventDefault(); highlightSource(index, part); });
    p.append(link);
  });
  return p;
}

function highlightSource(index, n) {
  const card = document.querySelector('#turn-' + index + ' [data-ns~="' + n + '"]');
  if (!card) return;
  document.querySelectorAll(".card.highlighted").forEach((c) => c.classList.remove("highlighted"));
  card.classList.add("highlighted");
  card.scrollIntoView({ behavior: "smooth", block: "center" });
  card.focus({ preventScroll: true });
}

// ---------- asking ----------

// Server-sent events over a fetch() body (EventSource cannot POST).
async function* readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    buffer = buffer.replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) yield { name, data: JSON.parse(data.join("\n")) };
    }
    if (done) return;
  }
}

async function ask(question) {
  if (busy) return;
  busy = true;
  lastQuestion = question;
  showError("");
  $("ask").disabled = true;
  const index = state.turns.length;
  const li = turnElement(index, question);
  $("thread").append(li);
  updateIntroFor(true);
  const a = li.querySelector(".a");
  skeleton(a);
  announce("Searching the documents…");
  const slow = setTimeout(() => {
    const waiting = a.querySelector(".waiting");
    if (waiting) waiting.textContent = "Still working: the first question can take a few seconds while the models warm up.";
  }, 2500);
  li.scrollIntoView({ block: "nearest" });
  try {
    const response = await reelqa.request("/v1/ask/stream", {
      method: "POST",
      headers: reelqa.headers({ "Accept": "text/event-stream" }),
      body: JSON.stringify({ question, conversation_id: state.conversationId }),
    });
    const data = { citations: [], related: [] };
    let streamed = null;
    for await (const event of readEvents(response)) {
      if (event.name === "token") {
        if (!streamed) { streamed = el("p", "answer-text streaming"); a.replaceChildren(streamed); }
        streamed.append(event.data.text || "");
      } else if (event.name === "citations" || event.name === "answer" || event.name === "done") {
        Object.assign(data, event.data);
      }
    }
    if (data.answer === undefined) throw new reelqa.ApiError("The answer was cut off. Try again.", 0, true);
    const turn = { question, data, vote: null };
    state.turns.push(turn);
    saveThread();
    renderTurn(li, index, turn);
    announce(isNotice(data) ? "Ask a full question." : data.answered ? "Answer ready." : "The documents don't say.");
    $("question").value = "";
    updateCounter();
  } catch (err) {
    li.remove();
    updateIntroFor(false);
    announce("");
    showError(err.message || String(err), true);
    if (err.status === 401) $("key-box").open = true;
  } finally {
    clearTimeout(slow);
    busy = false;
    $("ask").disabled = false;
  }
}

function updateIntroFor(asking) { $("intro").hidden = asking || state.turns.length > 0; }

function renderThread() {
  $("thread").replaceChildren();
  state.turns.forEach((turn, i) => {
    const li = turnElement(i, turn.question);
    $("thread").append(li);
    renderTurn(li, i, turn);
  });
  updateIntro();
}

function updateCounter() {
  const n = $("question").value.length;
  $("counter").textContent = n + " / " + maxChars;
  $("counter").classList.toggle("near", n > maxChars * 0.9);
}

function submit() {
  const question = $("question").value.trim();
  if (!question) {
    $("hint").textContent = "Type a question first.";
    $("question").focus();
    return;
  }
  $("hint").textContent = "";
  ask(question);
}

// ---------- empty state ----------

async function loadLibrary() {
  try {
    const library = await reelqa.getJson("/v1/library");
    for (const d of library.documents) documentsById[d.doc_id] = d;
    $("coverage").replaceChildren(...coverage(library));
    const examples = library.examples || [];
    $("examples").replaceChildren(...examples.map((q) => {
      const li = el("li");
      const b = el("button", "example", q);
      b.type = "button";
      b.addEventListener("click", () => { $("question").value = q; updateCounter(); submit(); });
      li.append(b);
      return li;
    }));
    $("examples-title").hidden = examples.length === 0;
    if (examples.length) $("question").placeholder = "e.g. " + examples[0];
    renderThread();
  } catch (err) {
    $("coverage").textContent = err.offline ? "Can't reach the server to list the documents."
      : "The document list is not available: " + err.message;
  }
}

function coverage(library) {
  const docs = library.documents;
  if (!docs.length) return [document.createTextNode("No documents are indexed yet.")];
  const dates = docs.map((d) => d.date).filter(Boolean).sort();
  const parts = [];
  const count = docs.length === 1 ? "one document" : docs.length + " documents";
  parts.push("The index holds " + count);
  if (docs.length === 1) parts.push(", “" + docs[0].title + "”" + (docs[0].source ? " from " + docs[0].source : ""));
  if (dates.length) parts.push(dates.length === 1 || dates[0] === dates[dates.length - 1]
    ? ", dated " + reelqa.formatDate(dates[0]) : ", dated " + reelqa.formatDate(dates[0]) + " to " + reelqa.formatDate(dates[dates.length - 1]));
  parts.push(".");
  if ((library.topics || []).length) parts.push(" It talks most about " + library.topics.slice(0, 6).join(", ") + ".");
  const more = el("a", null, "See the library");
  more.href = "/library";
  return [document.createTextNode(parts.join("")), " ", more, "."];
}

async function loadLimit() {
  try {
    const schema = await reelqa.getJson("/openapi.json");
    const limit = schema.components.schemas.AskRequest.properties.question.maxLength;
    if (limit) { maxChars = limit; $("question").maxLength = limit; updateCounter(); }
  } catch (_) { /* keep the default */ }
}

document.addEventListener("DOMContentLoaded", () => {
  $("api-key").value = reelqa.apiKey();
  $("api-key").addEventListener("change", () => reelqa.setApiKey($("api-key").value.trim()));
  $("ask-form").addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  $("question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); }
  });
  $("question").addEventListener("input", () => { updateCounter(); $("hint").textContent = ""; });
  $("retry").addEventListener("click", () => { if (lastQuestion) ask(lastQuestion); });
  $("new-conversation").addEventListener("click", () => {
    state = { conversationId: newConversationId(), turns: [] };
    saveThread();
    renderThread();
    showError("");
    announce("New conversation: follow-up questions start fresh.");
    $("question").focus();
  });
  renderThread();
  updateCounter();
  loadLimit();
  loadLibrary();
});
