// The cockpit page: signs in (or takes a session token from the URL fragment #token=…),
// draws the overview with hand-made SVG charts, follows live events by SSE, and drills
// down into a ticket's timeline. No external assets.
// The overview is compact (counts, rates, the few most urgent tickets); the whole list of open
// tickets is a drill-down loaded when its panel is opened. The overview is fetched again only
// when the event stream says it changed (an "overview" event with its new ETag), revalidated
// with If-None-Match, plus a slow fallback timer.
"use strict";

const TEXT = {
  zh: {
    title: "乡镇治理驾驶舱", connecting: "连接中…", live: "实时动态", partial: "部分数据", offline: "离线",
    logout: "退出", signIn: "登录", login: "账号", password: "密码", back: "返回",
    byStatus: "各环节数量", byVillage: "按村/社区", byCategory: "按类别", byDepartment: "按部门",
    openEvents: "在办事件（超期优先）", allOpen: "全部在办事件", tickets: "事件总数", open: "在办", closed: "已办结", overdue: "超期",
    responseRate: "响应率", resolutionRate: "解决率", satisfactionRate: "满意率", onTimeRate: "按时办结率",
    notWired: "未接入", unavailable: "不可用", degraded: "部分可用", ok: "正常", escalated: "已督办",
    due: "期限", none: "暂无", badLogin: "账号或密码错误", locked: "尝试过多，请稍后再试",
    services: { "intake": "诉求受理", "canteen-meals": "老年助餐", "job-fair": "招聘会", "enterprise-liaison": "企业联络" },
    status: { SUBMITTED: "待受理", ACCEPTED: "已受理", REJECTED: "不予受理", DUPLICATE: "重复件", DISPATCHED: "已派单", RETURNED: "已退单",
      SIGNED: "已签收", IN_PROGRESS: "办理中", REPLIED: "已回复", FOLLOWED_UP: "已回访", CLOSED: "已办结" },
    action: { SUBMIT: "提交", ACCEPT: "受理", REJECT: "不予受理", MARK_DUPLICATE: "标记重复", RESOLVE_AT_VILLAGE: "村级办理", DISPATCH: "派单",
      SIGN: "签收", RETURN_TO_TRIAGE: "退单", START_HANDLING: "开始办理", REPLY: "回复", FOLLOW_UP: "回访", CLOSE: "办结", ATTACH: "附件",
      REMIND: "催办", ESCALATE: "督办" },
    stages: ["受理", "分派", "签收", "办理", "回复", "回访", "办结"],
  },
  en: {
    title: "Township cockpit", connecting: "Connecting…", live: "Live", partial: "Partial data", offline: "Offline",
    logout: "Sign out", signIn: "Sign in", login: "Login", password: "Password", back: "Back",
    byStatus: "By stage", byVillage: "By village", byCategory: "By category", byDepartment: "By department",
    openEvents: "Open events (overdue first)", allOpen: "All open events", tickets: "Tickets", open: "Open", closed: "Closed", overdue: "Overdue",
    responseRate: "Response", resolutionRate: "Resolution", satisfactionRate: "Satisfaction", onTimeRate: "On time",
    notWired: "Not connected", unavailable: "Unavailable", degraded: "Degraded", ok: "OK", escalated: "Escalated",
    due: "Due", none: "None", badLogin: "Unknown login or wrong password", locked: "Too many attempts; try later",
    services: { "intake": "Intake", "canteen-meals": "Elderly meals", "job-fair": "Job fair", "enterprise-liaison": "Enterprise liaison" },
    status: { SUBMITTED: "Submitted", ACCEPTED: "Accepted", REJECTED: "Rejected", DUPLICATE: "Duplicate", DISPATCHED: "Dispatched", RETURNED: "Returned",
      SIGNED: "Signed", IN_PROGRESS: "In progress", REPLIED: "Replied", FOLLOWED_UP: "Followed up", CLOSED: "Closed" },
    action: { SUBMIT: "Submitted", ACCEPT: "Accepted", REJECT: "Rejected", MARK_DUPLICATE: "Marked duplicate", RESOLVE_AT_VILLAGE: "Kept at village",
      DISPATCH: "Dispatched", SIGN: "Signed", RETURN_TO_TRIAGE: "Returned", START_HANDLING: "Handling", REPLY: "Replied", FOLLOW_UP: "Followed up",
      CLOSE: "Closed", ATTACH: "Attachment", REMIND: "Reminder", ESCALATE: "Escalated" },
    stages: ["Accept", "Route", "Sign", "Handle", "Reply", "Follow-up", "Close"],
  },
};
// How far along the flow each status is (index into stages, 0-based; -1 before acceptance).
const STAGE = { SUBMITTED: -1, ACCEPTED: 0, RETURNED: 0, DISPATCHED: 1, SIGNED: 2, IN_PROGRESS: 3, REPLIED: 4, FOLLOWED_UP: 5, CLOSED: 6, REJECTED: 6, DUPLICATE: 6 };

