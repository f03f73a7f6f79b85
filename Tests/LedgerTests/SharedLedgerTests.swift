import Foundation
import GRDB
@testable import Ledger
import Testing
import TestSupport

/// Another process holding the ledger's write lock: the `sqlite3` shell in
/// an open `BEGIN IMMEDIATE` transaction, as a scheduler run mid-import would.
final class ForeignWriter: @unchecked Sendable {
    let process = Process()
    let input = Pipe()

    init(path: String) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // A first commit leaves the WAL non-empty, as a run that has been writing does.
        input.fileHandleForWriting.write(
            Data(
                "INSERT INTO audit_log(at, actor, action, details) VALUES ('2026-01-01T00:00:00Z', 'other', 'start', '');\nBEGIN IMMEDIATE;\nINSERT INTO audit_log(at, actor, action, details) VALUES ('2026-01-01T00:00:00Z', 'other', 'hold', 'lock');\nSELECT 'holding';\n"
                    .utf8))
        var seen = ""
        while !seen.contains("holding") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        guard seen.contains("holding") else { throw ForeignWriterError(output: seen) }
    }

    /// Commits and leaves.
    func release() {
        input.fileHandleForWriting.write(Data("COMMIT;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    struct ForeignWriterError: Error { var output: String }
}

/// The scheduler, the web app and a person's commands share one ledger file.
@Suite(.serialized, .sqliteOnly) struct SharedLedger {
    @Test func openingAnUpToDateLedgerToReadTakesNoWriteLock() throws {
        let (_, dir) = try freshLedger()
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let writer = try ForeignWriter(path: path)
        defer { writer.release() }
        let reader = try LedgerDatabase(path: path, creation: .mustExist, busyTimeout: 0.2)
        #expect(try reader.appliedMigrations().count >= 5)
        #expect(try reader.invoices().isEmpty)
    }

    @Test func aWriteWaitsForAnotherProcessesLockInsteadOfFailing() throws {
        let (_, dir) = try freshLedger()
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let writer = try ForeignWriter(path: path)
        let ledger = try LedgerDatabase(path: path, creation: .mustExist)
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { writer.release() }
        try ledger.audit(
            actor: "test", action: "note", AuditParameters(["note": .text("written after the other process committed")])
        )
        #expect(Date().timeIntervalSince(started) >= 0.4)
        #expect(try count(ledger, "SELECT COUNT(*) FROM audit_log WHERE actor IN ('other', 'test')") == 3)
    }

    @Test func aLockHeldLongerThanTheTimeoutIsAnErrorNotAHang() throws {
        let (_, dir) = try freshLedger()
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let writer = try ForeignWriter(path: path)
        defer { writer.release() }
        let ledger = try LedgerDatabase(path: path, creation: .mustExist, busyTimeout: 0.2)
        #expect(throws: DatabaseError.self) {
            try ledger.audit(actor: "test", action: "note", AuditParameters(["note": .text("cannot be written")]))
        }
    }

    @Test func aMissingLedgerIsAnErrorAndNoFileIsCreated() throws {
        let path = Repository.temporaryDirectory("ledger-missing").appendingPathComponent("typo.sqlite").path
        #expect(throws: LedgerError.missing(path: path)) { try LedgerDatabase(path: path, creation: .mustExist) }
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try LedgerDatabase(path: path, creation: .createIfMissing)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func aDurableWriteSyncsInFullAndOrdinaryWritesDoNot() throws {
        let (ledger, _) = try freshLedger()
        let inside = try ledger.durableWrite { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let after = try ledger.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(inside == 2)  // FULL
        #expect(after == 1)  // NORMAL
    }
}
