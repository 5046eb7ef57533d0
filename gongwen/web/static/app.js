// 公文编写页面: the YAML text is the document; the form is a view of it and
// edits go through the server (/api/edit rewrites only the edited keys), the
// preview and the checks come from /api/render — the same code as the CLI.
"use strict";

const SCHEMA = [
  ["版头", [
    ["份号", "text", "6 位数字，例如 000001；不编号可不填"],
    ["密级", "text", "秘密、机密或绝密；不涉密不填", ["秘密", "机密", "绝密"]],
    ["保密期限", "text", "例如 1年"],
    ["紧急程度", "text", "特急或加急", ["特急", "加急"]],
    ["发文机关标志", "list", "红色的机关标志，例如 某某市人民政府文件；联合行文时每个机关一项"],
    ["发文字号", "text", "机关代字〔年份〕序号号，例如 临知联办字〔2023〕3号"],
    ["签发人", "list", "上行文（请示、报告）填写，每人一项"],
    ["版式", "select", "文件（默认）、信函、命令或纪要", ["", "文件", "信函", "命令", "纪要"]],
    ["令号", "text", "命令格式：例如 第5号"],
  ]],
  ["主体", [
    ["标题", "textarea", "一行一行写就按所写的行排；写成一行则自动分行"],
    ["主送机关", "text", "主送的机关，结尾的冒号会自动加上"],
    ["正文", "body", ""],
    ["附件", "attachments", "每个附件一项：名称，以及内容或 PDF 文件名"],
    ["发文机关署名", "list", "默认用发文机关标志去掉“文件”；联合行文每个机关一项"],
    ["成文日期", "text", "例如 2023-04-18 或 2023年4月18日"],
    ["印章", "seal", ""],
    ["代章", "text", "例如 区市场监管局代章"],
    ["附注", "text", "例如 此件公开发布（括号自动加上）"],
    ["签名章", "map", "命令格式：签发人的职务、姓名和签名章图片", ["职务", "姓名", "图片"]],
    ["出席", "list", "纪要：出席的单位或人员"],
    ["请假", "list", "纪要：请假的单位或人员"],
    ["列席", "list", "纪要：列席的单位或人员"],
    ["变量", "pairs", "正文等处的 {{ 名称 }} 换成这里的值"],
  ]],
  ["版记", [
    ["抄送机关", "list", "每个机关一项"],
    ["印发机关", "text", "例如 某某市人民政府办公室"],
    ["印发日期", "text", "默认与成文日期相同"],
  ]],
];
const KEYS = SCHEMA.flatMap(([, fs]) => fs.map(f => f[0]));
const TYPE = Object.fromEntries(SCHEMA.flatMap(([, fs]) => fs.map(f => [f[0], f[1]])));
const BODY_HELP = `一行一段，空行不计。标题：行首写 <code># </code> 为一级（一、），<code>## </code> 为二级（（一）），
<code>### </code> 为三级（1.），<code>#### </code> 为四级（（1））；自动编号。行首手写的 一、（一）1.（1）也能识别。
标题的第一句以“。”结束并接着写正文，则第一句用标题字体，其余用仿宋。`;

const $ = (sel, el = document) => el.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k === "html") e.innerHTML = v;
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids) e.append(k);
  return e;
};

const state = {
  yaml: "", name: "", fields: {}, pending: {}, yamlVer: 0, seq: 0, shown: 0,
  inflight: false, again: false, timer: null, pages: [], fonts: new Set(), dirty: false, drawn: {},
  importAvailable: false,
};

// ---------------------------------------------------------------- form
function fieldId(key) { return "in-" + key; }

function buildForm() {
  const form = $("#form");
  for (const [group, fs] of SCHEMA) {
    const set = el("fieldset", { class: "group", id: "group-" + group });
    set.append(el("legend", { text: group }));
    form.append(set);
    for (const [key, type, help, extra] of fs) {
      const box = el("div", { class: "field", id: "f-" + key, "data-key": key });
      const label = el("label", { for: fieldId(key), text: key });
      box.append(label);
      const helpId = "help-" + key, msgId = "msg-" + key;
      const widget = el("div", { class: "widget", id: "w-" + key });
      box.append(widget);
      if (help) box.append(el("p", { class: "help", id: helpId, text: help }));
      if (type === "body") box.append(el("p", { class: "help", id: helpId, html: BODY_HELP }));
      box.append(el("div", { class: "msg", id: msgId, role: "alert" }));
      set.append(box);
      renderWidget(key, type, extra, undefined);
    }
  }
}

