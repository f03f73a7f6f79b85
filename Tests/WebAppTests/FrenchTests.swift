import BillingEngine
import BillingModel
import Foundation
import HummingbirdTesting
import Ledger
import Testing
import TestSupport
@testable import WebApp

/// The web pages speak French: the engine's explanations and the audit log's
/// actions are stored in English (the CLI and the documents keep it) and shown
/// in French, numbers in the French form.
@Suite struct FrenchTests {
    /// Each reason revenue is not billed, worded in French from its facts (the engine's English is never read).
    @Test func unbilledReasonsInFrench() {
        let october5 = day("2026-10-05"), october = Period.month(of: october5)
        let cases: [(UnbilledReason, String)] = [
            (.contract(.guestsWithoutTerm), "tickets d'invités, aucune clause d'invités"),
            (.contract(.outsideValidity), "hors de la période de validité du contrat"),
            (.contract(.categoryNotPriced), "part patronale d'une catégorie qu'aucune clause de subvention ne tarife"),
            (.contract(.orderWithoutEventsTerm(order: "EVT-1")), "commande EVT-1 livrée, aucune clause d'événements"),
            (.unknownClient(covers: 12), "client inconnu des paramètres (12 couverts, part patronale et invités)"),
            (
                .orderWithoutContract(order: "EVT-2", delivered: october5),
                "commande EVT-2 livrée le 05/10/2026 : le client n'a pas de contrat"
            ),
            (
                .orderNotInvoiced(order: "EVT-3", delivered: october5, why: .daily),
                "commande EVT-3 livrée le 05/10/2026, pas encore facturée (Clôture : « Facturer les commandes livrées »)"
            ),
            (
                .orderNotInvoiced(order: "EVT-4", delivered: october5, why: .noInvoiceOf(october)),
                "commande EVT-4 livrée le 05/10/2026, pas encore facturée : aucune facture de sa période (octobre 2026) ne la porte"
            ),
            (
                .orderNotInvoiced(order: "EVT-6", delivered: october5, why: .arrivedAfter(carrier: "FA-2026-000012")),
                "commande EVT-6 livrée le 05/10/2026, pas encore facturée : arrivée après l'émission de FA-2026-000012 de son mois (Clôture : « Facturer les commandes livrées »)"
            ),
            (
                .orderChanged(order: "EVT-5", revision: 3),
                "commande EVT-5 modifiée (révision 3) depuis sa facturation, écart pas encore facturé"
            )
        ]
        for (why, french) in cases { #expect(French.unbilledReason(why) == french, "\(why)") }
        // The English words stay what acknowledgements recorded (an acknowledgement's key is the reason's text).
        #expect(
            UnbilledReason.orderNotInvoiced(order: "EVT-3", delivered: october5, why: .daily).text
                == "order EVT-3 delivered 2026-10-05, not invoiced yet (`ardoise bill --events`)")
        #expect(UnbilledReason.contract(.guestsWithoutTerm).text == "guest tickets, no guest term")
    }

