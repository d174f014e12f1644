// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // "Copy as text" for journalists: shown only when the clipboard works.
  document.querySelectorAll("button.copy").forEach(function (btn) {
    var target = document.getElementById(btn.dataset.copy);
    if (!target || !navigator.clipboard) return;
    btn.hidden = false;
    var label = btn.textContent;
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        btn.textContent = "✓ " + label;
        setTimeout(function () { btn.textContent = label; }, 2000);
      });
    });
  });
  // Sortable tables: click a column header.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, col) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      var sort = function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        var key = function (r) {
          var t = r.cells[col].textContent.trim().replace(/,/g, "");
          var n = parseFloat(t);
          return isNaN(n) ? t : n;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
        table.querySelectorAll("thead th").forEach(function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });
});
