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

extension Workspace {
    /// The contract file of each client in a rules folder, by the client it names.
    static func contractFiles(in directory: String, context: ContractContext) -> [String: CheckedFile] {
        let loaded = ContractFiles.load(in: [directory])
        var out: [String: CheckedFile] = [:]
        for f in RuleSet(files: loaded.files, context: context, requireEveryClient: false).files {
            if let client = f.syntax.client?.value, out[client] == nil { out[client] = f }
        }
        return out
    }

    /// The contract file of `client` in the configured rules folder, found by the client it names (the
    /// file's name is free: `c0003.ard`, `acme-2026.ard`), checked; nil when the client has none.
    public func contractFile(of client: String, today: Day) -> CheckedFile? {
        Workspace.contractFiles(in: config.rulesDirectory, context: contractContext(today: today))[client]
    }

    /// The clients whose contract text differs between the configured rules and `directory`
    /// (added, removed or edited): a cheap comparison of the files, nothing billed.
    public func clientsChanged(pending directory: String, today: Day) -> Set<String> {
        let context = contractContext(today: today)
        let current = Workspace.contractFiles(in: config.rulesDirectory, context: context)
        let pending = Workspace.contractFiles(in: directory, context: context)
        let codes = Set(current.keys).union(pending.keys)
        return codes.filter { current[$0]?.source.text != pending[$0]?.source.text }
    }

    /// Bills `period` for `client` with the configured contracts and with those of
    /// `directory`, over the same ledger and issue date, writing nothing, and
    /// compares them (as `ardoise diff --rules-before` does, the configured rules
    /// being "before" here).
    public func pendingChange(ledger: Ledger, pending directory: String, client: String, period: Period,
                              today: Day) throws -> PendingChange {
        let context = contractContext(today: today)
        let current = Workspace.contractFiles(in: config.rulesDirectory, context: context)[client]
        let pending = Workspace.contractFiles(in: directory, context: context)[client]
        if current?.source.text == pending?.source.text { return .unchanged }
        if let pending, pending.diagnostics.hasErrors {
            let rendered = DiagnosticRenderer(sources: [pending.source.path: pending.source]).render(pending.diagnostics, format: .text)
            return .errors(file: DisplayPath.of(pending.source.path), text: pending.source.text, diagnostics: rendered)
        }
        // Only this client is billed on each side: other clients' contracts (and their errors) play no part.
        func engine(_ file: CheckedFile?) -> BillingEngine {
            var contracts: [String: Contract] = [:]
            if let contract = file?.contract { contracts[client] = contract }
            return BillingEngine(ledger: ledger, settings: settings, contracts: contracts, render: nil)
        }
        let diff = try RulesDiff.compare(before: engine(current), after: engine(pending), period: period, issueDate: today, only: [client])
        return .changed(file: pending.map { DisplayPath.of($0.source.path) }, text: pending?.source.text, period: period,
                        diff: diff.clients.first { $0.client == client })
    }
}
