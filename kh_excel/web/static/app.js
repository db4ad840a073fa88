// kh-excel web: the unit search, dropping forms (files, folders, zip), the progress bar.
"use strict";

(function unitSearch() {
  const input = document.getElementById("unit");
  if (!input) return;
  const list = document.getElementById("unit-list");
  const code = document.getElementById("code");
  const period = document.getElementById("period");
  const hint = document.getElementById("unit-hint");
  let active = -1, timer = null, options = [];

  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
  function mark(i) {
    options.forEach((li, n) => li.setAttribute("aria-selected", n === i ? "true" : "false"));
    active = i;
    if (i >= 0) { input.setAttribute("aria-activedescendant", options[i].id); options[i].scrollIntoView({block: "nearest"}); }
  }
  function choose(li) { input.value = li.dataset.name; code.value = li.dataset.code; close(); }
  async function fetchUnits() {
    const q = input.value.trim();
    if (!q) { close(); hint.textContent = ""; return; }
    const r = await fetch(`/api/units?q=${encodeURIComponent(q)}&period=${encodeURIComponent(period.value)}`);
    const data = await r.json();
    hint.textContent = data.hint || "";
    list.replaceChildren();
    options = data.units.map((u, n) => {
      const li = document.createElement("li");
      li.id = `unit-opt-${n}`; li.setAttribute("role", "option");
      li.textContent = u.label; li.dataset.code = u.code; li.dataset.name = u.name;
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(li); });
      list.appendChild(li);
      return li;
    });
    list.hidden = options.length === 0;
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
    mark(options.length ? 0 : -1);
  }
  input.addEventListener("input", () => { code.value = ""; clearTimeout(timer); timer = setTimeout(fetchUnits, 120); });
  period.addEventListener("change", () => { code.value = ""; fetchUnits(); });
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, options.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(options[active]); }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();

(function receiving() {
  const drop = document.getElementById("drop");
  if (!drop) return;
  const sid = drop.dataset.sid;
  const bar = document.getElementById("bar");
  const box = document.getElementById("progress");
  const label = document.getElementById("progress-text");
  const msg = document.getElementById("upload-msg");
  const BATCH_FILES = 400, BATCH_BYTES = 48 * 1024 * 1024;

  function show(text, part, whole) {
    box.hidden = false;
    bar.max = Math.max(whole, 1); bar.value = part;
    label.textContent = text;
  }
  function fail(text) { msg.hidden = false; msg.textContent = text; }

  function readEntry(entry, prefix, out) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file((f) => { out.push([f, prefix + f.name]); resolve(); }, () => resolve());
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const all = [];
        const more = () => reader.readEntries(async (batch) => {
          if (!batch.length) {
            for (const e of all) await readEntry(e, prefix + entry.name + "/", out);
            resolve();
          } else { all.push(...batch); more(); }
        }, () => resolve());
        more();
      } else resolve();
    });
  }

  function send(batch, sentBefore, total) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      for (const [file, name] of batch) form.append("f", file, encodeURIComponent(name));
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/w/${sid}/upload`);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => show(`${drop.dataset.uploading}: ${Math.round(100 * (sentBefore + e.loaded) / total)}%`, sentBefore + e.loaded, total);
      xhr.onload = () => {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* shown below */ }
        if (xhr.status === 200) resolve(data); else reject(data.error || `HTTP ${xhr.status}`);
      };
      xhr.onerror = () => reject("HTTP");
      xhr.send(form);
    });
  }

  async function poll() {
    const r = await fetch(`/w/${sid}/progress`, {headers: {Accept: "application/json"}});
    const job = await r.json();
    if (job.state === "running") {
      show(`${drop.dataset.reading}: ${job.done}/${job.total}`, job.done, job.total);
      setTimeout(poll, 250);
    } else {
      location.hash = "nhan-bieu";
      location.reload();
    }
  }

  async function upload(files) {
    if (!files.length) return;
    msg.hidden = true;
    const total = files.reduce((n, [f]) => n + f.size, 0) || 1;
    let sent = 0, batch = [], size = 0;
    try {
      for (const item of files) {
        if (batch.length && (batch.length >= BATCH_FILES || size + item[0].size > BATCH_BYTES)) {
          await send(batch, sent, total); sent += size; batch = []; size = 0;
        }
        batch.push(item); size += item[0].size;
      }
      await send(batch, sent, total);
    } catch (e) { fail(String(e)); }
    show(drop.dataset.reading, 0, 1);
    await fetch(`/w/${sid}/read`, {method: "POST", headers: {Accept: "application/json"}});
    poll();
  }

  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    const files = [];
    if (entries.length) { for (const entry of entries) await readEntry(entry, "", files); }
    else { for (const f of e.dataTransfer.files) files.push([f, f.name]); }
    upload(files);
  });
  for (const id of ["pick-files", "pick-folder"]) {
    document.getElementById(id).addEventListener("change", (e) => {
      upload([...e.target.files].map((f) => [f, f.webkitRelativePath || f.name]));
      e.target.value = "";
    });
  }
  if (drop.dataset.busy) poll();
})();
