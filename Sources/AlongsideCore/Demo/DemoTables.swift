/// The demo's tables: shift templates, how arrivals fall over the day and week, how common
/// each locality and need is, and the names mentors are given. The logic that draws from them
/// is in DemoGenerator.swift.
extension DemoGenerator {
    /// The local weekly shift templates: times, weekday choices, and how common each is.
    struct Template {
        var start: Int  // minutes after midnight
        var end: Int
        var days: ClosedRange<Int>  // how many weekdays
        var fixedDays: Set<Int>?
        var weight: Double
    }

    static let templates: [Template] = [
        Template(start: 8 * 60, end: 20 * 60, days: 3...4, fixedDays: nil, weight: 3),  // long day
        Template(start: 6 * 60, end: 14 * 60, days: 4...5, fixedDays: nil, weight: 2),  // early
        Template(start: 14 * 60, end: 22 * 60, days: 4...5, fixedDays: nil, weight: 3),  // late
        Template(start: 17 * 60, end: 23 * 60, days: 3...5, fixedDays: nil, weight: 3),  // evening
        Template(start: 20 * 60, end: 8 * 60, days: 3...4, fixedDays: nil, weight: 2),  // night
        Template(start: 10 * 60, end: 22 * 60, days: 2...2, fixedDays: [6, 7], weight: 1),  // weekend
        Template(start: 9 * 60, end: 17 * 60, days: 5...5, fixedDays: [1, 2, 3, 4, 5], weight: 1),  // office
    ]

    /// Daily patterns that between them cover every minute of the day, for topping up cover
    /// at `now`.
    static let coverTemplates: [(Int, Int)] = [(6 * 60, 14 * 60), (14 * 60, 22 * 60), (22 * 60, 6 * 60)]

    /// Relative arrivals by local hour of day (0–23): quiet before dawn, busiest in the evening.
    static let hourWeights: [Double] = [
        3.0, 2.6, 2.2, 1.8, 1.4, 1.2, 1.3, 1.8, 2.4, 3.0, 3.4, 3.6,
        3.8, 3.9, 4.0, 4.2, 4.6, 5.0, 5.6, 6.0, 6.2, 5.8, 5.0, 4.0,
    ]
    /// Relative arrivals by ISO weekday (Mon…Sun): more at the weekend; mean 1.
    static let weekdayFactors: [Double] = [1.0, 0.92, 0.92, 0.95, 1.05, 1.12, 1.04]

    /// Relative sizes of the default localities (others weigh 1).
    static let localityWeights: [String: Double] = [
        "blackpool": 10, "preston": 9, "lancaster": 4, "morecambe": 3, "chorley": 3,
        "blackburn": 5, "leyland": 2.5, "fleetwood": 2.5, "lytham-st-annes": 2.5,
        "thornton-cleveleys": 2, "bispham": 2, "poulton-le-fylde": 1.5, "heysham": 1,
    ]
    /// Relative frequencies of needs among presentations (others weigh 1).
    static let needWeights: [String: Double] = [
        "alcohol": 9, "drugs": 6, "housing": 6, "debt": 6, "loneliness": 5, "self-harm": 5,
        "suicidal-crisis": 5, "homelessness": 4, "domestic-abuse": 4, "bereavement": 4,
        "employment": 3, "gambling": 2, "unpaid-carer": 2, "criminal-justice": 2,
        "perinatal": 1.5, "psychosis": 1.5, "armed-forces": 1,
    ]

    /// First names by the gender recorded for the mentor, so a female mentor is never
    /// "Gareth" (which would make the gender rule look broken); names used by anyone serve
    /// non-binary mentors.
    public static let firstNames: [String: [String]] = [
        "female": [
            "Amy", "Kerry", "Grace", "Agnieszka", "Priya", "Fatima", "Hannah", "Jade", "Leanne",
            "Nicola", "Paula", "Rachel", "Tanya", "Vicky", "Yasmin", "Zoe", "Bev", "Donna",
            "Ellie", "Gemma", "Iwona",
        ],
        "male": [
            "Dev", "Liam", "Tom", "Rob", "Gareth", "Imran", "Kieran", "Mohammed", "Owen", "Sean",
            "Usman", "Wayne", "Callum", "Hassan",
        ],
        "non-binary": ["Sam", "Jo", "Chris", "Alex", "Frankie", "Charlie", "Robin", "Jordan"],
    ]
    static let lastNames = [
        "Walsh", "Patel", "Holt", "O'Neill", "Rivers", "Okafor", "Byrne", "Nowak", "Fenton", "Shah",
        "Marsh", "Dale", "Hussain", "Jones", "Ashworth", "Khan", "Taylor", "Brennan", "Cooper",
        "Ali", "Singleton", "Whittle", "Kowalski", "Greenwood", "Hughes", "Parkinson", "Begum",
        "Rigby", "Hargreaves", "Smith", "Butler", "Duckworth",
    ]
    static let otherLanguages = ["polish", "urdu", "punjabi", "gujarati", "arabic", "romanian", "bengali"]
}
