import RuleDSL

/// The tool's own words around the policy texts ("Besluit", "Redenen", "wordt gecontroleerd
/// door"), in every language the rule files may be written in. This is the one catalogue of
/// them: the rule files hold every domain text, this file every frame word, and no renderer
/// writes a word of prose of its own. Nothing here depends on the machine's locale: dates,
/// numbers and plurals are written out by this code.
public struct FrameText: Sendable {
    public let language: TextLanguage

    public init(_ language: TextLanguage) {
        self.language = language
    }

    /// A fixed word or phrase of the frame.
    public enum Word: Sendable, CaseIterable {
        case caseWord, referenceDate, question, decision, reasons, overridden, source, facts, missingFacts
        case askQuestion, checkedBy, referrals, nextSteps, scenarioAdvice, noAdviceYet, ruleSet, files
        case byException, refer, yes, no, unknown, none
        case intake, review, traceHeading, applies, doesNotApply, mayApply, liftedBy, afterExceptions
        case missing, undetermined
        // Other commands: headings and verdict lines.
        case compliant, violations, counterexample, invariant, noChange, changes, decisionChanges
        case kindsOfCase, passed, failed, outflow, total, pilot
    }

    public subscript(_ word: Word) -> String {
        let (nl, en): (String, String)
        switch word {
        case .caseWord: (nl, en) = ("Zaak", "Case")
        case .referenceDate: (nl, en) = ("peildatum", "reference date")
        case .question: (nl, en) = ("Vraag", "Question")
        case .decision: (nl, en) = ("Besluit", "Decision")
        case .reasons: (nl, en) = ("Redenen", "Reasons")
        case .overridden: (nl, en) = ("Opzijgezet door de uitzondering", "Set aside by the exception")
        case .source: (nl, en) = ("bron", "source")
        case .facts: (nl, en) = ("gegevens", "facts")
        case .missingFacts: (nl, en) = ("Ontbrekende gegevens", "Missing facts")
        case .askQuestion: (nl, en) = ("vraag", "question")
        case .checkedBy: (nl, en) = ("wordt gecontroleerd door", "checked by")
        case .referrals: (nl, en) = ("Verwijzingen", "Referrals")
        case .nextSteps: (nl, en) = ("Vervolgstappen", "Next steps")
        case .scenarioAdvice: (nl, en) = ("Advies over het begeleidingsscenario", "Advice on the begeleidingsscenario")
        case .noAdviceYet: (nl, en) = ("Er is nog geen advies: de gegevens hieronder kunnen het nog veranderen.",
                                       "There is no advice yet: the facts below could still change it.")
        case .ruleSet: (nl, en) = ("Regelset", "Rule set")
        case .files: (nl, en) = ("bestanden", "files")
        case .byException: (nl, en) = ("Dit is een toelating bij individuele uitzondering: de redenen hieronder zouden anders tot uitsluiting leiden.",
                                       "This is an admission by individual exception: the reasons below would otherwise exclude.")
        case .refer: (nl, en) = ("Eerst moet de politie de identiteit vaststellen; daarna wordt opnieuw getoetst.",
                                 "The police must first establish the person's identity; the case is then assessed again.")
        case .yes: (nl, en) = ("ja", "yes")
        case .no: (nl, en) = ("nee", "no")
        case .unknown: (nl, en) = ("onbekend", "unknown")
        case .none: (nl, en) = ("geen", "none")
        case .intake: (nl, en) = ("aanmelding", "intake")
        case .review: (nl, en) = ("heroverweging", "review")
        case .traceHeading: (nl, en) = ("Spoor (elke overwogen regel; + geldt, - geldt niet, ? onbekend, ~ niet van kracht)",
                                        "Trace (every rule considered; + held, - did not hold, ? unknown, ~ not in force)")
        case .applies: (nl, en) = ("van toepassing", "applies")
        case .doesNotApply: (nl, en) = ("niet van toepassing", "does not apply")
        case .mayApply: (nl, en) = ("mogelijk van toepassing", "may apply")
        case .liftedBy: (nl, en) = ("opgeheven door", "lifted by")
        case .afterExceptions: (nl, en) = ("na uitzonderingen", "after exceptions")
        case .missing: (nl, en) = ("ontbreekt", "missing")
        case .undetermined: (nl, en) = ("onbepaald", "undetermined")
        case .compliant: (nl, en) = ("voldoet aan de landelijke afspraken", "complies with the national agreements")
        case .violations: (nl, en) = ("Schendingen", "Violations")
        case .counterexample: (nl, en) = ("tegenvoorbeeld", "counterexample")
        case .invariant: (nl, en) = ("invariant", "invariant")
        case .noChange: (nl, en) = ("geen enkel besluit verandert", "no decision changes")
        case .changes: (nl, en) = ("Veranderingen", "Changes")
        case .decisionChanges: (nl, en) = ("besluit verandert", "decision changes")
        case .kindsOfCase: (nl, en) = ("soorten zaken", "kinds of case")
        case .passed: (nl, en) = ("geslaagd", "passed")
        case .failed: (nl, en) = ("mislukt", "failed")
        case .outflow: (nl, en) = ("Uitstroom", "Outflow")
        case .total: (nl, en) = ("totaal", "total")
        case .pilot: (nl, en) = ("pilot", "pilot")
        }
        switch language {
        case .nl: return nl
        case .en: return en
        }
    }

