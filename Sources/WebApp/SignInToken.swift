import Crypto
import Foundation

/// The sign-in form's anti-forgery token: a random value and its HMAC under a key this server process drew at
/// start. The form and its cookie carry the same token; only a token this server made is accepted, so a cookie
/// planted by someone else (with any value, copied into the field) opens nothing. A restart makes the sign-in
/// forms already shown expire ("le formulaire a expiré"), which costs one reload.
struct SignInToken: Sendable {
    /// The key's bytes (swift-crypto's `SymmetricKey` is not `Sendable`): 32 from the system's secure generator.
    private let key: [UInt8] = {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &g) }
    }()

    func make() -> String {
        let nonce = Accounts.randomToken()
        return nonce + "." + signature(nonce)
    }

    func isGenuine(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 64 else { return false }
        return constantTimeEqual(String(parts[1]), signature(String(parts[0])))
    }

    private func signature(_ nonce: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(nonce.utf8), using: SymmetricKey(data: key)).map {
            String(format: "%02x", $0)
        }.joined()
    }
}