function describedBy(key) { return `help-${key} msg-${key}`; }

function onEdit(key) {
  state.pending[key] = readWidget(key);
  state.dirty = true;
  schedule();
}

function textInput(key, id, value, opts = {}) {
  const tag = opts.area ? "textarea" : "input";
  const e = el(tag, { id, "aria-describedby": describedBy(key), spellcheck: "false",
                      ...(opts.area ? { rows: opts.rows || 2 } : { type: "text" }),
                      ...(opts.list ? { list: "dl-" + key } : {}), ...(opts.aria || {}) });
  e.value = value ?? "";
  e.addEventListener("input", () => onEdit(key));
  return e;
}

function listRows(key, items, makeRow) {
  // An editable list: one row per item, 添加 and 删除 buttons, the first input labelled by the key.
  const wrap = el("div", { class: "list", role: "group", "aria-label": key });
  const ol = el("ol");
  const add = el("button", { type: "button", class: "small", text: "＋ 添加一项" });
  const addRow = (value, focus) => {
    const li = el("li");
    const n = ol.children.length;
    const content = makeRow(value, n === 0 ? fieldId(key) : `${fieldId(key)}-${n}`, n);
    const del = el("button", { type: "button", class: "small", "aria-label": `删除${key}第${n + 1}项`, text: "删除" });
    del.addEventListener("click", () => { li.remove(); relabel(); onEdit(key); });
    li.append(content, del);
    ol.append(li);
    if (focus) (li.querySelector("input,textarea") || li).focus();
  };
  const relabel = () => [...ol.children].forEach((li, i) => {
    const inp = li.querySelector("input,textarea");
    if (inp) inp.id = i === 0 ? fieldId(key) : `${fieldId(key)}-${i}`;
  });
  add.addEventListener("click", () => { addRow(undefined, true); onEdit(key); });
  (items && items.length ? items : [undefined]).forEach(v => addRow(v, false));
  wrap.append(ol, add);
  return wrap;
}

function renderWidget(key, type, extra, value) {
  const w = $("#w-" + key);
  w.replaceChildren();
  if (type === "text") {
    if (extra) w.append(el("datalist", { id: "dl-" + key }, ...extra.map(x => el("option", { value: x }))));
    w.append(textInput(key, fieldId(key), scalar(value), { list: !!extra }));
  } else if (type === "textarea") {
    w.append(textInput(key, fieldId(key), scalar(value), { area: true, rows: 2 }));
  } else if (type === "body") {
    const t = textInput(key, fieldId(key), scalar(value), { area: true, rows: 16 });
    t.classList.add("body-text");
    w.append(t);
  } else if (type === "select") {
    const s = el("select", { id: fieldId(key), "aria-describedby": describedBy(key) },
      ...extra.map(x => el("option", { value: x, text: x || "（默认：文件）" })));
    s.value = scalar(value);
    s.addEventListener("change", () => onEdit(key));
    w.append(s);
  } else if (type === "list") {
    const items = value == null ? [] : Array.isArray(value) ? value.map(scalar) : [scalar(value)];
    w.append(listRows(key, items, (v, id) => textInput(key, id, v ?? "")));
  } else if (type === "map") {
    const v = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    extra.forEach((sub, i) => {
      const id = i === 0 ? fieldId(key) : `${fieldId(key)}-${sub}`;
      const row = el("div", { class: "sub" });
      row.append(el("span", { class: "sublabel", text: sub }),
                 textInput(key, id, scalar(v[sub]), { aria: { "aria-label": `${key}：${sub}`, "data-sub": sub } }));
      w.append(row);
    });
  } else if (type === "pairs") {
    const v = value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
    w.append(listRows(key, v, (pair, id) => {
      const span = el("span", { class: "pair" });
      const k = textInput(key, id, pair ? pair[0] : "", { aria: { "aria-label": "名称", "data-part": "k" } });
      const x = textInput(key, id + "-v", pair ? scalar(pair[1]) : "", { aria: { "aria-label": "值", "data-part": "v" } });
      span.append(k, x);
      return span;
    }));
  } else if (type === "seal") {
    const mode = value === true ? "true" : (typeof value === "string" || Array.isArray(value)) ? "image" : "";
    const s = el("select", { id: fieldId(key), "aria-describedby": describedBy(key) },
      el("option", { value: "", text: "不盖章" }),
      el("option", { value: "true", text: "盖章（打印后手工盖，版面留出印章位置）" }),
      el("option", { value: "image", text: "印章图片（数据文件夹里的 PNG）" }));
    s.value = mode;
    const imgs = value == null || value === true || value === false ? [] : Array.isArray(value) ? value : [value];
    const list = listRows(key, imgs.map(scalar), (v, id) => textInput(key, id + "-img", v ?? "",
      { aria: { "aria-label": "印章图片文件名" } }));
    list.hidden = mode !== "image";
    s.addEventListener("change", () => { list.hidden = s.value !== "image"; onEdit(key); });
    w.append(s, list);
  } else if (type === "attachments") {
    const items = Array.isArray(value) ? value : [];
    w.append(listRows(key, items, (item, id, n) => attachmentRow(key, item, id)));
  }
}

