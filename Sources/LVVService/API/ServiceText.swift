import RuleDSL

/// The language of the service's prose: `?lang=nl|en`, else the rule set's language. The JSON
/// verdict itself is language-neutral (CONTRACT.md); only texts for people follow this.
public enum ServiceLanguage: String, Sendable, CaseIterable {
    case nl, en

    /// The language a rule set is written in (`language nl` in its header); Dutch without one.
    public static func of(_ program: Program?) -> ServiceLanguage { program?.texts.language == .en ? .en : .nl }
}

/// Texts for people: the question for a fact, and error messages by their stable code.
public enum ServiceText {
    /// The text that asks a fact, in `language`: the rule file's question text once the language
    /// has one, else the fact's title, else its name. The page and `GET …/facts` both use this.
    public static func question(_ fact: FactInfo, _ language: ServiceLanguage) -> String {
        fact.title ?? fact.name
    }

    /// An error message in `language`; `english` is the specific English text the code came with.
    public static func message(_ code: String, english: String, _ language: ServiceLanguage) -> String {
        switch language {
        case .en: return english
        case .nl: return dutch[code] ?? english
        }
    }

    private static let dutch: [String: String] = [
        "malformed_request": "het verzoek is geen geldig HTTP/1.1: regels moeten eindigen op CRLF",
        "malformed_request_line": "de verzoekregel moet de vorm `METHODE /pad HTTP/1.1` hebben",
        "malformed_header": "een kopregel is ongeldig (vorm `Naam: waarde`, zonder stuurtekens)",
        "malformed_host": "een HTTP/1.1-verzoek heeft precies één `Host`-kopregel nodig",
        "malformed_content_length": "`Content-Length` is ongeldig of staat naast `Transfer-Encoding`",
        "malformed_query": "de queryparameters bevatten een ongeldige %-code of geen UTF-8",
        "too_many_fields": "het verzoek heeft te veel kopregels",
        "header_too_large": "verzoekregel en kopregels samen mogen hoogstens 16 KiB zijn",
        "version_not_supported": "alleen HTTP/1.1 en HTTP/1.0 worden bediend",
        "unauthorized": "deze dienst vraagt `Authorization: Bearer <token>`",
        "length_required": "stuur de body met `Content-Length` (chunked bodies worden niet gelezen)",
        "body_too_large": "de body is te groot (hoogstens 1 MiB voor `decide`)",
        "request_timeout": "het verzoek kwam niet op tijd binnen",
        "not_found": "dit pad bestaat niet",
        "unknown_pilot": "deze pilot wordt door deze dienst niet bediend",
        "method_not_allowed": "deze methode is hier niet toegestaan",
        "bad_parameter": "een queryparameter heeft een ongeldige waarde",
        "bad_case": "de casus is ongeldig",
        "ruleset_mismatch": "de regelset is niet de vastgepinde: de dienst beslist met een andere versie",
        "too_many_connections": "de dienst heeft te veel open verbindingen",
    ]

    /// The page's own words.
    static func page(_ key: String, _ language: ServiceLanguage) -> String {
        let pair = pageTexts[key] ?? (key, key)
        switch language {
        case .nl: return pair.nl
        case .en: return pair.en
        }
    }

    private static let pageTexts: [String: (nl: String, en: String)] = [
        "title": ("Intake LVV", "LVV intake"),
        "intro": ("Kies de pilot en beantwoord de vragen. Er worden alleen vragen gesteld die de beslissing nog kunnen veranderen. Niets wordt opgeslagen: de antwoorden staan alleen in het adres van deze pagina.",
                  "Pick the pilot and answer the questions. Only questions that can still change the decision are asked. Nothing is stored: the answers live only in this page's address."),
        "pilot": ("Pilot", "Pilot"),
        "choose": ("Kiezen", "Choose"),
        "case_id": ("Zaaknummer", "Case id"),
        "question": ("Vraag", "Question"),
        "next": ("Volgende", "Next"),
        "unknown": ("Weet ik niet", "Unknown"),
        "yes": ("ja", "yes"),
        "no": ("nee", "no"),
        "checked_by": ("te controleren door", "checked by"),
        "decision": ("Beslissing", "Decision"),
        "reasons": ("Redenen", "Reasons"),
        "overridden": ("Opzij gezet door de uitzondering", "Overridden by the exception"),
        "referrals": ("Verwijzen naar", "Refer to"),
        "actions": ("Vervolgacties", "Next actions"),
        "missing": ("Ontbrekende feiten die de beslissing kunnen veranderen", "Missing facts that could change the decision"),
        "answers": ("Antwoorden tot nu toe", "Answers so far"),
        "download": ("Casus downloaden (JSON)", "Download the case (JSON)"),
        "restart": ("Opnieuw beginnen", "Start again"),
        "ruleset": ("Regelset", "Rule set"),
        "source": ("bron", "source"),
        "case_error": ("De antwoorden vormen geen geldige casus", "The answers do not form a valid case"),
        "no_more": ("Er zijn geen vragen meer die de beslissing kunnen veranderen, of ze zijn overgeslagen.", "No question is left that could change the decision, or they were skipped."),
        "reference_date": ("Voor welke dag wordt besloten (peildatum)?", "For which day is the decision taken (reference date)?"),
        "other": ("Een ander feit invullen (ja/nee als true/false, datums als JJJJ-MM-DD)", "Give another fact (yes/no as true/false, dates as YYYY-MM-DD)"),
        "advice": ("Scenarioadvies", "Scenario advice"),
        "decision.admit": ("toelaten", "admit"),
        "decision.exclude": ("niet toelaten", "exclude"),
        "decision.refer": ("doorverwijzen: eerst identiteit vaststellen", "refer: identity first"),
        "decision.undetermined": ("nog niet te beslissen", "undetermined"),
        "decision.continue": ("verblijf gaat door", "continue"),
        "decision.end": ("verblijf eindigt", "end"),
        "decision.escalate_mrt": ("naar het MRT", "escalate to the MRT"),
    ]
}