const state = {
  names: { village: {}, category: {}, department: {} }, live: true, lang: localStorage.getItem("cockpit.lang") || "zh", token: null,
  overview: null, etag: null, source: null, refresh: null,
  // Overview fetches by reason ("start", "notice", "reconnect", "timer"), shown as data-loads-<reason> for tests.
  loads: {},
};
// Without an "overview" event (no event stream, or a backend without events), the overview is
// still fetched this often; a 304 when nothing changed.
const FALLBACK_REFRESH_MS = 5 * 60 * 1000;
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key];
const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.setAttribute("class", value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}
const strip = (name, prefix) => (name || "").replace(prefix, "");
const num = (value) => Number(value || 0);
const localized = (text) => (text ? (state.lang === "en" && text.en ? text.en : text.zh) : "");
const nameOf = (kind, id) => localized(state.names[kind][id]) || id;
const rate = (r) => (r && num(r.denominator) > 0 ? Math.round((100 * num(r.numerator)) / num(r.denominator)) + "%" : "—");

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const response = await fetch(path, { ...options, headers, cache: "no-store" });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && path !== "/api/auth/login") { signOut(); }
  if (!response.ok) { const error = new Error((body && body.error && body.error.message) || response.statusText); error.status = response.status; throw error; }
  return body;
}

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = state.lang === "zh" ? "English" : "中文";
  if (state.overview) render(state.overview);
}

// --- Charts ---------------------------------------------------------------------------------

function barChart(container, rows) {
  container.replaceChildren();
  if (!rows.length) { container.append(el("p", { class: "meta" }, t("none"))); return; }
  const width = 480, bar = 22, gap = 8, label = 150, height = rows.length * (bar + gap) + gap;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = el("svg:svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  rows.forEach((row, i) => {
    const y = gap + i * (bar + gap);
    const w = Math.max(2, ((width - label - 50) * row.value) / max);
    svg.append(el("svg:text", { x: label - 6, y: y + bar * 0.7, "text-anchor": "end" }, row.label));
    svg.append(el("svg:rect", { x: label, y, width: w, height: bar, rx: 3, fill: row.color || "#4aa3ff" }));
    if (row.extra) svg.append(el("svg:rect", { x: label, y: y + bar - 5, width: Math.max(0, ((width - label - 50) * row.extra) / max), height: 5, fill: "#ef5b5b" }));
    svg.append(el("svg:text", { x: label + w + 6, y: y + bar * 0.7, "data-chart-value": row.key }, String(row.value)));
  });
  container.append(svg);
}

function donut(value, total, color) {
  const r = 26, c = 2 * Math.PI * r, share = total > 0 ? value / total : 0;
  return el("svg:svg", { viewBox: "0 0 64 64", width: 56, height: 56 },
    el("svg:circle", { cx: 32, cy: 32, r, fill: "none", stroke: "#2a3d5c", "stroke-width": 8 }),
    el("svg:circle", { cx: 32, cy: 32, r, fill: "none", stroke: color, "stroke-width": 8, "stroke-dasharray": `${c * share} ${c}`, transform: "rotate(-90 32 32)" }));
}

