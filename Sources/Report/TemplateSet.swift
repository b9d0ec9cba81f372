import Foundation
import Mustache

/// The Mustache templates a report is rendered with: a user's folder (`--template DIR`), with the
/// embedded defaults for any template the folder lacks.
public struct TemplateSet: Sendable {
    private let templates: [String: MustacheTemplate]

    /// Loads `NAME.mustache` files from `directory` (when given) over the embedded defaults.
    /// Throws a `ReportError.template` naming the file when one does not parse.
    public init(directory: String? = nil) throws {
        TemplateSet.registerContentTypes
        var texts = DefaultTemplates.all
        if let directory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
                throw ReportError.template(name: directory, reason: "not a folder")
            }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where name.hasSuffix(".mustache") {
                let path = directory + "/" + name
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ReportError.template(name: path, reason: "cannot read")
                }
                texts[String(name.dropLast(".mustache".count))] = String(decoding: data, as: UTF8.self)
            }
        }
        var parsed: [String: MustacheTemplate] = [:]
        for (name, text) in texts {
            do { parsed[name] = try MustacheTemplate(string: text) } catch {
                throw ReportError.template(name: name + ".mustache", reason: "\(error)")
            }
        }
        templates = parsed
    }

    /// Renders the template `name` (e.g. `report.html`) with `context`.
    public func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let t = templates[name] else { throw ReportError.template(name: name, reason: "no such template") }
        return t.render(Self.withoutControlCharacters(context))
    }

    /// The context with control characters (ESC, BEL, NUL, C1, ...; not tab or line breaks)
    /// removed from every string: names from the logs may hold terminal escape sequences, which
    /// no page should carry, whatever template (the user's too) renders them and however.
    static func withoutControlCharacters(_ value: Any) -> Any {
        switch value {
        case let s as String:
            guard s.unicodeScalars.contains(where: isControl) else { return s }
            var out = String.UnicodeScalarView()
            for u in s.unicodeScalars where !isControl(u) { out.append(u) }
            return String(out)
        case let d as [String: Any]: return d.mapValues(withoutControlCharacters)
        case let a as [Any]: return a.map(withoutControlCharacters)
        default: return value
        }
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F || (0x80...0x9F).contains(v)
    }

    public var names: [String] { templates.keys.sorted() }

    /// Renders `<page>.md` and `<page>.html` into `directory` (atomically), each when asked for;
    /// returns the paths written.
    public func writePages(_ page: String, _ context: [String: Any], into directory: String,
                    markdown: Bool, html: Bool) throws -> (markdown: String?, html: String?) {
        var written: (markdown: String?, html: String?) = (nil, nil)
        if markdown {
            let path = directory + "/\(page).md"
            try AtomicFile.write(try render("\(page).md", context), to: path)
            written.markdown = path
        }
        if html {
            let path = directory + "/\(page).html"
            try AtomicFile.write(try render("\(page).html", context), to: path)
            written.html = path
        }
        return written
    }

    /// `{{% CONTENT_TYPE: MARKDOWN}}` escapes values so a run name cannot inject Markdown or HTML.
    private static let registerContentTypes: Void = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
    }()
}

/// Escapes text for Markdown: HTML's special characters as entities, Markdown's with backslashes,
/// every line break (LF, CR, CRLF, U+2028, ...) as a space, so a value never breaks a table row or
/// starts a heading, and other control characters (ESC, NUL, ...) dropped. Works on Unicode
/// scalars: Swift's `"\r\n"` is one Character, equal to neither `"\n"` nor `"\r"`.
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            switch u {
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~", "!":
                out.append("\\")
                out.append(u)
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": out.append(" ")
            default:
                if u.value < 0x20 && u != "\t" || u.value == 0x7F || (0x80...0x9F).contains(u.value) { continue }
                out.append(u)
            }
        }
        return String(out)
    }
}
