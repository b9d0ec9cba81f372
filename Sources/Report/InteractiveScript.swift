import TextFormat

/// The HTML report's one inline script: hovering or tapping a figure shows the nearest point's
/// metric, epoch, step, raw and smoothed value; clicking (or Enter on) a legend entry hides or
/// shows its series. It reads each figure's SVG structure (`SVGWriter`: `g.vr-panel`,
/// `rect.vr-plot` with the mapping, `g.vr-series`, `g.vr-legend-entry`) and its data block
/// (`HoverData`), loads nothing, and is allowed by its hash in the page's content security
/// policy (`contentSecurityPolicyHash`), so no other script can run.
enum InteractiveScript {
    static let source = #"""
(function () {
  "use strict";
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
    return String(Number(v.toPrecision(a >= 100 ? 6 : 5)));
  }
  function whole(v) { return Math.round(v).toLocaleString("en-US"); }
  function axis(s) {
    if (!s) return null;
    var p = s.split(" ");
    return { log: p[0] === "log10", lo: +p[1], hi: +p[2] };
  }
  function unit(a, v) {
    if (a.log) {
      if (!(v > 0)) return NaN;
      var l = Math.log(a.lo), h = Math.log(a.hi);
      return h === l ? 0.5 : (Math.log(v) - l) / (h - l);
    }
    return a.hi === a.lo ? 0.5 : (v - a.lo) / (a.hi - a.lo);
  }
  function clock(seconds, c) {
    // As the axis reads it: the same offset (the report's time zone, or none for a console's
    // year-less clock), and a year only on the Unix clock.
    var d = new Date((seconds + c.offset) * 1000), two = function (n) { return (n < 10 ? "0" : "") + n; };
    var day = two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate());
    return (c.year ? d.getUTCFullYear() + "-" : "") + day + " " + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
  }
  function known(a, i) { return a && a[i] !== null && a[i] !== undefined; }
  // Where the point was logged: its epoch and step as the logs give them (an epoch average's
  // step is the steps done by its epoch's end), else worked out from x; on a clock or hours
  // axis, the time first.
  function place(data, panel, s, i) {
    var w = data.words, ipe = data.iterations_per_epoch, x = s.x[i], parts = [];
    if (panel.clock) parts.push(clock(x, panel.clock));
    else if (data.x_unit === "hours") parts.push(x < 1 ? (x * 60).toFixed(1) + " min" : fmt(x) + " " + w.hours);
    if (known(s.epoch, i)) parts.push(w.epoch + " " + whole(s.epoch[i]));
    else if (data.x_unit === "epoch") parts.push(w.epoch + " " + fmt(x));
    else if (data.x_unit === "step" && ipe) parts.push(w.epoch + " ≈ " + whole(Math.floor(x / ipe)));
    if (known(s.step, i)) parts.push(w.step + " " + whole(s.step[i]));
    else if (data.x_unit === "step") parts.push(w.step + " " + whole(x));
    else if (data.x_unit === "epoch" && ipe) parts.push(w.step + " ≈ " + whole(x * ipe));
    if (!parts.length) parts.push(fmt(x));
    return parts;
  }
  function setup(figure) {
    var svg = figure.querySelector("svg"), block = figure.querySelector("script.vr-data");
    if (!svg || !block) return;
    var data;
    try { data = JSON.parse(block.textContent); } catch (e) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var tip = document.createElement("div");
    tip.className = "vr-tip";
    tip.setAttribute("role", "status");
    tip.hidden = true;
    figure.appendChild(tip);
    var panels = [];
    Array.prototype.forEach.call(svg.querySelectorAll("g.vr-panel"), function (g) {
      var r = g.querySelector("rect.vr-plot"), i = +g.getAttribute("data-panel");
      if (!r || !data.panels[i]) return;
      var dot = document.createElementNS(ns, "circle");
      dot.setAttribute("r", "4.5");
      dot.setAttribute("fill", "none");
      dot.setAttribute("stroke-width", "2");
      dot.style.display = "none";
      dot.style.pointerEvents = "none";
      g.appendChild(dot);
      panels.push({ g: g, x0: +r.getAttribute("x"), y0: +r.getAttribute("y"), w: +r.getAttribute("width"),
                    h: +r.getAttribute("height"), x: axis(r.getAttribute("data-x")), y: axis(r.getAttribute("data-y")),
                    series: data.panels[i].series, title: data.panels[i].title, clock: data.panels[i].clock,
                    off: {}, dot: dot });
    });
    function toPlot(p, x, y) { return [p.x0 + unit(p.x, x) * p.w, p.y0 + p.h - unit(p.y, y) * p.h]; }
    function hide() {
      tip.hidden = true;
      panels.forEach(function (p) { p.dot.style.display = "none"; });
    }
    function show(event) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var pt = svg.createSVGPoint();
      pt.x = event.clientX; pt.y = event.clientY;
      var q = pt.matrixTransform(m.inverse()), slack = 12;
      var p = panels.filter(function (c) {
        return c.y && q.x >= c.x0 - slack && q.x <= c.x0 + c.w + slack && q.y >= c.y0 - slack && q.y <= c.y0 + c.h + slack;
      })[0];
      if (!p) { hide(); return; }
      var best = null;
      p.series.forEach(function (s) {
        if (p.off[s.key]) return;
        for (var i = 0; i < s.x.length; i++) {
          if (s.x[i] === null) continue;
          var c, d;
          if (s.y[i] === null) {
            // A NaN or Inf has no height: it answers by x alone, marked on the plot's top edge.
            if (!s.bad || !s.bad[i]) continue;
            c = toPlot(p, s.x[i], p.y.lo);
            c[1] = p.y0;
            d = (c[0] - q.x) * (c[0] - q.x);
          } else {
            c = toPlot(p, s.x[i], s.y[i]);
            d = (c[0] - q.x) * (c[0] - q.x) + (c[1] - q.y) * (c[1] - q.y);
          }
          if (!isFinite(c[0]) || !isFinite(c[1])) continue;
          if (!best || d < best.d) best = { d: d, s: s, i: i, c: c };
        }
      });
      if (!best) { hide(); return; }
      panels.forEach(function (o) { if (o !== p) o.dot.style.display = "none"; });
      var s = best.s, i = best.i, w = data.words, bad = s.bad && s.bad[i];
      var value = s.raw ? [w.raw + " " + (bad || fmt(s.raw[i])), w.smoothed + " " + fmt(s.y[i])]
                        : [w.value + " " + (bad || fmt(s.y[i]))];
      tip.textContent = "";
      var head = document.createElement("strong");
      head.textContent = data.series_are_runs && p.title ? s.label + " · " + p.title : s.label;
      head.style.borderLeft = "10px solid " + s.color;
      head.style.paddingLeft = "5px";
      tip.appendChild(head);
      // Each part whole on its line ("step 49,999" never broken), parts wrapping between them.
      [place(data, p, s, i), value].forEach(function (parts) {
        var div = document.createElement("div");
        parts.forEach(function (part, k) {
          if (k) div.appendChild(document.createTextNode(" · "));
          var span = document.createElement("span");
          span.style.whiteSpace = "nowrap";
          span.textContent = part;
          div.appendChild(span);
        });
        tip.appendChild(div);
      });
      p.dot.setAttribute("cx", best.c[0]);
      p.dot.setAttribute("cy", best.c[1]);
      p.dot.setAttribute("stroke", s.color);
      p.dot.style.display = "";
      tip.hidden = false;
      var at = svg.createSVGPoint();
      at.x = best.c[0]; at.y = best.c[1];
      var screen = at.matrixTransform(m), box = figure.getBoundingClientRect();
      var sx = screen.x - box.left, sy = screen.y - box.top, room = figure.clientWidth;
      tip.style.left = "0px";
      var width = tip.offsetWidth;
      var left = sx + 12 + width <= room ? sx + 12 : sx - 12 - width;
      tip.style.left = Math.max(0, Math.min(left, room - width)) + "px";
      // Below the point, or above it when the window ends first.
      var below = screen.y + 12 + tip.offsetHeight <= window.innerHeight;
      tip.style.top = (below ? sy + 12 : Math.max(-box.top, sy - 12 - tip.offsetHeight)) + "px";
    }
    function toggle(entry) {
      var g = entry.closest("g.vr-panel"), key = entry.getAttribute("data-series");
      var p = panels.filter(function (c) { return c.g === g; })[0];
      if (!p) return;
      p.off[key] = !p.off[key];
      Array.prototype.forEach.call(g.querySelectorAll("g.vr-series"), function (s) {
        if (s.getAttribute("data-series") === key) s.style.display = p.off[key] ? "none" : "";
      });
      // Every entry of the series says so (a smoothed line and its per-epoch points share one).
      Array.prototype.forEach.call(g.querySelectorAll("g.vr-legend-entry"), function (e) {
        if (e.getAttribute("data-series") !== key) return;
        e.style.opacity = p.off[key] ? "0.35" : "";
        e.setAttribute("aria-pressed", p.off[key] ? "false" : "true");
      });
      hide();
    }
    Array.prototype.forEach.call(svg.querySelectorAll("g.vr-legend-entry"), function (entry) {
      entry.style.cursor = "pointer";
      entry.setAttribute("role", "button");
      entry.setAttribute("tabindex", "0");
      entry.setAttribute("aria-pressed", "true");
      entry.addEventListener("click", function (e) { e.stopPropagation(); toggle(entry); });
      entry.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
      entry.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(entry); }
      });
    });
    svg.addEventListener("pointermove", show);
    svg.addEventListener("pointerdown", show);
    svg.addEventListener("pointerleave", function (e) { if (e.pointerType === "mouse") hide(); });
    // A tap elsewhere on the page puts a touch tooltip away.
    document.addEventListener("pointerdown", function (e) { if (!svg.contains(e.target)) hide(); });
    figure.setAttribute("data-interactive", "true");
  }
  Array.prototype.forEach.call(document.querySelectorAll("figure.figure"), setup);
})();
"""#

    /// The content security policy source that allows exactly this script.
    static var contentSecurityPolicyHash: String { "'sha256-\(SHA256.base64(source))'" }
}
