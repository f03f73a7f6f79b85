import Diagnostics

/// The long explanations of settings diagnostics, for `ardoise lint --explain`.
public enum SettingsExplanations {
    /// Every settings code, errors then warnings.
    public static var codes: [String] { all.map(\.code) }

    public static func explanation(for code: String) -> Explanation? { all.first { $0.code == code } }

    public static let all: [Explanation] = [
        Explanation(
            code: SettingsCode.syntax, title: "invalid yaml",
            body:
                "The file is not valid YAML, so none of it can be read. The position is where the YAML reader gave up; the fault is often just before it: a missing `:`, a wrong indentation, or an unclosed quote.",
            wrong: "clients:\n  - code: ACME\n    legal_name: \"ACME Industries SA\n",
            fixed: "clients:\n  - code: ACME\n    legal_name: \"ACME Industries SA\"\n"),
        Explanation(
            code: SettingsCode.unknownKey, title: "unknown key",
            body:
                "A key that Ardoise does not know is refused rather than ignored: a misspelt key would otherwise silently leave a value at its default, e.g. a client without its VAT number.",
            wrong: "  - code: ACME\n    legal_nme: ACME Industries SA",
            fixed: "  - code: ACME\n    legal_name: ACME Industries SA"),
        Explanation(
            code: SettingsCode.missingKey, title: "missing key",
            body:
                "A key every invoice needs is absent or empty (legal name, SIREN, address, e-mails, accounts...). See SETTINGS.md for the keys of each section.",
            wrong: "  - code: ACME\n    legal_name: ACME Industries SA",
            fixed: "  - code: ACME\n    legal_name: ACME Industries SA\n    siren: \"412387565\"\n    ..."),
        Explanation(
            code: SettingsCode.wrongType, title: "wrong kind of value",
            body:
                "A key expects a list, a mapping or a single value and got something else; a single e-mail address must still be written as a list.",
            wrong: "    emails: factures@acme.fr", fixed: "    emails: [factures@acme.fr]"),
        Explanation(
            code: SettingsCode.invalidValue, title: "invalid number, amount or yes/no value",
            body:
                "Numbers are exact decimals (a point, no thousands separator, at most 2 decimals for amounts and 4 for rates); yes/no values are `true` or `false`.",
            wrong: "    recovery_indemnity: 40,00 €\n    vat_on_debits: oui",
            fixed: "    recovery_indemnity: 40.00\n    vat_on_debits: false"),
        Explanation(
            code: SettingsCode.invalidChoice, title: "value not among the allowed ones",
            body:
                "Some keys take one of a fixed list of words: `document_type` (invoice, credit_note), `activity` (SELF, CAFET, BRASS, EVENTS, FEES) and `kind` (subsidy, admission_fee, guest_meals, cafeteria, fee, minimum_guarantee, events).",
            wrong: "    kind: subsidies", fixed: "    kind: subsidy"),
        Explanation(
            code: SettingsCode.duplicateKey, title: "key written twice",
            body: "The same key appears twice in one mapping; YAML cannot tell which value is meant.",
            wrong: "    siren: \"412387565\"\n    siren: \"412387566\"", fixed: "    siren: \"412387565\""),
        Explanation(
            code: SettingsCode.duplicateCode, title: "code defined twice",
            body:
                "Codes identify clients, payers, sites, revenue types, number series and indices across all settings files: each must be defined once. Clients and payers share one list of codes, since both are billed customers.",
            wrong: "# settings.yaml\nclients:\n  - code: ACME\n# clients.yaml\nclients:\n  - code: ACME",
            fixed: "# keep ACME in one file only"),
        Explanation(
            code: SettingsCode.invalidCode, title: "invalid code",
            body:
                "Codes are written in registers, contracts and file names: letters, digits, `-` and `_` only, at most 32 characters.",
            wrong: "  - code: ACME SA", fixed: "  - code: ACME"),
        Explanation(
            code: SettingsCode.invalidSIREN, title: "invalid siren",
            body:
                "A SIREN has 9 digits, the last a Luhn check digit. A wrong SIREN makes the e-invoice rejected by the platform. Copy it from the Kbis or the INSEE register (quote it so leading zeros stay).",
            wrong: "    siren: \"412387566\"", fixed: "    siren: \"412387565\""),
        Explanation(
            code: SettingsCode.invalidVATNumber, title: "invalid vat number",
            body:
                "A French VAT number is `FR`, a 2-digit key equal to (12 + 3 × (SIREN mod 97)) mod 97, then the SIREN of the same company.",
            wrong: "    siren: \"412387565\"\n    vat_number: FR70412387565",
            fixed: "    siren: \"412387565\"\n    vat_number: FR69412387565"),
        Explanation(
            code: SettingsCode.invalidIBAN, title: "invalid iban",
            body:
                "The IBAN printed on invoices must pass its check digits (ISO 13616, mod 97) and have its country's length (27 for France). Spaces are allowed.",
            wrong: "  iban: FR76 3000 4008 2300 0104 5871 295", fixed: "  iban: FR76 3000 4008 2300 0104 5871 294"),
        Explanation(
            code: SettingsCode.invalidBIC, title: "invalid bic",
            body:
                "A BIC has 8 or 11 characters: 4 letters for the bank, 2 for the country, 2 letters or digits for the place, optionally 3 for the branch.",
            wrong: "  bic: BNP PARIBAS", fixed: "  bic: BNPAFRPPXXX"),
        Explanation(
            code: SettingsCode.invalidEmail, title: "invalid e-mail address",
            body: "Invoices are sent to these addresses; each must be a plain `name@domain.tld`, one per list entry.",
            wrong: "    emails: [\"factures@acme, compta@acme.fr\"]",
            fixed: "    emails: [factures@acme.fr, compta@acme.fr]"),
        Explanation(
            code: SettingsCode.invalidVATRate, title: "invalid vat rate",
            body: "Revenue types carry a French VAT rate in percent: 20, 10, 5.5, 2.1 or 0.",
            wrong: "    vat_rate: 0.1", fixed: "    vat_rate: 10"),
        Explanation(
            code: SettingsCode.unknownSite, title: "unknown site",
            body:
                "A client names a site that no settings file defines under `sites:`; its revenue could not be placed.",
            wrong: "    sites: [LD03]", fixed: "    sites: [LD01]"),
        Explanation(
            code: SettingsCode.unknownRevenueType, title: "unknown revenue type",
            body:
                "A client names a revenue type that no settings file defines under `revenue_types:`; the contract linter could not check it is billed.",
            wrong: "    revenue_types: [SUBVENTION]", fixed: "    revenue_types: [SUBV]"),
        Explanation(
            code: SettingsCode.invalidMonth, title: "invalid month in an index series",
            body: "Index values are keyed by month, written `YYYY-MM` with a two-digit month.",
            wrong: "      2025-9: 118.2", fixed: "      2025-09: 118.2"),
        Explanation(
            code: SettingsCode.invalidIndexValue, title: "invalid index value",
            body: "An index value is the published number, positive, with at most 4 decimals and a decimal point.",
            wrong: "      2025-09: 118,2", fixed: "      2025-09: 118.2"),
        Explanation(
            code: SettingsCode.invalidNumberSeries, title: "number series cannot make valid invoice numbers",
            body:
                "An e-invoice number has at most 35 characters among `A-Z a-z 0-9 + - _ /`: the prefix plus the width must fit.",
            wrong: "    prefix: FA 2026 ", fixed: "    prefix: FA-2026-"),
        Explanation(
            code: SettingsCode.invalidAccount, title: "invalid accounting account",
            body:
                "Receivable accounts start with `411` (letters and digits follow); revenue accounts are class 7 account numbers, digits only. Quote numbers so YAML keeps them as written.",
            wrong: "    receivable_account: ACME\n    revenue_account: 411000",
            fixed: "    receivable_account: 411ACME\n    revenue_account: \"706100\""),
        Explanation(
            code: SettingsCode.emptyList, title: "empty list",
            body:
                "A list that must have at least one entry is empty: a client's e-mails and sites, an address's lines, the config's settings files.",
            wrong: "    emails: []", fixed: "    emails: [factures@acme.fr]"),
        Explanation(
            code: SettingsCode.duplicateArticleCode, title: "article code in two revenue types",
            body:
                "Imports classify register lines by article code; an article code must belong to one revenue type only.",
            wrong: "  - code: SUBV\n    article_codes: [A1]\n  - code: DROIT\n    article_codes: [A1]",
            fixed: "  - code: SUBV\n    article_codes: [A1]\n  - code: DROIT\n    article_codes: [A2]"),
        Explanation(
            code: SettingsCode.unreadableFile, title: "file cannot be read",
            body:
                "A settings or config file named on the command line or in `ardoise.yaml` does not exist, cannot be read, or is not UTF-8 text.",
            wrong: "settings: [setings.yaml]", fixed: "settings: [settings.yaml]"),
        Explanation(
            code: SettingsCode.missingSeller, title: "no seller",
            body:
                "None of the settings files has a `seller:` section; invoices cannot be issued without the issuer's legal identity.",
            wrong: "clients: ...", fixed: "seller:\n  legal_name: Serenest SAS\n  ..."),
        Explanation(
            code: SettingsCode.definedTwice, title: "section defined twice",
            body: "`seller`, `time_zone`, `currency` and `smtp` are written once across all settings files.",
            wrong: "# settings.yaml\nseller: ...\n# clients.yaml\nseller: ...", fixed: "# settings.yaml\nseller: ..."),
        Explanation(
            code: SettingsCode.invalidTimeZone, title: "unknown time zone",
            body: "Time zones are IANA names; they decide which day an invoice is dated.",
            wrong: "time_zone: Paris", fixed: "time_zone: Europe/Paris"),
        Explanation(
            code: SettingsCode.invalidCurrency, title: "unsupported currency",
            body: "Ardoise issues invoices in euros only.",
            wrong: "currency: USD", fixed: "currency: EUR"),
        Explanation(
            code: SettingsCode.invalidCountry, title: "invalid country code",
            body: "Countries are written as two-letter ISO 3166 codes, in capitals.",
            wrong: "      country: France", fixed: "      country: FR"),
        Explanation(
            code: SettingsCode.invalidPostcode, title: "invalid french postcode",
            body: "A French postcode has 5 digits. Quote it so YAML keeps a leading zero.",
            wrong: "      postcode: 6000", fixed: "      postcode: \"06000\""),
        Explanation(
            code: SettingsCode.invalidEnvironmentVariable, title: "invalid environment variable name",
            body:
                "`password_env` names the environment variable that holds the SMTP password; the password itself never goes in a settings file.",
            wrong: "  password_env: s3cret!", fixed: "  password_env: ARDOISE_SMTP_PASSWORD"),
        Explanation(
            code: SettingsCode.conflictingKeys, title: "two keys for the same thing",
            body: "`documents` and `outbox` both name the output folder in `ardoise.yaml`; write one.",
            wrong: "documents: out\noutbox: sortie", fixed: "documents: out"),
        Explanation(
            code: SettingsCode.missingVATAccount, title: "vat rate without an output VAT account",
            body:
                "Every issued invoice is posted to the sales journal in the same transaction as its number: the VAT of each rate is credited to that rate's output VAT account. A rate that a revenue type bills at must therefore have one under `accounting: output_vat_accounts:` (when that list is written, it replaces the defaults 445711, 445712, 445713 and 445714 for 20, 10, 5.5 and 2.1 %).",
            wrong: "accounting:\n  output_vat_accounts:\n    - rate: 20\n      account: \"445711\"",
            fixed:
                "accounting:\n  output_vat_accounts:\n    - rate: 20\n      account: \"445711\"\n    - rate: 10\n      account: \"445712\""
        ),
        Explanation(
            code: SettingsCode.missingPendingVATAccount, title: "service vat rate without a pending VAT account",
            body:
                "Unless the seller opted for VAT on debits (`seller: vat_on_debits: true`), the VAT of services is due when the customer pays: invoicing credits it to the rate's pending VAT account (\"TVA collectée en attente\") and each payment moves its share to the output VAT account. A rate that a service revenue type bills at must therefore have one under `accounting: pending_vat_accounts:` (when that list is written, it replaces the defaults 445741, 445742, 445743 and 445744 for 20, 10, 5.5 and 2.1 %).",
            wrong: "accounting:\n  pending_vat_accounts:\n    - rate: 20\n      account: \"445741\"",
            fixed:
                "accounting:\n  pending_vat_accounts:\n    - rate: 20\n      account: \"445741\"\n    - rate: 10\n      account: \"445742\""
        ),
        Explanation(
            code: SettingsCode.unknownCustomer, title: "reminders for an unknown client or payer",
            body:
                "Each entry of `reminders: clients:` gives a client or payer its own reminder schedule; its `code` must be a client's or a payer's, or the override would silently apply to nobody and the customer would get the default schedule.",
            wrong: "reminders:\n  clients:\n    - code: ACNE\n      after_due_days: [15]",
            fixed: "reminders:\n  clients:\n    - code: ACME\n      after_due_days: [15]"),
        Explanation(
            code: SettingsCode.settingsFileNotFound, title: "settings file not found",
            body:
                "`ardoise.yaml` lists a settings file that does not exist. Paths are relative to the folder of `ardoise.yaml`.",
            wrong: "settings: [setings.yaml]", fixed: "settings: [settings.yaml]"),
        Explanation(
            code: SettingsCode.missingNumberSeries, title: "no number series for a document type",
            body: "Invoices (or credit notes) could not be validated: no series numbers them.",
            wrong: "number_series:\n  - { code: FA, document_type: invoice, prefix: FA-, width: 6 }",
            fixed:
                "number_series:\n  - { code: FA, document_type: invoice, prefix: FA-, width: 6 }\n  - { code: AV, document_type: credit_note, prefix: AV-, width: 6 }"
        ),
        Explanation(
            code: SettingsCode.indexGap, title: "month missing in an index series",
            body:
                "An index series skips months between its first and last values: one warning per series lists them (`2024-07..2025-07` for a run of months). A price revision referring to one of them would fail; whether a contract needs it is checked with the contract (E0802: only the revisions already due, from the revision's first year on).",
            wrong: "      2025-08: 118.0\n      2025-10: 118.4",
            fixed: "      2025-08: 118.0\n      2025-09: 118.2\n      2025-10: 118.4"),
        Explanation(
            code: SettingsCode.unusualIndemnity, title: "recovery indemnity other than 40.00",
            body: "French law (Code de commerce, art. D441-5) sets the fixed recovery indemnity at 40 euros.",
            wrong: "  recovery_indemnity: 45.00", fixed: "  recovery_indemnity: 40.00"),
        Explanation(
            code: SettingsCode.listedTwice, title: "code listed twice",
            body: "A client lists the same site, diner category or revenue type twice.",
            wrong: "    sites: [LD01, LD01]", fixed: "    sites: [LD01]"),
        Explanation(
            code: SettingsCode.noRevenueTypes, title: "client without revenue types",
            body:
                "A client lists no revenue type, so the contract linter cannot check that its contract bills everything it buys.",
            wrong: "    revenue_types: []", fixed: "    revenue_types: [SUBV, DROIT]")
    ]
}
