import BillingEngine
import BillingModel
import Foundation
@testable import Ledger
import Logging
import Testing
import TestSupport
import Workspace

/// The daily run evaluates a contract's last ended period again only when what the evaluation reads changed
/// since the period was billed ("v18 billing inputs"): a day with nothing new evaluates nothing, and a new
/// register file version, a late file, an order revision or a contract change bills exactly what the run
/// billed when it evaluated every period every day (the same scenario with the recorded inputs erased
/// before each run).
@Suite struct UnchangedPeriodsAreNotEvaluatedAgainTests {
    /// What a day brings before the run of 4 November.
    enum Change: CaseIterable {
        case newFileVersion, lateFileOfAnotherClient, orderRevision, contractChange
    }

    struct Outcome: Equatable {
        /// Client-periods the due step evaluated, run by run (2, 3, 4 and 5 November).
        var evaluated: [Int]
        /// Every document, as facts that do not depend on ids or numbers.
        var documents: [String]
    }

    /// Orbital (C0025, one invoice per site) bills grouped events here; ACME's October has revenue on the 5th.
    func scenario(_ change: Change, recordingInputs: Bool) throws -> Outcome {
        let s = try Scratch(editRules: orbitalWithEvents, editSettings: orbitalBilledForEvents)
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write(
            "PIE_LD01_20261005.csv", EndToEndTests.registerFile(day: "2026-10-05", a: 100, b: 50, c: 20, guests: []))
        try s.write("EVT_20261020.jsonl", orbitalOrder(id: "EVT-O-1", day: "2026-10-20"))
        var evaluated: [Int] = []
        func run(_ d: String) throws {
            if !recordingInputs { try ledger.engine.write { db in try db.execute(sql: "DELETE FROM billing_inputs") } }
            // Opened again as a new `ardoise run` would: a contract edited since is read.
            let workspace = try Installation.open(configPath: s.workspace.config.file)
            var r = ScheduledRun(workspace: workspace, logger: Logger(label: "test"), actor: "test", sending: false)
            r.holdsMissingDays = false
            let report = try r.run(on: day(d))
            #expect(report.stepFailures.isEmpty, "\(report.stepFailures)")
            evaluated.append(report.due?.evaluated ?? -1)
            // Finance staff validate what waits, the same day.
            let engine = try s.engine(ledger, day(d))
            _ = try engine.validateEach(ids: try ledger.invoices(status: .proforma).compactMap(\.id), on: day(d))
        }
        try run("2026-11-02")
        try run("2026-11-03")
        switch change {
        case .newFileVersion:
            try s.write(
                "PIE_LD01_20261005.csv", EndToEndTests.registerFile(day: "2026-10-05", a: 101, b: 50, c: 20, guests: [])
            )
        case .lateFileOfAnotherClient:
            let ld02 = EndToEndTests.registerFile(day: "2026-10-06", a: 30, b: 0, c: 0, guests: [])
                .replacingOccurrences(of: "LD01", with: "LD02").replacingOccurrences(of: ";ACME;", with: ";C0025;")
            try s.write("PIE_LD02_20261006.csv", ld02)
        case .orderRevision:
            try s.write("EVT_20261103.jsonl", orbitalOrder(id: "EVT-O-1", revision: 2, day: "2026-10-20", quantity: 12))
        case .contractChange:
            let f = s.dir.appendingPathComponent("rules/acme.ard")
            let text = try String(contentsOf: f, encoding: .utf8)
            #expect(text.contains("max(1,500.00 HT"))
            try text.replacingOccurrences(of: "max(1,500.00 HT", with: "max(1,600.00 HT").write(
                to: f, atomically: true, encoding: .utf8)
        }
        try run("2026-11-04")
        try run("2026-11-05")
        let documents = try ledger.invoices(includeDiscarded: true).map {
            [
                $0.client, $0.type.rawValue, $0.origin.rawValue, $0.status.rawValue, "\($0.periodStart)",
                "\($0.periodEnd)",
                $0.site ?? "",
                $0.payer ?? "", "\($0.issueDate)", "\($0.totalTtc)"
            ].joined(separator: " ")
        }.sorted()
        return Outcome(evaluated: evaluated, documents: documents)
    }

    @Test(arguments: Change.allCases)
    func aChangedInputBillsAsWhenEveryPeriodWasEvaluated(_ change: Change) throws {
        let recorded = try scenario(change, recordingInputs: true)
        let everything = try scenario(change, recordingInputs: false)
        #expect(recorded.documents == everything.documents)
        // Every run evaluated every contract's period when nothing was recorded.
        #expect(everything.evaluated.allSatisfy { $0 == 5 }, "\(everything.evaluated)")
        // With the inputs recorded: the first run evaluates all, the day after nothing, the day of the change
        // the periods whose inputs changed, the day after nothing again.
        #expect(recorded.evaluated[0] == 5)
        #expect(recorded.evaluated[1] == 0, "a day with nothing new evaluated \(recorded.evaluated[1]) periods")
        #expect(recorded.evaluated[2] > 0, "the change of \(change) was not evaluated")
        #expect(recorded.evaluated[3] == 0)
        switch change {
        case .contractChange: #expect(recorded.evaluated[2] == 1)  // ACME's only
        case .orderRevision: #expect(recorded.evaluated[2] == 1)  // Orbital's only
        default: break
        }
    }

    /// The record is written with the documents: a period's record never outlives the evaluation that wrote it
    /// (another engine without source digests, a test's, records nothing and is always evaluated).
    @Test func anEngineWithoutSourcesEvaluatesEveryTime() throws {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        var engine = try s.engine(ledger, day("2026-11-02"))
        engine.sourceDigests = [:]
        let first = try engine.generateDue(on: day("2026-11-02"))
        let again = try engine.generateDue(on: day("2026-11-03"))
        #expect(first.evaluated == again.evaluated)
        #expect(again.unchangedSinceBilled == 0)
        #expect(
            try ledger.engine.read { db in try db.fetchValue(Int.self, sql: "SELECT COUNT(*) FROM billing_inputs") }
                == 0)
    }
}
