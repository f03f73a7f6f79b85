import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import BillingModel
import Ledger
import PlatformTransmission
import Testing
import TestSupport
import Workspace

/// A workspace whose October is billed and issued with `transmission: platform`, copied for each test and pointed
/// at that test's own platform (`TestPlatform`, served on loopback).
struct PlatformWorkspace {
    let dir: URL
    let platform: TestPlatform

    /// The placeholder address the template's settings name, replaced by each test's platform.
    static let placeholder = "http://127.0.0.1:9"

    private static let template: Result<URL, HarnessError> = {
        let root = Repository.temporaryDirectory("ardoise-platform-template")
        do {
            let ws = try Executable.demoWorkspace(in: root)
            let settings = ws.appendingPathComponent("settings.yaml")
            let section = TestPlatform.settings(baseURL: placeholder)
            try (String(contentsOf: settings, encoding: .utf8) + section).write(
                to: settings, atomically: true, encoding: .utf8)
            for args in [
                ["import"], ["bill", "--period", "2026-10", "--date", "2026-11-02"],
                ["validate", "--all", "--date", "2026-11-02"]
            ] {
                let r = try Executable.run(args, in: ws)
                guard r.status == 0 else { return .failure(HarnessError("\(r)")) }
            }
            return .success(ws)
        } catch {
            return .failure(HarnessError("\(error)"))
        }
    }()

    init() throws {
        let template = try Self.template.get()
        dir = Repository.temporaryDirectory("ardoise-platform")
        try FileManager.default.removeItem(at: dir)
        try TestEngine.copy(workspace: template, to: dir)
        platform = try TestPlatform()
        let settings = dir.appendingPathComponent("settings.yaml")
        let text = try String(contentsOf: settings, encoding: .utf8)
        try text.replacingOccurrences(of: Self.placeholder, with: platform.baseURL).write(
            to: settings, atomically: true, encoding: .utf8)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Execution {
        try Executable.run(arguments, in: dir, environment: platform.environment)
    }

    func ledger() throws -> LedgerDatabase {
        try TestEngine.ledger(of: dir)
    }

    func workspace() throws -> Installation {
        try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
    }

    /// The settings' platform API with the test secret, for calls made in-process (at a chosen `now`).
    func api() throws -> FlowAPI {
        FlowAPI(endpoint: try workspace().platformEndpoint(environment: platform.environment))
    }

    func issuedNumbers() throws -> [String] {
        try ledger().invoices(includeDiscarded: false).filter { $0.status == .issued }.compactMap(\.number).sorted()
    }
}

/// Every issued document handed to the accredited platform exactly once, followed through its life cycle.
@Suite(.serialized) struct PlatformSubmission {
    @Test func eachIssuedDocumentIsSubmittedOnceWithItsStoredBytes() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        #expect(numbers.count > 5)
        let ledger = try ws.ledger()
        // `transmission: platform`: the platform delivers them, no e-mail is queued.
        #expect(try ledger.outbox().isEmpty)
        #expect(
            try ledger.platformFlows().map(\.flow.trackingId).sorted() == numbers,
            "every issued document is queued, by its number")

