import Accounting
import BillingModel
import Ledger
import Settings

extension MasterData {
    /// The accounts and customers issued documents are posted with.
    public var salesPosting: SalesPosting {
        var revenue: [String: (account: String, label: String)] = [:]
        for r in revenueTypes { revenue[r.code] = (r.revenueAccount, r.label) }
        var customers: [String: SalesPosting.Customer] = [:]
        for c in clients {
            customers[c.code] = .init(account: c.receivableAccount, name: c.legalName)
            for p in c.payers { customers[p.code] = .init(account: p.receivableAccount, name: p.legalName) }
        }
        var accounts = SalesAccounts(
            customerCollective: accounting.customerAccount, outputVAT: accounting.outputVATAccounts,
            revenue: revenue, defaultRevenue: (accounting.defaultRevenueAccount, "Prestations de services"))
        // VAT on receipts, unless the seller opted for VAT on debits: services' VAT waits on the pending accounts.
        if !seller.vatOnDebits {
            accounts.pendingVAT = accounting.pendingVATAccounts
            accounts.goodsRevenueTypes = Set(revenueTypes.filter { $0.nature == .goods }.map(\.code))
        }
        var posting = SalesPosting(
            accounts: accounts, journal: accounting.journalCode, journalLabel: accounting.journalLabel,
            customers: customers)
        posting.vatJournal = (accounting.vatJournalCode, accounting.vatJournalLabel)
        return posting
    }
}
