import Foundation
@testable import Ledger
import TestSupport
import Testing

/// Gapless, chronological numbering across connections on PostgreSQL (issue 23).
@Suite(.enabled(if: PostgresServer.available, Comment(rawValue: PostgresServer.skipReason)))
struct PostgresNumberingTests {
    static func faNumber(_ n: Int) -> String {
        "FA-" + String(repeating: "0", count: max(0, 6 - String(n).count)) + String(n)
    }

    /// Four connections (four server processes) issue from one series at once: the numbers
    /// come out without a gap and in date order. Each issuing transaction takes the series'
    /// row lock with its `UPDATE number_series` first, so issuers queue there; one dated
    /// before a document issued meanwhile is refused by the chronology trigger and gives
    /// back nothing (its transaction rolls back, number included).
    @Test func fourConnectionsIssueOneSeriesWithoutGapInDateOrder() throws {
        let (setup, address) = try migratedPostgres()
        let workers = 4, each = 12
        let proformas = workers * each
        let scene =
            [
                "INSERT INTO number_series (code, last_number) VALUES ('FA', 0)",
                "INSERT INTO journal (code, label, last_number) VALUES ('VT', 'Ventes', 0)"
            ]
            + (1...proformas).map { GuaranteeAttacks.invoice(id: $0) }
        #expect(runStatements(scene, on: setup, keep: true).failedAt == nil)
        let location = try #require(PostgresLocation(address))
        let engines = try (0..<workers).map { _ in try PostgresEngine(location) }

        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var issued = 0, refused: [String] = [], failures: [String] = []
            func add(_ f: (Tally) -> Void) { lock.lock(); f(self); lock.unlock() }
        }
        let tally = Tally()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for w in 0..<workers {
            let engine = engines[w]
            group.enter()
            Thread {
                start.wait()
                for k in 0..<each {
                    let id = Int64(w + 1 + k * workers)
                    // Each worker's dates move forward every fourth document: the workers' days overlap.
                    let day = "2026-11-0\(k / 4 + 1)"
                    do {
                        try engine.transaction { s in
                            try s.execute(
                                "UPDATE number_series SET last_number = last_number + 1 WHERE code = 'FA'", [])
                            let n =
                                try s.fetch("SELECT last_number FROM number_series WHERE code = 'FA'", [])[0][0].integer
                                ?? 0
                            try s.execute("UPDATE journal SET last_number = last_number + 1 WHERE code = 'VT'", [])
                            let e =
                                try s.fetch("SELECT last_number FROM journal WHERE code = 'VT'", [])[0][0].integer ?? 0
                            let number = Self.faNumber(Int(n))
                            try s.execute(
                                """
                                INSERT INTO journal_entry (id, journal, number, entry_date, piece_ref, piece_date, validation_date, invoice_id, created_at)
                                VALUES (?, 'VT', ?, ?, ?, ?, ?, ?, '2026-11-01T00:00:00Z')
                                """,
                                [
                                    .integer(id), .integer(e), .text(day), .text(number), .text(day), .text(day),
                                    .integer(id)
                                ])
                            for (p, debit, credit) in [(1, 12000, 0), (2, 0, 10000), (3, 0, 2000)]
                                as [(Int64, Int64, Int64)]
                            {
                                try s.execute(
                                    """
                                    INSERT INTO journal_entry_line (entry_id, position, account, account_label, label, debit, credit)
                                    VALUES (?, ?, '411ACME', 'ACME', ?, ?, ?)
                                    """, [.integer(id), .integer(p), .text(number), .integer(debit), .integer(credit)])
                            }
                            try s.execute(
                                """
                                UPDATE invoice SET status = 'issued', number = ?, issue_date = ?, due_date = ?, issued_at = ? WHERE id = ?
                                """, [.text(number), .text(day), .text(day), .text(day + "T12:00:00Z"), .integer(id)])
                        }
                        tally.add { $0.issued += 1 }
                    } catch let e as SQLEngineError
                        where e.message.contains("never dated before the last issued document")
                    {
                        tally.add { $0.refused.append("\(id) on \(day)") }
                    } catch {
                        tally.add { $0.failures.append("\(id): \(error)") }
                    }
                }
                group.leave()
            }.start()
        }
        for _ in 0..<workers { start.signal() }
        group.wait()

        #expect(tally.failures == [])
        #expect(tally.issued + tally.refused.count == proformas)
        let rows = try setup.transaction { s in
            try s.fetch("SELECT number, issue_date FROM invoice WHERE status = 'issued' ORDER BY number", [])
        }
        let numbers = rows.compactMap { $0[0].text }, dates = rows.compactMap { $0[1].text }
        let gapless: [String] = (0..<tally.issued).map { Self.faNumber($0 + 1) }
        #expect(numbers == gapless)
        #expect(dates == dates.sorted(), "numbers follow dates")
        let last = try setup.transaction { s in
            try s.fetch("SELECT last_number FROM number_series WHERE code = 'FA'", [])
        }
        #expect(last == [[.integer(Int64(tally.issued))]])
        print(
            "PostgreSQL, \(workers) connections at once: \(tally.issued) issued FA-000001…\(numbers.last ?? "-") without gap, "
                + "\(tally.refused.count) refused as dated before a document issued meanwhile")
    }
}