        let first = try ws.run("platform", "submit")
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.hasSuffix("\(numbers.count) submitted, 0 to retry, 0 failed\n"), "\(first)")
        #expect(try ws.platform.submittedCounts() == Dictionary(uniqueKeysWithValues: numbers.map { ($0, 1) }))
        // The platform holds the stored PDF's bytes: the sha256 it computed is the ledger's, the stored record's.
        let held = try ws.platform.state().flows
        for e in try ledger.platformFlows() {
            let stored = try #require(try ledger.invoice(id: e.flow.invoiceId))
            let files = try #require(
                try ledger.issuedFiles(
                    invoiceID: e.flow.invoiceId, render: { _, _ in throw HarnessError("rendered again") }, actor: "t"))
            #expect(e.flow.status == .submitted && e.flow.flowId != nil)
            #expect(e.flow.sha256 == FlowAPI.sha256(files.pdf), "\(stored.invoice.number ?? "")")
            let flow = try #require(held.first { ($0["trackingId"] as? String) == e.flow.trackingId })
            #expect(flow["sha256"] as? String == e.flow.sha256 && flow["flowId"] as? String == e.flow.flowId)
            #expect(flow["flowSyntax"] as? String == "Factur-X" && flow["processingRule"] as? String == "B2B")
        }
        // Again: nothing is due, nothing is sent.
        let again = try ws.run("platform", "submit")
        #expect(again.status == 0 && again.stdout == "0 submitted, 0 to retry, 0 failed\n", "\(again)")
        #expect(try ws.platform.state().attempts.count == numbers.count)

        // The search brings the acknowledgements and the Déposée of each, with history; a second search nothing new.
        let poll = try ws.run("platform", "poll")
        #expect(poll.status == 0, "\(poll)")
        #expect(
            poll.stdout.contains("\(numbers.count) acknowledgements and \(numbers.count) statuses recorded"), "\(poll)")
        #expect(try ledger.platformFlows().allSatisfy { $0.flow.ackStatus == "Ok" && $0.flow.lifecycle == .deposited })
        let quiet = try ws.run("platform", "poll")
        #expect(quiet.stdout.contains("0 flows seen, 0 acknowledgements and 0 statuses recorded"), "\(quiet)")
        let list = try ws.run("platform", "list", "--status", "deposited", "--format", "json", "--history")
        #expect(list.status == 0, "\(list)")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == numbers.count)
        let history = try #require(items.first?["history"] as? [[String: Any]])
        #expect(history.map { $0["kind"] as? String } == ["attempt", "acknowledgement", "lifecycle"], "\(history)")
        let status = try ws.run("platform", "status")
        #expect(status.status == 0 && status.stdout.contains("invoice deposited\t\(numbers.count)"), "\(status)")
        // Every manual action is in the audit log.
        let actions = try ledger.auditLog().map(\.action)
        #expect(actions.filter { $0 == "platform submit" }.count == 2 && actions.contains("platform poll"))
    }

    @Test func networkErrorsTooManyRequestsAndServerErrorsAreRetriedWithBackOff() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        try ws.platform.fault("500", "503")
        let first = try ws.run("platform", "submit")
        // The 500 is retried later and the run goes on; the 503 says "slow down": the run stops there.
        #expect(first.status == 1, "\(first)")
        #expect(first.stdout.contains("retry\t\(numbers[0])\t\(numbers[0])\tHTTP 500"), "\(first)")
        #expect(first.stdout.contains("retry\t\(numbers[1])\t\(numbers[1])\tHTTP 503"), "\(first)")
        #expect(first.stdout.contains("stopped: the platform asked to slow down"), "\(first)")
        let ledger = try ws.ledger()
        let waiting = try ledger.platformFlows().filter { $0.flow.status == .pending && $0.flow.attempts == 1 }
        #expect(waiting.count == 2 && waiting.allSatisfy { $0.flow.nextAttemptAt != nil && $0.flow.lastError != nil })
        // Not due yet: a run now leaves them and submits the others.
        let second = try ws.run("platform", "submit")
        #expect(
            second.status == 0 && second.stdout.hasSuffix("\(numbers.count - 2) submitted, 0 to retry, 0 failed\n"),
            "\(second)")
        // An hour later (the back-off of 1 min passed), a dropped connection then success.
        try ws.platform.fault("drop")
        let later = try ws.workspace().submitToPlatform(api: ws.api(), now: Date().addingTimeInterval(3600))
        #expect(later.retrying.count == 1 && later.submitted.count == 1, "\(later.text)")
        let last = try ws.workspace().submitToPlatform(api: ws.api(), now: Date().addingTimeInterval(7 * 3600))
        #expect(last.submitted.count == 1, "\(last.text)")
        #expect(try ws.platform.submittedCounts() == Dictionary(uniqueKeysWithValues: numbers.map { ($0, 1) }))
        let events = try ledger.platformEvents(flowRow: try #require(waiting.first?.flow.id)).map(\.outcome)
        #expect(events.first == "temporary" && events.last == "submitted", "\(events)")
    }

    @Test func aLostAnswerFollowedByAlreadyExistingFlowIsDeliveredOnce() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        // The platform stores the first flow, then the connection drops before its answer.
        try ws.platform.fault("drop-after-store")
        let first = try ws.run("platform", "submit")
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("retry\t\(numbers[0])"), "\(first)")
        let ledger = try ws.ledger()
        let lost = try #require(try ledger.platformFlows().first { $0.flow.trackingId == numbers[0] })
        #expect(lost.flow.status == .pending && lost.flow.flowId == nil)
        // A person makes it due now (audit log); the platform answers AlreadyExistingFlow: delivered, not sent again.
        let retry = try ws.run("platform", "retry", String(try #require(lost.flow.id)), "--actor", "alice")
        #expect(retry.status == 0, "\(retry)")
        #expect(retry.stdout.contains("already-submitted\t\(numbers[0])"), "\(retry)")
        #expect(try ws.platform.submittedCounts()[numbers[0]] == 1)
        let held = try #require(try ws.platform.state().flows.first { ($0["trackingId"] as? String) == numbers[0] })
        let after = try #require(try ledger.platformFlows().first { $0.flow.trackingId == numbers[0] })
        #expect(
            after.flow.status == .submitted && after.flow.flowId == held["flowId"] as? String,
            "the flowId is learnt from the search")
        #expect(
            try ledger.platformEvents(flowRow: try #require(after.flow.id)).map(\.outcome) == [
                "temporary", "retry", "already-submitted"
            ])
        #expect(try ledger.auditLog().contains { $0.action == "platform retry" && $0.actor == "alice" })
        // A submitted flow is final: retrying it by name is refused, nothing done.
        let refused = try ws.run("platform", "retry", String(try #require(lost.flow.id)))
        #expect(refused.status == 2 && refused.stderr.contains("a submitted flow is final"), "\(refused)")
    }

    @Test func aRejectedDocumentIsATaskForAPersonWithThePlatformsReasons() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        try ws.platform.reject(
            numbers[2], code: "InvalidSchema", message: "BR-FR-12 : le SIREN de l'acheteur est inconnu")
        #expect(try ws.run("platform", "submit").status == 0)
        let clean = try ws.run("platform", "list", "--status", "rejected")
        #expect(
            clean.status == 0 && clean.stdout == "0 flows, 0 for a person\n", "not known before the search: \(clean)")
        let poll = try ws.run("platform", "poll")
        #expect(poll.status == 1, "a person must look: \(poll)")
        let list = try ws.run("platform", "list", "--status", "rejected")
        #expect(list.status == 1, "\(list)")
        #expect(list.stdout.contains("\t\(numbers[2])\t\(numbers[2])\trejected\t"), "\(list)")
        #expect(list.stdout.contains("InvalidSchema") && list.stdout.contains("BR-FR-12"), "\(list)")
        #expect(list.stdout.hasSuffix("1 flows, 1 for a person\n"))
        let json = try ws.run("platform", "list", "--status", "attention", "--format", "json")
        #expect(
            json.status == 1 && json.stdout.contains("\"lifecycle_code\":\"213\"")
                && json.stdout.contains("\"needs_person\":true"), "\(json)")
        // A refusal by the buyer (210) comes through the search too.
        try ws.platform.lifecycle(
            numbers[3], status: "210", name: "Refusée",
            reasons: [["reasonCode": "REF_CT", "reasonMessage": "Contrat inconnu"]])
        #expect(try ws.run("platform", "poll").stdout.contains("status\t\(numbers[3])\t210"))
        let refused = try ws.run("platform", "list", "--status", "refused")
        #expect(refused.status == 1 && refused.stdout.contains("REF_CT"), "\(refused)")
    }

    @Test func aRequestTheAPIRefusesIsNeverRetried() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        try ws.platform.fault("400")
        let first = try ws.run("platform", "submit")
        #expect(
            first.status == 1
                && first.stdout.contains("failed\t\(numbers[0])\t\(numbers[0])\tHTTP 400 MISSING_REQUIRED_FIELD"),
            "\(first)")
        let ledger = try ws.ledger()
        let failed = try ws.run("platform", "list", "--status", "failed")
        #expect(failed.status == 1 && failed.stdout.contains(numbers[0]), "\(failed)")
        // Days later it is still not tried again: a person decides.
        let later = try ws.workspace().submitToPlatform(api: ws.api(), now: Date().addingTimeInterval(5 * 86400))
        #expect(later.items.isEmpty)
        #expect(try ws.platform.state().attempts.filter { ($0["trackingId"] as? String) == numbers[0] }.count == 1)
        let retry = try ws.run("platform", "retry", "--all")
        #expect(retry.status == 0 && retry.stdout.hasPrefix("1 made due now\nsubmitted\t\(numbers[0])"), "\(retry)")
    }

    @Test func eachPaymentAllocationSendsEncaisseeOnceAndItsRemovalAReversal() throws {
        let ws = try PlatformWorkspace()
        #expect(try ws.run("platform", "submit").status == 0)
        let ledger = try ws.ledger()
        let open = try ledger.openInvoices()
        let invoice = try #require(open.first)
        let csv =
            "reference;date;amount;debtor;iban;remittance\nB1;2026-11-20;\(invoice.balance);;;Facture \(invoice.number)\n"
        try csv.write(to: ws.dir.appendingPathComponent("paiements.csv"), atomically: true, encoding: .utf8)
        #expect(try ws.run("payments", "import", "paiements.csv", "--date", "2026-11-20").status == 0)
        #expect(try ws.run("payments", "import", "paiements.csv", "--date", "2026-11-20").status == 0)
        let collected = try ledger.platformFlows(kinds: [.collected])
        #expect(collected.count == 1 && collected.first?.flow.amount == invoice.balance.cents)
        let sent = try ws.run("platform", "submit")
        #expect(sent.status == 0 && sent.stdout.contains("submitted\tENC-"), "\(sent)")
        let payment = try #require(try ledger.payments().first { $0.reference == "B1" })
        #expect(try ws.run("payments", "unmatch", String(payment.id), invoice.number).status == 0)
        let reversal = try #require(try ledger.platformFlows(kinds: [.reversal]).first)
        #expect(reversal.flow.amount == -invoice.balance.cents && reversal.flow.trackingId.hasPrefix("ANN-"))
        #expect(try ws.run("platform", "submit").stdout.contains("submitted\tANN-"))
        #expect(try ws.run("platform", "submit").stdout == "0 submitted, 0 to retry, 0 failed\n")
        let lc = try ws.platform.state().flows.filter {
            ($0["flowType"] as? String) == "CustomerInvoiceLC" && ($0["flowDirection"] as? String) == "Out"
        }
        #expect(
            lc.map { $0["amount"] as? String } == [
                LifecycleMessage.amountText(invoice.balance.cents), LifecycleMessage.amountText(-invoice.balance.cents)
            ])
        #expect(lc.allSatisfy { ($0["about"] as? String) == invoice.number && ($0["flowSyntax"] as? String) == "CDAR" })
        #expect(try ws.run("platform", "poll").status == 0)
        #expect(try ledger.platformFlows(kinds: [.collected, .reversal]).allSatisfy { $0.flow.ackStatus == "Ok" })
    }

    @Test func theDailyRunSubmitsAndReadsTheStatuses() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        try ws.platform.reject(numbers[0], code: "InvalidSchema", message: "refusé")
        let r = try ws.run("run", "--date", "2026-11-03")
        // The run issues the day's automatic documents too: every one issued by then is submitted in the same run.
        let issued = try ws.issuedNumbers()
        #expect(r.status == 1, "the rejection needs a person: \(r)")
        #expect(r.stdout.contains("platform: \(issued.count) submitted, 0 to retry, 0 failed; "), "\(r)")
        #expect(r.stdout.contains("1 for a person (`ardoise platform list`)"), "\(r)")
        #expect(try ws.platform.submittedCounts() == Dictionary(uniqueKeysWithValues: issued.map { ($0, 1) }))
        #expect(
            try ws.ledger().platformFlows().filter { $0.flow.lifecycle == .rejected }.map(\.flow.trackingId) == [
                numbers[0]
            ])
    }

    @Test func eachERportingPeriodOfRegisterSalesIsReportedOnce() throws {
        let ws = try PlatformWorkspace()
        let r = try ws.run("ereporting", "--period", "2026-10")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasSuffix("3 queued, 3 submitted, 0 to retry, 0 failed\n"), "\(r)")
        #expect(r.stdout.hasPrefix("2026-10-01..2026-10-10\tER-20261001-20261010\tsubmitted\t"), "\(r)")
        #expect(r.stdout.contains("2026-10-21..2026-10-31\tER-20261021-20261031\tsubmitted"), "\(r)")
        let again = try ws.run("ereporting", "--period", "2026-10")
        #expect(
            again.status == 0 && again.stdout.hasSuffix("0 queued, 0 submitted, 0 to retry, 0 failed\n"), "\(again)")
        // The platform holds each period once, and what it holds adds up to what diners paid in October.
        let reports = try ws.platform.state().flows.filter {
            ($0["flowType"] as? String) == "AggregatedCustomerTransactionReport"
        }
        #expect(
            reports.compactMap { $0["trackingId"] as? String }.sorted() == [
                "ER-20261001-20261010", "ER-20261011-20261020", "ER-20261021-20261031"
            ])
        #expect(
            reports.allSatisfy { ($0["acknowledgement"] as? [String: Any])?["status"] as? String == "Ok" }, "\(reports)"
        )
        let month = try #require(Period(parsing: "2026-10"))
        let paid = try ws.ledger().b2cTotals(month).map(\.paidTTC).reduce(0, +)
        #expect(paid > 0)
        let held = reports.compactMap { ($0["amount"] as? String).flatMap { Money($0) }?.cents }.reduce(0, +)
        #expect(held == paid)
        #expect(try ws.ledger().eReports().map(\.totalTtc).reduce(0, +) == paid)
        #expect(try ws.ledger().auditLog().filter { $0.action == "ereporting queue" }.count == 3)
        // A period that has not ended is not reported.
        let early = try Executable.run(
            ["ereporting", "--period", "2026-11"], in: ws.dir,
            environment: ws.platform.environment.merging(["ARDOISE_TODAY": "2026-11-15"]) { $1 })
        #expect(
            early.status == 0 && early.stdout.hasPrefix("2026-11-01..2026-11-10\t")
                && early.stdout.contains("1 queued"), "\(early)")
    }

    @Test func aCreditNoteIsSubmittedLikeAnInvoice() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        let credit = try ws.run("credit", numbers[4], "--reason", "erreur de tarif", "--date", "2026-11-02")
        #expect(credit.status == 0, "\(credit)")
        let note = try #require(try ws.issuedNumbers().first { !numbers.contains($0) })
        let submit = try ws.run("platform", "submit")
        #expect(submit.status == 0 && submit.stdout.contains("submitted\t\(note)\t\(note)"), "\(submit)")
        #expect(try ws.platform.submittedCounts()[note] == 1)
        #expect(try ws.ledger().outbox().isEmpty, "no e-mail with `transmission: platform`")
    }

    @Test func aMonthIsNotClosedWithDocumentsThePlatformDoesNotHold() throws {
        let ws = try PlatformWorkspace()
        let numbers = try ws.issuedNumbers()
        let check = "every document of the month delivered to the accredited platform"
        // Nothing submitted yet: every document of November is listed, with what to do.
        let before = try ws.run("close", "2026-11", "--dry-run", "--date", "2026-12-02")
        #expect(before.status == 1 && before.stdout.contains("FAIL \(check)\n"), "\(before)")
        #expect(
            before.stdout.contains("       \(numbers[0]): pending\n")
                && before.stdout.contains("ardoise platform submit --all"), "\(before)")
        // Submitted, one rejected by the platform: only that one holds the closing, and the remedy says to credit it.
        try ws.platform.reject(numbers[2], code: "InvalidSchema", message: "BR-FR-12 : SIREN inconnu")
        #expect(try ws.run("platform", "submit").status == 0)
        #expect(try ws.run("platform", "poll").status == 1)
        let rejected = try ws.run("close", "2026-11", "--dry-run", "--date", "2026-12-02")
        let section = rejected.stdout.components(separatedBy: "FAIL \(check)\n").dropFirst().first ?? ""
        let details = section.split(separator: "\n").prefix {
            $0.hasPrefix("       ") && !$0.hasPrefix("       to do:")
        }
        #expect(details == ["       \(numbers[2]): rejected"], "\(rejected)")
        #expect(section.contains("ardoise credit NUMBER"), "\(rejected)")
        // Cancelled by a credit note, which is itself submitted: the check passes.
        #expect(
            try ws.run("credit", numbers[2], "--reason", "rejetée par la plateforme", "--date", "2026-11-02").status
                == 0)
        let pendingNote = try ws.run("close", "2026-11", "--dry-run", "--date", "2026-12-02")
        #expect(
            pendingNote.stdout.contains("FAIL \(check)") && pendingNote.stdout.contains("AV-"),
            "the credit note is not on the platform yet: \(pendingNote)")
        #expect(try ws.run("platform", "submit").status == 0)
        let after = try ws.run("close", "2026-11", "--dry-run", "--date", "2026-12-02")
        #expect(after.stdout.contains("ok   \(check)\n"), "\(after)")
    }

    @Test func theSecretIsReadFromTheEnvironmentAndNeverPrinted() throws {
        let ws = try PlatformWorkspace()
        let missing = try Executable.run(["platform", "submit"], in: ws.dir)
        #expect(
            missing.status == 2
                && missing.stderr.contains("environment variable `\(TestPlatform.secretVariable)`, which is not set"),
            "\(missing)")
        let wrong = try Executable.run(
            ["platform", "submit"], in: ws.dir, environment: [TestPlatform.secretVariable: "not-it"])
        #expect(wrong.status == 1 && wrong.stdout.contains("refused the client credentials"), "\(wrong)")
        #expect(!(wrong.stdout + wrong.stderr).contains("not-it"))
        #expect(try ws.ledger().platformFlows().allSatisfy { $0.flow.status == .pending })
    }
}

