import ArgumentParser

/// The `ardoise` command: thin wiring, all logic lives in the libraries.
@main
struct Ardoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ardoise",
        abstract: "Billing engine for company restaurants and events: contracts as files, exact invoices.",
        subcommands: [LintCommand.self, FmtCommand.self, TestCommand.self, ImportCommand.self, BillCommand.self,
                      InvoicesCommand.self, ValidateCommand.self, DiscardCommand.self, ExplainCommand.self, ReportCommand.self,
                      DemoCommand.self, BenchCommand.self, OutboxCommand.self]
    )
}
