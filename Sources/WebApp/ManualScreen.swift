import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Factures manuelles: a document typed in by hand, made a proforma to validate.
extension WebApp {
    // MARK: manual documents

    static let frenchVATRates = ["20", "10", "5.5", "2.1", "0"]

    func manualPage(_ call: Call) throws -> Response {
        let user = try call.user
        let clients = workspace.settings.clients.filter { user.sees(client: $0.code) }.map {
            ["code": $0.code, "name": $0.legalName]
        }
        let context: [String: Any] = [
            "canWrite": user.can(.manual, .write), "csrf": call.csrf, "clients": clients,
            "period": Period.month(of: today).name,
            "rows": (1...5).map {
                [
                    "n": $0,
                    "rates": Self.frenchVATRates.map {
                        ["value": $0, "text": $0.replacingOccurrences(of: ".", with: ",")]
                    }
                ]
                    as [String: Any]
            }
        ]
        return html(
            page(
                title: "Factures manuelles", content: render("manual", context), identity: user, csrf: call.csrf,
                current: .manual))
    }

    func createManual(_ call: Call) throws -> Response {
        let user = try call.user
        guard let client = call.form.trimmed("client"), user.sees(client: client) else { throw WebError.notFound }
        guard let reason = call.form.trimmed("motif") else { throw UserInputError("Indiquez le motif de la saisie.") }
        let kind: DocumentKind = call.form["type"] == "credit-note" ? .creditNote : .invoice
        let p = try period(call.form.trimmed("periode")) ?? Period.month(of: today)
        var lines: [(label: String, quantity: Int, unitPrice: Price, vat: VATRate)] = []
        for n in 1...20 {
            guard let label = call.form.trimmed("libelle-\(n)") else { continue }
            let q = call.form.trimmed("quantite-\(n)") ?? "1", priceTyped = call.form.trimmed("prix-\(n)") ?? ""
            let rateText = TypedNumber.canonical(call.form.trimmed("tva-\(n)") ?? "") ?? ""
            guard let quantity = TypedNumber.canonical(q).flatMap({ Int($0) }) else {
                throw UserInputError("Ligne \(n) : « \(q) » n'est pas une quantité entière")
            }
            guard let price = TypedNumber.canonical(priceTyped).flatMap({ Price($0) }) else {
                throw UserInputError("Ligne \(n) : « \(priceTyped) » n'est pas un prix : écrivez 1 234,56")
            }
            guard Self.frenchVATRates.contains(rateText), let rate = VATRate(rateText) else {
                throw UserInputError(
                    "Ligne \(n) : TVA « \(rateText) » : seuls les taux français (20, 10, 5,5, 2,1, 0 %) sont permis")
            }
            lines.append((label, quantity, price, rate))
        }
        guard !lines.isEmpty else { throw UserInputError("Saisissez au moins une ligne.") }
        let credits = call.form.trimmed("credite")
        if kind == .creditNote && credits == nil { throw UserInputError("Un avoir indique la facture qu'il crédite.") }
        if kind == .creditNote, let credits {
            // One answer whether the number does not exist, is another client's or one the user does not see:
            // the form must not tell which invoice numbers exist, nor whose they are.
            let credited = try ledger.invoice(idOrNumber: credits)?.invoice
            guard let credited, credited.status == .issued, credited.type == .invoice, credited.client == client else {
                throw UserInputError("« \(credits) » n'est pas une facture émise de \(client).")
            }
        }
        let id = try engine(for: user).createManual(
            ManualDocument(
                type: kind, client: client, period: p, poNumber: call.form.trimmed("commande"),
                credits: kind == .creditNote ? credits : nil, lines: lines), reason: reason, on: today)
        return redirect("/proformas/\(id)?fait=creee")
    }
}