/// `kill -9` of `ardoise platform submit` at random moments: after the rerun, every document is held by the platform
/// exactly once and recorded as submitted. `ARDOISE_PLATFORM_KILL_TRIALS` sets the number of trials (5 by default).
@Suite(.serialized) struct PlatformSubmissionSurvivesKills {
    @Test func everyDocumentIsSubmittedExactlyOnce() throws {
        let trials = Int(ProcessInfo.processInfo.environment["ARDOISE_PLATFORM_KILL_TRIALS"] ?? "") ?? 5
        var generator = SystemRandomNumberGenerator()
        var killedMidway = 0, lostAnswers = 0, interrupted = 0
        for trial in 1...trials {
            let ws = try PlatformWorkspace()
            let numbers = try ws.issuedNumbers()
            let process = Process()
            guard let binary = Executable.url else { throw HarnessError("no `ardoise` binary beside the tests") }
            process.executableURL = binary
            process.arguments = ["platform", "submit"]
            process.currentDirectoryURL = ws.dir
            var environment = ProcessInfo.processInfo.environment
            environment.merge(ws.platform.environment) { $1 }
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 20_000...1_200_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let before = try ws.platform.submittedCounts().count
            if before > 0 && before < numbers.count { killedMidway += 1 }
            // The next run, once a dead sender's lease is over.
            let rerun = try ws.workspace().submitToPlatform(api: ws.api(), now: Date().addingTimeInterval(3600))
            #expect(rerun.failed.isEmpty, "trial \(trial): \(rerun.text)")
            lostAnswers += rerun.items.filter { $0.outcome == "already-submitted" }.count
            interrupted += try ws.ledger().platformFlows().map {
                try ws.ledger().platformEvents(flowRow: $0.flow.id ?? 0)
            }
            .filter { $0.contains { $0.outcome == "interrupted" } }.count
            let counts = try ws.platform.submittedCounts()
            #expect(counts == Dictionary(uniqueKeysWithValues: numbers.map { ($0, 1) }), "trial \(trial): \(counts)")
            #expect(try ws.ledger().platformFlows().allSatisfy { $0.flow.status == .submitted }, "trial \(trial)")
        }
        print(
            "platform kill campaign: \(trials) trials, \(killedMidway) killed mid-submission, \(interrupted) claims left by a killed sender "
                + "taken again, \(lostAnswers) answers lost and recognised (AlreadyExistingFlow); every document held once"
        )
    }
}

