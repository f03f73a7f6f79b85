import BillingEngine
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// Validation issues its proformas in batches, one transaction each, every proforma in a savepoint of its own: a
/// proforma refused after its number was taken and its entry posted (here: its document cannot be rendered) leaves
/// nothing of itself, and the others of the batch are issued with the numbers that follow, without a gap.
@Suite struct ValidationInBatchesTests {
    struct RenderRefused: Error, CustomStringConvertible {
        var description: String { "the document of C0013 cannot be rendered" }
    }

    /// Three waiting proformas (ACME, C0013, C0014) and an engine whose renderer refuses C0013's document.
    static func threeProformas() throws -> (Scratch, LedgerDatabase, Engine, [Int64]) {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        var engine = try s.engine(ledger, day("2026-11-02"))
        let ids = try s.manualInvoices(engine, clients: ["ACME", "C0013", "C0014"])
        engine.render = { stored, references in
            if stored.invoice.client == "C0013" { throw RenderRefused() }
            return try plainFiles(stored, references)
        }
        return (s, ledger, engine, ids)
    }

    /// Files that name the document's number: what the tests need of a rendering.
    static let plainFiles: DocumentRenderer = { stored, _ in
        IssuedFiles(pdf: Array("%PDF \(stored.invoice.number ?? "")".utf8), xml: Array("<x/>".utf8))
    }

    /// The error of an outcome that is a refusal; nil when the proforma was issued.
    static func refusal(_ outcome: Result<String, any Error>) -> (any Error)? {
        if case .failure(let error) = outcome { error } else { nil }
    }

    static func sequence(_ number: String) -> Int? { Int(String(number.reversed().prefix { $0.isNumber }.reversed())) }

    @Test func aProformaRefusedInsideTheBatchLeavesNothingOfItselfAndTheOthersFollowWithoutGap() throws {
        let (_, ledger, engine, ids) = try Self.threeProformas()
        let before = try ledger.crashConsistency().fingerprint
        let outcomes = try engine.validateEach(ids: ids, on: day("2026-11-02"))
        #expect(outcomes.map(\.id) == ids)
        let first = try outcomes[0].outcome.get(), third = try outcomes[2].outcome.get()
        let refused = try #require(Self.refusal(outcomes[1].outcome), "C0013's proforma was issued: \(outcomes[1])")
        #expect("\(refused)".contains("cannot be rendered"), "\(refused)")
        // The number C0013's proforma took inside the batch was given back: the third follows the first.
        #expect(Self.sequence(third) == Self.sequence(first).map { $0 + 1 }, "\(first), \(third)")

        // Nothing of the refused one: still a proforma, no number, no validation in the audit log, no entry.
        let kept = try #require(try ledger.invoice(id: ids[1])?.invoice)
        #expect(kept.status == .proforma && kept.number == nil)
        #expect(try ledger.auditLog(invoiceID: ids[1]).allSatisfy { $0.action != "validate" })
        #expect(try ledger.auditLog(invoiceID: ids[0]).contains { $0.action == "validate" })
        let entryDocuments = Set(try ledger.entries().map(\.entry.pieceReference))
        #expect(entryDocuments == [first, third], "\(entryDocuments)")
        let after = try ledger.crashConsistency()
        #expect(after.breaks == [])
        #expect(after.fingerprint != before)
        #expect(try ledger.verifyIssuedDocuments().intact)

        // Once it can be rendered, it is issued with the next number.
        var fixed = engine
        fixed.render = Self.plainFiles
        let again = try fixed.validate(ids: [ids[1]], on: day("2026-11-02"))
        #expect(again.count == 1 && Self.sequence(again[0]) == Self.sequence(third).map { $0 + 1 }, "\(again)")
    }

    @Test func stoppingAtTheFirstRefusalKeepsWhatWasIssuedBeforeItAndTriesNothingAfter() throws {
        let (_, ledger, engine, ids) = try Self.threeProformas()
        #expect(throws: RenderRefused.self) { try engine.validate(ids: ids, on: day("2026-11-02")) }
        #expect(try ledger.invoice(id: ids[0])?.invoice.status == .issued)
        #expect(try ledger.invoice(id: ids[1])?.invoice.status == .proforma)
        #expect(try ledger.invoice(id: ids[2])?.invoice.status == .proforma)
        #expect(try ledger.crashConsistency().breaks == [])
    }

    /// The refusal raised by the database itself (a trigger), after the number was taken and the entry posted: on
    /// PostgreSQL the statement aborts the whole transaction, and only the rollback to the proforma's savepoint lets
    /// the batch go on.
    @Test func aRefusalRaisedByTheDatabaseInsideTheBatchUndoesOnlyItsProforma() throws {
        let (_, ledger, refusing, ids) = try Self.threeProformas()
        var engine = refusing
        engine.render = Self.plainFiles
        try ledger.engine.write { db in
            try db.execute(
                sql: db.sql(
                    sqlite: """
                        CREATE TRIGGER test_refuses_c0013 BEFORE UPDATE OF status ON invoice
                          WHEN NEW.status = 'issued' AND NEW.client = 'C0013'
                          BEGIN SELECT RAISE(ABORT, 'the test refuses C0013'); END
                        """,
                    postgres: PostgresSchema.refuse(
                        "test_refuses_c0013", "BEFORE UPDATE OF status", on: "invoice",
                        when: "NEW.status = 'issued' AND NEW.client = 'C0013'", "the test refuses C0013")))
        }
        let outcomes = try engine.validateEach(ids: ids, on: day("2026-11-02"))
        let first = try outcomes[0].outcome.get(), third = try outcomes[2].outcome.get()
        let refused = try #require(Self.refusal(outcomes[1].outcome), "C0013's proforma was issued: \(outcomes[1])")
        #expect("\(refused)".contains("the test refuses C0013"), "\(refused)")
        #expect(Self.sequence(third) == Self.sequence(first).map { $0 + 1 }, "\(first), \(third)")
        #expect(try ledger.invoice(id: ids[1])?.invoice.status == .proforma)
        #expect(Set(try ledger.entries().map(\.entry.pieceReference)) == [first, third])
        #expect(try ledger.crashConsistency().breaks == [])
        #expect(try ledger.verifyIssuedDocuments().intact)
    }
}
