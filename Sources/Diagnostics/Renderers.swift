/// The output formats of `ardoise lint --format`.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case text, json, github, sarif
}

/// Renders diagnostics for people and machines. Source text is looked up by
/// file path so a caret can be drawn under the fault.
public struct DiagnosticRenderer: Sendable {
    public var sources: [String: SourceFile]
    /// The folder relative paths start from (SARIF's `%SRCROOT%`, the repository's root in CI).
    public var baseDirectory: String?
    /// Each code's one-line title (SARIF rules' `shortDescription`).
    public var ruleTitles: [String: String]
    public init(sources: [String: SourceFile] = [:], baseDirectory: String? = nil, ruleTitles: [String: String] = [:]) {
        self.sources = sources
        self.baseDirectory = baseDirectory
        self.ruleTitles = ruleTitles
    }

    /// Where the explanations of the codes are, in the repository (`grammar/diagnostics.md`, one
    /// heading per code): SARIF's `helpUri`, an absolute URI as the schema requires.
    public static let documentationURI = "https://serenest.example/ardoise/blob/main/grammar/diagnostics.md"

    public func render(_ diagnostics: [Diagnostic], format: DiagnosticFormat, tool: String = "ardoise") -> String {
        let sorted = diagnostics.sortedForDisplay()
        switch format {
        case .text: return text(sorted)
        case .json: return json(sorted)
        case .github: return github(sorted)
        case .sarif: return sarif(sorted, tool: tool)
        }
    }

    // MARK: text

