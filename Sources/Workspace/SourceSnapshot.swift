import Foundation
import Settings

/// What a file looked like when read: its size and modification time (nanoseconds), or absent.
/// Two equal lists of stamps taken before and after a read mean the read saw one version of every file.
struct SourceStamp: Equatable, Sendable {
    var path: String
    var size: Int64
    var seconds: Int
    var nanoseconds: Int

    static func of(_ path: String) -> SourceStamp {
        var info = stat()
        guard stat(path, &info) == 0 else { return SourceStamp(path: path, size: -1, seconds: 0, nanoseconds: 0) }
        return SourceStamp(
            path: path, size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
    }

    /// The configuration file, the settings files, and every contract file of the rules folder (the listing
    /// itself is part of the stamp: a contract added or removed is a change).
    static func all(configPath: String, config: ArdoiseConfig?) -> [SourceStamp] {
        var paths = [configPath]
        if let config { paths += config.settingsFiles + ContractFiles.paths(in: [config.rulesDirectory]) }
        return paths.map(of)
    }
}

/// The configuration, settings and contracts a command works from are read once, together, at
/// `Installation.open`: a run that lasts minutes bills, validates and renders with one version of them
/// even if someone edits or deploys a contract meanwhile. A file that changes while it is being read
/// (an editor saving, a deployment half done) is read again; one that keeps changing stops the command
/// before anything is done.
public struct SourceSnapshot: Sendable {
    /// How many times the files are read before giving up, and the pause between two tries.
    static let attempts = 5
    static let pause: useconds_t = 200_000

    let stamps: [SourceStamp]
    let configPath: String
    let config: ArdoiseConfig?

    /// The files changed, added or removed since they were read (for the run to say it billed with the
    /// version read at its start, and that the next run uses the new one).
    public func changedSinceRead() -> [String] {
        let now = SourceStamp.all(configPath: configPath, config: config)
        let before = Dictionary(stamps.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(now.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }
}
