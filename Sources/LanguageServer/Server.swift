import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Ledger
import Settings
import Workspace

/// `ardoise lsp`: the Language Server Protocol over stdio for contract files, so that an editor shows what
/// `ardoise lint` says while the finance writer types. Diagnostics as you type (each open document checked
/// against the workspace's settings), hover (a client, site or revenue type as the settings define it; a
/// term line with what it billed on the client's last issued invoice), go to the settings entry of a client,
/// site or revenue type, formatting (the canonical layout of `ardoise fmt`), and completion of the client's
/// sites and categories and of revenue types. Full-text document sync; positions in UTF-16 as LSP's default.
public final class ContractLanguageServer {
    private let channel: MessageChannel
    private var configPath: String?
    private var workspace: Installation?
    private var workspaceProblem: String?
    private var documents: [String: String] = [:]
    private let today: Day
    private var shuttingDown = false

    public init(channel: MessageChannel, configPath: String?, today: Day) {
        self.channel = channel
        self.configPath = configPath
        self.today = today
    }

    /// Serves until `exit` or the end of the input; returns the process's exit code (0 after a `shutdown`).
    public func serve() -> Int32 {
        while true {
            let message: [String: Any]?
            do { message = try channel.read() } catch {
                channel.write(["method": "window/logMessage", "params": ["type": 1, "message": "ardoise lsp: \(error)"]]
                )
                return 1
            }
            guard let message else { return shuttingDown ? 0 : 1 }
            let method = message["method"] as? String ?? ""
            let id = message["id"]
            let params = message["params"] as? [String: Any] ?? [:]
            if method == "exit" { return shuttingDown ? 0 : 1 }
            if let id, method.isEmpty { _ = id; continue }  // a response to a request of ours: none are made
            do {
                let result = try handle(method, params)
                if let id { channel.write(["id": id, "result": result ?? NSNull()]) }
            } catch let failure as RequestFailure {
                if let id { channel.write(["id": id, "error": ["code": failure.code, "message": failure.message]]) }
            } catch {
                if let id { channel.write(["id": id, "error": ["code": -32603, "message": "\(error)"]]) }
            }
        }
    }

    struct RequestFailure: Error {
        var code: Int
        var message: String
    }

    private func handle(_ method: String, _ params: [String: Any]) throws -> Any? {
        switch method {
        case "initialize":
            if configPath == nil, let root = (params["rootUri"] as? String).flatMap(Self.path(ofURI:)) {
                configPath = URL(fileURLWithPath: root).appendingPathComponent("ardoise.yaml").path
            }
            openWorkspace()
            return [
                "capabilities": [
                    "textDocumentSync": ["openClose": true, "change": 1, "save": ["includeText": false]],
                    "hoverProvider": true,
                    "definitionProvider": true,
                    "documentFormattingProvider": true,
                    "completionProvider": ["triggerCharacters": [" ", ","]]
                ] as [String: Any],
                "serverInfo": ["name": "ardoise", "version": "1"]
            ] as [String: Any]
        case "initialized", "$/cancelRequest", "$/setTrace", "workspace/didChangeConfiguration":
            return nil
        case "shutdown":
            shuttingDown = true
            return nil
        case "textDocument/didOpen":
            let doc = params["textDocument"] as? [String: Any] ?? [:]
            guard let uri = doc["uri"] as? String, let text = doc["text"] as? String else { return nil }
            documents[uri] = text
            publish(uri)
            return nil
        case "textDocument/didChange":
            guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String,
                let text = (params["contentChanges"] as? [[String: Any]])?.last?["text"] as? String
            else { return nil }
            documents[uri] = text
            publish(uri)
            return nil
        case "workspace/didChangeWatchedFiles":
            // The editor watches the settings files: read them again and check the open contracts against them.
            openWorkspace()
            for open in documents.keys { publish(open) }
            return nil
        case "textDocument/didSave":
            // A save of the settings changes what contracts are checked against: read them again.
            if let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String, !uri.hasSuffix(".ard") {
                openWorkspace()
                for open in documents.keys { publish(open) }
            }
            return nil
        case "textDocument/didClose":
            if let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String {
                documents[uri] = nil
                channel.write([
                    "method": "textDocument/publishDiagnostics", "params": ["uri": uri, "diagnostics": [Any]()]
                ])
            }
            return nil
        case "textDocument/hover":
            return try hover(params)
        case "textDocument/definition":
            return try definition(params)
        case "textDocument/formatting":
            return try formatting(params)
        case "textDocument/completion":
            return try completion(params)
        default:
            throw RequestFailure(code: -32601, message: "method not supported: \(method)")
        }
    }

    // MARK: the workspace