    /// What the closing checks find, worded in French from their facts.
    @Test func closingDetailsInFrench() {
        let cases: [(ClosingDetail, String)] = [
            (
                .proformaWaiting(id: 4, client: "C0003", period: "2026-09-28..2026-10-04"),
                "proforma 4 de C0003, du 28/09/2026 au 04/10/2026"
            ),
            (
                .orderNotInvoiced(order: "EVT-7", client: "C0004", delivered: day("2026-10-20")),
                "commande EVT-7 de C0004, livrée le 20/10/2026"
            ),
            (
                .numbering(.outOfSequence(series: "FA", number: "FA-2026-000004", expected: 3)),
                "série FA : FA-2026-000004 là où le numéro 3 était attendu"
            ),
            (
                .numbering(.countDiffers(series: "FA", issued: 3, given: 4)),
                "série FA : 3 documents émis pour 4 numéros attribués"
            ),
            (
                .numbering(
                    .datedBefore(
                        series: "FA", number: "FA-2026-000004", date: "2026-11-01", previous: "FA-2026-000003",
                        previousDate: "2026-11-02")),
                "série FA : FA-2026-000004 daté du 01/11/2026, avant FA-2026-000003 daté du 02/11/2026"
            ),
            (.entry(.noEntry(number: "FA-2026-000001")), "FA-2026-000001 n'a pas d'écriture au journal"),
            (
                .entry(.unbalanced(number: "FA-1", by: Money(cents: 1))),
                "l'écriture de FA-1 n'est pas équilibrée (0,01 €)"
            ),
            (
                .entry(.customerDiffers(number: "FA-1", customer: Money(cents: 100), document: Money(cents: 120))),
                "l'écriture de FA-1 débite le client de 1,00 €, le document fait 1,20 € TTC"
            ),
            (.entry(.orphans(count: 2)), "2 écritures du mois ne portent aucun document émis"),
            (.mailNotSent(number: "FA-2026-000002", failed: false), "FA-2026-000002 : en attente"),
            (
                .notOnPlatform(number: "FA-2026-000007", state: "not queued"),
                "FA-2026-000007 : jamais confié à la plateforme agréée"
            ),
            (
                .notOnPlatform(number: "FA-2026-000008", state: "rejected"),
                "FA-2026-000008 : rejeté par la plateforme agréée"
            ),
            (
                .pendingVAT(account: "445742", balance: Money(cents: 8400), expected: Money(cents: 5952)),
                "compte 445742 : solde 84,00 €, TVA de la part impayée des factures de services émises 59,52 €"
            ),
            (
                .lateRevenue(client: "C0001", period: Period.month(of: day("2026-10-01"))),
                "C0001 : revenus tardifs à régulariser (période octobre 2026)"
            ),
            (
                .evaluationFailed(client: "C0001", message: "index INSEE-1 of 2026-09 is not published"),
                "C0001 : le contrat n'a pas pu être évalué sur ce mois ; vérifiez-le (écran Clients)"
            )
        ]
        for (detail, french) in cases { #expect(French.closingDetail(detail) == french, "\(detail)") }
    }

    @Test func theUnbilledAndClosingPagesOfTheDemoMonthHaveNoEnglishReason() async throws {
        let f = try Fixture()
        let admin = try f.user("admin", admin: true)
        try await f.app.application().test(.router) { client in
            for (uri, french) in [
                ("/non-factures?periode=2026-10", "livrée, aucune clause d&#39;événements"),
                ("/cloture?mois=2026-10", " de C0")
            ] {
                let page = try await send(client, .get, uri, as: admin)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.text.contains(french), "\(uri): the page lists its items, in French")
                for english in [
                    "delivered order", "not invoiced yet", "guest tickets", "no guest term", " of C0",
                    "employer share of"
                ] {
                    #expect(!page.text.contains(english), "\(uri): « \(english) » left in English")
                }
            }
        }
    }

    @Test func ledgerTimestampsAreShownInParisTime() {
        #expect(French.timestamp("2026-12-04T09:41:19Z") == "04/12/2026 10:41:19", "winter: UTC+1")
        #expect(French.timestamp("2026-07-01T22:30:00Z") == "02/07/2026 00:30:00", "summer: UTC+2, the next day")
        #expect(French.timestamp("pas une date") == "pas une date")
    }

