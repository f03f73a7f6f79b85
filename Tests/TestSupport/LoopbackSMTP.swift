import Foundation

/// A real SMTP server on 127.0.0.1, run by `Tests/MailDispatchTests/Resources/smtp_server.py`
/// (aiosmtpd), for tests that send mail: `accept` stores each message as
/// `N.json`, `refuse` answers 550, `later` 451, `drop` closes the connection.
public final class LoopbackSMTP {
    public static let script = Repository.root.appendingPathComponent(
        "Tests/MailDispatchTests/Resources/smtp_server.py")

    /// Whether the test Python has aiosmtpd (always true in CI, so a missing tool fails loudly).
    public static let available: Bool = Tools.pythonHas("aiosmtpd")

    /// A loopback port nothing listens on (bound, then released).
    public static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    let process = Process()
    let input = Pipe()
    public let folder = Repository.temporaryDirectory("ardoise-smtp")
    public let port: Int

    public init(mode: String) throws {
        let started = try Tools.startLoopbackServer(
            process, script: Self.script.path, arguments: [mode, folder.path], input: input)
        guard let p = started.port else { throw ServerError(message: "the SMTP server did not start: \(started.line)") }
        port = p
    }

    /// How many messages the server stored.
    public var receivedCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }
            .count
    }

    /// The n-th message stored (1-based): mail_from, rcpt_tos, subject, to, message_id, body, attachments.
    public func received(_ n: Int) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(n).json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ServerError(message: "message \(n) is not a JSON object")
        }
        return object
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    public struct ServerError: Error { public var message: String }
}
