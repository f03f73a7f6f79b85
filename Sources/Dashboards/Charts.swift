import BillingModel

/// Charts drawn as SVG text by pure functions: stacked bars per day or week
/// by activity, and a cumulative line. French labels, an accessible title
/// and description, a `<title>` on every bar segment and point (shown as a
/// tooltip, read by screen readers), no script. Coordinates are computed in
/// integers from the cents, so the output is exact and reproducible.
public enum Charts {
    /// One bar: its label on the axis, its long label (tooltips), its amounts per activity.
    public struct Bar: Sendable, Hashable {
        public var label: String
        public var longLabel: String
        public var amounts: [Activity: Money]
        public init(label: String, longLabel: String, amounts: [Activity: Money]) {
            self.label = label; self.longLabel = longLabel; self.amounts = amounts
        }
    }

    /// One point of a line: its label on the axis, its long label, its amount.
    public struct Point: Sendable, Hashable {
        public var label: String
        public var longLabel: String
        public var amount: Money
        public init(label: String, longLabel: String, amount: Money) {
            self.label = label; self.longLabel = longLabel; self.amount = amount
        }
    }

    public static let width = 720, height = 320
    static let left = 84, right = 16, top = 56, bottom = 40
    static var plotWidth: Int { width - left - right }
    static var plotHeight: Int { height - top - bottom }

    /// French names of the activities.
    public static func name(_ a: Activity) -> String {
        switch a {
        case .selfService: "Self-service"
        case .cafeteria: "Cafétéria"
        case .brasserie: "Brasserie"
        case .events: "Événements (HT)"
        case .fees: "Frais"
        }
    }

    static func colour(_ a: Activity) -> String {
        switch a {
        case .selfService: "#2f6f9f"
        case .cafeteria: "#d9962b"
        case .brasserie: "#8c4f9f"
        case .events: "#3f8f5a"
        case .fees: "#7f7f7f"
        }
    }

