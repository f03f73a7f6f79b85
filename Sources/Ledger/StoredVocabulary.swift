import BillingModel
import GRDB

// The shared vocabulary as the ledger stores it: raw values in TEXT columns.
extension DocumentKind: DatabaseValueConvertible {}
