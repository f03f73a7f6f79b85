import Foundation

/// The French wording of what the engine and the ledger store in English: the
/// lines' explanations and the audit log's actions. The stored text stays as
/// written (the CLI, the documents and the ledger keep their English); the web
/// pages, in French for the accounting team, show it through here.
enum French {
    // MARK: audit actions

    /// Every action the code writes in the audit log (`audit(actor:action:…)`, `appendAudit`); a test checks none is missing.
    static let auditActions: [String: String] = [
        "generate": "génération", "validate": "validation", "edit": "modification", "discard": "écartée",
        "credit": "avoir", "manual": "saisie manuelle", "store": "documents archivés", "settle": "soldé",
        "sign in": "connexion", "bill-unended-period": "facturation d'une période non terminée",
        "post-missing-entries": "écritures manquantes passées", "outbox retry": "courriel relancé",
        "notice retry": "relance renvoyée", "reminders pause": "relances suspendues", "reminders resume": "relances reprises",
        "user add": "utilisateur créé", "user grant": "droit accordé", "user revoke": "droit retiré",
        "user scope": "clients autorisés modifiés", "user enable": "utilisateur réactivé", "user disable": "utilisateur désactivé",
        "user password": "mot de passe modifié", "user token": "jeton d'API créé", "payments import": "import de relevé bancaire",
        "payment match": "paiement rapproché", "payment unmatch": "rapprochement annulé", "close": "clôture du mois",
        "close-forced": "clôture forcée du mois", "acknowledge-unbilled": "non-facturé reconnu",
        "init": "registre créé", "adopt-seller": "vendeur du registre enregistré",
        "future-date": "date postérieure à aujourd'hui forcée", "bill-range-forced": "facturation forcée d'une plage de dates",
        "bill-missing-files-forced": "facturation forcée malgré des fichiers de caisse manquants",
        "validate-past-limits": "validation au-delà des plafonds",
        "platform submit": "transmission à la plateforme", "platform retry": "transmission à la plateforme relancée",
        "platform poll": "statuts lus sur la plateforme", "ereporting queue": "e-reporting préparé",
    ]

    /// The French name of an audit action; an action unknown here is shown as stored.
    static func auditAction(_ action: String) -> String { auditActions[action] ?? action }

