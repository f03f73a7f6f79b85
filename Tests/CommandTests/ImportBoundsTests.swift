import Foundation
@testable import Ledger
import Testing
import TestSupport

/// What `ardoise import` and `ardoise payments import` are handed, written into the workspace.
extension ScratchWorkspace {
    /// Writes `bytes` to `drop/name` and returns the relative path to give the command.
    @discardableResult
    func drop(_ name: String, _ bytes: [UInt8]) throws -> String {
        let folder = dir.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
        return "drop/\(name)"
    }

    @discardableResult
    func drop(_ name: String, _ text: String) throws -> String { try drop(name, Array(text.utf8)) }

    func count(_ sql: String) throws -> Int {
        try ledger().engine.read { s in try s.fetchValue(Int64.self, sql: sql) }.map { Int($0) } ?? -1
    }
}

enum Inputs {
    static let registerHeader =
        "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale\n"

    /// A register row of LD01 on 2 November 2026.
    static func ticket(
        _ n: Int, client: String = "C0001", quantity: String = "1", unit: String = "6,80",
        amount: String = "6,80", share: String = "4,20"
    ) -> String {
        "LD01-1-20261102-\(n);LD01;1;02/11/2026;12:00:00;B\(n);\(client);A;SELF;PLAT;Plat du jour;\(quantity);\(unit);10,0;\(amount);\(share)\n"
    }

    /// An event order line of the file format (one JSON object).
    static func order(
        _ id: String, revision: Int = 1, client: String = "C0001", label: String = "Petit-déjeuner",
        quantity: String = "10", price: String = "\"7.90\"", vat: String = "\"10.0\"",
        delivered: Bool = false
    ) -> String {
        let status =
            delivered ? #""status":"delivered","delivered_at":"2026-11-02T12:00:00+01:00""# : #""status":"confirmed""#
        return
            #"{"order_id":"\#(id)","revision":\#(revision),"client":"\#(client)","site":"LD01","event_date":"2026-11-02",\#(status),"#
            + #""lines":[{"article":"PDJ","label":"\#(label)","quantity":\#(quantity),"unit_price_ht":\#(price),"vat_rate":\#(vat)}]}"#
            + "\n"
    }
}

/// Every amount, quantity, rate and text of an imported row is bounded at its
/// line: what is past the formats' bounds, or holds a control character, is
/// rejected there with the field named, never stored to trap or mislead later.
@Suite struct EveryInputBoundedAtItsLineTests {
    static func quarantined(_ name: String) -> String {
        "SELECT COUNT(*) FROM rejected_row r JOIN imported_file f ON f.id = r.file_id WHERE f.name = '\(name)'"
    }

