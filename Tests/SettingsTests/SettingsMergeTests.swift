import BillingModel
import Diagnostics
import Settings
import Testing
import TestSupport

/// Merging several files, optional sections, and faults around them.
@Suite struct SettingsMergeTests {
    @Test func filesAreMergedInOrder() throws {
        let sites = "sites:\n  - { code: NA01, name: Nanterre - Cœur Défense }\n"
        let (settings, diagnostics, _) = Fixture.load([
            ("clients.yaml", Fixture.acme), ("sites.yaml", sites), ("empty.yaml", "# nothing yet\n")
        ])
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let s = try #require(settings)
        #expect(s.sites.map(\.code) == ["LD01", "LD02", "NA01"])
        #expect(s.timeZone == "Europe/Paris" && s.smtp == nil)
    }

    @Test func sellerDefinedInTwoFiles() {
        let (_, diagnostics, rendered) = Fixture.load([("settings.yaml", Fixture.seller)])
        #expect(Fixture.summary(diagnostics) == ["E0526 settings.yaml:1:1 `seller` is defined in more than one place"])
        #expect(diagnostics.first?.notes.first?.message == "first defined at base.yaml:1:1")
        Golden.assertMatches(rendered, file: Fixture.golden("seller-twice"))
    }

    @Test func payerCodeClashesWithAClientCode() {
        let yaml =
            Fixture.acme
            + "    payers:\n"
            + "      - code: ACME\n"
            + "        legal_name: CSE ACME\n"
            + "        siren: \"789123452\"\n"
            + "        address: { lines: [1 parvis de la Défense], postcode: \"92800\", city: Puteaux }\n"
            + "        emails: [cse@acme-industries.fr]\n"
            + "        receivable_account: 411ACMECSE\n"
        let (_, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(Fixture.summary(diagnostics) == ["E0508 clients.yaml:13:15 duplicate client code `ACME`"])
    }

    @Test func articleCodeInTwoRevenueTypes() {
        let yaml = """
            revenue_types:
              - { code: BAR, label: Bar, activity: BRASS, kind: cafeteria, article_codes: [B01, B02], revenue_account: "706800", vat_rate: 20 }
              - { code: VIN, label: Vins, activity: BRASS, kind: cafeteria, article_codes: [B02], revenue_account: "706810", vat_rate: 20 }

            """
        let (_, diagnostics, _) = Fixture.load([("types.yaml", yaml)])
        #expect(
            Fixture.summary(diagnostics) == [
                "E0523 types.yaml:3:81 article code `B02` belongs to revenue types `BAR` and `VIN`"
            ])
        #expect(diagnostics.first?.notes.first?.message == "first listed at types.yaml:2:85")
    }

    @Test func smtpSectionIsOptionalAndChecked() throws {
        let good =
            "smtp:\n  host: smtp.serenest.fr\n  username: facturation\n  password_env: ARDOISE_SMTP_PASSWORD\n  from: facturation@serenest.fr\n"
        let (settings, diagnostics, _) = Fixture.load([("smtp.yaml", good)])
        #expect(diagnostics.isEmpty)
        let smtp = try #require(settings?.smtp)
        #expect(smtp.port == 587 && smtp.startTLS && smtp.passwordEnvironmentVariable == "ARDOISE_SMTP_PASSWORD")

        let bad =
            "smtp:\n  host: smtp.serenest.fr\n  port: 99999\n  starttls: oui\n  password_env: s3cret!\n  from: facturation\n"
        let (_, badDiagnostics, rendered) = Fixture.load([("smtp.yaml", bad)])
        #expect(
            Fixture.summary(badDiagnostics) == [
                "E0505 smtp.yaml:3:9 `port` must be a whole number from 1 to 65535, found `99999`",
                "E0505 smtp.yaml:4:13 `starttls` must be `true` or `false`, found `oui`",
                "E0531 smtp.yaml:5:17 invalid environment variable name `s3cret!`",
                "E0514 smtp.yaml:6:9 invalid e-mail address `facturation`"
            ])
        Golden.assertMatches(rendered, file: Fixture.golden("smtp-faults"))
    }

    @Test func tabIndentationGetsItsOwnHelp() {
        let (_, diagnostics, _) = Fixture.load([("sites.yaml", "sites:\n\t- { code: NA01, name: Nanterre }\n")])
        #expect(
            Fixture.summary(diagnostics) == [
                "E0501 sites.yaml:2:1 invalid yaml: found character that cannot start any token"
            ])
        #expect(diagnostics.first?.help == "yaml indents with spaces, never tabs: replace the tab with spaces")
    }

    @Test func aBrokenFileDoesNotCauseFalseReferenceErrors() {
        // The sites live in the broken file: no "unknown site" for the clients.
        let (settings, diagnostics, _) = Fixture.load(
            [
                ("clients.yaml", Fixture.acme.replacingOccurrences(of: "LD01", with: "NA01")),
                ("sites.yaml", "sites:\n  - { code: NA01, name: Nanterre\n")
            ],
            base: "")
        #expect(settings == nil)
        #expect(diagnostics.map(\.code) == ["E0501"])
    }

    @Test func columnsCountCharactersNotBytes() {
        let yaml = "sites:\n  - { code: LD09, name: Issy - Cœur de Ville, adress: x }\n"
        let (_, diagnostics, _) = Fixture.load([("sites.yaml", yaml)])
        #expect(Fixture.summary(diagnostics) == ["E0502 sites.yaml:2:47 unknown key `adress` in site `LD09`"])
        #expect(diagnostics.first?.help == "did you mean `address`?")
    }

    @Test func wrongTopLevelShapes() {
        let (_, list, _) = Fixture.load([("clients.yaml", "- ACME\n- C0013\n")])
        #expect(
            Fixture.summary(list) == [
                "E0504 clients.yaml:1:1 a settings file must be a mapping of sections, found a list"
            ])
        let (_, unknown, _) = Fixture.load([("clients.yaml", "client:\n  - code: ACME\n")])
        #expect(Fixture.summary(unknown) == ["E0502 clients.yaml:1:1 unknown key `client` in the settings file"])
        #expect(unknown.first?.help == "did you mean `clients`?")
    }

    @Test func unreadableFile() {
        let (settings, diagnostics) = SettingsLoader.load(files: ["/nonexistent/settings.yaml"])
        #expect(settings == nil)
        #expect(diagnostics.first?.code == "E0524")
        #expect(diagnostics.first?.message == "cannot read settings file `/nonexistent/settings.yaml`")
    }
}