// --- Overview -------------------------------------------------------------------------------

function figure(key, value) {
  return el("div", { class: "figure" }, el("b", { "data-figure": key }, String(value)), el("span", {}, t(key)));
}

function tile(service, section) {
  const status = !service.wired ? "unavailable" : section ? section.status : "unavailable";
  const box = el("article", { class: `tile ${service.wired ? status : "idle"}`, "data-service": service.name, "data-status": service.wired ? status : "not_wired" },
    el("h3", {}, TEXT[state.lang].services[service.name] || service.name));
  if (!service.wired) { box.append(el("p", { class: "reason" }, t("notWired"))); return box; }
  if (status !== "ok") box.append(el("p", { class: "reason" }, `${t(status)}${section && section.reason ? ": " + section.reason : ""}`));
  const data = (section && section.data) || {};
  if (service.name === "intake" && data.statistics) {
    const o = data.statistics.overall || {};
    box.append(el("div", { class: "figures" },
      figure("tickets", num(o.ticketCount)), figure("open", num(o.openCount)), figure("closed", num(o.closedCount)), figure("overdue", num(o.overdueCount))));
    box.append(el("div", { class: "figures" },
      el("div", { class: "figure" }, donut(num((o.responseRate || {}).numerator), num((o.responseRate || {}).denominator), "#3ecf8e"), el("span", {}, `${t("responseRate")} ${rate(o.responseRate)}`)),
      el("div", { class: "figure" }, donut(num((o.resolutionRate || {}).numerator), num((o.resolutionRate || {}).denominator), "#4aa3ff"), el("span", {}, `${t("resolutionRate")} ${rate(o.resolutionRate)}`)),
      el("div", { class: "figure" }, donut(num((o.satisfactionRate || {}).numerator), num((o.satisfactionRate || {}).denominator), "#f5b642"), el("span", {}, `${t("satisfactionRate")} ${rate(o.satisfactionRate)}`)),
      el("div", { class: "figure" }, donut(num((o.onTimeRate || {}).numerator), num((o.onTimeRate || {}).denominator), "#b78cff"), el("span", {}, `${t("onTimeRate")} ${rate(o.onTimeRate)}`))));
  } else if (status === "ok" || status === "degraded") {
    const figures = el("div", { class: "figures" });
    for (const [key, value] of Object.entries(data)) if (typeof value === "number") figures.append(el("div", { class: "figure" }, el("b", { "data-figure": `${service.name}.${key}` }, String(value)), el("span", {}, key)));
    box.append(figures);
  }
  return box;
}

function stages(status) {
  const reached = STAGE[status] ?? -1;
  return el("div", { class: "stages", title: TEXT[state.lang].status[status] || status }, ...t("stages").map((_, i) => el("i", { class: i <= reached ? "done" : "" })));
}

function eventItem(ticket) {
  const status = strip(ticket.status, "TICKET_STATUS_");
  const deadline = ticket.deadline || {};
  const classes = [deadline.overdue ? "overdue" : "", deadline.escalated ? "escalated" : ""].join(" ");
  const place = ((ticket.submission || {}).place || {});
  return el("li", { class: classes, "data-ticket": ticket.id.value, onclick: () => showTicket(ticket.id.value) },
    el("div", {}, el("b", {}, ticket.number || ticket.id.value), " ", (ticket.submission || {}).problemDescription || ""),
    el("div", { class: "meta" },
      `${TEXT[state.lang].status[status] || status} · ${nameOf("village", (place.villageId || {}).value || "")}`,
      deadline.dueAt ? ` · ${t("due")} ${new Date(deadline.dueAt).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB")}` : "",
      deadline.overdue ? ` · ${t("overdue")}` : "", deadline.escalated ? ` · ${t("escalated")}` : ""),
    stages(status));
}