    @Test func registerAmountsPastTheFormatsBoundsAreRejectedAtTheirLineWithTheField() throws {
        let ws = try ScratchWorkspace()
        let file = try ws.drop(
            "PIE_LD01_20261102.csv",
            Inputs.registerHeader + Inputs.ticket(1)
                + Inputs.ticket(2, unit: "99999999999999,99", amount: "99999999999999,99")
                + Inputs.ticket(3, quantity: "1000000", unit: "0,01", amount: "10000,00", share: "0,00"))
        let r = try ws.run("import", file)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("1 rows, 2 rejected"), "\(r)")
        #expect(
            r.stdout.contains(
                "line 3: `pu_ttc` 99999999999999,99 is out of bounds: at most 9999999,99 in absolute value"), "\(r)")
        #expect(r.stdout.contains("`montant_ttc` 99999999999999,99 is out of bounds"), "\(r)")
        #expect(r.stdout.contains("line 4: `quantite` 1000000 is out of bounds: at most 999999"), "\(r)")
        #expect(try ws.count("SELECT COUNT(*) FROM ticket_line WHERE ticket LIKE 'LD01-1-20261102-%'") == 1)
        #expect(try ws.count(Self.quarantined("PIE_LD01_20261102.csv")) == 2)
    }

    @Test func eventOrdersPastTheBoundsOrAtARateTheSettingsDoNotHaveAreRejectedAtTheirLine() throws {
        let ws = try ScratchWorkspace()
        let file = try ws.drop(
            "EVT_20261102.jsonl",
            Inputs.order("EVT-OK")
                + Inputs.order("EVT-HUGE", quantity: "2147483647", price: "\"99999999.9999\"")
                + Inputs.order("EVT-VAT7", vat: "\"7.0\"")
                + Inputs.order("EVT-VAT99", vat: "99.9999"))
        let r = try ws.run("import", file)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("1 rows, 3 rejected"), "\(r)")
        #expect(r.stdout.contains("line 2: `lines[0].quantity` 2147483647 is out of bounds: at most 999999"), "\(r)")
        #expect(
            r.stdout.contains("`lines[0].unit_price_ht` 99999999.9999 is out of bounds: at most 9999999.9999"), "\(r)")
        #expect(
            r.stdout.contains("line 3: `lines[0].vat_rate` 7 is not a VAT rate of the settings (2.1, 5.5, 10, 20)"),
            "\(r)")
        #expect(r.stdout.contains("line 4: `lines[0].vat_rate` 99.9999 is not a VAT rate of the settings"), "\(r)")
        #expect(
            try ws.count(
                "SELECT COUNT(*) FROM event_order WHERE order_id LIKE 'EVT-%' AND order_id <> 'EVT-OK' AND order_id IN ('EVT-HUGE', 'EVT-VAT7', 'EVT-VAT99')"
            ) == 0)
        #expect(try ws.ledger().currentOrder("EVT-OK") != nil)
    }

    @Test func controlCharactersAreRejectedAtTheirLineInEventsAndRegisters() throws {
        let ws = try ScratchWorkspace()
        let events = try ws.drop(
            "EVT_20261102.jsonl",
            Inputs.order("EVT-OK")
                + Inputs.order("EVT-NUL", label: #"Champ\u0000HIDDEN"#)
                + Inputs.order("EVT-CLIENT", client: #"C0002\u0000X"#))
        let e = try ws.run("import", events)
        #expect(e.status == 0, "\(e)")
        #expect(e.stdout.contains("line 2: `lines[0].label` holds the control character U+0000"), "\(e)")
        #expect(e.stdout.contains("line 3: `client` holds the control character U+0000"), "\(e)")
        #expect(try ws.ledger().currentOrder("EVT-NUL") == nil)
        #expect(try ws.ledger().currentOrder("EVT-CLIENT") == nil)

        // A NUL byte in a register's client code: the row is rejected, not a raw SQLite error for the file.
        let register = try ws.drop(
            "PIE_LD01_20261102.csv", Inputs.registerHeader + Inputs.ticket(1) + Inputs.ticket(2, client: "C0002\u{0}X"))
        let r = try ws.run("import", register)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("1 rows, 1 rejected"), "\(r)")
        #expect(r.stdout.contains("line 3: `client` holds the control character U+0000"), "\(r)")
        #expect(!r.stdout.contains("SQLite error") && !r.stderr.contains("SQLite error"), "\(r)")
    }

    @Test func aFileOfJunkIsRefusedWithTheFirstErrorsAndACountNothingWritten() throws {
        let ws = try ScratchWorkspace()
        let files = try ws.count("SELECT COUNT(*) FROM imported_file")
        let junk = Inputs.registerHeader + String(repeating: "junk\n", count: 5_000)
        let r = try ws.run("import", try ws.drop("PIE_LD01_20261102.csv", junk))
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("refused"), "\(r)")
        #expect(r.stdout.contains("5000 rejected (the first 100 listed)"), "\(r)")
        #expect(r.stdout.contains("every row was rejected (5000): nothing imported"), "\(r)")
        #expect(r.stdout.split(separator: "\n").count < 110, "the output is bounded: \(r.stdout.count) characters")
        #expect(try ws.count("SELECT COUNT(*) FROM imported_file") == files, "nothing written")
        #expect(try ws.count(Self.quarantined("PIE_LD01_20261102.csv")) == 0)

        // A file with some good rows keeps the first 100 rejections in quarantine and counts them all.
        let mixed = Inputs.registerHeader + Inputs.ticket(1) + String(repeating: "junk\n", count: 300)
        let m = try ws.run(
            "import",
            try ws.drop("PIE_LD01_20261103.csv", mixed.replacingOccurrences(of: "02/11/2026", with: "03/11/2026")))
        #expect(m.status == 0, "\(m)")
        #expect(m.stdout.contains("1 rows, 300 rejected (the first 100 listed)"), "\(m)")
        #expect(try ws.count(Self.quarantined("PIE_LD01_20261103.csv")) == 100)
        #expect(try ws.count("SELECT rejected_count FROM imported_file WHERE name = 'PIE_LD01_20261103.csv'") == 300)

        // A reason quotes the field at fault, cut at 1,000 bytes: 100 kept reasons stay small whatever a row holds.
        let wide =
            (Inputs.registerHeader + Inputs.ticket(1)
            + Inputs.ticket(2).replacingOccurrences(
                of: ";LD01;1;", with: ";LD01;" + String(repeating: "9x", count: 50_000) + ";"))
            .replacingOccurrences(of: "02/11/2026", with: "04/11/2026")
        let w = try ws.run("import", try ws.drop("PIE_LD01_20261104.csv", wide))
        let reason = try #require(
            w.stdout.split(separator: "\n").first { $0.contains("line 3: unreadable `caisse`") },
            "\(w.stdout.prefix(500))")
        #expect(reason.utf8.count < 1_100 && reason.hasSuffix("…"), "\(reason.utf8.count) bytes")
    }

    /// The peak resident memory of `ardoise import` over a file of junk rows, from
    /// `wait4`'s rusage of that very child (not a timing): it does not grow with the rows.
    @Test func memoryStaysFlatWhateverTheNumberOfRejectedRows() throws {
        let ws = try ScratchWorkspace()
        let small = try ws.drop(
            "PIE_LD01_20261102.csv", Inputs.registerHeader + String(repeating: "junk\n", count: 50_000))
        let large = try ws.drop(
            "PIE_LD01_20261103.csv", Inputs.registerHeader + String(repeating: "junk\n", count: 1_000_000))
        let a = try PeakMemory.run(["import", small], in: ws.dir)
        let b = try PeakMemory.run(["import", large], in: ws.dir)
        #expect(a.status == 1 && b.status == 1, "every row rejected: a failure")
        // Before: 118 bytes per rejected row kept (+110 MB here). Now the first 100 and a count.
        #expect(
            b.maxRSSKiB < a.maxRSSKiB + 20_000,
            "peak RSS \(a.maxRSSKiB) KiB for 50,000 junk rows, \(b.maxRSSKiB) KiB for 1,000,000")
    }
}

