import Foundation
import Ledger
import Testing
import TestSupport

/// One client's contract error does not stop billing of the others.
@Suite struct ClientWithContractErrorsTests {
    static let golden = Repository.root.appendingPathComponent("Tests/CommandTests/Golden").path

    /// C0004's admission fee revised on 1 November with the index of October,
    /// which the settings have not published yet (October does not use it).
    static func unpublishedIndex() throws -> ScratchWorkspace {
        let ws = try ScratchWorkspace()
        try ws.replace(
            "revised each year on 1 January by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 4 months before",
            with:
                "revised each year on 1 November by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 1 months before",
            in: "rules/c0004.ard")
        try ws.replace("      2026-10: 121.9\n", with: "", in: "settings.yaml")
        return ws
    }

    /// C0004's admission fee revised on 1 October with the index of September, unpublished:
    /// October bills at the revised price, so October cannot be billed for C0004.
    static func indexNeededByOctober() throws -> ScratchWorkspace {
        let ws = try ScratchWorkspace()
        try ws.replace(
            "revised each year on 1 January by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 4 months before",
            with:
                "revised each year on 1 October by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 1 months before",
            in: "rules/c0004.ard")
        try ws.replace("      2026-09: 121.7\n", with: "", in: "settings.yaml")
        return ws
    }

    @Test func billBillsEveryOtherClientAndReportsTheOne() throws {
        let ws = try Self.indexNeededByOctober()
        let r = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(r.status == 1, "\(r)")
        #expect(
            r.stderr.contains(
                "error: C0004: the revision of 2026-10-01 (term at line 14) needs the index `ILC-RESTO` of 2026-09, which has no published value"
            ), "\(r)")
        #expect(!r.stdout.contains("error"), "stdout says what was done, errors go to stderr: \(r)")
        let clients = Set(try ws.ledger().invoices().map(\.client))
        #expect(clients.count == 11 && !clients.contains("C0004"))
        Golden.assertMatches(
            ws.normalised("--- stdout\n\(r.stdout)--- stderr\n\(r.stderr)"),
            file: "\(Self.golden)/bill-one-contract-with-errors.txt")

        // Only that client asked: it is the failure; another client asked: billed, exit 0.
        #expect(try ws.run("bill", "--period", "2026-10", "--client", "C0004", "--date", "2026-11-02").status == 1)
        let other = try ws.run("bill", "--period", "2026-10", "--client", "C0001", "--date", "2026-11-02")
        #expect(other.status == 0 && other.stderr.isEmpty, "\(other)")
    }

    @Test func theDailyRunBillsTheOthersAndExits1() throws {
        let ws = try Self.indexNeededByOctober()
        let r = try ws.run("run", "--date", "2026-11-02", "--no-send")
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("error: C0004: the revision of 2026-10-01"), "\(r)")
        #expect(r.stderr.contains("client not billed client=C0004 error=the revision of 2026-10-01"), "\(r)")
        let clients = Set(try ws.ledger().invoices().map(\.client))
        #expect(clients.count == 11 && !clients.contains("C0004"))
    }

    @Test func reportUnbilledStillRunsAndLintStaysStrict() throws {
        let ws = try Self.indexNeededByOctober()
        let report = try ws.run("report", "unbilled", "--period", "2026-10", "--date", "2026-11-02")
        #expect(report.status == 1, "\(report)")
        #expect(report.stdout.contains("unbilled revenue of 2026-10:"))
        #expect(report.stdout.contains("error: C0004: the revision of 2026-10-01"), "\(report)")
        let lint = try ws.run("lint", "--date", "2026-11-02")
        #expect(lint.status == 1 && lint.stdout.contains("E0802"), "\(lint)")
    }
}

/// A period not ended on the day of the request is not billed, unless forced with a reason.
@Suite struct UnendedPeriodTests {
    @Test func aPeriodNotEndedIsRefusedAndNothingIsBilled() throws {
        let ws = try ScratchWorkspace()
        let r = try ws.run("bill", "--period", "2026-10", "--date", "2026-10-20")
        #expect(r.status == 2, "\(r)")
        #expect(
            r.stderr.contains("the period 2026-10 ends on 2026-10-31, it has not ended on 2026-10-20: nothing billed"))
        #expect(try ws.ledgerState() == ["audit entries: 1", "outbox: 0"])  // `init`'s row only
        // Its last day is not over either.
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-10-31").status == 2)
        // --force without a reason: refused.
        let bare = try ws.run("bill", "--period", "2026-10", "--date", "2026-10-20", "--force")
        #expect(bare.status == 2 && bare.stderr.contains("--force needs --reason"), "\(bare)")
    }

    @Test func forcingIsAllowedWithAReasonAndAudited() throws {
        let ws = try ScratchWorkspace()
        let r = try ws.run(
            "bill", "--period", "2026-10", "--date", "2026-10-30", "--force", "--reason", "client leaves on the 30th",
            "--actor", "alice")
        #expect(r.status == 0, "\(r)")
        let ledger = try ws.ledger()
        #expect(!(try ledger.invoices().isEmpty))
        let forced = try ledger.auditLog().filter { $0.action == "bill-unended-period" }
        #expect(forced.map(\.actor) == ["alice"])
        #expect(
            forced.first?.facts
                == AuditParameters([
                    "start": .text("2026-10-01"), "end": .text("2026-10-31"), "today": .text("2026-10-30"),
                    "reason": .text("client leaves on the 30th")
                ]))
    }
}
