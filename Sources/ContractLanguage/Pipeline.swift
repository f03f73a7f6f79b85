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
        self.contract = diagnostics.hasErrors ? nil : contract
    }
}

/// All the contract files of a rules folder, checked together: each client
/// has exactly one contract.
public struct RuleSet: Sendable {
    public var files: [CheckedFile]
    public var diagnostics: [Diagnostic]
    /// Client code → its checked contract.
    public var contracts: [String: Contract]

    public init(files inputs: [(path: String, text: String)], context: ContractContext, requireEveryClient: Bool = true) {
        files = inputs.map { CheckedFile(path: $0.path, text: $0.text, context: context) }
        diagnostics = files.flatMap(\.diagnostics)
        contracts = [:]
        var firstFile: [String: CheckedFile] = [:]
        for f in files {
            guard let client = f.syntax.client else { continue }
            if let first = firstFile[client.value] {
                diagnostics.append(.error("E0405", "client `\(client.value)` has a second contract", file: f.source.path, range: client.range,
                                          help: "a client has one contract file: merge this one into \(first.source.path)",
                                          notes: [.init("its first contract is \(first.source.path)", range: first.syntax.client?.range)]))
                continue
            }
            firstFile[client.value] = f
            if let c = f.contract { contracts[client.value] = c }
        }
        if requireEveryClient {
            for code in context.clients.keys.sorted() where firstFile[code] == nil {
                let c = context.clients[code]
                let range = c?.line.map { SourceRange(start: SourceLocation(line: $0, column: 1), end: SourceLocation(line: $0, column: 2)) }
                diagnostics.append(.error("E0406", "client `\(code)` has no contract", file: c?.file ?? "settings", range: range,
                                          help: "write its contract in the rules folder, starting with `client \(code)`"))
            }
        }
    }

    public var sources: [String: SourceFile] {
        Dictionary(files.map { ($0.source.path, $0.source) }, uniquingKeysWith: { a, _ in a })
    }
}
