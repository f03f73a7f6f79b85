import Diagnostics
import Settings
import Testing
import TestSupport

/// Wrong settings snippets: each asserts the exact code, place and message of
/// what the loader says, and the whole rendered output against a golden file.
@Suite struct SettingsDiagnosticsTests {
    @Test func validFixtureHasNoDiagnostic() {
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)])
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        #expect(settings?.client("ACME")?.vatNumber == "FR69412387565")
    }

    @Test func unknownKeySuggestsTheNearestKey() {
        let yaml = Fixture.acme.replacingOccurrences(of: "    legal_name:", with: "    legal_nme:")
        let (settings, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        // One cause, one message: the misspelt key is not also reported as missing.
        #expect(
            Fixture.summary(diagnostics) == [
                "E0502 clients.yaml:3:5 unknown key `legal_nme` in client `ACME`"
            ])
        #expect(diagnostics.first { $0.code == "E0502" }?.help == "did you mean `legal_name`?")
        Golden.assertMatches(rendered, file: Fixture.golden("unknown-key"))
    }

    @Test func badSIRENChecksum() {
        let yaml = Fixture.acme.replacingOccurrences(of: "siren: \"412387565\"", with: "siren: \"412387566\"")
        let (_, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(Fixture.summary(diagnostics) == ["E0510 clients.yaml:4:12 invalid siren `412387566`"])
        #expect(diagnostics.first?.range?.end.column == 23)
        Golden.assertMatches(rendered, file: Fixture.golden("bad-siren"))
    }

    @Test func vatNumberKeyAndSIRENMustAgree() {
        let yaml = Fixture.acme.replacingOccurrences(of: "FR69412387565", with: "FR70412387565")
        let (_, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(Fixture.summary(diagnostics) == ["E0511 clients.yaml:5:17 invalid vat number `FR70412387565`"])
        #expect(diagnostics.first?.help == "the key of `412387565` is `69`: the number is `FR69412387565`")
        Golden.assertMatches(rendered, file: Fixture.golden("bad-vat-number"))
    }

    @Test func unknownSiteReferencedByAClient() {
        let yaml = Fixture.acme.replacingOccurrences(of: "sites: [LD01]", with: "sites: [LD01, LD03]")
        let (_, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(Fixture.summary(diagnostics) == ["E0516 clients.yaml:9:19 unknown site `LD03` for client `ACME`"])
        // `LD03` is as close to `LD01` as to `LD02`: no guess.
        #expect(diagnostics.first?.help == "define site `LD03` under `sites:` or correct the code")
        Golden.assertMatches(rendered, file: Fixture.golden("unknown-site"))
    }

    @Test func unknownRevenueTypeReferencedByAClient() {
        let yaml = Fixture.acme.replacingOccurrences(
            of: "revenue_types: [SUBV, DROIT]", with: "revenue_types: [SUBV, DROITS, EVT]")
        let (_, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(
            Fixture.summary(diagnostics) == [
                "E0517 clients.yaml:11:27 unknown revenue type `DROITS` for client `ACME`",
                "E0517 clients.yaml:11:35 unknown revenue type `EVT` for client `ACME`"
            ])
        Golden.assertMatches(rendered, file: Fixture.golden("unknown-revenue-type"))
    }

    @Test func duplicateClientAcrossTwoFiles() {
        let other = Fixture.acme.replacingOccurrences(of: "ACME Industries SA", with: "ACME Holding SA")
        let (settings, diagnostics, rendered) = Fixture.load([
            ("clients.yaml", Fixture.acme), ("more-clients.yaml", other)
        ])
        #expect(settings == nil)
        #expect(Fixture.summary(diagnostics) == ["E0508 more-clients.yaml:2:11 duplicate client code `ACME`"])
        #expect(diagnostics.first?.notes.first?.message == "`ACME` is first defined at clients.yaml:2:11")
        Golden.assertMatches(rendered, file: Fixture.golden("duplicate-client-two-files"))
    }

    @Test func yamlSyntaxErrorAtItsLineAndColumn() {
        let yaml = """
            clients:
              - code: ACME
                legal_name: "ACME Industries SA
                siren: "412387565"

            """
        let (settings, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        #expect(Fixture.summary(diagnostics) == ["E0501 clients.yaml:4:13 invalid yaml: did not find expected key"])
        #expect(diagnostics.first?.help == "the quote opened at line 3, column 17 is never closed")
        Golden.assertMatches(rendered, file: Fixture.golden("yaml-syntax"))
    }

    @Test func badIndentationIsASyntaxError() {
        let yaml = "sites:\n  - code: LD03\n   name: Nanterre\n"
        let (_, diagnostics, rendered) = Fixture.load([("sites.yaml", yaml)])
        #expect(
            Fixture.summary(diagnostics) == ["E0501 sites.yaml:3:4 invalid yaml: did not find expected '-' indicator"])
        Golden.assertMatches(rendered, file: Fixture.golden("yaml-indentation"))
    }

    @Test func severalErrorsInOneFileAreAllReported() {
        let yaml = """
            clients:
              - code: ACME
                legal_name: ACME Industries SA
                siren: "41238756"
                vat_number: FR69412387565
                address: { lines: [1 parvis de la Défense], postcode: "9280", city: Puteaux }
                emails: factures@acme-industries.fr
                receivable_account: ACME
                sites: [LD01]
                diner_categories: [A, B, C, INV]
                revenue_types: [SUBV, DROIT]
              - code: C0013
                legal_name: Helios Conseil SAS
                siren: "834671299"
                address: { lines: [17 avenue de l'Arche], postcode: "92400", city: Courbevoie }
                emails: [comptabilite@helios, achats@helios-conseil.fr]
                receivable_account: 411C0013
                sites: [LD02]
                diner_categories: [A, B, INV]
                revenue_types: [SUBV]
                payers:
                  - code: C0013-CSE
                    legal_name: CSE Helios Conseil
                    address: { lines: [17 avenue de l'Arche], postcode: "92400", city: Courbevoie }
                    emails: [cse@helios-conseil.fr]
                    receivable_account: 411C0013CSE

            """
        let (settings, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        #expect(
            Fixture.summary(diagnostics) == [
                "E0510 clients.yaml:4:12 invalid siren `41238756`",
                "E0530 clients.yaml:6:59 invalid french postcode `9280`",
                "E0504 clients.yaml:7:13 `emails` must be a list, found a value",
                "E0521 clients.yaml:8:25 invalid receivable account `ACME`",
                "E0514 clients.yaml:16:14 invalid e-mail address `comptabilite@helios`",
                "E0503 clients.yaml:22:15 missing key `siren` in payer `C0013-CSE`"
            ])
        Golden.assertMatches(rendered, file: Fixture.golden("several-errors"))
    }

    @Test func missingKeysAndWrongTypes() {
        let yaml = """
            clients:
              - code: ACME
                legal_name: ACME Industries SA
                sites: LD01
                diner_categories:
                  code: A

            """
        let (_, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(
            Fixture.summary(diagnostics) == [
                "E0503 clients.yaml:2:11 missing key `siren` in client `ACME`",
                "E0503 clients.yaml:2:11 missing key `address` in client `ACME`",
                "E0503 clients.yaml:2:11 missing key `emails` in client `ACME`",
                "E0503 clients.yaml:2:11 missing key `receivable_account` in client `ACME`",
                "E0503 clients.yaml:2:11 missing key `revenue_types` in client `ACME`",
                "E0504 clients.yaml:4:12 `sites` must be a list, found a value",
                "E0504 clients.yaml:5:5 `diner_categories` must be a list, found a mapping"
            ])
        Golden.assertMatches(rendered, file: Fixture.golden("missing-keys-wrong-types"))
    }

    @Test func badMonthsAndValuesInAnIndexSeries() {
        let yaml = """
            index_series:
              - code: ILC-RESTO
                label: Indice des prix restauration collective
                values:
                  2025-07: 117.8
                  2025-13: 118.0
                  2025-9: 118.2
                  2025-10: 118,4
                  2025-12: 118.9

            """
        let (_, diagnostics, rendered) = Fixture.load([("indices.yaml", yaml)])
        #expect(
            Fixture.summary(diagnostics) == [
                "E0518 indices.yaml:6:7 invalid month `2025-13` in index `ILC-RESTO`",
                "E0518 indices.yaml:7:7 invalid month `2025-9` in index `ILC-RESTO`",
                "E0519 indices.yaml:8:16 invalid value `118,4` for `2025-10` in index `ILC-RESTO`"
            ])
        Golden.assertMatches(rendered, file: Fixture.golden("index-months"))
    }

    @Test func indexGapIsAWarningOnly() {
        let yaml = """
            index_series:
              - code: ILC-RESTO
                label: Indice
                values: { 2025-07: 117.8, 2025-09: 118.2 }

            """
        let (settings, diagnostics, _) = Fixture.load([("indices.yaml", yaml)])
        #expect(settings != nil)
        #expect(
            Fixture.summary(diagnostics) == ["W0502 indices.yaml:2:11 index `ILC-RESTO` has no value for `2025-08`"])
    }

    @Test func indexGapsAreOneWarningPerSeriesWithTheMonthsListed() {
        let yaml = """
            index_series:
              - code: ILC-RESTO
                label: Indice
                values: { 2024-06: 110.0, 2025-08: 117.5, 2025-10: 118.4, 2025-12: 118.9 }

            """
        let (settings, diagnostics, _) = Fixture.load([("indices.yaml", yaml)])
        #expect(settings != nil)
        #expect(
            Fixture.summary(diagnostics) == [
                "W0502 indices.yaml:2:11 index `ILC-RESTO` has no value for 15 months: `2024-07..2025-07`, `2025-09`, `2025-11`"
            ])
    }

    @Test func invalidVATRateAndUnknownKind() {
        let yaml = """
            revenue_types:
              - code: BAR
                label: Bar
                activity: BRASS
                kind: subsidie
                revenue_account: "706800"
                vat_rate: 7
              - code: EVT
                label: Événements
                activity: EVENT
                kind: events
                revenue_account: "411000"
                vat_rate: 0.1%

            """
        let (_, diagnostics, rendered) = Fixture.load([("types.yaml", yaml)])
        #expect(
            Fixture.summary(diagnostics) == [
                "E0506 types.yaml:5:11 unknown revenue kind `subsidie`",
                "E0515 types.yaml:7:15 invalid vat rate `7`",
                "E0506 types.yaml:10:15 unknown activity `EVENT`",
                "E0521 types.yaml:12:22 invalid revenue account `411000`",
                "E0515 types.yaml:13:15 invalid vat rate `0.1`"
            ])
        #expect(diagnostics.first?.help == "did you mean `subsidy`?")
        Golden.assertMatches(rendered, file: Fixture.golden("vat-rate-and-kind"))
    }

    @Test func numberSeriesMustMakeValidInvoiceNumbers() {
        let yaml = """
            number_series:
              - { code: FB, document_type: invoice, prefix: FACTURES-SERENEST-RESTAURATION-, width: 6 }
              - { code: FC, document_type: invoices, prefix: "FC 2026 ", width: 6 }
              - { code: FD, document_type: invoice, prefix: "FD 2026 ", width: 0 }

            """
        let (_, diagnostics, rendered) = Fixture.load([("series.yaml", yaml)])
        #expect(
            Fixture.summary(diagnostics) == [
                "E0520 series.yaml:2:89 numbers of series `FB` would have 37 characters, more than 35",
                "E0506 series.yaml:3:32 unknown document type `invoices`",
                "E0520 series.yaml:3:50 prefix `FC 2026 ` has the character ` `, not allowed in invoice numbers",
                "E0520 series.yaml:4:49 prefix `FD 2026 ` has the character ` `, not allowed in invoice numbers",
                "E0505 series.yaml:4:68 `width` must be a whole number from 1 to 20, found `0`"
            ])
        Golden.assertMatches(rendered, file: Fixture.golden("number-series"))
    }

    @Test func duplicateKeyInOneMapping() {
        let yaml = Fixture.acme.replacingOccurrences(
            of: "    receivable_account: 411ACME\n",
            with: "    receivable_account: 411ACME\n    siren: \"412387565\"\n")
        let (_, diagnostics, rendered) = Fixture.load([("clients.yaml", yaml)])
        #expect(Fixture.summary(diagnostics) == ["E0507 clients.yaml:9:5 duplicate key `siren`"])
        #expect(diagnostics.first?.notes.first?.message == "`siren` is first written at clients.yaml:4:5")
        Golden.assertMatches(rendered, file: Fixture.golden("duplicate-key"))
    }

    @Test func sellerFaults() {
        let seller =
            Fixture.seller
            .replacingOccurrences(
                of: "iban: FR7630004008230001045871294", with: "iban: FR76 3000 4008 2300 0104 5871 295"
            )
            .replacingOccurrences(of: "bic: BNPAFRPPXXX", with: "bic: BNP PARIBAS")
            .replacingOccurrences(of: "late_payment_penalty_rate: 12.15", with: "late_payment_penalty_rate: douze")
            + "  vat_on_debit: true\ntime_zone: Europe/Pariss\n"
        let (_, diagnostics, rendered) = Fixture.load([("settings.yaml", seller)], base: Fixture.catalog)
        #expect(
            Fixture.summary(diagnostics) == [
                "E0512 settings.yaml:6:9 invalid iban `FR76 3000 4008 2300 0104 5871 295`",
                "E0513 settings.yaml:7:8 invalid bic `BNP PARIBAS`",
                "E0505 settings.yaml:8:30 `late_payment_penalty_rate` must be a percentage with at most 4 decimals, found `douze`",
                "E0502 settings.yaml:10:3 unknown key `vat_on_debit` in the seller",
                "E0527 settings.yaml:11:12 unknown time zone `Europe/Pariss`"
            ])
        #expect(diagnostics.first { $0.code == "E0502" }?.help == "did you mean `vat_on_debits`?")
        #expect(diagnostics.first { $0.code == "E0527" }?.help == "did you mean `Europe/Paris`?")
        Golden.assertMatches(rendered, file: Fixture.golden("seller-faults"))
    }

    @Test func missingSellerAndSeries() {
        let (settings, diagnostics, _) = Fixture.load(
            [("clients.yaml", Fixture.acme)],
            base: "sites: [{ code: LD01, name: Tour Alto }]\n")
        #expect(settings == nil)
        #expect(
            Fixture.summary(diagnostics) == [
                "E0525 base.yaml:- no `seller` in the settings",
                "W0501 base.yaml:- no number series for invoices",
                "W0501 base.yaml:- no number series for credit notes",
                "E0517 clients.yaml:11:21 unknown revenue type `SUBV` for client `ACME`",
                "E0517 clients.yaml:11:27 unknown revenue type `DROIT` for client `ACME`"
            ])
    }

    @Test func configFaults() {
        let text =
            "settings: [settings.yaml, setings.yaml]\ndatabse: out/ardoise.sqlite\noutbox: out\ndocuments: sortie\n"
        let source = SourceFile(path: "proj/ardoise.yaml", text: text)
        let (config, diagnostics) = ArdoiseConfig.load(source: source, fileExists: { $0 == "proj/settings.yaml" })
        #expect(config == nil)
        #expect(
            Fixture.summary(diagnostics) == [
                "E0541 proj/ardoise.yaml:1:27 settings file `setings.yaml` not found",
                "E0502 proj/ardoise.yaml:2:1 unknown key `databse` in the config file",
                "E0540 proj/ardoise.yaml:3:1 `outbox` and `documents` name the same folder"
            ])
        #expect(diagnostics.first { $0.code == "E0502" }?.help == "did you mean `database`?")
        Golden.assertMatches(Fixture.render(diagnostics, [source]), file: Fixture.golden("config-faults"))
    }
}
