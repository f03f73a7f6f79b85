import BillingModel
import Diagnostics
import Yams

/// Reads one YAML file through Yams' node tree, keeping where every value
/// came from, and collects every fault as a `Diagnostic` instead of stopping
/// at the first: callers get `nil` for a bad value and carry on.
final class YAMLReader {
    let source: SourceFile
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceFile) { self.source = source }

    var file: String { source.path }

    // MARK: parsing

    /// The document's root node; nil (with a diagnostic) on a syntax error,
    /// nil without one for an empty file.
    func parseRoot() -> Node? {
        do {
            return try Yams.compose(yaml: source.text)
        } catch let error as YamlError {
            report(error)
            return nil
        } catch {
            diagnostics.append(
                .error(
                    SettingsCode.syntax, "invalid yaml: \(error)", file: file, range: nil,
                    help: "fix the yaml syntax of this file"))
            return nil
        }
    }

    private func report(_ error: YamlError) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            var help = "check the indentation, the `:` after each key and the quotes around this point"
            if let context {
                help = "\(context.text) at line \(context.mark.line), column \(context.mark.column): " + help
            }
            if source.lineText(mark.line).unicodeScalars.prefix(mark.column).contains("\t") {
                help = "yaml indents with spaces, never tabs: replace the tab with spaces"
            } else if let (line, column) = unclosedQuote(before: mark.line) {
                help = "the quote opened at line \(line), column \(column) is never closed"
            }
            diagnostics.append(
                .error(
                    SettingsCode.syntax, "invalid yaml: \(problem)", file: file,
                    range: pointRange(mark), help: help))
        case let .reader(problem, offset, _, _):
            let range = offset.map { source.range(from: $0, to: $0 + 1) }
            diagnostics.append(
                .error(
                    SettingsCode.syntax, "invalid yaml: \(problem)", file: file, range: range,
                    help: "save the file as utf-8 text"))
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? ""
            let first = (line: context.mark.line, column: context.mark.column)
            let second = secondOccurrence(ofKey: key, after: first) ?? first
            let firstRange = keyRange(key, at: first)
            diagnostics.append(
                .error(
                    SettingsCode.duplicateKey, "duplicate key `\(key)`", file: file, range: keyRange(key, at: second),
                    help: "keep one `\(key)` in this mapping",
                    notes: [
                        .init(
                            "`\(key)` is first written at \(file):\(firstRange.start.line):\(firstRange.start.column)")
                    ]))
        default:
            diagnostics.append(
                .error(
                    SettingsCode.syntax, "invalid yaml: \(error)", file: file, range: nil,
                    help: "fix the yaml syntax of this file"))
        }
    }

    /// The last unbalanced `"` on the lines just before a syntax error: the
    /// usual cause of libyaml's puzzling "did not find expected key".
    private func unclosedQuote(before errorLine: Int) -> (Int, Int)? {
        for line in stride(from: errorLine - 1, through: max(1, errorLine - 3), by: -1) {
            var open: Int?
            var escaped = false
            var inSingle = false
            for (i, c) in source.lineText(line).enumerated() {
                if c == "#", open == nil, !inSingle { break }
                if c == "'", open == nil { inSingle.toggle() }
                if inSingle { continue }
                if escaped { escaped = false; continue }
                if c == "\\", open != nil { escaped = true; continue }
                if c == "\"" { open = open == nil ? i + 1 : nil }
            }
            if let open { return (line, open) }
        }
        return nil
    }

    /// Where the same key is written again in the same mapping (same column, later line).
    private func secondOccurrence(ofKey key: String, after mark: (line: Int, column: Int)) -> (line: Int, column: Int)?
    {
        guard mark.line < source.lineStarts.count else { return nil }
        for line in (mark.line + 1)...source.lineStarts.count {
            let scalars = Array(source.lineText(line).unicodeScalars)
            guard scalars.count >= mark.column - 1 else { continue }
            let head = scalars[0..<(mark.column - 1)]
            guard head.allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = String(String.UnicodeScalarView(scalars[(mark.column - 1)...]))
            if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") {
                return (line, mark.column)
            }
        }
        return nil
    }

    // MARK: locations

    /// Converts Yams' 1-based line and column (in Unicode scalars) to a location in characters.
    func location(line: Int, scalarColumn: Int) -> SourceLocation {
        let text = source.lineText(line)
        let prefix = String(String.UnicodeScalarView(text.unicodeScalars.prefix(max(0, scalarColumn - 1))))
        let offset = line - 1 < source.lineStarts.count ? source.lineStarts[line - 1] + prefix.utf8.count : -1
        return SourceLocation(line: line, column: prefix.count + 1, offset: offset)
    }

    func pointRange(_ mark: Mark) -> SourceRange {
        let start = location(line: mark.line, scalarColumn: mark.column)
        var end = start
        end.column += 1
        if end.offset >= 0 { end.offset += 1 }
        return SourceRange(start: start, end: end)
    }

    private func keyRange(_ key: String, at mark: (line: Int, column: Int)) -> SourceRange {
        let start = location(line: mark.line, scalarColumn: mark.column)
        return SourceRange(start: start, end: shifted(start, by: key))
    }

    private func shifted(_ start: SourceLocation, by text: String) -> SourceLocation {
        var end = start
        end.column += max(1, text.count)
        if end.offset >= 0 { end.offset += max(1, text.utf8.count) }
        return end
    }

    /// The range a node covers on its first line: a scalar's whole token
    /// (quotes included), or the first character of a mapping or list.
    func range(_ node: Node) -> SourceRange {
        guard let mark = node.mark else {
            return SourceRange(
                start: SourceLocation(line: 1, column: 1, offset: 0),
                end: SourceLocation(line: 1, column: 2, offset: 1))
        }
        guard case let .scalar(scalar) = node else { return pointRange(mark) }
        let start = location(line: mark.line, scalarColumn: mark.column)
        let lineText = source.lineText(mark.line)
        let rest = String(lineText.dropFirst(start.column - 1))
        var length: Int
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            let quote: Character = scalar.style == .singleQuoted ? "'" : "\""
            let chars = Array(rest)
            length = chars.count
            var i = 1
            while i < chars.count {
                if chars[i] == "\\", quote == "\"" { i += 2; continue }
                if chars[i] == quote {
                    if quote == "'", i + 1 < chars.count, chars[i + 1] == "'" { i += 2; continue }
                    length = i + 1
                    break
                }
                i += 1
            }
        case .literal, .folded:
            length = 1
        default:
            if !scalar.string.isEmpty, rest.hasPrefix(scalar.string) {
                length = scalar.string.count
            } else {
                var token = rest
                let chars = Array(token)
                if let hash = chars.indices.first(where: { $0 > 0 && chars[$0] == "#" && chars[$0 - 1] == " " }) {
                    token = String(chars[..<hash])
                }
                while token.last == " " { token.removeLast() }
                length = token.count
            }
        }
        let prefix = String(rest.prefix(max(1, length)))
        return SourceRange(start: start, end: shifted(start, by: prefix))
    }

    /// `file:line:col` of a node, for notes that point into another place.
    func position(_ node: Node) -> String {
        let r = range(node)
        return "\(file):\(r.start.line):\(r.start.column)"
    }

    // MARK: reporting

    func error(
        _ code: String, _ message: String, at range: SourceRange?, help: String? = nil,
        notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(.error(code, message, file: file, range: range, help: help, notes: notes))
    }

    func warning(
        _ code: String, _ message: String, at range: SourceRange?, help: String? = nil,
        notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(.warning(code, message, file: file, range: range, help: help, notes: notes))
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.tag == Tag(.null) || isNull(s) ? "nothing" : "a value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func isNull(_ s: Node.Scalar) -> Bool {
        s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    // MARK: mappings

    /// The mapping at `node`, or nil (with a diagnostic) when it is something else.
    /// Unknown keys are reported with a "did you mean" among `known`.
    func fields(_ node: Node, key: Node?, keyName: String, owner: String, known: [String]) -> Fields? {
        guard case let .mapping(mapping) = node else {
            wrongType(node, key: key, keyName: keyName, expected: "a mapping", example: "\(keyName): { key: value }")
            return nil
        }
        var fields = Fields(node: node, owner: owner, anchor: key.map(range) ?? range(node))
        for (k, v) in mapping {
            guard case let .scalar(ks) = k else {
                error(
                    SettingsCode.wrongType, "a key in \(owner) must be a plain name", at: range(k),
                    help: "write keys as `name: value`")
                continue
            }
            let name = ks.string
            if !known.contains(name) {
                let help: String
                if let s = DidYouMean.suggest(name, among: known) {
                    help = "did you mean `\(s)`?"
                    fields.misspelt.insert(s)
                } else {
                    help = "known keys here: " + known.map { "`\($0)`" }.joined(separator: ", ")
                }
                error(SettingsCode.unknownKey, "unknown key `\(name)` in \(owner)", at: range(k), help: help)
                continue
            }
            fields.entries[name] = (k, v)
        }
        return fields
    }

    func wrongType(_ node: Node, key: Node?, keyName: String, expected: String, example: String) {
        let at = (node.scalar.map { !Self.isNull($0) } ?? false) ? range(node) : (key.map(range) ?? range(node))
        error(
            SettingsCode.wrongType, "`\(keyName)` must be \(expected), found \(Self.describe(node))", at: at,
            help: "write it as `\(example)`")
    }

    /// Reports a missing required key at the place that names what it belongs to.
    func missing(_ key: String, in fields: Fields, help: String? = nil) {
        guard !fields.misspelt.contains(key) else { return }  // one cause, one message
        error(
            SettingsCode.missingKey, "missing key `\(key)` in \(fields.owner)", at: fields.anchor,
            help: help ?? "add `\(key): ...` to \(fields.owner)")
    }

    // MARK: typed values

    /// A non-empty text value.
    func text(_ fields: Fields, _ key: String, required: Bool = true) -> String? {
        guard let (k, v) = fields.entries[key] else {
            if required { missing(key, in: fields) }
            return nil
        }
        guard case let .scalar(s) = v else {
            wrongType(v, key: k, keyName: key, expected: "a value", example: "\(key): value")
            return nil
        }
        if Self.isNull(s) {
            if required {
                error(
                    SettingsCode.missingKey, "missing value for `\(key)` in \(fields.owner)", at: range(k),
                    help: "write the value after `\(key):`")
            }
            return nil
        }
        return s.string
    }

    /// The node of a key, when present and not null.
    func node(_ fields: Fields, _ key: String) -> (key: Node, value: Node)? {
        guard let entry = fields.entries[key] else { return nil }
        if case let .scalar(s) = entry.value, Self.isNull(s) { return nil }
        return entry
    }

    /// A list; a missing key is an error only when `required`.
    func list(_ fields: Fields, _ key: String, required: Bool = true) -> [Node]? {
        guard let (k, v) = fields.entries[key] else {
            if required { missing(key, in: fields) }
            return nil
        }
        switch v {
        case .sequence(let s): return Array(s)
        case .scalar(let s) where Self.isNull(s):
            if required {
                error(
                    SettingsCode.missingKey, "missing value for `\(key)` in \(fields.owner)", at: range(k),
                    help: "write the list after `\(key):`, e.g. `\(key): [A, B]`")
            }
            return nil
        default:
            let example = v.scalar.map { "\(key): [\($0.string)]" } ?? "\(key): [A, B]"
            wrongType(v, key: k, keyName: key, expected: "a list", example: example)
            return nil
        }
    }

    /// A list of texts, with the node of each (for ranges); nil entries are reported.
    func textList(_ fields: Fields, _ key: String, required: Bool = true) -> [(String, Node)]? {
        guard let items = list(fields, key, required: required) else { return nil }
        var out: [(String, Node)] = []
        for item in items {
            guard case let .scalar(s) = item, !Self.isNull(s) else {
                error(
                    SettingsCode.wrongType, "each entry of `\(key)` must be a value, found \(Self.describe(item))",
                    at: range(item), help: "write `\(key): [A, B]`")
                continue
            }
            out.append((s.string, item))
        }
        return out
    }

    /// `true` or `false`.
    func bool(_ fields: Fields, _ key: String, default value: Bool? = nil) -> Bool? {
        guard let raw = text(fields, key, required: value == nil), let (_, v) = fields.entries[key] else {
            return value
        }
        switch raw {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            error(
                SettingsCode.invalidValue, "`\(key)` must be `true` or `false`, found `\(raw)`", at: range(v),
                help: "write `\(key): true` or `\(key): false`")
            return nil
        }
    }

    /// A whole number within `bounds`.
    func integer(
        _ fields: Fields, _ key: String, in bounds: ClosedRange<Int>, default value: Int? = nil,
        example: Int? = nil
    ) -> Int? {
        guard let raw = text(fields, key, required: value == nil), let (_, v) = fields.entries[key] else {
            return value
        }
        guard let n = Int(raw), bounds.contains(n) else {
            error(
                SettingsCode.invalidValue,
                "`\(key)` must be a whole number from \(bounds.lowerBound) to \(bounds.upperBound), found `\(raw)`",
                at: range(v), help: "write a whole number, e.g. `\(key): \(example ?? value ?? bounds.lowerBound)`")
            return nil
        }
        return n
    }

    /// An exact decimal with up to 4 decimals (a rate, in percent).
    func percentage(_ fields: Fields, _ key: String, default value: Percentage? = nil) -> Percentage? {
        guard let raw = text(fields, key, required: value == nil), let (_, v) = fields.entries[key] else {
            return value
        }
        let cleaned = raw.hasSuffix("%") ? String(raw.dropLast()).trimmingSpaces : raw
        guard let p = Percentage(cleaned), p >= .zero else {
            error(
                SettingsCode.invalidValue, "`\(key)` must be a percentage with at most 4 decimals, found `\(raw)`",
                at: range(v), help: "write the number of percent, e.g. `\(key): 10` or `\(key): 5.5`")
            return nil
        }
        return p
    }

    /// An amount of euros, exact to the cent.
    func money(_ fields: Fields, _ key: String, default value: Money? = nil) -> Money? {
        guard let raw = text(fields, key, required: value == nil), let (_, v) = fields.entries[key] else {
            return value
        }
        guard let m = Money(raw), m >= .zero else {
            error(
                SettingsCode.invalidValue,
                "`\(key)` must be an amount in euros with at most 2 decimals, found `\(raw)`",
                at: range(v), help: "write e.g. `\(key): 40.00`")
            return nil
        }
        return m
    }

    /// One of an enumeration's raw values, with "did you mean" on a typo.
    func choice<T: RawRepresentable & CaseIterable>(
        _ fields: Fields, _ key: String, _ type: T.Type,
        what: String
    ) -> T? where T.RawValue == String {
        guard let raw = text(fields, key), let (_, v) = fields.entries[key] else { return nil }
        if let value = T(rawValue: raw) { return value }
        let all = T.allCases.map(\.rawValue)
        let help: String
        if let s = DidYouMean.suggest(raw, among: all) {
            help = "did you mean `\(s)`?"
        } else {
            help = "use one of " + all.map { "`\($0)`" }.joined(separator: ", ")
        }
        error(SettingsCode.invalidChoice, "unknown \(what) `\(raw)`", at: range(v), help: help)
        return nil
    }

    /// The value node of a key (for ranges), when present.
    func valueNode(_ fields: Fields, _ key: String) -> Node? { fields.entries[key]?.value }
}

/// The known keys of one mapping, with where the mapping is and how to name it.
struct Fields {
    let node: Node
    /// How messages name the mapping: "client `ACME`", "the seller".
    var owner: String
    /// Where "missing key" errors point.
    var anchor: SourceRange
    var entries: [String: (key: Node, value: Node)] = [:]
    /// Known keys a misspelt key was taken for (`reciveable_account` → `receivable_account`): already
    /// reported as unknown with "did you mean", so not reported again as missing.
    var misspelt: Set<String> = []

    init(node: Node, owner: String, anchor: SourceRange) {
        self.node = node
        self.owner = owner
        self.anchor = anchor
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
