import BillingEngine
import BillingModel
import Foundation
import HTTPTypes
import Ledger
import Workspace

/// The engine's and the ledger's refusals in French, worded from their facts
/// (never from the CLI's English, never with a command line), and the HTTP
/// status each deserves: 404 for what does not exist, 409 for a conflict with
/// a document's or a month's state, 422 for what was typed.
extension French {
    static func status(_ e: InvoiceError) -> HTTPResponse.Status {
        switch e.kind {
        case .notFound: .notFound
        case .conflict: .conflict
        case .refused: .unprocessableContent
        }
    }

    static func status(_ e: ClosingError) -> HTTPResponse.Status {
        switch e {
        case .notEnded: .unprocessableContent
        case .alreadyClosed: .conflict
        }
    }

    /// `2026-10` → `octobre 2026` (as typed when it is not a month).
    static func month(_ code: String) -> String { Period(parsing: code)?.frenchName ?? code }

    /// `de novembre 2026`, `d'octobre 2026`: the month after « de », elided before a vowel.
    static func ofMonth(_ code: String) -> String {
        let name = month(code)
        return name.first.map { "aeiouéâ".contains($0) } == true ? "d'\(name)" : "de \(name)"
    }

    static func document(_ k: DocumentKind) -> String { k == .creditNote ? "l'avoir" : "la facture" }