    private func openWorkspace() {
        guard let configPath else {
            workspaceProblem = "no ardoise.yaml: open the folder that holds it, or start `ardoise lsp --config FILE`"
            return
        }
        do {
            workspace = try Installation.open(configPath: configPath)
            workspaceProblem = nil
        } catch {
            workspace = nil
            workspaceProblem = "\(error)"
        }
    }

    private var context: ContractContext {
        workspace?.contractContext(today: today) ?? ContractContext(today: today)
    }

    private func checked(_ uri: String) throws -> CheckedFile {
        guard let text = documents[uri] else {
            throw RequestFailure(code: -32602, message: "document not open: \(uri)")
        }
        return CheckedFile(path: Self.path(ofURI: uri) ?? uri, text: text, context: context)
    }

    // MARK: diagnostics

    private func publish(_ uri: String) {
        guard let file = try? checked(uri) else { return }
        var out: [[String: Any]] = file.diagnostics.filter { $0.file == file.source.path }.map {
            lsp($0, in: file.source, uri: uri)
        }
        if let workspaceProblem {
            out.insert(
                [
                    "range": Self.range(line: 0, from: 0, to: 0), "severity": 2, "source": "ardoise",
                    "message": "the settings could not be read, names are not checked: \(workspaceProblem)"
                ], at: 0)
        }
        channel.write(["method": "textDocument/publishDiagnostics", "params": ["uri": uri, "diagnostics": out]])
    }

    private func lsp(_ d: Diagnostic, in source: SourceFile, uri: String) -> [String: Any] {
        var message = d.message
        if let help = d.help { message += "\nhelp: \(help)" }
        var out: [String: Any] = [
            "range": d.range.map { Self.lspRange($0, in: source) } ?? Self.range(line: 0, from: 0, to: 0),
            "severity": d.severity == .error ? 1 : d.severity == .warning ? 2 : 3,
            "code": d.code, "source": "ardoise", "message": message
        ]
        let related: [[String: Any]] = d.notes.compactMap { note in
            guard let range = note.range else { return nil }
            return ["location": ["uri": uri, "range": Self.lspRange(range, in: source)], "message": note.message]
        }
        if !related.isEmpty { out["relatedInformation"] = related }
        return out
    }

    // MARK: hover, definition, completion, formatting

    private struct Place {
        var file: CheckedFile
        var line: Int  // 1-based
        var token: Token?
    }

    private func place(_ params: [String: Any]) throws -> Place {
        guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String,
            let position = params["position"] as? [String: Any],
            let line = position["line"] as? Int, let character = position["character"] as? Int
        else {
            throw RequestFailure(code: -32602, message: "a textDocument and a position are needed")
        }
        let file = try checked(uri)
        let offset = Self.offset(line: line, utf16: character, in: file.source)
        let token = file.lines.first { $0.number == line + 1 }?.tokens.first { $0.start <= offset && offset <= $0.end }
        return Place(file: file, line: line + 1, token: token)
    }

    private func hover(_ params: [String: Any]) throws -> Any? {
        let at = try place(params)
        var parts: [String] = []
        if let token = at.token, token.kind == .word, let settings = workspace?.settings {
            let word = token.text
            if let client = settings.clients.first(where: { $0.code == word }) {
                parts.append("**\(client.code)**: \(client.legalName), sites \(client.sites.joined(separator: ", "))")
            }
            if let site = settings.sites.first(where: { $0.code == word }) {
                parts.append("**\(site.code)**: site \(site.name)")
            }
            if let type = settings.revenueTypes.first(where: { $0.code == word }) {
                parts.append(
                    "**\(type.code)**: revenue type \"\(type.label)\" at \(type.vatRate) % VAT, account \(type.revenueAccount)"
                )
            }
        }
        let role = at.line - 1 < at.file.roles.count ? at.file.roles[at.line - 1] : .blank
        if role == .term || role == .termDetail,
            let billed = lastBilled(termLine: termLine(of: at.line, in: at.file), file: at.file)
        {
            parts.append(billed)
        }
        guard !parts.isEmpty else { return nil }
        return ["contents": ["kind": "markdown", "value": parts.joined(separator: "\n\n")]]
    }

    /// The line of the term a detail line belongs to (the term's own line for a term line).
    private func termLine(of line: Int, in file: CheckedFile) -> Int {
        var l = line
        while l > 1, l - 1 < file.roles.count, file.roles[l - 1] == .termDetail { l -= 1 }
        return l
    }

