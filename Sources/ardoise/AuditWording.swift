import BillingModel
import Ledger

/// The CLI's English for an audit entry, worded from its action and parameters
/// ("v16 audit parameters"); the web app words the same facts in French. An
/// entry written before the migration is printed as it was stored.
enum AuditWording {
    static func english(_ entry: AuditEntry) -> String {
        guard let p = entry.facts else { return entry.details }
        return EngineWording.worded(english(entry.action, p))
    }

    static func english(_ action: String, _ p: AuditParameters) -> String {
        let t = { (k: String) in p.text(k) ?? "" }
        func int(_ k: String) -> Int64 { p.integer(k) ?? 0 }
        func money(_ k: String) -> String { (p.money(k) ?? .zero).description }
        func because(_ k: String = "reason") -> String { p.text(k).map { ": \($0)" } ?? "" }
        let order = "order \(t("order")) revision \(int("revision"))"
        switch action {
        case "generate":
            return "\(t("origin")) \(t("type")) for \(t("client"))\(p.text("payer").map { " billed to \($0)" } ?? "") "
                + "\(t("start"))..\(t("end")), \(int("lines")) lines, \(money("ttc")) TTC"
        case "validate": return "issued as \(t("number")) on \(t("issued")), due \(t("due"))"
        case "discard":
            switch p.text("cause") {
            case "regenerated": return "regenerated"
            case "vanished": return "generated again: the period bills nothing under this key any more"
            case "superseded": return "\(order) supersedes it"
            default: return t("reason")
            }
        case "edit":
            return
                "\(t("reason")) (lines \(int("lines_before")) → \(int("lines_after")), total TTC \(money("ttc_before")) → \(money("ttc_after")))"
        case "credit": return "credit note for \(t("credited"))\(because())"
        case "manual": return t("reason")
        case "store":
            return "issued before documents were stored: PDF and XML rendered now, from today's settings, and chained"
        case "settle":
            switch p.text("cause") {
            case "cancelled-before-invoiced": return "\(order): cancelled before it was invoiced"
            case "same-lines":
                return "\(order): same lines as revision \(int("same_as")) (a new purchase-order number bills nothing)"
            case "same-amounts": return "\(order): bills the same amounts as what was issued"
            case "late-revenue-unchanged":
                return "late revenue of \(t("client")) on \(int("site_days")) site-days changes no amount: no document"
            default: return order
            }
        case "sign in": return "web session opened"
        case "bill-unended-period":
            return "billed \(t("start"))..\(t("end")) on \(t("today")), before its end\(because())"
        case "future-date": return "\(t("command")) as of \(t("day")) on \(t("today"))\(because())"
        case "bill-range-forced":
            return "\(t("start"))..\(t("end")): \(int("problems")) problems overridden\(because())"
        case "bill-missing-files-forced":
            return
                "\(t("start"))..\(t("end")): \(int("clients")) clients billed without expected register files\(because())"
        case "validate-past-limits": return "\(t("number")) issued past the amount limits\(because())"
        case "post-missing-entries": return "\(int("documents")) issued documents posted to the sales journal"
        case "outbox retry":
            return
                "message \(int("message")) of \(t("number")) due now, to \(t("to"))\(p.text("last_error").map { "; was: \($0)" } ?? "")"
        case "notice retry":
            return "notice \(int("notice")) (\(t("key"))) due now, to \((p.list("to") ?? []).joined(separator: ", "))"
        case "reminders pause": return "\(t("target"))\(because())"
        case "reminders resume": return t("target")
        case "user add": return "\(t("login")) (\(t("name")))\(p.flag("admin") ? ", administrator" : "")"
        case "user grant", "user revoke":
            return "\(t("login")) \(t("feature"))\(p.text("level").map { " \($0)" } ?? "")"
        case "user scope":
            return "\(t("login")): \(p.list("clients").map { $0.joined(separator: ",") } ?? "all clients")"
        case "user enable", "user disable", "user password", "user token": return t("login")
        case "payments import": return "\(t("file")): \(int("new")) new, \(int("already")) already imported"
        case "payment match":
            let documents = zip(p.list("documents") ?? [], p.list("amounts") ?? []).map {
                "\($0) \(Money(cents: Int64($1) ?? 0))"
            }
            return
                "payment \(int("payment")) (\(t("reference")), \(money("amount"))): \(documents.joined(separator: ", "))"
        case "payment unmatch":
            return "payment \(int("payment")): \(int("removed")) allocation\(int("removed") == 1 ? "" : "s") removed"
        case "close", "close-forced":
            let numbers = zip(zip(p.list("first") ?? [], p.list("last") ?? []), p.list("counts") ?? []).map {
                "\($0.0)…\($0.1) (\($1))"
            }
            return "closed \(t("month"))\(p.text("reason").map { " despite failed checks: \($0)" } ?? "")"
                + (numbers.isEmpty ? "" : "; \(numbers.joined(separator: ", "))")
                + (p.integer("ht") == nil ? "" : "; \(money("ht")) HT, \(money("vat")) VAT")
        case "acknowledge-unbilled": return "\(t("month")): \(int("items")) unbilled items acknowledged\(because())"
        case "init": return "ledger created for SIREN \(t("siren")), series \(t("series"))"
        case "adopt-seller":
            return
                "ledger made before its seller was recorded: adopted the settings' SIREN \(t("siren")), series \(t("series"))"
        case "platform queue": return "\(t("number")) queued for the platform"
        case "platform submit":
            return
                "\(int("queued")) queued; \(int("submitted")) submitted, \(int("retrying")) to retry, \(int("failed")) failed"
                + (p.text("stopped").map { ", stopped: \($0)" } ?? "")
        case "platform retry":
            return "flow \(int("flow")) (\(t("tracking"))) of \(t("number")) due now"
                + (p.text("error").map { "; was: \($0)" } ?? "")
        case "platform poll":
            return
                "\(int("flows")) flows read, \(int("statuses")) statuses recorded, \(int("unreadable")) not understood"
        case "ereporting queue": return "\(t("period")): \(int("rows")) day-rate rows, \(money("ttc")) TTC"
        case "line-facts":
            let unknown = p.list("unknown") ?? []
            return "facts recorded for \(int("filled")) lines"
                + (unknown.isEmpty
                    ? ""
                    : "; explanation unread, kept in English, for \(unknown.count): \(unknown.joined(separator: ", "))")
        case "line-basis":
            let unknown = p.list("unknown") ?? []
            return "basis recorded for \(int("filled")) lines"
                + (unknown.isEmpty ? "" : "; not known for \(unknown.count): \(unknown.joined(separator: ", "))")
        default:
            return p.json
        }
    }
}
