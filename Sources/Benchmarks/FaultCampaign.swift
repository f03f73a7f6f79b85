import BillingModel
import Demo
import Foundation
import Ledger
import Workspace

/// Kill campaigns (issue 18): the built `ardoise` run on a small generated
/// workspace and killed with SIGKILL at a random moment of each command, then
/// checked (SQLite's integrity, no half-imported file, `verify`'s chain and
/// numbering, no issued document without its rows: `LedgerDatabase.crashConsistency`)
/// and run again to the end, which must leave the same figures as the command
/// run once, and send no e-mail twice. At the same moment the ledger's files
/// (WAL first, then the database) are copied as a power cut's crash image,
/// opened, checked and run again the same way.
public enum FaultCampaign {
    /// One command under fault: run from the state `from`, leaving `produces` for the next ones.
    struct Command: Sendable {
        var name: String
        var arguments: [String]
        var from: String
        var produces: String
        /// Whether running it again after it finished is a no-op that exits as it did (a second credit note
        /// or closing of the same month is refused instead, and only the figures are compared).
        var idempotent = true
    }

    /// The commands, in the order their states build on each other (the
    /// month generated; imported; billed; validated with its statement written).
    static let commands: [Command] = [
        Command(name: "import", arguments: ["import"], from: "generated", produces: "imported"),
        Command(
            name: "bill", arguments: ["bill", "--period", "2026-10", "--date", "2026-11-02"], from: "imported",
            produces: "billed"),
        Command(
            name: "validate", arguments: ["validate", "--all", "--date", "2026-11-02"], from: "billed",
            produces: "validated"),
        Command(name: "run", arguments: ["run", "--date", "2026-11-02"], from: "generated", produces: "run"),
        Command(
            name: "outbox-send", arguments: ["outbox", "send", "--date", "2026-11-02"], from: "validated",
            produces: "sent"),
        Command(
            name: "credit",
            arguments: ["credit", "FA-2026-000001", "--reason", "fault campaign", "--date", "2026-11-02"],
            from: "validated", produces: "credited", idempotent: false),
        Command(
            name: "payments-import",
            arguments: ["payments", "import", "documents/releve-2026-11-20.xml", "--date", "2026-11-20"],
            from: "validated", produces: "paid"),
        Command(
            name: "close",
            arguments: ["close", "2026-10", "--force", "--reason", "fault campaign", "--date", "2026-11-03"],
            from: "validated", produces: "closed", idempotent: false)
    ]

    public static var commandNames: [String] { commands.map(\.name) }

    /// One row of the printed table.
    public struct Row: Sendable {
        public var campaign: String
        public var trials = 0
        public var survived = 0
        /// Trials whose kill came after the command had ended (counted as survived, said apart).
        public var endedBeforeKill = 0
        public var failures: [String] = []
    }

    public struct Result: Sendable {
        public var rows: [Row]
        public var text: String
        public var failed: Bool { rows.contains { !$0.failures.isEmpty } }
    }

    /// What an uninterrupted run of a command leaves.
    struct Reference {
        var seconds: Double
        var status: Int32
        var fingerprint: [String: Int64]
        var messages: Int
    }

