import ArgumentParser
import CommandSupport
import Foundation
import Workspace

/// `ardoise init`: creates the configured ledger, recording the seller's SIREN and number series.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the ledger at the configuration's `database:` path, for the settings' seller.",
        discussion: "The only command (with `demo`) that creates a ledger; refused (exit 2) when one is already there. "
            + "The ledger records the seller's SIREN and number series: a command whose settings name another seller is refused."
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let ledger = try workspace.initLedger(actor: global.who)
            let siren = workspace.settings.seller.siren
            emit("created the ledger \(ledger.path) for SIREN \(siren)\n")
            return 0
        }
    }
}
