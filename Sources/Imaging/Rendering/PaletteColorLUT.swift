import DICOM

/// Palette Color Lookup Table: PALETTE COLOR indices to RGB (PS3.3 §C.7.6.3.1.5 Palette Color
/// Lookup Table Descriptor and Data; §C.7.9 Palette Color Lookup Table Module, including the
/// Segmented Palette Color Lookup Table Data of §C.7.9.2).
public struct PaletteColorLUT: Sendable, Equatable {
    public var red: LookupTable
    public var green: LookupTable
    public var blue: LookupTable

    public init(red: LookupTable, green: LookupTable, blue: LookupTable) {
        self.red = red; self.green = green; self.blue = blue
    }

    /// Reads the three descriptors and either the plain or the segmented LUT data.
    public init(dataSet ds: DataSet, isSigned: Bool = false, path: String? = nil) throws {
        func channel(_ desc: Tag, _ data: Tag, _ segmented: Tag) throws -> LookupTable {
            if ds[data] != nil {
                return try LookupTable(descriptorTag: desc, dataTag: data, in: ds, signedInput: isSigned, path: path)
            }
            let d = ds.ints(desc)
            guard d.count >= 3 else { throw ImagingError.missingAttribute("\(desc) Palette Color LUT Descriptor", file: path) }
            guard let bytes = ds[segmented]?.bytes else {
                throw ImagingError.missingAttribute("\(data) Palette Color LUT Data", file: path)
            }
            var words = [UInt16](repeating: 0, count: bytes.count / 2)
            for i in 0 ..< words.count { words[i] = UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8 }
            var entries = try PaletteColorLUT.expandSegmented(words, path: path)
            let count = d[0] == 0 ? 65536 : d[0]
            if entries.count > count { entries.removeLast(entries.count - count) }
            var first = d[1]
            if isSigned, first > 32767 { first -= 65536 }
            return LookupTable(firstMapped: first, bitsPerEntry: d[2] == 8 ? 8 : 16, entries: entries)
        }
        red = try channel(.redPaletteColorLookupTableDescriptor, .redPaletteColorLookupTableData,
                          .segmentedRedPaletteColorLookupTableData)
        green = try channel(.greenPaletteColorLookupTableDescriptor, .greenPaletteColorLookupTableData,
                            .segmentedGreenPaletteColorLookupTableData)
        blue = try channel(.bluePaletteColorLookupTableDescriptor, .bluePaletteColorLookupTableData,
                           .segmentedBluePaletteColorLookupTableData)
    }

    /// Expands segmented LUT data (PS3.3 §C.7.9.2): discrete segments (opcode 0: n, then n values),
    /// linear segments (opcode 1: n, y₁ — n values stepping from the previous value to y₁) and
    /// indirect segments (opcode 2: n segments copied from a byte offset given as two words, low first).
    public static func expandSegmented(_ words: [UInt16], path: String? = nil) throws -> [UInt16] {
        var out: [UInt16] = []
        func run(_ start: Int, segments limit: Int?, depth: Int) throws {
            guard depth < 8 else { throw ImagingError.invalidAttribute("Segmented Palette Color LUT Data", value: "indirect segments nest too deep", file: path) }
            var i = start, done = 0
            while i < words.count, limit.map({ done < $0 }) ?? true {
                guard i + 1 < words.count else { break }
                let op = words[i], n = Int(words[i + 1])
                switch op {
                case 0:
                    guard i + 2 + n <= words.count else { throw ImagingError.invalidAttribute("Segmented Palette Color LUT Data", value: "discrete segment runs past the end", file: path) }
                    out.append(contentsOf: words[(i + 2) ..< (i + 2 + n)]); i += 2 + n
                case 1:
                    guard i + 2 < words.count, let y0 = out.last else { throw ImagingError.invalidAttribute("Segmented Palette Color LUT Data", value: "linear segment without a start value", file: path) }
                    let y1 = Double(words[i + 2]), a = Double(y0)
                    for j in 1 ... max(n, 1) where n > 0 {
                        out.append(UInt16((a + (y1 - a) * Double(j) / Double(n)).rounded()))
                    }
                    i += 3
                case 2:
                    guard i + 3 < words.count else { throw ImagingError.invalidAttribute("Segmented Palette Color LUT Data", value: "indirect segment truncated", file: path) }
                    let offset = Int(words[i + 2]) | Int(words[i + 3]) << 16
                    try run(offset / 2, segments: n, depth: depth + 1); i += 4
                default:
                    throw ImagingError.invalidAttribute("Segmented Palette Color LUT Data", value: "segment type \(op)", file: path)
                }
                done += 1
            }
        }
        try run(0, segments: nil, depth: 0)
        return out
    }

    /// Scales a LUT entry to 8 bits. Lenient: 16-bit descriptors over data that never exceeds 255
    /// (common in ultrasound) are read as 8-bit values.
    static func eightBit(_ t: LookupTable) -> [UInt8] {
        let shift = t.bitsPerEntry > 8 && (t.entries.max() ?? 0) > 255 ? t.bitsPerEntry - 8 : 0
        return t.entries.map { UInt8(truncatingIfNeeded: Int($0) >> shift) }
    }

    /// Maps indices to interleaved 8-bit RGB.
    public func rgb8(_ samples: PixelSamples) -> [UInt8] {
        let r = PaletteColorLUT.eightBit(red), g = PaletteColorLUT.eightBit(green), b = PaletteColorLUT.eightBit(blue)
        func look(_ t: LookupTable, _ e: [UInt8], _ x: Int) -> UInt8 {
            let i = x - t.firstMapped
            return e[i < 0 ? 0 : min(i, e.count - 1)]
        }
        var out = [UInt8](repeating: 0, count: samples.count * 3)
        for p in 0 ..< samples.count {
            let x = samples[p]
            out[3 * p] = look(red, r, x); out[3 * p + 1] = look(green, g, x); out[3 * p + 2] = look(blue, b, x)
        }
        return out
    }
}
