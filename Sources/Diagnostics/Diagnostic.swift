/// How bad a finding is: errors stop billing, warnings do not.
public enum Severity: String, Sendable, Codable, Comparable {
    case error, warning, note
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
}

/// A finding about an input file, as a value: the renderers decide how it looks.
///
/// Messages are lower-case, one line, with user input in backticks; the fix
/// goes in `help`.
public struct Diagnostic: Sendable, Hashable {
    /// Stable identifier, `E0123` or `W0301`; `ardoise lint --explain` knows each.
    public var code: String
    public var severity: Severity
    public var message: String
    public var file: String
    public var range: SourceRange?
    /// How to fix it, printed after the source excerpt.
    public var help: String?
    /// Further facts ("first defined here").
    public var notes: [Note]

    public struct Note: Sendable, Hashable {
        public var message: String
        public var range: SourceRange?
        public init(_ message: String, range: SourceRange? = nil) {
            self.message = message
            self.range = range
        }
    }

    public init(
        code: String, severity: Severity, message: String, file: String, range: SourceRange?,
        help: String? = nil, notes: [Note] = []
    ) {
        self.code = code
        self.severity = severity
        self.message = message
        self.file = file
        self.range = range
        self.help = help
        self.notes = notes
    }

    public static func error(
        _ code: String, _ message: String, file: String, range: SourceRange?,
        help: String? = nil, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(code: code, severity: .error, message: message, file: file, range: range, help: help, notes: notes)
    }

    public static func warning(
        _ code: String, _ message: String, file: String, range: SourceRange?,
        help: String? = nil, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(code: code, severity: .warning, message: message, file: file, range: range, help: help, notes: notes)
    }
}

extension Array where Element == Diagnostic {
    public var errorCount: Int { filter { $0.severity == .error }.count }
    public var warningCount: Int { filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// File, then position, then code: the order every renderer prints.
    public func sortedForDisplay() -> [Diagnostic] {
        sorted { a, b in
            if a.file != b.file { return a.file < b.file }
            let la = a.range?.start ?? SourceLocation(line: 0, column: 0)
            let lb = b.range?.start ?? SourceLocation(line: 0, column: 0)
            if la != lb { return la < lb }
            return a.code < b.code
        }
    }
}

/// The long explanation of a diagnostic code, for `ardoise lint --explain`.
public struct Explanation: Sendable {
    public var code: String
    public var title: String
    /// What is wrong and why it matters for billing.
    public var body: String
    /// A wrong input, then the fixed one.
    public var wrong: String
    public var fixed: String

    public init(code: String, title: String, body: String, wrong: String, fixed: String) {
        self.code = code
        self.title = title
        self.body = body
        self.wrong = wrong
        self.fixed = fixed
    }

    public var rendered: String {
        """
        \(code): \(title)

        \(body)

        Wrong:

        \(wrong.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))

        Fixed:

        \(fixed.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))

        """
    }
}
