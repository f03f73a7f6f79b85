import BillingModel
import Foundation
import Ledger
import Logging
import Testing
import TestSupport
import Workspace

/// A run bills with one version of the settings and contracts: the one read when the workspace was opened.
/// A contract edited or deployed while the run goes on changes nothing of this run's documents, and the
/// run says that the files changed (the next run uses them).
@Suite struct OneVersionPerRunTests {
    private func subsidyA(_ ledger: LedgerDatabase) throws -> Int64? {
        let acme = try #require(try ledger.invoices(client: "ACME").first?.id)
        return try ledger.invoice(id: acme)?.lines.first { $0.label == "Subvention employeur catégorie A" }?.net
    }

    @Test func aContractChangedDuringARunIsUsedByTheNextRunOnly() throws {
        let s = try Scratch()
        try s.write(
            "PIE_LD01_20261005.csv", EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 0, c: 0, guests: []))
        // Someone edits ACME's price after the run read its contracts (the workspace is opened at the run's start).
        let contract = s.dir.appendingPathComponent("rules/acme.ard")
        let text = try String(contentsOf: contract, encoding: .utf8)
        try text.replacingOccurrences(of: "category A: 4.20 HT", with: "category A: 9.99 HT")
            .write(to: contract, atomically: true, encoding: .utf8)

        var run = ScheduledRun(
            workspace: s.workspace, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, actor: "scheduler")
        run.holdsMissingDays = false
        let report = try run.run(on: Day(iso: "2026-11-01")!)
        #expect(report.due?.created.isEmpty == false)
        let ledger = try s.workspace.openLedger()
        #expect(try subsidyA(ledger) == 4_200, "10 covers at the price read at the start: 42.00")
        #expect(
            report.sourcesChanged.count == 1 && report.sourcesChanged[0].hasSuffix("rules/acme.ard"),
            "\(report.sourcesChanged)")

        // A workspace opened now reads the new version, and sees nothing changed since.
        let next = try Installation.open(configPath: s.dir.appendingPathComponent("ardoise.yaml").path)
        #expect(next.contractFiles.files.first { $0.path.hasSuffix("acme.ard") }?.text.contains("9.99 HT") == true)
        #expect(next.snapshot.changedSinceRead().isEmpty)
    }

    @Test func aContractAddedOrRemovedIsAChangeToo() throws {
        let s = try Scratch()
        let extra = s.dir.appendingPathComponent("rules/zz-new.ard")
        try "# draft\n".write(to: extra, atomically: true, encoding: .utf8)
        #expect(s.workspace.snapshot.changedSinceRead() == [extra.path].map { DisplayPath.of($0) })
        try FileManager.default.removeItem(at: extra)
        #expect(s.workspace.snapshot.changedSinceRead().isEmpty)
        try FileManager.default.removeItem(at: s.dir.appendingPathComponent("rules/acme.ard"))
        #expect(s.workspace.snapshot.changedSinceRead().count == 1)
        // The opened workspace still has ACME's contract: what it bills does not depend on when it is asked.
        #expect(s.workspace.rules(today: Day(iso: "2026-11-01")!).contracts["ACME"] != nil)
    }
}
