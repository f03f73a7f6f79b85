import BillingModel
import Diagnostics
import Settings
import Testing
import TestSupport

/// Reminders and the bank journal in the settings: defaults, overrides, faults named.
@Suite struct ReminderSettingsTests {
    @Test func withoutTheSectionsTheDefaultScheduleAndBankJournalApply() throws {
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)])
        #expect(diagnostics.isEmpty)
        let s = try #require(settings)
        #expect(s.reminders.schedule.courtesyDaysBefore == 5 && s.reminders.schedule.afterDueDays == [7, 21, 45])
        #expect(s.reminders.financeEmail == nil)
        #expect(
            s.accounting.bankAccount == "512000" && s.accounting.bankJournalCode == "BQ"
                && s.accounting.suspenseAccount == "471000")
    }

    @Test func aClientHasItsOwnScheduleAndTheBankJournalItsAccounts() throws {
        let yaml =
            Fixture.acme + """
                accounting:
                  bank_account: "512100"
                  bank_journal: BQ1
                reminders:
                  courtesy_days_before: 0
                  after_due_days: [10, 30]
                  finance_email: finance@serenest.example
                  reminder_subject: "Relance {numero}"
                  clients:
                    - code: ACME
                      after_due_days: [15]
                      enabled: false

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let s = try #require(settings)
        #expect(s.accounting.bankAccount == "512100" && s.accounting.bankJournalCode == "BQ1")
        #expect(s.reminders.schedule.courtesyDaysBefore == nil && s.reminders.schedule.afterDueDays == [10, 30])
        #expect(s.reminders.schedule(for: "ACME").afterDueDays == [15])
        #expect(s.reminders.schedule(for: "ACME").enabled == false)
        #expect(s.reminders.schedule(for: "NEW").afterDueDays == [10, 30])
        #expect(
            s.reminders.financeEmail == "finance@serenest.example" && s.reminders.reminderSubject == "Relance {numero}")
    }

    @Test func anOverrideForAClientThatDoesNotExistIsNamed() {
        let yaml =
            Fixture.acme + """
                reminders:
                  clients:
                    - code: ACNE
                      after_due_days: [15]

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        #expect(
            Fixture.summary(diagnostics).contains { $0.hasPrefix("E0543") && $0.contains("`ACNE`") },
            "\(Fixture.summary(diagnostics))")
    }

    @Test func delaysOutOfOrderAnAddressWithoutAtAndABankAccountOfAnotherClassAreNamed() {
        let yaml =
            Fixture.acme + """
                accounting:
                  bank_account: "411000"
                reminders:
                  after_due_days: [21, 7]
                  finance_email: finance
                  colour: blue
                  clients:
                    - code: ACNE
                      after_due_days: [15]

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        let summary = Fixture.summary(diagnostics)
        #expect(summary.contains { $0.contains("invalid account `411000` for `bank_account`") }, "\(summary)")
        #expect(
            summary.contains { $0.contains("`after_due_days` must be whole numbers") && $0.contains("`7`") },
            "\(summary)")
        #expect(summary.contains { $0.contains("invalid e-mail address `finance`") }, "\(summary)")
        #expect(summary.contains { $0.contains("colour") }, "\(summary)")
        #expect(
            summary.contains { $0.hasPrefix("E0514") && $0.contains("invalid e-mail address `finance`") }, "\(summary)")
    }
}
