import ArgumentParser

/// The `ardoise` command: thin wiring, all logic lives in the libraries.
@main
struct Ardoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ardoise",
        abstract: "Billing engine for company restaurants and events: contracts as files, exact invoices.",
        subcommands: [RunCommand.self, LintCommand.self, FmtCommand.self, TestCommand.self, ImportCommand.self, BillCommand.self,
                      InvoicesCommand.self, ValidateCommand.self, EditCommand.self, DiscardCommand.self, CreditCommand.self, ManualCommand.self, ExplainCommand.self, ReportCommand.self,
                      DiffCommand.self, OutboxCommand.self, DemoCommand.self, BenchCommand.self, VerifyCommand.self]
    )
}
