import BillingModel
import Imports
import Testing
import TestSupport
@testable import Ledger

/// B2C sales are e-reported per operation category: goods (`TLB1`) as the settings' revenue types say, by article or
/// by activity, every other sale a service (`TPS1`); one row per day, VAT rate and category.
@Suite struct B2CCategoryTests {
    @Test func cafeteriaGoodsAndServedMealsAreSplitIntoTheirCategoriesAtTheSameRate() throws {
        let header =
            "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"
        func row(
            _ t: String, _ activity: String, _ article: String, _ amount: String, rate: String, share: String = "0,00"
        ) -> String {
            "LD01-1-20261005-\(t);LD01;1;05/10/2026;12:00:00;0001;ACME;A;\(activity);\(article);Article;1;\(amount);\(rate);\(amount);\(share)"
        }
        let rows = [
            header,
            row("000001", "SELF", "PLAT", "7,00", rate: "10,0", share: "4,20"),
            row("000002", "CAFET", "SANDW", "4,20", rate: "10,0"),
            row("000002", "CAFET", "FRUIT-E", "1,60", rate: "5,5"),
            // An article a services revenue type lists stays a service, even sold at the cafeteria.
            row("000003", "CAFET", "DA01", "1,10", rate: "10,0"),
            row("000004", "BRASS", "VIN-R", "4,50", rate: "20,0")
        ]
        let dir = Repository.temporaryDirectory("b2c-category")
        try (rows.joined(separator: "\r\n") + "\r\n").write(
            to: dir.appendingPathComponent("PIE_LD01_20261005.csv"), atomically: true, encoding: .utf8)
        let (ledger, _) = try freshLedger()
        #expect(Importer(ledger: ledger, knownClients: ["ACME"]).importPaths([dir]).map(\.status) == [.imported])
        let october = try #require(Period(parsing: "2026-10"))
        let goods = B2CGoods(serviceArticles: ["DA01"], goodsActivities: ["CAFET"])
        let totals = try ledger.b2cTotals(october, goods: goods)
        let seen = totals.map { "\($0.vatRate) \($0.category.rawValue) \($0.paidTTC) \($0.lines)" }
        #expect(seen == ["55000 TLB1 160 1", "100000 TPS1 390 2", "100000 TLB1 420 1", "200000 TPS1 450 1"], "\(seen)")
        // Without goods in the settings every sale is a service, and the totals are the same.
        let services = try ledger.b2cTotals(october)
        #expect(services.allSatisfy { $0.category == .services } && services.count == 3)
        #expect(services.map(\.paidTTC).reduce(0, +) == totals.map(\.paidTTC).reduce(0, +))
    }
}
