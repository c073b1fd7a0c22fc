import DICOM
import Foundation
import Network

/// What a print SCP accepts for one attribute of an N-CREATE or N-SET (PS3.4 §H.4, the SCP's
/// attribute usage), and the status for a value it does not (DCMTK's conventions, which modalities
/// expect): a value outside the defined terms 0106 (Invalid Attribute Value), an attribute the SCP
/// does not support 0105 (No Such Attribute), a missing required one 0120 (Missing Attribute).
public struct AttributeRule: Sendable {
    public enum Values: Sendable {
        /// One of these defined terms (PS3.3 C.13).
        case terms(Set<String>)
        /// An integer string or unsigned integer within the range.
        case integer(ClosedRange<Int>)
        /// Any text (LO, SH, ST …).
        case text
        /// Checked by a function (e.g. Image Display Format): nil accepts, else the reason.
        case custom(@Sendable (String) -> String?)
        /// A sequence (its items are checked elsewhere).
        case sequence
    }

    public var tag: Tag
    public var values: Values
    /// Must be present in N-CREATE (PS3.4 §H.4 attribute tables, SCP usage "M").
    public var requiredOnCreate: Bool

    public init(_ tag: Tag, _ values: Values, requiredOnCreate: Bool = false) {
        self.tag = tag; self.values = values; self.requiredOnCreate = requiredOnCreate
    }

    /// Nil when `value` is acceptable, else why not.
    func check(_ ds: DataSet) -> String? {
        guard let element = ds[tag] else { return nil }
        switch values {
        case .sequence, .text: return nil
        case .terms(let terms):
            let v = (ds.string(tag) ?? "").trimmingCharacters(in: .whitespaces)
            return terms.contains(v) ? nil : "'\(v)' is not one of \(terms.sorted().joined(separator: ", "))"
        case .integer(let range):
            let v: Int? = element.vr == .IS || element.vr == .DS || element.vr == .CS ? ds.string(tag).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } : ds.int(tag)
            guard let v, range.contains(v) else { return "'\(ds.string(tag) ?? "?")' is not a number in \(range.lowerBound)...\(range.upperBound)" }
            return nil
        case .custom(let f):
            return f(ds.string(tag) ?? "")
        }
    }
}

/// A failed attribute check, answered with its status and the offending element (PS3.7 §C.4.x).
public struct AttributeFailure: Error, Sendable, Equatable {
    public var status: DIMSEStatus
    public var tag: Tag
    public var reason: String

    public var response: DIMSEResponse {
        var r = DIMSEResponse(status: status, errorComment: reason)
        r.offendingElements = [tag]
        return r
    }
}

extension Array where Element == AttributeRule {
    /// Checks a request's attributes against these rules: unknown attributes (0105), invalid
    /// values (0106), and with `creating` missing required ones (0120).
    func validate(_ ds: DataSet, creating: Bool) -> AttributeFailure? {
        let known = Dictionary(map { ($0.tag, $0) }, uniquingKeysWith: { a, _ in a })
        for e in ds.elements where e.tag.group != 0x0002 && e.tag != .specificCharacterSet {
            guard let rule = known[e.tag] else {
                return AttributeFailure(status: .noSuchAttribute, tag: e.tag, reason: "\(Self.name(e.tag)) is not supported by this printer")
            }
            if let why = rule.check(ds) {
                return AttributeFailure(status: .invalidAttributeValue, tag: e.tag, reason: "\(Self.name(e.tag)): \(why)")
            }
        }
        if creating, let missing = first(where: { $0.requiredOnCreate && ds[$0.tag] == nil }) {
            return AttributeFailure(status: .missingAttribute, tag: missing.tag, reason: "\(Self.name(missing.tag)) is required")
        }
        return nil
    }

    static func name(_ tag: Tag) -> String {
        (DataDictionary.entry(for: tag).map { $0.keyword.isEmpty ? $0.name : $0.keyword } ?? "") + " \(tag)"
    }
}
