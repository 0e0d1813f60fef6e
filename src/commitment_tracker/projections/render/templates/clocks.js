// The two clocks of a report page, shared by its scripts (report.js, summit.js): which of the
// page's stops (record times, #time-data) a link's known-at names -- a timestamp, a date (the end
// of that day), an event reference ID#N (the moment it was recorded), or an edition's id (SPEC
// §8.1: the moment it was recorded; EDITION^ just before). The page's Content-Security-Policy
// allows its one script by its hash; this file is the first part of that script. ``wireSliders``
// joins a page's two sliders to its drawing and its link, the same way on every report page.
"use strict";
function pageClocks(data) {
  var DAY = 86400000;
  var stops = data.stops;
  var refs = {};
  stops.forEach(function (stop, index) { stop.refs.forEach(function (ref) { refs[ref] = index; }); });

  // A record time as microseconds since the epoch, like the stops: "2024-10-20" is the end of that day.
  function micros(text) {
    var m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
    if (!m) return null;
    if (m[2] === undefined) return Date.parse(m[1] + "T00:00:00Z") * 1000 + DAY * 1000 - 1;
    var zone = m[6] && m[6] !== "Z" ? m[6].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2") : "Z";
    var ms = Date.parse(m[1] + "T" + m[2] + ":" + m[3] + ":" + (m[4] || "00") + zone);
    if (isNaN(ms)) return null;
    return ms * 1000 + Number(((m[5] || "") + "000000").slice(0, 6));
  }

  // An edition's id names the moment it was recorded (SPEC §8.1), "EDITION^" the moment just before.
  function editionAt(text) {
    var name = text.replace(/\^$/, "");
    if (!Object.prototype.hasOwnProperty.call(data.editions, name)) return null;
    return data.editions[name] - (name === text ? 0 : 1);
  }

  // The last stop at or before a record time (what was known then); -1: before anything was recorded.
  function stopAt(text) {
    if (Object.prototype.hasOwnProperty.call(refs, text)) return refs[text];
    var at = editionAt(text);
    if (at === null) at = micros(text);
    if (at === null) return null;
    var found = -1;
    stops.forEach(function (stop, index) { if (stop.us <= at) found = index; });
    // A moment after the found stop's successor in the log is one this page does not hold.
    if (found >= 0 && stops[found].until_us !== null && at >= stops[found].until_us) return null;
    return found;
  }

  return {stopAt: stopAt};
}

// A page's two sliders and its link: a move redraws the page (``show(stop, day)``) and writes the
// fragment; the fragment of a link (``fromFragment``: false when it names no moment) is read on
// load and whenever it changes. ``span``: the last day's index; ``iso``: a day's index as text.
function wireSliders(asOf, knownAt, stops, span, iso, show, fromFragment) {
  function toFragment() {
    var stop = stops[Number(knownAt.value)];
    history.replaceState(null, "", "#as-of=" + iso(Number(asOf.value)) + (stop ? "&known-at=" + stop.at : ""));
  }
  asOf.max = String(span);
  knownAt.max = String(Math.max(stops.length - 1, 0));
  function moved() { show(Number(knownAt.value), Number(asOf.value)); toFragment(); }
  asOf.addEventListener("input", moved);
  knownAt.addEventListener("input", moved);
  window.addEventListener("hashchange", fromFragment);
  document.getElementById("time-travel").hidden = false;
  if (!fromFragment()) show(stops.length - 1, span);
}
