import ArgumentParser
import Foundation
import TidingsCore

struct DedupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Run the near-duplicate detector and story grouping over a JSON Lines corpus, offline.",
        discussion: """
            Each input line is an article: {"id", "url", "source", "title", "published", "text" or "html"}. \
            Articles are judged in input order, as the daemon would judge them arriving, with the [dedup] \
            and [stories] settings of --config (or the defaults). Each output line is \
            {"id": ..., "duplicate_of": ID or null, "story": ID}, with "similarity" and "kind" (exact, near, \
            contained) for a duplicate; duplicate_of is always the earliest article of the cluster. "story" names \
            a story by the id of the article that started it (a duplicate is in its original's story), and \
            "story_score" says how well an article that joined a story by similarity fits it. A summary goes to \
            standard error, with a progress line while standard error is a terminal.
            """
    )

    @ParentCommand var root: Tidings

    @Option(name: .long, help: ArgumentHelp("Corpus to judge (JSON Lines); - reads standard input.", valueName: "file"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("Where the verdicts go (JSON Lines); - is standard output.", valueName: "file"))
    var output: String = "-"

    @Flag(name: .long, help: "Only detect duplicates: no story grouping, no \"story\" field.")
    var noStories = false

    func run() throws {
        let configuration = try root.configurationIfAny(for: "the [dedup] and [stories] settings")
        let settings = configuration?.dedup ?? DedupSettings()
        let stories = configuration?.stories ?? StorySettings()
        let inputDescriptor = input == "-" ? STDIN_FILENO : open(input, O_RDONLY | O_CLOEXEC)
        guard inputDescriptor >= 0 else { throw CLIFailure(message: "cannot read \(input): \(String(cString: strerror(errno)))") }
        defer { if input != "-" { close(inputDescriptor) } }
        let outputDescriptor = output == "-" ? STDOUT_FILENO : open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard outputDescriptor >= 0 else { throw CLIFailure(message: "cannot write \(output): \(String(cString: strerror(errno)))") }
        defer { if output != "-" { close(outputDescriptor) } }

        let corpus = CorpusDedup(parameters: DedupParameters(settings: settings),
                                 stories: noStories || !stories.enabled ? nil : StoryParameters(settings: stories))
        let started = Date()
        var progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        do {
            try corpus.run(input: inputDescriptor, inputName: input == "-" ? "<stdin>" : input, output: outputDescriptor) { summary in
                let rate = Double(summary.articles) / max(Date().timeIntervalSince(started), 0.001)
                progress.draw("\(summary.articles) articles, \(summary.duplicates) duplicates, \(Int(rate)) articles/s")
            }
        } catch let error as CorpusDedup.InputError {
            progress.clear()
            throw CLIFailure(message: "\(error.description) (verdicts before that line were written)")
        }
        let seconds = Date().timeIntervalSince(started)
        let summary = corpus.summary
        progress.clear()
        Output.error(String(format: "dedup: %d articles, %d duplicates (%d exact, %d near, %d contained) in %.2f s, %.0f articles/s",
                            summary.articles, summary.duplicates, summary.exact, summary.near, summary.contained,
                            seconds, Double(summary.articles) / max(seconds, 0.001)))
    }
}