function attachmentRow(key, item, id) {
  const box = el("div", { class: "attachment" });
  const it = item && typeof item === "object" ? item : {};
  box.dataset.original = JSON.stringify(it);
  const name = textInput(key, id, scalar(it["名称"]), { aria: { "aria-label": "附件名称", "data-part": "名称" } });
  box.append(el("span", { class: "sublabel", text: "名称" }), name);
  if (Array.isArray(it["内容"])) {
    box.append(el("p", { class: "help", text: "内容含表格，请在“源文件”里修改。" }));
  } else {
    const kind = el("select", { "aria-label": "附件形式", "data-part": "kind" },
      el("option", { value: "内容", text: "内容（正文写法）" }), el("option", { value: "文件", text: "PDF 文件" }));
    kind.value = it["文件"] != null ? "文件" : "内容";
    const content = textInput(key, id + "-c", scalar(it["文件"] ?? it["内容"]), { area: true, rows: 3,
      aria: { "aria-label": "附件内容或 PDF 文件名", "data-part": "value" } });
    kind.addEventListener("change", () => onEdit(key));
    box.append(kind, content);
  }
  return box;
}

function scalar(v) { return v == null ? "" : typeof v === "string" ? v : String(v); }

function readWidget(key) {
  const type = TYPE[key], w = $("#w-" + key);
  if (type === "text" || type === "textarea" || type === "body" || type === "select") return $("#" + CSS.escape(fieldId(key)), w).value;
  if (type === "list") return [...w.querySelectorAll("li input")].map(i => i.value);
  if (type === "map") {
    const o = {};
    w.querySelectorAll("input[data-sub]").forEach(i => { if (i.value.trim()) o[i.dataset.sub] = i.value; });
    return o;
  }
  if (type === "pairs") {
    const o = {};
    w.querySelectorAll("li").forEach(li => {
      const k = li.querySelector("[data-part=k]").value.trim(), v = li.querySelector("[data-part=v]").value;
      if (k) o[k] = v;
    });
    return o;
  }
  if (type === "seal") {
    const mode = $("#" + CSS.escape(fieldId(key)), w).value;
    if (mode === "true") return true;
    if (mode === "") return null;
    const imgs = [...w.querySelectorAll("li input")].map(i => i.value).filter(x => x.trim());
    return imgs.length === 1 ? imgs[0] : imgs;
  }
  if (type === "attachments") {
    return [...w.querySelectorAll(".attachment")].map(box => {
      const orig = JSON.parse(box.dataset.original || "{}");
      const name = box.querySelector("[data-part=名称]").value;
      const kind = box.querySelector("[data-part=kind]");
      if (!kind) return { ...orig, "名称": name };
      const value = box.querySelector("[data-part=value]").value;
      const out = { ...orig, "名称": name };
      delete out["内容"]; delete out["文件"];
      out[kind.value] = value;
      return out;
    }).filter(a => a["名称"] || a["内容"] || a["文件"]);
  }
}