function render(overview) {
  state.overview = overview;
  const sections = overview.sections || {};
  $("status").textContent = overview.complete ? t("live") : t("partial");
  $("status").className = "status " + (overview.complete ? "live" : "partial");
  $("tiles").replaceChildren(...(overview.services || []).map((service) => tile(service, sections[service.name])));
  const intake = (sections.intake && sections.intake.data) || {};
  const stats = intake.statistics || {};
  barChart($("chart-status"), (stats.byStatus || []).map((s) => {
    const key = strip(s.status, "TICKET_STATUS_");
    return { key, label: TEXT[state.lang].status[key] || key, value: num(s.count) };
  }));
  const figureRows = (list, idKey, kind) => (list || []).map((entry) => {
    const id = (entry[idKey] || {}).value || "—";
    return { key: id, label: nameOf(kind, id), value: num((entry.figures || {}).ticketCount), extra: num((entry.figures || {}).overdueCount) };
  });
  barChart($("chart-village"), figureRows(stats.byVillage, "villageId", "village"));
  barChart($("chart-category"), figureRows(stats.byCategory, "categoryId", "category"));
  barChart($("chart-department"), figureRows(stats.byDepartment, "departmentId", "department"));
  const open = intake.openTickets || [];
  $("open-events").replaceChildren(...(open.length ? open.map(eventItem) : [el("li", { class: "meta" }, t("none"))]));
  const total = num(intake.openTicketsCount);
  $("open-more").hidden = total <= open.length;
  $("open-more-label").textContent = `${t("allOpen")} (${total})`;
  // An open drill-down follows the overview's version.
  if ($("open-more").open) loadAllOpen();
  // Each service's own panel script (cockpit-<service>.js) draws its part from the same overview.
  document.dispatchEvent(new CustomEvent("cockpit:overview", { detail: overview }));
  document.body.dataset.rendered = "true";
}

// Names of villages, categories and departments for the charts; ids are shown if this fails.
async function loadNames() {
  const lists = [["village", "/api/intake/villages", "villages"], ["category", "/api/intake/categories", "categories"], ["department", "/api/intake/departments", "departments"]];
  await Promise.all(lists.map(async ([kind, path, field]) => {
    try {
      const answer = await api(path);
      for (const item of answer[field] || []) state.names[kind][item.id.value] = item.name;
    } catch (error) { /* the intake backend may not be wired */ }
  }));
  if (state.overview) render(state.overview);
}

// Fetches the overview unless the version the page has is current (304).
async function loadOverview(reason) {
  state.loads[reason] = (state.loads[reason] || 0) + 1;
  document.body.dataset["loads" + reason[0].toUpperCase() + reason.slice(1)] = String(state.loads[reason]);
  try {
    const headers = state.etag ? { "If-None-Match": state.etag } : {};
    const response = await fetch("/api/cockpit/overview", { headers: { ...headers, Authorization: "Bearer " + state.token }, cache: "no-store" });
    if (response.status === 304) return;
    if (response.status === 401) { signOut(); return; }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.error && body.error.message) || response.statusText);
    state.etag = response.headers.get("ETag");
    render(body);
  } catch (error) { $("status").textContent = `${t("offline")}: ${error.message}`; $("status").className = "status partial"; }
}

// The whole list of open tickets (the overview has the first few), when its panel is open.
async function loadAllOpen() {
  try {
    const answer = await api("/api/cockpit/intake/open-tickets");
    const all = answer.openTickets || [];
    $("open-events-all").replaceChildren(...(all.length ? all.map(eventItem) : [el("li", { class: "meta" }, t("none"))]));
    $("open-more").dataset.loaded = String(all.length);
  } catch (error) { $("open-events-all").replaceChildren(el("li", { class: "meta" }, error.message)); }
}

// --- Live events ----------------------------------------------------------------------------

