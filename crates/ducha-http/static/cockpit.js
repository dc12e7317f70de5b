// The leader's dashboard (驾驶舱): every chart and its data table drawn from the one JSON answer
// of /api/v1/cockpit with the vendored ECharts (no CDN). Each chart opens the list behind it
// when clicked; its table carries the same figures as links, for screen readers and for
// readers without canvas. The wall screen (data-refresh > 0) fetches the answer again every
// N seconds and redraws in place, without reloading the page.
(function () {
  "use strict";
  var LIGHTS = ["green", "blue", "yellow", "red"];
  var COLORS = { green: "#2e7d32", blue: "#1565c0", yellow: "#f2a900", red: "#c62828" };

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function q(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }
  function table(head, rows) {
    var h = "<table><thead><tr>" + head.map(function (c) { return "<th scope=\"col\">" + esc(c) + "</th>"; }).join("") +
      "</tr></thead><tbody>";
    rows.forEach(function (r) {
      h += "<tr>" + r.map(function (c, i) {
        var cell = (c && typeof c === "object") ? "<a href=\"" + esc(c.href) + "\">" + esc(c.text) + "</a>" : esc(c);
        return i === 0 ? "<th scope=\"row\">" + cell + "</th>" : "<td>" + cell + "</td>";
      }).join("") + "</tr>";
    });
    return h + "</tbody></table>";
  }

  function Cockpit(root) {
    this.root = root;
    this.src = root.getAttribute("data-src");
    this.refresh = parseInt(root.getAttribute("data-refresh") || "0", 10);
    this.w = JSON.parse(root.getAttribute("data-words") || "{}");
    this.wall = this.refresh > 0;
    this.charts = {};
  }
  Cockpit.prototype.word = function (k) { return this.w[k] || k; };
  Cockpit.prototype.chart = function (name) {
    var fig = this.root.querySelector("[data-chart=\"" + name + "\"]");
    if (!fig) return null;
    var el = fig.querySelector("[data-canvas]");
    var c = this.charts[name];
    if (!c && window.echarts) {
      c = window.echarts.init(el, this.wall ? "dark" : null, { renderer: "canvas" });
      this.charts[name] = c;
    }
    return { fig: fig, chart: c, table: fig.querySelector("[data-table]") };
  };
  Cockpit.prototype.draw = function (name, option, onClick, head, rows) {
    var t = this.chart(name);
    if (!t) return;
    t.table.innerHTML = rows.length ? table(head, rows) : "<p class=\"muted\">" + esc(this.word("cockpit.none")) + "</p>";
    if (!t.chart) return;
    if (!rows.length) {
      option = { graphic: { type: "text", left: "center", top: "middle",
        style: { text: this.word("cockpit.none"), fontSize: this.wall ? 20 : 14, fill: "#8a94a0" } } };
      onClick = null;
    }
    var font = this.wall ? 16 : 12;
    option.animation = false;
    if (this.wall) option.backgroundColor = "transparent";
    option.textStyle = { fontSize: font };
    option.tooltip = option.tooltip || { trigger: "axis", axisPointer: { type: "shadow" } };
    t.chart.setOption(option, true);
    t.chart.off("click");
    if (onClick) t.chart.on("click", onClick);
  };
  Cockpit.prototype.go = function (href) { window.location.href = href; };

  Cockpit.prototype.render = function (d) {
    var self = this, w = function (k) { return self.word(k); };
    var narrow = this.root.clientWidth < 560;
    var axisFont = this.wall ? 15 : (narrow ? 10 : 12);
    // Lights overall.
    var kpis = this.root.querySelector("[data-kpis]");
    kpis.innerHTML = LIGHTS.map(function (l) {
      return "<div class=\"kpi light-" + l + "\"><span>" + esc(w("light." + l)) + "</span><strong data-kpi=\"" + l + "\">" +
        d.totals[l] + "</strong></div>";
    }).join("");
    var rootEl = document.querySelector("[data-root]");
    if (rootEl) rootEl.textContent = d.root_name;

    // Lights by unit: one stacked bar per unit, a click opens the register on that unit and light.
    var units = d.units.slice().reverse();
    this.draw("units", {
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: units.map(function (u) { return u.name; }),
        axisLabel: { width: narrow ? 80 : 170, overflow: "truncate", interval: 0, fontSize: this.wall ? 13 : axisFont } },
      series: LIGHTS.map(function (l) {
        return { id: l, name: w("light." + l), type: "bar", stack: "l", itemStyle: { color: COLORS[l] },
          data: units.map(function (u) { return u.lights[l]; }) };
      })
    }, function (p) {
      var u = units[p.dataIndex];
      if (u) self.go("/items?" + q({ holder_id: u.unit_id, holder_light: p.seriesId }));
    }, [w("cockpit.unit")].concat(LIGHTS.map(function (l) { return w("light." + l); })).concat([w("cockpit.total")]),
    d.units.map(function (u) {
      var row = [u.name], sum = 0;
      LIGHTS.forEach(function (l) {
        sum += u.lights[l];
        row.push({ href: "/items?" + q({ holder_id: u.unit_id, holder_light: l }), text: String(u.lights[l]) });
      });
      row.push({ href: "/items?" + q({ holder_id: u.unit_id }), text: String(sum) });
      return row;
    }));

    // Lights by level: a click lists that level's units in the chart above.
    var levelName = function (l) { return w("cockpit.level_n").replace("{n}", l.level - d.root_level + 1); };
    this.draw("levels", {
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.levels.map(levelName) },
      yAxis: { type: "value", minInterval: 1 },
      series: LIGHTS.map(function (l) {
        return { id: l, name: w("light." + l), type: "bar", stack: "l", itemStyle: { color: COLORS[l] },
          data: d.levels.map(function (v) { return v.lights[l]; }) };
      })
    }, function (p) {
      var v = d.levels[p.dataIndex];
      if (v) self.level(v.level);
    }, [w("cockpit.level"), w("cockpit.units_at_level")].concat(LIGHTS.map(function (l) { return w("light." + l); })),
    d.levels.map(function (v) {
      return [levelName(v), String(v.units)].concat(LIGHTS.map(function (l) { return String(v.lights[l]); }));
    }));

    // On-time trend: items due per month, of which on time, and the rate.
    this.draw("trend", {
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.trend.map(function (m) { return m.month.slice(2); }) },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { name: w("cockpit.due"), type: "bar", itemStyle: { color: "#90a4ae" }, data: d.trend.map(function (m) { return m.due; }) },
        { name: w("cockpit.on_time"), type: "bar", itemStyle: { color: COLORS.green }, data: d.trend.map(function (m) { return m.on_time; }) },
        { name: w("cockpit.rate"), type: "line", yAxisIndex: 1, itemStyle: { color: "#6a1b9a" }, connectNulls: true,
          data: d.trend.map(function (m) { return m.rate; }) }
      ]
    }, function (p) {
      var m = d.trend[p.dataIndex];
      if (m) self.go("/items?" + q({ deadline_from: m.from, deadline_to: m.to, sort: "deadline" }));
    }, [w("cockpit.month"), w("cockpit.due"), w("cockpit.on_time"), w("cockpit.late"), w("cockpit.rate")],
    d.trend.map(function (m) {
      return [m.month, { href: "/items?" + q({ deadline_from: m.from, deadline_to: m.to, sort: "deadline" }), text: String(m.due) },
        String(m.on_time), String(m.late), m.rate == null ? "—" : String(m.rate)];
    }));

    // Red items, longest overdue first.
    var red = d.red_items.slice().reverse();
    this.draw("red", {
      grid: { left: 8, right: 16, top: 8, bottom: 28, containLabel: true },
      xAxis: { type: "value", minInterval: 1, name: w("cockpit.days_over"), nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "category", data: red.map(function (i) { return i.number || i.title; }),
        axisLabel: { width: narrow ? 80 : 140, overflow: "truncate", fontSize: axisFont } },
      series: [{ name: w("cockpit.days_over"), type: "bar", itemStyle: { color: COLORS.red },
        data: red.map(function (i) { return i.days_over; }) }]
    }, function (p) {
      var i = red[p.dataIndex];
      if (i) self.go("/items/" + i.id);
    }, [w("cockpit.number"), w("cockpit.title_col"), w("cockpit.deadline"), w("cockpit.days_over")],
    d.red_items.map(function (i) {
      return [i.number || "—", { href: "/items/" + i.id, text: i.title }, i.deadline, String(i.days_over)];
    }));

    // Where work stalls: the stall map's worst units one level down.
    var stall = d.stall.slice().reverse();
    this.draw("stall", {
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: stall.map(function (u) { return u.unit_name; }),
        axisLabel: { width: narrow ? 80 : 140, overflow: "truncate", fontSize: axisFont } },
      series: [
        { name: w("cockpit.lost_days"), type: "bar", itemStyle: { color: "#d84315" }, data: stall.map(function (u) { return u.lost_days; }) },
        { name: w("cockpit.unsigned"), type: "bar", itemStyle: { color: "#6d4c41" }, data: stall.map(function (u) { return u.unsigned; }) }
      ]
    }, function (p) {
      var u = stall[p.dataIndex];
      if (u) self.go("/analytics/units/" + u.unit_id);
    }, [w("cockpit.unit"), w("cockpit.lost_days"), w("cockpit.unsigned")],
    d.stall.map(function (u) {
      return [{ href: "/analytics/units/" + u.unit_id, text: u.unit_name }, String(u.lost_days), String(u.unsigned)];
    }));

    // Sources and categories: a click opens the register on that one.
    var counted = function (name, list, field) {
      self.draw(name, {
        tooltip: { trigger: "item" },
        legend: { show: false },
        series: [{ type: "pie", radius: narrow ? ["30%", "60%"] : ["35%", "65%"],
          label: { fontSize: axisFont, formatter: "{b}\n{c}" },
          data: list.map(function (c) { return { name: w(field + "." + c.name), value: c.n }; }) }]
      }, function (p) {
        var c = list[p.dataIndex];
        if (c) { var o = {}; o[field] = c.name; self.go("/items?" + q(o)); }
      }, [w("cockpit." + field), w("cockpit.items"), w("cockpit.open")],
      list.map(function (c) {
        var o = {}; o[field] = c.name;
        return [w(field + "." + c.name), { href: "/items?" + q(o), text: String(c.n) }, String(c.open)];
      }));
    };
    counted("sources", d.sources, "source");
    counted("categories", d.categories, "category");

    // Suggestions and proposals: registered, replied, satisfied.
    this.draw("proposals", {
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.proposals.map(function (s) { return w("cockpit.kind." + s.kind); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: w("cockpit.registered"), type: "bar", itemStyle: { color: "#546e7a" }, data: d.proposals.map(function (s) { return s.total; }) },
        { name: w("cockpit.replied"), type: "bar", itemStyle: { color: COLORS.blue }, data: d.proposals.map(function (s) { return s.replied; }) },
        { name: w("cockpit.satisfied"), type: "bar", itemStyle: { color: COLORS.green }, data: d.proposals.map(function (s) { return s.satisfied; }) }
      ]
    }, function (p) {
      var s = d.proposals[p.dataIndex];
      if (s) self.go("/proposals/sessions/" + s.session_id + "/stats");
    }, [w("cockpit.session"), w("cockpit.registered"), w("cockpit.replied"), w("cockpit.rate"), w("cockpit.satisfied"), w("cockpit.dissatisfied")],
    d.proposals.map(function (s) {
      return [{ href: "/proposals/sessions/" + s.session_id + "/stats", text: s.name }, String(s.total), String(s.replied),
        s.on_time_rate == null ? "—" : String(s.on_time_rate), String(s.satisfied), String(s.dissatisfied)];
    }));
  };

  Cockpit.prototype.level = function (level) {
    var u = new URL(this.src, window.location.href);
    u.searchParams.set("level", level);
    this.src = u.pathname + u.search;
    var page = new URL(window.location.href);
    page.searchParams.set("level", level);
    window.history.replaceState(null, "", page.pathname + page.search);
    this.load();
  };

  Cockpit.prototype.load = function () {
    var self = this;
    var status = this.root.querySelector("[data-status]");
    return fetch(this.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (d) {
        self.render(d);
        var now = new Date();
        var hh = function (n) { return (n < 10 ? "0" : "") + n; };
        var stamp = self.word("cockpit.updated") + " " + hh(now.getHours()) + ":" + hh(now.getMinutes()) + ":" + hh(now.getSeconds());
        status.textContent = stamp;
        var up = document.querySelector("[data-updated]");
        if (up) up.textContent = stamp;
        self.root.setAttribute("data-loaded", String((parseInt(self.root.getAttribute("data-loaded") || "0", 10)) + 1));
      })
      .catch(function () { status.textContent = self.word("cockpit.failed"); });
  };

  function start() {
    var root = document.querySelector("[data-cockpit]");
    if (!root || root.cockpit) return;
    var c = new Cockpit(root);
    root.cockpit = c;
    c.load();
    if (c.refresh > 0) window.setInterval(function () { c.load(); }, c.refresh * 1000);
    window.addEventListener("resize", function () {
      Object.keys(c.charts).forEach(function (k) { c.charts[k].resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
