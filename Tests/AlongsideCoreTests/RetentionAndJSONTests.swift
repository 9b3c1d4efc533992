import AlongsideCore
import Foundation
import Testing

@Suite("Retention dates and JSON content")
struct RetentionAndJSONTests {
    @Test func removalIsTheDayAfterCloseDatePlusTheYears() throws {
        let closed = try #require(LocalDate(year: 2026, month: 11, day: 16))
        #expect(RetentionRule.removalDate(closed: closed, years: 8).description == "2034-11-17")
        // Counted the same way as the cut-off: removed on that date, not the day before.
        let removal = RetentionRule.removalDate(closed: closed, years: 8)
        #expect(RetentionRule.cutoff(today: removal, years: 8) > closed)
        #expect(!(RetentionRule.cutoff(today: removal.adding(days: -1), years: 8) > closed))
        let leap = try #require(LocalDate(year: 2028, month: 2, day: 29))
        #expect(RetentionRule.removalDate(closed: leap, years: 1).description == "2029-03-01")
        #expect(RetentionRule.cutoff(today: leap, years: 1).description == "2027-02-28")
    }

    @Test func parsingKeepsOrderAndReadsBack() throws {
        let text = #"{"b":1,"a":[true,null,"x\"y\u00e9"],"c":{"d":-2.5e3}}"#
        let value = try #require(JSONValue.parse(text))
        #expect(value.text == #"{"b":1,"a":[true,null,"x\"yé"],"c":{"d":-2500}}"#)
        #expect(JSONValue.parse("{\"a\":1,}") == nil)
        #expect(JSONValue.parse("[1] x") == nil)
        #expect(value[member: "b"] == .int(1))
    }

    @Test func stringsAreRedactedOneByOneAndNumbersNever() {
        let v = JSONValue.object([
            ("arrived_at", .int(9_434_765_919)), ("reason", .string("nhs 943 476 5919 called")),
        ])
        let redacted = v.mappingStrings(NHSNumber.redact(in:))
        #expect(redacted.text == #"{"arrived_at":9434765919,"reason":"nhs [NHS number] called"}"#)
        let erased = v.erasingMembers(where: { $0 == "reason" }, replacement: .string("[removed]"))
        #expect(erased.text == #"{"arrived_at":9434765919,"reason":"[removed]"}"#)
    }
}