    /// "Er kan nog niet worden besloten: 2 ontbrekende gegevens kunnen …".
    public func undetermined(missing count: Int) -> String {
        switch language {
        case .nl:
            return count == 1
                ? "Er kan nog niet worden besloten: één ontbrekend gegeven kan de uitkomst nog veranderen."
                : "Er kan nog niet worden besloten: \(count) ontbrekende gegevens kunnen de uitkomst nog veranderen."
        case .en:
            return count == 1
                ? "This cannot be decided yet: one missing fact could still change the outcome."
                : "This cannot be decided yet: \(count) missing facts could still change the outcome."
        }
    }

    /// How a decision without an outcome text reads (a rule file that wrote none).
    public func outcome(_ outcome: String) -> String {
        switch language {
        case .nl: return "De uitkomst is `\(outcome)`."
        case .en: return "The outcome is `\(outcome)`."
        }
    }

    /// A date as a Dutch or English reader writes it (`14 februari 2023`, `14 February 2023`).
    public func date(_ date: CivilDate) -> String {
        let (year, month, day) = date.components
        let names: [String]
        switch language {
        case .nl:
            names = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                     "oktober", "november", "december"]
        case .en:
            names = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"]
        }
        return "\(day) \(names[month - 1]) \(year)"
    }

    /// `N passed, N failed` in the reader's language.
    public func tally(passed: Int, failed: Int) -> String {
        "\(passed) \(self[.passed]), \(failed) \(self[.failed])"
    }

    // MARK: - comply

    public func complianceHeading(pilot: String) -> String {
        switch language {
        case .nl: return "Naleving van het landelijke convenant door `\(pilot)`, voor alle mogelijke zaken"
        case .en: return "Compliance of `\(pilot)` with the national convenant, over all possible cases"
        }
    }

    public var rulesLabel: String { language == .nl ? "regels" : "rules" }
    public var invariantsHeading: String { language == .nl ? "Invarianten" : "Invariants" }

    public func proven(nodes: Int) -> String {
        switch language {
        case .nl: return "bewezen voor elke zaak (\(nodes) deelzaken doorzocht)"
        case .en: return "proven for every case (\(nodes) partial cases searched)"
        }
    }

    public var notClaimed: String { language == .nl ? "niet als nageleefd aangemerkt" : "not claimed compliant" }
    public var decisionOnCounterexample: String {
        language == .nl ? "besluit over het tegenvoorbeeld" : "decision on the counterexample"
    }

    public func counterexampleHint(pilot: String) -> String {
        switch language {
        case .nl: return "tegenvoorbeeld (bewaar als bestand en voer `rule-check eval --pilot \(pilot)` erop uit)"
        case .en: return "counterexample (save as a file and run `rule-check eval --pilot \(pilot)` on it)"
        }
    }

    /// The heading of `comply`'s narrowings, found by proof, and what they need: consultation
    /// ("in afstemming met"), not the programme council's agreement (000 art. 3.1).
    public func narrowingsHeading(pilot: String, base: String) -> String {
        language == .nl
            ? "Versmallingen: waar `\(pilot)` strenger beslist dan `\(base)`, gevonden door bewijs\n"
                + "  (een pilot stelt ze vast in afstemming met de programmaraad, 000 art. 3.1)"
            : "Narrowings: where `\(pilot)` decides more strictly than `\(base)`, found by proof\n"
                + "  (a pilot sets these in consultation with the programme council, 'in afstemming met de programmaraad', 000 art. 3.1)"
    }

    /// One narrowing's head line: the question, both decisions and the rule responsible.
    public func narrowing(question: String, base: String, baseDecision: String, pilot: String, decision: String,
                          by who: String?) -> String {
        let rule = who ?? (language == .nl ? "geen enkele regel van de pilot alleen (een gewijzigde stap, uitzondering of `let`)"
            : "no single rule of the pilot (a changed stage, exception or `let`)")
        return language == .nl
            ? "\(question): \(base) \(baseDecision), \(pilot) \(decision); door \(rule)"
            : "\(question): \(base) \(baseDecision), \(pilot) \(decision); by \(rule)"
    }

    public func narrowingFound(after nodes: Int) -> String {
        language == .nl ? "gevonden na \(nodes) deelzaken" : "found after \(nodes) partial cases"
    }

    public func narrowingCounterexample(pilot: String, decision: String, base: String, baseDecision: String) -> String {
        language == .nl
            ? "tegenvoorbeeld (`rule-check eval --pilot \(pilot)` geeft \(decision), `--pilot \(base)` geeft \(baseDecision)):"
            : "counterexample (`rule-check eval --pilot \(pilot)` gives \(decision), `--pilot \(base)` gives \(baseDecision)):"
    }

    public var narrowingsIncomplete: String {
        language == .nl ? "het zoeken stopte bij zijn grens: er kunnen meer versmallingen zijn"
            : "the search stopped at its limit: there may be more narrowings"
    }

    public var deviationsHeading: String {
        language == .nl ? "Afwijkingen van het convenant, zoals gemarkeerd in het regelbestand"
            : "Deviations from the convenant, as marked in the rule file"
    }

    /// The verdict line of `comply`: `NALEVING: 4 bewezen, 0 geschonden, 0 onbewezen (12.3 ms)`.
    public func complianceVerdict(compliant: Bool, proven: Int, violated: Int, unproven: Int, milliseconds: String) -> String {
        switch language {
        case .nl:
            return "\(compliant ? "NAGELEEFD" : "NIET NAGELEEFD"): \(proven) bewezen, \(violated) geschonden, \(unproven) onbewezen (\(milliseconds) ms)"
        case .en:
            return "\(compliant ? "COMPLIANT" : "NOT COMPLIANT"): \(proven) proven, \(violated) violated, \(unproven) unproven (\(milliseconds) ms)"
        }
    }

    /// The status column of an invariant (`ok`, `VIOLATED`, …), padded to one width.
    public func invariantStatus(_ status: String) -> String {
        let word: String
        switch (status, language) {
        case ("proven", .nl): word = "ok"
        case ("unproven", .nl): word = "ONBEWEZEN"
        case ("violated", .nl): word = "GESCHONDEN"
        case ("proven", .en): word = "ok"
        case ("unproven", .en): word = "UNPROVEN"
        case (_, .en): word = "VIOLATED"
        case (_, .nl): word = "GESCHONDEN"
        }
        return word + String(repeating: " ", count: max(1, 11 - word.count))
    }

    // MARK: - test

    /// A failed test's mark (`FAIL`), padded to the width of a passed one's.
    public var testFailed: String { language == .nl ? "FOUT  " : "FAIL  " }
    public var testPassed: String { "ok    " }

    // MARK: - report

    /// The words of `rule-check report`'s text summary.
    public enum ReportWord: Sendable, CaseIterable {
        case summaryOf, exceptionalAdmissions, ruleSet, decisions, reasonCodes, referrals, actions, pilots
        case missingFacts, scenarioAdvice, verdictsUnit, listingUnit, undeterminedUnit, reviewUnit
        case outflowHeading, pilot, durable, temporary, unclassified, durableShare, note, unreadableLines, line, more
    }

    public subscript(report word: ReportWord) -> String {
        let (nl, en): (String, String)
        switch word {
        case .summaryOf: (nl, en) = ("Overzicht van", "Summary of")
        case .exceptionalAdmissions: (nl, en) = ("toelatingen bij uitzondering", "exceptional admissions")
        case .ruleSet: (nl, en) = ("regelset", "rule set")
        case .decisions: (nl, en) = ("Besluiten", "Decisions")
        case .reasonCodes: (nl, en) = ("Redencodes", "Reason codes")
        case .referrals: (nl, en) = ("Verwijzingen", "Referrals")
        case .actions: (nl, en) = ("Vervolgstappen", "Actions")
        case .pilots: (nl, en) = ("Pilots", "Pilots")
        case .missingFacts: (nl, en) = ("Ontbrekende gegevens", "Missing facts")
        case .scenarioAdvice: (nl, en) = ("Scenarioadvies", "Scenario advice")
        case .verdictsUnit: (nl, en) = ("uitkomsten", "verdicts")
        case .listingUnit: (nl, en) = ("uitkomsten die de code noemen", "verdicts listing the code")
        case .undeterminedUnit: (nl, en) = ("onbepaalde uitkomsten waarin het ontbreekt", "undetermined verdicts missing it")
        case .reviewUnit: (nl, en) = ("uitkomsten van heroverweging", "review verdicts")
        case .outflowHeading: (nl, en) = ("Uitstroom per pilot (uitkomsten van heroverweging met een uitstroom, ingedeeld volgens de regelbestanden van de pilot)",
                                          "Outflow per pilot (review verdicts with an outcome, classed by the pilot's rule files)")
        case .pilot: (nl, en) = ("pilot", "pilot")
        case .durable: (nl, en) = ("bestendig", "durable")
        case .temporary: (nl, en) = ("tijdelijk", "temporary")
        case .unclassified: (nl, en) = ("niet ingedeeld", "unclassified")
        case .durableShare: (nl, en) = ("aandeel bestendig", "durable share")
        case .note: (nl, en) = ("let op", "note")
        case .unreadableLines: (nl, en) = ("Onleesbare regels", "Unreadable lines")
        case .line: (nl, en) = ("regel", "line")
        case .more: (nl, en) = ("meer", "more")
        }
        switch language {
        case .nl: return nl
        case .en: return en
        }
    }

    /// "12 uitkomsten, 1 foutregel (…), 0 onleesbare regels; 13 regels in totaal".
    public func reportCounts(verdicts: Int, errorLines: Int, unreadable: Int, lines: Int) -> String {
        switch language {
        case .nl:
            return "\(verdicts) \(verdicts == 1 ? "uitkomst" : "uitkomsten"), \(errorLines) \(errorLines == 1 ? "foutregel" : "foutregels")"
                + " (zaken die batch niet kon lezen), \(unreadable) onleesbare \(unreadable == 1 ? "regel" : "regels"); \(lines) regels in totaal"
        case .en:
            return "\(verdicts) verdict\(verdicts == 1 ? "" : "s"), \(errorLines) error line\(errorLines == 1 ? "" : "s")"
                + " (cases batch could not read), \(unreadable) unreadable line\(unreadable == 1 ? "" : "s"); \(lines) lines in all"
        }
    }

    // MARK: - diff

    public func diffHeading(pilot: String, new: String, old: String) -> String {
        switch language {
        case .nl: return "Wat verandert er voor `\(pilot)`: \(new) tegenover \(old)"
        case .en: return "What changes for `\(pilot)`: \(new) against \(old)"
        }
    }

    /// The verdict line of a rule diff without changes.
    public func diffNoChange(complete: Bool, reason: String? = nil) -> String {
        let why = reason.map { " (\($0))" } ?? ""
        switch (language, complete) {
        case (.nl, true): return "Geen enkele zaak krijgt een ander besluit."
        case (.nl, false): return "Geen verandering gevonden, maar het zoeken is afgebroken\(why): niet bewezen."
        case (.en, true): return "No case gets another decision."
        case (.en, false): return "No change found, but the search was cut short\(why): not proven."
        }
    }

    public func diffKinds(decision: String, count: Int) -> String {
        switch language {
        case .nl: return "\(decision): \(count) \(count == 1 ? "soort zaak verandert" : "soorten zaken veranderen")"
        case .en: return "\(decision): \(count) kind\(count == 1 ? "" : "s") of case change"
        }
    }

    public var diffWhere: String { language == .nl ? "waar" : "where" }
    public var diffAnyCase: String { language == .nl ? "elke zaak" : "any case" }
    public var diffForExample: String { language == .nl ? "bijvoorbeeld" : "e.g." }
    public func diffCutShort(reason: String?) -> String {
        let why = reason.map { " (\($0))" } ?? ""
        return language == .nl ? "Het zoeken is op plaatsen afgebroken\(why): er kunnen meer soorten zaken zijn."
            : "The search was cut short in places\(why): there may be more kinds of case."
    }

    /// The words of a region's condition that are not the rule language's own.
    public var diffOrUnknown: String { language == .nl ? "(of onbekend)" : "(or unknown)" }
    public var diffIsUnknown: String { language == .nl ? "is onbekend" : "is unknown" }
    public var diffIsKnown: String { language == .nl ? "is bekend" : "is known" }
    public var diffIsAnyValue: String { language == .nl ? "heeft elke waarde" : "is any value" }

    /// The closing line of a rule diff whose search was exhaustive: no region is left out.
    public func diffExhaustive(partialCases: Int) -> String {
        language == .nl
            ? "Het zoeken was uitputtend (\(partialCases) deelzaken): geen andere zaak krijgt een ander besluit."
            : "The search was exhaustive (\(partialCases) partial cases): no other case changes decision."
    }

    /// The verdict line of a diff over cases.
    public func casesCompared(total: Int, changed: Int) -> String {
        switch language {
        case .nl: return "\(total) zaken vergeleken: \(changed) krijgen een ander besluit of andere redenen"
        case .en: return "\(total) cases compared: \(changed) get another decision or other reasons"
        }
    }

    public var oldLabel: String { language == .nl ? "oud" : "old" }
    public var newLabel: String { language == .nl ? "nieuw" : "new" }
}
