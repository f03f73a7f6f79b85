import ArgumentParser
import BillingEngine
import BillingModel
import Diagnostics
import Foundation
import Workspace

/// The one place where failures become messages and exit codes:
/// 0 done, 1 done but a person must look, 2 nothing done. A failure says
/// which it is (`CommandFailure.exitStatus`): refused, not found or invalid
/// is 2; an error after part of the work was committed is 1.
public enum Outcome {
    public static func run(_ body: () throws -> Int32) throws {
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
                printError(
                    DiagnosticRenderer(sources: error.sources).render(error.diagnostics, format: .text), terminator: "")
            }
            printError("ardoise: \(error.message)")
            throw ExitCode(error.exitStatus.rawValue)
        } catch let error as any CommandFailure {
            printError("ardoise: \(error.description)")
            throw ExitCode(error.exitStatus.rawValue)
        }
    }

    /// A document asked for by id or number that the ledger does not hold: nothing done.
    public static func notFound(_ id: String) -> Int32 {
        printError("ardoise: no document `\(id)`")
        return ExitStatus.nothingDone.rawValue
    }
}

public func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}

/// Writes to standard output without buffering surprises when piped.
public func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// `11.5 s`: a duration as a person reads it in a summary.
public func seconds(_ d: Duration) -> String {
    let (whole, attoseconds) = d.components
    let tenths = (whole * 10 + attoseconds / 100_000_000_000_000_000)
    return "\(tenths / 10).\(tenths % 10) s"
}

/// What `ardoise bill` (and `ardoise-dev demo run`) print of a billing run.
public enum BillingSummary {
    public static func text(_ r: BillingReport) -> String {
        var out =
            "billed \(r.period.name), issued \(r.issueDate): \(r.clientsBilled.count) clients, \(r.created.count) documents created"
        out +=
            ", \(r.unchanged) unchanged, \(r.alreadyIssued) already issued, \(r.issued.count) validated automatically\n"
        out += "total of new documents: \(r.totalHT.grouped) HT, \(r.totalTTC.grouped) TTC\n"
        for n in r.billedAlready { out += "note: \(n)\n" }
        for n in r.billedWithoutFiles { out += "note: billed anyway (--force): \(n)\n" }
        return out
    }

    /// Clients not billed (and proformas not validated automatically) are errors: on stderr, beside the
    /// contract diagnostics, so that stdout is only what was done.
    public static func reportFailures(_ r: BillingReport) {
        for f in r.failures { printError("error: \(f.client): \(f.message)") }
    }
}