    static let shortMonths = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."
    ]

    /// `14 oct.`
    public static func shortDay(_ d: Day) -> String { "\(d.dayOfMonth) \(shortMonths[d.month - 1])" }
    static let months = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"
    ]
    static let weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

    /// `mercredi 14 octobre 2026`
    public static func longDay(_ d: Day) -> String {
        "\(weekdays[d.isoWeekday - 1]) \(d.dayOfMonth) \(months[d.month - 1]) \(d.year)"
    }

    /// Stacked bars of the days' revenue by activity.
    public static func daily(_ days: [DayFigures], title: String, id: String = "ca-jour") -> String {
        stackedBars(
            days.map { Bar(label: shortDay($0.day), longLabel: longDay($0.day), amounts: $0.figures.amounts) },
            title: title, id: id)
    }

    /// Stacked bars of the ISO weeks' revenue by activity.
    public static func weekly(_ weeks: [WeekFigures], title: String, id: String = "ca-semaine") -> String {
        stackedBars(
            weeks.map {
                Bar(
                    label: "S\($0.week)",
                    longLabel: "semaine \($0.week) (\(shortDay($0.days.start)) – \(shortDay($0.days.end)))",
                    amounts: $0.figures.amounts)
            }, title: title, id: id)
    }

    /// The running total of all activities, one point per day, from each day's own figures (the chart cumulates
    /// them itself, so a caller cannot hand it daily figures by mistake and draw a daily chart under this title).
    public static func cumulative(_ days: [DayFigures], title: String, id: String = "ca-cumul") -> String {
        line(
            Dashboard.cumulative(days).map {
                Point(label: shortDay($0.day), longLabel: longDay($0.day), amount: $0.figures.total)
            },
            title: title, id: id)
    }

    /// Bars stacked by activity (self-service at the bottom), a y axis in euros, a legend.
    public static func stackedBars(_ bars: [Bar], title: String, id: String) -> String {
        let totals = bars.map { b in
            Activity.withDailyRevenue.reduce(Int64(0)) { $0 + max(0, b.amounts[$1]?.cents ?? 0) }
        }
        let total = Activity.withDailyRevenue.reduce(Int64(0)) { s, a in
            s + bars.reduce(Int64(0)) { $0 + ($1.amounts[a]?.cents ?? 0) }
        }
        let scale = Scale(maximum: totals.max() ?? 0)
        var svg = header(
            title: title, id: id,
            description: "Diagramme en barres empilées par activité, \(bars.count) barres ; "
                + "total \(euros(Money(cents: total))).")
        svg += scale.axis()
        let slot = bars.isEmpty ? plotWidth : plotWidth / bars.count
        let barWidth = max(1, slot * 7 / 10)
        for (i, bar) in bars.enumerated() {
            let x = left + i * slot + (slot - barWidth) / 2
            var base: Int64 = 0
            svg += "<g>\n"
            for a in Activity.withDailyRevenue {
                let cents = max(0, bar.amounts[a]?.cents ?? 0)
                guard cents > 0 else { continue }
                let y0 = scale.y(base), y1 = scale.y(base + cents)
                base += cents
                svg +=
                    "<rect x=\"\(x)\" y=\"\(y1)\" width=\"\(barWidth)\" height=\"\(max(0, y0 - y1))\" fill=\"\(colour(a))\">"
                svg +=
                    "<title>\(escape("\(bar.longLabel) — \(name(a)) : \(euros(Money(cents: cents)))"))</title></rect>\n"
            }
            svg += "</g>\n"
            if labelShown(i, count: bars.count) {
                svg +=
                    "<text x=\"\(x + barWidth / 2)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(escape(bar.label))</text>\n"
            }
        }
        svg += legend(Activity.withDailyRevenue.map { (name($0), colour($0)) })
        return svg + "</svg>\n"
    }

    /// A line of amounts with a dot per point.
    public static func line(_ points: [Point], title: String, id: String) -> String {
        let scale = Scale(maximum: points.map { max(0, $0.amount.cents) }.max() ?? 0)
        let last = points.last?.amount ?? .zero
        var svg = header(
            title: title, id: id,
            description: "Courbe du chiffre d'affaires cumulé, \(points.count) points ; "
                + "total \(euros(last)).")
        svg += scale.axis()
        let step = points.count > 1 ? plotWidth / (points.count - 1) : 0
        let coordinates = points.enumerated().map { (i, p) in (x: left + i * step, y: scale.y(max(0, p.amount.cents))) }
        if !coordinates.isEmpty {
            let path = coordinates.map { "\($0.x),\($0.y)" }.joined(separator: " ")
            svg +=
                "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour(.selfService))\" stroke-width=\"2\"/>\n"
        }
        for (i, p) in points.enumerated() {
            let c = coordinates[i]
            svg += "<circle cx=\"\(c.x)\" cy=\"\(c.y)\" r=\"3\" fill=\"\(colour(.selfService))\">"
            svg += "<title>\(escape("\(p.longLabel) — cumul : \(euros(p.amount))"))</title></circle>\n"
            if labelShown(i, count: points.count) {
                svg +=
                    "<text x=\"\(c.x)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(escape(p.label))</text>\n"
            }
        }
        svg += legend([("Cumul, toutes activités", colour(.selfService))])
        return svg + "</svg>\n"
    }

    /// At most about 16 axis labels: every n-th, and the last.
    static func labelShown(_ i: Int, count: Int) -> Bool {
        let every = max(1, (count + 15) / 16)
        return i % every == 0
    }

    static func header(title: String, id: String, description: String) -> String {
        let t = escape(id) + "-titre", d = escape(id) + "-desc"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" \
            role="img" aria-labelledby="\(t) \(d)" font-family="DejaVu Sans, sans-serif" font-size="11">
            <title id="\(t)">\(escape(title))</title>
            <desc id="\(d)">\(escape(description))</desc>
            <text x="\(left)" y="20" font-size="14" font-weight="bold">\(escape(title))</text>

            """
    }

    static func legend(_ items: [(String, String)]) -> String {
        var svg = "<g>\n"
        var x = left
        for (label, colour) in items {
            svg += "<rect x=\"\(x)\" y=\"32\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(x + 14)\" y=\"41\">\(escape(label))</text>\n"
            x += 24 + label.count * 7
        }
        return svg + "</g>\n"
    }

    /// `12 345 €` (whole euros, rounded half away from zero) or `12 345,67 €`.
    public static func euros(_ m: Money) -> String { "\(m.french) €" }

    static func wholeEuros(_ cents: Int64) -> String {
        let e = Money(cents: cents).french
        return (e.hasSuffix(",00") ? String(e.dropLast(3)) : e) + " €"
    }

    /// The y axis: a round step (1, 2 or 5 × 10ⁿ euros) giving at most 5 gridlines.
    struct Scale {
        var top: Int64
        var step: Int64

        init(maximum: Int64) {
            var step: Int64 = 100
            while true {
                if maximum <= step * 5 { break }
                if maximum <= step * 2 * 5 { step *= 2; break }
                if maximum <= step * 5 * 5 { step *= 5; break }
                step *= 10
            }
            self.step = step
            top = max(step, (maximum + step - 1) / step * step)
        }

        /// The pixel row of an amount (integer arithmetic, rounded to the nearest pixel).
        func y(_ cents: Int64) -> Int {
            let h = Int64(Charts.plotHeight)
            return Charts.top + Charts.plotHeight - Int((cents * h * 2 + top) / (top * 2))
        }

        func axis() -> String {
            var svg = "<g stroke=\"#cccccc\">\n"
            var v: Int64 = 0
            var labels = ""
            while v <= top {
                let y = y(v)
                svg += "<line x1=\"\(Charts.left)\" y1=\"\(y)\" x2=\"\(Charts.width - Charts.right)\" y2=\"\(y)\"/>\n"
                labels +=
                    "<text x=\"\(Charts.left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(escape(wholeEuros(v)))</text>\n"
                v += step
            }
            return svg + "</g>\n" + labels
        }
    }

    /// Text and attribute values escaped for XML.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
