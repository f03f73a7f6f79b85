import Foundation
import Ledger
import Testing
import TestSupport

/// A small realistic workspace (`ardoise-dev demo generate --sites 2 --clients 12`,
/// `ardoise init`, its inbox imported) copied into a temporary folder for each test.
struct ScratchWorkspace {
    let dir: URL

    /// Generated and imported once, then copied: each test has its own.
    private static let template: Result<URL, HarnessError> = {
        let dir = Repository.temporaryDirectory("ardoise-cli-template")
        do {
            let ws = try Executable.demoWorkspace(in: dir)
            let imported = try Executable.run(["import"], in: ws)
            guard imported.status == 0 else { return .failure(HarnessError("import failed: \(imported)")) }
            return .success(ws)
        } catch {
            return .failure(HarnessError("\(error)"))
        }
    }()

    init(edit: (URL) throws -> Void = { _ in }) throws {
        let template = try Self.template.get()
        dir = Repository.temporaryDirectory("ardoise-cli")
        try FileManager.default.removeItem(at: dir)
        // On PostgreSQL the ledger is not in the folder: each workspace gets its own copy of the template's database.
        try TestEngine.copy(workspace: template, to: dir)
        try edit(dir)
    }

    /// Runs `ardoise` in the workspace.
    @discardableResult
    func run(_ arguments: String...) throws -> Execution { try Executable.run(arguments, in: dir) }
    func run(_ arguments: [String]) throws -> Execution { try Executable.run(arguments, in: dir) }
    /// Runs the development tool `ardoise-dev` (`demo`, `bench`) in the workspace.
    @discardableResult
    func dev(_ arguments: String...) throws -> Execution { try Executable.run(arguments, in: dir, tool: .ardoiseDev) }
    func dev(_ arguments: [String]) throws -> Execution { try Executable.run(arguments, in: dir, tool: .ardoiseDev) }
    /// Runs `ardoise` with the binary's today set to `today`.
    func run(today: String, _ arguments: String...) throws -> Execution {
        try Executable.run(arguments, in: dir, environment: ["ARDOISE_TODAY": today])
    }

    func ledger() throws -> LedgerDatabase { try TestEngine.ledger(of: dir) }

    /// Replaces `old` with `new` in a file of the workspace; fails the test when `old` is absent.
    func replace(_ old: String, with new: String, in file: String) throws {
        let url = dir.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard text.contains(old) else { throw HarnessError("`\(old)` not in \(file)") }
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// The output with the workspace's temporary path replaced by `$WORKSPACE`, for golden files.
    func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: dir.standardizedFileURL.path, with: "$WORKSPACE")
            .replacingOccurrences(of: dir.path, with: "$WORKSPACE")
    }

    /// Every document of the ledger: (status, client) pairs, and the audit log's size: what a command changed.
    func ledgerState() throws -> [String] {
        let ledger = try self.ledger()
        let docs = try ledger.invoices(includeDiscarded: true).map {
            "\($0.id ?? 0) \($0.status.rawValue) \($0.number ?? "-") \($0.client)"
        }
        let outbox = try ledger.outbox(status: nil).map {
            "mail \($0.number) \($0.message.status.rawValue) \($0.message.nextAttemptAt ?? "-")"
        }
        return docs + outbox + ["audit entries: \(try ledger.auditLog().count)", "outbox: \(outbox.count)"]
    }
}

/// Expects a command to have exited with `status` (0 by default), printing the whole execution when not.
func expectRuns(_ r: Execution, _ status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == status, "\(r)", sourceLocation: sourceLocation)
}