/// `ardoise-dev demo run` from a checkout (its `.venv` and the test platform there): the example month handed to the
/// repository's test platform end to end: every document once, its status back, Encaissée for each payment of the
/// statement, one e-reporting per ten days of register sales.
@Suite(.serialized) struct DemoRunShowsThePlatform {
    @Test func theExampleMonthReachesThePlatformOnceAndItsStatusesComeBack() throws {
        let root = Repository.temporaryDirectory("demo-platform")
        let files = FileManager.default
        try files.createSymbolicLink(
            at: root.appendingPathComponent(".venv"),
            withDestinationURL: Repository.root.appendingPathComponent(".venv"))
        let resources = root.appendingPathComponent("Tests/PlatformTransmissionTests/Resources")
        try files.createDirectory(at: resources, withIntermediateDirectories: true)
        try files.createSymbolicLink(
            at: resources.appendingPathComponent("test_platform.py"), withDestinationURL: TestPlatform.script)
        let run = try Executable.run(
            ["demo", "run", "--out", "ws", "--sites", "2", "--clients", "6"], in: root, tool: .ardoiseDev)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("platform: the repository's test platform on 127.0.0.1:"), "\(run)")
        let ledger = try TestEngine.ledger(of: root.appendingPathComponent("ws"))
        let issued = try ledger.invoices(status: .issued)
        #expect(
            run.stdout.contains(
                "platform: \(issued.count) submitted, 0 to retry, 0 failed (invoices and credit notes)"), "\(run)")
        // Every document once, its Déposée read back; an Encaissée for each allocation of the statement, each acknowledged.
        let flows = try ledger.platformFlows()
        let documents = flows.filter { $0.flow.kind == .invoice }
        #expect(documents.map(\.flow.trackingId).sorted() == issued.compactMap(\.number).sorted())
        #expect(
            documents.allSatisfy { $0.flow.status == .submitted && $0.flow.lifecycle == .deposited },
            "\(documents.map(\.flow.state))")
        let allocations = try ledger.payments().flatMap(\.allocations)
        #expect(!allocations.isEmpty)
        let collected = flows.filter { $0.flow.kind == .collected }
        #expect(
            collected.count == allocations.count
                && collected.allSatisfy { $0.flow.status == .submitted && $0.flow.ackStatus == "Ok" })
        #expect(
            run.stdout.contains(
                "platform: \(allocations.count) submitted, 0 to retry, 0 failed (Encaissée of the statement's payments)"
            ), "\(run)")
        // One e-reporting per ten days of October's register sales.
        #expect(
            run.stdout.contains(
                "e-reporting: 3 periods of 2026-10's register sales queued (2026-10-01..2026-10-10, 2026-10-11..2026-10-20, "
                    + "2026-10-21..2026-10-31), 3 submitted, 0 to retry, 0 failed"), "\(run)")
        #expect(try ledger.eReports().count == 3)
        // The month closed with the platform check passing.
        #expect(
            run.stdout.contains("  ok   every document of the month delivered to the accredited platform\n"), "\(run)")
        #expect(run.stdout.contains("closed 2026-10"), "\(run)")
    }
}

