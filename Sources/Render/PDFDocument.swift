import CCairo
import Foundation
import TextFormat

/// A simple flowing PDF document (A4 portrait by default) for reports: headings that become PDF
/// bookmarks, Pango-markup paragraphs, tables that break across pages, vector figures, and
/// "page N of M" footers. Build it with the methods below, then `finish(to:)`.
///
/// Text goes through Pango, so any script works when a font for it is installed (fontconfig
/// falls back per glyph, e.g. to WenQuanYi for Chinese). Output is deterministic: metadata dates
/// are fixed unless `date` is set.
public final class PDFDocument {
    /// Column alignment in tables.
    public enum Alignment: Sendable, Hashable { case leading, center, trailing }

    /// Page width and height in points (A4: 595.28 x 841.89).
    public let pageSize: (width: Double, height: Double)
    /// Page margins in points.
    public let margin: Double
    public var title: String?
    public var author: String?
    public var subject: String?
    public var creator: String?
    /// ISO 8601 date for the creation and modification metadata ("2026-01-31T12:00:00Z");
    /// `nil` writes a fixed date so the bytes are reproducible.
    public var date: String?
    /// Font family of all text.
    public var fontFamily: String
    /// Body text size in points.
    public var bodySize: Double

    private enum Block {
        case heading(String, Int)
        case paragraph(String, plain: Bool)
        case textIfRoom(String)
        case table(header: [String]?, rows: [[String]], alignments: [Alignment], keyValue: Bool)
        case figure(Figure, height: Double?, caption: String?)
        case pageBreak
        case sectionBreak
        case space(Double)
    }
    private var blocks: [Block] = []

    /// A4 in points.
    public static let a4 = (width: 595.2756, height: 841.8898)

    /// The footer of page N of M (M nil when unknown); "page N of M" unless set (a report in
    /// another language words it its own way).
    public var footerText: @Sendable (Int, Int?) -> String = { page, total in
        total.map { "page \(page) of \($0)" } ?? "page \(page)"
    }

    public init(title: String? = nil, author: String? = nil, subject: String? = nil, creator: String? = nil,
                pageSize: (width: Double, height: Double) = PDFDocument.a4, margin: Double = 56.7,
                fontFamily: String = "DejaVu Sans", bodySize: Double = 9.5) {
        self.title = title; self.author = author; self.subject = subject; self.creator = creator
        self.pageSize = pageSize; self.margin = margin; self.fontFamily = fontFamily; self.bodySize = bodySize
    }

    /// A heading (level 1 largest, up to 3) that also adds an entry to the PDF outline, nested
    /// under the previous heading of a lower level.
    public func heading(_ text: String, level: Int = 1) { blocks.append(.heading(text, min(max(level, 1), 3))) }

    /// A wrapped paragraph in Pango markup (`<b>`, `<i>`, `<span foreground="#c00">`, ...). Invalid
    /// markup is shown as plain text rather than dropped.
    public func paragraph(_ markup: String) { blocks.append(.paragraph(markup, plain: false)) }

    /// A wrapped paragraph of plain text (no markup interpretation).
    public func text(_ plain: String) { blocks.append(.paragraph(plain, plain: true)) }

    /// Plain text drawn only when it fits on the current page: a pointer to what follows ("12 more
    /// findings follow") that would otherwise open a page of its own, left nearly empty.
    public func textIfRoom(_ plain: String) { blocks.append(.textIfRoom(plain)) }

    /// A table with a bold header row, repeated on every page the table spans. Cells wrap when the
    /// columns do not fit the page width. `columnAlignments` defaults to leading.
    public func table(header: [String], rows: [[String]], columnAlignments: [Alignment]? = nil) {
        let n = max(header.count, rows.map(\.count).max() ?? 0)
        let al = (columnAlignments ?? []) + Array(repeating: .leading, count: max(0, n - (columnAlignments?.count ?? 0)))
        blocks.append(.table(header: header, rows: rows, alignments: al, keyValue: false))
    }

    /// A two-column table of names and values without a header.
    public func keyValueTable(_ pairs: [(String, String)]) {
        blocks.append(.table(header: nil, rows: pairs.map { [$0.0, $0.1] }, alignments: [.leading, .leading], keyValue: true))
    }