    public static func run(
        executable: URL, directory: URL, trials: Int, only: [String]?, seed: UInt64, sites: Int = 2, clients: Int = 12,
        progress: (String) -> Void = { _ in }
    ) throws -> Result {
        let fm = FileManager.default
        try? fm.removeItem(at: directory)
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let selected = commands.filter { only == nil || only?.contains($0.name) == true }
        guard !selected.isEmpty else { throw GenerationBenchmarkError("no campaign named \(only ?? [])") }
        let smtp = try MailSink(folder: directory.appendingPathComponent("smtp"))
        defer { smtp.stop() }

        // The states, each made by running the reference of the command before it.
        let clock = ContinuousClock()
        var lines: [String] = []
        var start = clock.now
        let generated = directory.appendingPathComponent("state-generated")
        _ = try DemoWorkspace.write(to: generated, sites: sites, clients: clients, month: "2026-10", seed: 1)
        try Data(
            "smtp:\n  host: 127.0.0.1\n  port: \(smtp.port)\n  starttls: false\n  from: facturation@serenest.fr\n".utf8
        )
        .write(to: generated.appendingPathComponent("smtp.yaml"))
        let config = generated.appendingPathComponent("ardoise.yaml")
        try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "  - settings.yaml\n", with: "  - settings.yaml\n  - smtp.yaml\n"
        )
        .write(to: config, atomically: true, encoding: .utf8)
        // Only `init` creates a ledger: every state, the generated one included, starts from one.
        let made = try runToEnd(executable, ["init"], in: generated)
        guard made == 0 else {
            throw GenerationBenchmarkError("`ardoise init` of the generated workspace exited \(made)")
        }
        var states = ["generated": generated]
        var references: [String: Reference] = [:]
        // The states the selected commands start from, and those these are made from.
        var neededStates = Set(selected.map(\.from))
        for command in commands.reversed() where neededStates.contains(command.produces) {
            neededStates.insert(command.from)
        }
        for command in commands {
            guard let from = states[command.from] else { continue }
            guard selected.contains(where: { $0.name == command.name }) || neededStates.contains(command.produces)
            else { continue }
            let folder = directory.appendingPathComponent("state-\(command.produces)")
            try fm.copyItem(at: from, to: folder)
            let before = smtp.count
            let began = clock.now
            let status = try runToEnd(executable, command.arguments, in: folder)
            let seconds =
                Double((clock.now - began).components.seconds) + Double((clock.now - began).components.attoseconds)
                / 1e18
            let ledger = try LedgerDatabase(
                path: folder.appendingPathComponent("ardoise.sqlite").path, creation: .mustExist)
            references[command.name] = Reference(
                seconds: seconds, status: status, fingerprint: try ledger.crashConsistency().fingerprint,
                messages: smtp.count - before)
            if command.produces == "validated" {
                // November's bank statement for `payments import`, written from the issued invoices.
                let workspace = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
                _ = try Camt053Writer.writeDemoStatement(
                    settings: workspace.settings, documentsDirectory: workspace.config.documentsDirectory,
                    ledger: ledger, bookedOn: Day(iso: "2026-11-20") ?? Day(ordinal: 0))
            }
            states[command.produces] = folder
            lines.append(
                "reference \(command.name): exit \(status), \(String(format: "%.2f", seconds)) s"
                    + (smtp.count > before ? ", \(smtp.count - before) e-mails" : ""))
        }
        lines.append(
            "workspace \(sites) sites × \(clients) clients prepared in \(GenerationBenchmark.seconds(clock.now - start)) s"
        )
        progress(lines.joined(separator: "\n") + "\n")

