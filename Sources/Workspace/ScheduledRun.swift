import BillingEngine
import BillingModel
import Diagnostics
import Foundation
import Imports
import Ledger
import Logging
import PlatformTransmission

/// What `ardoise run` did on a day, step by step.
public struct ScheduledRunReport: Sendable {
    public var day: Day
    public var filesImported = 0
    public var filesUnchanged = 0
    public var filesWithProblems = 0
    public var rowsRejected = 0
    /// Event orders held from billing by an open import conflict (a revision delivered again with other content).
    public var ordersHeld: [String] = []
    public var events: BillingReport?
    public var corrections: BillingReport?
    public var due: BillingReport?
    public var sending: String?
    public var sendingFailed = false
    public var stepFailures: [String] = []
    /// Contracts with errors: their clients were not billed, the others were.
    public var contractProblems: ContractProblems?
    /// Reminders (and courtesy notices) queued today, and notices sent, cancelled (paid since), failed.
    public var remindersQueued: [String] = []
    /// Contract-end notices queued today to the finance address (`contract/CLIENT/END/THRESHOLD`).
    public var contractNotices: [String] = []
    public var notices: (sent: Int, cancelled: Int, failed: Int)?
    /// Settings or contract files changed (or added, removed) while the run went on: it billed with the
    /// version read at its start, the next run uses the new one.
    public var sourcesChanged: [String] = []
    /// What was handed to the platform and read back from it (`platform:` with transmission `platform` or `both`).
    public var platform: String?
    /// A submission failed, the platform could not be reached, or a document was rejected or refused: a person looks.
    public var platformFailed = false
    /// The B2C e-reporting periods queued and submitted.
    public var eReporting: String?

    public var documentsCreated: Int { [events, corrections, due].compactMap { $0?.created.count }.reduce(0, +) }
    public var documentsIssued: Int { [events, corrections, due].compactMap { $0?.issued.count }.reduce(0, +) }
    public var billingFailures: [BillingFailure] {
        [events, corrections, due].compactMap { $0?.failures }.flatMap { $0 }
    }

    /// 0 when all went well; 1 when something needs a person (rejected rows,
    /// a conflict, a client not billed or whose contract has errors, a step
    /// or a delivery that failed).
    public var exitCode: Int32 {
        filesWithProblems > 0 || rowsRejected > 0 || !ordersHeld.isEmpty || !billingFailures.isEmpty
            || !stepFailures.isEmpty || sendingFailed || platformFailed
            || !(contractProblems?.isEmpty ?? true) ? 1 : 0
    }
}

/// The daily job the scheduler calls: import the inbox, bill the day's
/// delivered events, bill late revenue, generate the proformas due, validate
/// the automatic ones, then send what is due. Each step is idempotent, so
/// running it twice for a day changes nothing; a lock beside the database
/// keeps two runs from billing at once.
public struct ScheduledRun {
    public let workspace: Installation
    public let logger: Logger
    public let actor: String
    /// Whether the run sends the outbox (`--no-send` turns it off).
    public var sending: Bool
    /// Another way to send (tests); by default the settings' SMTP server.
    public var send: ((LedgerDatabase, Logger) throws -> (summary: String, failed: Bool))?
    /// Why a day after today is run anyway (`--force --reason`); nil refuses it.
    public var futureDateReason: String?
    /// Whether a client whose sites lack register files for days they were expected open is held (not billed, exit 1).
    public var holdsMissingDays = true

    public init(
        workspace: Installation, logger: Logger, actor: String = "scheduler", sending: Bool = true,
        send: ((LedgerDatabase, Logger) throws -> (summary: String, failed: Bool))? = nil
    ) {
        self.workspace = workspace
        self.logger = logger
        self.actor = actor
        self.sending = sending
        self.send = send
    }

    /// The lock file of the workspace's database, beside the real file (a symbolic link to the database takes the same lock).
    public var lockPath: String { RunLock.path(beside: workspace.config.databasePath) }

