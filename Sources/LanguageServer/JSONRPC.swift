import Foundation

/// JSON-RPC 2.0 messages framed as the Language Server Protocol frames them: a `Content-Length` header, an
/// empty line, then that many bytes of JSON. Reads from one file descriptor, writes to another.
public final class MessageChannel: @unchecked Sendable {
    private let input: FileHandle
    private let output: FileHandle
    private var buffer: [UInt8] = []
    private let writeLock = NSLock()
    /// A message larger than this is refused (a client gone wrong must not exhaust memory).
    static let maximumLength = 64 << 20

    public init(input: FileHandle, output: FileHandle) {
        self.input = input
        self.output = output
    }

    public enum ReadError: Error, CustomStringConvertible {
        case malformedHeader(String)
        case tooLarge(Int)
        case notJSON
        public var description: String {
            switch self {
            case .malformedHeader(let h): "malformed message header: \(h)"
            case .tooLarge(let n): "message of \(n) bytes refused (at most \(MessageChannel.maximumLength))"
            case .notJSON: "the message is not a JSON object"
            }
        }
    }

    /// The next message, or nil at the end of the input.
    public func read() throws -> [String: Any]? {
        var length: Int?
        while true {
            guard let line = try readLine() else { return nil }
            if line.isEmpty {
                if length != nil { break }
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw ReadError.malformedHeader(line) }
            if parts[0].lowercased() == "content-length" {
                guard let n = Int(parts[1]), n >= 0 else { throw ReadError.malformedHeader(line) }
                guard n <= Self.maximumLength else { throw ReadError.tooLarge(n) }
                length = n
            }
        }
        guard let length, let body = try readBytes(length) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ReadError.notJSON
        }
        return object
    }

    /// Writes one message.
    public func write(_ message: [String: Any]) {
        var object = message
        object["jsonrpc"] = "2.0"
        guard
            let body = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        writeLock.lock()
        defer { writeLock.unlock() }
        output.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    private func fill() throws -> Bool {
        let data = input.availableData
        if data.isEmpty { return false }
        buffer += data
        return true
    }

    private func readLine() throws -> String? {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if buffer.count > 8192 { throw ReadError.malformedHeader("a header line longer than 8 KB") }
            guard try fill() else { return nil }
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8]? {
        while buffer.count < count { guard try fill() else { return nil } }
        let out = Array(buffer[..<count])
        buffer.removeFirst(count)
        return out
    }
}