/// An element of a parsed XML file: its namespace, local name, attributes, text and children, in order.
final class XMLNode {
    let namespace: String, name: String, attributes: [String: String]
    var text = ""
    var children: [XMLNode] = []
    init(namespace: String, name: String, attributes: [String: String]) {
        self.namespace = namespace
        self.name = name
        self.attributes = attributes
    }

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func path(_ names: String...) -> XMLNode? { names.reduce(Optional(self)) { $0?.child($1) } }

    /// Parses `bytes` with namespaces; nil when they are not well-formed XML.
    static func parse(_ bytes: [UInt8]) -> XMLNode? {
        final class Builder: NSObject, XMLParserDelegate {
            var stack: [XMLNode] = []
            var root: XMLNode?
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                let node = XMLNode(namespace: namespaceURI ?? "", name: name, attributes: attributes)
                stack.last?.children.append(node)
                if root == nil { root = node }
                stack.append(node)
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?)
            { stack.removeLast() }
        }
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        return parser.parse() ? builder.root : nil
    }
}

/// No published schema of the CDAR life-cycle message (D22B) nor of the e-reporting flux is available here (neither in
/// the pinned Python packages nor in the tool library): the fields the reference defines are checked one by one.
@Suite struct PlatformMessagesHaveTheReferencesFields {
    static let rsm = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
    static let ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"

