import ArgumentParser
import BillingModel
import CommandSupport
import Foundation
import Ledger
import Workspace

struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments", abstract: "Payments received: bank statements imported and matched to invoices.",
        subcommands: [Import.self, Match.self, Unmatch.self, List.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Imports camt.053 statements or CSV files of received payments; each file all or nothing, each bank reference once.",
            discussion:
                "Exit 0 all matched; 1 a credit is unmatched or a file was refused (the others are imported); 2 nothing could run."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "camt.053 XML or CSV files (`reference;date;amount;debtor;iban;remittance`).") var files:
            [String]
        @Flag(help: "Import as of a --date after today (needs --reason).") var force = false
        @Option(help: "Why a --date after today is used (with --force; kept in the audit log).") var reason: String?

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("name at least one statement file") }
            try requireExisting(files)
            try ForceReason.check(force: force, reason: reason)
        }

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let today = try global.today()
                try workspace.checkNotFuture(
                    today, command: "payments import", force: force ? reason : nil, actor: global.who)
                var code: Int32 = 0
                for (file, result) in try workspace.importPayments(files: files, actor: global.who, today: today) {
                    switch result {
                    case .success(let r):
                        emit(r.text)
                        if r.payments.contains(where: { $0.status == "new" && $0.allocations.isEmpty }) { code = 1 }
                    case .failure(let error):
                        printError("ardoise: \(file): refused, nothing imported: \(error)")
                        code = 1
                    }
                }
                return code
            }
        }
    }

    struct Match: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allocates what is left of a payment to invoices, in order, each up to what it owes (audit log).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment's id (`payments list`).") var payment: Int64
        @Argument(help: "Invoice numbers or ids.") var invoices: [String]

        func validate() throws {
            guard !invoices.isEmpty else { throw ValidationError("name at least one invoice") }
        }

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let out = try workspace.matchPayment(
                    id: payment, invoices: invoices, actor: global.who, today: try global.today())
                for a in out { emit("payment \(payment)\t\(a.number)\t\(a.amount)\n") }
                return 0
            }
        }
    }

    struct Unmatch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Removes a payment's allocations (to the invoices named, or all); kept in the ledger as removed, in the audit log."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment's id.") var payment: Int64
        @Argument(help: "Invoice numbers or ids (default: all).") var invoices: [String] = []

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let n = try workspace.unmatchPayment(
                    id: payment, invoices: invoices, actor: global.who,
                    today: try global.today())
                emit("payment \(payment): \(n) allocation\(n == 1 ? "" : "s") removed\n")
                return 0
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lists payments with their allocations and what is left unallocated.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only payments with an unallocated amount.") var unallocated = false

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let ledger = try workspace.openLedger()
                for p in try ledger.payments() where !unallocated || p.unallocated.cents > 0 {
                    let allocs = p.allocations.map { "\($0.number) \($0.amount)" }.joined(separator: ", ")
                    emit(
                        "\(p.id)\t\(p.bookingDate)\t\(p.reference)\t\(p.amount)\t\(p.debtorName ?? "?")\t\(allocs.isEmpty ? "-" : allocs)\tunallocated \(p.unallocated)\n"
                    )
                }
                return 0
            }
        }
    }
}

struct ReceivablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receivables",
        abstract:
            "The aged balance of open invoices per client and payer: not yet due, 1-30, 31-60, 61-90, over 90 days late."
    )
    @OptionGroup var global: GlobalOptions
    @Option(
        name: .customLong("as-of"), help: "The day of the balance (default: --date, today).",
        transform: DayArgument.parse)
    var asOf: DayArgument?
    @Option(help: "text or json.") var format: OutputFormat = .text
    @Flag(help: "Also list each open invoice with its state (open, partly paid, overdue) and what it still owes.")
    var invoices = false

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            _ = try workspace.openLedger()
            let r = try workspace.receivables(asOf: try asOf?.day ?? global.today())
            emit(format == .json ? r.json : r.text)
            if invoices && format == .text {
                for i in r.invoices where i.balance.cents > 0 {
                    emit(
                        "\(i.number)\t\(i.client)\t\(i.payer ?? "-")\tdue \(i.dueDate)\t\(i.state(on: r.asOf).rawValue)\t\(i.totalTTC)\tcredited \(i.credited)\tpaid \(i.paid)\tstill due \(i.balance)\n"
                    )
                }
            }
            return 0
        }
    }
}

struct RemindersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders", abstract: "Payment reminders: the notices queued and sent, pauses.",
        subcommands: [List.self, Send.self, Retry.self, Pause.self, Resume.self])

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Makes failed notices (the ids named, or all) due now with the current addresses of the settings, then sends them."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Notice ids (`reminders list`).") var ids: [Int64] = []
        @Flag(help: "Every failed notice.") var all = false

        func validate() throws {
            guard ids.isEmpty != !all else { throw ValidationError("give notice ids or --all") }
        }

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let smtp = try workspace.smtpConfiguration()
                let retried = try workspace.retryNotices(ids: all ? nil : ids, actor: global.who)
                let r = try workspace.sendNotices(smtp: smtp)
                emit("\(retried.count) made due; \(r.sent) sent, \(r.cancelled) cancelled, \(r.failed) failed\n")
                return r.failed == 0 ? 0 : 1
            }
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Sends the queued notices that are due over the settings' SMTP server (the daily run does it after the outbox); exit 1 when one failed."
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                _ = try workspace.openLedger()
                let r = try workspace.sendNotices(smtp: workspace.smtpConfiguration())
                emit("\(r.sent) sent, \(r.cancelled) cancelled (paid, credited or paused), \(r.failed) failed\n")
                return r.failed == 0 ? 0 : 1
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The notices queued (courtesy notices, reminders, contract ends) and their status.")
        @OptionGroup var global: GlobalOptions
        @Option(
            help: "The reminders planned up to this day, as the daily runs would queue them.",
            transform: DayArgument.parse)
        var until: DayArgument?

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let ledger = try workspace.openLedger()
                for n in try ledger.notices() {
                    emit(
                        "\(n.id ?? 0)\t\(n.dueOn)\t\(n.kind.rawValue)\t\(n.key)\t\(n.status.rawValue)\t\(n.recipients)\(n.lastError.map { "\t\($0)" } ?? "")\n"
                    )
                }
                if let until {
                    for p in try workspace.plannedReminders(from: try global.today(), until: until.day) {
                        emit("planned\t\(p.day)\t\(p.kind.rawValue)\t\(p.key)\t\(p.amountDue)\n")
                    }
                }
                return 0
            }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pauses reminders of a client, payer or invoice, with a reason (audit log).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A client or payer code, or an invoice number.") var target: String
        @Option(help: "Why (kept in the audit log).") var reason: String

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let ledger = try workspace.openLedger()
                try workspace.checkReminderTarget(target)
                try ledger.pauseReminders(target: target, reason: reason, actor: global.who)
                emit("reminders of \(target) paused\n")
                return 0
            }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resumes reminders paused for a client, payer or invoice.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A client or payer code, or an invoice number.") var target: String

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let ledger = try workspace.openLedger()
                try ledger.resumeReminders(target: target, actor: global.who)
                emit("reminders of \(target) resumed\n")
                return 0
            }
        }
    }
}
