import CCurl
import Foundation

/// Where and how to send mail; host, port and credentials come from settings.
public struct SMTPConfiguration: Sendable, Hashable {
    /// Whether the connection is upgraded with STARTTLS.
    public enum StartTLS: Sendable, Hashable {
        /// Refuse to send when the server does not offer TLS.
        case required
        /// Use TLS when offered, send in clear otherwise.
        case optional
        /// Never (a loopback relay, tests).
        case none
    }

    public var host: String
    public var port: Int
    public var startTLS: StartTLS
    public var username: String?
    public var password: String?
    /// The envelope sender and `From:` address.
    public var fromAddress: String
    /// The whole exchange of one message, connection and QUIT included, in seconds.
    public var timeoutSeconds: Int
    /// Connecting to the server (TCP, and the greeting's wait), in seconds.
    public var connectTimeoutSeconds: Int
    /// The wait for each reply of the server (after DATA, after QUIT included), in
    /// seconds; a transfer making no progress for that long is abandoned too.
    public var commandTimeoutSeconds: Int

    public init(
        host: String, port: Int = 587, startTLS: StartTLS = .required, username: String? = nil,
        password: String? = nil, fromAddress: String, timeoutSeconds: Int = 300, connectTimeoutSeconds: Int = 30,
        commandTimeoutSeconds: Int = 60
    ) {
        self.host = host
        self.port = port
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.fromAddress = fromAddress
        self.timeoutSeconds = max(1, timeoutSeconds)
        self.connectTimeoutSeconds = max(1, min(connectTimeoutSeconds, timeoutSeconds))
        self.commandTimeoutSeconds = max(1, min(commandTimeoutSeconds, timeoutSeconds))
    }
}

/// Why a message was not delivered, and whether trying again can help.
public enum DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server said no for good (5xx, or TLS or login impossible): do not retry.
    case refused(code: Int, message: String)
    /// The server asked to try later (4xx), or the connection failed, dropped or timed out: retry.
    case temporary(code: Int?, message: String)
    /// The message's content was handed over (DATA) and the server never said whether it took it
    /// (no reply, a dropped connection): it may have been delivered. Never sent again
    /// automatically (at most once); a person checks and resends (`ardoise outbox retry`).
    case uncertain(message: String)

    /// Whether trying again automatically is wrong: refused for good, or perhaps delivered already.
    public var isPermanent: Bool {
        switch self {
        case .refused, .uncertain: return true
        case .temporary: return false
        }
    }

    public var description: String {
        switch self {
        case .uncertain(let message):
            return
                "delivery uncertain: the message was handed to the server, which did not acknowledge it (\(message)); "
                + "it may have been delivered, so it is not sent again automatically: check with the recipient, then `ardoise outbox retry`"
        case .refused(let code, let message): return "refused (\(code)): \(message)"
        case .temporary(let code, let message): return "temporary failure\(code.map { " (\($0))" } ?? ""): \(message)"
        }
    }
}

