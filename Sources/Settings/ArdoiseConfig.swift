import Diagnostics
import Foundation

/// The project file `ardoise.yaml`: where the settings, contracts, database
/// and folders are. Every path is resolved against the config file's folder.
public struct ArdoiseConfig: Sendable, Hashable {
    /// The config file as given.
    public var file: String
    /// The folder relative paths are resolved against.
    public var directory: String
    /// Settings files, resolved, in the order given (merged in that order).
    public var settingsFiles: [String]
    /// Folder of the contracts (`.ard` rules); default `rules`.
    public var rulesDirectory: String
    /// SQLite ledger file; default `ardoise.sqlite`. Or a PostgreSQL address `postgres://USER@HOST:PORT/DATABASE`
    /// (kept as written), whose password comes from `PGPASSWORD` or from `database_password_file`.
    public var databasePath: String
    /// The file holding the PostgreSQL password (its first line), resolved; never the password itself.
    public var databasePasswordFile: String?
    /// Folder of register files and event orders to import; default `inbox`.
    public var inboxDirectory: String
    /// Folder where invoices, credit notes and exports are written; default `out`.
    public var documentsDirectory: String
    /// Time zone deciding the issue date of documents; the settings' time zone when nil.
    public var issueDateTimeZone: String?

    static let keys = [
        "settings", "rules", "database", "database_password_file", "inbox", "documents", "outbox",
        "issue_date_time_zone"
    ]

    /// Reads and checks the config file at `path`.
    public static func load(file path: String) -> (ArdoiseConfig?, [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            return (
                nil,
                [
                    .error(
                        SettingsCode.unreadableFile, "cannot read config file `\(path)`", file: path, range: nil,
                        help: "create `ardoise.yaml` or pass its path with `--config`")
                ]
            )
        }
        return load(source: SourceFile(path: path, text: text))
    }

    /// Checks a config already read; paths resolve against the folder of
    /// `source.path`, and `fileExists` says whether a settings file is there.
    public static func load(
        source: SourceFile,
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    )
        -> (ArdoiseConfig?, [Diagnostic])
    {
        let reader = YAMLReader(source: source)
        let directory = (source.path as NSString).deletingLastPathComponent
        func resolve(_ path: String) -> String {
            if path.hasPrefix("/") || directory.isEmpty { return path }
            return (directory as NSString).appendingPathComponent(path)
        }
        guard let root = reader.parseRoot() else {
            if reader.diagnostics.isEmpty {
                reader.error(
                    SettingsCode.missingKey, "missing key `settings` in the config file", at: nil,
                    help: "list the settings files, e.g. `settings: [settings.yaml]`")
            }
            return (nil, reader.diagnostics)
        }
        guard let top = reader.fields(root, key: nil, keyName: "ardoise.yaml", owner: "the config file", known: keys)
        else {
            return (nil, reader.diagnostics)
        }
        var settings: [String] = []
        if let list = reader.textList(top, "settings") {
            if list.isEmpty, let (k, _) = top.entries["settings"] {
                reader.error(
                    SettingsCode.emptyList, "the config file lists no settings file", at: reader.range(k),
                    help: "list the settings files, e.g. `settings: [settings.yaml]`")
            }
            for (path, node) in list {
                let resolved = resolve(path)
                if fileExists(resolved) {
                    settings.append(resolved)
                } else {
                    reader.error(
                        SettingsCode.settingsFileNotFound, "settings file `\(path)` not found", at: reader.range(node),
                        help: "paths are relative to the folder of `\(source.path)`; looked for `\(resolved)`")
                }
            }
        }
        let rules = reader.text(top, "rules", required: false) ?? "rules"
        let database = reader.text(top, "database", required: false) ?? "ardoise.sqlite"
        let isAddress = database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
        let passwordFile = reader.text(top, "database_password_file", required: false).map(resolve)
        if isAddress, let c = URLComponents(string: database), c.password != nil {
            // No position: the diagnostic would print the line, password included.
            reader.error(
                SettingsCode.conflictingKeys, "the `database:` address holds a password", at: nil,
                help:
                    "remove it from ardoise.yaml: give it in PGPASSWORD or in a file named by `database_password_file:`"
            )
        }
        let inbox = reader.text(top, "inbox", required: false) ?? "inbox"
        var documents = reader.text(top, "documents", required: false)
        if let outbox = reader.text(top, "outbox", required: false) {
            if documents != nil, let (k, _) = top.entries["outbox"], let (first, _) = top.entries["documents"] {
                reader.error(
                    SettingsCode.conflictingKeys, "`outbox` and `documents` name the same folder", at: reader.range(k),
                    help: "keep one of them", notes: [.init("`documents` is written at \(reader.position(first))")])
            }
            documents = documents ?? outbox
        }
        var zone: String?
        if let z = reader.text(top, "issue_date_time_zone", required: false),
            let node = reader.valueNode(top, "issue_date_time_zone")
        {
            if TimeZone(identifier: z) != nil {
                zone = z
            } else {
                let near = DidYouMean.suggest(z, among: TimeZone.knownTimeZoneIdentifiers)
                reader.error(
                    SettingsCode.invalidTimeZone, "unknown time zone `\(z)`", at: reader.range(node),
                    help: near.map { "did you mean `\($0)`?" } ?? "use an IANA time zone such as `Europe/Paris`")
            }
        }
        guard !reader.diagnostics.hasErrors else { return (nil, reader.diagnostics) }
        var config = ArdoiseConfig(
            file: source.path, directory: directory, settingsFiles: settings,
            rulesDirectory: resolve(rules), databasePath: isAddress ? database : resolve(database),
            inboxDirectory: resolve(inbox), documentsDirectory: resolve(documents ?? "out"),
            issueDateTimeZone: zone)
        config.databasePasswordFile = passwordFile
        return (config, reader.diagnostics)
    }

    /// Loads the settings files this config names.
    public func loadSettings() -> (MasterData?, [Diagnostic]) {
        SettingsLoader.load(files: settingsFiles)
    }
}
