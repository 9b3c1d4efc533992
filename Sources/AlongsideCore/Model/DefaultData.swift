// The default lived-experience tags and localities, byte-identical to data/tags.csv and
// data/localities.csv (DefaultDataTests checks this). Edit both together.

/// Built-in copies of the default data files, used when no override file is supplied.
public enum DefaultData {
    /// Contents of data/tags.csv: `id,name,special_category`, one row per lived-experience tag.
    public static let tagsCSV: String = """
        id,name,special_category
        alcohol,Alcohol,yes
        drugs,Drugs,yes
        homelessness,Homelessness,no
        debt,Debt and money worries,no
        domestic-abuse,Domestic abuse,yes
        bereavement,Bereavement,no
        self-harm,Self-harm,yes
        perinatal,Perinatal mental health,yes
        unpaid-carer,Unpaid carer,no
        criminal-justice,Criminal justice,yes
        armed-forces,Armed forces veteran,no
        loneliness,Loneliness and isolation,no
        gambling,Gambling harm,yes
        lgbtq,LGBTQ+,yes
        employment,Employment and work,no
        housing,Housing problems,no
        psychosis,Psychosis,yes
        eating-disorder,Eating disorder,yes
        suicidal-crisis,Suicidal crisis,yes
        autism,Autism,yes
        refugee,Refugee or asylum seeker,no
        sexual-violence,Sexual violence,yes
        care-leaver,Care leaver,no

        """

    /// Contents of data/localities.csv: `id,name,lat,lon`, Fylde coast towns and neighbours.
    public static let localitiesCSV: String = """
        id,name,lat,lon
        blackpool,Blackpool,53.8175,-3.0357
        fleetwood,Fleetwood,53.9166,-3.0357
        thornton-cleveleys,Thornton-Cleveleys,53.8739,-3.0219
        poulton-le-fylde,Poulton-le-Fylde,53.8467,-2.9956
        lytham-st-annes,Lytham St Annes,53.7480,-2.9990
        kirkham,Kirkham,53.7826,-2.8702
        garstang,Garstang,53.9006,-2.7757
        preston,Preston,53.7632,-2.7031
        lancaster,Lancaster,54.0466,-2.8007
        chorley,Chorley,53.6530,-2.6325
        bispham,Bispham,53.8520,-3.0400
        knott-end,Knott End-on-Sea,53.9280,-2.9990
        wesham,Wesham,53.7900,-2.8810
        freckleton,Freckleton,53.7530,-2.8680
        leyland,Leyland,53.6970,-2.6880
        morecambe,Morecambe,54.0730,-2.8650
        heysham,Heysham,54.0420,-2.8940
        carnforth,Carnforth,54.1230,-2.7660
        longridge,Longridge,53.8310,-2.5970
        blackburn,Blackburn,53.7480,-2.4820

        """
}
