import Diagnostics
import Foundation
import Yams

/// How issued invoices reach their buyers (`platform: transmission`).
public enum Transmission: String, Sendable, Hashable, CaseIterable {
    /// Through the accredited platform only: no invoice e-mail is queued.
    case platform
    /// By e-mail only, as before the reform (nothing goes to the platform).
    case email
    /// Through the platform, and the e-mail as a courtesy copy.
    case both

    public var usesPlatform: Bool { self != .email }
    public var usesEmail: Bool { self != .platform }
}

/// Where the client secret of the platform is read: never written in a settings file, never stored in the ledger.
public enum SecretSource: Sendable, Hashable {
    /// An environment variable's name.
    case environment(String)
    /// A file's path (its content, trailing newline removed).
    case file(String)
}

/// The accredited platform ("plateforme agréée") invoices are handed to, over the
/// AFNOR XP Z12-013 flow API, and how the daily run talks to it.
public struct PlatformSettings: Sendable, Hashable {
    /// `api_url`: the flow API's base; `/v1/flows` is appended.
    public var apiURL: String
    /// `token_url`: where the OAuth2 client-credentials token is asked.
    public var tokenURL: String
    public var clientID: String
    public var secret: SecretSource
    /// `connect_timeout`, seconds.
    public var connectTimeoutSeconds: Int
    /// `request_timeout`: one request's whole exchange, seconds.
    public var requestTimeoutSeconds: Int
    /// `run_deadline`: how long a run goes on submitting, seconds.
    public var runDeadlineSeconds: Int
    public var transmission: Transmission
    /// `ereporting_days`: the length of a B2C e-reporting period (10: the legal rhythm of the normal VAT regime).
    public var eReportingDays: Int

    public static let defaultConnectTimeout = 10
    public static let defaultRequestTimeout = 60
    public static let defaultRunDeadline = 1800

    public init(
        apiURL: String, tokenURL: String, clientID: String, secret: SecretSource,
        connectTimeoutSeconds: Int = defaultConnectTimeout,
        requestTimeoutSeconds: Int = defaultRequestTimeout, runDeadlineSeconds: Int = defaultRunDeadline,
        transmission: Transmission = .platform, eReportingDays: Int = 10
    ) {
        self.apiURL = apiURL
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.secret = secret
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.runDeadlineSeconds = runDeadlineSeconds
        self.transmission = transmission
        self.eReportingDays = eReportingDays
    }

    /// Whether `text` is an `https://` URL with a host, or `http://` to this machine (a test platform on loopback):
    /// the token and the invoices never travel in clear over a network.
    public static func isAcceptableURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil, url.user == nil
        else { return false }
        if scheme == "https" { return true }
        return scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
    }
}

extension SettingsFileParser {
    static let platformKeys = [
        "api_url", "token_url", "client_id", "client_secret_env", "client_secret_file", "connect_timeout",
        "request_timeout", "run_deadline", "transmission", "ereporting_days"
    ]

    /// `platform:`: every fault named at its place; the secret's source, never the secret.
    func parsePlatform(_ f: Fields) -> PlatformSettings? {
        var broken = false
        func url(_ key: String) -> String? {
            guard let text = reader.text(f, key), let node = reader.valueNode(f, key) else { return nil }
            guard PlatformSettings.isAcceptableURL(text) else {
                reader.error(
                    SettingsCode.invalidValue,
                    "`\(key)` must be an `https://` URL (or `http://` to 127.0.0.1), found `\(text)`",
                    at: reader.range(node), help: "write e.g. `\(key): https://api.plateforme.example/afnor`")
                broken = true
                return nil
            }
            return text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        let api = url("api_url"), token = url("token_url")
        let clientID = reader.text(f, "client_id")
        var secret: SecretSource?
        let env = reader.node(f, "client_secret_env"), file = reader.node(f, "client_secret_file")
        if let env, let file {
            reader.error(
                SettingsCode.conflictingKeys, "`client_secret_env` and `client_secret_file` are both given",
                at: reader.range(file.key),
                help: "read the secret from one place only",
                notes: [.init("`client_secret_env` is at \(reader.position(env.key))")])
            broken = true
        } else if env != nil, let name = reader.text(f, "client_secret_env"),
            let node = reader.valueNode(f, "client_secret_env")
        {
            let chars = Array(name)
            if let first = chars.first, first == "_" || first.isUppercaseASCIILetter,
                chars.allSatisfy({ $0 == "_" || $0.isUppercaseASCIILetter || $0.wholeNumberValueASCII != nil })
            {
                secret = .environment(name)
            } else {
                reader.error(
                    SettingsCode.invalidEnvironmentVariable, "invalid environment variable name `\(name)`",
                    at: reader.range(node),
                    help:
                        "name the variable holding the client secret, e.g. `ARDOISE_PLATFORM_SECRET`; never write the secret here"
                )
                broken = true
            }
        } else if file != nil, let path = reader.text(f, "client_secret_file") {
            secret = .file(path)
        } else if env == nil && file == nil {
            reader.missing(
                "client_secret_env", in: f,
                help:
                    "add `client_secret_env: ARDOISE_PLATFORM_SECRET` (or `client_secret_file: /path`); never the secret itself"
            )
            broken = true
        }
        let connect = reader.integer(f, "connect_timeout", in: 1...600, default: PlatformSettings.defaultConnectTimeout)
        let request = reader.integer(
            f, "request_timeout", in: 1...3600, default: PlatformSettings.defaultRequestTimeout)
        let deadline = reader.integer(f, "run_deadline", in: 1...86400, default: PlatformSettings.defaultRunDeadline)
        let days = reader.integer(f, "ereporting_days", in: 1...31, default: 10)
        var transmission: Transmission? = .platform
        if reader.node(f, "transmission") != nil {
            transmission = reader.choice(f, "transmission", Transmission.self, what: "transmission")
        }
        guard !broken, let api, let token, let clientID, let secret, let connect, let request, let deadline, let days,
            let transmission
        else { return nil }
        return PlatformSettings(
            apiURL: api, tokenURL: token, clientID: clientID, secret: secret, connectTimeoutSeconds: connect,
            requestTimeoutSeconds: request, runDeadlineSeconds: deadline, transmission: transmission,
            eReportingDays: days)
    }
}
