import ArgumentParser
import BillingModel
import CommandSupport
import Diagnostics
import Documents
import Foundation
import Ledger
import Workspace

extension InvoicesCommand {
    /// `ardoise invoices pdf ID`: the Factur-X PDF of an issued document, or the PDF of a proforma marked PROFORMA.
    struct PDF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pdf",
            abstract: "Write a document's PDF: Factur-X (PDF/A-3 with its XML) when issued, marked PROFORMA otherwise.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Document id or number") var id: String
        @Option(help: "The file to write (default: <documents folder>/<number>.pdf).") var output: String?

        func run() throws {
            try Outcome.run {
                try DocumentFile.write(id: id, output: output, global: global, xml: false)
            }
        }
    }

    /// `ardoise invoices xml ID`: the CII e-invoice (EN 16931 + BR-FR) of an issued document.
    struct XML: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "xml",
            abstract: "Write an issued document's CII e-invoice XML (the factur-x.xml its PDF embeds).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Document id or number") var id: String
        @Option(help: "The file to write (default: <documents folder>/<number>.xml).") var output: String?

        func run() throws {
            try Outcome.run {
                try DocumentFile.write(id: id, output: output, global: global, xml: true)
            }
        }
    }

    /// `ardoise invoices export`: every issued document's PDF and XML, e.g. to validate a month.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the Factur-X PDF and the XML of every issued document (of --period).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Documents whose period overlaps this one.", transform: PeriodArgument.parse) var period:
            PeriodArgument?
        @Option(help: "Folder to write into (default: the documents folder).") var directory: String?
        @Flag(help: "Write the XML files only.") var xmlOnly = false

        func run() throws {
            try Outcome.run {
                let workspace = try Installation.open(configPath: global.config)
                let ledger = try workspace.openLedger()
                let folder = URL(fileURLWithPath: directory ?? workspace.config.documentsDirectory)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let p = period?.period
                var count = 0, refused = 0
                // The stored bytes of each document, as issued. A document Ardoise never issued is
                // not stored (verify names it): the others are written, exit 1.
                for invoice in try ledger.invoices(status: .issued, period: p) {
                    let files: IssuedFiles?
                    do {
                        files = try workspace.issuedFiles(invoice, actor: global.who)
                    } catch let error as InvoiceError {
                        printError("ardoise: \(error.message)")
                        refused += 1
                        continue
                    }
                    guard let number = invoice.number, let files else { continue }
                    try Data(files.xml).write(to: folder.appendingPathComponent("\(number).xml"))
                    if !xmlOnly { try Data(files.pdf).write(to: folder.appendingPathComponent("\(number).pdf")) }
                    count += 1
                }
                if refused > 0 {
                    emit(
                        "wrote \(count) documents to \(folder.path); \(refused) not written (see above, and `ardoise verify`)\n"
                    )
                    return ExitStatus.needsAttention.rawValue
                }
                emit("wrote \(count) documents to \(folder.path)\n")
                return 0
            }
        }
    }
}

enum DocumentFile {
    static func write(id: String, output: String?, global: GlobalOptions, xml: Bool) throws -> Int32 {
        let workspace = try Installation.open(configPath: global.config)
        let ledger = try workspace.openLedger()
        guard let stored = try ledger.invoice(idOrNumber: id) else {
            return Outcome.notFound(id)
        }
        let bytes = try workspace.documentFile(stored, xml: xml, actor: global.who)
        let path =
            output
            ?? URL(fileURLWithPath: workspace.config.documentsDirectory)
            .appendingPathComponent(InvoiceDocuments.fileName(stored, extension: xml ? "xml" : "pdf")).path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        emit("wrote \(path)\n")
        return 0
    }
}
