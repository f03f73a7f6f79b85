import Diagnostics

/// The long explanations of import diagnostics (`E12xx`, `W12xx`), for
/// `ardoise lint --explain` and `ardoise import --format json` readers.
public enum ImportExplanations {
    public static let all: [Explanation] = [
        Explanation(
            code: "E1201", title: "file refused",
            body:
                "The whole file was refused and nothing of it imported: it is not a register file or an event-order file Ardoise knows (its name, its header or its encoding), it is not a regular file (a FIFO, a socket, a device, a folder, a broken or looping link), it vanished or changed while being read, or a later version of the same site-day was already imported. The line says which. Imports are all or nothing per file: fix the file and drop it in the inbox again.",
            wrong: "inbox/PIE_LD01_20261102.csv   (a named pipe, or a file still being written by the transfer)",
            fixed: "inbox/PIE_LD01_20261102.csv   (a regular file, moved into the inbox once complete)"),
        Explanation(
            code: "E1202", title: "row rejected to the quarantine",
            body:
                "One row of a register file or event order could not be read as the format says (a missing field, an amount that is not a decimal with a comma or is past the format's bounds, a control character, a VAT rate the settings do not have, an unknown activity, a date outside the file's day...). The row is kept, with its raw bytes and this reason, in the quarantine (the first 100 of a file; the others are counted); the other rows of the file are imported. A file whose every row is rejected is refused whole. Correct the register's export and deliver the file again: the corrected version replaces it.",
            wrong: "LD01;2026-10-05;12:01:33;T0001;ACME;A;SELF;Plat du jour;1;9,5O",
            fixed: "LD01;2026-10-05;12:01:33;T0001;ACME;A;SELF;Plat du jour;1;9,50"),
        Explanation(
            code: "W1202", title: "row imported with a remark",
            body:
                "The row was imported, but something in it is unusual and worth a look (for example a negative line that is a refund). Billing uses it as it is.",
            wrong: "LD01;2026-10-05;12:01:33;T0001;ACME;A;SELF;Remboursement;1;-9,50",
            fixed: "(nothing to fix when the refund is real)"),
        Explanation(
            code: "W1203", title: "client unknown to the settings",
            body:
                "The register file names a client code that no settings file defines. Its tickets are imported but nobody bills them: they show in `ardoise report unbilled` until the client is added to the settings (with its contract).",
            wrong: "clients:\n  - code: ACME", fixed: "clients:\n  - code: ACME\n  - code: C0099"),
        Explanation(
            code: "W1204", title: "corrected file of billed revenue",
            body:
                "A new version of a register file changes a site-day that an issued invoice already billed. The issued invoice is never touched: the difference is late revenue, corrected in the open period (`ardoise bill --corrections`, or the daily run).",
            wrong: "(a corrected PIE_LD01_20261005.csv after FA-2026-000123 was issued)",
            fixed: "(nothing to fix: the correction follows on the next invoice)"),
        Explanation(
            code: "E1205", title: "event order revision delivered again with other content",
            body:
                "An event order arrived with the order id and revision of one already imported, but with other lines or fields. Neither is dropped: the stored revision stays as it was, the new content is kept beside it (`event_order_conflict`), and the order is held from billing while that revision is its current one. `ardoise import` lists the open conflicts and exits 1. To resolve it, the events team sends the order again with the next revision number (the highest revision is the truth): the conflict closes and the order is billed from that revision.",
            wrong:
                "{\"order_id\":\"EVT-1\",\"revision\":2,...,\"quantity\":40}  then  {\"order_id\":\"EVT-1\",\"revision\":2,...,\"quantity\":45}",
            fixed: "{\"order_id\":\"EVT-1\",\"revision\":3,...,\"quantity\":45}")
    ]
}
