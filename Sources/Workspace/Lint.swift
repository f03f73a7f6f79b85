import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Settings

/// What `ardoise lint` found, ready to render.
public struct LintReport: Sendable {
    public var diagnostics: [Diagnostic]
    public var sources: [String: SourceFile]
    public var contractsChecked: Int
    public var settingsChecked: Int

    public func render(_ format: DiagnosticFormat) -> String {
        let titles = Dictionary(DiagnosticCatalogue.all.map { ($0.code, $0.title) }, uniquingKeysWith: { a, _ in a })
        return DiagnosticRenderer(
            sources: sources, baseDirectory: FileManager.default.currentDirectoryPath, ruleTitles: titles
        )
        .render(diagnostics, format: format)
    }
}

/// Checks contracts and settings: what CI runs on every change.
public enum Linter {
    /// Lints the configured settings and rules, or the given paths (contract
    /// files, folders of them, or settings YAML files).
    public static func run(paths: [String], configPath: String, today: Day) -> LintReport {
        var diagnostics: [Diagnostic] = []
        var sources: [String: SourceFile] = [:]
        let (config, configDiagnostics) =
            FileManager.default.fileExists(atPath: configPath)
            ? ArdoiseConfig.load(file: configPath) : (nil, [])
        diagnostics += configDiagnostics
        if !configDiagnostics.isEmpty, let text = try? String(contentsOfFile: configPath, encoding: .utf8) {
            sources[configPath] = SourceFile(path: configPath, text: text)
        }
        var settingsFiles = config?.settingsFiles ?? []
        var contractPaths: [String] = []
        if paths.isEmpty {
            if let config { contractPaths = [config.rulesDirectory] }
        } else {
            for p in paths {
                if p.hasSuffix(".yaml") || p.hasSuffix(".yml") {
                    if !settingsFiles.contains(p) { settingsFiles.append(p) }
                } else {
                    contractPaths.append(p)
                }
            }
        }
        settingsFiles = settingsFiles.map(DisplayPath.of)
        let (settingsSources, readDiagnostics) = SettingsLoader.readSources(files: settingsFiles)
        diagnostics += readDiagnostics
        for s in settingsSources { sources[s.path] = s }
        var settings: MasterData?
        if !settingsSources.isEmpty {
            let (loaded, settingsDiagnostics) = SettingsLoader.load(sources: settingsSources)
            diagnostics += settingsDiagnostics
            settings = settingsDiagnostics.hasErrors ? nil : loaded
        }
        let loaded = ContractFiles.load(in: contractPaths)
        let files = loaded.files
        diagnostics += loaded.diagnostics
        // Paths that hold no contract and name no settings file: the configuration's settings alone are not what was asked.
        if !paths.isEmpty, files.isEmpty, loaded.diagnostics.isEmpty,
            !paths.contains(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") })
        {
            diagnostics.append(
                .error(
                    "E0002",
                    "no contract (`*.ard`) or settings (`*.yaml`) file in \(paths.map { "`\($0)`" }.joined(separator: ", "))",
                    file: paths[0], range: nil, help: "name contract files, folders of them, or settings files"))
        }
        if let settings {
            // Completeness across files (a client with no contract) only when the whole rules folder is linted.
            let set = RuleSet(
                files: files, context: settings.contractContext(today: today), requireEveryClient: paths.isEmpty)
            diagnostics += set.diagnostics
            sources.merge(set.sources) { a, _ in a }
        } else {
            // Without valid settings, names cannot be resolved: report syntax only, one cause at a time.
            for f in files {
                let source = SourceFile(path: f.path, text: f.text)
                diagnostics += Parser.parse(source).diagnostics
                sources[f.path] = source
            }
            if settingsSources.isEmpty, !files.isEmpty {
                diagnostics.append(
                    .warning(
                        "W0001", "no settings: names in contracts (clients, sites, categories) were not checked",
                        file: configPath, range: nil,
                        help:
                            "run from the folder of `ardoise.yaml`, give `--config FILE`, or name the settings YAML files"
                    ))
            }
        }
        return LintReport(
            diagnostics: diagnostics, sources: sources, contractsChecked: files.count + loaded.diagnostics.count,
            settingsChecked: settingsSources.count)
    }

    /// The long explanation of a code (the one catalogue: `DiagnosticCatalogue`).
    public static func explanation(for code: String) -> Explanation? { DiagnosticCatalogue.explanation(for: code) }

    public static var allCodes: [String] { DiagnosticCatalogue.codes }
}
