import AlongsideCore
import Testing

@Suite("NHS number")
struct NHSNumberTests {
    private func error(_ text: String) -> NHSNumberError? {
        do {
            _ = try NHSNumber(text)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["9434765919", "4010232137", "943 476 5919", "943-476-5919", " 9434765919 "])
    func validNumbers(text: String) throws {
        let number = try NHSNumber(text)
        #expect(number.digits.count == 10)
        #expect(number.digits.allSatisfy { $0.isASCII })
    }

    @Test func normalisedAndDescribed() throws {
        let number = try NHSNumber("943-476 5919")
        #expect(number.digits == "9434765919")
        #expect(number.description == "943 476 5919")
        #expect(try NHSNumber("9434765919") == number)
        #expect(try NHSNumber("401 023 2137").digits == "4010232137")
    }

    @Test func remainderZeroGivesCheckDigitZero() throws {
        // Weighted sum of 987654321 is 330 = 30 × 11, so 11 − 0 = 11, which becomes 0.
        #expect(try NHSNumber("9876543210").digits == "9876543210")
        #expect(error("9876543211") == .failsCheckDigit)
    }

    @Test func checkDigitTenIsNeverValid() {
        // Weighted sum of 123456789 is 210 ≡ 1 (mod 11), so the check digit would be 10.
        for last in 0...9 {
            #expect(error("123456789\(last)") == .failsCheckDigit)
        }
    }

    @Test func wrongCheckDigit() {
        #expect(error("9434765918") == .failsCheckDigit)
        #expect(error("9434765910") == .failsCheckDigit)
        #expect(error("4010232138") == .failsCheckDigit)
        #expect(error("9434765991") == .failsCheckDigit)  // two digits swapped
    }

    @Test func allZero() {
        #expect(error("0000000000") == .allZero)
        #expect(error("000 000 0000") == .allZero)
    }

    @Test(arguments: [
        "943476591", "94347659190", "", "   ", "943476591X", "abcdefghij", "943,476,5919",
        "９４３４７６５９１", "943476591９1",
    ])
    func notTenDigits(text: String) {
        #expect(error(text) == .notTenDigits)
    }

    @Test func messagesDoNotEchoTheNumber() {
        let all: [NHSNumberError] = [.notTenDigits, .allZero, .failsCheckDigit]
        for item in all {
            #expect(!item.description.contains("943"))
            #expect(!item.description.isEmpty)
        }
        #expect(NHSNumberError.notTenDigits.description.contains("10 digits"))
        #expect(NHSNumberError.allZero.description == "all zeros is not an NHS number")
        #expect(NHSNumberError.failsCheckDigit.description.contains("check digit"))
    }
}

@Suite("NHS number redaction")
struct NHSRedactionTests {
    @Test func realNumbersAreRedactedInEveryShape() {
        #expect(NHSNumber.redact(in: "ok for 9434765919") == "ok for [NHS number]")
        #expect(NHSNumber.redact(in: "patient 943 476 5919.") == "patient [NHS number].")
        #expect(NHSNumber.redact(in: "943-476-5919") == "[NHS number]")
    }

    @Test func datesTimesAndOtherNumbersAreLeftAlone() {
        // 2026102422 passes the check digit, but a date and hour is not an NHS number.
        for text in [
            "a shift 2026-10-24 22:00 – 2026-10-25 06:00", "2026-11-23 04:00", "9434765918",
            "94347659190", "P12 at 09:14",
        ] {
            #expect(NHSNumber.redact(in: text) == text)
        }
    }
}

/// The one rule for NHS numbers in free text (spec §8), used by every caller.
@Suite("NHS numbers found in free text")
struct NHSNumberInTextTests {
    // 943 476 5919 is the NHS's own example number; 401 023 2137 is another valid one.
    @Test(arguments: [
        "9434765919", "943 476 5919", "943-476-5919", "943.476.5919", "94 34 76 59 19",
        "9 4 3 4 7 6 5 9 1 9", "943-476.5919", "943 476-59 19", "943  476  5919",
        "\u{FF19}\u{FF14}\u{FF13}\u{FF14}\u{FF17}\u{FF16}\u{FF15}\u{FF19}\u{FF11}\u{FF19}",
        "call re 943 476 5919 tonight", "id:9434765919;", "12 943 476 5919",
    ])
    func isFoundInAnyGrouping(_ text: String) {
        #expect(NHSNumber.appears(in: text), "\(text)")
        #expect(!NHSNumber.redact(in: text).contains("5919"))
        #expect(!NHSNumber.redact(in: text).contains("\u{FF19}\u{FF11}\u{FF19}"))
    }

    @Test(arguments: [
        "94347659190", "19434765919", "9434765918", "943 476 591", "0000000000",
        "P12 at 09:14", "2026-10-24 22:00", "shift 2026-10-24 22:00 – 2026-10-25 06:00",
        "phone 01253 300000", "",
    ])
    func isNotFoundWhereThereIsNone(_ text: String) {
        #expect(!NHSNumber.appears(in: text), "\(text)")
        #expect(NHSNumber.redact(in: text) == text)
    }

    @Test func redactionKeepsTheTextAround() {
        #expect(
            NHSNumber.redact(in: "seen 943.476.5919 and 4010232137 today")
                == "seen [NHS number] and [NHS number] today")
    }

    @Test func theValidatorReadsTheSameGroupings() throws {
        #expect(try NHSNumber("943.476.5919").digits == "9434765919")
        #expect(
            try NHSNumber("\u{FF19}\u{FF14}\u{FF13}\u{FF14}\u{FF17}\u{FF16}\u{FF15}\u{FF19}\u{FF11}\u{FF19}")
                .digits == "9434765919")
    }

    @Test func aSeededSampleOfEpochTimesIsNeverTakenForOneInJSONFields() {
        // Epoch seconds are one group of ten digits: some pass the check digit, which is why
        // the audit redacts text fields only. Here: the rule itself does see them.
        var generator = SplitMix64(seed: 20261201)
        var passing = 0
        for _ in 0..<1000 {
            let t = Int.random(in: 1_700_000_000...1_900_000_000, using: &generator)
            if NHSNumber.appears(in: "\(t)") { passing += 1 }
        }
        #expect(passing > 40 && passing < 160, "about one in eleven pass: \(passing)")
    }
}