/// Runs the built binary as a direct child and reads its own rusage with `wait4`.
enum PeakMemory {
    static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, maxRSSKiB: Int) {
        guard let exe = Executable.url?.path else { throw HarnessError("no `ardoise` binary") }
        // `sh` sets the folder then becomes `ardoise` (exec): the child measured is the import itself.
        let quoted = ([exe] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
            separator: " ")
        let script = "cd '\(directory.path)' && exec \(quoted) >/dev/null 2>&1"
        let argv: [UnsafeMutablePointer<CChar>?] =
            ["/bin/sh", "-c", script].map { (text: String) in strdup(text) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { (key: String, value: String) in strdup("\(key)=\(value)") } + [
                nil
            ]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, envp)
        guard spawned == 0 else { throw HarnessError("posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw HarnessError("wait4 failed: \(errno)") }
        }
        let exited = status & 0x7F == 0
        return (exited ? (status >> 8) & 0xFF : -1, usage.ru_maxrss)
    }
}

/// An event order revision delivered again with other content is a conflict:
/// both kept, reported, the order held from billing until a later revision.
@Suite struct RedeliveredOrderRevisionTests {
    @Test func theSameRevisionWithOtherContentIsAConflictBothKeptAndHeldFromBilling() throws {
        let ws = try ScratchWorkspace()
        let first = try ws.drop("EVT_20261102.jsonl", Inputs.order("EVT-T-1", quantity: "40", delivered: true))
        #expect(try ws.run("import", first).status == 0)
        let ledger = try ws.ledger()
        let day = try #require(try ledger.currentOrder("EVT-T-1")?.revision.deliveryDay)
        #expect(try ledger.ordersToBill(upTo: day).contains { $0.revision.orderId == "EVT-T-1" })

        // Identical again, in another file: nothing new, exit 0.
        let same = try ws.run(
            "import", try ws.drop("EVT_20261102_2.jsonl", Inputs.order("EVT-T-1", quantity: "40", delivered: true)))
        #expect(same.status == 0, "\(same)")
        #expect(!same.stdout.contains("conflict"), "\(same)")

        // Same id and revision, other quantity: a conflict, exit 1, both versions kept, the order held.
        let other = try ws.run(
            "import", try ws.drop("EVT_20261102_3.jsonl", Inputs.order("EVT-T-1", quantity: "45", delivered: true)))
        #expect(other.status == 1, "\(other)")
        #expect(other.stdout.hasPrefix("conflict "), "\(other)")
        #expect(
            other.stdout.contains(
                "line 1: conflict: order `EVT-T-1` revision 1 differs from the one imported from `EVT_20261102.jsonl` line 1"
            ), "\(other)")
        #expect(
            other.stdout.contains(
                "open conflicts (held from billing until a later revision of the order arrives):\n    order EVT-T-1 revision 1: other content in EVT_20261102_3.jsonl line 1"
            ), "\(other)")
        #expect(try ledger.currentOrder("EVT-T-1")?.lines.first?.quantity == 40, "the stored revision is unchanged")
        // The other version kept as delivered (bytes: BLOB on SQLite, BYTEA on PostgreSQL).
        let kept = try ledger.engine.read { db in
            try db.fetchColumn(Data.self, sql: "SELECT raw FROM event_order_conflict WHERE order_id = 'EVT-T-1'")
        }
        #expect(kept.map { String(decoding: $0, as: UTF8.self).contains("\"quantity\":45") } == [true], "\(kept)")
        #expect(
            try !ledger.ordersToBill(upTo: day).contains { $0.revision.orderId == "EVT-T-1" }, "billing holds the order"
        )
        let json = try ws.run(
            "import", "--format", "json", try ws.drop("EVT_20261102_4.jsonl", Inputs.order("EVT-OTHER")))
        #expect(json.status == 1, "an open conflict still needs a person: \(json)")
        #expect(json.stdout.contains(#""open_conflicts":[{"order_id":"EVT-T-1","revision":1"#), "\(json)")
        let report = try ws.run("report", "unbilled", "--period", "2026-11", "--date", "2026-12-01")
        #expect(report.status == 1, "\(report)")
        #expect(
            report.stdout.contains(
                "EVT-T-1\theld from billing: revision 1 delivered again with other content (EVT_20261102_3.jsonl line 1)"
            ), "\(report)")
        let run = try ws.run("run", "--date", "2026-11-03", "--no-send")
        #expect(run.status == 1 && run.stdout.contains("orders held by an import conflict: EVT-T-1"), "\(run)")
        #expect(
            try !ledger.invoices(includeDiscarded: true).contains { $0.orderId == "EVT-T-1" },
            "the daily run billed nothing of the held order")

        // The events team sends the next revision: the conflict is resolved, the order billed from it.
        let next = try ws.run(
            "import",
            try ws.drop("EVT_20261103.jsonl", Inputs.order("EVT-T-1", revision: 2, quantity: "45", delivered: true)))
        #expect(next.status == 0, "\(next)")
        #expect(!next.stdout.contains("open conflicts"), "\(next)")
        #expect(
            try ledger.ordersToBill(upTo: day).contains {
                $0.revision.orderId == "EVT-T-1" && $0.revision.revision == 2
            })
        #expect(try ledger.orderConflicts(openOnly: false).count == 1, "the conflict stays in the ledger, closed")
    }
}