    /// The details of the audit entries the engine writes about documents, in French; a person's reason
    /// is kept as typed, and details not recognised here are shown as stored.
    static func auditDetails(_ action: String, _ details: String) -> String {
        switch action {
        case "generate":
            guard let m = match(#"^(contract|events|correction|manual|credit) (invoice|credit_note) for (\S+)( billed to (\S+))? (\S+), (\d+) lines, (-?[\d.]+) TTC$"#, details) else { break }
            let origin = ["contract": "contrat", "events": "événement", "correction": "correction", "manual": "saisie manuelle", "credit": "avoir"][m[1]] ?? m[1]
            let period = m[6].split(separator: ".").filter { !$0.isEmpty }.map { date(String($0)) }.joined(separator: " au ")
            return "\(m[2] == "invoice" ? "facture" : "avoir")\(m[1] == "credit" ? "" : " (\(origin))") pour \(m[3])\(m[5].isEmpty ? "" : ", payée par \(m[5])"), "
                + "\(m[6].contains("..") ? "du " : "le ")\(period), \(m[7]) ligne\(m[7] == "1" ? "" : "s"), \(numbers(m[8])) TTC"
        case "validate":
            guard let m = match(#"^issued as (\S+) on (\d{4}-\d{2}-\d{2}), due (\d{4}-\d{2}-\d{2})$"#, details) else { break }
            return "émise sous le numéro \(m[1]) le \(date(m[2])), échéance le \(date(m[3]))"
        case "discard":
            if details == "regenerated" { return "remplacée par une nouvelle génération" }
            if details == "generated again: the period bills nothing under this key any more" {
                return "générée à nouveau : la période ne facture plus rien sous cette clé"
            }
        case "edit":
            guard let m = match(#"^(.*) \(lines (\d+) → (\d+), total TTC (-?[\d.]+) → (-?[\d.]+)\)$"#, details) else { break }
            return "\(m[1]) (lignes \(m[2]) → \(m[3]), total TTC \(numbers(m[4])) → \(numbers(m[5])))"
        case "credit":
            guard let m = match(#"^credit note for (\S+): "#, details) else { break }
            return "avoir sur \(m[1]) : " + details[m.end...]
        case "sign in":
            if details == "web session opened" { return "session web ouverte" }
        case "store":
            if details.hasPrefix("issued before documents were stored") {
                return "émise avant l'archivage des documents : PDF et XML produits maintenant, avec les paramètres du jour, et chaînés"
            }
        default: break
        }
        return details
    }

    // MARK: explanations

    /// A line's explanation in French. A person's words (the reason of an edit,
    /// a credit note or a typed-in line) are kept as typed.
    static func explanation(_ text: String) -> String {
        let parts = text.components(separatedBy: "; edited by ")
        var out = parts[0].hasPrefix("edited by ") ? edit(String(parts[0].dropFirst("edited by ".count))) : base(parts[0])
        for p in parts.dropFirst() { out += " ; " + edit(p) }
        return out
    }

    /// `LOGIN: REASON` after `edited by`.
    static func edit(_ text: String) -> String {
        guard let colon = text.range(of: ": ") else { return "modifié par " + text }
        return "modifié par \(text[..<colon.lowerBound]) : \(text[colon.upperBound...])"
    }

    /// The engine's own explanation (no person's words but the reasons matched here).
    static func base(_ text: String) -> String {
        if let m = match(#"^credits line (\d+) of (\S+) of (\d{4}-\d{2}-\d{2}): "#, text) {
            return "avoir sur la ligne \(m[1]) de \(m[2]) du \(date(m[3])) : " + text[m.end...]
        }
        if text.hasPrefix("typed in: ") { return "saisie manuelle : " + text.dropFirst("typed in: ".count) }
        var s = text
        for (pattern, template) in phrases { s = replace(pattern, template, in: s) }
        return numbers(s)
    }

    /// English phrases of the engine's explanations (ContractLanguage's compiler, the engine's events,
    /// corrections and credit notes) and their French, most specific first.
    static let phrases: [(String, String)] = [
        // Decimal commas: a list inside max(…) and min(…) is separated by a semicolon.
        (#"^max\(([-\d.]+( \(floor prorated \d+/\d+ days\))?), "#, "max($1 ; "),
        // A term bound to some sites.
        (#" \(only at site (\S+)\)$"#, " (seulement au site $1)"),
        (#" \(only at sites ([^)]+)\)$"#, " (seulement aux sites $1)"),
        // Index revisions, in the explanation of a revised price.
        (#"revised on (\d{4})-(\d{2})-(\d{2}): "#, "révisé le $3/$2/$1 : "),
        // Subsidies.
        (#"(\d+) covers of category (\S+), each min\(([^ ]+) TTC, tray TTC\), sum "#, "$1 couverts de la catégorie $2, chacun min($3 TTC ; plateau TTC), somme "),
        (#"(\d+) covers of category "#, "$1 couverts de la catégorie "),
        (#"^employer share recorded by the registers "#, "part patronale enregistrée par les caisses "),
        (#", guests billed apart"#, ", invités facturés à part"),
        (#"(\d+) guest tickets, "#, "$1 tickets invités, "),
        // Admission fee and cafeteria participation.
        (#"(\d+) covers \(guests included\) × "#, "$1 couverts (invités compris) × "),
        (#", client pays ([\d.]+)%: "#, ", le client paie $1 % : "),
        (#"^([\d.]+)% of badge holders' cafeteria tickets "#, "$1 % des tickets de cafétéria des badgés "),
        // Fees.
        (#" HT per month in arrears"#, " HT par mois, à terme échu"),
        (#" HT per month in advance"#, " HT par mois, à échoir"),
        (#" HT per quarter in arrears"#, " HT par trimestre, à terme échu"),
        (#" HT per quarter in advance"#, " HT par trimestre, à échoir"),
        (#"\(floor prorated (\d+)/(\d+) days\)"#, "(plancher au prorata de $1/$2 jours)"),
        (#", prorated (\d+)/(\d+) days"#, ", au prorata de $1/$2 jours"),
        (#"^graduated: (\d+) covers, (\d+) in the band "#, "tranches progressives : $1 couverts, dont $2 dans la tranche "),
        (#"^volume: (\d+) covers reach the band "#, "tarif au volume : $1 couverts atteignent la tranche "),
        (#", all at "#, ", tous à "),
        (#"(\d+) of (\d+) open days under (\d+) covers at ([^:]+): (\d+) missing covers × "#,
         "$1 jours d'ouverture sur $2 sous $3 couverts à $4 : $5 couverts manquants × "),
        // Event orders.
        (#"^order (\S+) totals ([\d.]+) HT after discount, under ([\d.]+): delivery fee "#,
         "commande $1 : $2 HT après remise, moins de $3 : frais de livraison "),
        (#"^order (\S+) (cancelled|changed) \(revision (\d+)\): credits (-?\d+) × "#, "commande $1 $2 (révision $3) : avoir de $4 × "),
        (#"^commande (\S+) cancelled"#, "commande $1 annulée"),
        (#"^commande (\S+) changed"#, "commande $1 modifiée"),
        (#" billed before$"#, " facturés auparavant"),
        (#"^order (\S+) revision (\d+): "#, "commande $1 révision $2 : "),
        (#", discount ([\d.]+)%: "#, ", remise $1 % : "),
        // What was billed and what is billed now (event orders, late revenue).
        (#"^late revenue for (.+?), priced by the contract as it stands: "#, "revenus tardifs de $1, valorisés selon le contrat actuel : "),
        (#"billed (-?\d+) for ([-\d.]+) on the revenue as invoiced, "#, "facturé $1 pour $2 sur les revenus facturés, "),
        (#"billed nothing on the revenue as invoiced, "#, "rien facturé sur les revenus facturés, "),
        (#"^(.*), (-?\d+) for ([-\d.]+) on the revenue now$"#, "$1, $2 pour $3 sur les revenus actuels"),
        (#", nothing on the revenue now$"#, ", rien sur les revenus actuels"),
        (#"billed (-?\d+) for "#, "facturé $1 pour "),
        (#"billed nothing"#, "rien facturé"),
        (#", now (-?\d+) for "#, ", maintenant $1 pour "),
        (#", now nothing"#, ", maintenant rien"),
        // What is left.
        (#"(\d+) covers"#, "$1 couverts"),
        (#"(\d)%"#, "$1 %"),
    ]

    // MARK: numbers

    /// Decimal numbers in the French form (`1 234,56`, narrow no-break space), and the
    /// whole numbers of covers and tickets grouped; dates as `31/10/2026`.
    static func numbers(_ text: String) -> String {
        var s = replace(#"(?<![\w.,/-])(-?)(\d+)\.(\d+)(?![\w.])"#, in: text) { m in
            m[1] + group(m[2]) + "," + m[3]
        }
        s = replace(#"(?<![\w.,/-])(\d{4,})(?= (couverts|tickets|pour|jours|dans|à))"#, in: s) { m in group(m[1]) }
        s = replace(#"(?<![\w/-])(\d{4})-(\d{2})-(\d{2})(?![\w-])"#, in: s) { m in "\(m[3])/\(m[2])/\(m[1])" }
        return s
    }

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

    static func date(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        return p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : iso
    }

    /// French for an integer count: `1 234`.
    static func count(_ n: Int) -> String { (n < 0 ? "-" : "") + group(String(n.magnitude)) }

    /// `n` and its noun, singular for 0 and 1 as French has it: `1 couvert`, `0 couvert`, `12 couverts`.
    static func count(_ n: Int, _ singular: String, _ plural: String) -> String { "\(count(n)) \(abs(n) <= 1 ? singular : plural)" }

    // MARK: regular expressions

    struct Match {
        let groups: [String]
        let end: String.Index
        subscript(i: Int) -> String { groups[i] }
    }

    nonisolated(unsafe) private static var cache: [String: NSRegularExpression] = [:]
    private static let lock = NSLock()

    static func regex(_ pattern: String) -> NSRegularExpression? {
        lock.withLock {
            if let r = cache[pattern] { return r }
            let r = try? NSRegularExpression(pattern: pattern)
            cache[pattern] = r
            return r
        }
    }

    static func match(_ pattern: String, _ text: String) -> Match? {
        guard let r = regex(pattern), let m = r.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let whole = Range(m.range, in: text) else { return nil }
        let groups = (0..<m.numberOfRanges).map { i in Range(m.range(at: i), in: text).map { String(text[$0]) } ?? "" }
        return Match(groups: groups, end: whole.upperBound)
    }

    static func replace(_ pattern: String, _ template: String, in text: String) -> String {
        guard let r = regex(pattern) else { return text }
        return r.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    static func replace(_ pattern: String, in text: String, with f: (Match) -> String) -> String {
        guard let r = regex(pattern) else { return text }
        var out = ""
        var last = text.startIndex
        for m in r.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let whole = Range(m.range, in: text) else { continue }
            let groups = (0..<m.numberOfRanges).map { i in Range(m.range(at: i), in: text).map { String(text[$0]) } ?? "" }
            out += text[last..<whole.lowerBound]
            out += f(Match(groups: groups, end: whole.upperBound))
            last = whole.upperBound
        }
        return out + text[last...]
    }
}
