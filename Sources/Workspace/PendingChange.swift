import BillingEngine
import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Ledger

/// What a pending change of contracts (another rules folder: a checkout of
/// the pull request) would do to one client: nothing, errors to fix first,
/// or new amounts for a period. The web app's clients screen shows it; the
/// billed rules stay the configured ones.
public enum PendingChange: Sendable {
    /// The pending folder has the same contract text for this client (or neither folder has one).
    case unchanged
    /// The pending contract has errors: the change cannot be evaluated until they are fixed.
    case errors(file: String, text: String, diagnostics: String)
    /// The pending contract differs; `diff` is nil when it bills exactly the same over `period`.
    case changed(file: String?, text: String?, period: Period, diff: RulesDiff.ClientDiff?)
}

extension Installation {
    /// The contract files of a rules folder by the client each names: parsed only, not checked (the
    /// checker is needed only for the file a page shows). The first file of a client counts.
    static func contractTexts(in directory: String) -> [String: (path: String, text: String)] {
        var out: [String: (path: String, text: String)] = [:]
        for f in ContractFiles.read(in: [directory]) {
            if let client = clientNamed(by: f), out[client] == nil { out[client] = f }
        }
        return out
    }

    /// The client a contract file names, from its syntax alone.
    static func clientNamed(by file: (path: String, text: String)) -> String? {
        Parser.parse(SourceFile(path: file.path, text: file.text)).syntax.client?.value
    }

    /// The contract files of a rules folder by their place in it (the path below the folder), read, not parsed.
    static func contractsByPlace(in directory: String) -> [String: (path: String, text: String)] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path + "/"
        var out: [String: (path: String, text: String)] = [:]
        for f in ContractFiles.read(in: [directory]) {
            let path = URL(fileURLWithPath: f.path).standardizedFileURL.path
            out[path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path] = f
        }
        return out
    }

    /// The contract file of `client` in the configured rules folder, found by the client it names (the
    /// file's name is free: `c0003.ard`, `acme-2026.ard`), checked; nil when the client has none.
    public func contractFile(of client: String, today: Day) -> CheckedFile? {
        Installation.contractTexts(in: config.rulesDirectory)[client]
            .map { CheckedFile(path: $0.path, text: $0.text, context: contractContext(today: today)) }
    }

    /// The clients whose contract text differs between the configured rules and `directory`
    /// (added, removed or edited): the files are compared in place, and only those that differ
    /// are parsed, for the client they name; nothing is checked or billed.
    public func clientsChanged(pending directory: String, today: Day) -> Set<String> {
        let current = Installation.contractsByPlace(in: config.rulesDirectory),
            pending = Installation.contractsByPlace(in: directory)
        var before: [String: String] = [:], after: [String: String] = [:]
        for place in Set(current.keys).union(pending.keys).sorted() where current[place]?.text != pending[place]?.text {
            if let f = current[place], let client = Installation.clientNamed(by: f), before[client] == nil {
                before[client] = f.text
            }
            if let f = pending[place], let client = Installation.clientNamed(by: f), after[client] == nil {
                after[client] = f.text
            }
        }
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
    }

    /// Bills `period` for `client` with its configured contract (`current`, as `contractFile` found it;
    /// nil: none) and with its contract in `directory`, over the same ledger and issue date, writing
    /// nothing, and compares them (as `ardoise diff --rules-before` does, the configured rules being
    /// "before" here). Only the two files are checked.
    public func pendingChange(
        pending directory: String, client: String, current: CheckedFile?, period: Period,
        today: Day
    ) throws -> PendingChange {
        let ledger = try self.ledger
        // A file left in its place with the same text: the change does not touch this client.
        if let current {
            let root = URL(fileURLWithPath: config.rulesDirectory).standardizedFileURL.path + "/"
            let path = URL(fileURLWithPath: current.source.path).standardizedFileURL.path
            if path.hasPrefix(root),
                let same = try? String(
                    contentsOfFile: URL(fileURLWithPath: directory).appendingPathComponent(
                        String(path.dropFirst(root.count))
                    ).path,
                    encoding: .utf8),
                same == current.source.text
            {
                return .unchanged
            }
        }
        let pending = Installation.contractTexts(in: directory)[client]
            .map { CheckedFile(path: $0.path, text: $0.text, context: contractContext(today: today)) }
        if current?.source.text == pending?.source.text { return .unchanged }
        if let pending, pending.diagnostics.hasErrors {
            let rendered = DiagnosticRenderer(sources: [pending.source.path: pending.source]).render(
                pending.diagnostics, format: .text)
            return .errors(file: DisplayPath.of(pending.source.path), text: pending.source.text, diagnostics: rendered)
        }
        // Only this client is billed on each side: other clients' contracts (and their errors) play no part.
        func engine(_ file: CheckedFile?) -> Engine {
            var contracts: [String: Contract] = [:]
            if let contract = file?.contract { contracts[client] = contract }
            return Engine(ledger: ledger, settings: settings, contracts: contracts, render: nil)
        }
        let diff = try RulesDiff.compare(
            before: engine(current), after: engine(pending), period: period, issueDate: today, only: [client])
        return .changed(
            file: pending.map { DisplayPath.of($0.source.path) }, text: pending?.source.text, period: period,
            diff: diff.clients.first { $0.client == client })
    }
}