/// A bank statement is imported whole or not at all, and its errors are true.
@Suite struct BankStatementsWholeOrNothingTests {
    static func statement(version: String = "02", entries: [(ref: String, amount: String)], status: String? = nil)
        -> String
    {
        let sts = status ?? (version == "08" ? "<Sts><Cd>BOOK</Cd></Sts>" : "<Sts>BOOK</Sts>")
        let body = entries.map { e in
            """
                  <Ntry>
                    <NtryRef>\(e.ref)</NtryRef>
                    <Amt Ccy="EUR">\(e.amount)</Amt>
                    <CdtDbtInd>CRDT</CdtDbtInd>
                    \(sts)
                    <BookgDt><Dt>2026-11-20</Dt></BookgDt>
                    <AcctSvcrRef>\(e.ref)</AcctSvcrRef>
                    <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Inconnu SA</Nm></Dbtr></RltdPties>
                      <RmtInf><Ustrd>virement</Ustrd></RmtInf></TxDtls></NtryDtls>
                  </Ntry>

            """
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.\(version)">
              <BkToCstmrStmt>
                <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T08:00:00</CreDtTm></GrpHdr>
                <Stmt>
                  <Id>S1</Id>
            \(body)    </Stmt>
              </BkToCstmrStmt>
            </Document>

            """
    }

    @Test func theSameReferenceWithAnotherAmountIsAConflictAndTheFileRefused() throws {
        let ws = try ScratchWorkspace()
        let inOne = try ws.drop(
            "one.csv",
            "reference;date;amount;debtor;iban;remittance\nB1;2026-11-20;10.00;;;x\nB1;2026-11-20;30.00;;;x\n")
        let r = try ws.run("payments", "import", inOne, "--date", "2026-11-20")
        #expect(r.status == 1, "\(r)")
        #expect(
            r.stderr.contains(
                "line 3 (B1): 30.00 conflicts with 10.00 for the same bank reference in line 2 of the same file"),
            "\(r)")
        #expect(try ws.ledger().payments().isEmpty, "nothing of the file imported")

        let first = try ws.drop("first.csv", "reference;date;amount;debtor;iban;remittance\nB1;2026-11-20;10.00;;;x\n")
        // unmatched: a person must look
        #expect(try ws.run("payments", "import", first, "--date", "2026-11-20").status == 1)
        let again = try ws.run("payments", "import", first, "--date", "2026-11-20")
        #expect(
            again.status == 0 && again.stdout.contains("1 already imported"),
            "the same payment again is a duplicate: \(again)")
        let changed = try ws.drop(
            "changed.csv",
            "reference;date;amount;debtor;iban;remittance\nB2;2026-11-20;5.00;;;x\nB1;2026-11-20;30.00;;;x\n")
        let c = try ws.run("payments", "import", changed, "--date", "2026-11-20")
        #expect(c.status == 1, "\(c)")
        #expect(
            c.stderr.contains(
                "line 3 (B1): 30.00 conflicts with 10.00 for the same bank reference in the ledger (imported from first.csv)"
            ), "\(c)")
        #expect(try ws.ledger().payments().map(\.reference) == ["B1"], "B2 is not imported either")
    }

    @Test func aTruncatedStatementIsRefusedWholeNamingWhereItEnds() throws {
        let ws = try ScratchWorkspace()
        let xml = Self.statement(entries: [("R1", "10.00"), ("R2", "20.00"), ("R3", "30.00")])
        let third = try #require(xml.range(of: "<NtryRef>R3"))
        let cutThird = try ws.drop("third.xml", String(xml[..<third.upperBound]))
        let r = try ws.run("payments", "import", cutThird, "--date", "2026-11-20")
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("malformed XML") && r.stderr.contains("inside entry 3"), "\(r)")
        let firstEntry = try #require(xml.range(of: "<Amt Ccy=\"EUR\">10"))
        let cutFirst = try ws.drop("first.xml", String(xml[..<firstEntry.upperBound]))
        let f = try ws.run("payments", "import", cutFirst, "--date", "2026-11-20")
        #expect(f.status == 1 && f.stderr.contains("inside entry 1"), "\(f)")
        #expect(!f.stdout.contains("0 new"), "\(f)")
        #expect(try ws.ledger().payments().isEmpty)
    }

    @Test func aStatementOverTheSizeLimitIsRefusedBeforeItIsRead() throws {
        let ws = try ScratchWorkspace()
        let path = try ws.drop("huge.xml", "<?xml version=\"1.0\"?>")
        let handle = try FileHandle(forWritingTo: ws.dir.appendingPathComponent(path))
        try handle.truncate(atOffset: 200 << 20)  // 200 MB, sparse
        try handle.close()
        let r = try ws.run("payments", "import", path, "--date", "2026-11-20")
        #expect(r.status == 1, "\(r)")
        #expect(
            r.stderr.contains("is 209715200 bytes, over the 32 MiB a bank statement may have: nothing read"), "\(r)")
        #expect(!r.stderr.contains("malformed"), "\(r)")
    }

    @Test func versions02To08AreReadAndAnEntryNotUnderstoodIsRefused() throws {
        let ws = try ScratchWorkspace()
        let v08 = try ws.drop("v08.xml", Self.statement(version: "08", entries: [("R8", "12.34")]))
        let r = try ws.run("payments", "import", v08, "--date", "2026-11-20")
        #expect(r.status == 1, "unmatched: \(r)")
        #expect(r.stdout.contains("1 new (0 matched, 1 unmatched)"), "\(r)")
        let v09 = try ws.drop("v09.xml", Self.statement(version: "09", entries: [("R9", "12.34")]))
        let n = try ws.run("payments", "import", v09, "--date", "2026-11-20")
        #expect(n.status == 1 && n.stderr.contains("is not camt.053.001.02 to camt.053.001.08"), "\(n)")
        let odd = try ws.drop(
            "odd.xml", Self.statement(entries: [("RX", "1.00")], status: "<Sts><Prtry>XYZ</Prtry></Sts>"))
        let o = try ws.run("payments", "import", odd, "--date", "2026-11-20")
        #expect(
            o.status == 1 && o.stderr.contains("entry 1 (RX) at line")
                && o.stderr.contains("status (Sts) `XYZ` is not BOOK, PDNG or INFO"), "\(o)")
        #expect(try ws.ledger().payments().map(\.reference) == ["R8"])
    }

    @Test func controlCharactersInAStatementRefuseItNamingTheField() throws {
        let ws = try ScratchWorkspace()
        let csv = try ws.drop(
            "nul.csv", "reference;date;amount;debtor;iban;remittance\nB1;2026-11-20;10.00;Dupont\u{1}SA;;x\n")
        let r = try ws.run("payments", "import", csv, "--date", "2026-11-20")
        #expect(r.status == 1 && r.stderr.contains("line 2: `debtor` holds the control character U+0001"), "\(r)")
        #expect(try ws.ledger().payments().isEmpty)
    }
}
