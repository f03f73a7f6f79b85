import Foundation
import Testing
import TestSupport

/// A client of the Language Server Protocol, written here: it starts `ardoise lsp` with pipes, frames JSON-RPC
/// messages with `Content-Length` as an editor does, and reads what the server sends back.
final class LSPClient {
    let process = Process()
    private let toServer = Pipe()
    private let fromServer = Pipe()
    private var buffer: [UInt8] = []
    private var nextID = 1

    init(in directory: URL, arguments: [String] = []) throws {
        guard let url = Executable.url else { throw HarnessError("the ardoise executable is not built") }
        process.executableURL = url
        process.arguments = ["lsp", "--date", "2026-11-02"] + arguments
        process.currentDirectoryURL = directory
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A server that stops answering must not hang the suite.
        let p = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if p.isRunning { p.terminate() } }
    }

    func send(_ message: [String: Any]) throws {
        var object = message
        object["jsonrpc"] = "2.0"
        let body = try JSONSerialization.data(withJSONObject: object)
        toServer.fileHandleForWriting.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    func sendRaw(_ text: String) { toServer.fileHandleForWriting.write(Data(text.utf8)) }

    func notify(_ method: String, _ params: [String: Any]) throws { try send(["method": method, "params": params]) }

    /// Sends a request and returns its response (notifications read meanwhile are kept in `notifications`).
    func request(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        try send(["id": id, "method": method, "params": params])
        return try next { ($0["id"] as? Int) == id }
    }

    var notifications: [[String: Any]] = []

    /// The next message satisfying `wanted`; the others received meanwhile are kept as notifications.
    func next(_ wanted: ([String: Any]) -> Bool) throws -> [String: Any] {
        if let i = notifications.firstIndex(where: wanted) { return notifications.remove(at: i) }
        while true {
            let message = try readMessage()
            if wanted(message) { return message }
            notifications.append(message)
        }
    }

    func diagnostics(for uri: String) throws -> [[String: Any]] {
        let message = try next {
            ($0["method"] as? String) == "textDocument/publishDiagnostics"
                && (($0["params"] as? [String: Any])?["uri"] as? String) == uri
        }
        return (message["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]] ?? []
    }

    private func readMessage() throws -> [String: Any] {
        var length = -1
        while true {
            let line = try readLine()
            if line.isEmpty, length >= 0 { break }
            if line.lowercased().hasPrefix("content-length:") {
                length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? -1
            }
        }
        while buffer.count < length { try fill() }
        let body = Data(buffer[..<length])
        buffer.removeFirst(length)
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw HarnessError("not a JSON object")
        }
        return object
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<i], as: UTF8.self).trimmingCharacters(in: .newlines)
                buffer.removeFirst(i + 1)
                return line
            }
            try fill()
        }
    }

    private func fill() throws {
        let data = fromServer.fileHandleForReading.availableData
        if data.isEmpty { throw HarnessError("the server closed its output") }
        buffer += data
    }

    func finish() -> Int32 {
        try? toServer.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite struct LanguageServerTests {
    static func position(_ line: Int, _ character: Int) -> [String: Any] { ["line": line, "character": character] }

    @Test func anEditorSeesDiagnosticsHoverDefinitionFormattingAndCompletion() throws {
        let ws = try ScratchWorkspace()
        let contract = ws.dir.appendingPathComponent("rules/c0001.ard")
        let uri = contract.absoluteString
        let text = try String(contentsOf: contract, encoding: .utf8)
        let lsp = try LSPClient(in: ws.dir)

        // The settings are found at the root the editor opens.
        let initialized = try lsp.request(
            "initialize", ["processId": NSNull(), "rootUri": ws.dir.absoluteString, "capabilities": [:]])
        let capabilities = (initialized["result"] as? [String: Any])?["capabilities"] as? [String: Any] ?? [:]
        #expect(
            capabilities["hoverProvider"] as? Bool == true
                && capabilities["documentFormattingProvider"] as? Bool == true)
        try lsp.notify("initialized", [:])

        // A site the settings do not know: an error at the name, as lint says it, while typing.
        let wrong = text.replacingOccurrences(of: "  sites LD01, PA02\n", with: "  sites LD01, ZZ99\n")
        try lsp.notify(
            "textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "ardoise", "version": 1, "text": wrong]]
        )
        let found = try lsp.diagnostics(for: uri)
        let error = try #require(found.first { ($0["severity"] as? Int) == 1 }, "\(found)")
        let start = (error["range"] as? [String: Any])?["start"] as? [String: Any]
        #expect(start?["line"] as? Int == 2 && start?["character"] as? Int == 14, "\(error)")
        #expect(
            (error["message"] as? String)?.contains("ZZ99") == true
                && (error["code"] as? String)?.hasPrefix("E") == true, "\(error)")

        // Corrected: no diagnostic left.
        try lsp.notify(
            "textDocument/didChange", ["textDocument": ["uri": uri, "version": 2], "contentChanges": [["text": text]]])
        #expect(try lsp.diagnostics(for: uri).isEmpty)

        // Hover on the client's code: the client as the settings define it.
        let hover = try lsp.request(
            "textDocument/hover", ["textDocument": ["uri": uri], "position": Self.position(1, 9)])
        let value = ((hover["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String ?? ""
        #expect(value.contains("**C0001**") && value.contains("LD01"), "\(hover)")

        // Go to the settings entry of a site.
        let definition = try lsp.request(
            "textDocument/definition", ["textDocument": ["uri": uri], "position": Self.position(2, 9)])
        let location = definition["result"] as? [String: Any]
        #expect((location?["uri"] as? String)?.hasSuffix("/settings.yaml") == true, "\(definition)")
        let settings = try String(contentsOf: ws.dir.appendingPathComponent("settings.yaml"), encoding: .utf8)
            .components(separatedBy: "\n")
        let line = ((location?["range"] as? [String: Any])?["start"] as? [String: Any])?["line"] as? Int ?? -1
        #expect(line >= 0 && line < settings.count && settings[line].contains("code: LD01"), "line \(line)")

        // Formatting gives the canonical layout of `ardoise fmt`: the same for the file and a messy copy of it.
        func formatted(_ version: Int, _ content: String) throws -> String {
            try lsp.notify(
                "textDocument/didChange",
                ["textDocument": ["uri": uri, "version": version], "contentChanges": [["text": content]]])
            _ = try lsp.diagnostics(for: uri)
            let r = try lsp.request(
                "textDocument/formatting",
                ["textDocument": ["uri": uri], "options": ["tabSize": 2, "insertSpaces": true]])
            return (r["result"] as? [[String: Any]])?.first?["newText"] as? String ?? content
        }
        let canonical = try formatted(3, text)
        #expect(canonical.contains("\n  sites LD01, PA02\n"))
        let messy = text.replacingOccurrences(of: "  sites LD01, PA02\n", with: "     sites   LD01 ,PA02\n")
        #expect(try formatted(4, messy) == canonical)

        // Completion offers the client's sites and the revenue types.
        let completion = try lsp.request(
            "textDocument/completion", ["textDocument": ["uri": uri], "position": Self.position(2, 8)])
        let labels = ((completion["result"] as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap {
            $0["label"] as? String
        }
        #expect(labels.contains("LD01") && labels.contains("PA02") && labels.contains("SUBV"), "\(labels)")

        // A request it does not know is answered with an error, and the server goes on.
        let unknown = try lsp.request(
            "textDocument/rename", ["textDocument": ["uri": uri], "position": Self.position(1, 9)])
        #expect((unknown["error"] as? [String: Any])?["code"] as? Int == -32601)

        #expect(try lsp.request("shutdown")["result"] is NSNull)
        try lsp.notify("exit", [:])
        #expect(lsp.finish() == 0)
    }

    @Test func hoveringATermShowsWhatItBilledOnTheLastInvoice() throws {
        let ws = try ScratchWorkspace()
        expectRuns(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02"))
        expectRuns(try ws.run("validate", "--all", "--date", "2026-11-02"))
        let contract = ws.dir.appendingPathComponent("rules/c0001.ard")
        let text = try String(contentsOf: contract, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let category = try #require(lines.firstIndex { $0.hasPrefix("    category A:") })
        let lsp = try LSPClient(in: ws.dir, arguments: ["--config", "ardoise.yaml"])
        _ = try lsp.request("initialize", ["processId": NSNull(), "rootUri": NSNull(), "capabilities": [:]])
        try lsp.notify(
            "textDocument/didOpen",
            [
                "textDocument": [
                    "uri": contract.absoluteString, "languageId": "ardoise", "version": 1,
                    "text": text
                ]
            ])
        let hover = try lsp.request(
            "textDocument/hover",
            [
                "textDocument": ["uri": contract.absoluteString],
                "position": Self.position(category, 6)
            ])
        let value = ((hover["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String ?? ""
        #expect(
            value.contains("Last billed on FA-2026-") && value.contains("Subvention employeur catégorie A"), "\(hover)")
        _ = try lsp.request("shutdown")
        try lsp.notify("exit", [:])
        #expect(lsp.finish() == 0)
    }

    @Test func aMalformedMessageOrAnExitWithoutShutdownExits1() throws {
        let ws = try ScratchWorkspace()
        let broken = try LSPClient(in: ws.dir)
        broken.sendRaw("Content-Length: not-a-number\r\n\r\n{}")
        #expect(broken.finish() == 1)

        let abrupt = try LSPClient(in: ws.dir, arguments: ["--config", "ardoise.yaml"])
        _ = try abrupt.request("initialize", ["processId": NSNull(), "rootUri": NSNull(), "capabilities": [:]])
        try abrupt.notify("exit", [:])
        #expect(abrupt.finish() == 1)
    }
}
