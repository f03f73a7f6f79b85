import BillingModel
import Diagnostics
import Foundation

extension DemoGenerator {
    struct EventArticle {
        var code: String
        var label: String
        var price: String
        var rate: String
        /// Some senders send prices as JSON numbers.
        var asNumber: Bool
    }

    static let eventArticles = [
        EventArticle(
            code: "PDJ-CONT", label: "Petit-déjeuner continental", price: "7.90", rate: "10.0", asNumber: false),
        EventArticle(code: "JUS-1L", label: "Jus de fruits pressés 1 L", price: "6.45", rate: "10.0", asNumber: false),
        EventArticle(
            code: "COCKTAIL-12", label: "Cocktail déjeunatoire 12 pièces", price: "18.50", rate: "10.0", asNumber: false
        ),
        EventArticle(
            code: "PLATEAU", label: "Plateau-repas « Affaires »", price: "24.1667", rate: "10.0", asNumber: false),
        EventArticle(code: "CANAPE", label: "Canapé salé (la pièce)", price: "2.675", rate: "10.0", asNumber: true),
        EventArticle(
            code: "MIGNARD", label: "Mignardise sucrée (la pièce)", price: "1.005", rate: "10.0", asNumber: true),
        EventArticle(code: "CHAMP-75", label: "Champagne brut 75 cl", price: "32.00", rate: "20.0", asNumber: false),
        EventArticle(code: "SERV-H", label: "Maître d'hôtel (heure)", price: "38.5", rate: "20.0", asNumber: true),
        EventArticle(
            code: "COFFRET", label: "Coffret gourmand à emporter", price: "18.335", rate: "5.5", asNumber: false)
    ]

    struct Order {
        var id: String
        var revision: Int
        var client: DemoClient
        var po: String?
        var eventDate: Day
        var status: String
        var deliveredAt: String?
        var orderedBy: String?
        var costCenter: String?
        var lines: [(EventArticle, Int)]
    }

    /// Event-order files of the month: for each business day with changes,
    /// the JSON lines of the orders created or changed that day.
    public func eventFiles() -> [(Day, [String])] {
        let days = businessDays
        guard !clients.isEmpty, !days.isEmpty else { return [] }
        var g = SplitMix64(seed: SplitMix64.derive(seed, [SplitMix64.hash("events"), UInt64(days[0].ordinal)]))
        var files: [[String: String]] = Array(repeating: [:], count: days.count)
        var order: [[String]] = Array(repeating: [], count: days.count)
        func emit(_ o: Order, on index: Int) {
            guard index < days.count else { return }
            if files[index][o.id] == nil { order[index].append(o.id) }
            files[index][o.id] = DemoGenerator.json(o)
        }
        let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt
        var sequence = days[0].year % 100 * 100_000 + days[0].month * 1000
        for (i, day) in days.enumerated() {
            for _ in 0..<(3 + g.below(4)) {
                sequence += 1
                let client = clients[g.below(clients.count)]
                let eventIndex = i + 1 + g.below(6)
                let eventDate = eventIndex < days.count ? days[eventIndex] : day.adding(days: 9)
                var lines: [(EventArticle, Int)] = []
                for _ in 0..<(1 + g.below(4)) {
                    lines.append(
                        (DemoGenerator.eventArticles[g.below(DemoGenerator.eventArticles.count)], 1 + g.below(40)))
                }
                var o = Order(
                    id: "EVT-\(day.year)-\(sequence)", revision: 1, client: client,
                    po: g.chance(600) ? "45\(String(10_000_000 + g.below(89_999_999)))" : nil,
                    eventDate: eventDate, status: "confirmed", deliveredAt: nil,
                    orderedBy: g.chance(800) ? "contact\(g.below(100))@\(client.code.lowercased()).example" : nil,
                    costCenter: g.chance(400) ? "CC-\(g.below(90) + 10)" : nil, lines: lines)
                emit(o, on: i)
                if g.chance(250), eventIndex > i + 1 {
                    o.revision += 1
                    o.lines[0].1 += 1 + g.below(10)
                    emit(o, on: i + 1)
                }
                guard eventIndex < days.count else { continue }
                o.revision += 1
                if g.chance(80) {
                    o.status = "cancelled"
                    emit(o, on: eventIndex - 1)
                    continue
                }
                o.status = "delivered"
                let minutes = 7 * 60 + g.below(12 * 60)
                let noon = Date(timeIntervalSince1970: TimeInterval(eventDate.ordinal * 86400 + 12 * 3600))
                let offset = paris.secondsFromGMT(for: noon) / 60
                func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
                o.deliveredAt =
                    "\(eventDate)T\(two(minutes / 60)):\(two(minutes % 60)):00"
                    + "\(offset >= 0 ? "+" : "-")\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
                emit(o, on: eventIndex)
                if g.chance(50) {
                    o.revision += 1
                    o.lines[o.lines.count - 1].1 += 1
                    emit(o, on: eventIndex + 1)
                }
            }
        }
        return days.indices.compactMap { i in
            order[i].isEmpty ? nil : (days[i], order[i].compactMap { files[i][$0] })
        }
    }

    static func json(_ o: Order) -> String {
        let str = JSON.string
        var parts = [
            "\"order_id\":\(str(o.id))", "\"revision\":\(o.revision)", "\"client\":\(str(o.client.code))",
            "\"site\":\(str(o.client.sites.first ?? "LD01"))"
        ]
        if let po = o.po { parts.append("\"po_number\":\(str(po))") }
        parts.append("\"event_date\":\(str(o.eventDate.description))")
        parts.append("\"status\":\(str(o.status))")
        if let d = o.deliveredAt { parts.append("\"delivered_at\":\(str(d))") }
        if let b = o.orderedBy { parts.append("\"ordered_by\":\(str(b))") }
        if let c = o.costCenter { parts.append("\"cost_center\":\(str(c))") }
        let lines = o.lines.map { a, q in
            "{\"article\":\(str(a.code)),\"label\":\(str(a.label)),\"quantity\":\(q),\"unit_price_ht\":"
                + (a.asNumber ? a.price : str(a.price)) + ",\"vat_rate\":\(str(a.rate))}"
        }
        parts.append("\"lines\":[\(lines.joined(separator: ","))]")
        return "{" + parts.joined(separator: ",") + "}"
    }
}
