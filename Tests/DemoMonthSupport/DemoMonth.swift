import BillingEngine
import BillingModel
import Demo
import Foundation
import Ledger
import TestSupport
import Workspace

/// A generated example month in a fresh temporary folder, imported into a new
/// ledger: what the tests of billing, accounting, exports, dashboards and the
/// web app start from. Billing is each test's choice (`bill`), with the real
/// engine of the workspace.
public struct DemoMonth: Sendable {
    public let folder: URL
    public let workspace: Installation
    public let ledger: LedgerDatabase

    public static let october = Period(parsing: "2026-10") ?? Period(start: Day(ordinal: 0), end: Day(ordinal: 0))
    /// The day October is billed: 2 November.
    public static let issueDay = Day(iso: "2026-11-02") ?? Day(ordinal: 0)

    /// `editSettings` changes the generated `settings.yaml` before the workspace is opened (an SMTP server, …).
    public init(_ name: String, sites: Int, clients: Int, seed: UInt64, editSettings: (URL) throws -> Void = { _ in })
        throws
    {
        folder = Repository.temporaryDirectory(name)
        _ = try DemoWorkspace.write(to: folder, sites: sites, clients: clients, month: "2026-10", seed: seed)
        try TestEngine.follow(workspace: folder)
        try editSettings(folder.appendingPathComponent("settings.yaml"))
        // `ARDOISE_TEST_ENGINE=postgres`: the ledger on a new database of the test process's PostgreSQL server.
        if TestEngine.postgres { try TestEngine.usePostgres(in: folder) }
        workspace = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
        ledger = try workspace.openLedger(creating: true)
        _ = try workspace.importFiles([])
    }

    public func engine(actor: String = "ardoise") throws -> Engine {
        try workspace.engine(today: Self.issueDay, actor: actor)
    }

    /// October's proformas generated on 2 November (automatic contracts issued at once), and with
    /// `validateAll` every other proforma validated too. Returns the engine, for what the test does next.
    @discardableResult
    public func bill(actor: String = "ardoise", validateAll: Bool) throws -> Engine {
        let engine = try engine(actor: actor)
        _ = try engine.generate(period: Self.october, issueDate: Self.issueDay)
        if validateAll {
            _ = try engine.validate(ids: try ledger.invoices(status: .proforma).compactMap(\.id), on: Self.issueDay)
        }
        return engine
    }
}
