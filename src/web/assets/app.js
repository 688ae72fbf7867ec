// promptbook's page script: search as you type, the fill form's live preview, copy and
// download, the list editor, bundle upload, and noticing changes made elsewhere.
// No framework; nothing from anywhere else. Text from recipes is only ever set with
// textContent (the server escapes what it sends as HTML).
(() => {
  "use strict";
  const $ = (sel, root = document) => root.querySelector(sel);
  const csrf = ($('meta[name="csrf-token"]') || {}).content || "";

  const postJson = (url, body) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });

  const debounce = (fn, ms) => {
    let timer;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  };

  const group = (n) => Number(n).toLocaleString("en-US");

  // An error (kind, message, hints) shown in `box`, as text.
  const showError = (box, error) => {
    box.replaceChildren();
    const message = document.createElement("p");
    message.className = "message";
    message.textContent = (error && error.message) || "Something went wrong.";
    box.append(message);
    for (const h of (error && error.hints) || []) {
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = "hint: " + h;
      box.append(hint);
    }
    box.hidden = false;
  };

  // ---- Library: search and filters as you type ----
  const filters = $("#filters");
  let refreshLibrary = null;
  if (filters) {
    const results = $("#results");
    let asked = 0;
    refreshLibrary = async () => {
      const params = new URLSearchParams(new FormData(filters));
      const mine = ++asked;
      const r = await fetch("/?" + params + "&partial=1", { credentials: "same-origin" });
      if (mine !== asked || !r.ok) return;
      results.innerHTML = await r.text();
      history.replaceState(null, "", "/?" + params);
    };
    filters.addEventListener("input", debounce(refreshLibrary, 120));
    filters.addEventListener("change", refreshLibrary);
    filters.addEventListener("submit", (e) => {
      e.preventDefault();
      refreshLibrary();
    });
  }

  // ---- Fill: fields, live preview, copy, download ----
  const fill = $("#fill");
  if (fill) {
    const name = fill.dataset.name;
    const preview = $("#preview");
    const stats = $("#stats");
    const notes = $("#notes");
    const errorBox = $("#render-error");
    const status = $("#status");
    let lastText = null;

    const values = () => {
      const out = {};
      for (const field of fill.querySelectorAll(".field")) {
        const n = field.dataset.name;
        const type = field.dataset.type;
        if (type === "boolean") out[n] = $("input", field).checked;
        else if (type === "list")
          out[n] = [...field.querySelectorAll(".items input")]
            .map((i) => i.value)
            .filter((v) => v.trim() !== "");
        else out[n] = $("input, textarea, select", field).value;
      }
      return out;
    };
    const request = (remember) => ({
      name,
      values: values(),
      format: $("#format").value,
      model: $("#model").value || null,
      remember,
    });

    const clearFieldErrors = () => {
      for (const field of fill.querySelectorAll(".field")) {
        field.classList.remove("invalid");
        const p = $(".field-error", field);
        p.hidden = true;
        p.textContent = "";
      }
    };

    let asked = 0;
    const update = async () => {
      const mine = ++asked;
      let r, data;
      try {
        r = await postJson("/api/render", request(false));
        data = await r.json();
      } catch (e) {
        if (mine === asked) showError(errorBox, { message: "The promptbook server did not answer: is it still running?" });
        return;
      }
      if (mine !== asked) return;
      clearFieldErrors();
      if (r.ok) {
        lastText = data.text;
        preview.textContent = data.text;
        preview.classList.remove("stale");
        errorBox.hidden = true;
        stats.textContent =
          `About ${group(data.input_tokens)} input tokens (an estimate) + up to ${group(data.max_tokens)} for the answer` +
          (data.context_window
            ? ` · fits ${data.model} (${group(data.context_window)}-token window)`
            : ` · ${data.model} (no published context window)`) +
          ` · costs ${data.input_usd} in, up to ${data.max_output_usd} out (prices as of ${data.prices_as_of})`;
        const lines = (data.notes || []).slice();
        if (data.snippets && data.snippets.length) {
          lines.push("Includes the snippets " + data.snippets.map((s) => `${s.name} (v${s.version})`).join(", "));
        }
        notes.replaceChildren(...lines.map((text) => {
          const li = document.createElement("li");
          li.textContent = text;
          return li;
        }));
        notes.hidden = lines.length === 0;
      } else {
        lastText = null;
        preview.classList.add("stale");
        stats.textContent = "";
        notes.hidden = true;
        showError(errorBox, data.error);
        for (const [n, problem] of Object.entries(data.fields || {})) {
          const field = fill.querySelector(`.field[data-name="${CSS.escape(n)}"]`);
          if (!field) continue;
          field.classList.add("invalid");
          const p = $(".field-error", field);
          p.textContent = problem.message + (problem.hint ? "\nhint: " + problem.hint : "");
          p.hidden = false;
        }
      }
    };
    const soon = debounce(update, 150);

    fill.addEventListener("input", soon);
    fill.addEventListener("change", soon);
    fill.addEventListener("submit", (e) => e.preventDefault());
    $("#format").addEventListener("change", update);
    $("#model").addEventListener("change", update);

    // The list editor: add and remove items.
    fill.addEventListener("click", (e) => {
      const add = e.target.closest("button.add");
      const remove = e.target.closest("button.remove");
      if (add) {
        const items = $(".items", add.closest(".list"));
        const li = document.createElement("li");
        const input = document.createElement("input");
        input.type = "text";
        input.setAttribute("aria-label", add.closest(".field").dataset.name + " item");
        const x = document.createElement("button");
        x.type = "button";
        x.className = "remove";
        x.setAttribute("aria-label", "Remove this item");
        x.textContent = "×";
        li.append(input, x);
        items.append(li);
        input.focus();
      } else if (remove) {
        remove.closest("li").remove();
        update();
      }
    });

    const copyText = async (text) => {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (_) {
        // Older browsers, or no permission: copy through a selection.
        const area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.className = "offscreen";
        document.body.append(area);
        area.select();
        let ok = false;
        try {
          ok = document.execCommand("copy");
        } catch (_) {}
        area.remove();
        return ok;
      }
    };

    $("#copy").addEventListener("click", async () => {
      if (lastText === null) {
        status.textContent = "Fix the fields marked in red first.";
        return;
      }
      if (!(await copyText(lastText))) {
        status.textContent = "The browser did not allow copying: select the preview and copy it yourself.";
        return;
      }
      status.textContent = "Copied.";
      // Copying is a delivery: remember the answers, as `render` does.
      try {
        const r = await postJson("/api/render", request(true));
        const d = await r.json();
        if (r.ok && d.remembered) status.textContent = "Copied. Your answers are remembered for next time.";
      } catch (_) {}
    });

    $("#download").addEventListener("click", () => {
      if (lastText === null) {
        status.textContent = "Fix the fields marked in red first.";
        return;
      }
      const form = $("#download-form");
      form.elements.values.value = JSON.stringify(values());
      form.elements.format.value = $("#format").value;
      form.elements.model.value = $("#model").value;
      form.submit();
      status.textContent = "Downloaded. Your answers are remembered for next time.";
    });

    update();
  }

  // ---- Write: jump to a problem's line and column ----
  const yaml = $("#yaml");
  if (yaml) {
    for (const li of document.querySelectorAll("#problems li[data-line]")) {
      li.tabIndex = 0;
      const jump = () => {
        const line = Number(li.dataset.line);
        const column = Number(li.dataset.column || 1);
        const lines = yaml.value.split("\n");
        let at = 0;
        for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
        at += Math.max(0, column - 1);
        yaml.focus();
        yaml.setSelectionRange(at, at);
      };
      li.addEventListener("click", jump);
      li.addEventListener("keydown", (e) => e.key === "Enter" && jump());
    }
  }

  // ---- Packs: upload a bundle ----
  const upload = $("#upload");
  if (upload) {
    upload.addEventListener("submit", async (e) => {
      e.preventDefault();
      const status = $("#upload-status");
      const file = $("#bundle-file").files[0];
      if (!file) {
        status.textContent = "Choose a bundle file first.";
        return;
      }
      status.textContent = "Installing…";
      let r, data;
      try {
        r = await fetch("/packs/upload?file=" + encodeURIComponent(file.name), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrf },
          body: file,
        });
        data = await r.json();
      } catch (_) {
        data = null;
      }
      if (r && r.ok && data && data.redirect) {
        location.assign(data.redirect);
        return;
      }
      status.textContent = "";
      const box = document.createElement("div");
      box.className = "error";
      box.setAttribute("role", "alert");
      showError(box, data && data.error ? data.error : { message: r && r.status === 413 ? "The file is too large for a bundle." : "The upload failed." });
      status.append(box);
    });
  }

  // ---- Changes made by another promptbook (or another tab) ----
  const signature = document.body.dataset.signature;
  if (signature) {
    let seen = signature;
    setInterval(async () => {
      try {
        const r = await fetch("/api/changes", { credentials: "same-origin" });
        if (!r.ok) return;
        const d = await r.json();
        if (d.signature === seen) return;
        seen = d.signature;
        if (refreshLibrary) refreshLibrary();
        else $("#changed").hidden = false;
      } catch (_) {}
    }, 2000);
  }
})();
