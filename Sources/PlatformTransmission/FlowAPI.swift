import Crypto
import Foundation

/// Where the platform is and who Ardoise is to it; the secret is read when needed, never stored nor printed.
public struct PlatformEndpoint: Sendable {
    public var apiURL: String
    public var tokenURL: String
    public var clientID: String
    var clientSecret: String
    public var connectTimeoutSeconds: Int
    public var requestTimeoutSeconds: Int

    public init(
        apiURL: String, tokenURL: String, clientID: String, clientSecret: String, connectTimeoutSeconds: Int = 10,
        requestTimeoutSeconds: Int = 60
    ) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }
}

/// `flowInfo` of `POST /v1/flows` (XP Z12-013).
public struct FlowInfo: Codable, Sendable, Hashable {
    public var flowSyntax: String
    public var trackingId: String
    public var name: String
    public var processingRule: String
    public var flowProfile: String?
    public var sha256: String
}

/// One detail of an acknowledgement.
public struct AckDetail: Codable, Sendable, Hashable {
    public var level: String?
    public var item: String?
    public var reasonCode: String?
    public var reasonMessage: String?
}

public struct Acknowledgement: Codable, Sendable, Hashable {
    public var status: String
    public var details: [AckDetail]?
}

/// A flow as the platform returns it.
public struct Flow: Codable, Sendable, Hashable {
    public var flowId: String
    public var trackingId: String?
    public var submittedAt: String?
    public var updatedAt: String?
    public var flowType: String?
    public var processingRule: String?
    public var flowDirection: String?
    public var flowSyntax: String?
    public var flowProfile: String?
    public var acknowledgement: Acknowledgement?
}

/// `{ "errorCode", "errorMessage" }`.
public struct APIError: Codable, Sendable, Hashable {
    public var errorCode: String?
    public var errorMessage: String?
}

/// A failure to talk to the platform that is not one flow's: credentials refused, an answer that makes no sense.
public struct PlatformError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The flow API of the platform: a bearer token (OAuth2 client credentials, kept for the run, asked again on 401),
/// then submissions, searches and downloads.
public final class FlowAPI: @unchecked Sendable {
    public let endpoint: PlatformEndpoint
    let http: HTTPClient
    private var token: String?
    private let lock = NSLock()

    public init(endpoint: PlatformEndpoint) {
        self.endpoint = endpoint
        self.http = HTTPClient(
            connectTimeoutSeconds: endpoint.connectTimeoutSeconds, requestTimeoutSeconds: endpoint.requestTimeoutSeconds
        )
    }

    /// The lower-case hex SHA-256 of `bytes`, as `flowInfo.sha256` carries it.
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }

    static func formEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// A token, from the cache or the token URL.
    func bearer(renew: Bool = false) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if !renew, let token { return token }
        let form =
            "grant_type=client_credentials&client_id=\(Self.formEncoded(endpoint.clientID))&client_secret=\(Self.formEncoded(endpoint.clientSecret))"
        let response = try http.send(
            "POST", endpoint.tokenURL, headers: ["Accept: application/json"],
            body: .bytes(Array(form.utf8), contentType: "application/x-www-form-urlencoded"))
        guard response.status == 200 else {
            // The answer is not echoed: a token server may repeat what it was sent.
            throw PlatformError(
                "the platform's token URL refused the client credentials of `\(endpoint.clientID)` (HTTP \(response.status)); "
                    + "check `client_id` and the secret the settings name")
        }
        struct TokenAnswer: Decodable { var access_token: String }
        guard let t = try? JSONDecoder().decode(TokenAnswer.self, from: Data(response.body)), !t.access_token.isEmpty
        else {
            throw PlatformError("the platform's token URL answered without an `access_token`")
        }
        token = t.access_token
        return t.access_token
    }

    /// An authorised call; a 401 renews the token once.
    func call(_ method: String, _ path: String, body: RequestBody, accept: String = "application/json") throws
        -> HTTPResponse
    {
        var renew = false
        while true {
            let token = try bearer(renew: renew)
            let headers = [
                "Authorization: Bearer \(token)", "Accept: \(accept)", "X-Request-Id: \(UUID().uuidString.lowercased())"
            ]
            let response = try http.send(method, endpoint.apiURL + path, headers: headers, body: body)
            if response.status == 401 && !renew {
                renew = true
                continue
            }
            if response.status == 401 || response.status == 403 {
                throw PlatformError(
                    "the platform refused Ardoise's token (HTTP \(response.status)) for \(method) \(path): check the client's rights"
                )
            }
            return response
        }
    }

    /// `POST /v1/flows`: one flow, multipart `flowInfo` + `file`.
    public func submit(_ info: FlowInfo, file: [UInt8], contentType: String) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(info)
        return try call(
            "POST", "/v1/flows",
            body: .multipart([
                FormPart(name: "flowInfo", contentType: "application/json", bytes: Array(json)),
                FormPart(name: "file", fileName: info.name, contentType: contentType, bytes: file)
            ]))
    }

    /// `POST /v1/flows/search`: one page.
    public func search(where criteria: [String: String], limit: Int = 100) throws -> [Flow] {
        struct Search: Encodable { var limit: Int; var `where`: [String: String] }
        let body = try JSONEncoder().encode(Search(limit: limit, where: criteria))
        let response = try call("POST", "/v1/flows/search", body: .bytes(Array(body), contentType: "application/json"))
        guard response.status == 200 else {
            throw PlatformError("the platform's search answered HTTP \(response.status): \(Self.errorText(response))")
        }
        struct Answer: Decodable { var results: [Flow] }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(response.body)).results
        } catch {
            throw PlatformError("the platform's search answered what is not a list of flows: \(error)")
        }
    }

    /// `GET /v1/flows/{flowId}?docType=Original`: the file of a flow.
    public func original(flowId: String) throws -> [UInt8] {
        let id =
            flowId.addingPercentEncoding(
                withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? flowId
        let response = try call("GET", "/v1/flows/\(id)?docType=Original", body: .none, accept: "*/*")
        guard response.status == 200 else {
            throw PlatformError(
                "the platform did not give flow \(flowId) (HTTP \(response.status)): \(Self.errorText(response))")
        }
        return response.body
    }

    /// `errorCode: errorMessage` of an error answer, else its first 300 characters.
    public static func errorText(_ response: HTTPResponse) -> String {
        if let e = try? JSONDecoder().decode(APIError.self, from: Data(response.body)),
            e.errorCode != nil || e.errorMessage != nil
        {
            return [e.errorCode, e.errorMessage].compactMap { $0 }.joined(separator: ": ")
        }
        return String(response.text.prefix(300))
    }
}
