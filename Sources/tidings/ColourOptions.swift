import ArgumentParser
import Foundation
import TidingsCore

/// `--color auto|always|never`: colour only on a terminal and never under `NO_COLOR`, unless forced.
struct ColourOptions: ParsableArguments {
    enum Choice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Option(name: .long, help: "When to colour: auto (a terminal without NO_COLOR), always, never.")
    var color: Choice = .auto

    var painter: Painter {
        switch color {
        case .always: Painter(enabled: true)
        case .never: Painter(enabled: false)
        case .auto: Painter(enabled: Terminal.prefersColour)
        }
    }
}

/// ANSI colours for diff lines and search matches, or plain text when they are off.
struct Painter {
    let enabled: Bool

    func removed(_ text: String) -> String { paint(text, "31") }
    func added(_ text: String) -> String { paint(text, "32") }
    func hunk(_ text: String) -> String { paint(text, "36") }
    func header(_ text: String) -> String { paint(text, "1") }
    func dim(_ text: String) -> String { paint(text, "2") }

    /// Matched words: bold yellow, or `[in brackets]` without colour so they still show.
    func matches(_ marked: MarkedText, brackets: Bool = true) -> String {
        enabled ? marked.rendered(before: "\u{1B}[1;33m", after: "\u{1B}[0m")
            : brackets ? marked.rendered(before: "[", after: "]") : marked.text
    }

    private func paint(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
