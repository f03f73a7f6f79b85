import ArgumentParser
import BillingEngine
import BillingModel
import Diagnostics
import Foundation
import Ledger
import Workspace

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file naming settings, rules, database and inbox.")
    var config: String = "ardoise.yaml"

    @Option(
        name: .long, help: "The day to act as of (YYYY-MM-DD), default today in Europe/Paris.",
        transform: DayArgument.parse)
    var date: DayArgument?

    @Option(name: .long, help: "Who acts, for the audit log (default: $USER).")
    var actor: String?

    /// Who acts: recorded with every action in the audit log.
    var who: String {
        actor ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "ardoise"
    }

    func today() throws -> Day {
        date?.day ?? BusinessCalendar.today()
    }
}

extension DiagnosticFormat: ExpressibleByArgument {}

/// `--force` goes with a `--reason` that is not empty, and a `--reason` with `--force`.
enum ForceReason {
    static func check(force: Bool, reason: String?) throws {
        if force && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--force needs --reason \"why\"")
        }
        if reason != nil && !force { throw ValidationError("--reason goes with --force") }
    }
}
