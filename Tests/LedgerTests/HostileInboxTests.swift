import Foundation
@testable import Imports
import Ledger
import Testing
import TestSupport

/// The inbox is hostile ground: only regular files are read; anything else
/// named like a register or event-order file is refused with a line naming
/// it, the rest of the inbox is imported, and nothing hangs.
@Suite struct HostileInbox {
    /// A Unix socket bound at `path` (left for the OS to clean up with the folder).
    static func bindSocket(at path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return fd
    }

    @Test func onlyRegularFilesAreReadAndTheRestOfTheInboxIsImported() throws {
        let (ledger, dir) = try freshLedger()
        let inbox = dir.appendingPathComponent("inbox")
        let fm = FileManager.default
        try fm.createDirectory(at: inbox, withIntermediateDirectories: true)
        func at(_ name: String) -> String { inbox.appendingPathComponent(name).path }
        try fm.copyItem(
            atPath: samples.appendingPathComponent("PIE_LD01_20261005.csv").path, toPath: at("PIE_LD01_20261005.csv"))
        #expect(mkfifo(at("PIE_LD01_20261102.csv"), 0o644) == 0)
        let socketFD = Self.bindSocket(at: at("PIE_LD01_20261103.csv"))
        defer { close(socketFD) }
        try fm.createDirectory(atPath: at("PIE_LD01_20261104.csv"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: at("EVT_20261105.jsonl"), withDestinationPath: at("EVT_20261105.jsonl"))
        try fm.createSymbolicLink(atPath: at("PIE_LD01_20261106.csv"), withDestinationPath: at("gone.csv"))
        try fm.createSymbolicLink(atPath: at("PIE_LD01_20261107.csv"), withDestinationPath: "/dev/zero")

        // Whatever happens, the import must come back: a hang fails the test instead of the suite.
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        DispatchQueue.global().async {
            box.results = Importer(ledger: ledger).importPaths([inbox])
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 60) == .success, "the import hung")
        let results = box.results
        func result(_ name: String) -> ImportResult? { results.first { $0.file.hasSuffix("/" + name) } }

        #expect(results.count == 7)
        #expect(result("PIE_LD01_20261005.csv")?.status == .imported)
        let expected = [
            ("PIE_LD01_20261102.csv", "a named pipe (FIFO), not a regular file"),
            ("PIE_LD01_20261103.csv", "socket"),
            ("PIE_LD01_20261104.csv", "a directory, not a regular file"),
            ("EVT_20261105.jsonl", "a symbolic link that loops"),
            ("PIE_LD01_20261106.csv", "a symbolic link to nothing"),
            ("PIE_LD01_20261107.csv", "a character device, not a regular file")
        ]
        for (name, reason) in expected {
            let r = result(name)
            #expect(r?.status == .refused, "\(name): \(String(describing: r))")
            #expect(r?.message?.contains(reason) == true, "\(name): \(r?.message ?? "no message")")
            #expect(r?.message?.contains(name) == true, "the refusal names the file: \(r?.message ?? "")")
            #expect(r?.diagnostics.first?.code == "E1201")
        }
        // Only the regular file's revenue is in the ledger.
        #expect(try count(ledger, "SELECT COUNT(DISTINCT file_id) FROM ticket_line") == 1)
    }

    @Test func aFileThatChangesWhileReadIsRefused() throws {
        let dir = Repository.temporaryDirectory("inbox-changing")
        let url = dir.appendingPathComponent("PIE_LD01_20261005.csv")
        try Data(contentsOf: samples.appendingPathComponent("PIE_LD01_20261005.csv")).write(to: url)
        var reader = try ChunkReader(url: url)
        defer { reader.close() }
        // The transfer goes on writing after the reader opened the file.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("LD01;2026-10-05;13:59:00;T9999;ACME;A;SELF;Plat;1;9,50\n".utf8))
        try handle.close()
        #expect {
            while try reader.fill(keepingFrom: reader.end) {}
        } throws: { error in
            (error as? Refusal)?.reason.contains("changed while being read") == true
        }
    }

    @Test func aFileThatVanishesWhileReadIsRefused() throws {
        let dir = Repository.temporaryDirectory("inbox-vanishing")
        let url = dir.appendingPathComponent("PIE_LD01_20261005.csv")
        try Data(contentsOf: samples.appendingPathComponent("PIE_LD01_20261005.csv")).write(to: url)
        var reader = try ChunkReader(url: url)
        defer { reader.close() }
        try FileManager.default.removeItem(at: url)
        #expect {
            while try reader.fill(keepingFrom: reader.end) {}
        } throws: { error in
            (error as? Refusal)?.reason.contains("vanished while being read") == true
        }
    }
}

final class ResultBox: @unchecked Sendable {
    var results: [ImportResult] = []
}
