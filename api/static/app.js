// reelqa web page: asks /v1/ask/stream, shows the answer with clickable [n] references and citation cards.
"use strict";

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "reelqa.apiKey";
const NOT_COVERED = "The documents don't say";

let conversationId = newConversationId();
let currentAnswerId = null;

function newConversationId() {
  return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : "c-" + Date.now().toString(36) + Math.random().toString(36).slice(2);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function headers() {
  const h = { "Content-Type": "application/json", "Accept": "text/event-stream" };
  const key = $("api-key").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

function setStatus(text) { $("status").textContent = text || ""; }

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

function resetResult() {
  for (const id of ["answer", "citations", "related", "feedback-status"]) $(id).replaceChildren();
  for (const id of ["citations-title", "related-title", "feedback", "resolved"]) $(id).hidden = true;
  $("answer").classList.remove("abstained");
  $("result").hidden = true;
  currentAnswerId = null;
}

// The passage with the quote wrapped in <mark> (text nodes only, never innerHTML).
function passageWithQuote(passage, quote) {
  const p = el("p", "card-passage");
  const at = quote ? passage.indexOf(quote) : -1;
  if (at < 0) {
    p.append(el("mark", null, quote || passage));
    return p;
  }
  p.append(passage.slice(0, at), el("mark", null, quote), passage.slice(at + quote.length));
  return p;
}

function card(item, n) {
  const li = el("li", "card");
  const head = el("div", "card-head");
  if (n !== undefined) {
    li.id = "cite-" + n;
    li.dataset.n = String(n);
    li.tabIndex = -1;
    li.classList.add("citation-card");
    head.append(el("span", "card-n", String(n)));
  }
  head.append(el("span", "card-title", item.title || item.source));
  li.append(head);
  li.append(el("div", "card-meta", [item.date, item.source].filter(Boolean).join(" · ")));
  li.append(n !== undefined ? passageWithQuote(item.passage, item.quote) : el("p", "card-passage", item.text));
  return li;
}

function renderCitations(event) {
  currentAnswerId = event.answer_id;
  $("result").hidden = false;
  $("citations").replaceChildren(...event.citations.map((c) => card(c, c.n)));
  $("citations-title").hidden = event.citations.length === 0;
  $("related").replaceChildren(...event.related.map((p) => card(p)));
  $("related-title").hidden = event.related.length === 0;
}

function highlightCard(n) {
  const target = $("cite-" + n);
  if (!target) return;
  document.querySelectorAll(".card.highlighted").forEach((c) => c.classList.remove("highlighted"));
  target.classList.add("highlighted");
  target.scrollIntoView({ behavior: "smooth", block: "center" });
  target.focus({ preventScroll: true });
}

// Answer text with each [n] turned into a link to citation card n.
function renderAnswer(event) {
  const box = $("answer");
  box.replaceChildren();
  if (!event.answered) {
    box.classList.add("abstained");
    box.append(el("p", "abstain-title", NOT_COVERED + "."));
    const hint = $("related").children.length ? "The closest passages are listed below; they do not answer it."
      : "Nothing in the documents comes close to this question.";
    box.append(el("p", "muted", hint));
    return;
  }
  const parts = event.answer.split(/\[(\d+)\]/);
  parts.forEach((part, i) => {
    if (i % 2 === 0) { box.append(part); return; }
    const a = el("a", "cite-ref", "[" + part + "]");
    a.href = "#cite-" + part;
    a.dataset.n = part;
    a.setAttribute("aria-label", "source " + part);
    a.addEventListener("click", (e) => { e.preventDefault(); highlightCard(part); });
    box.append(a);
  });
  if (event.resolved_question) {
    $("resolved").textContent = "Understood as: " + event.resolved_question;
    $("resolved").hidden = false;
  }
}

// Minimal server-sent-events reader over a fetch() body (EventSource cannot POST).
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

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error;
  } catch (_) { /* not JSON */ }
  return "the server answered " + response.status;
}

async function ask(question) {
  resetResult();
  showError("");
  setStatus("Searching the documents…");
  $("ask").disabled = true;
  try {
    const response = await fetch("/v1/ask/stream", {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ question, conversation_id: conversationId }),
    });
    if (!response.ok) {
      if (response.status === 401) $("key-box").open = true;
      throw new Error(await errorMessage(response));
    }
    for await (const event of readEvents(response)) {
      if (event.name === "citations") { renderCitations(event.data); setStatus("Writing the answer…"); }
      else if (event.name === "answer") renderAnswer(event.data);
      else if (event.name === "done") {
        setStatus("Done in " + Math.round(event.data.took_ms) + " ms.");
        $("feedback").hidden = false;
      }
    }
  } catch (err) {
    setStatus("");
    showError(err.message || String(err));
  } finally {
    $("ask").disabled = false;
  }
}

async function sendFeedback(helpful) {
  if (!currentAnswerId) return;
  const response = await fetch("/v1/feedback", {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ answer_id: currentAnswerId, helpful }),
  });
  $("feedback-status").textContent = response.ok ? "Thanks!" : await errorMessage(response);
}

document.addEventListener("DOMContentLoaded", () => {
  $("api-key").value = localStorage.getItem(KEY_STORAGE) || "";
  $("api-key").addEventListener("change", () => localStorage.setItem(KEY_STORAGE, $("api-key").value.trim()));
  $("ask-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const question = $("question").value.trim();
    if (question) ask(question);
  });
  $("question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("ask-form").requestSubmit(); }
  });
  $("new-conversation").addEventListener("click", () => {
    conversationId = newConversationId();
    resetResult();
    setStatus("New conversation: follow-up questions start fresh.");
    $("question").focus();
  });
  $("feedback").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-helpful]");
    if (button) sendFeedback(button.dataset.helpful === "true");
  });
});
