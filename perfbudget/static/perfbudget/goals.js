// The goal declaration grid: add, remove and reorder rows without reloading, level-two choices that follow
// level one, live weight totals per block, default weights from the rule set, and rows from the library.
// The server re-validates everything on save; this only makes typing pleasant.
(function () {
  "use strict";
  var layout = JSON.parse(document.getElementById("goal-layout").textContent);
  var blockWeights = JSON.parse(document.getElementById("goal-block-weights").textContent);
  var body = document.getElementById("goal-rows");
  var form = document.getElementById("goal-form");
  var counter = 0;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr.goal-row")); }
  function field(tr, name) { return tr.querySelector("[data-field='" + name + "']"); }
  function changed() {
    number(); totals();
    if (window.htmx) { htmx.trigger(form, "rows-changed"); }
  }

  function fillLevel2(tr) {
    var l1 = field(tr, "level1").value, sel = field(tr, "level2");
    var want = sel.value || sel.getAttribute("data-value") || "";
    sel.innerHTML = "";
    (layout[l1] || []).forEach(function (l2) {
      var o = document.createElement("option");
      o.value = l2; o.textContent = l2; if (l2 === want) { o.selected = true; }
      sel.appendChild(o);
    });
    sel.setAttribute("data-value", sel.value);
  }

  function number() {
    rows().forEach(function (tr, i) { tr.querySelector(".row-no").textContent = i + 1; });
  }

  function weightOf(tr) {
    var v = parseFloat((field(tr, "weight").value || "").replace(/[^0-9.]/g, ""));
    return isNaN(v) ? 0 : v;
  }

  function totals() {
    var sum = 0, blocks = {};
    rows().forEach(function (tr) {
      var w = weightOf(tr), l1 = field(tr, "level1").value;
      sum += w; blocks[l1] = (blocks[l1] || 0) + w;
    });
    document.getElementById("weight-total").textContent = Math.round(sum * 100) / 100;
    document.getElementById("block-totals").textContent = Object.keys(layout).map(function (l1) {
      var want = blockWeights[l1];
      return l1 + " " + (Math.round((blocks[l1] || 0) * 100) / 100) + (want !== undefined ? "/" + want : "");
    }).join("　");
  }

  function wire(tr) {
    fillLevel2(tr);
    field(tr, "level1").addEventListener("change", function () { fillLevel2(tr); totals(); });
    field(tr, "weight").addEventListener("input", totals);
    tr.querySelector(".remove-row").addEventListener("click", function () {
      var next = tr.nextElementSibling;
      if (next && next.classList.contains("row-errors")) { next.remove(); }
      tr.remove(); changed();
    });
    tr.querySelector(".move-up").addEventListener("click", function () {
      var prev = tr.previousElementSibling;
      while (prev && !prev.classList.contains("goal-row")) { prev = prev.previousElementSibling; }
      if (prev) { body.insertBefore(tr, prev); changed(); }
    });
    tr.querySelector(".move-down").addEventListener("click", function () {
      var next = tr.nextElementSibling;
      while (next && !next.classList.contains("goal-row")) { next = next.nextElementSibling; }
      if (next) { body.insertBefore(next, tr); changed(); }
    });
  }

  function addRow(values) {
    var html = document.getElementById("row-template").innerHTML.replace(/__KEY__/g, "n" + (counter++));
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var tr = holder.querySelector("tr.goal-row");
    body.appendChild(tr);
    values = values || {};
    Object.keys(values).forEach(function (k) {
      var el = field(tr, k);
      if (!el) { return; }
      if (el.type === "checkbox") { el.checked = !!values[k]; } else { el.value = values[k]; }
      if (k === "level2") { el.setAttribute("data-value", values[k]); }
    });
    wire(tr);
    if (values.level2) { field(tr, "level2").value = values.level2; }
    changed();
    return tr;
  }

  document.getElementById("add-row").addEventListener("click", function () { field(addRow(), "name").focus(); });

  document.getElementById("default-weights").addEventListener("click", function () {
    var groups = {};
    rows().forEach(function (tr) {
      var l1 = field(tr, "level1").value;
      (groups[l1] = groups[l1] || []).push(tr);
    });
    Object.keys(groups).forEach(function (l1) {
      var total = blockWeights[l1]; if (total === undefined) { return; }
      var fixed = 0, empty = [];
      groups[l1].forEach(function (tr) {
        if ((field(tr, "weight").value || "").trim() === "") { empty.push(tr); } else { fixed += weightOf(tr); }
      });
      if (!empty.length || total <= fixed) { return; }
      var share = Math.floor((total - fixed) / empty.length * 2) / 2;
      empty.forEach(function (tr) { field(tr, "weight").value = share; });
      field(empty[0], "weight").value = share + (total - fixed - share * empty.length);
    });
    changed();
  });

  // A library entry picked from the side panel becomes a new row (its library id kept as the row's source).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest(".pick-entry");
    if (!btn) { return; }
    ev.preventDefault();
    var d = btn.dataset;
    var l1 = layout[d.level1] ? d.level1 : Object.keys(layout)[0];
    var tr = addRow({ level1: l1, level2: d.level2, name: d.name, unit: d.unit, comparator: d.comparator,
                      target: d.target, entry: d.entry, basis: d.basis });
    btn.closest(".pick-item").classList.add("opacity-50");
    field(tr, "target").focus();
  });

  rows().forEach(wire);
  number(); totals();
})();
