import BillingModel
import Foundation
import Imports
import Ledger

/// The import benchmark of issue 4: a full-size generated month imported
/// into a fresh ledger, beside the `sqlite3` shell's `.import` of the same
/// register rows into a bare table, in the same run; on PostgreSQL (`postgres`,
/// a server's address) into a scratch database there, beside `psql \copy`.
public enum ImportBenchmark {
    /// The scratch database made (dropped first) on the server `postgres` names.
    public static let postgresDatabase = "ardoise_bench_import"

    /// Generates (or reuses) the month in `directory`, imports it, and returns
    /// the report: rows, seconds, rows/s, peak memory, ratio to `sqlite3 .import`
    /// (or, with `postgres`, to `psql \copy` on that server).
    public static func run(
        directory: URL, sites siteCount: Int = 60, clients clientCount: Int = 850,
        month: String = "2026-10", seed: UInt64 = 1, postgres: String? = nil
    ) throws -> String {
        guard let period = Period(parsing: month) else { throw BenchmarkError("`\(month)` is not a month YYYY-MM") }
        let fm = FileManager.default
        let data = directory.appendingPathComponent(
            "month-\(month)-\(siteCount)x\(clientCount)-seed\(seed)-v\(DemoGenerator.version)")
        let marker = data.appendingPathComponent(".complete")
        let sites = DemoGenerator.sites(count: siteCount)
        let clients = DemoGenerator.clients(count: clientCount, sites: sites, seed: seed)
        var lines: [String] = []
        if !fm.fileExists(atPath: marker.path) {
            try? fm.removeItem(at: data)
            let start = Date()
            let summary = try DemoGenerator(clients: clients, sites: sites, month: period, seed: seed).write(to: data)
            try Data().write(to: marker)
            lines.append(
                "generated \(summary.registerFiles) register files, \(summary.eventFiles) event files, "
                    + "\(summary.ticketLines) ticket lines, \(summary.bytes / 1_000_000) MB in \(seconds(since: start)) s"
            )
        } else {
            lines.append("reusing \(data.path)")
        }
        let names = try fm.contentsOfDirectory(atPath: data.path).sorted()
        let registers = names.filter { $0.hasPrefix("PIE_") }.map { data.appendingPathComponent($0) }
        let events = names.filter { $0.hasPrefix("EVT_") }.map { data.appendingPathComponent($0) }

        let ledger: LedgerDatabase
        var scratch: String?
        if let postgres {
            let address = try PlainPostgreSQL.scratchDatabase(postgresDatabase, on: postgres)
            ledger = try LedgerDatabase(path: address)
            scratch = address
            lines.append("ledger: \(address) (made for this run)")
        } else {
            let dbPath = directory.appendingPathComponent("bench.sqlite").path
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: dbPath + suffix) }
            ledger = try LedgerDatabase(path: dbPath)
        }
        let importer = Importer(ledger: ledger, knownClients: Set(clients.map(\.code)))
        let start = Date()
        // As `ardoise import` does: each file its own transaction, the next one parsed on the other core meanwhile.
        let registerResults = importer.importPaths(registers)
        let registerSeconds = Date().timeIntervalSince(start)
        let eventStart = Date()
        let eventResults = events.map(importer.importFile)
        let eventSeconds = Date().timeIntervalSince(eventStart)
        let rows = registerResults.reduce(0) { $0 + $1.rows }
        let rejected = registerResults.reduce(0) { $0 + $1.rejectedCount }
        let refused = (registerResults + eventResults).filter { $0.status == .refused }.count
        let peak = peakMemoryMB()
        let rate = Int(Double(rows) / max(registerSeconds, 1e-9))
        lines.append(
            "ardoise import: \(registers.count) register files, \(rows) rows kept, \(rejected) rejected, "
                + "\(refused) refused, \(format(registerSeconds)) s, \(rate) rows/s")
        lines.append(
            "ardoise import: \(events.count) event files, "
                + "\(eventResults.reduce(0) { $0 + $1.rows }) orders, \(format(eventSeconds)) s")
        lines.append("peak memory (VmHWM): \(peak.map { "\($0) MB" } ?? "unknown")")

        // The billing engine's queries over the month just imported.
        var caps: [ClientCategory: Money] = [:]
        for c in clients {
            for k in c.categories { caps[ClientCategory(client: c.code, category: k)] = Money(cents: 420) }
        }
        if let scratch {
            return try lines.joined(separator: "\n") + "\n" + psqlAnchor(scratch, registers, registerSeconds)
        }
        var queryStart = Date()
        let days = try ledger.revenueDays(period: period)
        let revenueSeconds = Date().timeIntervalSince(queryStart)
        queryStart = Date()
        let trays = try ledger.cappedTrayTotals(period: period, caps: caps)
        let traySeconds = Date().timeIntervalSince(queryStart)
        queryStart = Date()
        let siteDays = try ledger.siteDaysWithTickets(period: period)
        let orders = try ledger.deliveredOrders(period: period)
        let otherSeconds = Date().timeIntervalSince(queryStart)
        lines.append(
            "queries: revenueDays \(days.count) rows (\(days.reduce(0) { $0 + $1.covers }) covers) "
                + "\(format(revenueSeconds)) s; cappedTrayTotals \(trays.count) rows \(format(traySeconds)) s; "
                + "siteDaysWithTickets \(siteDays.count) + deliveredOrders \(orders.count) \(format(otherSeconds)) s")

        // The same register rows through the sqlite3 shell, which validates nothing.
        let barePath = directory.appendingPathComponent("bare.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: barePath + suffix) }
        let script = PlainSQLite.bareImportScript(files: registers.map(\.path))
        let sqliteStart = Date()
        let output = try runSQLite(database: barePath, script: script)
        let sqliteSeconds = Date().timeIntervalSince(sqliteStart)
        let bareRows = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? "?"
        lines.append(
            "sqlite3 .import: \(bareRows) rows, \(format(sqliteSeconds)) s, "
                + "\(Int(Double(Int(bareRows) ?? 0) / max(sqliteSeconds, 1e-9))) rows/s")
        lines.append("ratio ardoise / sqlite3: \(format(registerSeconds / max(sqliteSeconds, 1e-9)))×")
        let ok = rate >= 250_000 && (peak ?? 0) < 300 && registerSeconds <= 2 * sqliteSeconds
        lines.append("targets (≥ 250,000 rows/s, < 300 MB, within 2× of sqlite3): \(ok ? "met" : "NOT met")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same register rows through `psql \copy` into a bare table of the scratch database, which validates
    /// nothing: the anchor on PostgreSQL, with the ratio.
    static func psqlAnchor(_ address: String, _ registers: [URL], _ registerSeconds: Double) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql"] + (try PlainPostgreSQL.psqlArguments(address))
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        let script = PlainPostgreSQL.bareCopyScript(files: registers.map(\.path))
        let start = Date()
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
            let rows = text.split(whereSeparator: \.isNewline).last.flatMap({ Int($0) })
        else {
            throw BenchmarkError("psql \\copy failed (exit \(process.terminationStatus)): \(text.suffix(400))")
        }
        return """
            psql \\copy: \(rows) rows, \(format(seconds)) s, \(Int(Double(rows) / max(seconds, 1e-9))) rows/s
            ratio ardoise / psql \\copy: \(format(registerSeconds / max(seconds, 1e-9)))×

            """
    }

    /// Peak resident memory of this process in MB, from /proc/self/status.
    public static func peakMemoryMB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first
            return kb.map { $0 / 1024 }
        }
        return nil
    }

    public static func runSQLite(database: String, script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", database]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func seconds(since start: Date) -> String { format(Date().timeIntervalSince(start)) }

    public static func format(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

/// A benchmark that cannot run.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
