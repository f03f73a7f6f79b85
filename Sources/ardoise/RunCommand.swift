import ArgumentParser
import BillingModel
import CommandSupport
import Foundation
import Logging
import Workspace

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "The daily scheduled job: import the inbox, bill events, corrections and the periods due, validate automatic ones, send.",
        discussion: """
            Cron or a systemd timer calls it once a day (examples/cron and examples/systemd). Running it twice for a day \
            changes nothing; a second run while one is going exits 2 without doing anything (lock file beside the database). \
            Exit codes: 0 all done; 1 done, but something needs a person (rejected rows, a conflict, a client not billed, a \
            contract with errors: its client is skipped, the others billed, a delivery that failed); 2 it could not run. Logs: one line per event on standard error, JSON with --log-format json.
            """
    )
    enum LogFormat: String, ExpressibleByArgument { case text, json }

    @OptionGroup var global: GlobalOptions
    @Option(help: "text or json (one object per line).") var logFormat: LogFormat = .text
    @Flag(help: "Log every file and every document, not only what changed.") var verbose = false
    @Flag(help: "Do not send the outbox.") var noSend = false
    @Flag(help: "Run as of a --date after today (needs --reason).") var force = false
    @Option(help: "Why a --date after today is run (with --force; kept in the audit log).") var reason: String?

    func validate() throws {
        try ForceReason.check(force: force, reason: reason)
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let day = try global.today()
            if !force { try workspace.checkNotFuture(day, command: "run", force: nil, actor: global.who) }
            let format = logFormat
            var logger = Logger(label: "ardoise.run") { label in
                format == .json ? JSONLogHandler(label: label) as any LogHandler : TextLogHandler() as any LogHandler
            }
            logger.logLevel = verbose ? .debug : .info
            var run = ScheduledRun(
                workspace: workspace, logger: logger, actor: global.actor ?? "scheduler", sending: !noSend)
            run.futureDateReason = force ? reason : nil
            let report = try run.run(on: day)
            if let problems = report.contractProblems { printError(problems.rendered, terminator: "") }
            emit(RunCommand.summary(report))
            return report.exitCode
        }
    }

    /// Reminders counted per step (`FA-2026-000123/+15` is the reminder 15 days after the due date, `…/-5` the
    /// courtesy notice 5 days before): a month queues hundreds, which one line of keys could not show.
    static func reminderCounts(_ keys: [String]) -> String {
        var counts: [Int: Int] = [:]
        for key in keys {
            guard let step = key.split(separator: "/").last.flatMap({ Int($0) }) else { continue }
            counts[step, default: 0] += 1
        }
        let steps = counts.keys.sorted().map { step in
            step < 0
                ? "\(counts[step] ?? 0) courtesy \(-step) days before due" : "\(counts[step] ?? 0) at \(step) days late"
        }
        return "\(keys.count)" + (steps.isEmpty ? "" : " (\(steps.joined(separator: ", ")))")
    }

    /// The first few items and how many more.
    static func shortList(_ items: [String], first: Int = 5) -> String {
        items.count <= first
            ? items.joined(separator: ", ")
            : items.prefix(first).joined(separator: ", ") + " and \(items.count - first) more"
    }

    static func summary(_ r: ScheduledRunReport) -> String {
        var out = "run of \(r.day): \(r.filesImported) files imported, \(r.filesUnchanged) unchanged"
        if r.filesWithProblems > 0 { out += ", \(r.filesWithProblems) refused or in conflict" }
        if r.rowsRejected > 0 { out += ", \(r.rowsRejected) rows rejected" }
        if !r.ordersHeld.isEmpty {
            out += ", orders held by an import conflict: \(r.ordersHeld.joined(separator: ", "))"
        }
        out += "\n"
        for (name, step) in [("events", r.events), ("corrections", r.corrections), ("periods due", r.due)] {
            if let step { out += "  \(name): \(step.counts)\n" }
        }
        if let due = r.due, due.unchangedSinceBilled > 0 {
            out += "  periods not evaluated again (their inputs unchanged since billed): \(due.unchangedSinceBilled)\n"
        }
        if !r.remindersQueued.isEmpty {
            out += "  reminders queued: \(reminderCounts(r.remindersQueued)) (`ardoise reminders list`)\n"
        }
        if !r.contractNotices.isEmpty { out += "  contracts ending: \(shortList(r.contractNotices))\n" }
        if let p = r.platform { out += "  platform: \(p)\n" }
        if let e = r.eReporting { out += "  e-reporting: \(e)\n" }
        if let s = r.sending { out += "  sending: \(s)\n" }
        if let n = r.notices {
            out += "  notices: \(n.sent) sent, \(n.cancelled) cancelled (paid or paused), \(n.failed) failed\n"
        }
        if !r.sourcesChanged.isEmpty {
            out +=
                "  note: changed during the run, used as they were at its start (the next run uses them): "
                + "\(shortList(r.sourcesChanged))\n"
        }
        for f in r.billingFailures { out += "error: \(f.client): \(f.message)\n" }
        for f in r.stepFailures { out += "error: \(f)\n" }
        if let problems = r.contractProblems { out += problems.summary }
        return out
    }
}
