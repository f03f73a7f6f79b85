import BillingEngine
import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Ledger
import Settings
import Synchronization

/// A failure that stops a command before it could do its job (exit code 2):
/// a missing configuration, unreadable settings, a database that cannot open.
public struct WorkspaceError: CommandFailure, Sendable {
    /// What the web app may meet, as facts it words in French (nil: a failure of the installation, which the
    /// web app logs and does not show; the CLI prints `message`).
    public enum Reason: Sendable, Equatable {
        /// Contracts with blocking errors: documents are not acted on with a partial set of contracts.
        case contractsHaveErrors(files: [String])
        /// A character the FEC's ISO 8859-15 lacks, at a line and column of the file.
        case fecCharacter(line: Int, column: String, character: String)
    }

    public var message: String
    public var diagnostics: [Diagnostic]
    public var sources: [String: SourceFile]
    public var reason: Reason?
    public init(
        _ message: String, diagnostics: [Diagnostic] = [], sources: [String: SourceFile] = [:], reason: Reason? = nil
    ) {
        self.message = message
        self.diagnostics = diagnostics
        self.sources = sources
        self.reason = reason
    }
    public var description: String { message }
    public var exitStatus: ExitStatus { .nothingDone }
}

/// Configuration, settings and contracts of one Ardoise installation, as
/// `ardoise.yaml` names them.
public struct Installation: Sendable {
    public let config: ArdoiseConfig
    public let settings: MasterData
    /// The settings files' text, for rendering diagnostics.
    public let settingsSources: [String: SourceFile]
    /// The contract files, read with the settings (see `SourceSnapshot`).
    public let contractFiles: ContractFiles.Loaded
    /// What the files were when read.
    public let snapshot: SourceSnapshot
    /// The ledger this workspace opened, kept for its operations (see `ledger`).
    let opened: OpenedLedger

    /// Opens the workspace of the configuration file at `configPath`: the configuration, the settings and the
    /// contracts, read together as one version (a file that changes while they are read makes them read again).
    public static func open(configPath: String) throws(WorkspaceError) -> Installation {
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw WorkspaceError(
                "no configuration file `\(configPath)`: run from the folder holding `ardoise.yaml`, or give `--config FILE`"
            )
        }
        var changed: [String] = []
        for attempt in 1...SourceSnapshot.attempts {
            if attempt > 1 { usleep(SourceSnapshot.pause) }
            let configStamp = SourceStamp.of(configPath)
            let (config, configDiagnostics) = ArdoiseConfig.load(file: configPath)
            let before = [configStamp] + SourceStamp.all(configPath: configPath, config: config).dropFirst()
            let opened = try read(
                configPath: configPath, config: config, configDiagnostics: configDiagnostics, stamps: before)
            let after = SourceStamp.all(configPath: configPath, config: config)
            if after == before { return opened }
            changed = zip(before, after).filter { $0 != $1 }.map(\.0.path)
            if before.count != after.count { changed.append("the rules folder's list of contracts") }
        }
        throw WorkspaceError(
            "the settings or contracts kept changing while being read (\(changed.joined(separator: ", "))): "
                + "nothing done; run again once the change is complete")
    }

    private static func read(
        configPath: String, config: ArdoiseConfig?, configDiagnostics: [Diagnostic],
        stamps: [SourceStamp]
    ) throws(WorkspaceError) -> Installation {
        guard let config, !configDiagnostics.hasErrors else {
            throw WorkspaceError(
                "the configuration `\(configPath)` has errors", diagnostics: configDiagnostics,
                sources: sources(of: [configPath]))
        }
        let files = config.settingsFiles
        let (settings, diagnostics) = SettingsLoader.load(files: files)
        guard let settings, !diagnostics.hasErrors else {
            throw WorkspaceError("the settings have errors", diagnostics: diagnostics, sources: sources(of: files))
        }
        return Installation(
            config: config, settings: settings, settingsSources: sources(of: files),
            contractFiles: ContractFiles.load(in: [config.rulesDirectory]),
            snapshot: SourceSnapshot(stamps: stamps, configPath: configPath, config: config), opened: OpenedLedger())
    }

    static func sources(of files: [String]) -> [String: SourceFile] {
        var out: [String: SourceFile] = [:]
        for f in files {
            if let text = try? String(contentsOfFile: f, encoding: .utf8) { out[f] = SourceFile(path: f, text: text) }
        }
        return out
    }

    /// The names the contract checker resolves against.
    public func contractContext(today: Day) -> ContractContext {
        settings.contractContext(today: today)
    }

    /// Every contract file of the rules folder as read at `open`, checked together; a file
    /// that cannot be read is an error of the set, never a contract skipped.
    public func rules(today: Day) -> RuleSet {
        var set = RuleSet(files: contractFiles.files, context: contractContext(today: today))
        set.diagnostics += contractFiles.diagnostics
        return set
    }

    /// The index values by series and month, for compiled contracts.
    public var indexValues: [String: [String: Percentage]] { settings.contractIndexValues }
}