function follow() {
  if (state.source) state.source.close();
  const source = new EventSource("/api/events?access_token=" + encodeURIComponent(state.token));
  state.source = source;
  let opened = false;
  source.addEventListener("intake", (message) => {
    const data = JSON.parse(message.data);
    const event = data.event || {};
    const action = strip(event.action, "ACTION_");
    const ticket = data.ticket || {};
    $("live").prepend(el("li", {}, `${new Date(event.occurredAt || Date.now()).toLocaleTimeString()} ${ticket.number || ""} ${TEXT[state.lang].action[action] || action}`));
    while ($("live").children.length > 30) $("live").lastChild.remove();
  });
  // The gateway says when the overview changed (at most one such event per interval, however
  // many ticket events): fetch it then, unless the page has that version already.
  source.addEventListener("overview", (message) => {
    const data = JSON.parse(message.data);
    if (data.etag !== state.etag) loadOverview("notice");
  });
  source.onerror = () => { $("status").textContent = t("offline"); };
  // After a reconnect, "overview" events may have been missed: revalidate (304 if none were).
  source.onopen = () => { if (opened) loadOverview("reconnect"); opened = true; };
}

// --- Drill-down -----------------------------------------------------------------------------

async function showTicket(id) {
  try {
    const answer = await api("/api/intake/tickets/" + encodeURIComponent(id));
    const ticket = answer.ticket || {};
    const status = strip(ticket.status, "TICKET_STATUS_");
    $("detail-title").textContent = `${ticket.number || id} · ${TEXT[state.lang].status[status] || status}`;
    $("detail-summary").textContent = (ticket.submission || {}).problemDescription || "";
    $("timeline").replaceChildren(...(answer.timeline || []).map((event) => {
      const action = strip(event.action, "ACTION_");
      return el("li", { "data-action": action }, el("b", {}, TEXT[state.lang].action[action] || action),
        el("div", { class: "meta" }, `${new Date(event.occurredAt).toLocaleString()} · ${(event.actor || {}).displayName || ""} ${event.note || ""}`));
    }));
    $("cockpit").hidden = true;
    $("detail").hidden = false;
    $("detail").dataset.ticket = id;
  } catch (error) { alert(error.message); }
}

// --- Session --------------------------------------------------------------------------------

function start(token) {
  state.token = token;
  sessionStorage.setItem("cockpit.token", token);
  $("login").hidden = true;
  $("cockpit").hidden = false;
  $("logout").hidden = false;
  loadOverview("start");
  loadNames();
  // "#live=off" leaves out the event stream (for snapshots by a headless browser).
  if (state.live) follow();
  clearInterval(state.refresh);
  state.refresh = setInterval(() => loadOverview("timer"), FALLBACK_REFRESH_MS);
}

function signOut() {
  if (state.source) state.source.close();
  clearInterval(state.refresh);
  state.token = null;
  state.etag = null;
  sessionStorage.removeItem("cockpit.token");
  $("cockpit").hidden = true;
  $("detail").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
}

document.addEventListener("DOMContentLoaded", () => {
  $("lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; localStorage.setItem("cockpit.lang", state.lang); translate(); });
  $("back").addEventListener("click", () => { $("detail").hidden = true; $("cockpit").hidden = false; });
  $("open-more").addEventListener("toggle", () => { if ($("open-more").open) loadAllOpen(); });
  $("logout").addEventListener("click", async () => { try { await api("/api/auth/logout", { method: "POST" }); } finally { signOut(); } });
  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const answer = await api("/api/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ login: form.get("login"), password: form.get("password") }) });
      start(answer.token);
    } catch (error) { $("login-error").textContent = error.status === 429 ? t("locked") : t("badLogin"); }
  });
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("lang") === "en" || params.get("lang") === "zh") state.lang = params.get("lang");
  if (params.get("live") === "off") state.live = false;
  // "#open=all" opens the whole list of open tickets (links, snapshots).
  if (params.get("open") === "all") $("open-more").open = true;
  translate();
  const token = params.get("token") || sessionStorage.getItem("cockpit.token");
  if (params.get("token")) history.replaceState(null, "", location.pathname);
  if (token) start(token); else signOut();
  // "#ticket=<id>" opens a ticket's timeline directly (links from elsewhere, snapshots).
  if (token && params.get("ticket")) showTicket(params.get("ticket"));
});
