import BillingModel
import Foundation

/// The reasons of `report unbilled` and the details of the closing checks, written in English by
/// the engine (the CLI prints them as they are), in French on the pages, where a command line becomes the screen's button. Each form the engine
/// writes has its pattern here; text of another form is shown as written.
extension French {
    /// Reasons revenue is not billed (ContractLanguage's compiler and BillingEngine's Unbilled).
    static let unbilledReasons: [(String, String)] = [
        (#"^outside the contract's validity$"#, "hors de la période de validité du contrat"),
        (#"^guest tickets, no guest term$"#, "tickets d'invités, aucune clause d'invités"),
        (#"^employer share of a category no subsidy term prices$"#, "part patronale d'une catégorie qu'aucune clause de subvention ne tarife"),
        (#"^delivered order (\S+) with no events term$"#, "commande $1 livrée, aucune clause d'événements"),
        (#"^client known to no settings \((\d+) covers, employer share and guests\)$"#,
         "client inconnu des paramètres ($1 couverts, part patronale et invités)"),
        (#"^order (\S+) delivered (\d{4})-(\d{2})-(\d{2}): the client has no contract$"#, "commande $1 livrée le $4/$3/$2 : le client n'a pas de contrat"),
        (#"^order (\S+) delivered (\d{4})-(\d{2})-(\d{2}), not invoiced yet \(`ardoise bill --events`\)$"#,
         "commande $1 livrée le $4/$3/$2, pas encore facturée (Clôture : « Facturer les commandes livrées »)"),
        (#"^order (\S+) delivered (\d{4})-(\d{2})-(\d{2}), not invoiced yet: arrived after (\S+) of its month was issued \(`ardoise bill --events`\)$"#,
         "commande $1 livrée le $4/$3/$2, pas encore facturée : arrivée après l'émission de $5 de son mois (Clôture : « Facturer les commandes livrées »)"),
        (#"^order (\S+) delivered (\d{4})-(\d{2})-(\d{2}), not invoiced yet: no invoice of (\S+) carries it$"#,
         "commande $1 livrée le $4/$3/$2, pas encore facturée : aucune facture de $5 ne la porte"),
        (#"^order (\S+) changed \(revision (\d+)\) since it was invoiced, difference not billed yet$"#,
         "commande $1 modifiée (révision $2) depuis sa facturation, écart pas encore facturé"),
    ]

    static func unbilledReason(_ text: String) -> String { firstForm(unbilledReasons, text) }

    /// Details of the closing checks (BillingEngine's and the Ledger's closing).
    static let closingDetails: [(String, String)] = [
        (#"^proforma (\d+) of (\S+), (\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$"#, "proforma $1 de $2, du $5/$4/$3 au $8/$7/$6"),
        (#"^order (\S+) of (\S+), delivered (\d{4})-(\d{2})-(\d{2})$"#, "commande $1 de $2, livrée le $5/$4/$3"),
        (#"^series (\S+): (\d+) issued documents for (\d+) numbers given$"#, "série $1 : $2 documents émis pour $3 numéros attribués"),
        (#"^series (\S+): (\S+) where number (\d+) was expected$"#, "série $1 : $2 là où le numéro $3 était attendu"),
        (#"^series (\S+): (\S+) dated (\S+), before (\S+) dated (\S+)$"#, "série $1 : $2 daté du $3, avant $4 daté du $5"),
        (#"^(\S+) has no journal entry$"#, "$1 n'a pas d'écriture au journal"),
        (#"^the entry of (\S+) does not balance \(([-\d.]+)\)$"#, "l'écriture de $1 n'est pas équilibrée ($2)"),
        (#"^the entry of (\S+) debits the customer ([-\d.]+), the document is ([-\d.]+) TTC$"#,
         "l'écriture de $1 débite le client de $2, le document fait $3 TTC"),
        (#"^(\d+) entries of the month record no issued document$"#, "$1 écritures du mois ne portent aucun document émis"),
        (#"^(\S+): pending$"#, "$1 : en attente"),
        (#"^(\S+): failed$"#, "$1 : en échec"),
        (#"^(\S+): not queued$"#, "$1 : jamais confié à la plateforme agréée"),
        (#"^(\S+): rejected$"#, "$1 : rejeté par la plateforme agréée"),
        (#"^(\S+): refused$"#, "$1 : refusé par l'acheteur"),
        (#"^(\S+): balance ([-\d.]+), VAT of the unpaid part of issued service invoices ([-\d.]+)$"#,
         "compte $1 : solde $2, TVA de la part impayée des factures de services émises $3"),
    ]

    /// A closing detail in French; a revenue item (`CLIENT SITE CAT: AMOUNT TTC, reason`) gets its reason translated.
    static func closingDetail(_ text: String) -> String {
        if let m = match(#"^(\S+) (\S+) (\S+): ([-\d,.]+) TTC, (.*)$"#, text) {
            let category = m[3] == "-" ? "" : " \(m[3])"
            // The engine's `1,829.43` as the pages show amounts: `1 829,43 €`.
            let amount = Money(m[4].replacingOccurrences(of: ",", with: "")).map { "\($0.french) €" } ?? m[4]
            return "\(m[1]) \(m[2])\(category) : \(amount) TTC, \(unbilledReason(m[5]))"
        }
        return firstForm(closingDetails, text)
    }

    /// The first form that matches the whole text, rewritten; the text itself when none does.
    static func firstForm(_ forms: [(String, String)], _ text: String) -> String {
        for (pattern, template) in forms where match(pattern, text) != nil { return replace(pattern, template, in: text) }
        return text
    }
}
