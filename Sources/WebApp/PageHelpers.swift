import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// A difference with its sign: `+12,50`, `−3,00`.
func signed(_ m: Money) -> String { m.cents > 0 ? "+" + m.french : m.cents < 0 ? "−" + (-m).french : m.french }

/// French amounts: `1 234,56 €`.
func euros(_ cents: Int64) -> String { Money(cents: cents).french + " €" }

func cell(_ text: String, link: String? = nil, num: Bool = false) -> [String: Any] {
    // `link` is always there (false without one): a key a cell lacks is looked for in every enclosing
    // context (row, table, page), which made most of the rendering time of a page of 100 rows.
    ["text": text, "num": num, "link": link ?? false]
}

func filter(_ name: String, _ label: String, value: String?, hint: String = "", choices: [(String, String)] = [])
    -> [String: Any]
{
    var f: [String: Any] = [
        "name": name, "label": label, "value": value ?? "", "hint": hint, "hasChoices": !choices.isEmpty
    ]
    f["choices"] = choices.map { ["value": $0.0, "text": $0.1, "selected": $0.0 == (value ?? "")] as [String: Any] }
    return f
}
