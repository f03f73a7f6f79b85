import BillingModel
import Foundation
import Ledger

/// The French wording of the audit log's actions, worded from their parameters, and of numbers and
/// times (the lines' explanations: `FrenchLineFacts.swift`, from their facts). Nothing here reads English.
enum French {
    // MARK: audit actions

    /// Every action the code writes in the audit log (`audit(actor:action:…)`, `appendAudit`); a test checks none is missing.
    static let auditActions: [String: String] = [
        "generate": "génération", "validate": "validation", "edit": "modification", "discard": "écartée",
        "credit": "avoir", "manual": "saisie manuelle", "store": "documents archivés", "settle": "soldé",
        "sign in": "connexion", "bill-unended-period": "facturation d'une période non terminée",
        "post-missing-entries": "écritures manquantes passées", "outbox retry": "courriel relancé",
        "notice retry": "relance renvoyée", "reminders pause": "relances suspendues",
        "reminders resume": "relances reprises",
        "user add": "utilisateur créé", "user grant": "droit accordé", "user revoke": "droit retiré",
        "user scope": "clients autorisés modifiés", "user enable": "utilisateur réactivé",
        "user disable": "utilisateur désactivé",
        "user password": "mot de passe modifié", "user token": "jeton d'API créé",
        "payments import": "import de relevé bancaire",
        "payment match": "paiement rapproché", "payment unmatch": "rapprochement annulé", "close": "clôture du mois",
        "close-forced": "clôture forcée du mois", "acknowledge-unbilled": "non-facturé reconnu",
        "init": "registre créé", "adopt-seller": "vendeur du registre enregistré",
        "future-date": "date postérieure à aujourd'hui forcée",
        "bill-range-forced": "facturation forcée d'une plage de dates",
        "bill-missing-files-forced": "facturation forcée malgré des fichiers de caisse manquants",
        "validate-past-limits": "validation au-delà des plafonds",
        "line-basis": "base de calcul des lignes enregistrée",
        "line-facts": "faits des explications des lignes enregistrés",
        "platform submit": "transmission à la plateforme", "platform queue": "document confié à la plateforme",
        "platform retry": "transmission à la plateforme relancée",
        "platform poll": "statuts lus sur la plateforme", "ereporting queue": "e-reporting préparé"
    ]

    /// The French name of an audit action; an action unknown here is shown as stored.
    static func auditAction(_ action: String) -> String { auditActions[action] ?? action }

    /// An audit entry's details in French, worded from its action and parameters ("v16 audit
    /// parameters"); a person's reason is kept as typed. An entry written before the migration (no
    /// parameters: the log is append-only and chained, never rewritten) is shown as it was stored.
    static func auditDetails(_ action: String, details: String, parameters: String?) -> String {
        guard let p = parameters.flatMap(AuditParameters.init(json:)) else { return details }
        return auditDetails(action, p)
    }

