import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Imports
import Ledger
import Settings
import Workspace

/// The readers of untrusted bytes that the fuzz targets drive, one per name
/// (`ARDOISE_FUZZ_TARGET`). Each takes one input and must return, whatever
/// the bytes: a crash, a hang or a leak is the finding.
enum FuzzTarget: String, CaseIterable {
    /// A contract file: lexer, parser, checker against the example settings, formatter.
    case contract
    /// A settings file and an `ardoise.yaml`: the YAML reader and both loaders.
    case settings
    /// A PiElectronique register file, imported into a scratch ledger.
    case register
    /// An event-order file (JSON lines), imported into a scratch ledger.
    case events
    /// An ISO 20022 camt.053 bank statement.
    case camt
    /// The CSV of received payments.
    case paymentsCSV = "payments-csv"

    static let selected: FuzzTarget? = ProcessInfo.processInfo.environment["ARDOISE_FUZZ_TARGET"].flatMap(
        FuzzTarget.init(rawValue:))

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .contract:
            let text = String(decoding: bytes, as: UTF8.self)
            let checked = CheckedFile(path: "rules/fuzz.ard", text: text, context: Scratch.contractContext)
            if let formatted = ContractLanguage.Formatter.format(checked) {
                _ = CheckedFile(path: "rules/fuzz.ard", text: formatted, context: Scratch.contractContext)
            }
        case .settings:
            let text = String(decoding: bytes, as: UTF8.self)
            _ = SettingsLoader.load(sources: [SourceFile(path: "settings.yaml", text: text)])
            _ = ArdoiseConfig.load(source: SourceFile(path: "ardoise.yaml", text: text), fileExists: { _ in true })
        case .register:
            Scratch.importFile(named: "PIE_LD01_20261005.csv", bytes) { ledger, url in
                _ = RegisterImporter(ledger: ledger, knownClients: ["C0001", "C0002"]).importFile(at: url)
            }
        case .events:
            Scratch.importFile(named: "EVT_20261014.jsonl", bytes) { ledger, url in
                _ = EventOrderImporter(ledger: ledger, knownClients: ["C0001", "C0002"]).importFile(at: url)
            }
        case .camt:
            _ = try? BankStatements.camt053(Data(bytes), file: "statement.xml")
        case .paymentsCSV:
            _ = try? BankStatements.csv(Data(bytes), file: "payments.csv")
        }
    }
}

/// A scratch folder and ledger per process, replaced every few thousand
/// inputs so that versions of the same file name do not pile up.
enum Scratch {
    nonisolated(unsafe) static var ledger: LedgerDatabase?
    nonisolated(unsafe) static var uses = 0
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ardoise-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The example settings' names as the contract checker sees them (a fixed day, so runs repeat).
    static let contractContext: ContractContext = {
        let today = Day(iso: "2026-11-02") ?? Day(ordinal: 0)
        let settings = ProcessInfo.processInfo.environment["ARDOISE_FUZZ_SETTINGS"] ?? "examples/settings.yaml"
        guard let loaded = SettingsLoader.load(files: [settings]).0 else { return ContractContext(today: today) }
        return loaded.contractContext(today: today)
    }()

    static func importFile(named name: String, _ bytes: UnsafeRawBufferPointer, _ body: (LedgerDatabase, URL) -> Void) {
        let database = folder.appendingPathComponent("ledger.sqlite")
        uses += 1
        if uses % 2000 == 0 || ledger == nil {
            ledger = nil
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
            ledger = try? LedgerDatabase(path: database.path)
        }
        guard let ledger else { return }
        let url = folder.appendingPathComponent(name)
        guard (try? Data(bytes).write(to: url)) != nil else { return }
        body(ledger, url)
    }
}
