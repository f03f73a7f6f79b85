import BillingEngine
import BillingModel
import ContractLanguage
import Foundation
import Ledger

/// The reasons of the unbilled report and the details of the closing checks in French, worded from the
/// engine's and the ledger's facts (the CLI words the same facts in English; nothing here reads its words).
/// What the CLI names as a command is the screen's button here.
extension French {
    /// Why revenue is not billed.
    static func unbilledReason(_ why: UnbilledReason) -> String {
        switch why {
        case .contract(.outsideValidity): return "hors de la période de validité du contrat"
        case .contract(.guestsWithoutTerm): return "tickets d'invités, aucune clause d'invités"
        case .contract(.categoryNotPriced):
            return "part patronale d'une catégorie qu'aucune clause de subvention ne tarife"
        case .contract(.orderWithoutEventsTerm(let order)):
            return "commande \(order) livrée, aucune clause d'événements"
        case .unknownClient(let covers):
            return "client inconnu des paramètres (\(count(covers, "couvert", "couverts")), part patronale et invités)"
        case .orderWithoutContract(let order, let delivered):
            return "commande \(order) livrée le \(delivered.french) : le client n'a pas de contrat"
        case .orderNotInvoiced(let order, let delivered, let wait):
            let base = "commande \(order) livrée le \(delivered.french), pas encore facturée"
            switch wait {
            case .daily: return base + " (Clôture : « Facturer les commandes livrées »)"
            case .arrivedAfter(let carrier):
                return base
                    + " : arrivée après l'émission de \(carrier ?? "la facture") de son mois (Clôture : « Facturer les commandes livrées »)"
            case .noInvoiceOf(let home):
                return base + " : aucune facture de sa période (\(home.frenchName)) ne la porte"
            }
        case .orderChanged(let order, let revision):
            return "commande \(order) modifiée (révision \(revision)) depuis sa facturation, écart pas encore facturé"
        }
    }

    /// `2026-10-01..2026-10-31` (a proforma's period as the ledger keeps it) as `du 01/10/2026 au 31/10/2026`.
    static func span(_ text: String) -> String {
        let days = text.components(separatedBy: "..")
        guard days.count == 2 else { return date(text) }
        return "du \(date(days[0])) au \(date(days[1]))"
    }

    /// What a closing check found, in French.
    static func closingDetail(_ d: ClosingDetail) -> String {
        switch d {
        case .proformaWaiting(let id, let client, let period): return "proforma \(id) de \(client), \(span(period))"
        case .unbilled(let i):
            return
                "\(i.client) \(i.site)\(i.category.map { " \($0)" } ?? "") : \(i.amountTTC.french) € TTC, \(unbilledReason(i.why))"
        case .lateRevenue(let client, let period):
            return "\(client) : revenus tardifs à régulariser (période \(period.frenchName))"
        case .evaluationFailed(let client, _):
            return "\(client) : le contrat n'a pas pu être évalué sur ce mois ; vérifiez-le (écran Clients)"
        case .orderNotInvoiced(let order, let client, let delivered):
            return "commande \(order) de \(client), livrée le \(delivered.french)"
        case .numbering(.countDiffers(let series, let issued, let given)):
            return
                "série \(series) : \(count(issued, "document émis", "documents émis")) pour \(count(given, "numéro attribué", "numéros attribués"))"
        case .numbering(.outOfSequence(let series, let number, let expected)):
            return "série \(series) : \(number) là où le numéro \(expected) était attendu"
        case .numbering(.datedBefore(let series, let number, let day, let previous, let previousDay)):
            return "série \(series) : \(number) daté du \(date(day)), avant \(previous) daté du \(date(previousDay))"
        case .entry(.noEntry(let number)): return "\(number) n'a pas d'écriture au journal"
        case .entry(.unbalanced(let number, let by)):
            return "l'écriture de \(number) n'est pas équilibrée (\(by.french) €)"
        case .entry(.customerDiffers(let number, let customer, let document)):
            return
                "l'écriture de \(number) débite le client de \(customer.french) €, le document fait \(document.french) € TTC"
        case .entry(.orphans(let n)):
            return "\(count(n, "écriture du mois ne porte", "écritures du mois ne portent")) aucun document émis"
        case .mailNotSent(let number, let failed): return "\(number) : \(failed ? "en échec" : "en attente")"
        case .pendingVAT(let account, let balance, let expected):
            return
                "compte \(account) : solde \(balance.french) €, TVA de la part impayée des factures de services émises \(expected.french) €"
        case .notOnPlatform(let number, let state):
            let french =
                switch state {
                case "not queued": "jamais confié à la plateforme agréée"
                case "pending": "en attente d'envoi à la plateforme agréée"
                case "failed": "envoi à la plateforme agréée en échec"
                case "rejected": "rejeté par la plateforme agréée"
                case "refused": "refusé par l'acheteur"
                default: "non remis à la plateforme agréée"
                }
            return "\(number) : \(french)"
        }
    }
}
