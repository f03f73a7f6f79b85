import ArgumentParser
import BillingModel
import CommandSupport
import Workspace

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract:
            "What a change of contracts would bill differently: the period billed with both rule sets, writing nothing.",
        discussion: """
            The configured rules folder is "after"; `--rules-before` names the folder of the rules before the change \
            (in CI, the base branch's `rules/`, see `.ci/rules-diff`). Both are checked against the current settings. \
            Prints every client whose invoices would change, line by line, and the total impact. \
            Exit code: 0 done (changes or not), 1 with `--fail-on-change` when something changes, 2 could not run \
            (either rule set has errors, no database).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("rules-before"), help: "The rules folder before the change.")
    var rulesBefore: String

    @Option(help: "The period to bill (2026-10, 2026-W42, 2026-10-01..2026-10-15).", transform: PeriodArgument.parse)
    var period: PeriodArgument

    @Option(help: "Compare only this client.")
    var client: String?

    @Option(help: "text, json or github (annotations and a Markdown summary).")
    var format: RulesDiffFormat = .text

    @Flag(help: "Exit 1 when any invoice would change.")
    var failOnChange = false

    func validate() throws {
        try requireExisting([rulesBefore])
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let today = try global.today()
            if let client, !workspace.settings.clients.contains(where: { $0.code == client }) {
                throw WorkspaceError("`--client \(client)`: no such client in the settings")
            }
            let report = try workspace.rulesDiff(
                before: rulesBefore, period: period.period,
                explicitRange: period.isExplicitRange, issueDate: today, today: today,
                only: client.map { [$0] })
            emit(report.render(format))
            return failOnChange && report.diff.hasChanges ? 1 : 0
        }
    }
}

extension RulesDiffFormat: ExpressibleByArgument {}
