import BillingEngine
import BillingModel
import Dashboards
import Demo
import Foundation
import Ledger
import Logging
import Workspace

/// A year of data in one ledger: consecutive generated months, each imported, billed (its events on their
/// delivery days, then the month), validated with its documents rendered and stored, its entries exported
/// as a FEC, its bank statement imported, and closed, in order, as the finance team's months follow one
/// another. Each stage is timed per month, with the daily run of a day with nothing new, the ledger's size
/// and the process's peak memory; at the end, a dashboard over the whole year and `verify`. The question it
/// answers: does a month cost the same with eleven months of history behind it as with none?
public enum YearBenchmark {
    /// One month's figures.
    public struct Month: Sendable {
        public var month: String
        public var importSeconds = 0.0
        public var rows = 0
        public var billingSeconds = 0.0
        /// The parts of billing: each day's events, the month's contracts, the weeks ending just after it.
        public var billingParts = (events: 0.0, month: 0.0, weeks: 0.0)
        public var documents = 0
        public var validationSeconds = 0.0
        public var issued = 0
        public var entriesSeconds = 0.0
        public var paymentsSeconds = 0.0
        public var closingSeconds = 0.0
        public var closed = false
        public var idleRunSeconds = 0.0
        /// Contract periods the idle run evaluated (their inputs changed since billed).
        public var idleEvaluated = 0
        public var ledgerBytes: Int64 = 0
        public var peakRSSKB = 0
    }

