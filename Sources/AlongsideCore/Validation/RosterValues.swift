/// Requests that compare with mentors' free-text fields (`--mentor-gender`, `--language`)
/// must name a value some mentor on the roster has (spec §4), so a request can never
/// silently exclude everyone. This finds the value meant when it is not one.
public enum RosterValues {
    /// Other words for the usual gender values.
    static let genderWords: [String: String] = [
        "woman": "female", "women": "female", "f": "female", "w": "female", "girl": "female",
        "lady": "female", "man": "male", "men": "male", "m": "male", "boy": "male",
        "nb": "non-binary", "nonbinary": "non-binary", "non binary": "non-binary",
        "enby": "non-binary",
    ]
    /// ISO 639-1 codes (and a few common spellings) of languages spoken in the region.
    static let languageWords: [String: String] = [
        "en": "english", "pl": "polish", "ur": "urdu", "pa": "punjabi", "ar": "arabic",
        "bn": "bengali", "ro": "romanian", "pt": "portuguese", "es": "spanish", "fr": "french",
        "de": "german", "it": "italian", "zh": "chinese", "cy": "welsh", "gu": "gujarati",
        "so": "somali", "ku": "kurdish", "fa": "farsi", "persian": "farsi", "ti": "tigrinya",
        "lt": "lithuanian", "lv": "latvian", "ru": "russian", "uk": "ukrainian",
        "tr": "turkish", "bg": "bulgarian", "hu": "hungarian", "sk": "slovak", "cs": "czech",
        "hi": "hindi", "ta": "tamil", "ml": "malayalam", "el": "greek", "sq": "albanian",
        "ga": "irish", "gd": "gaelic", "bsl": "british sign language", "yue": "cantonese",
        "cmn": "mandarin", "ps": "pashto", "am": "amharic", "ne": "nepali", "tl": "tagalog",
    ]

    /// The roster value `word` most likely means, or nil: a synonym or code the roster
    /// has (either way round), else the nearest spelling.
    public static func suggestion(
        for word: String, in values: Set<String>, language: Bool
    ) -> String? {
        let key = word.lowercased()
        let words = language ? languageWords : genderWords
        if let canonical = words[key], values.contains(canonical) { return canonical }
        for (alias, canonical) in words where canonical == key && values.contains(alias) {
            return alias
        }
        for value in values.sorted() where words[value] != nil && words[value] == words[key] {
            return value
        }
        return Suggestion.nearest(key, in: values.sorted())
    }
}