        var rows: [Row] = []
        start = clock.now
        for command in selected {
            guard let from = states[command.from], let reference = references[command.name] else { continue }
            var kill = Row(campaign: "kill -9 \(command.name)"), image = Row(campaign: "power cut \(command.name)")
            for trial in 1...max(trials, 1) {
                var g = SplitMix64(seed: SplitMix64.derive(seed, [SplitMix64.hash(command.name), UInt64(trial)]))
                let delay = Double(g.below(max(Int(reference.seconds * 1100), 1))) / 1000
                let tag = "seed \(seed) trial \(trial) (at \(String(format: "%.3f", delay)) s)"
                let outcome = try Trial(
                    executable: executable, command: command, from: from, reference: reference, smtp: smtp,
                    folder: directory.appendingPathComponent("trial-\(command.name)-\(trial)")
                ).run(after: delay)
                kill.trials += 1
                if outcome.killFailures.isEmpty {
                    kill.survived += 1
                } else {
                    kill.failures.append("\(tag): " + outcome.killFailures.joined(separator: "; "))
                }
                if outcome.ended { kill.endedBeforeKill += 1 }
                if let imageFailures = outcome.imageFailures {
                    image.trials += 1
                    if imageFailures.isEmpty {
                        image.survived += 1
                    } else {
                        image.failures.append("\(tag): " + imageFailures.joined(separator: "; "))
                    }
                }
            }
            rows += [kill, image]
            progress(
                "\(kill.campaign): \(kill.survived)/\(kill.trials); \(image.campaign): \(image.survived)/\(image.trials)\n"
            )
        }
        var text = "| campaign | trials | survived | failures |\n| --- | --- | --- | --- |\n"
        for r in rows {
            let ended = r.endedBeforeKill > 0 ? " (\(r.endedBeforeKill) ended before the kill)" : ""
            text += "| \(r.campaign) | \(r.trials)\(ended) | \(r.survived) | \(r.failures.count) |\n"
        }
        text +=
            "trials in \(GenerationBenchmark.seconds(clock.now - start)) s; reproduce one: "
            + "`ardoise-dev bench faults --commands NAME --seed \(seed) --trials N`\n"
        // The failures come last, where a log cut to its end still shows them.
        for r in rows where !r.failures.isEmpty {
            text += "\nFAILED \(r.campaign):\n" + r.failures.map { "  - \($0)\n" }.joined()
        }
        return Result(rows: rows, text: text)
    }

    /// Stops process `pid` (SIGSTOP) and waits, up to 10 s, until it is stopped or has ended (Linux's `/proc` says
    /// which): whether it did. A process in the middle of a system call that does not return to signals (a slow
    /// `fsync`) stops when it returns.
    static func stop(_ pid: Int32) -> Bool {
        kill(pid, SIGSTOP)
        for _ in 0..<10_000 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // The state follows the command's name in parentheses: "pid (name) S …".
            let state = stat.split(separator: ")").last?.split(separator: " ").first ?? "Z"
            if ["T", "t", "Z", "X"].contains(state) { return true }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return false
    }

    /// Runs `ardoise arguments…` in `folder` to its end; its exit status.
    static func runToEnd(_ executable: URL, _ arguments: [String], in folder: URL) throws -> Int32 {
        let process = try start(
            executable, arguments, in: folder, output: folder.appendingPathComponent(".rerun-output"))
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    static func start(_ executable: URL, _ arguments: [String], in folder: URL, output: URL) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["USER"] = "faults"
        process.environment = environment
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// One trial: the command started, killed after `delay` (its ledger copied first as a crash image), then both checked.
    struct Trial {
        var executable: URL
        var command: Command
        var from: URL
        var reference: Reference
        var smtp: MailSink
        var folder: URL

        struct Outcome {
            var ended: Bool
            var killFailures: [String]
            var imageFailures: [String]?
        }

        func run(after delay: Double) throws -> Outcome {
            let fm = FileManager.default
            try fm.copyItem(at: from, to: folder)
            let imageFolder = folder.appendingPathExtension("image")
            let sentBefore = smtp.count
            let process = try FaultCampaign.start(
                executable, command.arguments, in: folder, output: folder.appendingPathComponent(".killed-output"))
            Thread.sleep(forTimeInterval: delay)
            var imageTaken = false
            // What the server had received when the image was taken.
            var deliveredBeforeImage: [String] = []
            // Not stopped within 10 s: no image is taken (it could mix two instants), the kill is still tried.
            if process.isRunning, FaultCampaign.stop(process.processIdentifier) {
                // The power cut's image is one instant of the disk: the process is stopped while its files are
                // copied. Copied while it ran, a checkpoint between the WAL's copy and the database's could mix
                // two instants, an image no power cut leaves (and a failure of the campaign, not of the product).
                deliveredBeforeImage = smtp.messageIDs(since: sentBefore)
                try fm.createDirectory(at: imageFolder, withIntermediateDirectories: true)
                for suffix in ["-wal", "", "-shm"] {
                    let source = folder.appendingPathComponent("ardoise.sqlite" + suffix)
                    if let data = fm.contents(atPath: source.path) {
                        try data.write(to: imageFolder.appendingPathComponent("ardoise.sqlite" + suffix))
                    }
                }
                imageTaken = true
            }
            var killed = false
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed = true
            }
            process.waitUntilExit()
            let ended = !killed
            if imageTaken {
                // Everything else of the workspace as the killed process left it (inbox, documents).
                for name in try fm.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix("ardoise.sqlite") {
                    try? fm.copyItem(
                        at: folder.appendingPathComponent(name), to: imageFolder.appendingPathComponent(name))
                }
            }
            var killFailures = try check(folder, stage: "after the kill")
            killFailures += try rerunAndCompare(folder)
            let messages = smtp.messageIDs(since: sentBefore)
            killFailures += duplicates(messages)
            var imageFailures: [String]?
            if imageTaken {
                let imageSent = smtp.count
                var failures = try check(imageFolder, stage: "in the crash image")
                failures += try rerunAndCompare(imageFolder)
                failures += duplicates(smtp.messageIDs(since: imageSent), alsoSent: deliveredBeforeImage)
                imageFailures = failures
            }
            if killFailures.isEmpty && (imageFailures ?? []).isEmpty {
                try? fm.removeItem(at: folder)
                try? fm.removeItem(at: imageFolder)
            }
            return Outcome(ended: ended, killFailures: killFailures, imageFailures: imageFailures)
        }

        /// The ledger's crash checks and `verify`'s, in `workspace`.
        func check(_ workspace: URL, stage: String) throws -> [String] {
            let path = workspace.appendingPathComponent("ardoise.sqlite").path
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            do {
                let ledger = try LedgerDatabase(path: path, creation: .mustExist)
                var breaks = try ledger.crashConsistency().breaks
                breaks += try ledger.verifyIssuedDocuments().breaks.map {
                    "verify: \($0.number) \($0.kind): \($0.detail)"
                }
                return breaks.map { "\(stage): \($0)" }
            } catch {
                return ["\(stage): the ledger cannot be opened: \(error)"]
            }
        }

        /// The same command run again to its end: no crash, then the same figures as one uninterrupted run.
        func rerunAndCompare(_ workspace: URL) throws -> [String] {
            let status = try FaultCampaign.runToEnd(executable, command.arguments, in: workspace)
            var failures: [String] = []
            if status < 0 { failures.append("the rerun died of signal \(-status)") }
            if command.idempotent, status == 2, reference.status != 2 {
                let output =
                    (try? String(contentsOf: workspace.appendingPathComponent(".rerun-output"), encoding: .utf8)) ?? ""
                failures.append(
                    "the rerun could not run (exit 2): \(output.split(separator: "\n").suffix(2).joined(separator: " / "))"
                )
            }
            failures += try check(workspace, stage: "after the rerun")
            let ledger = try LedgerDatabase(
                path: workspace.appendingPathComponent("ardoise.sqlite").path, creation: .mustExist)
            let now = try ledger.crashConsistency().fingerprint
            for key in reference.fingerprint.keys.sorted() where now[key] != reference.fingerprint[key] {
                failures.append(
                    "after the rerun \(key) = \(now[key] ?? 0), one uninterrupted run gives \(reference.fingerprint[key] ?? 0)"
                )
            }
            return failures
        }

        func duplicates(_ ids: [String], alsoSent: [String] = []) -> [String] {
            var seen = Set<String>(), twice: [String] = []
            for id in ids where !seen.insert(id).inserted { twice.append(id) }
            // In the crash image's rerun, a message the killed process had already delivered is sent again.
            let before = Set(alsoSent)
            let again = Set(ids.filter { alsoSent.isEmpty ? false : before.contains($0) })
            var failures: [String] = []
            if !twice.isEmpty {
                failures.append("\(twice.count) e-mails sent twice: \(twice.prefix(3).joined(separator: ", "))")
            }
            if !again.isEmpty {
                failures.append(
                    "\(again.count) e-mails delivered before the image was taken sent again from it: \(again.sorted().prefix(3).joined(separator: ", "))"
                )
            }
            return failures
        }
    }
}

