/// Words too common to say what a story is about, in the languages news feeds
/// mostly come in, plus weekday and month names (every story has a "Thursday").
/// Compared as normalized word hashes, the form story features are read in.
enum StopWords {
    static func contains(_ word: UInt64) -> Bool { hashes[word] != 0 }

    private static let hashes: TermCountTable = {
        var hashes = TermCountTable(capacity: 1024)
        for list in [english, calendar, german, french, spanish, italian, portuguese, russian] {
            for word in list.split(separator: " ") {
                for hash in TextNormalizer.normalize(String(word)).words where hashes[hash] == 0 { hashes.add(1, to: hash) }
            }
        }
        return hashes
    }()

    private static let english = """
        a about above after again against ago all almost also although am among an and another any are around as at \
        back be became because become been before being below between both but by can could did do does doing done \
        down during each either else even ever every few for from further get gets got had has have having he her here \
        hers herself him himself his how however i if in into is it its itself just last least less like made make many \
        may me might more most much must my myself near nearly new next no nor not now of off often on once one only or \
        other others our ours out over own per put rather said same say says see she should since so some still such \
        than that the their theirs them themselves then there these they this those though through to too told under \
        until up upon us very via was we well were what when where whether which while who whom whose why will with \
        within without would yet you your yours also according including included includes among amid including \
        two three four five six seven eight nine ten first second third year years week weeks day days month months \
        time times today tonight yesterday tomorrow morning evening night mr mrs ms dr st percent per cent s t
        """
    private static let calendar = """
        monday tuesday wednesday thursday friday saturday sunday january february march april may june july august \
        september october november december jan feb mar apr jun jul aug sep sept oct nov dec
        """
    private static let german = """
        der die das den dem des ein eine einer eines einem einen und oder aber auch als am an auf aus bei bis da dass \
        durch für gegen hat haben hatte ich ist im in mit nach nicht noch nur so sich sie sind um und uns vom von vor \
        war waren wie wird wurde wurden zu zum zur über
        """
    private static let french = """
        le la les un une des du de d l et ou mais ne pas plus par pour sur dans avec sans sous au aux ce cette ces \
        qui que quoi dont où il elle ils elles nous vous on est sont a ont été était être avoir se sa son ses leur leurs
        """
    private static let spanish = """
        el la los las un una unos unas y o pero no más por para con sin sobre en del al de que quien cual cuyo donde \
        es son fue fueron ha han ser estar está están su sus lo le les se como muy también
        """
    private static let italian = """
        il lo gli i un uno una e ed o ma non più per con su nel nella negli del della dei degli da di che chi è sono \
        stato stata ha hanno essere come anche
        """
    private static let portuguese = """
        o os as um uma uns umas e ou mas não mais por para com sem sobre em no na nos nas do da dos das ao à que é são \
        foi foram ser estar está seu sua seus suas como também
        """
    private static let russian = """
        и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от \
        меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам \
        ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтобы без будто \
        чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой \
        тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше \
        тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше \
        чуть том нельзя такой им более всегда конечно всю между также это года году
        """
}