    /// What the term at `termLine` billed on the client's last issued invoice that has lines of it.
    private func lastBilled(termLine: Int, file: CheckedFile) -> String? {
        // The ledger is looked for where it is kept (a SQLite file, or a PostgreSQL database holding its tables):
        // never made by a hover.
        guard let client = file.syntax.client?.value, let workspace, (try? workspace.ledgerExists()) == true,
            let ledger = try? workspace.openLedger()
        else { return nil }
        guard let issued = try? ledger.invoices(status: .issued, client: client) else { return nil }
        for invoice in issued.sorted(by: { ($0.periodEnd, $0.issueDate) > ($1.periodEnd, $1.issueDate) }) {
            guard let id = invoice.id, let stored = try? ledger.invoice(id: id) else { continue }
            let lines = stored.lines.filter { $0.termLine == termLine }
            guard !lines.isEmpty else { continue }
            let rows = lines.map { "- \($0.label): \($0.quantity) × \($0.price) = \($0.netAmount) HT" }
            return "Last billed on \(invoice.number ?? "#\(id)") (\(invoice.periodStart)..\(invoice.periodEnd)), "
                + "by this term as it was then:\n" + rows.joined(separator: "\n")
        }
        return nil
    }

    private func definition(_ params: [String: Any]) throws -> Any? {
        let at = try place(params)
        guard let token = at.token, token.kind == .word, let workspace else { return nil }
        let word = token.text
        // A client's entry is known by position; sites and revenue types are found by their `code:` line.
        if let client = workspace.contractContext(today: today).clients[word], let file = client.file,
            let line = client.line
        {
            return location(file: file, line: line)
        }
        let known =
            workspace.settings.sites.contains { $0.code == word }
            || workspace.settings.revenueTypes.contains { $0.code == word }
        guard known else { return nil }
        for (path, source) in workspace.settingsSources.sorted(by: { $0.key < $1.key }) {
            for line in 1...max(1, source.lineStarts.count) {
                let text = source.lineText(line)
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                let stripped = trimmed.hasPrefix("- ") ? String(trimmed.dropFirst(2)) : trimmed
                if stripped == "code: \(word)" || stripped == "code: \"\(word)\"" {
                    return location(file: path, line: line)
                }
            }
        }
        return nil
    }

    private func location(file: String, line: Int) -> [String: Any] {
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        return [
            "uri": URL(fileURLWithPath: absolute).absoluteString, "range": Self.range(line: line - 1, from: 0, to: 0)
        ]
    }

    private func formatting(_ params: [String: Any]) throws -> Any? {
        guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String else {
            throw RequestFailure(code: -32602, message: "a textDocument is needed")
        }
        let file = try checked(uri)
        guard let formatted = Formatter.format(file), formatted != file.source.text else { return [Any]() }
        let lastLine = file.source.lineStarts.count - 1
        let end = ["line": lastLine, "character": file.source.lineText(lastLine + 1).utf16.count]
        return [["range": ["start": ["line": 0, "character": 0], "end": end], "newText": formatted]]
    }

    private func completion(_ params: [String: Any]) throws -> Any? {
        let at = try place(params)
        guard let settings = workspace?.settings else { return [Any]() }
        let client = at.file.syntax.client.flatMap { c in settings.clients.first { $0.code == c.value } }
        var items: [[String: Any]] = []
        for site in (client?.sites ?? settings.sites.map(\.code)) {
            items.append(["label": site, "kind": 12, "detail": settings.sites.first { $0.code == site }?.name ?? "site"]
            )
        }
        for category in client?.dinerCategories ?? [] {
            items.append(["label": category, "kind": 20, "detail": "diner category of \(client?.code ?? "")"])
        }
        for type in settings.revenueTypes {
            items.append(["label": type.code, "kind": 13, "detail": "\(type.label), \(type.vatRate) % VAT"])
        }
        return ["isIncomplete": false, "items": items]
    }

    // MARK: positions (LSP: 0-based lines, UTF-16 columns; ours: 1-based lines, columns in characters)

    static func path(ofURI uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.path
    }

    static func range(line: Int, from: Int, to: Int) -> [String: Any] {
        ["start": ["line": line, "character": from], "end": ["line": line, "character": to]]
    }

    static func lspRange(_ r: SourceRange, in source: SourceFile) -> [String: Any] {
        ["start": lspPosition(r.start, in: source), "end": lspPosition(r.end, in: source)]
    }

    static func lspPosition(_ p: SourceLocation, in source: SourceFile) -> [String: Any] {
        let text = source.lineText(p.line)
        let prefix = text.prefix(max(0, p.column - 1))
        return ["line": max(0, p.line - 1), "character": String(prefix).utf16.count]
    }

    /// The UTF-8 offset in the file of a 0-based line and UTF-16 column.
    static func offset(line: Int, utf16 column: Int, in source: SourceFile) -> Int {
        guard line >= 0, line < source.lineStarts.count else { return source.utf8.count }
        let text = source.lineText(line + 1)
        let units = Array(text.utf16.prefix(max(0, column)))
        let prefix = String(decoding: units, as: UTF16.self)
        return source.lineStarts[line] + prefix.utf8.count
    }
}
