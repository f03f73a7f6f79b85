import Foundation
import Ledger

/// The accredited platform's view of a document, in French: its life-cycle status and its history (shown when the
/// settings hand documents to a platform).
extension WebApp {
    /// The French names of the life-cycle statuses (XP Z12-012).
    static let lifecycleNames: [LifecycleStatus: String] = [
        .deposited: "Déposée", .issuedByPlatform: "Émise par la plateforme",
        .receivedByPlatform: "Reçue par la plateforme",
        .madeAvailable: "Mise à disposition", .inHand: "Prise en charge", .approved: "Approuvée",
        .partlyApproved: "Approuvée partiellement",
        .disputed: "En litige", .suspended: "Suspendue", .completed: "Complétée", .refused: "Refusée",
        .paymentSent: "Paiement transmis",
        .collected: "Encaissée", .rejected: "Rejetée"
    ]

    /// Where a flow stands, in French.
    static func platformState(_ f: PlatformFlow) -> String {
        switch f.status {
        case .pending:
            return f.attempts == 0
                ? "à transmettre" : "transmission à réessayer (\(f.attempts) tentative\(f.attempts > 1 ? "s" : ""))"
        case .failed: return "transmission refusée : \(f.lastError ?? "")"
        case .submitted:
            if let l = f.lifecycle { return "\(lifecycleNames[l] ?? l.rawValue) (\(l.rawValue))" }
            if f.ackStatus == "Error" { return "Rejetée par la plateforme" }
            return "transmise, en attente de l'accusé de réception"
        }
    }

    /// One line of a flow's history, in French.
    static func platformEventText(_ e: PlatformEvent) -> String {
        let what: String
        switch (e.kind, e.outcome) {
        case ("attempt", "submitted"): what = "transmise"
        case ("attempt", "already-submitted"): what = "déjà reçue par la plateforme (réponse précédente perdue)"
        case ("attempt", "temporary"): what = "échec temporaire, nouvel essai prévu"
        case ("attempt", "refused"): what = "refusée par la plateforme"
        case ("attempt", "interrupted"): what = "tentative interrompue"
        case ("acknowledgement", let s):
            what = "accusé de réception : \(s == "Ok" ? "conforme" : s == "Error" ? "en erreur" : "en attente")"
        case ("lifecycle", let code):
            what = "statut \(LifecycleStatus(rawValue: code).flatMap { lifecycleNames[$0] } ?? code) (\(code))"
        case ("manual", "retry"): what = "relancée"
        case ("manual", "queued"): what = "mise en file"
        default: what = e.outcome
        }
        let reasons = Self.platformReasons(e.detail)
        return "\(French.timestamp(e.at)) — \(what)" + (reasons.isEmpty ? "" : " : \(reasons)")
    }

    /// The reasons a platform gave (`reasonCode : reasonMessage`), read from the JSON kept in the history.
    static func platformReasons(_ detail: String) -> String {
        guard let data = detail.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) else {
            return ""
        }
        let list = (object as? [[String: Any]]) ?? ((object as? [String: Any])?["reasons"] as? [[String: Any]]) ?? []
        return list.compactMap { r in
            let code = r["reasonCode"] as? String ?? "", message = r["reasonMessage"] as? String ?? ""
            return code.isEmpty && message.isEmpty
                ? nil : [code, message].filter { !$0.isEmpty }.joined(separator: " : ")
        }.joined(separator: " ; ")
    }

    /// The facts of an issued document's page about the platform: its status, then its history; none when the
    /// document was never queued for a platform.
    func platformFacts(invoiceID: Int64) throws -> [[String: Any]] {
        guard workspace.settings.transmission.usesPlatform else { return [] }
        guard let e = try ledger.platformFlows(kinds: [.invoice], invoiceID: invoiceID).first, let row = e.flow.id
        else { return [] }
        let history = try ledger.platformEvents(flowRow: row).map(Self.platformEventText)
        var facts: [[String: Any]] = [
            ["key": "doc-plateforme", "label": "Plateforme", "text": Self.platformState(e.flow), "links": []]
        ]
        if !history.isEmpty {
            facts.append([
                "key": "doc-plateforme-historique", "label": "Historique plateforme",
                "text": history.joined(separator: " · "), "links": []
            ])
        }
        return facts
    }
}