    static func auditDetails(_ action: String, _ p: AuditParameters) -> String {
        let t = { (k: String) in p.text(k) ?? "" }
        func day(_ k: String) -> String { p.day(k)?.french ?? t(k) }
        func money(_ k: String) -> String { (p.money(k) ?? .zero).french }
        func because(_ k: String = "reason") -> String { p.text(k).map { " : \($0)" } ?? "" }
        let order = "commande \(t("order")) révision \(p.integer("revision").map(String.init) ?? "?")"
        switch action {
        case "generate":
            let kind = t("type") == "credit_note" ? "avoir" : "facture"
            let origin = [
                "contract": "contrat", "events": "événement", "correction": "correction", "manual": "saisie manuelle"
            ][t("origin")]
            let period = t("start") == t("end") ? "le \(day("start"))" : "du \(day("start")) au \(day("end"))"
            let lines = Int(p.integer("lines") ?? 0)
            return
                "\(kind)\(origin.map { " (\($0))" } ?? "") pour \(t("client"))\(p.text("payer").map { ", payée par \($0)" } ?? ""), "
                + "\(period), \(count(lines, "ligne", "lignes")), \(money("ttc")) TTC"
        case "validate":
            return "émise sous le numéro \(t("number")) le \(day("issued")), échéance le \(day("due"))"
        case "discard":
            switch p.text("cause") {
            case "regenerated": return "remplacée par une nouvelle génération"
            case "vanished": return "générée à nouveau : la période ne facture plus rien sous cette clé"
            case "superseded": return "remplacée par la \(order)"
            default: return t("reason")
            }
        case "edit":
            return "\(t("reason")) (lignes \(p.integer("lines_before") ?? 0) → \(p.integer("lines_after") ?? 0), "
                + "total TTC \(money("ttc_before")) → \(money("ttc_after")))"
        case "credit": return "avoir sur \(t("credited"))\(because())"
        case "manual": return t("reason")
        case "store":
            return
                "émise avant l'archivage des documents : PDF et XML produits maintenant, avec les paramètres du jour, et chaînés"
        case "settle":
            switch p.text("cause") {
            case "cancelled-before-invoiced": return "\(order) : annulée avant d'être facturée"
            case "same-lines":
                return
                    "\(order) : mêmes lignes que la révision \(p.integer("same_as") ?? 0) (un nouveau numéro de bon de commande ne facture rien)"
            case "same-amounts": return "\(order) : facture les mêmes montants que ce qui a été émis"
            case "late-revenue-unchanged":
                return
                    "revenus tardifs de \(t("client")) sur \(count(Int(p.integer("site_days") ?? 0), "jour-site", "jours-site")) : "
                    + "aucun montant ne change, aucun document"
            default: return order
            }
        case "sign in": return "session web ouverte"
        case "bill-unended-period":
            return "période du \(day("start")) au \(day("end")) facturée le \(day("today")), avant sa fin\(because())"
        case "future-date": return "\(t("command")) à la date du \(day("day")), le \(day("today"))\(because())"
        case "bill-range-forced":
            return
                "du \(day("start")) au \(day("end")), \(count(Int(p.integer("problems") ?? 0), "anomalie", "anomalies")) passée\((p.integer("problems") ?? 0) > 1 ? "s" : "") outre\(because())"
        case "bill-missing-files-forced":
            return
                "du \(day("start")) au \(day("end")) : \(count(Int(p.integer("clients") ?? 0), "client facturé", "clients facturés")) "
                + "sans les fichiers de caisse attendus\(because())"
        case "validate-past-limits": return "\(t("number")) émise au-delà des plafonds\(because())"
        case "post-missing-entries":
            return
                "\(count(Int(p.integer("documents") ?? 0), "document émis passé", "documents émis passés")) au journal des ventes"
        case "outbox retry":
            return "courriel \(p.integer("message") ?? 0) de \(t("number")) renvoyé maintenant, à \(t("to"))"
                + (p.text("last_error").map { " ; erreur précédente : \($0)" } ?? "")
        case "notice retry":
            return
                "relance \(p.integer("notice") ?? 0) (\(t("key"))) renvoyée maintenant, à \((p.list("to") ?? []).joined(separator: ", "))"
        case "reminders pause": return "\(t("target"))\(because())"
        case "reminders resume": return t("target")
        case "user add": return "\(t("login")) (\(t("name")))\(p.flag("admin") ? ", administrateur" : "")"
        case "user grant", "user revoke":
            return "\(t("login")) \(t("feature"))\(p.text("level").map { " \($0)" } ?? "")"
        case "user scope":
            return "\(t("login")) : \(p.list("clients").map { $0.joined(separator: ", ") } ?? "tous les clients")"
        case "user enable", "user disable", "user password", "user token": return t("login")
        case "payments import":
            return
                "\(t("file")) : \(count(Int(p.integer("new") ?? 0), "nouveau", "nouveaux")), \(p.integer("already") ?? 0) déjà importé\((p.integer("already") ?? 0) > 1 ? "s" : "")"
        case "payment match":
            let documents = zip(p.list("documents") ?? [], p.list("amounts") ?? []).map {
                "\($0) \(Money(cents: Int64($1) ?? 0).french) €"
            }
            return
                "paiement \(p.integer("payment") ?? 0) (\(t("reference")), \(money("amount")) €) : \(documents.joined(separator: ", "))"
        case "payment unmatch":
            return
                "paiement \(p.integer("payment") ?? 0) : \(count(Int(p.integer("removed") ?? 0), "rapprochement annulé", "rapprochements annulés"))"
        case "close", "close-forced":
            let numbers = zip(zip(p.list("first") ?? [], p.list("last") ?? []), p.list("counts") ?? []).map {
                "\($0.0)…\($0.1) (\($1))"
            }
            return "\(t("month")) clos\(p.text("reason").map { " malgré des contrôles en échec : \($0)" } ?? "")"
                + (numbers.isEmpty ? "" : " ; \(numbers.joined(separator: ", "))")
                + (p.integer("ht") == nil ? "" : " ; \(money("ht")) € HT, \(money("vat")) € de TVA")
        case "acknowledge-unbilled":
            return
                "\(t("month")) : \(count(Int(p.integer("items") ?? 0), "élément non facturé reconnu", "éléments non facturés reconnus"))\(because())"
        case "init": return "registre créé pour le SIREN \(t("siren")), séries \(t("series"))"
        case "adopt-seller":
            return
                "registre créé avant l'enregistrement de son vendeur : SIREN \(t("siren")) des paramètres adopté, séries \(t("series"))"
        case "platform queue": return "\(t("number")) à transmettre à la plateforme"
        case "platform submit":
            return "\(count(Int(p.integer("queued") ?? 0), "document confié", "documents confiés")), "
                + "\(count(Int(p.integer("submitted") ?? 0), "transmis", "transmis")), \(count(Int(p.integer("retrying") ?? 0), "à relancer", "à relancer")), "
                + "\(count(Int(p.integer("failed") ?? 0), "en échec", "en échec"))"
                + (p.text("stopped").map { " ; arrêt : \($0)" } ?? "")
        case "platform retry":
            return "flux \(p.integer("flow") ?? 0) (\(t("tracking"))) de \(t("number")) à transmettre de nouveau"
                + (p.text("error").map { " ; erreur précédente : \($0)" } ?? "")
        case "platform poll":
            return
                "\(count(Int(p.integer("flows") ?? 0), "flux lu", "flux lus")), \(count(Int(p.integer("statuses") ?? 0), "statut", "statuts")) enregistrés"
                + ((p.integer("unreadable") ?? 0) > 0
                    ? ", \(count(Int(p.integer("unreadable") ?? 0), "message incompris", "messages incompris"))" : "")
        case "ereporting queue":
            return
                "e-reporting de la période \(t("period")) : \(count(Int(p.integer("rows") ?? 0), "ligne", "lignes")), \(money("ttc")) TTC"
        case "line-facts":
            let unknown = p.list("unknown") ?? []
            return "faits enregistrés pour \(count(Int(p.integer("filled") ?? 0), "ligne", "lignes"))"
                + (unknown.isEmpty
                    ? ""
                    : " ; explication illisible, gardée en anglais, pour \(count(unknown.count, "ligne", "lignes")) : \(unknown.joined(separator: ", "))")
        case "line-basis":
            let unknown = p.list("unknown") ?? []
            return "base de calcul enregistrée pour \(count(Int(p.integer("filled") ?? 0), "ligne", "lignes"))"
                + (unknown.isEmpty
                    ? ""
                    : " ; inconnue pour \(count(unknown.count, "ligne", "lignes")) : \(unknown.joined(separator: ", "))")
        default: break
        }
        // An action without wording here: its fields, named.
        return p.fields.keys.sorted().map { k in
            switch p.fields[k] {
            case .text(let v)?: "\(k) \(v)"
            case .integer(let v)?: "\(k) \(v)"
            case .list(let v)?: "\(k) \(v.joined(separator: ", "))"
            case nil: k
            }
        }.joined(separator: ", ")
    }

    // MARK: numbers

    /// `1234567` → `1 234 567` (narrow no-break spaces, as `Money.french`).
    static func group(_ digits: String) -> String {
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append("\u{202F}") }
            out.append(c)
        }
        return out
    }

    /// A ledger timestamp (`2026-12-04T09:41:19Z`, UTC) as Paris local time: `04/12/2026 10:41:19`.
    /// Anything else is shown as stored.
    static func timestamp(_ text: String) -> String {
        let iso = ISO8601DateFormatter()
        guard let date = iso.date(from: text), let paris = TimeZone(identifier: "Europe/Paris") else { return text }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { String(format: "%02d", v ?? 0) }
        return "\(two(c.day))/\(two(c.month))/\(c.year ?? 0) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    /// An ISO day (`2026-10-31`) as `31/10/2026`; anything else as stored.
    static func date(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        return p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : iso
    }

    /// French for an integer count: `1 234`.
    static func count(_ n: Int) -> String { (n < 0 ? "-" : "") + group(String(n.magnitude)) }

    /// `n` and its noun, singular for 0 and 1 as French has it: `1 couvert`, `0 couvert`, `12 couverts`.
    static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
        "\(count(n)) \(abs(n) <= 1 ? singular : plural)"
    }
}
