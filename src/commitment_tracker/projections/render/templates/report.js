// The report's time sliders: redraw the summary, the board, the matrix, the compliance scores and the timelines for a
// chosen "as of" (valid time) and "known at" (record time), from the answers embedded in the page
// (#time-data, written by projections/time_travel.py). No network, no framework: the page's
// Content-Security-Policy allows this one script by its hash and nothing else.
// Text from the store is only ever set as textContent, never parsed as markup.
"use strict";
(function () {
  var source = document.getElementById("time-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var stops = data.stops;
  var DAY = 86400000;
  var first = Date.parse(data.first_day + "T00:00:00Z");
  var last = Date.parse(data.last_day + "T00:00:00Z");
  var days = Math.max(0, Math.round((last - first) / DAY));

  var asOf = document.getElementById("as-of-slider");
  var knownAt = document.getElementById("known-at-slider");
  var asOfOut = document.getElementById("as-of-value");
  var knownAtOut = document.getElementById("known-at-value");
  var boardIds = {};
  data.board_ids.forEach(function (id) { boardIds[id] = true; });

  function iso(index) { return new Date(first + index * DAY).toISOString().slice(0, 10); }
  function dayIndex(text) { return Math.round((Date.parse(text + "T00:00:00Z") - first) / DAY); }
  function label(status) { return status.replace(/_/g, " "); }
  function when(stop) { return stop.at.slice(0, 10) + " " + stop.at.slice(11, 16) + " UTC"; }

  // What a link's known-at names (a record time, a date, an event reference, an edition): clocks.js.
  var stopAt = pageClocks(data).stopAt;

  function board(stop, day) {
    var rows = [];
    Object.keys(data.commitments).forEach(function (id) {
      var current = null;
      data.commitments[id].forEach(function (entry) { if (entry[0] <= stop) current = entry[1]; });
      if (!current) return;
      var held = null;
      current.forEach(function (run) { if (run[0] <= day) held = run[1]; });
      // An answer holds what differs from its commitment's first, and names its cells by their
      // place in data.cells (projections/render/sliders.py).
      if (held === null) return;
      var row = Object.assign({}, data.bases[id], data.answers[held]);
      row.cells = data.cells[row.cells];
      rows.push(row);
    });
    // The board's order: when each was made, then its id (as the CLI orders it).
    rows.sort(function (a, b) {
      return a.made_day < b.made_day ? -1 : a.made_day > b.made_day ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    return rows;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function badge(status) { return el("span", "badge s-" + status, label(status)); }
  function flag(name) { return el("span", "flag " + name, name); }
  function link(id) { var a = el("a", "cid", id); a.href = "#c-" + id; return a; }
  function fill(parent, children) {
    parent.textContent = "";
    children.forEach(function (child) { parent.appendChild(child); });
  }
  function cellWith(className, children) {
    var td = el("td", className);
    children.forEach(function (child) { td.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return td;
  }

  function due(c) {
    if (c.due_on) {
      var parts = [c.due_on];
      if (c.due_meeting) parts.push(el("div", "sub", "next " + c.due_next + ": " + c.due_meeting));
      return parts;
    }
    if (c.due_next) return [el("span", "muted", "next " + c.due_next + ", not yet scheduled")];
    return [el("span", "muted", "\u2014")];
  }

  function drawBoard(rows) {
    var body = document.querySelector("#board tbody");
    fill(body, rows.map(function (c) {
      var tr = el("tr", c.overdue ? "overdue" : "");
      tr.setAttribute("data-id", c.id);
      tr.setAttribute("data-status", c.status);
      tr.setAttribute("data-overdue", String(c.overdue));
      tr.setAttribute("data-late", String(c.late));
      tr.setAttribute("data-due-on", c.due_on || "");
      var flags = [badge(c.status)];
      if (c.overdue) flags.push(" ", flag("overdue"));
      if (c.late) flags.push(" ", flag("late"));
      [cellWith("", [link(c.id), el("div", "ctitle", c.title)]), cellWith("", flags), cellWith("", [c.cadence]), cellWith("date", [c.made_on]), cellWith("due", due(c)),
       cellWith("parties", [c.parties.join(" ")]), cellWith("num", [String(c.reaffirmations)]),
       cellWith("date", [c.last_event_on])].forEach(function (td) { tr.appendChild(td); });
      return tr;
    }));
    document.getElementById("board-empty").hidden = rows.length > 0;
    document.getElementById("board-wrap").hidden = rows.length === 0;
  }

  // Numbers as the page writes them in Python (projections/figures.py), with the same arithmetic:
  // a half away from zero (+0.25 is 63%), "+0.13" and whole percents.
  function halfUp(x, places) {
    var factor = Math.pow(10, places);
    return Math.floor(Math.abs(x) * factor + 0.5 + 1e-9) / factor;
  }
  function signed(x) { return (x < 0 ? "-" : "+") + halfUp(x, 2).toFixed(2); }
  function pct(average) { return halfUp((average + 1) / 2 * 100, 0) + "%"; }
  function mark(score) { return score === undefined ? "" : score > 0 ? "+" + score : String(score); }
  function mean(values) {
    if (!values.length) return null;
    return values.reduce(function (a, b) { return a + b; }, 0) / values.length;
  }
  function scoreCell(extra, party, score) {
    var td = el("td", extra + (score === undefined ? "hn" : "h" + (score + 1)), mark(score));
    td.title = party + ": " + (score === undefined ? "not assessed" : "score " + score);
    return td;
  }
  function scored(c) { return Object.keys(c.scores).length > 0; }

  function drawMatrix(rows) {
    var parties = [];
    rows.forEach(function (c) { c.parties.forEach(function (p) { if (parties.indexOf(p) < 0) parties.push(p); }); });
    var head = document.querySelector("#matrix thead tr");
    fill(head, ["Commitment", "Status", "Due on"].map(function (t) { return el("th", "", t); })
      .concat(parties.map(function (p) { return el("th", "party", p); })));
    var counted = {}, fulfilled = {};
    parties.forEach(function (p) { counted[p] = 0; fulfilled[p] = 0; });
    fill(document.querySelector("#matrix tbody"), rows.map(function (c) {
      var tr = el("tr");
      tr.setAttribute("data-id", c.id);
      tr.appendChild(cellWith("", [link(c.id)]));
      tr.appendChild(cellWith("", [badge(c.status)]));
      tr.appendChild(cellWith("date", [c.due_on || ""]));
      parties.forEach(function (p) {
        var cell = c.cells[p];
        if (scored(c)) {  // a commitment with scores shows them, as ctrack matrix does
          tr.appendChild(scoreCell("cell score ", p, c.scores[p]));
          if (cell && c.counted) { counted[p] += 1; fulfilled[p] += cell.status === "fulfilled" ? 1 : 0; }
          return;
        }
        if (!cell) {
          var none = cellWith("cell none", ["\u2014"]);
          none.title = p + " is not a party";
          tr.appendChild(none);
          return;
        }
        var td = cellWith("cell p-" + cell.status + (cell.overdue ? " overdue" : ""), [label(cell.status)]);
        if (cell.overdue) td.appendChild(document.createTextNode(" ")), td.appendChild(flag("overdue"));
        td.title = p + ": " + cell.status + (cell.overdue ? ", overdue" : "");
        tr.appendChild(td);
        if (c.counted) { counted[p] += 1; fulfilled[p] += cell.status === "fulfilled" ? 1 : 0; }
      });
      return tr;
    }));
    var foot = document.querySelector("#matrix tfoot tr");
    var what = foot.firstElementChild;
    fill(foot, [what].concat(parties.map(function (p) {
      if (!counted[p]) return cellWith("score", [el("span", "muted", "nothing due")]);
      return cellWith("score", [fulfilled[p] + " of " + counted[p] + " due"]);
    })));
    document.getElementById("matrix-empty").hidden = rows.length > 0;
    document.getElementById("matrix-wrap").hidden = rows.length === 0;
  }

  // The compliance scores of every commitment the page covers (SPEC §8), as projections/heatmap.py
  // and scores.summarise compute them: parties ranked by average (ties by code), rows grouped by area.
  function drawScores(rows) {
    var table = document.getElementById("heatmap");
    if (!table) return;
    var withScores = rows.filter(scored), byParty = {};
    withScores.forEach(function (c) {
      Object.keys(c.scores).forEach(function (p) { (byParty[p] = byParty[p] || []).push([c.id, c.scores[p]]); });
    });
    var parties = Object.keys(byParty).map(function (p) {
      var scores = byParty[p].map(function (pair) { return pair[1]; });
      return {key: p, average: mean(scores), scores: scores.length,
              commitments: Object.keys(byParty[p].reduce(function (s, pair) { s[pair[0]] = 1; return s; }, {})).length};
    });
    parties.sort(function (a, b) { return b.average - a.average || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0); });
    var names = data.party_names;
    var ranks = [];  // equal averages share a rank (1, 1, 3), as the page writes them (scores.ranks)
    parties.forEach(function (g, index) {
      ranks.push(index > 0 && parties[index - 1].average === g.average ? ranks[index - 1] : index + 1);
    });
    fill(document.querySelector("#ranking tbody"), parties.map(function (g, index) {
      var tr = el("tr");
      tr.setAttribute("data-party", g.key);
      tr.setAttribute("data-average", String(g.average));
      tr.setAttribute("data-scores", String(g.scores));
      tr.setAttribute("data-commitments", String(g.commitments));
      [["num", String(ranks[index])], ["", g.key], ["", names[g.key] || g.key], ["num", signed(g.average)],
       ["num", pct(g.average)], ["num", String(g.scores)], ["num", String(g.commitments)]].forEach(function (c) {
        tr.appendChild(el("td", c[0], c[1]));
      });
      return tr;
    }));
    var codes = parties.map(function (g) { return g.key; });
    var head = table.querySelector("thead tr");
    fill(head, [el("th", "", "Commitment")].concat(codes.map(function (p) {
      var th = el("th", "party", p); th.title = names[p] || p; return th;
    }), [el("th", "", "Average")]));
    var groups = {};
    withScores.forEach(function (c) { var key = c.area || "(no area)"; (groups[key] = groups[key] || []).push(c); });
    table.querySelectorAll("tbody").forEach(function (body) { body.remove(); });
    var foot = table.querySelector("tfoot");
    Object.keys(groups).sort().forEach(function (key) {
      var body = el("tbody"), members = groups[key], values = [];
      members.forEach(function (c) { codes.forEach(function (p) { if (c.scores[p] !== undefined) values.push(c.scores[p]); }); });
      var header = el("tr", "group"), th = el("th", "", key + " (" + members.length + ")");
      th.setAttribute("colspan", String(codes.length + 1));
      header.appendChild(th);
      header.appendChild(el("td", "avg", signed(mean(values))));
      body.appendChild(header);
      members.forEach(function (c) {
        var tr = el("tr"), code = el("td", "code", c.code || c.id);
        tr.setAttribute("data-id", c.id);
        code.title = c.title;
        tr.appendChild(code);
        codes.forEach(function (p) { tr.appendChild(scoreCell("", p, c.scores[p])); });
        var average = mean(Object.keys(c.scores).map(function (p) { return c.scores[p]; }));
        var avg = el("td", "avg", signed(average) + " ");
        avg.appendChild(el("span", "sub", pct(average)));
        tr.appendChild(avg);
        body.appendChild(tr);
      });
      table.insertBefore(body, foot);
    });
    var all = [];
    codes.forEach(function (p) { byParty[p].forEach(function (pair) { all.push(pair[1]); }); });
    fill(foot.querySelector("tr"), [el("th", "", "Party average")].concat(parties.map(function (g) {
      return el("td", "avg", signed(g.average));
    }), [el("td", "avg", all.length ? signed(mean(all)) : "")]));
    document.getElementById("scores-empty").hidden = withScores.length > 0;
  }

  function drawSummary(rows, day, only) {
    var counts = {};
    rows.forEach(function (c) { counts[c.status] = (counts[c.status] || 0) + 1; });
    var overdue = rows.filter(function (c) { return c.overdue; }).length;
    var late = rows.filter(function (c) { return c.late; }).length;
    var cards = [card("total", String(rows.length), el("span", "what", rows.length === 1 ? "commitment" : "commitments"))];
    data.statuses.forEach(function (s) { if (counts[s]) cards.push(card("", String(counts[s]), badge(s))); });
    if (only) {
      var scoresOnly = card("", String(only), el("span", "what", "only scores (not on the board)"));
      scoresOnly.id = "score-only-card";
      cards.push(scoresOnly);
    }
    cards.push(card(overdue ? "alarm" : "", String(overdue), el("span", "what", "overdue")));
    cards.push(card("", String(late), el("span", "what", "fulfilled late")));
    fill(document.getElementById("summary"), cards);
    document.querySelectorAll(".as-of-text").forEach(function (node) { node.textContent = day; });
  }
  function card(extra, number, what) {
    var div = el("div", "card" + (extra ? " " + extra : ""));
    div.appendChild(el("span", "num", number));
    div.appendChild(what);
    return div;
  }

  // The overview timeline holds a drawing of each commitment for every stretch of stops over which
  // it did not change (data-from, data-to): the drawing for the chosen stop is shown if the
  // commitment is on the board, rows are stacked in board order, and the part of the window after
  // the chosen day is veiled: as of that day, it had not happened yet.
  function drawTimelines(rows, stop, day) {
    var svg = document.querySelector("svg.overview");
    if (!svg) return;
    var shown = {};
    rows.forEach(function (c) { shown[c.id] = true; });
    var top = Number(svg.getAttribute("data-top")), count = 0;
    svg.querySelectorAll("g.row[data-id]").forEach(function (g) {
      var from = Number(g.getAttribute("data-from")), to = Number(g.getAttribute("data-to"));
      var visible = shown[g.getAttribute("data-id")] === true && from <= stop && stop <= to;
      g.setAttribute("display", visible ? "inline" : "none");
      if (!visible) return;
      var y = top + count * 30 + 15;
      g.setAttribute("transform", "translate(0 " + (y - Number(g.getAttribute("data-y"))) + ")");
      count += 1;
    });
    var bottom = top + Math.max(count, 1) * 30;
    var box = svg.viewBox.baseVal;
    svg.setAttribute("viewBox", "0 0 " + box.width + " " + (bottom + 24));
    svg.querySelectorAll("line.grid").forEach(function (line) { line.setAttribute("y2", String(bottom + 4)); });
    svg.querySelectorAll("text.tick:not(.top)").forEach(function (text) { text.setAttribute("y", String(bottom + 17)); });
    var left = Number(svg.getAttribute("data-left")), right = Number(svg.getAttribute("data-right"));
    var x = left + (right - left) * (dayIndex(day) - dayIndex(data.window_start) + 1) / (dayIndex(data.last_day) - dayIndex(data.window_start) + 1);
    var veil = svg.querySelector(".veil");
    veil.setAttribute("x", String(Math.min(Math.max(x, left), right)));
    veil.setAttribute("width", String(Math.max(right - Math.max(x, left), 0)));
    veil.setAttribute("height", String(bottom - top + 8));
    // The notes at the right say where each commitment stands on the report's own day: not on another.
    svg.classList.toggle("past", day !== data.last_day);
  }

  function show(stop, index) {
    var day = iso(index);
    var every = stop < 0 ? [] : board(stop, day);
    // The board and the timelines: the commitments the page draws (at most --limit of them), and of
    // those only the ones with a status to tell (a commitment that is only scores has none).
    var rows = every.filter(function (c) { return boardIds[c.id] === true && !c.score_only; });
    var only = every.filter(function (c) { return c.score_only; }).length;
    document.getElementById("score-only-count").textContent = String(only);
    document.getElementById("score-only").hidden = only === 0;
    drawSummary(rows, day, only);
    drawBoard(rows);
    // An empty board of commitments that are only scores says so, not that none had been made.
    var drawnOnly = every.filter(function (c) { return boardIds[c.id] === true && c.score_only; }).length;
    document.getElementById("board-empty-none").hidden = drawnOnly > 0;
    document.getElementById("board-empty-scores").hidden = drawnOnly === 0;
    drawMatrix(every);
    drawScores(every);
    drawTimelines(rows, stop, day);
    asOf.value = String(index);
    knownAt.value = String(Math.max(stop, 0));
    asOfOut.textContent = day;
    asOf.setAttribute("aria-valuetext", day);
    var said = stop < 0 ? "before anything was recorded" : when(stops[stop]) + ", " + stops[stop].label;
    knownAtOut.textContent = said;
    knownAt.setAttribute("aria-valuetext", said);
    document.getElementById("clocks-now").textContent = stop < 0 ? "" :
      " The sliders show the board as of " + day + ", known at " + when(stops[stop]) + ".";
  }

  function fromFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var index = days, stop = stops.length - 1;
    var wanted = params.get("as-of");
    if (wanted && /^\d{4}-\d{2}-\d{2}$/.test(wanted)) index = Math.min(Math.max(dayIndex(wanted), 0), days);
    var at = params.get("known-at");
    var missing = document.getElementById("travel-missing");
    missing.hidden = true;
    if (at) {
      var found = stopAt(at);
      if (found !== null) stop = found;
      else {
        missing.textContent = "This page does not hold what was known at " + at +
          "; it shows the latest record time instead (ctrack status --known-at " + at + " answers it).";
        missing.hidden = false;
      }
    }
    if (!params.get("as-of") && !params.get("known-at")) return false;
    show(stop, index);
    return true;
  }

  wireSliders(asOf, knownAt, stops, days, iso, show, fromFragment);
})();
