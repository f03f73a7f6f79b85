import Diagnostics

/// The long explanation of every diagnostic code of the contract language,
/// printed by `ardoise lint --explain CODE`.
public enum ContractExplanations {
    static let acme = """
        client ACME
          valid from 2026-01-01
          invoice monthly, one invoice per client
          payment 45 days
          validation by an accountant
        """

    public static let all: [Explanation] = [
        Explanation(
            code: "E0002", title: "nothing to lint",
            body: "The paths given to `ardoise lint` hold no contract file (`*.ard`) and no settings file (`*.yaml`).",
            wrong: "ardoise lint docs/", fixed: "ardoise lint rules/ examples/settings.yaml"),
        Explanation(
            code: "W0001", title: "contracts checked without settings",
            body:
                "Without the settings, the names a contract uses (client, sites, categories, payers, index series) cannot be resolved, so only the syntax was checked. Lint from the folder of `ardoise.yaml`, pass `--config`, or name the settings files.",
            wrong: "ardoise lint rules/acme.ard", fixed: "ardoise lint --config examples/ardoise.yaml rules/acme.ard"),
        Explanation(
            code: "W0002", title: "more messages than are shown",
            body:
                "A file with more than 100 messages (a pasted list of thousands of sites, a term copied a thousand times) shows the first 100, errors first, and counts the others: fixing the first usually removes the rest. Each distinct repeated item is reported once, with the number of times it is repeated.",
            wrong: "  sites LD01, LD01, LD01, …   (10,000 times)", fixed: "  sites LD01"),
        Explanation(
            code: "E0100", title: "contract file that cannot be read",
            body:
                "A file of the rules folder (or a path given on the command line) is missing, cannot be read, or is not UTF-8 text. It is never skipped: a contract left out would bill its client nothing. The message gives the first byte that is not UTF-8; contracts saved by some editors in Latin-1 or Windows-1252 need converting.",
            wrong: "rules/acme.ard   (saved as Latin-1: `Frais de gestion \\xe9t\\xe9`)",
            fixed: "iconv -f latin1 -t utf-8 rules/acme.ard > acme.ard && mv acme.ard rules/"),
        Explanation(
            code: "E0101", title: "unknown statement",
            body:
                "Each line of a contract starts with a known word: a header statement (`sites`, `valid`, `invoice`, `payment`, `validation`, `not billed`), a term (`subsidy`, `guest meals`, `admission fee`, `cafeteria participation`, `fee`, `minimum guarantee`, `events`), a detail of the term above (`category`, `up to`, `above`, `then`, `revised`, `billed to`, `labelled`, `applies`, `at sites`, `discount`, `delivery fee`, `changes`) or an example. A misspelt first word is reported with the nearest known one.",
            wrong: acme + "\n  subsidie per cover at 10% VAT", fixed: acme + "\n  subsidy per cover at 10% VAT"),
        Explanation(
            code: "E0102", title: "unexpected word",
            body:
                "The statement is known, but a word is missing or not the expected one. The message says what was expected at the caret.",
            wrong: acme + "\n  admission fee 2.35 HT per cover 10% VAT",
            fixed: acme + "\n  admission fee 2.35 HT per cover at 10% VAT"),
        Explanation(
            code: "E0103", title: "text after the end of a statement",
            body: "A statement is complete and more words follow on its line. Each statement has its own line.",
            wrong: acme + "\n  guest meals billed in full at 10% VAT", fixed: acme + "\n  guest meals billed in full"),
        Explanation(
            code: "E0104", title: "unterminated text",
            body: "A text in quotes (a label, an example's name) must close on the same line.",
            wrong: acme + "\n  fee \"Frais de gestion 1,200.00 HT per month at 20% VAT, in arrears",
            fixed: acme + "\n  fee \"Frais de gestion\" 1,200.00 HT per month at 20% VAT, in arrears"),
        Explanation(
            code: "E0105", title: "unexpected character",
            body:
                "The language uses letters, digits, dates, quotes and `, : ( ) + / % × *`. Other characters (e.g. `€` or `;`) are not part of it: amounts carry `HT` or `TTC`, not a currency sign.",
            wrong: acme + "\n  admission fee 2.35€ per cover at 10% VAT",
            fixed: acme + "\n  admission fee 2.35 HT per cover at 10% VAT"),
        Explanation(
            code: "E0106", title: "the contract does not start with `client`",
            body:
                "The first statement of a contract file names the client whose contract it is, with its code in the settings.",
            wrong: "  sites LD01\n  valid from 2026-01-01", fixed: "client ACME\n  sites LD01\n  valid from 2026-01-01"),
        Explanation(
            code: "E0107", title: "a line in the wrong place",
            body:
                "Header statements come before the terms; details (`category`, `up to`, `then`, `billed to`…) come right under the term they belong to; example data comes under `example`.",
            wrong: acme + "\n  admission fee 2.35 HT per cover at 10% VAT\n    category A: 4.20 HT",
            fixed: acme + "\n  subsidy per cover at 10% VAT\n    category A: 4.20 HT"),
        Explanation(
            code: "E0108", title: "said twice",
            body:
                "A header statement, a term detail, a site or a category is given twice. Two answers to one question would make the bill ambiguous: keep one.",
            wrong: acme + "\n  payment 45 days", fixed: acme),
        Explanation(
            code: "E0109", title: "not a number, a date or a period",
            body:
                "Dates are `YYYY-MM-DD` and must exist; periods are `2026-10`, `2026-W42`, `2026-Q4` or `2026-10-01..2026-10-15`; prices carry at most 4 decimals.",
            wrong: acme.replacingOccurrences(of: "2026-01-01", with: "2026-02-30"),
            fixed: acme.replacingOccurrences(of: "2026-01-01", with: "2026-02-28")),
        Explanation(
            code: "E0110", title: "a fee on covers billed in advance",
            body:
                "A floor (`max(…)`) or a tiered fee depends on the covers of its period, which are known only once the period has ended: such fees are billed in arrears.",
            wrong: acme + "\n  fee \"Frais\" per month at 20% VAT, in advance: max(1,500.00 HT, 0.45 HT per cover)",
            fixed: acme + "\n  fee \"Frais\" per month at 20% VAT, in arrears: max(1,500.00 HT, 0.45 HT per cover)"),
        Explanation(
            code: "E0111", title: "a required header statement is missing",
            body:
                "Every contract says when it starts (`valid from`), how it is invoiced (`invoice`), its payment terms (`payment`) and how its invoices are validated (`validation`). Nothing is assumed: a missing answer is an error.",
            wrong: "client ACME\n  valid from 2026-01-01", fixed: acme),
        Explanation(
            code: "E0112", title: "a subsidy term prices no category",
            body: "`subsidy per cover` and `subsidy capped by the tray` are followed by one line per diner category.",
            wrong: acme + "\n  subsidy per cover at 10% VAT",
            fixed: acme + "\n  subsidy per cover at 10% VAT\n    category A: 4.20 HT"),
        Explanation(
            code: "E0113", title: "a tray cap of `nothing`",
            body:
                "A category under `subsidy capped by the tray` has a cap TTC. A category that is not subsidised is simply not listed.",
            wrong: acme + "\n  subsidy capped by the tray at 10% VAT\n    category C: nothing",
            fixed: acme + "\n  subsidy capped by the tray at 10% VAT\n    category A: 4.20 TTC"),
        Explanation(
            code: "E0114", title: "a number written the French way",
            body:
                "The language writes `4.20 HT` and `1,500.00 HT`: a point before the decimals, and a comma between thousands only in the full form with decimals. `4,20`, `5,5 %`, `1.500,00` and `1 500,00` are how French finance staff write numbers, and `4,200` could be 4.20 or 4,200.00, a thousand times apart: each is refused, the help showing the amount to write. A whole count of covers or tickets may be written `2000` or `2,000` (a count has no decimals).",
            wrong: acme + "\n  subsidy per cover at 10% VAT\n    category A: 4,200 HT",
            fixed: acme + "\n  subsidy per cover at 10% VAT\n    category A: 4.20 HT"),
        Explanation(
            code: "E0201", title: "unknown client",
            body:
                "The client code after `client` must be a client of the settings (`clients:` in settings.yaml). A near code is suggested.",
            wrong: acme.replacingOccurrences(of: "client ACME", with: "client ACNE"), fixed: acme),
        Explanation(
            code: "E0202", title: "not a site of the client",
            body:
                "The sites of a contract must be sites of the client in the settings: revenue of another site would be billed to the wrong client.",
            wrong: "client ACME\n  sites LD02", fixed: "client ACME\n  sites LD01"),
        Explanation(
            code: "E0203", title: "unknown diner category",
            body:
                "Categories are the client's own codes (`dinerCategories` in the settings). A category the registers never send would bill nothing, silently.",
            wrong: acme + "\n  subsidy per cover at 10% VAT\n    category D: 4.20 HT",
            fixed: acme + "\n  subsidy per cover at 10% VAT\n    category B: 4.20 HT"),
        Explanation(
            code: "E0205", title: "guests priced as a category",
            body:
                "Guest tickets (`INV`) are billed in full by `guest meals billed in full`; they are not priced by subsidies per category or tray caps.",
            wrong: acme + "\n  subsidy per cover at 10% VAT\n    category INV: 4.20 HT",
            fixed: acme + "\n  guest meals billed in full"),
        Explanation(
            code: "E0206", title: "unknown payer",
            body:
                "`billed to` names another customer of the settings attached to this client under `payers` (e.g. its works council).",
            wrong: acme + "\n  guest meals billed in full\n    billed to ACME-CE",
            fixed: "(add ACME-CE under the client's `payers` in the settings)"),
        Explanation(
            code: "E0207", title: "unknown index series",
            body:
                "An index revision names a series of the settings (`index_series:`), whose monthly values finance staff publish.",
            wrong:
                "    revised each year on 1 January by index ILC: P0 × (0.15 + 0.85 × I / 118.2), I of 4 months before",
            fixed:
                "    revised each year on 1 January by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 4 months before"
        ),
        Explanation(
            code: "E0208", title: "unknown revenue type",
            body: "`not billed:` lists revenue type codes of the settings (`revenue_types:`).",
            wrong: acme + "\n  not billed: CAFE", fixed: acme + "\n  not billed: CAFET"),
        Explanation(
            code: "E0209", title: "not a site of the contract",
            body:
                "`at sites` under a term binds it to some of the contract's sites: only their revenue is billed by the term (a daily guarantee signed for one restaurant, a subsidy that differs per restaurant). Each site named must be one of the contract's `sites` (or, without that line, of the client's sites in the settings).",
            wrong:
                "  sites LD01, LD02\n  …\n  minimum guarantee 250 covers per day, shortfall at 1.50 HT per cover at 10% VAT\n    at sites LD03",
            fixed:
                "  sites LD01, LD02\n  …\n  minimum guarantee 250 covers per day, shortfall at 1.50 HT per cover at 10% VAT\n    at sites LD01"
        ),
        Explanation(
            code: "E0301", title: "wrong unit",
            body:
                "Every amount carries its unit: `HT` (excluding VAT), `TTC` (including VAT) or `%`. Each place of the language expects one: fees are HT, VAT rates and shares are percentages, tray caps are TTC. A missing or wrong unit is an error rather than a guess, because a unit mistake is a 10% or 20% billing error.",
            wrong: acme + "\n  admission fee 2.35 per cover at 10% VAT",
            fixed: acme + "\n  admission fee 2.35 HT per cover at 10% VAT"),
        Explanation(
            code: "E0302", title: "a tray cap is TTC",
            body:
                "`subsidy capped by the tray` compares the cap with the tray's price as the diner pays it, VAT included.",
            wrong: "    category A: 4.20 HT", fixed: "    category A: 4.20 TTC"),
        Explanation(
            code: "E0303", title: "not a VAT rate",
            body: "VAT rates are the French rates: 20%, 10%, 5.5%, 2.1% (and 0%).",
            wrong: acme + "\n  admission fee 2.35 HT per cover at 7% VAT",
            fixed: acme + "\n  admission fee 2.35 HT per cover at 10% VAT"),
        Explanation(
            code: "E0304", title: "out of range",
            body:
                "Prices are not negative (credit notes are made by the engine), percentages are between 0% and 100%, a base index is positive.",
            wrong: "  admission fee 2.35 HT per cover at 10% VAT, client pays 160%",
            fixed: "  admission fee 2.35 HT per cover at 10% VAT, client pays 60%"),
        Explanation(
            code: "E0305", title: "an amount with more than 2 decimals",
            body:
                "Fees, floors, caps and expected amounts are amounts of money, in cents. Only unit prices carry up to 4 decimals.",
            wrong: "  fee \"Frais\" 1,200.005 HT per month at 20% VAT, in arrears",
            fixed: "  fee \"Frais\" 1,200.00 HT per month at 20% VAT, in arrears"),
        Explanation(
            code: "E0306", title: "not a whole number",
            body: "Numbers of covers, tickets, band limits and guarantees are positive whole numbers with no unit.",
            wrong: "  minimum guarantee 250.5 covers per day, shortfall at 1.50 HT per cover at 10% VAT",
            fixed: "  minimum guarantee 250 covers per day, shortfall at 1.50 HT per cover at 10% VAT"),
        Explanation(
            code: "E0307", title: "a VAT rate other than its revenue type's",
            body:
                "A term bills a revenue type of the settings (`admission fee` bills the client's type of kind `admission_fee`), and the settings give that type its VAT rate, which the invoice line, the accounting entry and the register imports use. The rate written in the term must be the same: a difference is a mistake in one of them.",
            wrong: acme + "\n  admission fee 2.35 HT per cover at 20% VAT",
            fixed: acme + "\n  admission fee 2.35 HT per cover at 10% VAT"),
        Explanation(
            code: "E0401", title: "an end before the start",
            body:
                "A contract's `valid from … until …`, or a term's `applies from … until …`, ends on or after it starts.",
            wrong: "  valid from 2026-01-01 until 2025-12-31", fixed: "  valid from 2026-01-01 until 2026-12-31"),
        Explanation(
            code: "E0403", title: "the same revenue priced twice",
            body:
                "Two terms bill the same revenue on the same days (two admission fees, two subsidies of one category, …): the client would pay twice. Give them dates that do not overlap (`applies from … until …`), or keep one.",
            wrong: acme
                + "\n  admission fee 2.35 HT per cover at 10% VAT\n  admission fee 2.45 HT per cover at 10% VAT",
            fixed: acme + "\n  admission fee 2.35 HT per cover at 10% VAT\n    then 2.45 HT from 2026-07-01"),
        Explanation(
            code: "E0404", title: "a price change out of order",
            body:
                "`then PRICE from DATE` changes a price on a date inside the term's validity, after its previous price, in increasing order.",
            wrong: "  admission fee 2.35 HT per cover at 10% VAT\n    then 2.45 HT from 2025-07-01",
            fixed: "  admission fee 2.35 HT per cover at 10% VAT\n    then 2.45 HT from 2026-07-01"),
        Explanation(
            code: "E0405", title: "two contracts for one client",
            body:
                "Each client has exactly one contract file. Changes over time are written inside it with dates (`applies from`, `then … from`).",
            wrong: "rules/acme.ard and rules/acme-2027.ard both start with `client ACME`",
            fixed: "one file, rules/acme.ard"),
        Explanation(
            code: "E0406", title: "a client with no contract",
            body:
                "Every client of the settings has a contract in the rules folder; otherwise its revenue would never be billed.",
            wrong: "(settings list client C0099; no file starts with `client C0099`)",
            fixed: "rules/c0099.ard starting with `client C0099`"),
        Explanation(
            code: "E0601", title: "payment terms over the legal maximum",
            body:
                "French law (Code de commerce, L441-10) caps payment terms at 60 days from the invoice date, or 45 days end of month.",
            wrong: "  payment 60 days, then end of month", fixed: "  payment 45 days, then end of month"),
        Explanation(
            code: "E0603", title: "periodic invoices due more than 45 days after issue",
            body:
                "A contract invoiced monthly or weekly issues periodic invoices (article 289 I 3 of the Code général des impôts), and French law (Code de commerce L441-10 II) caps their payment at 45 days from the issue date, whatever the terms say. `30 days, then end of month` and `end of month, then 30 days` can each reach 60 days: refused. The longest lawful terms are `45 days`, `15 days, then end of month` and `end of month, then 15 days` (at most 45 days from any issue date). A payer's own terms on such a contract obey the same cap. The engine also refuses to issue a periodic invoice due more than 45 days after its issue date.",
            wrong: "  invoice monthly, one invoice per client\n  payment 30 days, then end of month",
            fixed: "  invoice monthly, one invoice per client\n  payment 45 days"),
        Explanation(
            code: "E0602", title: "a payer given two payment terms",
            body:
                "A payer's invoices carry the terms written after its code (`billed to C0013-CSE, payment on receipt`); without them, the contract's `payment`. When several terms are billed to one payer, they are grouped on its invoice, which carries one set of terms: write them once, or the same on each line.",
            wrong:
                "  subsidy as recorded by the registers\n    billed to C0013-CSE, payment on receipt\n  guest meals billed in full\n    billed to C0013-CSE, payment 30 days",
            fixed:
                "  subsidy as recorded by the registers\n    billed to C0013-CSE, payment on receipt\n  guest meals billed in full\n    billed to C0013-CSE"
        ),
        Explanation(
            code: "E0701", title: "bands out of order",
            body:
                "Bands of a tiered fee go from the fewest covers to the most, each `up to` larger than the previous, and `above` last. Limits are inclusive: `up to 2,000` includes the 2,000th cover.",
            wrong: "    up to 4,000 covers: 0.45 HT\n    up to 2,000 covers: 0.60 HT\n    above: 0.30 HT",
            fixed: "    up to 2,000 covers: 0.60 HT\n    up to 4,000 covers: 0.45 HT\n    above: 0.30 HT"),
        Explanation(
            code: "E0702", title: "bands that do not cover every number of covers",
            body: "A tiered fee ends with `above: PRICE HT` so that every cover is priced.",
            wrong: "    up to 2,000 covers: 0.60 HT", fixed: "    up to 2,000 covers: 0.60 HT\n    above: 0.45 HT"),
        Explanation(
            code: "E0801", title: "index coefficients that do not add up to 1",
            body:
                "The revision formula `P = P0 × (a + b × I / I0)` keeps the price when the index does not move only when a + b = 1.",
            wrong: "P0 × (0.15 + 0.80 × I / 118.2)", fixed: "P0 × (0.15 + 0.85 × I / 118.2)"),
        Explanation(
            code: "E0802", title: "a revision without its published index",
            body:
                "A revision already due (after the term starts, from the first revision the line names with `from YEAR`, up to today) needs the index value of its reference month in the settings. A missing value is an error, never a silent zero: publish the value in the series. The months missing for one revision line are reported together; revisions before `from YEAR` and periods before the first revision need no index. The contract is still billed for the periods before the revision (they do not use the value): `bill` refuses only a period that bills at the revised price. Before the revision day, lint says the same as the warning W0802.",
            wrong: "(series ILC-RESTO has no value for 2026-09)",
            fixed: "index_series: ILC-RESTO: values: \"2026-09\": 121.7"),
        Explanation(
            code: "E0803", title: "an implausible index lag",
            body:
                "The reference month is a number of months before the revision (e.g. the index of September for a revision on 1 January: 4 months before).",
            wrong: "I of 40 months before", fixed: "I of 4 months before"),
        Explanation(
            code: "E0901", title: "revenue that no term bills",
            body:
                "The client has a revenue type in the settings (e.g. cafeteria) that no term of the contract bills. Either a term is missing, or the contract does not bill it: then say so with `not billed:`, so that nothing is left out by accident.",
            wrong: acme + "\n  (client has CAFET, no cafeteria term)", fixed: acme + "\n  not billed: CAFET"),
        Explanation(
            code: "E0902", title: "a term billing a revenue type the client does not have",
            body:
                "Each term bills a kind of revenue, linked by `kind` to a revenue type of the settings (its label and account). The client's `revenue_types` in the settings list what it is billed for; a term billing a kind the client does not list would put lines on its invoices that its settings (and its accounting) do not expect. Add the revenue type to the client, or remove the term. (The other way round, a revenue type listed but not billed, is E0901.)",
            wrong:
                "(client ACME has revenue_types [SUBV, INVIT, DROIT, FRAIS])\n  cafeteria participation 20% of tickets",
            fixed:
                "(client ACME has revenue_types [SUBV, INVIT, DROIT, FRAIS, CAFET])\n  cafeteria participation 20% of tickets"
        ),
        Explanation(
            code: "E1001", title: "an example without a period",
            body:
                "An example bills one period: `period 2026-10`, `period 2026-W42` or `period 2026-10-01..2026-10-15`.",
            wrong: "  example \"October\"\n    covers A 100",
            fixed: "  example \"October\"\n    period 2026-10\n    covers A 100"),
        Explanation(
            code: "E1002", title: "example data outside its period",
            body: "`on DATE` places revenue on a day of the example's period.",
            wrong: "    period 2026-10\n    covers A 100 on 2026-11-02",
            fixed: "    period 2026-10\n    covers A 100 on 2026-10-02"),
        Explanation(
            code: "E1003", title: "an example that expects nothing",
            body:
                "An example states what it expects: `expect total 23,910.00 TTC`, `expect line \"…\" 8,400.00 HT`, `expect due 2026-12-31`, `expect invoices 2` or `expect nothing`.",
            wrong: "  example \"October\"\n    period 2026-10\n    covers A 100",
            fixed: "  example \"October\"\n    period 2026-10\n    covers A 100\n    expect total 462.00 TTC"),
        Explanation(
            code: "W0401", title: "a term that never applies",
            body:
                "The term's dates are outside the contract's validity: it bills nothing. It is probably a leftover or a date typo.",
            wrong:
                "  valid from 2026-01-01\n  …\n  admission fee 2.35 HT per cover at 10% VAT\n    applies from 2020-01-01 until 2020-12-31",
            fixed: "    applies from 2026-01-01 until 2026-12-31"),
        Explanation(
            code: "W0402", title: "a term that starts before its contract",
            body:
                "A term bills nothing before the contract's `valid from`; the earlier days of its `applies from` are ignored.",
            wrong: "  valid from 2026-01-01\n  …\n    applies from 2025-06-01", fixed: "    applies from 2026-01-01"),
        Explanation(
            code: "W0403", title: "categories left unpriced",
            body:
                "Some diner categories of the client are not listed under the subsidy term: the employer share the registers record for them is reported as unbilled revenue. List them, with `nothing` if the contract does not subsidise them.",
            wrong: "  subsidy per cover at 10% VAT\n    category A: 4.20 HT",
            fixed: "  subsidy per cover at 10% VAT\n    category A: 4.20 HT\n    category C: nothing"),
        Explanation(
            code: "W0802", title: "an index value needed by a coming revision",
            body:
                "The next revision of a term (after today) needs the index value of its reference month, which the settings do not have yet. Lint says so from the start, with the day it is needed, so that a contract clean today does not turn red on the revision day: publish the value before then. From that day it is the error E0802.",
            wrong: "(revision on 1 January 2027 with the index of 4 months before; series ILC-RESTO has no 2026-09)",
            fixed: "index_series: ILC-RESTO: values: \"2026-09\": 121.7"),
        Explanation(
            code: "E0903", title: "excluded yet billed",
            body:
                "A revenue type is listed in `not billed:` while a term of the contract bills it: one of the two is a mistake, and which one decides what the client pays, so it is an error, not a warning.",
            wrong: "  not billed: DROIT\n  admission fee 2.35 HT per cover at 10% VAT",
            fixed: "  admission fee 2.35 HT per cover at 10% VAT")
    ]
}
