import ArgumentParser
import CommandSupport
import Diagnostics
import Foundation
import Ledger
import PlatformTransmission
import Workspace

/// `ardoise ereporting --period P`: the B2C sales of each e-reporting period inside P, built once and handed to the platform.
struct EReportingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ereporting",
        abstract:
            "B2C e-reporting: the register sales diners paid, per day and VAT rate, and the payments collected, one report per period (`platform: ereporting_days`), each submitted once."
    )
    @OptionGroup var global: GlobalOptions
    @Option(
        help:
            "The periods to report: a month, a range… (only the e-reporting periods wholly inside it that have ended).",
        transform: PeriodArgument.parse)
    var period: PeriodArgument
    @Option(help: "text or json") var format: OutputFormat = .text

    func run() throws {
        try Outcome.run {
            let workspace = try PlatformCommand.platformWorkspace(global)
            let endpoint = try workspace.platformEndpoint()
            _ = try workspace.openLedger(actor: global.who)
            let r = try workspace.eReport(
                period: period.period, today: global.today(), api: FlowAPI(endpoint: endpoint),
                actor: global.who)
            let inside = Set(
                EReport.periods(in: period.period, days: workspace.settings.platform?.eReportingDays ?? 10).map {
                    "\($0.start)..\($0.end)"
                })
            let shown = r.reports.filter { inside.contains($0.period) }
            if format == .json {
                emit(
                    "["
                        + shown.map { e in
                            JSON.object([
                                ("period", JSON.string(e.period)), ("tracking_id", JSON.string(e.trackingId)),
                                ("status", JSON.string(e.status.rawValue)),
                                ("rows", String(e.rows)),
                                ("total_ttc", JSON.string(LifecycleMessage.amountText(e.totalTtc))),
                                ("flow_id", e.flowId.map(JSON.string) ?? "null"),
                                ("ack_status", e.ackStatus.map(JSON.string) ?? "null"),
                                ("last_error", e.lastError.map(JSON.string) ?? "null")
                            ])
                        }.joined(separator: ",\n") + "]\n")
            } else {
                for e in shown {
                    emit(
                        "\(e.period)\t\(e.trackingId)\t\(e.status.rawValue)\t\(e.rows) rows\t\(LifecycleMessage.amountText(e.totalTtc)) TTC"
                            + "\t\(e.flowId ?? "-")\(e.lastError.map { "\t\($0)" } ?? "")\n")
                }
                emit("\(r.queued.count) queued, " + r.submission.summary + "\n")
            }
            return r.submission.failed.isEmpty && r.submission.stoppedEarly == nil
                && !shown.contains { $0.status == .failed } ? 0 : 1
        }
    }
}
