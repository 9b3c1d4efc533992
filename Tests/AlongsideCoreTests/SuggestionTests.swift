import AlongsideCore
import Testing

@Suite("Suggestion")
struct SuggestionTests {
    private let tags = [
        "alcohol", "drugs", "homelessness", "debt", "domestic-abuse", "bereavement", "housing",
        "gambling", "loneliness",
    ]
    private let places = ["blackpool", "fleetwood", "preston", "lancaster", "poulton-le-fylde"]

    @Test func distance() {
        #expect(Suggestion.distance("", "") == 0)
        #expect(Suggestion.distance("abc", "") == 3)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("Alcohol", "alcohol") == 0)
        #expect(Suggestion.distance("alchohol", "alcohol") == 1)
        #expect(Suggestion.distance("ab", "ba") == 1)  // adjacent swap
        #expect(Suggestion.distance("ca", "abc") == 3)  // optimal string alignment, not full DL
        #expect(Suggestion.distance("housng", "housing") == 1)
        #expect(Suggestion.distance("café", "cafe") == 1)
    }

    @Test func nearestFindsMisspellings() {
        #expect(Suggestion.nearest("alchohol", in: tags) == "alcohol")
        #expect(Suggestion.nearest("blackpol", in: places) == "blackpool")
        #expect(Suggestion.nearest("housng", in: tags) == "housing")
        #expect(Suggestion.nearest("Blackpol", in: places) == "blackpool")
        #expect(Suggestion.nearest("flewtood", in: places) == "fleetwood")
        #expect(Suggestion.nearest("drgus", in: tags) == "drugs")
    }

    @Test func nearestByPrefix() {
        #expect(Suggestion.nearest("poulton", in: places) == "poulton-le-fylde")
        #expect(Suggestion.nearest("lat", in: ["latitude", "longitude"]) == "latitude")
    }

    @Test func nearestGivesUpWhenFar() {
        #expect(Suggestion.nearest("xyz", in: tags) == nil)
        #expect(Suggestion.nearest("xyz", in: places) == nil)
        #expect(Suggestion.nearest("", in: tags) == nil)
        #expect(Suggestion.nearest("alcohol", in: []) == nil)
        #expect(Suggestion.nearest("wigan", in: places) == nil)
    }

    @Test func nearestPrefersClosest() {
        #expect(Suggestion.nearest("debs", in: ["drugs", "debt"]) == "debt")
        #expect(Suggestion.nearest("cat", in: ["bat", "cab"]) == "bat")  // tie: first wins
    }

    @Test func didYouMean() {
        #expect(Suggestion.didYouMean("alchohol", in: tags) == " (did you mean 'alcohol'?)")
        #expect(Suggestion.didYouMean("xyz", in: tags) == "")
        #expect(Suggestion.didYouMean("alcohol", in: tags) == "")
        #expect(Suggestion.didYouMean("Alcohol", in: tags) == " (did you mean 'alcohol'?)")
    }
}

@Suite("Natural order of ids")
struct NaturalOrderTests {
    @Test func numbersCompareAsNumbersAndCaseIsIgnored() {
        let ids = ["M10", "m2", "M1", "amy-w", "M02", "dev-p", "M9", "B7", "b10"]
        let sorted = Identifiers.sortedNaturally(ids, id: { $0 })
        #expect(sorted == ["amy-w", "B7", "b10", "dev-p", "M1", "M02", "m2", "M9", "M10"])
        #expect(Identifiers.naturalLess("M2", "M10"))
        #expect(!Identifiers.naturalLess("M10", "M2"))
    }
}

@Suite("Identifiers.caseKey: lowercased(), cheaply")
struct CaseKeyTests {
    @Test(arguments: ["m1", "M1", "amy-w", "AMY-W", "Zoë", "ÉMILE", "", "ẞ", "İstanbul", "polish"])
    func isLowercasedForEveryText(_ text: String) {
        #expect(Identifiers.caseKey(text) == text.lowercased())
    }
}
