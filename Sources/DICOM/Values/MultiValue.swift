/// Multi-valued text and value padding (PS3.5 §6.2, §6.4, Table 6.2-1).

/// Splits decoded text on the value delimiter `\` (PS3.5 §6.4). Only for VRs whose values
/// may be multi-valued (`VR.allowsBackslashSeparatedValues`); LT, ST, UT and UR hold one
/// value in which `\` is an ordinary character.
///
/// Split **after** character-set decoding: in GBK/GB18030 and other multi-byte sets 0x5C can
/// be a trail byte. An empty string has no values (`[]`); `"a\\"` has two (`["a", ""]`).
public func splitDICOMValues(_ decoded: String) -> [String] {
    if decoded.isEmpty { return [] }
    return decoded.split(separator: "\\", omittingEmptySubsequences: false).map(String.init)
}

/// Removes the padding that PS3.5 Table 6.2-1 calls insignificant for `vr` from one value:
///
/// - AE, AS, CS, DA, DS, DT, IS, TM, SH, LO: leading and trailing spaces
///   (Table 6.2-1 allows SH and LO to be "padded with leading and/or trailing spaces").
/// - PN, UC, LT, ST, UT, UR: trailing spaces only; leading spaces are significant.
/// - UI: trailing NULs (the UI padding byte).
/// - Other (binary) VRs: returned unchanged.
// Lenient: trailing NULs are also removed for every text VR (some writers pad with NUL
// instead of space), and UI values also lose leading/trailing spaces (some writers pad UIDs
// with spaces; a UID can never contain one).
public func trimDICOMPadding<S: StringProtocol>(_ s: S, vr: VR) -> String {
    guard vr.isString else { return String(s) }
    var t = Substring(s)
    switch vr {
    case .UI:
        while let l = t.last, l == "\0" || l == " " { t.removeLast() }
        while let f = t.first, f == " " { t.removeFirst() }
    case .PN, .UC, .LT, .ST, .UT, .UR:
        while let l = t.last, l == " " || l == "\0" { t.removeLast() }
    default:
        while let l = t.last, l == " " || l == "\0" { t.removeLast() }
        while let f = t.first, f == " " { t.removeFirst() }
    }
    return String(t)
}

/// The values of one decoded element: split on `\` when `vr` allows several values, each
/// value with its insignificant padding removed. Empty text gives `[]`.
public func dicomValues(_ decoded: String, vr: VR) -> [String] {
    if vr.allowsBackslashSeparatedValues {
        return splitDICOMValues(decoded).map { trimDICOMPadding($0, vr: vr) }
    }
    let v = trimDICOMPadding(decoded, vr: vr)
    return decoded.isEmpty ? [] : [v]
}
