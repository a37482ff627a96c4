// Feedback under an answer: Yes/No toggle buttons (one vote per answer, changeable) and an optional comment.
"use strict";

const reelqaFeedback = (() => {
  const el = reelqa.el;


  function row(turn, save) {
    const row = el("div", "feedback");
    const label = el("span", null, "Was this helpful?");
    label.id = "fb-" + turn.data.answer_id;
    const group = el("div", "vote");
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", label.id);
    const status = el("span", "feedback-status muted");
    status.setAttribute("aria-live", "polite");
    const buttons = [["true", "Yes"], ["false", "No"]].map(([value, text]) => {
      const b = el("button", "secondary vote-button", text);
      b.type = "button";
      b.dataset.helpful = value;
      b.setAttribute("aria-pressed", String(turn.vote === value));
      b.addEventListener("click", () => vote(turn, value, buttons, status, comment, save));
      group.append(b);
      return b;
    });
    const comment = commentBox(turn, status, save);
    comment.hidden = !turn.vote;
    row.append(label, group, status, comment);
    return row;
  }

  function commentBox(turn, status, save) {
    const box = el("details", "comment");
    box.append(el("summary", null, "Add a comment (optional)"));
    const id = "comment-" + turn.data.answer_id;
    const label = el("label", "visually-hidden", "Your comment");
    label.htmlFor = id;
    const area = el("textarea");
    area.id = id;
    area.rows = 2;
    area.maxLength = 1000;
    area.value = turn.comment || "";
    const send = el("button", "secondary", "Send comment");
    send.type = "button";
    send.addEventListener("click", async () => {
      const text = area.value.trim();
      if (!text) { status.textContent = "Write a comment first."; return; }
      try {
        await postFeedback(turn.data.answer_id, turn.vote === "true", text);
        turn.comment = text;
        save();
        status.textContent = "Thanks, your comment is saved.";
      } catch (err) { status.textContent = err.message; }
    });
    box.append(label, area, send);
    return box;
  }

  async function vote(turn, value, buttons, status, comment, save) {
    const before = turn.vote;
    turn.vote = value;
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.helpful === value)));
    try {
      await postFeedback(turn.data.answer_id, value === "true", null);
      status.textContent = before && before !== value ? "Vote changed. Thanks!" : "Thanks for the feedback!";
      comment.hidden = false;
      save();
    } catch (err) {
      turn.vote = before;
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.helpful === before)));
      status.textContent = "Your vote was not saved. " + err.message;
    }
  }

  function postFeedback(answerId, helpful, comment) {
    const body = { answer_id: answerId, helpful };
    if (comment) body.comment = comment;
    return reelqa.request("/v1/feedback", { method: "POST", headers: reelqa.headers(), body: JSON.stringify(body) });
  }

  return { row };
})();
