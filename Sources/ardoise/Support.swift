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

    @Option(name: .long, help: "The day to act as of (YYYY-MM-DD), default today in Europe/Paris.", transform: DayArgument.parse)
    var date: DayArgument?

    @Option(name: .long, help: "Who acts, for the audit log (default: $USER).")
    var actor: String?

    /// Who acts: recorded with every action in the audit log.
    var who: String { actor ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "ardoise" }

    func today() throws -> Day {
        date?.day ?? BusinessCalendar.today()
    }
}

/// The one place where failures become messages and exit codes:
/// 0 done, 1 done but a person must look, 2 nothing done. A failure says
/// which it is (`CommandFailure.exitStatus`): refused, not found or invalid
/// is 2; an error after part of the work was committed is 1.
enum Outcome {
    static func run(_ body: () throws -> Int32) throws {
        do {
            let code = try body()
            if code != 0 { throw ExitCode(code) }
        } catch let error as AmountRefusal {
            printError("ardoise: \(error)")
            throw ExitCode(error.exitStatus)
        } catch let error as IssueRefusal {
            printError("ardoise: \(error)")
            throw ExitCode(error.exitStatus)
        } catch let error as WorkspaceError {
            if !error.diagnostics.isEmpty {
                printError(DiagnosticRenderer(sources: error.sources).render(error.diagnostics, format: .text), terminator: "")
            }
            printError("ardoise: \(error.message)")
            throw ExitCode(error.exitStatus.rawValue)
        } catch let error as any CommandFailure {
            printError("ardoise: \(error.description)")
            throw ExitCode(error.exitStatus.rawValue)
        }
    }

    /// A document asked for by id or number that the ledger does not hold: nothing done.
    static func notFound(_ id: String) -> Int32 {
        printError("ardoise: no document `\(id)`")
        return ExitStatus.nothingDone.rawValue
    }
}

func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}

/// Writes to standard output without buffering surprises when piped.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

extension DiagnosticFormat: ExpressibleByArgument {}

/// `--force` goes with a `--reason` that is not empty, and a `--reason` with `--force`.
enum ForceReason {
    static func check(force: Bool, reason: String?) throws {
        if force && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--force needs --reason \"why\"") }
        if reason != nil && !force { throw ValidationError("--reason goes with --force") }
    }
}