function fillForm(fields) {
  // Show the values read from the YAML; a widget the clerk is typing in is left
  // alone, and one already showing the value is not redrawn.
  state.fields = fields || {};
  for (const key of KEYS) {
    const w = $("#w-" + key);
    if (w.contains(document.activeElement)) continue;
    const value = state.fields[key];
    const json = JSON.stringify(value ?? null);
    if (state.drawn[key] === json && w.children.length) continue;
    state.drawn[key] = json;
    const [, , , extra] = SCHEMA.flatMap(([, fs]) => fs).find(f => f[0] === key);
    renderWidget(key, TYPE[key], extra, value);
  }
}

// ---------------------------------------------------------------- talking to the server
async function call(url, opts = {}) {
  const r = await fetch(url, opts);
  const type = r.headers.get("content-type") || "";
  if (type.includes("application/json")) return { status: r.status, json: await r.json() };
  return { status: r.status, blob: await r.blob() };
}

function q(params) {
  return Object.entries(params).filter(([, v]) => v != null && v !== "")
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
}

function schedule(delay = 150) {
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, delay);
}

async function refresh() {
  if (state.inflight) { state.again = true; return; }
  const edits = state.pending;
  state.pending = {};
  const mine = ++state.seq, ver = state.yamlVer;
  state.inflight = true;
  try {
    if (Object.keys(edits).length) {
      const r = await call("/api/edit?" + q({ name: state.name }), {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ yaml: state.yaml, edits }) });
      if (r.status === 200 && r.json.yaml != null) {
        if (ver === state.yamlVer) {
          setYaml(r.json.yaml, false);
          applyRender(r.json.render, mine);
        } else {                      // the 源文件 changed meanwhile: apply the edits to it next time
          state.pending = { ...edits, ...state.pending };
          state.again = true;
        }
      } else if (r.json && r.json.problems) {
        showProblems(r.json.problems, "源文件有错误，表单的修改暂未写入：");
        state.pending = { ...edits, ...state.pending };
      } else setStatus(r.json?.error || "请求失败", true);
    } else {
      const r = await call("/api/render?" + q({ name: state.name }), {
        method: "POST", headers: { "Content-Type": "text/yaml; charset=utf-8" }, body: state.yaml });
      if (r.status === 200) applyRender(r.json, mine);
      else setStatus(r.json?.error || "请求失败", true);
    }
  } catch (e) {
    setStatus("无法连接服务器：" + e.message, true);
  } finally {
    state.inflight = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

function setYaml(text, fromSource) {
  state.yaml = text;
  state.yamlVer++;
  const src = $("#source");
  if (!fromSource && document.activeElement !== src) src.value = text;
}

function applyRender(res, mine) {
  if (mine < state.shown) return;          // an older answer never replaces a newer one
  state.shown = mine;
  showProblems(res.problems || []);
  if (res.fields) fillForm(res.fields);
  if (res.preview) {
    showPreview(res.preview, res.pages);
    $("#preview-info").textContent = `共 ${res.pages} 页` + (res.ok ? "" : "（有错误：改正前不能下载和存档）");
  } else {
    $("#preview-info").textContent = "数据有错误，预览停在上一次的结果；改正后自动更新。";
    $("#preview").classList.add("stale");
  }
}

function loadFonts(keys) {
  const style = $("#gw-fonts");
  for (const k of keys) {
    if (state.fonts.has(k)) continue;
    state.fonts.add(k);
    style.append(`@font-face { font-family: "${k}"; src: url("/fonts/${encodeURIComponent(k)}") format("truetype"); font-display: block; }\n`);
  }
}

function showPreview(preview, count) {
  loadFonts(preview.fonts || []);
  const box = $("#preview");
  box.classList.remove("stale");
  preview.pages.forEach((p, i) => {
    let div = box.children[i];
    if (!div) {
      div = el("div", { class: "page", "data-page": p.page, role: "img", "aria-label": `第 ${p.page} 页` });
      box.append(div);
    }
    if (state.pages[i] !== p.svg) {
      div.innerHTML = p.svg;
      div.dataset.page = p.page;
      div.dataset.kind = p.kind;
      div.setAttribute("aria-label", `第 ${p.page} 页`);
      state.pages[i] = p.svg;
    }
  });
  while (box.children.length > preview.pages.length) box.lastElementChild.remove();
  state.pages.length = preview.pages.length;
}

function where(p) {
  return (p.line ? `第 ${p.line} 行 ` : "") + (p.severity === "error" ? "错误" : "警告") +
    (p.field ? `【${p.field}】` : "：") + p.message;
}

function showProblems(problems, lead) {
  for (const key of KEYS) {
    const m = $("#msg-" + key);
    m.replaceChildren();
    $("#f-" + key).classList.remove("has-error", "has-warning");
    const inp = document.getElementById(fieldId(key));
    if (inp) inp.removeAttribute("aria-invalid");
  }
  const list = $("#problems");
  list.replaceChildren();
  if (lead) list.append(el("p", { class: "lead", text: lead }));
  if (!problems.length) return;
  const ul = el("ul", { "aria-label": "检查结果" });
  for (const p of problems) {
    const li = el("li", { class: p.severity });
    const text = where(p) + (p.hint ? `　应为：${p.hint}` : "");
    const key = KEYS.includes(p.field) ? p.field : null;
    if (key) {
      const b = el("button", { type: "button", class: "link", text });
      b.addEventListener("click", () => focusField(key));
      li.append(b);
      const m = $("#msg-" + key);
      m.append(el("p", { class: p.severity, text: (p.severity === "error" ? "错误：" : "警告：") + p.message +
        (p.hint ? `　应为：${p.hint}` : "") + (p.line ? `（第 ${p.line} 行）` : "") }));
      $("#f-" + key).classList.add(p.severity === "error" ? "has-error" : "has-warning");
      const inp = document.getElementById(fieldId(key));
      if (inp && p.severity === "error") inp.setAttribute("aria-invalid", "true");
    } else li.append(el("span", { text }));
    ul.append(li);
  }
  list.append(ul);
}

function focusField(key) {
  selectTab("tab-form");
  const inp = document.getElementById(fieldId(key));
  if (inp) { inp.focus(); inp.scrollIntoView({ block: "center" }); }
}

function setStatus(text, bad) {
  const s = $("#status");
  s.textContent = text;
  s.classList.toggle("bad", !!bad);
}

// ---------------------------------------------------------------- documents
function openText(text, name) {
  state.name = name || "";
  $("#filename").value = state.name;
  state.pending = {};
  state.pages = [];
  $("#preview").replaceChildren();
  setYaml(text, false);
  $("#source").value = text;
  state.dirty = false;
  state.drawn = {};                  // redraw every widget for the new file
  $("#import-report").hidden = true;  // a draft's report belongs to that draft only
  const pick = $("#open-file");        // the folder's list shows the file open, or nothing
  pick.value = [...pick.options].some(o => o.value === state.name) ? state.name : "";
  schedule(0);
  loadHistory();
}

async function openFromFolder() {
  const name = $("#open-file").value;
  if (!name) return;
  const r = await call("/api/open?" + q({ name }));
  if (r.status !== 200) return setStatus(r.json.error, true);
  openText(r.json.yaml, r.json.name);
  setStatus(`已打开 ${r.json.name}`);
}

async function download(fmt) {
  const r = await call(`/api/${fmt}?` + q({ name: state.name }), { method: "POST", body: state.yaml });
  if (r.status !== 200) {
    if (r.json?.problems) showProblems(r.json.problems);
    return setStatus((r.json?.error || "下载失败") + (r.json?.problems?.length ? "见上面的检查结果。" : ""), true);
  }
  const stem = (state.name || "未命名.yaml").replace(/^.*\//, "").replace(/\.ya?ml$/i, "");
  const a = el("a", { href: URL.createObjectURL(r.blob), download: `${stem}.${fmt}` });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  setStatus(`已生成 ${stem}.${fmt}`);
}

async function save() {
  const name = $("#filename").value.trim();
  if (!name) { setStatus("请先在“文件名”里写一个名字，例如 通知-2024-1.yaml", true); $("#filename").focus(); return; }
  state.name = /\.ya?ml$/i.test(name) ? name : name + ".yaml";
  $("#filename").value = state.name;
  clearTimeout(state.timer);
  while (state.inflight || Object.keys(state.pending).length) { await refresh(); await new Promise(r => setTimeout(r, 20)); }
  const r = await call("/api/save?" + q({ name: state.name, reason: $("#reason").value.trim() }),
                       { method: "POST", body: state.yaml });
  if (r.status !== 200) return setStatus(r.json?.error || "保存失败", true);
  const res = r.json;
  if (res.problems?.length) showProblems(res.problems);
  setStatus(res.messages.join("　"), !res.archived);
  if (res.saved) { state.dirty = false; $("#reason").value = ""; refreshFiles(); }
  await loadHistory(true);
}

async function loadHistory(showLastDiff) {
  if (!state.name) { $("#history").textContent = "还没有保存过：保存后这里列出版本。"; return; }
  const r = await call("/api/history?" + q({ name: state.name }));
  if (r.status !== 200) { $("#history").textContent = r.json?.error || ""; return; }
  $("#history").textContent = r.json.lines.join("\n");
  const vs = r.json.versions.map(v => "v" + v.version);
  for (const [id, pick] of [["#diff-a", vs.length - 2], ["#diff-b", vs.length - 1]]) {
    const s = $(id);
    s.replaceChildren(...vs.map(v => el("option", { value: v, text: v })));
    if (pick >= 0) s.value = vs[pick];
  }
  if (showLastDiff && vs.length >= 2) showDiff();
}

async function showDiff() {
  const r = await call("/api/diff?" + q({ name: state.name, a: $("#diff-a").value, b: $("#diff-b").value }));
  $("#diff").textContent = r.status === 200 ? r.json.lines.join("\n") : (r.json?.error || "");
}

async function refreshFiles() {
  const r = await call("/api/files");
  const s = $("#open-file"), keep = s.value;
  s.replaceChildren(el("option", { value: "", text: "（选择文件）" }), ...r.json.files.map(f => el("option", { value: f, text: f })));
  s.value = r.json.files.includes(keep) ? keep : "";
}

async function importDraft(file) {
  // The draft's bytes go as they are; its file name says whether it is Word or text.
  if (file.size > 5 * 1024 * 1024) {
    return setStatus(`草稿“${file.name}”过大（${(file.size / 1048576).toFixed(1)} MB），最多 5 MB。` +
                     "草稿里图片多时，先在 Word 里删去图片再导入。", true);
  }
  setStatus(`正在导入 ${file.name}……`);
  const r = await call("/api/import?" + q({ name: file.name }), { method: "POST", body: await file.arrayBuffer() });
  if (r.status !== 200 || !r.json?.ok) {
    const j = r.json || {};
    showImportReport(file.name, null, j);
    return setStatus(`无法导入 ${file.name}：` + (j.error || "请求失败") + (j.hint ? `　应为：${j.hint}` : ""), true);
  }
  openText(r.json.yaml, r.json.name);
  state.dirty = true;                       // not in the folder until 保存
  showImportReport(file.name, r.json.report);
  const unsure = r.json.report.unsure.length;
  setStatus(`已导入 ${file.name}，文件名暂定 ${r.json.name}：` +
            (unsure ? `请核对导入报告里的 ${unsure} 处，` : "请核对各项，") + "然后保存。");
}

function showImportReport(draft, report, failure) {
  // The import's own report (the same lines `generate.py import` prints): what was
  // recognised where in the draft, what was left out, and what to check.
  const box = $("#import-report");
  box.replaceChildren();
  box.hidden = false;
  const close = el("button", { type: "button", class: "small", text: "收起", "aria-label": "收起导入报告" });
  close.addEventListener("click", () => { box.hidden = true; });
  box.append(el("div", { class: "head" }, el("h2", { text: `导入草稿“${draft}”` }), close));
  if (!report) {
    box.classList.add("bad");
    box.append(el("p", { class: "error", text: (failure.error || "无法导入。") + (failure.hint ? `　应为：${failure.hint}` : "") }));
    return;
  }
  box.classList.remove("bad");
  if (report.unsure.length) {
    box.append(el("p", { class: "lead", text: `请核对（${report.unsure.length} 处）：` }),
               el("ul", { class: "unsure" }, ...report.unsure.map(x => el("li", { text: x }))));
  } else {
    box.append(el("p", { class: "lead ok", text: "各部分都已认出；请对照草稿核对一遍。" }));
  }
  const shown = report.lines.filter(l => !/^请核对（/.test(l) && !report.unsure.some(u => l.trim() === u));
  box.append(el("pre", { class: "lines", tabindex: "0", "aria-label": "导入报告", text: shown.join("\n") }));
}

// ---------------------------------------------------------------- tabs and keys
function selectTab(id) {
  for (const t of document.querySelectorAll("[role=tab]")) {
    const on = t.id === id;
    t.setAttribute("aria-selected", on);
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (id === "tab-source") $("#source").value = state.yaml;
  if (id === "tab-versions") loadHistory();
}

function wire() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => selectTab(t.id));
    t.addEventListener("keydown", e => {
      const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (d) { const n = tabs[(i + d + tabs.length) % tabs.length]; selectTab(n.id); n.focus(); e.preventDefault(); }
    });
  });
  $("#source").addEventListener("input", e => { setYaml(e.target.value, true); state.dirty = true; schedule(); });
  $("#btn-open").addEventListener("click", openFromFolder);
  $("#open-file").addEventListener("keydown", e => { if (e.key === "Enter") openFromFolder(); });
  $("#pick-file").addEventListener("change", async e => {
    const f = e.target.files[0];
    if (!f) return;
    openText(await f.text(), f.name);
    setStatus(`已从电脑打开 ${f.name}；“保存”会把它存进数据文件夹。`);
    e.target.value = "";
  });
  $("#import-file").addEventListener("change", e => { const f = e.target.files[0]; if (f) importDraft(f); e.target.value = ""; });
  $("#btn-new").addEventListener("click", async () => {
    const r = await call("/api/new?" + q({ kind: $("#new-kind").value, organ: $("#new-organ").value.trim() }));
    if (r.status !== 200) return setStatus(r.json.error, true);
    openText(r.json.yaml, "");
    setStatus(`已按“${$("#new-kind").value}”新建：把 ×× 换成实际内容，写好文件名后保存。`);
  });
  $("#filename").addEventListener("change", e => { state.name = e.target.value.trim(); schedule(0); });
  $("#btn-pdf").addEventListener("click", () => download("pdf"));
  $("#btn-docx").addEventListener("click", () => download("docx"));
  $("#btn-save").addEventListener("click", save);
  $("#btn-history").addEventListener("click", () => loadHistory());
  $("#btn-diff").addEventListener("click", showDiff);
  document.addEventListener("keydown", e => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); save(); }
  });
  window.addEventListener("beforeunload", e => { if (state.dirty) { e.preventDefault(); e.returnValue = ""; } });
}

async function start() {
  buildForm();
  wire();
  const r = await call("/api/info");
  const info = r.json;
  $("#new-kind").replaceChildren(...info.kinds.map(k => el("option", { value: k, text: k })));
  $("#new-kind").value = "通知";
  state.importAvailable = info.import;
  if (!info.import) {
    $("#import-file").disabled = true;
    $("#import-label").classList.add("disabled");
    $("#import-label").title = "本机的程序不能导入草稿";
  }
  await refreshFiles();
  const params = new URLSearchParams(location.search);
  const first = params.get("file") || info.files[0];
  if (first && info.files.includes(first)) { $("#open-file").value = first; await openFromFolder(); }
  else openText("", "");
}

start();
