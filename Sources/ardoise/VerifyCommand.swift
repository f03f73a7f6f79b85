import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import Workspace

/// `ardoise verify`: re-checks the chain of issued documents and every stored file.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that issued documents are as issued: each series' hash chain and every stored PDF and XML.",
        discussion: "Exit 0 intact, 1 a break found (each named: document number and what differs), 2 could not run.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "text or json") var format: OutputFormat = .text

    func run() throws {
        let report: ChainReport
        var assumed: [(number: String, reason: String)] = []
        do {
            let workspace = try Installation.open(configPath: global.config)
            let ledger = try workspace.openLedger()
            report = try ledger.verifyIssuedDocuments()
            assumed = try ledger.documentPeriodsAssumed()
        } catch {
            printError("ardoise: verify could not run: \(error)")
            throw ExitCode(2)
        }
        emit(format == .json ? ChainReportFormat.json(report) : ChainReportFormat.text(report))
        // What "v16 document period" could not take from the lines: said, not a break (the documents say the same).
        if format == .text {
            for a in assumed {
                printError("note: \(a.number): period not from its lines (v16 document period): \(a.reason)")
            }
        }
        if !report.intact { throw ExitCode(1) }
    }
}
