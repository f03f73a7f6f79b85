import BillingModel
import Ledger

/// A document line's explanation in French, worded from the facts the engine
/// stored with the line ("v18 line facts"), never from its English words. A
/// person's words (the reason of an edit, a credit note or a typed-in line) are
/// kept as typed.
extension French {
    /// The explanation of `line`; a line stored before "v18 line facts" whose explanation the migration could
    /// not read shows its stored English, said to be so.
    static func explanation(_ line: InvoiceLine) -> String {
        guard let facts = line.facts else {
            return line.explanation.isEmpty ? "" : "explication enregistrée en anglais : « \(line.explanation) »"
        }
        return explanation(facts)
    }

    static func explanation(_ facts: LineFacts) -> String {
        var out = computation(facts.computation)
        if !out.isEmpty, let sites = facts.sites {
            out +=
                sites.count == 1
                ? " (seulement au site \(sites[0]))" : " (seulement aux sites \(sites.joined(separator: ", ")))"
        }
        for e in facts.edits { out += (out.isEmpty ? "" : " ; ") + "modifié par \(e.by) : \(e.reason)" }
        return out
    }

    static func computation(_ c: LineFacts.Computation) -> String {
        func n(_ i: Int) -> String { count(i) }
        func rate(_ r: Percentage) -> String { "\(r.french) %" }
        func tally(_ t: LineFacts.Tally?, _ nothing: String) -> String {
            t.map { "\(n($0.quantity)) pour \($0.net.french)" } ?? nothing
        }
        func revised(_ r: LineFacts.Revision?) -> String {
            r.map {
                " (révisé le \($0.on.french) : \($0.base.french) × (\($0.fixedPart.french) + \($0.indexedPart.french) × \($0.index.french) / \($0.baseIndex.french)) = \($0.price.french))"
            } ?? ""
        }
        func prorata(_ p: LineFacts.Prorata) -> String { "au prorata de \(p.days)/\(p.of) jours" }
        switch c {
        case let .subsidyPerCover(covers, category, price, includesVAT, vat, net):
            return includesVAT
                ? "\(n(covers)) couverts de la catégorie \(category) × \(price.french) TTC / (1 + \(rate(vat))) = \(net.french) HT"
                : "\(n(covers)) couverts de la catégorie \(category) × \(price.french) HT = \(net.french)"
        case let .subsidyCappedByTray(covers, category, cap, capped, vat, net):
            return
                "\(n(covers)) couverts de la catégorie \(category), chacun min(\(cap.french) TTC ; plateau TTC), somme \(capped.french) TTC"
                + " / (1 + \(rate(vat))) = \(net.french) HT"
        case let .subsidyAsRecorded(ttc, vat, net, apart):
            return
                "part patronale enregistrée par les caisses \(ttc.french) TTC / (1 + \(rate(vat))) = \(net.french) HT"
                + (apart ? ", invités facturés à part" : "")
        case let .guestMeals(tickets, ttc, vat, net):
            return "\(n(tickets)) tickets invités, \(ttc.french) TTC / (1 + \(rate(vat))) = \(net.french) HT"
        case let .admissionFee(covers, unit, includesVAT, vat, net, share, revision):
            let detail =
                (share.map {
                    ", le client paie \(rate($0.percent)) : \($0.fullPrice.french) × \(rate($0.percent)) = \(unit.french)"
                } ?? "")
                + revised(revision)
            return includesVAT
                ? "\(n(covers)) couverts × \(unit.french) TTC / (1 + \(rate(vat))) = \(net.french) HT\(detail)"
                : "\(n(covers)) couverts (invités compris) × \(unit.french) HT = \(net.french)\(detail)"
        case let .cafeteriaParticipation(pct, ttc, vat, net):
            return
                "\(rate(pct)) des tickets de cafétéria des badgés \(ttc.french) TTC / (1 + \(rate(vat))) = \(net.french) HT"
        case let .flatFee(full, per, timing, p, net, revision):
            let cadence = per == .month ? "par mois" : "par trimestre"
            let when = timing == .inArrears ? "à terme échu" : "à échoir"
            return
                "\(full.french) HT \(cadence), \(when)\(p.map { ", " + prorata($0) } ?? "") = \(net.french)\(revised(revision))"
        case let .floorFee(floor, p, perCover, covers, variable, billed):
            return
                "max(\(floor.french)\(p.map { " (plancher " + prorata($0) + ")" } ?? "") ; \(perCover.french) × \(n(covers)) couverts = \(variable.french))"
                + " = \(billed.french)"
        case let .graduatedFee(covers, inBand, band, price, net):
            return
                "tranches progressives : \(n(covers)) couverts, dont \(n(inBand)) dans la tranche \(bandName(band, graduated: true))"
                + " × \(price.french) = \(net.french)"
        case let .volumeFee(covers, band, price, net):
            return
                "tarif au volume : \(n(covers)) couverts atteignent la tranche \(bandName(band, graduated: false)), tous à \(price.french) = \(net.french)"
        case let .minimumGuarantee(shortDays, openDays, threshold, site, missing, price, net, revision):
            return "\(n(shortDays)) jours d'ouverture sur \(n(openDays)) sous \(n(threshold)) couverts à \(site) : "
                + "\(n(missing)) couverts manquants × \(price.french) = \(net.french)\(revised(revision))"
        case let .orderLine(order, revision, quantity, unit, discount, net):
            return "commande \(order) révision \(revision) : \(n(quantity)) × \(unit.french)"
                + (discount.map { ", remise \(rate($0.percent)) : \($0.gross.french) → \(unit.french)" } ?? "")
                + " = \(net.french)"
        case let .deliveryFee(order, orderHT, under, fee):
            return
                "commande \(order) : \(orderHT.french) HT après remise, moins de \(under.french) : frais de livraison \(fee.french)"
        case let .orderCredit(order, cancelled, revision, quantity, unit, net):
            return
                "commande \(order) \(cancelled ? "annulée" : "modifiée") (révision \(revision)) : avoir de \(n(quantity)) × \(unit.french)"
                + " = \(net.french) facturés auparavant"
        case let .orderDifference(order, revision, billed, now):
            return "commande \(order) révision \(revision) : "
                + (billed.map { "facturé \(n($0.quantity)) pour \($0.net.french)" } ?? "rien facturé")
                + ", " + (now.map { "maintenant \(n($0.quantity)) pour \($0.net.french)" } ?? "maintenant rien")
        case let .lateRevenue(period, invoiced, now):
            return "revenus tardifs de \(period.frenchName), valorisés selon le contrat actuel : "
                + (invoiced.map { "facturé \(tally($0, "")) sur les revenus facturés" }
                    ?? "rien facturé sur les revenus facturés")
                + ", \(tally(now, "rien")) sur les revenus actuels"
        case let .credit(line, number, issued, reason):
            return "avoir sur la ligne \(line) de \(number) du \(issued.french) : \(reason)"
        case let .typedIn(reason): return "saisie manuelle : \(reason)"
        case let .added(by, reason): return "ajoutée par \(by) : \(reason)"
        case .notRecorded: return ""
        }
    }

    /// A tiered fee's band: `de 2 001 à 4 000 couverts`, `jusqu'à 4 000 couverts`, `au-delà de 4 000 couverts`.
    static func bandName(_ b: LineFacts.Band, graduated: Bool) -> String {
        guard let upTo = b.upTo else { return "au-delà de \(count(b.from)) couverts" }
        return graduated ? "de \(count(b.from + 1)) à \(count(upTo)) couverts" : "jusqu'à \(count(upTo)) couverts"
    }
}