    @Test(arguments: [Int64(12_345), -12_345]) func theEncaisseeIsACDARNamingTheInvoiceTheStatusAndTheAmount(
        cents: Int64
    ) throws {
        let message = LifecycleMessage(
            id: cents > 0 ? "ENC-7" : "ANN-7", invoiceNumber: "FA-2026-000012", invoiceIssueDate: "2026-11-02",
            statusCode: "212", statusName: "Encaissée", amountCents: cents, sellerSIREN: "812457638",
            issuedAt: "20261120093000")
        let root = try #require(XMLNode.parse(message.xml), "well-formed")
        #expect(root.namespace == Self.rsm && root.name == "CrossDomainAcknowledgementAndResponse")
        // The three parts, in the order of the D22B message, each in its namespace.
        #expect(
            root.children.map(\.name) == ["ExchangedDocumentContext", "ExchangedDocument", "AcknowledgementDocument"])
        #expect(root.children.allSatisfy { $0.namespace == Self.rsm })
        #expect(
            root.path("ExchangedDocumentContext", "GuidelineSpecifiedDocumentContextParameter", "ID")?.text.isEmpty
                == false)
        let document = try #require(root.child("ExchangedDocument"))
        #expect(document.child("ID")?.text == message.id && document.child("ID")?.namespace == Self.ram)
        let stamp = try #require(document.path("IssueDateTime", "DateTimeString"))
        #expect(stamp.attributes["format"] == "204" && stamp.text.count == 14 && stamp.text.allSatisfy(\.isNumber))
        #expect(document.path("SenderTradeParty", "GlobalID")?.text == "812457638")
        #expect(document.path("SenderTradeParty", "GlobalID")?.attributes["schemeID"] == "0002")
        let ack = try #require(root.child("AcknowledgementDocument"))
        #expect(ack.child("TypeCode")?.text == "305")
        let reference = try #require(ack.child("ReferenceReferencedDocument"))
        #expect(
            reference.child("IssuerAssignedID")?.text == "FA-2026-000012" && reference.child("TypeCode")?.text == "380")
        let issued = try #require(reference.path("FormattedIssueDateTime", "DateTimeString"))
        #expect(issued.attributes["format"] == "102" && issued.text == "20261102")
        #expect(
            reference.child("ProcessConditionCode")?.text == "212"
                && reference.child("ProcessCondition")?.text == "Encaissée")
        let characteristic = try #require(reference.path("SpecifiedDocumentStatus", "SpecifiedDocumentCharacteristic"))
        #expect(characteristic.child("TypeCode")?.text == "MEN")
        let amount = try #require(characteristic.child("ValueAmount"))
        #expect(amount.attributes["currencyID"] == "EUR" && amount.text == (cents > 0 ? "123.45" : "-123.45"))
        // What Ardoise reads back from a message is what it wrote.
        let read = try #require(LifecycleMessage.read(message.xml))
        #expect(read.invoiceNumber == "FA-2026-000012" && read.statusCode == "212" && read.amountCents == cents)
    }

    @Test func theEReportingFileGivesNetVATAndCategoryPerDayAndRateAndThePayments() throws {
        let ws = try PlatformWorkspace()
        #expect(try ws.run("ereporting", "--period", "2026-10").status == 0)
        let reports = try ws.ledger().eReports()
        #expect(reports.count == 3)
        let rates: Set<String> = ["20.00", "10.00", "5.50", "2.10", "0.00"]
        var categories = Set<String>()
        for r in reports {
            let root = try #require(XMLNode.parse([UInt8](r.content)), "\(r.trackingId) well-formed")
            #expect(root.name == "EReporting" && root.attributes["currency"] == "EUR")
            #expect(root.attributes["seller"]?.count == 9 && root.attributes["seller"]?.allSatisfy(\.isNumber) == true)
            let start = try #require(root.attributes["start"]), end = try #require(root.attributes["end"])
            #expect("\(start)..\(end)" == r.period)
            let transactions = try #require(root.child("AggregatedCustomerTransactionReport")).children
            let payments = try #require(root.child("AggregatedCustomerPaymentReport")).children
            #expect(!transactions.isEmpty && !payments.isEmpty)
            var keys = Set<String>()
            var services: [String] = []
            for t in transactions {
                let day = try #require(t.attributes["date"]), rate = try #require(t.attributes["vatRate"])
                #expect(day >= start && day <= end && rates.contains(rate), "\(t.attributes)")
                // Operation category from the settings' revenue types: the cafeteria sells goods (TLB1), the rest is services (TPS1).
                let category = try #require(t.attributes["category"])
                #expect(category == "TLB1" || category == "TPS1", "\(t.attributes)")
                categories.insert(category)
                #expect(keys.insert("\(day) \(rate) \(category)").inserted, "one row per day, rate and category")
                let net = try #require(t.attributes["net"].flatMap { Money($0) }),
                    vat = try #require(t.attributes["vat"].flatMap { Money($0) })
                let total = try #require(t.attributes["total"].flatMap { Money($0) })
                #expect(net + vat == total, "net + VAT = TTC on \(day) at \(rate)")
                if category == "TPS1" { services.append("\(day) \(rate) \(total.cents)") }
            }
            // Payments are reported for services only (VAT on goods is due on delivery), one per services row.
            #expect(
                payments.map {
                    "\($0.attributes["date"] ?? "") \($0.attributes["vatRate"] ?? "") \($0.attributes["amount"].flatMap { Money($0) }?.cents ?? -1)"
                } == services)
            // The rows are the ledger's, split by the settings' goods.
            let p = try #require(Period(parsing: r.period))
            let ledgerRows = try ws.ledger().b2cTotals(p, goods: EReport.goods(try ws.workspace().settings))
            #expect(
                ledgerRows.count == transactions.count
                    && ledgerRows.filter { $0.category == .goods }.count
                        == transactions.filter { $0.attributes["category"] == "TLB1" }.count
            )
        }
        #expect(categories == ["TLB1", "TPS1"], "the demo's cafeteria sells goods")
    }
}
