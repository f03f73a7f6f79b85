import ArgumentParser
import CommandSupport
import Foundation

/// The arguments as typed, in order, for options whose meaning depends on their
/// order (`credit --line 1 --amount 1.00 --line 2`), which swift-argument-parser
/// does not keep across two options. Set once by `main` before parsing.
enum RawArguments {
    nonisolated(unsafe) static var all: [String] = []
}

/// The `ardoise` command: thin wiring, all logic lives in the libraries.
@main
struct Ardoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ardoise",
        abstract: "Billing engine for company restaurants and events: contracts as files, exact invoices.",
        discussion:
            "Exit codes: 0 done; 1 done or checked, but something needs a person; 2 nothing done (wrong arguments, a malformed value, a workspace that cannot be opened).",
        // Grouped as the README's table of commands groups them (CommandGroupsTests checks both agree).
        groupedSubcommands: [
            CommandGroup(
                name: "Contracts", subcommands: [LintCommand.self, FmtCommand.self, LSPCommand.self, TestCommand.self]),
            CommandGroup(
                name: "Ledger and daily run",
                subcommands: [InitCommand.self, MigrateCommand.self, ImportCommand.self, RunCommand.self]),
            CommandGroup(
                name: "Billing",
                subcommands: [BillCommand.self, InvoicesCommand.self, ValidateCommand.self, VerifyCommand.self]),
            CommandGroup(
                name: "Sending", subcommands: [OutboxCommand.self, PlatformCommand.self, EReportingCommand.self]),
            CommandGroup(
                name: "Getting paid",
                subcommands: [PaymentsCommand.self, ReceivablesCommand.self, RemindersCommand.self]),
            CommandGroup(
                name: "Corrections, control and closing",
                subcommands: [
                    ReportCommand.self, EntriesCommand.self, CloseCommand.self, UnbilledCommand.self, EditCommand.self,
                    CreditCommand.self, ManualCommand.self, DiscardCommand.self, ExplainCommand.self, DiffCommand.self,
                    ExportCommand.self
                ]),
            CommandGroup(name: "Web app", subcommands: [UsersCommand.self, ServeCommand.self])
            // `demo` and `bench` are the development tool's (`ardoise-dev`): the product links neither.
        ]
    )

    /// Wrong arguments exit 2, the code of "nothing done" (`runCommandLine`).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        RawArguments.all = arguments
        runCommandLine(arguments)
    }
}
