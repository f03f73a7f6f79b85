import Accounting
import BillingEngine
import BillingModel
import Demo
import Foundation
import Ledger
import Workspace

/// Entries and the FEC of the full example month (about 2,000 documents):
/// the month generated, imported, billed and validated by the generation
/// benchmark (every document posted as it is issued), then, timed:
/// - posting every issued document again into a copy of the ledger whose
///   journal was emptied (the copy's append-only triggers dropped: a
///   benchmark-only copy), in one transaction, as `entries post` does;
/// - reading the month's entries and writing the FEC.
/// Target: under 2 s for both.
public enum EntriesBenchmark {
    public static func run(directory: URL, sites: Int = 60, clients: Int = 850) throws -> String {
        var lines = ["the month billed and validated by `bench generate`:"]
        lines += try GenerationBenchmark.run(directory: directory, sites: sites, clients: clients)
            .split(separator: "\n").map { "  " + $0 }
        let folder = directory.appendingPathComponent(
            "workspace-2026-10-\(sites)x\(clients)-seed1-v\(DemoGenerator.version)")
        let workspace = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
        let clock = ContinuousClock()

        // A copy of the ledger with an empty journal.
        let copy = directory.appendingPathComponent("entries-bench.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
        let source = try LedgerDatabase(path: workspace.config.databasePath, creation: .mustExist)
        try source.benchmarkCopyWithEmptyJournal(to: copy)
        let ledger = try LedgerDatabase(path: copy, creation: .mustExist)
        let documents = try ledger.invoices(status: .issued).count

        var start = clock.now
        let posted = try ledger.postMissingEntries(posting: workspace.settings.salesPosting, actor: "bench")
        let posting = clock.now - start
        lines.append(
            "posting \(posted) issued documents to the sales journal (one transaction): \(GenerationBenchmark.seconds(posting)) s"
        )

        start = clock.now
        let period = Period(
            start: Day(iso: "2026-11-01") ?? Day(ordinal: 0), end: Day(iso: "2026-11-30") ?? Day(ordinal: 0))
        let export = try workspace.exportEntries(period: period, format: .fec)
        let fecPath = directory.appendingPathComponent(export.fileName).path
        try Data(export.text.utf8).write(to: URL(fileURLWithPath: fecPath))
        let fec = clock.now - start
        lines.append(
            "FEC of November (the month's documents are dated 1–2 November): \(export.entries) entries, \(export.lines) lines, "
                + "\(export.text.utf8.count / 1024) KiB, debit \(export.debit.grouped) = credit \(export.credit.grouped), in \(GenerationBenchmark.seconds(fec)) s"
        )
        // What syncing in full costs the transactions that issue documents: as many small write
        // transactions as the month has documents, `synchronous = FULL` (durableWrite) against NORMAL.
        start = clock.now
        for i in 0..<documents {
            try ledger.benchmarkSmallWrite(i, durable: true)
        }
        let full = clock.now - start
        start = clock.now
        for i in 0..<documents {
            try ledger.benchmarkSmallWrite(i, durable: false)
        }
        let normal = clock.now - start
        let perDocument =
            (GenerationBenchmark.asDouble(full) - GenerationBenchmark.asDouble(normal)) / Double(max(documents, 1))
            * 1000
        lines.append(
            "\(documents) write transactions synced in full (issuing): \(GenerationBenchmark.seconds(full)) s; "
                + "with synchronous = NORMAL: \(GenerationBenchmark.seconds(normal)) s; cost of the full sync: "
                + "\(ImportBenchmark.format(perDocument)) ms per document")

        let total = GenerationBenchmark.asDouble(posting + fec)
        lines.append(
            "entries + FEC for \(documents) documents: \(ImportBenchmark.format(total)) s (target 2 s: \(total < 2 ? "met" : "NOT met"))"
        )
        return lines.joined(separator: "\n") + "\n"
    }
}
