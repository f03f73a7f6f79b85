import Demo
import Foundation

/// The whole month of issue 23 (`bench month`): one generated month in a fresh ledger, imported, billed,
/// validated with its documents rendered and stored, its entries exported and closed, as `bench year` does
/// its first month; each stage's seconds and their sum against the 20 s target.
public enum MonthBenchmark {
    public static func run(
        directory: URL, month: String = "2026-10", sites: Int = 60, clients: Int = 850, seed: UInt64 = 1,
        output: (String) -> Void = { print($0) }
    ) throws {
        let figures = try YearBenchmark.run(
            directory: directory, months: 1, first: month, sites: sites, clients: clients, seed: seed,
            output: output)
        guard let m = figures.first else { throw GenerationBenchmarkError("no month was run") }
        output(summary(m))
    }

    /// The stages of the month and their sum.
    static func summary(_ m: YearBenchmark.Month) -> String {
        let f = ImportBenchmark.format
        let total = m.importSeconds + m.billingSeconds + m.validationSeconds + m.entriesSeconds + m.closingSeconds
        return
            "the whole month \(m.month): import \(f(m.importSeconds)) s (\(m.rows) rows) + billing \(f(m.billingSeconds)) s "
            + "(\(m.documents) documents: the days' events \(f(m.billingParts.events)) s, the month's contracts "
            + "\(f(m.billingParts.month)) s, the weeks ending after it \(f(m.billingParts.weeks)) s) + validation with documents \(f(m.validationSeconds)) s (\(m.issued) issued) "
            + "+ entries \(f(m.entriesSeconds)) s + closing \(f(m.closingSeconds)) s = \(f(total)) s "
            + "(target under 20 s: \(total < 20 ? "met" : "NOT met")); beside it, the bank statement \(f(m.paymentsSeconds)) s "
            + "and the idle daily run \(f(m.idleRunSeconds)) s"
    }
}