    @discardableResult
    public static func run(
        directory: URL, months count: Int = 12, first: String = "2026-10", sites siteCount: Int = 60,
        clients clientCount: Int = 850, seed: UInt64 = 1, postgres: String? = nil,
        output: (String) -> Void = { print($0) }
    ) throws -> [Month] {
        guard count >= 1, count <= 36 else { throw GenerationBenchmarkError("--months is 1 to 36") }
        guard let start = Period(parsing: first) else {
            throw GenerationBenchmarkError("`\(first)` is not a month YYYY-MM")
        }
        let months = (0..<count).map { Period.month(of: start.start.addingMonths($0)) }
        let clock = ContinuousClock()
        let fm = FileManager.default
        // A server that cannot be reached is refused before months are generated.
        let scratch = try postgres.map { try PlainPostgreSQL.scratchDatabase(postgresDatabase, on: $0) }

        // The workspace (settings with the year's index values, contracts) and each month's inbox files, written
        // once and reused: the folder's name carries every parameter and the generator's version.
        let folder = directory.appendingPathComponent(
            "year-\(first)-\(count)m-\(siteCount)x\(clientCount)-seed\(seed)-v\(DemoGenerator.version)")
        let marker = folder.appendingPathComponent(".complete")
        if !fm.fileExists(atPath: marker.path) {
            try? fm.removeItem(at: folder)
            let t = clock.now
            _ = try DemoWorkspace.write(
                to: folder, sites: siteCount, clients: clientCount, month: start, seed: seed,
                revenue: false, indexThrough: months.last)
            let sites = DemoGenerator.sites(count: siteCount)
            let clients = DemoGenerator.clients(count: clientCount, sites: sites, seed: seed)
            var lines = 0
            for month in months {
                let summary = try DemoGenerator(clients: clients, sites: sites, month: month, seed: seed)
                    .write(to: folder.appendingPathComponent("months/\(month.name)"))
                lines += summary.ticketLines
            }
            try Data().write(to: marker)
            output(
                "generated \(count) months of \(siteCount) sites and \(clientCount) clients, \(lines) ticket lines, "
                    + "in \(GenerationBenchmark.seconds(clock.now - t)) s (kept in \(folder.path))")
        } else {
            output("reusing the generated months in \(folder.path)")
        }

        // On PostgreSQL, the ledger is a database of the benchmark's own on the server given (dropped first), named
        // by a configuration beside the generated one: the same settings and contracts, another `database:`.
        var configPath = folder.appendingPathComponent("ardoise.yaml").path
        if let scratch {
            configPath = try configuration(at: configPath, database: scratch)
            output("ledger: \(scratch) (made for this run)")
        }
        let workspace = try Installation.open(configPath: configPath)
        let database = workspace.config.databasePath
        if postgres == nil {
            for suffix in ["", "-wal", "-shm", ".lock"] { try? fm.removeItem(atPath: database + suffix) }
        }
        _ = try workspace.initLedger(actor: "bench")
        let ledger = try workspace.openLedger(actor: "bench")
        let logger = Logger(label: "bench-year") { _ in SwiftLogNoOpLogHandler() }

        output(
            "month    | import s | rows/s  | billing s | docs | validation s | docs/s | entries s | payments s | closing s | idle run s | ledger MB | peak RSS MB | idle evaluated"
        )
        var figures: [Month] = []
        for month in months {
            var m = Month(month: month.name)
            let issueDate = month.end.adding(days: 1)
            let closingDay = issueDate.adding(days: 1)

            var t = clock.now
            let results = try workspace.importFiles([folder.appendingPathComponent("months/\(month.name)").path])
            m.importSeconds = GenerationBenchmark.asDouble(clock.now - t)
            m.rows = results.map(\.rows).reduce(0, +)
            if let failed = results.first(where: { $0.rejectedCount > 0 || $0.status == .refused }) {
                throw GenerationBenchmarkError("\(month.name): \(failed.file) was not imported cleanly")
            }

            // Billing: the events of each day of the month, the month, then the weeks that end just after it.
            t = clock.now
            let engine = try workspace.engine(today: issueDate, actor: "bench")
            var day = month.start
            var created = 0
            while day <= month.end {
                created += try engine.billEvents(on: day).created.count
                day = day.adding(days: 1)
            }
            var part = clock.now
            m.billingParts.events = GenerationBenchmark.asDouble(part - t)
            let report = try engine.generate(period: month, issueDate: issueDate)
            if !report.failures.isEmpty {
                throw GenerationBenchmarkError("\(month.name): billing failed: \(report.failures.prefix(3))")
            }
            created += report.created.count
            m.billingParts.month = GenerationBenchmark.asDouble(clock.now - part)
            part = clock.now
            created += try engine.generateDue(on: closingDay).created.count
            m.billingParts.weeks = GenerationBenchmark.asDouble(clock.now - part)
            m.billingSeconds = GenerationBenchmark.asDouble(clock.now - t)
            m.documents = created

            // Validation of every proforma, each document rendered, stored and chained in its transaction.
            t = clock.now
            let pending = try ledger.invoices(status: .proforma).compactMap(\.id)
            m.issued = try engine.validate(ids: pending, on: closingDay).count
            m.validationSeconds = GenerationBenchmark.asDouble(clock.now - t)

            // The month's sales journal as a FEC (the entries are posted by validation, in its transaction).
            t = clock.now
            let fec = try workspace.exportEntries(period: month, format: .fec)
            if fec.entries == 0 { throw GenerationBenchmarkError("\(month.name): no entries") }
            m.entriesSeconds = GenerationBenchmark.asDouble(clock.now - t)

            // The scheduler's run of a day on which nothing new arrived: what it costs with the history behind it.
            var idle = ScheduledRun(workspace: workspace, logger: logger, actor: "scheduler", sending: false)
            idle.futureDateReason = "benchmark of a year"
            idle.holdsMissingDays = false
            t = clock.now
            let run = try idle.run(on: closingDay)
            m.idleRunSeconds = GenerationBenchmark.asDouble(clock.now - t)
            m.idleEvaluated = run.due?.evaluated ?? 0
            if run.documentsCreated > 0 || run.filesImported > 0 {
                throw GenerationBenchmarkError(
                    "\(month.name): the run of a day with nothing new created \(run.documentsCreated) documents")
            }

            // The bank statement of the month after: every open invoice paid, one transfer naming its number (the demo's
            // statement pays two, and the idle runs of the months after queued a reminder for each of the thousands left).
            t = clock.now
            let statementDay = closingDay.adding(days: 18)
            let statement = try paidStatement(
                workspace: workspace, ledger: ledger, folder: folder, bookedOn: statementDay)
            for (file, result) in try workspace.importPayments(files: [statement], actor: "bench", today: statementDay)
            {
                if case .failure(let error) = result {
                    throw GenerationBenchmarkError("\(month.name): \(file): \(error)")
                }
            }
            m.paymentsSeconds = GenerationBenchmark.asDouble(clock.now - t)

            // Closing: the unbilled revenue acknowledged as the demo does, e-mails left queued (no mail server).
            t = clock.now
            _ = try engine.acknowledgeUnbilled(
                month: month, client: nil, reason: "benchmark: reviewed", today: closingDay)
            let closing = try engine.close(
                month: month, today: closingDay, forceReason: "benchmark: no mail server, e-mails queued",
                dryRun: false)
            m.closingSeconds = GenerationBenchmark.asDouble(clock.now - t)
            m.closed = closing.closed

            m.ledgerBytes =
                try ledger.serverDatabaseBytes()
                ?? ["", "-wal"].compactMap {
                    (try? fm.attributesOfItem(atPath: database + $0))?[.size] as? Int64
                }.reduce(0, +)
            m.peakRSSKB = peakRSSKilobytes()
            figures.append(m)
            output(row(m))
        }

        let t = clock.now
        let year = Period(start: months[0].start, end: months[months.count - 1].end)
        let dashboard = Dashboard(ledger: ledger)
        let days = try dashboard.byDay(period: year, selection: Selection(scope: .all))
        let dashboardSeconds = GenerationBenchmark.asDouble(clock.now - t)
        let v = clock.now, cpu = cpuSeconds()
        let chain = try ledger.verifyIssuedDocuments()
        let verifySeconds = GenerationBenchmark.asDouble(clock.now - v), verifyCPU = cpuSeconds() - cpu
        output(
            "dashboard by day over the \(count) months (\(days.count) days): \(ImportBenchmark.format(dashboardSeconds * 1000)) ms"
        )
        output(
            "verify (every chain, content and stored file): \(chain.intact ? "intact" : "\(chain.breaks.count) breaks") "
                + "in \(ImportBenchmark.format(verifySeconds)) s, \(ImportBenchmark.format(verifyCPU)) s of CPU on both cores "
                + "(target under 30 s)")
        if let first = figures.first, let last = figures.last, figures.count > 1 {
            func ratio(_ a: Double, _ b: Double) -> String { a > 0 ? ImportBenchmark.format(b / a) + "×" : "n/a" }
            output(
                "last month against the first: import \(ratio(first.importSeconds, last.importSeconds)), "
                    + "billing \(ratio(first.billingSeconds, last.billingSeconds)), "
                    + "validation \(ratio(first.validationSeconds, last.validationSeconds)), "
                    + "closing \(ratio(first.closingSeconds, last.closingSeconds)), "
                    + "idle run \(ratio(first.idleRunSeconds, last.idleRunSeconds)) (target: within 1.10×; idle run under 1 s)"
            )
        }
        return figures
    }

