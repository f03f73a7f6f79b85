import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import Workspace

struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "The e-mails of issued documents: list, send what is due, retry.",
        subcommands: [List.self, Send.self, Retry.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued messages and their state.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "pending, sent or failed") var status: OutboxStatus?
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            try Outcome.run {
                let ledger = try Installation.open(configPath: global.config).openLedger()
                let entries = try ledger.outbox(status: status)
                if format == .json {
                    emit("[" + entries.map(OutboxJSON.encode).joined(separator: ",\n") + "]\n")
                    return 0
                }
                for e in entries {
                    let m = e.message
                    let when =
                        m.status == .sent
                        ? "sent \(m.sentAt ?? "")" : m.nextAttemptAt.map { "next \($0)" } ?? "waits for retry"
                    emit(
                        "\(m.id ?? 0)\t\(e.number)\t\(m.status.rawValue)\t\(m.attempts) attempts\t\(when)\t\(m.recipients.isEmpty ? "(no recipient)" : m.recipients)\(m.lastError.map { "\t\($0)" } ?? "")\n"
                    )
                }
                let counts = OutboxStatus.allCases.map { s in
                    "\(entries.filter { $0.message.status == s }.count) \(s.rawValue)"
                }
                emit("\(entries.count) messages: \(counts.joined(separator: ", "))\n")
                return 0
            }
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the messages that are due over the settings' SMTP server.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let report = try workspace.sendOutbox()
                emit(report.text)
                return report.failed.isEmpty && report.stoppedEarly == nil ? 0 : 1
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Make failed or pending messages due now (with the customers' current addresses), then send what is due."
        )
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Every failed or pending message.") var all = false
        @Argument(help: "Outbox message ids (see `ardoise outbox list`).") var ids: [Int64] = []

        func validate() throws {
            if all == !ids.isEmpty { throw ValidationError("give message ids or `--all`") }
        }

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let (retried, report) = try workspace.retryOutbox(ids: all ? nil : ids)
                emit("\(retried.count) made due now\n" + report.text)
                return report.failed.isEmpty && report.stoppedEarly == nil ? 0 : 1
            }
        }
    }
}
