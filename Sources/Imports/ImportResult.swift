import Diagnostics
import Foundation
import Ledger

/// What an import did with one file.
public enum ImportStatus: String, Sendable, Codable, Hashable {
    /// First delivery of this file, stored.
    case imported
    /// The same content was already imported: nothing written.
    case unchanged
    /// A corrected re-delivery of an unbilled site-day: the new version is current.
    case replaced
    /// A corrected re-delivery of a site-day already on a validated invoice:
    /// stored beside the billed version, late revenue recorded.
    case conflict
    /// The file could not be read at all (bad name, bad header, not a file): nothing written.
    case refused
}

/// A line of a file and what is wrong with it.
public struct LineIssue: Sendable, Codable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    /// A reason quotes the field at fault: cut at 1,000 bytes, so that kept issues stay small whatever a row holds.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason =
            reason.utf8.count > 1_000 ? String(decoding: reason.utf8.prefix(1_000), as: UTF8.self) + "…" : reason
    }
    public var description: String { "line \(line): \(reason)" }
}

/// The outcome of importing one file.
public struct ImportResult: Sendable, Codable, Hashable {
    /// The path as given.
    public var file: String
    public var status: ImportStatus
    /// Rows kept (ticket lines, or order revisions read).
    public var rows: Int
    /// The first rejected rows (at most `ImportBounds.keptRejections`); `rejectedCount` counts them all.
    public var rejected: [LineIssue]
    /// Every rejected row, those beyond the ones kept included.
    public var rejectedCount: Int
    /// The first warnings (as many as rejected rows are kept); `warningCount` counts them all.
    public var warnings: [LineIssue]
    public var warningCount: Int
    /// Event order revisions delivered again with other content: kept beside the stored one.
    public var conflicts: [LineIssue]
    /// Client codes of kept rows that no settings know: their revenue is unbilled.
    public var unknownClients: [String]
    /// Why a file was refused, or what a conflict concerns.
    public var message: String?
    /// The ledger id of the stored file version (nil when refused).
    public var fileID: Int64?
    /// For a conflict: the file versions validated invoices used (invoice
    /// numbers will be found from them once invoices exist).
    public var billedFileIDs: [Int64]

    public init(
        file: String, status: ImportStatus, rows: Int = 0, rejected: [LineIssue] = [],
        warnings: [LineIssue] = [], unknownClients: [String] = [], message: String? = nil,
        fileID: Int64? = nil, billedFileIDs: [Int64] = []
    ) {
        self.file = file; self.status = status; self.rows = rows; self.rejected = rejected
        self.warnings = warnings; self.unknownClients = unknownClients; self.message = message
        self.fileID = fileID; self.billedFileIDs = billedFileIDs
        self.rejectedCount = rejected.count; self.warningCount = warnings.count; self.conflicts = []
    }

    static func refused(_ file: String, _ reason: String) -> ImportResult {
        ImportResult(file: file, status: .refused, message: reason)
    }

    static func refused(_ file: String, _ refusal: Refusal) -> ImportResult {
        var r = ImportResult(file: file, status: .refused, rejected: refusal.rejected, message: refusal.reason)
        r.rejectedCount = refusal.rejectedCount
        return r
    }

    /// Counts a rejected row; true when it is among those kept (result and quarantine).
    mutating func countRejection(_ issue: LineIssue) -> Bool {
        rejectedCount += 1
        guard rejected.count < ImportBounds.keptRejections else { return false }
        rejected.append(issue)
        return true
    }

    /// Counts a warning; true when it is among those kept.
    mutating func countWarning(_ issue: LineIssue) -> Bool {
        warningCount += 1
        guard warnings.count < ImportBounds.keptRejections else { return false }
        warnings.append(issue)
        return true
    }

    /// A file that had rows and kept none is a failure, not an empty day:
    /// the refusal that rolls it back, with the first rejections.
    func everyRowRejected(rows: Int) -> Refusal? {
        guard rows == 0, rejectedCount > 0 else { return nil }
        return Refusal(
            reason: "every row was rejected (\(rejectedCount)): nothing imported, the file must be delivered again",
            rejected: rejected, rejectedCount: rejectedCount)
    }

    /// The findings as diagnostics for the shared renderers: rejected rows and
    /// refusals are errors, warnings and unknown clients warnings.
    public var diagnostics: [Diagnostic] {
        func at(_ line: Int) -> SourceRange {
            SourceRange(start: SourceLocation(line: line, column: 1), end: SourceLocation(line: line, column: 1))
        }
        var out: [Diagnostic] = []
        if status == .refused {
            out.append(.error("E1201", message ?? "file refused", file: file, range: nil))
        }
        if status == .conflict && conflicts.isEmpty {
            out.append(
                .warning(
                    "W1204", message ?? "corrected re-delivery of billed revenue", file: file, range: nil,
                    help: "the difference is recorded as late revenue for the next invoice"))
        }
        out += conflicts.map {
            .error(
                "E1205", $0.reason, file: file, range: at($0.line),
                help: "both versions are kept and the order is held from billing until a later revision supersedes them"
            )
        }
        out += rejected.map {
            .error("E1202", $0.reason, file: file, range: at($0.line), help: "the row is kept in quarantine")
        }
        if rejectedCount > rejected.count {
            out.append(
                .error(
                    "E1202",
                    "\(rejectedCount - rejected.count) more rows rejected (\(rejectedCount) in all; the first "
                        + "\(rejected.count) are listed and kept in quarantine)", file: file, range: nil))
        }
        out += warnings.map { .warning("W1202", $0.reason, file: file, range: at($0.line)) }
        out += unknownClients.map {
            .warning(
                "W1203", "client `\($0)` is known to no settings: its revenue is unbilled", file: file, range: nil,
                help: "add the client to the settings, then bill it")
        }
        return out
    }
}

/// A reason the whole file is refused, thrown inside the import transaction
/// so that nothing is written.
struct Refusal: Error {
    var reason: String
    /// The first rejected rows of a file refused because every row was.
    var rejected: [LineIssue] = []
    var rejectedCount = 0
}

/// Thrown inside the transaction when the content proves identical to the
/// current version: rolls back and reports `unchanged`.
struct Unchanged: Error {
    var previous: Int64
}
