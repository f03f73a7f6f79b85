import Diagnostics
import Foundation
import Logging

/// One JSON object per line for log collectors (journald, Loki, ELK):
/// `{"at":…,"level":…,"message":…,"label":…, metadata…}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable (String) -> Void

    public init(
        label: String, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("at", JSON.string(ISO8601DateFormatter().string(from: Date()))),
            ("level", JSON.string(event.level.rawValue)),
            ("label", JSON.string(label)),
            ("message", JSON.string(event.message.description))
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (k, v) in merged.sorted(by: { $0.key < $1.key }) { fields.append((k, JSONLogHandler.encode(v))) }
        write(JSON.object(fields) + "\n")
    }

    static func encode(_ v: Logger.MetadataValue) -> String {
        switch v {
        case .string(let s): return JSON.string(s)
        case .stringConvertible(let c): return JSON.string(c.description)
        case .array(let a): return JSON.array(a.map(encode))
        case .dictionary(let d): return JSON.object(d.sorted { $0.key < $1.key }.map { ($0.key, encode($0.value)) })
        }
    }
}

/// One line per event for people: `2026-11-02T06:00:01Z info import: file=… status=imported`.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let pairs = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        write(
            "\(ISO8601DateFormatter().string(from: Date())) \(event.level) \(event.message)\(pairs.isEmpty ? "" : " " + pairs)\n"
        )
    }
}

/// An exclusive lock on a file beside the database (flock): two scheduled
/// runs at once cannot both bill. Released when the process ends, even on a crash.
public final class RunLock {
    let fd: Int32
    public let path: String

    /// Takes the lock, or returns nil when another process holds it.
    public init?(path: String) throws {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WorkspaceError("cannot open the lock file `\(path)`: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
        self.path = path
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    /// The lock file of the database at `database`: beside the real file, symbolic
    /// links (of the file and of its folders) resolved, so that two paths to one
    /// ledger take one lock. A path that does not resolve is kept as given.
    public static func path(beside database: String) -> String {
        guard let resolved = realpath(database, nil) else { return database + ".lock" }
        defer { free(resolved) }
        return String(cString: resolved) + ".lock"
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