    static func refusal(_ e: InvoiceError) -> String {
        func euros(_ m: Money) -> String { m.french + " €" }
        switch e {
        case .noInvoice(let text): return "Aucun document « \(text) »."
        case .noLine(let document, let line, let lines):
            return "\(document) n'a pas de ligne \(line) (lignes 1 à \(lines))."
        case .notProforma(let id, let status, let number, let action):
            let state = status == .issued ? "est émis\(number.map { " sous le numéro \($0)" } ?? "")" : "est écarté"
            switch action {
            case .validate: return "Ce document \(state) : seule une proforma peut être validée (document \(id))."
            case .discard: return "Ce document \(state) : seule une proforma peut être écartée (document \(id))."
            case .edit:
                return "Ce document \(state) : un document émis ne change jamais ; faites un avoir (document \(id))."
            }
        case .monthClosed(let month, let day, let what):
            guard let day, let what else { return "Le mois \(ofMonth(month)) est clôturé : rien ne peut y être émis." }
            return
                "Le mois \(ofMonth(month)) est clôturé : \(what == .creditNote ? "un avoir" : "un document") daté du \(day.french) ne peut pas être fait."
        case .revenueCorrected(let id, let n):
            return
                "Les revenus de la proforma \(id) ont été corrigés depuis sa génération (\(count(n, "jour-site", "jours-site"))) : générez-la à nouveau."
        case .orderChanged(let order, let id, let priced, let now, let origin, _, _):
            return
                "La commande \(order) a changé depuis la génération de la proforma \(id) (révision \(priced), maintenant \(now)) : "
                + (origin == .contract
                    ? "générez à nouveau la période de ce client."
                    : "la facturation quotidienne des événements la remplace.")
        case .datedBeforeLast(let kind, let id, _, let day, let series, let last, let lastDate):
            let what = id.map { "la proforma \($0)" } ?? (kind == .creditNote ? "un avoir" : "une facture")
            return
                "Impossible d'émettre \(what) le \(day.french) : le dernier document de la série\(series.map { " \($0)" } ?? ""), \(last), "
                + "est daté du \(date(lastDate)) et les numéros suivent les dates ; émettez-le à partir du \(date(lastDate))."
        case .proformasPending(let n, let month):
            return
                "\(count(n, "proforma", "proformas")) \(ofMonth(month)) \(n > 1 ? "attendent" : "attend") : validez-les ou écartez-les d'abord."
        case .creditOfNotIssued(let number, let status):
            return
                "\(number) est \(status == .proforma ? "une proforma" : "écarté") : seule une facture émise peut recevoir un avoir (une proforma se modifie ou s'écarte)."
        case .creditOfCreditNote(let number):
            return "\(number) est un avoir : seule une facture peut recevoir un avoir."
        case .lineCreditedInFull(let line, let number):
            return "La ligne \(line) de \(number) a déjà reçu un avoir pour la totalité."
        case .lineCreditTooMuch(let line, let number, let left, let of, let asked):
            return
                "La ligne \(line) de \(number) n'a plus que \(euros(left)) HT à créditer (sur \(euros(of))) : \(euros(asked)), c'est trop."
        case .creditTooMuch(let number, let total, let credited, let waiting, let asked):
            return "\(number) fait \(euros(total)) HT et les avoirs en créditent déjà \(euros(credited))"
                + (waiting.map { " (dont \(euros($0)) en attente)" } ?? "")
                + " : \(euros(asked)) HT de plus, c'est trop."
        case .reasonRequired: return "Un avoir a besoin d'un motif."
        case .lineNotPositive(let line, let number):
            return "La ligne \(line) de \(number) n'est pas un montant positif : elle ne peut pas recevoir d'avoir."
        case .creditAmountNotPositive(let line): return "Le montant à créditer sur la ligne \(line) doit être positif."
        case .unknownClient(let code): return "Aucun client « \(code) » dans les réglages."
        case .notAPayer(let payer, let client): return "« \(payer) » n'est pas un payeur de \(client)."
        case .noLines: return "Un document a au moins une ligne."
        case .notFrenchRate(let label, let rate):
            return
                "Ligne « \(label) » : \(rate.french) % n'est pas un taux de TVA français (\(VATRate.frenchRates.map(\.french).joined(separator: " ; ")))."
        case .creditNamesNoInvoice: return "Un avoir indique la facture qu'il crédite."
        case .notAnIssuedInvoice(let ref): return "« \(ref) » n'est pas une facture émise."
        case .invoiceOfAnotherClient(let number, let client, let expected):
            return "\(number) est une facture de \(client), pas de \(expected)."
        case .doesNotAddUp(let kind, let client, _, _):
            return
                "Les montants de \(document(kind)) de \(client) dépassent toute limite : vérifiez les quantités et les prix."
        case .lastLine: return "Un document garde au moins une ligne : écartez-le plutôt."
        case .noNumberSeries(let code): return "Aucune série de numéros « \(code) » : vérifiez les réglages."
        case .lineText(let text, let problem):
            let why: String
            switch problem {
            case .fieldCount(let n): why = "il faut 4 champs « libellé|quantité|prix unitaire HT|TVA % » (\(n) trouvés)"
            case .emptyLabel: why = "le libellé est vide"
            case .quantityNotWhole(let s): why = "la quantité « \(s) » n'est pas un nombre entier positif"
            case .quantityPastBound(let s):
                why = "la quantité « \(s) » dépasse \(count(AmountLimits.maxQuantity)) (6 chiffres au plus)"
            case .unitPriceNotAmount(let s):
                why = "le prix unitaire « \(s) » n'est pas un montant comme 150,00 (4 décimales au plus)"
            case .unitPricePastBound(let s):
                why =
                    "le prix unitaire « \(s) » dépasse \(AmountLimits.maxUnitPrice.french) € (7 chiffres avant la virgule au plus)"
            case .notFrenchRate(let s):
                why =
                    "« \(s) » n'est pas un taux de TVA français (\(VATRate.frenchRates.map(\.french).joined(separator: " ; ")))"
            case .overflow: why = "le montant de la ligne dépasse toute limite"
            }
            return "« \(text) » : \(why)."
        case .noReceivableAccount(let document, let proforma, _, let customer):
            return
                "\(document ?? "La proforma \(proforma)") ne peut pas être passée en comptabilité : le client « \(customer) » n'a pas de compte client dans les réglages."
        case .discardedHasNoDocument(let id): return "Le document \(id) a été écarté : il n'a ni PDF ni XML."
        case .proformaHasNoEInvoice:
            return "Une proforma n'est pas une facture : elle n'a pas de facture électronique (XML), seulement un PDF."
        case .noPayment(let id): return "Aucun paiement \(id)."
        case .paymentFullyAllocated(let id):
            return "Le paiement \(id) est entièrement rapproché : annulez d'abord un rapprochement."
        case .owesNothing(let number): return "\(number) ne doit plus rien."
        case .documentFile(let document, let problem):
            switch problem {
            case .creditNamesNoIssuedInvoice:
                return
                    "L'avoir \(document) ne renvoie à aucune facture émise : un avoir indique toujours la facture qu'il crédite."
            case .linesDoNotAddUp:
                return "Les lignes de \(document) dépassent toute limite : le document ne peut pas être mis en page."
            case .totalsDiffer(let lines, let ledger):
                return
                    "Les lignes de \(document) font \(euros(lines)) TTC mais le registre indique \(euros(ledger)) : le document n'est pas produit ; signalez-le à l'administrateur."
            case .payerNotInSettings(let code):
                return
                    "Le payeur « \(code) » de \(document) n'est plus dans les réglages : le document ne peut pas être produit."
            case .clientNotInSettings(let code):
                return
                    "Le client « \(code) » de \(document) n'est plus dans les réglages : le document ne peut pas être produit."
            case .cannotRender:
                return "\(document) n'a pas pu être mis en page (PDF ou XML) : signalez-le à l'administrateur."
            case .noEInvoice: return "\(document) n'a pas de facture électronique (XML) à conserver."
            }
        case .notIssued(let document, let action):
            switch action {
            case .send: return "\(document) n'est pas émis : rien à envoyer."
            case .submit: return "\(document) n'est pas émis : rien à déposer sur la plateforme."
            case .lifeCycle: return "La facture de \(document) n'est pas émise : aucun statut à transmettre."
            }
        case .malformedStoredValue(let document, let field, let value):
            return
                "\(document) : le registre contient « \(value) » pour \(field == "payment terms" ? "ses conditions de paiement" : field), une valeur illisible ; rien n'a été fait. Signalez-le à l'administrateur."
        case .notIssuedByArdoise(let document, let series):
            return
                "\(document) (série \(series)) n'a pas été émis par Ardoise (aucune validation au journal d'audit) : il n'est ni conservé ni chaîné ; signalez-le au commissaire aux comptes."
        case .cannotPost(let document, let problem):
            switch problem {
            case .noVATAccount(let rate):
                let rateText = Percentage(rate).map(\.french) ?? rate
                return
                    "\(document) ne peut pas être passé en comptabilité : aucun compte de TVA collectée pour \(rateText) % dans les réglages."
            case .noPendingVATAccount(let rate):
                let rateText = Percentage(rate).map(\.french) ?? rate
                return
                    "\(document) ne peut pas être passé en comptabilité : aucun compte de TVA en attente (TVA sur les encaissements) pour \(rateText) % dans les réglages."
            case .unbalanced(let debit, let credit):
                return
                    "\(document) ne peut pas être passé en comptabilité : l'écriture n'est pas équilibrée (débit \(euros(debit)), crédit \(euros(credit)))."
            }
        case .unknownReminderTarget(let target):
            return "« \(target) » n'est ni un client, ni un payeur, ni un numéro de facture."
        case .remindersAlreadyPaused(let target): return "Les relances de \(target) sont déjà suspendues."
        case .remindersNotPaused(let target): return "Les relances de \(target) ne sont pas suspendues."
        case .noNotice(let id): return "Aucune relance \(id)."
        case .noticeFinal(let id, let status):
            return
                "La relance \(id) est \(status == "sent" ? "envoyée" : status == "cancelled" ? "annulée" : "close") : elle ne se relance plus."
        case .noOutboxMessage(let id): return "Aucun courriel \(id)."
        case .messageSent(let id, let number, let at):
            return
                "Le courriel \(id) de \(number) est parti\(at.map { " le \(timestamp($0))" } ?? "") : un courriel envoyé ne se relance pas."
        case .noIssuedDocument(let number): return "Aucun document émis « \(number) »."
        case .noPlatformFlow(let id): return "Aucun dépôt sur la plateforme \(id)."
        case .flowSubmitted(let id, let number, let at, _):
            return
                "Le dépôt \(id) de \(number) a été fait\(at.map { " le \(timestamp($0))" } ?? "") : un dépôt fait ne se refait pas."
        case .noReportFile:
            return
                "Une erreur interne est survenue (un e-reporting a demandé le fichier d'un document) ; rien n'a été déposé."
        case .noLineNamed(let id, let line, let lines):
            return "La proforma \(id) n'a pas de ligne « \(line) » (lignes 1 à \(lines))."
        }
    }