    /// Each form of explanation the engine writes (ContractLanguage's Compiler; the engine's Events, Credits,
    /// Corrections through Differences), as the facts stored with the line, with its English (the CLI's, and the
    /// stored explanation: unchanged by "v18 line facts") and its French. `\u{202F}` groups thousands.
    static let forms: [(LineFacts, String, String)] = {
        func m(_ s: String) -> Money { Money(s) ?? .zero }
        func p(_ s: String) -> Price { Price(s) ?? .zero }
        func r(_ s: String) -> Percentage { Percentage(s) ?? .zero }
        let revision = LineFacts.Revision(
            on: Day(iso: "2026-01-01") ?? Day(ordinal: 0), series: "ILC-RESTO", referenceMonth: "2025-09",
            base: p("1200.00"), fixedPart: r("0.15"), indexedPart: r("0.85"), index: r("121.7"),
            baseIndex: r("118.2"), price: p("1230.12"))
        let t = { (q: Int, n: String) in LineFacts.Tally(quantity: q, net: m(n)) }
        let october = Period(parsing: "2026-10") ?? Period(start: Day(ordinal: 0), end: Day(ordinal: 0))
        return [
            (
                LineFacts(
                    .subsidyPerCover(
                        covers: 120, category: "A", price: p("4.50"), includesVAT: false, vat: r("10"), net: m("540.00")
                    )),
                "120 covers of category A × 4.50 HT = 540.00", "120 couverts de la catégorie A × 4,50 HT = 540,00"
            ),
            (
                LineFacts(
                    .subsidyPerCover(
                        covers: 1500, category: "B", price: p("4.20"), includesVAT: true, vat: r("10"),
                        net: m("5727.27"))),
                "1500 covers of category B × 4.20 TTC / (1 + 10%) = 5727.27 HT",
                "1\u{202F}500 couverts de la catégorie B × 4,20 TTC / (1 + 10 %) = 5\u{202F}727,27 HT"
            ),
            (
                LineFacts(
                    .subsidyCappedByTray(
                        covers: 300, category: "A", cap: m("4.20"), capped: m("1186.40"), vat: r("10"),
                        net: m("1078.55"))),
                "300 covers of category A, each min(4.20 TTC, tray TTC), sum 1186.40 TTC / (1 + 10%) = 1078.55 HT",
                "300 couverts de la catégorie A, chacun min(4,20 TTC ; plateau TTC), somme 1\u{202F}186,40 TTC / (1 + 10 %) = 1\u{202F}078,55 HT"
            ),
            (
                LineFacts(
                    .subsidyAsRecorded(ttc: m("8400.00"), vat: r("10"), net: m("7636.36"), guestsBilledApart: true)),
                "employer share recorded by the registers 8400.00 TTC / (1 + 10%) = 7636.36 HT, guests billed apart",
                "part patronale enregistrée par les caisses 8\u{202F}400,00 TTC / (1 + 10 %) = 7\u{202F}636,36 HT, invités facturés à part"
            ),
            (
                LineFacts(.guestMeals(tickets: 20, ttc: m("260.00"), vat: r("10"), net: m("236.36"))),
                "20 guest tickets, 260.00 TTC / (1 + 10%) = 236.36 HT",
                "20 tickets invités, 260,00 TTC / (1 + 10 %) = 236,36 HT"
            ),
            (
                LineFacts(
                    .admissionFee(
                        covers: 3520, unit: p("2.35"), includesVAT: false, vat: r("10"), net: m("8272.00"), share: nil,
                        revision: nil)),
                "3520 covers (guests included) × 2.35 HT = 8272.00",
                "3\u{202F}520 couverts (invités compris) × 2,35 HT = 8\u{202F}272,00"
            ),
            (
                LineFacts(
                    .admissionFee(
                        covers: 3520, unit: p("1.41"), includesVAT: true, vat: r("10"), net: m("4512.00"),
                        share: LineFacts.ClientShare(percent: r("60"), fullPrice: p("2.35")), revision: nil)),
                "3520 covers × 1.41 TTC / (1 + 10%) = 4512.00 HT, client pays 60%: 2.35 × 60% = 1.41",
                "3\u{202F}520 couverts × 1,41 TTC / (1 + 10 %) = 4\u{202F}512,00 HT, le client paie 60 % : 2,35 × 60 % = 1,41"
            ),
            (
                LineFacts(
                    .cafeteriaParticipation(percent: r("20"), ttc: m("1055.00"), vat: r("5.5"), net: m("200.00"))),
                "20% of badge holders' cafeteria tickets 1055.00 TTC / (1 + 5.5%) = 200.00 HT",
                "20 % des tickets de cafétéria des badgés 1\u{202F}055,00 TTC / (1 + 5,5 %) = 200,00 HT"
            ),
            (
                LineFacts(
                    .flatFee(
                        full: m("1200.00"), per: .month, timing: .inArrears, prorata: nil, net: m("1200.00"),
                        revision: nil)),
                "1200.00 HT per month in arrears = 1200.00",
                "1\u{202F}200,00 HT par mois, à terme échu = 1\u{202F}200,00"
            ),
            (
                LineFacts(
                    .flatFee(
                        full: m("3000.00"), per: .quarter, timing: .inAdvance,
                        prorata: LineFacts.Prorata(days: 45, of: 92),
                        net: m("1467.39"), revision: nil)),
                "3000.00 HT per quarter in advance, prorated 45/92 days = 1467.39",
                "3\u{202F}000,00 HT par trimestre, à échoir, au prorata de 45/92 jours = 1\u{202F}467,39"
            ),
            (
                LineFacts(
                    .flatFee(
                        full: m("1200.00"), per: .month, timing: .inArrears, prorata: nil, net: m("1230.12"),
                        revision: revision)),
                "1200.00 HT per month in arrears = 1230.12 (revised on 2026-01-01: 1200.00 × (0.15 + 0.85 × 121.7 / 118.2) = 1230.12)",
                "1\u{202F}200,00 HT par mois, à terme échu = 1\u{202F}230,12 (révisé le 01/01/2026 : 1\u{202F}200,00 × (0,15 + 0,85 × 121,7 / 118,2) = 1\u{202F}230,12)"
            ),
            (
                LineFacts(
                    .floorFee(
                        floor: m("1500.00"), prorata: nil, perCover: p("0.45"), covers: 3520, variable: m("1584.00"),
                        billed: m("1584.00"))),
                "max(1500.00, 0.45 × 3520 covers = 1584.00) = 1584.00",
                "max(1\u{202F}500,00 ; 0,45 × 3\u{202F}520 couverts = 1\u{202F}584,00) = 1\u{202F}584,00"
            ),
            (
                LineFacts(
                    .floorFee(
                        floor: m("750.00"), prorata: LineFacts.Prorata(days: 15, of: 31), perCover: p("0.45"),
                        covers: 900,
                        variable: m("405.00"), billed: m("750.00"))),
                "max(750.00 (floor prorated 15/31 days), 0.45 × 900 covers = 405.00) = 750.00",
                "max(750,00 (plancher au prorata de 15/31 jours) ; 0,45 × 900 couverts = 405,00) = 750,00"
            ),
            (
                LineFacts(
                    .graduatedFee(
                        covers: 3520, inBand: 1520, band: LineFacts.Band(from: 2000, upTo: 4000), price: p("0.45"),
                        net: m("684.00"))),
                "graduated: 3520 covers, 1520 in the band de 2001 à 4000 couverts × 0.45 = 684.00",
                "tranches progressives : 3\u{202F}520 couverts, dont 1\u{202F}520 dans la tranche de 2\u{202F}001 à 4\u{202F}000 couverts × 0,45 = 684,00"
            ),
            (
                LineFacts(
                    .volumeFee(
                        covers: 3520, band: LineFacts.Band(from: 2000, upTo: 4000), price: p("0.45"), net: m("1584.00"))
                ),
                "volume: 3520 covers reach the band jusqu'à 4000 couverts, all at 0.45 = 1584.00",
                "tarif au volume : 3\u{202F}520 couverts atteignent la tranche jusqu'à 4\u{202F}000 couverts, tous à 0,45 = 1\u{202F}584,00"
            ),
            (
                LineFacts(
                    .minimumGuarantee(
                        shortDays: 4, openDays: 22, threshold: 250, site: "LD01", missing: 130, price: p("1.50"),
                        net: m("195.00"),
                        revision: nil)),
                "4 of 22 open days under 250 covers at LD01: 130 missing covers × 1.50 = 195.00",
                "4 jours d'ouverture sur 22 sous 250 couverts à LD01 : 130 couverts manquants × 1,50 = 195,00"
            ),
            (
                LineFacts(
                    .orderLine(
                        order: "EVT-2026-17", revision: 2, quantity: 40, unit: p("12.50"), discount: nil,
                        net: m("500.00"))),
                "order EVT-2026-17 revision 2: 40 × 12.50 = 500.00",
                "commande EVT-2026-17 révision 2 : 40 × 12,50 = 500,00"
            ),
            (
                LineFacts(
                    .orderLine(
                        order: "EVT-2026-17", revision: 2, quantity: 40, unit: p("11.25"),
                        discount: LineFacts.Discount(percent: r("10"), gross: p("12.50")), net: m("450.00"))),
                "order EVT-2026-17 revision 2: 40 × 11.25, discount 10%: 12.50 → 11.25 = 450.00",
                "commande EVT-2026-17 révision 2 : 40 × 11,25, remise 10 % : 12,50 → 11,25 = 450,00"
            ),
            (
                LineFacts(
                    .deliveryFee(order: "EVT-2026-17", orderHT: m("180.00"), under: m("250.00"), fee: m("35.00"))),
                "order EVT-2026-17 totals 180.00 HT after discount, under 250.00: delivery fee 35.00",
                "commande EVT-2026-17 : 180,00 HT après remise, moins de 250,00 : frais de livraison 35,00"
            ),
            (
                LineFacts(
                    .orderCredit(
                        order: "EVT-2026-17", cancelled: true, revision: 3, quantity: 40, unit: p("12.50"),
                        net: m("500.00"))),
                "order EVT-2026-17 cancelled (revision 3): credits 40 × 12.50 = 500.00 billed before",
                "commande EVT-2026-17 annulée (révision 3) : avoir de 40 × 12,50 = 500,00 facturés auparavant"
            ),
            (
                LineFacts(
                    .orderCredit(
                        order: "EVT-2026-17", cancelled: false, revision: 3, quantity: 40, unit: p("12.50"),
                        net: m("500.00"))),
                "order EVT-2026-17 changed (revision 3): credits 40 × 12.50 = 500.00 billed before",
                "commande EVT-2026-17 modifiée (révision 3) : avoir de 40 × 12,50 = 500,00 facturés auparavant"
            ),
            (
                LineFacts(
                    .orderDifference(order: "EVT-2026-17", revision: 3, billed: t(40, "500.00"), now: t(45, "562.50"))),
                "order EVT-2026-17 revision 3: billed 40 for 500.00, now 45 for 562.50",
                "commande EVT-2026-17 révision 3 : facturé 40 pour 500,00, maintenant 45 pour 562,50"
            ),
            (
                LineFacts(.orderDifference(order: "EVT-2026-17", revision: 3, billed: nil, now: t(1, "35.00"))),
                "order EVT-2026-17 revision 3: billed nothing, now 1 for 35.00",
                "commande EVT-2026-17 révision 3 : rien facturé, maintenant 1 pour 35,00"
            ),
            (
                LineFacts(.lateRevenue(period: october, invoiced: t(1500, "6300.00"), now: t(1512, "6350.40"))),
                "late revenue for octobre 2026, priced by the contract as it stands: billed 1500 for 6300.00 on the revenue as invoiced, 1512 for 6350.40 on the revenue now",
                "revenus tardifs de octobre 2026, valorisés selon le contrat actuel : facturé 1\u{202F}500 pour 6\u{202F}300,00 sur les revenus facturés, 1\u{202F}512 pour 6\u{202F}350,40 sur les revenus actuels"
            ),
            (
                LineFacts(.lateRevenue(period: october, invoiced: nil, now: t(12, "50.40"))),
                "late revenue for octobre 2026, priced by the contract as it stands: billed nothing on the revenue as invoiced, 12 for 50.40 on the revenue now",
                "revenus tardifs de octobre 2026, valorisés selon le contrat actuel : rien facturé sur les revenus facturés, 12 pour 50,40 sur les revenus actuels"
            ),
            (
                LineFacts(
                    .credit(
                        line: 2, number: "FA-2026-000123", issued: Day(iso: "2026-11-02") ?? Day(ordinal: 0),
                        reason: "geste commercial 1.50")),
                "credits line 2 of FA-2026-000123 of 2026-11-02: geste commercial 1.50",
                "avoir sur la ligne 2 de FA-2026-000123 du 02/11/2026 : geste commercial 1.50"
            ),
            (
                LineFacts(.typedIn(reason: "cocktail du 3.10")), "typed in: cocktail du 3.10",
                "saisie manuelle : cocktail du 3.10"
            ),
            (
                LineFacts(.added(by: "marie", reason: "oubli du 3.10")), "added by marie: oubli du 3.10",
                "ajoutée par marie : oubli du 3.10"
            ),
            (
                LineFacts(
                    .subsidyPerCover(
                        covers: 120, category: "A", price: p("4.50"), includesVAT: false, vat: r("10"), net: m("540.00")
                    ), sites: ["LD01"]),
                "120 covers of category A × 4.50 HT = 540.00 (only at site LD01)",
                "120 couverts de la catégorie A × 4,50 HT = 540,00 (seulement au site LD01)"
            ),
            (
                LineFacts(
                    .admissionFee(
                        covers: 120, unit: p("2.35"), includesVAT: false, vat: r("10"), net: m("282.00"), share: nil,
                        revision: nil),
                    sites: ["LD01", "LD02"]),
                "120 covers (guests included) × 2.35 HT = 282.00 (only at sites LD01, LD02)",
                "120 couverts (invités compris) × 2,35 HT = 282,00 (seulement aux sites LD01, LD02)"
            ),
            (
                LineFacts(
                    .subsidyPerCover(
                        covers: 120, category: "A", price: p("4.50"), includesVAT: false, vat: r("10"), net: m("540.00")
                    ),
                    edits: [
                        LineFacts.Edit(by: "marie", reason: "recompté 2.5"), LineFacts.Edit(by: "paul", reason: "prix")
                    ]),
                "120 covers of category A × 4.50 HT = 540.00; edited by marie: recompté 2.5; edited by paul: prix",
                "120 couverts de la catégorie A × 4,50 HT = 540,00 ; modifié par marie : recompté 2.5 ; modifié par paul : prix"
            ),
            (
                LineFacts(.notRecorded, edits: [LineFacts.Edit(by: "marie", reason: "ligne ajoutée")]),
                "edited by marie: ligne ajoutée", "modifié par marie : ligne ajoutée"
            )
        ]
    }()