    /// The human form, like a modern compiler's:
    ///
    ///     error[E0201]: unknown category `D` for client `ACME`
    ///      --> rules/acme.ard:9:14
    ///       |
    ///     9 |     category D: 4.20 HT
    ///       |              ^ not a category of `ACME`
    ///       = help: did you mean `B`?
    public func text(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            out += renderOne(d)
            out += "\n"
        }
        let e = diagnostics.errorCount, w = diagnostics.warningCount
        if e + w > 0 {
            out += "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")\n"
        }
        return out
    }

    public func renderOne(_ d: Diagnostic) -> String {
        var out = "\(d.severity.rawValue)[\(d.code)]: \(d.message)\n"
        guard let range = d.range else {
            out += " --> \(d.file)\n"
            if let help = d.help { out += "  = help: \(help)\n" }
            for n in d.notes { out += "  = note: \(n.message)\n" }
            return out
        }
        let gutter = String(range.start.line).count
        let pad = String(repeating: " ", count: gutter)
        out += "\(pad)--> \(d.file):\(range.start.line):\(range.start.column)\n"
        if let source = sources[d.file], range.start.line <= source.lineStarts.count {
            let full = source.lineText(range.start.line).replacingTabs()
            var width: Int
            if range.end.line == range.start.line {
                width = max(1, range.end.column - range.start.column)
            } else {
                width = max(1, full.count - range.start.column + 1)
            }
            // A long line is cut around the caret: a 100 KB line is not printed once per message.
            let (line, column) = Self.window(full, column: range.start.column, width: &width)
            out += "\(pad) |\n"
            out += "\(range.start.line) | \(line)\n"
            out += "\(pad) | \(String(repeating: " ", count: column - 1))\(String(repeating: "^", count: width))\n"
        }
        for n in d.notes {
            if let r = n.range {
                out += "\(pad) = note: \(n.message) (line \(r.start.line))\n"
            } else {
                out += "\(pad) = note: \(n.message)\n"
            }
        }
        if let help = d.help { out += "\(pad) = help: \(help)\n" }
        return out
    }

    /// Lines longer than this are shown cut around the fault, `…` marking what is left out.
    public static let maximumShownLine = 120

    /// The part of `line` shown around `column` (1-based) and the caret's column in it; the
    /// caret's `width` is cut to what is shown.
    static func window(_ line: String, column: Int, width: inout Int) -> (String, Int) {
        guard line.utf8.count > maximumShownLine else { return (line, column) }
        let chars = Array(line)
        guard chars.count > maximumShownLine else { return (line, column) }
        let context = 40
        let from = max(0, column - 1 - context)
        let to = min(chars.count, max(column - 1 + min(width, maximumShownLine - 2 * context), from) + context)
        var shown = String(chars[from..<to])
        var caret = column - from
        if from > 0 { shown = "…" + shown; caret += 1 }
        if to < chars.count { shown += "…" }
        width = max(1, min(width, to - (column - 1)))
        return (shown, caret)
    }

    // MARK: json

    /// One JSON object per line (JSON Lines), with file, line, column, code,
    /// severity, message, and help when there is one.
    public func json(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            var fields: [(String, String)] = [
                ("file", JSON.string(d.file)),
                ("line", String(d.range?.start.line ?? 0)),
                ("column", String(d.range?.start.column ?? 0)),
                ("end_line", String(d.range?.end.line ?? 0)),
                ("end_column", String(d.range?.end.column ?? 0)),
                ("code", JSON.string(d.code)),
                ("severity", JSON.string(d.severity.rawValue)),
                ("message", JSON.string(d.message))
            ]
            if let h = d.help { fields.append(("help", JSON.string(h))) }
            if !d.notes.isEmpty {
                // The notes the text shows ("first priced here", line 12), with their line when they have one.
                fields.append(
                    (
                        "notes",
                        JSON.array(
                            d.notes.map { n in
                                JSON.object(
                                    [("message", JSON.string(n.message))]
                                        + (n.range.map {
                                            [("line", String($0.start.line)), ("column", String($0.start.column))]
                                        } ?? []))
                            })
                    ))
            }
            out += JSON.object(fields) + "\n"
        }
        return out
    }

    // MARK: github

    /// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=E0201::message`.
    public func github(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            let kind = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
            var props = ["file=\(escapeProperty(d.file))"]
            if let r = d.range {
                props.append("line=\(r.start.line)")
                props.append("col=\(r.start.column)")
                if r.end.line == r.start.line, r.end.column > r.start.column {
                    props.append("endColumn=\(r.end.column)")
                }
            }
            props.append("title=\(escapeProperty(d.code))")
            var message = d.message
            if let h = d.help { message += "\nhelp: " + h }
            out += "::\(kind) \(props.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out
    }

    func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
    func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    // MARK: sarif

    /// A SARIF 2.1.0 log, one run, one result per diagnostic, for code scanning: valid against the
    /// OASIS schema, paths relative to `%SRCROOT%` (the base directory) so that code scanning places
    /// them in the repository, each rule's `helpUri` its explanation in the repository's documentation.
    public func sarif(_ diagnostics: [Diagnostic], tool: String) -> String {
        let codes = Array(Set(diagnostics.map(\.code))).sorted()
        let rules = codes.map { c in
            var fields: [(String, String)] = [("id", JSON.string(c))]
            if let title = ruleTitles[c] {
                fields.append(("shortDescription", JSON.object([("text", JSON.string(title))])))
            }
            fields.append(("helpUri", JSON.string(Self.documentationURI + "#" + c.lowercased())))
            return JSON.object(fields)
        }
        let results = diagnostics.map { d -> String in
            var region: [(String, String)] = []
            if let r = d.range, r.start.line >= 1 {
                region = [
                    ("startLine", String(r.start.line)), ("startColumn", String(max(1, r.start.column))),
                    ("endLine", String(max(r.start.line, r.end.line))), ("endColumn", String(max(1, r.end.column)))
                ]
            }
            var physical: [(String, String)] = [("artifactLocation", artifactLocation(d.file))]
            if !region.isEmpty { physical.append(("region", JSON.object(region))) }
            var text = d.message
            for n in d.notes { text += " (note: \(n.message)\(n.range.map { " at line \($0.start.line)" } ?? ""))" }
            if let h = d.help { text += " (help: \(h))" }
            let level = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "note"
            return JSON.object([
                ("ruleId", JSON.string(d.code)),
                ("ruleIndex", String(codes.firstIndex(of: d.code) ?? 0)),
                ("level", JSON.string(level)),
                ("message", JSON.object([("text", JSON.string(text))])),
                ("locations", "[" + JSON.object([("physicalLocation", JSON.object(physical))]) + "]")
            ])
        }
        let driver = JSON.object([
            ("name", JSON.string(tool)),
            ("informationUri", JSON.string("https://serenest.example/ardoise")),
            ("rules", "[" + rules.joined(separator: ",") + "]")
        ])
        var run: [(String, String)] = [("tool", JSON.object([("driver", driver)]))]
        if let base = baseDirectory {
            run.append(
                (
                    "originalUriBaseIds",
                    JSON.object([
                        ("%SRCROOT%", JSON.object([("uri", JSON.string(Self.fileURI(base, directory: true)))]))
                    ])
                ))
        }
        run.append(("results", "[" + results.joined(separator: ",") + "]"))
        return JSON.object([
            (
                "$schema",
                JSON.string(
                    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
            ),
            ("version", JSON.string("2.1.0")),
            ("runs", "[" + JSON.object(run) + "]")
        ]) + "\n"
    }

    /// A file as SARIF locates it: relative to `%SRCROOT%` when it is under the base directory
    /// (or already relative), else an absolute `file://` URI.
    func artifactLocation(_ path: String) -> String {
        var relative: String?
        if !path.hasPrefix("/") {
            relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        } else if let base = baseDirectory {
            let b = base.hasSuffix("/") ? base : base + "/"
            if path.hasPrefix(b) { relative = String(path.dropFirst(b.count)) }
        }
        if let relative {
            return JSON.object([
                ("uri", JSON.string(Self.percentEncoded(relative))), ("uriBaseId", JSON.string("%SRCROOT%"))
            ])
        }
        return JSON.object([("uri", JSON.string(Self.fileURI(path, directory: false)))])
    }

    static func fileURI(_ path: String, directory: Bool) -> String {
        var p = path.hasPrefix("/") ? path : "/" + path
        if directory, !p.hasSuffix("/") { p += "/" }
        return "file://" + percentEncoded(p)
    }

    /// RFC 3986: unreserved characters and `/` kept, every other byte `%XX`.
    static func percentEncoded(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}

extension String {
    func replacingTabs() -> String { replacingOccurrences(of: "\t", with: " ") }

    /// Replaces every occurrence of `target` (no Foundation needed).
    public func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.unicodeScalars)
        let scalars = unicodeScalars
        var i = scalars.startIndex
        while i != scalars.endIndex {
            var j = i, k = 0
            while k < t.count, j != scalars.endIndex, scalars[j] == t[k] {
                j = scalars.index(after: j); k += 1
            }
            if k == t.count { return i..<j }
            i = scalars.index(after: i)
        }
        return nil
    }
}

extension String {
    func range(of target: String) -> Range<String.Index>? { self[...].range(of: target) }
}

/// A tiny JSON writer with stable key order, so outputs can be golden files.
public enum JSON {
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// `{"k":v,...}` from already-encoded values, in the order given.
    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
