#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Ledger
import Testing
import TestSupport

/// Only `ardoise init` (or `demo`) creates a ledger, and a ledger is one seller's:
/// a mistyped `database:` never starts a new ledger numbering from 1 again, and
/// settings naming another SIREN are refused by every command that writes.
@Suite struct OnlyInitCreatesALedgerTests {
    @Test(.sqliteOnly) func importAndRunRefuseAMistypedDatabasePathAndCreateNothing() throws {
        let ws = try ScratchWorkspace { dir in
            let config = dir.appendingPathComponent("ardoise.yaml")
            let text = try String(contentsOf: config, encoding: .utf8)
            try text.replacingOccurrences(of: "database: ardoise.sqlite", with: "database: ardoise.sqlit")
                .write(to: config, atomically: true, encoding: .utf8)
        }
        let mistyped = ws.dir.appendingPathComponent("ardoise.sqlit").path
        for args in [["import"], ["run", "--date", "2026-11-02", "--no-send"]] {
            let r = try ws.run(args)
            #expect(r.status == 2, "\(r)")
            #expect(
                r.stderr.contains("no ledger at") && r.stderr.contains("ardoise.sqlit`")
                    && r.stderr.contains("ardoise init"), "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
            #expect(!FileManager.default.fileExists(atPath: mistyped))
            #expect(!FileManager.default.fileExists(atPath: mistyped + ".lock"))
        }
    }

    @Test(.sqliteOnly) func initCreatesTheLedgerOnceAndRecordsTheSeller() throws {
        let ws = try ScratchWorkspace { dir in
            let config = dir.appendingPathComponent("ardoise.yaml")
            let text = try String(contentsOf: config, encoding: .utf8)
            try text.replacingOccurrences(of: "database: ardoise.sqlite", with: "database: books/new.sqlite")
                .write(to: config, atomically: true, encoding: .utf8)
        }
        let created = try ws.run("init")
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.contains("for SIREN 812457638"), "\(created)")
        let path = ws.dir.appendingPathComponent("books/new.sqlite").path
        let ledger = try LedgerDatabase(path: path, creation: .mustExist)
        let identity = try #require(try ledger.identity())
        #expect(identity.siren == "812457638" && identity.origin == .created && identity.series.contains("FA"))
        #expect(try ledger.auditLog().map(\.action) == ["init"])
        let again = try ws.run("init")
        #expect(again.status == 2 && again.stderr.contains("a ledger is already at"), "\(again)")
        #expect(try ledger.auditLog().map(\.action) == ["init"])
        let imported = try ws.run("import")
        #expect(imported.status == 0, "\(imported)")
    }

    @Test func anotherSellersSettingsAreRefusedNamingBothSIRENs() throws {
        let ws = try ScratchWorkspace()
        let before = try ws.ledgerState()
        try ws.replace("siren: \"812457638\"", with: "siren: \"732829320\"", in: "settings.yaml")
        try ws.replace("vat_number: FR91812457638", with: "vat_number: FR44732829320", in: "settings.yaml")
        for args in [
            ["import"], ["run", "--date", "2026-11-02", "--no-send"],
            ["bill", "--period", "2026-10", "--date", "2026-11-02"],
            ["validate", "--all", "--date", "2026-11-02"]
        ] {
            let r = try ws.run(args)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains("SIREN 812457638") && r.stderr.contains("SIREN 732829320"), "\(r)")
        }
        #expect(try ws.ledgerState() == before)
    }

    @Test(.sqliteOnly) func aLedgerMadeBeforeTheRecordAdoptsTheSettingsSellerOnceAudited() throws {
        let ws = try ScratchWorkspace()
        let path = ws.dir.appendingPathComponent("ardoise.sqlite").path
        let dropped = try Tools.run(
            "sqlite3", [path, "DROP TRIGGER ledger_identity_frozen_delete; DELETE FROM ledger_identity;"])
        #expect(dropped.status == 0, "\(dropped.output)")
        #expect(try ws.ledger().identity() == nil)
        let r = try ws.run("invoices", "list")
        #expect(r.status == 0, "\(r)")
        let identity = try #require(try ws.ledger().identity())
        #expect(identity.siren == "812457638" && identity.origin == .adopted)
        #expect(try ws.ledger().auditLog().filter { $0.action == "adopt-seller" }.count == 1)
        _ = try ws.run("invoices", "list")
        #expect(try ws.ledger().auditLog().filter { $0.action == "adopt-seller" }.count == 1)
    }
}

/// One daily run at a time, whatever path names the ledger: the lock is taken
/// beside the real file, symbolic links resolved.
@Suite(.sqliteOnly) struct OneDailyRunPerLedgerTests {
    @Test func aRunThroughASymlinkWaitsForTheLockOfTheRealFile() throws {
        let ws = try ScratchWorkspace()
        try FileManager.default.createSymbolicLink(
            atPath: ws.dir.appendingPathComponent("other.sqlite").path,
            withDestinationPath: ws.dir.appendingPathComponent("ardoise.sqlite").path)
        let config = try String(contentsOf: ws.dir.appendingPathComponent("ardoise.yaml"), encoding: .utf8)
        try config.replacingOccurrences(of: "database: ardoise.sqlite", with: "database: other.sqlite")
            .write(to: ws.dir.appendingPathComponent("link.yaml"), atomically: true, encoding: .utf8)
        let before = try ws.ledgerState()
        // This process is the first run: it holds the lock of the real file.
        let fd = open(ws.dir.appendingPathComponent("ardoise.sqlite.lock").path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let second = try ws.run("run", "--config", "link.yaml", "--date", "2026-11-02", "--no-send")
        #expect(second.status == 2, "\(second)")
        #expect(second.stderr.contains("holds the lock") && second.stderr.contains("ardoise.sqlite.lock"), "\(second)")
        #expect(!FileManager.default.fileExists(atPath: ws.dir.appendingPathComponent("other.sqlite.lock").path))
        #expect(try ws.ledgerState() == before)
        flock(fd, LOCK_UN)
        let alone = try ws.run("run", "--config", "link.yaml", "--date", "2026-11-02", "--no-send")
        #expect(alone.status != 2, "\(alone)")
    }
}

/// Exit 2 means nothing was done: a document or client not found and a refused
/// action say so, and leave the ledger as it was.
@Suite struct RefusalsExitTwoTests {
    @Test func notFoundAndRefusedActionsExit2AndChangeNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let issued = try #require(try ws.ledger().invoices(status: .issued).first(where: { $0.type == .invoice }))
        let id = try #require(issued.id), number = try #require(issued.number)
        let before = try ws.ledgerState()
        let refused: [[String]] = [
            ["invoices", "show", "FA-2099-000001"],
            ["explain", "999999"],
            ["invoices", "pdf", "FA-2099-000001"],
            ["validate", "\(id)", "--date", "2026-11-02"],
            ["edit", "\(id)", "--reason", "typo", "--remove", "1"],
            ["reminders", "pause", "C9999", "--reason", "test"],
            ["credit", number, "--reason", "geste", "--line", "1", "--amount", "99999.00"]
        ]
        for args in refused {
            let r = try ws.run(args)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.hasPrefix("ardoise: "), "\(r)")
        }
        #expect(try ws.ledgerState() == before)
    }
}