    /// A figure drawn as vectors across the text width. `height` defaults to the figure's aspect
    /// ratio; the figure is laid out anew at that size (not scaled), so its text stays legible.
    public func figure(_ figure: Figure, height: Double? = nil, caption: String? = nil) {
        blocks.append(.figure(figure, height: height, caption: caption))
    }

    /// Starts a new page.
    public func pageBreak() { blocks.append(.pageBreak) }

    /// A new page for the next section, unless the current page holds only the last lines of the
    /// one before (less than a third of it used): then the section follows on it, so a page that
    /// ran over by a few lines does not leave a page nearly empty.
    public func sectionBreak() { blocks.append(.sectionBreak) }

    /// Vertical space in points.
    public func space(_ points: Double) { blocks.append(.space(points)) }

    /// The finished PDF bytes. Lays the document out twice: once to count pages, once to draw
    /// with "page N of M" footers.
    public func data() throws -> Data {
        let pages = try render(totalPages: nil).pages
        return try render(totalPages: pages).data
    }

    /// The number of pages the document will have.
    public func pageCount() throws -> Int { try render(totalPages: nil).pages }

    /// Writes the PDF to `path` atomically (temporary file in the same folder, then rename).
    public func finish(to path: String) throws {
        try writeFileAtomically(try data(), to: path)
    }

    // MARK: - layout

