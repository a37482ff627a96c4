// Shared by every reelqa page: element helper, API key headers, fetch with user-facing error wording.
"use strict";

const reelqa = (() => {
  const KEY_STORAGE = "reelqa.apiKey";

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function apiKey() { return localStorage.getItem(KEY_STORAGE) || ""; }
  function setApiKey(key) {
    if (key) localStorage.setItem(KEY_STORAGE, key); else localStorage.removeItem(KEY_STORAGE);
  }

  function headers(extra, key) {
    const h = Object.assign({ "Content-Type": "application/json" }, extra || {});
    const k = key === undefined ? apiKey() : key;
    if (k) h["X-API-Key"] = k;
    return h;
  }

  // An error people can act on (never a setting name or "Failed to fetch").
  class ApiError extends Error {
    constructor(message, status, offline) { super(message); this.status = status; this.offline = !!offline; }
  }

  function plain(message) {
    return String(message || "").replace(/\s*\(REELQA_[A-Z_]+\)/g, "").replace(/REELQA_[A-Z_]+/g, "the server's setting");
  }

  async function describe(response) {
    let detail = "";
    try { const body = await response.json(); detail = body && body.error ? plain(body.error) : ""; }
    catch (_) { /* not JSON */ }
    const s = response.status;
    if (s === 401) return "This server needs an API key. Enter it under “API key” and try again.";
    if (s === 403) return "That key is not allowed to do this.";
    if (s === 404) return detail ? capitalize(detail) + "." : "Not found.";
    if (s === 413 || s === 422) return detail ? capitalize(detail) + "." : "The server could not read that request.";
    if (s === 429) {
      const wait = response.headers.get("Retry-After");
      return "Too many questions in a short time. Try again" + (wait ? " in " + wait + " s." : " in a moment.");
    }
    if (s === 503) return detail ? capitalize(detail) + "." : "The server is not ready yet. Try again in a moment.";
    return "Something went wrong on the server (" + s + "). Try again.";
  }

  function capitalize(text) { return text ? text[0].toUpperCase() + text.slice(1).replace(/\.$/, "") : text; }

  async function request(path, options) {
    let response;
    try { response = await fetch(path, options); }
    catch (_) { throw new ApiError("Can't reach the server. Check your connection and that reelqa is running.", 0, true); }
    if (!response.ok) throw new ApiError(await describe(response), response.status, false);
    return response;
  }

  async function getJson(path, key) {
    const response = await request(path, { headers: headers({ "Accept": "application/json" }, key) });
    return response.json();
  }

  function formatDate(value) {
    if (!value) return "";
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    if (!m) return value;
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }

  function formatTime(value) {
    const d = new Date(value);
    return isNaN(d) ? value : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  }

  return { $, el, apiKey, setApiKey, headers, request, getJson, ApiError, plain, formatDate, formatTime };
})();
