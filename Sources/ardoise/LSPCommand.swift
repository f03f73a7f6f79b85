import ArgumentParser
import Foundation
import LanguageServer
import Workspace

struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "The Language Server Protocol over stdin/stdout for contract files (an editor starts it).",
        discussion: """
            Diagnostics as you type, hover, go to the settings entry of a client, site or revenue type, formatting and \
            completion. The settings are those of `--config`, else of the `ardoise.yaml` at the root the editor opens; \
            saving a settings file reads them again. Exit 0 after the editor's `shutdown` and `exit`, 1 otherwise.
            """)
    @Option(help: "The configuration file (default: ardoise.yaml at the editor's workspace root).") var config: String?
    @Option(
        help: "The day contracts are checked as of (YYYY-MM-DD), default today in Europe/Paris.",
        transform: DayArgument.parse) var date: DayArgument?

    func run() throws {
        let channel = MessageChannel(input: .standardInput, output: .standardOutput)
        let server = ContractLanguageServer(
            channel: channel, configPath: config, today: date?.day ?? BusinessCalendar.today())
        let status = server.serve()
        if status != 0 { throw ExitCode(status) }
    }
}
