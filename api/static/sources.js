// Source cards for the question page: citations grouped by document and passage, a compact window around the
// highlighted quotes, expandable to the whole passage.
"use strict";

const reelqaSources = (() => {
  const el = reelqa.el;
  const WINDOW = 140;  // characters of context either side of the highlighted quotes on a compact card

  // Citations grouped by document, then by passage: one card per passage, whatever the number of quotes.
  function groupSources(citations) {
    const docs = new Map();
    for (const c of citations) {
      if (!docs.has(c.doc_id)) docs.set(c.doc_id, { doc_id: c.doc_id, title: c.title, date: c.date, source: c.source, passages: new Map() });
      const doc = docs.get(c.doc_id);
      const key = c.passage || c.quote;
      if (!doc.passages.has(key)) doc.passages.set(key, { text: key, quotes: [], ns: [], spans: [] });
      const passage = doc.passages.get(key);
      passage.quotes.push(c.quote);
      passage.ns.push(c.n);
      passage.spans.push([c.start, c.end]);
    }
    return [...docs.values()].map((d) => Object.assign(d, { passages: [...d.passages.values()] }));
  }

  function groupRelated(related) {
    const docs = new Map();
    for (const p of related) {
      if (!docs.has(p.doc_id)) docs.set(p.doc_id, { doc_id: p.doc_id, title: p.title, date: p.date, source: p.source, passages: [] });
      docs.get(p.doc_id).passages.push({ text: p.text, quotes: [], ns: [], spans: [[p.start, p.end]] });
    }
    return [...docs.values()];
  }

  function section(index, groups, title, documentsById) {
    const section = el("section", "sources");
    section.append(el("h2", "sources-title", title));
    for (const doc of groups) {
      const box = el("div", "doc-group");
      const head = el("div", "doc-head");
      const spans = doc.passages.flatMap((p) => p.spans).map((s) => s[0] + "-" + s[1]).join(",");
      const link = el("a", "doc-title", doc.title || doc.source);
      link.href = "/documents/" + encodeURIComponent(doc.doc_id) + "?spans=" + spans;
      head.append(link);
      const info = documentsById[doc.doc_id] || {};
      const meta = [info.source || (info.authors || []).join(", "), reelqa.formatDate(doc.date)].filter(Boolean);
      if (meta.length) head.append(el("p", "doc-meta", meta.join(" · ")));
      box.append(head);
      const list = el("ul", "cards");
      doc.passages.forEach((p, k) => list.append(passageCard(index, p, k, doc)));
      box.append(list);
      section.append(box);
    }
    return section;
  }

  function passageCard(index, passage, k, doc) {
    const li = el("li", "card");
    li.tabIndex = -1;
    if (passage.ns.length) {
      li.id = "src-" + index + "-" + passage.ns[0];
      li.dataset.ns = passage.ns.join(" ");
      const nums = el("span", "card-ns");
      passage.ns.forEach((n) => nums.append(el("span", "card-n", String(n))));
      li.append(nums);
    }
    const marks = quoteRanges(passage.text, passage.quotes);
    const compact = renderPassage(passage.text, marks, true);
    li.append(compact);
    if (compact.dataset.cut === "true") {
      const full = renderPassage(passage.text, marks, false);
      full.hidden = true;
      full.id = "full-" + index + "-" + doc.doc_id.replace(/[^\w-]/g, "") + "-" + k;
      const toggle = el("button", "link-button", "Show the whole passage");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", full.id);
      toggle.addEventListener("click", () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = open ? "Show less" : "Show the whole passage";
        full.hidden = !open;
        compact.hidden = open;
      });
      li.append(full, toggle);
    }
    return li;
  }

  // [start, end) of each quote inside the passage, sorted and merged.
  function quoteRanges(text, quotes) {
    const ranges = [];
    for (const q of quotes) {
      const at = q ? text.indexOf(q) : -1;
      if (at >= 0) ranges.push([at, at + q.length]);
    }
    ranges.sort((x, y) => x[0] - y[0]);
    const merged = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r.slice());
    }
    return merged;
  }

  // Where the prose starts: after leading byline/date lines ("12/27 2024 …", "Written by | …") above the quote.
  function proseStart(text, limit) {
    let at = 0;
    let start = 0;
    for (let i = 0; i < 5; i++) {
      const nl = text.indexOf("\n", at);
      if (nl < 0 || nl >= limit) break;
      const line = text.slice(at, nl).trim();
      if (line.length > 120) break;
      if (!/[.!?。！？"”]$/.test(line) || /\s\|\s|^\S+\s*\|/.test(line)) start = nl + 1;
      at = nl + 1;
    }
    return start;
  }

  function renderPassage(text, marks, compact) {
    const p = el("p", "card-passage");
    let from = 0;
    let to = text.length;
    if (compact && marks.length) {
      from = Math.max(proseStart(text, marks[0][0]), marks[0][0] - WINDOW);
      to = Math.min(text.length, marks[marks.length - 1][1] + WINDOW);
      if (from > 0 && !/\s/.test(text[from - 1])) {
        const space = text.indexOf(" ", from);
        if (space >= 0 && space < marks[0][0]) from = space + 1;
      }
      if (to < text.length) { const space = text.lastIndexOf(" ", to); if (space > marks[marks.length - 1][1]) to = space; }
    } else if (compact) {
      from = proseStart(text, text.length);
      if (text.length - from > 2 * WINDOW + 80) {
        const space = text.lastIndexOf(" ", from + 2 * WINDOW);
        to = space > from ? space : from + 2 * WINDOW;
      }
    }
    p.dataset.cut = String(from > 0 || to < text.length);
    if (from > 0 && text[from - 1] !== "\n") p.append("… ");
    let at = from;
    for (const [s, e] of marks) {
      if (e <= from || s >= to) continue;
      p.append(text.slice(at, Math.max(s, at)), el("mark", null, text.slice(Math.max(s, at), Math.min(e, to))));
      at = Math.min(e, to);
    }
    p.append(text.slice(at, to));
    if (to < text.length) p.append(" …");
    return p;
  }

  return { groupSources, groupRelated, section };
})();
