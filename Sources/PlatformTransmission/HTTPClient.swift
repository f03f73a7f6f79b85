import CCurl
import Foundation

/// An HTTP answer: status, headers (names lower-cased) and body.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// No HTTP answer came: the connection failed, timed out or dropped.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Whether the server could not even be reached (nothing was sent): the others would fail the same way.
    public var unreachable: Bool
    public var description: String { message }
}

/// One part of a `multipart/form-data` body.
public struct FormPart: Sendable, Hashable {
    public var name: String
    public var fileName: String?
    public var contentType: String
    public var bytes: [UInt8]

    public init(name: String, fileName: String? = nil, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// What a request carries.
public enum RequestBody: Sendable, Hashable {
    case none
    case bytes([UInt8], contentType: String)
    case multipart([FormPart])
}

/// HTTP over libcurl (the library the SMTP sender already uses): every wait bounded, no redirect followed,
/// only `http` and `https`.
public struct HTTPClient: Sendable {
    public var connectTimeoutSeconds: Int
    public var requestTimeoutSeconds: Int

    public init(connectTimeoutSeconds: Int, requestTimeoutSeconds: Int) {
        self.connectTimeoutSeconds = max(1, connectTimeoutSeconds)
        self.requestTimeoutSeconds = max(1, requestTimeoutSeconds)
    }

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Sends one request; an HTTP error status is an answer, not a throw.
    public func send(_ method: String, _ url: String, headers: [String] = [], body: RequestBody = .none)
        throws(TransportError) -> HTTPResponse
    {
        guard Self.globalInit == CURLE_OK else {
            throw TransportError(message: "libcurl could not initialise", unreachable: true)
        }
        guard let curl = curl_easy_init() else {
            throw TransportError(message: "libcurl could not create a handle", unreachable: true)
        }
        defer { curl_easy_cleanup(curl) }
        let state = ResponseState()
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        var list: UnsafeMutablePointer<curl_slist>?
        // No `Expect: 100-continue` round trip before the body.
        for h in headers + ["Expect:"] { list = curl_slist_append(list, h) }
        defer { curl_slist_free_all(list) }
        var mime: OpaquePointer?
        defer { if let mime { curl_mime_free(mime) } }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let payload: [UInt8]
        switch body {
        case .bytes(let bytes, let type):
            payload = bytes
            list = curl_slist_append(list, "Content-Type: \(type)")
        case .multipart(let parts):
            payload = []
            mime = curl_mime_init(curl)
            for p in parts {
                let part = curl_mime_addpart(mime)
                curl_mime_name(part, p.name)
                p.bytes.withUnsafeBufferPointer { b in
                    b.withMemoryRebound(to: CChar.self) { c in _ = curl_mime_data(part, c.baseAddress, c.count) }
                }
                curl_mime_type(part, p.contentType)
                if let f = p.fileName { curl_mime_filename(part, f) }
            }
        case .none:
            payload = []
        }

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            payload.withUnsafeBufferPointer { bytes in
                _ = ardoise_curl_setopt_string(curl, CURLOPT_URL, url)
                _ = ardoise_curl_setopt_long(curl, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
                _ = ardoise_curl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0)
                _ = ardoise_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds)
                _ = ardoise_curl_setopt_long(curl, CURLOPT_TIMEOUT, requestTimeoutSeconds)
                _ = ardoise_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
                _ = ardoise_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, buffer.baseAddress)
                _ = ardoise_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, list)
                if let mime {
                    _ = ardoise_curl_setopt_pointer(curl, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
                } else if method == "POST" || method == "PUT" {
                    _ = ardoise_curl_setopt_long(curl, CURLOPT_POST, 1)
                    _ = ardoise_curl_setopt_long(curl, CURLOPT_POSTFIELDSIZE_LARGE, bytes.count)
                    if let base = bytes.baseAddress {
                        _ = ardoise_curl_setopt_pointer(
                            curl, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                    } else {
                        _ = ardoise_curl_setopt_string(curl, CURLOPT_COPYPOSTFIELDS, "")
                    }
                }
                if method != "GET" && method != "POST" {
                    _ = ardoise_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method)
                }
                _ = ardoise_curl_setopt_callback(curl, CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
                    guard let buffer, let userdata else { return 0 }
                    let state = Unmanaged<ResponseState>.fromOpaque(userdata).takeUnretainedValue()
                    let n = size * count
                    // A platform's answer is small; one that is not is cut off (the transfer fails).
                    guard state.body.count + n <= 64 << 20 else { return 0 }
                    state.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
                    return n
                }
                _ = ardoise_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, unmanaged.toOpaque())
                _ = ardoise_curl_setopt_callback(curl, CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
                    guard let buffer, let userdata else { return 0 }
                    let state = Unmanaged<ResponseState>.fromOpaque(userdata).takeUnretainedValue()
                    let line = String(
                        decoding: UnsafeRawBufferPointer(start: buffer, count: size * count), as: UTF8.self)
                    if line.hasPrefix("HTTP/") { state.headers = [:] }
                    if let colon = line.firstIndex(of: ":") {
                        state.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                            .trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                    return size * count
                }
                _ = ardoise_curl_setopt_pointer(curl, CURLOPT_HEADERDATA, unmanaged.toOpaque())
                return curl_easy_perform(curl)
            }
        }
        var status = 0
        _ = ardoise_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        if code == CURLE_OK { return HTTPResponse(status: status, headers: state.headers, body: state.body) }
        let detail = errorBuffer.withUnsafeBufferPointer { b in b.baseAddress.map { String(cString: $0) } ?? "" }
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let unreachable =
            code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST
            || (code == CURLE_OPERATION_TIMEDOUT && status == 0 && state.headers.isEmpty
                && message.lowercased().contains("connect"))
        throw TransportError(message: "\(method) \(Self.redacted(url)): \(message)", unreachable: unreachable)
    }

    /// The URL without anything after its path (never a secret in a message).
    static func redacted(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" })
    }
}

private final class ResponseState {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
}
