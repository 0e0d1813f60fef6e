// The summit report's time sliders: show the whole report as of another day, known at another record
// time, from the reports written into the page (a <template> per distinct report, #time-data saying
// which holds at each stop and day: projections/render/summit_page.py). No network, no framework.
"use strict";
(function () {
  var source = document.getElementById("time-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var stops = data.stops, days = data.days;
  var DAY = 86400000;
  var first = Date.parse(data.first_day + "T00:00:00Z");
  var last = Date.parse(data.last_day + "T00:00:00Z");
  var span = Math.max(0, Math.round((last - first) / DAY));
  var stopAt = pageClocks(data).stopAt;

  var asOf = document.getElementById("as-of-slider");
  var knownAt = document.getElementById("known-at-slider");
  var body = document.getElementById("report-body");
  var missing = document.getElementById("travel-missing");
  var shown = data.current;

  function iso(index) { return new Date(first + index * DAY).toISOString().slice(0, 10); }
  function dayIndex(text) { return Math.round((Date.parse(text + "T00:00:00Z") - first) / DAY); }
  function when(stop) { return stop.at.slice(0, 10) + " " + stop.at.slice(11, 16) + " UTC"; }

  // The held day a chosen day falls in: the last offered one on or before it, unless the page
  // skipped a change after that one (then it does not hold the chosen day: null).
  function heldDay(day) {
    var found = 0;
    days.forEach(function (held, index) { if (held[0] <= day) found = index; });
    var until = days[found][1];
    return until !== null && day >= until ? null : found;
  }

  function put(index) {
    if (index === shown) return;
    var template = document.getElementById("moment-" + index);
    body.textContent = "";
    body.appendChild(template.content.cloneNode(true));
    shown = index;
  }

  function show(stop, index, said) {
    var day = iso(index);
    var held = heldDay(day), note = said;
    if (held === null) {
      note = note || "This page does not hold the report as of " + day + "; it shows the nearest earlier day it " +
        "holds (ctrack report --summit " + data.summit + " --as-of " + day + " writes it).";
      held = 0;
      days.forEach(function (h, i) { if (h[0] <= day) held = i; });
    }
    missing.hidden = !note;
    if (note) missing.textContent = note;
    put(stop < 0 ? data.empty : data.grid[stop][held]);
    asOf.value = String(index);
    knownAt.value = String(Math.max(stop, 0));
    document.getElementById("as-of-value").textContent = day;
    asOf.setAttribute("aria-valuetext", day);
    var text = stop < 0 ? "before anything was recorded" : when(stops[stop]) + ", " + stops[stop].label;
    document.getElementById("known-at-value").textContent = text;
    knownAt.setAttribute("aria-valuetext", text);
    document.querySelectorAll(".as-of-text").forEach(function (node) { node.textContent = day; });
    document.getElementById("clocks-now").textContent = stop < 0 ? "" :
      " The sliders show the report as of " + day + ", known at " + when(stops[stop]) + ".";
  }

  function fromFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (!params.get("as-of") && !params.get("known-at")) return false;
    var index = span, stop = stops.length - 1, said;
    var wanted = params.get("as-of");
    if (wanted && /^\d{4}-\d{2}-\d{2}$/.test(wanted)) index = Math.min(Math.max(dayIndex(wanted), 0), span);
    var at = params.get("known-at");
    if (at) {
      var found = stopAt(at);
      if (found !== null) stop = found;
      else said = "This page does not hold what was known at " + at + "; it shows the latest record time instead " +
        "(ctrack report --summit " + data.summit + " --known-at " + at + " writes it).";
    }
    show(stop, index, said);
    return true;
  }

  wireSliders(asOf, knownAt, stops, span, iso, show, fromFragment);
})();
