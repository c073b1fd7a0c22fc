/// A data set: data elements ordered by tag (PS3.5 §7).
///
/// A value type. Items of sequences are data sets too; an item inherits the Specific Character
/// Set of the data set that holds it unless it carries its own (PS3.5 §7.5.3).
public struct DataSet: Sendable, Equatable {
    /// Two data sets are equal when their elements are; the inherited character set is context,
    /// not content.
    public static func == (lhs: DataSet, rhs: DataSet) -> Bool { lhs.elements == rhs.elements }

    /// Elements in ascending tag order.
    public private(set) var elements: [DataElement]
    /// The character set in force for an item that has no (0008,0005) of its own: the enclosing
    /// data set's. `nil` at the top level.
    public var inheritedCharacterSet: SpecificCharacterSet?

    public init(elements: [DataElement] = [], inheritedCharacterSet: SpecificCharacterSet? = nil) {
        self.elements = elements.sorted { $0.tag < $1.tag }
        self.inheritedCharacterSet = inheritedCharacterSet
    }

    /// Builds from elements already in ascending tag order (the parser's fast path).
    init(sortedElements: [DataElement], inheritedCharacterSet: SpecificCharacterSet?) {
        self.elements = sortedElements
        self.inheritedCharacterSet = inheritedCharacterSet
    }

    public var isEmpty: Bool { elements.isEmpty }
    public var count: Int { elements.count }
    public var tags: [Tag] { elements.map(\.tag) }

    @inlinable func index(of tag: Tag) -> (found: Bool, index: Int) {
        var lo = 0, hi = elements.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let t = elements[mid].tag
            if t == tag { return (true, mid) }
            if t < tag { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    public subscript(tag: Tag) -> DataElement? {
        get {
            let r = index(of: tag)
            return r.found ? elements[r.index] : nil
        }
        set {
            let r = index(of: tag)
            switch (r.found, newValue) {
            case (true, .some(var e)): e.tag = tag; elements[r.index] = e
            case (true, .none): elements.remove(at: r.index)
            case (false, .some(var e)): e.tag = tag; elements.insert(e, at: r.index)
            case (false, .none): break
            }
        }
    }

    public func contains(_ tag: Tag) -> Bool { index(of: tag).found }

    /// Adds or replaces an element.
    public mutating func insert(_ element: DataElement) { self[element.tag] = element }

    @discardableResult public mutating func remove(_ tag: Tag) -> DataElement? {
        let old = self[tag]; self[tag] = nil; return old
    }

    /// Removes every element for which `predicate` is true.
    public mutating func removeAll(where predicate: (DataElement) -> Bool) {
        elements.removeAll(where: predicate)
    }

    /// Appends an element whose tag is larger than every tag present (no search).
    mutating func appendInOrder(_ element: DataElement) {
        if let last = elements.last, last.tag >= element.tag {
            insert(element)
        } else {
            elements.append(element)
        }
    }

    /// The character set that decodes this data set's text: its own (0008,0005), else the inherited one.
    public var specificCharacterSet: SpecificCharacterSet {
        if let e = self[.specificCharacterSetTag], let b = e.bytes {
            return SpecificCharacterSet(String(decoding: b, as: UTF8.self))
        }
        return inheritedCharacterSet ?? .default
    }

    /// The elements of a group, e.g. 0x0002 for the File Meta Information.
    public func group(_ group: UInt16) -> DataSet {
        DataSet(sortedElements: elements.filter { $0.tag.group == group }, inheritedCharacterSet: inheritedCharacterSet)
    }
}

extension Tag {
    /// (0008,0005) Specific Character Set, needed by the core before the generated constants.
    @usableFromInline static let specificCharacterSetTag = Tag(0x0008, 0x0005)
    @usableFromInline static let pixelDataTag = Tag(0x7FE0, 0x0010)
    @usableFromInline static let transferSyntaxUIDTag = Tag(0x0002, 0x0010)
}
