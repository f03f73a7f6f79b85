import BillingModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp

/// A document's page shows the period the ledger stored with the document, the one its PDF and XML say, not the
/// billing run's.
@Suite(.serialized) struct DocumentPeriodPageTests {
    @Test func aDocumentsPageShowsItsStoredServicePeriod() async throws {
        let f = try Fixture()
        let user = try f.user("compta-periode", rights: [(.invoices, .read), (.proformas, .read)], admin: true)
        let documents = try f.ledger.invoices(status: .issued)
        // Those whose days differ from the billing run's first (a fee in advance), else any.
        let shown =
            documents.filter { $0.serviceStart != $0.periodStart || $0.serviceEnd != $0.periodEnd }
            + documents.prefix(1)
        try await f.app.application().test(.router) { client in
            for i in shown {
                let start = try #require(i.serviceStart), end = try #require(i.serviceEnd)
                let page = try await send(client, .get, "/factures/\(i.id ?? 0)", as: user)
                #expect(
                    page.text.contains("du \(start.french) au \(end.french)"), "\(i.number ?? ""): \(start)..\(end)")
            }
        }
    }
}
