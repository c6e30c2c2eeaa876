/// An element's attributes in document order, looked up by name. Feed elements have
/// a few at most: a list searched from the front beats a dictionary, which hashes
/// every name it stores and every name it is asked for.
struct XMLAttributes: Equatable {
    private var names: [String] = []
    private var values: [String] = []

    var isEmpty: Bool { names.isEmpty }

    subscript(name: String) -> String? {
        names.firstIndex(of: name).map { values[$0] }
    }

    /// Adds an attribute; false (and nothing added) when one of that name is there already.
    mutating func add(_ name: String, _ value: String) -> Bool {
        guard !names.contains(name) else { return false }
        names.append(name)
        values.append(value)
        return true
    }

    /// The names, in document order.
    var allNames: [String] { names }

    /// Name and value pairs sorted by name.
    func sortedByName() -> [(name: String, value: String)] {
        zip(names, values).map { (name: $0, value: $1) }.sorted { $0.name < $1.name }
    }
}
