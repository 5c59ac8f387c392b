// A titled section of the console with a notice line (empty, error or warning states) and a body.

import { h } from "./dom.js";

export function panel(root, id, title, intro) {
  const heading = h("h2", { id: `${id}-title` }, title);
  const notice = h("p", { className: "notice", id: `${id}-notice`, role: "status" });
  const body = h("div", { className: "panel-body" });
  const section = h("section", { className: "panel", id, "aria-labelledby": `${id}-title` },
    heading, intro ? h("p", { className: "help" }, intro) : null, notice, body);
  root.append(section);
  return {
    section,
    body,
    // kind: "" (plain: empty states), "warning" (partial answer), "error" (nothing to show)
    notice(text, kind = "") {
      notice.textContent = text;
      notice.className = `notice ${kind}`.trim();
    },
  };
}

// A form with one labelled field and a button, the label above the field.
export function field(id, label, attributes = {}) {
  return [h("label", { for: id }, label), h("input", { id, name: id, autocomplete: "off", spellcheck: "false", ...attributes })];
}
