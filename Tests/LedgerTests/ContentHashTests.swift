import Ledger
import Testing

@Suite struct ContentHashTests {
    /// FIPS 180-4's examples: the empty message, "abc", and a two-block message.
    @Test func contentHashIsSHA256() {
        #expect(ContentHash.sha256([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            ContentHash.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            ContentHash.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The chains' JSON strings: a value with nothing to escape copied whole, the others escaped as before.
    @Test func quotedValuesEscapeQuotesBackslashesAndControlCharactersOnly() {
        #expect(IssuedContent.quote("Repas salarié 5,20 € / 10%") == "\"Repas salarié 5,20 € / 10%\"")
        #expect(IssuedContent.quote("") == "\"\"")
        #expect(
            IssuedContent.quote("a\"b\\c\nd\re\tf\u{1}g\u{1F}é")
                == "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fé\"")
    }
}
