/// A meta SOP class (PS3.4 §H.3.1, PS3.7 §D.3.3.1): one abstract syntax negotiated for a group of
/// SOP classes used together, e.g. Basic Grayscale Print Management Meta SOP Class
/// (1.2.840.10008.5.1.1.9) for Basic Film Session, Basic Film Box, Basic Grayscale Image Box and
/// Printer. Requests on its presentation context name one member SOP class each.
public struct MetaSOPClass: Sendable, Equatable {
    public var uid: String
    public var memberSOPClassUIDs: [String]

    public init(uid: String, memberSOPClassUIDs: [String]) {
        self.uid = uid; self.memberSOPClassUIDs = memberSOPClassUIDs
    }
}
