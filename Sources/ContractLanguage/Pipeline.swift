import BillingModel
import Diagnostics

/// One contract file through the stages: text → lines of tokens → syntax tree
/// → checked contract. Each stage reports its own diagnostics.
public struct CheckedFile: Sendable {
    public var source: SourceFile
    public var syntax: ContractSyntax
    public var lines: [SourceLine]
    public var roles: [LineRole]
    public var contract: Contract?
    public var diagnostics: [Diagnostic]

    /// Parses and checks one file.
    public init(path: String, text: String, context: ContractContext) {
        source = SourceFile(path: path, text: text)
        let parsed = Parser.parse(source)
        syntax = parsed.syntax
        lines = parsed.lines
        roles = parsed.roles
        diagnostics = parsed.diagnostics
        // Names and units are checked even when the syntax has errors, so that
        // one run reports everything; only error-free contracts are built.
        var checker = Checker(syntax: parsed.syntax, context: context, source: source)
        let contract = checker.check()
        diagnostics += checker.diagnostics
        self.contract = diagnostics.hasBlockingErrors ? nil : contract
        diagnostics = Self.capped(diagnostics, file: path)
    }

    /// At most this many messages per file are shown, errors first; the rest are counted.
    public static let maximumDiagnostics = 100

    static func capped(_ diagnostics: [Diagnostic], file: String) -> [Diagnostic] {
        guard diagnostics.count > maximumDiagnostics else { return diagnostics }
        let kept = Array(
            diagnostics.sorted {
                ($0.severity, $0.range?.start.line ?? 0, $0.range?.start.column ?? 0)
                    < ($1.severity, $1.range?.start.line ?? 0, $1.range?.start.column ?? 0)
            }.prefix(maximumDiagnostics))
        let left = diagnostics.count - kept.count
        let errors = diagnostics.errorCount - kept.errorCount
        return kept + [
            .warning(
                "W0002",
                "\(left) more message\(left == 1 ? "" : "s") (\(errors) error\(errors == 1 ? "" : "s")) about this file not shown",
                file: file, range: nil,
                help: "fix the first ones and lint again: the first \(maximumDiagnostics) of a file are shown")
        ]
    }
}

extension Diagnostic {
    /// An error about data the settings must still give (an index value not published: E0802):
    /// lint reports it, but the contract is built, and only a period that uses the data fails.
    public var isDataNeed: Bool { code == "E0802" }
}

extension Array where Element == Diagnostic {
    /// Errors that stop a contract from being built (all but `isDataNeed` ones).
    public var blockingErrorCount: Int { filter { $0.severity == .error && !$0.isDataNeed }.count }
    public var hasBlockingErrors: Bool { contains { $0.severity == .error && !$0.isDataNeed } }
}

/// All the contract files of a rules folder, checked together: each client
/// has exactly one contract.
public struct RuleSet: Sendable {
    public var files: [CheckedFile]
    public var diagnostics: [Diagnostic]
    /// Client code → its checked contract.
    public var contracts: [String: Contract]

    public init(files inputs: [(path: String, text: String)], context: ContractContext, requireEveryClient: Bool = true)
    {
        files = inputs.map { CheckedFile(path: $0.path, text: $0.text, context: context) }
        diagnostics = files.flatMap(\.diagnostics)
        contracts = [:]
        var firstFile: [String: CheckedFile] = [:]
        for f in files {
            guard let client = f.syntax.client else { continue }
            if let first = firstFile[client.value] {
                diagnostics.append(
                    .error(
                        "E0405", "client `\(client.value)` has a second contract", file: f.source.path,
                        range: client.range,
                        help: "a client has one contract file: merge this one into \(first.source.path)",
                        notes: [.init("its first contract is \(first.source.path)", range: first.syntax.client?.range)])
                )
                continue
            }
            firstFile[client.value] = f
            if let c = f.contract { contracts[client.value] = c }
        }
        if requireEveryClient {
            for code in context.clients.keys.sorted() where firstFile[code] == nil {
                let c = context.clients[code]
                let range =
                    c?.range
                    ?? c?.line.map {
                        SourceRange(
                            start: SourceLocation(line: $0, column: 1), end: SourceLocation(line: $0, column: 2))
                    }
                diagnostics.append(
                    .error(
                        "E0406", "client `\(code)` has no contract", file: c?.file ?? "settings", range: range,
                        help: "write its contract in the rules folder, starting with `client \(code)`"))
            }
        }
    }

    public var sources: [String: SourceFile] {
        Dictionary(files.map { ($0.source.path, $0.source) }, uniquingKeysWith: { a, _ in a })
    }
}