/// A real SMTP server on loopback (aiosmtpd, from the checkout's `.venv`),
/// storing each message it accepts as `N.json`.
final class MailSink: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let folder: URL
    let port: Int

    init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let python = WebBenchmark.locate(".venv/bin/python3")
        let script = WebBenchmark.locate("Tests/MailDispatchTests/Resources/smtp_server.py")
        let output = Pipe()
        process.executableURL = URL(
            fileURLWithPath: FileManager.default.isExecutableFile(atPath: python) ? python : "/usr/bin/python3")
        process.arguments = [script, "accept", folder.path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = ""
        while !line.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            line += String(decoding: data, as: UTF8.self)
        }
        guard let p = line.split(separator: "\n").first.flatMap({ Int($0.split(separator: " ").last ?? "") }) else {
            process.terminate()
            throw GenerationBenchmarkError("the loopback SMTP server (aiosmtpd in .venv) did not start: \(line)")
        }
        port = p
    }

    var count: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }
            .count
    }

    /// The Message-IDs of the messages stored after the first `count`.
    func messageIDs(since count: Int) -> [String] {
        var ids: [String] = []
        var n = count + 1
        while let data = FileManager.default.contents(atPath: folder.appendingPathComponent("\(n).json").path) {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            ids.append(object?["message_id"] as? String ?? "message \(n)")
            n += 1
        }
        return ids
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