    static func refusal(_ e: IssueRefusal) -> String {
        switch e.reason {
        case .rateNotPostable(let line, let label, let rate, let known):
            return
                "Proforma \(e.proforma), ligne \(line) « \(label) » : le taux de TVA de \(rate.french) % n'est pas un taux des réglages "
                + "(\(known.map(\.french).joined(separator: " ; "))) : corrigez la source (la commande, le contrat) et facturez à nouveau, ou écartez-la."
        case .amounts(let refusal):
            return "Proforma \(e.proforma) : \(amountRefusal(refusal))"
                + (e.forceable ? " Si le montant est juste, la validation au-delà des plafonds demande un motif." : "")
        case .periodicDueTooLate(let period, _, let issued, let due):
            return
                "Proforma \(e.proforma) : facture périodique (du \(period.start.french) au \(period.end.french)) qui, émise le \(issued.french), "
                + "serait échue le \(due.french), \(due.ordinal - issued.ordinal) jours plus tard : la loi en permet 45 au plus "
                + "(Code de commerce, L441-10 II). Corrigez les conditions de paiement du contrat, facturez à nouveau et écartez cette proforma."
        }
    }

    /// The workspace's failures the web app meets, worded from their facts (the others are logged, never shown).
    static func refusal(_ e: WorkspaceError) -> String {
        switch e.reason {
        case .contractsHaveErrors(let files):
            return
                "Des contrats ont des erreurs (\(files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))) : "
                + "rien n'est fait sur les documents tant qu'ils ne sont pas corrigés (écran Clients)."
        case .fecCharacter(let line, let column, let character):
            return
                "Le FEC s'écrit en ISO 8859-15, qui n'a pas le caractère « \(character) » (ligne \(line), colonne \(column)) : "
                + "corrigez le libellé à sa source (réglages ou document) ; rien n'a été exporté."
        case nil: return "L'opération n'a pas pu être faite."
        }
    }

    static func status(_ e: UserError) -> HTTPResponse.Status {
        switch e {
        case .unknownUser: .notFound
        case .duplicate, .lastAdministrator: .conflict
        }
    }

    static func refusal(_ e: UserError) -> String {
        switch e {
        case .unknownUser(let login): return "Aucun utilisateur « \(login) »."
        case .duplicate(let login): return "Un utilisateur « \(login) » existe déjà."
        case .lastAdministrator(let login):
            return "« \(login) » est le dernier administrateur actif : il ne peut pas être désactivé."
        }
    }

    static func refusal(_ e: ClosingError) -> String {
        switch e {
        case .notEnded(let m, let today):
            return "Le mois \(ofMonth(m)) n'est pas terminé le \(today.french) : un mois se clôture une fois fini."
        case .alreadyClosed(let m):
            return "Le mois \(ofMonth(m)) est déjà clôturé (un mois clôturé ne se rouvre jamais)."
        }
    }
}
