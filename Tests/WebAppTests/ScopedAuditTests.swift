import Foundation
import HummingbirdTesting
import Ledger
import Testing
@testable import WebApp

/// The audit screen of a user who sees a few clients lists every entry about their documents, whatever number of
/// entries about other clients came after them: the scope is part of the ledger's query, before its limit.
@Suite struct ScopedAuditTests {
    @Test func aScopedUserSeesAllTheirEntriesAmongThousandsOfOthers() async throws {
        let f = try Fixture()
        let mine: Set<String> = [f.clientIn, "C0001", "C0002"]
        let scoped = try f.user("controleuse", rights: [(.audit, .read)], clients: Array(mine))
        let admin = try f.user("admin", admin: true)
        // Their clients' entries so far, then 1,500 entries about another client's document.
        let theirs = try f.ledger.auditLog().filter { e in
            guard let id = e.invoiceId, let client = try f.ledger.invoice(id: id)?.invoice.client else { return false }
            return mine.contains(client)
        }
        try #require(!theirs.isEmpty && theirs.count < 500)
        let other = try #require(try f.ledger.invoices(client: f.clientOut).first?.id)
        for n in 1...1_500 {
            try f.ledger.audit(
                actor: "robot", action: "manual", invoiceID: other, AuditParameters(["reason": .text("note \(n)")]))
        }
        try await f.app.application().test(.router) { client in
            let page = try await send(client, .get, "/audit", as: scoped)
            #expect(page.status == .ok)
            let documents = FrenchTests.cells(page.text, table: "audit", column: 3)
            #expect(
                documents.count == theirs.count, "\(documents.count) rows for \(theirs.count) entries of their clients")
            #expect(page.text.contains("\(theirs.count) dernières actions"))
            #expect(!page.text.contains("note 1500"), "another client's entry shown")
            // The administrator sees the latest 500 of all.
            let all = try await send(client, .get, "/audit", as: admin)
            #expect(FrenchTests.cells(all.text, table: "audit", column: 3).count == 500)
            #expect(all.text.contains("note 1500"))
        }
    }
}
