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
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        list.querySelectorAll("li").forEach(function (li) {
          li.hidden = q !== "" && li.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
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
    root.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
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
