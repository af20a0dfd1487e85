// The canteen-meals panel of the cockpit (its own file so that each service's panel stays
// apart): meals served today and this month by canteen, elders by tier, the 15-minute meal
// circle by community, and a map-like SVG of the canteens' circles and the elders outside
// them. It reads the "canteen-meals" section of /api/cockpit/overview and uses the page's
// helpers (el, barChart, num, state, $).
"use strict";
(function () {
  const WORDS = {
    zh: { canteenMeals: "老年助餐", mealsToday: "今日就餐（按食堂）", mealsMonth: "本月就餐", eldersByTier: "老人（按年龄段）",
          coverage: "15分钟助餐圈覆盖（按社区）", map: "食堂服务圈与圈外老人", covered: "覆盖", uncoveredShown: "圈外老人（示例）",
          operating: "运营中", building: "建设中" },
    en: { canteenMeals: "Meal assistance", mealsToday: "Meals today by canteen", mealsMonth: "Meals this month", eldersByTier: "Elders by age tier",
          coverage: "15-minute meal circle by community", map: "Canteen circles and elders outside them", covered: "covered",
          uncoveredShown: "uncovered elders (sample)", operating: "operating", building: "under construction" },
  };
  const word = (key) => (WORDS[state.lang] || WORDS.zh)[key] || key;
  const TIERS = { AGE_TIER_60_TO_69: "60–69", AGE_TIER_70_TO_79: "70–79", AGE_TIER_80_PLUS: "80+" };

  function panel() {
    let section = document.getElementById("canteen-panel");
    if (section) return section;
    section = el("section", { id: "canteen-panel", class: "panel", "data-service": "canteen-meals" });
    $("cockpit").insertBefore(section, $("live").closest("section"));
    return section;
  }

  // Longitude/latitude to the SVG's square, north up, one scale for both axes (metres).
  function mapOf(canteens, elders, radiusMeters) {
    const points = canteens.map((c) => c.location || {}).concat(elders.map((e) => e.home || {})).filter((p) => p.latitude !== undefined);
    const size = 480;
    const svg = el("svg:svg", { viewBox: `0 0 ${size} ${size}`, role: "img", id: "canteen-map" });
    if (!points.length) return svg;
    const lat0 = points.reduce((s, p) => s + p.latitude, 0) / points.length;
    const mx = 111320 * Math.cos((lat0 * Math.PI) / 180), my = 110540;
    const xs = points.map((p) => p.longitude * mx), ys = points.map((p) => p.latitude * my);
    const minX = Math.min(...xs) - radiusMeters, maxX = Math.max(...xs) + radiusMeters;
    const minY = Math.min(...ys) - radiusMeters, maxY = Math.max(...ys) + radiusMeters;
    const scale = (size - 20) / Math.max(maxX - minX, maxY - minY, 1);
    const px = (p) => 10 + (p.longitude * mx - minX) * scale;
    const py = (p) => size - 10 - (p.latitude * my - minY) * scale;
    for (const c of canteens) {
      const operating = c.status === "CANTEEN_STATUS_OPERATING";
      if (!c.location) continue;
      svg.append(el("svg:circle", { cx: px(c.location), cy: py(c.location), r: radiusMeters * scale, class: "canteen-circle",
        fill: operating ? "rgba(74,163,255,0.18)" : "none", stroke: operating ? "#4aa3ff" : "#8a99b3",
        "stroke-dasharray": operating ? "" : "4 3" }));
    }
    for (const e of elders) {
      if (!e.home) continue;
      svg.append(el("svg:circle", { cx: px(e.home), cy: py(e.home), r: 2, fill: "#ef5b5b", class: "elder-dot" }));
    }
    for (const c of canteens) {
      if (!c.location) continue;
      svg.append(el("svg:rect", { x: px(c.location) - 4, y: py(c.location) - 4, width: 8, height: 8,
        fill: c.status === "CANTEEN_STATUS_OPERATING" ? "#4aa3ff" : "#8a99b3" }, el("svg:title", {}, c.name)));
    }
    return svg;
  }

  function renderCanteen(sections) {
    const section = sections["canteen-meals"];
    const data = (section && section.data) || null;
    const container = panel();
    container.hidden = !data;
    if (!data) return;
    const figures = data.figures || {}, coverage = data.coverage || {}, canteens = (data.canteens || {}).canteens || [];
    const today = el("div", { class: "chart", id: "canteen-meals-today" });
    const month = el("div", { class: "chart", id: "canteen-meals-month" });
    const tiers = el("div", { class: "chart", id: "canteen-elders-tier" });
    const communities = el("div", { class: "chart", id: "canteen-coverage" });
    const rows = (figures.canteens || []).map((c) => ({ key: c.canteenId.value, label: c.name, value: num(c.mealsOnDay), month: num(c.mealsInMonth) }));
    barChart(today, rows);
    barChart(month, rows.map((r) => ({ ...r, value: r.month })));
    barChart(tiers, (figures.eldersByTier || []).map((t) => ({ key: t.tier, label: TIERS[t.tier] || t.tier, value: num(t.elders) })));
    barChart(communities, (coverage.communities || []).map((c) => {
      const total = num(c.total), covered = num(c.covered);
      return { key: c.communityId.value, label: `${c.communityId.value} ${total ? Math.round((100 * covered) / total) : 0}%`, value: covered, extra: total - covered };
    }));
    const share = num(coverage.total) ? Math.round((100 * num(coverage.covered)) / num(coverage.total)) : 0;
    container.replaceChildren(
      el("h2", {}, word("canteenMeals")),
      el("div", { class: "charts" },
        el("section", { class: "panel" }, el("h2", {}, word("mealsToday")), today),
        el("section", { class: "panel" }, el("h2", {}, word("mealsMonth")), month),
        el("section", { class: "panel" }, el("h2", {}, word("eldersByTier")), tiers),
        el("section", { class: "panel" }, el("h2", {}, `${word("coverage")} · ${word("covered")} ${share}%`), communities)),
      el("section", { class: "panel" },
        el("h2", {}, word("map")),
        el("p", { class: "meta" }, `${word("operating")} ■ · ${word("building")} ▢ · ${word("uncoveredShown")} ●`),
        mapOf(canteens, coverage.uncovered || [], num(coverage.radiusMeters) || 769)));
  }

  // cockpit.js announces every overview it draws (the "cockpit:overview" event).
  document.addEventListener("cockpit:overview", (event) => renderCanteen(event.detail.sections || {}));
})();
