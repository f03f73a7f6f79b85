import BillingModel
import Demo
import Foundation
import Ledger
import Workspace

/// The web app under load: the full example month imported and billed (the
/// accountant's proformas waiting) and its bank statement imported, `ardoise
/// serve` started on loopback; first each page alone, one request at a time
/// (curl's own timing): warm (its kept parts valid) and cold (a write to the
/// ledger before every request, so every kept part is made again: a proforma
/// edited back to the same lines, as a person's edit does); then 20 users
/// signed in and `wrk` running 20 connections, one session each, alternating
/// between the dashboard and the proforma list; prints p50/p95 per page and
/// wrk's p50/p95/p99 and the errors, and the server's CPU time per request.
public enum WebBenchmark {
    public static func run(
        executable: URL, directory: URL, sites: Int = 60, clients: Int = 850, seconds: Int = 20,
        connections: Int = 20, samples: Int = 40
    ) throws -> String {
        var lines: [String] = []
        let fm = FileManager.default
        let clock = ContinuousClock()
        // `paid`: the month's bank statement imported too (the payments page and the invoices' payment states).
        let folder = directory.appendingPathComponent("web-\(sites)x\(clients)-v\(DemoGenerator.version)-paid")
        let marker = folder.appendingPathComponent(".complete")
        let config = folder.appendingPathComponent("ardoise.yaml").path
        let issueDay = Day(iso: "2026-11-02") ?? Day(ordinal: 0)
        if !fm.fileExists(atPath: marker.path) {
            try? fm.removeItem(at: folder)
            let start = clock.now
            _ = try DemoWorkspace.write(to: folder, sites: sites, clients: clients, month: "2026-10", seed: 1)
            let workspace = try Installation.open(configPath: config)
            let ledger = try workspace.openLedger(creating: true)
            _ = try workspace.importFiles([])
            let engine = try workspace.engine(today: issueDay)
            let report = try engine.generate(
                period: Period(parsing: "2026-10") ?? Period.month(of: issueDay), issueDate: issueDay)
            let statement = try Camt053Writer.writeDemoStatement(
                settings: workspace.settings, documentsDirectory: workspace.config.documentsDirectory, ledger: ledger,
                bookedOn: issueDay)
            for (file, result) in try workspace.importPayments(files: [statement], actor: "bench", today: issueDay) {
                if case .failure(let error) = result { throw GenerationBenchmarkError("\(file): \(error)") }
            }
            try run(
                executable,
                ["users", "add", "bench", "--name", "Banc d'essai", "--admin", "--password-stdin", "--config", config],
                input: "mot-de-passe-du-banc\n")
            try Data().write(to: marker)
            lines.append(
                "generated, imported and billed \(sites) sites × \(clients) clients (\(report.created.count) documents, "
                    + "\(try ledger.invoices(status: .proforma).count) proformas waiting) in \(GenerationBenchmark.seconds(clock.now - start)) s"
            )
        } else {
            lines.append("reusing \(folder.path)")
        }

        let port = freePort()
        let server = Process()
        server.executableURL = executable
        server.arguments = ["serve", "--port", "\(port)", "--config", config, "--date", issueDay.description]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<150 where !ready {
            if (try? run("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/connexion"]))
                == "200"
            {
                ready = true
            } else {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        guard ready else { throw GenerationBenchmarkError("`ardoise serve` did not answer on \(base)") }

        // One session per connection, signed in through the login form with its CSRF token.
        var sessions: [String] = []
        for i in 0..<connections {
            let jar = directory.appendingPathComponent("web-cookies-\(i).txt").path
            try? fm.removeItem(atPath: jar)
            let page = try run("/usr/bin/env", ["curl", "-s", "-c", jar, "-b", jar, base + "/connexion"])
            guard let token = csrf(in: page) else { throw GenerationBenchmarkError("no CSRF token on the login page") }
            _ = try run(
                "/usr/bin/env",
                [
                    "curl", "-s", "-o", "/dev/null", "-c", jar, "-b", jar, "--data-urlencode", "login=bench",
                    "--data-urlencode", "password=mot-de-passe-du-banc", "--data-urlencode", "csrf=\(token)",
                    base + "/connexion"
                ])
            let cookies = try String(contentsOfFile: jar, encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasPrefix("#") || $0.hasPrefix("#HttpOnly_") }
                .compactMap { line -> String? in
                    let fields = line.split(separator: "\t")
                    return fields.count >= 7 ? "\(fields[5])=\(fields[6])" : nil
                }
            sessions.append(cookies.joined(separator: "; "))
        }
        lines += try pages(base: base, cookie: sessions[0], config: config, samples: samples)

        let paths = ["/tableau-de-bord", "/proformas"]
        for path in paths {
            let status = try run(
                "/usr/bin/env",
                ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Cookie: \(sessions[0])", base + path])
            lines.append("GET \(path) signed in: \(status)")
        }
        let script = locate(".ci/wrk_sessions.lua")
        let cpuBefore = cpuSeconds(server.processIdentifier)
        let wrk = try run(
            "/usr/bin/env",
            [
                "SESSIONS=\(sessions.joined(separator: "\n"))", "PATHS=\(paths.joined(separator: ","))",
                "wrk", "-t\(connections)", "-c\(connections)", "-d\(seconds)s", "--timeout", "10s",
                "-s", script, base
            ])
        let cpuAfter = cpuSeconds(server.processIdentifier)
        lines.append(
            "wrk, \(connections) signed-in sessions, \(seconds) s, alternating \(paths.joined(separator: " and ")):")
        lines += wrk.split(separator: "\n").map { "  " + $0 }
        // The server's own CPU time (user + system) over the run, per request answered.
        if let before = cpuBefore, let after = cpuAfter, let requests = requestCount(wrk), requests > 0 {
            let perRequest = (after - before) * 1000 / Double(requests)
            lines.append(
                "server CPU: \(String(format: "%.2f", after - before)) s for \(requests) requests, "
                    + "\(String(format: "%.2f", perRequest)) ms per request")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each page of the month's work alone, one request at a time: `samples` requests with its kept parts valid
    /// (after one that makes them), then `samples` each after a write to the ledger (which throws every kept part
    /// away); p50 and p95 of curl's time per request (connection included, loopback).
    static func pages(base: String, cookie: String, config: String, samples: Int) throws -> [String] {
        let workspace = try Installation.open(configPath: config)
        let ledger = try workspace.openLedger(creating: false)
        let waiting = try ledger.invoices(status: .proforma)
        let issued = try ledger.invoices(status: .issued).filter { $0.type == .invoice }
        // The write: the last proforma waiting edited back to its own lines (the ledger's edit, audited as one).
        guard let edited = waiting.last?.id, let stored = try ledger.invoice(id: edited), let shown = waiting.first?.id,
            let invoice = issued.last?.id
        else {
            throw GenerationBenchmarkError("the bench month has no proforma waiting or no issued invoice")
        }
        let same = stored.lines.map(NewInvoiceLine.init)
        func write() throws {
            try ledger.replaceLines(id: edited, lines: same, reason: "bench: cold cache", actor: "bench")
        }
        func time(_ urls: [String]) throws -> [Double] {
            // One curl, one connection kept alive, each body thrown away.
            let out = try run(
                "/usr/bin/env",
                ["curl", "-s", "-H", "Cookie: \(cookie)", "-w", "%{http_code} %{time_total}\\n"]
                    + urls.flatMap { ["-o", "/dev/null", $0] })
            return try out.split(separator: "\n").map { line in
                let f = line.split(separator: " ")
                guard f.count == 2, f[0] == "200", let t = Double(f[1]) else {
                    throw GenerationBenchmarkError("\(urls[0]): \(line)")
                }
                return t * 1000
            }
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1)]
        }
        func ms(_ v: Double) -> String { String(format: "%.1f", v) }
        let pages = [
            "/", "/tableau-de-bord", "/proformas", "/proformas/\(shown)", "/factures", "/factures?tri=-numero",
            "/factures/\(invoice)", "/paiements", "/cloture"
        ]
        var lines = [
            "each page alone, \(samples) requests, ms (p50 / p95): warm (kept parts valid) | cold (a write before each request)"
        ]
        var worst = (warm: 0.0, cold: 0.0)
        for page in pages {
            let url = base + page
            _ = try time([url])
            let warm = try time(Array(repeating: url, count: samples))
            var cold: [Double] = []
            for _ in 0..<samples {
                try write()
                cold += try time([url])
            }
            worst = (max(worst.warm, percentile(warm, 95)), max(worst.cold, percentile(cold, 95)))
            lines.append(
                "  GET \(page.padding(toLength: 24, withPad: " ", startingAt: 0)) warm \(ms(percentile(warm, 50))) / \(ms(percentile(warm, 95)))"
                    + " | cold \(ms(percentile(cold, 50))) / \(ms(percentile(cold, 95)))")
        }
        lines.append("  slowest p95: warm \(ms(worst.warm)) ms, cold \(ms(worst.cold)) ms (target 100 ms)")
        return lines
    }

    /// User + system CPU seconds a process has used so far (`/proc/PID/stat`, Linux); nil where there is none.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let name = text.lastIndex(of: ")")
        else { return nil }
        // After the command name: state (field 3) … utime (field 14) and stime (field 15), in clock ticks.
        let fields = text[text.index(after: name)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The request count of the wrk script's summary line (`requests: 513 in 20.01 s, 25.6/s`).
    static func requestCount(_ output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("requests: ") }) else { return nil }
        return Int(line.dropFirst("requests: ".count).prefix { $0.isNumber })
    }

    static func csrf(in page: String) -> String? {
        guard let range = page.range(of: "name=\"csrf\" value=\"") else { return nil }
        let rest = page[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// A loopback port free at the time of asking.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func locate(_ relative: String) -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        for _ in 0..<5 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return relative
    }

    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], input: String? = nil) throws -> String {
        try run(executable.path, arguments, input: input)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try? pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