    private func render(totalPages: Int?) throws -> (data: Data, pages: Int) {
        _ = fontconfigReady
        let sink = ByteSink()
        guard let surface = cairo_pdf_surface_create_for_stream(byteSinkWrite, Unmanaged.passUnretained(sink).toOpaque(),
                                                                pageSize.width, pageSize.height)
        else { throw RenderError.cairo("no PDF surface") }
        defer { cairo_surface_destroy(surface) }
        try checkCairo(surface: surface)
        let d = date ?? fixedPDFDate
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, d)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, d)
        if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
        if let author { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author) }
        if let subject { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject) }
        if let creator { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, creator) }
        guard let cr = cairo_create(surface) else { throw RenderError.cairo("no context") }
        let writer = PageWriter(doc: self, surface: surface, cr: cr, totalPages: totalPages)
        for (i, block) in blocks.enumerated() {
            // A heading stays on the page of the figure it introduces.
            if case .heading = block, i + 1 < blocks.count, case .figure(let f, let h, let caption) = blocks[i + 1] {
                writer.keepWithHeading = writer.figureHeight(f, h) + writer.captionHeight(caption)
            }
            writer.add(block)
            writer.keepWithHeading = 0
        }
        writer.finishPage()
        let pages = writer.page
        try checkCairo(surface: surface, cr: cr)
        withExtendedLifetime(writer) {}
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        try checkCairo(surface: surface)
        return (sink.data, pages)
    }

    /// Draws blocks onto pages, tracking the vertical cursor.
    private final class PageWriter {
        let doc: PDFDocument
        let surface: OpaquePointer
        let cr: OpaquePointer
        let canvas: Canvas
        let totalPages: Int?
        var page = 1
        var y: Double
        var pageHasContent = false
        /// Outline ids of the latest heading at each level (index 0 = level 1).
        var outlineParents: [Int32] = [0, 0, 0]
        /// The height of what the next heading introduces and must share a page with (a figure).
        var keepWithHeading = 0.0
        let foreground = Color(hex: 0x1A1A1A)
        let secondary = Color(hex: 0x5A5A5A)
        let rule = Color(hex: 0xC8C8C8)
        let stripe = Color(hex: 0xF3F5F8)

        var left: Double { doc.margin }
        var width: Double { doc.pageSize.width - 2 * doc.margin }
        var top: Double { doc.margin }
        /// Bottom of the text area (the footer sits below it).
        var bottom: Double { doc.pageSize.height - doc.margin }

        init(doc: PDFDocument, surface: OpaquePointer, cr: OpaquePointer, totalPages: Int?) {
            self.doc = doc; self.surface = surface; self.cr = cr; self.totalPages = totalPages
            canvas = Canvas(cr: cr, fontFamily: doc.fontFamily)
            y = doc.margin
        }

        var body: TextStyle { TextStyle(size: doc.bodySize, color: foreground) }

        func drawFooter() {
            let text = doc.footerText(page, totalPages)
            let style = TextStyle(size: doc.bodySize * 0.8, color: secondary)
            canvas.text(text, at: Point(x: doc.pageSize.width / 2, y: bottom + doc.margin * 0.45), h: .center, v: .middle, style)
        }

        func finishPage() {
            drawFooter()
            cairo_show_page(cr)
        }

        func newPage() {
            finishPage()
            page += 1
            y = top
            pageHasContent = false
        }

        /// Starts a new page unless `height` fits below the cursor (or the page is still empty).
        func ensure(_ height: Double) {
            if y + height > bottom && pageHasContent { newPage() }
        }

        func add(_ block: Block) {
            switch block {
            case .heading(let text, let level): heading(text, level)
            case .paragraph(let s, let plain): paragraph(s, plain: plain)
            case .textIfRoom(let s): if fitsOnThisPage(s) { paragraph(s, plain: true) }
            case .table(let header, let rows, let al, let kv): table(header, rows, al, keyValue: kv)
            case .figure(let f, let h, let caption): figure(f, h, caption)
            case .pageBreak: if pageHasContent { newPage() }
            case .sectionBreak:
                if pageHasContent && (page == 1 || y - top > (bottom - top) / 3) { newPage() } else if pageHasContent { y += doc.bodySize * 1.5 }
            case .space(let d): y += d
            }
        }

        func heading(_ text: String, _ level: Int) {
            let size = [doc.bodySize * 1.75, doc.bodySize * 1.35, doc.bodySize * 1.12][level - 1]
            let style = TextStyle(size: size, bold: true, color: foreground)
            let before = pageHasContent ? [size * 1.0, size * 0.9, size * 0.8][level - 1] : 0
            let layout = canvas.paragraphLayout(markup: text, width: width, style: style, plain: true)
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            let h = layoutHeight(layout)
            // Keep the heading with at least a few lines of what follows, or with its figure.
            ensure(before + h + max(4 * doc.bodySize, keepWithHeading))
            if pageHasContent { y += before }
            let link = cFormat("page=%d pos=[%.2f %.2f]", page, left, y)
            let parent: Int32 = level == 1 ? 0 : outlineParents[level - 2]
            let id = cairo_pdf_surface_add_outline(surface, parent, text, link, CAIRO_PDF_OUTLINE_FLAG_OPEN)
            outlineParents[level - 1] = id
            for l in level..<3 { outlineParents[l] = id }
            draw(layout, at: y, color: foreground)
            y += h + size * 0.45
            if level == 1 {
                canvas.line(Point(x: left, y: y - size * 0.2), Point(x: left + width, y: y - size * 0.2), color: rule, width: 0.6)
                y += size * 0.2
            }
            pageHasContent = true
        }

        func layoutHeight(_ layout: OpaquePointer) -> Double {
            var ink = PangoRectangle(), logical = PangoRectangle()
            pango_layout_get_extents(layout, &ink, &logical)
            return Double(logical.height) / Double(PANGO_SCALE)
        }

        func draw(_ layout: OpaquePointer, at yy: Double, x: Double? = nil, color: Color) {
            canvas.setColor(color)
            cairo_move_to(cr, x ?? left, yy)
            pango_cairo_update_layout(cr, layout)
            pango_cairo_show_layout(cr, layout)
        }

        /// Line boxes (top, bottom) of a layout, in points from its top.
        func lineBoxes(_ layout: OpaquePointer) -> [(Double, Double)] {
            var out: [(Double, Double)] = []
            guard let iter = pango_layout_get_iter(layout) else { return out }
            defer { pango_layout_iter_free(iter) }
            repeat {
                var logical = PangoRectangle()
                pango_layout_iter_get_line_extents(iter, nil, &logical)
                let t = Double(logical.y) / Double(PANGO_SCALE)
                out.append((t, t + Double(logical.height) / Double(PANGO_SCALE)))
            } while pango_layout_iter_next_line(iter) != 0
            return out
        }

        func fitsOnThisPage(_ plain: String) -> Bool {
            let layout = canvas.paragraphLayout(markup: plain, width: width, style: body, plain: true,
                                                spacing: doc.bodySize * 0.25)
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            return !pageHasContent || y + layoutHeight(layout) <= bottom
        }

        func paragraph(_ s: String, plain: Bool) {
            let asPlain = plain || pango_parse_markup(s, -1, 0, nil, nil, nil, nil) == 0
            let layout = canvas.paragraphLayout(markup: s, width: width, style: body, plain: asPlain,
                                                spacing: doc.bodySize * 0.25)
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            let lines = lineBoxes(layout)
            var first = 0
            while first < lines.count {
                // How many lines fit on this page?
                var last = first
                while last + 1 < lines.count && y + (lines[last + 1].1 - lines[first].0) <= bottom { last += 1 }
                if y + (lines[first].1 - lines[first].0) > bottom && pageHasContent { newPage(); continue }
                // Avoid a single orphan line at the bottom of a page.
                if last == first && lines.count - first > 1 && pageHasContent && first == 0 { newPage(); continue }
                // And a single widow line at the top of the next: take one more line over with it.
                if last + 2 == lines.count && last > first + 1 { last -= 1 }
                let offset = lines[first].0
                let h = lines[last].1 - offset
                cairo_save(cr)
                cairo_rectangle(cr, left - 2, y, width + 4, h)
                cairo_clip(cr)
                draw(layout, at: y - offset, color: foreground)
                cairo_restore(cr)
                y += h
                pageHasContent = true
                first = last + 1
                if first < lines.count { newPage() }
            }
            y += doc.bodySize * 0.7
        }

        func table(_ header: [String]?, _ rows: [[String]], _ alignments: [Alignment], keyValue: Bool) {
            let ncol = max(header?.count ?? 0, rows.map(\.count).max() ?? 0)
            guard ncol > 0 else { return }
            let padX = doc.bodySize * 0.5, padY = doc.bodySize * 0.3
            let size = doc.bodySize * 0.95
            let cellStyle = TextStyle(size: size, color: foreground)
            let headStyle = TextStyle(size: size, bold: true, color: foreground)
            let keyStyle = TextStyle(size: size, color: secondary)
            // Natural column widths, then water-filling to fit the text width.
            var natural = Array(repeating: 0.0, count: ncol)
            for (i, h) in (header ?? []).enumerated() { natural[i] = max(natural[i], canvas.measure(h, headStyle).width) }
            for r in rows { for (i, c) in r.enumerated() { natural[i] = max(natural[i], canvas.measure(c, cellStyle).width) } }
            natural = natural.map { $0 + 2 * padX + 0.5 }
            var widths = natural
            if natural.reduce(0, +) > width {
                var remaining = width, open = Array(0..<ncol)
                widths = Array(repeating: 0, count: ncol)
                while !open.isEmpty {
                    let share = remaining / Double(open.count)
                    let small = open.filter { natural[$0] <= share }
                    if small.isEmpty { for i in open { widths[i] = share }; break }
                    for i in small { widths[i] = natural[i]; remaining -= natural[i] }
                    open.removeAll { small.contains($0) }
                }
            } else if keyValue, ncol == 2 {
                widths[1] = max(widths[1], min(width - widths[0], widths[1]))
            }
            let tableW = widths.reduce(0, +)

            func layouts(_ cells: [String], _ styleFor: (Int) -> TextStyle) -> (ls: [OpaquePointer], h: Double) {
                var ls: [OpaquePointer] = [], h = 0.0
                for i in 0..<ncol {
                    let text = i < cells.count ? cells[i] : ""
                    let al: PangoAlignment = alignments[i] == .trailing ? PANGO_ALIGN_RIGHT : alignments[i] == .center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT
                    let l = canvas.paragraphLayout(markup: text, width: widths[i] - 2 * padX, style: styleFor(i),
                                                   alignment: al, plain: true)
                    h = max(h, layoutHeight(l))
                    ls.append(l)
                }
                return (ls, h + 2 * padY)
            }
            func drawRow(_ ls: [OpaquePointer], _ h: Double, color: Color) {
                var x = left
                for (i, l) in ls.enumerated() {
                    draw(l, at: y + padY, x: x + padX, color: color)
                    x += widths[i]
                }
                y += h
            }
            func release(_ ls: [OpaquePointer]) { for l in ls { g_object_unref(UnsafeMutableRawPointer(l)) } }

            func drawHeader() {
                guard let header else { return }
                let (ls, h) = layouts(header) { _ in headStyle }
                defer { release(ls) }
                drawRow(ls, h, color: foreground)
                canvas.line(Point(x: left, y: y), Point(x: left + tableW, y: y), color: foreground, width: 0.8)
            }
            if let header {
                let (ls, hh) = layouts(header) { _ in headStyle }
                release(ls)
                let firstRowH = rows.first.map { layouts($0) { _ in cellStyle } }.map { release($0.ls); return $0.h } ?? 0
                ensure(hh + firstRowH)
            } else if !rows.isEmpty {
                let (ls, h) = layouts(rows[0]) { _ in cellStyle }
                release(ls)
                ensure(h)
            }
            if header != nil {
                canvas.line(Point(x: left, y: y), Point(x: left + tableW, y: y), color: foreground, width: 0.8)
            }
            drawHeader()
            pageHasContent = true
            for (ri, row) in rows.enumerated() {
                let (ls, h) = layouts(row) { i in keyValue && i == 0 ? keyStyle : cellStyle }
                defer { release(ls) }
                if y + h > bottom {
                    canvas.line(Point(x: left, y: y), Point(x: left + tableW, y: y), color: foreground, width: 0.8)
                    newPage()
                    pageHasContent = true
                    if header != nil {
                        canvas.line(Point(x: left, y: y), Point(x: left + tableW, y: y), color: foreground, width: 0.8)
                    }
                    drawHeader()
                }
                if ri % 2 == 1 && !keyValue { canvas.fill(Rect(x: left, y: y, width: tableW, height: h), stripe) }
                drawRow(ls, h, color: foreground)
                if keyValue && ri < rows.count - 1 {
                    canvas.line(Point(x: left, y: y), Point(x: left + tableW, y: y), color: rule, width: 0.4)
                }
            }
            canvas.line(Point(x: left, y: y), Point(x: left + tableW, y: y), color: header != nil ? foreground : rule,
                        width: header != nil ? 0.8 : 0.4)
            y += doc.bodySize
        }

        /// The height a figure is drawn at: the page's width at its aspect, at most a page.
        func figureHeight(_ f: Figure, _ height: Double?) -> Double {
            min(height ?? width * f.height / f.width, bottom - top - 3 * doc.bodySize)
        }

        /// The height of a figure's caption with the space above it (0 without one).
        func captionHeight(_ caption: String?) -> Double {
            guard let caption else { return 0 }
            let l = captionLayout(caption)
            defer { g_object_unref(UnsafeMutableRawPointer(l)) }
            return layoutHeight(l) + doc.bodySize * 0.4
        }

        func captionLayout(_ caption: String) -> OpaquePointer {
            canvas.paragraphLayout(markup: caption, width: width, style: TextStyle(size: doc.bodySize * 0.9, color: secondary),
                                   plain: pango_parse_markup(caption, -1, 0, nil, nil, nil, nil) == 0)
        }

        func figure(_ f: Figure, _ height: Double?, _ caption: String?) {
            var fig = f
            let w = width
            let h = figureHeight(f, height)
            fig.width = w
            fig.height = h
            // Tick labels at 7.5 pt, axis labels at about 8 pt: print sizes next to 9.5 pt body text,
            // whatever size the figure chose for a screen.
            fig.textScale = 0.75
            var capLayout: OpaquePointer? = nil
            var capH = 0.0
            if let caption {
                let l = captionLayout(caption)
                capLayout = l
                capH = layoutHeight(l) + doc.bodySize * 0.4
            }
            defer { if let capLayout { g_object_unref(UnsafeMutableRawPointer(capLayout)) } }
            ensure(h + capH)
            fig.draw(on: cr, origin: Point(x: left, y: y), pixelsPerPoint: 4)
            y += h
            if let capLayout {
                y += doc.bodySize * 0.4
                draw(capLayout, at: y, color: secondary)
                y += capH - doc.bodySize * 0.4
            }
            y += doc.bodySize
            pageHasContent = true
        }
    }
}
