import Analysis
import Foundation
@testable import Report
import Render
import Testing
import TextFormat
import TrainingLog

/// The HTML report in a real browser (headless Chromium, installed by `make deps`): the one
/// inline script runs under the page's content security policy, a pointer over a figure shows the
/// nearest point's metric, place and values, the legend hides and shows series, text stays
/// legible at phone width, and the page follows --theme and the reader's system.
@Suite(.serialized) struct InteractiveHTMLTests {
    static func report(_ path: String, theme: Theme = .light, x: XAxisUnit = .epoch) throws -> String {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent(path).path)
        var settings = ReportSettings()
        settings.writePDF = false
        settings.figures.theme = theme
        settings.figures.xAxis = x
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varreport-html-\(UUID().uuidString)").path
        let files = try ReportWriter(settings: settings).write(run: run, summary: Analyzer.analyze(run), to: dir)
        return try #require(files.html)
    }

    /// The page's DOM after its scripts ran, at `width` x 900 CSS pixels; nil without Chromium.
    static func dom(_ page: String, width: Int = 1280, darkSystem: Bool = false, timeZone: String = "UTC") -> String? {
        var args = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(width),900",
                    "--virtual-time-budget=4000", "--dump-dom", "file://" + page]
        if darkSystem { args.insert("--force-dark-mode", at: 0) }
        // Bounded: a browser that hangs fails the test instead of holding up the run.
        guard let out = externalTool("TZ=" + timeZone, ["timeout", "120", "chromium"] + args) else {
            Issue.record("chromium is missing: run make deps")
            return nil
        }
        return out
    }

    /// A copy of the report without its security policy, with the probe script (below) and its
    /// parameters added, so the probe can drive the page's script as a reader's pointer would.
    static func probePage(_ html: String, figure: String, wantRaw: Bool, twinKey: String? = nil, atBottom: Bool = false,
                          series: String? = nil) throws -> String {
        var page = try String(contentsOfFile: html, encoding: .utf8)
        page = page.replacingOccurrences(of: #"<meta http-equiv="Content-Security-Policy"[^>]*>"#, with: "", options: .regularExpression)
        let twin = twinKey.map { "\"\($0)\"" } ?? "null"
        let label = series.map { "\"\($0)\"" } ?? "null"
        let parameters = "<script>window.VR_PROBE = {figure: \"\(figure)\", wantRaw: \(wantRaw), twinKey: \(twin), atBottom: \(atBottom), label: \(label)};</script>"
        page = page.replacingOccurrences(of: "</body>", with: parameters + "<script>" + probe + "</script></body>")
        let path = (html as NSString).deletingLastPathComponent + "/probe.html"
        try page.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func probeResult(_ dom: String) throws -> [String: Any] {
        let start = try #require(dom.range(of: "<pre id=\"probe-result\">"))
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func theScriptRunsUnderThePolicyAndLoadsNothing() throws {
        let html = try Self.report("Examples/var-d16")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        // One inline script, whose own hash (computed here) is the one the policy allows.
        let scripts = page.components(separatedBy: "<script>").dropFirst()
        #expect(scripts.count == 1)
        let script = try #require(scripts.first?.components(separatedBy: "</script>").first)
        #expect(page.contains("script-src 'sha256-\(SHA256.base64(script))'"))
        #expect(page.contains("default-src 'none'"))
        for external in ["src=\"http", "href=\"http", "<link", "@import", "url(http"] {
            #expect(!page.contains(external), "the page loads \(external)")
        }
        guard let dom = Self.dom(html) else { return }
        let figures = page.components(separatedBy: "class=\"vr-data\"").count - 1
        #expect(figures >= 4)
        #expect(dom.components(separatedBy: "data-interactive=\"true\"").count - 1 == figures,
                "the script did not run on every figure (blocked by the policy?)")
    }

    @Test func hoverShowsTheNearestPointAndTheLegendHidesItsSeries() throws {
        let html = try Self.report("Examples/var-d16")
        guard let dom = Self.dom(try Self.probePage(html, figure: "fig-loss", wantRaw: false)) else { return }
        let r = try Self.probeResult(dom)
        let expected = try #require(r["expected"] as? [String: Any])
        let label = try #require(expected["label"] as? String)
        let tip = try #require(r["tip"] as? String, "no tooltip after a pointer move onto a point")
        let x = try #require(expected["x"] as? Double), y = try #require(expected["y"] as? Double)
        #expect(tip.contains(label))
        // The point's own epoch and step, as logged (not worked back from x), and its value with
        // five significant digits, as the page writes them.
        let epoch = try #require(expected["epoch"] as? Int), step = try #require(expected["step"] as? Int)
        #expect(label.hasSuffix("(raw)") && epoch == Int(x.rounded(.down)), "an iteration point of epoch \(x)")
        #expect(tip.contains("epoch \(epoch) · step \(Self.grouped(step))"), "tooltip: \(tip)")
        #expect(tip.contains(String(format: "%.5g", y)), "tooltip \(tip) lacks \(y)")
        // Hidden from the legend: its groups are not displayed and the pointer finds another series.
        let hidden = try #require(r["hidden"] as? [[String]])
        let key = SeriesKey.of(label)
        #expect(hidden.filter { $0[0] == key }.allSatisfy { $0[1] == "none" } && hidden.contains { $0[0] == key })
        #expect(hidden.filter { $0[0] != key }.allSatisfy { $0[1] != "none" })
        let after = try #require(r["tipAfterHide"] as? String)
        #expect(!after.hasPrefix(label + "\n"), "a hidden series still answers: \(after)")
        #expect(r["shownAgain"] as? Int == 0)
    }

    @Test func aSmoothedCurveAnswersWithRawAndSmoothedValues() throws {
        let html = try Self.report("Tests/Fixtures/families/wandb")
        guard let dom = Self.dom(try Self.probePage(html, figure: "fig-loss", wantRaw: true)) else { return }
        let r = try Self.probeResult(dom)
        let expected = try #require(r["expected"] as? [String: Any])
        let tip = try #require(r["tip"] as? String)
        let raw = try #require(expected["raw"] as? Double), y = try #require(expected["y"] as? Double)
        #expect(tip.contains("raw ") && tip.contains("smoothed "), "tooltip: \(tip)")
        #expect(tip.contains("raw \(String(format: "%.5g", raw))"), "tooltip \(tip) lacks raw \(raw)")
        #expect(tip.contains("smoothed \(String(format: "%.5g", y))"), "tooltip \(tip) lacks smoothed \(y)")
    }

    /// 30062 as the page writes it: "30,062".
    static func grouped(_ n: Int) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.locale = Locale(identifier: "en_US")
        return f.string(from: NSNumber(value: n)) ?? "\(n)"
    }

    /// On a step axis an epoch average is its epoch (not the next one), with the steps done by its end (where it is drawn); on a
    /// clock axis the time reads as the axis does, whatever the browser's time zone.
    @Test func theTooltipNamesTheLoggedEpochOnEveryAxis() throws {
        let onSteps = try Self.report("Examples/var-d16", x: .step)
        guard let dom = Self.dom(try Self.probePage(onSteps, figure: "fig-accuracy", wantRaw: false, series: "train/acc_tail")) else { return }
        let r = try Self.probeResult(dom)
        let e = try #require(r["expected"] as? [String: Any])
        let tip = try #require(r["tip"] as? String)
        let epoch = try #require(e["epoch"] as? Int), step = try #require(e["step"] as? Int)
        #expect(!(e["label"] as? String ?? "").hasSuffix("(raw)"))
        #expect(step == (epoch + 1) * 250 && Double(step) == e["x"] as? Double, "\(e)")
        #expect(tip.contains("epoch \(epoch) · step \(Self.grouped(step))"), "tooltip: \(tip)")

        let onClock = try Self.report("Examples/var-d16", x: .wall)
        guard let wallDom = Self.dom(try Self.probePage(onClock, figure: "fig-loss", wantRaw: false), timeZone: "America/New_York") else { return }
        let w = try Self.probeResult(wallDom)
        let we = try #require(w["expected"] as? [String: Any])
        let clock = try #require(w["clock"] as? [String: Any])
        let x = try #require(we["x"] as? Double), offset = try #require(clock["offset"] as? Double)
        let format = DateFormatter()
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd HH:mm"
        let wallTip = try #require(w["tip"] as? String)
        #expect(wallTip.contains(format.string(from: Date(timeIntervalSince1970: x + offset))), "tooltip: \(wallTip)")
        #expect(wallTip.contains("epoch \(try #require(we["epoch"] as? Int))"), "tooltip: \(wallTip)")
    }

    /// The gradient norm's smoothed line and per-epoch points are one series: hiding it from
    /// either legend entry greys both, and showing it again restores both.
    @Test func legendEntriesOfOneSeriesToggleTogether() throws {
        let html = try Self.report("Examples/var-d16")
        guard let dom = Self.dom(try Self.probePage(html, figure: "fig-grad_norm", wantRaw: false, twinKey: "opt/grad_norm")) else { return }
        let r = try Self.probeResult(dom)
        #expect(r["twinsPressed"] as? [String] == ["false", "false"])
        #expect(r["twinsPressedAgain"] as? [String] == ["true", "true"])
    }

    /// A point at the bottom of the window: the tooltip opens above it, inside the window.
    @Test func theTooltipStaysInsideTheWindow() throws {
        let html = try Self.report("Examples/var-d16")
        guard let dom = Self.dom(try Self.probePage(html, figure: "fig-loss", wantRaw: false, atBottom: true)) else { return }
        let r = try Self.probeResult(dom)
        let box = try #require(r["tipBox"] as? [String: Double])
        let pointY = try #require(r["pointY"] as? Double)
        #expect(pointY > (box["windowHeight"] ?? 0) - 20)
        #expect((box["bottom"] ?? 1e9) <= (box["windowHeight"] ?? 0) && (box["top"] ?? -1) >= 0, "\(box)")
    }

    @Test func figuresKeepLegibleTextAtPhoneWidth() throws {
        let html = try Self.report("Examples/var-d16")
        let page = try Self.framed(try Self.probePage(html, figure: "fig-loss", wantRaw: false), width: 390)
        guard let dom = Self.dom(page) else { return }
        let r = try Self.probeResult(dom)
        let smallest = try #require(r["smallestTextPx"] as? Double)
        #expect(smallest >= 8.9, "the smallest figure text is \(smallest) px at 390 px")
        // The page itself does not scroll sideways: the figure does, inside its frame.
        #expect((r["pageWidth"] as? Double ?? 1e9) <= 390)
    }

    @Test func thePageFollowsTheThemeAndTheSystem() throws {
        let light = try Self.report("Tests/Fixtures/diagnosis/spike-once")
        let dark = try Self.report("Tests/Fixtures/diagnosis/spike-once", theme: .dark)
        func background(_ html: String, darkSystem: Bool) throws -> String? {
            guard let dom = Self.dom(try Self.probePage(html, figure: "fig-loss", wantRaw: false), darkSystem: darkSystem) else { return nil }
            return try Self.probeResult(dom)["background"] as? String
        }
        guard let lightOnLight = try background(light, darkSystem: false) else { return }
        #expect(lightOnLight == "rgb(255, 255, 255)")
        #expect(try background(light, darkSystem: true) == "rgb(21, 23, 26)")
        #expect(try background(dark, darkSystem: false) == "rgb(21, 23, 26)")
    }

    @Test func hoverDataCannotEndItsBlockAndKeepsSpikes() throws {
        let hostile = "</script><!--<script>alert(1)"
        let xs = (0..<20_000).map(Double.init)
        var ys = xs.map { 5 + 0.001 * sin($0) }
        ys[12_345] = 40  // one spike among 20 000 points
        let chart = Chart(marks: [LineMark(xs: xs, ys: ys, label: hostile), PointMark(xs: [1], ys: [2], label: "val/loss_tail")])
        let json = HoverData.json(Figure(chart), x: HoverData.XContext(unit: .step, iterationsPerEpoch: 100), words: FigureWords(language: .en))
        #expect(!json.contains("<"))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let series = try #require(((doc["panels"] as? [[String: Any]])?.first?["series"]) as? [[String: Any]])
        #expect(series.count == 2)
        #expect(series[0]["label"] as? String == hostile)
        let kept = try #require(series[0]["y"] as? [Double])
        #expect(kept.count <= HoverData.maximumPoints && kept.count > HoverData.maximumPoints / 2)
        #expect(kept.contains(40), "the spike was decimated away")
        #expect(doc["iterations_per_epoch"] as? Int == 100)
    }

    /// A NaN among 20 000 points survives the decimation and is named, and each kept point
    /// carries the epoch and step it was logged at.
    @Test func hoverDataKeepsNaNAndWhereEachPointWasLogged() throws {
        let steps = Array(0..<20_000)
        var ys = steps.map { 5 + 0.001 * sin(Double($0)) }
        ys[12_345] = .nan
        let line = LineMark(xs: steps.map { Double($0) / 100 }, ys: ys, label: "train/loss_tail")
            .loggedAt(PointOrigin(level: .iteration, xs: steps, iterationsPerEpoch: 100))
        let json = HoverData.json(Figure(Chart(marks: [line])), x: HoverData.XContext(unit: .epoch, iterationsPerEpoch: 100),
                                  words: FigureWords(language: .en))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let series = try #require(((doc["panels"] as? [[String: Any]])?.first?["series"]) as? [[String: Any]])
        let e = try #require(series.first)
        let x = try #require(e["x"] as? [Double]), epochs = try #require(e["epoch"] as? [Int]), stepsKept = try #require(e["step"] as? [Int])
        let bad = try #require(e["bad"] as? [String: String])
        let k = try #require(x.firstIndex(of: 123.45))
        #expect(bad["\(k)"] == "NaN" && (e["y"] as? [Any])?[k] is NSNull)
        #expect(stepsKept[k] == 12_345 && epochs[k] == 123)
        #expect(zip(x, stepsKept).allSatisfy { abs($0 * 100 - Double($1)) < 1e-6 })
    }

    /// Moves a pointer onto a point of the first series (or the first with a raw curve) of the
    /// figure's first panel, reads the tooltip, hides that series from the legend, moves again,
    /// shows it again; also measures the smallest figure text on screen and the page's colours.
    static let probe = #"""
    (function () {
      var P = window.VR_PROBE, out = {};
      var fig = document.getElementById(P.figure), svg = fig.querySelector("svg");
      var data = JSON.parse(fig.querySelector("script.vr-data").textContent);
      var g = svg.querySelector('g.vr-panel[data-panel="0"]'), r = g.querySelector("rect.vr-plot");
      var list = data.panels[0].series, s = list[0];
      if (P.wantRaw) s = list.filter(function (c) { return c.raw; })[0];
      if (P.label) s = list.filter(function (c) { return c.label === P.label; })[0];
      var k = Math.floor(s.x.length * 0.6);
      var xa = r.getAttribute("data-x").split(" "), ya = r.getAttribute("data-y").split(" ");
      function u(a, v) { return a[0] === "log10" ? (Math.log(v) - Math.log(+a[1])) / (Math.log(+a[2]) - Math.log(+a[1])) : (v - +a[1]) / (+a[2] - +a[1]); }
      var p = svg.createSVGPoint();
      p.x = +r.getAttribute("x") + u(xa, s.x[k]) * +r.getAttribute("width");
      p.y = +r.getAttribute("y") + +r.getAttribute("height") - u(ya, s.y[k]) * +r.getAttribute("height");
      fig.scrollIntoView();
      var c = p.matrixTransform(svg.getScreenCTM());
      if (P.atBottom) {  // the point 10 px above the window's bottom edge
        window.scrollBy(0, c.y - (window.innerHeight - 10));
        c = p.matrixTransform(svg.getScreenCTM());
        out.pointY = c.y;
      }
      function move() { svg.dispatchEvent(new PointerEvent("pointermove", { clientX: c.x, clientY: c.y, bubbles: true, pointerType: "mouse" })); }
      move();
      var tip = fig.querySelector(".vr-tip");
      out.expected = { label: s.label, x: s.x[k], y: s.y[k], raw: s.raw ? s.raw[k] : null,
                       epoch: s.epoch ? s.epoch[k] : null, step: s.step ? s.step[k] : null };
      out.clock = data.panels[0].clock || null;
      out.tip = tip.hidden ? null : tip.innerText;
      var box = tip.getBoundingClientRect();
      out.tipBox = { top: box.top, bottom: box.bottom, windowHeight: window.innerHeight };
      if (P.twinKey) {  // the legend entries of one series: a click on one says so on all
        var twins = svg.querySelectorAll('g.vr-legend-entry[data-series="' + P.twinKey + '"]');
        twins[twins.length - 1].dispatchEvent(new MouseEvent("click", { bubbles: true }));
        out.twinsPressed = Array.prototype.map.call(twins, function (e) { return e.getAttribute("aria-pressed"); });
        twins[0].dispatchEvent(new MouseEvent("click", { bubbles: true }));
        out.twinsPressedAgain = Array.prototype.map.call(twins, function (e) { return e.getAttribute("aria-pressed"); });
      }
      var entry = svg.querySelector('g.vr-legend-entry[data-series="' + s.key + '"]');
      if (entry) {
        entry.dispatchEvent(new MouseEvent("click", { bubbles: true }));
        out.hidden = Array.prototype.map.call(g.querySelectorAll("g.vr-series"), function (e) { return [e.getAttribute("data-series"), e.style.display]; });
        move();
        out.tipAfterHide = tip.hidden ? null : tip.innerText;
        entry.dispatchEvent(new MouseEvent("click", { bubbles: true }));
        out.shownAgain = Array.prototype.filter.call(g.querySelectorAll("g.vr-series"), function (e) { return e.style.display === "none"; }).length;
      }
      var smallest = 1e9;
      Array.prototype.forEach.call(document.querySelectorAll("figure svg"), function (one) {
        var scale = one.getBoundingClientRect().width / one.viewBox.baseVal.width;
        Array.prototype.forEach.call(one.querySelectorAll("text"), function (t) { smallest = Math.min(smallest, +t.getAttribute("font-size") * scale); });
      });
      out.smallestTextPx = smallest;
      out.pageWidth = document.documentElement.scrollWidth;
      out.background = getComputedStyle(document.body).backgroundColor;
      var pre = document.createElement("pre");
      pre.id = "probe-result";
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
      if (window.parent !== window) window.parent.postMessage(pre.textContent, "*");
    })();
    """#

    /// A page showing `page` in a frame `width` CSS pixels wide (Chromium's window is at least
    /// 500 wide), which copies the probe's result out of the frame.
    static func framed(_ page: String, width: Int) throws -> String {
        let name = (page as NSString).lastPathComponent
        let html = """
        <!DOCTYPE html><html><body style="margin:0">
        <iframe src="\(name)" style="width:\(width)px;height:900px;border:0"></iframe>
        <script>window.addEventListener("message", function (e) {
          var pre = document.createElement("pre"); pre.id = "probe-result"; pre.textContent = e.data; document.body.appendChild(pre);
        });</script></body></html>
        """
        let path = (page as NSString).deletingLastPathComponent + "/framed.html"
        try html.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
