import ArgumentParser
import CommandSupport
import Diagnostics
import Foundation
import Ledger
import PlatformTransmission
import Workspace

/// `--status` of `ardoise platform list`: where a flow stands.
enum PlatformState: String, ExpressibleByArgument, CaseIterable, Sendable {
    case pending, submitted, failed, rejected, refused, deposited, collected, disputed, suspended, approved
    case attention
}

enum PlatformKindArgument: String, ExpressibleByArgument, CaseIterable, Sendable { case invoice, collected, reversal }

struct PlatformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform",
        abstract:
            "The accredited platform: documents and Encaissée statuses handed to it, their acknowledgements and life cycle.",
        subcommands: [Status.self, List.self, Submit.self, Retry.self, Poll.self]
    )

    /// Opens the workspace for an action on the platform: refused when the settings do not hand documents to it.
    static func platformWorkspace(_ global: GlobalOptions) throws -> Installation {
        let workspace = try Installation.open(configPath: global.config)
        guard let p = workspace.settings.platform else {
            throw WorkspaceError(
                "the settings have no `platform` section: nothing is handed to a platform (see examples/SETTINGS.md)")
        }
        guard p.transmission.usesPlatform else {
            throw WorkspaceError(
                "`platform: transmission` is `email`: nothing is handed to the platform; set it to `platform` or `both`"
            )
        }
        return workspace
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts of flows per state; exit 1 when one needs a person.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let ledger = try workspace.openLedger()
                let flows = try ledger.platformFlows()
                var counts: [String: Int] = [:]
                for f in flows { counts["\(f.flow.kind.rawValue) \(f.flow.state)", default: 0] += 1 }
                let attention = flows.filter(\.flow.needsPerson)
                let due = try ledger.duePlatformFlowCount(now: Date())
                let cursor = try ledger.platformCursor()
                let transmission = workspace.settings.transmission.rawValue
                if format == .json {
                    emit(
                        JSON.object([
                            ("transmission", JSON.string(transmission)), ("flows", String(flows.count)),
                            ("due", String(due)),
                            ("needs_person", String(attention.count)),
                            ("updated_after", cursor.map(JSON.string) ?? "null"),
                            (
                                "states",
                                JSON.object(counts.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) })
                            )
                        ]) + "\n")
                } else {
                    emit("transmission: \(transmission)\n")
                    for (k, v) in counts.sorted(by: { $0.key < $1.key }) { emit("\(k)\t\(v)\n") }
                    emit(
                        "\(flows.count) flows, \(due) due now, \(attention.count) for a person; statuses read up to \(cursor ?? "never")\n"
                    )
                }
                return attention.isEmpty ? 0 : 1
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The flows with their state, flowId, acknowledgement and life-cycle status; exit 1 when one listed needs a person."
        )
        @OptionGroup var global: GlobalOptions
        @Option(
            help:
                "pending, submitted, failed, rejected, refused, deposited, collected, disputed, suspended, approved, or attention (every flow a person must act on)"
        )
        var status: PlatformState?
        @Option(help: "invoice, collected or reversal") var kind: PlatformKindArgument?
        @Flag(help: "Each flow's history: attempts, acknowledgements, statuses.") var history = false
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            try Outcome.run {
                let ledger = try Installation.open(configPath: global.config).openLedger()
                let kinds = kind.flatMap { PlatformFlowKind(rawValue: $0.rawValue) }.map { [$0] }
                let entries = try ledger.platformFlows(kinds: kinds).filter { e in
                    guard let status else { return true }
                    return status == .attention ? e.flow.needsPerson : e.flow.state == status.rawValue
                }
                if format == .json {
                    let items = try entries.map { e in
                        let events: [PlatformEvent]? =
                            try history ? ledger.platformEvents(flowRow: e.flow.id ?? 0) : nil
                        return PlatformJSON.encode(e, events: events)
                    }
                    emit("[" + items.joined(separator: ",\n") + "]\n")
                } else {
                    for e in entries {
                        let f = e.flow
                        var line =
                            "\(f.id ?? 0)\t\(f.kind.rawValue)\t\(f.trackingId)\t\(e.number)\t\(f.state)\t\(f.flowId ?? "-")"
                        if let amount = f.amount { line += "\t" + LifecycleMessage.amountText(amount) }
                        if f.needsPerson, let reason = try Self.reason(ledger, f) { line += "\t" + reason }
                        emit(line + "\n")
                        if history {
                            for ev in try ledger.platformEvents(flowRow: f.id ?? 0) {
                                emit("  \(ev.at)\t\(ev.kind)\t\(ev.outcome)\t\(ev.detail)\n")
                            }
                        }
                    }
                    emit("\(entries.count) flows, \(entries.filter(\.flow.needsPerson).count) for a person\n")
                }
                return entries.contains(where: \.flow.needsPerson) ? 1 : 0
            }
        }

        /// What a person reads first: the refusal, or the last status's reasons.
        static func reason(_ ledger: LedgerDatabase, _ f: PlatformFlow) throws -> String? {
            if f.status == .failed { return f.lastError }
            let events = try ledger.platformEvents(flowRow: f.id ?? 0)
            return events.last(where: { $0.kind == "lifecycle" || $0.kind == "acknowledgement" })?.detail
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Submit the due flows now; with document numbers or --all, first queue issued documents that have none (issued before the platform was used)."
        )
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Queue every issued document that has no flow yet.") var all = false
        @Argument(help: "Issued document numbers to queue (those without a flow).") var numbers: [String] = []

        func validate() throws {
            if all && !numbers.isEmpty { throw ValidationError("give document numbers or `--all`, not both") }
        }

        func run() throws {
            try Outcome.run {
                let workspace = try PlatformCommand.platformWorkspace(global)
                let endpoint = try workspace.platformEndpoint()
                let ledger = try workspace.openLedger(actor: global.who)
                var queued: [String] = []
                if all || !numbers.isEmpty {
                    queued = try ledger.queuePlatformSubmissions(numbers: all ? nil : numbers, actor: global.who)
                }
                let report = try workspace.submitToPlatform(api: FlowAPI(endpoint: endpoint))
                try ledger.audit(
                    actor: global.who, action: "platform submit",
                    AuditParameters([
                        "queued": .integer(Int64(queued.count)), "submitted": .integer(Int64(report.submitted.count)),
                        "retrying": .integer(Int64(report.retrying.count)),
                        "failed": .integer(Int64(report.failed.count)),
                        "stopped": report.stoppedEarly.map { .text($0) }
                    ]))
                emit(
                    (queued.isEmpty ? "" : "\(queued.count) queued: \(queued.joined(separator: ", "))\n") + report.text)
                return report.failed.isEmpty && report.stoppedEarly == nil ? 0 : 1
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Make failed flows (or pending ones, by id) due now with a fresh round of attempts, then submit what is due."
        )
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Every failed flow.") var all = false
        @Argument(help: "Flow ids (see `ardoise platform list`).") var ids: [Int64] = []

        func validate() throws {
            if all == !ids.isEmpty { throw ValidationError("give flow ids or `--all`") }
        }

        func run() throws {
            try Outcome.run {
                let workspace = try PlatformCommand.platformWorkspace(global)
                let endpoint = try workspace.platformEndpoint()
                let ledger = try workspace.openLedger(actor: global.who)
                let retried = try ledger.retryPlatformFlows(ids: all ? nil : ids, actor: global.who)
                let report = try workspace.submitToPlatform(api: FlowAPI(endpoint: endpoint))
                emit("\(retried.count) made due now\n" + report.text)
                return report.failed.isEmpty && report.stoppedEarly == nil ? 0 : 1
            }
        }
    }

    struct Poll: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the acknowledgements and life-cycle statuses since the last search (the daily run does it)."
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Outcome.run {
                let workspace = try PlatformCommand.platformWorkspace(global)
                let endpoint = try workspace.platformEndpoint()
                let ledger = try workspace.openLedger(actor: global.who)
                let report = try workspace.pollPlatform(api: FlowAPI(endpoint: endpoint))
                try ledger.audit(
                    actor: global.who, action: "platform poll",
                    AuditParameters([
                        "flows": .integer(Int64(report.flowsSeen)),
                        "acknowledgements": .integer(Int64(report.acknowledgements)),
                        "statuses": .integer(Int64(report.statuses.count)),
                        "unreadable": .integer(Int64(report.unreadable.count))
                    ]))
                for (number, code) in report.statuses { emit("status\t\(number)\t\(code)\n") }
                for u in report.unreadable { emit("not understood\t\(u)\n") }
                emit(report.summary + "\n")
                let attention = try ledger.platformFlows().filter(\.flow.needsPerson)
                return attention.isEmpty && report.unreadable.isEmpty ? 0 : 1
            }
        }
    }
}
