/// The stable identifiers of settings diagnostics (`E05xx` errors, `W05xx`
/// warnings); `SettingsExplanations.all` explains each one.
public enum SettingsCode {
    public static let syntax = "E0501"
    public static let unknownKey = "E0502"
    public static let missingKey = "E0503"
    public static let wrongType = "E0504"
    public static let invalidValue = "E0505"
    public static let invalidChoice = "E0506"
    public static let duplicateKey = "E0507"
    public static let duplicateCode = "E0508"
    public static let invalidCode = "E0509"
    public static let invalidSIREN = "E0510"
    public static let invalidVATNumber = "E0511"
    public static let invalidIBAN = "E0512"
    public static let invalidBIC = "E0513"
    public static let invalidEmail = "E0514"
    public static let invalidVATRate = "E0515"
    public static let unknownSite = "E0516"
    public static let unknownRevenueType = "E0517"
    public static let invalidMonth = "E0518"
    public static let invalidIndexValue = "E0519"
    public static let invalidNumberSeries = "E0520"
    public static let invalidAccount = "E0521"
    public static let emptyList = "E0522"
    public static let duplicateArticleCode = "E0523"
    public static let unreadableFile = "E0524"
    public static let missingSeller = "E0525"
    public static let definedTwice = "E0526"
    public static let invalidTimeZone = "E0527"
    public static let invalidCurrency = "E0528"
    public static let invalidCountry = "E0529"
    public static let invalidPostcode = "E0530"
    public static let invalidEnvironmentVariable = "E0531"
    public static let conflictingKeys = "E0540"
    public static let settingsFileNotFound = "E0541"
    public static let missingVATAccount = "E0542"
    public static let unknownCustomer = "E0543"
    public static let missingPendingVATAccount = "E0544"

    public static let missingNumberSeries = "W0501"
    public static let indexGap = "W0502"
    public static let unusualIndemnity = "W0503"
    public static let listedTwice = "W0504"
    public static let noRevenueTypes = "W0505"

    /// Every code, errors then warnings.
    public static let all: [String] = [
        syntax,
        unknownKey,
        missingKey,
        wrongType,
        invalidValue,
        invalidChoice,
        duplicateKey,
        duplicateCode,
        invalidCode,
        invalidSIREN,
        invalidVATNumber,
        invalidIBAN,
        invalidBIC,
        invalidEmail,
        invalidVATRate,
        unknownSite,
        unknownRevenueType,
        invalidMonth,
        invalidIndexValue,
        invalidNumberSeries,
        invalidAccount,
        emptyList,
        duplicateArticleCode,
        unreadableFile,
        missingSeller,
        definedTwice,
        invalidTimeZone,
        invalidCurrency,
        invalidCountry,
        invalidPostcode,
        invalidEnvironmentVariable,
        conflictingKeys,
        settingsFileNotFound,
        missingVATAccount,
        unknownCustomer,
        missingPendingVATAccount,
        missingNumberSeries,
        indexGap,
        unusualIndemnity,
        listedTwice,
        noRevenueTypes
    ]
}