    /// The PostgreSQL database `bench year --postgres` makes on the server given.
    public static let postgresDatabase = "ardoise_bench_year"

    /// A copy of the configuration at `path` whose ledger is `database`, written beside it; its path.
    static func configuration(at path: String, database: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var replaced = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("database:") else { return String(line) }
            replaced = true
            return "database: \"\(database)\""
        }
        guard replaced else { throw GenerationBenchmarkError("\(path) has no `database:` line to replace") }
        let copy = (path as NSString).deletingLastPathComponent + "/ardoise-postgres.yaml"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: copy), options: .atomic)
        return copy
    }

    /// A camt.053 statement booked on `day` paying every invoice open then, each by a transfer naming its number.
    static func paidStatement(workspace: Installation, ledger: LedgerDatabase, folder: URL, bookedOn day: Day) throws
        -> String
    {
        var names: [String: String] = [:]
        for c in workspace.settings.clients {
            names[c.code] = c.legalName
            for p in c.payers { names[p.code] = p.legalName }
        }
        let credits = try ledger.openInvoices(asOf: day).filter { $0.balance.cents > 0 }.enumerated().map {
            i, invoice in
            BankCredit(
                reference: "BENCH\(day.compact)\(i + 1)", bookingDate: day, amount: invoice.balance,
                debtorName: names[invoice.customer],
                debtorIBAN: nil, remittance: "FACTURE \(invoice.number)")
        }
        let xml = Camt053Writer.xml(
            messageID: "RELEVE-\(day.compact)", created: day, account: workspace.settings.seller.iban,
            opening: Money(cents: 250_000_00), credits: credits)
        let url = folder.appendingPathComponent("releve-\(day).xml")
        try Data(xml.utf8).write(to: url, options: .atomic)
        return url.path
    }

    static func row(_ m: Month) -> String {
        let f = ImportBenchmark.format
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        let rate = m.importSeconds > 0 ? Double(m.rows) / m.importSeconds : 0
        let docsPerSecond = m.validationSeconds > 0 ? Double(m.issued) / m.validationSeconds : 0
        return [
            pad(m.month + (m.closed ? "" : "!"), 8), pad(f(m.importSeconds), 8), pad(String(Int(rate)), 7),
            pad(f(m.billingSeconds), 9), pad(String(m.documents), 4), pad(f(m.validationSeconds), 12),
            pad(String(Int(docsPerSecond)), 6), pad(f(m.entriesSeconds), 9), pad(f(m.paymentsSeconds), 10),
            pad(f(m.closingSeconds), 9), pad(f(m.idleRunSeconds), 10), pad(f(Double(m.ledgerBytes) / 1_048_576), 9),
            pad(f(Double(m.peakRSSKB) / 1024), 11), String(m.idleEvaluated)
        ].joined(separator: " | ")
    }

    /// The process's CPU time so far (user and system, every thread).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }

    /// The process's peak resident memory so far.
    static func peakRSSKilobytes() -> Int {
        var usage = rusage()
        return getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 ? Int(usage.ru_maxrss) : 0
    }
}
