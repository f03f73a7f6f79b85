import Diagnostics
import Settings
import Testing
import TestSupport

/// `platform:` in the settings: read with its defaults, every fault named at its place, the secret never in a file.
@Suite struct PlatformSettingsReading {
    @Test func withoutTheSectionInvoicesGoByEmail() throws {
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)])
        #expect(diagnostics.isEmpty)
        let s = try #require(settings)
        #expect(s.platform == nil && s.transmission == .email)
    }

    @Test func theSectionIsReadWithItsDefaults() throws {
        let yaml =
            Fixture.acme + """
                platform:
                  api_url: https://api.plateforme.example/afnor/
                  token_url: https://auth.plateforme.example/oauth2/token
                  client_id: serenest-ardoise
                  client_secret_file: /etc/ardoise/platform-secret

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let p = try #require(settings?.platform)
        #expect(
            p
                == PlatformSettings(
                    apiURL: "https://api.plateforme.example/afnor",
                    tokenURL: "https://auth.plateforme.example/oauth2/token",
                    clientID: "serenest-ardoise", secret: .file("/etc/ardoise/platform-secret")))
        #expect(p.transmission == .platform && p.requestTimeoutSeconds == 60 && p.eReportingDays == 10)
    }

    @Test func everyFaultIsNamedAtItsPlace() {
        let yaml =
            Fixture.acme + """
                platform:
                  api_url: http://api.plateforme.example
                  token_url: ftp://127.0.0.1/token
                  client_id: serenest-ardoise
                  client_secret_env: my secret
                  request_timeout: 0
                  transmission: fax
                  webhook: https://ardoise.example/hook

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        let summary = Fixture.summary(diagnostics)
        #expect(
            summary.contains(
                "E0505 clients.yaml:13:12 `api_url` must be an `https://` URL (or `http://` to 127.0.0.1), found `http://api.plateforme.example`"
            ), "\(summary)")
        #expect(summary.contains { $0.hasPrefix("E0505 clients.yaml:14:14 `token_url` must be") }, "\(summary)")
        #expect(
            summary.contains("E0531 clients.yaml:16:22 invalid environment variable name `my secret`"), "\(summary)")
        #expect(
            summary.contains { $0.hasPrefix("E0505 clients.yaml:17:20 `request_timeout` must be a whole number") },
            "\(summary)")
        #expect(summary.contains("E0506 clients.yaml:18:17 unknown transmission `fax`"), "\(summary)")
        #expect(summary.contains { $0.hasPrefix("E0502 clients.yaml:19:3 unknown key `webhook`") }, "\(summary)")
    }

    @Test func theSecretComesFromOnePlaceAndIsNeverWrittenInTheFile() {
        let both =
            Fixture.acme + """
                platform:
                  api_url: https://api.plateforme.example
                  token_url: https://auth.plateforme.example/token
                  client_id: serenest
                  client_secret_env: ARDOISE_PLATFORM_SECRET
                  client_secret_file: secret.txt

                """
        let (s1, d1, _) = Fixture.load([("clients.yaml", both)])
        #expect(
            s1 == nil
                && Fixture.summary(d1).contains {
                    $0.hasPrefix("E0540 clients.yaml:17:3 `client_secret_env` and `client_secret_file` are both given")
                },
            "\(Fixture.summary(d1))")
        let none =
            Fixture.acme + """
                platform:
                  api_url: https://api.plateforme.example
                  token_url: https://auth.plateforme.example/token
                  client_id: serenest
                  client_secret: hunter2

                """
        let (s2, d2, _) = Fixture.load([("clients.yaml", none)])
        let summary = Fixture.summary(d2)
        #expect(
            s2 == nil && summary.contains { $0.hasPrefix("E0502 clients.yaml:16:3 unknown key `client_secret`") },
            "\(summary)")
        // The misspelt key is reported once, as unknown: not a second time as the key it stands for, missing.
        #expect(!summary.contains { $0.hasPrefix("E0503") }, "\(summary)")
    }
}
