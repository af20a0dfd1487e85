// The cockpit's job-fair panel, apart from cockpit.js so that each service's panel lives in
// its own file: it draws the "job-fair" section of the overview (the newest fair's figures:
// positions, applicants, matched, hired, unfilled, and the latest round's matched/unmatched;
// hires per sector and per enterprise). It listens for cockpit.js's "cockpit:overview"
// event so that it redraws whenever the overview does, and stays hidden when the backend is not wired.
"use strict";

const JOB_FAIR_TEXT = {
  zh: { title: "招聘会", round: "最新一轮", matched: "已匹配", unmatched: "未匹配", positions: "岗位", applicants: "求职者",
    hired: "已录用", unfilled: "未招满岗位", bySector: "按行业录用", byEnterprise: "按企业录用（前10）", noRound: "尚未匹配",
    sectors: { MANUFACTURING: "制造业", LOGISTICS: "物流", SERVICES: "服务业", AGRICULTURE_PROCESSING: "农产品加工" } },
  en: { title: "Job fair", round: "Latest round", matched: "Matched", unmatched: "Unmatched", positions: "Positions", applicants: "Applicants",
    hired: "Hired", unfilled: "Unfilled positions", bySector: "Hires by sector", byEnterprise: "Hires by enterprise (top 10)", noRound: "Not matched yet",
    sectors: { MANUFACTURING: "Manufacturing", LOGISTICS: "Logistics", SERVICES: "Services", AGRICULTURE_PROCESSING: "Agricultural processing" } },
};

function renderJobFairPanel(overview) {
  const panel = document.getElementById("job-fair-panel");
  if (!panel) return;
  const section = ((overview || {}).sections || {})["job-fair"];
  const data = (section && section.data) || {};
  const figures = data.figures;
  if (!figures) { panel.hidden = true; return; }
  const text = JOB_FAIR_TEXT[state.lang] || JOB_FAIR_TEXT.zh;
  const totals = figures.totals || {};
  const count = (key, label, value) => el("div", { class: "figure" }, el("b", { "data-job-fair": key }, String(num(value))), el("span", {}, label));
  const round = num(figures.latestRound);
  panel.replaceChildren(
    el("h2", {}, `${text.title}: ${(figures.fair || {}).name || ""}`),
    el("div", { class: "figures" },
      count("positions", text.positions, totals.positions), count("applicants", text.applicants, totals.seekers),
      count("matched", text.matched, totals.matched), count("hired", text.hired, totals.hires),
      count("unfilled", text.unfilled, totals.unfilledPositions)),
    el("p", { class: "meta", "data-job-fair": "round" }, round > 0
      ? `${text.round} #${round}: ${text.matched} ${num(totals.matched)} · ${text.unmatched} ${num(totals.unmatched)}`
      : text.noRound),
    el("div", { class: "grid" },
      el("section", {}, el("h3", {}, text.bySector), el("div", { id: "job-fair-sectors", class: "chart" })),
      el("section", {}, el("h3", {}, text.byEnterprise), el("div", { id: "job-fair-enterprises", class: "chart" }))));
  barChart(document.getElementById("job-fair-sectors"), (figures.sectors || []).map((row) => {
    const key = strip(row.sector, "SECTOR_");
    return { key, label: text.sectors[key] || key, value: num((row.figures || {}).hires) };
  }));
  barChart(document.getElementById("job-fair-enterprises"), (figures.enterprises || []).slice(0, 10).map((row) => (
    { key: (row.enterpriseId || {}).value || "", label: row.name || "", value: num((row.figures || {}).hires) })));
  panel.hidden = false;
}

// cockpit.js announces every overview it draws (the "cockpit:overview" event).
document.addEventListener("cockpit:overview", (event) => renderJobFairPanel(event.detail));
