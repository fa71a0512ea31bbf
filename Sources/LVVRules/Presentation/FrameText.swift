import RuleDSL

/// The tool's own words around the policy texts ("Besluit", "Redenen", "wordt gecontroleerd
/// door"), in every language the rule files may be written in. This is the one catalogue of
/// them: the rule files hold every domain text, this file every frame word, and no renderer
/// writes a word of prose of its own. Nothing here depends on the machine's locale: dates,
/// numbers and plurals are written out by this code.
public struct FrameText: Sendable {
    /// The language every word is given in: the reader's choice, else the rule set's own.
    public let language: TextLanguage

    /// The words of one language; nothing else is needed, as no word depends on the machine's locale.
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

    /// The word in this language, as the text verdict, its trace and the other commands' headings show it.
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
        case .noAdviceYet:
            (nl, en) = (
                "Er is nog geen advies: de gegevens hieronder kunnen het nog veranderen.",
                "There is no advice yet: the facts below could still change it."
            )
        case .ruleSet: (nl, en) = ("Regelset", "Rule set")
        case .files: (nl, en) = ("bestanden", "files")
        case .byException:
            (nl, en) = (
                "Dit is een toelating bij individuele uitzondering: de redenen hieronder zouden anders tot uitsluiting leiden.",
                "This is an admission by individual exception: the reasons below would otherwise exclude."
            )
        case .refer:
            (nl, en) = (
                "Eerst moet de politie de identiteit vaststellen; daarna wordt opnieuw getoetst.",
                "The police must first establish the person's identity; the case is then assessed again."
            )
        case .yes: (nl, en) = ("ja", "yes")
        case .no: (nl, en) = ("nee", "no")
        case .unknown: (nl, en) = ("onbekend", "unknown")
        case .none: (nl, en) = ("geen", "none")
        case .intake: (nl, en) = ("aanmelding", "intake")
        case .review: (nl, en) = ("heroverweging", "review")
        case .traceHeading:
            (nl, en) = (
                "Spoor (elke overwogen regel; + geldt, - geldt niet, ? onbekend, ~ niet van kracht)",
                "Trace (every rule considered; + held, - did not hold, ? unknown, ~ not in force)"
            )
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
            names = [
                "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                "oktober", "november", "december",
            ]
        case .en:
            names = [
                "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December",
            ]
        }
        return "\(day) \(names[month - 1]) \(year)"
    }

    /// `N passed, N failed` in the reader's language.
    public func tally(passed: Int, failed: Int) -> String {
        "\(passed) \(self[.passed]), \(failed) \(self[.failed])"
    }

    // MARK: - comply

    /// The heading of `rule-check comply`'s text output: which pilot is checked against the convenant.
    public func complianceHeading(pilot: String) -> String {
        switch language {
        case .nl: return "Naleving van het landelijke convenant door `\(pilot)`, voor alle mogelijke zaken"
        case .en: return "Compliance of `\(pilot)` with the national convenant, over all possible cases"
        }
    }

    /// The label before the rule files checked in `comply`'s text, and before an invariant's rules.
    public var rulesLabel: String { language == .nl ? "regels" : "rules" }
    /// The heading above the list of invariants in `comply`'s text output.
    public var invariantsHeading: String { language == .nl ? "Invarianten" : "Invariants" }

    /// The status line of a proven invariant in `comply`'s text, with the partial cases the proof searched.
    public func proven(nodes: Int) -> String {
        switch language {
        case .nl: return "bewezen voor elke zaak (\(nodes) deelzaken doorzocht)"
        case .en: return "proven for every case (\(nodes) partial cases searched)"
        }
    }

    /// Said of an unproven invariant in `comply`'s text: the pilot is not called compliant on it.
    public var notClaimed: String { language == .nl ? "niet als nageleefd aangemerkt" : "not claimed compliant" }
    /// The label of the decision a counterexample gets, in `comply`'s text and the rulebook page.
    public var decisionOnCounterexample: String {
        language == .nl ? "besluit over het tegenvoorbeeld" : "decision on the counterexample"
    }

    /// The label above a violated invariant's counterexample in `comply`'s text, with the command to rerun it.
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
    public func narrowing(
        question: String, base: String, baseDecision: String, pilot: String, decision: String,
        by who: String?
    ) -> String {
        let rule =
            who
            ?? (language == .nl
                ? "geen enkele regel van de pilot alleen (een gewijzigde stap, uitzondering of `let`)"
                : "no single rule of the pilot (a changed stage, exception or `let`)")
        return language == .nl
            ? "\(question): \(base) \(baseDecision), \(pilot) \(decision); door \(rule)"
            : "\(question): \(base) \(baseDecision), \(pilot) \(decision); by \(rule)"
    }

    /// A narrowing's search line in `comply`'s text: how many partial cases it took to find.
    public func narrowingFound(after nodes: Int) -> String {
        language == .nl ? "gevonden na \(nodes) deelzaken" : "found after \(nodes) partial cases"
    }

    /// The label above a narrowing's counterexample, with both `eval` commands and what each decides.
    public func narrowingCounterexample(pilot: String, decision: String, base: String, baseDecision: String) -> String {
        language == .nl
            ? "tegenvoorbeeld (`rule-check eval --pilot \(pilot)` geeft \(decision), `--pilot \(base)` geeft \(baseDecision)):"
            : "counterexample (`rule-check eval --pilot \(pilot)` gives \(decision), `--pilot \(base)` gives \(baseDecision)):"
    }

    /// The closing note of `comply`'s narrowings when the search hit its limit: there may be more.
    public var narrowingsIncomplete: String {
        language == .nl
            ? "het zoeken stopte bij zijn grens: er kunnen meer versmallingen zijn"
            : "the search stopped at its limit: there may be more narrowings"
    }

    /// The heading of the deviations a pilot marks in its rule file, in `comply`'s text and the rulebook.
    public var deviationsHeading: String {
        language == .nl
            ? "Afwijkingen van het convenant, zoals gemarkeerd in het regelbestand"
            : "Deviations from the convenant, as marked in the rule file"
    }

    /// The verdict line of `comply`: `NALEVING: 4 bewezen, 0 geschonden, 0 onbewezen (12.3 ms)`.
    public func complianceVerdict(compliant: Bool, proven: Int, violated: Int, unproven: Int, milliseconds: String)
        -> String
    {
        switch language {
        case .nl:
            return
                "\(compliant ? "NAGELEEFD" : "NIET NAGELEEFD"): \(proven) bewezen, \(violated) geschonden, \(unproven) onbewezen (\(milliseconds) ms)"
        case .en:
            return
                "\(compliant ? "COMPLIANT" : "NOT COMPLIANT"): \(proven) proven, \(violated) violated, \(unproven) unproven (\(milliseconds) ms)"
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
    /// A passed test's mark in `rule-check test --verbose`, as wide as `testFailed`.
    public var testPassed: String { "ok    " }

    // MARK: - report

    /// The words of `rule-check report`'s text summary.
    public enum ReportWord: Sendable, CaseIterable {
        case summaryOf, exceptionalAdmissions, ruleSet, decisions, reasonCodes, referrals, actions, pilots
        case missingFacts, scenarioAdvice, verdictsUnit, listingUnit, undeterminedUnit, reviewUnit
        case outflowHeading, pilot, durable, temporary, unclassified, durableShare, note, unreadableLines, line, more
        // The HTML page (`report --out`).
        case pageHeader, verdictsIn, verdicts, errorLines, unreadableLinesUnit, tables, outflowPerPilot, share, andMore,
            footer
        case barChart, none
    }

    /// The word in this language, as `rule-check report` prints it in text and on its HTML page.
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
        case .undeterminedUnit:
            (nl, en) = ("onbepaalde uitkomsten waarin het ontbreekt", "undetermined verdicts missing it")
        case .reviewUnit: (nl, en) = ("uitkomsten van heroverweging", "review verdicts")
        case .outflowHeading:
            (nl, en) = (
                "Uitstroom per pilot (uitkomsten van heroverweging met een uitstroom, ingedeeld volgens de regelbestanden van de pilot)",
                "Outflow per pilot (review verdicts with an outcome, classed by the pilot's rule files)"
            )
        case .pilot: (nl, en) = ("pilot", "pilot")
        case .durable: (nl, en) = ("bestendig", "durable")
        case .temporary: (nl, en) = ("tijdelijk", "temporary")
        case .unclassified: (nl, en) = ("niet ingedeeld", "unclassified")
        case .durableShare: (nl, en) = ("aandeel bestendig", "durable share")
        case .note: (nl, en) = ("let op", "note")
        case .unreadableLines: (nl, en) = ("Onleesbare regels", "Unreadable lines")
        case .line: (nl, en) = ("regel", "line")
        case .more: (nl, en) = ("meer", "more")
        case .pageHeader:
            (nl, en) = (
                "Landelijke Vreemdelingen Voorziening (LVV): overzicht van uitkomsten",
                "Landelijke Vreemdelingen Voorziening (LVV): summary of verdicts"
            )
        case .verdictsIn: (nl, en) = ("Uitkomsten in", "Verdicts in")
        case .verdicts: (nl, en) = ("Uitkomsten", "Verdicts")
        case .errorLines: (nl, en) = ("foutregels", "error lines")
        case .unreadableLinesUnit: (nl, en) = ("onleesbare regels", "unreadable lines")
        case .tables: (nl, en) = ("Tabellen", "Tables")
        case .outflowPerPilot: (nl, en) = ("Uitstroom per pilot", "Outflow per pilot")
        case .share: (nl, en) = ("aandeel", "share")
        case .andMore: (nl, en) = ("en nog", "and")
        case .footer:
            (nl, en) = (
                "Gemaakt door <code>rule-check report</code>. Alleen ontsnapte tekst, geen scripts.",
                "Made by <code>rule-check report</code>. Escaped text only, no scripts."
            )
        case .barChart: (nl, en) = ("staafdiagram", "bar chart")
        case .none: (nl, en) = ("Geen.", "None.")
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
            return
                "\(verdicts) \(verdicts == 1 ? "uitkomst" : "uitkomsten"), \(errorLines) \(errorLines == 1 ? "foutregel" : "foutregels")"
                + " (zaken die batch niet kon lezen), \(unreadable) onleesbare \(unreadable == 1 ? "regel" : "regels"); \(lines) regels in totaal"
        case .en:
            return
                "\(verdicts) verdict\(verdicts == 1 ? "" : "s"), \(errorLines) error line\(errorLines == 1 ? "" : "s")"
                + " (cases batch could not read), \(unreadable) unreadable line\(unreadable == 1 ? "" : "s"); \(lines) lines in all"
        }
    }

    /// The paragraph under the totals of the HTML report.
    public func reportLinesRead(_ lines: Int, verdicts: Int) -> String {
        switch language {
        case .nl:
            return
                "\(lines) niet-lege regels gelezen. Foutregels zijn de regels <code>{\"line\": N, \"error\": …}</code> die "
                + "<code>rule-check batch</code> schrijft voor zaken die het niet kon lezen; ze worden geteld, niet samengevat. "
                + "Percentages zijn van de \(verdicts) uitkomsten; een uitkomst kan meer redenen, verwijzingen en vervolgstappen noemen."
        case .en:
            return "\(lines) non-blank lines read. Error lines are the <code>{\"line\": N, \"error\": …}</code> lines "
                + "<code>rule-check batch</code> writes for cases it could not read; they are counted, not summarised. "
                + "Percentages are of the \(verdicts) verdicts; a verdict can list several reasons, referrals and actions."
        }
    }

    /// The paragraph of the HTML report's outflow section; `value` is the rule files' derived value, as code.
    public func reportOutflowIntro(value: String) -> String {
        switch language {
        case .nl:
            return "Uitkomsten van heroverweging met een uitstroom, ingedeeld als bestendig of tijdelijk door \(value) "
                + "in de regelbestanden van de pilot. Het aandeel bestendig is van alle uitstroom van de pilot."
        case .en:
            return "Review verdicts with an outcome, classed durable or temporary by \(value) "
                + "in the pilot's rule files. The durable share is of all outflow of the pilot."
        }
    }

    // MARK: - diff

    /// The heading of `rule-check diff`: which pilot, and the new rule files against the old.
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

    /// The heading of one decision's changes in a rule diff: how many kinds of case change.
    public func diffKinds(decision: String, count: Int) -> String {
        switch language {
        case .nl: return "\(decision): \(count) \(count == 1 ? "soort zaak verandert" : "soorten zaken veranderen")"
        case .en: return "\(decision): \(count) kind\(count == 1 ? "" : "s") of case change"
        }
    }

    /// The word before a region's condition in a rule diff (`1. where age < 18`).
    public var diffWhere: String { language == .nl ? "waar" : "where" }
    /// Shown for a region without conditions in a rule diff: the change holds for every case.
    public var diffAnyCase: String { language == .nl ? "elke zaak" : "any case" }
    /// The word before a region's example case in a rule diff.
    public var diffForExample: String { language == .nl ? "bijvoorbeeld" : "e.g." }
    /// The closing line of a rule diff whose search stopped early: more kinds of case may change.
    public func diffCutShort(reason: String?) -> String {
        let why = reason.map { " (\($0))" } ?? ""
        return language == .nl
            ? "Het zoeken is op plaatsen afgebroken\(why): er kunnen meer soorten zaken zijn."
            : "The search was cut short in places\(why): there may be more kinds of case."
    }

    /// The words of a region's condition that are not the rule language's own.
    public var diffOrUnknown: String { language == .nl ? "(of onbekend)" : "(or unknown)" }
    /// A region condition in a rule diff: the fact is unknown.
    public var diffIsUnknown: String { language == .nl ? "is onbekend" : "is unknown" }
    /// A region condition in a rule diff: the fact is known (any value).
    public var diffIsKnown: String { language == .nl ? "is bekend" : "is known" }
    /// A region condition in a rule diff: the fact may take any value.
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

    /// The label of a changed case's old verdict in `diff --cases`.
    public var oldLabel: String { language == .nl ? "oud" : "old" }
    /// The label of a changed case's new verdict in `diff --cases`.
    public var newLabel: String { language == .nl ? "nieuw" : "new" }

    // MARK: - eval --why-not

    /// The words of "what would have to change" (`eval --why-not`). `%d` and `%@` are filled in
    /// by `WhyNotText`, in order.
    public struct WhyNotWords: Sendable {
        public let heading, settleHeading, none, settleNone, and, then, instead, viaException, more, incomplete: String
        public let yes, no, absent, unknown, atMost, atLeast, below, onOrBefore, onOrAfter, from, through: String
        public let gives, option, whenKnown, otherwise: String
    }

    /// The words of `eval --why-not` in this language, for the text verdict and the intake page.
    public var whyNot: WhyNotWords {
        switch language {
        case .nl:
            return WhyNotWords(
                heading: "Wat zou er anders moeten zijn", settleHeading: "Welke ontbrekende gegevens de zaak beslissen",
                none: "geen verandering van ten hoogste %d gegevens die de persoon kan veranderen geeft `%@`",
                settleNone: "geen set van ten hoogste %d ontbrekende gegevens beslist de zaak",
                and: " en ", then: "zou het besluit `%@` zijn", instead: "in plaats van",
                viaException: "alleen via een individuele uitzondering",
                more: "er zijn meer mogelijkheden dan deze %d (gezocht tot en met %d wijzigingen)",
                incomplete: "de zoektocht is afgebroken na %d wijzigingen tegelijk: grotere sets zijn niet onderzocht",
                yes: "ja", no: "nee", absent: "geen", unknown: "onbekend", atMost: "ten hoogste", atLeast: "ten minste",
                below: "minder dan",
                onOrBefore: "op of voor", onOrAfter: "op of na", from: "van", through: "tot en met",
                gives: "geeft", option: "Mogelijkheid", whenKnown: "Zodra bekend is:",
                otherwise: "in alle andere gevallen `%@`")
        case .en:
            return WhyNotWords(
                heading: "What would have to change", settleHeading: "Which missing facts would decide the case",
                none: "no change of at most %d facts the person can change gives `%@`",
                settleNone: "no set of at most %d missing facts decides the case",
                and: " and ", then: "the decision would be `%@`", instead: "instead of",
                viaException: "only through an individual exception",
                more: "there are more possibilities than these %d (searched up to %d changes)",
                incomplete: "the search stopped after %d changes at once: larger sets were not searched",
                yes: "yes", no: "no", absent: "none", unknown: "unknown", atMost: "at most", atLeast: "at least",
                below: "less than",
                onOrBefore: "on or before", onOrAfter: "on or after", from: "from", through: "through",
                gives: "gives", option: "Option", whenKnown: "Once known:", otherwise: "in every other case `%@`")
        }
    }

    // MARK: - interview

    /// The words of `rule-check interview`: prompts, hints and the messages for a bad answer.
    /// `interrupted` has a `%d` for the number of answered questions.
    public struct InterviewWords: Sendable {
        public let question, stillOpen, yesNo, dateHint, numberHint, textHint, optionsHint, absentHint, passHint: String
        public let empty, requiredFact, badBool, badDate, badOption, badNumber, badFormat, badAnswer, again: String
        public let settled, nothingLeft, interrupted, written: String
    }

    /// The words of `rule-check interview` in this language.
    public var interview: InterviewWords {
        switch language {
        case .nl:
            return InterviewWords(
                question: "Vraag", stillOpen: "nog open", yesNo: "ja/nee", dateHint: "datum, bijvoorbeeld 15-06-2021",
                numberHint: "een getal", textHint: "tekst", optionsHint: "kies een nummer of naam",
                absentHint: "`geen` als het er niet is",
                passHint: "`onbekend` of `overslaan`", empty: "geen antwoord gegeven",
                requiredFact: "deze vraag is verplicht: zonder antwoord kan er niet worden besloten",
                badBool: "antwoord `ja` of `nee`",
                badDate: "geen geldige datum: schrijf bijvoorbeeld 15-06-2021 of 2021-06-15",
                badOption: "geen van de opties: kies een nummer", badNumber: "geen geldig getal",
                badFormat: "tekst van de vorm",
                badAnswer: "dit antwoord wordt niet begrepen", again: "probeer het opnieuw",
                settled: "Het besluit staat vast; de overige vragen kunnen het niet meer veranderen.",
                nothingLeft: "Er zijn geen vragen meer die het besluit kunnen veranderen.",
                interrupted: "interview afgebroken na %d beantwoorde vragen; er is niets geschreven",
                written: "casus geschreven naar")
        case .en:
            return InterviewWords(
                question: "Question", stillOpen: "still open", yesNo: "yes/no",
                dateHint: "a date, for example 15-06-2021",
                numberHint: "a number", textHint: "text", optionsHint: "choose a number or name",
                absentHint: "`none` if there is none",
                passHint: "`unknown` or `skip`", empty: "no answer given",
                requiredFact: "this question is required: without an answer nothing can be decided",
                badBool: "answer `yes` or `no`",
                badDate: "not a valid date: write for example 15-06-2021 or 2021-06-15",
                badOption: "not one of the options: choose a number", badNumber: "not a valid number",
                badFormat: "text of the form",
                badAnswer: "this answer is not understood", again: "please try again",
                settled: "The decision is certain; the remaining questions cannot change it.",
                nothingLeft: "No questions are left that could change the decision.",
                interrupted: "interview interrupted after %d answered questions; nothing was written",
                written: "case written to")
        }
    }

    // MARK: - serve: error messages and the intake page

    /// A service error's message for people, by its stable code; nil in English, where the
    /// specific message the error came with is shown.
    public func serviceError(_ code: String) -> String? {
        guard language == .nl else { return nil }
        switch code {
        case "malformed_request": return "het verzoek is geen geldig HTTP/1.1: regels moeten eindigen op CRLF"
        case "malformed_request_line": return "de verzoekregel moet de vorm `METHODE /pad HTTP/1.1` hebben"
        case "malformed_header": return "een kopregel is ongeldig (vorm `Naam: waarde`, zonder stuurtekens)"
        case "malformed_host": return "een HTTP/1.1-verzoek heeft precies één `Host`-kopregel nodig"
        case "malformed_content_length": return "`Content-Length` is ongeldig of staat naast `Transfer-Encoding`"
        case "malformed_query": return "de queryparameters bevatten een ongeldige %-code of geen UTF-8"
        case "too_many_fields": return "het verzoek heeft te veel kopregels"
        case "header_too_large": return "verzoekregel en kopregels samen mogen hoogstens 16 KiB zijn"
        case "version_not_supported": return "alleen HTTP/1.1 en HTTP/1.0 worden bediend"
        case "unauthorized": return "deze dienst vraagt `Authorization: Bearer <token>`"
        case "length_required": return "stuur de body met `Content-Length` (chunked bodies worden niet gelezen)"
        case "body_too_large": return "de body is te groot (hoogstens 1 MiB voor `decide`)"
        case "request_timeout": return "het verzoek kwam niet op tijd binnen"
        case "not_found": return "dit pad bestaat niet"
        case "unknown_pilot": return "deze pilot wordt door deze dienst niet bediend"
        case "method_not_allowed": return "deze methode is hier niet toegestaan"
        case "bad_parameter": return "een queryparameter heeft een ongeldige waarde"
        case "bad_case": return "de casus is ongeldig"
        case "ruleset_mismatch": return "de regelset is niet de vastgepinde: de dienst beslist met een andere versie"
        case "too_many_connections": return "de dienst heeft te veel open verbindingen"
        default: return nil
        }
    }

    /// The intake page's own words (`rule-check serve`, `GET /`).
    public enum PageWord: Sendable, CaseIterable {
        case title, intro, pilot, choose, question, next, unknown, yes, no, checkedBy, decision, reasons, overridden
        case referrals, actions, missing, answers, download, restart, ruleSet, source, caseError, noMore, referenceDate
        case other, advice, whyNot, settles, languageName
    }

    /// The word in this language, as the intake page (`rule-check serve`, `GET /`) shows it.
    public subscript(page word: PageWord) -> String {
        let (nl, en): (String, String)
        switch word {
        case .title: (nl, en) = ("Intake LVV", "LVV intake")
        case .intro:
            (nl, en) = (
                "Kies de pilot en beantwoord de vragen. Er worden alleen vragen gesteld die de beslissing nog kunnen veranderen. Niets wordt opgeslagen: de antwoorden staan alleen in het adres van deze pagina.",
                "Pick the pilot and answer the questions. Only questions that can still change the decision are asked. Nothing is stored: the answers live only in this page's address."
            )
        case .pilot: (nl, en) = ("Pilot", "Pilot")
        case .choose: (nl, en) = ("Kiezen", "Choose")
        case .question: (nl, en) = ("Vraag", "Question")
        case .next: (nl, en) = ("Volgende", "Next")
        case .unknown: (nl, en) = ("Weet ik niet", "Unknown")
        case .yes: (nl, en) = ("ja", "yes")
        case .no: (nl, en) = ("nee", "no")
        case .checkedBy: (nl, en) = ("te controleren door", "checked by")
        case .decision: (nl, en) = ("Beslissing", "Decision")
        case .reasons: (nl, en) = ("Redenen", "Reasons")
        case .overridden: (nl, en) = ("Opzij gezet door de uitzondering", "Overridden by the exception")
        case .referrals: (nl, en) = ("Verwijzen naar", "Refer to")
        case .actions: (nl, en) = ("Vervolgacties", "Next actions")
        case .missing:
            (nl, en) = (
                "Ontbrekende feiten die de beslissing kunnen veranderen", "Missing facts that could change the decision"
            )
        case .answers: (nl, en) = ("Antwoorden tot nu toe", "Answers so far")
        case .download: (nl, en) = ("Casus downloaden (JSON)", "Download the case (JSON)")
        case .restart: (nl, en) = ("Opnieuw beginnen", "Start again")
        case .ruleSet: (nl, en) = ("Regelset", "Rule set")
        case .source: (nl, en) = ("bron", "source")
        case .caseError: (nl, en) = ("De antwoorden vormen geen geldige casus", "The answers do not form a valid case")
        case .noMore:
            (nl, en) = (
                "Er zijn geen vragen meer die de beslissing kunnen veranderen, of ze zijn overgeslagen.",
                "No question is left that could change the decision, or they were skipped."
            )
        case .referenceDate:
            (nl, en) = (
                "Voor welke dag wordt besloten (peildatum)?", "For which day is the decision taken (reference date)?"
            )
        case .other:
            (nl, en) = (
                "Een ander feit invullen (ja/nee als true/false, datums als JJJJ-MM-DD)",
                "Give another fact (yes/no as true/false, dates as YYYY-MM-DD)"
            )
        case .advice: (nl, en) = ("Scenarioadvies", "Scenario advice")
        case .whyNot: (nl, en) = ("Wat zou er anders moeten zijn", "What would have to change")
        case .settles:
            (nl, en) = ("Welke ontbrekende gegevens de zaak beslissen", "Which missing facts would decide the case")
        // The name of the language itself, in that language: the link to switch to it.
        case .languageName: (nl, en) = ("Nederlands", "English")
        }
        switch language {
        case .nl: return nl
        case .en: return en
        }
    }

    // MARK: - doc: the rulebook and its decision diagrams

    /// The fixed words of `rule-check doc`'s page and diagrams. Plain text without markup, so
    /// a renderer may put them in HTML or SVG as they are.
    public enum BookWord: Sendable, CaseIterable {
        case rulebookOfLVV, rulebook, ruleSet, extends, ofTheFiles, files, thisPilot, thisRuleSet, base, lines, bytes,
            sources
        case rulesInForce, overridden, switchedOff, exception, exceptions, invariantsProven, violated, testsPass
        case contents, decisionDiagrams, theRules, invariantsAndCompliance, testCases, facts
        case nationalItself, added, addedStage, narrowing, deviation, national, compliant, notCompliant
        case proven, unproven, newRule, narrowsTargetGroup, replacesRule, newException, replacesException, because
        case change, id, title, what, narrowingsHeading, narrowingsNote, none, noSingleRule, by, inWord
        case diagramsIntro, decision, always, possibleOutcomes, orUndetermined, stage, decidesEvenUnknown,
            noRulesInStage
        case otherwise, withReason, noOutcome, unlessUnknown, afterDecision, afterDecisionNote
        case deviationFromConvenant, kind, actsIn, outcome, acts, afterWhatever, doesNotChangeOutcome, reasonCode
        case referrals, actions, valid, noCondition, before, now, alsoChanged, when, source, noneGiven, liftedBy,
            noExceptionLifts
        case tests, was, reasonCodeWas, reason, referralTo, and, action, with, nothing, placeNamedBy
        case noTestsInFile, ofThisFile, unknownThere, exceptionsIntro, lifts, ruleWord, everyRuleOfKind, rulesLifted
        case noneInRuleSet, noKind, neverLifts, rulesOfKind, rule, proof, notProven, violatedHeading,
            decisionOnCounterexample
        case rulesInvolved, noInvariants, noTests, line, expects, rulesThatFire, result, passed, failed,
            documentsViolation
        case factsIntro, fact, type, meaning, required, optional, atLeast, atMost
        // Changed fields of an overridden rule.
        case fieldTitle, fieldSource, fieldKind, fieldReason, fieldReferrals, fieldActions, fieldValidity,
            deviationRemoved, deviationAdded
        // The diagrams.
        case appliesWhen, everyCase, noRuleAboveHolds, gives, otherwiseLower, ifUnknown, thenWhatever, afterDecisionAdds
        case exceptionLower, kindLower, liftsLower, addsReason, doesNotLiftKind, diagramOf
        case legendNational, legendAdded, legendOverridden, legendSwitchedOff, legendDeviation
        case pillReason, pillRefer, pillAction, pillOutcome, liftLegend, tagAdded, tagOverridden, liftable
        case referArrow, actionLower, switchedOffTag, becauseLower, valueOf, condition, validLower, decisionLower,
            noRules
    }

    /// The word in this language, as the rulebook (`rule-check doc`) and its diagrams show it.
    public subscript(book word: BookWord) -> String {
        let (nl, en): (String, String)
        switch word {
        case .rulebookOfLVV:
            (nl, en) = (
                "Regelboek van de Landelijke Vreemdelingen Voorziening (LVV)",
                "Rulebook of the Landelijke Vreemdelingen Voorziening (LVV)"
            )
        case .rulebook: (nl, en) = ("Regelboek", "Rulebook")
        case .ruleSet: (nl, en) = ("regelset", "rule set")
        case .extends: (nl, en) = ("bouwt voort op", "extends")
        case .ofTheFiles:
            (nl, en) = (
                "van de bestanden hieronder, in deze volgorde; <code>rule-check eval --ruleset-hash</code> controleert hem",
                "of the files below, in this order; <code>rule-check eval --ruleset-hash</code> checks it"
            )
        case .files: (nl, en) = ("bestanden", "files")
        case .thisPilot: (nl, en) = ("deze pilot", "this pilot")
        case .thisRuleSet: (nl, en) = ("deze regelset", "this rule set")
        case .base: (nl, en) = ("basis", "base")
        case .lines: (nl, en) = ("regels", "lines")
        case .bytes: (nl, en) = ("bytes", "bytes")
        case .sources: (nl, en) = ("bronnen", "sources")
        case .rulesInForce: (nl, en) = ("regels van kracht", "rules in force")
        case .overridden: (nl, en) = ("vervangen", "overridden")
        case .switchedOff: (nl, en) = ("uitgeschakeld", "switched off")
        case .exception: (nl, en) = ("uitzondering", "exception")
        case .exceptions: (nl, en) = ("uitzonderingen", "exceptions")
        case .invariantsProven: (nl, en) = ("invarianten bewezen", "invariants proven")
        case .violated: (nl, en) = ("geschonden", "violated")
        case .testsPass: (nl, en) = ("tests geslaagd", "tests pass")
        case .contents: (nl, en) = ("Inhoud", "Contents")
        case .decisionDiagrams: (nl, en) = ("Beslisschema's", "Decision diagrams")
        case .theRules: (nl, en) = ("De regels", "The rules")
        case .invariantsAndCompliance: (nl, en) = ("Invarianten en naleving", "Invariants and compliance")
        case .testCases: (nl, en) = ("Testgevallen", "Test cases")
        case .facts: (nl, en) = ("Gegevens", "Facts")
        case .nationalItself:
            (nl, en) = (
                "Dit is de landelijke regelset zelf: ze bouwt nergens op voort. Pilotbestanden bouwen erop voort met <code>extends national</code>, en kunnen regels toevoegen, ze vervangen met <code>override</code> of uitschakelen met <code>disable … because</code>.",
                "This is the national rule set itself: it extends nothing. Pilot files build on it with <code>extends national</code>, and may add rules, <code>override</code> them or switch them off with <code>disable … because</code>."
            )
        case .added: (nl, en) = ("toegevoegd", "added")
        case .addedStage: (nl, en) = ("nieuwe stap", "added stage")
        case .narrowing: (nl, en) = ("versmalling", "narrowing")
        case .deviation: (nl, en) = ("afwijking", "deviation")
        case .national: (nl, en) = ("landelijk", "national")
        case .compliant: (nl, en) = ("nageleefd", "compliant")
        case .notCompliant: (nl, en) = ("niet nageleefd", "not compliant")
        case .proven: (nl, en) = ("bewezen", "proven")
        case .unproven: (nl, en) = ("onbewezen", "unproven")
        case .newRule: (nl, en) = ("nieuwe regel", "new rule")
        case .narrowsTargetGroup:
            (nl, en) = ("; versmalt de landelijke doelgroep", "; narrows the national target group")
        case .replacesRule:
            (nl, en) = (
                "vervangt de landelijke regel; de oude en de nieuwe voorwaarde staan bij de regel",
                "replaces the national rule; the old and new conditions are shown with the rule"
            )
        case .newException: (nl, en) = ("nieuwe uitzondering", "new exception")
        case .replacesException: (nl, en) = ("vervangt de landelijke uitzondering", "replaces the national exception")
        case .because: (nl, en) = ("omdat", "because")
        case .change: (nl, en) = ("wijziging", "change")
        case .id: (nl, en) = ("id", "id")
        case .title: (nl, en) = ("titel", "title")
        case .what: (nl, en) = ("wat", "what")
        case .narrowingsHeading:
            (nl, en) = (
                "Versmallingen: waar de pilot strenger beslist dan de landelijke regels",
                "Narrowings: where the pilot decides more strictly than the national rules"
            )
        case .narrowingsNote:
            (nl, en) = (
                "Gevonden door bewijs over elke mogelijke zaak; een pilot stelt ze vast in afstemming met de programmaraad (000 art. 3.1). Bij elke versmalling geeft <code>rule-check comply</code> een tegenvoorbeeld.",
                "Found by proof over every possible case; set in consultation with the programme council ('in afstemming met de programmaraad', 000 art. 3.1). Each has a counterexample in the compliance output."
            )
        case .none: (nl, en) = ("Geen.", "None.")
        case .noSingleRule: (nl, en) = ("geen enkele regel van de pilot alleen", "no single rule of the pilot")
        case .by: (nl, en) = ("door", "by")
        case .inWord: (nl, en) = ("in", "in")
        case .diagramsIntro:
            (nl, en) = (
                "Elke vraag wordt stap voor stap beantwoord, van boven naar beneden: de eerste stap waarin een regel zeker geldt, geeft zijn uitkomst, met de redenen van elke regel die daar geldt. Regels die de pilot toevoegde zijn groen, regels die hij verving oranje. Een uitzondering (links) heft de regels op waar haar pijlen naar wijzen. Rechts: wat elke regel oplevert.",
                "Each question is answered stage by stage, top to bottom: the first stage in which a rule holds for certain gives its outcome, with the reasons of every rule that holds there. Rules the pilot added are green, rules it overrode orange. An exception (left) lifts the rules its arrows point at. On the right: what each rule produces."
            )
        case .decision: (nl, en) = ("Besluit", "Decision")
        case .always: (nl, en) = ("altijd", "always")
        case .possibleOutcomes: (nl, en) = ("Mogelijke uitkomsten", "Possible outcomes")
        case .orUndetermined:
            (nl, en) = (
                "of <code>undetermined</code> als onbekende gegevens het nog kunnen veranderen",
                "or <code>undetermined</code> when unknown facts could change it"
            )
        case .stage: (nl, en) = ("Stap", "Stage")
        case .decidesEvenUnknown:
            (nl, en) = (
                "(beslist ook als gegevens van eerdere stappen onbekend zijn)",
                "(decides even while facts of earlier stages are unknown)"
            )
        case .noRulesInStage: (nl, en) = ("Geen regels in deze stap.", "No rules in this stage.")
        case .otherwise: (nl, en) = ("Anders", "Otherwise")
        case .withReason: (nl, en) = ("met reden", "with reason")
        case .noOutcome: (nl, en) = ("geen uitkomst", "no outcome")
        case .unlessUnknown:
            (nl, en) = (
                "tenzij onbekende gegevens de uitkomst nog kunnen veranderen (dan <code>undetermined</code>)",
                "unless unknown facts could still change the outcome (then <code>undetermined</code>)"
            )
        case .afterDecision: (nl, en) = ("Na het besluit", "After the decision")
        case .afterDecisionNote:
            (nl, en) = (
                "(voegt redenen en vervolgstappen toe; verandert de uitkomst nooit)",
                "(adds reasons and actions; never changes the outcome)"
            )
        case .deviationFromConvenant: (nl, en) = ("Afwijking van het convenant.", "Deviation from the convenant.")
        case .kind: (nl, en) = ("soort", "kind")
        case .actsIn: (nl, en) = ("werkt in", "acts in")
        case .outcome: (nl, en) = ("uitkomst", "outcome")
        case .acts: (nl, en) = ("werkt", "acts")
        case .afterWhatever: (nl, en) = ("wat de uitkomst ook is", "whatever its outcome")
        case .doesNotChangeOutcome: (nl, en) = ("verandert de uitkomst niet", "does not change the outcome")
        case .reasonCode: (nl, en) = ("redencode", "reason code")
        case .referrals: (nl, en) = ("verwijzingen", "referrals")
        case .actions: (nl, en) = ("vervolgstappen", "actions")
        case .valid: (nl, en) = ("geldig", "valid")
        case .noCondition: (nl, en) = ("(geen voorwaarde)", "(no condition)")
        case .before: (nl, en) = ("eerst", "before")
        case .now: (nl, en) = ("nu", "now")
        case .alsoChanged: (nl, en) = ("ook gewijzigd", "also changed")
        case .when: (nl, en) = ("wanneer", "when")
        case .source: (nl, en) = ("bron", "source")
        case .noneGiven: (nl, en) = ("niet opgegeven", "none given")
        case .liftedBy: (nl, en) = ("opgeheven door", "lifted by")
        case .noExceptionLifts: (nl, en) = ("geen uitzondering heft haar op", "no exception lifts it")
        case .tests: (nl, en) = ("tests", "tests")
        case .was: (nl, en) = ("was", "was")
        case .reasonCodeWas: (nl, en) = ("redencode was", "reason code was")
        case .reason: (nl, en) = ("reden", "reason")
        case .referralTo: (nl, en) = ("een verwijzing naar", "a referral to")
        case .and: (nl, en) = ("en", "and")
        case .action: (nl, en) = ("vervolgstap", "action")
        case .with: (nl, en) = ("met", "with")
        case .nothing: (nl, en) = ("niets", "nothing")
        case .placeNamedBy: (nl, en) = ("de plaats die dit gegeven noemt:", "the place named by")
        case .noTestsInFile: (nl, en) = ("dit bestand heeft geen tests", "this file has no tests")
        case .ofThisFile: (nl, en) = (" van dit bestand", " of this file")
        case .unknownThere: (nl, en) = ("(daar onbekend)", "(unknown there)")
        case .exceptionsIntro:
            (nl, en) = (
                "Een uitzondering die geldt heft regels op: een opgeheven regel die geldt beslist niet meer, en een toelating bij uitzondering noemt de opgeheven redenen. Regels van andere soorten worden niet geraakt en beslissen nog steeds.",
                "An exception that holds lifts rules: a lifted rule that holds no longer decides, and an admission by exception lists the lifted reasons. Rules of other kinds are not touched and still decide."
            )
        case .lifts: (nl, en) = ("heft op", "lifts")
        case .ruleWord: (nl, en) = ("regel", "rule")
        case .everyRuleOfKind: (nl, en) = ("elke regel van soort", "every rule of kind")
        case .rulesLifted: (nl, en) = ("opgeheven regels", "rules lifted")
        case .noneInRuleSet: (nl, en) = ("geen in deze regelset", "none in this rule set")
        case .noKind: (nl, en) = ("(geen soort)", "(no kind)")
        case .neverLifts: (nl, en) = ("heft nooit op", "never lifts")
        case .rulesOfKind: (nl, en) = ("regels van soort", "rules of kind")
        case .rule: (nl, en) = ("regel", "rule")
        case .proof: (nl, en) = ("bewijs", "proof")
        case .notProven: (nl, en) = ("niet bewezen", "not proven")
        case .violatedHeading: (nl, en) = ("Geschonden", "Violated")
        case .decisionOnCounterexample: (nl, en) = ("Besluit over het tegenvoorbeeld", "Decision on the counterexample")
        case .rulesInvolved: (nl, en) = ("Betrokken regels:", "Rules involved:")
        case .noInvariants: (nl, en) = ("Er zijn geen invarianten vastgelegd.", "No invariants are declared.")
        case .noTests: (nl, en) = ("Dit bestand heeft geen tests.", "This file has no tests.")
        case .line: (nl, en) = ("regel", "line")
        case .expects: (nl, en) = ("verwacht", "expects")
        case .rulesThatFire: (nl, en) = ("regels die gelden", "rules that fire")
        case .result: (nl, en) = ("resultaat", "result")
        case .passed: (nl, en) = ("geslaagd", "passed")
        case .failed: (nl, en) = ("mislukt", "failed")
        case .documentsViolation: (nl, en) = ("legt een schending vast van", "documents a violation of")
        case .factsIntro:
            (nl, en) = (
                "Wat een zaak kan vertellen (de sleutels van de zaak in JSON). Met onbekende gegevens wordt driewaardig gerekend: een besluit dat ervan afhangt is <code>undetermined</code>.",
                "What a case may tell (the keys of the case JSON). Unknown facts are treated with three-valued logic: a decision that depends on them is <code>undetermined</code>."
            )
        case .fact: (nl, en) = ("gegeven", "fact")
        case .type: (nl, en) = ("type", "type")
        case .meaning: (nl, en) = ("betekenis", "meaning")
        case .required: (nl, en) = ("verplicht", "required")
        case .optional: (nl, en) = ("optioneel (ontbreekt = geen)", "optional (absent = none)")
        case .atLeast: (nl, en) = ("ten minste", "at least")
        case .atMost: (nl, en) = ("ten hoogste", "at most")
        case .fieldTitle: (nl, en) = ("titel", "title")
        case .fieldSource: (nl, en) = ("bron", "source")
        case .fieldKind: (nl, en) = ("soort", "kind")
        case .fieldReason: (nl, en) = ("reden", "reason")
        case .fieldReferrals: (nl, en) = ("verwijzingen", "referrals")
        case .fieldActions: (nl, en) = ("vervolgstappen", "actions")
        case .fieldValidity: (nl, en) = ("geldigheid", "validity")
        case .deviationRemoved: (nl, en) = ("afwijking weggehaald", "deviation removed")
        case .deviationAdded: (nl, en) = ("afwijking toegevoegd", "deviation added")
        case .appliesWhen: (nl, en) = ("van toepassing als: ", "applies when: ")
        case .everyCase: (nl, en) = ("elke zaak", "every case")
        case .noRuleAboveHolds: (nl, en) = ("geen regel hierboven geldt zeker", "no rule above holds for certain")
        case .gives: (nl, en) = ("geeft", "gives")
        case .otherwiseLower: (nl, en) = ("anders", "otherwise")
        case .ifUnknown:
            (nl, en) = (
                "als onbekende gegevens de uitkomst nog kunnen veranderen: undetermined, met die gegevens als ontbrekend",
                "if unknown facts could still change the outcome: undetermined, with those facts as missing"
            )
        case .thenWhatever: (nl, en) = ("daarna, wat de uitkomst ook is", "then, whatever the outcome")
        case .afterDecisionAdds:
            (nl, en) = (
                "na het besluit: voegt redenen en vervolgstappen toe", "after the decision: adds reasons and actions"
            )
        case .exceptionLower: (nl, en) = ("uitzondering", "exception")
        case .kindLower: (nl, en) = ("soort", "kind")
        case .liftsLower: (nl, en) = ("heft op:", "lifts")
        case .addsReason: (nl, en) = ("voegt reden toe:", "adds reason")
        case .doesNotLiftKind: (nl, en) = ("heft niet op: soort", "does not lift kind")
        case .diagramOf: (nl, en) = ("Beslisschema van", "Decision diagram of")
        case .legendNational: (nl, en) = ("landelijke regel", "national rule")
        case .legendAdded: (nl, en) = ("toegevoegd door de pilot", "added by the pilot")
        case .legendOverridden: (nl, en) = ("vervangen door de pilot", "overridden by the pilot")
        case .legendSwitchedOff: (nl, en) = ("uitgeschakeld door de pilot", "switched off by the pilot")
        case .legendDeviation: (nl, en) = ("afwijking van het convenant", "deviation from the convenant")
        case .pillReason: (nl, en) = ("reden", "reason")
        case .pillRefer: (nl, en) = ("verwijzing", "refer")
        case .pillAction: (nl, en) = ("vervolgstap", "action")
        case .pillOutcome: (nl, en) = ("uitkomst", "outcome")
        case .liftLegend: (nl, en) = ("uitzondering heft de regel op", "exception lifts the rule")
        case .tagAdded: (nl, en) = ("toegevoegd", "added")
        case .tagOverridden: (nl, en) = ("vervangen", "overridden")
        case .liftable: (nl, en) = ("op te heffen", "liftable")
        case .referArrow: (nl, en) = ("verwijs →", "refer →")
        case .actionLower: (nl, en) = ("vervolgstap", "action")
        case .switchedOffTag: (nl, en) = ("(uitgeschakeld)", "(switched off)")
        case .becauseLower: (nl, en) = ("omdat", "because")
        case .valueOf: (nl, en) = ("waarde van", "value of")
        case .condition: (nl, en) = ("(voorwaarde)", "(condition)")
        case .validLower: (nl, en) = ("geldig", "valid")
        case .decisionLower: (nl, en) = ("besluit", "decision")
        case .noRules: (nl, en) = ("(geen regels)", "(no rules)")
        }
        switch language {
        case .nl: return nl
        case .en: return en
        }
    }

    /// The note under a stage's name in a decision diagram.
    public func diagramStageNote(_ outcome: String, evenUnknown: Bool) -> String {
        switch language {
        case .nl:
            return "een regel die geldt geeft \(outcome)"
                + (evenUnknown ? ", ook als gegevens van eerdere stappen onbekend zijn" : "")
        case .en:
            return "a rule that holds gives \(outcome)"
                + (evenUnknown ? ", even while facts of earlier stages are unknown" : "")
        }
    }

    /// "N test" / "N tests" (Dutch and English agree here).
    public func tests(_ count: Int) -> String { "\(count) test\(count == 1 ? "" : "s")" }

    /// `N uitzondering(en)` / `N exception(s)`.
    public func exceptions(_ count: Int) -> String {
        count == 1 ? self[book: .exception] : self[book: .exceptions]
    }

    /// A validity period in words, both ends inclusive.
    public func validity(from: CivilDate?, until: CivilDate?) -> String {
        switch (from, until, language) {
        case (nil, nil, _): return self[book: .always]
        case (let from?, nil, .nl): return "vanaf \(from)"
        case (nil, let until?, .nl): return "tot en met \(until)"
        case (let from?, let until?, .nl): return "van \(from) tot en met \(until)"
        case (let from?, nil, .en): return "from \(from)"
        case (nil, let until?, .en): return "until \(until) (inclusive)"
        case (let from?, let until?, .en): return "from \(from) until \(until) (inclusive)"
        }
    }

    /// Sentences of the rulebook with parts put in by the renderer. The parts are HTML already
    /// (escaped, with `<code>`); the words around them are plain text.
    public func book(_ sentence: BookSentence) -> String {
        switch (sentence, language) {
        case (.whatChanges(let pilot), .nl): return "Wat \(pilot) verandert"
        case (.whatChanges(let pilot), .en): return "What \(pilot) changes"
        case (.whatChangesAgainstNational(let pilot), .nl):
            return "Wat \(pilot) verandert ten opzichte van het landelijke bestand"
        case (.whatChangesAgainstNational(let pilot), .en): return "What \(pilot) changes against the national file"
        case (.addedBy(let pilot), .nl): return "toegevoegd door \(pilot)"
        case (.addedBy(let pilot), .en): return "added by \(pilot)"
        case (.overriddenBy(let pilot), .nl): return "vervangen door \(pilot)"
        case (.overriddenBy(let pilot), .en): return "overridden by \(pilot)"
        case (.switchedOffBy(let pilot), .nl): return "uitgeschakeld door \(pilot)"
        case (.switchedOffBy(let pilot), .en): return "switched off by \(pilot)"
        case (.nothingChanges(let pilot), .nl): return "Niets: \(pilot) gebruikt de landelijke regels zoals ze zijn."
        case (.nothingChanges(let pilot), .en): return "Nothing: \(pilot) uses the national rules as they are."
        case (.newStage(let decision, let outcome), .nl): return "een nieuwe stap in \(decision) die \(outcome) geeft"
        case (.newStage(let decision, let outcome), .en): return "a new step in \(decision) that gives \(outcome)"
        case (.comesBefore(let stage), .nl): return "komt vóór \(stage)"
        case (.comesBefore(let stage), .en): return "comes before \(stage)"
        case (.comesLast, .nl): return "komt als laatste, vóór <code>otherwise</code>"
        case (.comesLast, .en): return "comes last, before <code>otherwise</code>"
        case (.rulesIntro(let file, let pilot), .nl):
            return
                "Gegroepeerd naar de vraag die ze beantwoorden en de stap waarin ze werken, in de volgorde waarin de machine ze toepast. "
                + "De testdekking is die van de testgevallen van \(file)"
                + (pilot ? " (de tests van het landelijke bestand staan in het landelijke regelboek)" : "") + "."
        case (.rulesIntro(let file, let pilot), .en):
            return
                "Grouped by the question they answer and the stage in which they act, in the order the engine applies them. "
                + "Test coverage is by the test cases of \(file)"
                + (pilot ? " (the national file's own tests are in the national rulebook)" : "") + "."
        case (.askedWhen(let condition), .nl): return "Gevraagd als \(condition)."
        case (.askedWhen(let condition), .en): return "Asked when \(condition)."
        case (.actsInStage(let decision, let number, let stage), .nl):
            return "besluit \(decision), stap \(number) \(stage)"
        case (.actsInStage(let decision, let number, let stage), .en):
            return "decision \(decision), stage \(number) \(stage)"
        case (.afterTheDecision(let decision), .nl): return "na het besluit \(decision), wat de uitkomst ook is"
        case (.afterTheDecision(let decision), .en): return "after the decision \(decision), whatever its outcome"
        case (.notInPilot(let rule, let pilot), .nl): return "De landelijke regel \(rule) geldt niet in \(pilot)."
        case (.notInPilot(let rule, let pilot), .en): return "The national rule \(rule) does not apply in \(pilot)."
        case (.whenHolds(let decision, let outcome, let with, let earlier, let liftable), .nl):
            return "Als deze voorwaarde geldt, is het besluit \(decision) <strong>\(outcome)</strong>"
                + (with.isEmpty ? "" : ", met \(with)")
                + (earlier ? ", tenzij een regel van een eerdere stap al besliste" : "")
                + (liftable ? "; een uitzondering kan haar opheffen" : "") + "."
        case (.whenHolds(let decision, let outcome, let with, let earlier, let liftable), .en):
            return "When this condition holds, the \(decision) decision is <strong>\(outcome)</strong>"
                + (with.isEmpty ? "" : ", with \(with)")
                + (earlier ? ", unless a rule of an earlier stage already decided" : "")
                + (liftable ? "; an exception can lift it" : "") + "."
        case (.afterGets(let decision, let with), .nl):
            return
                "Na het besluit \(decision) krijgt de uitkomst, als deze voorwaarde geldt, \(with.isEmpty ? "niets" : with)."
        case (.afterGets(let decision, let with), .en):
            return
                "After the \(decision) decision, when this condition holds, the verdict gets \(with.isEmpty ? "nothing" : with)."
        case (.noTestFires(let own), .nl): return "geen test\(own ? "" : " van dit bestand") laat haar gelden"
        case (.noTestFires(let own), .en): return "no test\(own ? "" : " of this file") shows it firing"
        case (.noTestQuiet(let own), .nl): return "geen test\(own ? "" : " van dit bestand") laat haar niet gelden"
        case (.noTestQuiet(let own), .en): return "no test\(own ? "" : " of this file") shows it not firing"
        case (.firesIn(let count), .nl): return "geldt in \(tests(count)):"
        case (.firesIn(let count), .en): return "fires in \(tests(count)):"
        case (.quietIn(let count), .nl): return "geldt niet in \(tests(count))"
        case (.quietIn(let count), .en): return "does not fire in \(tests(count))"
        case (.notReached(let count), .nl):
            return "niet geëvalueerd in de andere \(tests(count)) (een andere vraag, of een eerdere stap besliste)"
        case (.notReached(let count), .en):
            return "not evaluated in the other \(tests(count)) (another question, or an earlier stage decided)"
        case (.invariantsIntro(let command), .nl):
            return
                "Wat de regels nooit mogen doen, gecontroleerd door \(command) over elke mogelijke zaak (geen steekproef). Uitkomst:"
        case (.invariantsIntro(let command), .en):
            return
                "What the rules must never do, checked by \(command) over every possible case (not a sample). Result:"
        case (.counterexample(let command), .nl):
            return "Tegenvoorbeeld (een zaak in het zaakformaat; bewaar het en voer \(command) erop uit):"
        case (.counterexample(let command), .en):
            return "Counterexample (a case in the case format; save it and run \(command) on it):"
        case (.documentedBy(let count, let titles), .nl):
            return "Vastgelegd als bekende schending door de test\(count == 1 ? "" : "s") \(titles)."
        case (.documentedBy(let count, let titles), .en):
            return "Documented as a known violation by the test\(count == 1 ? "" : "s") \(titles)."
        case (.testsIntro(let file, let passed, let failed), .nl):
            return
                "De testgevallen in \(file), zoals <code>rule-check test</code> ze uitvoert: \(passed) geslaagd, \(failed) mislukt."
        case (.testsIntro(let file, let passed, let failed), .en):
            return
                "The test cases written in \(file), as <code>rule-check test</code> runs them: \(passed) passed, \(failed) failed."
        case (.footer(let command, let files, let sha), .nl):
            return "Gemaakt door \(command) uit \(files) (sha256 \(sha)). Alleen ontsnapte tekst, geen scripts."
        case (.footer(let command, let files, let sha), .en):
            return "Made by \(command) from \(files) (sha256 \(sha)). Escaped text only, no scripts."
        }
    }

    /// A sentence of the rulebook, with its parts.
    public enum BookSentence: Sendable {
        case whatChanges(String)
        case whatChangesAgainstNational(String)
        case addedBy(String)
        case overriddenBy(String)
        case switchedOffBy(String)
        case nothingChanges(String)
        case newStage(String, String)
        case comesBefore(String)
        case comesLast
        case rulesIntro(String, pilot: Bool)
        case askedWhen(String)
        case actsInStage(String, Int, String)
        case afterTheDecision(String)
        case notInPilot(String, String)
        case whenHolds(String, String, with: String, earlier: Bool, liftable: Bool)
        case afterGets(String, with: String)
        case noTestFires(own: Bool)
        case noTestQuiet(own: Bool)
        case firesIn(Int)
        case quietIn(Int)
        case notReached(Int)
        case invariantsIntro(String)
        case counterexample(String)
        case documentedBy(Int, String)
        case testsIntro(String, Int, Int)
        case footer(String, String, String)
    }
}