extension MasterData {
    /// The settings as the contract language sees them.
    public func contractContext(today: Day) -> ContractContext {
        var clientsByCode: [String: ContractContext.Client] = [:]
        for c in clients {
            let place = clientPlaces[c.code]
            clientsByCode[c.code] = .init(
                code: c.code, sites: c.sites, categories: c.dinerCategories, revenueTypes: c.revenueTypes,
                payers: c.payers.map(\.code), file: place?.file, line: place?.range.start.line, range: place?.range)
        }
        var types: [String: ContractContext.RevenueType] = [:]
        for r in revenueTypes {
            guard let kind = ContractLanguage.RevenueKind(rawValue: r.kind.rawValue) else { continue }
            types[r.code] = .init(code: r.code, kind: kind, label: r.label, vatRate: r.vatRate)
        }
        let rates = Set(revenueTypes.map(\.vatRate)).union(
            ["0", "2.1", "5.5", "10", "20"].compactMap { Percentage($0) })
        return ContractContext(
            clients: clientsByCode, revenueTypes: types, indexSeries: indexValues, vatRates: rates, today: today)
    }

    /// Index values by series and month (one conversion, the engine's).
    public var indexValues: [String: [String: Percentage]] { contractIndexValues }
}

/// Finds and reads contract files (`*.ard`).
public enum ContractFiles {
    public static let fileExtension = "ard"

    /// The contract files under each path (a file, or a folder searched recursively), sorted.
    /// A path that does not exist is kept, so that reading it reports it.
    public static func paths(in paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDirectory) else {
                out.append(DisplayPath.of(p))
                continue
            }
            if isDirectory.boolValue {
                let base = URL(fileURLWithPath: p)
                let found = (fm.enumerator(atPath: p)?.allObjects as? [String] ?? []).filter {
                    $0.hasSuffix("." + fileExtension)
                }
                out += found.sorted().map { DisplayPath.of(base.appendingPathComponent($0).path) }
            } else {
                out.append(DisplayPath.of(p))
            }
        }
        return out
    }

    /// The contract files read, and an error (E0100) at each one that could not be.
    public struct Loaded: Sendable {
        public var files: [(path: String, text: String)]
        public var diagnostics: [Diagnostic]
    }

    /// Reads every contract file under `paths`. A file that is missing,
    /// unreadable or not UTF-8 is an E0100 error at that file: a contract
    /// must never be left out of billing, linting or testing silently.
    public static func load(in paths: [String]) -> Loaded {
        var loaded = Loaded(files: [], diagnostics: [])
        for p in self.paths(in: paths) {
            switch text(of: p) {
            case .success(let text): loaded.files.append((p, text))
            case .failure(let problem):
                loaded.diagnostics.append(
                    .error(
                        "E0100", "cannot read contract file `\(p)`: \(problem.message)", file: p,
                        range: problem.range, help: problem.help))
            }
        }
        return loaded
    }

    /// The files read; those that could not be are left out (use `load` to report them).
    public static func read(in paths: [String]) -> [(path: String, text: String)] { load(in: paths).files }

    struct ReadProblem: Error {
        var message: String
        var range: SourceRange?
        var help: String
    }

    static func text(of path: String) -> Result<String, ReadProblem> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(
                ReadProblem(message: "no such file", help: "check the path, or the `rules:` folder in ardoise.yaml"))
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            return .failure(
                ReadProblem(
                    message: "the file cannot be read (permissions, or not a regular file)",
                    help: "make it a readable file (`chmod a+r`), or remove it from the rules folder"))
        }
        let bytes = [UInt8](data)
        if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
        // Where the first byte that is not UTF-8 is, for the caret.
        var line = 1, column = 1, offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput, .error: break decoding
            }
        }
        let at = SourceLocation(line: line, column: column)
        return .failure(
            ReadProblem(
                message: "not UTF-8 (byte \(offset + 1), line \(line), column \(column))",
                range: SourceRange(start: at, end: SourceLocation(line: line, column: column + 1)),
                help: "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"))
    }
}

/// The ledger a workspace opened (`openLedger`, `initLedger`, or its first operation), shared by the workspace's
/// copies: opened once, then every operation of the workspace acts on it.
final class OpenedLedger: Sendable {
    private let kept = Mutex<LedgerDatabase?>(nil)

    /// The ledger opened before, or the one `open` opens now (kept for the next calls; `open` runs at most once
    /// successfully, under the lock, so two threads never open two ledgers).
    func get(orOpen open: () throws(WorkspaceError) -> LedgerDatabase) throws(WorkspaceError) -> LedgerDatabase {
        let result: Result<LedgerDatabase, WorkspaceError> = kept.withLock { kept in
            if let kept { return .success(kept) }
            do throws(WorkspaceError) {
                let ledger = try open()
                kept = ledger
                return .success(ledger)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Keeps `ledger`, just created (`initLedger`).
    func keep(_ ledger: LedgerDatabase) {
        kept.withLock { $0 = ledger }
    }
}

/// Paths as diagnostics print them: relative to the working directory, without `..` detours.
public enum DisplayPath {
    public static func of(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let p = url.path
        if p.hasPrefix(cwd + "/") { return String(p.dropFirst(cwd.count + 1)) }
        return p
    }
}

/// Today in the business's time zone (Europe/Paris unless the settings say otherwise).
public enum BusinessCalendar {
    /// `ARDOISE_TODAY=YYYY-MM-DD` in the environment replaces the real day: for tests only, so that they do not
    /// depend on the day they run (a production scheduler must never set it).
    public static func today(timeZone identifier: String = "Europe/Paris", now: Date = Date()) -> Day {
        if let text = ProcessInfo.processInfo.environment["ARDOISE_TODAY"], let day = Day(iso: text) { return day }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 3600) ?? .current
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? Day(ordinal: 0)
    }
}