    /// Each form's English (what the CLI prints and the ledger stores, as before the facts were stored) and its
    /// French, both worded from the same facts.
    @Test func everyExplanationFormHasItsEnglishAndFrenchWordingFromItsFacts() throws {
        for (facts, english, french) in Self.forms {
            #expect(facts.english == english)
            #expect(French.explanation(facts) == french, "\(english)")
            // The facts as the ledger stores them (JSON) read back the same.
            let stored = try JSONEncoder().encode(facts)
            #expect(try JSONDecoder().decode(LineFacts.self, from: stored) == facts, "\(english)")
        }
    }

    /// Words of the engine's English explanations that no French rendering keeps.
    static let englishWords = [
        "covers", "category", "guest", "per month", "per quarter", "arrears", "advance", "prorated", "floor",
        "graduated", "volume:", "band", "open days", "missing", "order ", "revision", "discount",
        "delivery fee", "credits", "typed in", "edited by", "added by", "late revenue", "billed", "now ", "nothing",
        "employer share", "registers", "badge holders", "only at", "revised on", "client pays", "included",
        " of ", " after ", " under ", " each ", " sum ", " all at "
    ]

    @Test func theFrenchFormsKeepNoEnglishWord() {
        for (_, _, french) in Self.forms {
            for w in Self.englishWords { #expect(!french.contains(w), "« \(w) » in \(french)") }
        }
    }

    /// Every action the sources write in the audit log has its French name.
    @Test func everyAuditActionInTheSourcesIsTranslated() throws {
        let sources = Repository.root.appendingPathComponent("Sources")
        var actions = Set<String>()
        let files =
            FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
            ?? []
        let quoted = try NSRegularExpression(pattern: #""([a-z][a-z -]*)""#)
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            // A call may span lines (the formatter breaks long ones): its first `action:` within the call's start.
            for call in text.ranges(of: "audit(") + text.ranges(of: "appendAudit(") {
                let head = text[call.upperBound...].prefix(400)
                guard let start = head.range(of: #"\baction: "#, options: .regularExpression) else { continue }
                // The expression after `action:`, up to the next argument.
                let expression = String(head[start.upperBound...].prefix { $0 != "," && $0 != "\n" })
                for m in quoted.matches(in: expression, range: NSRange(expression.startIndex..., in: expression)) {
                    if let r = Range(m.range(at: 1), in: expression) { actions.insert(String(expression[r])) }
                }
            }
        }
        #expect(actions.count >= 25, "\(actions.sorted())")
        for a in actions.sorted() { #expect(French.auditActions[a] != nil, "audit action « \(a) » has no French name") }
    }

    /// The cells of column `column` (0-based) of the rows of table `id` in `html`.
    static func cells(_ html: String, table id: String, column: Int) -> [String] {
        guard let start = html.range(of: "<table id=\"\(id)\""),
            let end = html[start.upperBound...].range(of: "</table>")
        else { return [] }
        let table = String(html[start.upperBound..<end.lowerBound])
        return table.components(separatedBy: "<tr>").dropFirst().compactMap { row in
            let cells = row.components(separatedBy: "<td").dropFirst()
            guard cells.count > column,
                let open = cells[cells.index(cells.startIndex, offsetBy: column)].firstIndex(of: ">")
            else { return nil }
            let cell = cells[cells.index(cells.startIndex, offsetBy: column)]
            return unescape(String(cell[cell.index(after: open)...].prefix { $0 != "<" }))
        }
    }

    static func unescape(_ s: String) -> String {
        [("&#39;", "'"), ("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")].reduce(s) {
            $0.replacingOccurrences(of: $1.0, with: $1.1)
        }
    }

    static func explanations(_ html: String) -> [String] {
        html.components(separatedBy: "<td class=\"explain\">").dropFirst().map {
            unescape(String($0.prefix { $0 != "<" }))
        }
    }

    /// The demo month billed, a line edited, a credit note, a typed-in invoice and a discard: every
    /// explanation and audit action the document pages and the audit log show is French.
    @Test func theBilledDemoMonthIsShownInFrench() async throws {
        let f = try Fixture()
        let admin = try f.user("admin", admin: true)
        try await f.app.application().test(.router) { client in
            let edit = try await send(
                client, .post, "/proformas/\(f.proforma)/lignes", as: admin,
                form: [("position", "1"), ("quantite", "3"), ("motif", "recompté")])
            #expect(edit.status == .seeOther, "\(edit.text)")
            let credit = try await send(
                client, .post, "/factures/\(f.issued)/avoir", as: admin,
                form: [("confirme", "1"), ("ligne", "1"), ("montant-1", "1,00"), ("motif", "geste commercial")])
            #expect(credit.status == .seeOther, "\(credit.text)")
            let manual = try await send(
                client, .post, "/factures-manuelles", as: admin,
                form: [
                    ("type", "invoice"), ("client", f.clientIn), ("periode", "2026-10"), ("libelle-1", "Prestation"),
                    ("quantite-1", "1"), ("prix-1", "150,00"), ("tva-1", "20"), ("motif", "cocktail")
                ])
            #expect(manual.status == .seeOther, "\(manual.text)")
            let discard = try await send(
                client, .post, "/proformas/\(f.spare[0])/ecarter", as: admin, form: [("motif", "doublon")])
            #expect(discard.status == .seeOther, "\(discard.text)")

            var explanations: [String] = [], actions: [String] = []
            var pages = 0
            for doc in try f.ledger.invoices(status: .proforma) + f.ledger.invoices(status: .issued) {
                let id = try #require(doc.id)
                let page = try await send(
                    client, .get, doc.status == .issued ? "/factures/\(id)" : "/proformas/\(id)", as: admin)
                #expect(page.status == .ok)
                explanations += Self.explanations(page.text)
                actions += Self.cells(page.text, table: "historique", column: 2)
                #expect(
                    page.text.contains("id=\"revenu-ligne-1\""),
                    "document \(id) shows the revenue behind its first line")
                pages += 1
            }
            let audit = try await send(client, .get, "/audit", as: admin)
            actions += Self.cells(audit.text, table: "audit", column: 2)
            #expect(pages > 10 && explanations.count > 30, "\(pages) pages, \(explanations.count) explanations")
            let explained = explanations.joined(separator: "\n")
            for form in [
                "couverts", "modifié par admin : recompté", "avoir sur la ligne 1 de FA-", "saisie manuelle : cocktail"
            ] {
                #expect(explained.contains(form), "no explanation shows « \(form) »")
            }
            for e in explanations {
                for w in Self.englishWords { #expect(!e.contains(w), "« \(w) » in the explanation « \(e) »") }
                #expect(e.range(of: #"\d\.\d"#, options: .regularExpression) == nil, "a decimal point in « \(e) »")
            }
            let french = Set(French.auditActions.values)
            #expect(
                Set(actions).isSuperset(of: [
                    "génération", "validation", "modification", "avoir", "saisie manuelle", "écartée"
                ]),
                "\(Set(actions).sorted())")
            for a in actions { #expect(french.contains(a), "the audit action « \(a) » is not French") }
        }
    }

    /// A proforma generated today (not issued) shows the register files and versions it was computed from.
    @Test func aProformaShowsTheRevenueBehindEachLine() async throws {
        let f = try Fixture()
        let admin = try f.user("admin", admin: true)
        let doc = try #require(try f.ledger.invoice(id: f.proforma))
        let behind = try f.ledger.revenueBehind(doc)
        let withRevenue = try #require(behind.first { !$0.days.isEmpty })
        #expect(withRevenue.days.allSatisfy { $0.recorded }, "a proforma reads the versions it recorded when generated")
        try await f.app.application().test(.router) { client in
            let page = try await send(client, .get, "/proformas/\(f.proforma)", as: admin)
            let html = page.text
            let n = withRevenue.position
            #expect(html.contains("<details id=\"revenu-ligne-\(n)\">"))
            #expect(html.contains("id=\"revenu-ligne-\(n)-jours\""))
            let first = try #require(withRevenue.days.first)
            #expect(html.contains(first.fileName) && html.contains(first.day.french))
            #expect(html.contains("Total de la ligne"))
            #expect(html.contains(euros(withRevenue.amountTTC.cents)))
        }
    }

    /// On the billed demo month, the revenue shown behind a line is what the engine computed it from:
    /// the covers of a subsidy line, the covers (guests included) of an admission fee, the TTC of guests
    /// and cafeteria tickets and the employer share recorded, at the line's rate, as the explanation states them.
    @Test func theRevenueBehindALineIsWhatTheEngineBilled() throws {
        let f = try Fixture()
        var checked: [String: Int] = [:]
        for doc in try f.ledger.invoices(status: .proforma) + f.ledger.invoices(status: .issued)
        where doc.origin == .contract {
            let id = try #require(doc.id)
            let stored = try #require(try f.ledger.invoice(id: id))
            let behind = Dictionary(uniqueKeysWithValues: try f.ledger.revenueBehind(stored).map { ($0.position, $0) })
            for line in stored.lines {
                let revenue = try #require(behind[line.position])
                switch line.facts?.computation {
                case .subsidyPerCover(let covers, _, _, _, _, _)?:
                    #expect(revenue.covers == covers, "\(line.explanation): \(revenue.covers) covers shown")
                    checked["category", default: 0] += 1
                case .admissionFee(let covers, _, _, _, _, _, _)?:
                    #expect(revenue.covers == covers, "\(line.explanation): \(revenue.covers) covers shown")
                    checked["admission", default: 0] += 1
                case .guestMeals(_, let ttc, _, _)?:
                    #expect(revenue.amountTTC == ttc, "\(line.explanation): \(revenue.amountTTC) TTC shown")
                    checked["guests", default: 0] += 1
                case .subsidyAsRecorded(let ttc, _, _, _)?:
                    #expect(
                        revenue.employerShare == ttc,
                        "\(line.explanation): \(revenue.employerShare) employer share shown")
                    checked["recorded", default: 0] += 1
                case .cafeteriaParticipation(_, let ttc, _, _)?:
                    #expect(revenue.amountTTC == ttc, "\(line.explanation): \(revenue.amountTTC) TTC shown")
                    checked["cafeteria", default: 0] += 1
                default: break
                }
            }
        }
        #expect(checked.count >= 4 && checked.values.reduce(0, +) > 20, "\(checked)")
    }

    /// The French of an audit entry is made from its action and parameters, never from English words; an
    /// entry written before "v16 audit parameters" is shown as it was stored (the log is never rewritten).
    @Test func theDocumentsAuditDetailsHaveTheirFrenchWording() {
        let cases: [(String, AuditParameters, String)] = [
            (
                "generate",
                AuditParameters([
                    "origin": .text("contract"), "type": .text("invoice"), "client": .text("C0001"),
                    "start": .text("2026-10-01"), "end": .text("2026-10-31"), "lines": .integer(12),
                    "ttc": .integer(148_015)
                ]),
                "facture (contrat) pour C0001, du 01/10/2026 au 31/10/2026, 12 lignes, 1\u{202F}480,15 TTC"
            ),
            (
                "generate",
                AuditParameters([
                    "origin": .text("events"), "type": .text("invoice"), "client": .text("C0002"),
                    "payer": .text("C0002-CSE"),
                    "start": .text("2026-10-14"), "end": .text("2026-10-14"), "lines": .integer(1),
                    "ttc": .integer(5500)
                ]),
                "facture (événement) pour C0002, payée par C0002-CSE, le 14/10/2026, 1 ligne, 55,00 TTC"
            ),
            (
                "generate",
                AuditParameters([
                    "origin": .text("credit"), "type": .text("credit_note"), "client": .text("C0001"),
                    "start": .text("2026-10-01"), "end": .text("2026-10-31"), "lines": .integer(1),
                    "ttc": .integer(48_015)
                ]),
                "avoir pour C0001, du 01/10/2026 au 31/10/2026, 1 ligne, 480,15 TTC"
            ),
            (
                "validate",
                AuditParameters([
                    "number": .text("FA-2026-000009"), "issued": .text("2026-11-02"), "due": .text("2026-12-31")
                ]),
                "émise sous le numéro FA-2026-000009 le 02/11/2026, échéance le 31/12/2026"
            ),
            ("discard", AuditParameters(["cause": .text("regenerated")]), "remplacée par une nouvelle génération"),
            ("discard", AuditParameters(["reason": .text("doublon avec la 12")]), "doublon avec la 12"),
            (
                "discard",
                AuditParameters(["cause": .text("superseded"), "order": .text("EVT-1"), "revision": .integer(3)]),
                "remplacée par la commande EVT-1 révision 3"
            ),
            (
                "edit",
                AuditParameters([
                    "reason": .text("recompté 2.5"), "lines_before": .integer(3), "lines_after": .integer(3),
                    "ttc_before": .integer(148_015), "ttc_after": .integer(149_015)
                ]),
                "recompté 2.5 (lignes 3 → 3, total TTC 1\u{202F}480,15 → 1\u{202F}490,15)"
            ),
            (
                "credit", AuditParameters(["credited": .text("FA-2026-000009"), "reason": .text("geste commercial")]),
                "avoir sur FA-2026-000009 : geste commercial"
            ),
            ("sign in", AuditParameters(["via": .text("web")]), "session web ouverte"),
            (
                "close",
                AuditParameters([
                    "month": .text("2026-10"), "first": .list(["FA-2026-000001"]), "last": .list(["FA-2026-000009"]),
                    "counts": .list(["9"]), "ht": .integer(100_000), "vat": .integer(10_000)
                ]),
                "2026-10 clos ; FA-2026-000001…FA-2026-000009 (9) ; 1\u{202F}000,00 € HT, 100,00 € de TVA"
            )
        ]
        for (action, parameters, french) in cases {
            let stored = AuditParameters(json: parameters.json)
            #expect(stored == parameters, "\(parameters.json)")
            #expect(
                French.auditDetails(action, details: "", parameters: parameters.json) == french,
                "\(action): \(parameters.json)")
        }
        // An entry of before the migration: its stored words, as they are.
        #expect(
            French.auditDetails(
                "validate", details: "issued as FA-2026-000001 on 2026-10-31, due 2026-11-30", parameters: nil)
                == "issued as FA-2026-000001 on 2026-10-31, due 2026-11-30")
    }
}