/// Sends messages over SMTP with libcurl.
public struct SMTPSender: Sendable {
    public var configuration: SMTPConfiguration

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
    }

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Delivers `message` to every recipient; returns the server's last reply (`250 ...`).
    public func send(_ message: OutgoingMessage) throws(DeliveryError) -> String {
        guard Self.globalInit == CURLE_OK else { throw .temporary(code: nil, message: "libcurl could not initialise") }
        guard !message.to.isEmpty else { throw .refused(code: 0, message: "no recipient") }
        guard let curl = curl_easy_init() else {
            throw .temporary(code: nil, message: "libcurl could not create a handle")
        }
        defer { curl_easy_cleanup(curl) }

        let c = configuration
        let state = TransferState(payload: message.mime())
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in message.to { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            _ = ardoise_curl_setopt_string(curl, CURLOPT_URL, "smtp://\(c.host):\(c.port)")
            _ = ardoise_curl_setopt_string(curl, CURLOPT_MAIL_FROM, "<\(c.fromAddress)>")
            _ = ardoise_curl_setopt_slist(curl, CURLOPT_MAIL_RCPT, recipients)
            let ssl: curl_usessl
            switch c.startTLS {
            case .required: ssl = CURLUSESSL_ALL
            case .optional: ssl = CURLUSESSL_TRY
            case .none: ssl = CURLUSESSL_NONE
            }
            _ = ardoise_curl_setopt_long(curl, CURLOPT_USE_SSL, Int(ssl.rawValue))
            if let u = c.username { _ = ardoise_curl_setopt_string(curl, CURLOPT_USERNAME, u) }
            if let p = c.password { _ = ardoise_curl_setopt_string(curl, CURLOPT_PASSWORD, p) }
            // Every wait is bounded: the whole message, the connection, each reply of the
            // server (QUIT's too, which libcurl otherwise waits 120 s for), a stalled transfer.
            _ = ardoise_curl_setopt_long(curl, CURLOPT_TIMEOUT, c.timeoutSeconds)
            _ = ardoise_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT, c.connectTimeoutSeconds)
            _ = ardoise_curl_setopt_long(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, c.commandTimeoutSeconds)
            _ = ardoise_curl_setopt_long(curl, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = ardoise_curl_setopt_long(curl, CURLOPT_LOW_SPEED_TIME, c.commandTimeoutSeconds)
            _ = ardoise_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
            _ = ardoise_curl_setopt_long(curl, CURLOPT_UPLOAD, 1)
            _ = ardoise_curl_setopt_long(curl, CURLOPT_INFILESIZE_LARGE, state.payload.count)
            _ = ardoise_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            _ = ardoise_curl_setopt_callback(curl, CURLOPT_READFUNCTION) { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
                let n = min(size * count, state.payload.count - state.offset)
                state.payload.withUnsafeBytes { bytes in
                    guard let base = bytes.baseAddress else { return }
                    UnsafeMutableRawPointer(buffer).copyMemory(from: base + state.offset, byteCount: n)
                }
                state.offset += n
                return n
            }
            _ = ardoise_curl_setopt_pointer(curl, CURLOPT_READDATA, unmanaged.toOpaque())
            // For SMTP, libcurl hands every server reply line to the header callback.
            _ = ardoise_curl_setopt_callback(curl, CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
                let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if !line.isEmpty { state.replies.append(line) }
                return size * count
            }
            _ = ardoise_curl_setopt_pointer(curl, CURLOPT_HEADERDATA, unmanaged.toOpaque())
            return curl_easy_perform(curl)
        }

        var responseCode = 0
        _ = ardoise_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &responseCode)
        let lastReply = state.replies.last ?? ""
        if code == CURLE_OK { return lastReply }

        let curlMessage = errorBuffer.withUnsafeBufferPointer { b in
            b.baseAddress.map { String(cString: $0) } ?? ""
        }
        let detail = [curlMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : curlMessage, lastReply]
            .filter { !$0.isEmpty }.joined(separator: "; server: ")
        // The whole content went out and no reply to it came: delivered or not, nobody knows.
        let handedOver =
            !state.payload.isEmpty && state.offset == state.payload.count && !(400...599).contains(responseCode)
        if handedOver { throw .uncertain(message: detail) }
        throw Self.classify(curl: code, responseCode: responseCode, detail: detail)
    }

    /// 5xx replies, failed logins and impossible TLS are permanent; 4xx replies
    /// and network failures (refused, dropped, timed out) are worth retrying.
    static func classify(curl code: CURLcode, responseCode: Int, detail: String) -> DeliveryError {
        if (500...599).contains(responseCode) { return .refused(code: responseCode, message: detail) }
        if (400...499).contains(responseCode) { return .temporary(code: responseCode, message: detail) }
        switch code {
        case CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED, CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .refused(code: responseCode, message: detail)
        default:
            return .temporary(code: responseCode == 0 ? nil : responseCode, message: detail)
        }
    }
}

/// The bytes curl reads and the replies it reports, for one transfer.
private final class TransferState {
    let payload: [UInt8]
    var offset = 0
    var replies: [String] = []
    init(payload: [UInt8]) { self.payload = payload }
}
