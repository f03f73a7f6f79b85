import Foundation
import Ledger
import Testing
import TestSupport

/// Several `ardoise serve` processes and the scheduler validate on one PostgreSQL ledger: numbering stays gapless
/// and in issue order when four `ardoise validate` processes issue at the same time (the in-process version with
/// four connections is `PostgresNumberingTests`).
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
struct FourValidatorProcessesTests {
    /// The digits that end a document number (`FA-2026-000012` → 12).
    static func sequence(_ number: String) -> Int? { Int(String(number.reversed().prefix { $0.isNumber }.reversed())) }

    @Test func fourValidateProcessesOnOnePostgreSQLLedgerIssueEachProformaOnceWithoutGapInIssueOrder() throws {
        let ws = try ScratchWorkspace { dir in
            // On the SQLite pass the workspace gets a PostgreSQL ledger of its own; on the PostgreSQL pass it has one.
            if !TestEngine.postgres {
                try TestEngine.usePostgres(in: dir)
                for step in [["init"], ["import"]] { expectRuns(try Executable.run(step, in: dir)) }
            }
        }
        #expect(try ws.ledger().isPostgreSQL)
        let date = ["--date", "2026-11-02"]
        expectRuns(try ws.run(["bill", "--period", "2026-10"] + date))
        let proformas = try ws.ledger().invoices(status: .proforma)
        let clients = Array(Set(proformas.map(\.client))).sorted()
        #expect(clients.count >= 4, "clients with proformas: \(clients)")
        // Each process validates the proformas of its own clients, in one command.
        var groups: [[Int64]] = Array(repeating: [], count: 4)
        for p in proformas {
            guard let id = p.id, let c = clients.firstIndex(of: p.client) else { continue }
            groups[c % 4].append(id)
        }
        #expect(groups.allSatisfy { !$0.isEmpty })

        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var runs: [Int: Execution] = [:]
            var errors: [String] = []
        }
        let results = Results()
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for (k, ids) in groups.enumerated() {
            done.enter()
            Thread {
                start.wait()
                let r = Result { try ws.run(["validate"] + ids.map(String.init) + date) }
                results.lock.lock()
                switch r {
                case .success(let e): results.runs[k] = e
                case .failure(let e): results.errors.append("\(e)")
                }
                results.lock.unlock()
                done.leave()
            }.start()
        }
        for _ in groups { start.signal() }
        done.wait()
        #expect(results.errors == [])

        var printed: [String] = []
        for (k, ids) in groups.enumerated() {
            let r = try #require(results.runs[k])
            expectRuns(r)
            #expect(r.stdout.contains("\(ids.count) validated"), "\(r)")
            printed += r.stdout.split(separator: "\n").filter { $0.hasPrefix("issued ") }.map {
                String($0.dropFirst(7))
            }
        }
        // Every proforma issued once: each printed once, each now issued with its own number.
        #expect(printed.count == proformas.count && Set(printed).count == printed.count)
        let ledger = try ws.ledger()
        var numbers: [String] = []
        for p in proformas {
            let issued = try #require(try ledger.invoice(id: p.id ?? 0)?.invoice)
            #expect(issued.status == .issued, "proforma \(p.id ?? 0)")
            numbers.append(issued.number ?? "-")
        }
        #expect(Set(numbers) == Set(printed))
        // Per series: the numbers run 1, 2, 3… without a gap, and in number order the issue dates never go back
        // (chronological numbering across the four processes).
        let all = try ledger.invoices(status: .issued)
        for series in Set(all.map(\.series)) {
            let documents = all.filter { $0.series == series }.sorted {
                (Self.sequence($0.number ?? "") ?? 0) < (Self.sequence($1.number ?? "") ?? 0)
            }
            #expect(documents.map { Self.sequence($0.number ?? "") } == Array(1...documents.count), "series \(series)")
            let dates = documents.map(\.issueDate)
            #expect(
                dates == dates.sorted(), "series \(series): \(documents.map { "\($0.number ?? "-") \($0.issueDate)" })")
        }
        expectRuns(try ws.run("verify"))
        print(
            "four validate processes on one PostgreSQL ledger: \(printed.count) proformas of \(clients.count) clients issued, "
                + "\(all.count) documents numbered without gap")
    }
}
