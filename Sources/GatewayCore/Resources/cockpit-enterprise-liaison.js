// The cockpit's enterprise-liaison panel (its own file, so each service's panel stays apart):
// the help figures, the problem list's open items by type and state with overdue items first,
// and claim and on-time answer rates by department. Drawn from the overview's
// "enterprise-liaison" section each time cockpit.js renders (the "cockpit:overview" event).
"use strict";

(() => {
  const TEXT = {
    zh: {
      title: "企业联络 · 问题清单", liaisons: "党建指导员", organisations: "企业和社会组织", visits: "走访", hires: "帮助招工",
      tax: "争取税收优惠（万元）", party: "成立党组织", mass: "成立群团组织", safety: "签订安全整改承诺书", suggestions: "收集建议",
      claimRate: "认领率", onTime: "7日内答复率", cleared: "销号率", overdue: "超期", open: "在办问题（超期优先）",
      byDepartment: "部门认领与答复", none: "暂无", unavailable: "不可用",
      type: { INDIVIDUAL: "个性", COMMON: "共性", DIFFICULT: "疑难" },
      state: { PUBLISHED: "待认领", CLAIMED: "已认领", ANSWERED: "已答复", CLEARED: "已销号", FILED: "待审核", MERGED: "已合并" },
    },
    en: {
      title: "Enterprise liaison · problem list", liaisons: "Liaisons", organisations: "Enterprises & organisations", visits: "Visits",
      hires: "Hires helped", tax: "Tax benefits (10k yuan)", party: "Party organisations", mass: "Mass organisations",
      safety: "Safety agreements", suggestions: "Suggestions", claimRate: "Claim rate", onTime: "Answered in 7 days",
      cleared: "Cleared", overdue: "Overdue", open: "Open items (overdue first)", byDepartment: "Claims and answers by department",
      none: "None", unavailable: "Unavailable",
      type: { INDIVIDUAL: "Individual", COMMON: "Common", DIFFICULT: "Difficult" },
      state: { PUBLISHED: "Unclaimed", CLAIMED: "Claimed", ANSWERED: "Answered", CLEARED: "Cleared", FILED: "In review", MERGED: "Merged" },
    },
  };
  const lang = () => (localStorage.getItem("cockpit.lang") === "en" ? "en" : "zh");
  const t = (key) => TEXT[lang()][key];
  const n = (v) => Number(v || 0);
  const strip = (v, prefix) => String(v || "").replace(prefix, "");
  const permille = (v) => `${(n(v) / 10).toFixed(1)}%`;

  function node(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }

  function panel() {
    let section = document.getElementById("panel-enterprise-liaison");
    if (!section) {
      section = node("section", { id: "panel-enterprise-liaison", class: "panel", "data-service": "enterprise-liaison" });
      const cockpit = document.getElementById("cockpit");
      if (!cockpit) return null;
      cockpit.append(section);
    }
    return section;
  }

  function figure(key, value) {
    return node("div", { class: "figure" }, node("b", { "data-figure": `enterprise-liaison.${key}` }, String(value)), node("span", {}, t(key)));
  }

  function item(entry) {
    const type = strip(entry.type, "PROBLEM_TYPE_"), state = strip(entry.state, "PROBLEM_STATE_");
    const department = (entry.departmentId || {}).value || "";
    return node("li", { class: entry.overdue ? "overdue" : "", "data-liaison-item": String(entry.itemId) },
      node("div", {}, node("b", {}, `#${entry.itemId}`), ` [${TEXT[lang()].type[type] || type}] ${entry.title || ""}`),
      node("div", { class: "meta" }, `${entry.period} · ${TEXT[lang()].state[state] || state}${department ? " · " + department : ""}${entry.overdue ? " · " + t("overdue") : ""}`));
  }

  function render(overview) {
    const section = panel();
    if (!section) return;
    const data = (((overview || {}).sections || {})["enterprise-liaison"] || {}).data;
    if (!data) { section.replaceChildren(node("h2", {}, t("title")), node("p", { class: "meta" }, t("unavailable"))); return; }
    const figures = data.figures || {}, help = figures.help || {}, total = figures.total || {};
    const liaisons = n(help.zoneDepartmentLiaisons) + n(help.provincialLiaisons) + n(help.municipalLiaisons);
    const tax = Math.round(n((help.taxBenefits || {}).amountFen) / 1000000);
    const rows = (figures.byDepartment || []).map((d) => node("tr", { "data-department": (d.departmentId || {}).value || "" },
      node("td", {}, (d.departmentId || {}).value || "—"), node("td", {}, permille((d.counts || {}).claimRatePermille)),
      node("td", {}, permille((d.counts || {}).answeredOnTimePermille)), node("td", {}, String(n((d.counts || {}).overdue)))));
    const open = data.openItems || [];
    section.replaceChildren(
      node("h2", {}, t("title")),
      node("div", { class: "figures" }, figure("liaisons", liaisons), figure("organisations", n(help.enterprises) + n(help.socialOrganisations)),
        figure("visits", n(help.visits)), figure("hires", n(help.hires)), figure("tax", tax), figure("party", n(help.partyOrganisations)),
        figure("mass", n(help.massOrganisations)), figure("safety", n(help.safetyAgreements)), figure("suggestions", n(help.suggestions))),
      node("div", { class: "figures" }, figure("claimRate", permille(total.claimRatePermille)), figure("onTime", permille(total.answeredOnTimePermille)),
        figure("cleared", permille(total.clearedPermille)), figure("overdue", n(total.overdue))),
      node("h3", {}, t("byDepartment")),
      node("table", { class: "liaison-departments" }, node("tr", {}, node("th", {}, ""), node("th", {}, t("claimRate")), node("th", {}, t("onTime")), node("th", {}, t("overdue"))), ...rows),
      node("h3", {}, t("open")),
      node("ol", { class: "events", id: "liaison-open-items" }, ...(open.length ? open.map(item) : [node("li", { class: "meta" }, t("none"))])));
  }

  document.addEventListener("cockpit:overview", (event) => render(event.detail));
})();
