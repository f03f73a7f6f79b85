import Foundation
import GRDB

extension Schema {
    /// "v22 entry lines checked in one statement": an entry's lines go in one multi-row INSERT on PostgreSQL, and the
    /// check that they are written in order ("v8", `journal_entry_line_frozen_insert`) asked a `STABLE` function for
    /// the entry's last position: a `STABLE` function sees the table as the statement began, so within one INSERT
    /// every row saw no line before it and the check never refused. `VOLATILE`, it sees the rows the statement
    /// wrote before this one. SQLite writes each row by its own statement and its trigger reads the table: nothing
    /// to change there (the migration is recorded, so that both engines keep one schema history).
    static func registerEntryLinesInOrder(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v22 entry lines checked in one statement") { _ in }
    }

    /// The PostgreSQL statements of "v22 entry lines checked in one statement".
    static let entryLinesInOrderOnPostgres = [
        """
        CREATE OR REPLACE FUNCTION ardoise_entry_lines_end(bigint) RETURNS bigint LANGUAGE sql VOLATILE AS $$
          SELECT MAX(position) FROM journal_entry_line WHERE entry_id = $1 $$
        """
    ]
}
