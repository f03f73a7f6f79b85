import BillingModel
import Foundation
import HummingbirdTesting
import Ledger
import Testing
import TestSupport
@testable import WebApp

/// The web forms refuse absurd amounts as the CLI does, in French, writing nothing.
@Suite struct AbsurdAmountsAreRefusedOnTheWeb {
    /// The page's text with French spaces and HTML-escaped apostrophes made plain, to compare with typed text.
    static func plain(_ html: String) -> String {
        var t = html
        for (a, b) in [
            ("\u{202F}", " "), ("\u{00A0}", " "), ("&#39;", "'"), ("&#x27;", "'"), ("&apos;", "'"), ("&amp;", "&")
        ] {
            t = t.replacingOccurrences(of: a, with: b)
        }
        return t
    }

    @Test func theManualFormAndTheLineEditRefuseAmountsPastTheBounds() async throws {
        let f = try Fixture()
        let admin = try f.user("admin", admin: true)
        let before = try f.ledger.invoices(includeDiscarded: true).map { "\($0.id ?? 0) \($0.totalTtc)" }
        let audit = try f.ledger.auditLog().count
        try await f.app.application().test(.router) { client in
            let cases: [([(String, String)], String)] = [
                (
                    [("quantite-1", "2147483647"), ("prix-1", "99999999,9999")],
                    "Ligne 1 : la quantité 2147483647 dépasse 999 999"
                ),
                ([("quantite-1", "1"), ("prix-1", "-99999999999,99")], "dépasse 9 999 999,9999 €"),
                (
                    [("quantite-1", "999999"), ("prix-1", "9999999,9999")],
                    "HT dépasse le plafond de 500 000,00 € HT par ligne"
                ),
                ([("quantite-1", "1"), ("prix-1", "-150,00")], "Le total d'une facture ne peut pas être négatif")
            ]
            for (fields, french) in cases {
                let r = try await send(
                    client, .post, "/factures-manuelles", as: admin,
                    form: [
                        ("type", "invoice"), ("client", f.clientIn), ("periode", "2026-10"),
                        ("libelle-1", "Prestation"), ("tva-1", "20"),
                        ("motif", "essai")
                    ] + fields)
                #expect(r.status == .unprocessableContent, "\(r.text)")
                #expect(Self.plain(r.text).contains(french), "\(french): \(r.text)")
            }
            for (quantity, price, french) in [
                ("9223372036854775807", "", "la quantité 9223372036854775807 dépasse 999 999"),
                ("", "99999999999,99", "le prix unitaire 99999999999,99 € dépasse"),
                ("1", "9999999,00", "dépasse le plafond de 500 000,00 € HT par ligne")
            ] {
                let r = try await send(
                    client, .post, "/proformas/\(f.proforma)/lignes", as: admin,
                    form: [("position", "1"), ("quantite", quantity), ("prix", price), ("motif", "essai")])
                #expect(r.status == .unprocessableContent, "\(r.text)")
                #expect(Self.plain(r.text).contains(french), "\(french): \(r.text)")
            }
        }
        #expect(try f.ledger.invoices(includeDiscarded: true).map { "\($0.id ?? 0) \($0.totalTtc)" } == before)
        #expect(try f.ledger.auditLog().count == audit)
    }
}