    public func run(on day: Day, now: Date = Date()) throws -> ScheduledRunReport {
        // A mistyped `database:` is refused before the lock is taken: the run never starts a new ledger.
        guard try workspace.ledgerExists() else {
            throw WorkspaceError(LedgerError.missing(path: workspace.shownDatabase).description)
        }
        // On PostgreSQL the lock is the database's (several machines share it); on SQLite a file beside the ledger.
        let lock: AnyObject
        if LedgerDatabase.isPostgreSQL(workspace.config.databasePath) {
            let taken: DatabaseRunLock?
            do {
                taken = try DatabaseRunLock(
                    address: workspace.config.databasePath, environment: workspace.databaseEnvironment)
            } catch {
                throw WorkspaceError("the database `\(workspace.shownDatabase)` cannot be opened: \(error)")
            }
            guard let taken else {
                throw WorkspaceError(
                    "another `ardoise run` holds the lock of the database `\(workspace.shownDatabase)`: nothing done")
            }
            lock = taken
        } else {
            guard let taken = try RunLock(path: lockPath) else {
                throw WorkspaceError("another `ardoise run` holds the lock `\(lockPath)`: nothing done")
            }
            lock = taken
        }
        defer { withExtendedLifetime(lock) {} }
        var report = ScheduledRunReport(day: day)
        logger.info("run started", metadata: ["day": "\(day)", "database": "\(workspace.shownDatabase)"])
        let ledger = try workspace.openLedger(actor: actor)
        // `ardoise run` refuses a day after today before it comes here; forced, the reason goes to the audit log.
        if futureDateReason != nil {
            try workspace.checkNotFuture(day, command: "run", force: futureDateReason, actor: actor)
        }

        // 0. Documents issued before the sales journal existed get their entries (once).
        do {
            let posted = try workspace.postMissingEntries(actor: actor, today: day)
            if posted > 0 {
                logger.notice(
                    "posted the entries of documents issued before the sales journal",
                    metadata: ["documents": "\(posted)"])
            }
        } catch {
            report.stepFailures.append("entries: \(error)")
            logger.error("step failed", metadata: ["step": "entries", "error": "\(error)"])
        }

        // 1. The inbox, each file all or nothing.
        for r in try workspace.importFiles([]) {
            var meta: Logger.Metadata = [
                "file": "\(DisplayPath.of(r.file))", "status": "\(r.status.rawValue)", "rows": "\(r.rows)"
            ]
            if r.rejectedCount > 0 { meta["rejected"] = "\(r.rejectedCount)" }
            if let m = r.message { meta["detail"] = "\(m)" }
            switch r.status {
            case .unchanged: report.filesUnchanged += 1; logger.debug("import", metadata: meta)
            case .imported, .replaced: report.filesImported += 1; logger.info("import", metadata: meta)
            case .conflict, .refused: report.filesWithProblems += 1; logger.warning("import", metadata: meta)
            }
            report.rowsRejected += r.rejectedCount
            if !r.rejected.isEmpty && r.status != .refused {
                logger.warning("rows rejected to the quarantine", metadata: meta)
            }
        }
        // Orders an open import conflict holds from billing: a person must look until a later revision arrives.
        for c in try ledger.orderConflicts() {
            report.ordersHeld.append(c.orderID)
            logger.warning(
                "order held from billing: its revision was delivered again with other content",
                metadata: [
                    "order": "\(c.orderID)", "revision": "\(c.revision)", "file": "\(c.fileName)", "line": "\(c.line)"
                ])
        }

        // 2–4. Billing: events, corrections, the periods due.
        // A client whose contract has errors is left out and reported; the others are billed.
        let (engine, problems) = try workspace.billingEngine(today: day, actor: actor)
        if !problems.isEmpty {
            report.contractProblems = problems
            for c in problems.clients {
                logger.error("client not billed: its contract has errors", metadata: ["client": "\(c)"])
            }
            if problems.clients.isEmpty { logger.error("a contract file has errors") }
        }
        // Nothing is issued into a closed month: documents would be dated in it.
        let month = Month(day).description
        if (try? ledger.isClosed(month: month)) == true {
            report.stepFailures.append(
                "billing: \(month) is closed, nothing can be issued on \(day); run with a day of an open month")
            logger.error("month closed: nothing billed", metadata: ["month": "\(month)", "day": "\(day)"])
        } else {
            report.events = step("events", &report) { try engine.billEvents(on: day, now: now) }
            report.corrections = step("corrections", &report) {
                try engine.correctLateRevenue(issueDate: day, now: now)
            }
            report.due = step("due", &report) {
                try engine.generateDue(on: day, holdMissingDays: holdsMissingDays, now: now)
            }
        }

        // 5. Reminders due today (each step once), sent below with the outbox.
        do {
            let queued = try workspace.queueReminders(on: day, at: now)
            report.remindersQueued = queued.map(\.key)
            for n in queued {
                logger.info("reminder queued", metadata: ["key": "\(n.key)", "kind": "\(n.kind.rawValue)"])
            }
            report.contractNotices = try workspace.queueContractEndNotices(on: day, at: now)
            for k in report.contractNotices { logger.info("contract end notice queued", metadata: ["key": "\(k)"]) }
        } catch {
            report.stepFailures.append("reminders: \(error)")
            logger.error("step failed", metadata: ["step": "reminders", "error": "\(error)"])
        }

        // 6. The accredited platform: every issued document and Encaissée due is submitted, then the acknowledgements
        // and life-cycle statuses since the last run are read.
        if sending, let p = workspace.settings.platform, p.transmission.usesPlatform {
            do {
                let api = FlowAPI(endpoint: try workspace.platformEndpoint())
                let s = try workspace.submitToPlatform(api: api, now: now)
                for i in s.items {
                    let meta: Logger.Metadata = [
                        "tracking_id": "\(i.trackingId)", "number": "\(i.number)", "kind": "\(i.kind.rawValue)",
                        "outcome": "\(i.outcome)", "detail": "\(i.detail)"
                    ]
                    if i.outcome == "failed" {
                        logger.warning("platform", metadata: meta)
                    } else {
                        logger.info("platform", metadata: meta)
                    }
                }
                if let stop = s.stoppedEarly {
                    logger.error("platform submission stopped", metadata: ["reason": "\(stop)"])
                }
                let poll = try workspace.pollPlatform(api: api, now: now)
                for (number, code) in poll.statuses {
                    logger.info("platform status", metadata: ["number": "\(number)", "status": "\(code)"])
                }
                for u in poll.unreadable {
                    logger.warning("platform message not understood", metadata: ["detail": "\(u)"])
                }
                let tasks = try ledger.platformFlows().filter(\.flow.needsPerson)
                for t in tasks {
                    logger.warning(
                        "platform: a person must look",
                        metadata: [
                            "number": "\(t.number)", "tracking_id": "\(t.flow.trackingId)",
                            "state": "\(t.flow.state)"
                        ])
                }
                report.platform =
                    s.summary + "; " + poll.summary
                    + (tasks.isEmpty ? "" : "; \(tasks.count) for a person (`ardoise platform list`)")
                report.platformFailed = !s.failed.isEmpty || s.stoppedEarly != nil || !tasks.isEmpty
                // B2C e-reporting: every period that ended in the last month, once.
                let e = try workspace.eReport(
                    period: Period(start: day.addingMonths(-1).firstOfMonth, end: day.adding(days: -1)), today: day,
                    api: api, actor: actor, now: now)
                report.eReporting = "\(e.queued.count) periods queued, " + e.submission.summary
                if !e.submission.failed.isEmpty || e.submission.stoppedEarly != nil { report.platformFailed = true }
            } catch {
                report.stepFailures.append("platform: \(error)")
                logger.error("platform failed", metadata: ["error": "\(error)"])
            }
        }

        // 7. Sending: the outbox over the settings' SMTP server.
        if sending, send == nil {
            if workspace.settings.smtp == nil {
                logger.notice("no `smtp` in the settings: the queued e-mails wait (`ardoise outbox list`)")
            } else {
                do {
                    let r = try workspace.sendOutbox(now: now)
                    report.sending =
                        "\(r.sent.count) sent, \(r.retrying.count) to retry, \(r.failed.count) failed"
                        + (r.stoppedEarly.map { ", stopped: \($0)" } ?? "")
                    report.sendingFailed = !r.failed.isEmpty || r.stoppedEarly != nil
                    for i in r.items {
                        let meta: Logger.Metadata = [
                            "number": "\(i.number)", "outcome": "\(i.outcome)", "detail": "\(i.detail)"
                        ]
                        if i.outcome == "sent" {
                            logger.info("mail", metadata: meta)
                        } else {
                            logger.warning("mail", metadata: meta)
                        }
                    }
                    if let stop = r.stoppedEarly { logger.error("sending stopped", metadata: ["reason": "\(stop)"]) }
                    let n = try workspace.sendNotices(smtp: workspace.smtpConfiguration(), now: now)
                    report.notices = n
                    if n.failed > 0 { report.sendingFailed = true }
                    logger.info(
                        "notices",
                        metadata: ["sent": "\(n.sent)", "cancelled": "\(n.cancelled)", "failed": "\(n.failed)"])
                } catch {
                    report.stepFailures.append("send: \(error)")
                    logger.error("send failed", metadata: ["error": "\(error)"])
                }
            }
        }
        if sending, let send {
            do {
                let (summary, failed) = try send(ledger, logger)
                report.sending = summary
                report.sendingFailed = failed
            } catch {
                report.stepFailures.append("send: \(error)")
                logger.error("send failed", metadata: ["error": "\(error)"])
            }
        }
        report.sourcesChanged = workspace.snapshot.changedSinceRead()
        if !report.sourcesChanged.isEmpty {
            logger.warning(
                "settings or contracts changed during the run: it used the version read at its start, the next run uses the new one",
                metadata: ["files": "\(report.sourcesChanged.joined(separator: ", "))"])
        }
        logger.info(
            "run finished",
            metadata: [
                "day": "\(day)", "imported": "\(report.filesImported)", "unchanged": "\(report.filesUnchanged)",
                "created": "\(report.documentsCreated)", "issued": "\(report.documentsIssued)",
                "failures": "\(report.billingFailures.count + report.stepFailures.count)", "exit": "\(report.exitCode)"
            ])
        return report
    }

    /// Runs one billing step: its failure is logged and reported, the next steps still run.
    func step(_ name: String, _ report: inout ScheduledRunReport, _ body: () throws -> BillingReport) -> BillingReport?
    {
        do {
            let r = try body()
            logger.info(
                "\(name)",
                metadata: [
                    "created": "\(r.created.count)", "unchanged": "\(r.unchanged)", "issued": "\(r.issued.count)",
                    "evaluated": "\(r.evaluated)", "unchanged_since_billed": "\(r.unchangedSinceBilled)",
                    "total_ht": "\(r.totalHT)", "total_ttc": "\(r.totalTTC)"
                ])
            for n in r.issued { logger.debug("issued", metadata: ["step": "\(name)", "number": "\(n)"]) }
            for note in r.notes { logger.notice("\(name): \(note)") }
            for f in r.failures {
                logger.error(
                    "client not billed", metadata: ["step": "\(name)", "client": "\(f.client)", "error": "\(f.message)"]
                )
            }
            return r
        } catch {
            report.stepFailures.append("\(name): \(error)")
            logger.error("step failed", metadata: ["step": "\(name)", "error": "\(error)"])
            return nil
        }
    }
}
