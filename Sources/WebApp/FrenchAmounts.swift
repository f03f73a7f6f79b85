import BillingModel

extension French {
    /// A document refused for its amounts, in French, with the setting to change when it is a limit.
    static func amountRefusal(_ r: AmountRefusal) -> String {
        func euros(_ m: Money) -> String { m.french + " €" }
        switch r.reason {
        case .lineAboveLimit(let line, let net, let limit):
            return
                "Ligne \(line) : \(euros(net)) HT dépasse le plafond de \(euros(limit)) HT par ligne (réglages, `limits: max_line_ht`)."
        case .documentAboveLimit(let ttc, let limit):
            return
                "Le document ferait \(euros(ttc)) TTC, au-delà du plafond de \(euros(limit)) TTC par document (réglages, `limits: max_document_ttc`)."
        case .negativeInvoice(let ttc):
            return "Le total d'une facture ne peut pas être négatif (\(euros(ttc)) TTC) : faites un avoir."
        case .negativeCreditNote(let ttc):
            return "Le total d'un avoir ne peut pas être négatif (\(euros(ttc)) TTC) : faites une facture."
        case .negativeCreditLine(let line, let net):
            return "Ligne \(line) : les lignes d'un avoir sont des montants positifs (\(euros(net)) HT)."
        case .overflow:
            return "Un montant du document est hors de toute limite : vérifiez les quantités et les prix."
        case .quantityAboveLimit(let line, let quantity):
            return
                "Ligne \(line) : la quantité \(quantity) dépasse \(count(AmountLimits.maxQuantity)) (6 chiffres au plus)."
        case .unitPriceAboveLimit(let line, let price):
            return
                "Ligne \(line) : le prix unitaire \(price.replacingOccurrences(of: ".", with: ",")) € dépasse \(AmountLimits.maxUnitPrice.french) € (7 chiffres avant la virgule au plus)."
        }
    }
}
