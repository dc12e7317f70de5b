// ducha page behaviour: small, no framework, works without it (forms post normally).
// CSP allows only scripts from this origin, so everything is wired by data attributes here.
(function () {
  "use strict";
  function on(root) {
    root.querySelectorAll("[data-dismiss]").forEach(function (b) {
      b.addEventListener("click", function () { b.closest("[data-toast]").classList.add("gone"); });
    });
    root.querySelectorAll("[data-toast]").forEach(function (t) {
      setTimeout(function () { t.classList.add("gone"); }, 6000);
    });
    // Searchable unit pickers: hide options whose text does not contain the query.
    root.querySelectorAll("[data-filter]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("data-filter"));
      if (!list) return;
      function apply() {
        var q = input.value.trim().toLowerCase();
        list.querySelectorAll("li").forEach(function (li) {
          li.hidden = q !== "" && li.textContent.toLowerCase().indexOf(q) < 0;
        });
      }
      input.addEventListener("input", apply);
      // A query typed (or restored by the browser) before this ran is applied now.
      apply();
    });
    // Assignment tree: collapse / expand the rows below a node.
    root.querySelectorAll("[data-toggle]").forEach(function (b) {
      b.addEventListener("click", function () {
        var id = b.getAttribute("data-toggle");
        var open = b.getAttribute("aria-expanded") !== "false";
        b.setAttribute("aria-expanded", open ? "false" : "true");
        b.textContent = open ? "▸" : "▾";
        setBranch(id, !open);
      });
    });
    root.querySelectorAll("[data-tree-all]").forEach(function (b) {
      b.addEventListener("click", function () {
        var open = b.getAttribute("data-tree-all") === "open";
        document.querySelectorAll("[data-toggle]").forEach(function (t) {
          t.setAttribute("aria-expanded", open ? "true" : "false");
          t.textContent = open ? "▾" : "▸";
        });
        document.querySelectorAll("tr[data-parent]").forEach(function (r) {
          r.hidden = !open && r.getAttribute("data-parent") !== "";
        });
      });
    });
    // Deadline given as a date or as working days: typing one clears the other.
    root.querySelectorAll("[data-either]").forEach(function (input) {
      input.addEventListener("input", function () {
        var other = document.getElementById(input.getAttribute("data-either"));
        if (other && input.value !== "") other.value = "";
      });
    });
    root.querySelectorAll("[data-shares]").forEach(shares);
    root.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }
  // Targets handed down (dispatch and decompose forms): one fieldset per picked unit, lead
  // first. A share whose value still equals its automatic value (the hidden input beside it)
  // follows the split: what the typed shares of that target leave, evenly. The server computes
  // the same (web/shares.rs); without this script the form's "split" button asks it to.
  function shares(box) {
    var form = box.closest("form");
    var picker = document.getElementById(box.getAttribute("data-shares"));
    var list = box.querySelector("[data-share-list]");
    var tpl = box.querySelector("template[data-share-template]");
    if (!form || !picker || !list || !tpl) return;
    box.querySelectorAll("[data-share-refresh]").forEach(function (b) { b.remove(); });
    list.querySelectorAll("fieldset[data-share-unit]").forEach(wireUnit);
    function wireUnit(fs) {
      var add = fs.querySelector("[data-add-target]");
      if (!add) return;
      add.hidden = false;
      add.addEventListener("click", function () {
        var rows = fs.querySelectorAll("[data-own-row]");
        var last = rows[rows.length - 1];
        var row = last.cloneNode(true);
        var n = String(Date.now());
        row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
        row.querySelectorAll("[id],[for]").forEach(function (e) {
          ["id", "for"].forEach(function (a) {
            var v = e.getAttribute(a);
            if (v) e.setAttribute(a, v + "-" + n);
          });
        });
        row.querySelectorAll(".err").forEach(function (e) { e.remove(); });
        last.after(row);
        row.querySelector("input").focus();
      });
    }
    function picked() {
      var lead = [], co = [];
      picker.querySelectorAll("li[data-unit-id]").forEach(function (li) {
        var r = li.querySelector('input[name="lead"]');
        var c = li.querySelector('input[name="co"]');
        if (r && r.checked) lead.push([li, "lead"]);
        else if (c && c.checked) co.push([li, "co"]);
      });
      return lead.concat(co);
    }
    function build(id, name) {
      var fs = tpl.content.firstElementChild.cloneNode(true);
      [fs].concat(Array.prototype.slice.call(fs.querySelectorAll("*"))).forEach(function (e) {
        ["id", "for", "name", "value", "data-share-unit"].forEach(function (a) {
          var v = e.getAttribute(a);
          if (v && v.indexOf("__U__") >= 0) e.setAttribute(a, v.split("__U__").join(id));
        });
      });
      fs.querySelector("[data-unit-name]").textContent = name;
      wireUnit(fs);
      return fs;
    }
    function sync() {
      var keep = {};
      picked().forEach(function (p) {
        var id = p[0].getAttribute("data-unit-id");
        var fs = list.querySelector('fieldset[data-share-unit="' + id + '"]');
        if (!fs) fs = build(id, p[0].getAttribute("data-unit-name"));
        fs.querySelector("[data-role]").textContent = box.getAttribute("data-" + p[1] + "-label");
        list.appendChild(fs);
        keep[id] = true;
      });
      list.querySelectorAll("fieldset[data-share-unit]").forEach(function (fs) {
        if (!keep[fs.getAttribute("data-share-unit")]) fs.remove();
      });
      var empty = box.querySelector("[data-share-empty]");
      if (empty) empty.hidden = list.children.length > 0;
      split();
    }
    function split() {
      var seen = {};
      list.querySelectorAll("input[data-share-value]").forEach(function (i) {
        var j = i.getAttribute("data-share-value");
        if (seen[j]) return;
        seen[j] = true;
        var typed = 0, auto = [];
        list.querySelectorAll('input[data-share-value="' + j + '"]').forEach(function (v) {
          var a = v.parentNode.querySelector("input[data-auto]");
          if (a && v.value.trim() === a.value) auto.push([v, a]);
          else {
            var n = number(v.value);
            if (isFinite(n) && n >= 0) typed += n;
          }
        });
        var parts = evenSplit(Math.max(0, number(i.getAttribute("data-total")) - typed), auto.length);
        auto.forEach(function (p, k) { p[0].value = p[1].value = parts[k]; });
      });
    }
    picker.addEventListener("change", sync);
    list.addEventListener("input", function (e) {
      if (e.target.matches("[data-share-value]")) split();
    });
  }
  function number(s) {
    var t = String(s).trim().replace(/[,，]/g, "");
    return t === "" ? NaN : Number(t);
  }
  // Mirrors even_split in web/shares.rs: whole shares of a whole number, hundredths otherwise,
  // the remainder to the first shares.
  function evenSplit(total, n) {
    var out = [];
    if (n === 0 || !isFinite(total)) return out;
    var scale = Number.isInteger(total) ? 1 : 100;
    var units = Math.round(Math.max(0, total) * scale);
    var base = Math.floor(units / n), rem = units - base * n;
    for (var k = 0; k < n; k++) out.push(String((base + (k < rem ? 1 : 0)) / scale));
    return out;
  }
  function setBranch(id, open) {
    document.querySelectorAll('tr[data-parent="' + id + '"]').forEach(function (r) {
      r.hidden = !open;
      var t = r.querySelector("[data-toggle]");
      if (!open) setBranch(r.getAttribute("data-id"), false);
      else if (t && t.getAttribute("aria-expanded") !== "false") setBranch(r.getAttribute("data-id"), true);
    });
  }
  document.addEventListener("click", function (e) {
    var m = e.target.closest("[data-menu]");
    var side = document.getElementById("side");
    if (m && side) { side.classList.toggle("open"); return; }
    if (side && side.classList.contains("open") && !e.target.closest("#side")) side.classList.remove("open");
  });
  document.addEventListener("DOMContentLoaded", function () { on(document); });
  document.addEventListener("htmx:load", function (e) { if (e.target !== document.body) on(e.target); });
})();
